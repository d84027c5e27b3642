package bot_test

import (
	"context"
	"encoding/json"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/slack-go/slack"

	"github.com/nextdesk/nextdesk/bot"
	"github.com/nextdesk/nextdesk/internal/fakeslack"
)

var transportChannel = fakeslack.Channel{ID: "C1", Name: "general", Members: []string{"U1", fakeslack.BotUserID}}

// socketRun is a SocketTransport connected to a fake Slack, with a
// recorder in place of the bot.
type socketRun struct {
	slack     *fakeslack.Server
	rec       *inboundRecorder
	inbox     *memInbox
	metrics   *bot.Metrics
	transport *bot.SocketTransport
	stop      func() error // cancels Run and returns what it returned
}

// mustRunSocketTransport starts a SocketTransport on a fresh fake Slack and
// stops it at cleanup. It does not wait for the connection.
func mustRunSocketTransport(tb testing.TB, opts bot.DispatchOptions) *socketRun {
	tb.Helper()
	run := &socketRun{slack: fakeslack.New(tb), rec: newInboundRecorder(), inbox: newMemInbox(), metrics: bot.NewMetrics(prometheus.NewRegistry())}
	run.slack.AddUser(fakeslack.User{ID: "U1", Name: "alice", RealName: "Alice Martin"})
	run.slack.AddChannel(transportChannel)
	d := mustOpenDispatcher(tb, run.inbox, run.rec, opts, run.metrics)
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

	t.Run("redelivery acknowledged, handled once", func(t *testing.T) {
		ev := fakeslack.EventCallback(fakeslack.TeamID, "EvAgain", fakeslack.MessageEvent(transportChannel, fakeslack.Message{TS: "1768469400.000500", User: "U1", Text: "encore"}))
		first := run.slack.SendEvent(t, ev)
		in := run.rec.next(t)
		run.slack.WaitAck(t, first, wait)
		again := run.slack.Redeliver(t, first)
		run.slack.WaitAck(t, again, wait)
		run.rec.none(t)
		if in.Key != "EvAgain" || in.Retry != 0 {
			t.Errorf("handled %s (retry %d), want EvAgain, retry 0", in.Key, in.Retry)
		}
	})
}

// TestSocketStoreFailureLeavesEnvelopeUnacked checks that an envelope is
// acknowledged only once its delivery is recorded: with the store refusing
// writes it is not, and Slack sends it again.
func TestSocketStoreFailureLeavesEnvelopeUnacked(t *testing.T) {
	run := mustRunSocketTransport(t, bot.DispatchOptions{})
	run.waitConnected(t, true)
	event := func(key string) json.RawMessage {
		return fakeslack.EventCallback(fakeslack.TeamID, key, fakeslack.MessageEvent(transportChannel, fakeslack.Message{TS: "1768469401.000100", User: "U1", Text: "hi"}))
	}
	run.slack.WaitAck(t, run.slack.SendEvent(t, event("Ev1")), wait)
	run.inbox.setFail(errors.New("attempt to write a readonly database"))
	refused := run.slack.SendEvent(t, event("Ev2"))
	deadline := time.Now().Add(wait)
	for counterValue(t, run.metrics.InboundRejected.WithLabelValues("store")) < 1 {
		if time.Now().After(deadline) {
			t.Fatal("the envelope never reached the store")
		}
		time.Sleep(5 * time.Millisecond)
	}
	time.Sleep(50 * time.Millisecond) // an ack, if wrongly sent, would land by now
	if run.slack.Acked(refused) {
		t.Error("an envelope the store could not record was acknowledged; Slack would not send it again")
	}
	run.inbox.setFail(nil)
	run.slack.WaitAck(t, run.slack.Redeliver(t, refused), wait)
	got := map[string]bool{run.rec.next(t).Key: true, run.rec.next(t).Key: true}
	if !got["Ev1"] || !got["Ev2"] {
		t.Errorf("handled %v, want Ev1 and Ev2", got)
	}
}

func TestSocketRefusedAppToken(t *testing.T) {
	srv := fakeslack.New(t)
	d := mustOpenDispatcher(t, newMemInbox(), newInboundRecorder(), bot.DispatchOptions{}, nil)
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
