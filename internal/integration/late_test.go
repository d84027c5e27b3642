package integration_test

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/nextdesk/nextdesk/bot"
	"github.com/nextdesk/nextdesk/internal/fakeslack"
	"github.com/nextdesk/nextdesk/knowledge/desk"
)

// dmsTo returns the texts the bot sent person in a direct message.
func (h *harness) dmsTo(person string) []string {
	var out []string
	for _, c := range h.srv.CallsTo("chat.postMessage") {
		if c.Params["channel"] == person && c.Error == "" {
			out = append(out, c.Params["text"])
		}
	}
	return out
}

// TestALateReplyGoesByDirectMessage checks a command handled more than 30
// minutes after Slack sent it (an outage, a restart): its response_url no
// longer works, so the reply goes to the person in a direct message.
func TestALateReplyGoesByDirectMessage(t *testing.T) {
	h := newHarness(t, nil)
	in, url := h.command(fakeslack.SlashCommand{Command: "/nextdesk", Text: "help", UserID: asker, ChannelID: general})
	h.clock.Advance(31 * time.Minute)
	h.handle(in)
	h.deliver()
	if rs := h.srv.Responses(url); len(rs) != 0 {
		t.Errorf("%d posts to the expired response_url, want none", len(rs))
	}
	if dms := h.dmsTo(asker); len(dms) != 1 || dms[0] == "" {
		t.Errorf("direct messages to the asker: %q, want the help", dms)
	}
}

// TestAnExpiredReplyAddressFallsBackToADirectMessage checks a reply whose
// response_url Slack refuses (expired or used up) when the bot posts it.
func TestAnExpiredReplyAddressFallsBackToADirectMessage(t *testing.T) {
	h := newHarness(t, nil)
	in, url := h.command(fakeslack.SlashCommand{Command: "/nextdesk", Text: "help", UserID: asker, ChannelID: general})
	h.srv.ExpireResponseURL(url)
	h.handle(in)
	h.deliver()
	if dms := h.dmsTo(asker); len(dms) != 1 || dms[0] == "" {
		t.Errorf("direct messages to the asker: %q, want the help", dms)
	}
	if n := h.pending(); n != 0 {
		t.Errorf("%d notices pending, want none", n)
	}
}

// TestTokensRevokedSuspendsThenResumes checks a tokens_revoked event:
// Slack is no longer called, the outbox keeps its notices and the metric
// says so; once auth.test passes again, delivery resumes and nothing was
// lost.
func TestTokensRevokedSuspendsThenResumes(t *testing.T) {
	h := newHarness(t, nil)
	h.srv.RevokeToken()
	h.handle(h.event([]byte(`{"type":"tokens_revoked","tokens":{"oauth":[],"bot":["` + fakeslack.BotUserID + `"]},"event_ts":"1768469400.000100"}`)))
	if err := h.slack.Refused(); !errors.Is(err, bot.ErrTokenRefused) {
		t.Fatalf("Refused after tokens_revoked = %v, want ErrTokenRefused", err)
	}
	if ok := value(h.metrics.SlackTokenOK); ok != 0 {
		t.Errorf("nextdesk_slack_token_ok = %v, want 0", ok)
	}
	// A command answered meanwhile is recorded, not sent.
	in, url := h.command(fakeslack.SlashCommand{Command: "/nextdesk", Text: "help", UserID: asker, ChannelID: general})
	h.handle(in)
	before := len(h.srv.Calls())
	h.deliver()
	if calls := h.srv.Calls()[before:]; len(calls) != 0 {
		t.Errorf("Slack called while the token is refused: %v", calls)
	}
	if n := h.pending(); n != 1 {
		t.Errorf("%d notices pending while suspended, want 1 kept", n)
	}

	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	go desk.RunTasks(ctx, nil, h.slack.Task())
	time.Sleep(100 * time.Millisecond)
	if err := h.slack.Refused(); err == nil {
		t.Fatal("the token task lifted the suspension while Slack still refused the token")
	}
	h.srv.RestoreToken()
	deadline := time.Now().Add(20 * time.Second)
	for h.slack.Refused() != nil {
		if time.Now().After(deadline) {
			t.Fatal("the token check never lifted the suspension")
		}
		time.Sleep(20 * time.Millisecond)
	}
	h.deliver()
	if rs := h.srv.Responses(url); len(rs) != 1 || !strings.Contains(rs[0].Text+string(rs[0].Blocks), "/ask") {
		t.Errorf("replies once the token works: %+v, want the help", rs)
	}
	if ok := value(h.metrics.SlackTokenOK); ok != 1 {
		t.Errorf("nextdesk_slack_token_ok = %v, want 1", ok)
	}
}

// TestAppUninstalledSuspendsAsARevokedTokenDoes: app_uninstalled stops
// every call to Slack, as tokens_revoked does, and a tokens_revoked that
// names no bot token (a user's) does not.
func TestAppUninstalledSuspendsAsARevokedTokenDoes(t *testing.T) {
	h := newHarness(t, nil)
	h.handle(h.event([]byte(`{"type":"tokens_revoked","tokens":{"oauth":["U0ALICE01"],"bot":[]},"event_ts":"1768469400.000100"}`)))
	if err := h.slack.Refused(); err != nil {
		t.Fatalf("Refused after a user's token was revoked = %v, want nil", err)
	}
	h.handle(h.event([]byte(`{"type":"app_uninstalled","event_ts":"1768469400.000200"}`)))
	if err := h.slack.Refused(); !errors.Is(err, bot.ErrTokenRefused) {
		t.Fatalf("Refused after app_uninstalled = %v, want ErrTokenRefused", err)
	}
	if ok := value(h.metrics.SlackTokenOK); ok != 0 {
		t.Errorf("nextdesk_slack_token_ok = %v, want 0", ok)
	}
}
