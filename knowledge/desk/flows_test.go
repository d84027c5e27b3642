package desk_test

import (
	"context"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/nextdesk/nextdesk/knowledge"
	"github.com/nextdesk/nextdesk/knowledge/desk"
)

// bodies returns what was said since notice number from, of kind k.
func (w *world) bodies(from int, k desk.Kind) []desk.Body {
	var out []desk.Body
	for _, s := range w.saidSince(from) {
		if s.Body.Kind() == k {
			out = append(out, s.Body)
		}
	}
	return out
}

func TestTakenQuestionRemindsItsExpertThenMovesOn(t *testing.T) {
	ctx := context.Background()
	w := newWorld(t, nil)
	qid := "slack:C1:1.000100"
	w.must(w.desk.Ask(ctx, inGeneral("1.000100", "How do I roll back?")))
	w.advance(time.Hour)
	taken := w.Now()
	w.must(w.desk.Decide(ctx, desk.Request{Key: "Tr1", By: bob}, 1, desk.Take))

	// Each timeout after taking it, bob is reminded; the question stays
	// his.
	for i := 1; i <= 2; i++ {
		from := w.noticeCount() + 1
		w.advance(4*time.Hour + time.Minute)
		w.must(w.desk.Escalate(ctx, false))
		w.must(w.desk.Escalate(ctx, false)) // once per round
		if diff := cmp.Diff(w.routes(qid), []string{bob + ":taken"}); diff != "" {
			t.Fatalf("routes after %d timeouts (-got +want):\n%s", i, diff)
		}
		got := w.saidSince(from)
		want := desk.Reminder{Route: 1, Asker: alice, Text: desk.Quote{Plain: "How do I roll back?"},
			Thread: desk.Link{Conversation: general, Thread: "1.000100"}, Taken: taken}
		if i == 2 {
			want.Last, want.Next = true, w.Now().Add(desk.DefaultAnswerTimeout)
		}
		if len(got) != 1 || got[0].To != (desk.Address{Conversation: bob}) || !cmp.Equal(got[0].Body, desk.Body(want)) {
			t.Fatalf("reminder %d: said %+v, want %+v in bob's DM", i, got, want)
		}
	}
	// Not before the timeout since the last reminder.
	w.advance(3 * time.Hour)
	w.must(w.desk.Escalate(ctx, false))
	if diff := cmp.Diff(w.routes(qid), []string{bob + ":taken"}); diff != "" {
		t.Fatalf("routes before the last timeout (-got +want):\n%s", diff)
	}
	// Then it goes to carol; alice hears why, bob's card closes.
	from := w.noticeCount() + 1
	w.advance(time.Hour + time.Minute)
	w.must(w.desk.Escalate(ctx, false))
	if diff := cmp.Diff(w.routes(qid), []string{bob + ":expired", carol + ":pending"}); diff != "" {
		t.Errorf("routes after the last reminder (-got +want):\n%s", diff)
	}
	if got := w.bodies(from, desk.KindAskerTold); !cmp.Equal(got, []desk.Body{desk.AskerTold{What: desk.ToldReleased, Expert: carol, Previous: bob}}) {
		t.Errorf("alice told %+v, want that bob took it but did not answer", got)
	}
	if got := w.bodies(from, desk.KindCardClosed); !cmp.Equal(got, []desk.Body{desk.CardClosed{Route: 1, Why: desk.ClosedPassedOn, By: carol}}) {
		t.Errorf("cards closed %+v, want bob's, passed on to carol", got)
	}
}

func TestTakenQuestionCanBeHandedBack(t *testing.T) {
	ctx := context.Background()
	w := newWorld(t, nil)
	qid := "slack:C1:1.000100"
	w.must(w.desk.Ask(ctx, inGeneral("1.000100", "How do I roll back?")))
	w.must(w.desk.Decide(ctx, desk.Request{Key: "Tr1", By: bob}, 1, desk.Take))
	w.must(w.desk.Decide(ctx, desk.Request{Key: "Tr2", By: bob}, 1, desk.NotMe))
	if diff := cmp.Diff(w.routes(qid), []string{bob + ":passed", carol + ":pending"}); diff != "" {
		t.Errorf("routes (-got +want):\n%s", diff)
	}
}

func TestCardsCloseWhenTheQuestionNoLongerWaitsForTheirExpert(t *testing.T) {
	ctx := context.Background()
	for _, c := range []struct {
		name string
		act  func(w *world)
		want desk.CardClosed
	}{
		{"answered by someone else", func(w *world) {
			w.must(w.desk.Answer(ctx, desk.Message{Key: "Ev2", ID: "slack:C1:1.000200", Channel: general, TS: "1.000200", Thread: "1.000100", Author: carol, Plain: "rollout undo"}))
		}, desk.CardClosed{Route: 1, Why: desk.ClosedAnswered, By: carol}},
		{"taken, then answered by someone else", func(w *world) {
			w.must(w.desk.Decide(ctx, desk.Request{Key: "Tr1", By: bob}, 1, desk.Take))
			w.must(w.desk.Answer(ctx, desk.Message{Key: "Ev2", ID: "slack:C1:1.000200", Channel: general, TS: "1.000200", Thread: "1.000100", Author: frank, Plain: "rollout undo"}))
		}, desk.CardClosed{Route: 1, Why: desk.ClosedAnswered, By: frank}},
		{"passed on after the timeout", func(w *world) {
			w.advance(5 * time.Hour)
			w.must(w.desk.Escalate(ctx, false))
		}, desk.CardClosed{Route: 1, Why: desk.ClosedPassedOn, By: carol}},
	} {
		t.Run(c.name, func(t *testing.T) {
			w := newWorld(t, nil)
			w.must(w.desk.Ask(ctx, inGeneral("1.000100", "How do I roll back?")))
			from := w.noticeCount() + 1
			c.act(w)
			var closed []said
			for _, s := range w.saidSince(from) {
				if s.Body.Kind() == desk.KindCardClosed {
					closed = append(closed, s)
				}
			}
			// The change waits on the card's own delivery (notice 1),
			// whose message it edits.
			want := []said{{"route:1/closed", desk.Address{}, 1, c.want}}
			if diff := cmp.Diff(closed, want); diff != "" {
				t.Errorf("cards closed (-got +want):\n%s", diff)
			}
		})
	}
}

func TestGivenUpQuestionsSayWhatHappened(t *testing.T) {
	ctx := context.Background()
	away := func(w *world, people ...string) {
		for _, p := range people {
			w.chat.presence[p] = knowledge.Presence{Away: true}
		}
	}
	for _, c := range []struct {
		name  string
		setup func(w *world)
		steps func(w *world)
		gap   desk.Gap
		asked int
	}{
		{"nobody known", func(w *world) { w.engine.experts = nil }, func(*world) {}, desk.GapNobodyKnown, 0},
		{"nobody available", func(w *world) { away(w, bob, carol, dave) }, func(*world) {}, desk.GapNobodyAvailable, 0},
		{"everyone passed", nil, func(w *world) {
			for i := int64(1); i <= 3; i++ {
				w.must(w.desk.Decide(ctx, desk.Request{Key: "Tr" + string(rune('0'+i)), By: []string{bob, carol, dave}[i-1]}, i, desk.NotMe))
			}
		}, desk.GapAllPassed, 3},
		{"the only one asked timed out", func(w *world) { away(w, carol, dave) }, func(w *world) {
			w.advance(5 * time.Hour)
			w.must(w.desk.Escalate(ctx, false))
		}, desk.GapTimedOut, 1},
		{"one passed, one timed out", func(w *world) { away(w, dave) }, func(w *world) {
			w.must(w.desk.Decide(ctx, desk.Request{Key: "Tr1", By: bob}, 1, desk.NotMe))
			w.advance(5 * time.Hour)
			w.must(w.desk.Escalate(ctx, false))
		}, desk.GapNoAnswer, 2},
	} {
		t.Run(c.name, func(t *testing.T) {
			w := newWorld(t, func(cfg *desk.Config) { cfg.FallbackChannel = "C9" })
			if c.setup != nil {
				c.setup(w)
			}
			w.must(w.desk.Ask(ctx, inGeneral("1.000100", "How do I roll back?")))
			c.steps(w)
			if a := w.ask("slack:C1:1.000100"); a.Status != knowledge.StatusUnanswered {
				t.Fatalf("status = %s, want unanswered", a.Status)
			}
			fb := w.bodies(1, desk.KindFallbackAsked)
			if len(fb) != 1 || fb[0].(desk.FallbackAsked).Gap != c.gap || fb[0].(desk.FallbackAsked).Asked != c.asked {
				t.Errorf("fallback channel told %+v, want gap %s after %d asked", fb, c.gap, c.asked)
			}
			var last desk.AskerTold
			for _, b := range w.bodies(1, desk.KindAskerTold) {
				last = b.(desk.AskerTold)
			}
			if want := (desk.AskerTold{What: desk.ToldFallback, Fallback: "C9", Gap: c.gap, Asked: c.asked}); last != want {
				t.Errorf("asker told %+v, want %+v", last, want)
			}
		})
	}
}

func TestUnknownPresenceIsNotPresence(t *testing.T) {
	ctx := context.Background()
	w := newWorld(t, nil)
	w.chat.presence[bob] = knowledge.Presence{Unknown: true}
	w.must(w.desk.Ask(ctx, inGeneral("1.000100", "How do I roll back?")))
	w.chat.presence[carol] = knowledge.Presence{Unknown: true}
	w.chat.presence[dave] = knowledge.Presence{Unknown: true}
	w.must(w.desk.Ask(ctx, inGeneral("1.000200", "How do I roll back again?")))
	// Carol is known to be around: she is asked before bob, whose
	// presence Slack would not say; with nobody known to be around, the
	// best ranked is asked rather than nobody.
	if got := w.routes("slack:C1:1.000100"); !cmp.Equal(got, []string{carol + ":pending"}) {
		t.Errorf("first question went to %v, want carol", got)
	}
	if got := w.routes("slack:C1:1.000200"); !cmp.Equal(got, []string{bob + ":pending"}) {
		t.Errorf("second question went to %v, want bob", got)
	}
}

func TestWhatTheAskerAddsIsPartOfTheQuestion(t *testing.T) {
	ctx := context.Background()
	w := newWorld(t, nil)
	qid := "slack:C1:1.000100"
	q := inGeneral("1.000100", "How do I roll back?")
	q.Details = []desk.Detail{{ID: "slack:C1:1.000050", Text: "It is the payments service."}}
	w.must(w.desk.Ask(ctx, q))
	text := func() string { return w.store.st.questions[qid].Text }
	reply := func(key, ts, who, plain string) desk.Message {
		return desk.Message{Key: key, ID: "slack:C1:" + ts, Channel: general, TS: ts, Thread: "1.000100", Author: who, Plain: plain}
	}
	w.must(w.desk.Answer(ctx, reply("Ev2", "1.000200", alice, "The helm chart is at revision 12.")))
	if want := "How do I roll back?\n\nIt is the payments service.\n\nThe helm chart is at revision 12."; text() != want {
		t.Errorf("question = %q, want %q", text(), want)
	}
	// Edits and deletions of the question or its details rewrite it.
	w.must(w.desk.Edit(ctx, desk.Message{Key: "Ev3", ID: "slack:C1:1.000200", Author: alice, Plain: "The chart is at revision 13."}))
	w.must(w.desk.Edit(ctx, desk.Message{Key: "Ev4", ID: qid, Author: alice, Plain: "How do I roll back a release?"}))
	w.must(w.desk.Delete(ctx, "Ev5", "slack:C1:1.000050"))
	if want := "How do I roll back a release?\n\nThe chart is at revision 13."; text() != want {
		t.Errorf("question after edits = %q, want %q", text(), want)
	}
	// The next expert reads it whole.
	w.advance(5 * time.Hour)
	from := w.noticeCount() + 1
	w.must(w.desk.Escalate(ctx, false))
	asked := w.bodies(from, desk.KindExpertAsked)
	if len(asked) != 1 || asked[0].(desk.ExpertAsked).Text.Plain != text() {
		t.Errorf("carol was asked %+v, want the question with its details", asked)
	}
	// Once answered, what the asker says is conversation, not question.
	w.must(w.desk.Answer(ctx, reply("Ev6", "1.000300", carol, "helm rollback payments 12")))
	w.must(w.desk.Answer(ctx, reply("Ev7", "1.000400", alice, "Does that keep the config map?")))
	if want := "How do I roll back a release?\n\nThe chart is at revision 13."; text() != want {
		t.Errorf("question after the answer = %q, want it unchanged", text())
	}
}
