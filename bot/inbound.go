// Package bot is nextdesk's Slack adapter. Two transports (Socket Mode and
// the HTTP Events API) feed the same Handler, the Bot, which turns what
// Slack sends into calls of the desk (knowledge/desk) and what the desk
// refuses into replies; the Workspace reads Slack (people, presence,
// conversations) for the desk and for rendering; the Outbox renders the
// desk's notices to Block Kit, in each reader's language, and delivers
// them. It speaks to the store only through the small interfaces it
// defines (Cache, Notices) and the desk's.
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
