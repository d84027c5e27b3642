package lexicon

import (
	"errors"
	"strings"
	"testing"
)

// TestWorkplaceHidesNoSingular checks the words of work against the
// dictionaries: a word in the plural that the dictionaries do not list,
// French or English, would be looked up instead of its singular, and hide
// the singular's senses ("hours" would lose "heure", "droits" "droit").
func TestWorkplaceHidesNoSingular(t *testing.T) {
	pairs, err := Load(DefaultDir)
	if errors.Is(err, ErrMissing) {
		t.Skipf("needs the FreeDict dictionaries (.ci/run installs them): %v", err)
	}
	if err != nil {
		t.Fatal(err)
	}
	english, french := make(map[string]bool), make(map[string]bool)
	for _, p := range pairs[2*len(workplace):] {
		english[strings.ToLower(p.English)] = true
		french[strings.ToLower(p.French)] = true
	}
	hides := func(word string, listed map[string]bool) (string, bool) {
		word = strings.ToLower(word)
		if strings.Contains(word, " ") || listed[word] {
			return "", false
		}
		for _, end := range []struct{ plural, singular string }{{"s", ""}, {"x", ""}, {"aux", "al"}} {
			if stem, plural := strings.CutSuffix(word, end.plural); plural && listed[stem+end.singular] {
				return stem + end.singular, true
			}
		}
		return "", false
	}
	for _, p := range workplace {
		if singular, ok := hides(p.English, english); ok {
			t.Errorf("%q for %q hides the dictionaries' %q", p.English, p.French, singular)
		}
		if singular, ok := hides(p.French, french); ok {
			t.Errorf("%q hides the dictionaries' %q", p.French, singular)
		}
	}
}
