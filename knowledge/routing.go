package knowledge

import (
	"strings"
	"time"
	"unicode/utf8"
)

// RoutingPolicy says who may be sent a question next. Ranking who knows is
// the Engine's job; the policy keeps the ranking from landing on someone
// who cannot or should not answer now.
type RoutingPolicy struct {
	// MaxOpen caps the questions one expert holds unanswered at a time, so
	// the best-known experts are not buried.
	MaxOpen int
	// MaxRoutes is how many experts a question is sent to, one after the
	// other, before it is given up as unanswered.
	MaxRoutes int
}

// DefaultRoutingPolicy returns the policy nextdesk ships with: three open
// questions per expert, three experts per question.
func DefaultRoutingPolicy() RoutingPolicy {
	return RoutingPolicy{MaxOpen: 3, MaxRoutes: 3}
}

// Preferences are what a person told the bot about being asked.
type Preferences struct {
	OptedOut     bool      // never route to them
	SnoozedUntil time.Time // no routes before this time; zero for none
}

// Snoozed reports whether the preferences hold routes back at now.
func (p Preferences) Snoozed(now time.Time) bool { return now.Before(p.SnoozedUntil) }

// Presence is what the chat tool says about a person right now.
type Presence struct {
	Away        bool // the chat tool shows them away
	DND         bool // inside their do-not-disturb hours
	StatusEmoji string
	StatusText  string
	// Unknown is set when the chat tool could not say (a read refused,
	// failed, or skipped to stay within its rate limits): the fields
	// above then say only what was read, and the person may as well be
	// away as present.
	Unknown bool
}

// Absent reports whether the presence says the person is not around: away,
// in do-not-disturb hours, or with a status saying they are off or ill.
func (p Presence) Absent() bool {
	return p.Away || p.DND || AbsentStatus(p.StatusEmoji, p.StatusText)
}

// absentEmoji are the status emoji people set when they are off or ill.
var absentEmoji = map[string]bool{
	"palm_tree": true, "face_with_thermometer": true, "sick": true, "thermometer": true,
	"beach_with_umbrella": true, "desert_island": true, "face_with_head_bandage": true,
}

// absentPhrases are matched against a status text folded to lower case
// without accents, as whole words.
var absentPhrases = []string{
	"ooo", "out of office", "out of the office", "on leave", "on vacation", "vacation",
	"holiday", "holidays", "pto", "sick", "sick leave", "off sick",
	"conge", "conges", "en conge", "vacances", "malade", "arret maladie", "absent", "absente",
}

// AbsentStatus reports whether a status (emoji such as ":palm_tree:", text
// such as "OOO until Monday" or "En congés") says the person is off or ill.
// The text is compared without regard to case or accents.
func AbsentStatus(emoji, text string) bool {
	if absentEmoji[strings.Trim(strings.ToLower(emoji), ":")] {
		return true
	}
	words := phraseWords(FoldAccents(strings.ToLower(text)))
	folded := " " + strings.Join(words, " ") + " "
	for _, p := range absentPhrases {
		if strings.Contains(folded, " "+p+" ") {
			return true
		}
	}
	return false
}

// FoldAccents replaces the accented letters of French (and its neighbours)
// by their base letter, so "congés" and "conges", "déploiement" and
// "deploiement" compare equal.
func FoldAccents(s string) string {
	var b []byte
	for _, r := range s {
		b = AppendFolded(b, r)
	}
	return string(b)
}

// AppendFolded appends r to b without its accent, for callers that fold
// text rune by rune as they scan it.
func AppendFolded(b []byte, r rune) []byte {
	switch r {
	case 'à', 'â', 'ä', 'á', 'ã':
		r = 'a'
	case 'ç':
		r = 'c'
	case 'é', 'è', 'ê', 'ë':
		r = 'e'
	case 'î', 'ï', 'í':
		r = 'i'
	case 'ô', 'ö', 'ó':
		r = 'o'
	case 'ù', 'û', 'ü', 'ú':
		r = 'u'
	case 'ÿ':
		r = 'y'
	case 'ñ':
		r = 'n'
	case 'œ':
		return append(b, "oe"...)
	case 'æ':
		return append(b, "ae"...)
	}
	return utf8.AppendRune(b, r)
}

// Candidate is an expert the engine ranked, with what decides whether they
// may be asked now.
type Candidate struct {
	Person Person
	Prefs  Preferences
	// Open counts the questions they hold unanswered.
	Open int
	// Asked is true when this question was already sent to them.
	Asked bool
}

// Skip is why a candidate is passed over; "" means they may be asked.
type Skip string

// Reasons to pass over a candidate.
const (
	SkipAsker    Skip = "asker"
	SkipNobody   Skip = "not_routable" // a bot, a deleted account, or no id
	SkipAsked    Skip = "already_asked"
	SkipOptedOut Skip = "opted_out"
	SkipSnoozed  Skip = "snoozed"
	SkipBusy     Skip = "busy" // holds MaxOpen questions already
	SkipAbsent   Skip = "absent"
)

// Skip returns why c may not be sent asker's question at now, or "" when
// they may. Presence is checked separately (see Presence.Absent) because
// reading it costs a call to the chat tool per person, which is only worth
// making for a candidate who passes every other test.
func (p RoutingPolicy) Skip(c Candidate, asker string, now time.Time) Skip {
	switch {
	case c.Person.ID == asker:
		return SkipAsker
	case !c.Person.Routable():
		return SkipNobody
	case c.Asked:
		return SkipAsked
	case c.Prefs.OptedOut:
		return SkipOptedOut
	case c.Prefs.Snoozed(now):
		return SkipSnoozed
	case p.MaxOpen > 0 && c.Open >= p.MaxOpen:
		return SkipBusy
	}
	return ""
}

// GiveUp reports whether a question already sent to routes experts has
// reached the end of the line.
func (p RoutingPolicy) GiveUp(routes int) bool { return routes >= p.MaxRoutes }
