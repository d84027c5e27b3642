// Package bot is nextdesk's Slack adapter. Two transports (Socket Mode and
// the HTTP Events API) record what Slack sends in the inbox before
// acknowledging it; the Dispatcher hands each delivery from the inbox to
// the Bot, which turns it into calls of the desk (knowledge/desk) and what
// the desk refuses into replies, and tries again what failed. The
// Workspace reads Slack (people, presence, conversations) for the desk and
// for rendering; the Outbox renders the desk's notices to Block Kit, in
// each reader's language, and delivers them. It speaks to the store only
// through the small interfaces it defines (Cache, Notices, Inbox) and the
// desk's.
package bot

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"time"

	"github.com/slack-go/slack"
	"github.com/slack-go/slack/slackevents"

	"github.com/nextdesk/nextdesk/knowledge/desk"
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
	// Payload is what Slack sent, as the inbox keeps it: the
	// event_callback JSON of an event, the JSON of a command's fields, the
	// JSON payload of an interaction. It is what the handling reads after
	// a restart.
	Payload []byte
	// Retry is Slack's retry number (X-Slack-Retry-Num, or the envelope's
	// retry_attempt); 0 for a first delivery.
	Retry int
	// Received is when the delivery was recorded; a command's or a
	// click's response_url expires 30 minutes after.
	Received time.Time
}

// Kind names what in carries, for logs and metrics.
func (in Inbound) Kind() string {
	switch {
	case in.Event != nil:
		if in.Event.InnerEvent.Type != "" {
			return kindEvent + ":" + in.Event.InnerEvent.Type
		}
		return kindEvent
	case in.Command != nil:
		return kindCommand + ":" + in.Command.Command
	case in.Interaction != nil:
		return kindInteraction + ":" + string(in.Interaction.Type)
	}
	return "unknown"
}

// What an Inbound carries, as the first part of its Kind.
const (
	kindEvent       = "event"
	kindCommand     = "command"
	kindInteraction = "interaction"
)

// delivery is in as the inbox keeps it.
func (in Inbound) delivery() desk.Delivery {
	return desk.Delivery{Key: in.Key, Kind: in.Kind(), Payload: in.Payload, Retry: in.Retry, Received: in.Received}
}

// inboundOf reads a delivery the inbox kept back into an Inbound. It
// returns an error when the payload no longer parses, which only a change
// of the payload's form between versions could cause.
func inboundOf(d desk.Delivery) (Inbound, error) {
	in := Inbound{Key: d.Key, Payload: d.Payload, Retry: d.Retry, Received: d.Received}
	form, _, _ := strings.Cut(d.Kind, ":")
	switch form {
	case kindEvent:
		ev, _, err := parseEventCallback(d.Payload)
		if err != nil {
			return in, fmt.Errorf("delivery %s: event: %w", d.Key, err)
		}
		in.Event = &ev
	case kindCommand:
		var cmd slack.SlashCommand
		if err := json.Unmarshal(d.Payload, &cmd); err != nil {
			return in, fmt.Errorf("delivery %s: command: %w", d.Key, err)
		}
		in.Command = &cmd
	case kindInteraction:
		var ic slack.InteractionCallback
		if err := json.Unmarshal(d.Payload, &ic); err != nil {
			return in, fmt.Errorf("delivery %s: interaction: %w", d.Key, err)
		}
		in.Interaction = &ic
	default:
		return in, fmt.Errorf("delivery %s: unknown kind %q", d.Key, d.Kind)
	}
	return in, nil
}

// Handler does the work an Inbound asks for. The Dispatcher calls it once
// the delivery is in the inbox and Slack was acknowledged, and again after
// a failure or a restart: it must be safe to call again with the same Key
// (it does nothing the second time).
type Handler interface {
	Handle(ctx context.Context, in Inbound) error
}
