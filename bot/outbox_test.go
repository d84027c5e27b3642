package bot

import (
	"errors"
	"fmt"
	"testing"
	"time"

	"github.com/slack-go/slack"

	"github.com/nextdesk/nextdesk/knowledge"
)

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
		{"refused by the desk", knowledge.Errorf(knowledge.EINVALID, "no"), true, 0, 0},
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
