package slackapi

import (
	"context"
	"testing"
	"testing/synctest"
	"time"
)

// TestPaceKeepsWithinTiers runs the pacer on Slack's tiers (no Pace) on a
// fake clock: n+1 calls of a method allowed n a minute take a minute, no
// less (Slack would answer 429) and not much more (a backfill of a big
// workspace would take longer than it must), and each method waits only
// on its own calls.
func TestPaceKeepsWithinTiers(t *testing.T) {
	for _, tc := range []struct {
		method    string
		perMinute int
	}{
		{"conversations.history", 50}, // Tier 3
		{"conversations.replies", 50}, // Tier 3
		{"users.conversations", 50},   // Tier 3
		{"users.list", 20},            // Tier 2
		{"conversations.members", 100},
		{"a.method.not.listed", 20}, // the strictest tier used
	} {
		t.Run(tc.method, func(t *testing.T) {
			synctest.Test(t, func(t *testing.T) {
				p := newPacer(0)
				ctx := context.Background()
				start := time.Now()
				for range tc.perMinute + 1 {
					if err := p.wait(ctx, tc.method); err != nil {
						t.Fatal(err)
					}
				}
				if took := time.Since(start); took < time.Minute || took > time.Minute+time.Second {
					t.Errorf("%d calls took %v, want a minute", tc.perMinute+1, took)
				}
				other := time.Now()
				if err := p.wait(ctx, "auth.test"); err != nil || time.Since(other) != 0 {
					t.Errorf("auth.test waited %v (%v) on %s's calls", time.Since(other), err, tc.method)
				}
			})
		})
	}
}
