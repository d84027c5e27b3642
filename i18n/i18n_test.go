package i18n

import (
	"os"
	"path/filepath"
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

// countInvariant are the messages with a number that reads right whatever
// the count, in both languages (units, abbreviations, a count after a
// colon or beside a word that does not agree with it). Any other message
// with a %d needs a ".one" and an ".other" form.
var countInvariant = map[string]string{
	"duration.minutes":       "“%d min” is both singular and plural",
	"duration.hours":         "“%d h” is both singular and plural",
	"duration.hours_minutes": "“%d h %d min” is both singular and plural",
	"figures.answered":       "“*1* answered”, “*1* avec réponse”",
	"topics.rising_item":     "“(1 this week …)”, “(1 cette semaine …)”",
	"desk.me_text_waiting":   "the count follows a colon",
	"digest.summary":         "“1 answered”, “1 avec réponse”",
	"work.hours_minutes":     "“1h30 of working time”, “1h30 ouvrées”: over an hour, always plural",
}

// TestCountsHavePluralForms catches a message written for one count only:
// every message with an integer verb has both forms, unless it is listed
// as reading right for any count; and every plural message has both.
func TestCountsHavePluralForms(t *testing.T) {
	for lang, messages := range catalogues {
		for id, text := range messages {
			base, form, plural := strings.Cut(id, ".one")
			if !plural {
				base, form, plural = strings.Cut(id, ".other")
			}
			if plural && form == "" {
				for _, f := range []string{".one", ".other"} {
					if _, ok := messages[base+f]; !ok {
						t.Errorf("%s: %s has no %s form", lang, id, base+f)
					}
				}
				continue
			}
			if strings.Contains(text, "d") && slices.ContainsFunc(verbs(text), func(v string) bool { return strings.HasSuffix(v, "d") }) {
				if _, ok := countInvariant[id]; !ok {
					t.Errorf("%s: %q counts (%q) but has no .one and .other forms: add them and call Trn, or list it in countInvariant with why", lang, id, text)
				}
			}
		}
	}
	for id := range countInvariant {
		if _, ok := messagesEN[id]; !ok {
			t.Errorf("countInvariant lists %s, which is not a message", id)
		}
	}
}

// TestCallersUseTheRightForm reads every call of Tr and Trn in nextdesk's
// sources: Tr must name a message (not one that only exists in plural
// forms), Trn a message with both forms in every language.
func TestCallersUseTheRightForm(t *testing.T) {
	callRE := regexp.MustCompile(`i18n\.(Trn?)\([^,]+, "([a-z_.]+)"\s*[,)]`)
	files, err := filepath.Glob("../*/*.go")
	if err != nil {
		t.Fatal(err)
	}
	more, _ := filepath.Glob("../*/*/*.go")
	calls := 0
	for _, f := range append(files, more...) {
		if strings.HasSuffix(f, "_test.go") {
			continue
		}
		src, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		for _, m := range callRE.FindAllStringSubmatch(string(src), -1) {
			calls++
			fn, id := m[1], m[2]
			for lang, messages := range catalogues {
				if fn == "Tr" {
					if _, ok := messages[id]; !ok {
						t.Errorf("%s: Tr(%q): no %s message (a count needs Trn)", f, id, lang)
					}
					continue
				}
				for _, form := range []string{".one", ".other"} {
					if _, ok := messages[id+form]; !ok {
						t.Errorf("%s: Trn(%q): no %s form in %s", f, id, form, lang)
					}
				}
			}
		}
	}
	if calls < 50 {
		t.Errorf("found %d calls of Tr and Trn, want the sources' many: is the pattern stale?", calls)
	}
}
