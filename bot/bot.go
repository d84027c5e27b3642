package bot

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/slack-go/slack"
	"github.com/slack-go/slack/slackevents"

	"github.com/nextdesk/nextdesk/internal/logctx"
	"github.com/nextdesk/nextdesk/knowledge"
	"github.com/nextdesk/nextdesk/knowledge/desk"
)

// SlackAPI holds only the slack-go *slack.Client methods the bot calls (the
// *Context variants); *slack.Client satisfies it.
type SlackAPI interface {
	PostMessageContext(ctx context.Context, channelID string, options ...slack.MsgOption) (string, string, error)
	PostEphemeralContext(ctx context.Context, channelID, userID string, options ...slack.MsgOption) (string, error)
	UpdateMessageContext(ctx context.Context, channelID, timestamp string, options ...slack.MsgOption) (string, string, string, error)
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

// Bot turns what Slack sends into the desk's calls: it reads the event,
// command or click, looks up in Slack what the desk needs to know, and asks
// the desk to act. What the desk decides to say goes out through the
// Outbox. It is safe for concurrent use.
type Bot struct {
	desk    *desk.Desk
	ws      *Workspace
	metrics *Metrics
	log     *slog.Logger
}

// New returns a bot that hands what Slack sends to d, reading Slack through
// ws. metrics and log may be nil. It returns an error if d or ws is nil.
func New(d *desk.Desk, ws *Workspace, metrics *Metrics, log *slog.Logger) (*Bot, error) {
	if d == nil || ws == nil {
		return nil, errors.New("bot: a desk and a workspace are required")
	}
	if metrics == nil {
		metrics = NewMetrics(prometheus.NewRegistry())
	}
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	return &Bot{desk: d, ws: ws, metrics: metrics, log: log}, nil
}

// Handle does what in asks, at most once per in.Key: a key already handled
// is skipped, and everything a handling changes (state and notices) commits
// in one transaction with its key. Reads from Slack and the engine happen
// before that transaction; notices are delivered afterwards by the Outbox.
// A request the desk refuses is answered (see settle) and counts as
// handled. Handle returns an error when the store, the engine or a Slack
// read fails: the delivery has then not been recorded and may be retried.
func (b *Bot) Handle(ctx context.Context, in Inbound) error {
	ctx = logctx.Event(ctx, in.Key)
	kind := in.Kind()
	if in.Key == "" {
		b.metrics.InboundRejected.WithLabelValues("malformed").Inc()
		b.log.DebugContext(ctx, "ignoring a delivery without a key", "kind", kind)
		return nil
	}
	seen, err := b.desk.Handled(ctx, in.Key)
	if err != nil {
		return fmt.Errorf("bot: handle %s %s: %w", kind, in.Key, err)
	}
	if seen {
		b.metrics.InboundRejected.WithLabelValues("duplicate").Inc()
		b.log.DebugContext(ctx, "ignoring a delivery already handled", "kind", kind, "retry", in.Retry)
		return nil
	}
	req := request(in)
	if req.By != "" {
		// What a person may see depends on who they are (a guest, or
		// someone of another organisation, sees only where they are): the
		// desk reads on their behalf knowing it from their first request.
		b.ws.person(ctx, req.By)
	}
	switch {
	case in.Command != nil:
		err = b.command(ctx, in, req)
	case in.Interaction != nil:
		err = b.interaction(ctx, in, req)
	case in.Event != nil:
		err = b.event(ctx, in, req)
	default:
		b.log.DebugContext(ctx, "ignoring an empty delivery")
	}
	if err := b.settle(ctx, in, req, err); err != nil {
		return fmt.Errorf("bot: handle %s %s: %w", kind, in.Key, err)
	}
	return nil
}

// settle is the one place where what a handling returned becomes what
// Slack and the person see, as wtf's http.Error maps errors to responses:
// nil is done; a domain error (a desk.Refusal, or a store's invalid, not
// found or conflict) is told to the person in their language, when the
// delivery has somewhere to answer, and the delivery is recorded as
// handled, never retried; any other error is internal and is returned, for
// the dispatcher to log with its detail and retry.
func (b *Bot) settle(ctx context.Context, in Inbound, req desk.Request, err error) error {
	switch knowledge.ErrorCode(err) {
	case "":
		return nil
	case knowledge.EINTERNAL:
		return err
	}
	b.metrics.InboundRejected.WithLabelValues("refused").Inc()
	b.log.DebugContext(ctx, "request refused", "kind", in.Kind(), "reason", err)
	return b.desk.Refuse(ctx, req, err)
}

// responseURLLife is how long Slack accepts posts to a command's or a
// click's response_url.
const responseURLLife = 30 * time.Minute

// replyAddress is the response_url of in, usable until a minute before it
// expires: a handling or a delivery delayed past that (an outage, a
// restart) answers the person in a direct message instead. The trigger_id,
// valid 3 seconds, would only open a modal, which nextdesk never does: it
// is the delivery's key, nothing more.
func replyAddress(in Inbound, url string) desk.Address {
	a := desk.Address{Reply: url}
	if url != "" && !in.Received.IsZero() {
		a.Until = in.Received.Add(responseURLLife - time.Minute)
	}
	return a
}

// request is who sent in and where to answer them: a command's or a click's
// response_url, the thread of a mention or of a direct message; nowhere
// for other events.
func request(in Inbound) desk.Request {
	r := desk.Request{Key: in.Key}
	switch {
	case in.Command != nil:
		r.By, r.To = in.Command.UserID, replyAddress(in, in.Command.ResponseURL)
	case in.Interaction != nil:
		r.By, r.To = in.Interaction.User.ID, replyAddress(in, in.Interaction.ResponseURL)
	case in.Event != nil:
		switch ev := in.Event.InnerEvent.Data.(type) {
		case *slackevents.AppMentionEvent:
			thread := ev.ThreadTimeStamp
			if thread == "" {
				thread = ev.TimeStamp
			}
			r.By, r.To = ev.User, desk.Address{Conversation: ev.Channel, Thread: thread}
		case *slackevents.MessageEvent:
			r.By = ev.User
			if ev.ChannelType == slackevents.ChannelTypeIM && ev.SubType == "" && ev.ThreadTimeStamp == "" {
				r.To = desk.Address{Conversation: ev.Channel, Thread: ev.TimeStamp}
			}
		case *slackevents.ReactionAddedEvent:
			r.By = ev.User
		}
	}
	return r
}
