package main

import (
	"archive/zip"
	"bytes"
	"context"
	"encoding/json"
	"path"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/nextdesk/nextdesk/digest"
	"github.com/nextdesk/nextdesk/internal/fakeslack"
	"github.com/nextdesk/nextdesk/knowledge"
	"github.com/nextdesk/nextdesk/knowledge/desk"
	"github.com/nextdesk/nextdesk/knowledge/sqlite"
)

// runDigest runs `nextdesk digest args` with the given settings and
// returns its standard output.
func runDigest(t *testing.T, env map[string]string, args ...string) (string, error) {
	t.Helper()
	var out, errOut bytes.Buffer
	m := &Main{Stdin: strings.NewReader(""), Stdout: &out, Stderr: &errOut, Env: env}
	err := m.digestCmd(context.Background(), args)
	if err != nil {
		t.Logf("nextdesk digest %s: %v\nstderr: %s", strings.Join(args, " "), err, errOut.String())
	}
	return out.String(), err
}

// juliaWeek is what a test computes from the Julia export itself, without
// the importer, for one week: a question is a thread a person started that
// another person replied to.
type juliaWeek struct {
	asked    int
	median   time.Duration
	answered map[string]int // questions each person replied to
}

func juliaFigures(t *testing.T, zipPath string, from, to time.Time) juliaWeek {
	t.Helper()
	zr, err := zip.OpenReader(zipPath)
	if err != nil {
		t.Fatal(err)
	}
	defer zr.Close()
	read := func(f *zip.File, v any) {
		rc, err := f.Open()
		if err != nil {
			t.Fatal(err)
		}
		defer rc.Close()
		if err := json.NewDecoder(rc).Decode(v); err != nil {
			t.Fatalf("%s: %v", f.Name, err)
		}
	}
	bots := map[string]bool{"USLACKBOT": true}
	type msg struct {
		Subtype, User, Text, TS string
		BotID                   string `json:"bot_id"`
		ThreadTS                string `json:"thread_ts"`
		ReplyCount              int    `json:"reply_count"`
		Files                   []json.RawMessage
		File                    json.RawMessage
		Attachments             []json.RawMessage
	}
	var days []*zip.File
	for _, f := range zr.File {
		switch {
		case f.Name == "users.json":
			var users []struct {
				ID        string
				IsBot     bool `json:"is_bot"`
				IsAppUser bool `json:"is_app_user"`
			}
			read(f, &users)
			for _, u := range users {
				if u.IsBot || u.IsAppUser {
					bots[u.ID] = true
				}
			}
		case strings.Count(f.Name, "/") == 1 && strings.HasSuffix(f.Name, ".json"):
			days = append(days, f)
		}
	}
	type thread struct {
		asker   string
		at      time.Time
		replies map[string]time.Time // first reply of each person
	}
	threads := map[string]*thread{}
	get := func(key string) *thread {
		if threads[key] == nil {
			threads[key] = &thread{replies: map[string]time.Time{}}
		}
		return threads[key]
	}
	parse := func(ts string) time.Time {
		sec, frac, _ := strings.Cut(ts, ".")
		s, err1 := strconv.ParseInt(sec, 10, 64)
		us, err2 := strconv.ParseInt((frac + "000000")[:6], 10, 64)
		if err1 != nil || err2 != nil {
			t.Fatalf("bad ts %q", ts)
		}
		return time.Unix(s, us*1000).UTC()
	}
	for _, f := range days {
		var msgs []msg
		read(f, &msgs)
		folder := path.Dir(f.Name)
		for _, m := range msgs {
			spoken := (m.Subtype == "" || m.Subtype == "thread_broadcast" || m.Subtype == "file_share") &&
				m.BotID == "" && m.User != "" && !bots[m.User] && !strings.HasPrefix(m.User, "B")
			said := m.Text != "" || len(m.Files) > 0 || len(m.File) > 0 || len(m.Attachments) > 0
			if !spoken || !said {
				continue
			}
			switch {
			case m.ThreadTS == m.TS || (m.ThreadTS == "" && m.ReplyCount > 0):
				th := get(folder + "/" + m.TS)
				th.asker, th.at = m.User, parse(m.TS)
			case m.ThreadTS != "":
				th := get(folder + "/" + m.ThreadTS)
				at := parse(m.TS)
				if first, ok := th.replies[m.User]; !ok || at.Before(first) {
					th.replies[m.User] = at
				}
			}
		}
	}
	w := juliaWeek{answered: map[string]int{}}
	var waits []time.Duration
	for _, th := range threads {
		if th.asker == "" || th.at.Before(from) || !th.at.Before(to) {
			continue
		}
		var first time.Time
		for who, at := range th.replies {
			if who == th.asker {
				continue
			}
			w.answered[who]++
			if first.IsZero() || at.Before(first) {
				first = at
			}
		}
		if first.IsZero() {
			continue // nobody else replied: not a question
		}
		w.asked++
		waits = append(waits, first.Sub(th.at))
	}
	slices.Sort(waits)
	if n := len(waits); n > 0 {
		w.median = waits[n/2]
		if n%2 == 0 {
			w.median = (waits[n/2-1] + waits[n/2]) / 2
		}
	}
	return w
}

// TestDigestOfJuliaWeek imports the Julia community export and checks a
// dry-run digest of one of its weeks against figures computed straight
// from the export's JSON.
func TestDigestOfJuliaWeek(t *testing.T) {
	zipPath := needShared(t, "slack/julia-community-export.zip")
	env := map[string]string{"NEXTDESK_DATA_DIR": t.TempDir(), "NEXTDESK_TZ": "UTC"}
	mustRun(t, env, "import", "slack-export", zipPath)

	week, _ := digest.ParseWeek("2021-W10")
	want := juliaFigures(t, zipPath, week.Start(time.UTC), week.End(time.UTC))
	t.Logf("%s in the export: %d questions, median time to first answer %v, %d people answered", week, want.asked, want.median, len(want.answered))
	if want.asked < 100 {
		t.Fatalf("the export has %d questions in %s: not the week the test expects", want.asked, week)
	}
	out, err := runDigest(t, env, "--dry-run", "--week", "2021-W10", "--format", "json")
	if err != nil {
		t.Fatal(err)
	}
	var d digest.Digest
	if err := json.Unmarshal([]byte(out), &d); err != nil {
		t.Fatalf("--format json: %v\n%s", err, out)
	}
	got := []any{d.Figures.Asked, d.Figures.Answered, d.Figures.MedianToAnswer, d.Figures.Bot == nil, d.Figures.HandOffs == nil}
	if diff := cmp.Diff(got, []any{want.asked, want.asked, want.median, true, true}); diff != "" {
		t.Errorf("asked, answered, median, no bot figures, no hand-offs (-got +want):\n%s", diff)
	}
	if len(d.Helpers) != 10 || d.MoreHelpers != len(want.answered)-10 {
		t.Errorf("%d helpers shown and %d more, want 10 and %d", len(d.Helpers), d.MoreHelpers, len(want.answered)-10)
	}
	counts := slices.Sorted(func(yield func(int) bool) {
		for _, n := range want.answered {
			if !yield(n) {
				return
			}
		}
	})
	slices.Reverse(counts)
	for i, h := range d.Helpers {
		if h.Questions != want.answered[h.Person.ID] || h.Questions != counts[i] {
			t.Errorf("helper %d, %s: %d questions; the export says %d, and the %d-th most is %d", i+1, h.Person.ID, h.Questions, want.answered[h.Person.ID], i+1, counts[i])
		}
	}
	if len(d.Knowledge) != 10 || d.MoreKnowledge != want.asked-10 || len(d.Unanswered) != 0 {
		t.Errorf("knowledge %d + %d more, unanswered %d", len(d.Knowledge), d.MoreKnowledge, len(d.Unanswered))
	}

	// The same digest as text and as Block Kit.
	text, err := runDigest(t, env, "--dry-run", "--week", "2021-W10")
	if err != nil {
		t.Fatal(err)
	}
	if line := strconv.Itoa(want.asked) + " questions asked · " + strconv.Itoa(want.asked) + " answered"; !strings.Contains(text, line) {
		t.Errorf("the text digest lacks %q:\n%s", line, text)
	}
	blocks, err := runDigest(t, env, "--dry-run", "--week", "2021-W10", "--format", "blocks")
	if err != nil {
		t.Fatal(err)
	}
	var parsed []map[string]any
	if err := json.Unmarshal([]byte(blocks), &parsed); err != nil || len(parsed) < 10 || len(parsed) > 50 {
		t.Errorf("--format blocks: %d blocks, %v", len(parsed), err)
	}
}

func TestDigestCommandErrors(t *testing.T) {
	dir := t.TempDir()
	for _, c := range []struct {
		name string
		env  map[string]string
		args []string
		want string
	}{
		{"no mode", nil, nil, "usage: nextdesk digest --dry-run"},
		{"both modes", nil, []string{"--dry-run", "--post"}, "usage"},
		{"stray argument", nil, []string{"--dry-run", "now"}, "usage"},
		{"bad week", nil, []string{"--dry-run", "--week", "47"}, `"47" is not a week`},
		{"bad format", nil, []string{"--dry-run", "--format", "xml"}, "--format must be text, blocks or json"},
		{"format with post", nil, []string{"--post", "--format", "json"}, "--as and --format go with --dry-run"},
		{"bad schedule", map[string]string{"NEXTDESK_DIGEST_SCHEDULE": "every monday"}, []string{"--dry-run"}, "NEXTDESK_DIGEST_SCHEDULE"},
		{"bad zone", map[string]string{"NEXTDESK_TZ": "Paris"}, []string{"--dry-run"}, "NEXTDESK_TZ must be an IANA time zone"},
		{"post without channel", map[string]string{"SLACK_BOT_TOKEN": "xoxb-1"}, []string{"--post"}, "NEXTDESK_DIGEST_CHANNEL is not set"},
		{"post without token", map[string]string{"NEXTDESK_DIGEST_CHANNEL": "C1"}, []string{"--post"}, "SLACK_BOT_TOKEN is not set"},
		{"post with a user token", map[string]string{"NEXTDESK_DIGEST_CHANNEL": "C1", "SLACK_BOT_TOKEN": "xoxp-1"}, []string{"--post"}, "not a bot token"},
		{"post with a bad API URL", map[string]string{"NEXTDESK_DIGEST_CHANNEL": "C1", "SLACK_BOT_TOKEN": "xoxb-1", "SLACK_API_URL": "slack"}, []string{"--post"}, "SLACK_API_URL must be"},
	} {
		env := map[string]string{"NEXTDESK_DATA_DIR": dir}
		for k, v := range c.env {
			env[k] = v
		}
		_, err := runDigest(t, env, c.args...)
		if exitCode(err) != 2 || !strings.Contains(err.Error(), c.want) || strings.Contains(err.Error(), "\n") {
			t.Errorf("%s: exit %d, %v; want exit 2 and one line with %q", c.name, exitCode(err), err, c.want)
		}
	}
}

// TestDigestPostAndOrgImport imports a small history and an org chart,
// then posts the digest to a fake Slack twice: once.
func TestDigestPostAndOrgImport(t *testing.T) {
	dir := t.TempDir()
	srv := fakeslack.New(t)
	srv.AddChannel(fakeslack.Channel{ID: "C0DIGEST01", Name: "digest", Members: []string{fakeslack.BotUserID}})
	env := map[string]string{
		"NEXTDESK_DATA_DIR": dir, "NEXTDESK_TZ": "Europe/Paris", "NEXTDESK_LANG": "fr",
		"SLACK_BOT_TOKEN": fakeslack.BotToken, "SLACK_API_URL": srv.URL(), "NEXTDESK_DIGEST_CHANNEL": "C0DIGEST01",
	}
	ctx := context.Background()
	db, err := sqlite.Open(storePath(dir))
	if err != nil {
		t.Fatal(err)
	}
	monday := time.Date(2026, 11, 16, 10, 0, 0, 0, time.UTC)
	if err := importSmallWeek(ctx, db, monday); err != nil {
		t.Fatal(err)
	}
	db.Close()

	csv := writeFile(t, "org.csv", "collaborateur;responsable\nalice@corp.fr;boss@corp.fr\nU0BOB;boss@corp.fr\nU0CAROL;carol-boss@corp.fr\nx@corp.fr;y@corp.fr\ny@corp.fr;x@corp.fr\n")
	out := mustRun(t, env, "import", "org", csv)
	for _, want := range []string{
		"4 reporting lines imported",
		"unknown manager boss@corp.fr",
		"cycle: x@corp.fr → y@corp.fr → x@corp.fr; x@corp.fr's manager is ignored",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("import org output lacks %q:\n%s", want, out)
		}
	}
	if _, err := run(t, env, "import", "org", writeFile(t, "empty.csv", "person,manager\n")); exitCode(err) != 2 {
		t.Errorf("an empty org chart: exit %d, want 2", exitCode(err))
	}

	text, err := runDigest(t, env, "--dry-run", "--week", "2026-W47")
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"Récap de la semaine · 16–22 nov. 2026", "2 questions posées · 1 avec réponse", "1 question est allée directement à la personne qui savait, soit 2 relais entre managers évités."} {
		if !strings.Contains(text, want) {
			t.Errorf("dry run lacks %q:\n%s", want, text)
		}
	}
	for i, want := range []string{"posted the digest of 2026-W47 to C0DIGEST01", "already posted"} {
		out, err := runDigest(t, env, "--post", "--week", "2026-W47")
		if err != nil || !strings.Contains(out, want) {
			t.Errorf("post %d: %q, %v; want %q", i+1, out, err, want)
		}
	}
	if msgs := srv.Messages("C0DIGEST01"); len(msgs) != 1 || !strings.Contains(msgs[0].Text, "2 questions posées") {
		t.Errorf("posted: %+v", msgs)
	}
	// A channel the bot is not in is a setting to fix.
	env["NEXTDESK_DIGEST_CHANNEL"] = "C0ELSEWHERE"
	if _, err := runDigest(t, env, "--post", "--week", "2026-W47"); exitCode(err) != 2 || !strings.Contains(err.Error(), "channel_not_found") {
		t.Errorf("unknown channel: exit %d, %v", exitCode(err), err)
	}

	// The schedule serve runs, from the same settings: week 47's channel
	// digest is the one --post delivered, not a second.
	m := &Main{Env: env}
	env["NEXTDESK_DIGEST_CHANNEL"] = "C0DIGEST01"
	db, err = sqlite.Open(storePath(dir))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	dcfg, err := m.digestConfig()
	if err != nil {
		t.Fatal(err)
	}
	sch, err := digest.NewScheduler(dcfg, db, nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	if n, err := sch.RecordWeek(ctx, mustWeek(t, "2026-W47"), false); err != nil || n != 0 {
		t.Errorf("serve's schedule after --post recorded %d digests, %v; want none", n, err)
	}
	if sent, err := db.Outgoing(ctx, digest.ChannelKey("C0DIGEST01", mustWeek(t, "2026-W47"))); err != nil || sent.State != desk.OutboxSent {
		t.Errorf("the channel's digest: %+v, %v; want it sent", sent, err)
	}
	env["NEXTDESK_DIGEST_SCHEDULE"] = "sometime"
	if _, err := m.digestConfig(); exitCode(err) != 2 {
		t.Errorf("a bad schedule: %v, want a usage error", err)
	}
}

func mustWeek(t *testing.T, s string) digest.Week {
	t.Helper()
	w, err := digest.ParseWeek(s)
	if err != nil {
		t.Fatal(err)
	}
	return w
}

// importSmallWeek writes a week in which alice's question was answered by
// bob, who has the same manager, and carol's was not answered.
func importSmallWeek(ctx context.Context, db *sqlite.DB, monday time.Time) error {
	_, err := db.Import(ctx, knowledge.Batch{
		People: []knowledge.Person{
			{ID: "U0ALICE", Name: "Alice", Email: "Alice@Corp.fr"},
			{ID: "U0BOB", Name: "Bob"},
			{ID: "U0CAROL", Name: "Carol"},
		},
		Conversations: []knowledge.Conversation{{ID: "C0HELP", Name: "help", Kind: knowledge.KindPublic}},
		Questions: []knowledge.Question{
			{ID: "q1", Asker: "U0ALICE", Conversation: "C0HELP", Thread: "1.1", Text: "Où est le runbook de la base de données ?", Time: monday,
				Answers: []knowledge.Answer{{ID: "a1", Answerer: "U0BOB", Text: "Dans le wiki, section exploitation.", Time: monday.Add(20 * time.Minute)}}},
			{ID: "q2", Asker: "U0CAROL", Conversation: "C0HELP", Thread: "1.2", Text: "Qui gère les certificats TLS ?", Time: monday.Add(48 * time.Hour)},
		},
	})
	return err
}
