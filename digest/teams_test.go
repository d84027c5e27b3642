package digest_test

import (
	"bytes"
	"context"
	"encoding/csv"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/nextdesk/nextdesk/digest"
	"github.com/nextdesk/nextdesk/i18n"
	"github.com/nextdesk/nextdesk/index"
	"github.com/nextdesk/nextdesk/knowledge"
	"github.com/nextdesk/nextdesk/knowledge/desk"
	"github.com/nextdesk/nextdesk/knowledge/sqlite"
)

// fillTeams adds two teams to the fixture: Platform, whose topics are
// close to the week's questions about Terraform (a topic nobody covers),
// and Data. Platform took q6 and never answered it in time; Data took q9
// and answered it 45 minutes later.
func fillTeams(t *testing.T, db *sqlite.DB) knowledge.Teams {
	t.Helper()
	ctx := context.Background()
	paris := mustParis(t)
	var week [7][]knowledge.Span
	for d := time.Monday; d <= time.Friday; d++ {
		week[d] = []knowledge.Span{{From: 9 * 60, To: 18 * 60}}
	}
	hours, err := knowledge.NewWorkHours(paris, week, nil)
	if err != nil {
		t.Fatal(err)
	}
	teams := knowledge.Teams{
		{Name: "Platform", Members: []string{"UA"}, Hours: hours,
			Topics:   []knowledge.Topic{{Name: "infra", Words: []string{"terraform plan", "state lock", "déploiement"}}},
			Promises: []knowledge.Promise{{FirstResponse: 2 * time.Hour}}},
		{Name: "Data", Members: []string{"UC"}, Hours: hours,
			Topics:   []knowledge.Topic{{Name: "streams", Words: []string{"kafka", "consumer lag"}}},
			Promises: []knowledge.Promise{{FirstResponse: time.Hour, Resolution: 4 * time.Hour}}},
		{Name: "Sales", Members: []string{"UD", "UE"}},
	}
	if err := db.ReplaceTeams(ctx, teams); err != nil {
		t.Fatal(err)
	}
	take := func(id, team, topic, asker string, asked time.Time, answered time.Time) {
		as, _ := teams.Assign(knowledge.TopicMatch{Team: team, Topic: topic, Score: 1}, asker, false)
		serving, _ := teams.Named(team)
		a := knowledge.NewTeamAsk(id, asked, as, serving, false)
		_, err := db.Once(ctx, "team:"+id, func(tx desk.Tx) error {
			tt := tx.(desk.TeamTx)
			if err := tt.AddTeamAsk(ctx, a); err != nil {
				return err
			}
			if answered.IsZero() {
				return nil
			}
			_, err := tt.MeetDeadline(ctx, id, knowledge.FirstResponse, answered, serving.Hours.Between(asked, answered))
			return err
		})
		if err != nil {
			t.Fatal(err)
		}
	}
	take("q6", "Platform", "infra", "UE", in47(t, 4, 15, 0), time.Time{})
	take("q9", "Data", "streams", "UD", in47(t, 3, 14, 0), in47(t, 3, 14, 45))
	return teams
}

func TestDigestTeams(t *testing.T) {
	ctx := context.Background()
	analyzer, err := index.NewAnalyzer()
	if err != nil {
		t.Fatal(err)
	}
	for name, terms := range map[string]func(string) []string{"index analysis": analyzer.Terms, "digest's own words": nil} {
		t.Run(name, func(t *testing.T) {
			db := mustFixture(t)
			fillTeams(t, db)
			d, err := digest.Compose(ctx, db, digest.Options{Week: week47, Location: mustParis(t), Viewer: knowledge.Anonymous, Terms: terms})
			if err != nil {
				t.Fatal(err)
			}
			wantUncovered := []digest.Topic{{Term: "terraform", Questions: 2, Team: "Platform"}}
			if diff := cmp.Diff(d.Uncovered, wantUncovered); diff != "" {
				t.Errorf("uncovered topics (-got +want):\n%s", diff)
			}
			type record struct {
				Team                  string
				Asked, Answered       int
				Median                time.Duration
				Kept, Broken, Pending int
			}
			var got []record
			for _, c := range d.Teams {
				got = append(got, record{c.Team, c.Asked, c.Answered, c.MedianFirstResponse, c.Kept, c.Broken, c.Pending})
			}
			// Data kept its first response (45 min) and its resolution is
			// past due at the week's end; Platform's first response,
			// promised by Friday 17:00, never came.
			want := []record{
				{"Data", 1, 1, 45 * time.Minute, 1, 1, 0},
				{"Platform", 1, 0, 0, 0, 1, 0},
			}
			if diff := cmp.Diff(got, want); diff != "" {
				t.Errorf("team records (-got +want):\n%s", diff)
			}
			text := digest.Text(d, i18n.EN)
			for _, s := range []string{"terraform (2 questions) — closest: Platform", "Service promises this week", "Data: 1 question · first response in 45 min (1 question) · promise kept 50% of the time (1 of 2 deadlines) · 1 breach"} {
				if !strings.Contains(text, s) {
					t.Errorf("the digest lacks %q:\n%s", s, text)
				}
			}
			fr := digest.Text(d, i18n.FR)
			if !strings.Contains(fr, "le plus proche : Platform") || !strings.Contains(fr, "Engagements de service de la semaine") {
				t.Errorf("the French digest lacks the teams:\n%s", fr)
			}
		})
	}
}

// TestReviewCSVKeepsNamesNames: a team or topic named like a formula stays
// text when the review's CSV is opened in a spreadsheet.
func TestReviewCSVKeepsNamesNames(t *testing.T) {
	r := &digest.Review{Rows: []knowledge.Commitment{{
		Requester: "=HYPERLINK(\"http://evil.example\")", Team: "+IT", Asked: 1,
		Topics: []knowledge.TopicCount{{Topic: "@payroll", Questions: 1}},
	}, {Requester: "Sales", Team: "IT-Support", Asked: 1}}}
	var out bytes.Buffer
	if err := digest.WriteReviewCSV(&out, r); err != nil {
		t.Fatal(err)
	}
	rows, err := csv.NewReader(&out).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	if got := rows[1][:2]; got[0] != `'=HYPERLINK("http://evil.example")` || got[1] != "'+IT" {
		t.Errorf("teams written %q, want them quoted out of formulas", got)
	}
	if got := rows[1][4]; !strings.HasPrefix(got, "'@payroll") {
		t.Errorf("topics written %q, want them quoted out of formulas", got)
	}
	if got := rows[2][:2]; got[0] != "Sales" || got[1] != "IT-Support" {
		t.Errorf("plain names written %q, want them as they are", got)
	}
}
