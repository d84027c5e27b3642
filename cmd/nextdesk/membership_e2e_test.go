package main

import (
	"context"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/nextdesk/nextdesk/digest"
	"github.com/nextdesk/nextdesk/internal/fakeslack"
)

// The measurements of issue 9 §3, made again through `nextdesk serve`
// against the fake Slack in both transports: a person removed from a
// private channel probes every surface for its captured answers, and
// people outside a public channel made private probe it, with the
// channel's digest and personal digests. Every message the bot sends after
// the change is read for what was said in the channel, and checked against
// who reads it. The count of probes and of leaks is logged.

const (
	projects  = "C0PROJECTS" // public, then made private
	digests   = "C0DIGEST"   // where the weekly digest goes
	brunoDM   = "D0BRUNO"
	carolDM   = "D0CAROL"
	daveDM    = "D0DAVE"
	erinDM    = "D0ERIN"
	mention   = "<@" + fakeslack.BotUserID + "> "
	noOneSees = "nobody"

	// apollo is said only in #projects, in answer to launch.
	apollo = "APOLLO-3141"
	launch = "What is the launch code name for Apollo?"
)

// leakCheck reads what the bot sent after a mark for secrets, each said in
// a channel, and counts every one shown to someone not in that channel now.
type leakCheck struct {
	e       *e2e
	secrets map[string]string // text → the channel it was said in
	mark    int               // Slack calls before the change
	replies map[string]string // response_url → who reads it
	probes  int
	leaks   []string
}

func (e *e2e) leakCheck(secrets map[string]string) *leakCheck {
	return &leakCheck{e: e, secrets: secrets, mark: len(e.slack.Calls()), replies: map[string]string{}}
}

// probe counts one probe; reply, when not empty, is its response_url,
// read by who.
func (l *leakCheck) probe(who, reply string) {
	l.probes++
	if reply != "" {
		l.replies[reply] = who
	}
}

// The probes: who asks what, where.

func (l *leakCheck) dm(who, dm, text string) {
	l.e.posts(dm, fakeslack.Message{User: who, Text: text})
	l.probe(who, "")
}

func (l *leakCheck) slashAsk(who, channel, text string) {
	l.probe(who, l.e.ask(who, channel, text).ResponseURL)
}

func (l *leakCheck) mention(who, channel, text string) {
	l.e.posts(channel, fakeslack.Message{User: who, Text: mention + text})
	l.probe(who, "")
}

func (l *leakCheck) me(who, dm string) {
	l.probe(who, l.e.command(fakeslack.SlashCommand{Command: "/nextdesk", Text: "me", UserID: who, ChannelID: dm}).ResponseURL)
}

// evidence has asker ask, in their DM, what expert answered in the
// channel; expert is asked, shown what they may see of why.
func (l *leakCheck) evidence(asker, dm, text, expert string) {
	l.e.t.Helper()
	l.e.posts(dm, fakeslack.Message{User: asker, Text: text})
	l.probe(expert, "")
	l.e.waitIdle()
	if !l.e.routedTo(expert) {
		l.e.t.Errorf("%s's question did not reach %s: the evidence probe did not run", asker, expert)
	}
}

// askAs runs `nextdesk ask --as who text` on the stopped server's data.
func (l *leakCheck) askAs(who, text string) {
	l.e.t.Helper()
	l.probe(who, "")
	l.scan("nextdesk ask --as "+who+" "+text, mustRun(l.e.t, l.e.env, "ask", "--as", who, "--json", text), []string{who})
}

// readers are who reads a message posted to channel (a user id for their
// DM), as the fake holds the workspace now.
func (e *e2e) readers(channel string) []string {
	if strings.HasPrefix(channel, "U") {
		return []string{channel}
	}
	ch, ok := e.slack.Channel(channel)
	if !ok {
		return []string{noOneSees}
	}
	if !ch.Private && !ch.IM && !ch.MPIM {
		return []string{alice, bruno, carol, dave, erin, frank}
	}
	return slices.DeleteFunc(slices.Clone(ch.Members), func(m string) bool { return m == fakeslack.BotUserID })
}

// scan checks text shown to readers.
func (l *leakCheck) scan(where, text string, readers []string) {
	for secret, channel := range l.secrets {
		if !strings.Contains(text, secret) {
			continue
		}
		ch, _ := l.e.slack.Channel(channel)
		for _, r := range readers {
			if !slices.Contains(ch.Members, r) {
				l.leaks = append(l.leaks, where+": "+secret+" shown to "+r)
			}
		}
	}
}

// done reads everything sent since the mark and reports the leaks.
func (l *leakCheck) done(t *testing.T, what string) {
	t.Helper()
	for _, c := range l.e.slack.Calls()[l.mark:] {
		if c.Error != "" {
			continue
		}
		switch c.Method {
		case "chat.postMessage", "chat.update":
			l.scan(c.Method+" to "+c.Params["channel"], c.Params["text"]+c.Params["blocks"], l.e.readers(c.Params["channel"]))
		case "chat.postEphemeral":
			l.scan("ephemeral", c.Params["text"]+c.Params["blocks"], []string{c.Params["user"]})
		}
	}
	for url, who := range l.replies {
		for _, r := range l.e.slack.Responses(url) {
			l.scan("reply", r.Text+string(r.Blocks), []string{who})
		}
	}
	t.Logf("%s: %d probes, %d leaked", what, l.probes, len(l.leaks))
	for _, leak := range l.leaks {
		t.Errorf("LEAK (%s): %s", what, leak)
	}
}

// thread has user mention the bot with text in channel, and another reply
// in its thread: a question captured with its answer.
func (e *e2e) thread(channel, asker, text, answerer, answer string) {
	e.t.Helper()
	q, _ := e.posts(channel, fakeslack.Message{User: asker, Text: mention + text})
	e.waitIdle()
	e.posts(channel, fakeslack.Message{User: answerer, ThreadTS: q.TS, Text: answer})
	e.waitIdle()
}

// digestWeek records this week's digests in the stopped server's store and
// delivers them with `nextdesk tasks --only deliver`, as the scheduled
// round would.
func (e *e2e) digestWeek() {
	e.t.Helper()
	db := e.finish()
	s, err := digest.NewScheduler(digest.Config{Channel: digests, Location: time.UTC}, db, time.Now, nil)
	if err != nil {
		e.t.Fatal(err)
	}
	if _, err := s.RecordWeek(context.Background(), digest.WeekOf(time.Now().UTC()), false); err != nil {
		e.t.Fatal(err)
	}
	db.Close()
	mustRun(e.t, e.env, "tasks", "--only", "deliver")
}

func (e *e2e) addDMs(dms map[string]string) {
	for user, id := range dms {
		e.slack.AddChannel(fakeslack.Channel{ID: id, IM: true, Members: []string{fakeslack.BotUserID, user}})
	}
}

func TestMembershipE2E(t *testing.T) {
	for _, tr := range e2eTransports {
		t.Run("removed member/"+tr.name, func(t *testing.T) {
			t.Parallel()
			e2eRemovedMember(t, newE2E(t, tr, nil))
		})
		t.Run("made private/"+tr.name, func(t *testing.T) {
			t.Parallel()
			e2eMadePrivate(t, newE2E(t, tr, nil))
		})
		t.Run("every membership event/"+tr.name, func(t *testing.T) {
			t.Parallel()
			e2eEveryMembershipEvent(t, newE2E(t, tr, nil))
		})
	}
}

// e2eRemovedMember: alice, removed from #finance, probes it eleven times
// through nine surfaces.
func e2eRemovedMember(t *testing.T, e *e2e) {
	const (
		orion    = "ORION-7788"
		forecast = "FORECAST-5521"
		zephyr   = "Where is the Q3 forecast file for the Zephyr account?"
	)
	e.addDMs(map[string]string{carol: carolDM})
	// Answers captured in #finance: one alice asked for, one she gave.
	e.thread(finance, alice, "Who approves travel budgets for Orion?", carol, "The CFO approves them, reference "+orion+".")
	e.thread(finance, carol, zephyr, alice, forecast+" on the finance drive.")
	e.command(fakeslack.SlashCommand{Command: "/nextdesk", Text: "digest on", UserID: alice, ChannelID: aliceDM})
	e.waitIdle()

	e.deliver(e.slack.UserLeaves(t, alice, finance, fakeslack.Sent))
	e.waitIdle()
	l := e.leakCheck(map[string]string{secretAnswer: finance, orion: finance, forecast: finance, zephyr: finance})

	// 1, 2: her DM with the bot; 3: /ask in #general; 4: a mention
	// there; 5: /ask in her DM; 6: what she is known for.
	l.dm(alice, aliceDM, "What is the budget code for project nightingale?")
	l.dm(alice, aliceDM, "Who approves the travel budgets for Orion?")
	l.slashAsk(alice, general, "What is the budget code for project nightingale?")
	l.mention(alice, general, "who approves the travel budgets for Orion?")
	l.slashAsk(alice, aliceDM, "budget code for project nightingale")
	l.me(alice, aliceDM)
	// 7: carol, still in #finance, asks what alice answered there.
	l.evidence(carol, carolDM, "Zephyr account quarterly planning: who maintains the forecast workbook and the budget review calendar for next year?", alice)
	// 8: her personal digest; 9: `nextdesk ask --as` her.
	e.digestWeek()
	l.probe(alice, "")
	for _, q := range []string{"budget code for project nightingale", "travel budgets for Orion", "Q3 forecast file Zephyr"} {
		l.askAs(alice, q)
	}
	l.done(t, "removed from a private channel")
	// The check can fail: carol, still in #finance, finds it.
	if out := mustRun(t, e.env, "ask", "--as", carol, "--json", "budget code for project nightingale"); !strings.Contains(out, secretAnswer) {
		t.Errorf("carol, in #finance, does not find its answer:\n%s", out)
	}
}

// routedTo reports whether the bot asked person about a question.
func (e *e2e) routedTo(person string) bool {
	for _, c := range e.slack.CallsTo("chat.postMessage") {
		if strings.Contains(c.Params["blocks"], actionTake) {
			if slices.Contains(e.readers(c.Params["channel"]), person) {
				return true
			}
		}
	}
	return false
}

// e2eMadePrivate: #projects, public while its answers were captured, is
// made private; people outside it probe it, and the digests go out.
func e2eMadePrivate(t *testing.T, e *e2e) {
	const (
		hermes = "HERMES-1618"
		kept   = "How long is Hermes telemetry kept?"
	)
	e.addDMs(map[string]string{bruno: brunoDM, carol: carolDM, dave: daveDM, erin: erinDM})
	e.slack.AddChannel(fakeslack.Channel{ID: projects, Name: "projects", Members: []string{fakeslack.BotUserID, alice, carol, dave, frank}})
	e.slack.AddChannel(fakeslack.Channel{ID: digests, Name: "digest", Members: []string{fakeslack.BotUserID, alice, bruno, carol, dave, erin, frank}})
	e.thread(projects, frank, launch, carol, apollo+" is the launch code name.")
	e.thread(projects, alice, kept, dave, hermes+": ninety days in cold storage.")
	for _, p := range []string{bruno, dave} {
		e.command(fakeslack.SlashCommand{Command: "/nextdesk", Text: "digest on", UserID: p, ChannelID: general})
	}
	// dave leaves while it is public, then it is made private.
	e.deliver(e.slack.UserLeaves(t, dave, projects, fakeslack.Sent))
	e.waitIdle()
	e.deliver(e.slack.ConvertChannel(t, carol, projects, true, fakeslack.Sent))
	e.waitIdle()
	l := e.leakCheck(map[string]string{apollo: projects, hermes: projects, kept: projects})

	// 1: bruno's DM; 2: dave's /ask in #general; 3: erin's mention there;
	// 4: bruno's /ask in his DM; 5: dave's /nextdesk me; 6: alice, in
	// #projects, asks what dave answered there.
	l.dm(bruno, brunoDM, launch)
	l.slashAsk(dave, general, "hermes telemetry: how long is it kept?")
	l.mention(erin, general, "launch code name for Apollo?")
	l.slashAsk(bruno, brunoDM, "Apollo launch code name")
	l.me(dave, daveDM)
	l.evidence(alice, aliceDM, "Hermes telemetry retention policy for the analytics cluster and the archive export schedule next quarter?", dave)
	// The channel's digest, and bruno's and dave's.
	e.digestWeek()
	if posts := e.botPosts(digests); len(posts) == 0 {
		t.Error("no channel digest was posted: the digest probe did not run")
	}
	// 7: `nextdesk ask --as` bruno.
	l.askAs(bruno, "launch code name for Apollo")
	l.done(t, "made private, probed by people outside it, the digests included")
	if out := mustRun(t, e.env, "ask", "--as", frank, "--json", "launch code name for Apollo"); !strings.Contains(out, apollo) {
		t.Errorf("frank, in #projects, does not find its answer:\n%s", out)
	}
}

// answered has who ask text in conversation (their DM, or a channel with
// /ask) and reports whether the bot's reply shows secret.
func (e *e2e) answered(who, conversation, text, secret string) bool {
	e.t.Helper()
	before := len(e.botPosts(conversation))
	if strings.HasPrefix(conversation, "D") {
		e.posts(conversation, fakeslack.Message{User: who, Text: text})
	} else {
		e.ask(who, conversation, text)
	}
	e.waitIdle()
	for _, m := range e.botPosts(conversation)[before:] {
		if strings.Contains(m.Blocks, secret) {
			return true
		}
	}
	return false
}

// e2eEveryMembershipEvent takes each membership event through the
// transport and checks what it changes for the people it concerns.
func e2eEveryMembershipEvent(t *testing.T, e *e2e) {
	const nightingale = "What is the budget code for project nightingale?"
	e.addDMs(map[string]string{bruno: brunoDM})
	e.slack.AddChannel(fakeslack.Channel{ID: projects, Name: "projects", Members: []string{fakeslack.BotUserID, alice, carol}})
	e.thread(projects, alice, launch, carol, apollo+" is the launch code name.")
	steps := []struct {
		what   string
		change func() []string
		who    string
		where  string
		text   string
		secret string
		shown  bool
	}{
		{"bruno joins #finance", func() []string { return e.slack.UserJoins(t, bruno, finance, fakeslack.Sent) }, bruno, brunoDM, nightingale, secretAnswer, true},
		{"bruno leaves #finance", func() []string { return e.slack.UserLeaves(t, bruno, finance, fakeslack.Sent) }, bruno, brunoDM, nightingale, secretAnswer, false},
		{"#finance made public", func() []string { return e.slack.ConvertChannel(t, carol, finance, false, fakeslack.Sent) }, frank, frankDM, nightingale, secretAnswer, true},
		{"#finance made private again", func() []string { return e.slack.ConvertChannel(t, carol, finance, true, fakeslack.Sent) }, frank, frankDM, nightingale, secretAnswer, false},
		{"the bot removed from #finance", func() []string { return e.slack.UserLeaves(t, fakeslack.BotUserID, finance, fakeslack.Sent) }, alice, aliceDM, nightingale, secretAnswer, false},
		{"the bot invited back", func() []string { return e.slack.UserJoins(t, fakeslack.BotUserID, finance, fakeslack.Sent) }, alice, aliceDM, nightingale, secretAnswer, true},
		{"#general shared with another organisation", func() []string { return e.slack.ShareChannel(t, general, "T0PARTNER", true, fakeslack.Sent) }, alice, general, launch, apollo, false},
		{"#general unshared", func() []string { return e.slack.ShareChannel(t, general, "T0PARTNER", false, fakeslack.Sent) }, alice, general, launch, apollo, true},
		{"#projects deleted", func() []string { return e.slack.DeleteChannel(t, projects, fakeslack.Sent) }, alice, aliceDM, launch, apollo, false},
	}
	if !e.answered(alice, general, launch, apollo) {
		t.Fatal("alice does not get #projects' answer in #general before any change: the test can prove nothing")
	}
	for _, s := range steps {
		e.deliver(s.change())
		e.waitIdle()
		if got := e.answered(s.who, s.where, s.text, s.secret); got != s.shown {
			t.Errorf("after %s, %s asking in %s is shown %s: %v, want %v", s.what, s.who, s.where, s.secret, got, s.shown)
		}
	}
	e.finish()
}
