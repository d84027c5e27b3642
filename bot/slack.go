package bot

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"sync"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/slack-go/slack"

	"github.com/nextdesk/nextdesk/knowledge/desk"
)

// Slack is the bot's Slack Web API client: it passes each call to the
// client it wraps, times and counts it by method and outcome, and stops
// calling Slack while Slack refuses the bot token (revoked, the app
// uninstalled, the account deactivated). Calls then fail at once with an
// error wrapping ErrTokenRefused, the outbox and the inbox keep what they
// hold, and its Task checks the token with auth.test, with backoff, until it
// is accepted again. It is safe for concurrent use.
type Slack struct {
	api     SlackAPI
	auth    func(context.Context) (*slack.AuthTestResponse, error)
	metrics *Metrics
	log     *slog.Logger

	mu        sync.Mutex
	refused   error         // why the token is refused; nil while it is accepted
	nextCheck time.Time     // when the token task checks a refused token again
	checkWait time.Duration // how long after that the one after
}

var _ SlackAPI = (*Slack)(nil)

// ErrTokenRefused is what the calls of a Slack client whose token was
// refused return, wrapped with the reason.
var ErrTokenRefused = errors.New("bot: Slack refuses the bot token")

// tokenCodes are the Slack error codes that say the token itself is no
// good, whatever the call: retrying with it cannot help.
var tokenCodes = map[string]bool{
	"invalid_auth": true, "not_authed": true, "account_inactive": true,
	"token_revoked": true, "token_expired": true, "ekm_access_denied": true,
}

// NewSlack returns api instrumented with metrics, its token checked by
// auth (slack.Client's AuthTestContext). metrics and log may be nil.
func NewSlack(api SlackAPI, auth func(context.Context) (*slack.AuthTestResponse, error), metrics *Metrics, log *slog.Logger) (*Slack, error) {
	if api == nil || auth == nil {
		return nil, errors.New("bot: a Slack client and its token check are required")
	}
	if metrics == nil {
		metrics = NewMetrics(prometheus.NewRegistry())
	}
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	return &Slack{api: api, auth: auth, metrics: metrics, log: log}, nil
}

// Refused returns why Slack refuses the bot token, wrapping
// ErrTokenRefused, or nil while it accepts it.
func (s *Slack) Refused() error {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.refused
}

// Refuse suspends every call: Slack said the token is no good (a refused
// call, a tokens_revoked or app_uninstalled event). why says how it was
// learnt. The token task lifts the suspension once auth.test passes again.
func (s *Slack) Refuse(why string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.refused != nil {
		return
	}
	s.refused = fmt.Errorf("%w (%s)", ErrTokenRefused, why)
	s.metrics.SlackTokenOK.Set(0)
	s.checkWait = tokenCheckFirst
	s.nextCheck = time.Now().Add(s.checkWait)
	s.log.Error("Slack refuses the bot token: nothing is sent or handled until it is accepted again; messages and events wait in the store. Reinstall the app or set a new SLACK_BOT_TOKEN and restart", "reason", why)
}

func (s *Slack) accept() {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.refused == nil {
		return
	}
	s.refused = nil
	s.metrics.SlackTokenOK.Set(1)
	s.log.Info("Slack accepts the bot token again: delivery and handling resume")
}

// TaskToken names the task that checks a refused token.
const TaskToken = "token"

// Token check pacing: at once after a glitch, then less and less often.
const (
	tokenCheckFirst = 5 * time.Second
	tokenCheckCap   = 10 * time.Minute
)

// Task is the token task: while Slack refuses the bot token, it checks it
// with auth.test (five seconds after the refusal, then less and less often,
// up to every ten minutes) and lifts the suspension once Slack accepts it
// again; the outbox and the dispatcher, which look at Refused every round,
// then resume within a second. While the token is accepted it does
// nothing.
func (s *Slack) Task() desk.Task {
	return desk.Task{Name: TaskToken, Every: time.Second, Run: s.checkToken}
}

func (s *Slack) checkToken(ctx context.Context, _ bool) error {
	s.mu.Lock()
	due := s.refused != nil && !time.Now().Before(s.nextCheck)
	s.mu.Unlock()
	if !due {
		return nil
	}
	if _, err := s.AuthTestContext(ctx); err == nil {
		s.accept()
		return nil
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.checkWait = min(2*s.checkWait, tokenCheckCap)
	s.nextCheck = time.Now().Add(s.checkWait)
	return nil
}

// AuthTestContext asks Slack whose the token is. Unlike every other call,
// it goes to Slack while the token is refused: it is how the token task learns that
// the token is good again.
func (s *Slack) AuthTestContext(ctx context.Context) (*slack.AuthTestResponse, error) {
	began := time.Now()
	r, err := s.auth(ctx)
	s.observe("auth.test", began, err)
	return r, err
}

// call runs one Web API call: refused at once while the token is, and
// timed, counted and checked for a refused token otherwise.
func (s *Slack) call(method string, fn func() error) error {
	if err := s.Refused(); err != nil {
		s.metrics.SlackCalls.WithLabelValues(method, outcomeTokenRefused).Observe(0)
		return fmt.Errorf("%s: %w", method, err)
	}
	began := time.Now()
	err := fn()
	if outcome := s.observe(method, began, err); outcome == outcomeTokenRefused {
		s.Refuse(method + ": " + slackCode(err))
	}
	return err
}

// Outcomes of a Slack call, as the metrics label them.
const (
	outcomeOK           = "ok"
	outcomeRateLimited  = "rate_limited"
	outcomeUnavailable  = "unavailable"   // 5xx, network failure, timeout
	outcomeTokenRefused = "token_refused" // the token itself is no good
	outcomeRefused      = "refused"       // Slack said no to this call
	outcomeCanceled     = "canceled"      // we gave up (shutdown)
)

func (s *Slack) observe(method string, began time.Time, err error) string {
	outcome := outcomeOf(err)
	s.metrics.SlackCalls.WithLabelValues(method, outcome).Observe(time.Since(began).Seconds())
	return outcome
}

func outcomeOf(err error) string {
	var (
		rate   *slack.RateLimitedError
		status slack.StatusCodeError
		netErr net.Error
	)
	switch {
	case err == nil:
		return outcomeOK
	case errors.As(err, &rate):
		return outcomeRateLimited
	case tokenCodes[slackCode(err)]:
		return outcomeTokenRefused
	case slackCode(err) != "":
		if transientCodes[slackCode(err)] {
			return outcomeUnavailable
		}
		return outcomeRefused
	case errors.As(err, &status):
		if status.Code >= 500 || status.Code == 408 {
			return outcomeUnavailable
		}
		return outcomeRefused
	case errors.Is(err, context.Canceled):
		return outcomeCanceled
	case errors.Is(err, context.DeadlineExceeded), errors.As(err, &netErr):
		return outcomeUnavailable
	}
	return outcomeUnavailable
}

// PostMessageContext is chat.postMessage, or a post to a response_url when
// channelID is empty.
func (s *Slack) PostMessageContext(ctx context.Context, channelID string, options ...slack.MsgOption) (channel, ts string, err error) {
	method := "chat.postMessage"
	if channelID == "" {
		method = "response_url"
	}
	err = s.call(method, func() (err error) {
		channel, ts, err = s.api.PostMessageContext(ctx, channelID, options...)
		return err
	})
	return channel, ts, err
}

// PostEphemeralContext is chat.postEphemeral.
func (s *Slack) PostEphemeralContext(ctx context.Context, channelID, userID string, options ...slack.MsgOption) (ts string, err error) {
	err = s.call("chat.postEphemeral", func() (err error) {
		ts, err = s.api.PostEphemeralContext(ctx, channelID, userID, options...)
		return err
	})
	return ts, err
}

// UpdateMessageContext is chat.update.
func (s *Slack) UpdateMessageContext(ctx context.Context, channelID, timestamp string, options ...slack.MsgOption) (channel, ts, text string, err error) {
	err = s.call("chat.update", func() (err error) {
		channel, ts, text, err = s.api.UpdateMessageContext(ctx, channelID, timestamp, options...)
		return err
	})
	return channel, ts, text, err
}

// GetPermalinkContext is chat.getPermalink.
func (s *Slack) GetPermalinkContext(ctx context.Context, params *slack.PermalinkParameters) (link string, err error) {
	err = s.call("chat.getPermalink", func() (err error) {
		link, err = s.api.GetPermalinkContext(ctx, params)
		return err
	})
	return link, err
}

// OpenConversationContext is conversations.open.
func (s *Slack) OpenConversationContext(ctx context.Context, params *slack.OpenConversationParameters) (ch *slack.Channel, noOp, already bool, err error) {
	err = s.call("conversations.open", func() (err error) {
		ch, noOp, already, err = s.api.OpenConversationContext(ctx, params)
		return err
	})
	return ch, noOp, already, err
}

// GetConversationInfoContext is conversations.info.
func (s *Slack) GetConversationInfoContext(ctx context.Context, input *slack.GetConversationInfoInput) (ch *slack.Channel, err error) {
	err = s.call("conversations.info", func() (err error) {
		ch, err = s.api.GetConversationInfoContext(ctx, input)
		return err
	})
	return ch, err
}

// GetUsersInConversationContext is conversations.members.
func (s *Slack) GetUsersInConversationContext(ctx context.Context, params *slack.GetUsersInConversationParameters) (ids []string, cursor string, err error) {
	err = s.call("conversations.members", func() (err error) {
		ids, cursor, err = s.api.GetUsersInConversationContext(ctx, params)
		return err
	})
	return ids, cursor, err
}

// GetConversationRepliesContext is conversations.replies.
func (s *Slack) GetConversationRepliesContext(ctx context.Context, params *slack.GetConversationRepliesParameters) (msgs []slack.Message, more bool, cursor string, err error) {
	err = s.call("conversations.replies", func() (err error) {
		msgs, more, cursor, err = s.api.GetConversationRepliesContext(ctx, params)
		return err
	})
	return msgs, more, cursor, err
}

// GetConversationHistoryContext is conversations.history.
func (s *Slack) GetConversationHistoryContext(ctx context.Context, params *slack.GetConversationHistoryParameters) (h *slack.GetConversationHistoryResponse, err error) {
	err = s.call("conversations.history", func() (err error) {
		h, err = s.api.GetConversationHistoryContext(ctx, params)
		return err
	})
	return h, err
}

// GetUserInfoContext is users.info.
func (s *Slack) GetUserInfoContext(ctx context.Context, user string, options ...slack.GetUserInfoOption) (u *slack.User, err error) {
	err = s.call("users.info", func() (err error) {
		u, err = s.api.GetUserInfoContext(ctx, user, options...)
		return err
	})
	return u, err
}

// GetUserPresenceContext is users.getPresence.
func (s *Slack) GetUserPresenceContext(ctx context.Context, user string) (p *slack.UserPresence, err error) {
	err = s.call("users.getPresence", func() (err error) {
		p, err = s.api.GetUserPresenceContext(ctx, user)
		return err
	})
	return p, err
}

// GetDNDInfoContext is dnd.info.
func (s *Slack) GetDNDInfoContext(ctx context.Context, user *string, options ...slack.ParamOption) (st *slack.DNDStatus, err error) {
	err = s.call("dnd.info", func() (err error) {
		st, err = s.api.GetDNDInfoContext(ctx, user, options...)
		return err
	})
	return st, err
}
