package sqlite_test

import (
	"context"
	"fmt"
	"slices"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/nextdesk/nextdesk/knowledge"
	"github.com/nextdesk/nextdesk/knowledge/desk"
	"github.com/nextdesk/nextdesk/knowledge/sqlite"
	"github.com/nextdesk/nextdesk/knowledge/sqlite/sqlitetest"
)

var monday = time.Date(2026, 11, 16, 0, 0, 0, 0, time.UTC)

func day(n int, hour int) time.Time { return monday.Add(time.Duration(24*n+hour) * time.Hour) }

// digestFixture holds a public channel, a private one (alice and bob), a
// DM (alice with the bot) and a group DM, with questions across a week.
func digestFixture(t *testing.T, db *sqlite.DB) {
	t.Helper()
	b := knowledge.Batch{
		People: []knowledge.Person{
			{ID: "UA", Name: "alice", Email: "Alice@Corp.fr"},
			{ID: "UB", Name: "bob", Email: "bob@corp.fr"},
			{ID: "UC", Name: "carol", Email: "bob@corp.fr", Deleted: true},
		},
		Conversations: []knowledge.Conversation{
			{ID: "CPUB", Name: "help", Kind: knowledge.KindPublic},
			{ID: "GPRIV", Name: "secret", Kind: knowledge.KindPrivate, Members: []string{"UA", "UB"}},
			{ID: "DA", Kind: knowledge.KindDM, Members: []string{"UA"}},
			{ID: "GM", Kind: knowledge.KindGroupDM, Members: []string{"UA", "UB", "UC"}},
		},
		Questions: []knowledge.Question{
			{ID: "before", Asker: "UA", Conversation: "CPUB", Text: "last sunday", Time: day(-1, 23)},
			{ID: "pub1", Asker: "UA", Conversation: "CPUB", Text: "how to deploy kubernetes", Time: day(0, 0),
				Answers: []knowledge.Answer{
					{ID: "pub1-b", Answerer: "UB", Text: "use helm", Time: day(0, 2)},
					{ID: "pub1-c", Answerer: "UC", Text: "or kubectl", Time: day(0, 1)},
				}},
			{ID: "priv1", Asker: "UB", Conversation: "GPRIV", Text: "salary grid", Time: day(1, 9),
				Answers: []knowledge.Answer{{ID: "priv1-a", Answerer: "UA", Text: "ask HR", Time: day(1, 10)}}},
			{ID: "dm1", Asker: "UA", Conversation: "DA", Text: "my own question", Time: day(2, 9)},
			{ID: "gm1", Asker: "UA", Conversation: "GM", Text: "group question", Time: day(3, 9),
				Answers: []knowledge.Answer{{ID: "gm1-b", Answerer: "UB", Text: "group answer", Time: day(3, 10)}}},
			{ID: "pub2", Asker: "UB", Conversation: "CPUB", Text: "unanswered one", Time: day(6, 23)},
			{ID: "gone", Asker: "UB", Conversation: "CPUB", Text: "deleted", Time: day(4, 9)},
			{ID: "after", Asker: "UA", Conversation: "CPUB", Text: "next monday", Time: day(7, 0)},
		},
	}
	ctx := context.Background()
	if _, err := db.Import(ctx, b); err != nil {
		t.Fatal(err)
	}
	if err := db.DeleteQuestion(ctx, "gone"); err != nil {
		t.Fatal(err)
	}
	// The bot has just read the private channel's members: an export's
	// list alone gives nobody access.
	if err := db.CacheConversation(ctx, b.Conversations[1], time.Now()); err != nil {
		t.Fatal(err)
	}
}

func ids(qs []knowledge.Question) []string {
	var out []string
	for _, q := range qs {
		out = append(out, q.ID)
	}
	return out
}

func TestQuestionsAskedByViewer(t *testing.T) {
	ctx := context.Background()
	db := sqlitetest.MustOpen(t)
	digestFixture(t, db)
	for _, c := range []struct {
		viewer knowledge.Viewer
		want   []string
	}{
		{knowledge.Anonymous, []string{"pub1", "pub2"}},
		{knowledge.Viewer{PersonID: "UA"}, []string{"pub1", "priv1", "dm1", "gm1", "pub2"}},
		{knowledge.Viewer{PersonID: "UB"}, []string{"pub1", "priv1", "gm1", "pub2"}},
		{knowledge.Viewer{PersonID: "UZ"}, nil}, // unknown: maybe a guest, or of another organisation
	} {
		qs, err := db.QuestionsAsked(ctx, c.viewer, monday, monday.AddDate(0, 0, 7))
		if err != nil {
			t.Fatal(err)
		}
		if diff := cmp.Diff(ids(qs), c.want); diff != "" {
			t.Errorf("viewer %q (-got +want):\n%s", c.viewer.PersonID, diff)
		}
	}
	qs, err := db.QuestionsAsked(ctx, knowledge.Anonymous, monday, monday.Add(time.Hour))
	if err != nil || len(qs) != 1 {
		t.Fatalf("first hour: %v, %v", ids(qs), err)
	}
	var answers []string
	for _, a := range qs[0].Answers {
		answers = append(answers, a.ID)
	}
	// Answers come oldest first, whatever their order of writing.
	if diff := cmp.Diff(answers, []string{"pub1-c", "pub1-b"}); diff != "" {
		t.Errorf("answers of pub1 (-got +want):\n%s", diff)
	}
	if _, err := db.QuestionsAsked(ctx, knowledge.Anonymous, monday, monday.Add(-time.Second)); knowledge.ErrorCode(err) != knowledge.EINVALID {
		t.Errorf("backwards period: err = %v, want EINVALID", err)
	}
}

func TestEachAnsweredTextByViewer(t *testing.T) {
	ctx := context.Background()
	db := sqlitetest.MustOpen(t)
	digestFixture(t, db)
	collect := func(v knowledge.Viewer) []string {
		var texts []string
		if err := db.EachAnsweredText(ctx, v, func(s string) error { texts = append(texts, s); return nil }); err != nil {
			t.Fatal(err)
		}
		return texts
	}
	sorted := func(s []string) []string { slices.Sort(s); return s }
	if diff := cmp.Diff(sorted(collect(knowledge.Anonymous)), []string{"\nhow to deploy kubernetes", "or kubectl", "use helm"}); diff != "" {
		t.Errorf("public texts (-got +want):\n%s", diff)
	}
	if got := len(collect(knowledge.Viewer{PersonID: "UB"})); got != 7 {
		t.Errorf("bob sees %d texts, want 7 (public, private channel and group DM)", got)
	}
	stop := fmt.Errorf("stop")
	n := 0
	err := db.EachAnsweredText(ctx, knowledge.Anonymous, func(string) error { n++; return stop })
	if err == nil || n != 1 {
		t.Errorf("stopping: %d calls, err %v; want 1 call and the error", n, err)
	}
}

func TestBotRecordsForTheDigest(t *testing.T) {
	ctx := context.Background()
	db := sqlitetest.MustOpen(t)
	digestFixture(t, db)
	ask := func(key string, q knowledge.Question, a knowledge.Ask, experts ...string) {
		t.Helper()
		_, err := db.Once(ctx, key, func(tx desk.Tx) error {
			if err := tx.AddQuestion(ctx, q); err != nil {
				return err
			}
			if err := tx.AddAsk(ctx, a); err != nil {
				return err
			}
			for _, e := range experts {
				if _, err := tx.AddRoute(ctx, knowledge.Route{QuestionID: q.ID, Expert: e}); err != nil {
					return err
				}
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
	}
	q := func(id string) knowledge.Question {
		return knowledge.Question{ID: id, Asker: "UA", Conversation: "CPUB", Text: "q " + id, Time: day(1, 1)}
	}
	ask("e1", q("reused"), knowledge.Ask{QuestionID: "reused", Asker: "UA", Channel: "CPUB", Status: knowledge.StatusSolved, Offered: "pub1-b"})
	ask("e2", q("offered"), knowledge.Ask{QuestionID: "offered", Asker: "UA", Channel: "CPUB", Status: knowledge.StatusOffered, Offered: "pub1-b"})
	ask("e3", q("rerouted"), knowledge.Ask{QuestionID: "rerouted", Asker: "UA", Channel: "CPUB", Offered: "pub1-b"}, "UB")
	ask("e4", q("routed"), knowledge.Ask{QuestionID: "routed", Asker: "UA", Channel: "CPUB"}, "UC", "UB")
	ask("e5", q("gap"), knowledge.Ask{QuestionID: "gap", Asker: "UA", Channel: "CPUB", Status: knowledge.StatusUnanswered, Offered: "gm1-b"})

	asks, err := db.AsksOf(ctx, []string{"reused", "routed", "pub1", "nope"})
	if err != nil {
		t.Fatal(err)
	}
	if len(asks) != 2 || asks["reused"].Offered != "pub1-b" || asks["routed"].Status != knowledge.StatusOpen {
		t.Errorf("AsksOf = %+v", asks)
	}
	routes, err := db.RoutesOf(ctx, []string{"routed", "rerouted", "reused"})
	if err != nil {
		t.Fatal(err)
	}
	experts := map[string][]string{}
	for id, rs := range routes {
		for _, r := range rs {
			experts[id] = append(experts[id], r.Expert)
		}
	}
	if diff := cmp.Diff(experts, map[string][]string{"routed": {"UC", "UB"}, "rerouted": {"UB"}}); diff != "" {
		t.Errorf("RoutesOf (-got +want):\n%s", diff)
	}
	reuses, err := db.InstantReuses(ctx, []string{"pub1-b", "gm1-b", "pub1-c"})
	if err != nil {
		t.Fatal(err)
	}
	// Solved and still offered count; re-routed and given up do not.
	if diff := cmp.Diff(reuses, map[string]int{"pub1-b": 2}); diff != "" {
		t.Errorf("InstantReuses (-got +want):\n%s", diff)
	}
}

func TestFirstAnswerAskers(t *testing.T) {
	ctx := context.Background()
	db := sqlitetest.MustOpen(t)
	digestFixture(t, db)
	// pub1's first answer is carol's (01:00), bob's came later.
	for who, want := range map[string]map[string]int{
		"UC": {"UA": 1},
		"UB": {"UA": 1}, // the group DM question
		"UA": {"UB": 1}, // the private channel question
		"":   {},
	} {
		got, err := db.FirstAnswerAskers(ctx, who)
		if err != nil {
			t.Fatal(err)
		}
		if diff := cmp.Diff(got, want); diff != "" {
			t.Errorf("FirstAnswerAskers(%q) (-got +want):\n%s", who, diff)
		}
	}
	// Routed first to bob, answered first by carol: not direct for either.
	_, err := db.Once(ctx, "k", func(tx desk.Tx) error {
		q := knowledge.Question{ID: "r", Asker: "UA", Conversation: "CPUB", Text: "routed", Time: day(1, 0),
			Answers: []knowledge.Answer{{ID: "r-c", Answerer: "UC", Text: "carol knew", Time: day(1, 1)}}}
		if err := tx.AddQuestion(ctx, q); err != nil {
			return err
		}
		if err := tx.AddAsk(ctx, knowledge.Ask{QuestionID: "r", Asker: "UA", Channel: "CPUB"}); err != nil {
			return err
		}
		_, err := tx.AddRoute(ctx, knowledge.Route{QuestionID: "r", Expert: "UB"})
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	got, err := db.FirstAnswerAskers(ctx, "UC")
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(got, map[string]int{"UA": 1}); diff != "" {
		t.Errorf("after a route to someone else (-got +want):\n%s", diff)
	}
}

func TestDigestSubscribers(t *testing.T) {
	ctx := context.Background()
	db := sqlitetest.MustOpen(t)
	subscribe := func(who string, on bool) error {
		_, err := db.Once(ctx, fmt.Sprintf("sub:%s:%v:%d", who, on, time.Now().UnixNano()), func(tx desk.Tx) error {
			return tx.SetDigestSubscription(ctx, who, on)
		})
		return err
	}
	for _, s := range []struct {
		who string
		on  bool
	}{{"UB", true}, {"UA", true}, {"UA", true}, {"UC", true}, {"UC", false}, {"UZ", false}} {
		if err := subscribe(s.who, s.on); err != nil {
			t.Fatal(err)
		}
	}
	var (
		got []string
		on  map[string]bool = map[string]bool{}
	)
	err := db.View(ctx, func(r desk.Reader) (err error) {
		if got, err = r.DigestSubscribers(ctx); err != nil {
			return err
		}
		for _, who := range []string{"UA", "UC"} {
			if on[who], err = r.DigestSubscribed(ctx, who); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(got, []string{"UA", "UB"}); diff != "" {
		t.Errorf("subscribers (-got +want):\n%s", diff)
	}
	if diff := cmp.Diff(on, map[string]bool{"UA": true, "UC": false}); diff != "" {
		t.Errorf("subscribed (-got +want):\n%s", diff)
	}
	if err := subscribe("", true); knowledge.ErrorCode(err) != knowledge.EINVALID {
		t.Errorf("no person: err = %v, want EINVALID", err)
	}
}

func TestOrgChartStore(t *testing.T) {
	ctx := context.Background()
	db := sqlitetest.MustOpen(t)
	digestFixture(t, db)
	if got, err := db.OrgChart(ctx); err != nil || len(got) != 0 {
		t.Fatalf("empty chart: %v, %v", got, err)
	}
	first := map[string]string{"UA": "UB", "UC": "UB"}
	second := map[string]string{"UA": "boss@corp.fr", "": "UB", "UB": ""}
	for _, m := range []map[string]string{first, second} {
		if err := db.ReplaceOrgChart(ctx, m); err != nil {
			t.Fatal(err)
		}
	}
	got, err := db.OrgChart(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(got, map[string]string{"UA": "boss@corp.fr"}); diff != "" {
		t.Errorf("chart after a re-import (-got +want):\n%s", diff)
	}
	resolved, err := db.ResolvePeople(ctx, []string{"UA", "alice@corp.fr", "BOB@corp.fr", "nobody@corp.fr", "UZ"})
	if err != nil {
		t.Fatal(err)
	}
	// bob and the deleted carol share an address: bob wins.
	want := map[string]string{"UA": "UA", "alice@corp.fr": "UA", "BOB@corp.fr": "UB"}
	if diff := cmp.Diff(resolved, want); diff != "" {
		t.Errorf("ResolvePeople (-got +want):\n%s", diff)
	}
}
