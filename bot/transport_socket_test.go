package bot_test

import (
	"context"
	"encoding/json"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/slack-go/slack"
	"github.com/slack-go/slack/slackevents"

	"github.com/nextdesk/nextdesk/bot"
	"github.com/nextdesk/nextdesk/internal/fakeslack"
)

var transportChannel = fakeslack.Channel{ID: "C1", Name: "general", Members: []string{"U1", fakeslack.BotUserID}}

// socketRun is a SocketTransport connected to a fake Slack, with a
// recorder in place of the bot.
type socketRun struct {
	slack     *fakeslack.Server
	rec       *inboundRecorder
	metrics   *bot.Metrics
	transport *bot.SocketTransport
	stop      func() error // cancels Run and returns what it returned
}

// mustRunSocketTransport starts a SocketTransport on a fresh fake Slack and
// stops it at cleanup. It does not wait for the connection.
func mustRunSocketTransport(tb testing.TB, opts bot.DispatchOptions) *socketRun {
	tb.Helper()
	run := &socketRun{slack: fakeslack.New(tb), rec: newInboundRecorder(), metrics: bot.NewMetrics(prometheus.NewRegistry())}
	run.slack.AddUser(fakeslack.User{ID: "U1", Name: "alice", RealName: "Alice Martin"})
	run.slack.AddChannel(transportChannel)
	d := mustOpenDispatcher(tb, run.rec, opts, run.metrics)
	api := slack.New(fakeslack.BotToken, slack.OptionAPIURL(run.slack.URL()), slack.OptionAppLevelToken(fakeslack.AppToken))
	tr, err := bot.NewSocketTransport(api, d, run.metrics, nil)
	if err != nil {
		tb.Fatalf("NewSocketTransport: %v", err)
	}
	run.transport = tr
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- tr.Run(ctx) }()
	stopped := false
	var result error
	run.stop = func() error {
		if !stopped {
			stopped = true
			cancel()
			result = <-done
		}
		return result
	}
	tb.Cleanup(func() {
		if err := run.stop(); err != nil {
			tb.Errorf("SocketTransport.Run: %v", err)
		}
	})
	return run
}

// waitConnected waits until Connected reports want.
func (r *socketRun) waitConnected(tb testing.TB, want bool) {
	tb.Helper()
	deadline := time.Now().Add(wait)
	for r.transport.Connected() != want {
		if time.Now().After(deadline) {
			tb.Fatalf("Connected() still %v after %v", !want, wait)
		}
		time.Sleep(5 * time.Millisecond)
	}
}

func TestSocketDeliversAndAcks(t *testing.T) {
	run := mustRunSocketTransport(t, bot.DispatchOptions{})
	run.waitConnected(t, true)

	t.Run("mention", func(t *testing.T) {
		_, ids := run.slack.UserPosts(t, "C1", fakeslack.Message{User: "U1", Text: "<@U0BOT> qui gère la paie ?"})
		got := map[string]string{}
		for range ids {
			in := run.rec.next(t)
			got[in.Kind()] = in.Key
		}
		for _, id := range ids {
			run.slack.WaitAck(t, id, wait)
		}
		if len(got) != 2 || got["event:message"] == "" || got["event:app_mention"] == "" || got["event:message"] == got["event:app_mention"] {
			t.Errorf("handled %v, want a message and an app_mention, each keyed by its own event_id", got)
		}
	})

	t.Run("slash command", func(t *testing.T) {
		id := run.slack.SendSlashCommand(t, fakeslack.SlashCommand{Command: "/ask", Text: "Où est le VPN ?", UserID: "U1", ChannelID: "C1", TriggerID: "trig-1"})
		in := run.rec.next(t)
		run.slack.WaitAck(t, id, wait)
		got := []any{in.Key, in.Retry, in.Command.Command, in.Command.Text, in.Command.UserID, in.Command.ResponseURL}
		want := []any{"trig-1", 0, "/ask", "Où est le VPN ?", "U1", run.slack.ResponseURL(id)}
		if diff := cmp.Diff(got, want); diff != "" {
			t.Errorf("command (-got +want):\n%s", diff)
		}
	})

	t.Run("interaction", func(t *testing.T) {
		parent := run.slack.AddMessage("C1", fakeslack.Message{User: fakeslack.BotUserID, BotID: fakeslack.BotID, Text: "Qui gère la paie ?"})
		id := run.slack.SendInteraction(t, fakeslack.BlockActions{User: "U1", Channel: "C1", MessageTS: parent.TS, TriggerID: "trig-2",
			Actions: []fakeslack.Action{{ActionID: "pass", Value: "Q1", Text: "Not me"}}})
		in := run.rec.next(t)
		run.slack.WaitAck(t, id, wait)
		got := []any{in.Key, in.Kind(), in.Interaction.User.ID, in.Interaction.ActionCallback.BlockActions[0].ActionID}
		if diff := cmp.Diff(got, []any{"trig-2", "interaction:block_actions", "U1", "pass"}); diff != "" {
			t.Errorf("interaction (-got +want):\n%s", diff)
		}
	})

	t.Run("redelivery carries the retry attempt", func(t *testing.T) {
		ev := fakeslack.EventCallback(fakeslack.TeamID, "EvAgain", fakeslack.MessageEvent(transportChannel, fakeslack.Message{TS: "1768469400.000500", User: "U1", Text: "encore"}))
		first := run.slack.SendEvent(t, ev)
		in := run.rec.next(t)
		run.slack.WaitAck(t, first, wait)
		again := run.slack.Redeliver(t, first)
		in2 := run.rec.next(t)
		run.slack.WaitAck(t, again, wait)
		if diff := cmp.Diff([]any{in.Key, in.Retry, in2.Key, in2.Retry}, []any{"EvAgain", 0, "EvAgain", 1}); diff != "" {
			t.Errorf("(key, retry) of first and second delivery (-got +want):\n%s", diff)
		}
	})
}

func TestSocketOddEnvelopes(t *testing.T) {
	run := mustRunSocketTransport(t, bot.DispatchOptions{})
	run.waitConnected(t, true)
	tests := []struct {
		name     string
		typ      string
		payload  json.RawMessage
		wantKind string // empty: not passed to the handler
		reason   string // InboundRejected reason expected, if any
	}{
		{"unknown event type", "events_api", fakeslack.EventCallback(fakeslack.TeamID, "EvNew", json.RawMessage(`{"type":"future_thing_happened","event_ts":"1768469400.000600"}`)), "event:future_thing_happened", ""},
		{"message with a block slack-go cannot read", "events_api", fakeslack.EventCallback(fakeslack.TeamID, "EvBlk",
			json.RawMessage(`{"type":"message","channel":"C1","user":"U1","text":"VPN ?","ts":"1768469400.000700","event_ts":"1768469400.000700","blocks":[{"type":"section","text":{"type":"mrkdwn","text":42}}]}`)), "event:message", ""},
		{"inner event not JSON", "events_api", fakeslack.EventCallback(fakeslack.TeamID, "EvBad", json.RawMessage(`{oops`)), "", "malformed"},
		{"app_rate_limited", "events_api", json.RawMessage(`{"token":"x","type":"app_rate_limited","team_id":"T0FAKE","minute_rate_limited":1518467820,"api_app_id":"A0FAKE"}`), "", ""},
		{"unknown envelope type", "future_envelope", json.RawMessage(`{"x":1}`), "", "malformed"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var before float64
			if tt.reason != "" {
				before = counterValue(t, run.metrics.InboundRejected.WithLabelValues(tt.reason))
			}
			id := run.slack.SendEnvelope(t, tt.typ, tt.payload, false)
			run.slack.WaitAck(t, id, wait)
			if tt.wantKind == "" {
				run.rec.none(t)
			} else if in := run.rec.next(t); in.Kind() != tt.wantKind {
				t.Errorf("handled %s, want %s", in.Kind(), tt.wantKind)
			}
			if tt.reason != "" {
				if got := counterValue(t, run.metrics.InboundRejected.WithLabelValues(tt.reason)) - before; got != 1 {
					t.Errorf("InboundRejected{reason=%s} rose by %v, want 1", tt.reason, got)
				}
			}
		})
	}
	t.Run("message text survives the bad block", func(t *testing.T) {
		id := run.slack.SendEnvelope(t, "events_api", fakeslack.EventCallback(fakeslack.TeamID, "EvBlk2",
			json.RawMessage(`{"type":"message","channel":"C1","user":"U1","text":"Où est le VPN ?","ts":"1768469400.000800","event_ts":"1768469400.000800","blocks":[{"type":"section","text":{"type":"mrkdwn","text":42}}]}`)), false)
		in := run.rec.next(t)
		run.slack.WaitAck(t, id, wait)
		msg, ok := in.Event.InnerEvent.Data.(*slackevents.MessageEvent)
		if !ok || msg.Text != "Où est le VPN ?" || in.Key != "EvBlk2" {
			t.Errorf("got %s %q with %#v, want the message EvBlk2 with its text", in.Kind(), in.Key, in.Event.InnerEvent.Data)
		}
	})
}

func TestSocketReconnects(t *testing.T) {
	run := mustRunSocketTransport(t, bot.DispatchOptions{})
	run.waitConnected(t, true)

	// Slack's routine refresh: the next event still arrives.
	run.slack.Disconnect()
	run.slack.WaitConnections(t, 2, wait)
	id := run.slack.SendEvent(t, fakeslack.EventCallback(fakeslack.TeamID, "EvAfter", fakeslack.MessageEvent(transportChannel, fakeslack.Message{TS: "1768469400.000900", User: "U1", Text: "toujours là ?"})))
	if in := run.rec.next(t); in.Key != "EvAfter" {
		t.Errorf("after reconnecting, handled %q, want EvAfter", in.Key)
	}
	run.slack.WaitAck(t, id, wait)
	run.waitConnected(t, true)

	// Slack unreachable for a while: Connected says so, then recovers.
	run.slack.FailNext("apps.connections.open", 3, http.StatusInternalServerError, 0)
	run.slack.Disconnect()
	run.waitConnected(t, false)
	run.slack.WaitConnections(t, 3, wait)
	run.waitConnected(t, true)

	if err := run.stop(); err != nil {
		t.Errorf("Run after cancel = %v, want nil", err)
	}
	if run.transport.Connected() {
		t.Error("Connected() = true after Run returned")
	}
}

func TestSocketFullQueueLeavesEnvelopeUnacked(t *testing.T) {
	run := mustRunSocketTransport(t, bot.DispatchOptions{Workers: 1, Queue: 1})
	run.rec.release = make(chan struct{})
	defer close(run.rec.release)
	run.waitConnected(t, true)
	var ids []string
	for _, key := range []string{"Ev1", "Ev2", "Ev3", "Ev4"} {
		ids = append(ids, run.slack.SendEvent(t, fakeslack.EventCallback(fakeslack.TeamID, key, fakeslack.MessageEvent(transportChannel, fakeslack.Message{TS: "1768469401.000100", User: "U1", Text: "hi"}))))
	}
	run.slack.WaitAck(t, ids[0], wait)
	deadline := time.Now().Add(wait)
	for counterValue(t, run.metrics.QueueSaturations) < 1 {
		if time.Now().After(deadline) {
			t.Fatal("the queue never saturated")
		}
		time.Sleep(5 * time.Millisecond)
	}
	time.Sleep(50 * time.Millisecond) // an ack, if wrongly sent, would land by now
	if run.slack.Acked(ids[3]) {
		t.Error("the envelope refused by a full queue was acknowledged; Slack would not resend it")
	}
}

func TestSocketRefusedAppToken(t *testing.T) {
	srv := fakeslack.New(t)
	d := mustOpenDispatcher(t, newInboundRecorder(), bot.DispatchOptions{}, nil)
	api := slack.New(fakeslack.BotToken, slack.OptionAPIURL(srv.URL()), slack.OptionAppLevelToken("xapp-wrong"))
	tr, err := bot.NewSocketTransport(api, d, nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), wait)
	defer cancel()
	err = tr.Run(ctx)
	if err == nil || !strings.Contains(err.Error(), "invalid_auth") {
		t.Errorf("Run = %v, want an error saying invalid_auth", err)
	}
	if strings.Contains(err.Error(), "xapp-wrong") {
		t.Errorf("Run error %q shows the token", err)
	}
}
