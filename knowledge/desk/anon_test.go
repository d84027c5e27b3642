package desk_test

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

// Anonymous questions, without Slack: alice asks without her name.

// anonInGeneral is alice's `/ask --anon` in #general: the desk posts it
// there, without her name.
func anonInGeneral(key, text string) desk.Question {
	q := slashAsk(key, text)
	q.ID, q.Anonymous = "anon:"+key, true
	return q
}

// anonDirect is alice's direct message "anon: …" to the bot, sent
// straight to the experts; its thread in her DM (D1) is her relay.
func anonDirect(key, text string) desk.Question {
	return desk.Question{
		Key: key, ID: "anon:" + key, Asker: alice, Text: text, Plain: text, Private: true, Anonymous: true,
		Relay: desk.Link{Conversation: "D1", Thread: "5.000001"},
	}
}

// askDelivered has alice ask "How do I roll back?" anonymously in
// #general, delivers what the desk said, and returns the question's id,
// its ask, and the thread of her relay.
func (w *world) askDelivered(ctx context.Context) (string, knowledge.Ask, desk.Link) {
	w.t.Helper()
	w.must(w.desk.Ask(ctx, anonInGeneral("T1", "How do I roll back?")))
	w.store.deliver()
	qid := "anon:T1"
	return qid, w.ask(qid), w.store.st.anonymous[qid].Relay
}

// wantNoTrace fails the test if anything the desk keeps or says about
// question qid names alice, except what it says to her: the question and
// its ask, and every notice whose reader or address is not alice or her
// relay thread.
func (w *world) wantNoTrace(qid string) {
	w.t.Helper()
	w.wantNoTraceSince(qid, 1)
}

// wantNoTraceSince is wantNoTrace on the notices since number from: those
// before were about questions she asked with her name.
func (w *world) wantNoTraceSince(qid string, from int) {
	w.t.Helper()
	w.store.mu.Lock()
	defer w.store.mu.Unlock()
	st := w.store.st
	if q := st.questions[qid]; q.Asker != "" {
		w.t.Errorf("question %s kept with asker %q", qid, q.Asker)
	}
	if a := st.asks[qid]; a.Asker != "" || !a.Anonymous {
		w.t.Errorf("ask %s = %+v, want anonymous, with no asker", qid, a)
	}
	relay := st.anonymous[qid].Relay
	for _, m := range st.notices[from-1:] {
		toAlice := m.Reader == alice || m.To.Conversation == alice || m.To.Only == alice ||
			(relay.Known() && m.To.Conversation == relay.Conversation && m.To.Thread == relay.Thread)
		if m.After != 0 && m.To.Conversation == "" {
			dep := st.notices[m.After-1]
			toAlice = toAlice || dep.Reader == alice
		}
		if toAlice {
			continue
		}
		_, payload, err := m.Encode()
		if err != nil {
			w.t.Fatal(err)
		}
		if strings.Contains(string(payload), alice) || strings.Contains(strings.Join(m.Place.Members, ","), alice) {
			w.t.Errorf("notice %s names alice: %s", m.Key, payload)
		}
	}
}

func TestAnonymousQuestionInAChannelNamesNobody(t *testing.T) {
	ctx := context.Background()
	w := newWorld(t, nil)
	// The ranking offers alice herself first: she is never asked.
	w.engine.experts = append([]knowledge.Expert{{Person: knowledge.Person{ID: alice}}}, w.engine.experts...)
	w.must(w.desk.Ask(ctx, anonInGeneral("T1", "How do I roll back?")))
	qid := "anon:T1"
	want := []said{
		{"thread:" + qid, desk.Address{Conversation: general}, 0, desk.QuestionPosted{Text: desk.Quote{Typed: "How do I roll back?"}}},
		{"relay:" + qid, desk.Address{Conversation: alice}, 0, desk.AnonymousReceipt{Channel: general, KeepDays: 30}},
		{"route:1", desk.Address{Conversation: bob}, 1, desk.ExpertAsked{
			Route: 1, Text: desk.Quote{Typed: "How do I roll back?"},
			// Bob may see #infra, alice's private channel, but a thread
			// from there would tell him where she talks: public only.
			Evidence: []desk.Evidence{{Question: "q-pub", Text: "deployment rollback stuck", Thread: desk.Link{Conversation: general, Thread: "1.000001"}}},
			Thread:   desk.Link{Started: true},
		}},
		// Alice hears in the thread her receipt starts in her DM.
		{"T1/note", desk.Address{InThread: true}, 2, desk.AskerTold{What: desk.ToldAsked, Expert: bob}},
	}
	if diff := cmp.Diff(w.saidSince(1), want); diff != "" {
		t.Errorf("said (-got +want):\n%s", diff)
	}
	if got := w.store.st.notices[3].Reader; got != alice {
		t.Errorf("the note to alice is in %q's language, want hers", got)
	}
	if q := w.store.st.questions[qid]; q.Conversation != general || q.Text != "How do I roll back?" {
		t.Errorf("question kept = %+v, want it in #general", q)
	}
	w.wantNoTrace(qid)
}

func TestAnonymousRepliesAreRelayedBothWays(t *testing.T) {
	ctx := context.Background()
	w := newWorld(t, nil)
	qid, a, relay := w.askDelivered(ctx)
	if a.Thread == "" || !relay.Known() {
		t.Fatalf("after delivery: ask %+v, relay %+v; want both threads known", a, relay)
	}
	inRelay := desk.Address{Conversation: relay.Conversation, Thread: relay.Thread}
	inThread := desk.Address{Conversation: general, Thread: a.Thread}

	// Before anyone answers, what alice writes in her relay is part of
	// the question, and posted in its thread without her name.
	from := w.noticeCount() + 1
	w.must(w.desk.Answer(ctx, desk.Message{Key: "Ev1", ID: "slack:D9:7.000001", Channel: relay.Conversation, TS: "7.000001", Thread: relay.Thread, Author: alice, Plain: "It is the payments service."}))
	// Keyed by the question and the message's time, not by Slack's
	// delivery of her message: the key goes with the post.
	want := []said{{"relayed:" + qid + ":7.000001", inThread, 0, desk.Relayed{Text: desk.Quote{Plain: "It is the payments service."}}}}
	if diff := cmp.Diff(w.saidSince(from), want); diff != "" {
		t.Errorf("alice's follow-up (-got +want):\n%s", diff)
	}
	if q := w.store.st.questions[qid]; !strings.Contains(q.Text, "payments service") {
		t.Errorf("question text = %q, want alice's follow-up in it", q.Text)
	}
	// Someone else in her DM thread is nobody to relay.
	before := w.noticeCount()
	w.must(w.desk.Answer(ctx, desk.Message{Key: "Ev1b", Channel: relay.Conversation, TS: "7.000002", Thread: relay.Thread, Author: frank, Plain: "hi"}))
	if w.noticeCount() != before {
		t.Error("a message by someone else in alice's relay was relayed")
	}

	// Bob answers in the thread: alice gets it in her relay, with the
	// button that says it solves it; no ephemeral check in the channel.
	from = w.noticeCount() + 1
	answer := desk.Message{Key: "Ev2", ID: "slack:C1:1.000200", Channel: general, TS: "1.000200", Thread: a.Thread, Author: bob, Plain: "kubectl rollout undo"}
	w.must(w.desk.Answer(ctx, answer))
	var relayed []said
	for _, s := range w.saidSince(from) {
		if s.Body.Kind() != desk.KindCardClosed {
			relayed = append(relayed, s)
		}
	}
	want = []said{{"relayed:" + answer.ID, inRelay, 0, desk.Relayed{
		From: bob, Text: desk.Quote{Plain: "kubectl rollout undo"}, Answer: answer.ID,
		Thread: desk.Link{Conversation: general, Thread: a.Thread},
	}}}
	if diff := cmp.Diff(relayed, want); diff != "" {
		t.Errorf("bob's answer relayed (-got +want):\n%s", diff)
	}
	if got := w.ask(qid).Status; got != knowledge.StatusAnswered {
		t.Errorf("status = %s, want answered", got)
	}

	// Her thanks count for bob's answer, and reach the thread.
	w.must(w.desk.Answer(ctx, desk.Message{Key: "Ev3", Channel: relay.Conversation, TS: "7.000003", Thread: relay.Thread, Author: alice, Plain: "merci !"}))
	if q := w.store.st.questions[qid]; q.Answers[0].Thanks != 1 || strings.Contains(q.Text, "merci") {
		t.Errorf("question = %+v, want bob's answer thanked, the thanks no detail", q)
	}

	// Only alice accepts, from her DM; the card she clicked settles.
	click := desk.Request{Key: "Tr1", By: frank, To: desk.Address{Reply: "https://hooks/1"}}
	if err := w.desk.Accept(ctx, click, answer.ID); !errors.Is(err, desk.ErrOnlyAsker) {
		t.Errorf("frank's acceptance = %v, want ErrOnlyAsker", err)
	}
	click.By = alice
	w.must(w.desk.Accept(ctx, click, answer.ID))
	if got := w.ask(qid).Status; got != knowledge.StatusSolved {
		t.Errorf("status = %s, want solved", got)
	}
	last := w.saidSince(w.noticeCount())[0]
	if r, ok := last.Body.(desk.Reply); !ok || r.Settle != "relayed:"+answer.ID {
		t.Errorf("reply to alice's click = %+v, want the relayed card settled", last.Body)
	}
	w.wantNoTrace(qid)
}

func TestAnonymousQuestionStraightToTheExperts(t *testing.T) {
	ctx := context.Background()
	w := newWorld(t, func(c *desk.Config) { c.FallbackChannel = "ask-anyone" })
	qid := "anon:Ev1"
	w.must(w.desk.Ask(ctx, anonDirect("Ev1", "Is my manager allowed to read my mail?")))
	relay := desk.Address{Conversation: "D1", Thread: "5.000001"}
	got := w.saidSince(1)
	want := []said{
		{"relay:" + qid, relay, 0, desk.AnonymousReceipt{Fallback: "ask-anyone", KeepDays: 30}},
		{"route:1", desk.Address{Conversation: bob}, 0, desk.ExpertAsked{
			Route: 1, Text: desk.Quote{Typed: "Is my manager allowed to read my mail?"},
			Evidence: []desk.Evidence{{Question: "q-pub", Text: "deployment rollback stuck", Thread: desk.Link{Conversation: general, Thread: "1.000001"}}},
		}},
		// In the thread of her message, after the receipt.
		{"Ev1/note", relay, 1, desk.AskerTold{What: desk.ToldAsked, Expert: bob}},
	}
	if diff := cmp.Diff(got, want); diff != "" {
		t.Errorf("said (-got +want):\n%s", diff)
	}
	// The card starts the question's thread in bob's DM, and the
	// question goes there, for bob alone to find.
	if p := w.store.st.notices[1].Place; p.QuestionID != qid || !p.Thread || !cmp.Equal(p.Members, []string{bob}) {
		t.Errorf("card place = %+v, want the question placed in bob's DM thread", p)
	}
	w.store.deliver()
	a := w.ask(qid)
	if q := w.store.st.questions[qid]; q.Conversation != a.Channel || a.Thread == "" {
		t.Fatalf("question in %s, ask %+v: want both in bob's DM thread", q.Conversation, a)
	}

	// Bob does not answer: carol is asked in her own DM, alice hears why.
	from := w.noticeCount() + 1
	w.advance(5 * time.Hour)
	w.must(w.desk.Escalate(ctx, false))
	var cards, notes []said
	for _, s := range w.saidSince(from) {
		switch s.Body.Kind() {
		case desk.KindExpertAsked:
			cards = append(cards, s)
		case desk.KindAskerTold:
			notes = append(notes, s)
		}
	}
	if len(cards) != 1 || cards[0].To != (desk.Address{Conversation: carol}) || len(notes) != 1 || notes[0].To != relay {
		t.Errorf("after the timeout: cards %+v, notes %+v; want carol asked in her DM, alice told in her relay", cards, notes)
	}
	w.store.deliver()

	// Carol replies in her DM thread: alice reads it in hers, without a
	// link she could not open.
	a = w.ask(qid)
	from = w.noticeCount() + 1
	w.must(w.desk.Answer(ctx, desk.Message{Key: "Ev2", ID: "slack:G1:9.000001", Channel: a.Channel, TS: "9.000001", Thread: a.Thread, Author: carol, Plain: "No, not without telling you."}))
	relayed := w.bodies(from, desk.KindRelayed)
	if want := []desk.Body{desk.Relayed{From: carol, Text: desk.Quote{Plain: "No, not without telling you."}, Answer: "slack:G1:9.000001"}}; !cmp.Equal(relayed, want) {
		t.Errorf("relayed %+v, want %+v", relayed, want)
	}
	// Alice writes back: it goes to carol's DM thread, in her language.
	from = w.noticeCount() + 1
	w.must(w.desk.Answer(ctx, desk.Message{Key: "Ev3", Channel: relay.Conversation, TS: "5.000009", Thread: relay.Thread, Author: alice, Plain: "Even for a security audit?"}))
	back := w.saidSince(from)
	if len(back) != 1 || back[0].To != (desk.Address{Conversation: a.Channel, Thread: a.Thread}) || w.store.st.notices[len(w.store.st.notices)-1].Reader != carol {
		t.Errorf("alice's reply went to %+v, want carol's DM thread, in carol's language", back)
	}
	w.wantNoTrace(qid)
}

func TestAnonymousQuestionNobodyAnswersGoesToTheFallbackChannel(t *testing.T) {
	ctx := context.Background()
	w := newWorld(t, func(c *desk.Config) { c.FallbackChannel = "ask-anyone" })
	for _, p := range []string{bob, carol, dave} {
		w.chat.presence[p] = knowledge.Presence{Away: true}
	}
	qid := "anon:Ev1"
	w.must(w.desk.Ask(ctx, anonDirect("Ev1", "Where do I report harassment?")))
	var fallback said
	for _, s := range w.saidSince(1) {
		if s.Body.Kind() == desk.KindFallbackAsked {
			fallback = s
		}
	}
	want := desk.FallbackAsked{Text: desk.Quote{Typed: "Where do I report harassment?"}, Gap: desk.GapNobodyAvailable}
	if !cmp.Equal(fallback.Body, desk.Body(want)) {
		t.Errorf("fallback channel asked %+v, want the question, without asker, in a thread of its own", fallback.Body)
	}
	w.store.deliver()
	// Its post started the question's thread: a reply there reaches alice.
	a := w.ask(qid)
	if a.Channel != "ask-anyone" || a.Thread == "" {
		t.Fatalf("ask = %+v, want it in the fallback channel's thread", a)
	}
	from := w.noticeCount() + 1
	w.must(w.desk.Answer(ctx, desk.Message{Key: "Ev2", ID: "slack:C9:9.1", Channel: a.Channel, TS: "9.1", Thread: a.Thread, Author: frank, Plain: "HR, room 12."}))
	if got := w.bodies(from, desk.KindRelayed); len(got) != 1 {
		t.Errorf("relayed %+v, want frank's answer", got)
	}
	w.wantNoTrace(qid)
}

func TestAnonymousQuestionsOffOrPastTheDailyLimit(t *testing.T) {
	ctx := context.Background()
	w := newWorld(t, func(c *desk.Config) { c.AnonymousOff = true })
	if err := w.desk.Ask(ctx, anonInGeneral("T1", "How do I roll back?")); !errors.Is(err, desk.ErrAnonymousOff) {
		t.Errorf("Ask with anonymous questions off = %v, want ErrAnonymousOff", err)
	}
	if n := w.noticeCount(); n != 0 || len(w.store.st.questions) != 2 {
		t.Errorf("refused, yet %d notices and %d questions recorded", n, len(w.store.st.questions))
	}

	w = newWorld(t, func(c *desk.Config) { c.AnonymousPerDay = 2 })
	first := w.Now()
	w.must(w.desk.Ask(ctx, anonInGeneral("T1", "first question")))
	w.advance(time.Hour)
	w.must(w.desk.Ask(ctx, anonDirect("T2", "second question")))
	w.advance(time.Hour)
	err := w.desk.Ask(ctx, anonInGeneral("T3", "third question"))
	var refusal *desk.Refusal
	if !errors.As(err, &refusal) {
		t.Fatalf("the third in a day = %v, want a refusal", err)
	}
	if want := (desk.Reply{Say: desk.SayAnonymousLimit, Count: 2, Until: first.Add(24 * time.Hour)}); !cmp.Equal(refusal.Reply, want) {
		t.Errorf("refusal = %+v, want %+v", refusal.Reply, want)
	}
	// Others are not held back by alice's count, nor is she with her name.
	q := anonInGeneral("T4", "frank's question")
	q.Asker = frank
	w.must(w.desk.Ask(ctx, q))
	w.must(w.desk.Ask(ctx, slashAsk("T5", "alice, named")))
	// A day after her first, she may ask one more.
	w.advance(22 * time.Hour)
	w.must(w.desk.Ask(ctx, anonInGeneral("T6", "third question, a day later")))
}

func TestWhoAskedAnonymouslyIsForgottenAfterAMonth(t *testing.T) {
	ctx := context.Background()
	w := newWorld(t, nil)
	qid, a, relay := w.askDelivered(ctx)

	w.advance(desk.KeepAnonymous - time.Hour)
	w.must(w.task(desk.TaskPrune).Run(ctx, false))
	if got := w.store.st.anonymous[qid].Asker; got != alice {
		t.Fatalf("before a month, the desk knows %q asked, want alice", got)
	}
	w.advance(2 * time.Hour)
	w.must(w.task(desk.TaskPrune).Run(ctx, false))
	if got := w.store.st.anonymous[qid]; got.Asker != "" || got.Relay.Known() {
		t.Fatalf("after a month, the desk keeps %+v, want nobody and no relay", got)
	}
	// Replies are still captured, relayed to nobody; her relay is just a
	// thread, and the question accepts nobody's click.
	before := w.noticeCount()
	w.must(w.desk.Answer(ctx, desk.Message{Key: "Ev2", ID: "slack:C1:1.000200", Channel: general, TS: "1.000200", Thread: a.Thread, Author: bob, Plain: "kubectl rollout undo"}))
	// Her relay is no thread the desk follows any more.
	if err := w.desk.Answer(ctx, desk.Message{Key: "Ev3", Channel: relay.Conversation, TS: "7.1", Thread: relay.Thread, Author: alice, Plain: "still there?"}); !errors.Is(err, desk.ErrAfterEarlier) {
		t.Errorf("her reply in the forgotten relay = %v, want ErrAfterEarlier (nothing the desk follows)", err)
	}
	for _, s := range w.saidSince(before + 1) {
		if s.Body.Kind() == desk.KindRelayed {
			t.Errorf("relayed %+v after the asker was forgotten", s)
		}
	}
	if q := w.store.st.questions[qid]; len(q.Answers) != 1 {
		t.Errorf("answers = %+v, want bob's captured", q.Answers)
	}
	if err := w.desk.Accept(ctx, desk.Request{Key: "Tr1", By: alice}, "slack:C1:1.000200"); !errors.Is(err, desk.ErrOnlyAsker) {
		t.Errorf("acceptance after a month = %v, want ErrOnlyAsker", err)
	}
}

func TestAnonymousEarlierAnswersAndPicks(t *testing.T) {
	ctx := context.Background()
	w := newWorld(t, nil)
	// Both past answers match; the expert may see both.
	w.engine.matches = []knowledge.Match{
		{Question: w.store.st.questions["q-priv"], Answer: w.store.st.questions["q-priv"].Answers[0], Confidence: 0.4},
		{Question: w.store.st.questions["q-pub"], Answer: w.store.st.questions["q-pub"].Answers[0], Confidence: 0.3},
	}
	qid := "anon:Ev1"
	w.must(w.desk.Ask(ctx, anonDirect("Ev1", "How do I roll back?")))
	w.store.deliver()
	click := desk.Request{Key: "Tr1", By: bob, To: desk.Address{Reply: "https://hooks/1"}}
	w.must(w.desk.Decide(ctx, click, 1, desk.AlreadyAnswered))
	earlier := w.bodies(w.noticeCount(), desk.KindEarlier)
	if len(earlier) != 1 {
		t.Fatalf("no earlier threads offered: %+v", w.saidSince(1))
	}
	e := earlier[0].(desk.Earlier)
	if e.Asker != "" || len(e.Options) != 1 || e.Options[0].Question != "q-pub" {
		t.Errorf("earlier = %+v, want the public thread alone, no asker", e)
	}
	// Bob picks it: alice gets it in her relay, to say it solves it.
	click.Key = "Tr2"
	w.must(w.desk.Pick(ctx, click, 1, "q-pub"))
	var handed []said
	for _, s := range w.saidSince(1) {
		if s.Body.Kind() == desk.KindInstantAnswer {
			handed = append(handed, s)
		}
	}
	if len(handed) != 1 || handed[0].To != (desk.Address{Conversation: "D1", Thread: "5.000001"}) {
		t.Fatalf("the pick went to %+v, want alice's relay", handed)
	}
	if r := w.saidSince(w.noticeCount())[0].Body.(desk.Reply); r.Say != desk.SayPicked || r.Person != "" {
		t.Errorf("bob told %+v, want that the answer went to the person who asked, unnamed", r)
	}
	w.must(w.desk.Solved(ctx, desk.Request{Key: "Tr3", By: alice}, qid))
	if got := w.ask(qid).Status; got != knowledge.StatusSolved {
		t.Errorf("status = %s, want solved", got)
	}
	w.wantNoTrace(qid)
}

// task returns the desk's background task called name.
func (w *world) task(name string) desk.Task {
	w.t.Helper()
	for _, t := range w.desk.Tasks() {
		if t.Name == name {
			return t
		}
	}
	w.t.Fatalf("the desk has no task %q", name)
	return desk.Task{}
}
