package integration_test

import (
	"context"
	"net/http"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/nextdesk/nextdesk/internal/fakeslack"
	"github.com/nextdesk/nextdesk/knowledge/desk"
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
	in, _ := h.ask(asker, general, "How can I roll back a kubernetes deployment without downtime?")
	h.handle(in)
	h.run()

	// Two refusals, then the question, the expert's DM and the note.
	calls := h.srv.WaitFor(t, "chat.postMessage", 5, 15*time.Second)
	if calls[1].Time.Sub(calls[0].Time) < time.Second {
		t.Errorf("retried after %v, want at least the Retry-After of 1s", calls[1].Time.Sub(calls[0].Time))
	}
	got := h.delivered("chat.postMessage")
	if got[general] != 2 || got[expert1] != 1 {
		t.Errorf("delivered per channel = %v, want 2 in #general and 1 DM", got)
	}
	if limited := value(h.metrics.SlackCalls.WithLabelValues("chat.postMessage", "rate_limited").(prometheus.Metric)); limited != 2 {
		t.Errorf("chat.postMessage calls rate limited = %v, want 2", limited)
	}
	// The fake records a call before its answer reaches the bot.
	ok := h.metrics.SlackCalls.WithLabelValues("chat.postMessage", "ok").(prometheus.Metric)
	for deadline := time.Now().Add(5 * time.Second); value(ok) < 3 && time.Now().Before(deadline); {
		time.Sleep(5 * time.Millisecond)
	}
	if got := value(ok); got != 3 {
		t.Errorf("chat.postMessage calls ok = %v, want 3", got)
	}
}

func TestRestartMidFlowSendsOneDM(t *testing.T) {
	h := newHarness(t, nil)
	in, _ := h.ask(asker, general, "How can I roll back a kubernetes deployment without downtime?")
	h.handle(in) // committed, nothing sent: the process stops here

	// The next process gets Slack's retry of the same command, then runs.
	h.wire()
	h.handle(in)
	stop := h.run()
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
	in, _ := h.ask(asker, general, "How can I roll back a kubernetes deployment without downtime?")
	h.handle(in)
	h.srv.FailNext("chat.postMessage", 1, http.StatusServiceUnavailable, 0)
	h.deliver()
	// The question post failed; what waits on it is not due either.
	if n := h.pending(); n != 3 {
		t.Fatalf("pending after a 503 = %d, want 3", n)
	}
	ms, err := h.store.OutgoingSince(context.Background(), 0)
	if err != nil {
		t.Fatal(err)
	}
	if ms[0].Attempts != 1 || !ms[0].DueAt.After(time.Now()) {
		t.Errorf("failed message = attempts %d due %v, want 1 attempt and a later due time", ms[0].Attempts, ms[0].DueAt)
	}
}

func TestPermanentFailureIsNotRetried(t *testing.T) {
	h := newHarness(t, func(c *config) { c.FallbackChannel = "C0NOTIN001" })
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
	ms, err := h.store.OutgoingSince(context.Background(), 0)
	if err != nil {
		t.Fatal(err)
	}
	failed := 0
	for _, m := range ms {
		if m.State == desk.OutboxFailed {
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
	in, _ := h.ask(asker, general, "How can I roll back a kubernetes deployment without downtime?")
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
