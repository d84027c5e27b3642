package index

import (
	"context"
	"math"
	"slices"
	"testing"
	"unicode/utf8"

	"github.com/nextdesk/nextdesk/internal/badinput"
	"github.com/nextdesk/nextdesk/knowledge"
)

// FuzzSearch searches a small real index with any text: the text is only
// ever words (a hit shares a term with the text's words, so `*` or
// `title:x` matches nothing it does not hold as a word), a search never
// fails but for a weight that is not a finite number at least 0
// (EINVALID), and what it finds is visible to the searcher, best first,
// each question once, within the limit.
func FuzzSearch(f *testing.F) {
	ix := MustOpenIndex(f)
	changes := append(slices.Clone(corpus),
		privateQ(8, "secret", "G1", "The staging database password rotation"),
		publicQ(9, "emoji", "🔥 the build is on fire 🚒 again", "`kubectl rollout undo` fixed it"))
	MustApply(f, ix, changes...)
	// Each question's terms, and its answers'.
	asked, answered := make(map[string][]string), make(map[string][]string)
	public := make(map[string]bool)
	for _, c := range changes {
		asked[c.Question.ID] = ix.Terms(c.Question.Text)
		answered[c.Question.ID] = ix.Terms(answerText(c.Question.Answers))
		public[c.Question.ID] = c.Public
	}
	for _, s := range badinput.Texts() {
		f.Add(s, 1.0, int8(0), false, false)
	}
	f.Add("coffee machine", 0.0, int8(1), true, true)
	f.Add("staging password", math.NaN(), int8(-1), true, false)
	f.Add("build", math.Inf(1), int8(3), false, true)
	f.Add("certificat", -0.5, int8(100), false, false)
	ctx := context.Background()
	f.Fuzz(func(t *testing.T, text string, weight float64, limit int8, member, restricted bool) {
		words := ix.Words(text)
		queried := make(map[string]bool)
		for _, w := range words {
			if len(w.Terms) == 0 || !utf8.ValidString(w.Text) {
				t.Fatalf("Words(%q) has the word %+v", text, w)
			}
			for _, term := range w.Terms {
				if term == "" || !utf8.ValidString(term) {
					t.Fatalf("Words(%q) has the term %q", text, term)
				}
				queried[term] = true
			}
		}
		q := knowledge.SearchQuery{Text: text, AnswerWeight: weight, Limit: int(limit), Restricted: restricted}
		if member {
			q.Conversations = []string{"G1"}
		}
		hits, err := ix.Search(ctx, q)
		valid := weight >= 0 && !math.IsInf(weight, 0) && !math.IsNaN(weight)
		switch {
		case !valid && knowledge.ErrorCode(err) != knowledge.EINVALID:
			t.Fatalf("Search(%q) with answer weight %v: %v, want EINVALID", text, weight, err)
		case valid && err != nil:
			t.Fatalf("Search(%q): %v", text, err)
		}
		want := int(limit)
		if want <= 0 {
			want = defaultLimit
		}
		if len(hits) > want {
			t.Fatalf("Search(%q) with limit %d: %d hits", text, limit, len(hits))
		}
		seen := make(map[string]bool)
		for i, h := range hits {
			if seen[h.QuestionID] || !(h.Score > 0) || math.IsInf(h.Score, 0) {
				t.Fatalf("Search(%q) = %+v: a question twice or a score not positive", text, hits)
			}
			seen[h.QuestionID] = true
			if i > 0 && h.Score > hits[i-1].Score {
				t.Fatalf("Search(%q) = %+v, not best first", text, hits)
			}
			if public[h.QuestionID] && restricted || !public[h.QuestionID] && !member {
				t.Fatalf("Search(%q) (member %v, restricted %v) found %s, which the searcher may not see", text, member, restricted, h.QuestionID)
			}
			// With no weight on answers, only the question's own text
			// can match.
			has := asked[h.QuestionID]
			if weight > 0 {
				has = append(slices.Clone(has), answered[h.QuestionID]...)
			}
			if !slices.ContainsFunc(has, func(term string) bool { return queried[term] }) {
				t.Fatalf("Search(%q) found %s, which holds none of its terms %v: the text was read as query syntax", text, h.QuestionID, words)
			}
		}
	})
}

// FuzzMarks rewrites any text: every byte stays where it was but those of
// the forms it joins or blanks, so the words after them keep their
// offsets, and valid UTF-8 stays valid.
func FuzzMarks(f *testing.F) {
	for _, s := range badinput.Texts() {
		f.Add(s)
	}
	for _, s := range []string{"y a-t-il", "A-T-ELLE", "e-mail", "E-santé-t-il", "-t-", "e-", "é-e-é", "a-t-elles-t-on",
		"salarié·e·s", "ami(e)s", "é(e", "ab.e.", "ab·", "ab\xc2", "ab(s)s", "xx·ère·S", "le.e-mail", "5 000", "1 250 000", "12 34", " 000"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, text string) {
		in := []byte(text)
		out := marks{}.Filter(in)
		if len(out) != len(in) {
			t.Fatalf("Filter(%q) = %q: %d bytes, want %d", text, out, len(out), len(in))
		}
		if utf8.ValidString(text) && !utf8.Valid(out) {
			t.Fatalf("Filter(%q) = %q: not UTF-8", text, out)
		}
		if string(in) != text {
			t.Fatalf("Filter changed its input")
		}
	})
}
