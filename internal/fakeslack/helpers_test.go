package fakeslack_test

import (
	"testing"
	"time"

	"github.com/slack-go/slack"

	"github.com/nextdesk/nextdesk/internal/fakeslack"
)

// jan15 is the fake clock of most tests: winter, so Paris is UTC+1.
var jan15 = time.Date(2026, time.January, 15, 9, 30, 0, 0, time.UTC)

// Workspace people and places used across tests.
var (
	alice = fakeslack.User{ID: "U1", Name: "alice", RealName: "Alice Martin", DisplayName: "alice", Email: "alice@fakecorp.example",
		Locale: "fr-FR", TZ: "Europe/Paris", StatusEmoji: ":palm_tree:", StatusText: "En congés"}
	bob      = fakeslack.User{ID: "U2", Name: "bob", RealName: "Bob Smith", Locale: "en-US", TZ: "America/New_York", Presence: fakeslack.Away, DND: true}
	carol    = fakeslack.User{ID: "U3", Name: "carol", RealName: "Carol Dubois", TZ: "Europe/Paris"}
	gone     = fakeslack.User{ID: "U4", Name: "gone", RealName: "Former Employee", Deleted: true}
	otherBot = fakeslack.User{ID: "U5", Name: "otherbot", Bot: true}

	general = fakeslack.Channel{ID: "C1", Name: "general", Members: []string{fakeslack.BotUserID, "U1", "U2", "U3"}}
	random  = fakeslack.Channel{ID: "C2", Name: "random", Members: []string{"U1"}} // the bot was never invited
	secret  = fakeslack.Channel{ID: "C3", Name: "secret", Private: true, Members: []string{"U1", "U2"}}
	team    = fakeslack.Channel{ID: "C4", Name: "team-paris", Private: true, Members: []string{fakeslack.BotUserID, "U1", "U3"}}
	old     = fakeslack.Channel{ID: "C5", Name: "old", Archived: true, Members: []string{fakeslack.BotUserID, "U1"}}
)

// mustOpenWorkspace starts a fake with the people and channels above, on a
// fixed clock, and returns it with a bot client pointed at it.
func mustOpenWorkspace(tb testing.TB, opts ...fakeslack.Option) (*fakeslack.Server, *slack.Client) {
	tb.Helper()
	clock := jan15
	opts = append([]fakeslack.Option{fakeslack.WithClock(func() time.Time { return clock })}, opts...)
	srv := fakeslack.New(tb, opts...)
	for _, u := range []fakeslack.User{alice, bob, carol, gone, otherBot} {
		srv.AddUser(u)
	}
	for _, c := range []fakeslack.Channel{general, random, secret, team, old} {
		srv.AddChannel(c)
	}
	return srv, client(srv, fakeslack.BotToken)
}

func client(srv *fakeslack.Server, token string, opts ...slack.Option) *slack.Client {
	opts = append([]slack.Option{slack.OptionAPIURL(srv.URL()), slack.OptionAppLevelToken(fakeslack.AppToken)}, opts...)
	return slack.New(token, opts...)
}

// slackError returns the Slack error code of err, or err's text when it is
// another kind of error, or "" for nil.
func slackError(err error) string {
	if err == nil {
		return ""
	}
	return err.Error()
}
