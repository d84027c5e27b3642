package main

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/slack-go/slack"

	"github.com/nextdesk/nextdesk/internal/fakeslack"
	"github.com/nextdesk/nextdesk/knowledge"
	"github.com/nextdesk/nextdesk/knowledge/desk"
	"github.com/nextdesk/nextdesk/knowledge/sqlite"
)

// The end-to-end workspace. alice (U1, English) and bruno (U2, French)
// come from mustOpenWorkspace; the rest are added by mustOpenE2EWorkspace.
const (
	alice = "U1" // asks most questions
	bruno = "U2" // writes in French (locale fr-FR)
	carol = "U3" // the best expert of VPNs, rollbacks and the finance channel
	dave  = "U4" // the second expert of rollbacks
	erin  = "U5" // the only one who ever answered about the printer
	frank = "U6" // asks too; not in #finance

	general   = "C1"        // public, everyone
	askAnyone = "C9"        // public, the fallback channel
	finance   = "G0FINANCE" // private: alice, carol and the bot
	aliceDM   = "D0ALICE"   // alice's IM with the bot
	frankDM   = "D0FRANK"   // frank's IM with the bot

	// secretAnswer is said only in #finance: it must never reach frank.
	secretAnswer = "NG-4417"
)

// e2eWait bounds every wait of the end-to-end tests but the escalation's;
// they normally take milliseconds.
const e2eWait = serveWait

// e2eTransport is one way Slack reaches the server.
type e2eTransport struct {
	name   string
	socket bool
}

var e2eTransports = []e2eTransport{{"socket", true}, {"http", false}}

// mustOpenE2EWorkspace returns a fake Slack with six people, a public
// channel for everyone, a fallback channel, a private channel and two IMs
// with the bot.
func mustOpenE2EWorkspace(tb testing.TB) *fakeslack.Server {
	tb.Helper()
	srv := mustOpenWorkspace(tb)
	for _, u := range []fakeslack.User{
		{ID: carol, Name: "carol", RealName: "Carol Dupont", Locale: "en-GB", TZ: "Europe/London"},
		{ID: dave, Name: "dave", RealName: "Dave Moreau", Locale: "en-US", TZ: "Europe/Paris"},
		{ID: erin, Name: "erin", RealName: "Erin Leroy", Locale: "en-US", TZ: "Europe/Paris"},
		{ID: frank, Name: "frank", RealName: "Frank Roux", Locale: "en-US", TZ: "Europe/Paris"},
	} {
		srv.AddUser(u)
	}
	everyone := []string{alice, bruno, carol, dave, erin, frank, fakeslack.BotUserID}
	srv.AddChannel(fakeslack.Channel{ID: general, Name: "general", Members: everyone})
	srv.AddChannel(fakeslack.Channel{ID: askAnyone, Name: "ask-anyone", Members: everyone})
	srv.AddChannel(fakeslack.Channel{ID: finance, Name: "finance", Private: true, Members: []string{alice, carol, fakeslack.BotUserID}})
	srv.AddChannel(fakeslack.Channel{ID: aliceDM, IM: true, Members: []string{fakeslack.BotUserID, alice}})
	srv.AddChannel(fakeslack.Channel{ID: frankDM, IM: true, Members: []string{fakeslack.BotUserID, frank}})
	return srv
}

// seedHistory writes the past questions of the workspace into the data
// directory of env, as `nextdesk import` would, before the server opens it:
// a sure answer about VPN passwords (in English and in French), three
// threads about Kubernetes rollbacks where carol answered most and dave
// next, a printer question only erin answered, and a budget code given in
// the private #finance. It returns the questions written.
func seedHistory(tb testing.TB, env map[string]string) []knowledge.Question {
	tb.Helper()
	ctx := context.Background()
	cfg, err := (&Main{Env: env}).config()
	if err != nil {
		tb.Fatalf("settings: %v", err)
	}
	kb, err := openKnowledge(ctx, cfg, slog.New(slog.DiscardHandler))
	if err != nil {
		tb.Fatalf("open the data directory: %v", err)
	}
	defer kb.Close()

	now := time.Now()
	seq := 0
	// question builds a past question in channel, asked age ago, with its
	// answers given an hour later; ts values are unique and in order.
	question := func(channel, asker, text string, age time.Duration, answers ...knowledge.Answer) knowledge.Question {
		seq++
		at := now.Add(-age)
		ts := fmt.Sprintf("%d.%06d", at.Unix(), seq)
		for i := range answers {
			answers[i].ID = fmt.Sprintf("slack:%s:%d.%06d", channel, at.Add(time.Hour).Unix(), seq*10+i)
			answers[i].Time = at.Add(time.Hour)
		}
		return knowledge.Question{ID: "slack:" + channel + ":" + ts, Asker: asker, Conversation: channel, Thread: ts, Text: text, Time: at, Answers: answers}
	}
	answer := func(who, text string, accepted bool) knowledge.Answer {
		return knowledge.Answer{Answerer: who, Text: text, Accepted: accepted}
	}
	day := 24 * time.Hour
	b := knowledge.Batch{
		Conversations: []knowledge.Conversation{
			{ID: general, Name: "general", Kind: knowledge.KindPublic},
			{ID: finance, Name: "finance", Kind: knowledge.KindPrivate, Members: []string{alice, carol}},
		},
		Questions: []knowledge.Question{
			question(general, frank, "How do I reset my VPN password?", 30*day,
				answer(carol, "Go to vpn.example.com/reset and follow the steps.", true)),
			question(general, bruno, "Comment réinitialiser mon mot de passe VPN ?", 25*day,
				answer(carol, "Va sur vpn.example.com/reset et suis les étapes.", true)),
			question(general, frank, "kubernetes deployment rollback stuck on the old replica set", 20*day,
				answer(carol, "Use kubectl rollout undo on the deployment.", true),
				answer(dave, "Check the replica set events first.", false)),
			question(general, bruno, "kubernetes rollback of a helm release fails", 15*day,
				answer(carol, "helm rollback with the revision number.", true),
				answer(dave, "helm history lists the revisions.", false)),
			question(general, frank, "deployment rollback in kubernetes staging cluster", 10*day,
				answer(carol, "kubectl rollout undo deployment/name.", false),
				answer(dave, "Pick the staging context before the rollout undo.", false)),
			question(general, frank, "The printer on the third floor jams with A3 paper", 12*day,
				answer(erin, "Use the manual feed tray for A3 sheets.", true)),
			question(finance, alice, "What is the budget code for project nightingale?", 5*day,
				answer(carol, "The budget code for project nightingale is "+secretAnswer+".", true)),
		},
	}
	for _, id := range []string{alice, bruno, carol, dave, erin, frank} {
		b.People = append(b.People, knowledge.Person{ID: id, Name: id})
	}
	if _, err := kb.Import(ctx, b); err != nil {
		tb.Fatalf("seed the history: %v", err)
	}
	if err := kb.Sync(ctx); err != nil {
		tb.Fatalf("index the history: %v", err)
	}
	return b.Questions
}

// e2e is one scenario's run: a fake Slack, a data directory seeded with
// history, and a real Server reached through one transport.
type e2e struct {
	t      *testing.T
	slack  *fakeslack.Server
	env    map[string]string
	socket bool
	run    *serveRun
	api    *slack.Client // reads the fake as the bot would, to find DMs
	// history is what the data directory was seeded with.
	history []knowledge.Question

	// expected holds parts of the error lines a scenario causes on
	// purpose; finish fails on any other.
	expected []string

	sent int               // deliveries made to the current Server
	ids  int               // for unique trigger ids and response URLs
	dms  map[string]string // the bot's DM with each person, once found
	// now, when set, is the server's clock.
	now func() time.Time
}

// newE2E starts a seeded server in the given transport; extra adds or
// overrides settings.
func newE2E(t *testing.T, tr e2eTransport, extra map[string]string) *e2e {
	t.Helper()
	e := prepareE2E(t, tr, extra)
	e.start()
	return e
}

// prepareE2E is newE2E without starting the server: the test may change
// the data directory or the clock first.
func prepareE2E(t *testing.T, tr e2eTransport, extra map[string]string) *e2e {
	t.Helper()
	srv := mustOpenE2EWorkspace(t)
	env := serveEnv(t, srv, tr.socket)
	for k, v := range extra {
		env[k] = v
	}
	e := &e2e{
		t: t, slack: srv, env: env, socket: tr.socket,
		api:     slack.New(fakeslack.BotToken, slack.OptionAPIURL(srv.URL())),
		history: seedHistory(t, env),
		dms:     map[string]string{},
	}
	return e
}

// start runs a Server on e's data directory and waits until it is healthy
// (in Socket Mode: connected).
func (e *e2e) start() {
	e.t.Helper()
	e.run = mustStartServerAt(e.t, e.slack, e.env, e.now)
	e.run.waitHealth(e.t, http.StatusOK)
	e.sent = 0
}

// stop shuts the Server down and fails the test if it did not stop
// cleanly.
func (e *e2e) stop() {
	e.t.Helper()
	if err := e.run.server.Close(); err != nil {
		e.t.Fatalf("Close: %v\nlog:\n%s", err, e.run.log)
	}
}

// expectErrors lets finish accept the error lines that contain any of
// parts: a scenario that breaks something on purpose.
func (e *e2e) expectErrors(parts ...string) {
	e.expected = append(e.expected, parts...)
}

// nextID returns an id unique within the scenario.
func (e *e2e) nextID(prefix string) string {
	e.ids++
	return fmt.Sprintf("%s%d", prefix, e.ids)
}

// command sends a slash command through the transport and waits for Slack's
// acknowledgement. It fills the trigger id and response_url when empty and
// returns the command as sent.
func (e *e2e) command(cmd fakeslack.SlashCommand) fakeslack.SlashCommand {
	e.t.Helper()
	if cmd.Command == "" {
		cmd.Command = "/ask"
	}
	if cmd.TriggerID == "" {
		cmd.TriggerID = e.nextID("trigger-e2e-")
	}
	if cmd.ResponseURL == "" {
		cmd.ResponseURL = e.slack.ResponseURL(e.nextID("cmd-"))
	}
	e.resendCommand(cmd)
	return cmd
}

// resendCommand sends cmd again as it is, same trigger id included.
func (e *e2e) resendCommand(cmd fakeslack.SlashCommand) {
	e.t.Helper()
	if e.socket {
		e.slack.WaitAck(e.t, e.slack.SendSlashCommand(e.t, cmd), e2eWait)
	} else {
		resp := fakeslack.PostSlashCommand(e.t, e.run.base+"/slack/commands", serveSecret, e.slack.SlashCommandForm(cmd))
		e.wantOK(resp, "slash command "+cmd.Command)
	}
	e.sent++
}

// ask is /ask text by user in channel.
func (e *e2e) ask(user, channel, text string) fakeslack.SlashCommand {
	e.t.Helper()
	return e.command(fakeslack.SlashCommand{Text: text, UserID: user, ChannelID: channel})
}

// deliver sends the events the fake built for what a person did (see
// posts and reacts): in Socket Mode the fake pushed them already and they
// only need acknowledging; over HTTP each is posted, signed, to the events
// URL.
func (e *e2e) deliver(envelopes []string) {
	e.t.Helper()
	for _, id := range envelopes {
		if e.socket {
			e.slack.WaitAck(e.t, id, e2eWait)
		} else {
			env, ok := e.slack.Envelope(id)
			if !ok {
				e.t.Fatalf("the fake built no envelope %s", id)
			}
			e.wantOK(fakeslack.PostEvent(e.t, e.run.base+"/slack/events", serveSecret, env.Payload), "event")
		}
		e.sent++
	}
}

// deliverPayload sends an Events API payload the test built through the
// transport and waits for Slack's acknowledgement (Socket Mode) or a 200
// (HTTP).
func (e *e2e) deliverPayload(payload json.RawMessage) {
	e.t.Helper()
	if e.socket {
		e.slack.WaitAck(e.t, e.slack.SendEvent(e.t, payload), e2eWait)
	} else {
		e.wantOK(fakeslack.PostEvent(e.t, e.run.base+"/slack/events", serveSecret, payload), "event")
	}
	e.sent++
}

// redeliver sends the event of envelope id again as Slack's retry number
// n: a Socket Mode redelivery (same payload, new envelope), or an HTTP
// retry with X-Slack-Retry-Num.
func (e *e2e) redeliver(id string, n int) {
	e.t.Helper()
	if e.socket {
		e.slack.WaitAck(e.t, e.slack.Redeliver(e.t, id), e2eWait)
	} else {
		env, _ := e.slack.Envelope(id)
		resp := fakeslack.PostEvent(e.t, e.run.base+"/slack/events", serveSecret, env.Payload, fakeslack.Retry(n, "http_timeout"))
		e.wantOK(resp, "retried event")
	}
	e.sent++
}

// posts has m.User post m in channel and delivers the events Slack sends
// for it. It returns the message as stored, with its ts.
func (e *e2e) posts(channel string, m fakeslack.Message) (fakeslack.Message, []string) {
	e.t.Helper()
	stored, ids := e.slack.UserPosts(e.t, channel, m)
	e.deliver(ids)
	return stored, ids
}

// reacts has user react to message ts in channel and delivers the event.
func (e *e2e) reacts(user, channel, ts, reaction string) {
	e.t.Helper()
	e.deliver(e.slack.UserReacts(e.t, user, channel, ts, reaction))
}

// click has user click the button actionID of a message the bot posted,
// through the transport, and returns the click's response_url.
func (e *e2e) click(user string, m botMessage, actionID string) string {
	e.t.Helper()
	value, ok := fakeslack.ButtonValue(m.Blocks, actionID)
	if !ok {
		e.t.Fatalf("message %s in %s has no %s button: %s", m.TS, m.Channel, actionID, m.Blocks)
	}
	return e.clickValue(user, m, actionID, value)
}

// sendClick sends a click through the transport and waits for Slack's
// acknowledgement (Socket Mode) or a 200 (HTTP).
func (e *e2e) sendClick(b fakeslack.BlockActions) {
	e.t.Helper()
	if e.socket {
		e.slack.WaitAck(e.t, e.slack.SendInteraction(e.t, b), e2eWait)
	} else {
		resp := fakeslack.PostInteraction(e.t, e.run.base+"/slack/interactivity", serveSecret, e.slack.BlockActionsPayload(b))
		e.wantOK(resp, "interaction")
	}
	e.sent++
}

func (e *e2e) wantOK(resp *http.Response, what string) {
	e.t.Helper()
	if resp.StatusCode != http.StatusOK {
		b, _ := io.ReadAll(resp.Body)
		e.t.Fatalf("%s answered %d %q, want 200", what, resp.StatusCode, b)
	}
}

// metric sums every series of a metric on the server's /metrics whose
// labels contain label (all of them when label is empty).
func (e *e2e) metric(name, label string) float64 {
	e.t.Helper()
	resp, err := http.Get(e.run.base + "/metrics")
	if err != nil {
		e.t.Fatalf("GET /metrics: %v", err)
	}
	defer resp.Body.Close()
	sum := 0.0
	sc := bufio.NewScanner(resp.Body)
	for sc.Scan() {
		series, value, ok := strings.Cut(sc.Text(), " ")
		if !ok || (series != name && !strings.HasPrefix(series, name+"{")) || !strings.Contains(series, label) {
			continue
		}
		if v, err := strconv.ParseFloat(value, 64); err == nil {
			sum += v
		}
	}
	return sum
}

// waitIdle waits until the server has recorded every delivery made to it,
// its inbox holds none still to handle and its outbox none still to send:
// then nothing more is on its way to Slack. It reads the store itself, as
// the gauges lag by up to a second; it must read idle twice in a row, as a
// handling under way may record a notice just after the outbox was read.
func (e *e2e) waitIdle() {
	e.t.Helper()
	idle := 0
	ctx := context.Background()
	db := e.run.server.kb.DB
	e.eventually("every delivery handled and the outbox empty", func() bool {
		inbox, err := db.InboxStats(ctx)
		if err != nil {
			e.t.Fatalf("inbox: %v", err)
		}
		outbox, err := db.PendingOutgoing(ctx)
		if err != nil {
			e.t.Fatalf("outbox: %v", err)
		}
		if e.metric("nextdesk_inbox_record_seconds_count", "") >= float64(e.sent) && inbox.Pending == 0 && outbox == 0 {
			idle++
		} else {
			idle = 0
		}
		return idle >= 2
	})
}

// eventually polls cond until it holds, and fails the test with what after
// e2eWait.
func (e *e2e) eventually(what string, cond func() bool) {
	e.t.Helper()
	e.eventuallyWithin(e2eWait, what, cond)
}

func (e *e2e) eventuallyWithin(wait time.Duration, what string, cond func() bool) {
	e.t.Helper()
	deadline := time.Now().Add(wait)
	for !cond() {
		if time.Now().After(deadline) {
			e.t.Fatalf("waited %v for %s; Slack calls: %v\nlog:\n%s", wait, what, methods(e.slack.Calls()), e.run.log)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// botMessage is a message the bot posted, as the fake holds it, with its
// blocks as readable JSON.
type botMessage struct {
	Channel, TS, Thread, Text, Blocks string
}

// botPosts returns what the bot posted in channel, oldest first; a user id
// stands for the bot's DM with that user.
func (e *e2e) botPosts(channel string) []botMessage {
	e.t.Helper()
	if strings.HasPrefix(channel, "U") {
		if channel = e.dmWith(channel); channel == "" {
			return nil
		}
	}
	var out []botMessage
	for _, m := range e.slack.Messages(channel) {
		if m.User == fakeslack.BotUserID {
			out = append(out, botMessage{Channel: channel, TS: m.TS, Thread: m.ThreadTS, Text: m.Text, Blocks: fakeslack.Readable(m.Blocks)})
		}
	}
	return out
}

// dmWith is the id of the bot's DM with user, or "" while the bot never
// wrote to them.
func (e *e2e) dmWith(user string) string {
	e.t.Helper()
	if id, ok := e.dms[user]; ok {
		return id
	}
	posted := false
	for _, c := range e.slack.CallsTo("chat.postMessage") {
		posted = posted || (c.Params["channel"] == user && c.Error == "")
	}
	if !posted {
		return ""
	}
	ch, _, _, err := e.api.OpenConversation(&slack.OpenConversationParameters{Users: []string{user}})
	if err != nil {
		e.t.Fatalf("find the DM with %s: %v", user, err)
	}
	e.dms[user] = ch.ID
	return ch.ID
}

// waitPosts waits until the bot has posted at least n messages in channel
// (a user id for a DM) and returns them all.
func (e *e2e) waitPosts(channel string, n int) []botMessage {
	e.t.Helper()
	var got []botMessage
	e.eventually(fmt.Sprintf("%d bot messages in %s", n, channel), func() bool {
		got = e.botPosts(channel)
		return len(got) >= n
	})
	return got
}

// ephemerals returns the ephemeral messages the bot showed user.
func (e *e2e) ephemerals(user string) []fakeslack.Call {
	var out []fakeslack.Call
	for _, c := range e.slack.CallsTo("chat.postEphemeral") {
		if c.Params["user"] == user && c.Error == "" {
			out = append(out, c)
		}
	}
	return out
}

// finish stops the Server and opens its store, checking that no message was
// left undelivered. The store is closed when the test ends.
func (e *e2e) finish() *sqlite.DB {
	e.t.Helper()
	e.stop()
lines:
	for _, line := range strings.Split(e.run.log.String(), "\n") {
		if !strings.Contains(line, "level=ERROR") && !strings.Contains(line, `"level":"ERROR"`) {
			continue
		}
		for _, x := range e.expected {
			if strings.Contains(line, x) {
				continue lines
			}
		}
		e.t.Errorf("the server logged an error: %s", line)
	}
	db, err := sqlite.Open(storePath(e.env["NEXTDESK_DATA_DIR"]))
	if err != nil {
		e.t.Fatalf("reopen the store after shutdown: %v", err)
	}
	e.t.Cleanup(func() { db.Close() })
	if n, err := db.PendingOutgoing(context.Background()); err != nil || n != 0 {
		e.t.Errorf("outbox after shutdown: %d messages pending (err %v), want none", n, err)
	}
	return db
}

// routesOf lists a question's routes as expert:outcome.
func routesOf(tb testing.TB, db *sqlite.DB, questionID string) []string {
	tb.Helper()
	var rs []knowledge.Route
	err := db.View(context.Background(), func(r desk.Reader) (err error) {
		rs, err = r.Routes(context.Background(), questionID)
		return err
	})
	if err != nil {
		tb.Fatalf("routes of %s: %v", questionID, err)
	}
	var out []string
	for _, r := range rs {
		out = append(out, r.Expert+":"+string(r.Outcome))
	}
	return out
}

// past returns the id of the seeded question with the given text.
func (e *e2e) past(text string) string {
	e.t.Helper()
	for _, q := range e.history {
		if q.Text == text {
			return q.ID
		}
	}
	e.t.Fatalf("no past question %q in the seeded history", text)
	return ""
}

// askOf returns the bot's record of a question.
func askOf(tb testing.TB, db *sqlite.DB, questionID string) knowledge.Ask {
	tb.Helper()
	var a knowledge.Ask
	err := db.View(context.Background(), func(r desk.Reader) (err error) {
		a, err = r.Ask(context.Background(), questionID)
		return err
	})
	if err != nil {
		tb.Fatalf("ask %s: %v", questionID, err)
	}
	return a
}

// drainFaults uses up the failures FailNext queued for method, so the fake
// answers normally again: each call with a token the fake refuses takes one
// failure, and changes nothing once they are gone.
func drainFaults(tb testing.TB, srv *fakeslack.Server, method string) {
	tb.Helper()
	for range 1000 {
		resp, err := http.PostForm(srv.URL()+method, url.Values{"token": {"xoxb-drain-faults"}, "channel": {general}, "text": {"drain"}})
		if err != nil {
			tb.Fatalf("drain the faults of %s: %v", method, err)
		}
		io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
		if resp.StatusCode == http.StatusOK {
			return
		}
	}
	tb.Fatalf("%s still failing after 1000 calls", method)
}
