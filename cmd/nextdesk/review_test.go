package main

import (
	"context"
	"encoding/csv"
	"fmt"
	"math/rand/v2"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/nextdesk/nextdesk/knowledge"
	"github.com/nextdesk/nextdesk/knowledge/desk"
	"github.com/nextdesk/nextdesk/knowledge/sqlite"
)

// event is one question a team took, as the test made it happen.
type event struct {
	id               string
	asker, team      string
	topic            string
	asked            time.Time
	answered, solved time.Time // zero when it never happened
}

// workMinutes is the test's own working-hours clock, independent of
// knowledge.WorkHours: it walks the minutes from a to b and counts those
// on a weekday, 09:00–12:30 or 14:00–18:00 in Paris, that are not Easter
// Monday 2025.
func workMinutes(a, b time.Time, paris *time.Location) int {
	n := 0
	for t := a; t.Before(b); t = t.Add(time.Minute) {
		l := t.In(paris)
		if l.Weekday() == time.Saturday || l.Weekday() == time.Sunday || (l.Month() == time.April && l.Day() == 21) {
			continue
		}
		m := l.Hour()*60 + l.Minute()
		if (m >= 9*60 && m < 12*60+30) || (m >= 14*60 && m < 18*60) {
			n++
		}
	}
	return n
}

// TestReviewFigures makes teams take questions the way the desk records
// them, then checks every figure of `nextdesk review --format csv` against
// what the test computes from its own events with its own clock.
func TestReviewFigures(t *testing.T) {
	ctx := context.Background()
	paris, err := time.LoadLocation("Europe/Paris")
	if err != nil {
		t.Fatal(err)
	}
	dataDir := t.TempDir()
	env := map[string]string{"NEXTDESK_DATA_DIR": dataDir, "NEXTDESK_TZ": "Europe/Paris"}
	file := writeFile(t, "teams.yaml", `defaults:
  zone: Europe/Paris
  hours: {mon-fri: "09:00-12:30, 14:00-18:00"}
  holidays: [2025-04-21]
teams:
  - name: Compta
    members: [UC1, UC2]
    topics:
      - {name: frais, words: [note de frais]}
      - {name: factures, words: [facture]}
    promises:
      - {topic: frais, for: Ventes, first_response: 2h, resolution: 1d}
      - {first_response: 4h}
  - name: IT
    members: [UI1]
    topics: [{name: comptes, words: [mot de passe]}]
    promises: [{first_response: 1h, resolution: 4h}]
  - name: Ventes
    members: [UV1, UV2]
    topics: [{name: tarifs, words: [remise]}]
`)
	if out, err := run(t, env, "import", "teams", file); err != nil {
		t.Fatalf("import teams: %v\n%s", err, out)
	}

	// Questions from Ventes, IT, Compta itself and people in no team, at
	// random times over March and April 2025 (across the change to summer
	// time, weekends and Easter Monday), answered and solved after random
	// delays, some never.
	rng := rand.New(rand.NewPCG(11, 7))
	start := time.Date(2025, time.March, 3, 0, 0, 0, 0, paris)
	askers := []string{"UV1", "UV2", "UI1", "UC1", "U0LONE"}
	var events []event
	for i := range 60 {
		e := event{id: fmt.Sprintf("q%02d", i), asker: askers[rng.IntN(len(askers))]}
		switch rng.IntN(3) {
		case 0:
			e.team, e.topic = "Compta", "frais"
		case 1:
			e.team, e.topic = "Compta", "factures"
		default:
			e.team, e.topic = "IT", "comptes"
		}
		e.asked = start.Add(time.Duration(rng.Int64N(int64(55 * 24 * time.Hour)))).Truncate(time.Minute)
		if rng.IntN(6) > 0 {
			e.answered = e.asked.Add(time.Duration(rng.Int64N(int64(30 * time.Hour)))).Truncate(time.Minute)
			if rng.IntN(4) > 0 {
				e.solved = e.answered.Add(time.Duration(rng.Int64N(int64(40 * time.Hour)))).Truncate(time.Minute)
			}
		}
		events = append(events, e)
	}
	record(ctx, t, dataDir, events)

	out, err := run(t, env, "review", "--since", "2025-03-01", "--format", "csv")
	if err != nil {
		t.Fatalf("review: %v\n%s", err, out)
	}
	rows, err := csv.NewReader(strings.NewReader(out)).ReadAll()
	if err != nil {
		t.Fatalf("review CSV: %v\n%s", err, out)
	}
	if diff := cmp.Diff(rows[0], reviewHeaderWant); diff != "" {
		t.Errorf("CSV header (-got +want):\n%s", diff)
	}
	if diff := cmp.Diff(rows[1:], expectedReview(events, paris)); diff != "" {
		t.Errorf("review figures (-got +want):\n%s", diff)
	}

	// The text and blocks say the same in people's words.
	text, err := run(t, env, "review", "--since", "2025-03-01")
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"Ventes → Compta", "IT → Compta", "people in no team → IT", "first response in", "promise kept",
		"promised: a first response within 1 h, a resolution within 4 h\n",
		"promised: a first response within 4 h\n",
		"a first response within 2 h, a resolution within 7 h 30 min (",
	} {
		if !strings.Contains(text, want) {
			t.Errorf("the review's text lacks %q:\n%s", want, text)
		}
	}
	if strings.Contains(text, "Compta → Compta") {
		t.Errorf("the review counts a team's own questions:\n%s", text)
	}
	fr, err := run(t, map[string]string{"NEXTDESK_DATA_DIR": dataDir, "NEXTDESK_TZ": "Europe/Paris", "NEXTDESK_LANG": "fr"}, "review", "--since", "2025-03-01", "--format", "blocks")
	if err != nil || !strings.Contains(fr, "Engagements de service entre équipes") || !strings.Contains(fr, "personnes hors équipe") || !strings.Contains(fr, "engagement : une première réponse sous 1 h, une résolution sous 4 h") || !strings.Contains(fr, "(6 questions) ; une première réponse sous 4 h") {
		t.Errorf("the French blocks: %v\n%s", err, fr)
	}
	for _, bad := range [][]string{{"review"}, {"review", "--since", "June"}, {"review", "--since", "2025-03-01", "--format", "pdf"}, {"review", "--since", "2999-01-01"}} {
		if _, err := run(t, env, bad...); exitCode(err) != 2 {
			t.Errorf("%v: %v, want a usage error", bad, err)
		}
	}
}

var reviewHeaderWant = []string{
	"requesting_team", "serving_team", "anonymous", "asked", "topics",
	"answered", "median_first_response_hours", "resolved", "median_resolution_hours",
	"deadlines_kept", "deadlines_broken", "deadlines_pending", "kept_share", "promised",
}

// promisedColumn is the review CSV's promised column for the promises
// (first response and resolution, in working minutes, 0 for nothing)
// each of n questions was held to: the most held first.
func promisedColumn(held map[[2]int]int) string {
	keys := make([][2]int, 0, len(held))
	for k := range held {
		keys = append(keys, k)
	}
	slices.SortFunc(keys, func(a, b [2]int) int {
		if held[a] != held[b] {
			return held[b] - held[a]
		}
		if a[0] != b[0] {
			return a[0] - b[0]
		}
		return a[1] - b[1]
	})
	var terms []string
	for _, k := range keys {
		var parts []string
		if k[0] > 0 {
			parts = append(parts, fmt.Sprintf("first_response=%.2fh", float64(k[0])/60))
		}
		if k[1] > 0 {
			parts = append(parts, fmt.Sprintf("resolution=%.2fh", float64(k[1])/60))
		}
		terms = append(terms, fmt.Sprintf("%s:%d", strings.Join(parts, " "), held[k]))
	}
	return strings.Join(terms, "; ")
}

// record writes the events as the desk records a team's questions: the
// question, the team's record with its promise's deadlines, the first
// response and the resolution with the working time they took, and a
// breach for every other deadline that ran out (one in three, as if the
// bot had been down for the others: a breach counts all the same).
func record(ctx context.Context, t *testing.T, dataDir string, events []event) {
	t.Helper()
	db, err := sqlite.Open(storePath(dataDir))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	teams, err := db.Teams(ctx)
	if err != nil {
		t.Fatal(err)
	}
	for i, e := range events {
		team, _ := teams.Named(e.team)
		as, ok := teams.Assign(knowledge.TopicMatch{Team: e.team, Topic: e.topic, Score: 1}, e.asker, false)
		if !ok {
			t.Fatalf("no team %s", e.team)
		}
		_, err := db.Once(ctx, "ask:"+e.id, func(tx desk.Tx) error {
			q := knowledge.Question{ID: e.id, Asker: e.asker, Conversation: "C1", Text: "une question", Time: e.asked}
			if err := tx.AddQuestion(ctx, q); err != nil {
				return err
			}
			tt := tx.(desk.TeamTx)
			a := knowledge.NewTeamAsk(e.id, e.asked, as, team, false)
			if err := tt.AddTeamAsk(ctx, a); err != nil {
				return err
			}
			for _, d := range []struct {
				deadline knowledge.Deadline
				at       time.Time
			}{{a.FirstResponse, e.answered}, {a.Resolution, e.solved}} {
				if !d.at.IsZero() {
					if _, err := tt.MeetDeadline(ctx, e.id, d.deadline.Kind, d.at, team.Hours.Between(e.asked, d.at)); err != nil {
						return err
					}
				}
				late := d.at.IsZero() || d.at.After(d.deadline.Due)
				if d.deadline.Promised() && late && i%3 == 0 {
					if _, err := tt.RecordBreach(ctx, e.id, d.deadline.Kind, d.deadline.Due.Add(time.Minute)); err != nil {
						return err
					}
				}
			}
			return nil
		})
		if err != nil {
			t.Fatalf("record %s: %v", e.id, err)
		}
	}
}

// expectedReview computes the review's CSV rows from the events alone:
// the promise each pair was made (from the file above), the working
// minutes on the test's own clock, medians, kept and broken deadlines.
func expectedReview(events []event, paris *time.Location) [][]string {
	teamOf := map[string]string{"UV1": "Ventes", "UV2": "Ventes", "UI1": "IT", "UC1": "Compta"}
	// promise returns the first response and resolution promised, in
	// working minutes (0 for none).
	promise := func(e event, requester string) (first, resolution int) {
		switch {
		case e.team == "IT":
			return 60, 240
		case e.topic == "frais" && requester == "Ventes":
			return 120, 450 // 1d is Compta's mean working day, 7h30
		}
		return 240, 0
	}
	type row struct {
		requester, team string
		asked           int
		topics          map[string]int
		promised        map[[2]int]int
		first, solved   []int
		kept, broken    int
	}
	rows := map[[2]string]*row{}
	for _, e := range events {
		requester := teamOf[e.asker]
		if requester == e.team {
			continue // a team's own question
		}
		k := [2]string{e.team, requester}
		r := rows[k]
		if r == nil {
			r = &row{requester: requester, team: e.team, topics: map[string]int{}, promised: map[[2]int]int{}}
			rows[k] = r
		}
		r.asked++
		r.topics[e.topic]++
		first, resolution := promise(e, requester)
		r.promised[[2]int{first, resolution}]++
		for _, p := range []struct {
			within int
			at     time.Time
			list   *[]int
		}{{first, e.answered, &r.first}, {resolution, e.solved, &r.solved}} {
			took := -1
			if !p.at.IsZero() {
				took = workMinutes(e.asked, p.at, paris)
				*p.list = append(*p.list, took)
			}
			switch {
			case p.within == 0:
			case took >= 0 && took <= p.within:
				r.kept++
			default:
				r.broken++ // late, or never: the review runs long after
			}
		}
	}
	median := func(ms []int) string {
		if len(ms) == 0 {
			return ""
		}
		s := slices.Clone(ms)
		slices.Sort(s)
		m := float64(s[len(s)/2])
		if len(s)%2 == 0 {
			m = float64(s[len(s)/2-1]+s[len(s)/2]) / 2
		}
		return strconv.FormatFloat(m/60, 'f', 2, 64)
	}
	var keys [][2]string
	for k := range rows {
		keys = append(keys, k)
	}
	slices.SortFunc(keys, func(a, b [2]string) int {
		if a[0] != b[0] {
			return strings.Compare(a[0], b[0])
		}
		if (a[1] == "") != (b[1] == "") { // people in no team last
			if a[1] == "" {
				return 1
			}
			return -1
		}
		return strings.Compare(a[1], b[1])
	})
	var out [][]string
	for _, k := range keys {
		r := rows[k]
		var topics []string
		names := make([]string, 0, len(r.topics))
		for n := range r.topics {
			names = append(names, n)
		}
		slices.SortFunc(names, func(a, b string) int {
			if r.topics[a] != r.topics[b] {
				return r.topics[b] - r.topics[a]
			}
			return strings.Compare(a, b)
		})
		for _, n := range names {
			topics = append(topics, fmt.Sprintf("%s:%d", n, r.topics[n]))
		}
		share := ""
		if r.kept+r.broken > 0 {
			share = strconv.FormatFloat(float64(r.kept)/float64(r.kept+r.broken), 'f', 3, 64)
		}
		out = append(out, []string{
			r.requester, r.team, "false", strconv.Itoa(r.asked), strings.Join(topics, "; "),
			strconv.Itoa(len(r.first)), median(r.first), strconv.Itoa(len(r.solved)), median(r.solved),
			strconv.Itoa(r.kept), strconv.Itoa(r.broken), "0", share, promisedColumn(r.promised),
		})
	}
	return out
}
