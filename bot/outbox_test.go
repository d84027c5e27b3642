package bot

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"testing"
	"time"

	"github.com/slack-go/slack"

	"github.com/nextdesk/nextdesk/internal/fakeslack"
	"github.com/nextdesk/nextdesk/knowledge/sqlite"
)

// delivered counts the successful calls to method, by channel.
func (h *harness) delivered(method string) map[string]int {
	n := map[string]int{}
	for _, c := range h.srv.CallsTo(method) {
		if c.Status == http.StatusOK && c.Error == "" {
			n[c.Params["channel"]]++
		}
	}
	return n
}

func TestBurstOf429sDelaysButDeliversEverything(t *testing.T) {
	h := newHarness(t, nil)
	h.srv.FailNext("chat.postMessage", 2, http.StatusTooManyRequests, time.Second)
	in, _ := h.ask(asker, general, "How can I roll back a kubernetes deployment?")
	h.handle(in)
	h.run(h.bot)

	// Two refusals, then the question, the expert's DM and the note.
	calls := h.srv.WaitFor(t, "chat.postMessage", 5, 15*time.Second)
	if calls[1].Time.Sub(calls[0].Time) < time.Second {
		t.Errorf("retried after %v, want at least the Retry-After of 1s", calls[1].Time.Sub(calls[0].Time))
	}
	got := h.delivered("chat.postMessage")
	if got[general] != 2 || got[expert1] != 1 {
		t.Errorf("delivered per channel = %v, want 2 in #general and 1 DM", got)
	}
	if errs := value(h.metrics.SlackAPIErrors.WithLabelValues("chat.postMessage")); errs != 2 {
		t.Errorf("Slack API errors = %v, want 2", errs)
	}
}

func TestRestartMidFlowSendsOneDM(t *testing.T) {
	h := newHarness(t, nil)
	in, _ := h.ask(asker, general, "How can I roll back a kubernetes deployment?")
	h.handle(in) // committed, nothing sent: the process stops here

	// The next process gets Slack's retry of the same command, then runs.
	h.bot = h.newBot()
	h.handle(in)
	stop := h.run(h.bot)
	h.srv.WaitFor(t, "chat.postMessage", 3, 10*time.Second)
	stop()
	if got := h.delivered("chat.postMessage"); got[expert1] != 1 || got[general] != 2 {
		t.Errorf("delivered per channel = %v, want one DM and two posts in #general", got)
	}
	if n := h.pending(); n != 0 {
		t.Errorf("%d messages still pending", n)
	}
}

func TestServerErrorIsRetriedLater(t *testing.T) {
	h := newHarness(t, nil)
	in, _ := h.ask(asker, general, "How can I roll back a kubernetes deployment?")
	h.handle(in)
	h.srv.FailNext("chat.postMessage", 1, http.StatusServiceUnavailable, 0)
	h.deliver()
	// The question post failed; what waits on it is not due either.
	if n := h.pending(); n != 3 {
		t.Fatalf("pending after a 503 = %d, want 3", n)
	}
	ms, err := h.db.OutgoingSince(context.Background(), 0)
	if err != nil {
		t.Fatal(err)
	}
	if ms[0].Attempts != 1 || !ms[0].DueAt.After(time.Now()) {
		t.Errorf("failed message = attempts %d due %v, want 1 attempt and a later due time", ms[0].Attempts, ms[0].DueAt)
	}
}

func TestPermanentFailureIsNotRetried(t *testing.T) {
	h := newHarness(t, func(c *Config) { c.FallbackChannel = "C0NOTIN001" })
	h.srv.AddChannel(fakeslack.Channel{ID: "C0NOTIN001", Name: "not-in", Members: []string{asker}})
	// Nobody knows this: it goes to the fallback channel, which the bot
	// is not in.
	in, _ := h.ask(other, general, "Where do I park my bicycle at the new office?")
	h.handle(in)
	h.deliver()
	h.deliver()
	if n := len(h.srv.CallsTo("chat.postMessage")); n != 3 {
		t.Errorf("%d posts, want 3 (question, fallback once, note)", n)
	}
	if n := h.pending(); n != 0 {
		t.Errorf("%d pending, want 0: a refused message must not be retried", n)
	}
	ms, err := h.db.OutgoingSince(context.Background(), 0)
	if err != nil {
		t.Fatal(err)
	}
	failed := 0
	for _, m := range ms {
		if m.State == sqlite.OutboxFailed {
			failed++
			if m.Error != "not_in_channel" {
				t.Errorf("failure reason = %q, want not_in_channel", m.Error)
			}
		}
	}
	if failed != 1 {
		t.Errorf("%d failed messages, want 1", failed)
	}
}

func TestFailedMessageFailsItsDependents(t *testing.T) {
	h := newHarness(t, nil)
	in, _ := h.ask(asker, general, "How can I roll back a kubernetes deployment?")
	h.handle(in)
	// The channel is archived before the question is posted.
	h.srv.AddChannel(fakeslack.Channel{ID: general, Name: "general", Archived: true, Members: []string{fakeslack.BotUserID, asker, expert1}})
	h.deliver()
	if n := len(h.srv.CallsTo("chat.postMessage")); n != 1 {
		t.Errorf("%d posts, want 1: the DM and the note point at a question never posted", n)
	}
	if n := h.pending(); n != 0 {
		t.Errorf("%d pending, want 0", n)
	}
}

func TestClassify(t *testing.T) {
	for _, c := range []struct {
		name      string
		err       error
		permanent bool
		min, max  time.Duration
	}{
		{"rate limited", &slack.RateLimitedError{RetryAfter: 30 * time.Second}, false, 30 * time.Second, 30 * time.Second},
		{"rate limited without a wait", &slack.RateLimitedError{}, false, time.Second, time.Second},
		{"server error", slack.StatusCodeError{Code: 503}, false, time.Second, 2 * time.Second},
		{"client error", slack.StatusCodeError{Code: 404}, true, 0, 0},
		{"refused", slack.SlackErrorResponse{Err: "channel_not_found"}, true, 0, 0},
		{"invalid blocks", fmt.Errorf("post: %w", slack.SlackErrorResponse{Err: "invalid_blocks"}), true, 0, 0},
		{"slack internal error", slack.SlackErrorResponse{Err: "internal_error"}, false, time.Second, 2 * time.Second},
		{"network", errors.New("connection reset"), false, time.Second, 2 * time.Second},
		{"bad payload", permanentError{errors.New("bad")}, true, 0, 0},
	} {
		wait, permanent := classify(c.err, 0)
		if permanent != c.permanent || wait < c.min || wait > c.max {
			t.Errorf("%s: classify = %v, %v; want permanent %v, wait in [%v, %v]", c.name, wait, permanent, c.permanent, c.min, c.max)
		}
	}
}

func TestBackoffGrowsToItsCap(t *testing.T) {
	prev := time.Duration(0)
	for attempts := range 30 {
		d := backoff(attempts)
		if d > backoffCap || d < backoffBase/2 {
			t.Fatalf("backoff(%d) = %v, want within [%v, %v]", attempts, d, backoffBase/2, backoffCap)
		}
		if attempts < 5 && d < prev/2 {
			t.Errorf("backoff(%d) = %v fell below half of the previous %v", attempts, d, prev)
		}
		prev = d
	}
	if d := backoff(100); d < backoffCap/2 {
		t.Errorf("backoff(100) = %v, want near the cap %v", d, backoffCap)
	}
}
