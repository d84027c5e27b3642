package digest_test

import (
	"bytes"
	"context"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/google/go-cmp/cmp"
	"github.com/slack-go/slack"

	"github.com/nextdesk/nextdesk/blockkit"
	"github.com/nextdesk/nextdesk/digest"
	"github.com/nextdesk/nextdesk/i18n"
	"github.com/nextdesk/nextdesk/importer/teams"
	"github.com/nextdesk/nextdesk/internal/badinput"
	"github.com/nextdesk/nextdesk/internal/fakeslack"
	"github.com/nextdesk/nextdesk/knowledge"
)

// What of a question and of an answer a digest item shows, in characters
// (digest's maxQuestion and maxExcerpt).
const (
	shownQuestion = 150
	shownAnswer   = 200
)

// FuzzDigest composes the channel's and a person's digest of a week whose
// questions, answers, people, channel, teams and topics are all written
// from one text, and renders them as `nextdesk digest --dry-run` prints
// them and as the bot posts them: the blocks are a message Slack accepts
// (Block Kit's limits as the fake Slack checks them, a summary within
// 40,000 characters), no mrkdwn text notifies a whole channel, the text
// form shows each question on its numbered line, and the JSON form is
// valid and reads back the same.
func FuzzDigest(f *testing.F) {
	// Asterisks of data and private-use characters, which the text form
	// must tell from its templates' bold markers.
	for _, s := range append(badinput.Texts(), "*nix \ue000* \ue000\ue000 *args*") {
		f.Add(s, false, false)
		f.Add(s, true, true)
	}
	f.Fuzz(func(t *testing.T, text string, french, many bool) {
		lang := i18n.EN
		if french {
			lang = i18n.FR
		}
		// many shows every question, past Slack's 50 blocks.
		limit := 10
		if many {
			limit = 100
		}
		src := newFuzzWeek(text)
		ctx := context.Background()
		opts := digest.Options{Week: week47, Viewer: knowledge.Anonymous, Links: fakeLinks{}, Limit: limit}
		public, err := digest.Compose(ctx, src, opts)
		if err != nil {
			t.Fatal(err)
		}
		if len(public.Knowledge) == 0 || len(public.Unanswered) == 0 || len(public.Teams) == 0 {
			t.Fatalf("the week shows too little to test its rendering: %+v", public)
		}
		personal, err := digest.ComposePersonal(ctx, src, "UD", opts)
		if err != nil {
			t.Fatal(err)
		}
		if personal.Empty() {
			t.Fatalf("UD's digest is empty")
		}
		for _, d := range []*digest.Digest{public, personal} {
			what := "the channel's digest"
			if d.Personal {
				what = "the personal digest"
			}
			slackTakes(t, what, digest.Summary(d, lang), digest.Blocks(d, lang))
			shownAsWritten(t, what, digest.Text(d, lang), d)
			readsBack(t, what, d)
		}
	})
}

// FuzzReview sums up the questions teams took, the teams, topics and
// requesting teams named by two texts, and renders the review as `nextdesk
// review` prints it and as the bot posts it: the blocks are a message
// Slack accepts and no mrkdwn text notifies a whole channel; the CSV
// reads back with encoding/csv to a header and a line per pair of teams,
// every line as long as the header, the names as written, and no cell a
// spreadsheet would run as a formula.
func FuzzReview(f *testing.F) {
	formulas := []string{
		`=HYPERLINK("https://x.example","click")`, `=1+1`, `+33 1 23 45 67 89`, `-2+3`,
		`@SUM(A1:A2)`, "\t=1", "\r=1", "=cmd|' /C calc'!A0", "'=already quoted",
	}
	for _, s := range append(formulas, badinput.Texts()...) {
		f.Add(s, "IT", false)
		f.Add("Platform", s, true)
	}
	f.Add("=a", "=b", false)
	f.Fuzz(func(t *testing.T, team, other string, french bool) {
		lang := i18n.EN
		if french {
			lang = i18n.FR
		}
		src := teamAsks(reviewAsks(team, other))
		since := time.Date(2026, 6, 1, 0, 0, 0, 0, time.UTC)
		r, err := digest.ComposeReview(context.Background(), src, since, since.AddDate(0, 6, 0))
		if err != nil {
			t.Fatal(err)
		}
		if len(r.Rows) == 0 {
			t.Fatalf("no pair of teams in the review")
		}
		slackTakes(t, "the review", "a review", digest.ReviewBlocks(r, lang))
		for _, c := range r.Rows {
			slackTakes(t, "a team's review", "a review", digest.ReviewBlocks(r.Of(c.Team), lang))
		}
		if out := digest.ReviewText(r, lang); strings.Count(out, "\n\n") < len(r.Rows) {
			t.Fatalf("the text form has fewer paragraphs than the %d pairs:\n%s", len(r.Rows), out)
		}

		var buf bytes.Buffer
		if err := digest.WriteReviewCSV(&buf, r); err != nil {
			t.Fatal(err)
		}
		cr := csv.NewReader(&buf)
		cr.FieldsPerRecord = -1 // counted below, to say which line is off
		lines, err := cr.ReadAll()
		if err != nil {
			t.Fatalf("the CSV does not read back: %v\n%s", err, buf.String())
		}
		if len(lines) != 1+len(r.Rows) {
			t.Fatalf("the CSV reads back as %d lines, not a header and %d pairs:\n%q", len(lines), len(r.Rows), lines)
		}
		for i, line := range lines {
			if len(line) != len(lines[0]) {
				t.Fatalf("line %d has %d cells, the header %d: %q", i+1, len(line), len(lines[0]), line)
			}
			for j, cell := range line {
				if formula(cell) {
					t.Fatalf("line %d, cell %d (%s) %q is a formula in a spreadsheet", i+1, j+1, lines[0][j], cell)
				}
			}
			if i == 0 {
				continue
			}
			c := r.Rows[i-1]
			for j, name := range map[int]string{0: c.Requester, 1: c.Team} {
				if got := strings.TrimPrefix(line[j], "'"); got != csvRead(name) && line[j] != csvRead(name) {
					t.Fatalf("line %d, cell %d reads back %q for the name %q", i+1, j+1, line[j], name)
				}
			}
		}
	})
}

// slackTakes fails the test unless Slack would post a message of text and
// blocks (what, rendered) without notifying a whole channel.
func slackTakes(t *testing.T, what, text string, blocks []slack.Block) {
	t.Helper()
	raw, err := json.Marshal(blocks)
	if err != nil {
		t.Fatalf("%s: blocks are not JSON: %v", what, err)
	}
	if problems := fakeslack.ValidateBlocks(raw); len(problems) > 0 {
		t.Fatalf("%s: Slack refuses the blocks: %v\n%s", what, problems, fakeslack.Readable(raw))
	}
	if n := utf8.RuneCountInString(text); n > fakeslack.MaxMessageChars || strings.TrimSpace(text) == "" {
		t.Fatalf("%s: a text of %d characters", what, n)
	}
	if found, err := fakeslack.Broadcasts(text, raw); err != nil {
		t.Fatal(err)
	} else if len(found) > 0 {
		t.Fatalf("%s: %q would notify the whole channel", what, found)
	}
}

// shownAsWritten fails the test unless the text form of d shows each
// question on its own numbered line, as written (on one line, clipped),
// and each answer's excerpt on the line after.
func shownAsWritten(t *testing.T, what, out string, d *digest.Digest) {
	t.Helper()
	for _, list := range [][]digest.Item{d.Knowledge, d.Unanswered} {
		for i, it := range list {
			// An item's lines after the first are indented.
			shown := blockkit.OneLine(it.Question, shownQuestion)
			if it.Channel != "" {
				shown += " (#" + it.Channel + ")"
			}
			if it.Answer != "" {
				shown += "\n" + blockkit.OneLine(it.Answer, shownAnswer)
			}
			line := fmt.Sprintf("\n  %2d. %s\n", i+1, strings.ReplaceAll(shown, "\n", "\n      "))
			if !strings.Contains(out, line) {
				t.Fatalf("%s: the text form lacks %q:\n%s", what, line, out)
			}
		}
	}
}

// readsBack fails the test unless d's JSON form (as `nextdesk digest
// --format json` writes it) is valid and reads back to a digest written
// the same.
func readsBack(t *testing.T, what string, d *digest.Digest) {
	t.Helper()
	encode := func(v any) []byte {
		var buf bytes.Buffer
		enc := json.NewEncoder(&buf)
		enc.SetEscapeHTML(false)
		enc.SetIndent("", "  ")
		if err := enc.Encode(v); err != nil {
			t.Fatalf("%s: %v", what, err)
		}
		return buf.Bytes()
	}
	raw := encode(d)
	if !json.Valid(raw) {
		t.Fatalf("%s: invalid JSON:\n%s", what, raw)
	}
	var back digest.Digest
	if err := json.Unmarshal(raw, &back); err != nil {
		t.Fatalf("%s: %v\n%s", what, err, raw)
	}
	// Compared as JSON values: a byte that is not UTF-8 is written
	// \ufffd, and read back as the U+FFFD it stands for.
	var first, second any
	if err := json.Unmarshal(raw, &first); err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(encode(&back), &second); err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(second, first) {
		t.Fatalf("%s: the JSON reads back as another digest (-got +want):\n%s", what, cmp.Diff(second, first))
	}
}

// formula reports whether a spreadsheet opening a CSV would run cell as a
// formula (OWASP's CSV injection): a number is read as a number.
func formula(cell string) bool {
	if cell == "" || !strings.ContainsRune("=+-@\t\r", rune(cell[0])) {
		return false
	}
	_, err := strconv.ParseFloat(cell, 64)
	return err != nil
}

// csvRead is s as encoding/csv reads it back once written: a quoted line
// break \r\n comes back as \n.
func csvRead(s string) string { return strings.ReplaceAll(s, "\r\n", "\n") }

// teamName is s as a teams file can name a team or a topic: at most
// teams.MaxName characters.
func teamName(s string) string {
	if r := []rune(s); len(r) > teams.MaxName {
		return string(r[:teams.MaxName])
	}
	return s
}

// reviewAsks are questions teams took in June 2026: team serves other
// (and people in no team, and anonymous askers) on topics named by both,
// and other serves team; some deadlines kept, some broken, some pending.
func reviewAsks(team, other string) []knowledge.TeamAsk {
	team, other = teamName(team), teamName(other)
	at := time.Date(2026, 6, 2, 9, 0, 0, 0, time.UTC)
	kept := func(k knowledge.DeadlineKind, asked time.Time, within time.Duration) knowledge.Deadline {
		return knowledge.Deadline{Kind: k, Within: within, Due: asked.Add(within), MetAt: asked.Add(within / 2), Took: within / 2}
	}
	broken := func(k knowledge.DeadlineKind, asked time.Time, within time.Duration) knowledge.Deadline {
		return knowledge.Deadline{Kind: k, Within: within, Due: asked.Add(within), BreachedAt: asked.Add(within)}
	}
	var asks []knowledge.TeamAsk
	add := func(serving, topic, requester string, anonymous bool, first, resolution func(knowledge.DeadlineKind, time.Time, time.Duration) knowledge.Deadline) {
		asked := at.Add(time.Duration(len(asks)) * 24 * time.Hour)
		a := knowledge.TeamAsk{QuestionID: fmt.Sprintf("q%d", len(asks)), Team: serving, Topic: topic, Requester: requester, Anonymous: anonymous, AskedAt: asked,
			FirstResponse: knowledge.Deadline{Kind: knowledge.FirstResponse}, Resolution: knowledge.Deadline{Kind: knowledge.Resolution}}
		if first != nil {
			a.FirstResponse = first(knowledge.FirstResponse, asked, time.Hour)
		}
		if resolution != nil {
			a.Resolution = resolution(knowledge.Resolution, asked, 8*time.Hour)
		}
		asks = append(asks, a)
	}
	add(team, other, other, false, kept, broken)
	add(team, team, other, false, broken, nil)
	add(team, "vpn", "", false, kept, kept)
	add(team, other, "", true, nil, nil)
	add(other, team, team, false, kept, nil)
	add(other, other, "Sales", false, nil, broken)
	// Pending: asked the day the review ends.
	pending := time.Date(2026, 12, 1, 8, 0, 0, 0, time.UTC)
	asks = append(asks, knowledge.TeamAsk{QuestionID: "qp", Team: team, Topic: team, Requester: "Sales", AskedAt: pending,
		FirstResponse: knowledge.Deadline{Kind: knowledge.FirstResponse, Within: 24 * time.Hour, Due: pending.Add(24 * time.Hour)},
		Resolution:    knowledge.Deadline{Kind: knowledge.Resolution}})
	return asks
}

// teamAsks is a TeamSource of the questions teams took.
type teamAsks []knowledge.TeamAsk

func (ts teamAsks) TeamAsks(_ context.Context, from, to time.Time) ([]knowledge.TeamAsk, error) {
	var out []knowledge.TeamAsk
	for _, a := range ts {
		if !a.AskedAt.Before(from) && a.AskedAt.Before(to) {
			out = append(out, a)
		}
	}
	return out, nil
}

// fuzzWeek is a week of questions held in memory, all written from one
// text, with the four weeks before: a Source (and a TeamsSource) cheap
// enough to compose digests for every input of a fuzz run. Nothing was
// ever answered that it tells of, so every term recurring in the week is
// a topic nobody covers: the most a digest can show.
type fuzzWeek struct {
	teamAsks
	questions []knowledge.Question
	asks      map[string]knowledge.Ask
	routes    map[string][]knowledge.Route
	people    map[string]knowledge.Person
	channels  map[string]string
	teams     knowledge.Teams
}

// newFuzzWeek returns week 47 (UTC) written from text: 24 answered
// questions and 24 unanswered, one answered at once and one asked
// anonymously, some routed, people and a channel named text, and teams
// and topics named text that took some of the questions.
func newFuzzWeek(text string) *fuzzWeek {
	start := week47.Start(time.UTC)
	name := teamName(text)
	w := &fuzzWeek{
		asks:   make(map[string]knowledge.Ask),
		routes: make(map[string][]knowledge.Route),
		people: map[string]knowledge.Person{
			"UA": {ID: "UA", Name: text}, "UB": {ID: "UB", Name: text + " B"}, "UC": {ID: "UC", Name: "Carol"},
			"UD": {ID: "UD", Name: text}, "UE": {ID: "UE"}, "UM": {ID: "UM", Name: "Max"},
		},
		channels: map[string]string{"CHELP": text, "CDEV": "dev"},
		teams: knowledge.Teams{
			{Name: name, Members: []string{"UB"}, Topics: []knowledge.Topic{{Name: name, Words: []string{text, "kubernetes"}, Examples: []string{text}}}},
			{Name: "Platform", Members: []string{"UC"}, Topics: []knowledge.Topic{{Name: "infra", Words: []string{"terraform"}}}},
		},
	}
	for i := range 48 {
		asked := start.Add(time.Duration(i) * 3 * time.Hour)
		q := knowledge.Question{ID: fmt.Sprintf("q%d", i), Asker: "UA", Conversation: "CHELP", Thread: ts(asked), Text: text + " kubernetes " + strconv.Itoa(i%3), Time: asked}
		if i%2 == 1 {
			q.Asker, q.Conversation, q.Text = "UE", "CDEV", "terraform "+text
		}
		if i%4 == 0 {
			q.Title = text
		}
		if i%2 == 0 {
			q.Answers = []knowledge.Answer{
				{ID: "a" + q.ID, Answerer: "UB", Text: text, Time: asked.Add(time.Hour), Accepted: i%8 == 0, Thanks: i % 3},
				{ID: "b" + q.ID, Answerer: "UC", Text: "kubectl " + text, Time: asked.Add(2 * time.Hour)},
			}
			w.routes[q.ID] = []knowledge.Route{{QuestionID: q.ID, Expert: "UB", Outcome: knowledge.RouteAnswered, AskedAt: asked}}
		}
		w.questions = append(w.questions, q)
	}
	w.asks["q1"] = knowledge.Ask{QuestionID: "q1", Anonymous: true}
	w.asks["q3"] = knowledge.Ask{QuestionID: "q3", Status: knowledge.StatusUnanswered}
	w.asks["q5"] = knowledge.Ask{QuestionID: "q5", Status: knowledge.StatusSolved, Offered: "aq0"}
	// UD asked and answered about text before: their topics.
	for i := range 4 {
		asked := start.AddDate(0, 0, -7*(i+1))
		w.questions = append(w.questions, knowledge.Question{ID: fmt.Sprintf("h%d", i), Asker: "UD", Conversation: "CHELP", Text: text + " kubernetes", Time: asked,
			Answers: []knowledge.Answer{{ID: fmt.Sprintf("ah%d", i), Answerer: "UA", Text: text, Time: asked.Add(time.Hour)}}})
	}
	for i, a := range reviewAsks(text, "Platform") {
		a.AskedAt = start.Add(time.Duration(i) * time.Hour)
		w.teamAsks = append(w.teamAsks, a)
	}
	return w
}

func (w *fuzzWeek) QuestionsAsked(_ context.Context, _ knowledge.Viewer, from, to time.Time) ([]knowledge.Question, error) {
	var out []knowledge.Question
	for _, q := range w.questions {
		if !q.Time.Before(from) && q.Time.Before(to) {
			out = append(out, q)
		}
	}
	slices.SortStableFunc(out, func(a, b knowledge.Question) int { return a.Time.Compare(b.Time) })
	return out, nil
}

func (w *fuzzWeek) QuestionsOf(_ context.Context, _ knowledge.Viewer, person string, limit int) ([]knowledge.Question, error) {
	var out []knowledge.Question
	for _, q := range slices.Backward(w.questions) {
		if q.Asker == person || slices.ContainsFunc(q.Answers, func(a knowledge.Answer) bool { return a.Answerer == person }) {
			q.Answers = nil
			out = append(out, q)
		}
	}
	return out[:min(len(out), limit)], nil
}

func (w *fuzzWeek) EachAnsweredText(context.Context, knowledge.Viewer, func(string) error) error {
	return nil
}

func (w *fuzzWeek) AsksOf(_ context.Context, ids []string) (map[string]knowledge.Ask, error) {
	return pick(w.asks, ids), nil
}

func (w *fuzzWeek) RoutesOf(_ context.Context, ids []string) (map[string][]knowledge.Route, error) {
	return pick(w.routes, ids), nil
}

func (w *fuzzWeek) InstantReuses(_ context.Context, ids []string) (map[string]int, error) {
	return pick(map[string]int{"aq0": 2, "aq2": 1}, ids), nil
}

func (w *fuzzWeek) People(_ context.Context, ids []string) (map[string]knowledge.Person, error) {
	return pick(w.people, ids), nil
}

func (w *fuzzWeek) ConversationNames(_ context.Context, ids []string) (map[string]string, error) {
	return pick(w.channels, ids), nil
}

func (w *fuzzWeek) OrgChart(context.Context) (map[string]string, error) {
	return map[string]string{"UA": "UM", "UB": "UC", "UE": "UM"}, nil
}

func (w *fuzzWeek) Teams(context.Context) (knowledge.Teams, error) { return w.teams, nil }

// pick returns the entries of m under ids.
func pick[V any](m map[string]V, ids []string) map[string]V {
	out := make(map[string]V)
	for _, id := range ids {
		if v, ok := m[id]; ok {
			out[id] = v
		}
	}
	return out
}
