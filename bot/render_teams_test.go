package bot

import (
	"strings"
	"testing"
	"time"

	"github.com/slack-go/slack"

	"github.com/nextdesk/nextdesk/knowledge"
	"github.com/nextdesk/nextdesk/knowledge/desk"
)

// it is IT's promise on accounts: a first answer within 4 working hours,
// a resolution within 2 working days of 9 hours.
var it = desk.Promised{
	Team: "IT", Topic: "accounts", FirstResponse: 4 * time.Hour, Resolution: 18 * time.Hour, Day: 9 * time.Hour,
	FirstDue: time.Date(2026, 3, 9, 10, 0, 0, 0, time.UTC), ResolutionDue: time.Date(2026, 3, 10, 14, 0, 0, 0, time.UTC),
}

func TestTeamBlocksGolden(t *testing.T) {
	week := [7][]knowledge.Span{}
	for d := time.Monday; d <= time.Friday; d++ {
		week[d] = []knowledge.Span{{From: 540, To: 750}, {From: 840, To: 1080}}
	}
	week[time.Saturday] = []knowledge.Span{{From: 540, To: 720}}
	compta := desk.TeamCard{
		Name: "Compta & co", Channel: "C0COMPTA", Members: 1, Topics: []string{"notes de frais", "factures"},
		Zone: "Europe/Paris", Week: week, Day: 7*time.Hour + 30*time.Minute,
		Promises: []knowledge.Promise{
			{Topic: "notes de frais", From: "Ventes", FirstResponse: 2 * time.Hour, Resolution: 15 * time.Hour},
			{FirstResponse: 90 * time.Minute},
		},
	}
	blocks := func(_ string, b []slack.Block) []slack.Block { return b }
	asked := desk.TeamAsked{Promise: it, Asker: "U0ALICE01", Text: desk.Quote{Typed: "Which password manager may we use?"}, Thread: desk.Link{Started: true}, Expert: "U0CAROL01"}
	nobody := desk.TeamAsked{Promise: it, Asker: "U0ALICE01", Private: true, Gap: desk.GapNobodyAvailable}
	due := desk.PromiseDue{Step: knowledge.StepRemindHolder, Deadline: knowledge.FirstResponse, Promise: it, To: desk.ToHolder, Asker: "U0ALICE01",
		Text: desk.Quote{Plain: "Which password manager may we use?"}, Route: 7, Last: true, Next: time.Date(2026, 3, 9, 13, 0, 0, 0, time.UTC)}
	breach := desk.PromiseDue{Step: knowledge.StepBreach, Deadline: knowledge.Resolution, Promise: it, To: desk.ToChannel, Holder: "U0CAROL01", Private: true}
	asker := desk.PromiseDue{Step: knowledge.StepBreach, Deadline: knowledge.FirstResponse, Promise: it, To: desk.ToAsker}
	for _, c := range []struct {
		name   string
		blocks []slack.Block
	}{
		{"team_asked_en", blocks(teamAskedBlocks("en", asked, "https://fakecorp.slack.com/archives/C1/p1000001"))},
		{"team_asked_fr_nobody", blocks(teamAskedBlocks("fr", nobody, ""))},
		{"promise_holder_en", blocks(promiseDueBlocks("en", due, "https://fakecorp.slack.com/archives/C1/p1000001"))},
		{"promise_breach_fr_channel", blocks(promiseDueBlocks("fr", breach, ""))},
		{"promise_breach_en_asker", blocks(promiseDueBlocks("en", asker, ""))},
		{"teams_fr", blocks(teamsBlocks("fr", desk.TeamsShown{Teams: []desk.TeamCard{compta}}))},
		{"teams_en_none", blocks(teamsBlocks("en", desk.TeamsShown{Others: []desk.TeamCard{compta, {Name: "IT"}}}))},
		{"expert_en_team", expertBlocks("en", desk.ExpertAsked{Route: 7, Asker: "U0ALICE01", Text: desk.Quote{Plain: "VPN?"}, Team: "IT", Topic: "accounts"}, nil, "")},
	} {
		t.Run(c.name, func(t *testing.T) {
			withinLimits(t, c.name, c.blocks)
			golden(t, c.name, c.blocks)
		})
	}
}

// TestWorkTimeSaysTheRightCount: a promise is said in working days when it
// is a whole number of the team's days, else in hours or minutes, in the
// singular and the plural.
func TestWorkTimeSaysTheRightCount(t *testing.T) {
	day := 7*time.Hour + 30*time.Minute
	for _, c := range []struct {
		lang string
		d    time.Duration
		want string
	}{
		{"en", time.Hour, "1 working hour"},
		{"en", 4 * time.Hour, "4 working hours"},
		{"en", 30 * time.Minute, "30 working minutes"},
		{"en", time.Minute, "1 working minute"},
		{"en", 90 * time.Minute, "1h30 of working time"},
		{"en", day, "1 working day"},
		{"en", 2 * day, "2 working days"},
		{"fr", time.Hour, "1 heure ouvrée"},
		{"fr", 4 * time.Hour, "4 heures ouvrées"},
		{"fr", 45 * time.Minute, "45 minutes ouvrées"},
		{"fr", 90 * time.Minute, "1h30 ouvrées"},
		{"fr", day, "1 jour ouvré"},
		{"fr", 3 * day, "3 jours ouvrés"},
		// 8 hours of a 7h30 day are hours, not days.
		{"fr", 8 * time.Hour, "8 heures ouvrées"},
	} {
		if got := workTime(c.lang, c.d, day); got != c.want {
			t.Errorf("workTime(%s, %v) = %q, want %q", c.lang, c.d, got, c.want)
		}
	}
}

// TestPromiseSentence: the asker is told which team has the question and
// what it promised, as the issue words it, in both languages.
func TestPromiseSentence(t *testing.T) {
	first := desk.Promised{Team: "IT", FirstResponse: 4 * time.Hour, FirstDue: it.FirstDue, Day: 9 * time.Hour}
	for _, c := range []struct {
		lang string
		p    desk.Promised
		want string
	}{
		{"en", first, "IT answers within 4 working hours (by <!date^"},
		{"fr", first, "L'équipe IT répond sous 4 heures ouvrées (d'ici le <!date^"},
		{"en", it, "IT answers within 4 working hours and resolves within 2 working days (a first answer by <!date^"},
		{"fr", desk.Promised{Team: "RH"}, "L'équipe RH s'occupe de votre question."},
		{"en", desk.Promised{Team: "R&D", Resolution: time.Hour, ResolutionDue: it.FirstDue}, "R&amp;D resolves questions like this within 1 working hour (by <!date^"},
	} {
		if got := promiseSentence(c.lang, c.p); !strings.HasPrefix(got, c.want) {
			t.Errorf("%s: %q, want it to start %q", c.lang, got, c.want)
		}
	}
}

// TestHoursText: days with the same hours go together, Monday first.
func TestHoursText(t *testing.T) {
	var week [7][]knowledge.Span
	for d := time.Monday; d <= time.Thursday; d++ {
		week[d] = []knowledge.Span{{From: 480, To: 1140}}
	}
	week[time.Friday] = []knowledge.Span{{From: 480, To: 1020}}
	week[time.Sunday] = []knowledge.Span{{From: 600, To: 660}}
	if got, want := hoursText("en", week), "Mon–Thu 08:00–19:00; Fri 08:00–17:00; Sun 10:00–11:00"; got != want {
		t.Errorf("hoursText = %q, want %q", got, want)
	}
	if got, want := hoursText("fr", week), "lun–jeu 08:00–19:00 ; ven 08:00–17:00 ; dim 10:00–11:00"; got != want {
		t.Errorf("hoursText = %q, want %q", got, want)
	}
}
