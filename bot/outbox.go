package bot

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"math/rand/v2"
	"runtime/debug"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/slack-go/slack"

	"github.com/nextdesk/nextdesk/blockkit"
	"github.com/nextdesk/nextdesk/digest"
	"github.com/nextdesk/nextdesk/i18n"
	"github.com/nextdesk/nextdesk/internal/logctx"
	"github.com/nextdesk/nextdesk/knowledge"
	"github.com/nextdesk/nextdesk/knowledge/desk"
)

// Notices is the store's outbox of notices, with what rendering them
// reads; *sqlite.DB implements it.
type Notices interface {
	// DueOutgoing returns up to limit notices due at now whose dependency,
	// if any, is delivered, oldest first.
	DueOutgoing(ctx context.Context, now time.Time, limit int) ([]desk.Outgoing, error)
	// Claim takes notice id for sending until until, counting an attempt,
	// if it is pending and due at now.
	Claim(ctx context.Context, id int64, now, until time.Time) (bool, error)
	// MarkSent records a delivery's result and applies the notice's Place;
	// it reports whether a question changed.
	MarkSent(ctx context.Context, id int64, channel, ts string) (bool, error)
	// MarkRetry records why an attempt failed and when to try again.
	MarkRetry(ctx context.Context, id int64, due time.Time, reason string) error
	// MarkFailed records that a notice can never be delivered, nor those
	// that wait on it, and returns how many of those failed with it.
	MarkFailed(ctx context.Context, id int64, reason string) (int64, error)
	// PendingOutgoing counts the notices to deliver.
	PendingOutgoing(ctx context.Context) (int, error)
	// Outgoing returns the notice recorded with key.
	Outgoing(ctx context.Context, key string) (desk.Outgoing, error)

	digest.Source
	digest.HandOffSource
}

// OutboxConfig is how an Outbox delivers. Zero fields take the defaults
// NewOutbox documents.
type OutboxConfig struct {
	// Lang is the language of messages to a channel, and to people whose
	// Slack locale nextdesk does not write in: "en" or "fr" (NEXTDESK_LANG).
	Lang string
	// Workers is how many Slack calls go out at once (default 4).
	Workers int
	// Now is the clock due times are read and set by (default time.Now):
	// the desk's.
	Now func() time.Time
	// Wake, when not nil, says notices were recorded: the deliver task
	// runs at once.
	Wake <-chan struct{}
	// Placed is called after a delivery moved a question (into the thread
	// or the group DM it started), so the search index catches up; nil for
	// none.
	Placed func(context.Context)
	// Hold, when not nil, is asked before each round: while it returns an
	// error (Slack refuses the bot token), nothing is sent and every
	// notice stays in the outbox.
	Hold func() error
	// Terms analyses text as the search index does (index.Index.Terms),
	// for the weekly digest to name the team closest to each topic nobody
	// covers; nil for the digest's own, cruder, words.
	Terms func(string) []string
	// AnonymousOff is set when anonymous questions are turned off
	// (NEXTDESK_ANONYMOUS=off): the help and the usage do not offer them.
	AnonymousOff bool
}

// Outbox delivers the desk's notices to Slack: it renders each in its
// reader's language, sends it with retries, and records the result. It is
// safe for concurrent use, and several processes may deliver from one
// store: each notice is claimed before it is sent.
type Outbox struct {
	cfg     OutboxConfig
	store   Notices
	api     SlackAPI
	ws      *Workspace
	metrics *Metrics
	log     *slog.Logger
}

// Default of OutboxConfig.Workers.
const defaultWorkers = 4

// NewOutbox returns an Outbox on store, api and ws. metrics and log may be
// nil. It returns an error if store, api or ws is nil, if Lang is neither
// "en" nor "fr", or if Workers is negative.
func NewOutbox(cfg OutboxConfig, store Notices, api SlackAPI, ws *Workspace, metrics *Metrics, log *slog.Logger) (*Outbox, error) {
	switch {
	case store == nil || api == nil || ws == nil:
		return nil, errors.New("bot: an outbox needs a store, a Slack client and a workspace")
	case cfg.Workers < 0:
		return nil, fmt.Errorf("bot: workers (%d) must not be negative", cfg.Workers)
	}
	cfg.Lang = strings.ToLower(strings.TrimSpace(cfg.Lang))
	if cfg.Lang == "" {
		cfg.Lang = i18n.EN
	}
	if !i18n.Known(cfg.Lang) {
		return nil, fmt.Errorf("bot: language %q is not supported: use en or fr", cfg.Lang)
	}
	if cfg.Workers == 0 {
		cfg.Workers = defaultWorkers
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	if metrics == nil {
		metrics = NewMetrics(prometheus.NewRegistry())
	}
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	return &Outbox{cfg: cfg, store: store, api: api, ws: ws, metrics: metrics, log: log}, nil
}

// TaskDeliver names the delivery task.
const TaskDeliver = "deliver"

// Task is the delivery as a background task: every second, and at once when
// notices are recorded; alone, it sends what is due once; dry, it lists it.
func (o *Outbox) Task() desk.Task {
	return desk.Task{Name: TaskDeliver, Every: time.Second, Wake: o.cfg.Wake, Run: o.Deliver}
}

// Delivery tuning.
const (
	deliverBatch = 64
	// callTimeout bounds one Slack call, so a hung connection cannot hold
	// a worker (the notice is retried).
	callTimeout = 20 * time.Second
	// Transient failures are retried with exponential backoff from
	// backoffBase up to backoffCap, with jitter, at most maxAttempts
	// times in all (about a day): never forever.
	backoffBase = 2 * time.Second
	backoffCap  = 10 * time.Minute
	maxAttempts = 150
)

// Deliver sends every notice due now, Workers at a time, batch after batch
// until none is due (a delivered notice may make its dependents due). Dry,
// it lists them instead. Once ctx ends it starts no new call and returns
// when the calls under way are done, so nothing is left half-sent.
func (o *Outbox) Deliver(ctx context.Context, dryRun bool) error {
	defer o.updatePending(context.WithoutCancel(ctx))
	if o.cfg.Hold != nil && !dryRun {
		if err := o.cfg.Hold(); err != nil {
			o.log.Debug("outbox: delivery held", "why", err)
			return nil
		}
	}
	// Each batch either sends or reschedules every notice it holds, so the
	// loop ends; the bound guards against a store that cannot record
	// either.
	for range 1000 {
		if ctx.Err() != nil {
			return nil
		}
		due, err := o.store.DueOutgoing(ctx, o.cfg.Now(), deliverBatch)
		if err != nil {
			return fmt.Errorf("read outbox: %w", err)
		}
		if len(due) == 0 {
			return nil
		}
		if dryRun {
			for _, m := range due {
				o.log.Info("deliver (dry run): would send", "id", m.ID, "kind", noticeKind(m), "key", m.Key, "attempts", m.Attempts)
			}
			return nil
		}
		// A store that refuses every claim (a full disk, a read-only
		// mount) would list the same notices again at once: the round
		// ends, and the next tries again.
		if err := o.sendAll(ctx, due); err != nil {
			return err
		}
	}
	return errors.New("outbox: notices stay due after sending; is the store writable?")
}

// Send delivers the notice recorded with key now, if it is pending and
// due, and returns where it stands afterwards, with the Slack call's error
// when this attempt failed (the notice is then retried later, or failed
// for good): for a command that records one notice and wants it out
// (nextdesk digest --post).
func (o *Outbox) Send(ctx context.Context, key string) (desk.Outgoing, error) {
	m, err := o.store.Outgoing(ctx, key)
	if err != nil {
		return desk.Outgoing{}, err
	}
	var sendErr error
	if m.State == desk.OutboxPending {
		sendErr = o.send(ctx, ctx.Done(), m)
		o.updatePending(ctx)
	}
	m, err = o.store.Outgoing(ctx, key)
	if err != nil {
		return m, err
	}
	return m, sendErr
}

// errUnclaimed says the store refused to claim a notice for sending.
var errUnclaimed = errors.New("outbox: the store would not claim a notice")

// sendAll sends ms with at most Workers calls at once. It returns the
// store's refusal when it would claim none of them.
func (o *Outbox) sendAll(ctx context.Context, ms []desk.Outgoing) error {
	next := make(chan desk.Outgoing)
	var (
		wg               sync.WaitGroup
		mu               sync.Mutex
		offered, refused int
		refusal          error
	)
	for range min(o.cfg.Workers, len(ms)) {
		wg.Go(func() {
			for m := range next {
				// Each failure is recorded and logged where it happens.
				if err := o.send(context.WithoutCancel(ctx), ctx.Done(), m); errors.Is(err, errUnclaimed) {
					mu.Lock()
					refused, refusal = refused+1, err
					mu.Unlock()
				}
			}
		})
	}
	for _, m := range ms {
		if ctx.Err() != nil {
			break
		}
		next <- m
		offered++
	}
	close(next)
	wg.Wait()
	if offered > 0 && refused == offered {
		return refusal
	}
	return nil
}

func (o *Outbox) updatePending(ctx context.Context) {
	if n, err := o.store.PendingOutgoing(ctx); err == nil {
		o.metrics.OutboxPending.Set(float64(n))
	}
}

// send delivers one notice and records the outcome: sent (with its result),
// retried later, or failed for good. It returns the failed call's error,
// once that is recorded, or the store's refusal to claim m
// (errUnclaimed). Once stop closes it no longer waits for a
// refusing store.
func (o *Outbox) send(ctx context.Context, stop <-chan struct{}, m desk.Outgoing) error {
	ctx = noticeContext(ctx, m)
	// Look before posting: another deliverer may have sent it since it
	// was read, or be sending it now.
	now := o.cfg.Now()
	claimEnd := now.Add(2 * callTimeout)
	claimed, err := o.store.Claim(ctx, m.ID, now, claimEnd)
	if err != nil {
		return fmt.Errorf("%w: %w", errUnclaimed, err)
	}
	if !claimed {
		return nil
	}
	callCtx, cancel := context.WithTimeout(ctx, callTimeout)
	method, channel, ts, err := o.deliver(callCtx, m)
	cancel()
	if err == nil {
		changed, err := o.markSent(ctx, stop, m, channel, ts, claimEnd)
		if err != nil {
			// Slack has the message; if recording that fails it is sent
			// again: at least once, never zero times.
			o.log.ErrorContext(ctx, "outbox: a delivered notice could not be recorded and may be sent again", "id", m.ID, "key", m.Key, "err", err)
			return nil
		}
		o.metrics.OutboxDelivered.Inc()
		if changed && o.cfg.Placed != nil {
			o.cfg.Placed(ctx)
		}
		return nil
	}

	wait, permanent := classify(err, m.Attempts)
	if permanent || m.Attempts+1 >= maxAttempts {
		deps, ferr := o.store.MarkFailed(ctx, m.ID, err.Error())
		if ferr != nil {
			o.log.ErrorContext(ctx, "outbox: recording a failed notice failed", "id", m.ID, "err", ferr)
			return err
		}
		o.metrics.OutboxFailed.Add(float64(1 + deps))
		o.log.ErrorContext(ctx, "outbox: notice not delivered, giving up", "id", m.ID, "kind", noticeKind(m), "key", m.Key,
			"attempts", m.Attempts+1, "dependents_failed", deps, "err", err)
		return err
	}
	if rerr := o.store.MarkRetry(ctx, m.ID, o.cfg.Now().Add(wait), err.Error()); rerr != nil {
		o.log.ErrorContext(ctx, "outbox: recording a retry failed", "id", m.ID, "err", rerr)
		return err
	}
	o.log.WarnContext(ctx, "outbox: Slack call failed, will retry", "id", m.ID, "method", method, "attempt", m.Attempts+1, "in", wait, "err", err)
	return err
}

// markSent records that m went out as channel and ts, trying again while
// the store refuses (a full disk, a read-only mount) until the claim
// ends at claimEnd or stop closes: the notices that wait on m, and the
// question it places, move on as soon as the store takes writes, and
// nothing looks for m in Slack again. Past the claim another deliverer
// may take m; it then finds the message before posting.
func (o *Outbox) markSent(ctx context.Context, stop <-chan struct{}, m desk.Outgoing, channel, ts string, claimEnd time.Time) (changed bool, err error) {
	err = untilStored(stop, claimEnd.Sub(o.cfg.Now()), func() (err error) {
		changed, err = o.store.MarkSent(ctx, m.ID, channel, ts)
		return err
	}, func(err error) {
		o.log.WarnContext(ctx, "outbox: recording a delivered notice failed; trying again until the store takes writes", "id", m.ID, "key", m.Key, "err", err)
	})
	return changed, err
}

// noticeContext is ctx about what m is about, for its log lines: its
// question, and the route an expert's card is about.
func noticeContext(ctx context.Context, m desk.Outgoing) context.Context {
	ctx = logctx.Question(ctx, m.Place.QuestionID)
	if b, ok := m.Body.(desk.ExpertAsked); ok {
		ctx = logctx.Route(ctx, b.Route)
	}
	return ctx
}

// noticeKind names what m says, for logs.
func noticeKind(m desk.Outgoing) desk.Kind {
	if m.Body == nil {
		return "unreadable"
	}
	return m.Body.Kind()
}

// deliver renders m and makes its Slack call. It returns the method called
// and the result: the channel and the ts of the message posted (or found
// posted by an earlier attempt), or the channel opened.
func (o *Outbox) deliver(ctx context.Context, m desk.Outgoing) (method, channel, ts string, err error) {
	// A notice whose rendering or call panics fails for good, recorded as
	// any failure is: retried, it would panic again at every round.
	defer func() {
		if p := recover(); p != nil {
			o.log.ErrorContext(ctx, "outbox: delivering a notice panicked", "id", m.ID, "key", m.Key, "panic", fmt.Sprint(p), "stack", string(debug.Stack()))
			method, err = "panic", permanentError{fmt.Errorf("delivering %s panicked: %v", m.Key, p)}
		}
	}()
	c, err := o.render(ctx, m)
	if err != nil {
		return "render", "", "", err
	}
	if c.none {
		return "", "", "", nil
	}
	// An earlier attempt may have reached Slack without its outcome being
	// recorded (the process died mid-call, or the answer was lost): look
	// before posting again. A first attempt has nothing to look for, so
	// the usual path makes no extra call. Ephemeral messages and
	// response_url posts cannot be read back; they stay at least once.
	if c.method == methodPost && m.Attempts > 0 {
		channel, ts, err := o.posted(ctx, c.channel, c.thread, m)
		if err == nil && ts != "" {
			return c.method, channel, ts, nil
		}
		if err != nil {
			if _, permanent := classify(err, m.Attempts); !permanent {
				return c.method, "", "", err
			}
			// Slack will not let us look (missing scope, or a channel the
			// bot cannot read): posting maybe twice beats never.
			o.log.WarnContext(ctx, "outbox: cannot look for an earlier attempt's message; posting again", "id", m.ID, "key", m.Key, "err", err)
		}
	}
	channel, ts, err = o.call(ctx, m, c)
	if err != nil && c.method == methodRespond && m.Reader != "" {
		if _, permanent := classify(err, m.Attempts); permanent {
			// The response_url expired or was used up (a handling or a
			// delivery delayed past its 30 minutes): the person is told
			// in a direct message instead.
			o.log.InfoContext(ctx, "outbox: the reply address no longer works; replying in a direct message", "id", m.ID, "key", m.Key, "err", err)
			c = directly(c, m.Reader)
			channel, ts, err = o.call(ctx, m, c)
		}
	}
	return c.method, channel, ts, err
}

// directly is c, a reply to a response_url, sent to person in a direct
// message instead, as a message of its own: a card that was to replace the
// one clicked says only its text.
func directly(c call, person string) call {
	d := call{method: methodPost, channel: person, text: c.text}
	if !c.replace {
		d.blocks = c.blocks
	}
	return d
}

// call makes the Slack call c that delivers m.
func (o *Outbox) call(ctx context.Context, m desk.Outgoing, c call) (channel, ts string, err error) {
	opts := []slack.MsgOption{slack.MsgOptionText(c.text, false)}
	if len(c.blocks) > 0 {
		opts = append(opts, slack.MsgOptionBlocks(capped(c.blocks)...))
	}
	if c.thread != "" {
		opts = append(opts, slack.MsgOptionTS(c.thread))
	}
	switch c.method {
	case methodPost:
		return o.api.PostMessageContext(ctx, c.channel, append(opts, slack.MsgOptionDisableLinkUnfurl(),
			slack.MsgOptionMetadata(slack.SlackMetadata{EventType: outboxEvent, EventPayload: map[string]any{"key": m.Key}}))...)
	case methodEphemeral:
		ts, err := o.api.PostEphemeralContext(ctx, c.channel, c.user, opts...)
		return c.channel, ts, err
	case methodUpdate:
		channel, ts, _, err := o.api.UpdateMessageContext(ctx, c.channel, c.ts, opts...)
		return channel, ts, err
	case methodOpen:
		ch, _, _, err := o.api.OpenConversationContext(ctx, &slack.OpenConversationParameters{Users: c.users})
		if err != nil {
			return "", "", err
		}
		return ch.ID, "", nil
	case methodRespond:
		opts = append(opts, slack.MsgOptionResponseURL(c.responseURL, "ephemeral"))
		if c.replace {
			opts = append(opts, slack.MsgOptionReplaceOriginal(c.responseURL))
		}
		_, _, err := o.api.PostMessageContext(ctx, "", opts...)
		return "", "", err
	}
	return "", "", permanentError{fmt.Errorf("unknown method %q", c.method)}
}

// capped is blocks without those past Slack's limit, which would have the
// whole message refused.
func capped(blocks []slack.Block) []slack.Block {
	return blocks[:min(len(blocks), blockkit.MaxBlocks)]
}

// outboxEvent is the metadata event type of the messages the outbox posts;
// their payload holds the notice's key, so a later attempt can find what an
// earlier one posted.
const outboxEvent = "nextdesk_outbox"

// Looking for an earlier attempt reads at most lookupPages pages of
// lookupLimit messages posted since the notice was recorded, newest first:
// in a channel busier than that over the retries (about a day), the
// message is posted again rather than searched for at length.
const (
	lookupLimit = 100
	lookupPages = 5
)

// posted returns where the bot's message with m's key is in channel (in
// thread when set), posted since m was recorded, or "" for ts when Slack
// has none. A DM addressed to a user is looked for in the DM it went to.
func (o *Outbox) posted(ctx context.Context, channel, thread string, m desk.Outgoing) (string, string, error) {
	if strings.HasPrefix(channel, "U") || strings.HasPrefix(channel, "W") {
		im, _, _, err := o.api.OpenConversationContext(ctx, &slack.OpenConversationParameters{Users: []string{channel}})
		if err != nil {
			return "", "", err
		}
		channel = im.ID
	}
	// A minute of margin, should Slack's clock be behind ours.
	since := m.CreatedAt.Add(-time.Minute)
	oldest := fmt.Sprintf("%d.%06d", since.Unix(), since.Nanosecond()/1000)
	cursor := ""
	for range lookupPages {
		var (
			msgs []slack.Message
			err  error
		)
		if thread != "" {
			msgs, _, cursor, err = o.api.GetConversationRepliesContext(ctx, &slack.GetConversationRepliesParameters{
				ChannelID: channel, Timestamp: thread, Oldest: oldest, Limit: lookupLimit, Cursor: cursor, IncludeAllMetadata: true})
		} else {
			var h *slack.GetConversationHistoryResponse
			h, err = o.api.GetConversationHistoryContext(ctx, &slack.GetConversationHistoryParameters{
				ChannelID: channel, Oldest: oldest, Limit: lookupLimit, Cursor: cursor, IncludeAllMetadata: true})
			if err == nil {
				msgs, cursor = h.Messages, h.ResponseMetaData.NextCursor
			}
		}
		if err != nil {
			return "", "", fmt.Errorf("look for message %s: %w", m.Key, err)
		}
		for _, msg := range msgs {
			if msg.User == o.ws.botUser && msg.Metadata.EventType == outboxEvent && msg.Metadata.EventPayload["key"] == m.Key {
				return channel, msg.Timestamp, nil
			}
		}
		if cursor == "" {
			break
		}
	}
	return channel, "", nil
}

// permanentError is a failure that retrying cannot fix.
type permanentError struct{ error }

// Unwrap returns the failure, so its Slack error code stays readable.
func (e permanentError) Unwrap() error { return e.error }

// transientCodes are Slack error codes that say "try again later".
var transientCodes = map[string]bool{
	"ratelimited": true, "internal_error": true, "fatal_error": true,
	"service_unavailable": true, "request_timeout": true,
}

// classify says how to handle a failed call: wait before the next try, or
// give up. Rate limits wait as long as Slack asks; server errors and
// network failures back off; Slack's refusals (channel_not_found,
// not_in_channel, invalid_blocks, …) and other client errors are final, and
// so is a notice that cannot be rendered for a reason of its own (a domain
// error).
func classify(err error, attempts int) (wait time.Duration, permanent bool) {
	var (
		rate   *slack.RateLimitedError
		status slack.StatusCodeError
		perm   permanentError
	)
	switch {
	case errors.As(err, &perm):
		return 0, true
	case errors.Is(err, ErrTokenRefused) || tokenCodes[slackCode(err)]:
		// Not this notice's fault: it waits for a valid token.
		return backoff(attempts), false
	case errors.As(err, &rate):
		return max(rate.RetryAfter, time.Second), false
	case errors.As(err, &status):
		if status.Code < 500 && status.Code != 408 {
			return 0, true
		}
	case slackCode(err) != "":
		if !transientCodes[slackCode(err)] {
			return 0, true
		}
	case knowledge.ErrorCode(err) != knowledge.EINTERNAL:
		return 0, true
	}
	return backoff(attempts), false
}

// backoff is the wait before retry number attempts+1: exponential, capped,
// with full jitter in its upper half so retries after an outage spread out.
func backoff(attempts int) time.Duration {
	d := backoffCap
	if attempts < 20 {
		d = min(backoffBase<<attempts, backoffCap)
	}
	return d/2 + rand.N(d/2+1)
}

// slackCode returns the Slack error code of err ("channel_not_found"), or
// "" when err is not an ok:false answer.
func slackCode(err error) string {
	var se slack.SlackErrorResponse
	if errors.As(err, &se) {
		return se.Err
	}
	return ""
}

// routeValue parses a button value holding a route id.
func routeValue(v string) (int64, bool) {
	id, err := strconv.ParseInt(v, 10, 64)
	return id, err == nil && id > 0
}
