package slackexport_test

import (
	"archive/zip"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/nextdesk/nextdesk/importer"
	"github.com/nextdesk/nextdesk/importer/slackexport"
	"github.com/nextdesk/nextdesk/knowledge"
)

const dataDir = "../../../shared/data/slack"

// MustSharedExport returns the path of a shared export, skipping the test
// when the shared data is not there.
func MustSharedExport(tb testing.TB, name string) string {
	tb.Helper()
	p := filepath.Join(dataDir, name)
	if _, err := os.Stat(p); err != nil {
		tb.Skipf("shared data missing: %v", err)
	}
	return p
}

// MustZip writes files into a new zip archive and returns its path.
func MustZip(tb testing.TB, files map[string]string) string {
	tb.Helper()
	p := filepath.Join(tb.TempDir(), "export.zip")
	f, err := os.Create(p)
	if err != nil {
		tb.Fatal(err)
	}
	zw := zip.NewWriter(f)
	names := make([]string, 0, len(files))
	for name := range files {
		names = append(names, name)
	}
	slices.Sort(names)
	for _, name := range names {
		w, err := zw.Create(name)
		if err != nil {
			tb.Fatal(err)
		}
		if _, err := w.Write([]byte(files[name])); err != nil {
			tb.Fatal(err)
		}
	}
	if err := zw.Close(); err != nil {
		tb.Fatal(err)
	}
	if err := f.Close(); err != nil {
		tb.Fatal(err)
	}
	return p
}

// MustImport imports an export into a new Collector.
func MustImport(tb testing.TB, path string, opts slackexport.Options) (*importer.Collector, importer.Report) {
	tb.Helper()
	var c importer.Collector
	rep, err := slackexport.Import(context.Background(), path, &c, opts)
	if err != nil {
		tb.Fatalf("Import(%s): %v", path, err)
	}
	return &c, rep
}

// msg builds one message of a day file.
func msg(fields ...any) map[string]any {
	m := map[string]any{"type": "message"}
	for i := 0; i+1 < len(fields); i += 2 {
		m[fields[i].(string)] = fields[i+1]
	}
	return m
}

func mustJSON(tb testing.TB, v any) string {
	tb.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		tb.Fatal(err)
	}
	return string(b)
}

func check(users ...string) []map[string]any {
	return []map[string]any{{"name": "white_check_mark", "users": users, "count": len(users)}}
}

const usersJSON = `[
 {"id": "U1", "name": "amelie", "real_name": "Amélie Durand", "tz": "Europe/Paris", "tz_offset": 3600, "locale": "fr-FR",
  "profile": {"display_name": "", "real_name": "Amélie Durand", "email": "amelie@example.fr"}},
 {"id": "U2", "name": "bob", "profile": {"display_name": "Bob", "email": "REDACTED"}},
 {"id": "U3", "name": "chloe", "deleted": true, "profile": {"display_name": "Chloé"}},
 {"id": "U4", "name": "helper", "is_bot": true, "profile": {}},
 {"id": "U5", "name": "workflow", "is_app_user": true, "profile": {}},
 {"name": "no id"}
]`

// ts returns the Slack ts of second s after 2021-01-06 00:00 UTC.
func ts(s int) string { return strconv.Itoa(1609891200+s) + ".000100" }

// at returns the time of ts(s).
func at(s int) time.Time { return time.Unix(1609891200+int64(s), 100_000).UTC() }

// helpExport is a small export with one channel whose threads exercise
// every rule: acceptance by check mark and by thanks, thanks naming the
// person, thanks taken back, bots, subtypes, replies on a later day, a
// duplicated reply, an orphan, an unknown user and bad records.
func helpExport(tb testing.TB) (files map[string]string, records int) {
	tb.Helper()
	day1 := []any{
		msg("subtype", "channel_join", "user", "U2", "ts", ts(1), "text", "<@U2> has joined the channel"),
		// T1: thanked in French.
		msg("user", "U1", "ts", ts(10), "thread_ts", ts(10), "reply_count", 3,
			"text", "<@U2> how do I *deploy* <https://x.org/deploy|the app>?"),
		msg("user", "U2", "ts", ts(11), "thread_ts", ts(10), "text", "Run `make deploy` &amp; wait"),
		msg("user", "U1", "ts", ts(12), "thread_ts", ts(10), "text", "Merci, ça marche !"),
		msg("user", "U3", "ts", ts(13), "thread_ts", ts(10), "text", ""),
		// T2: a check mark for U2, thanks naming U3, a file after.
		msg("user", "U1", "ts", ts(20), "thread_ts", ts(20), "text", "VPN drops every hour"),
		msg("user", "U2", "ts", ts(21), "thread_ts", ts(20), "text", "Renew the cert", "reactions", check("U1")),
		msg("user", "U3", "ts", ts(22), "thread_ts", ts(20), "text", "Reboot"),
		msg("user", "U1", "ts", ts(23), "thread_ts", ts(20), "text", "thanks <@U3>!"),
		msg("user", "U3", "ts", ts(25), "thread_ts", ts(20), "text", "", "files", []map[string]any{{"name": "fix.png", "title": "fix.png"}}),
		// T3: thanks taken back; a check mark by someone else.
		msg("user", "U1", "ts", ts(30), "thread_ts", ts(30), "text", "Printer?"),
		msg("user", "U2", "ts", ts(31), "thread_ts", ts(30), "text", "Use floor 2"),
		msg("user", "U1", "ts", ts(32), "thread_ts", ts(30), "text", "thanks, but it still fails"),
		msg("user", "U2", "ts", ts(33), "thread_ts", ts(30), "text", "then call IT", "reactions", check("U2")),
		// T4: only the asker replied.
		msg("user", "U1", "ts", ts(40), "thread_ts", ts(40), "text", "Anyone?"),
		msg("user", "U1", "ts", ts(41), "thread_ts", ts(40), "text", "bump"),
		// T5: a bot's root.
		msg("subtype", "bot_message", "bot_id", "B1", "ts", ts(50), "thread_ts", ts(50), "text", "Deploy failed"),
		msg("user", "U2", "ts", ts(51), "thread_ts", ts(50), "text", "looking"),
		// T6: only bots replied.
		msg("user", "U2", "ts", ts(60), "thread_ts", ts(60), "text", "Where is the wiki?"),
		msg("user", "U4", "ts", ts(61), "thread_ts", ts(60), "text", "here"),
		msg("user", "U5", "ts", ts(62), "thread_ts", ts(60), "text", "there"),
		// T7: answered the next day.
		msg("user", "U1", "ts", ts(70), "thread_ts", ts(70), "text", "Lunch place?"),
		msg("user", "U2", "ts", ts(80), "text", "hello"),
		// T8: answered by someone users.json does not know.
		msg("user", "U1", "ts", ts(90), "thread_ts", ts(90), "text", "Coffee machine?"),
		msg("user", "U9", "ts", ts(91), "thread_ts", ts(90), "text", "fixed"),
		// T9: a message shared from another channel, its text in an attachment.
		msg("user", "U1", "ts", ts(95), "thread_ts", ts(95), "text", "",
			"attachments", []map[string]any{{"fallback": "[Jan 6th] bob: Shared?", "text": "Shared: how to *reset* VPN?"}}),
		msg("user", "U2", "ts", ts(96), "thread_ts", ts(95), "text", "like this"),
		42,
		msg("user", "U2", "ts", "abc", "text", "bad ts"),
	}
	day2 := []any{
		msg("user", "U3", "ts", ts(86405), "thread_ts", ts(70), "text", "Chez Paul"),
		msg("user", "U1", "ts", ts(86406), "thread_ts", ts(70), "text", "parfait merci"),
		msg("subtype", "thread_broadcast", "user", "U2", "ts", ts(86407), "thread_ts", ts(70), "text", "also Chez Marie"),
		msg("user", "U2", "ts", ts(11), "thread_ts", ts(10), "text", "Run `make deploy` &amp; wait"),
		msg("user", "U2", "ts", ts(86410), "thread_ts", ts(999), "text", "orphan"),
		msg("user", "U2", "ts", ts(86411), "thread_ts", "yesterday", "text", "bad thread ts"),
	}
	return map[string]string{
		"users.json":           usersJSON,
		"channels.json":        `[{"id": "C1", "name": "help", "members": ["U1", "U2"]}]`,
		"help/2021-01-06.json": mustJSON(tb, day1),
		"help/2021-01-07.json": mustJSON(tb, day2),
	}, len(day1) + len(day2)
}

func TestImportThreads(t *testing.T) {
	files, records := helpExport(t)
	c, rep := MustImport(t, MustZip(t, files), slackexport.Options{})

	id := func(s int) string { return "slack:C1:" + ts(s) }
	q := func(s int, asker, text string, answers ...knowledge.Answer) knowledge.Question {
		return knowledge.Question{ID: id(s), Asker: asker, Conversation: "C1", Thread: ts(s), Text: text, Time: at(s), Answers: answers}
	}
	a := func(s int, by, text string, accepted bool, thanks int) knowledge.Answer {
		return knowledge.Answer{ID: id(s), Answerer: by, Text: text, Time: at(s), Accepted: accepted, Thanks: thanks}
	}
	deploy := q(10, "U1", "@Bob how do I deploy the app?", a(11, "U2", "Run make deploy & wait", true, 1))
	deploy.Addressed = []string{"U2"}
	want := []knowledge.Question{
		deploy,
		q(20, "U1", "VPN drops every hour",
			a(21, "U2", "Renew the cert", true, 0),
			a(22, "U3", "Reboot", true, 1),
			a(25, "U3", "fix.png", false, 0)),
		q(30, "U1", "Printer?", a(31, "U2", "Use floor 2", false, 0), a(33, "U2", "then call IT", false, 0)),
		q(90, "U1", "Coffee machine?", a(91, "U9", "fixed", false, 0)),
		q(95, "U1", "Shared: how to reset VPN?", a(96, "U2", "like this", false, 0)),
		q(70, "U1", "Lunch place?", a(86405, "U3", "Chez Paul", true, 1), a(86407, "U2", "also Chez Marie", false, 0)),
	}
	if diff := cmp.Diff(c.Questions, want); diff != "" {
		t.Errorf("questions mismatch (-got +want):\n%s", diff)
	}

	wantPeople := []knowledge.Person{
		{ID: "U1", Name: "Amélie Durand", Email: "amelie@example.fr", TZ: "Europe/Paris", TZOffset: 3600, Locale: "fr-FR"},
		{ID: "U2", Name: "Bob"},
		{ID: "U3", Name: "Chloé", Deleted: true},
		{ID: "U4", Name: "helper", Bot: true},
		{ID: "U5", Name: "workflow", Bot: true},
		{ID: "U9", Name: "U9"},
	}
	if diff := cmp.Diff(c.People, wantPeople); diff != "" {
		t.Errorf("people mismatch (-got +want):\n%s", diff)
	}

	wantSkipped := map[string]int{"subtype": 2, "bot": 2, "empty": 1, "reply_to_skipped_root": 1, "bad_record": 3, "bad_user": 1}
	if diff := cmp.Diff(rep.Skipped, wantSkipped); diff != "" {
		t.Errorf("skipped mismatch (-got +want):\n%s", diff)
	}
	gotCounts := []int{rep.Records, rep.Questions, rep.Answers, rep.Accepted, rep.Orphans, rep.Conversations, rep.People}
	wantCounts := []int{records, 6, 10, 4, 1, 1, 6}
	if diff := cmp.Diff(gotCounts, wantCounts); diff != "" {
		t.Errorf("records, questions, answers, accepted, orphans, conversations, people mismatch (-got +want):\n%s", diff)
	}
}

func TestImportIsIdempotent(t *testing.T) {
	files, _ := helpExport(t)
	zipPath := MustZip(t, files)
	var c importer.Collector
	first, err := slackexport.Import(context.Background(), zipPath, &c, slackexport.Options{BatchSize: 2})
	if err != nil {
		t.Fatal(err)
	}
	snapshot := slices.Clone(c.Questions)
	second, err := slackexport.Import(context.Background(), zipPath, &c, slackexport.Options{BatchSize: 2})
	if err != nil {
		t.Fatal(err)
	}
	if first.Written.Questions == 0 || second.Written != (knowledge.ImportResult{}) {
		t.Errorf("first run wrote %+v, second %+v; want something, then nothing", first.Written, second.Written)
	}
	if diff := cmp.Diff(c.Questions, snapshot); diff != "" {
		t.Errorf("questions changed on re-import (-got +want):\n%s", diff)
	}
	if first.Batches < 3 {
		t.Errorf("BatchSize 2 gave %d batches; want several", first.Batches)
	}
}

// expectedThreads reads an export the simple way, all in memory, and
// counts per channel id the threads a person started that another person
// answered, and their answers. It shares no code with the importer.
func expectedThreads(tb testing.TB, zipPath string) (questions map[string]int, answers int) {
	tb.Helper()
	zr, err := zip.OpenReader(zipPath)
	if err != nil {
		tb.Fatal(err)
	}
	defer zr.Close()
	type message struct {
		Subtype  string `json:"subtype"`
		User     string `json:"user"`
		BotID    string `json:"bot_id"`
		Text     string `json:"text"`
		TS       string `json:"ts"`
		ThreadTS string `json:"thread_ts"`
		Files    []any  `json:"files"`
		Shared   []struct {
			Text     string `json:"text"`
			Fallback string `json:"fallback"`
		} `json:"attachments"`
	}
	readJSON := func(f *zip.File, v any) {
		rc, err := f.Open()
		if err != nil {
			tb.Fatal(err)
		}
		defer rc.Close()
		if err := json.NewDecoder(rc).Decode(v); err != nil {
			tb.Fatalf("%s: %v", f.Name, err)
		}
	}
	bots := map[string]bool{}
	folderID := map[string]string{}
	byFolder := map[string][]message{}
	for _, f := range zr.File {
		switch dir, base := filepath.Split(f.Name); {
		case f.Name == "users.json":
			var users []struct {
				ID        string `json:"id"`
				IsBot     bool   `json:"is_bot"`
				IsAppUser bool   `json:"is_app_user"`
			}
			readJSON(f, &users)
			for _, u := range users {
				bots[u.ID] = u.IsBot || u.IsAppUser
			}
		case f.Name == "channels.json":
			var chans []struct {
				ID   string `json:"id"`
				Name string `json:"name"`
			}
			readJSON(f, &chans)
			for _, c := range chans {
				folderID[c.Name] = c.ID
			}
		case dir != "" && strings.HasSuffix(base, ".json"):
			var msgs []message
			readJSON(f, &msgs)
			folder := strings.TrimSuffix(dir, "/")
			byFolder[folder] = append(byFolder[folder], msgs...)
		}
	}
	person := func(m message) bool {
		return (m.Subtype == "" || m.Subtype == "thread_broadcast") && m.BotID == "" && m.User != "" &&
			!bots[m.User] && !strings.HasPrefix(m.User, "B")
	}
	said := func(m message) bool {
		for _, a := range m.Shared {
			if strings.TrimSpace(a.Text+a.Fallback) != "" {
				return true
			}
		}
		return strings.TrimSpace(m.Text) != "" || len(m.Files) > 0
	}
	questions = map[string]int{}
	for folder, msgs := range byFolder {
		roots := map[string]message{}
		for _, m := range msgs {
			if m.ThreadTS == m.TS && person(m) && said(m) {
				roots[m.TS] = m
			}
		}
		replies := map[string]map[string]bool{}
		for _, m := range msgs {
			r, ok := roots[m.ThreadTS]
			if ok && m.TS != r.TS && person(m) && said(m) && m.User != r.User {
				if replies[r.TS] == nil {
					replies[r.TS] = map[string]bool{}
				}
				replies[r.TS][m.TS] = true
			}
		}
		for _, rs := range replies {
			questions[folderID[folder]]++
			answers += len(rs)
		}
	}
	return questions, answers
}

func questionsByConversation(qs []knowledge.Question) map[string]int {
	n := map[string]int{}
	for _, q := range qs {
		n[q.Conversation]++
	}
	return n
}

func TestImportJulia(t *testing.T) {
	zipPath := MustSharedExport(t, "julia-community-export.zip")
	wantQuestions, wantAnswers := expectedThreads(t, zipPath)
	c, rep := MustImport(t, zipPath, slackexport.Options{})
	if diff := cmp.Diff(questionsByConversation(c.Questions), wantQuestions); diff != "" {
		t.Errorf("questions per channel mismatch (-got +want):\n%s", diff)
	}
	total := 0
	for _, n := range wantQuestions {
		total += n
	}
	if total < 2500 || total > 3100 || len(wantQuestions) != 16 {
		t.Errorf("the plain reading found %d questions in %d channels; the data README says about 2,800 in 16", total, len(wantQuestions))
	}
	gotAnswers := 0
	for _, q := range c.Questions {
		gotAnswers += len(q.Answers)
		if q.Text == "" || q.Time.IsZero() {
			t.Errorf("question %s has text %q and time %v; want both", q.ID, q.Text, q.Time)
		}
		for _, a := range q.Answers {
			if a.Answerer == q.Asker {
				t.Errorf("question %s: the asker answers their own question in %s", q.ID, a.ID)
			}
		}
	}
	if gotAnswers != wantAnswers {
		t.Errorf("collected %d answers, the plain reading %d", gotAnswers, wantAnswers)
	}
	if rep.Accepted == 0 || rep.Accepted >= rep.Answers {
		t.Errorf("%d accepted answers for %d questions; want some, far from all", rep.Accepted, rep.Questions)
	}
	if len(c.Conversations) != 16 || len(rep.Problems) != 0 || rep.Orphans != 0 {
		t.Errorf("%d conversations, problems %q, %d orphans; want 16, none, none", len(c.Conversations), rep.Problems, rep.Orphans)
	}

	t.Run("channels filter", func(t *testing.T) {
		c, _ := MustImport(t, zipPath, slackexport.Options{Channels: []string{"gpu", "#plotting", "C6G240ENA"}})
		want := map[string]int{"C689Y34LE": wantQuestions["C689Y34LE"], "C6E4SU1D3": wantQuestions["C6E4SU1D3"], "C6G240ENA": wantQuestions["C6G240ENA"]}
		if diff := cmp.Diff(questionsByConversation(c.Questions), want); diff != "" {
			t.Errorf("filtered questions mismatch (-got +want):\n%s", diff)
		}
		var names []string
		for _, cv := range c.Conversations {
			names = append(names, cv.Name)
		}
		if diff := cmp.Diff(names, []string{"gpu", "plotting", "autodiff"}); diff != "" {
			t.Errorf("filtered conversations mismatch (-got +want):\n%s", diff)
		}
	})

	t.Run("re-import", func(t *testing.T) {
		rep, err := slackexport.Import(context.Background(), zipPath, c, slackexport.Options{})
		if err != nil {
			t.Fatal(err)
		}
		if rep.Written != (knowledge.ImportResult{}) || len(c.Questions) != total {
			t.Errorf("re-import wrote %+v, left %d questions; want nothing and %d", rep.Written, len(c.Questions), total)
		}
	})
}

func TestImportLegacy(t *testing.T) {
	for _, name := range []string{"legacy-2016-export.zip", "legacy-tiny-export.zip"} {
		t.Run(name, func(t *testing.T) {
			zipPath := MustSharedExport(t, name)
			zr, err := zip.OpenReader(zipPath)
			if err != nil {
				t.Fatal(err)
			}
			var users, channels []json.RawMessage
			for _, f := range zr.File {
				var into *[]json.RawMessage
				switch f.Name {
				case "users.json":
					into = &users
				case "channels.json":
					into = &channels
				default:
					continue
				}
				rc, _ := f.Open()
				if err := json.NewDecoder(rc).Decode(into); err != nil {
					t.Fatal(err)
				}
				rc.Close()
			}
			zr.Close()

			c, rep := MustImport(t, zipPath, slackexport.Options{})
			got := []int{len(c.People), len(c.Conversations), len(rep.Problems)}
			want := []int{len(users), len(channels), 0}
			if diff := cmp.Diff(got, want); diff != "" {
				t.Errorf("people, conversations, problems mismatch (-got +want):\n%s", diff)
			}
			// No threads: every question is reconstructed from flat history.
			if len(c.Questions) == 0 || rep.Reconstructed != len(c.Questions) {
				t.Errorf("%d questions, %d reconstructed; want some, all reconstructed", len(c.Questions), rep.Reconstructed)
			}
			for _, q := range c.Questions {
				if !q.Reconstructed || len(q.Answers) == 0 {
					t.Errorf("question %s: reconstructed %v with %d answers", q.ID, q.Reconstructed, len(q.Answers))
				}
			}
			if rep.Records == 0 {
				t.Error("no message read")
			}
			for _, cv := range c.Conversations {
				if cv.Kind != knowledge.KindPublic {
					t.Errorf("conversation %s (%s) is %s; channels.json lists public channels", cv.ID, cv.Name, cv.Kind)
				}
			}
		})
	}
}

// discard is a Sink that keeps nothing, so benchmarks measure the importer.
type discard struct{}

func (discard) Import(context.Context, knowledge.Batch) (knowledge.ImportResult, error) {
	return knowledge.ImportResult{}, nil
}

func BenchmarkImportJulia(b *testing.B) {
	zipPath := MustSharedExport(b, "julia-community-export.zip")
	var msgs int
	for b.Loop() {
		rep, err := slackexport.Import(context.Background(), zipPath, discard{}, slackexport.Options{})
		if err != nil {
			b.Fatal(err)
		}
		msgs = rep.Records
	}
	b.ReportMetric(float64(msgs*b.N)/b.Elapsed().Seconds(), "msgs/s")
}

// thread returns a day file with one question by U1 answered by U2.
func thread(tb testing.TB, s int) string {
	return mustJSON(tb, []any{
		msg("user", "U1", "ts", ts(s), "thread_ts", ts(s), "text", "question"),
		msg("user", "U2", "ts", ts(s+1), "thread_ts", ts(s), "text", "answer"),
	})
}

func TestImportConversationLists(t *testing.T) {
	zipPath := MustZip(t, map[string]string{
		"users.json":              usersJSON,
		"channels.json":           `[{"id": "C1", "name": "general", "members": ["U1", "U2"]}]`,
		"groups.json":             `[{"id": "G1", "name": "secret", "members": ["U1", "U3"]}]`,
		"mpims.json":              `[{"id": "G2", "name": "mpdm-amelie--bob--chloe-1", "members": ["U1", "U2", "U3"]}]`,
		"dms.json":                `[{"id": "D1", "members": ["U1", "U2"]}, {"members": ["U1"]}, 7]`,
		"general/2021-01-06.json": thread(t, 10),
		"secret/2021-01-06.json":  thread(t, 20),
		"mpdm-amelie--bob--chloe-1/2021-01-06.json": thread(t, 30),
		"D1/2021-01-06.json":                        thread(t, 40),
		"mystery/2021-01-06.json":                   thread(t, 50),
	})
	c, rep := MustImport(t, zipPath, slackexport.Options{})
	want := []knowledge.Conversation{
		{ID: "C1", Name: "general", Kind: knowledge.KindPublic},
		{ID: "G1", Name: "secret", Kind: knowledge.KindPrivate, Members: []string{"U1", "U3"}},
		{ID: "G2", Name: "mpdm-amelie--bob--chloe-1", Kind: knowledge.KindGroupDM, Members: []string{"U1", "U2", "U3"}},
		{ID: "D1", Name: "Amélie Durand, Bob", Kind: knowledge.KindDM, Members: []string{"U1", "U2"}},
		// In no list while the export has channels.json: private, no members.
		{ID: "mystery", Name: "mystery", Kind: knowledge.KindPrivate},
	}
	if diff := cmp.Diff(c.Conversations, want); diff != "" {
		t.Errorf("conversations mismatch (-got +want):\n%s", diff)
	}
	var where []string
	for _, q := range c.Questions {
		where = append(where, q.ID)
	}
	wantWhere := []string{"slack:C1:" + ts(10), "slack:G1:" + ts(20), "slack:G2:" + ts(30), "slack:D1:" + ts(40), "slack:mystery:" + ts(50)}
	if diff := cmp.Diff(where, wantWhere); diff != "" {
		t.Errorf("question ids mismatch (-got +want):\n%s", diff)
	}
	if diff := cmp.Diff(rep.Skipped, map[string]int{"bad_list_entry": 2, "bad_user": 1}); diff != "" {
		t.Errorf("skipped mismatch (-got +want):\n%s", diff)
	}
	if len(rep.Problems) != 0 {
		t.Errorf("problems %q; want none", rep.Problems)
	}
}

func TestImportWithoutLists(t *testing.T) {
	// An early export: no users.json, no channels.json, and everything
	// under one top directory, as when a folder is zipped.
	zipPath := MustZip(t, map[string]string{
		"old export/random/2015-06-09.json": thread(t, 10),
		"old export/random/2015-06-10.json": thread(t, 20),
	})
	c, _ := MustImport(t, zipPath, slackexport.Options{})
	wantConversations := []knowledge.Conversation{{ID: "random", Name: "random", Kind: knowledge.KindPublic}}
	if diff := cmp.Diff(c.Conversations, wantConversations); diff != "" {
		t.Errorf("conversations mismatch (-got +want):\n%s", diff)
	}
	wantPeople := []knowledge.Person{{ID: "U1", Name: "U1"}, {ID: "U2", Name: "U2"}}
	if diff := cmp.Diff(c.People, wantPeople); diff != "" {
		t.Errorf("people mismatch (-got +want):\n%s", diff)
	}
	if len(c.Questions) != 2 {
		t.Errorf("%d questions, want 2", len(c.Questions))
	}
}

func TestImportBadArchive(t *testing.T) {
	files, _ := helpExport(t)
	good, err := os.ReadFile(MustZip(t, files))
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	tests := []struct {
		name    string
		content []byte
	}{
		{"not a zip", []byte("hello, I am a text file")},
		{"central directory cut", good[:len(good)-40]},
		{"empty", nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := filepath.Join(dir, strings.ReplaceAll(tt.name, " ", "-")+".zip")
			if err := os.WriteFile(p, tt.content, 0o644); err != nil {
				t.Fatal(err)
			}
			var c importer.Collector
			_, err := slackexport.Import(context.Background(), p, &c, slackexport.Options{})
			if knowledge.ErrorCode(err) != knowledge.EINVALID || !strings.Contains(err.Error(), p) {
				t.Errorf("Import: error %v; want code %q naming %s", err, knowledge.EINVALID, p)
			}
			if len(c.People)+len(c.Conversations) != 0 {
				t.Errorf("a broken archive wrote %d people and %d conversations", len(c.People), len(c.Conversations))
			}
		})
	}
}

func TestImportMalformedMember(t *testing.T) {
	files, _ := helpExport(t)
	const bad = "[\n  {\"type\": \"message\", \"ts\": \"1.0\"},\n  {oops}\n]"
	files["help/2021-01-08.json"] = bad
	c, rep := MustImport(t, MustZip(t, files), slackexport.Options{})
	if len(c.Questions) != 6 {
		t.Errorf("%d questions, want the 6 of the readable files", len(c.Questions))
	}
	if rep.Skipped["malformed_file"] != 1 || len(rep.Problems) != 1 {
		t.Fatalf("skipped %v, problems %q; want one malformed file", rep.Skipped, rep.Problems)
	}
	// encoding/json counts the offending byte in the offset.
	offset := fmt.Sprintf("byte %d", strings.Index(bad, "oops")+1)
	for _, part := range []string{"help/2021-01-08.json", "line 3", offset} {
		if !strings.Contains(rep.Problems[0], part) {
			t.Errorf("problem %q does not say %q", rep.Problems[0], part)
		}
	}
}

func TestImportCorruptMember(t *testing.T) {
	// A stored (uncompressed) member whose bytes no longer match its
	// checksum: the archive opens, the member does not read.
	p := filepath.Join(t.TempDir(), "export.zip")
	f, err := os.Create(p)
	if err != nil {
		t.Fatal(err)
	}
	zw := zip.NewWriter(f)
	w, err := zw.CreateHeader(&zip.FileHeader{Name: "general/2021-01-06.json", Method: zip.Store})
	if err != nil {
		t.Fatal(err)
	}
	w.Write([]byte(`[{"type": "message", "user": "U1", "ts": "1.0", "text": "ZZZZ"}]`))
	w, _ = zw.Create("channels.json")
	w.Write([]byte(`[{"id": "C1", "name": "general"}]`))
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	f.Close()
	data, _ := os.ReadFile(p)
	data = bytes.Replace(data, []byte("ZZZZ"), []byte("ZZZY"), 1)
	if err := os.WriteFile(p, data, 0o644); err != nil {
		t.Fatal(err)
	}

	c, rep := MustImport(t, p, slackexport.Options{})
	if rep.Skipped["malformed_file"] != 1 || len(rep.Problems) != 1 || !strings.Contains(rep.Problems[0], "general/2021-01-06.json") {
		t.Errorf("skipped %v, problems %q; want the corrupt member named", rep.Skipped, rep.Problems)
	}
	if len(c.Conversations) != 1 || rep.Records != 0 {
		t.Errorf("%d conversations, %d records; want the channel and no message", len(c.Conversations), rep.Records)
	}
}

func TestImportUnknownChannel(t *testing.T) {
	files, _ := helpExport(t)
	var c importer.Collector
	_, err := slackexport.Import(context.Background(), MustZip(t, files), &c, slackexport.Options{Channels: []string{"help", "nope"}})
	if knowledge.ErrorCode(err) != knowledge.EINVALID || !strings.Contains(err.Error(), `"nope"`) || !strings.Contains(err.Error(), "help") {
		t.Errorf("Import: error %v; want code %q naming nope and the channels there are", err, knowledge.EINVALID)
	}
	if len(c.People)+len(c.Conversations)+len(c.Questions) != 0 {
		t.Error("an invalid filter wrote records")
	}
}

// FuzzImport feeds arbitrary users.json and day files to the importer: it
// must neither panic nor fail, only skip and count what it cannot read.
func FuzzImport(f *testing.F) {
	files, _ := helpExport(f)
	f.Add(files["users.json"], files["help/2021-01-06.json"])
	f.Add(`[{"id": ""}, null, 3, {"id": "U1", "tz_offset": "x"}]`, `[null, {"ts": "1.0", "thread_ts": "1.0", "user": "U1", "text": "<@"}, {"ts": "2.0", "thread_ts": "1.0", "user": "U2", "text": "thanks <@U1>", "reactions": [{"name": "check", "users": null}]}]`)
	f.Add(`{}`, `{"ts": 1}`)
	// A channel with no thread, for the reconstruction of flat history.
	f.Add(usersJSON, `[{"user": "U1", "ts": "1.000001", "text": "how do I deploy?"}, {"user": "U2", "ts": "2.000001", "text": "<@U1> make deploy"},
		{"user": "U1", "ts": "3.000001", "text": "merci <@amelie>"}, {"user": "U3", "ts": "9999.000001", "text": "<@bob|x> is it down?", "reactions": [{"name": "white_check_mark", "users": ["U3"]}]}]`)
	f.Fuzz(func(t *testing.T, users, day string) {
		zipPath := MustZip(t, map[string]string{
			"users.json":           users,
			"channels.json":        `[{"id": "C1", "name": "help"}]`,
			"help/2021-01-06.json": day,
		})
		var c importer.Collector
		if _, err := slackexport.Import(context.Background(), zipPath, &c, slackexport.Options{}); err != nil {
			t.Errorf("Import: %v", err)
		}
	})
}
