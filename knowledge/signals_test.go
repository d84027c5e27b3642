package knowledge_test

import (
	"context"
	"fmt"
	"slices"
	"testing"
	"time"

	"github.com/nextdesk/nextdesk/index"
	"github.com/nextdesk/nextdesk/knowledge"
	"github.com/nextdesk/nextdesk/knowledge/sqlite/sqlitetest"
)

// counting counts the engine's calls to its index and store.
type counting struct {
	knowledge.Index
	knowledge.Source
	searches, consults int
}

func (c *counting) Search(ctx context.Context, q knowledge.SearchQuery) ([]knowledge.Hit, error) {
	c.searches++
	return c.Index.Search(ctx, q)
}

func (c *counting) Consult(ctx context.Context, v knowledge.Viewer, q knowledge.Consultation) (knowledge.Reading, error) {
	c.consults++
	return c.Source.Consult(ctx, v, q)
}

var day0 = time.Date(2026, 5, 4, 9, 0, 0, 0, time.UTC)

// mustEngine imports b into a real store and index.
func mustEngine(t testing.TB, b knowledge.Batch) (*knowledge.Engine, *counting) {
	t.Helper()
	ctx := context.Background()
	db := sqlitetest.MustOpen(t)
	ix, err := index.Open(t.TempDir() + "/index")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ix.Close() })
	// The people the tests ask as: the store restricts a viewer it has
	// never met to nothing (the bot meets whoever writes to it first).
	for _, id := range []string{"someone", "zoe", "dan", "gus", "hal", "ivy", "max"} {
		b.People = append(b.People, knowledge.Person{ID: id})
	}
	b.Conversations = append(b.Conversations,
		knowledge.Conversation{ID: "C1", Name: "help", Kind: knowledge.KindPublic},
		knowledge.Conversation{ID: "C2", Name: "other", Kind: knowledge.KindPublic})
	if _, err := db.Import(ctx, b); err != nil {
		t.Fatal(err)
	}
	if _, err := knowledge.Sync(ctx, db, ix); err != nil {
		t.Fatal(err)
	}
	c := &counting{Index: ix, Source: db}
	return knowledge.NewEngine(c, c), c
}

// answered returns a question asked in conv at t by asker, answered an
// hour later by answerer.
func answered(id, conv, asker, answerer, text string, t time.Time) knowledge.Question {
	return knowledge.Question{ID: id, Asker: asker, Conversation: conv, Text: text, Time: t,
		Answers: []knowledge.Answer{{ID: id + "a", Answerer: answerer, Text: "Try this.", Time: t.Add(time.Hour)}}}
}

// onTopic returns the same question asked by eve in C1 at t, once for each
// of answerers, who answered it; ids are prefix1, prefix2…
func onTopic(prefix, text string, t time.Time, answerers ...string) []knowledge.Question {
	qs := make([]knowledge.Question, len(answerers))
	for i, a := range answerers {
		qs[i] = answered(fmt.Sprint(prefix, i+1), "C1", "eve", a, text, t)
	}
	return qs
}

func TestConsiderSearchesAndReadsOnce(t *testing.T) {
	e, c := mustEngine(t, knowledge.Batch{Questions: []knowledge.Question{
		answered("q1", "C1", "ann", "bob", "How do I rotate the staging database password?", day0),
		answered("q2", "C1", "ann", "cyd", "Where are the staging database backups?", day0.Add(time.Hour)),
	}})
	got, err := e.Consider(context.Background(), knowledge.Question{Asker: "dan", Conversation: "C1", Text: "rotate the staging database password", Time: day0.AddDate(0, 0, 1)}, knowledge.Viewer{PersonID: "dan"})
	if err != nil {
		t.Fatal(err)
	}
	if c.searches != 1 || c.consults != 1 {
		t.Errorf("Consider searched %d times and read the store %d times, want once each", c.searches, c.consults)
	}
	if len(got.Matches) == 0 || got.Matches[0].Question.ID != "q1" || len(got.Experts) == 0 || got.Experts[0].Person.ID != "bob" {
		t.Errorf("Consider = %+v, want q1 first and bob first", got)
	}
	if got.Matches[0].AnsweredBy.ID != "bob" {
		t.Errorf("the first match's author = %+v, want bob", got.Matches[0].AnsweredBy)
	}
}

func TestExpertsWhoIsAroundNowComesFirst(t *testing.T) {
	// ann and bob each answered one question on the topic long ago. ann
	// answers more in this channel, but bob has been answering here for
	// the last hours, and ann not for weeks.
	qs := onTopic("k", "kafka consumer lag alert", day0.AddDate(0, -6, 0), "ann", "bob")
	for i := range 3 {
		qs = append(qs, answered(fmt.Sprint("r", i), "C1", "fay", "bob", "lunch menu today", day0.Add(time.Duration(-3+i)*time.Hour)))
	}
	for i := range 6 {
		qs = append(qs, answered(fmt.Sprint("o", i), "C1", "fay", "ann", fmt.Sprint("parking rule ", i), day0.AddDate(0, -2, i)))
	}
	e, _ := mustEngine(t, knowledge.Batch{Questions: qs})
	e.Policy.AvailabilityWeight = 0 // the hours of so few answers say little
	got, err := e.Experts(context.Background(), knowledge.Question{Asker: "gus", Conversation: "C1", Text: "kafka consumer lag", Time: day0}, knowledge.Viewer{PersonID: "gus"})
	if err != nil {
		t.Fatal(err)
	}
	if ids := expertIDs(got); len(ids) < 2 || ids[0] != "bob" {
		t.Errorf("experts = %v, want bob (around now) before ann", ids)
	}
	// Without that signal, ann, who answers more, would come first.
	e.Policy.RecentWeight = 0
	got, err = e.Experts(context.Background(), knowledge.Question{Asker: "gus", Conversation: "C1", Text: "kafka consumer lag", Time: day0}, knowledge.Viewer{PersonID: "gus"})
	if err != nil {
		t.Fatal(err)
	}
	if ids := expertIDs(got); len(ids) < 2 || ids[0] != "ann" {
		t.Errorf("experts without recent activity = %v, want ann first", ids)
	}
}

func TestExpertsWhoHelpedTheAskerBefore(t *testing.T) {
	// cyd and dee answered the same question on the topic, and as many
	// others elsewhere; but dee's three were hal's questions.
	qs := onTopic("t", "terraform state lock stuck", day0.AddDate(0, -2, 0), "cyd", "dee")
	for i := range 3 {
		qs = append(qs,
			answered(fmt.Sprint("h", i), "C2", "hal", "dee", fmt.Sprint("expense report number ", i), day0.AddDate(0, -3, i)),
			answered(fmt.Sprint("n", i), "C2", "nat", "cyd", fmt.Sprint("expense report number ", i), day0.AddDate(0, -3, i)))
	}
	e, _ := mustEngine(t, knowledge.Batch{Questions: qs})
	got, err := e.Experts(context.Background(), knowledge.Question{Asker: "hal", Conversation: "C1", Text: "terraform state lock", Time: day0}, knowledge.Viewer{PersonID: "hal"})
	if err != nil {
		t.Fatal(err)
	}
	if ids := expertIDs(got); len(ids) < 2 || ids[0] != "dee" {
		t.Errorf("experts for hal = %v, want dee (helped hal before) first", ids)
	}
	got, err = e.Experts(context.Background(), knowledge.Question{Asker: "ivy", Conversation: "C1", Text: "terraform state lock", Time: day0}, knowledge.Viewer{PersonID: "ivy"})
	if err != nil {
		t.Fatal(err)
	}
	if ids := expertIDs(got); len(ids) < 2 || ids[0] != "cyd" {
		t.Errorf("experts for ivy, whom nobody helped = %v, want cyd first (ties by id)", ids)
	}
}

func TestExpertEvidenceListsEachQuestionOnce(t *testing.T) {
	// The same question was posted in two channels, and answered by joe
	// in both.
	e, _ := mustEngine(t, knowledge.Batch{Questions: []knowledge.Question{
		answered("p1", "C1", "kim", "joe", "How do I renew the VPN certificate?", day0.AddDate(0, 0, -3)),
		answered("p2", "C2", "kim", "joe", "How do I renew the VPN certificate?", day0.AddDate(0, 0, -3)),
		answered("p3", "C1", "lou", "joe", "Renewing the VPN certificate fails with an error", day0.AddDate(0, 0, -2)),
	}})
	got, err := e.Experts(context.Background(), knowledge.Question{Asker: "max", Conversation: "C1", Text: "renew the VPN certificate", Time: day0}, knowledge.Viewer{PersonID: "max"})
	if err != nil {
		t.Fatal(err)
	}
	if len(got) == 0 || got[0].Person.ID != "joe" {
		t.Fatalf("experts = %v, want joe", expertIDs(got))
	}
	var texts []string
	for _, ev := range got[0].Evidence {
		texts = append(texts, ev.Text)
	}
	if len(texts) != 2 || texts[0] == texts[1] {
		t.Errorf("joe's evidence = %q, want the two distinct questions once each", texts)
	}
}

func TestExpertsWhoAskedAndGotAnAnswer(t *testing.T) {
	// cyd and dee answered the same question on the topic, and as many
	// others elsewhere. dee also asked about it, and ann answered; cyd
	// asked too, but nobody answered; fay asked and got ann's answer, but
	// never answered anything on the topic.
	qs := append(onTopic("g", "grafana dashboard export to json", day0.AddDate(0, -2, 0), "cyd", "dee"),
		answered("g3", "C1", "dee", "ann", "grafana dashboard export loses panels", day0.AddDate(0, -1, 0)),
		knowledge.Question{ID: "g4", Asker: "cyd", Conversation: "C1", Text: "grafana dashboard export loses panels", Time: day0.AddDate(0, -1, 0)},
		answered("g5", "C1", "fay", "ann", "grafana dashboard export to pdf", day0.AddDate(0, -1, 1)))
	for i := range 3 {
		qs = append(qs,
			answered(fmt.Sprint("c", i), "C2", "nat", "cyd", fmt.Sprint("expense report number ", i), day0.AddDate(0, -3, i)),
			answered(fmt.Sprint("d", i), "C2", "nat", "dee", fmt.Sprint("expense report number ", i), day0.AddDate(0, -3, i)))
	}
	e, _ := mustEngine(t, knowledge.Batch{Questions: qs})
	e.Policy.AvailabilityWeight = 0
	ask := knowledge.Question{Asker: "ivy", Conversation: "C2", Text: "grafana dashboard export panels", Time: day0}
	got, err := e.Experts(context.Background(), ask, knowledge.Viewer{PersonID: "ivy"})
	if err != nil {
		t.Fatal(err)
	}
	ids := expertIDs(got)
	if slices.Contains(ids, "fay") {
		t.Errorf("experts = %v: fay only asked, and is no expert", ids)
	}
	if i, j := slices.Index(ids, "dee"), slices.Index(ids, "cyd"); i < 0 || j < 0 || i > j {
		t.Fatalf("experts = %v, want dee (asked, and read ann's answer) before cyd (asked, unanswered)", ids)
	}
	dee := got[slices.Index(ids, "dee")].Evidence
	if len(dee) == 0 || dee[0].Asked {
		t.Errorf("dee's evidence = %+v, want what dee answered first", dee)
	}
	var asked []string
	for _, ev := range dee {
		if ev.Asked {
			asked = append(asked, ev.QuestionID)
		}
	}
	if !slices.Equal(asked, []string{"g3"}) {
		t.Errorf("dee's evidence asked = %v, want [g3]", asked)
	}
	// Without that signal, cyd and dee tie and cyd comes first by id.
	e.Policy.AskedWeight = 0
	if got, err = e.Experts(context.Background(), ask, knowledge.Viewer{PersonID: "ivy"}); err != nil {
		t.Fatal(err)
	}
	ids = expertIDs(got)
	if i, j := slices.Index(ids, "dee"), slices.Index(ids, "cyd"); i < 0 || j < 0 || j > i {
		t.Errorf("experts without AskedWeight = %v, want cyd before dee", ids)
	}
}

func TestExpertsWhoAnswersWhereTheQuestionIsAsked(t *testing.T) {
	// ann and bob answered the same question on the topic. bob answers a
	// lot in C1, ann a little more in C2; nobody answered in C3.
	qs := onTopic("s", "sentry alert routing rules", day0.AddDate(0, -2, 0), "ann", "bob")
	for i := range 4 {
		qs = append(qs, answered(fmt.Sprint("b", i), "C1", "fay", "bob", fmt.Sprint("lunch menu ", i), day0.AddDate(0, -1, i)))
	}
	for i := range 6 {
		qs = append(qs, answered(fmt.Sprint("a", i), "C2", "fay", "ann", fmt.Sprint("parking rule ", i), day0.AddDate(0, -1, i)))
	}
	b := knowledge.Batch{Questions: qs, Conversations: []knowledge.Conversation{{ID: "C3", Name: "new", Kind: knowledge.KindPublic}}}
	e, _ := mustEngine(t, b)
	e.Policy.RecentWeight, e.Policy.AvailabilityWeight = 0, 0
	for conv, want := range map[string]string{"C1": "bob", "C2": "ann", "C3": "ann"} {
		got, err := e.Experts(context.Background(), knowledge.Question{Asker: "gus", Conversation: conv, Text: "sentry alert routing", Time: day0}, knowledge.Viewer{PersonID: "gus"})
		if err != nil {
			t.Fatal(err)
		}
		if ids := expertIDs(got); len(ids) != 2 || ids[0] != want {
			t.Errorf("experts asked in %s = %v, want %s first", conv, ids, want)
		}
	}
}

func TestExpertsEvidenceFromTheSameConversationCountsMore(t *testing.T) {
	// ann answered the question in C1, bob the same question in C2.
	e, _ := mustEngine(t, knowledge.Batch{Questions: []knowledge.Question{
		answered("v1", "C1", "eve", "ann", "vault token renewal fails", day0.AddDate(0, -1, 0)),
		answered("v2", "C2", "eve", "bob", "vault token renewal fails", day0.AddDate(0, -1, 0)),
	}})
	// Only the text evidence speaks.
	e.Policy.ActivityWeight, e.Policy.RecentWeight, e.Policy.AvailabilityWeight = 0, 0, 0
	first := func() string {
		t.Helper()
		got, err := e.Experts(context.Background(), knowledge.Question{Asker: "gus", Conversation: "C2", Text: "vault token renewal", Time: day0}, knowledge.Viewer{PersonID: "gus"})
		if err != nil {
			t.Fatal(err)
		}
		if len(got) != 2 {
			t.Fatalf("experts = %v, want ann and bob", expertIDs(got))
		}
		return got[0].Person.ID
	}
	if p := first(); p != "bob" {
		t.Errorf("asked in C2, %s came first, want bob, who answered there", p)
	}
	e.Policy.SameConversationBoost = 0
	if p := first(); p != "ann" {
		t.Errorf("without the boost, %s came first, want ann (a tie, by id)", p)
	}
}

// reversed is an index that returns its hits in the opposite order, as
// another segment layout may order near-equal scores.
type reversed struct{ knowledge.Index }

func (r reversed) Search(ctx context.Context, q knowledge.SearchQuery) ([]knowledge.Hit, error) {
	hits, err := r.Index.Search(ctx, q)
	slices.Reverse(hits)
	return hits, err
}

// TestCopiesAreOneMatch: a question posted twice, word for word, is one
// match, and the same copy stands for it whatever order the index gives
// them in: the one whose answer was accepted.
func TestCopiesAreOneMatch(t *testing.T) {
	text := "How do I rotate the signing key of the billing service?"
	plain := answered("copy-a", "C1", "eve", "dan", text, day0)
	accepted := answered("copy-z", "C2", "eve", "gus", text, day0.Add(24*time.Hour))
	accepted.Answers[0].Accepted = true
	_, c := mustEngine(t, knowledge.Batch{Questions: []knowledge.Question{plain, accepted}})
	q := knowledge.Question{Asker: "someone", Text: text, Time: day0.Add(48 * time.Hour)}
	for _, ix := range []knowledge.Index{c.Index, reversed{c.Index}} {
		got, err := knowledge.NewEngine(c.Source, ix).Similar(context.Background(), q, knowledge.Viewer{PersonID: "someone"})
		if err != nil {
			t.Fatal(err)
		}
		var ids []string
		for _, m := range got {
			ids = append(ids, m.Question.ID)
		}
		if !slices.Equal(ids, []string{"copy-z"}) {
			t.Errorf("matches %v (index %T), want the accepted copy alone", ids, ix)
		}
	}
}
