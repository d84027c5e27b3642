package knowledge

import (
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

func promiseTeams() Teams {
	return Teams{
		{Name: "Sales", Members: []string{"US1", "US2"}},
		{Name: "Support", Members: []string{"UP1", "US2"}},
		{Name: "Accounting", Members: []string{"UA1", "UA2"}, Promises: []Promise{
			{Topic: "expenses", From: "sales", FirstResponse: 2 * time.Hour, Resolution: 8 * time.Hour},
			{Topic: "expenses", FirstResponse: 4 * time.Hour, Resolution: 16 * time.Hour},
			{From: "Support", FirstResponse: 6 * time.Hour},
			{FirstResponse: 8 * time.Hour, Resolution: 40 * time.Hour},
		}},
	}
}

func TestPromiseFor(t *testing.T) {
	acc, _ := promiseTeams().Named("accounting")
	tests := []struct {
		topic string
		from  []string
		want  time.Duration // the first response promised
	}{
		{"expenses", []string{"Sales"}, 2 * time.Hour},                // topic and team
		{"Expenses", []string{"Support", "Sales"}, 2 * time.Hour},     // any of the asker's teams, any case
		{"expenses", []string{"Support"}, 4 * time.Hour},              // topic beats team
		{"expenses", nil, 4 * time.Hour},                              // topic, everyone
		{"invoices", []string{"Support"}, 6 * time.Hour},              // all topics, team
		{"invoices", []string{"Marketing"}, 8 * time.Hour},            // all topics, everyone
		{"invoices", nil, 8 * time.Hour},                              //
		{"expenses", []string{"Marketing", "Sales"}, 2 * time.Hour},   // second team's promise
		{"invoices", []string{"Sales", "Support"}, 6 * time.Hour},     // a team's promise over everyone's
		{"", nil, 8 * time.Hour},                                      // no topic known
		{"expenses", []string{"Accounting"}, 4 * time.Hour},           // the team itself gets the general one
		{"invoices", []string{"support"}, 6 * time.Hour},              //
		{"travel", []string{"Sales"}, 8 * time.Hour},                  //
		{"expenses", []string{"Sales", "Support"}, 2 * time.Hour},     //
		{"expenses", []string{"Support", "Marketing"}, 4 * time.Hour}, //
	}
	for _, tc := range tests {
		p, ok := acc.PromiseFor(tc.topic, tc.from)
		if !ok || p.FirstResponse != tc.want {
			t.Errorf("PromiseFor(%q, %v) = %+v, %v; want a first response within %v", tc.topic, tc.from, p, ok, tc.want)
		}
	}
	none := Team{Name: "HR", Promises: []Promise{{Topic: "leave", FirstResponse: time.Hour}, {Topic: "pay"}}}
	if p, ok := none.PromiseFor("pay", nil); ok {
		t.Errorf("an empty promise was found: %+v", p)
	}
	if p, ok := none.PromiseFor("training", nil); ok {
		t.Errorf("a promise on another topic was found: %+v", p)
	}
}

func TestAssign(t *testing.T) {
	teams := promiseTeams()
	m := TopicMatch{Team: "Accounting", Topic: "expenses", Score: 0.9}
	tests := []struct {
		name      string
		asker     string
		anonymous bool
		want      Assignment
	}{
		{"a team with its own promise", "US1", false, Assignment{Team: "Accounting", Topic: "expenses", Requester: "Sales", Promised: true, Match: 0.9,
			Promise: Promise{Topic: "expenses", From: "sales", FirstResponse: 2 * time.Hour, Resolution: 8 * time.Hour}}},
		{"in two teams, the one promised to", "US2", false, Assignment{Team: "Accounting", Topic: "expenses", Requester: "Sales", Promised: true, Match: 0.9,
			Promise: Promise{Topic: "expenses", From: "sales", FirstResponse: 2 * time.Hour, Resolution: 8 * time.Hour}}},
		{"a team held to the general promise", "UP1", false, Assignment{Team: "Accounting", Topic: "expenses", Requester: "Support", Promised: true, Match: 0.9,
			Promise: Promise{Topic: "expenses", FirstResponse: 4 * time.Hour, Resolution: 16 * time.Hour}}},
		{"in no team", "U9", false, Assignment{Team: "Accounting", Topic: "expenses", Promised: true, Match: 0.9,
			Promise: Promise{Topic: "expenses", FirstResponse: 4 * time.Hour, Resolution: 16 * time.Hour}}},
		{"anonymous: everyone's promise, no team named", "US1", true, Assignment{Team: "Accounting", Topic: "expenses", Promised: true, Match: 0.9,
			Promise: Promise{Topic: "expenses", FirstResponse: 4 * time.Hour, Resolution: 16 * time.Hour}}},
		{"the team's own member", "UA1", false, Assignment{Team: "Accounting", Topic: "expenses", Requester: "Accounting", Match: 0.9}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, ok := teams.Assign(m, tc.asker, tc.anonymous)
			if !ok {
				t.Fatal("Assign found no team")
			}
			if diff := cmp.Diff(got, tc.want); diff != "" {
				t.Errorf("Assign (-got +want):\n%s", diff)
			}
		})
	}
	if got := (Assignment{Team: "Accounting", Requester: "accounting"}); !got.Internal() {
		t.Error("a question from the team's own member is not internal")
	}
	if _, ok := teams.Assign(TopicMatch{Team: "Legal"}, "US1", false); ok {
		t.Error("Assign found a team that does not exist")
	}
}

func TestNewTeamAskAndHolding(t *testing.T) {
	paris, err := time.LoadLocation("Europe/Paris")
	if err != nil {
		t.Fatal(err)
	}
	var week [7][]Span
	for d := time.Monday; d <= time.Friday; d++ {
		week[d] = []Span{{9 * 60, 18 * 60}}
	}
	hours, err := NewWorkHours(paris, week, nil)
	if err != nil {
		t.Fatal(err)
	}
	at := func(d, hh, mm int) time.Time { return time.Date(2026, time.November, d, hh, mm, 0, 0, paris) }
	asked := at(20, 16, 0) // Friday 16:00
	as := Assignment{Team: "Accounting", Topic: "expenses", Requester: "Sales", Promised: true,
		Promise: Promise{FirstResponse: 4 * time.Hour, Resolution: 16 * time.Hour}}
	accounting := Team{Name: "Accounting", Channel: "C0ACC", Hours: hours}
	a := NewTeamAsk("q1", asked, as, accounting, false)
	if a.Channel != "C0ACC" || a.Hours.Zone() != paris || a.Hours.Day() != 9*time.Hour {
		t.Errorf("team ask keeps channel %q and hours in %v of %v a day, want the team's: C0ACC, Paris, 9h", a.Channel, a.Hours.Zone(), a.Hours.Day())
	}
	if want := at(23, 11, 0); !a.FirstResponse.Due.Equal(want) {
		t.Errorf("first response due %v, want Monday 11:00 (%v)", a.FirstResponse.Due, want)
	}
	if want := at(24, 14, 0); !a.Resolution.Due.Equal(want) {
		t.Errorf("resolution due %v, want Tuesday 14:00 (%v)", a.Resolution.Due, want)
	}

	// Holding the first response: three quarters of 4h is Monday 10:00,
	// seven eighths 10:30, due at 11:00.
	d := a.FirstResponse
	steps := []struct {
		now  time.Time
		want Step
	}{
		{at(20, 17, 0), StepNone},
		{at(22, 12, 0), StepNone}, // Sunday: the clock stands still
		{at(23, 9, 59), StepNone},
		{at(23, 10, 0), StepRemindHolder},
		{at(23, 10, 29), StepRemindHolder},
		{at(23, 10, 30), StepRemindChannel},
		{at(23, 11, 0), StepRemindChannel},
		{at(23, 11, 1), StepBreach},
	}
	for _, s := range steps {
		if got := d.Next(asked, s.now, hours); got != s.want {
			t.Errorf("Next at %v = %q, want %q", s.now, got, s.want)
		}
	}
	d.HolderReminded = at(23, 10, 0)
	if got := d.Next(asked, at(23, 10, 15), hours); got != StepNone {
		t.Errorf("after the holder's reminder: %q, want nothing", got)
	}
	if got := d.Next(asked, at(23, 10, 45), hours); got != StepRemindChannel {
		t.Errorf("after the holder's reminder, at seven eighths: %q, want the channel's", got)
	}
	d.ChannelReminded = at(23, 10, 45)
	if got := d.Next(asked, at(23, 10, 50), hours); got != StepNone {
		t.Errorf("after both reminders: %q, want nothing", got)
	}
	if got := d.Outcome(at(23, 10, 50)); got != OutcomePending {
		t.Errorf("Outcome before due = %q", got)
	}
	late := d
	late.MetAt, late.Took = at(23, 11, 30), 4*time.Hour+30*time.Minute
	if got := late.Outcome(at(23, 12, 0)); got != OutcomeBroken {
		t.Errorf("met late: %q, want broken even with no breach recorded", got)
	}
	if got := late.Next(asked, at(23, 12, 0), hours); got != StepNone {
		t.Errorf("met late: Next = %q, want nothing more", got)
	}
	kept := d
	kept.MetAt = at(23, 11, 0)
	if got := kept.Outcome(at(30, 0, 0)); got != OutcomeKept {
		t.Errorf("met at the due instant: %q, want kept", got)
	}
	if got := d.Outcome(at(23, 11, 1)); got != OutcomeBroken {
		t.Errorf("due and not met: %q, want broken", got)
	}
	breached := d
	breached.BreachedAt = at(23, 11, 1)
	if got := breached.Next(asked, at(23, 12, 0), hours); got != StepNone {
		t.Errorf("breach recorded: Next = %q, want nothing more", got)
	}
	// A bot down past both reminders records the breach without
	// reminding late.
	if got := a.FirstResponse.Next(asked, at(24, 9, 0), hours); got != StepBreach {
		t.Errorf("past due with no reminder sent: %q, want the breach", got)
	}

	internal := NewTeamAsk("q2", asked, Assignment{Team: "Accounting", Requester: "Accounting", Promise: as.Promise}, accounting, false)
	if internal.FirstResponse.Promised() || internal.FirstResponse.Outcome(at(30, 0, 0)) != OutcomeUnpromised {
		t.Errorf("an internal question is held to a promise: %+v", internal.FirstResponse)
	}
	anon := NewTeamAsk("q3", asked, as, accounting, true)
	if anon.Requester != "" || !anon.Anonymous {
		t.Errorf("an anonymous question names its requesting team: %+v", anon)
	}
}
