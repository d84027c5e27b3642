// Package knowledge holds nextdesk's domain: who asked what, who answered,
// who may see it, and how a new question is routed to the person most likely
// to know. It imports no Slack and no search library; adapters in other
// packages implement the small interfaces declared here.
package knowledge

import (
	"strings"
	"time"
	"unicode"
	"unicode/utf8"
)

// ConversationKind says who can read a conversation.
type ConversationKind string

// Conversation kinds mirror Slack's: only a public channel is readable by
// everyone in the workspace; the others belong to their members.
const (
	KindPublic  ConversationKind = "public"  // public channel, or a source with no notion of privacy
	KindPrivate ConversationKind = "private" // private channel
	KindGroupDM ConversationKind = "mpim"    // group direct message
	KindDM      ConversationKind = "im"      // direct message between two people
)

// Valid reports whether k is one of the known kinds.
func (k ConversationKind) Valid() bool {
	switch k {
	case KindPublic, KindPrivate, KindGroupDM, KindDM:
		return true
	}
	return false
}

// Conversation is a place where questions are asked: a Slack channel, group
// DM or DM, or a whole Stack Exchange site.
type Conversation struct {
	ID   string // Slack id (C…, G…, D…) or a source-specific id such as "se:ai"
	Name string
	Kind ConversationKind
	// Members lists the people who may read a non-public conversation,
	// and the people in a shared one. It is ignored for other public ones.
	Members []string
	// Shared is true for a channel shared with another organisation (Slack
	// Connect): people outside the organisation read it, so only its own
	// knowledge is ever shown there.
	Shared bool
	// Read is when Kind, Shared and Members were last read whole from the
	// chat tool; zero when they come from elsewhere, such as an export.
	Read time.Time
}

// Public reports whether everyone in the organisation may read what was
// said in c.
func (c Conversation) Public() bool { return c.Kind == KindPublic }

// DefaultMembershipTTL is how long a private channel's member list, as the
// chat tool last gave it, is trusted by default. People join and leave
// private channels; the list is re-read before it is older than that, and
// a list older than that gives nobody access until it is re-read.
const DefaultMembershipTTL = 5 * time.Minute

// MembersTrusted reports whether c's member list may still decide who
// reads c at now: always for a direct message or group DM, whose members
// never change (adding someone to a group DM makes a new one); for a
// channel, only within ttl of when the list was read from the chat tool.
// A list that was never read (an export's) or is older says nothing: the
// conversation then belongs to nobody until it is read again.
func (c Conversation) MembersTrusted(now time.Time, ttl time.Duration) bool {
	switch c.Kind {
	case KindDM, KindGroupDM:
		return true
	}
	return !c.Read.IsZero() && now.Sub(c.Read) < ttl
}

// Person is someone who asks or answers.
type Person struct {
	ID       string // Slack user id, or a source-specific id such as "se:ai:42"
	Name     string
	Email    string
	TZ       string // IANA zone, e.g. "Europe/Paris"; empty when unknown
	TZOffset int    // seconds east of UTC, as Slack reports it; used when TZ does not load
	Locale   string // e.g. "fr-FR"; empty when unknown
	Bot      bool
	Deleted  bool
	// Restricted is true for someone who may read only the conversations
	// they are in, not the organisation's public channels: a guest, or a
	// person of another organisation met in a shared channel (Slack
	// Connect).
	Restricted bool
}

// Routable reports whether p may ever be sent a question. A restricted
// person never is: the question and the evidence for asking them come from
// conversations they may not read.
func (p Person) Routable() bool { return !p.Bot && !p.Deleted && !p.Restricted && p.ID != "" }

// Question is a request for help, with the answers it received.
type Question struct {
	ID           string // stable key, e.g. "slack:C123:1607908383.041800" or "se:ai:1"
	Asker        string // Person.ID
	Conversation string // Conversation.ID
	Thread       string // Slack thread ts (or the source's post id)
	Title        string // Stack Exchange title; empty for Slack
	Text         string
	Tags         []string
	Lang         string // "en", "fr", or "" when unknown
	Time         time.Time
	Answers      []Answer
	// Reconstructed marks a question whose answers were inferred from flat
	// channel history (an export from before threads), not recorded as
	// replies to it: some may answer something else, so it deserves less
	// trust than a real thread.
	Reconstructed bool
	// Addressed are the people the asker names in the question ("@alice,
	// do you know…?"): whom the asker expects an answer from, so the
	// likeliest to answer. It is read from the question as asked, to
	// route it; the store does not keep it.
	Addressed []string
}

// Answer is a reply by someone other than the asker.
type Answer struct {
	ID       string // stable key, e.g. "slack:C123:1607908428.041900"
	Answerer string // Person.ID
	Text     string
	Time     time.Time
	Accepted bool // the asker said it solved the question
	Thanks   int  // how many times the asker thanked for it
	Score    int  // votes where the source has them
}

// Answered reports whether q has at least one answer.
func (q Question) Answered() bool { return len(q.Answers) > 0 }

// BestAnswer returns the answer most worth showing: the accepted one, then
// the most thanked, then the highest voted, then the earliest. ok is false
// when q has no answer.
func (q Question) BestAnswer() (best Answer, ok bool) {
	for i, a := range q.Answers {
		if i == 0 || betterAnswer(a, best) {
			best, ok = a, true
		}
	}
	return best, ok
}

func betterAnswer(a, b Answer) bool {
	if a.Accepted != b.Accepted {
		return a.Accepted
	}
	if a.Thanks != b.Thanks {
		return a.Thanks > b.Thanks
	}
	if a.Score != b.Score {
		return a.Score > b.Score
	}
	return a.Time.Before(b.Time)
}

// SearchText is the text a question is found by: its title and body.
func (q Question) SearchText() string {
	if q.Title == "" {
		return q.Text
	}
	return q.Title + "\n" + q.Text
}

// Headline is what the question asks in short: its title when it has one
// (a Stack Exchange post), its text otherwise (a Slack message). Two
// questions that ask the same thing share their headline's words even when
// one has a long body.
func (q Question) Headline() string {
	if q.Title != "" {
		return q.Title
	}
	return q.Text
}

// Viewer is the person on whose behalf knowledge is read. Every read that can
// reach a person takes one, so nothing said in a private conversation is shown
// to someone who is not in it now. A viewer sees the public conversations
// (unless they are Restricted) and the conversations they are a member of
// while the member list is trusted (see MembersTrusted). The zero Viewer
// sees only public knowledge.
type Viewer struct {
	PersonID string
}

// Anonymous is the viewer with no memberships: it sees public knowledge only.
var Anonymous = Viewer{}

// CanSee reports whether a viewer of the organisation (not Restricted) who
// is a member of the conversations in memberOf, as far as their member
// lists are trusted, may read what was said in c.
func CanSee(c Conversation, memberOf map[string]bool) bool {
	return c.Public() || memberOf[c.ID]
}

// RouteOutcome is where a routed question stands with one expert.
type RouteOutcome string

// Route outcomes, in the order a route usually moves through them.
const (
	RoutePending  RouteOutcome = "pending"  // the expert was asked and has not replied
	RouteTaken    RouteOutcome = "taken"    // the expert said "I'll take it"
	RoutePassed   RouteOutcome = "passed"   // the expert said "Not me"
	RouteAnswered RouteOutcome = "answered" // the expert (or someone) answered
	RouteExpired  RouteOutcome = "expired"  // nobody replied in time; escalated
	RouteDup      RouteOutcome = "duplicate"
)

// Route records that a question was sent to one person.
type Route struct {
	ID         int64
	QuestionID string
	Expert     string
	AskedAt    time.Time
	Outcome    RouteOutcome
	DecidedAt  time.Time // zero while pending
	// Reminders counts the reminders sent to an expert who took the
	// question; RemindedAt is when the last one went.
	Reminders  int
	RemindedAt time.Time
}

// MaxIndexedText bounds what of a text is analysed for search. Longer texts
// are stored whole but indexed truncated, so one pasted log cannot slow
// every search.
const MaxIndexedText = 16 << 10

// CleanText repairs invalid UTF-8, drops control characters other than
// newlines and tabs, and trims surrounding space. It never fails: bad bytes
// become U+FFFD so nothing a person wrote is silently lost.
func CleanText(s string) string {
	if !utf8.ValidString(s) {
		s = strings.ToValidUTF8(s, "\uFFFD")
	}
	s = strings.Map(func(r rune) rune {
		if r == '\n' || r == '\t' || !unicode.IsControl(r) {
			return r
		}
		return -1
	}, s)
	return strings.TrimSpace(s)
}

// StraightApostrophes writes every apostrophe in s as the typewriter one.
// Phones and word processors type the typographic one, people at a
// keyboard the other: "quelqu’un" and "c’est" are the words "quelqu'un"
// and "c'est" the dictionaries list and the history may hold. A left quote
// typed for an apostrophe is one too.
func StraightApostrophes(s string) string { return straightApostrophes.Replace(s) }

var straightApostrophes = strings.NewReplacer("\u2019", "'", "\u2018", "'", "\u02bc", "'")

// Truncate returns at most n bytes of s, cut on a rune boundary.
func Truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	for n > 0 && !utf8.RuneStart(s[n]) {
		n--
	}
	return s[:n]
}
