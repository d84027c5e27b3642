package desk_test

import (
	"context"
	"errors"
	"testing"

	"github.com/nextdesk/nextdesk/internal/badinput"
	"github.com/nextdesk/nextdesk/knowledge/desk"
)

// FuzzAsk asks the desk any text, the four ways a question comes (a
// mention in a channel, /ask there, and both without one's name): a text
// that asks nothing is refused with ErrUsage, any other is asked, and
// every message about it quotes it as it was written.
func FuzzAsk(f *testing.F) {
	for _, s := range badinput.Texts() {
		for how := range uint8(4) {
			f.Add(s, how)
		}
	}
	f.Fuzz(func(t *testing.T, text string, how uint8) {
		w := newWorld(t, nil)
		q := [...]func(string, string) desk.Question{inGeneral, slashAsk, anonInGeneral, anonDirect}[how%4]("1.000100", text)
		err := w.desk.Ask(context.Background(), q)
		if !desk.Asks(text) {
			if !errors.Is(err, desk.ErrUsage) {
				t.Fatalf("Ask(%q) = %v, want ErrUsage", text, err)
			}
			return
		}
		if err != nil {
			t.Fatalf("Ask(%q): %v", text, err)
		}
		for _, s := range w.saidSince(1) {
			if quote, ok := quoteOf(s.Body); ok && quote != (desk.Quote{}) && quote != (desk.Quote{Typed: text}) && quote != (desk.Quote{Plain: text}) {
				t.Fatalf("Ask(%q): %s quotes %+v", text, s.Key, quote)
			}
		}
	})
}

// quoteOf returns the question a notice quotes, if it quotes one.
func quoteOf(b desk.Body) (desk.Quote, bool) {
	switch b := b.(type) {
	case desk.QuestionPosted:
		return b.Text, true
	case desk.ExpertAsked:
		return b.Text, true
	case desk.FallbackAsked:
		return b.Text, true
	case desk.Earlier:
		return b.Text, true
	case desk.Reminder:
		return b.Text, true
	case desk.Relayed:
		return b.Text, true
	case desk.TeamAsked:
		return b.Text, true
	case desk.PromiseDue:
		return b.Text, true
	}
	return desk.Quote{}, false
}
