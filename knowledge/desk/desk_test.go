package desk_test

import (
	"context"
	"errors"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/nextdesk/nextdesk/knowledge"
	"github.com/nextdesk/nextdesk/knowledge/desk"
)

// The world of the tests: alice asks, bob, carol and dave know about
// rollbacks (in that order), frank is anyone. #general is public; #infra
// is private to alice and bob; #help-it captures every thread.
const (
	alice = "UA"
	bob   = "UB"
	carol = "UC"
	dave  = "UD"
	frank = "UF"

	general = "C1"
	infra   = "G1"
	helpIt  = "C2"
)

// world is a desk on a fake store, engine and workspace, with a clock the
// test moves.
type world struct {
	t      *testing.T
	store  *store
	engine *engine
	chat   *workspace
	desk   *desk.Desk

	mu     sync.Mutex
	now    time.Time
	counts desk.Counts
	syncs  int
}

func newWorld(t *testing.T, change func(*desk.Config)) *world {
	t.Helper()
	w := &world{t: t, now: time.Date(2026, 3, 2, 10, 0, 0, 0, time.UTC)}
	w.store = newStore(w.Now)
	w.chat = newWorkspace()
	for _, id := range []string{alice, bob, carol, dave, frank} {
		w.chat.people[id] = knowledge.Person{ID: id, Name: id}
	}
	w.chat.conversations[general] = knowledge.Conversation{ID: general, Name: "general", Kind: knowledge.KindPublic}
	w.chat.conversations[infra] = knowledge.Conversation{ID: infra, Name: "infra", Kind: knowledge.KindPrivate, Members: []string{alice, bob}}
	w.chat.conversations[helpIt] = knowledge.Conversation{ID: helpIt, Name: "help-it", Kind: knowledge.KindPublic}

	// Past knowledge: a public rollback thread and a private one.
	st := w.store.st
	st.conversations[general] = w.chat.conversations[general]
	st.conversations[infra] = w.chat.conversations[infra]
	st.questions["q-pub"] = knowledge.Question{ID: "q-pub", Asker: frank, Conversation: general, Thread: "1.000001", Text: "deployment rollback stuck",
		Answers: []knowledge.Answer{{ID: "a-pub", Answerer: bob, Text: "kubectl rollout undo"}}}
	st.questions["q-priv"] = knowledge.Question{ID: "q-priv", Asker: alice, Conversation: infra, Thread: "1.000002", Text: "rollback of the nightingale release",
		Answers: []knowledge.Answer{{ID: "a-priv", Answerer: carol, Text: "helm rollback 12"}}}
	evidence := []knowledge.Evidence{
		{QuestionID: "q-priv", Text: "rollback of the nightingale release"},
		{QuestionID: "q-pub", Text: "deployment rollback stuck"},
		{QuestionID: "q-pub", Text: "deployment rollback stuck"},
	}
	w.engine = &engine{experts: []knowledge.Expert{
		{Person: knowledge.Person{ID: bob}, Evidence: evidence},
		{Person: knowledge.Person{ID: carol}, Evidence: evidence},
		{Person: knowledge.Person{ID: dave}, Evidence: evidence[1:]},
	}}

	cfg := desk.Config{
		Now:          w.Now,
		HelpChannels: []string{"#help-it"},
		Index: func(context.Context) error {
			w.mu.Lock()
			defer w.mu.Unlock()
			w.syncs++
			return nil
		},
		Counted: func(n desk.Counts) {
			w.mu.Lock()
			defer w.mu.Unlock()
			w.counts.Questions += n.Questions
			w.counts.Instant += n.Instant
			w.counts.Routes += n.Routes
			w.counts.Captured += n.Captured
			w.counts.Escalations += n.Escalations
			w.counts.Duplicates += n.Duplicates
		},
	}
	if change != nil {
		change(&cfg)
	}
	d, err := desk.New(cfg, w.store, w.engine, w.chat)
	if err != nil {
		t.Fatal(err)
	}
	w.desk = d
	return w
}

func (w *world) Now() time.Time {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.now
}

func (w *world) advance(d time.Duration) {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.now = w.now.Add(d)
}

// must fails the test on err.
func (w *world) must(err error) {
	w.t.Helper()
	if err != nil {
		w.t.Fatal(err)
	}
}

// said is what the desk recorded to say since notice number from (1 for
// everything), as "key → address: body", for comparing with cmp.
type said struct {
	Key   string
	To    desk.Address
	After int64
	Body  desk.Body
}

func (w *world) saidSince(from int) []said {
	w.store.mu.Lock()
	defer w.store.mu.Unlock()
	var out []said
	for _, m := range w.store.st.notices[from-1:] {
		out = append(out, said{m.Key, m.To, m.After, m.Body})
	}
	return out
}

func (w *world) noticeCount() int {
	w.store.mu.Lock()
	defer w.store.mu.Unlock()
	return len(w.store.st.notices)
}

func (w *world) ask(id string) knowledge.Ask {
	w.store.mu.Lock()
	defer w.store.mu.Unlock()
	return w.store.st.asks[id]
}

func (w *world) routes(questionID string) []string {
	w.store.mu.Lock()
	defer w.store.mu.Unlock()
	var out []string
	for _, r := range w.store.st.routes {
		if r.QuestionID == questionID {
			out = append(out, r.Expert+":"+string(r.Outcome))
		}
	}
	return out
}

// inGeneral is alice's mention in #general, answered in its thread.
func inGeneral(key, text string) desk.Question {
	return desk.Question{
		Key: key, ID: "slack:C1:" + key, Asker: alice, Text: text, Plain: text,
		Where: knowledge.Conversation{ID: general, Kind: knowledge.KindPublic}, Channel: general, Thread: key,
	}
}

// slashAsk is alice's /ask in #general: the desk posts it to start its
// thread.
func slashAsk(key, text string) desk.Question {
	return desk.Question{
		Key: key, ID: "ask:" + key, Asker: alice, Text: text, Plain: text,
		Where: knowledge.Conversation{ID: general, Kind: knowledge.KindPublic}, Channel: general, Post: true,
	}
}

func TestSureAnswerIsOfferedWithoutAskingAnyone(t *testing.T) {
	w := newWorld(t, nil)
	w.engine.matches = []knowledge.Match{{
		Question: knowledge.Question{ID: "q-pub", Conversation: general, Thread: "1.000001"},
		Answer:   knowledge.Answer{ID: "a-pub", Answerer: bob, Text: "kubectl rollout undo"}, Confidence: 0.9, Sure: true,
	}}
	w.must(w.desk.Ask(context.Background(), slashAsk("T1", "How do I roll back?")))
	want := []said{
		{"thread:ask:T1", desk.Address{Conversation: general}, 0, desk.QuestionPosted{Asker: alice, Text: desk.Quote{Typed: "How do I roll back?"}}},
		{"instant:ask:T1", desk.Address{Conversation: general, InThread: true}, 1, desk.InstantAnswer{
			Question: "ask:T1", Answer: knowledge.Answer{ID: "a-pub", Answerer: bob, Text: "kubectl rollout undo"},
			Source: desk.Link{Conversation: general, Thread: "1.000001"}, Confidence: 0.9,
		}},
	}
	if diff := cmp.Diff(w.saidSince(1), want); diff != "" {
		t.Errorf("said (-got +want):\n%s", diff)
	}
	if a := w.ask("ask:T1"); a.Status != knowledge.StatusOffered || a.Offered != "a-pub" {
		t.Errorf("ask = %+v, want offered a-pub", a)
	}
	if got := w.store.st.offers["ask:T1"]; !got.Offered || got.Match != "q-pub" || got.Confidence != 0.9 {
		t.Errorf("offer recorded = %+v, want a-pub offered at 0.9", got)
	}
	if w.chat.presenceReads != 0 {
		t.Errorf("%d presence reads for a question answered at once, want none", w.chat.presenceReads)
	}
	if w.counts.Questions != 1 || w.counts.Instant != 1 || w.counts.Routes != 0 || w.syncs != 1 {
		t.Errorf("counts = %+v, index syncs %d; want one question answered at once, indexed", w.counts, w.syncs)
	}
}

func TestPrivateKnowledgeIsNotOfferedInAPublicChannel(t *testing.T) {
	w := newWorld(t, nil)
	// Alice may see #infra's answer, but #general's readers may not.
	w.engine.matches = []knowledge.Match{{
		Question: knowledge.Question{ID: "q-priv", Conversation: infra, Thread: "1.000002"},
		Answer:   knowledge.Answer{ID: "a-priv", Answerer: carol, Text: "helm rollback 12"}, Confidence: 0.95, Sure: true,
	}}
	w.must(w.desk.Ask(context.Background(), inGeneral("1.000100", "How do I roll back nightingale?")))
	for _, s := range w.saidSince(1) {
		if _, ok := s.Body.(desk.InstantAnswer); ok {
			t.Fatalf("offered %+v in #general", s.Body)
		}
	}
	if diff := cmp.Diff(w.routes("slack:C1:1.000100"), []string{bob + ":pending"}); diff != "" {
		t.Errorf("routes (-got +want):\n%s", diff)
	}
	if o, ok := w.store.st.offers["slack:C1:1.000100"]; ok {
		t.Errorf("an offer was recorded from knowledge the channel may not see: %+v", o)
	}
}

func TestRoutedQuestionAsksTheExpertWithEvidenceTheyMaySee(t *testing.T) {
	w := newWorld(t, nil)
	// Carol may not see #infra: her evidence leaves it out.
	w.chat.presence[bob] = knowledge.Presence{Away: true}
	w.engine.matches = []knowledge.Match{{Question: knowledge.Question{ID: "q-pub", Conversation: general}, Answer: knowledge.Answer{ID: "a-pub"}, Confidence: 0.3}}
	w.must(w.desk.Ask(context.Background(), slashAsk("T1", "How can I roll *back*?")))
	want := []said{
		{"thread:ask:T1", desk.Address{Conversation: general}, 0, desk.QuestionPosted{Asker: alice, Text: desk.Quote{Typed: "How can I roll *back*?"}}},
		{"route:1", desk.Address{Conversation: carol}, 1, desk.ExpertAsked{
			Route: 1, Asker: alice, Text: desk.Quote{Typed: "How can I roll *back*?"},
			// q-pub once, though the engine named it twice.
			Evidence: []desk.Evidence{{Question: "q-pub", Text: "deployment rollback stuck", Thread: desk.Link{Conversation: general, Thread: "1.000001"}}},
			Thread:   desk.Link{Started: true},
		}},
		{"T1/note", desk.Address{Conversation: general, InThread: true}, 1, desk.AskerTold{What: desk.ToldAsked, Expert: carol}},
	}
	if diff := cmp.Diff(w.saidSince(1), want); diff != "" {
		t.Errorf("said (-got +want):\n%s", diff)
	}
	if diff := cmp.Diff(w.routes("ask:T1"), []string{carol + ":pending"}); diff != "" {
		t.Errorf("routes (-got +want):\n%s", diff)
	}
	// The best match, not sure enough to offer, is recorded all the same.
	if o := w.store.st.offers["ask:T1"]; o.Offered || o.Match != "q-pub" || o.Confidence != 0.3 {
		t.Errorf("offer = %+v, want q-pub found at 0.3, not offered", o)
	}
}

func TestCandidatesThePolicyOrTheirPresenceRuleOut(t *testing.T) {
	for _, c := range []struct {
		name  string
		setup func(*world)
		want  string
	}{
		{"available", func(*world) {}, bob},
		{"away", func(w *world) { w.chat.presence[bob] = knowledge.Presence{Away: true} }, carol},
		{"in do-not-disturb hours", func(w *world) { w.chat.presence[bob] = knowledge.Presence{DND: true} }, carol},
		{"on holiday", func(w *world) { w.chat.presence[bob] = knowledge.Presence{StatusText: "En congés"} }, carol},
		{"deactivated", func(w *world) { w.chat.people[bob] = knowledge.Person{ID: bob, Deleted: true} }, carol},
		{"opted out", func(w *world) { w.store.st.prefs[bob] = knowledge.Preferences{OptedOut: true} }, carol},
		{"snoozed", func(w *world) { w.store.st.prefs[bob] = knowledge.Preferences{SnoozedUntil: w.now.Add(time.Hour)} }, carol},
		{"snooze over", func(w *world) { w.store.st.prefs[bob] = knowledge.Preferences{SnoozedUntil: w.now.Add(-time.Hour)} }, bob},
		{"the asker", func(w *world) { w.engine.experts[0].Person.ID = alice }, carol},
		{"holding three open questions", func(w *world) {
			for _, k := range []string{"L1", "L2", "L3"} {
				w.must(w.desk.Ask(context.Background(), inGeneral(k, "load "+k)))
			}
		}, carol},
	} {
		t.Run(c.name, func(t *testing.T) {
			w := newWorld(t, nil)
			c.setup(w)
			w.must(w.desk.Ask(context.Background(), inGeneral("1.000100", "How do I roll back?")))
			if diff := cmp.Diff(w.routes("slack:C1:1.000100"), []string{c.want + ":pending"}); diff != "" {
				t.Errorf("routes (-got +want):\n%s", diff)
			}
		})
	}
}

func TestNobodyToAskIsAGapOrGoesToTheFallbackChannel(t *testing.T) {
	for _, fallback := range []string{"", "ask-anyone"} {
		t.Run("fallback="+fallback, func(t *testing.T) {
			w := newWorld(t, func(c *desk.Config) { c.FallbackChannel = fallback })
			for _, p := range []string{bob, carol, dave} {
				w.chat.presence[p] = knowledge.Presence{Away: true}
			}
			w.must(w.desk.Ask(context.Background(), inGeneral("1.000100", "Where do I park?")))
			if a := w.ask("slack:C1:1.000100"); a.Status != knowledge.StatusUnanswered {
				t.Errorf("status = %s, want unanswered", a.Status)
			}
			thread := desk.Address{Conversation: general, Thread: "1.000100"}
			// Nobody was asked: the experts the engine knows are away.
			gap := desk.GapNobodyAvailable
			want := []said{{"1.000100/note", thread, 0, desk.AskerTold{What: desk.ToldNobody, Gap: gap}}}
			if fallback != "" {
				want = []said{
					{"1.000100/fallback", desk.Address{Conversation: fallback}, 0, desk.FallbackAsked{
						Asker: alice, Text: desk.Quote{Typed: "Where do I park?"}, Thread: desk.Link{Conversation: general, Thread: "1.000100"}, Gap: gap}},
					{"1.000100/note", thread, 0, desk.AskerTold{What: desk.ToldFallback, Fallback: fallback, Gap: gap}},
				}
			}
			if diff := cmp.Diff(w.saidSince(1), want); diff != "" {
				t.Errorf("said (-got +want):\n%s", diff)
			}
			// Asking the fallback channel is an escalation; a gap is not.
			if want := map[bool]int{true: 1}[fallback != ""]; w.counts.Escalations != want {
				t.Errorf("escalations = %d, want %d", w.counts.Escalations, want)
			}
		})
	}
}

func TestPrivateQuestionIsAskedInAGroupDM(t *testing.T) {
	w := newWorld(t, nil)
	dm := knowledge.Conversation{ID: "D1", Kind: knowledge.KindDM, Members: []string{alice}}
	w.must(w.desk.Ask(context.Background(), desk.Question{
		Key: "Ev1", ID: "slack:D1:5.000001", Asker: alice, Text: "my payslip is wrong", Plain: "my payslip is wrong",
		Where: dm, Channel: "D1", Thread: "5.000001", Private: true,
	}))
	want := []said{
		{"route:1/open", desk.Address{}, 0, desk.GroupDM{Members: []string{alice, bob}}},
		{"route:1", desk.Address{}, 1, desk.ExpertAsked{
			Route: 1, Asker: alice, Text: desk.Quote{Typed: "my payslip is wrong"},
			Evidence: []desk.Evidence{
				{Question: "q-priv", Text: "rollback of the nightingale release", Thread: desk.Link{Conversation: infra, Thread: "1.000002"}},
				{Question: "q-pub", Text: "deployment rollback stuck", Thread: desk.Link{Conversation: general, Thread: "1.000001"}},
			},
		}},
		// Told in their DM with the bot, in the question's thread.
		{"Ev1/note", desk.Address{Conversation: "D1", Thread: "5.000001"}, 0, desk.AskerTold{What: desk.ToldAskedPrivately, Expert: bob}},
	}
	if diff := cmp.Diff(w.saidSince(1), want); diff != "" {
		t.Errorf("said (-got +want):\n%s", diff)
	}
	// Once the group DM is open, the question lives there: a later note
	// goes to alice's DM with the bot, not to the group DM.
	w.store.deliver()
	w.advance(5 * time.Hour)
	w.must(w.desk.Escalate(context.Background(), false))
	got := w.saidSince(4)
	if len(got) != 4 || got[0].Body.Kind() != desk.KindCardClosed || got[3].To != (desk.Address{Conversation: alice}) {
		t.Errorf("after the escalation: %+v, want bob's card closed, a group DM with carol and a note to alice's DM", got)
	}
}

func TestUsageAndFollowedThreads(t *testing.T) {
	w := newWorld(t, nil)
	ctx := context.Background()
	for _, text := range []string{"", "  ", "help", "Aide"} {
		if err := w.desk.Ask(ctx, inGeneral("1.000100", text)); !errors.Is(err, desk.ErrUsage) {
			t.Errorf("Ask(%q) = %v, want ErrUsage", text, err)
		}
	}
	w.must(w.desk.Ask(ctx, inGeneral("1.000100", "How do I roll back?")))
	before := w.noticeCount()
	// A mention in the thread the desk follows is a reply there.
	q := inGeneral("1.000200", "@nextdesk any news?")
	q.Thread = "1.000100"
	w.must(w.desk.Ask(ctx, q))
	if n := w.noticeCount(); n != before || w.counts.Questions != 1 {
		t.Errorf("a mention in a followed thread recorded %d notices and %d questions", n-before, w.counts.Questions)
	}
}

func TestAnswerCaptureThanksAndAcceptance(t *testing.T) {
	w := newWorld(t, nil)
	ctx := context.Background()
	w.must(w.desk.Ask(ctx, inGeneral("1.000100", "How do I roll back?")))
	qid := "slack:C1:1.000100"
	reply := desk.Message{Key: "Ev2", ID: "slack:C1:1.000200", Channel: general, TS: "1.000200", Thread: "1.000100", Author: bob, Plain: "kubectl rollout undo"}
	w.must(w.desk.Answer(ctx, reply))
	w.must(w.desk.Answer(ctx, reply)) // redelivered
	if diff := cmp.Diff(w.routes(qid), []string{bob + ":answered"}); diff != "" {
		t.Errorf("routes (-got +want):\n%s", diff)
	}
	if a := w.ask(qid); a.Status != knowledge.StatusAnswered {
		t.Errorf("status = %s, want answered", a.Status)
	}
	check := w.saidSince(w.noticeCount())
	wantCheck := []said{{"check:" + qid, desk.Address{Conversation: general, Thread: "1.000100", Only: alice}, 0, desk.AnswerCheck{Answerer: bob, Answer: reply.ID}}}
	if diff := cmp.Diff(check, wantCheck); diff != "" {
		t.Errorf("the check (-got +want):\n%s", diff)
	}
	if w.counts.Captured != 1 || w.counts.Duplicates != 1 {
		t.Errorf("counts = %+v, want one capture and one duplicate", w.counts)
	}

	// Alice's thanks count for bob's answer; anything else she says is no
	// answer.
	w.must(w.desk.Answer(ctx, desk.Message{Key: "Ev3", ID: "slack:C1:1.000300", Channel: general, TS: "1.000300", Thread: "1.000100", Author: alice, Plain: "Merci beaucoup !"}))
	w.must(w.desk.Answer(ctx, desk.Message{Key: "Ev4", ID: "slack:C1:1.000400", Channel: general, TS: "1.000400", Thread: "1.000100", Author: alice, Plain: "it says forbidden"}))
	q := w.store.st.questions[qid]
	if len(q.Answers) != 1 || q.Answers[0].Thanks != 1 {
		t.Errorf("answers = %+v, want bob's, thanked once", q.Answers)
	}

	// Only alice accepts; she is told, and the check loses its button.
	clicked := desk.Request{Key: "Tr1", By: frank, To: desk.Address{Reply: "https://hooks/1"}}
	if err := w.desk.Accept(ctx, clicked, reply.ID); !errors.Is(err, desk.ErrOnlyAsker) {
		t.Errorf("frank's acceptance = %v, want ErrOnlyAsker", err)
	}
	accepted := desk.Request{Key: "Tr2", By: alice, To: desk.Address{Reply: "https://hooks/2"}}
	w.must(w.desk.Accept(ctx, accepted, reply.ID))
	if a := w.ask(qid); a.Status != knowledge.StatusSolved || !w.store.st.questions[qid].Answers[0].Accepted {
		t.Errorf("after acceptance: %+v, answers %+v", a, w.store.st.questions[qid].Answers)
	}
	last := w.saidSince(w.noticeCount())[0]
	if diff := cmp.Diff(last.Body, desk.Body(desk.Reply{Say: desk.SayAccepted, Settle: "check:" + qid})); diff != "" {
		t.Errorf("reply (-got +want):\n%s", diff)
	}
	// An edit changes the answer's text; a deletion removes it.
	w.must(w.desk.Edit(ctx, desk.Message{Key: "Ev5", ID: reply.ID, Author: bob, Plain: "kubectl rollout undo deploy/web"}))
	if got := w.store.st.questions[qid].Answers[0].Text; got != "kubectl rollout undo deploy/web" {
		t.Errorf("edited answer = %q", got)
	}
	w.must(w.desk.Delete(ctx, "Ev6", reply.ID))
	if got := w.store.st.questions[qid].Answers; len(got) != 0 {
		t.Errorf("answers after deletion = %+v", got)
	}
}

// TestCheckMarkOrThanksBeforeTheReplyWaits checks the asker's check mark
// and thanks that overtake the reply they are about: "not yet", so the
// delivery is tried again, and taken once the reply is captured. A check
// mark by someone with no question in the channel is no such thing.
func TestCheckMarkOrThanksBeforeTheReplyWaits(t *testing.T) {
	w := newWorld(t, nil)
	ctx := context.Background()
	w.must(w.desk.Ask(ctx, inGeneral("1.000100", "How do I roll back?")))
	qid := "slack:C1:1.000100"
	reply := desk.Message{Key: "Ev2", ID: "slack:C1:1.000200", Channel: general, TS: "1.000200", Thread: "1.000100", Author: bob, Plain: "kubectl rollout undo"}
	thanks := desk.Message{Key: "Ev3", ID: "slack:C1:1.000300", Channel: general, TS: "1.000300", Thread: "1.000100", Author: alice, Plain: "Thanks, that worked!"}
	check := desk.Request{Key: "Ev4", By: alice}

	if err := w.desk.CheckMark(ctx, check, general, reply.ID); !errors.Is(err, desk.ErrNotYet) {
		t.Errorf("check mark before the reply = %v, want ErrNotYet", err)
	}
	if err := w.desk.Answer(ctx, thanks); !errors.Is(err, desk.ErrNotYet) {
		t.Errorf("thanks before the reply = %v, want ErrNotYet", err)
	}
	if err := w.desk.CheckMark(ctx, desk.Request{Key: "Ev5", By: frank}, general, "slack:C1:1.000999"); errors.Is(err, desk.ErrNotYet) || err == nil {
		t.Errorf("frank's check mark on a message that is no answer = %v, want a refusal, not a wait", err)
	}

	w.must(w.desk.Answer(ctx, reply))
	w.must(w.desk.Answer(ctx, thanks))
	w.must(w.desk.CheckMark(ctx, check, general, reply.ID))
	q := w.store.st.questions[qid]
	if a := w.ask(qid); a.Status != knowledge.StatusSolved || len(q.Answers) != 1 || !q.Answers[0].Accepted || q.Answers[0].Thanks != 1 {
		t.Errorf("after the reply: %+v, answers %+v; want solved, bob's answer accepted and thanked once", a, q.Answers)
	}
	// Solved now: a later check mark elsewhere in the channel waits for
	// nothing.
	if err := w.desk.CheckMark(ctx, desk.Request{Key: "Ev6", By: alice}, general, "slack:C1:1.000888"); errors.Is(err, desk.ErrNotYet) {
		t.Errorf("check mark with no question left unsolved = %v, want no wait", err)
	}
}

func TestReplyInAThreadStillBeingStartedIsRetried(t *testing.T) {
	w := newWorld(t, nil)
	ctx := context.Background()
	w.must(w.desk.Ask(ctx, slashAsk("T1", "How do I roll back?")))
	// The question's post is in Slack, and a reply with it, before the
	// delivery recorded where it landed.
	reply := desk.Message{Key: "Ev2", ID: "slack:C1:9.000200", Channel: general, TS: "9.000200", Thread: "9.000100", Author: bob, Plain: "undo it"}
	err := w.desk.Answer(ctx, reply)
	if err == nil || knowledge.ErrorCode(err) != knowledge.EINTERNAL {
		t.Fatalf("Answer before the thread is known = %v, want an internal error, to retry", err)
	}
	if handled, _ := w.store.Handled(ctx, "Ev2"); handled {
		t.Error("the reply's key was recorded: the retry would skip it")
	}
	w.store.deliver()
	reply.Thread = w.ask("ask:T1").Thread
	w.must(w.desk.Answer(ctx, reply))
	if q := w.store.st.questions["ask:T1"]; len(q.Answers) != 1 {
		t.Errorf("answers = %+v, want the reply", q.Answers)
	}
}

func TestHelpChannelThreadsAreCapturedAtTheirFirstReply(t *testing.T) {
	w := newWorld(t, nil)
	ctx := context.Background()
	w.chat.roots[helpIt+"/7.000001"] = desk.Message{ID: "slack:C2:7.000001", Channel: helpIt, TS: "7.000001", Thread: "7.000001", Author: frank, Plain: "printer on floor 3?"}
	w.chat.roots[helpIt+"/7.000009"] = desk.Message{ID: "slack:C2:7.000009", Channel: helpIt, TS: "7.000009", Thread: "7.000009", Plain: "a bot's announcement"}
	w.must(w.desk.Answer(ctx, desk.Message{Key: "Ev1", ID: "slack:C2:7.000002", Channel: helpIt, TS: "7.000002", Thread: "7.000001", Author: dave, Plain: "use the one by the lifts"}))
	w.must(w.desk.Answer(ctx, desk.Message{Key: "Ev2", ID: "slack:C2:7.000010", Channel: helpIt, TS: "7.000010", Thread: "7.000009", Author: dave, Plain: "thanks bot"}))
	q := w.store.st.questions["slack:C2:7.000001"]
	if q.Asker != frank || len(q.Answers) != 1 || q.Answers[0].Answerer != dave {
		t.Errorf("captured = %+v, want frank's question with dave's answer", q)
	}
	if _, ok := w.store.st.questions["slack:C2:7.000009"]; ok {
		t.Error("a bot's thread was captured")
	}
	if n := w.noticeCount(); n != 0 {
		t.Errorf("%d notices: nobody called the bot, it must say nothing", n)
	}
}

func TestInstantAnswerOutcomes(t *testing.T) {
	ctx := context.Background()
	offered := func(t *testing.T) *world {
		w := newWorld(t, nil)
		w.engine.matches = []knowledge.Match{{Question: knowledge.Question{ID: "q-pub", Conversation: general}, Answer: knowledge.Answer{ID: "a-pub", Answerer: bob}, Confidence: 0.8, Sure: true}}
		w.must(w.desk.Ask(ctx, inGeneral("1.000100", "How do I roll back?")))
		return w
	}
	qid := "slack:C1:1.000100"
	click := func(key, who string) desk.Request {
		return desk.Request{Key: key, By: who, To: desk.Address{Reply: "https://hooks/" + key}}
	}
	t.Run("solved", func(t *testing.T) {
		w := offered(t)
		if err := w.desk.Solved(ctx, click("Tr0", frank), qid); !errors.Is(err, desk.ErrOnlyAsker) {
			t.Errorf("frank's click = %v, want ErrOnlyAsker", err)
		}
		w.must(w.desk.Solved(ctx, click("Tr1", alice), qid))
		if a := w.ask(qid); a.Status != knowledge.StatusSolved {
			t.Errorf("status = %s", a.Status)
		}
		if got := w.store.st.questions["q-pub"].Answers[0].Thanks; got != 1 {
			t.Errorf("thanks on the answer reused = %d, want 1", got)
		}
		if o := w.store.st.offers[qid]; o.Outcome != desk.OfferSolved || o.Model != knowledge.ConfidenceModel {
			t.Errorf("offer = %+v, want solved, scored by the current confidence model", o)
		}
	})
	t.Run("still need help", func(t *testing.T) {
		w := offered(t)
		w.must(w.desk.NeedHelp(ctx, click("Tr1", alice), qid))
		if diff := cmp.Diff(w.routes(qid), []string{bob + ":pending"}); diff != "" {
			t.Errorf("routes (-got +want):\n%s", diff)
		}
		if o := w.store.st.offers[qid]; o.Outcome != desk.OfferNeedHelp || !o.Offered {
			t.Errorf("offer = %+v, want need_help", o)
		}
		// A second click only gets the answer again, and settles the card.
		w.must(w.desk.NeedHelp(ctx, click("Tr2", alice), qid))
		last := w.saidSince(w.noticeCount())[0]
		if diff := cmp.Diff(last.Body, desk.Body(desk.Reply{Say: desk.SayFindingExpert, Settle: "instant:" + qid})); diff != "" {
			t.Errorf("second click's reply (-got +want):\n%s", diff)
		}
		if got := w.routes(qid); len(got) != 1 {
			t.Errorf("routes after a second click = %v, want one", got)
		}
		// Bob, asked next, points to the very answer alice turned down:
		// her word on the instant answer stands, his pick beside it.
		w.must(w.desk.Pick(ctx, click("Tr3", bob), 1, "q-pub"))
		if o := w.store.st.offers[qid]; o.Outcome != desk.OfferNeedHelp || o.PickedMatch != "q-pub" {
			t.Errorf("offer after bob's pick = %+v, want need_help kept, the pick recorded", o)
		}
	})
}

func TestExpertDecisions(t *testing.T) {
	ctx := context.Background()
	qid := "slack:C1:1.000100"
	routed := func(t *testing.T) *world {
		w := newWorld(t, nil)
		w.must(w.desk.Ask(ctx, inGeneral("1.000100", "How do I roll back?")))
		return w
	}
	click := func(key, who string) desk.Request {
		return desk.Request{Key: key, By: who, To: desk.Address{Reply: "https://hooks/" + key}}
	}
	t.Run("not yours", func(t *testing.T) {
		w := routed(t)
		err := w.desk.Decide(ctx, click("Tr1", carol), 1, desk.Take)
		var r *desk.Refusal
		if !errors.As(err, &r) || r.Reply.Say != desk.SayNotYours || r.Reply.Person != bob {
			t.Errorf("carol's click = %v, want a refusal naming bob", err)
		}
	})
	t.Run("take", func(t *testing.T) {
		w := routed(t)
		w.must(w.desk.Decide(ctx, click("Tr1", bob), 1, desk.Take))
		if diff := cmp.Diff(w.routes(qid), []string{bob + ":taken"}); diff != "" {
			t.Errorf("routes (-got +want):\n%s", diff)
		}
		got := w.saidSince(w.noticeCount() - 1)
		want := []said{
			{"Tr1/note", desk.Address{Conversation: general, Thread: "1.000100"}, 0, desk.AskerTold{What: desk.ToldTaken, Expert: bob}},
			{"Tr1/reply", desk.Address{Reply: "https://hooks/Tr1"}, 0, desk.Reply{Say: desk.SayTook, Person: alice, Link: desk.Link{Conversation: general, Thread: "1.000100"}, Settle: "route:1", Route: 1}},
		}
		if diff := cmp.Diff(got, want); diff != "" {
			t.Errorf("said (-got +want):\n%s", diff)
		}
		// Taking it twice: the question waits for bob no more.
		err := w.desk.Decide(ctx, click("Tr2", bob), 1, desk.Take)
		var r *desk.Refusal
		if !errors.As(err, &r) || r.Reply.Say != desk.SayClosed || r.Reply.Settle != "route:1" {
			t.Errorf("second take = %v, want closed, settling the card", err)
		}
	})
	t.Run("not me", func(t *testing.T) {
		w := routed(t)
		w.must(w.desk.Decide(ctx, click("Tr1", bob), 1, desk.NotMe))
		if diff := cmp.Diff(w.routes(qid), []string{bob + ":passed", carol + ":pending"}); diff != "" {
			t.Errorf("routes (-got +want):\n%s", diff)
		}
		var told []desk.AskerTold
		for _, s := range w.saidSince(1) {
			if a, ok := s.Body.(desk.AskerTold); ok {
				told = append(told, a)
			}
		}
		if diff := cmp.Diff(told, []desk.AskerTold{{What: desk.ToldAsked, Expert: bob}, {What: desk.ToldPassed, Expert: carol, Previous: bob}}); diff != "" {
			t.Errorf("asker told (-got +want):\n%s", diff)
		}
		if w.counts.Escalations != 1 {
			t.Errorf("escalations = %d, want 1", w.counts.Escalations)
		}
	})
	t.Run("already answered", func(t *testing.T) {
		w := routed(t)
		w.engine.matches = []knowledge.Match{
			{Question: w.store.st.questions["q-priv"], Answer: knowledge.Answer{ID: "a-priv", Answerer: carol, Text: "helm rollback 12"}, Confidence: 0.5},
			{Question: w.store.st.questions["q-pub"], Answer: knowledge.Answer{ID: "a-pub", Answerer: bob, Text: "kubectl rollout undo"}, Confidence: 0.4},
		}
		w.must(w.desk.Decide(ctx, click("Tr1", bob), 1, desk.AlreadyAnswered))
		// Bob is shown the earlier threads everyone in #general may read,
		// not #infra's, though he sees it; nothing is decided yet.
		want := []said{{"Tr1/reply", desk.Address{Reply: "https://hooks/Tr1"}, 0, desk.Earlier{
			Route: 1, Asker: alice, Text: desk.Quote{Plain: "How do I roll back?"},
			Options: []desk.Option{{Question: "q-pub", Text: "deployment rollback stuck", Answer: knowledge.Answer{ID: "a-pub", Answerer: bob, Text: "kubectl rollout undo"},
				Thread: desk.Link{Conversation: general, Thread: "1.000001"}}},
		}}}
		if diff := cmp.Diff(w.saidSince(w.noticeCount()), want); diff != "" {
			t.Errorf("said (-got +want):\n%s", diff)
		}
		if diff := cmp.Diff(w.routes(qid), []string{bob + ":pending"}); diff != "" {
			t.Errorf("routes after the click (-got +want):\n%s", diff)
		}
		// A thread he was not offered cannot be picked.
		var r *desk.Refusal
		if err := w.desk.Pick(ctx, click("Tr2", bob), 1, "q-priv"); !errors.As(err, &r) || r.Reply.Say != desk.SayClosed {
			t.Errorf("picking #infra's thread = %v, want refused", err)
		}
		w.must(w.desk.Pick(ctx, click("Tr3", bob), 1, "q-pub"))
		if diff := cmp.Diff(w.routes(qid), []string{bob + ":duplicate"}); diff != "" {
			t.Errorf("routes after the pick (-got +want):\n%s", diff)
		}
		if a := w.ask(qid); a.Status != knowledge.StatusOffered || a.Offered != "a-pub" {
			t.Errorf("ask = %+v, want offered a-pub", a)
		}
		// Nothing was offered at once: a miss of the instant answers,
		// recorded with the pick.
		if o := w.store.st.offers[qid]; o.Outcome != desk.OfferAlreadyAnswered || o.Offered || o.PickedMatch != "q-pub" || o.PickedAnswer != "a-pub" {
			t.Errorf("offer = %+v, want already_answered with bob's pick, not offered", o)
		}
		got := w.saidSince(w.noticeCount() - 1)
		want = []said{
			{"route:1/picked", desk.Address{Conversation: general, Thread: "1.000100"}, 0, desk.InstantAnswer{
				Question: qid, Answer: knowledge.Answer{ID: "a-pub", Answerer: bob, Text: "kubectl rollout undo"},
				Source: desk.Link{Conversation: general, Thread: "1.000001"}, PickedBy: bob}},
			{"Tr3/reply", desk.Address{Reply: "https://hooks/Tr3"}, 0, desk.Reply{Say: desk.SayPicked, Person: alice, Settle: "route:1"}},
		}
		if diff := cmp.Diff(got, want); diff != "" {
			t.Errorf("said after the pick (-got +want):\n%s", diff)
		}
		// It does not help alice: the question goes on to carol, and the
		// card settled is the one bob's pick put in the thread. The pick
		// stays recorded.
		w.must(w.desk.NeedHelp(ctx, desk.Request{Key: "Tr4", By: alice, To: desk.Address{Reply: "https://hooks/Tr4"}}, qid))
		if diff := cmp.Diff(w.routes(qid), []string{bob + ":duplicate", carol + ":pending"}); diff != "" {
			t.Errorf("routes after need help (-got +want):\n%s", diff)
		}
		if o := w.store.st.offers[qid]; o.Outcome != desk.OfferAlreadyAnswered {
			t.Errorf("offer outcome = %s, want already_answered kept", o.Outcome)
		}
		last := w.saidSince(w.noticeCount())
		if r, ok := last[0].Body.(desk.Reply); !ok || r.Settle != "route:1/picked" {
			t.Errorf("need help reply = %+v, want it to settle the picked answer's card", last)
		}
	})
	t.Run("already answered with nothing to pick", func(t *testing.T) {
		w := routed(t)
		w.must(w.desk.Decide(ctx, click("Tr1", bob), 1, desk.AlreadyAnswered))
		want := []said{{"Tr1/reply", desk.Address{Reply: "https://hooks/Tr1"}, 0, desk.Reply{Say: desk.SayNoEarlier}}}
		if diff := cmp.Diff(w.saidSince(w.noticeCount()), want); diff != "" {
			t.Errorf("said (-got +want):\n%s", diff)
		}
		// Bob knows better than the desk: a miss of the instant answers.
		if o := w.store.st.offers[qid]; o.Outcome != desk.OfferAlreadyAnswered || o.Offered || o.PickedMatch != "" {
			t.Errorf("offer = %+v, want already_answered, nothing offered or picked", o)
		}
		if diff := cmp.Diff(w.routes(qid), []string{bob + ":pending"}); diff != "" {
			t.Errorf("routes (-got +want):\n%s", diff)
		}
	})
}

func TestEscalationPassesOnThenGivesUp(t *testing.T) {
	w := newWorld(t, func(c *desk.Config) { c.FallbackChannel = "C9" })
	ctx := context.Background()
	w.must(w.desk.Ask(ctx, inGeneral("1.000100", "How do I roll back?")))
	qid := "slack:C1:1.000100"
	w.advance(3 * time.Hour)
	w.must(w.desk.Escalate(ctx, false))
	if diff := cmp.Diff(w.routes(qid), []string{bob + ":pending"}); diff != "" {
		t.Fatalf("before the timeout (-got +want):\n%s", diff)
	}
	w.advance(2 * time.Hour)
	before := w.noticeCount()
	w.must(w.desk.Escalate(ctx, true))
	if w.noticeCount() != before || len(w.routes(qid)) != 1 {
		t.Fatal("a dry run changed something")
	}
	w.must(w.desk.Escalate(ctx, false))
	w.must(w.desk.Escalate(ctx, false)) // the same round again: once per route
	if diff := cmp.Diff(w.routes(qid), []string{bob + ":expired", carol + ":pending"}); diff != "" {
		t.Errorf("after the timeout (-got +want):\n%s", diff)
	}
	for range 2 {
		w.advance(5 * time.Hour)
		w.must(w.desk.Escalate(ctx, false))
	}
	if diff := cmp.Diff(w.routes(qid), []string{bob + ":expired", carol + ":expired", dave + ":expired"}); diff != "" {
		t.Errorf("after three experts (-got +want):\n%s", diff)
	}
	if a := w.ask(qid); a.Status != knowledge.StatusUnanswered {
		t.Errorf("status = %s, want unanswered", a.Status)
	}
	last := w.saidSince(w.noticeCount() - 1)
	if len(last) != 2 || last[0].To.Conversation != "C9" || last[1].Body != (desk.AskerTold{What: desk.ToldFallback, Fallback: "C9", Gap: desk.GapTimedOut, Asked: 3}) {
		t.Errorf("the end = %+v, want the fallback channel asked and alice told", last)
	}
}

func TestRefusalsAreRecordedAsHandledWithOneReply(t *testing.T) {
	w := newWorld(t, nil)
	ctx := context.Background()
	r := desk.Request{Key: "Tr1", By: frank, To: desk.Address{Reply: "https://hooks/1"}}
	w.must(w.desk.Refuse(ctx, r, desk.ErrOnlyAsker))
	w.must(w.desk.Refuse(ctx, r, desk.ErrOnlyAsker))
	w.must(w.desk.Refuse(ctx, desk.Request{Key: "Tr2", By: frank, To: r.To}, knowledge.Errorf(knowledge.EINVALID, "That answer is empty.")))
	// A reaction has nowhere to answer: recorded, and nothing said.
	w.must(w.desk.Refuse(ctx, desk.Request{Key: "Ev3", By: frank}, desk.ErrOnlyAsker))
	want := []said{
		{"Tr1/reply", r.To, 0, desk.Reply{Say: desk.SayOnlyAsker}},
		{"Tr2/reply", r.To, 0, desk.Reply{Say: desk.SayError, Detail: "That answer is empty."}},
	}
	if diff := cmp.Diff(w.saidSince(1), want); diff != "" {
		t.Errorf("said (-got +want):\n%s", diff)
	}
	for _, key := range []string{"Tr1", "Tr2", "Ev3"} {
		if handled, _ := w.store.Handled(ctx, key); !handled {
			t.Errorf("%s not recorded as handled", key)
		}
	}
}

func TestPreferencesSubscriptionsAndProfile(t *testing.T) {
	w := newWorld(t, nil)
	ctx := context.Background()
	to := desk.Address{Reply: "https://hooks/x"}
	req := func(key string) desk.Request { return desk.Request{Key: key, By: bob, To: to} }
	w.must(w.desk.Snooze(ctx, req("K1"), 14*24*time.Hour))
	if got := w.store.st.prefs[bob].SnoozedUntil; !got.Equal(w.now.Add(14 * 24 * time.Hour)) {
		t.Errorf("snoozed until %v", got)
	}
	w.must(w.desk.Snooze(ctx, req("K2"), 0))
	w.must(w.desk.OptOut(ctx, req("K3"), true))
	w.must(w.desk.Subscribe(ctx, req("K4"), true))
	w.must(w.desk.SubscriptionStatus(ctx, req("K5")))
	var says []desk.Say
	for _, s := range w.saidSince(1) {
		says = append(says, s.Body.(desk.Reply).Say)
	}
	if diff := cmp.Diff(says, []desk.Say{desk.SaySnoozed, desk.SaySnoozeEnded, desk.SayOptedOut, desk.SayDigestOn, desk.SayDigestIsOn}); diff != "" {
		t.Errorf("replies (-got +want):\n%s", diff)
	}
	if p := w.store.st.prefs[bob]; !p.OptedOut || !p.SnoozedUntil.IsZero() {
		t.Errorf("preferences = %+v", p)
	}
	if err := w.desk.Snooze(ctx, req("K6"), 400*24*time.Hour); knowledge.ErrorCode(err) != knowledge.EINVALID {
		t.Errorf("a snooze of 400 days = %v, want a refusal", err)
	}

	// Bob's profile: what he answered, as he may see it, and what waits
	// for him, linked to its thread.
	w.store.st.prefs[bob] = knowledge.Preferences{}
	w.must(w.desk.Ask(ctx, inGeneral("1.000100", "How do I roll back?")))
	w.must(w.desk.ShowProfile(ctx, req("K7")))
	got := w.saidSince(w.noticeCount())[0].Body.(desk.Profile)
	want := desk.Profile{
		Person: bob, Stats: knowledge.AnswererStats{Answers: 1}, Answered: []string{"deployment rollback stuck"},
		Waiting: []desk.Waiting{{Text: "How do I roll back?", Thread: desk.Link{Conversation: general, Thread: "1.000100"}}},
		Routes:  1, Now: w.now,
	}
	if diff := cmp.Diff(got, want); diff != "" {
		t.Errorf("profile (-got +want):\n%s", diff)
	}
}

func TestTasksRunAtStartOnWakeAndStop(t *testing.T) {
	wake := make(chan struct{}, 1)
	runs := make(chan bool, 10)
	first := true
	task := desk.Task{Name: "t", Every: time.Hour, Wake: wake, Run: func(_ context.Context, dry bool) error {
		runs <- dry
		if first {
			first = false
			panic("a round that panics does not stop the task")
		}
		return errors.New("nor does a failed one")
	}}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() {
		desk.RunTasks(ctx, nil, task)
		close(done)
	}()
	for i, why := range []string{"at start", "on wake"} {
		select {
		case dry := <-runs:
			if dry {
				t.Errorf("run %s was dry", why)
			}
		case <-time.After(5 * time.Second):
			t.Fatalf("no run %s", why)
		}
		if i == 0 {
			wake <- struct{}{}
		}
	}
	cancel()
	select {
	case <-done:
	case <-time.After(5 * time.Second):
		t.Fatal("RunTasks did not return when its context ended")
	}
	names := map[string]bool{}
	for _, tk := range newWorld(t, nil).desk.Tasks() {
		names[tk.Name] = tk.Every > 0
	}
	if diff := cmp.Diff(names, map[string]bool{"escalate": true, "membership": true, "people": true, "promises": true, "prune": true}); diff != "" {
		t.Errorf("the desk's tasks (-got +want):\n%s", diff)
	}
}

func TestNewChecksItsConfig(t *testing.T) {
	w := newWorld(t, nil)
	for name, err := range map[string]error{
		"no store":         second(desk.New(desk.Config{}, nil, w.engine, w.chat)),
		"no engine":        second(desk.New(desk.Config{}, w.store, nil, w.chat)),
		"no workspace":     second(desk.New(desk.Config{}, w.store, w.engine, nil)),
		"negative timeout": second(desk.New(desk.Config{AnswerTimeout: -time.Hour}, w.store, w.engine, w.chat)),
	} {
		if err == nil {
			t.Errorf("%s: New succeeded", name)
		}
	}
}

func second[T any](_ T, err error) error { return err }

func TestNoticesEncodeAndDecodeEveryKind(t *testing.T) {
	bodies := []desk.Body{
		desk.QuestionPosted{Asker: alice, Text: desk.Quote{Typed: "*how*?"}},
		desk.InstantAnswer{Question: "q", Answer: knowledge.Answer{ID: "a", Answerer: bob, Text: "t", Time: time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)}, Source: desk.Link{Conversation: general, Thread: "1.1"}, Confidence: 0.7},
		desk.GroupDM{Members: []string{alice, bob}},
		desk.ExpertAsked{Route: 3, Asker: alice, Text: desk.Quote{Plain: "a < b"}, Evidence: []desk.Evidence{{Question: "q", Text: "t"}}, Thread: desk.Link{Started: true}},
		desk.AskerTold{What: desk.ToldEscalated, Expert: carol, Previous: bob},
		desk.FallbackAsked{Asker: alice, Private: true},
		desk.AnswerCheck{Answerer: bob, Answer: "a"},
		desk.Reply{Say: desk.SaySnoozed, Until: time.Date(2026, 4, 1, 0, 0, 0, 0, time.UTC), Settle: "route:3"},
		desk.Profile{Person: bob, Topics: []string{"k8s"}, Waiting: []desk.Waiting{{Text: "w", Thread: desk.Link{Conversation: general, Thread: "1.1"}}}, Routes: 1},
		desk.Digest{Week: "2026-W47", Zone: "Europe/Paris", Person: alice},
	}
	for _, b := range bodies {
		n := desk.Notice{Key: "k", To: desk.Address{Conversation: general, Thread: "1.1", Only: alice}, Reader: alice, Body: b}
		kind, payload, err := n.Encode()
		if err != nil || kind != b.Kind() {
			t.Fatalf("Encode(%T) = %s, %v", b, kind, err)
		}
		got := desk.Notice{Key: "k"}
		if err := got.Decode(kind, payload); err != nil {
			t.Fatalf("Decode(%s): %v", kind, err)
		}
		if diff := cmp.Diff(got, n); diff != "" {
			t.Errorf("%s round trip (-got +want):\n%s", kind, diff)
		}
	}
	var n desk.Notice
	if err := n.Decode("chat.postMessage", []byte(`{"to":{}}`)); knowledge.ErrorCode(err) != knowledge.EINVALID {
		t.Errorf("an unknown kind = %v, want EINVALID", err)
	}
	if _, _, err := (desk.Notice{Key: "k"}).Encode(); knowledge.ErrorCode(err) != knowledge.EINVALID {
		t.Errorf("a notice without a body = %v, want EINVALID", err)
	}
}
