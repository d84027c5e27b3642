// Package integration_test runs the bot whole, one handling at a time: the
// Slack adapter (bot), the workflow (knowledge/desk), the store
// (knowledge/sqlite) and the index, wired as nextdesk serve wires them,
// against the fake Slack. It checks what no part's own tests can: what
// people see in Slack after each step. The end-to-end tests in
// cmd/nextdesk run the server itself, through both transports.
package integration_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	dto "github.com/prometheus/client_model/go"
	"github.com/slack-go/slack"
	"github.com/slack-go/slack/slackevents"

	"github.com/nextdesk/nextdesk/bot"
	"github.com/nextdesk/nextdesk/index"
	"github.com/nextdesk/nextdesk/internal/fakeslack"
	"github.com/nextdesk/nextdesk/knowledge"
	"github.com/nextdesk/nextdesk/knowledge/desk"
	"github.com/nextdesk/nextdesk/knowledge/sqlite"
	"github.com/nextdesk/nextdesk/knowledge/sqlite/sqlitetest"
)

// The bot's action ids, as Slack sends them back.
const (
	actionSolved   = "nextdesk_solved"
	actionNeedHelp = "nextdesk_need_help"
	actionTake     = "nextdesk_take"
	actionPass     = "nextdesk_pass"
	actionAlready  = "nextdesk_already"
	actionAccept   = "nextdesk_accept"
)

// outboxEvent is the metadata event type of the bot's posts.
const outboxEvent = "nextdesk_outbox"

// config is what a test may change of the wiring.
type config struct {
	Lang            string
	AnswerTimeout   time.Duration
	FallbackChannel string
	HelpChannels    []string
	MaxOpen         int
	Workers         int
	// Terms is the outbox's analysis for the digest (serve gives it the
	// index's); nil for none.
	Terms func(string) []string
}

// The fake workspace: an asker, three experts, a French speaker, and a
// person nobody asks.
const (
	asker   = "U0ALICE01"
	expert1 = "U0BOB0001"
	expert2 = "U0CAROL01"
	expert3 = "U0DAVE001"
	french  = "U0ELODIE1"
	other   = "U0FRANK01"

	general  = "C0GENERAL1"
	helpdesk = "C0HELPDSK1"
	fallback = "C0FALLBCK1"
	secret   = "G0SECRET01" // private channel of asker and expert1
)

// clock is the test's time: real time shifted by what the test advanced,
// so timeouts can pass at once while Slack timestamps and retries stay
// real.
type clock struct {
	mu     sync.Mutex
	offset time.Duration
}

func (c *clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return time.Now().Add(c.offset).UTC()
}

func (c *clock) Advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.offset += d
}

// harness is a bot wired to a fake Slack, a real store and a real index.
type harness struct {
	t      testing.TB
	srv    *fakeslack.Server
	db     bot.Notices
	store  *sqlite.DB
	ix     *index.Index
	engine *knowledge.Engine
	api    *slack.Client
	slack  *bot.Slack // api as serve wraps it
	clock  *clock
	cfg    config
	// Set by wire, as a restarted server would have them.
	desk    *desk.Desk
	bot     *bot.Bot
	outbox  *bot.Outbox
	metrics *bot.Metrics
	events  int
}

// newHarness seeds the fake workspace and the knowledge base with past
// questions, and returns a bot on them. change adjusts the config.
func newHarness(t testing.TB, change func(*config)) *harness {
	t.Helper()
	h := &harness{t: t, clock: &clock{}}
	h.srv = fakeslack.New(t, fakeslack.WithClock(h.clock.Now))
	for _, u := range []fakeslack.User{
		{ID: asker, Name: "alice", RealName: "Alice", TZ: "Europe/London"},
		{ID: expert1, Name: "bob", RealName: "Bob", TZ: "Europe/London"},
		{ID: expert2, Name: "carol", RealName: "Carol", TZ: "Europe/London"},
		{ID: expert3, Name: "dave", RealName: "Dave", TZ: "Europe/London"},
		{ID: french, Name: "elodie", RealName: "Élodie", TZ: "Europe/Paris", Locale: "fr-FR"},
		{ID: other, Name: "frank", RealName: "Frank", TZ: "Europe/London"},
	} {
		h.srv.AddUser(u)
	}
	everyone := []string{fakeslack.BotUserID, asker, expert1, expert2, expert3, french, other}
	h.srv.AddChannel(fakeslack.Channel{ID: general, Name: "general", Members: everyone})
	h.srv.AddChannel(fakeslack.Channel{ID: helpdesk, Name: "help-it", Members: everyone})
	h.srv.AddChannel(fakeslack.Channel{ID: fallback, Name: "ask-anyone", Members: everyone})
	h.srv.AddChannel(fakeslack.Channel{ID: secret, Name: "secret", Private: true, Members: []string{fakeslack.BotUserID, asker, expert1}})

	h.store = sqlitetest.MustOpen(t)
	h.store.Now = h.clock.Now
	h.db = h.store
	ix, err := index.Open(t.TempDir())
	if err != nil {
		t.Fatalf("open index: %v", err)
	}
	t.Cleanup(func() { ix.Close() })
	h.ix = ix
	h.engine = knowledge.NewEngine(h.store, ix)
	h.engine.Now = h.clock.Now
	h.seed()

	h.api = slack.New(fakeslack.BotToken, slack.OptionAPIURL(h.srv.URL()))
	h.cfg = config{AnswerTimeout: 4 * time.Hour, Workers: 2}
	if change != nil {
		change(&h.cfg)
	}
	h.wire()
	// As serve does when it starts: the private channels' members come
	// from Slack, not from what was imported.
	h.refresh()
	return h
}

// refresh runs the membership task once.
func (h *harness) refresh() {
	h.t.Helper()
	if err := h.desk.Refresh(context.Background(), false); err != nil {
		h.t.Fatalf("membership: %v", err)
	}
}

// wire builds the workspace, the desk, the outbox and the bot on the
// harness's store, index and fake Slack, as serve does (and a restarted
// server would), all on the harness's clock.
func (h *harness) wire() {
	h.t.Helper()
	h.metrics = bot.NewMetrics(prometheus.NewRegistry())
	api, err := bot.NewSlack(h.api, h.api.AuthTestContext, h.metrics, nil)
	if err != nil {
		h.t.Fatal(err)
	}
	h.slack = api
	ws, err := bot.NewWorkspace(api, h.store, fakeslack.BotUserID, h.clock.Now, nil, bot.WithTeam(fakeslack.TeamID, ""))
	if err != nil {
		h.t.Fatal(err)
	}
	h.desk, err = desk.New(desk.Config{
		AnswerTimeout:   h.cfg.AnswerTimeout,
		FallbackChannel: h.cfg.FallbackChannel,
		HelpChannels:    h.cfg.HelpChannels,
		Policy:          knowledge.RoutingPolicy{MaxOpen: h.cfg.MaxOpen},
		Now:             h.clock.Now,
		Index: func(ctx context.Context) error {
			_, err := knowledge.Sync(ctx, h.store, h.ix)
			return err
		},
		Counted: h.metrics.Count,
	}, h.store, h.engine, ws)
	if err != nil {
		h.t.Fatal(err)
	}
	h.outbox, err = bot.NewOutbox(bot.OutboxConfig{
		Lang: h.cfg.Lang, Workers: h.cfg.Workers, Now: h.clock.Now, Wake: h.desk.Notified(), Placed: h.desk.Sync, Hold: api.Refused, Terms: h.cfg.Terms,
	}, h.db, api, ws, h.metrics, nil)
	if err != nil {
		h.t.Fatal(err)
	}
	if h.bot, err = bot.New(h.desk, ws, h.metrics, nil); err != nil {
		h.t.Fatal(err)
	}
}

// tasks are the background tasks serve runs, by name.
func (h *harness) tasks() map[string]desk.Task {
	tasks := map[string]desk.Task{}
	for _, t := range append([]desk.Task{h.outbox.Task()}, h.desk.Tasks()...) {
		tasks[t.Name] = t
	}
	return tasks
}

// past is a question answered before, for the knowledge base.
type past struct {
	id, conv, asker, text string
	answers               []knowledge.Answer
	age                   time.Duration
}

// seed fills the knowledge base: a sure answer about VPN passwords, and
// three experts of Kubernetes rollbacks, bob knowing most, then carol,
// then dave.
func (h *harness) seed() {
	h.t.Helper()
	now := h.clock.Now()
	ans := func(id, who, text string, accepted bool, age time.Duration) knowledge.Answer {
		return knowledge.Answer{ID: id, Answerer: who, Text: text, Accepted: accepted, Time: now.Add(-age)}
	}
	pasts := []past{
		{"slack:C0GENERAL1:1700000001.000100", general, other, "How do I reset my VPN password?",
			[]knowledge.Answer{ans("slack:C0GENERAL1:1700000002.000100", expert1, "Go to vpn.example.com/reset and follow the steps.", true, 48*time.Hour)}, 50 * time.Hour},
		{"slack:C0GENERAL1:1700000003.000100", general, other, "kubernetes deployment rollback stuck on the old replica set",
			[]knowledge.Answer{
				ans("slack:C0GENERAL1:1700000004.000100", expert1, "Use kubectl rollout undo on the deployment.", true, 30*time.Hour),
				ans("slack:C0GENERAL1:1700000004.000200", expert2, "Check the replica set events first.", false, 30*time.Hour),
			}, 31 * time.Hour},
		{"slack:C0GENERAL1:1700000005.000100", general, french, "kubernetes rollback of a helm release fails",
			[]knowledge.Answer{
				ans("slack:C0GENERAL1:1700000006.000100", expert1, "helm rollback with the revision number.", true, 20*time.Hour),
				ans("slack:C0GENERAL1:1700000006.000200", expert2, "helm history lists the revisions.", false, 20*time.Hour),
				ans("slack:C0GENERAL1:1700000006.000300", expert3, "Or redeploy the previous chart.", false, 20*time.Hour),
			}, 21 * time.Hour},
		{"slack:C0GENERAL1:1700000007.000100", general, other, "deployment rollback in kubernetes staging cluster",
			[]knowledge.Answer{
				ans("slack:C0GENERAL1:1700000008.000100", expert1, "kubectl rollout undo deployment/name.", false, 10*time.Hour),
				ans("slack:C0GENERAL1:1700000008.000200", expert3, "staging has its own context.", false, 10*time.Hour),
				ans("slack:C0GENERAL1:1700000008.000300", expert2, "Pick the staging context before the rollout undo.", false, 10*time.Hour),
			}, 11 * time.Hour},
		// Private knowledge: only asker and expert1 may see it.
		{"slack:G0SECRET01:1700000009.000100", secret, expert1, "What is the budget code for project nightingale?",
			[]knowledge.Answer{ans("slack:G0SECRET01:1700000010.000100", asker, "The budget code for project nightingale is NG-4417.", true, 5*time.Hour)}, 6 * time.Hour},
	}
	b := knowledge.Batch{
		Conversations: []knowledge.Conversation{
			{ID: general, Name: "general", Kind: knowledge.KindPublic},
			{ID: secret, Name: "secret", Kind: knowledge.KindPrivate, Members: []string{asker, expert1}},
		},
	}
	for _, id := range []string{asker, expert1, expert2, expert3, french, other} {
		b.People = append(b.People, knowledge.Person{ID: id, Name: id})
	}
	for _, p := range pasts {
		thread := strings.TrimPrefix(p.id, "slack:"+p.conv+":")
		b.Questions = append(b.Questions, knowledge.Question{
			ID: p.id, Asker: p.asker, Conversation: p.conv, Thread: thread, Text: p.text, Time: now.Add(-p.age), Answers: p.answers,
		})
	}
	ctx := context.Background()
	if _, err := h.store.Import(ctx, b); err != nil {
		h.t.Fatalf("seed: %v", err)
	}
	if _, err := knowledge.Sync(ctx, h.store, h.ix); err != nil {
		h.t.Fatalf("seed index: %v", err)
	}
}

// handle feeds in to the bot and fails the test if it returns an error.
func (h *harness) handle(in bot.Inbound) {
	h.t.Helper()
	if err := handled(h.bot.Handle(context.Background(), in)); err != nil {
		h.t.Fatalf("Handle(%s): %v", in.Kind(), err)
	}
}

// handled is err as the dispatcher ends a handling that has no inbox
// before it: a delivery that names what an earlier one may bring
// (desk.ErrAfterEarlier) is done with, since the harness handles each
// delivery before the next.
func handled(err error) error {
	if errors.Is(err, desk.ErrAfterEarlier) {
		return nil
	}
	return err
}

// deliver sends every notice due, as the deliver task does, and waits for
// it: deterministic where a test does not need the task's retries.
func (h *harness) deliver() {
	h.t.Helper()
	if err := h.outbox.Deliver(context.Background(), false); err != nil {
		h.t.Fatalf("deliver: %v", err)
	}
}

// run runs the background tasks as serve does until the test ends or the
// returned stop is called; stop returns once they have, with the messages
// being sent recorded.
func (h *harness) run() (stop func()) {
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	tasks := append([]desk.Task{h.outbox.Task()}, h.desk.Tasks()...)
	go func() {
		defer close(done)
		desk.RunTasks(ctx, slog.New(slog.DiscardHandler), tasks...)
	}()
	stop = func() {
		cancel()
		<-done
	}
	h.t.Cleanup(stop)
	return stop
}

// command is a slash command as a transport hands it over, with its
// response_url.
func (h *harness) command(cmd fakeslack.SlashCommand) (bot.Inbound, string) {
	h.t.Helper()
	form := h.srv.SlashCommandForm(cmd)
	req := httptest.NewRequest("POST", "/slack/commands", strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	sc, err := slack.SlashCommandParse(req)
	if err != nil {
		h.t.Fatalf("parse slash command: %v", err)
	}
	return bot.Inbound{Key: sc.TriggerID, Command: &sc, Received: h.clock.Now()}, form.Get("response_url")
}

// ask is /ask text by user in channel.
func (h *harness) ask(user, channel, text string) (bot.Inbound, string) {
	return h.command(fakeslack.SlashCommand{Command: "/ask", Text: text, UserID: user, ChannelID: channel})
}

// eventFromEnvelope is the event the fake sent in envelope id.
func (h *harness) eventFromEnvelope(id string) bot.Inbound {
	h.t.Helper()
	env, ok := h.srv.Envelope(id)
	if !ok {
		h.t.Fatalf("no envelope %s", id)
	}
	return h.parseEvent(env.Payload)
}

// event wraps an inner event with a fresh event id.
func (h *harness) event(inner json.RawMessage) bot.Inbound {
	h.events++
	return h.parseEvent(fakeslack.EventCallback(fakeslack.TeamID, fmt.Sprintf("EvTEST%04d", h.events), inner))
}

func (h *harness) parseEvent(raw json.RawMessage) bot.Inbound {
	h.t.Helper()
	ev, err := slackevents.ParseEvent(raw, slackevents.OptionNoVerifyToken())
	if err != nil {
		h.t.Fatalf("parse event: %v", err)
	}
	var head struct {
		EventID string `json:"event_id"`
	}
	if err := json.Unmarshal(raw, &head); err != nil {
		h.t.Fatalf("parse event id: %v", err)
	}
	return bot.Inbound{Key: head.EventID, Event: &ev, Received: h.clock.Now()}
}

// posts is a user's message, delivered as the event Slack would send.
func (h *harness) posts(channel string, m fakeslack.Message) (fakeslack.Message, bot.Inbound) {
	h.t.Helper()
	stored, envs := h.srv.UserPosts(h.t, channel, m)
	if len(envs) == 0 {
		h.t.Fatalf("posting in %s sent no event", channel)
	}
	return stored, h.eventFromEnvelope(envs[len(envs)-1])
}

// click is a button click, as a transport hands it over.
func (h *harness) click(b fakeslack.BlockActions) bot.Inbound {
	h.t.Helper()
	var ic slack.InteractionCallback
	if err := json.Unmarshal(h.srv.BlockActionsPayload(b), &ic); err != nil {
		h.t.Fatalf("parse interaction: %v", err)
	}
	return bot.Inbound{Key: ic.TriggerID, Interaction: &ic, Received: h.clock.Now()}
}

// clickButton clicks the button actionID of message m (a call that posted
// it) as user.
func (h *harness) clickButton(user string, m posted, actionID string) bot.Inbound {
	h.t.Helper()
	value, ok := fakeslack.ButtonValue(m.Blocks, actionID)
	if !ok {
		h.t.Fatalf("message %s in %s has no %s button: %s", m.TS, m.Channel, actionID, m.Blocks)
	}
	return h.click(fakeslack.BlockActions{
		User: user, Channel: m.Channel, MessageTS: m.TS,
		Actions: []fakeslack.Action{{ActionID: actionID, BlockID: "x", Value: value}},
	})
}

// posted is a message the bot posted, as the fake stored it, with its
// blocks as readable JSON.
type posted struct {
	Channel, TS, Thread, Text, Blocks string
}

// botPosts returns what the bot posted in channel, in order; a DM to a
// person is found with their user id.
func (h *harness) botPosts(channel string) []posted {
	h.t.Helper()
	if strings.HasPrefix(channel, "U") {
		channel = h.dmWith(channel)
	}
	var out []posted
	for _, m := range h.srv.Messages(channel) {
		if m.User == fakeslack.BotUserID {
			out = append(out, posted{Channel: channel, TS: m.TS, Thread: m.ThreadTS, Text: m.Text, Blocks: fakeslack.Readable(m.Blocks)})
		}
	}
	return out
}

// dmWith is the id of the bot's DM with user. It asks the fake through
// conversations.open, which returns the DM already open.
func (h *harness) dmWith(user string) string {
	h.t.Helper()
	ch, _, _, err := h.api.OpenConversation(&slack.OpenConversationParameters{Users: []string{user}})
	if err != nil {
		h.t.Fatalf("find the DM with %s: %v", user, err)
	}
	return ch.ID
}

// texts returns the text of messages, for failure output.
func texts(ms []posted) []string {
	out := make([]string, len(ms))
	for i, m := range ms {
		out[i] = m.Text
	}
	return out
}

// pending is the number of undelivered messages.
func (h *harness) pending() int {
	h.t.Helper()
	n, err := h.store.PendingOutgoing(context.Background())
	if err != nil {
		h.t.Fatal(err)
	}
	return n
}

// read returns what fn reads from the store.
func read[T any](h *harness, fn func(desk.Reader) (T, error)) T {
	h.t.Helper()
	var v T
	err := h.store.View(context.Background(), func(r desk.Reader) (err error) {
		v, err = fn(r)
		return err
	})
	if err != nil {
		h.t.Fatal(err)
	}
	return v
}

// askOf returns the desk's record of a question.
func (h *harness) askOf(id string) knowledge.Ask {
	h.t.Helper()
	return read(h, func(r desk.Reader) (knowledge.Ask, error) { return r.Ask(context.Background(), id) })
}

// routes returns the experts a question went to and the outcomes.
func (h *harness) routes(questionID string) []string {
	h.t.Helper()
	rs := read(h, func(r desk.Reader) ([]knowledge.Route, error) { return r.Routes(context.Background(), questionID) })
	var out []string
	for _, r := range rs {
		out = append(out, r.Expert+":"+string(r.Outcome))
	}
	return out
}

// value reads a counter or gauge.
func value(c prometheus.Metric) float64 {
	var m dto.Metric
	if err := c.Write(&m); err != nil {
		return -1
	}
	switch {
	case m.Counter != nil:
		return m.Counter.GetValue()
	case m.Histogram != nil:
		return float64(m.Histogram.GetSampleCount())
	}
	return m.Gauge.GetValue()
}

// fakeSlackReply is a person's reply in a thread.
func fakeSlackReply(user, thread, text string) fakeslack.Message {
	return fakeslack.Message{User: user, Text: text, ThreadTS: thread}
}

// tsTime is the time of a Slack timestamp.
func tsTime(ts string) time.Time {
	sec, frac, _ := strings.Cut(ts, ".")
	s, _ := strconv.ParseInt(sec, 10, 64)
	us, _ := strconv.ParseInt((frac + "000000")[:6], 10, 64)
	return time.Unix(s, us*1000).UTC()
}
