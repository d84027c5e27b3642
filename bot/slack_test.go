package bot_test

import (
	"context"
	"errors"
	"net/http"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/slack-go/slack"

	"github.com/nextdesk/nextdesk/bot"
	"github.com/nextdesk/nextdesk/internal/fakeslack"
)

// TestSlackCountsCallsAndSuspendsOnARefusedToken checks the instrumented
// client: every call is counted by method and outcome, and the first call
// Slack answers with a refused token suspends the calls that follow, which
// then never reach Slack.
func TestSlackCountsCallsAndSuspendsOnARefusedToken(t *testing.T) {
	srv := fakeslack.New(t)
	srv.AddUser(fakeslack.User{ID: "U1", Name: "alice"})
	srv.AddChannel(fakeslack.Channel{ID: "C1", Name: "general", Members: []string{"U1", fakeslack.BotUserID}})
	api := slack.New(fakeslack.BotToken, slack.OptionAPIURL(srv.URL()))
	reg := prometheus.NewRegistry()
	m := bot.NewMetrics(reg)
	s, err := bot.NewSlack(api, api.AuthTestContext, m, nil)
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	count := func(method, outcome string) uint64 {
		return histogramCount(t, reg, "nextdesk_slack_api_call_seconds", map[string]string{"method": method, "outcome": outcome})
	}

	if _, err := s.GetUserInfoContext(ctx, "U1"); err != nil {
		t.Fatal(err)
	}
	if _, err := s.GetUserInfoContext(ctx, "U404"); err == nil {
		t.Fatal("users.info of nobody = nil, want user_not_found")
	}
	srv.FailNext("conversations.info", 1, http.StatusServiceUnavailable, 0)
	if _, err := s.GetConversationInfoContext(ctx, &slack.GetConversationInfoInput{ChannelID: "C1"}); err == nil {
		t.Fatal("conversations.info during an outage = nil, want an error")
	}
	srv.FailNext("chat.postMessage", 1, http.StatusTooManyRequests, time.Second)
	if _, _, err := s.PostMessageContext(ctx, "C1", slack.MsgOptionText("hi", false)); err == nil {
		t.Fatal("chat.postMessage rate limited = nil, want an error")
	}
	for _, c := range []struct {
		method, outcome string
		want            uint64
	}{
		{"users.info", "ok", 1},
		{"users.info", "refused", 1},
		{"conversations.info", "unavailable", 1},
		{"chat.postMessage", "rate_limited", 1},
	} {
		if got := count(c.method, c.outcome); got != c.want {
			t.Errorf("%s calls %s: %d, want %d", c.method, c.outcome, got, c.want)
		}
	}
	if s.Refused() != nil {
		t.Fatal("refused before any token error")
	}

	srv.RevokeToken()
	if _, err := s.GetUserInfoContext(ctx, "U1"); err == nil {
		t.Fatal("users.info with the token revoked = nil, want an error")
	}
	if err := s.Refused(); !errors.Is(err, bot.ErrTokenRefused) {
		t.Fatalf("Refused = %v, want ErrTokenRefused", err)
	}
	before := len(srv.Calls())
	if _, _, err := s.PostMessageContext(ctx, "C1", slack.MsgOptionText("hi", false)); !errors.Is(err, bot.ErrTokenRefused) {
		t.Errorf("a call while suspended = %v, want ErrTokenRefused", err)
	}
	if n := len(srv.Calls()) - before; n != 0 {
		t.Errorf("%d calls reached Slack while the token is refused, want none", n)
	}
	if got := count("chat.postMessage", "token_refused"); got != 1 {
		t.Errorf("chat.postMessage calls token_refused: %d, want 1", got)
	}
	if got := counterValue(t, m.SlackTokenOK); got != 0 {
		t.Errorf("nextdesk_slack_token_ok = %v, want 0", got)
	}
}
