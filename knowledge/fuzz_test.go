package knowledge_test

import (
	"context"
	"errors"
	"fmt"
	"math"
	"slices"
	"strings"
	"testing"
	"unicode"
	"unicode/utf8"

	"github.com/nextdesk/nextdesk/index"
	"github.com/nextdesk/nextdesk/internal/badinput"
	"github.com/nextdesk/nextdesk/knowledge"
	"github.com/nextdesk/nextdesk/lexicon"
)

// FuzzText: the repairs every text goes through before it is kept or
// searched never fail, and give what they promise: CleanText valid UTF-8
// without control characters (but newlines and tabs), trimmed, and the
// same when repaired again; Truncate at most n bytes of the text, cut on a
// rune boundary and no shorter than it must be.
func FuzzText(f *testing.F) {
	for _, s := range badinput.Texts() {
		f.Add(s, uint16(10))
		f.Add(s, uint16(knowledge.MaxIndexedText))
	}
	f.Fuzz(func(t *testing.T, s string, bound uint16) {
		clean := knowledge.CleanText(s)
		if !utf8.ValidString(clean) {
			t.Fatalf("CleanText(%q) = %q, not UTF-8", s, clean)
		}
		if i := strings.IndexFunc(clean, func(r rune) bool { return unicode.IsControl(r) && r != '\n' && r != '\t' }); i >= 0 {
			t.Fatalf("CleanText(%q) = %q keeps a control character at %d", s, clean, i)
		}
		if clean != strings.TrimSpace(clean) {
			t.Fatalf("CleanText(%q) = %q, not trimmed", s, clean)
		}
		if again := knowledge.CleanText(clean); again != clean {
			t.Fatalf("CleanText is not idempotent: %q, then %q", clean, again)
		}
		// A run of bad bytes becomes one U+FFFD, three bytes.
		if len(clean) > 3*len(s) {
			t.Fatalf("CleanText(%q) grew to %d bytes", s, len(clean))
		}

		n := int(bound)
		for _, text := range []string{s, clean} {
			cut := knowledge.Truncate(text, n)
			if len(cut) > n || !strings.HasPrefix(text, cut) {
				t.Fatalf("Truncate(%q, %d) = %q: not a prefix of at most %d bytes", text, n, cut, n)
			}
			if utf8.ValidString(text) {
				if !utf8.ValidString(cut) {
					t.Fatalf("Truncate(%q, %d) = %q cuts a rune", text, n, cut)
				}
				if len(cut) < len(text) && len(cut) <= n-utf8.UTFMax {
					t.Fatalf("Truncate(%q, %d) = %q is shorter than it must be", text, n, cut)
				}
			}
			if again := knowledge.Truncate(cut, n); again != cut {
				t.Fatalf("Truncate(%q, %d) is not idempotent: %q", cut, n, again)
			}
		}

		if lang := knowledge.DetectLang(s); lang != "" && lang != "en" && lang != "fr" {
			t.Fatalf("DetectLang(%q) = %q", s, lang)
		}
		knowledge.Thanks(s)
		knowledge.CheckMark(s)
	})
}

// mustAnalysis opens an empty index for its analysis of text (Words,
// Terms), as the lexicon and the topic matcher use it.
func mustAnalysis(tb testing.TB) *index.Index {
	tb.Helper()
	ix, err := index.Open(tb.TempDir() + "/index")
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { ix.Close() })
	return ix
}

// mustLexicon builds the lexicon nextdesk runs with, with its fallback,
// from the FreeDict dictionaries; where they are not installed, from a
// few pairs of both kinds (words and phrases).
func mustLexicon(tb testing.TB, analyse func(string) []knowledge.Word) *knowledge.Lexicon {
	tb.Helper()
	pairs, err := lexicon.Load(lexicon.DefaultDir)
	if errors.Is(err, lexicon.ErrMissing) {
		tb.Logf("FreeDict dictionaries missing (%v): a small lexicon is fuzzed", err)
		l := knowledge.NewLexicon([]knowledge.Pair{
			{French: "imprimante", English: "printer"}, {French: "temps", English: "time"},
			{French: "temps", English: "weather"}, {French: "mot de passe", English: "password"},
			{French: "chercher", English: "look for"}, {French: "quelqu'un", English: "anybody"},
		}, analyse)
		l.Fallback = knowledge.NewLexicon([]knowledge.Pair{{French: "réinitialiser", English: "reset"}}, analyse)
		return l
	}
	if err != nil {
		tb.Fatal(err)
	}
	l := knowledge.NewLexicon(pairs, analyse)
	pivot, err := lexicon.LoadPivot(lexicon.DefaultDir)
	if err == nil {
		l.Fallback = knowledge.NewLexicon(pivot, analyse)
	}
	return l
}

// FuzzTranslateText: the lexicon translates any text the index has
// analysed, each translation a word of at least one term, weighing a
// finite share of one word's weight; and gives each word its own
// translations, or its phrase's (TranslateWords).
func FuzzTranslateText(f *testing.F) {
	ix := mustAnalysis(f)
	l := mustLexicon(f, ix.Words)
	for _, s := range badinput.Texts() {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, text string) {
		words := ix.Words(text)
		for _, w := range words {
			if len(w.Terms) == 0 || slices.Contains(w.Terms, "") || !utf8.ValidString(w.Text) {
				t.Fatalf("Words(%q) has the word %+v", text, w)
			}
		}
		for _, tr := range l.TranslateText(text, words) {
			if len(tr.Terms) == 0 || slices.Contains(tr.Terms, "") {
				t.Fatalf("TranslateText(%q) has a translation of terms %q", text, tr.Terms)
			}
			if !(tr.Weight > 0 && tr.Weight <= 1) {
				t.Fatalf("TranslateText(%q): %q weighs %v, want more than 0, at most 1", text, tr.Terms, tr.Weight)
			}
		}
		perWord := l.TranslateWords(text, words)
		if len(perWord) != len(words) {
			t.Fatalf("TranslateWords(%q) gave %d translations for %d words", text, len(perWord), len(words))
		}
		for i, trs := range perWord {
			for _, tr := range trs {
				if len(tr.Terms) == 0 || slices.Contains(tr.Terms, "") || !(tr.Weight > 0 && tr.Weight <= 1) {
					t.Fatalf("TranslateWords(%q): %q has a translation of terms %q weighing %v", text, words[i].Text, tr.Terms, tr.Weight)
				}
			}
		}
	})
}

// FuzzTopicMatch: any question matches the teams' topics with scores from
// 0 to 1, surest first, one match per team at most.
func FuzzTopicMatch(f *testing.F) {
	ix := mustAnalysis(f)
	m := knowledge.NewTopicMatcher(knowledge.Teams{
		{Name: "IT", Topics: []knowledge.Topic{
			{Name: "accès", Words: []string{"mot de passe", "VPN", "accès"}, Examples: []string{"Comment réinitialiser mon mot de passe ?"}},
			{Name: "printers", Words: []string{"printer", "imprimante"}},
		}},
		{Name: "Comptabilité", Topics: []knowledge.Topic{
			{Name: "notes de frais", Words: []string{"note de frais", "expense"}, Examples: []string{"How do I expense a train ticket?"}},
		}},
		{Name: "RH", Topics: []knowledge.Topic{{Name: "congés", Words: []string{"congés", "holiday", "accès"}}}},
	}, ix.Terms)
	for _, s := range badinput.Texts() {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, text string) {
		matches := m.Match(text)
		teams := make(map[string]bool)
		for i, mt := range matches {
			if !(mt.Score > 0 && mt.Score <= 1) || teams[mt.Team] {
				t.Fatalf("Match(%q) = %+v: a score out of (0, 1] or a team twice", text, matches)
			}
			teams[mt.Team] = true
			if i > 0 && mt.Score > matches[i-1].Score {
				t.Fatalf("Match(%q) = %+v, not surest first", text, matches)
			}
		}
		if best, ok := knowledge.Decide(matches); ok && best != matches[0] {
			t.Fatalf("Decide(%+v) = %+v, not the surest", matches, best)
		}
	})
}

// FuzzConsider asks the engine, on a real store and index with the
// lexicon, questions of any title and text: it judges them or refuses
// them as empty (EINVALID), never fails otherwise, and what it returns
// holds together: matches among the questions it knows, sameness and
// confidence from 0 to 1, experts other than the asker, best first, with
// scores from 0 to 1.
func FuzzConsider(f *testing.F) {
	e := mustWorkplace(f)
	e.Lexicon = mustLexicon(f, e.Index.(*counting).Index.Words)
	known := make(map[string]bool)
	for i := range workplace {
		known[fmt.Sprintf("q%02d", i)] = true
	}
	for _, s := range badinput.Texts() {
		f.Add("", s)
	}
	f.Add("VPN certificate `*` AND", "\u202e<!here> how do I reconnect?")
	f.Add("\xff", "")
	f.Add("Comment reconnecter le VPN", strings.Repeat("certificat ", 3000))
	ctx := context.Background()
	v := knowledge.Viewer{PersonID: "someone"}
	f.Fuzz(func(t *testing.T, title, text string) {
		q := knowledge.Question{ID: "new", Asker: "someone", Conversation: "C1", Title: title, Text: text}
		c, err := e.Consider(ctx, q, v)
		empty := knowledge.CleanText(q.SearchText()) == ""
		switch code := knowledge.ErrorCode(err); {
		case empty && code != knowledge.EINVALID:
			t.Fatalf("Consider(%q, %q) = %v, want EINVALID for an empty question", title, text, err)
		case !empty && err != nil:
			t.Fatalf("Consider(%q, %q): %v", title, text, err)
		}
		for _, m := range c.Matches {
			if !known[m.Question.ID] || !unit(m.Sameness) || !unit(m.Confidence) {
				t.Fatalf("Consider(%q, %q): match %s, sameness %v, confidence %v", title, text, m.Question.ID, m.Sameness, m.Confidence)
			}
		}
		for i, x := range c.Experts {
			if x.Person.ID == q.Asker || x.Person.ID == "" || !unit(x.Score) || !unit(x.Availability) || len(x.Evidence) > e.Policy.Evidence {
				t.Fatalf("Consider(%q, %q): expert %+v", title, text, x)
			}
			if i > 0 && x.Score > c.Experts[i-1].Score {
				t.Fatalf("Consider(%q, %q): experts not best first", title, text)
			}
		}
	})
}

// unit reports whether x is a number from 0 to 1.
func unit(x float64) bool { return x >= 0 && x <= 1 && !math.IsNaN(x) }
