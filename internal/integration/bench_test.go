package integration_test

import (
	"fmt"
	"testing"

	"github.com/nextdesk/nextdesk/bot"
)

// BenchmarkAsk measures one /ask from the moment the transport hands it
// over until its handling transaction commits (reads from the fake Slack
// over HTTP, search and ranking, SQLite write), without delivery.
//
//	go test ./internal/integration -run '^$' -bench Ask -benchtime 200x
func BenchmarkAsk(b *testing.B) {
	for _, c := range []struct{ name, text string }{
		{"instant", "How do I reset my VPN password?"},
		{"routed", "How can I roll back a kubernetes deployment without downtime?"},
	} {
		b.Run(c.name, func(b *testing.B) {
			h := newHarness(b, func(cfg *config) { cfg.MaxOpen = 1 << 30 })
			ins := make([]bot.Inbound, b.N)
			for i := range ins {
				ins[i], _ = h.ask(asker, general, fmt.Sprintf("%s (%d)", c.text, i))
			}
			b.ResetTimer()
			for i := range b.N {
				h.handle(ins[i])
			}
		})
	}
}

// BenchmarkDeliver measures the outbox: sending the three messages of a
// routed question to the fake Slack and recording them.
//
//	go test ./internal/integration -run '^$' -bench Deliver -benchtime 200x
func BenchmarkDeliver(b *testing.B) {
	h := newHarness(b, func(cfg *config) { cfg.MaxOpen = 1 << 30 })
	for i := range b.N {
		in, _ := h.ask(asker, general, fmt.Sprintf("How can I roll back a kubernetes deployment without downtime? (%d)", i))
		h.handle(in)
	}
	b.ResetTimer()
	h.deliver()
	b.StopTimer()
	if n := h.pending(); n != 0 {
		b.Fatalf("%d messages left", n)
	}
}
