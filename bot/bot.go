package bot

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"runtime/debug"
	"strings"
	"sync"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/slack-go/slack"

	"github.com/nextdesk/nextdesk/digest"
	"github.com/nextdesk/nextdesk/i18n"
	"github.com/nextdesk/nextdesk/knowledge"
	"github.com/nextdesk/nextdesk/knowledge/sqlite"
)

// Config is how the bot behaves. Zero fields take the defaults New
// documents.
type Config struct {
	Lang            string        // default reply language, "en" or "fr" (NEXTDESK_LANG)
	AnswerTimeout   time.Duration // NEXTDESK_ANSWER_TIMEOUT, default 4h
	FallbackChannel string        // NEXTDESK_FALLBACK_CHANNEL, channel id or name; "" = none
	HelpChannels    []string      // NEXTDESK_HELP_CHANNELS, ids or names
	MaxOpen         int           // cap of open questions per expert, default 3 (NEXTDESK_MAX_OPEN)
	BotUserID       string        // from auth.test, so the bot ignores itself and spots mentions
	Workers         int           // outbox delivery concurrency, default 4
}

// SlackAPI holds only the slack-go *slack.Client methods the bot calls (the
// *Context variants); *slack.Client satisfies it.
type SlackAPI interface {
	PostMessageContext(ctx context.Context, channelID string, options ...slack.MsgOption) (string, string, error)
	PostEphemeralContext(ctx context.Context, channelID, userID string, options ...slack.MsgOption) (string, error)
	GetPermalinkContext(ctx context.Context, params *slack.PermalinkParameters) (string, error)
	OpenConversationContext(ctx context.Context, params *slack.OpenConversationParameters) (*slack.Channel, bool, bool, error)
	GetConversationInfoContext(ctx context.Context, input *slack.GetConversationInfoInput) (*slack.Channel, error)
	GetUsersInConversationContext(ctx context.Context, params *slack.GetUsersInConversationParameters) ([]string, string, error)
	GetConversationRepliesContext(ctx context.Context, params *slack.GetConversationRepliesParameters) ([]slack.Message, bool, string, error)
	GetConversationHistoryContext(ctx context.Context, params *slack.GetConversationHistoryParameters) (*slack.GetConversationHistoryResponse, error)
	GetUserInfoContext(ctx context.Context, user string, options ...slack.GetUserInfoOption) (*slack.User, error)
	GetUserPresenceContext(ctx context.Context, user string) (*slack.UserPresence, error)
	GetDNDInfoContext(ctx context.Context, user *string, options ...slack.ParamOption) (*slack.DNDStatus, error)
}

var _ SlackAPI = (*slack.Client)(nil)

// Store is what the bot needs from knowledge/sqlite.DB; *sqlite.DB
// satisfies it.
type Store interface {
	digest.Subscriptions
	digest.HandOffSource

	Once(ctx context.Context, key string, fn func(*sqlite.BotTx) error) (sqlite.Handled, error)
	Handled(ctx context.Context, key string) (bool, error)

	Person(ctx context.Context, id string) (knowledge.Person, error)
	Conversation(ctx context.Context, id string) (knowledge.Conversation, error)
	Questions(ctx context.Context, v knowledge.Viewer, ids []string) ([]knowledge.Question, error)
	AnswererStats(ctx context.Context, ids []string) (map[string]knowledge.AnswererStats, error)
	AnsweredBy(ctx context.Context, v knowledge.Viewer, person string, limit int) ([]knowledge.Question, error)
	Fetched(ctx context.Context, what, id string) (time.Time, error)
	CachePerson(ctx context.Context, p knowledge.Person, at time.Time) error
	CacheConversation(ctx context.Context, c knowledge.Conversation, at time.Time) error

	Ask(ctx context.Context, questionID string) (knowledge.Ask, error)
	AskByThread(ctx context.Context, channel, thread string) (knowledge.Ask, error)
	PlacingThread(ctx context.Context, channel string) (bool, error)
	Routes(ctx context.Context, questionID string) ([]knowledge.Route, error)
	Route(ctx context.Context, id int64) (knowledge.Route, error)
	OpenRoutes(ctx context.Context, ids []string) (map[string]int, error)
	WaitingRoutes(ctx context.Context, expert string) ([]knowledge.Route, error)
	StaleRoutes(ctx context.Context, before time.Time, limit int) ([]knowledge.Route, error)
	Preferences(ctx context.Context, ids []string) (map[string]knowledge.Preferences, error)
	Prune(ctx context.Context, before time.Time) (int64, error)

	DueOutgoing(ctx context.Context, now time.Time, limit int) ([]sqlite.Outgoing, error)
	Claim(ctx context.Context, id int64, now, until time.Time) (bool, error)
	MarkSent(ctx context.Context, id int64, channel, ts string) (bool, error)
	MarkRetry(ctx context.Context, id int64, due time.Time, reason string) error
	MarkFailed(ctx context.Context, id int64, reason string) (int64, error)
	PendingOutgoing(ctx context.Context) (int, error)
}

var _ Store = (*sqlite.DB)(nil)

// Engine is *knowledge.Engine's Experts and Similar.
type Engine interface {
	Experts(ctx context.Context, q knowledge.Question, v knowledge.Viewer) ([]knowledge.Expert, error)
	Similar(ctx context.Context, q knowledge.Question, v knowledge.Viewer) ([]knowledge.Match, error)
}

var _ Engine = (*knowledge.Engine)(nil)

// Task is a named background job (gopherbot style): it runs every Every
// within Run, or alone from the command line; dry, it reports what it
// would do and changes nothing.
type Task struct {
	Name  string
	Every time.Duration
	Run   func(ctx context.Context, dryRun bool) error
}

// Bot answers Slack: it routes questions to the people who know, captures
// their answers and offers them again. It is safe for concurrent use.
type Bot struct {
	cfg     Config
	store   Store
	engine  Engine
	reindex func(context.Context) error
	api     SlackAPI
	metrics *Metrics
	log     *slog.Logger
	policy  knowledge.RoutingPolicy
	help    map[string]bool // help channels by id and by name

	// now is the clock of every decision; tests replace it before use.
	now func() time.Time
	// wake tells the delivery loop that messages were enqueued.
	wake chan struct{}
	// indexing serialises reindex calls: concurrent ones would redo the
	// same work.
	indexing sync.Mutex
}

// Defaults of Config.
const (
	defaultAnswerTimeout = 4 * time.Hour
	defaultWorkers       = 4
)

// New returns a bot on store, engine and api. reindex brings the search
// index up to date with the store; the bot calls it after every write that
// changes knowledge, so a captured answer is found at once. metrics and
// log may be nil.
//
// Zero Config fields take defaults: Lang "en", AnswerTimeout 4h, MaxOpen 3,
// Workers 4. New returns an error if store, engine, reindex or api is nil,
// if BotUserID is empty, or if Lang is neither "en" nor "fr" or a duration
// or count is negative.
func New(cfg Config, store Store, engine Engine, reindex func(context.Context) error, api SlackAPI, metrics *Metrics, log *slog.Logger) (*Bot, error) {
	switch {
	case store == nil || engine == nil || reindex == nil || api == nil:
		return nil, errors.New("bot: a store, an engine, a reindex function and a Slack client are required")
	case cfg.BotUserID == "":
		return nil, errors.New("bot: the bot's own user id is required (from auth.test)")
	case cfg.AnswerTimeout < 0 || cfg.MaxOpen < 0 || cfg.Workers < 0:
		return nil, fmt.Errorf("bot: answer timeout (%v), max open (%d) and workers (%d) must not be negative", cfg.AnswerTimeout, cfg.MaxOpen, cfg.Workers)
	}
	cfg.Lang = strings.ToLower(strings.TrimSpace(cfg.Lang))
	if cfg.Lang == "" {
		cfg.Lang = i18n.EN
	}
	if !i18n.Known(cfg.Lang) {
		return nil, fmt.Errorf("bot: language %q is not supported: use en or fr", cfg.Lang)
	}
	if cfg.AnswerTimeout == 0 {
		cfg.AnswerTimeout = defaultAnswerTimeout
	}
	if cfg.Workers == 0 {
		cfg.Workers = defaultWorkers
	}
	policy := knowledge.DefaultRoutingPolicy()
	if cfg.MaxOpen > 0 {
		policy.MaxOpen = cfg.MaxOpen
	}
	cfg.MaxOpen = policy.MaxOpen
	if metrics == nil {
		metrics = NewMetrics(prometheus.NewRegistry())
	}
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	help := make(map[string]bool, len(cfg.HelpChannels))
	for _, c := range cfg.HelpChannels {
		if c = strings.TrimPrefix(strings.TrimSpace(c), "#"); c != "" {
			help[c] = true
		}
	}
	return &Bot{
		cfg:     cfg,
		store:   store,
		engine:  engine,
		reindex: reindex,
		api:     api,
		metrics: metrics,
		log:     log,
		policy:  policy,
		help:    help,
		now:     time.Now,
		wake:    make(chan struct{}, 1),
	}, nil
}

// Handle does what in asks, at most once per in.Key: a key already handled
// is skipped, and everything a handling changes (state and outgoing
// messages) commits in one transaction with its key. Reads from Slack and
// the engine happen before that transaction; messages are sent afterwards
// by Run. A panic is recovered and returned as an error. Handle returns an
// error when the store, the engine or a Slack read fails: the delivery has
// then not been recorded and may be retried.
func (b *Bot) Handle(ctx context.Context, in Inbound) (err error) {
	kind := in.Kind()
	defer func() {
		if p := recover(); p != nil {
			b.metrics.InboundRejected.WithLabelValues("panic").Inc()
			b.log.Error("handler panicked", "kind", kind, "key", in.Key, "panic", fmt.Sprint(p), "stack", string(debug.Stack()))
			err = fmt.Errorf("bot: handle %s %s: panic: %v", kind, in.Key, p)
		}
	}()
	if in.Key == "" {
		b.metrics.InboundRejected.WithLabelValues("malformed").Inc()
		b.log.Debug("ignoring a delivery without a key", "kind", kind)
		return nil
	}
	seen, err := b.store.Handled(ctx, in.Key)
	if err != nil {
		return fmt.Errorf("bot: handle %s %s: %w", kind, in.Key, err)
	}
	if seen {
		b.metrics.InboundRejected.WithLabelValues("duplicate").Inc()
		b.log.Debug("ignoring a delivery already handled", "kind", kind, "key", in.Key, "retry", in.Retry)
		return nil
	}
	switch {
	case in.Command != nil:
		err = b.command(ctx, in)
	case in.Interaction != nil:
		err = b.interaction(ctx, in)
	case in.Event != nil:
		err = b.event(ctx, in)
	default:
		b.log.Debug("ignoring an empty delivery", "key", in.Key)
	}
	if err != nil {
		return fmt.Errorf("bot: handle %s %s: %w", kind, in.Key, err)
	}
	return nil
}

// tally counts what one handling did, for the metrics; it is applied only
// once the handling has committed.
type tally struct {
	questions, instant, routes, captured, escalations int
}

// commit runs fn in the handling transaction of key, then wakes the
// delivery loop, brings the index up to date if knowledge changed, and
// counts what was done. A key handled meanwhile (a concurrent redelivery)
// does nothing.
func (b *Bot) commit(ctx context.Context, key string, fn func(*sqlite.BotTx, *tally) error) error {
	var t tally
	h, err := b.store.Once(ctx, key, func(tx *sqlite.BotTx) error {
		t = tally{}
		return fn(tx, &t)
	})
	if err != nil {
		return err
	}
	if h.Duplicate {
		b.metrics.InboundRejected.WithLabelValues("duplicate").Inc()
		return nil
	}
	if h.Enqueued > 0 {
		b.metrics.OutboxPending.Add(float64(h.Enqueued))
		b.poke()
	}
	b.metrics.Questions.Add(float64(t.questions))
	b.metrics.InstantAnswers.Add(float64(t.instant))
	b.metrics.Routes.Add(float64(t.routes))
	b.metrics.AnswersCaptured.Add(float64(t.captured))
	b.metrics.Escalations.Add(float64(t.escalations))
	if h.KnowledgeChanged {
		b.syncIndex(ctx)
	}
	return nil
}

// syncIndex brings the index up to date. A failure is logged, not
// returned: the store has the change, and the next sync (or the next
// start) indexes it.
func (b *Bot) syncIndex(ctx context.Context) {
	b.indexing.Lock()
	defer b.indexing.Unlock()
	if err := b.reindex(ctx); err != nil {
		b.log.Error("index lags the store; it catches up at the next change or start", "err", err)
	}
}

// poke wakes the delivery loop without waiting.
func (b *Bot) poke() {
	select {
	case b.wake <- struct{}{}:
	default:
	}
}

// Run runs the background tasks (outbox delivery with retries, escalation
// of unanswered routes, pruning of old state) until ctx ends, then returns
// once the messages being sent are sent or left pending for the next
// start. It returns nil when ctx ends.
func (b *Bot) Run(ctx context.Context) error {
	var wg sync.WaitGroup
	wg.Go(func() { b.deliver(ctx) })
	for _, t := range b.Tasks() {
		if t.Name == taskDeliver {
			continue
		}
		wg.Go(func() { b.every(ctx, t) })
	}
	wg.Wait()
	return nil
}

// every runs t at its interval until ctx ends. An error is logged and does
// not stop the task or the others.
func (b *Bot) every(ctx context.Context, t Task) {
	tick := time.NewTicker(t.Every)
	defer tick.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-tick.C:
		}
		if err := t.Run(ctx, false); err != nil && ctx.Err() == nil {
			b.log.Error("background task failed", "task", t.Name, "err", err)
		}
	}
}

// Task names.
const (
	taskDeliver  = "deliver"
	taskEscalate = "escalate"
	taskPrune    = "prune"
)

// How long handled keys and delivered messages are kept: Slack retries a
// delivery for a few hours at most.
const keepState = 7 * 24 * time.Hour

// Tasks lists the background tasks, each runnable alone and dry:
// "deliver" sends the messages due in the outbox once, "escalate" passes
// questions nobody answered in time to the next expert, and "prune"
// forgets handled keys and delivered messages older than a week.
func (b *Bot) Tasks() []Task {
	return []Task{
		{Name: taskDeliver, Every: time.Second, Run: b.deliverDue},
		{Name: taskEscalate, Every: escalateEvery(b.cfg.AnswerTimeout), Run: b.escalate},
		{Name: taskPrune, Every: 6 * time.Hour, Run: b.prune},
	}
}

func (b *Bot) prune(ctx context.Context, dryRun bool) error {
	before := b.now().Add(-keepState)
	if dryRun {
		b.log.Info("prune (dry run): would forget handled keys and delivered messages", "before", before)
		return nil
	}
	n, err := b.store.Prune(ctx, before)
	if err != nil {
		return fmt.Errorf("prune: %w", err)
	}
	b.log.Info("pruned old bot state", "rows", n, "before", before)
	return nil
}
