package digest_test

import (
	"context"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/nextdesk/nextdesk/digest"
	"github.com/nextdesk/nextdesk/knowledge"
	"github.com/nextdesk/nextdesk/knowledge/desk"
	"github.com/nextdesk/nextdesk/knowledge/sqlite"
	"github.com/nextdesk/nextdesk/knowledge/sqlite/sqlitetest"
)

var update = flag.Bool("update", false, "rewrite the golden files under testdata")

// week47 is the week of the fixture: Monday 16 to Sunday 22 November 2026.
var week47 = mustWeek("2026-W47")

func mustWeek(s string) digest.Week {
	w, err := digest.ParseWeek(s)
	if err != nil {
		panic(err)
	}
	return w
}

// in47 returns a time of week 47 in Paris: day 0 is the Monday.
func in47(tb testing.TB, day, hour, minute int) time.Time {
	tb.Helper()
	return time.Date(2026, 11, 16+day, hour, minute, 0, 0, mustParis(tb))
}

// ts is a Slack timestamp for t.
func ts(t time.Time) string { return fmt.Sprintf("%d.000100", t.Unix()) }

// mustFixture opens a store holding a small company's week 47, as
// described in compose_test.go, and returns it.
func mustFixture(tb testing.TB) *sqlite.DB {
	tb.Helper()
	db := sqlitetest.MustOpen(tb)
	fillFixture(tb, db)
	return db
}

// fillFixture writes the fixture's week 47 to db.
func fillFixture(tb testing.TB, db *sqlite.DB) {
	tb.Helper()
	ctx := context.Background()
	at := func(day, hour, minute int) time.Time { return in47(tb, day, hour, minute) }
	q := func(id, asker, conv, text string, t time.Time, answers ...knowledge.Answer) knowledge.Question {
		return knowledge.Question{ID: id, Asker: asker, Conversation: conv, Thread: ts(t), Text: text, Time: t, Answers: answers}
	}
	a := func(id, who, text string, t time.Time) knowledge.Answer {
		return knowledge.Answer{ID: id, Answerer: who, Text: text, Time: t}
	}
	b := knowledge.Batch{
		People: []knowledge.Person{
			{ID: "UA", Name: "Alice Martin", Locale: "fr-FR"},
			{ID: "UB", Name: "Bob <b> & co"},
			{ID: "UC", Name: "Carol"},
			{ID: "UD", Name: "Dave", Locale: "en-US"},
			{ID: "UE", Name: "Erin"},
			{ID: "UM1", Name: "Mona"},
			{ID: "UM2", Name: "Max"},
			{ID: "UCEO", Name: "Cleo"},
		},
		Conversations: []knowledge.Conversation{
			{ID: "CHELP", Name: "help", Kind: knowledge.KindPublic},
			{ID: "CDEV", Name: "dev", Kind: knowledge.KindPublic},
			{ID: "GPRIV", Name: "hr-private", Kind: knowledge.KindPrivate, Members: []string{"UA", "UB"}},
			{ID: "DIM", Kind: knowledge.KindDM, Members: []string{"UE"}},
		},
		Questions: []knowledge.Question{
			// History: weeks 44 to 46.
			q("h1", "UA", "CHELP", "Grafana alerts do not fire", at(-14, 10, 0), a("h1a", "UB", "Check the billing alert rules in Grafana", at(-14, 11, 0))),
			q("h2", "UE", "CHELP", "Billing report is empty", at(-10, 10, 0), a("h2a", "UC", "Wait for the nightly job", at(-10, 12, 0))),
			q("h3", "UD", "CDEV", "How do I use helm with the billing chart?", at(-20, 10, 0), a("h3a", "UB", "helm upgrade --install", at(-20, 10, 30))),
			q("h4", "UD", "CDEV", "Kafka topics naming rules", at(-8, 9, 0), a("h4a", "UC", "team.domain.event", at(-8, 9, 45))),

			// Week 47.
			q("q1", "UE", "CHELP", "Comment déployer l'API sur Kubernetes ?", at(0, 10, 0),
				knowledge.Answer{ID: "q1b", Answerer: "UB", Text: "Utilisez helm install avec le chart de l'équipe, puis\nvérifiez les pods.", Time: at(0, 10, 30), Accepted: true},
				a("q1c", "UC", "Ou kubectl apply -f deploy/", at(0, 11, 0))),
			q("q2", "UD", "CDEV", "How do I rotate the Vault token?", at(1, 14, 0),
				knowledge.Answer{ID: "q2a", Answerer: "UA", Text: "vault token renew -increment=24h <your token>", Time: at(1, 16, 0), Thanks: 2}),
			q("q3", "UE", "CHELP", "Where is the Grafana dashboard for the billing service?", at(2, 9, 0),
				a("q3b", "UB", "Dashboards > Billing > Service health", at(2, 9, 5))),
			q("q4", "UB", "GPRIV", "Salary grid for the 2027 promotions?", at(2, 11, 0),
				a("q4a", "UA", "Ask HR for the confidential salary grid", at(2, 12, 0))),
			q("q5", "UD", "CHELP", "Anyone knows why the Terraform plan hangs on the billing module?", at(3, 11, 0)),
			q("dm1", "UE", "DIM", "My private question about my payslip", at(3, 12, 0),
				a("dm1a", "UA", "Private answer about the payslip", at(3, 13, 0))),
		},
	}
	if _, err := db.Import(ctx, b); err != nil {
		tb.Fatal(err)
	}
	// The bot has just read the private channel's members: an export's
	// list alone gives nobody access.
	for _, c := range b.Conversations {
		if c.Kind == knowledge.KindPrivate {
			if err := db.CacheConversation(ctx, c, db.Now()); err != nil {
				tb.Fatal(err)
			}
		}
	}
	// Questions the bot handled.
	botAsk := func(key string, question knowledge.Question, ask knowledge.Ask, routes ...knowledge.Route) {
		tb.Helper()
		_, err := db.Once(ctx, key, func(tx desk.Tx) error {
			if err := tx.AddQuestion(ctx, question); err != nil {
				return err
			}
			ask.QuestionID, ask.Asker, ask.Channel, ask.Thread = question.ID, question.Asker, question.Conversation, question.Thread
			ask.CreatedAt = question.Time
			if err := tx.AddAsk(ctx, ask); err != nil {
				return err
			}
			for _, r := range routes {
				r.QuestionID = question.ID
				if _, err := tx.AddRoute(ctx, r); err != nil {
					return err
				}
			}
			return nil
		})
		if err != nil {
			tb.Fatal(err)
		}
	}
	route := func(expert string, outcome knowledge.RouteOutcome, t time.Time) knowledge.Route {
		return knowledge.Route{Expert: expert, Outcome: outcome, AskedAt: t, DecidedAt: t.Add(time.Hour)}
	}
	botAsk("e6", q("q6", "UE", "CDEV", "Terraform state lock stuck after a failed apply", at(4, 15, 0)),
		knowledge.Ask{Status: knowledge.StatusUnanswered},
		route("UA", knowledge.RouteExpired, at(4, 15, 0)), route("UB", knowledge.RoutePassed, at(4, 19, 0)), route("UC", knowledge.RouteExpired, at(4, 20, 0)))
	botAsk("e7", q("q7", "UE", "CHELP", "Comment renouveler le token Vault ?", at(3, 9, 0)),
		knowledge.Ask{Status: knowledge.StatusSolved, Offered: "q2a"})
	botAsk("e8", q("q8", "UD", "CHELP", "Billing export fails with a timeout", at(1, 9, 0), a("q8b", "UB", "Raise the export timeout to 5 minutes", at(1, 12, 0))),
		knowledge.Ask{Status: knowledge.StatusAnswered},
		route("UC", knowledge.RouteExpired, at(1, 9, 0)), route("UB", knowledge.RouteAnswered, at(1, 11, 0)))
	botAsk("e9", q("q9", "UD", "CDEV", "Kafka consumer lag on billing events", at(3, 14, 0), a("q9c", "UC", "Scale the consumer group to 6 partitions", at(3, 14, 45))),
		knowledge.Ask{Status: knowledge.StatusAnswered},
		route("UC", knowledge.RouteAnswered, at(3, 14, 0)))
}

// mustOpen opens a handle on the store at path, as one running instance
// would, with the store's clock on clock, and closes it when the test ends.
func mustOpen(tb testing.TB, path string, clock func() time.Time) *sqlite.DB {
	tb.Helper()
	db, err := sqlite.Open(path)
	if err != nil {
		tb.Fatal(err)
	}
	db.Now = clock
	tb.Cleanup(func() {
		if err := db.Close(); err != nil {
			tb.Error(err)
		}
	})
	return db
}

// orgChart: Mona manages Erin and Dave; Max manages Alice, Bob and Carol;
// both report to Cleo.
var orgChart = map[string]string{
	"UE": "UM1", "UD": "UM1",
	"UA": "UM2", "UB": "UM2", "UC": "UM2",
	"UM1": "UCEO", "UM2": "UCEO",
}

// fakeLinks links a message the way Slack's permalinks look.
type fakeLinks struct{}

func (fakeLinks) Permalink(_ context.Context, channel, ts string) (string, error) {
	return "https://fakecorp.slack.com/archives/" + channel + "/p" + strings.ReplaceAll(ts, ".", ""), nil
}

// golden compares got with testdata/name, or rewrites the file with -update.
func golden(tb testing.TB, name string, got []byte) {
	tb.Helper()
	path := filepath.Join("testdata", name)
	if *update {
		if err := os.WriteFile(path, got, 0o644); err != nil {
			tb.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		tb.Fatalf("%v (run go test ./digest -update to create it)", err)
	}
	if string(got) != string(want) {
		tb.Errorf("%s differs from the golden file (run go test ./digest -update and review the diff):\n%s", name, lineDiff(string(want), string(got)))
	}
}

// lineDiff shows the first lines that differ.
func lineDiff(want, got string) string {
	w, g := strings.Split(want, "\n"), strings.Split(got, "\n")
	for i := 0; i < max(len(w), len(g)); i++ {
		var a, b string
		if i < len(w) {
			a = w[i]
		}
		if i < len(g) {
			b = g[i]
		}
		if a != b {
			return fmt.Sprintf("line %d:\n- %s\n+ %s", i+1, a, b)
		}
	}
	return ""
}
