package bot

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"sync/atomic"
	"time"

	"github.com/slack-go/slack"
	"github.com/slack-go/slack/slackevents"
	"github.com/slack-go/slack/socketmode"
)

// ackTimeout bounds the wait to queue an acknowledgement. While the socket
// is down nothing drains slack-go's response queue; Slack then resends the
// envelope on the next connection and the handler's dedupe absorbs it.
const ackTimeout = 2 * time.Second

// SocketTransport receives events, slash commands and interactions over
// Slack's Socket Mode: no public URL, one outbound websocket that slack-go
// reopens whenever Slack asks or the connection drops. Each envelope is
// recorded in the inbox (Dispatcher.Submit), then acknowledged; one the
// store cannot take is left unacknowledged, for Slack to send again.
type SocketTransport struct {
	client    *socketmode.Client
	dispatch  *Dispatcher
	metrics   *Metrics
	log       *slog.Logger
	connected atomic.Bool
}

// NewSocketTransport returns a Socket Mode transport on api, which must
// carry the app-level token (slack.OptionAppLevelToken), feeding d. Metrics
// and log may be nil (tests); opts tune slack-go's client (ping interval,
// dialer). It returns an error if api or d is nil.
func NewSocketTransport(api *slack.Client, d *Dispatcher, metrics *Metrics, log *slog.Logger, opts ...socketmode.Option) (*SocketTransport, error) {
	if api == nil || d == nil {
		return nil, errors.New("socket transport: a Slack client and a dispatcher are required")
	}
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	opts = append([]socketmode.Option{socketmode.OptionLog(slog.NewLogLogger(log.Handler(), slog.LevelDebug))}, opts...)
	return &SocketTransport{
		client:   socketmode.New(api, opts...),
		dispatch: d,
		metrics:  metrics,
		log:      log,
	}, nil
}

// Connected reports whether the websocket is up and Slack has greeted it,
// for /healthz: while it is false, Slack holds events back.
func (t *SocketTransport) Connected() bool { return t.connected.Load() }

// Run connects and serves envelopes until ctx ends, reconnecting as often as
// needed. It returns nil when ctx ends, and an error when Slack refuses the
// app-level token (reconnecting would not help).
func (t *SocketTransport) Run(ctx context.Context) error {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	defer t.connected.Store(false)
	done := make(chan error, 1)
	go func() { done <- t.client.RunContext(ctx) }()
	for {
		select {
		case evt := <-t.client.Events:
			t.handle(ctx, evt)
		case err := <-done:
			if ctx.Err() != nil {
				return nil
			}
			return fmt.Errorf("socket mode: %w", err)
		}
	}
}

func (t *SocketTransport) handle(ctx context.Context, evt socketmode.Event) {
	switch evt.Type {
	case socketmode.EventTypeConnecting:
		t.connected.Store(false)
		t.log.Debug("socket mode: connecting")
	case socketmode.EventTypeConnectionError:
		t.connected.Store(false)
		if e, ok := evt.Data.(*slack.ConnectionErrorEvent); ok {
			t.log.Warn("socket mode: connection failed, retrying", "attempt", e.Attempt, "backoff", e.Backoff, "err", e.ErrorObj)
		}
	case socketmode.EventTypeInvalidAuth:
		t.connected.Store(false)
		t.log.Error("socket mode: Slack refused the app-level token")
	case socketmode.EventTypeIncomingError:
		// slack-go reports the read that fails when the socket closes,
		// after every disconnect Slack asks for: harmless, it reconnects.
		// The report can come from the old socket after the new one said
		// hello, so it says nothing about the connection now; the
		// Connecting event that precedes every new attempt does.
		t.log.Debug("socket mode: connection closed, reconnecting", "err", errorOf(evt.Data))
	case socketmode.EventTypeConnected:
		t.connected.Store(true)
	case socketmode.EventTypeHello:
		t.connected.Store(true)
		n := 0
		if evt.Request != nil {
			n = evt.Request.NumConnections
		}
		t.log.Info("socket mode: connected to Slack", "connections", n)
	case socketmode.EventTypeErrorWriteFailed:
		t.log.Warn("socket mode: an acknowledgement could not be sent; Slack will resend the envelope", "err", errorOf(evt.Data))
	case socketmode.EventTypeEventsAPI:
		t.events(ctx, evt)
	case socketmode.EventTypeSlashCommand:
		cmd, ok := evt.Data.(slack.SlashCommand)
		if !ok || evt.Request == nil {
			return
		}
		key := commandKey(cmd, evt.Request.Payload)
		cmd, payload, err := commandPayload(cmd)
		if err != nil {
			t.reject("malformed")
			t.ack(ctx, evt.Request.EnvelopeID)
			return
		}
		t.submit(ctx, evt.Request, Inbound{Key: key, Command: &cmd, Payload: payload})
	case socketmode.EventTypeInteractive:
		ic, ok := evt.Data.(slack.InteractionCallback)
		if !ok || evt.Request == nil {
			return
		}
		t.submit(ctx, evt.Request, Inbound{Key: interactionKey(ic, evt.Request.Payload), Interaction: &ic, Payload: evt.Request.Payload})
	case socketmode.EventTypeErrorBadMessage:
		t.badMessage(ctx, evt.Data)
	default:
		t.log.Debug("socket mode: ignoring client event", "type", evt.Type)
	}
}

func (t *SocketTransport) events(ctx context.Context, evt socketmode.Event) {
	ev, ok := evt.Data.(slackevents.EventsAPIEvent)
	if !ok || evt.Request == nil {
		return
	}
	switch ev.Type {
	case slackevents.CallbackEvent:
		cb, ok := ev.Data.(*slackevents.EventsAPICallbackEvent)
		if !ok || cb.EventID == "" {
			t.reject("malformed")
			t.log.Debug("socket mode: event without event_id", "envelope", evt.Request.EnvelopeID)
			t.ack(ctx, evt.Request.EnvelopeID)
			return
		}
		t.submit(ctx, evt.Request, Inbound{Key: cb.EventID, Event: &ev, Payload: evt.Request.Payload})
	case slackevents.AppRateLimited:
		logRateLimited(t.log, evt.Request.Payload)
		t.ack(ctx, evt.Request.EnvelopeID)
	default:
		t.log.Debug("socket mode: ignoring an Events API envelope of unknown type", "type", ev.Type)
		t.ack(ctx, evt.Request.EnvelopeID)
	}
}

// badMessage handles an envelope slack-go could not parse: typically an
// event type or block element newer than slack-go. slack-go neither
// acknowledges it nor says which envelope it was, so it is decoded here,
// passed on when it is an event callback after all, and acknowledged in any
// case: Slack resending it would not make it parse.
func (t *SocketTransport) badMessage(ctx context.Context, data any) {
	bad, ok := data.(*socketmode.ErrorBadMessage)
	if !ok {
		return
	}
	var req socketmode.Request
	if err := json.Unmarshal(bad.Message, &req); err != nil || req.EnvelopeID == "" {
		t.reject("malformed")
		t.log.Debug("socket mode: unreadable message", "err", bad.Cause)
		return
	}
	if req.Type == socketmode.RequestTypeEventsAPI {
		if ev, key, err := parseEventCallback(req.Payload); err == nil {
			t.submit(ctx, &req, Inbound{Key: key, Event: &ev, Payload: req.Payload})
			return
		}
	}
	t.reject("malformed")
	t.log.Debug("socket mode: malformed envelope", "type", req.Type, "envelope", req.EnvelopeID, "err", bad.Cause)
	t.ack(ctx, req.EnvelopeID)
}

// submit records in in the inbox and acknowledges the envelope only once
// it is there.
func (t *SocketTransport) submit(ctx context.Context, req *socketmode.Request, in Inbound) {
	in.Retry = req.RetryAttempt
	if err := t.dispatch.Submit(ctx, in); err != nil {
		return
	}
	t.ack(ctx, req.EnvelopeID)
}

func (t *SocketTransport) ack(ctx context.Context, envelopeID string) {
	ctx, cancel := context.WithTimeout(ctx, ackTimeout)
	defer cancel()
	if err := t.client.AckCtx(ctx, envelopeID, nil); err != nil {
		t.log.Warn("socket mode: acknowledgement not sent; Slack will resend the envelope", "envelope", envelopeID, "err", err)
	}
}

func (t *SocketTransport) reject(reason string) {
	if t.metrics != nil {
		t.metrics.InboundRejected.WithLabelValues(reason).Inc()
	}
}

func errorOf(data any) error {
	switch e := data.(type) {
	case *slack.IncomingEventError:
		return e.ErrorObj
	case *socketmode.ErrorWriteFailed:
		return e.Cause
	case error:
		return e
	}
	return nil
}
