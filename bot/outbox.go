package bot

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"math/rand/v2"
	"runtime/debug"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/slack-go/slack"

	"github.com/nextdesk/nextdesk/knowledge/sqlite"
)

// Methods of outgoing messages: the Slack Web API method each one calls,
// or a post to an interaction's response_url.
const (
	methodPost      = "chat.postMessage"
	methodEphemeral = "chat.postEphemeral"
	methodOpen      = "conversations.open"
	methodRespond   = "response_url"
)

// outgoing is the payload of an outbox message. A message that waits on
// another (sqlite.Outgoing.After) takes that one's channel when Channel is
// empty, its ts as the thread when InThread is set, and a link to it in
// place of threadLinkMark when Link is set.
type outgoing struct {
	Channel     string          `json:"channel,omitempty"`
	User        string          `json:"user,omitempty"`  // of an ephemeral message
	Users       []string        `json:"users,omitempty"` // of a group DM to open
	Thread      string          `json:"thread_ts,omitempty"`
	InThread    bool            `json:"in_thread,omitempty"`
	Text        string          `json:"text,omitempty"`
	Blocks      json.RawMessage `json:"blocks,omitempty"`
	ResponseURL string          `json:"response_url,omitempty"`
	Replace     bool            `json:"replace_original,omitempty"`
	Link        bool            `json:"link,omitempty"`
}

// enqueue writes one outgoing message in the handling transaction. Keys
// are the handling's own key plus a suffix ("Ev123/dm"), so a handling
// done twice could not send twice even if its key were not recorded.
func enqueue(ctx context.Context, tx *sqlite.BotTx, key, method string, m outgoing, after int64, place sqlite.Place) (int64, error) {
	payload, err := json.Marshal(m)
	if err != nil {
		return 0, fmt.Errorf("encode %s: %w", method, err)
	}
	return tx.Enqueue(ctx, sqlite.Outgoing{Key: key, Method: method, Payload: payload, After: after, Place: place})
}

// Delivery tuning.
const (
	deliverBatch = 64
	// callTimeout bounds one Slack call, so a hung connection cannot hold
	// a worker (the message is retried).
	callTimeout = 20 * time.Second
	// Transient failures are retried with exponential backoff from
	// backoffBase up to backoffCap, with jitter, at most maxAttempts
	// times in all (about a day): never forever.
	backoffBase = 2 * time.Second
	backoffCap  = 10 * time.Minute
	maxAttempts = 150
)

// deliver sends due messages until ctx ends: at once when a handling
// enqueues some, and every second for retries that come due.
func (b *Bot) deliver(ctx context.Context) {
	tick := time.NewTicker(time.Second)
	defer tick.Stop()
	for {
		if err := b.deliverDue(ctx, false); err != nil && ctx.Err() == nil {
			b.log.Error("outbox delivery failed; retrying", "err", err)
		}
		select {
		case <-ctx.Done():
			return
		case <-b.wake:
		case <-tick.C:
		}
	}
}

// deliverDue sends every message due now, Workers at a time, batch after
// batch until none is due (a delivered message may make its dependents
// due). Dry, it lists them instead. Once ctx ends it starts no new call and
// returns when the calls under way are done, so nothing is left half-sent.
func (b *Bot) deliverDue(ctx context.Context, dryRun bool) error {
	defer b.updatePending(context.WithoutCancel(ctx))
	// Each batch either sends or reschedules every message it holds, so
	// the loop ends; the bound guards against a store that cannot record
	// either.
	for range 1000 {
		if ctx.Err() != nil {
			return nil
		}
		due, err := b.store.DueOutgoing(ctx, time.Now(), deliverBatch)
		if err != nil {
			return fmt.Errorf("read outbox: %w", err)
		}
		if len(due) == 0 {
			return nil
		}
		if dryRun {
			for _, m := range due {
				b.log.Info("deliver (dry run): would send", "id", m.ID, "method", m.Method, "key", m.Key, "attempts", m.Attempts)
			}
			return nil
		}
		b.sendAll(ctx, due)
	}
	return errors.New("outbox: messages stay due after sending; is the store writable?")
}

// sendAll sends ms with at most Workers calls at once, in enqueue order
// per worker.
func (b *Bot) sendAll(ctx context.Context, ms []sqlite.Outgoing) {
	next := make(chan sqlite.Outgoing)
	var wg sync.WaitGroup
	for range min(b.cfg.Workers, len(ms)) {
		wg.Go(func() {
			for m := range next {
				b.sendSafely(context.WithoutCancel(ctx), m)
			}
		})
	}
	for _, m := range ms {
		if ctx.Err() != nil {
			break
		}
		next <- m
	}
	close(next)
	wg.Wait()
}

func (b *Bot) updatePending(ctx context.Context) {
	if n, err := b.store.PendingOutgoing(ctx); err == nil {
		b.metrics.OutboxPending.Set(float64(n))
	}
}

// sendSafely is send, with a panic logged instead of taking the process
// down: the message stays claimed, and is retried once its claim runs out.
func (b *Bot) sendSafely(ctx context.Context, m sqlite.Outgoing) {
	defer func() {
		if p := recover(); p != nil {
			b.metrics.SlackAPIErrors.WithLabelValues(m.Method).Inc()
			b.log.Error("outbox: sending a message panicked", "id", m.ID, "method", m.Method, "panic", fmt.Sprint(p), "stack", string(debug.Stack()))
		}
	}()
	b.send(ctx, m)
}

// send delivers one message and records the outcome: sent (with its
// result), retried later, or failed for good.
func (b *Bot) send(ctx context.Context, m sqlite.Outgoing) {
	// Look before posting: another deliverer may have sent it since it
	// was read, or be sending it now.
	now := time.Now()
	if claimed, err := b.store.Claim(ctx, m.ID, now, now.Add(2*callTimeout)); err != nil || !claimed {
		return
	}
	callCtx, cancel := context.WithTimeout(ctx, callTimeout)
	channel, ts, err := b.call(callCtx, m)
	cancel()
	if err == nil {
		changed, err := b.store.MarkSent(ctx, m.ID, channel, ts)
		if err != nil {
			// Slack has the message; if recording that fails the message
			// is sent again: at least once, never zero times.
			b.log.Error("outbox: a delivered message could not be recorded and may be sent again", "id", m.ID, "method", m.Method, "err", err)
			return
		}
		b.metrics.OutboxDelivered.Inc()
		if changed {
			b.syncIndex(ctx)
		}
		return
	}

	b.metrics.SlackAPIErrors.WithLabelValues(m.Method).Inc()
	wait, permanent := classify(err, m.Attempts)
	if permanent || m.Attempts+1 >= maxAttempts {
		deps, ferr := b.store.MarkFailed(ctx, m.ID, err.Error())
		if ferr != nil {
			b.log.Error("outbox: recording a failed message failed", "id", m.ID, "err", ferr)
			return
		}
		b.log.Error("outbox: message not delivered, giving up", "id", m.ID, "method", m.Method, "key", m.Key,
			"attempts", m.Attempts+1, "dependents_failed", deps, "err", err)
		return
	}
	if rerr := b.store.MarkRetry(ctx, m.ID, time.Now().Add(wait), err.Error()); rerr != nil {
		b.log.Error("outbox: recording a retry failed", "id", m.ID, "err", rerr)
		return
	}
	b.log.Warn("outbox: Slack call failed, will retry", "id", m.ID, "method", m.Method, "attempt", m.Attempts+1, "in", wait, "err", err)
}

// call makes the Slack call of m and returns its result: the channel and
// the ts of the message posted (or found posted by an earlier attempt),
// or the channel opened.
func (b *Bot) call(ctx context.Context, m sqlite.Outgoing) (channel, ts string, err error) {
	var p outgoing
	if err := json.Unmarshal(m.Payload, &p); err != nil {
		return "", "", permanentError{fmt.Errorf("decode payload: %w", err)}
	}
	if p.Channel == "" {
		p.Channel = m.AfterChannel
	}
	if p.InThread {
		p.Thread = m.AfterTS
	}
	// An earlier attempt may have reached Slack without its outcome being
	// recorded (the process died mid-call, or the answer was lost): look
	// before posting again. A first attempt has nothing to look for, so
	// the usual path makes no extra call. Ephemeral messages and
	// response_url posts cannot be read back; they stay at least once.
	if m.Method == methodPost && m.Attempts > 0 {
		channel, ts, err := b.posted(ctx, p.Channel, p.Thread, m)
		if err == nil && ts != "" {
			return channel, ts, nil
		}
		if err != nil {
			if _, permanent := classify(err, m.Attempts); !permanent {
				return "", "", err
			}
			// Slack will not let us look (missing scope, or a channel
			// the bot cannot read): posting maybe twice beats never.
			b.log.Warn("outbox: cannot look for an earlier attempt's message; posting again", "id", m.ID, "key", m.Key, "err", err)
		}
	}
	if p.Link {
		link := b.permalink(ctx, m.AfterChannel, m.AfterTS)
		p.Text = strings.ReplaceAll(p.Text, threadLinkMark, link)
		if enc, err := json.Marshal(link); err == nil {
			p.Blocks = json.RawMessage(strings.ReplaceAll(string(p.Blocks), threadLinkMark, strings.Trim(string(enc), `"`)))
		}
	}
	opts := []slack.MsgOption{slack.MsgOptionText(p.Text, false)}
	if len(p.Blocks) > 0 {
		blocks, err := decodeBlocks(p.Blocks)
		if err != nil {
			return "", "", permanentError{err}
		}
		opts = append(opts, slack.MsgOptionBlocks(blocks...))
	}
	if p.Thread != "" {
		opts = append(opts, slack.MsgOptionTS(p.Thread))
	}

	switch m.Method {
	case methodPost:
		return b.api.PostMessageContext(ctx, p.Channel, append(opts, slack.MsgOptionDisableLinkUnfurl(),
			slack.MsgOptionMetadata(slack.SlackMetadata{EventType: outboxEvent, EventPayload: map[string]any{"key": m.Key}}))...)
	case methodEphemeral:
		ts, err := b.api.PostEphemeralContext(ctx, p.Channel, p.User, opts...)
		return p.Channel, ts, err
	case methodOpen:
		ch, _, _, err := b.api.OpenConversationContext(ctx, &slack.OpenConversationParameters{Users: p.Users})
		if err != nil {
			return "", "", err
		}
		return ch.ID, "", nil
	case methodRespond:
		opts = append(opts, slack.MsgOptionResponseURL(p.ResponseURL, "ephemeral"))
		if p.Replace {
			opts = append(opts, slack.MsgOptionReplaceOriginal(p.ResponseURL))
		}
		_, _, err := b.api.PostMessageContext(ctx, "", opts...)
		return "", "", err
	}
	return "", "", permanentError{fmt.Errorf("unknown method %q", m.Method)}
}

// outboxEvent is the metadata event type of the messages the outbox
// posts; their payload holds the message's key, so a later attempt can
// find what an earlier one posted.
const outboxEvent = "nextdesk_outbox"

// Looking for an earlier attempt reads at most lookupPages pages of
// lookupLimit messages posted since the message was enqueued, newest
// first: in a channel busier than that over the retries (about a day),
// the message is posted again rather than searched for at length.
const (
	lookupLimit = 100
	lookupPages = 5
)

// posted returns where the bot's message with m's key is in channel (in
// thread when set), posted since m was enqueued, or "" for ts when Slack
// has none. A DM addressed to a user is looked for in the DM it went to.
func (b *Bot) posted(ctx context.Context, channel, thread string, m sqlite.Outgoing) (string, string, error) {
	if strings.HasPrefix(channel, "U") || strings.HasPrefix(channel, "W") {
		im, _, _, err := b.api.OpenConversationContext(ctx, &slack.OpenConversationParameters{Users: []string{channel}})
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
			msgs, _, cursor, err = b.api.GetConversationRepliesContext(ctx, &slack.GetConversationRepliesParameters{
				ChannelID: channel, Timestamp: thread, Oldest: oldest, Limit: lookupLimit, Cursor: cursor, IncludeAllMetadata: true})
		} else {
			var h *slack.GetConversationHistoryResponse
			h, err = b.api.GetConversationHistoryContext(ctx, &slack.GetConversationHistoryParameters{
				ChannelID: channel, Oldest: oldest, Limit: lookupLimit, Cursor: cursor, IncludeAllMetadata: true})
			if err == nil {
				msgs, cursor = h.Messages, h.ResponseMetaData.NextCursor
			}
		}
		if err != nil {
			return "", "", fmt.Errorf("look for message %s: %w", m.Key, err)
		}
		for _, msg := range msgs {
			if msg.User == b.cfg.BotUserID && msg.Metadata.EventType == outboxEvent && msg.Metadata.EventPayload["key"] == m.Key {
				return channel, msg.Timestamp, nil
			}
		}
		if cursor == "" {
			break
		}
	}
	return channel, "", nil
}

// permalink returns a link to a message: Slack's permalink, or an archive
// link built from its ids when Slack cannot give one now.
func (b *Bot) permalink(ctx context.Context, channel, ts string) string {
	if channel == "" || ts == "" {
		return ""
	}
	link, err := b.api.GetPermalinkContext(ctx, &slack.PermalinkParameters{Channel: channel, Ts: ts})
	if err == nil && link != "" {
		return link
	}
	b.log.Debug("no permalink; linking to the archive", "channel", channel, "err", err)
	return "https://slack.com/archives/" + channel + "/p" + strings.ReplaceAll(ts, ".", "")
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
// not_in_channel, invalid_blocks, …) and other client errors are final.
func classify(err error, attempts int) (wait time.Duration, permanent bool) {
	var (
		rate   *slack.RateLimitedError
		status slack.StatusCodeError
		perm   permanentError
	)
	switch {
	case errors.As(err, &perm):
		return 0, true
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
