// Package bot turns Slack events into nextdesk's domain calls and domain
// results into Slack messages. Two transports (Socket Mode and the HTTP
// Events API) feed the same Handler.
package bot

import (
	"context"
	"time"

	"github.com/slack-go/slack"
	"github.com/slack-go/slack/slackevents"
)

// Inbound is one thing Slack sent, whichever transport carried it. Exactly
// one of Event, Command and Interaction is set.
type Inbound struct {
	// Key identifies the delivery for deduplication: the Events API
	// event_id, or the trigger_id of a slash command or an interaction.
	// Slack retries and Socket Mode redeliveries carry the same key.
	Key         string
	Event       *slackevents.EventsAPIEvent
	Command     *slack.SlashCommand
	Interaction *slack.InteractionCallback
	// Retry is Slack's retry number (X-Slack-Retry-Num, or the envelope's
	// retry_attempt); 0 for a first delivery.
	Retry    int
	Received time.Time
}

// Kind names what in carries, for logs and metrics.
func (in Inbound) Kind() string {
	switch {
	case in.Event != nil:
		if in.Event.InnerEvent.Type != "" {
			return "event:" + in.Event.InnerEvent.Type
		}
		return "event"
	case in.Command != nil:
		return "command:" + in.Command.Command
	case in.Interaction != nil:
		return "interaction:" + string(in.Interaction.Type)
	}
	return "unknown"
}

// Handler does the work an Inbound asks for. Transports acknowledge Slack
// first and call Handle afterwards, on a bounded pool: Handle may be slow,
// and it must be safe to call again with the same Key (it does nothing the
// second time).
type Handler interface {
	Handle(ctx context.Context, in Inbound) error
}
