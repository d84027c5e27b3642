package slackapi

import (
	"context"
	"sync"
	"time"

	"golang.org/x/time/rate"
)

// tiers gives the least interval between two calls of each method used,
// from Slack's rate tiers: Tier 2 allows 20 calls a minute, Tier 3 50,
// Tier 4 100. Staying just under them leaves room for the running bot,
// which shares the token's limits.
var tiers = map[string]time.Duration{
	"auth.test":             time.Second,       // Special, generous
	"users.list":            time.Minute / 20,  // Tier 2
	"users.conversations":   time.Minute / 50,  // Tier 3
	"conversations.history": time.Minute / 50,  // Tier 3
	"conversations.replies": time.Minute / 50,  // Tier 3
	"conversations.members": time.Minute / 100, // Tier 4
	"":                      time.Minute / 20,  // any other: the strictest tier used
}

// pacer keeps each method's calls apart by its tier's interval.
type pacer struct {
	every time.Duration // replaces the tiers when not zero
	mu    sync.Mutex
	rates map[string]*rate.Limiter
}

func newPacer(every time.Duration) *pacer {
	return &pacer{every: every, rates: make(map[string]*rate.Limiter)}
}

// wait blocks until method may be called, or ctx ends.
func (p *pacer) wait(ctx context.Context, method string) error {
	p.mu.Lock()
	l := p.rates[method]
	if l == nil {
		every := p.every
		if every == 0 {
			var ok bool
			if every, ok = tiers[method]; !ok {
				every = tiers[""]
			}
		}
		l = rate.NewLimiter(rate.Every(every), 1)
		p.rates[method] = l
	}
	p.mu.Unlock()
	return l.Wait(ctx)
}
