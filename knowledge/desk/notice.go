package desk

import (
	"encoding/json"
	"fmt"
	"time"

	"github.com/nextdesk/nextdesk/knowledge"
)

// A Notice is something the desk decided to tell someone, recorded in the
// transaction that decided it and delivered after it commits. It says what
// is meant, in domain terms; the chat adapter writes it in the reader's
// language, with its links resolved, when it delivers it.
type Notice struct {
	// Key makes recording idempotent: a notice whose key was recorded
	// before is not recorded again. The cards a person can click carry
	// the key of what they are about (see RouteKey), so a click can name
	// the card it settles.
	Key string
	To  Address
	// Reader is the person whose language the notice is written in; empty
	// for the workspace's language (a channel read by many).
	Reader string
	// After is the id of a notice that must be delivered first: this one
	// goes to that notice's conversation when To names none, into the
	// thread it started when To.InThread is set, and links to that thread
	// when its body holds a Link with Started set. A notice waiting on one
	// that failed fails too.
	After int64
	// Place is what delivering the notice teaches about a question.
	Place Place
	Body  Body
}

// Address is where a notice goes.
type Address struct {
	// Conversation is a conversation's id, a person's id (their direct
	// messages with the bot), or a channel's "#name"; empty with After
	// for the conversation After opened.
	Conversation string `json:"conversation,omitempty"`
	// Thread is the thread to write in, if any.
	Thread string `json:"thread,omitempty"`
	// InThread puts the notice in the thread the notice After started.
	InThread bool `json:"in_thread,omitempty"`
	// Only, when set, shows the notice to that person alone, in
	// Conversation.
	Only string `json:"only,omitempty"`
	// Reply is the chat tool's address for answering a command or a click
	// privately (Slack's response_url); the fields above are then unused.
	Reply string `json:"reply,omitempty"`
	// Until is when Reply stops working (Slack's response_url lives 30
	// minutes); zero when it does not expire. A notice delivered later
	// goes to its Reader directly instead.
	Until time.Time `json:"until,omitzero"`
}

// Empty reports whether a names nowhere to write.
func (a Address) Empty() bool { return a.Conversation == "" && a.Reply == "" }

// Place says that delivering a notice puts a question somewhere: into the
// conversation the notice went to (a group DM just opened, whose members
// are Members) and, when Thread is set, into the thread the notice starts.
type Place struct {
	QuestionID string
	Members    []string
	Thread     bool
	// Relay, set alone with QuestionID, says instead that the notice
	// starts the thread of an anonymous question's relay, in its asker's
	// direct messages with the bot (see Anonymous): the question stays
	// where it is.
	Relay bool
}

// Link points to a thread: Conversation and Thread when they are known, or,
// with Started, the thread the notice After starts, known once that one is
// delivered. The zero Link points nowhere.
type Link struct {
	Conversation string `json:"conversation,omitempty"`
	Thread       string `json:"thread,omitempty"`
	Started      bool   `json:"started,omitempty"`
}

// Known reports whether l points somewhere.
func (l Link) Known() bool { return l.Started || (l.Conversation != "" && l.Thread != "") }

// Kind names the type of a notice's Body.
type Kind string

// Notice kinds.
const (
	KindQuestionPosted Kind = "question_posted"
	KindInstantAnswer  Kind = "instant_answer"
	KindGroupDM        Kind = "group_dm"
	KindExpertAsked    Kind = "expert_asked"
	KindAskerTold      Kind = "asker_told"
	KindFallbackAsked  Kind = "fallback_asked"
	KindAnswerCheck    Kind = "answer_check"
	KindReply          Kind = "reply"
	KindProfile        Kind = "profile"
	KindDigest         Kind = "digest"
	KindEarlier        Kind = "earlier"
	KindReminder       Kind = "reminder"
	KindCardClosed     Kind = "card_closed"
)

// Body is what a notice says; each kind has its own type.
type Body interface {
	Kind() Kind
}

// Quote is what a person wrote, shown back to others: as they typed it,
// in the chat tool's markup, when that is known, else as plain text.
type Quote struct {
	Typed string `json:"typed,omitempty"`
	Plain string `json:"plain,omitempty"`
}

// QuestionPosted starts a question's thread in a channel: who asks (empty
// for an anonymous question), and what.
type QuestionPosted struct {
	Asker string `json:"asker"`
	Text  Quote  `json:"text"`
}

// InstantAnswer offers a past answer to a new question, with buttons to
// say whether it solves it.
type InstantAnswer struct {
	// Question is the new question.
	Question string           `json:"question"`
	Answer   knowledge.Answer `json:"answer"`
	// Source is the thread the past answer was given in.
	Source     Link    `json:"source"`
	Confidence float64 `json:"confidence"`
	// PickedBy is the expert who pointed to this answer ("Already
	// answered"); empty when the desk found it itself.
	PickedBy string `json:"picked_by,omitempty"`
}

// GroupDM opens a group conversation of Members, where a private question
// is asked of an expert.
type GroupDM struct {
	Members []string `json:"members"`
}

// ExpertAsked asks an expert to answer a question, and why them. Asker is
// empty for an anonymous question, as in every notice that names one.
type ExpertAsked struct {
	Route int64  `json:"route"`
	Asker string `json:"asker"`
	Text  Quote  `json:"text"`
	// Evidence is the past questions the expert answered that make them
	// the one to ask, among those they may see, each once.
	Evidence []Evidence `json:"evidence,omitempty"`
	// Thread is where to answer; the zero Link when the notice itself
	// starts the thread (a group DM).
	Thread Link `json:"thread"`
	// Team and Topic are, for a question a team took, the expert's team
	// and the topic it matched: why them, with or without evidence.
	Team  string `json:"team,omitempty"`
	Topic string `json:"topic,omitempty"`
}

// Evidence is one past question an expert answered, with its thread.
type Evidence struct {
	Question string `json:"question"`
	Text     string `json:"text"`
	Thread   Link   `json:"thread"`
	// Asked is true when the expert asked the question and someone else
	// answered it, rather than answered it themselves.
	Asked bool `json:"asked,omitempty"`
}

// Gap says why a question the desk gives up on found nobody to answer it.
type Gap string

// Why nobody answers.
const (
	// GapNobodyKnown: nobody answered anything like it before.
	GapNobodyKnown Gap = "nobody_known"
	// GapNobodyAvailable: those who know are away, busy, snoozed or opted
	// out, so nobody was asked.
	GapNobodyAvailable Gap = "nobody_available"
	// GapAllPassed: everyone asked passed it on.
	GapAllPassed Gap = "all_passed"
	// GapTimedOut: the last one asked did not answer in time.
	GapTimedOut Gap = "timed_out"
	// GapNoAnswer: those asked passed it on or did not answer in time.
	GapNoAnswer Gap = "no_answer"
)

// Told is what the asker is told of their question's course.
type Told string

// What the asker is told.
const (
	ToldAsked          Told = "asked"           // Expert was asked
	ToldAskedPrivately Told = "asked_privately" // Expert was asked in a group DM with the asker
	ToldEscalated      Told = "escalated"       // Previous did not answer in time; Expert was asked
	ToldPassed         Told = "passed"          // Previous passed it on; Expert was asked
	ToldReleased       Told = "released"        // Previous took it but never answered; Expert was asked
	ToldNobody         Told = "nobody"          // nobody answers (Gap says why); nobody else is asked
	ToldFallback       Told = "fallback"        // nobody answers (Gap says why); Fallback was asked
	ToldTaken          Told = "taken"           // Expert took it
)

// AskerTold tells the asker how their question moves.
type AskerTold struct {
	What     Told   `json:"what"`
	Expert   string `json:"expert,omitempty"`
	Previous string `json:"previous,omitempty"`
	Fallback string `json:"fallback,omitempty"`
	// Gap and Asked say, for a question given up, why nobody answers and
	// how many experts were asked.
	Gap   Gap `json:"gap,omitempty"`
	Asked int `json:"asked,omitempty"`
	// Team is, when a team takes the question now, which team and what it
	// promised.
	Team *Promised `json:"team,omitempty"`
	// Choice is the button offered with it, if any.
	Choice Choice `json:"choice,omitempty"`
}

// FallbackAsked asks a whole channel about a question nobody answered,
// saying why (Gap, after Asked experts). A private question is not shown:
// only that its asker needs help.
type FallbackAsked struct {
	Asker   string `json:"asker"`
	Text    Quote  `json:"text"`
	Private bool   `json:"private,omitempty"`
	Thread  Link   `json:"thread"`
	Gap     Gap    `json:"gap,omitempty"`
	Asked   int    `json:"asked,omitempty"`
}

// Earlier offers the expert of Route the earlier threads that may answer
// the question, to pick one ("Already answered"): it replaces the card
// they clicked.
type Earlier struct {
	Route int64  `json:"route"`
	Asker string `json:"asker"`
	Text  Quote  `json:"text"`
	// Options are the closest answered questions that both the expert
	// and the question's readers may see, best first.
	Options []Option `json:"options"`
}

// Option is an earlier answered question an expert may pick.
type Option struct {
	Question string           `json:"question"`
	Text     string           `json:"text"`
	Answer   knowledge.Answer `json:"answer"`
	Thread   Link             `json:"thread"`
}

// Reminder reminds the expert of Route, who took a question at Taken and
// has not answered, where to answer; Last is set on the last reminder,
// after which the question goes to someone else at Next.
type Reminder struct {
	Route  int64     `json:"route"`
	Asker  string    `json:"asker"`
	Text   Quote     `json:"text"`
	Thread Link      `json:"thread"`
	Taken  time.Time `json:"taken"`
	Last   bool      `json:"last,omitempty"`
	Next   time.Time `json:"next,omitzero"`
	// Promise is, for a team's question, what the team promised.
	Promise *Promised `json:"promise,omitempty"`
}

// Closed is why an expert's card no longer waits for them.
type Closed string

// Why a card closes.
const (
	ClosedAnswered Closed = "answered"  // By answered in the thread
	ClosedSolved   Closed = "solved"    // the asker marked it solved
	ClosedPassedOn Closed = "passed_on" // it went to By (or, with By empty, to nobody else) without their answer
)

// CardClosed shows the card that asked the expert of Route again, without
// its buttons, saying why it no longer waits for them: it changes the
// message the notice After posted.
type CardClosed struct {
	Route int64  `json:"route"`
	Why   Closed `json:"why"`
	By    string `json:"by,omitempty"`
}

// AnswerCheck asks the asker, privately, whether a reply solved their
// question, with a button to say so.
type AnswerCheck struct {
	Answerer string `json:"answerer"`
	Answer   string `json:"answer"`
}

// Reply answers a person's command or click. Say is what to tell them;
// the other fields are what that message names.
type Reply struct {
	Say    Say       `json:"say"`
	Person string    `json:"person,omitempty"`
	Link   Link      `json:"link"`
	Until  time.Time `json:"until,omitzero"`
	// Detail is a word the person typed, or a message to show as written.
	Detail string `json:"detail,omitempty"`
	// Settle is the key of the card the person clicked: it is shown again
	// without its buttons, with the reply under it.
	Settle string `json:"settle,omitempty"`
	// Route is the route of a question the person took: its settled card
	// keeps the button that passes it on.
	Route int64 `json:"route,omitempty"`
	// Count is a number the message gives (a limit reached).
	Count int `json:"count,omitempty"`
	// Channel and Teams are a channel and teams the message names (their
	// names, comma-separated: a Reply stays comparable).
	Channel string `json:"channel,omitempty"`
	Teams   string `json:"teams,omitempty"`
	// Choice is the button offered with the message, if any.
	Choice Choice `json:"choice,omitempty"`
}

// Profile shows a person what they are known for and what waits for them.
type Profile struct {
	Person   string                  `json:"person"`
	Stats    knowledge.AnswererStats `json:"stats"`
	Topics   []string                `json:"topics,omitempty"`
	Answered []string                `json:"answered,omitempty"`
	Waiting  []Waiting               `json:"waiting,omitempty"`
	// Routes counts every question waiting for them; Waiting lists the
	// first few.
	Routes int                   `json:"routes"`
	Prefs  knowledge.Preferences `json:"prefs"`
	Now    time.Time             `json:"now"`
}

// Waiting is a question waiting for an expert, with its thread.
type Waiting struct {
	Text   string `json:"text"`
	Thread Link   `json:"thread"`
}

// Digest is the weekly digest of Week (an ISO week, "2026-W47"), read in
// time zone Zone: the channel's when Person is empty, else the personal
// digest of Person. It is composed from the store when delivered.
type Digest struct {
	Week   string `json:"week"`
	Zone   string `json:"zone,omitempty"`
	Person string `json:"person,omitempty"`
}

// Kind implementations.

func (QuestionPosted) Kind() Kind { return KindQuestionPosted }
func (InstantAnswer) Kind() Kind  { return KindInstantAnswer }
func (GroupDM) Kind() Kind        { return KindGroupDM }
func (ExpertAsked) Kind() Kind    { return KindExpertAsked }
func (AskerTold) Kind() Kind      { return KindAskerTold }
func (FallbackAsked) Kind() Kind  { return KindFallbackAsked }
func (AnswerCheck) Kind() Kind    { return KindAnswerCheck }
func (Reply) Kind() Kind          { return KindReply }
func (Profile) Kind() Kind        { return KindProfile }
func (Digest) Kind() Kind         { return KindDigest }
func (Earlier) Kind() Kind        { return KindEarlier }
func (Reminder) Kind() Kind       { return KindReminder }
func (CardClosed) Kind() Kind     { return KindCardClosed }

// envelope is how a notice's address, reader and body are stored.
type envelope struct {
	To     Address         `json:"to"`
	Reader string          `json:"reader,omitempty"`
	Body   json.RawMessage `json:"body"`
}

// Encode returns what a store keeps of n besides its key, After and Place:
// its kind, and its address, reader and body as JSON.
func (n Notice) Encode() (Kind, []byte, error) {
	if n.Body == nil {
		return "", nil, knowledge.Errorf(knowledge.EINVALID, "Notice %s says nothing.", n.Key)
	}
	body, err := json.Marshal(n.Body)
	if err != nil {
		return "", nil, fmt.Errorf("encode notice %s: %w", n.Key, err)
	}
	payload, err := json.Marshal(envelope{To: n.To, Reader: n.Reader, Body: body})
	if err != nil {
		return "", nil, fmt.Errorf("encode notice %s: %w", n.Key, err)
	}
	return n.Body.Kind(), payload, nil
}

// Decode fills n's address, reader and body from what Encode returned. It
// returns an EINVALID error for a kind it does not know, such as one
// written by a newer nextdesk.
func (n *Notice) Decode(kind Kind, payload []byte) error {
	var env envelope
	if err := json.Unmarshal(payload, &env); err != nil {
		return fmt.Errorf("decode notice %s: %w", n.Key, err)
	}
	var (
		body Body
		err  error
	)
	switch kind {
	case KindQuestionPosted:
		body = decodeAs[QuestionPosted](env.Body, &err)
	case KindInstantAnswer:
		body = decodeAs[InstantAnswer](env.Body, &err)
	case KindGroupDM:
		body = decodeAs[GroupDM](env.Body, &err)
	case KindExpertAsked:
		body = decodeAs[ExpertAsked](env.Body, &err)
	case KindAskerTold:
		body = decodeAs[AskerTold](env.Body, &err)
	case KindFallbackAsked:
		body = decodeAs[FallbackAsked](env.Body, &err)
	case KindAnswerCheck:
		body = decodeAs[AnswerCheck](env.Body, &err)
	case KindReply:
		body = decodeAs[Reply](env.Body, &err)
	case KindProfile:
		body = decodeAs[Profile](env.Body, &err)
	case KindDigest:
		body = decodeAs[Digest](env.Body, &err)
	case KindEarlier:
		body = decodeAs[Earlier](env.Body, &err)
	case KindReminder:
		body = decodeAs[Reminder](env.Body, &err)
	case KindCardClosed:
		body = decodeAs[CardClosed](env.Body, &err)
	case KindAnonymousReceipt:
		body = decodeAs[AnonymousReceipt](env.Body, &err)
	case KindRelayed:
		body = decodeAs[Relayed](env.Body, &err)
	case KindTeamAsked:
		body = decodeAs[TeamAsked](env.Body, &err)
	case KindPromiseDue:
		body = decodeAs[PromiseDue](env.Body, &err)
	case KindTeamsShown:
		body = decodeAs[TeamsShown](env.Body, &err)
	case KindTeamReview:
		body = decodeAs[TeamReview](env.Body, &err)
	default:
		return knowledge.Errorf(knowledge.EINVALID, "Notice %s is of unknown kind %q.", n.Key, kind)
	}
	if err != nil {
		return fmt.Errorf("decode notice %s: %w", n.Key, err)
	}
	n.To, n.Reader, n.Body = env.To, env.Reader, body
	return nil
}

// decodeAs decodes raw as a T, recording a failure in *errp.
func decodeAs[T Body](raw json.RawMessage, errp *error) Body {
	var v T
	*errp = json.Unmarshal(raw, &v)
	return v
}

// OutboxState is where a notice's delivery stands.
type OutboxState string

// Delivery states: pending until delivered, or failed for good.
const (
	OutboxPending OutboxState = "pending"
	OutboxSent    OutboxState = "sent"
	OutboxFailed  OutboxState = "failed"
)

// Outgoing is a recorded notice and where its delivery stands.
type Outgoing struct {
	ID int64
	Notice
	// AfterChannel and AfterTS are the result of delivering After: the
	// conversation it went to or opened, and the message it posted.
	AfterChannel, AfterTS string
	State                 OutboxState
	// Attempts counts the claims to deliver it. One whose outcome was not
	// recorded, because the deliverer died mid-call, still counts: the
	// chat tool may have the message.
	Attempts  int
	DueAt     time.Time
	CreatedAt time.Time
	SentAt    time.Time
	// Channel and TS are the delivery's result: the conversation written
	// to or opened, and the message posted.
	Channel, TS string
	Error       string
}
