package sqlite

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/nextdesk/nextdesk/knowledge"
)

// at returns a time minutes after epoch.
func at(minutes int) time.Time { return epoch.Add(time.Duration(minutes) * time.Minute) }

// fixture is a small workspace: four people, one conversation of each kind,
// and a question in each plus one in a conversation the store never heard of.
func fixture() knowledge.Batch {
	return knowledge.Batch{
		People: []knowledge.Person{
			{ID: "U1", Name: "Amélie", Email: "amelie@example.com", TZ: "Europe/Paris", TZOffset: 3600, Locale: "fr-FR"},
			{ID: "U2", Name: "Bob", TZ: "America/New_York", TZOffset: -18000, Locale: "en-US"},
			{ID: "U3", Name: "Chloé"},
			{ID: "U4", Name: "deploybot", Bot: true},
		},
		Conversations: []knowledge.Conversation{
			{ID: "C1", Name: "general", Kind: knowledge.KindPublic, Members: []string{"U1", "U2", "U3"}},
			{ID: "G1", Name: "infra-private", Kind: knowledge.KindPrivate, Members: []string{"U2", "U1"}},
			{ID: "M1", Name: "mpdm-u1--u2--u3", Kind: knowledge.KindGroupDM, Members: []string{"U1", "U2", "U3"}},
			{ID: "D1", Kind: knowledge.KindDM, Members: []string{"U1", "U4"}},
		},
		Questions: []knowledge.Question{
			{ID: "q-pub", Asker: "U1", Conversation: "C1", Thread: "1.0", Text: "Comment déployer le service ?",
				Tags: []string{"deploy"}, Lang: "fr", Time: at(0),
				Answers: []knowledge.Answer{
					{ID: "a-pub-1", Answerer: "U2", Text: "Run make deploy.", Time: at(5), Accepted: true, Thanks: 1},
					{ID: "a-pub-2", Answerer: "U3", Text: "Or ask in #infra.", Time: at(7), Score: 2},
				}},
			{ID: "q-priv", Asker: "U2", Conversation: "G1", Thread: "2.0", Text: "Where is the VPN config?", Lang: "en", Time: at(10),
				Answers: []knowledge.Answer{{ID: "a-priv-1", Answerer: "U1", Text: "In the vault.", Time: at(12)}}},
			{ID: "q-mpim", Asker: "U3", Conversation: "M1", Thread: "3.0", Text: "Who owns billing?", Lang: "en", Time: at(20)},
			{ID: "q-dm", Asker: "U4", Conversation: "D1", Thread: "4.0", Text: "Token rotation?", Time: at(30)},
			{ID: "q-lost", Asker: "U1", Conversation: "C404", Thread: "5.0", Text: "Lost question", Time: at(40)},
		},
	}
}

func TestImportIdempotent(t *testing.T) {
	ctx := context.Background()
	db := MustOpen(t)
	b := fixture()

	first := mustImport(t, db, b)
	if diff := cmp.Diff(first, knowledge.ImportResult{Questions: 5, Answers: 3}); diff != "" {
		t.Errorf("first import (-got +want):\n%s", diff)
	}
	counts := mustCounts(t, db)
	if diff := cmp.Diff(counts, Counts{People: 4, Conversations: 4, Questions: 5, Answers: 3, Accepted: 1}); diff != "" {
		t.Errorf("Counts after first import (-got +want):\n%s", diff)
	}
	rev := mustRev(t, db)
	if rev != 5 {
		t.Errorf("Rev after importing 5 questions = %d, want 5", rev)
	}

	second := mustImport(t, db, b)
	if diff := cmp.Diff(second, knowledge.ImportResult{}); diff != "" {
		t.Errorf("second import wrote something (-got +want):\n%s", diff)
	}
	if diff := cmp.Diff(mustCounts(t, db), counts); diff != "" {
		t.Errorf("Counts after second import (-got +want):\n%s", diff)
	}
	if got := mustRev(t, db); got != rev {
		t.Errorf("Rev after re-import = %d, want it unchanged at %d", got, rev)
	}
	changes, err := db.ChangesSince(ctx, rev, 100)
	if err != nil {
		t.Fatal(err)
	}
	if len(changes) != 0 {
		t.Errorf("re-import produced %d changes for the index", len(changes))
	}

	// Changing one text changes one question, and only it.
	b.Questions[2].Text = "Who owns billing now?"
	third := mustImport(t, db, b)
	if diff := cmp.Diff(third, knowledge.ImportResult{Questions: 1}); diff != "" {
		t.Errorf("import with one changed question (-got +want):\n%s", diff)
	}
	changes, err = db.ChangesSince(ctx, rev, 100)
	if err != nil {
		t.Fatal(err)
	}
	if len(changes) != 1 || changes[0].Question.ID != "q-mpim" || changes[0].Rev != rev+1 {
		t.Errorf("changes after editing q-mpim = %+v, want q-mpim at rev %d", changes, rev+1)
	}
}

func TestImportDetectsLanguage(t *testing.T) {
	ctx := context.Background()
	db := MustOpen(t)
	b := fixture()
	b.Questions = []knowledge.Question{
		{ID: "q-fr", Asker: "U1", Conversation: "C1", Text: "Où est la configuration du VPN pour l'équipe ?", Time: at(0)},
		{ID: "q-en", Asker: "U1", Conversation: "C1", Text: "Where is the VPN config for the team?", Time: at(1)},
		{ID: "q-said", Asker: "U1", Conversation: "C1", Text: "Where is the VPN config?", Lang: "fr", Time: at(2)},
		{ID: "q-unsure", Asker: "U1", Conversation: "C1", Text: "kubectl?", Time: at(3)},
	}
	mustImport(t, db, b)
	got, err := db.Questions(ctx, knowledge.Anonymous, []string{"q-fr", "q-en", "q-said", "q-unsure"})
	if err != nil {
		t.Fatal(err)
	}
	var langs []string
	for _, q := range got {
		langs = append(langs, q.ID+"="+q.Lang)
	}
	// Detected when the source does not say, kept when it does.
	if diff := cmp.Diff(langs, []string{"q-fr=fr", "q-en=en", "q-said=fr", "q-unsure="}); diff != "" {
		t.Errorf("languages (-got +want):\n%s", diff)
	}
	rev, err := db.Rev(ctx)
	if err != nil {
		t.Fatal(err)
	}
	mustImport(t, db, b)
	if again, _ := db.Rev(ctx); again != rev {
		t.Errorf("re-importing questions whose language was detected moved the revision from %d to %d", rev, again)
	}
}

func TestImportRoundTrip(t *testing.T) {
	ctx := context.Background()
	db := MustOpen(t)
	b := fixture()
	mustImport(t, db, b)
	mustRead(t, db, "G1")

	ids := make([]string, len(b.Questions))
	for i, q := range b.Questions {
		ids[i] = q.ID
	}
	got, err := db.Questions(ctx, knowledge.Viewer{PersonID: "U1"}, ids)
	if err != nil {
		t.Fatal(err)
	}
	// U1 is in every known conversation; q-lost's conversation is unknown.
	if diff := cmp.Diff(got, b.Questions[:4]); diff != "" {
		t.Errorf("Questions (-got +want):\n%s", diff)
	}
	people, err := db.People(ctx, []string{"U1", "U2", "U3", "U4", "U9"})
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]knowledge.Person{}
	for _, p := range b.People {
		want[p.ID] = p
	}
	if diff := cmp.Diff(people, want); diff != "" {
		t.Errorf("People (-got +want):\n%s", diff)
	}
}

func TestImportAnswersLaterAndOrphans(t *testing.T) {
	ctx := context.Background()
	db := MustOpen(t)
	mustImport(t, db, fixture())

	late := knowledge.Answer{ID: "a-pub-3", Answerer: "U3", Text: "Late answer", Time: at(90)}
	res := mustImport(t, db, knowledge.Batch{Answers: []knowledge.QuestionAnswer{
		{QuestionID: "q-pub", Answer: late},
		{QuestionID: "q-never", Answer: knowledge.Answer{ID: "a-x", Answerer: "U2", Text: "orphan"}},
	}})
	if diff := cmp.Diff(res, knowledge.ImportResult{Answers: 1, Orphans: 1}); diff != "" {
		t.Errorf("ImportResult (-got +want):\n%s", diff)
	}

	// Re-importing the question with its original list keeps the late answer.
	b := fixture()
	mustImport(t, db, knowledge.Batch{Questions: b.Questions[:1]})
	q, err := db.Question(ctx, knowledge.Anonymous, "q-pub")
	if err != nil {
		t.Fatal(err)
	}
	want := append(b.Questions[0].Answers, late)
	if diff := cmp.Diff(q.Answers, want); diff != "" {
		t.Errorf("answers of q-pub (-got +want):\n%s", diff)
	}
	if got := mustCounts(t, db).Answers; got != 4 {
		t.Errorf("Answers = %d, want 4 (the orphan skipped)", got)
	}
}

// TestImportKeepsLiveSignals re-imports a Slack export after the bot
// recorded an acceptance and thanks: the export knows neither, and must not
// erase them.
func TestImportKeepsLiveSignals(t *testing.T) {
	ctx := context.Background()
	db := MustOpen(t)
	b := fixture()
	mustImport(t, db, b)
	if err := db.setAccepted(ctx, "a-pub-2", true); err != nil {
		t.Fatal(err)
	}
	for range 3 {
		if err := db.addThanks(ctx, "a-pub-2"); err != nil {
			t.Fatal(err)
		}
	}
	rev := mustRev(t, db)

	res := mustImport(t, db, b)
	if diff := cmp.Diff(res, knowledge.ImportResult{}); diff != "" {
		t.Errorf("re-import (-got +want):\n%s", diff)
	}
	if got := mustRev(t, db); got != rev {
		t.Errorf("Rev = %d after re-import, want %d", got, rev)
	}
	q, err := db.Question(ctx, knowledge.Anonymous, "q-pub")
	if err != nil {
		t.Fatal(err)
	}
	got := q.Answers[1]
	if !got.Accepted || got.Thanks != 3 {
		t.Errorf("after re-import a-pub-2 has Accepted=%v Thanks=%d, want true and 3", got.Accepted, got.Thanks)
	}

	// More thanks from the source still count.
	b.Questions[0].Answers[1].Thanks = 5
	if res := mustImport(t, db, b); res.Answers != 1 {
		t.Errorf("import with more thanks wrote %d answers, want 1", res.Answers)
	}
	q, _ = db.Question(ctx, knowledge.Anonymous, "q-pub")
	if got := q.Answers[1]; !got.Accepted || got.Thanks != 5 {
		t.Errorf("after importing more thanks a-pub-2 has Accepted=%v Thanks=%d, want true and 5", got.Accepted, got.Thanks)
	}
}

func TestImportDoesNotReviveDeleted(t *testing.T) {
	ctx := context.Background()
	db := MustOpen(t)
	b := fixture()
	mustImport(t, db, b)
	if err := db.DeleteQuestion(ctx, "q-pub"); err != nil {
		t.Fatal(err)
	}
	rev := mustRev(t, db)

	res := mustImport(t, db, knowledge.Batch{
		Questions: b.Questions[:1],
		Answers:   []knowledge.QuestionAnswer{{QuestionID: "q-pub", Answer: knowledge.Answer{ID: "a-new", Text: "late"}}},
	})
	if diff := cmp.Diff(res, knowledge.ImportResult{Orphans: 1}); diff != "" {
		t.Errorf("import of a deleted question (-got +want):\n%s", diff)
	}
	if got := mustRev(t, db); got != rev {
		t.Errorf("Rev = %d, want %d", got, rev)
	}
	_, err := db.Question(ctx, knowledge.Anonymous, "q-pub")
	wantCode(t, err, knowledge.ENOTFOUND)
	if err := db.addQuestion(ctx, b.Questions[0]); err != nil {
		t.Errorf("AddQuestion of a deleted question: %v, want a silent no-op", err)
	}
	_, err = db.Question(ctx, knowledge.Anonymous, "q-pub")
	wantCode(t, err, knowledge.ENOTFOUND)
}

func TestImportMovedAnswer(t *testing.T) {
	ctx := context.Background()
	db := MustOpen(t)
	b := fixture()
	mustImport(t, db, b)
	rev := mustRev(t, db)

	moved := b.Questions[0].Answers[1]
	res := mustImport(t, db, knowledge.Batch{Answers: []knowledge.QuestionAnswer{{QuestionID: "q-priv", Answer: moved}}})
	if res.Answers != 1 {
		t.Errorf("moving an answer wrote %d answers, want 1", res.Answers)
	}
	changes, err := db.ChangesSince(ctx, rev, 10)
	if err != nil {
		t.Fatal(err)
	}
	var ids []string
	for _, c := range changes {
		ids = append(ids, c.Question.ID)
	}
	if diff := cmp.Diff(ids, []string{"q-pub", "q-priv"}); diff != "" {
		t.Errorf("questions changed by the move (-got +want):\n%s", diff)
	}
	if n := len(changes[0].Question.Answers); n != 1 {
		t.Errorf("q-pub has %d answers after the move, want 1", n)
	}
	if n := len(changes[1].Question.Answers); n != 2 {
		t.Errorf("q-priv has %d answers after the move, want 2", n)
	}
}

func TestImportInvalid(t *testing.T) {
	tests := []struct {
		name  string
		batch knowledge.Batch
	}{
		{"person without id", knowledge.Batch{People: []knowledge.Person{{Name: "x"}}}},
		{"conversation without id", knowledge.Batch{Conversations: []knowledge.Conversation{{Kind: knowledge.KindPublic}}}},
		{"unknown kind", knowledge.Batch{Conversations: []knowledge.Conversation{{ID: "C9", Kind: "shared"}}}},
		{"question without id", knowledge.Batch{Questions: []knowledge.Question{{Text: "x"}}}},
		{"answer without id", knowledge.Batch{Questions: []knowledge.Question{{ID: "q", Text: "x", Answers: []knowledge.Answer{{Text: "y"}}}}}},
		{"time out of range", knowledge.Batch{Questions: []knowledge.Question{{ID: "q", Text: "x", Time: time.Date(3000, 1, 1, 0, 0, 0, 0, time.UTC)}}}},
		{"negative thanks", knowledge.Batch{Answers: []knowledge.QuestionAnswer{{QuestionID: "q-pub", Answer: knowledge.Answer{ID: "a", Thanks: -1}}}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			db := MustOpen(t)
			b := tt.batch
			// A valid record ahead of the bad one must not be written either.
			b.People = append([]knowledge.Person{{ID: "U7"}}, b.People...)
			_, err := db.Import(context.Background(), b)
			wantCode(t, err, knowledge.EINVALID)
			if diff := cmp.Diff(mustCounts(t, db), Counts{}); diff != "" {
				t.Errorf("rejected batch left data (-got +want):\n%s", diff)
			}
		})
	}
}

// generated returns a batch of n questions with two answers each, with ids
// starting at from; answerers cycle through people U0…U(people-1).
func generated(from, n, people int) knowledge.Batch {
	var b knowledge.Batch
	b.Conversations = []knowledge.Conversation{{ID: "C1", Name: "general", Kind: knowledge.KindPublic}}
	for i := from; i < from+n; i++ {
		q := knowledge.Question{
			ID: fmt.Sprintf("q%d", i), Asker: fmt.Sprintf("U%d", i%people), Conversation: "C1",
			Thread: fmt.Sprintf("%d.000100", 1600000000+i), Lang: "en",
			Text: fmt.Sprintf("How do I configure service %d behind the proxy? It fails with error %d.", i%97, i),
			Time: epoch.Add(time.Duration(i) * 17 * time.Minute),
		}
		for j := range 2 {
			q.Answers = append(q.Answers, knowledge.Answer{
				ID: fmt.Sprintf("a%d-%d", i, j), Answerer: fmt.Sprintf("U%d", (i*7+j*13+1)%people),
				Text:     fmt.Sprintf("Set proxy_%d in the config and restart; see runbook page %d.", j, i%53),
				Time:     q.Time.Add(time.Duration(5+j*11) * time.Minute),
				Accepted: j == 0 && i%3 == 0, Thanks: (i + j) % 2, Score: j,
			})
		}
		b.Questions = append(b.Questions, q)
	}
	return b
}

// countdownContext is a context whose Err and Done report cancellation once
// Err has been asked n times: Import asks once per question, so this
// cancels in the middle of a batch, at the latest at question n.
type countdownContext struct {
	context.Context
	cancel context.CancelFunc
	n      atomic.Int64
}

func newCountdownContext(t *testing.T, n int64) *countdownContext {
	ctx, cancel := context.WithCancel(context.Background())
	t.Cleanup(cancel)
	c := &countdownContext{Context: ctx, cancel: cancel}
	c.n.Store(n)
	return c
}

func (c *countdownContext) Err() error {
	if c.n.Add(-1) < 0 {
		c.cancel()
	}
	return c.Context.Err()
}

func TestImportAllOrNothing(t *testing.T) {
	b := generated(0, 300, 20)
	tests := []struct {
		name string
		// fail makes the import fail part-way and returns the context to use.
		fail func(t *testing.T, db *DB) context.Context
		// repair undoes what fail did, so the re-run can succeed.
		repair func(t *testing.T, db *DB)
	}{
		{
			name: "failing write",
			fail: func(t *testing.T, db *DB) context.Context {
				// A trigger makes the 200th question's second answer fail.
				_, err := db.write.Exec(`CREATE TRIGGER fail_import BEFORE INSERT ON answers
					WHEN NEW.id = 'a199-1' BEGIN SELECT RAISE(ABORT, 'injected failure'); END`)
				if err != nil {
					t.Fatal(err)
				}
				return context.Background()
			},
			repair: func(t *testing.T, db *DB) {
				if _, err := db.write.Exec(`DROP TRIGGER fail_import`); err != nil {
					t.Fatal(err)
				}
			},
		},
		{
			name: "cancelled context",
			fail: func(t *testing.T, db *DB) context.Context {
				return newCountdownContext(t, 150)
			},
			repair: func(t *testing.T, db *DB) {},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			db := MustOpen(t)
			mustImport(t, db, fixture())
			before, rev := mustCounts(t, db), mustRev(t, db)

			_, err := db.Import(tt.fail(t, db), b)
			if err == nil {
				t.Fatal("Import succeeded despite the failure")
			}
			if tt.name == "cancelled context" && !errors.Is(err, context.Canceled) {
				t.Errorf("err = %v, want context.Canceled", err)
			}
			if tt.name == "failing write" && !strings.Contains(err.Error(), "injected failure") {
				t.Errorf("err = %v, want the injected failure", err)
			}
			if diff := cmp.Diff(mustCounts(t, db), before); diff != "" {
				t.Errorf("failed batch left data (-got +want):\n%s", diff)
			}
			if got := mustRev(t, db); got != rev {
				t.Errorf("Rev = %d after a failed batch, want %d", got, rev)
			}
			qs, err := db.Questions(context.Background(), knowledge.Anonymous, []string{"q0", "q150", "q299"})
			if err != nil {
				t.Fatal(err)
			}
			if len(qs) != 0 {
				t.Errorf("failed batch left %d of its questions", len(qs))
			}

			tt.repair(t, db)
			res := mustImport(t, db, b)
			if diff := cmp.Diff(res, knowledge.ImportResult{Questions: 300, Answers: 600}); diff != "" {
				t.Errorf("re-run (-got +want):\n%s", diff)
			}
			if got, want := mustRev(t, db), rev+300; got != want {
				t.Errorf("Rev after re-run = %d, want %d", got, want)
			}
		})
	}
}
