package sqlite

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/nextdesk/nextdesk/knowledge"
	"github.com/nextdesk/nextdesk/knowledge/desk"
)

// askAnonymously records an anonymous question of asker at, in conv, as
// the desk does: the question and its ask without asker, who asked apart.
func askAnonymously(t *testing.T, db *DB, id, asker, conv string, at time.Time, relay desk.Link) {
	t.Helper()
	ctx := context.Background()
	mustOnce(t, db, "ask:"+id, func(tx desk.Tx) error {
		if err := tx.UpsertConversation(ctx, knowledge.Conversation{ID: conv, Name: conv, Kind: knowledge.KindPublic}); err != nil {
			return err
		}
		if err := tx.AddQuestion(ctx, knowledge.Question{ID: id, Conversation: conv, Text: "question " + id, Time: at}); err != nil {
			return err
		}
		if err := tx.AddAnonymous(ctx, desk.Anonymous{QuestionID: id, Asker: asker, Relay: relay, AskedAt: at}); err != nil {
			return err
		}
		return tx.AddAsk(ctx, knowledge.Ask{QuestionID: id, Channel: conv, Anonymous: true})
	})
}

func TestAnonymousQuestionsKeepTheirAskerApart(t *testing.T) {
	ctx := context.Background()
	db := mustOpenTemp(t)
	t0 := time.Date(2026, 3, 2, 10, 0, 0, 0, time.UTC)
	askAnonymously(t, db, "anon:1", "U1", "C1", t0, desk.Link{Conversation: "D1", Thread: "5.000001"})
	askAnonymously(t, db, "anon:2", "U1", "C1", t0.Add(time.Hour), desk.Link{})
	askAnonymously(t, db, "anon:3", "U2", "C1", t0.Add(2*time.Hour), desk.Link{})

	a, err := read(t, db, func(r desk.Reader) (knowledge.Ask, error) { return r.Ask(ctx, "anon:1") })
	if err != nil || !a.Anonymous || a.Asker != "" {
		t.Errorf("ask = %+v (%v), want anonymous, without asker", a, err)
	}
	got, err := read(t, db, func(r desk.Reader) (desk.Anonymous, error) { return r.AnonymousByRelay(ctx, "D1", "5.000001") })
	want := desk.Anonymous{QuestionID: "anon:1", Asker: "U1", Relay: desk.Link{Conversation: "D1", Thread: "5.000001"}, AskedAt: t0}
	if err != nil || !cmp.Equal(got, want) {
		t.Errorf("AnonymousByRelay = %+v (%v), want %+v", got, err, want)
	}
	for _, thread := range []string{"", "5.000002"} {
		if _, err := read(t, db, func(r desk.Reader) (desk.Anonymous, error) { return r.AnonymousByRelay(ctx, "D1", thread) }); knowledge.ErrorCode(err) != knowledge.ENOTFOUND {
			t.Errorf("AnonymousByRelay(D1, %q) = %v, want ENOTFOUND", thread, err)
		}
	}
	// The limit counts questions strictly within the window.
	asked, err := read(t, db, func(r desk.Reader) ([]time.Time, error) { return r.AnonymousAsked(ctx, "U1", t0) })
	if err != nil || !cmp.Equal(asked, []time.Time{t0.Add(time.Hour)}) {
		t.Errorf("AnonymousAsked(U1, after t0) = %v (%v), want the second only", asked, err)
	}
	asked, _ = read(t, db, func(r desk.Reader) ([]time.Time, error) { return r.AnonymousAsked(ctx, "U1", t0.Add(-time.Minute)) })
	if len(asked) != 2 {
		t.Errorf("AnonymousAsked(U1) = %v, want both of U1's", asked)
	}
	// A question recorded twice is a conflict, not a second count.
	_, err = db.Once(ctx, "again", func(tx desk.Tx) error {
		return tx.AddAnonymous(ctx, desk.Anonymous{QuestionID: "anon:1", Asker: "U1"})
	})
	if knowledge.ErrorCode(err) != knowledge.ECONFLICT {
		t.Errorf("AddAnonymous twice = %v, want ECONFLICT", err)
	}

	// Nothing the knowledge's readers use names the asker.
	q, err := db.Question(ctx, knowledge.Anonymous, "anon:1")
	if err != nil || q.Asker != "" {
		t.Errorf("question = %+v (%v), want it without asker", q, err)
	}
	asks, err := db.AsksOf(ctx, []string{"anon:1", "anon:3"})
	if err != nil || len(asks) != 2 || !asks["anon:3"].Anonymous || asks["anon:3"].Asker != "" {
		t.Errorf("AsksOf = %+v (%v), want both anonymous, without asker", asks, err)
	}
	changes, err := db.ChangesSince(ctx, 0, 10)
	if err != nil || len(changes) != 3 {
		t.Fatalf("ChangesSince = %d changes (%v), want 3", len(changes), err)
	}
	for _, ch := range changes {
		if ch.Question.Asker != "" {
			t.Errorf("the index is handed %s with asker %q", ch.Question.ID, ch.Question.Asker)
		}
	}
	if mine, err := db.QuestionsOf(ctx, knowledge.Viewer{PersonID: "U1"}, "U1", 10); err != nil || len(mine) != 0 {
		t.Errorf("QuestionsOf(U1) = %+v (%v), want none: nothing ties U1 to what they asked anonymously", mine, err)
	}
}

func TestForgetAnonymousErasesTheAskerAndTheRelay(t *testing.T) {
	ctx := context.Background()
	db := mustOpenTemp(t)
	t0 := time.Date(2026, 3, 2, 10, 0, 0, 0, time.UTC)
	askAnonymously(t, db, "anon:old", "U1", "C1", t0, desk.Link{Conversation: "D1", Thread: "5.000001"})
	askAnonymously(t, db, "anon:new", "U1", "C1", t0.Add(48*time.Hour), desk.Link{Conversation: "D1", Thread: "5.000002"})
	var n int64
	mustOnce(t, db, "forget", func(tx desk.Tx) (err error) {
		n, err = tx.ForgetAnonymous(ctx, t0.Add(time.Hour))
		return err
	})
	if n != 1 {
		t.Errorf("forgot %d, want 1", n)
	}
	old, err := read(t, db, func(r desk.Reader) (desk.Anonymous, error) { return r.Anonymous(ctx, "anon:old") })
	if err != nil || old.Asker != "" || old.Relay != (desk.Link{}) {
		t.Errorf("forgotten = %+v (%v), want no asker, no relay", old, err)
	}
	if a, _ := read(t, db, func(r desk.Reader) (desk.Anonymous, error) { return r.Anonymous(ctx, "anon:new") }); a.Asker != "U1" {
		t.Errorf("the recent one = %+v, want it kept", a)
	}
}

func TestRelayAndAnonymousCardsArePlacedOnDelivery(t *testing.T) {
	ctx := context.Background()
	db := mustOpenTemp(t)
	askAnonymously(t, db, "anon:1", "U1", "nextdesk:anonymous", time.Now(), desk.Link{})
	receipt := mustNotify(t, db, desk.Notice{Key: "relay:anon:1", To: desk.Address{Conversation: "U1"}, Reader: "U1",
		Body: desk.AnonymousReceipt{KeepDays: 30}, Place: desk.Place{QuestionID: "anon:1", Relay: true}})
	card := mustNotify(t, db, desk.Notice{Key: "route:1", To: desk.Address{Conversation: "U3"}, Reader: "U3",
		Body: desk.ExpertAsked{Route: 1}, Place: desk.Place{QuestionID: "anon:1", Members: []string{"U3"}, Thread: true}})

	// A reply in a DM thread waits while a relay is being started.
	placing, err := read(t, db, func(r desk.Reader) (bool, error) { return r.PlacingThread(ctx, "D1") })
	if err != nil || !placing {
		t.Errorf("PlacingThread while the receipt is on its way = %v (%v), want true", placing, err)
	}
	m, err := db.Outgoing(ctx, "relay:anon:1")
	if err != nil || !m.Place.Relay {
		t.Fatalf("receipt = %+v (%v), want its place kept", m, err)
	}
	if _, err := db.MarkSent(ctx, receipt, "D1", "5.000001"); err != nil {
		t.Fatal(err)
	}
	relay, err := read(t, db, func(r desk.Reader) (desk.Anonymous, error) { return r.AnonymousByRelay(ctx, "D1", "5.000001") })
	if err != nil || relay.QuestionID != "anon:1" {
		t.Errorf("relay after delivery = %+v (%v), want the receipt's thread", relay, err)
	}
	q, _ := read(t, db, func(r desk.Reader) (knowledge.Question, error) { return r.AskedQuestion(ctx, "anon:1") })
	if q.Conversation != "nextdesk:anonymous" {
		t.Errorf("the receipt moved the question to %s", q.Conversation)
	}

	// The card places the question in the expert's DM, for them alone.
	if _, err := db.MarkSent(ctx, card, "D3", "6.000001"); err != nil {
		t.Fatal(err)
	}
	a, _ := read(t, db, func(r desk.Reader) (knowledge.Ask, error) { return r.AskByThread(ctx, "D3", "6.000001") })
	if a.QuestionID != "anon:1" {
		t.Errorf("ask in the expert's DM thread = %+v, want anon:1", a)
	}
	c, _ := read(t, db, func(r desk.Reader) (knowledge.Conversation, error) { return r.Conversation(ctx, "D3") })
	if c.Kind != knowledge.KindDM || !cmp.Equal(c.Members, []string{"U3"}) {
		t.Errorf("the expert's DM = %+v, want a DM of U3", c)
	}
	for viewer, want := range map[string]int{"U3": 1, "U1": 0, "": 0} {
		qs, err := db.Questions(ctx, knowledge.Viewer{PersonID: viewer}, []string{"anon:1"})
		if err != nil || len(qs) != want {
			t.Errorf("%q sees %d of the question (%v), want %d", viewer, len(qs), err, want)
		}
	}
	if _, err := read(t, db, func(r desk.Reader) (knowledge.Question, error) { return r.AskedQuestion(ctx, "nope") }); knowledge.ErrorCode(err) != knowledge.ENOTFOUND {
		t.Errorf("AskedQuestion(unknown) = %v, want ENOTFOUND", err)
	}
	if strings.Contains(q.Text, "U1") {
		t.Errorf("question text names the asker: %q", q.Text)
	}
}

func TestAnonymousChoicesAreKeptUntilUsedCancelledOrRunOut(t *testing.T) {
	ctx := context.Background()
	db := mustOpenTemp(t)
	t0 := time.Date(2026, 3, 2, 10, 0, 0, 0, time.UTC)
	choice := func(person string) time.Time {
		t.Helper()
		until, err := read(t, db, func(r desk.Reader) (time.Time, error) { return r.AnonymousChoice(ctx, person) })
		if err != nil {
			t.Fatalf("AnonymousChoice(%s): %v", person, err)
		}
		return until
	}
	set := func(key, person string, until time.Time) {
		t.Helper()
		mustOnce(t, db, key, func(tx desk.Tx) error { return tx.SetAnonymousChoice(ctx, person, until) })
	}
	if got := choice("U1"); !got.IsZero() {
		t.Errorf("a choice nobody made = %v, want none", got)
	}
	set("c1", "U1", t0.Add(30*time.Minute))
	set("c2", "U2", t0.Add(10*time.Minute))
	// Choosing again moves the end.
	set("c3", "U1", t0.Add(40*time.Minute))
	if got := choice("U1"); !got.Equal(t0.Add(40 * time.Minute)) {
		t.Errorf("U1's choice ends %v, want %v", got, t0.Add(40*time.Minute))
	}
	// The zero time forgets it (used or cancelled), even twice.
	set("c4", "U1", time.Time{})
	set("c5", "U1", time.Time{})
	if got := choice("U1"); !got.IsZero() {
		t.Errorf("U1's choice after it was used = %v, want none", got)
	}
	// Those run out go; the others stay.
	set("c6", "U3", t0.Add(time.Hour))
	var n int64
	mustOnce(t, db, "forget", func(tx desk.Tx) (err error) {
		n, err = tx.ForgetAnonymousChoices(ctx, t0.Add(20*time.Minute))
		return err
	})
	if n != 1 || !choice("U2").IsZero() || !choice("U3").Equal(t0.Add(time.Hour)) {
		t.Errorf("forgot %d, then U2 %v and U3 %v; want U2's alone forgotten", n, choice("U2"), choice("U3"))
	}
	_, err := db.Once(ctx, "nobody", func(tx desk.Tx) error { return tx.SetAnonymousChoice(ctx, "", t0) })
	if knowledge.ErrorCode(err) != knowledge.EINVALID {
		t.Errorf("a choice of nobody = %v, want EINVALID", err)
	}
}
