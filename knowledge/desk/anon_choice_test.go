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

// The choice, in alice's DM with the bot (D1), to ask her next question
// there without her name.

// dmAsk is alice's message text to the bot in D1, at ts: a question asked
// with her name, answered in that message's thread.
func dmAsk(key, ts, text string) desk.Question {
	return desk.Question{
		Key: key, ID: "slack:D1:" + ts, Asker: alice, Text: text, Plain: text,
		Where:   knowledge.Conversation{ID: "D1", Kind: knowledge.KindDM, Members: []string{alice}},
		Channel: "D1", Thread: ts, Private: true, InDM: true,
	}
}

// click is alice's click on a button the bot showed her, answered at its
// response_url.
func click(key string) desk.Request {
	return desk.Request{Key: key, By: alice, To: desk.Address{Reply: "https://hooks/" + key}}
}

// lastReply returns the last notice recorded, which must be a Reply.
func (w *world) lastReply() desk.Reply {
	w.t.Helper()
	r, ok := w.saidSince(w.noticeCount())[0].Body.(desk.Reply)
	if !ok {
		w.t.Fatalf("the last notice is %+v, want a reply", w.saidSince(w.noticeCount())[0])
	}
	return r
}

// refusalOf returns the reply err, a Refusal, tells its person.
func refusalOf(t *testing.T, err error) desk.Reply {
	t.Helper()
	var r *desk.Refusal
	if !errors.As(err, &r) {
		t.Fatalf("got %v, want a refusal", err)
	}
	return r.Reply
}

func TestChoosingToAskTheNextQuestionWithoutOnesName(t *testing.T) {
	ctx := context.Background()
	w := newWorld(t, nil)

	// Asking for help in her DM: how to ask, and the button.
	err := w.desk.Ask(ctx, dmAsk("Ev0", "4.000001", "help"))
	if !errors.Is(err, desk.ErrUsage) {
		t.Fatalf("help in a DM = %v, want ErrUsage", err)
	}
	if got := refusalOf(t, err); got != (desk.Reply{Say: desk.SayUsage, Choice: desk.ChoiceAnonymous}) {
		t.Errorf("help in a DM answered %+v, want the usage and the choice", got)
	}
	if got := refusalOf(t, desk.ErrUsage); got.Choice != "" {
		t.Errorf("ErrUsage itself changed: %+v", got)
	}
	// Elsewhere, no button: her name is shown there anyway.
	if got := refusalOf(t, w.desk.Ask(ctx, inGeneral("1.000100", "help"))); got.Choice != "" {
		t.Errorf("help in #general offers %q", got.Choice)
	}

	// The receipt of a question asked with her name in her DM offers it.
	w.must(w.desk.Ask(ctx, dmAsk("Ev1", "5.000001", "my payslip is wrong")))
	told := w.bodies(1, desk.KindAskerTold)
	if want := []desk.Body{desk.AskerTold{What: desk.ToldAskedPrivately, Expert: bob, Choice: desk.ChoiceAnonymous}}; !cmp.Equal(told, want) {
		t.Errorf("the receipt = %+v, want %+v", told, want)
	}

	// She clicks it: her next question there is anonymous, for 30
	// minutes, and she may cancel.
	chosenAt := w.Now()
	w.must(w.desk.ChooseAnonymous(ctx, click("Tr1")))
	until := chosenAt.Add(desk.AnonymousChoiceFor)
	if got, want := w.lastReply(), (desk.Reply{Say: desk.SayAnonymousNext, Until: until, Count: 30, Choice: desk.ChoiceCancel}); got != want {
		t.Errorf("the click answered %+v, want %+v", got, want)
	}
	if last := w.saidSince(w.noticeCount())[0]; last.To != (desk.Address{Reply: "https://hooks/Tr1"}) {
		t.Errorf("the answer went to %+v, want the click's response_url", last.To)
	}

	// She writes her question 20 minutes later, as usual: it is asked as
	// "anon:" would have asked it.
	w.advance(20 * time.Minute)
	from := w.noticeCount() + 1
	w.must(w.desk.Ask(ctx, dmAsk("Ev2", "6.000001", "Is my manager allowed to read my mail?")))
	qid := desk.AnonymousID("Ev2")
	if anon := w.store.st.anonymous[qid]; anon.Asker != alice || !anon.Direct || anon.Relay != (desk.Link{Conversation: "D1", Thread: "6.000001"}) {
		t.Errorf("the desk keeps %+v, want alice, sent straight to the experts, relayed in her message's thread", anon)
	}
	if _, named := w.store.st.questions["slack:D1:6.000001"]; named {
		t.Error("the question is also kept under its message's id, which names her DM")
	}
	relay := desk.Address{Conversation: "D1", Thread: "6.000001"}
	want := []said{
		{"relay:" + qid, relay, 0, desk.AnonymousReceipt{KeepDays: 30}},
		{"route:2", desk.Address{Conversation: bob}, 0, desk.ExpertAsked{
			Route: 2, Text: desk.Quote{Typed: "Is my manager allowed to read my mail?"},
			Evidence: []desk.Evidence{{Question: "q-pub", Text: "deployment rollback stuck", Thread: desk.Link{Conversation: general, Thread: "1.000001"}}},
		}},
		// No button: this one is anonymous already.
		{"Ev2/note", relay, int64(from), desk.AskerTold{What: desk.ToldAsked, Expert: bob}},
	}
	if diff := cmp.Diff(w.saidSince(from), want); diff != "" {
		t.Errorf("said (-got +want):\n%s", diff)
	}
	w.wantNoTraceSince(qid, from)

	// Used once: the next is asked with her name, and offers it again.
	if _, ok := w.store.st.choices[alice]; ok {
		t.Errorf("the choice is still kept after it was used")
	}
	from = w.noticeCount() + 1
	w.must(w.desk.Ask(ctx, dmAsk("Ev3", "7.000001", "and my leave balance?")))
	if a := w.ask("slack:D1:7.000001"); a.Asker != alice || a.Anonymous {
		t.Errorf("the question after = %+v, want it asked with her name", a)
	}
	if told := w.bodies(from, desk.KindAskerTold); len(told) != 1 || told[0].(desk.AskerTold).Choice != desk.ChoiceAnonymous {
		t.Errorf("the receipt after = %+v, want the choice offered again", told)
	}
}

func TestAnonymousChoiceRunsOutOrIsCancelled(t *testing.T) {
	ctx := context.Background()
	w := newWorld(t, nil)

	// Chosen, then 30 minutes pass: her question has her name.
	w.must(w.desk.ChooseAnonymous(ctx, click("Tr1")))
	w.advance(desk.AnonymousChoiceFor + time.Second)
	w.must(w.desk.Ask(ctx, dmAsk("Ev1", "5.000001", "my payslip is wrong")))
	if a := w.ask("slack:D1:5.000001"); a.Asker != alice || a.Anonymous {
		t.Errorf("a question after the choice ran out = %+v, want it with her name", a)
	}
	// The prune forgets that she once chose.
	w.must(w.task(desk.TaskPrune).Run(ctx, false))
	if _, ok := w.store.st.choices[alice]; ok {
		t.Error("the choice that ran out is still kept after the prune")
	}

	// Chosen, then cancelled: with her name, and told so; the message
	// that offered to cancel says it instead.
	w.must(w.desk.ChooseAnonymous(ctx, click("Tr2")))
	w.must(w.desk.CancelAnonymous(ctx, click("Tr3")))
	if got := w.lastReply(); got != (desk.Reply{Say: desk.SayAnonymousCancelled}) {
		t.Errorf("the cancel answered %+v", got)
	}
	w.must(w.desk.Ask(ctx, dmAsk("Ev2", "6.000001", "and my leave balance?")))
	if a := w.ask("slack:D1:6.000001"); a.Asker != alice || a.Anonymous {
		t.Errorf("a question after the cancel = %+v, want it with her name", a)
	}
	// Cancelling with nothing to cancel says the same, harmlessly.
	w.must(w.desk.CancelAnonymous(ctx, click("Tr4")))

	// A choice reaches /ask in a DM (asked privately, answered at its
	// response_url) too, as /ask --anon there: the receipt starts her
	// relay in her DM.
	w.must(w.desk.ChooseAnonymous(ctx, click("Tr5")))
	slash := desk.Question{
		Key: "Tr6", ID: "ask:Tr6", Asker: alice, Text: "who approves overtime?", Plain: "who approves overtime?",
		Where:   knowledge.Conversation{ID: "nextdesk:private:" + alice, Kind: knowledge.KindDM, Members: []string{alice}},
		Private: true, Reply: desk.Address{Reply: "https://hooks/Tr6"},
	}
	from := w.noticeCount() + 1
	w.must(w.desk.Ask(ctx, slash))
	qid := desk.AnonymousID("Tr6")
	if got := w.saidSince(from)[0]; got.Key != "relay:"+qid || got.To != (desk.Address{Conversation: alice}) {
		t.Errorf("/ask in a DM after the choice said %+v first, want the receipt in her DM", got)
	}
	w.wantNoTraceSince(qid, from)

	// It does not reach a question posted in a channel, which shows her
	// name: the choice waits for her DM.
	w.must(w.desk.ChooseAnonymous(ctx, click("Tr7")))
	w.must(w.desk.Ask(ctx, slashAsk("Tr8", "where is the VPN guide?")))
	if a := w.ask("ask:Tr8"); a.Asker != alice || a.Anonymous {
		t.Errorf("/ask in #general after the choice = %+v, want it with her name", a)
	}
	if _, ok := w.store.st.choices[alice]; !ok {
		t.Error("a question posted in a channel used the choice")
	}
}

func TestAnonymousChoiceOffOrPastTheLimit(t *testing.T) {
	ctx := context.Background()
	w := newWorld(t, func(c *desk.Config) { c.AnonymousOff = true })
	if got := refusalOf(t, w.desk.Ask(ctx, dmAsk("Ev0", "4.000001", "help"))); got != (desk.Reply{Say: desk.SayUsage}) {
		t.Errorf("help in a DM with anonymous questions off = %+v, want the usage alone", got)
	}
	w.must(w.desk.Ask(ctx, dmAsk("Ev1", "5.000001", "my payslip is wrong")))
	if told := w.bodies(1, desk.KindAskerTold); len(told) != 1 || told[0].(desk.AskerTold).Choice != "" {
		t.Errorf("the receipt with anonymous questions off = %+v, want no choice", told)
	}
	// A stale click says they are off.
	if err := w.desk.ChooseAnonymous(ctx, click("Tr1")); !errors.Is(err, desk.ErrAnonymousOff) {
		t.Errorf("the choice with anonymous questions off = %v, want ErrAnonymousOff", err)
	}
	// A choice made before they were turned off asks nothing anonymously.
	w.store.st.choices[alice] = w.Now().Add(time.Minute)
	w.must(w.desk.Ask(ctx, dmAsk("Ev2", "6.000001", "and my leave balance?")))
	if a := w.ask("slack:D1:6.000001"); a.Asker != alice || a.Anonymous || len(w.store.st.anonymous) != 0 {
		t.Errorf("with anonymous questions off, the question = %+v, want it with her name", a)
	}

	// One a day: the choice, made in time, meets the limit when she
	// writes; she is told when she may ask again, with the button that
	// cancels the choice, and nothing is asked.
	w = newWorld(t, func(c *desk.Config) { c.AnonymousPerDay = 1 })
	w.must(w.desk.ChooseAnonymous(ctx, click("Tr1")))
	first := w.Now()
	w.must(w.desk.Ask(ctx, anonInGeneral("T2", "How do I roll back?")))
	before, questions := w.noticeCount(), len(w.store.st.questions)
	err := w.desk.Ask(ctx, dmAsk("Ev3", "7.000001", "and my leave balance?"))
	want := desk.Reply{Say: desk.SayAnonymousLimit, Count: 1, Until: first.Add(24 * time.Hour), Choice: desk.ChoiceCancel}
	if got := refusalOf(t, err); got != want {
		t.Errorf("past the limit = %+v, want %+v", got, want)
	}
	if w.noticeCount() != before || len(w.store.st.questions) != questions {
		t.Error("a refused question recorded something")
	}
	// Choosing now is refused at once, saying when.
	if got := refusalOf(t, w.desk.ChooseAnonymous(ctx, click("Tr4"))); got.Say != desk.SayAnonymousLimit || got.Choice != "" {
		t.Errorf("choosing past the limit = %+v, want the limit, without a button", got)
	}
}

// The id of an anonymous question is stable for its delivery and says
// nothing of it.
func TestAnonymousID(t *testing.T) {
	if a, b := desk.AnonymousID("Ev1"), desk.AnonymousID("Ev1"); a != b || !strings.HasPrefix(a, "anon:") || strings.Contains(a, "Ev1") || a == desk.AnonymousID("Ev2") {
		t.Errorf("AnonymousID = %q, %q", a, b)
	}
}

// TestTheExpertsAreRankedWithWhomTheQuestionNames: whether asked with her
// name, without it, or without it by her earlier choice, the question is
// ranked knowing whom it names (the engine asks them first).
func TestTheExpertsAreRankedWithWhomTheQuestionNames(t *testing.T) {
	ctx := context.Background()
	w := newWorld(t, nil)
	naming := func(q desk.Question) desk.Question {
		q.Addressed = []string{carol}
		return q
	}
	w.must(w.desk.Ask(ctx, naming(dmAsk("Ev1", "5.000001", "my payslip is wrong, can you check?"))))
	anon := naming(dmAsk("Ev2", "6.000001", "is my manager allowed to read my mail?"))
	anon.ID, anon.Anonymous, anon.Where = desk.AnonymousID("Ev2"), true, knowledge.Conversation{}
	w.must(w.desk.Ask(ctx, anon))
	w.must(w.desk.ChooseAnonymous(ctx, click("Tr1")))
	w.must(w.desk.Ask(ctx, naming(dmAsk("Ev3", "7.000001", "and may they read my chats?"))))

	w.engine.mu.Lock()
	defer w.engine.mu.Unlock()
	asked := make(map[string]bool)
	for _, q := range w.engine.considered {
		asked[q.Text] = true
		if !cmp.Equal(q.Addressed, []string{carol}) {
			t.Errorf("the engine considered %q naming %v, want carol", q.Text, q.Addressed)
		}
	}
	if len(asked) != 3 {
		t.Errorf("the engine considered %v, want the three questions", asked)
	}
}
