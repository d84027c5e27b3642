package integration_test

import (
	"context"
	"encoding/json"
	"strings"
	"sync"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/slack-go/slack/slackevents"

	"github.com/nextdesk/nextdesk/bot"
	"github.com/nextdesk/nextdesk/internal/fakeslack"
	"github.com/nextdesk/nextdesk/knowledge"
)

func TestMentionAsksInTheMessageThread(t *testing.T) {
	h := newHarness(t, nil)
	msg, envs := h.srv.UserPosts(t, general, fakeslack.Message{User: asker, Text: "<@" + fakeslack.BotUserID + "> how do I reset my VPN password?"})
	if len(envs) != 2 {
		t.Fatalf("posting a mention sent %d events, want a message and an app_mention", len(envs))
	}
	// Both events arrive; only the mention asks.
	for _, id := range envs {
		h.handle(h.eventFromEnvelope(id))
	}
	h.deliver()

	msgs := h.botPosts(general)
	if len(msgs) != 1 {
		t.Fatalf("bot posted %q, want one reply", texts(msgs))
	}
	if msgs[0].Thread != msg.TS || !strings.Contains(msgs[0].Blocks, "vpn.example.com/reset") {
		t.Errorf("reply = %+v, want the past answer in the mention's thread", msgs[0])
	}
	a := h.askOf("slack:" + general + ":" + msg.TS)
	if a.Channel != general || a.Thread != msg.TS || a.Status != knowledge.StatusOffered {
		t.Errorf("ask = %+v, want offered in the mention's thread", a)
	}
}

func TestMentionWithoutQuestionGetsUsage(t *testing.T) {
	h := newHarness(t, nil)
	msg, envs := h.srv.UserPosts(t, general, fakeslack.Message{User: asker, Text: "<@" + fakeslack.BotUserID + ">"})
	h.handle(h.eventFromEnvelope(envs[1]))
	h.deliver()
	msgs := h.botPosts(general)
	if len(msgs) != 1 || msgs[0].Thread != msg.TS || !strings.Contains(msgs[0].Text, "/ask") {
		t.Errorf("bot posted %q, want the usage in the mention's thread", texts(msgs))
	}
}

// dmChannel adds the IM between the bot and user.
func (h *harness) dmChannel(id, user string) fakeslack.Channel {
	c := fakeslack.Channel{ID: id, IM: true, Members: []string{fakeslack.BotUserID, user}}
	h.srv.AddChannel(c)
	return c
}

func TestDirectMessageIsAskedInAGroupDM(t *testing.T) {
	h := newHarness(t, nil)
	h.dmChannel("D0ALICE001", asker)
	msg, ev := h.posts("D0ALICE001", fakeslack.Message{User: asker, Text: "How can I roll back a kubernetes deployment without downtime?"})
	h.handle(ev)
	h.deliver()

	opens := h.srv.CallsTo("conversations.open")
	if len(opens) != 1 || opens[0].Params["users"] != asker+","+expert1 {
		t.Fatalf("conversations.open calls = %+v, want one with the asker and expert1", opens)
	}
	qid := "slack:D0ALICE001:" + msg.TS
	group := h.askOf(qid).Channel
	if ch, ok := h.srv.Channel(group); !ok || !ch.MPIM {
		t.Fatalf("the question moved to %q, want the group DM opened", group)
	}
	var inGroup []posted
	for _, m := range h.srv.Messages(group) {
		inGroup = append(inGroup, posted{Channel: group, TS: m.TS, Text: m.Text, Blocks: fakeslack.Readable(m.Blocks)})
	}
	if len(inGroup) != 1 || !strings.Contains(inGroup[0].Blocks, actionTake) || !strings.Contains(inGroup[0].Blocks, "roll back") {
		t.Fatalf("group DM %q holds %q, want the question with the expert's buttons", group, texts(inGroup))
	}
	told := h.botPosts("D0ALICE001")
	if len(told) != 1 || told[0].Thread != msg.TS || !strings.Contains(told[0].Text, "<@"+expert1+">") {
		t.Errorf("the asker was told %q, want, in their message's thread, who was asked", texts(told))
	}

	// The question now lives in the group DM: its members see it, nobody
	// else does.
	a := h.askOf(qid)
	if a.Channel != group || a.Thread != inGroup[0].TS || !a.Private {
		t.Errorf("ask = %+v, want private, in the group DM's thread", a)
	}
	for _, c := range []struct {
		viewer  string
		visible bool
	}{{asker, true}, {expert1, true}, {expert2, false}, {"", false}} {
		qs, err := h.store.Questions(context.Background(), knowledge.Viewer{PersonID: c.viewer}, []string{qid})
		if err != nil {
			t.Fatal(err)
		}
		if got := len(qs) == 1; got != c.visible {
			t.Errorf("viewer %q sees the private question: %v, want %v", c.viewer, got, c.visible)
		}
	}

	// The expert answers in the group DM's thread: captured, private.
	_, ev = h.posts(group, fakeslack.Message{User: expert1, Text: "kubectl rollout undo, then check the pods.", ThreadTS: inGroup[0].TS})
	h.handle(ev)
	q, err := h.store.Question(context.Background(), knowledge.Viewer{PersonID: asker}, qid)
	if err != nil || len(q.Answers) != 1 || q.Answers[0].Answerer != expert1 {
		t.Errorf("captured private answer = %+v, %v; want expert1's", q.Answers, err)
	}
}

func TestPrivateAnswerIsNeverOfferedToANonMember(t *testing.T) {
	const privateAnswer = "NG-4417"
	question := "What is the budget code for project nightingale?"
	for _, c := range []struct {
		name    string
		user    string
		channel string
		offered bool
	}{
		// Only asker and expert1 are in #secret, where it was answered.
		{"non-member in a public channel", other, general, false},
		{"member in a public channel, where everyone would read it", asker, general, false},
		{"member in the private channel itself", asker, secret, true},
		{"member in their DM with the bot", asker, "D0ALICE001", true},
		{"non-member in their DM with the bot", other, "D0FRANK001", false},
	} {
		t.Run(c.name, func(t *testing.T) {
			h := newHarness(t, nil)
			if strings.HasPrefix(c.channel, "D") {
				h.dmChannel(c.channel, c.user)
				_, ev := h.posts(c.channel, fakeslack.Message{User: c.user, Text: question})
				h.handle(ev)
			} else {
				in, _ := h.ask(c.user, c.channel, question)
				h.handle(in)
			}
			h.deliver()
			leaked := false
			for _, call := range h.srv.Calls() {
				for _, v := range call.Params {
					if strings.Contains(v, privateAnswer) {
						leaked = true
					}
				}
			}
			if leaked != c.offered {
				t.Errorf("private answer offered: %v, want %v", leaked, c.offered)
			}
		})
	}
}

func TestSameEventThreeTimesRoutesOnce(t *testing.T) {
	h := newHarness(t, nil)
	_, envs := h.srv.UserPosts(t, general, fakeslack.Message{User: asker, Text: "<@" + fakeslack.BotUserID + "> How can I roll back a kubernetes deployment without downtime?"})
	mention := h.eventFromEnvelope(envs[1])
	redelivered := h.eventFromEnvelope(h.srv.Redeliver(t, envs[1]))
	if redelivered.Key != mention.Key {
		t.Fatalf("a redelivery has key %q, want the event id %q", redelivered.Key, mention.Key)
	}
	// Two deliveries at once, then a third late one.
	var wg sync.WaitGroup
	for _, in := range []bot.Inbound{mention, redelivered} {
		wg.Go(func() {
			if err := h.bot.Handle(context.Background(), in); err != nil {
				t.Errorf("Handle: %v", err)
			}
		})
	}
	wg.Wait()
	h.handle(mention)
	h.deliver()

	if dms := h.botPosts(expert1); len(dms) != 1 {
		t.Errorf("expert1 got %d DMs, want 1", len(dms))
	}
	if n := len(h.srv.CallsTo("chat.postMessage")); n != 2 {
		t.Errorf("%d messages posted, want 2 (the DM and the note)", n)
	}
	if got := value(h.metrics.Routes); got != 1 {
		t.Errorf("routes metric = %v, want 1", got)
	}
}

func TestCaptureEditsDeletesAndThanks(t *testing.T) {
	h := newHarness(t, nil)
	root, envs := h.srv.UserPosts(t, general, fakeslack.Message{User: asker, Text: "<@" + fakeslack.BotUserID + "> How can I roll back a kubernetes deployment without downtime?"})
	h.handle(h.eventFromEnvelope(envs[1]))
	h.deliver()
	qid := "slack:" + general + ":" + root.TS
	answers := func() []string {
		t.Helper()
		q, err := h.store.Question(context.Background(), knowledge.Anonymous, qid)
		if err != nil {
			t.Fatal(err)
		}
		var out []string
		for _, a := range q.Answers {
			out = append(out, a.Answerer+": "+a.Text+strings.Repeat(" +thanks", a.Thanks))
		}
		return out
	}

	first, ev := h.posts(general, fakeslack.Message{User: expert2, Text: "Try helm rollback", ThreadTS: root.TS})
	h.handle(ev)
	second, ev := h.posts(general, fakeslack.Message{User: expert3, Text: "kubectl rollout undo works", ThreadTS: root.TS})
	h.handle(ev)
	// The asker's own follow-up is no answer; their thanks go to the latest.
	_, ev = h.posts(general, fakeslack.Message{User: asker, Text: "Which namespace?", ThreadTS: root.TS})
	h.handle(ev)
	_, ev = h.posts(general, fakeslack.Message{User: asker, Text: "Merci, ça marche !", ThreadTS: root.TS})
	h.handle(ev)
	// The bot's own messages are ignored.
	h.handle(h.event(fakeslack.MessageEvent(fakeslack.Channel{ID: general}, fakeslack.Message{TS: "1800000000.000001", User: fakeslack.BotUserID, BotID: fakeslack.BotID, Text: "noise", ThreadTS: root.TS})))
	want := []string{expert2 + ": Try helm rollback", expert3 + ": kubectl rollout undo works +thanks"}
	if diff := cmp.Diff(answers(), want); diff != "" {
		t.Errorf("answers (-got +want):\n%s", diff)
	}

	for _, id := range h.srv.UserEdits(t, general, first.TS, "Try `helm rollback &lt;release&gt; &lt;revision&gt;`") {
		h.handle(h.eventFromEnvelope(id))
	}
	for _, id := range h.srv.UserDeletes(t, general, second.TS) {
		h.handle(h.eventFromEnvelope(id))
	}
	want = []string{expert2 + ": Try helm rollback <release> <revision>"}
	if diff := cmp.Diff(answers(), want); diff != "" {
		t.Errorf("answers after an edit and a deletion (-got +want):\n%s", diff)
	}
	// Only the first answer prompts the asker.
	h.deliver()
	if n := len(h.srv.CallsTo("chat.postEphemeral")); n != 1 {
		t.Errorf("%d accept prompts, want 1", n)
	}
}

func TestHelpChannelThreadsAreCaptured(t *testing.T) {
	h := newHarness(t, func(c *config) { c.HelpChannels = []string{"#help-it"} })
	root, ev := h.posts(helpdesk, fakeslack.Message{User: other, Text: "Printer on floor 3 says *paper jam* but there is none"})
	h.handle(ev)
	_, ev = h.posts(helpdesk, fakeslack.Message{User: other, Text: "It blinks orange", ThreadTS: root.TS})
	h.handle(ev)
	_, ev = h.posts(helpdesk, fakeslack.Message{User: expert3, Text: "Open tray 2 and push the green lever", ThreadTS: root.TS})
	h.handle(ev)
	// Threads elsewhere are not captured.
	groot, ev := h.posts(general, fakeslack.Message{User: other, Text: "Lunch anyone?"})
	h.handle(ev)
	_, ev = h.posts(general, fakeslack.Message{User: expert2, Text: "Sure", ThreadTS: groot.TS})
	h.handle(ev)
	h.deliver()

	q, err := h.store.Question(context.Background(), knowledge.Anonymous, "slack:"+helpdesk+":"+root.TS)
	if err != nil {
		t.Fatalf("help channel question not captured: %v", err)
	}
	if q.Asker != other || q.Text != "Printer on floor 3 says paper jam but there is none" || len(q.Answers) != 1 || q.Answers[0].Answerer != expert3 {
		t.Errorf("captured %+v, want other's question with expert3's answer", q)
	}
	if _, err := h.store.Question(context.Background(), knowledge.Anonymous, "slack:"+general+":"+groot.TS); knowledge.ErrorCode(err) != knowledge.ENOTFOUND {
		t.Errorf("a thread outside help channels was captured (err %v)", err)
	}
	if posts := h.botPosts(helpdesk); len(posts) != 0 {
		t.Errorf("the bot spoke in the help channel unasked: %q", texts(posts))
	}
	// The next similar question finds it.
	in, _ := h.ask(asker, general, "printer floor 3 paper jam but there is none")
	h.handle(in)
	h.deliver()
	posts := h.botPosts(general)
	if !strings.Contains(posts[len(posts)-1].Blocks, "green lever") {
		t.Errorf("a similar question got %q, want the captured answer", posts[len(posts)-1].Blocks)
	}
}

func TestMalformedAndUnknownInputIsIgnored(t *testing.T) {
	h := newHarness(t, nil)
	raw := func(inner string) bot.Inbound {
		return h.parseEvent(fakeslack.EventCallback(fakeslack.TeamID, "EvRAW"+inner[:8], json.RawMessage(inner)))
	}
	unparsed := bot.Inbound{Key: "EvUNPARSED", Event: &slackevents.EventsAPIEvent{
		Type:       slackevents.CallbackEvent,
		InnerEvent: slackevents.EventsAPIInnerEvent{Type: "message", Data: json.RawMessage(`{"type":"message","blocks":[{"type":"brand_new"}]}`)},
	}}
	huge := strings.Repeat("Why does the build fail with ```exit 137``` <!channel> ", 2000)
	inputs := map[string]bot.Inbound{
		"no key":           {Event: &slackevents.EventsAPIEvent{}},
		"nothing":          {Key: "Ev0"},
		"unknown type":     raw(`{"type":"channel_created","channel":{"id":"C9"}}`),
		"join subtype":     raw(`{"type":"message","subtype":"channel_join","user":"U0FRANK01","channel":"C0GENERAL1","ts":"1.000001"}`),
		"bot message":      raw(`{"type":"message","bot_id":"B1","channel":"C0GENERAL1","ts":"1.000002","text":"hi"}`),
		"no user":          raw(`{"type":"message","channel":"C0GENERAL1","ts":"1.000003","text":"hi"}`),
		"bad ts":           raw(`{"type":"message","user":"U0FRANK01","channel":"C0GENERAL1","ts":"yesterday","text":"hi","thread_ts":"x"}`),
		"unknown channel":  raw(`{"type":"app_mention","user":"U0FRANK01","channel":"C0NOWHERE1","ts":"1.000004","text":"<@U0BOT> hi"}`),
		"unknown user":     raw(`{"type":"message","user":"U0GHOST001","channel":"C0GENERAL1","ts":"1.000005","thread_ts":"1.000001","text":"hi"}`),
		"reaction no item": raw(`{"type":"reaction_added","user":"U0FRANK01","reaction":"white_check_mark","item":{"type":"file"}}`),
		"unparsed event":   unparsed,
	}
	for name, in := range inputs {
		if err := handled(h.bot.Handle(context.Background(), in)); err != nil {
			t.Errorf("%s: Handle = %v, want nil", name, err)
		}
	}
	// A huge question full of markup is clipped to fit Slack's limits
	// (the fake refuses oversized blocks) and never pings the channel.
	in, _ := h.ask(other, general, huge)
	h.handle(in)
	h.deliver()
	for _, c := range h.srv.CallsTo("chat.postMessage") {
		if c.Error != "" {
			t.Errorf("Slack refused a message: %s", c.Error)
		}
		if strings.Contains(c.Params["blocks"], "<!channel>") || strings.Contains(c.Params["blocks"], `\u003c!channel\u003e`) {
			t.Errorf("the bot repeated a broadcast mention: %.200s", c.Params["blocks"])
		}
	}
	if n := h.pending(); n != 0 {
		t.Errorf("%d messages left pending", n)
	}
}

// A reply can reach the bot before the delivery of the message that starts
// its thread has recorded where that message landed: the bot must ask to be
// tried again, not drop what may be the answer.
func TestReplyBeforeItsThreadIsRecordedIsRetried(t *testing.T) {
	h := newHarness(t, nil)
	h.dmChannel("D0ALICE001", asker)
	_, ev := h.posts("D0ALICE001", fakeslack.Message{User: asker, Text: "How can I roll back a kubernetes deployment without downtime?"})
	h.handle(ev)

	// The group DM with the expert is still on its way.
	group, _ := h.srv.Channel(general)
	reply := fakeSlackReply(expert1, "1700000000.000100", "kubectl rollout undo")
	reply.TS = "1700000001.000200"
	early := h.event(fakeslack.MessageEvent(group, reply))
	if err := handled(h.bot.Handle(context.Background(), early)); err == nil {
		t.Fatal("a reply in an unknown thread while a thread is being started was handled as done; it must be retried")
	}

	h.deliver()
	if err := handled(h.bot.Handle(context.Background(), early)); err != nil {
		t.Errorf("once every thread is recorded, a reply in an unknown thread is ignored, got %v", err)
	}
}
