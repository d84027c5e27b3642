package slackexport_test

import (
	"archive/zip"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"slices"
	"strconv"
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
		42,
		msg("user", "U2", "ts", "abc", "text", "bad ts"),
	}
	day2 := []any{
		msg("user", "U3", "ts", ts(86405), "thread_ts", ts(70), "text", "Chez Paul"),
		msg("user", "U1", "ts", ts(86406), "thread_ts", ts(70), "text", "parfait merci"),
		msg("subtype", "thread_broadcast", "user", "U2", "ts", ts(86407), "thread_ts", ts(70), "text", "also Chez Marie"),
		msg("user", "U2", "ts", ts(11), "thread_ts", ts(10), "text", "Run `make deploy` &amp; wait"),
		msg("user", "U2", "ts", ts(86410), "thread_ts", ts(999), "text", "orphan"),
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
	want := []knowledge.Question{
		q(10, "U1", "@Bob how do I deploy the app?", a(11, "U2", "Run make deploy & wait", true, 1)),
		q(20, "U1", "VPN drops every hour",
			a(21, "U2", "Renew the cert", true, 0),
			a(22, "U3", "Reboot", true, 1),
			a(25, "U3", "fix.png", false, 0)),
		q(30, "U1", "Printer?", a(31, "U2", "Use floor 2", false, 0), a(33, "U2", "then call IT", false, 0)),
		q(90, "U1", "Coffee machine?", a(91, "U9", "fixed", false, 0)),
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

	wantSkipped := map[string]int{"subtype": 2, "bot": 2, "empty": 1, "reply_to_skipped_root": 1, "bad_record": 2, "bad_user": 1}
	if diff := cmp.Diff(rep.Skipped, wantSkipped); diff != "" {
		t.Errorf("skipped mismatch (-got +want):\n%s", diff)
	}
	gotCounts := []int{rep.Records, rep.Questions, rep.Answers, rep.Accepted, rep.Orphans, rep.Conversations, rep.People}
	wantCounts := []int{records, 5, 9, 4, 1, 1, 6}
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
