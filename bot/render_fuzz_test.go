package bot

import (
	"context"
	"encoding/json"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/slack-go/slack"

	"github.com/nextdesk/nextdesk/importer/teams"
	"github.com/nextdesk/nextdesk/internal/badinput"
	"github.com/nextdesk/nextdesk/internal/fakeslack"
	"github.com/nextdesk/nextdesk/knowledge"
	"github.com/nextdesk/nextdesk/knowledge/desk"
)

// FuzzRender renders the messages that show what someone wrote (a
// question, an answer, a team's name, its review) with any text, typed in
// Slack's markup or kept as plain text: each is a message Slack accepts (its
// blocks within Block Kit's limits, as the fake Slack checks them, its
// text within 40,000 characters) and none notifies a whole channel again.
func FuzzRender(f *testing.F) {
	for _, s := range badinput.Texts() {
		f.Add(s, true, false)
		f.Add(s, false, true)
	}
	f.Fuzz(func(t *testing.T, text string, typed, french bool) {
		lang := "en"
		if french {
			lang = "fr"
		}
		q := desk.Quote{Plain: text}
		if typed {
			q = desk.Quote{Typed: text}
		}
		// Names of teams and topics, as a teams file allows them.
		name := text
		if r := []rune(text); len(r) > teams.MaxName {
			name = string(r[:teams.MaxName])
		}
		when := time.Date(2026, 3, 2, 9, 30, 0, 0, time.UTC)
		answer := knowledge.Answer{ID: "a1", Answerer: "U0BOB0001", Text: text, Time: when}
		promise := desk.Promised{Team: name, Topic: name, FirstResponse: time.Hour, Resolution: 8 * time.Hour, FirstDue: when, ResolutionDue: when, Day: 8 * time.Hour}
		bodies := []desk.Body{
			desk.QuestionPosted{Asker: "U0ALICE01", Text: q},
			desk.QuestionPosted{Text: q},
			desk.InstantAnswer{Question: "ask:T1", Answer: answer},
			desk.InstantAnswer{Question: "ask:T1", Answer: answer, PickedBy: "U0CAROL01"},
			desk.ExpertAsked{Route: 42, Asker: "U0ALICE01", Text: q, Team: name, Topic: name,
				Evidence: []desk.Evidence{{Question: "q1", Text: text}, {Question: "q2", Text: text, Asked: true}}},
			desk.ExpertAsked{Route: 43, Text: q},
			desk.Earlier{Route: 42, Asker: "U0ALICE01", Text: q, Options: []desk.Option{
				{Question: "q1", Text: text, Answer: answer}, {Question: "q2", Text: text, Answer: answer}}},
			desk.Reminder{Route: 42, Asker: "U0ALICE01", Text: q, Taken: when, Promise: &promise},
			desk.FallbackAsked{Asker: "U0ALICE01", Text: q, Gap: desk.GapTimedOut, Asked: 2},
			desk.FallbackAsked{Text: q, Gap: desk.GapNobodyKnown},
			desk.Relayed{From: "U0BOB0001", Text: q, Answer: "a1"},
			desk.Relayed{Text: q},
			desk.TeamAsked{Promise: promise, Asker: "U0ALICE01", Text: q, Gap: desk.GapNobodyKnown},
			desk.TeamAsked{Promise: promise, Text: q, Private: true},
			desk.PromiseDue{Deadline: knowledge.FirstResponse, Promise: promise, To: desk.ToHolder, Asker: "U0ALICE01", Text: q, Route: 42},
			desk.PromiseDue{Deadline: knowledge.Resolution, Step: knowledge.StepBreach, Promise: promise, To: desk.ToChannel, Asker: "U0ALICE01", Text: q},
			desk.TeamsShown{Person: "U0ALICE01", Teams: []desk.TeamCard{{Name: name, Channel: "#" + text, Topics: []string{name},
				Promises: []knowledge.Promise{{Topic: name, From: name, FirstResponse: time.Hour}}}}},
			desk.TeamsShown{Person: "U0ALICE01", Others: []desk.TeamCard{{Name: name, Channel: text}}},
		}
		// Addressed to a channel by name, so that rendering asks Slack
		// nothing (whether an id names a shared channel).
		o := &Outbox{cfg: OutboxConfig{Lang: lang}}
		for _, body := range bodies {
			c, err := o.render(context.Background(), desk.Outgoing{Notice: desk.Notice{Key: "k", To: desk.Address{Conversation: "#help"}, Body: body}})
			if err != nil {
				t.Fatalf("render %T of %q: %v", body, text, err)
			}
			accepted(t, body, c.text, c.blocks)
		}
		// A team's review, composed from the questions it took.
		asked := when.AddDate(0, -1, 0)
		took := []knowledge.TeamAsk{
			{QuestionID: "q1", Team: name, Topic: name, Requester: "Sales", AskedAt: asked},
			{QuestionID: "q2", Team: "Sales", Topic: name, Requester: name, AskedAt: asked},
		}
		review := desk.TeamReview{Team: name, Since: when.AddDate(0, -6, 0), Until: when}
		ro := &Outbox{cfg: o.cfg, store: teamAsks{asks: took}}
		c, err := ro.render(context.Background(), desk.Outgoing{Notice: desk.Notice{Key: "k", To: desk.Address{Conversation: "#help"}, Body: review}})
		if err != nil {
			t.Fatalf("render the review of %q: %v", name, err)
		}
		accepted(t, review, c.text, c.blocks)

		p := profile{Topics: []string{text}, Answered: []string{text, text}, Waiting: []waiting{{Text: text}}, Now: when}
		accepted(t, p, "", profileBlocks(lang, p))
	})
}

// accepted fails the test unless Slack would accept a message of text and
// blocks (about what, rendered) and post it without notifying a whole
// channel.
func accepted(t *testing.T, what any, text string, blocks []slack.Block) {
	t.Helper()
	raw, err := json.Marshal(capped(blocks))
	if err != nil {
		t.Fatalf("%T: blocks are not JSON: %v", what, err)
	}
	if blocks != nil {
		if problems := fakeslack.ValidateBlocks(raw); len(problems) > 0 {
			t.Fatalf("%T: Slack refuses the blocks: %v\n%s", what, problems, fakeslack.Readable(raw))
		}
	}
	if n := utf8.RuneCountInString(text); n > fakeslack.MaxMessageChars {
		t.Fatalf("%T: a text of %d characters", what, n)
	}
	if strings.TrimSpace(text) == "" && blocks == nil {
		t.Fatalf("%T: a message with neither text nor blocks", what)
	}
	if found, err := fakeslack.Broadcasts(text, raw); err != nil {
		t.Fatal(err)
	} else if len(found) > 0 {
		t.Fatalf("%T: %q would notify the whole channel", what, found)
	}
}

// teamAsks is a store of the questions teams took, all that rendering a
// team's review reads.
type teamAsks struct {
	Notices
	asks []knowledge.TeamAsk
}

func (s teamAsks) TeamAsks(context.Context, time.Time, time.Time) ([]knowledge.TeamAsk, error) {
	return s.asks, nil
}
