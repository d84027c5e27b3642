package knowledge

import (
	"testing"
	"time"
)

func TestAbsentStatus(t *testing.T) {
	for _, c := range []struct {
		emoji, text string
		want        bool
	}{
		{":palm_tree:", "", true},
		{":face_with_thermometer:", "", true},
		{"sick", "", true},
		{"", "OOO until Monday", true},
		{"", "Out of office", true},
		{"", "En congés jusqu'au 12", true},
		{"", "EN CONGE", true},
		{"", "Vacances !", true},
		{"", "malade", true},
		{"", "Arrêt maladie", true},
		{":coffee:", "In a meeting", false},
		{"", "", false},
		{"", "Working on the spoon project", false}, // "spoon" contains "oo" but no phrase
		{"", "congress week", false},                // "con…" is not "congé"
		{":house:", "Working from home", false},
	} {
		if got := AbsentStatus(c.emoji, c.text); got != c.want {
			t.Errorf("AbsentStatus(%q, %q) = %v, want %v", c.emoji, c.text, got, c.want)
		}
	}
}

func TestRoutingPolicySkip(t *testing.T) {
	now := time.Date(2026, 3, 2, 10, 0, 0, 0, time.UTC)
	p := DefaultRoutingPolicy()
	expert := Person{ID: "E1"}
	for _, c := range []struct {
		name string
		c    Candidate
		want Skip
	}{
		{"eligible", Candidate{Person: expert}, ""},
		{"asker", Candidate{Person: Person{ID: "U1"}}, SkipAsker},
		{"bot", Candidate{Person: Person{ID: "B1", Bot: true}}, SkipNobody},
		{"deleted", Candidate{Person: Person{ID: "E2", Deleted: true}}, SkipNobody},
		{"asked before", Candidate{Person: expert, Asked: true}, SkipAsked},
		{"opted out", Candidate{Person: expert, Prefs: Preferences{OptedOut: true}}, SkipOptedOut},
		{"snoozed", Candidate{Person: expert, Prefs: Preferences{SnoozedUntil: now.Add(time.Hour)}}, SkipSnoozed},
		{"snooze over", Candidate{Person: expert, Prefs: Preferences{SnoozedUntil: now.Add(-time.Hour)}}, ""},
		{"at the cap", Candidate{Person: expert, Open: 3}, SkipBusy},
		{"under the cap", Candidate{Person: expert, Open: 2}, ""},
	} {
		if got := p.Skip(c.c, "U1", now); got != c.want {
			t.Errorf("%s: Skip = %q, want %q", c.name, got, c.want)
		}
	}
}

func TestPresenceAbsent(t *testing.T) {
	for _, c := range []struct {
		p    Presence
		want bool
	}{
		{Presence{}, false},
		{Presence{Away: true}, true},
		{Presence{DND: true}, true},
		{Presence{StatusEmoji: ":palm_tree:"}, true},
		{Presence{StatusText: "lunch"}, false},
	} {
		if got := c.p.Absent(); got != c.want {
			t.Errorf("%+v.Absent() = %v, want %v", c.p, got, c.want)
		}
	}
}
