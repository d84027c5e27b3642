package sqlite

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/nextdesk/nextdesk/knowledge"
	"github.com/nextdesk/nextdesk/knowledge/desk"
)

// mustOnce runs fn under key and fails the test on error.
func mustOnce(t *testing.T, db *DB, key string, fn func(desk.Tx) error) desk.Committed {
	t.Helper()
	h, err := db.Once(context.Background(), key, fn)
	if err != nil {
		t.Fatalf("Once(%s): %v", key, err)
	}
	return h
}

// read returns what fn reads on a snapshot of db.
func read[T any](t *testing.T, db *DB, fn func(desk.Reader) (T, error)) (T, error) {
	t.Helper()
	var v T
	err := db.View(context.Background(), func(r desk.Reader) (err error) {
		v, err = fn(r)
		return err
	})
	return v, err
}

// mustNotify records n in a transaction of its own and returns its id.
func mustNotify(t *testing.T, db *DB, n desk.Notice) int64 {
	t.Helper()
	var id int64
	mustOnce(t, db, "notify:"+n.Key, func(tx desk.Tx) (err error) {
		id, err = tx.Notify(context.Background(), n)
		return err
	})
	return id
}

// note is a notice that says little, to key.
func note(key string) desk.Notice {
	return desk.Notice{Key: key, To: desk.Address{Conversation: "C1"}, Body: desk.Reply{Say: desk.SayHelp}}
}

// after is n waiting on notice id.
func after(n desk.Notice, id int64) desk.Notice {
	n.After = id
	return n
}

func askQuestion(t *testing.T, db *DB, key string, q knowledge.Question, a knowledge.Ask) {
	t.Helper()
	mustOnce(t, db, key, func(tx desk.Tx) error {
		if err := tx.AddQuestion(context.Background(), q); err != nil {
			return err
		}
		return tx.AddAsk(context.Background(), a)
	})
}

func TestOnceRunsAKeyOnce(t *testing.T) {
	ctx := context.Background()
	db := mustOpenTemp(t)
	runs := 0
	fn := func(tx desk.Tx) error {
		runs++
		_, err := tx.Notify(ctx, note("m1"))
		return err
	}
	first := mustOnce(t, db, "Ev1", fn)
	second := mustOnce(t, db, "Ev1", fn)
	if diff := cmp.Diff([]desk.Committed{first, second}, []desk.Committed{{Notices: 1}, {Duplicate: true}}); diff != "" {
		t.Errorf("Handled (-got +want):\n%s", diff)
	}
	if runs != 1 {
		t.Errorf("fn ran %d times, want 1", runs)
	}
	if seen, err := db.Handled(ctx, "Ev1"); err != nil || !seen {
		t.Errorf("Handled(Ev1) = %v, %v; want true", seen, err)
	}
}

func TestOnceRollsBackKeyAndWritesOnError(t *testing.T) {
	ctx := context.Background()
	db := mustOpenTemp(t)
	boom := errors.New("boom")
	_, err := db.Once(ctx, "Ev1", func(tx desk.Tx) error {
		if _, err := tx.Notify(ctx, note("m1")); err != nil {
			return err
		}
		return boom
	})
	if !errors.Is(err, boom) {
		t.Fatalf("Once error = %v, want boom", err)
	}
	if seen, _ := db.Handled(ctx, "Ev1"); seen {
		t.Error("the key of a failed handling was recorded")
	}
	if n, _ := db.PendingOutgoing(ctx); n != 0 {
		t.Errorf("%d messages pending after a failed handling, want 0", n)
	}
	// The retry does the work.
	h := mustOnce(t, db, "Ev1", func(tx desk.Tx) error {
		_, err := tx.Notify(ctx, note("m1"))
		return err
	})
	if h.Duplicate || h.Notices != 1 {
		t.Errorf("retry = %+v, want one message enqueued", h)
	}
}

func TestOnceRefusesAnEmptyKey(t *testing.T) {
	_, err := mustOpenTemp(t).Once(context.Background(), "", func(desk.Tx) error { return nil })
	if knowledge.ErrorCode(err) != knowledge.EINVALID {
		t.Errorf("error = %v, want EINVALID", err)
	}
}

func TestOnceReportsKnowledgeChanges(t *testing.T) {
	ctx := context.Background()
	db := mustOpenTemp(t)
	q := knowledge.Question{ID: "q1", Asker: "U1", Conversation: "C1", Text: "How do I reset the VPN?"}
	h := mustOnce(t, db, "k1", func(tx desk.Tx) error { return tx.AddQuestion(ctx, q) })
	if !h.KnowledgeChanged {
		t.Error("adding a question did not report a knowledge change")
	}
	h = mustOnce(t, db, "k2", func(tx desk.Tx) error {
		return tx.SetPreferences(ctx, "U1", knowledge.Preferences{OptedOut: true})
	})
	if h.KnowledgeChanged {
		t.Error("setting preferences reported a knowledge change")
	}
}

func TestNotifyIsIdempotentAndChecksInput(t *testing.T) {
	ctx := context.Background()
	db := mustOpenTemp(t)
	var ids []int64
	mustOnce(t, db, "k", func(tx desk.Tx) error {
		for range 2 {
			id, err := tx.Notify(ctx, note("same"))
			if err != nil {
				return err
			}
			ids = append(ids, id)
		}
		for _, bad := range []desk.Notice{
			{Body: desk.Reply{Say: desk.SayHelp}},
			{Key: "x"},
			after(note("x"), 999),
		} {
			if _, err := tx.Notify(ctx, bad); knowledge.ErrorCode(err) != knowledge.EINVALID {
				t.Errorf("Notify(%+v) error = %v, want EINVALID", bad, err)
			}
		}
		return nil
	})
	if ids[0] != ids[1] {
		t.Errorf("the same key got ids %v", ids)
	}
	if n, _ := db.PendingOutgoing(ctx); n != 1 {
		t.Errorf("pending = %d, want 1", n)
	}
}

func TestNoticesKeepWhatTheySay(t *testing.T) {
	ctx := context.Background()
	db := mustOpenTemp(t)
	until := time.Date(2026, 4, 1, 0, 0, 0, 0, time.UTC)
	want := []desk.Notice{
		{Key: "a", To: desk.Address{Conversation: "U1"}, Reader: "U1", Body: desk.ExpertAsked{
			Route: 7, Asker: "U2", Text: desk.Quote{Typed: "How do I *roll back*?"},
			Evidence: []desk.Evidence{{Question: "q1", Text: "rollback stuck", Thread: desk.Link{Conversation: "C1", Thread: "1.000001"}}},
			Thread:   desk.Link{Started: true},
		}},
		{Key: "b", To: desk.Address{Reply: "https://hooks.example/r"}, Reader: "U1", Body: desk.Reply{Say: desk.SaySnoozed, Until: until, Settle: "route:7"}},
		{Key: "c", To: desk.Address{Conversation: "C1", Thread: "1.000001", Only: "U2"}, Reader: "U2", Body: desk.AnswerCheck{Answerer: "U1", Answer: "slack:C1:2.000001"}},
		{Key: "d", To: desk.Address{Conversation: "#digest"}, Body: desk.Digest{Week: "2026-W47", Zone: "Europe/Paris"}},
	}
	mustOnce(t, db, "k", func(tx desk.Tx) error {
		for _, n := range want {
			if _, err := tx.Notify(ctx, n); err != nil {
				return err
			}
		}
		return nil
	})
	ms, err := db.OutgoingSince(ctx, 0)
	if err != nil {
		t.Fatal(err)
	}
	var got []desk.Notice
	for _, m := range ms {
		if m.State != desk.OutboxPending || m.Error != "" {
			t.Errorf("%s: state %s, error %q", m.Key, m.State, m.Error)
		}
		got = append(got, m.Notice)
	}
	if diff := cmp.Diff(got, want); diff != "" {
		t.Errorf("notices read back (-got +want):\n%s", diff)
	}
	m, err := db.Outgoing(ctx, "b")
	if err != nil || m.Body != want[1].Body {
		t.Errorf("Outgoing(b) = %+v, %v", m, err)
	}
	if _, err := db.Outgoing(ctx, "nope"); knowledge.ErrorCode(err) != knowledge.ENOTFOUND {
		t.Errorf("Outgoing(unknown) error = %v, want ENOTFOUND", err)
	}
}

func TestUnreadableNoticeIsReturnedWithoutBody(t *testing.T) {
	ctx := context.Background()
	db := mustOpenTemp(t)
	mustOnce(t, db, "k", func(tx desk.Tx) error {
		_, err := tx.Notify(ctx, note("a"))
		return err
	})
	// As a newer nextdesk, or one from before notices, would have left it.
	if _, err := db.write.ExecContext(ctx, `UPDATE outbox SET kind = 'chat.postMessage' WHERE key = 'a'`); err != nil {
		t.Fatal(err)
	}
	ms, err := db.DueOutgoing(ctx, time.Now(), 10)
	if err != nil || len(ms) != 1 {
		t.Fatalf("DueOutgoing = %v, %v; want the notice", ms, err)
	}
	if ms[0].Body != nil || !strings.Contains(ms[0].Error, "unknown kind") {
		t.Errorf("unreadable notice = %+v, want no body and why", ms[0])
	}
}

func TestOutboxDependenciesAndPlaces(t *testing.T) {
	ctx := context.Background()
	db := mustOpenTemp(t)
	now := time.Now()
	q := knowledge.Question{ID: "slack:D1:1.000001", Asker: "U1", Conversation: "D1", Text: "Where is the payroll calendar?"}
	var open, post int64
	mustOnce(t, db, "k", func(tx desk.Tx) error {
		if err := tx.UpsertConversation(ctx, knowledge.Conversation{ID: "D1", Kind: knowledge.KindDM, Members: []string{"U1"}}); err != nil {
			return err
		}
		if err := tx.AddQuestion(ctx, q); err != nil {
			return err
		}
		if err := tx.AddAsk(ctx, knowledge.Ask{QuestionID: q.ID, Asker: "U1", Channel: "D1", Private: true}); err != nil {
			return err
		}
		var err error
		open, err = tx.Notify(ctx, desk.Notice{Key: "open", Body: desk.GroupDM{Members: []string{"U1", "U2"}},
			Place: desk.Place{QuestionID: q.ID, Members: []string{"U1", "U2"}}})
		if err != nil {
			return err
		}
		post, err = tx.Notify(ctx, desk.Notice{Key: "post", Body: desk.ExpertAsked{Route: 1}, After: open,
			Place: desk.Place{QuestionID: q.ID, Thread: true}})
		return err
	})

	due := func() []string {
		t.Helper()
		ms, err := db.DueOutgoing(ctx, now, 10)
		if err != nil {
			t.Fatal(err)
		}
		var keys []string
		for _, m := range ms {
			keys = append(keys, m.Key+"@"+m.AfterChannel)
		}
		return keys
	}
	if diff := cmp.Diff(due(), []string{"open@"}); diff != "" {
		t.Errorf("due before the open (-got +want):\n%s", diff)
	}
	if _, err := db.MarkSent(ctx, open, "G1", ""); err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(due(), []string{"post@G1"}); diff != "" {
		t.Errorf("due after the open (-got +want):\n%s", diff)
	}
	changed, err := db.MarkSent(ctx, post, "G1", "2.000001")
	if err != nil || !changed {
		t.Fatalf("MarkSent(post) = %v, %v; want a knowledge change", changed, err)
	}
	// Marking again does nothing.
	if changed, err := db.MarkSent(ctx, post, "G9", "9.000009"); err != nil || changed {
		t.Errorf("second MarkSent = %v, %v; want no change", changed, err)
	}

	a, err := read(t, db, func(r desk.Reader) (knowledge.Ask, error) { return r.AskByThread(ctx, "G1", "2.000001") })
	if err != nil {
		t.Fatalf("ask by its new thread: %v", err)
	}
	if a.QuestionID != q.ID {
		t.Errorf("ask in G1 thread = %s, want %s", a.QuestionID, q.ID)
	}
	conv, err := db.Conversation(ctx, "G1")
	if err != nil {
		t.Fatal(err)
	}
	want := knowledge.Conversation{ID: "G1", Kind: knowledge.KindGroupDM, Members: []string{"U1", "U2"}}
	if diff := cmp.Diff(conv, want); diff != "" {
		t.Errorf("group DM (-got +want):\n%s", diff)
	}
	// The question is now the group DM's: the expert sees it, others do not.
	for viewer, visible := range map[string]bool{"U1": true, "U2": true, "U3": false} {
		qs, err := db.Questions(ctx, knowledge.Viewer{PersonID: viewer}, []string{q.ID})
		if err != nil {
			t.Fatal(err)
		}
		if got := len(qs) == 1; got != visible {
			t.Errorf("%s sees the question: %v, want %v", viewer, got, visible)
		}
	}
}

func TestMarkFailedFailsDependents(t *testing.T) {
	ctx := context.Background()
	db := mustOpenTemp(t)
	var first int64
	mustOnce(t, db, "k", func(tx desk.Tx) error {
		var err error
		first, err = tx.Notify(ctx, note("a"))
		if err != nil {
			return err
		}
		second, err := tx.Notify(ctx, after(note("b"), first))
		if err != nil {
			return err
		}
		_, err = tx.Notify(ctx, after(note("c"), second))
		return err
	})
	n, err := db.MarkFailed(ctx, first, "channel_not_found")
	if err != nil || n != 2 {
		t.Fatalf("MarkFailed = %d, %v; want 2 dependents failed", n, err)
	}
	if p, _ := db.PendingOutgoing(ctx); p != 0 {
		t.Errorf("pending = %d, want 0", p)
	}
	if _, err := db.MarkFailed(ctx, 12345, "x"); knowledge.ErrorCode(err) != knowledge.ENOTFOUND {
		t.Errorf("MarkFailed(unknown) error = %v, want ENOTFOUND", err)
	}
}

func TestMarkRetryDelays(t *testing.T) {
	ctx := context.Background()
	db := mustOpenTemp(t)
	now := time.Now()
	id := mustNotify(t, db, note("a"))
	if claimed, err := db.Claim(ctx, id, now, now.Add(time.Second)); err != nil || !claimed {
		t.Fatalf("claim = %v, %v; want true", claimed, err)
	}
	if err := db.MarkRetry(ctx, id, now.Add(time.Minute), "ratelimited"); err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		at   time.Time
		want int
	}{{now, 0}, {now.Add(time.Minute), 1}} {
		ms, err := db.DueOutgoing(ctx, c.at, 10)
		if err != nil {
			t.Fatal(err)
		}
		if len(ms) != c.want {
			t.Errorf("due at %v: %d messages, want %d", c.at.Sub(now), len(ms), c.want)
		}
		if len(ms) == 1 && (ms[0].Attempts != 1 || ms[0].Error != "ratelimited") {
			t.Errorf("retried message = %+v, want 1 attempt and its error", ms[0])
		}
	}
}

func TestRoutesOfAsks(t *testing.T) {
	ctx := context.Background()
	db := mustOpenTemp(t)
	clock := time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)
	db.Now = func() time.Time { return clock }

	for i, id := range []string{"q1", "q2", "q3"} {
		askQuestion(t, db, "ask-"+id,
			knowledge.Question{ID: id, Asker: "U1", Conversation: "C1", Text: "question " + id},
			knowledge.Ask{QuestionID: id, Asker: "U1", Channel: "C1", Thread: "1.00000" + string(rune('1'+i))})
	}
	var routes []int64
	mustOnce(t, db, "routes", func(tx desk.Tx) error {
		for _, r := range []knowledge.Route{
			{QuestionID: "q1", Expert: "E1"},
			{QuestionID: "q2", Expert: "E1", Outcome: knowledge.RouteTaken},
			{QuestionID: "q3", Expert: "E1"},
			{QuestionID: "q3", Expert: "E2", Outcome: knowledge.RoutePassed},
		} {
			id, err := tx.AddRoute(ctx, r)
			if err != nil {
				return err
			}
			routes = append(routes, id)
		}
		// q3 got an answer: its routes no longer count as open.
		return tx.SetAskStatus(ctx, "q3", knowledge.StatusAnswered, "")
	})

	open, err := read(t, db, func(r desk.Reader) (map[string]int, error) { return r.OpenRoutes(ctx, []string{"E1", "E2", "E3"}) })
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(open, map[string]int{"E1": 2}); diff != "" {
		t.Errorf("OpenRoutes (-got +want):\n%s", diff)
	}

	clock = clock.Add(5 * time.Hour)
	staleBefore := func(before time.Time) ([]knowledge.Route, error) {
		return read(t, db, func(r desk.Reader) ([]knowledge.Route, error) { return r.StaleRoutes(ctx, before, 10) })
	}
	stale, err := staleBefore(clock.Add(-4 * time.Hour))
	if err != nil {
		t.Fatal(err)
	}
	var got []int64
	for _, r := range stale {
		got = append(got, r.ID)
	}
	if diff := cmp.Diff(got, routes[:2]); diff != "" {
		t.Errorf("StaleRoutes (-got +want):\n%s", diff)
	}
	if stale, _ := staleBefore(clock.Add(-6 * time.Hour)); len(stale) != 0 {
		t.Errorf("StaleRoutes before anything was asked = %v, want none", stale)
	}
	waiting, err := read(t, db, func(r desk.Reader) ([]knowledge.Route, error) { return r.WaitingRoutes(ctx, "E1") })
	if err != nil || len(waiting) != 2 {
		t.Errorf("WaitingRoutes(E1) = %v, %v; want q1 and q2", waiting, err)
	}
}

func TestAskConflictsAndStatus(t *testing.T) {
	ctx := context.Background()
	db := mustOpenTemp(t)
	askQuestion(t, db, "a1", knowledge.Question{ID: "q1", Asker: "U1", Conversation: "C1", Text: "one"},
		knowledge.Ask{QuestionID: "q1", Asker: "U1", Channel: "C1", Thread: "1.000001"})
	_, err := db.Once(ctx, "a2", func(tx desk.Tx) error {
		if err := tx.AddQuestion(ctx, knowledge.Question{ID: "q2", Asker: "U1", Conversation: "C1", Text: "two"}); err != nil {
			return err
		}
		return tx.AddAsk(ctx, knowledge.Ask{QuestionID: "q2", Asker: "U1", Channel: "C1", Thread: "1.000001"})
	})
	if knowledge.ErrorCode(err) != knowledge.ECONFLICT {
		t.Errorf("a second ask in the same thread: error = %v, want ECONFLICT", err)
	}
	mustOnce(t, db, "s", func(tx desk.Tx) error {
		return tx.SetAskStatus(ctx, "q1", knowledge.StatusOffered, "slack:C1:0.000001")
	})
	ask := func(id string) (knowledge.Ask, error) {
		return read(t, db, func(r desk.Reader) (knowledge.Ask, error) { return r.Ask(ctx, id) })
	}
	a, err := ask("q1")
	if err != nil {
		t.Fatal(err)
	}
	if a.Status != knowledge.StatusOffered || a.Offered != "slack:C1:0.000001" {
		t.Errorf("ask = %+v, want offered with the answer id", a)
	}
	if _, err := ask("nope"); knowledge.ErrorCode(err) != knowledge.ENOTFOUND {
		t.Errorf("Ask(unknown) error = %v, want ENOTFOUND", err)
	}
}

func TestPreferencesAndCache(t *testing.T) {
	ctx := context.Background()
	db := mustOpenTemp(t)
	until := time.Date(2026, 4, 1, 0, 0, 0, 0, time.UTC)
	mustOnce(t, db, "p", func(tx desk.Tx) error {
		return tx.SetPreferences(ctx, "U1", knowledge.Preferences{SnoozedUntil: until})
	})
	prefs, err := read(t, db, func(r desk.Reader) (map[string]knowledge.Preferences, error) {
		return r.Preferences(ctx, []string{"U1", "U2"})
	})
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(prefs, map[string]knowledge.Preferences{"U1": {SnoozedUntil: until}}); diff != "" {
		t.Errorf("Preferences (-got +want):\n%s", diff)
	}

	at := time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)
	if err := db.CachePerson(ctx, knowledge.Person{ID: "U1", Name: "ana", Locale: "fr-FR"}, at); err != nil {
		t.Fatal(err)
	}
	got, err := db.Fetched(ctx, "person", "U1")
	if err != nil || !got.Equal(at) {
		t.Errorf("Fetched = %v, %v; want %v", got, err, at)
	}
	if never, _ := db.Fetched(ctx, "person", "U2"); !never.IsZero() {
		t.Errorf("Fetched(unknown) = %v, want zero", never)
	}
}

func TestPruneKeepsWhatIsNeeded(t *testing.T) {
	ctx := context.Background()
	db := mustOpenTemp(t)
	clock := time.Date(2026, 3, 1, 0, 0, 0, 0, time.UTC)
	db.Now = func() time.Time { return clock }
	var first int64
	mustOnce(t, db, "old", func(tx desk.Tx) error {
		var err error
		first, err = tx.Notify(ctx, note("a"))
		if err != nil {
			return err
		}
		_, err = tx.Notify(ctx, after(note("b"), first))
		return err
	})
	if _, err := db.MarkSent(ctx, first, "C1", "1.000001"); err != nil {
		t.Fatal(err)
	}
	clock = clock.Add(10 * 24 * time.Hour)
	// The sent message is still needed by the pending one; the key is not.
	n, err := db.Prune(ctx, clock.Add(-7*24*time.Hour))
	if err != nil || n != 1 {
		t.Errorf("Prune = %d, %v; want 1 (the key)", n, err)
	}
	if seen, _ := db.Handled(ctx, "old"); seen {
		t.Error("an old key survived pruning")
	}
	ms, err := db.DueOutgoing(ctx, clock, 10)
	if err != nil || len(ms) != 1 || ms[0].AfterTS != "1.000001" {
		t.Errorf("DueOutgoing after pruning = %+v, %v; want b with its dependency's ts", ms, err)
	}
}

func TestClaimLetsOneDelivererSend(t *testing.T) {
	ctx := context.Background()
	db := mustOpenTemp(t)
	now := time.Now()
	id := mustNotify(t, db, note("a"))
	first, err := db.Claim(ctx, id, now, now.Add(time.Minute))
	if err != nil || !first {
		t.Fatalf("first claim = %v, %v; want true", first, err)
	}
	if second, err := db.Claim(ctx, id, now, now.Add(time.Minute)); err != nil || second {
		t.Errorf("second claim = %v, %v; want false while the first holds it", second, err)
	}
	// A deliverer that died leaves it due again once its claim runs out.
	if late, err := db.Claim(ctx, id, now.Add(time.Minute), now.Add(2*time.Minute)); err != nil || !late {
		t.Errorf("claim after expiry = %v, %v; want true", late, err)
	}
	if _, err := db.MarkSent(ctx, id, "C1", "1.000001"); err != nil {
		t.Fatal(err)
	}
	// The attempt of the deliverer that died counts: Slack may have its
	// message, so the next deliverer looks before posting.
	ms, err := db.OutgoingSince(ctx, 0)
	if err != nil || len(ms) != 1 || ms[0].Attempts != 2 {
		t.Errorf("after two claims and a send = %+v, %v; want 2 attempts", ms, err)
	}
	if sent, err := db.Claim(ctx, id, now.Add(time.Hour), now.Add(2*time.Hour)); err != nil || sent {
		t.Errorf("claim of a sent message = %v, %v; want false", sent, err)
	}
}

func TestRouteAndAnsweredBy(t *testing.T) {
	ctx := context.Background()
	db := mustOpenTemp(t)
	at := time.Date(2026, 3, 1, 9, 0, 0, 0, time.UTC)
	_, err := db.Import(ctx, knowledge.Batch{
		People: []knowledge.Person{{ID: "E1"}},
		Conversations: []knowledge.Conversation{
			{ID: "C1", Kind: knowledge.KindPublic},
			{ID: "G1", Kind: knowledge.KindPrivate, Members: []string{"E1"}},
		},
		Questions: []knowledge.Question{
			{ID: "old", Asker: "U1", Conversation: "C1", Text: "old one", Answers: []knowledge.Answer{{ID: "a1", Answerer: "E1", Text: "x", Time: at}}},
			{ID: "new", Asker: "U1", Conversation: "C1", Text: "new one", Answers: []knowledge.Answer{{ID: "a2", Answerer: "E1", Text: "y", Time: at.Add(time.Hour)}}},
			{ID: "hidden", Asker: "U1", Conversation: "G1", Text: "private one", Answers: []knowledge.Answer{{ID: "a3", Answerer: "E1", Text: "z", Time: at.Add(2 * time.Hour)}}},
			{ID: "other", Asker: "U1", Conversation: "C1", Text: "not theirs", Answers: []knowledge.Answer{{ID: "a4", Answerer: "E2", Text: "w", Time: at}}},
		},
	})
	if err != nil {
		t.Fatal(err)
	}
	mustRead(t, db, "G1")
	ids := func(v knowledge.Viewer, limit int) []string {
		t.Helper()
		qs, err := read(t, db, func(r desk.Reader) ([]knowledge.Question, error) { return r.AnsweredBy(ctx, v, "E1", limit) })
		if err != nil {
			t.Fatal(err)
		}
		var out []string
		for _, q := range qs {
			out = append(out, q.ID)
		}
		return out
	}
	if diff := cmp.Diff(ids(knowledge.Viewer{PersonID: "E1"}, 10), []string{"hidden", "new", "old"}); diff != "" {
		t.Errorf("AnsweredBy as themselves (-got +want):\n%s", diff)
	}
	if diff := cmp.Diff(ids(knowledge.Anonymous, 1), []string{"new"}); diff != "" {
		t.Errorf("AnsweredBy as anyone, limit 1 (-got +want):\n%s", diff)
	}

	var id int64
	mustOnce(t, db, "r", func(tx desk.Tx) error {
		var err error
		id, err = tx.AddRoute(ctx, knowledge.Route{QuestionID: "new", Expert: "E1"})
		return err
	})
	route := func(id int64) (knowledge.Route, error) {
		return read(t, db, func(r desk.Reader) (knowledge.Route, error) { return r.Route(ctx, id) })
	}
	r, err := route(id)
	if err != nil || r.QuestionID != "new" || r.Expert != "E1" || r.Outcome != knowledge.RoutePending {
		t.Errorf("Route = %+v, %v; want E1's pending route on new", r, err)
	}
	if _, err := route(id + 1); knowledge.ErrorCode(err) != knowledge.ENOTFOUND {
		t.Errorf("Route(unknown) error = %v, want ENOTFOUND", err)
	}
}
