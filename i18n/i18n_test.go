package i18n

import (
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// verbRE matches fmt verbs with their explicit argument index, ignoring
// flags and widths, which may differ between languages.
var verbRE = regexp.MustCompile(`%(\[\d+\])?[-+# 0-9.]*[a-zA-Z%]`)

func verbs(format string) []string {
	var out []string
	for _, m := range verbRE.FindAllStringSubmatch(format, -1) {
		v := m[0]
		out = append(out, m[1]+v[len(v)-1:])
	}
	slices.Sort(out)
	return out
}

func TestCataloguesAgree(t *testing.T) {
	for lang, messages := range catalogues {
		for id, text := range messages {
			en, ok := messagesEN[id]
			if !ok {
				t.Errorf("%s: %s has no English text", id, lang)
				continue
			}
			if diff := cmp.Diff(verbs(text), verbs(en)); diff != "" {
				t.Errorf("%s: %s verbs differ from English (-%s +en):\n%s", id, lang, lang, diff)
			}
			if strings.TrimSpace(text) == "" || strings.Contains(text, "%%") {
				t.Errorf("%s: %s text %q is empty or has %%%% (Tr prints formats without arguments as they are)", id, lang, text)
			}
		}
		for id := range messagesEN {
			if _, ok := messages[id]; !ok {
				t.Errorf("%s: no %s text", id, lang)
			}
		}
	}
}

func TestLangOf(t *testing.T) {
	for _, c := range []struct{ locale, fallback, want string }{
		{"fr-FR", EN, FR},
		{"fr-CA", EN, FR},
		{"en-GB", FR, EN},
		{"de-DE", FR, FR},
		{"", EN, EN},
	} {
		if got := LangOf(c.locale, c.fallback); got != c.want {
			t.Errorf("LangOf(%q, %q) = %q, want %q", c.locale, c.fallback, got, c.want)
		}
	}
}

func TestTr(t *testing.T) {
	if got := Tr(FR, "no such message"); got != "no such message" {
		t.Errorf("a missing message should show its id, got %q", got)
	}
	for _, c := range []struct {
		lang string
		n    int
		want string
	}{
		{EN, 0, "other"}, {EN, 1, "one"}, {EN, 2, "other"},
		{FR, 0, "one"}, {FR, 1, "one"}, {FR, 2, "other"},
	} {
		got := Trn(c.lang, "x", c.n)
		if !strings.HasSuffix(got, "."+c.want) {
			t.Errorf("Trn(%s, %d) picked %q, want the .%s form", c.lang, c.n, got, c.want)
		}
	}
}
