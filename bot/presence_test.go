package bot

import (
	"context"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/slack-go/slack"

	"github.com/nextdesk/nextdesk/i18n"
	"github.com/nextdesk/nextdesk/internal/fakeslack"
	"github.com/nextdesk/nextdesk/knowledge/desk"
)

func TestPresenceIsCachedAndA429IsUnknown(t *testing.T) {
	srv := fakeslack.New(t)
	srv.AddUser(fakeslack.User{ID: "U1", Name: "carol"})
	srv.AddUser(fakeslack.User{ID: "U2", Name: "dave", Presence: fakeslack.Away})
	ws, err := NewWorkspace(slack.New(fakeslack.BotToken, slack.OptionAPIURL(srv.URL())), nocache{}, fakeslack.BotUserID, nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	if _, pr := ws.Presence(ctx, "U1"); pr.Unknown || pr.Absent() {
		t.Errorf("carol = %+v, want known and present", pr)
	}
	if _, pr := ws.Presence(ctx, "U1"); pr.Unknown || pr.Absent() {
		t.Errorf("carol again = %+v, want known and present", pr)
	}
	if n := len(srv.CallsTo("users.getPresence")); n != 1 {
		t.Errorf("%d users.getPresence calls for two reads, want 1 (cached)", n)
	}
	srv.FailNext("users.getPresence", 1, 429, 30*time.Second)
	if _, pr := ws.Presence(ctx, "U2"); !pr.Unknown || pr.Absent() {
		t.Errorf("dave under a 429 = %+v, want unknown (not present, not absent)", pr)
	}
	// Slack said to wait: nothing is asked of users.getPresence until
	// then, and what cannot be read stays unknown.
	if _, pr := ws.Presence(ctx, "U2"); !pr.Unknown {
		t.Errorf("dave during Retry-After = %+v, want unknown", pr)
	}
	if n := len(srv.CallsTo("users.getPresence")); n != 2 {
		t.Errorf("%d users.getPresence calls, want 2: none during Retry-After", n)
	}
}

func TestLimitsKeepWithinATier(t *testing.T) {
	// One a minute after a burst of two: the third call would wait longer
	// than maxLimitWait, so it is refused at once.
	l := newLimits(map[string]tier{"m": {perMinute: 1, burst: 2}})
	ctx := context.Background()
	start := time.Now()
	var got []bool
	for range 4 {
		got = append(got, l.take(ctx, "m"))
	}
	if want := []bool{true, true, false, false}; !slices.Equal(got, want) || time.Since(start) > maxLimitWait {
		t.Errorf("calls allowed %v in %v, want %v at once", got, time.Since(start), want)
	}
	if !l.take(ctx, "unlimited") {
		t.Error("a method without a tier was refused")
	}
}

// TestEveryGapIsSaid: each reason nobody answers reads in both languages,
// and those that count the people asked say how many in the singular or
// the plural; those where nobody was asked say no count.
func TestEveryGapIsSaid(t *testing.T) {
	counted := map[string]map[int]string{
		i18n.EN: {1: "asked 1 person,", 2: "asked 2 people"},
		i18n.FR: {1: "à 1 personne,", 2: "à 2 personnes"},
	}
	for _, lang := range []string{i18n.EN, i18n.FR} {
		for _, gap := range []desk.Gap{desk.GapNobodyKnown, desk.GapNobodyAvailable, desk.GapAllPassed, desk.GapTimedOut, desk.GapNoAnswer} {
			asked := gap != desk.GapNobodyKnown && gap != desk.GapNobodyAvailable
			for _, n := range []int{1, 2} {
				got := gapText(lang, gap, n)
				if strings.Contains(got, "gap.") || strings.Contains(got, "%!") {
					t.Errorf("%s %s %d: %q", lang, gap, n, got)
				}
				if has := strings.Contains(got, counted[lang][n]); has != asked {
					t.Errorf("%s %s %d: %q, want %q in it: %v", lang, gap, n, got, counted[lang][n], asked)
				}
			}
		}
	}
}
