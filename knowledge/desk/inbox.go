package desk

import (
	"errors"
	"time"
)

// Delivery is something the chat tool sent (an event, a command, a click),
// kept in the inbox from the moment it is recorded, before the chat tool is
// told it arrived, until it is handled: a crash, a restart or an outage in
// between loses nothing, and the handling is tried again until it succeeds
// or the delivery is too old and is parked for an operator to see.
type Delivery struct {
	// Key identifies the delivery, as Request.Key does; the chat tool's
	// redeliveries carry the same key.
	Key string
	// Kind says what it carries, for logs and metrics
	// ("event:app_mention", "command:/ask", "interaction:block_actions").
	Kind string
	// Payload is what the chat tool sent, in the form the chat adapter
	// reads it again; the desk does not look inside.
	Payload []byte
	// Retry is the chat tool's redelivery number when it was recorded.
	Retry int
	// Received is when it was recorded.
	Received time.Time
	// Since is when its bounded age started: Received, or when an operator
	// gave a parked delivery another chance.
	Since time.Time
	// Attempts counts the handlings started, finished or not.
	Attempts int
	// DueAt is when it is tried next.
	DueAt time.Time
	// Parked is set when it will not be tried again on its own.
	Parked bool
	// Error is why the last attempt failed, or why it was parked.
	Error string
}

// InboxStats says how the inbox stands.
type InboxStats struct {
	// Pending counts the deliveries waiting to be handled or being
	// handled; Parked those set aside.
	Pending, Parked int
	// OldestDue is the earliest due time of a delivery waiting for a
	// handler (not one being handled); zero when none waits.
	OldestDue time.Time
	// OldestReceived is when the oldest pending delivery was received;
	// zero when none is pending.
	OldestReceived time.Time
}

// ErrNotYet says that a request names something the desk has not recorded
// yet but is about to, as far as it can tell: a check mark on a reply, or
// the asker's thanks, that overtook the reply itself. The delivery is tried
// again a little later, for a bounded time, instead of being dropped.
var ErrNotYet = errors.New("desk: what this names is not recorded yet")

// ErrAfterEarlier says that a request names something the desk does not
// know, which a delivery received before it may still record: a reply in
// a thread whose question is still waiting to be handled (during an
// outage, say). The delivery is tried again while such earlier deliveries
// are pending, and is otherwise about nothing the desk follows.
var ErrAfterEarlier = errors.New("desk: what this names may come with an earlier delivery")
