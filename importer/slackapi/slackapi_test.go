package slackapi_test

import (
	"archive/zip"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/slack-go/slack"

	"github.com/nextdesk/nextdesk/importer"
	"github.com/nextdesk/nextdesk/importer/slackapi"
	"github.com/nextdesk/nextdesk/importer/slackexport"
	"github.com/nextdesk/nextdesk/internal/fakeslack"
	"github.com/nextdesk/nextdesk/knowledge"
)

// base is 2024-01-15 09:00 UTC; ts(s) is s seconds later.
const base = 1705309200

func ts(s int) string { return tsm(s, 100) }

// tsm is the ts of microsecond us of second s.
func tsm(s, us int) string { return fmt.Sprintf("%d.%06d", base+s, us) }

// mustWorkspace is a fake Slack with what a backfill meets: a busy public
// channel (more messages than a history page, a thread longer than a
// replies page), a private channel the bot was invited to, a channel
// without threads, and channels the bot is not in.
func mustWorkspace(tb testing.TB) *fakeslack.Server {
	tb.Helper()
	srv := fakeslack.New(tb)
	for _, u := range []fakeslack.User{
		{ID: "U1", Name: "amelie", RealName: "Amélie Durand", Locale: "fr-FR", TZ: "Europe/Paris", Email: "amelie@corp.example"},
		{ID: "U2", Name: "bob", RealName: "Bob Stone", TZ: "Europe/London"},
		{ID: "U3", Name: "chloe", RealName: "Chloé Martin", TZ: "Europe/Paris"},
		{ID: "U4", Name: "dan", RealName: "Dan Wu"},
		{ID: "U5", Name: "ci", RealName: "CI", Bot: true},
	} {
		srv.AddUser(u)
	}
	bot := fakeslack.BotUserID
	srv.AddChannel(fakeslack.Channel{ID: "C1", Name: "help", Members: []string{"U1", "U2", "U3", "U4", bot}})
	srv.AddChannel(fakeslack.Channel{ID: "G1", Name: "infra-secret", Private: true, Members: []string{"U1", "U2", bot}})
	srv.AddChannel(fakeslack.Channel{ID: "C3", Name: "old-school", Members: []string{"U1", "U2", bot}})
	srv.AddChannel(fakeslack.Channel{ID: "C2", Name: "random", Members: []string{"U1", "U2"}})
	srv.AddChannel(fakeslack.Channel{ID: "G2", Name: "hr", Private: true, Members: []string{"U3", "U4"}})

	// #help: 230 messages of chatter around two threads; the second has
	// 230 replies, more than a replies page.
	at := 0
	for i := range 230 {
		at += 60
		srv.AddMessage("C1", fakeslack.Message{TS: ts(at), User: []string{"U1", "U2", "U3", "U4"}[i%4], Text: fmt.Sprintf("chatter %d", i)})
		switch i {
		case 100:
			root := srv.AddMessage("C1", fakeslack.Message{TS: ts(at + 1), User: "U1", Text: "How do I renew the staging certificate?"})
			srv.AddMessage("C1", fakeslack.Message{TS: ts(at + 2), User: "U2", ThreadTS: root.TS, Text: "run certbot renew on the bastion",
				Reactions: []fakeslack.Reaction{{Name: "white_check_mark", Users: []string{"U1"}}}})
			srv.AddMessage("C1", fakeslack.Message{TS: ts(at + 3), User: "U3", ThreadTS: root.TS, Text: "and reload nginx"})
		case 150:
			root := srv.AddMessage("C1", fakeslack.Message{TS: ts(at + 1), User: "U4", Text: "Why is the build so slow?"})
			for j := range 230 {
				srv.AddMessage("C1", fakeslack.Message{TS: tsm(at+1, 200+j), User: []string{"U2", "U3"}[j%2], ThreadTS: root.TS, Text: fmt.Sprintf("idea %d", j)})
			}
			srv.AddMessage("C1", fakeslack.Message{TS: tsm(at+1, 900), User: "U5", ThreadTS: root.TS, Text: "build #4 passed"})
		}
	}
	// #infra-secret: a private thread, thanked in French.
	root := srv.AddMessage("G1", fakeslack.Message{TS: ts(100), User: "U2", Text: "Où est le mot de passe du coffre ?"})
	srv.AddMessage("G1", fakeslack.Message{TS: ts(160), User: "U1", ThreadTS: root.TS, Text: "dans Vault, chemin infra/coffre"})
	srv.AddMessage("G1", fakeslack.Message{TS: ts(170), User: "U2", ThreadTS: root.TS, Text: "merci !"})
	// #old-school: no threads at all.
	srv.AddMessage("C3", fakeslack.Message{TS: ts(10), User: "U1", Text: "Does anyone know the wifi password?"})
	srv.AddMessage("C3", fakeslack.Message{TS: ts(70), User: "U2", Text: "it is on the fridge"})
	// Channels the bot is not in.
	srv.AddMessage("C2", fakeslack.Message{TS: ts(10), User: "U1", Text: "How do I leave this channel?"})
	srv.AddMessage("G2", fakeslack.Message{TS: ts(10), User: "U3", Text: "What is my salary?"})
	return srv
}

func client(srv *fakeslack.Server) *slack.Client {
	return slack.New(fakeslack.BotToken, slack.OptionAPIURL(srv.URL()))
}

func options(tb testing.TB) slackapi.Options {
	return slackapi.Options{StageDir: filepath.Join(tb.TempDir(), "stage"), Pace: time.Millisecond}
}

func mustBackfill(tb testing.TB, srv *fakeslack.Server, opts slackapi.Options) (*importer.Collector, importer.Report) {
	tb.Helper()
	var c importer.Collector
	rep, err := slackapi.Import(context.Background(), client(srv), &c, opts)
	if err != nil {
		tb.Fatalf("Import: %v", err)
	}
	return &c, rep
}

// summary is what a reader checks of an import: each question with its
// answerers, marks and visibility.
func summary(c *importer.Collector) map[string]string {
	out := map[string]string{}
	for _, q := range c.Questions {
		var as []string
		for _, a := range q.Answers {
			mark := ""
			if a.Accepted {
				mark = "✓"
			}
			as = append(as, a.Answerer+mark)
		}
		as = slices.Compact(as)
		conv, _ := c.Conversation(q.Conversation)
		key := fmt.Sprintf("%s %s/%s", q.ID, conv.Name, conv.Kind)
		if q.Reconstructed {
			key += " reconstructed"
		}
		out[key] = q.Asker + ": " + strings.Join(as, ",")
	}
	return out
}

func TestBackfill(t *testing.T) {
	srv := mustWorkspace(t)
	opts := options(t)
	c, rep := mustBackfill(t, srv, opts)

	want := map[string]string{
		"slack:C1:" + ts(100*60+60+1) + " help/public":            "U1: U2✓,U3",
		"slack:C1:" + ts(150*60+60+1) + " help/public":            "U4: U2,U3,U2,U3",
		"slack:G1:" + ts(100) + " infra-secret/private":           "U2: U1✓",
		"slack:C3:" + ts(10) + " old-school/public reconstructed": "U1: U2",
	}
	got := summary(c)
	// The long thread alternates two answerers 230 times.
	long := "slack:C1:" + ts(150*60+60+1) + " help/public"
	if q, ok := c.Question("slack:C1:" + ts(150*60+60+1)); !ok || len(q.Answers) != 230 {
		t.Errorf("the long thread has %d answers, want all 230 replies by people", len(q.Answers))
	}
	got[long] = strings.Join(strings.Split(got[long], ",")[:4], ",")
	if diff := cmp.Diff(got, want); diff != "" {
		t.Errorf("questions (-got +want):\n%s", diff)
	}
	if g1, ok := c.Conversation("G1"); !ok || !slices.Equal(sorted(g1.Members), []string{"U0BOT", "U1", "U2"}) {
		t.Errorf("private channel G1 = %+v, want its members", g1)
	}
	for _, hidden := range []string{"C2", "G2"} {
		if _, ok := c.Conversation(hidden); ok {
			t.Errorf("conversation %s, which the bot is not in, was imported", hidden)
		}
	}
	if p, ok := c.Person("U1"); !ok || p.Name == "" || p.TZ != "Europe/Paris" {
		t.Errorf("person U1 = %+v, want their profile", p)
	}
	if p, ok := c.Person("U5"); !ok || !p.Bot {
		t.Errorf("person U5 = %+v, want a bot", p)
	}
	if rep.Questions != 4 || rep.Reconstructed != 1 {
		t.Errorf("report: %d questions, %d reconstructed; want 4 and 1", rep.Questions, rep.Reconstructed)
	}
	// Pagination: #help needs two history pages and the long thread two
	// replies pages.
	if n := countCalls(srv, "conversations.history", "C1"); n != 2 {
		t.Errorf("%d history calls for #help, want 2 pages", n)
	}
	if n := countCalls(srv, "conversations.replies", "C1"); n != 3 {
		t.Errorf("%d replies calls for #help, want 1 + 2 pages", n)
	}
	if _, err := os.Stat(opts.StageDir); !os.IsNotExist(err) {
		t.Errorf("the stage is still there after a successful import (stat: %v)", err)
	}
}

func sorted(s []string) []string {
	s = slices.Clone(s)
	sort.Strings(s)
	return s
}

func countCalls(srv *fakeslack.Server, method, channel string) int {
	n := 0
	for _, call := range srv.CallsTo(method) {
		if call.Params["channel"] == channel && call.Error == "" {
			n++
		}
	}
	return n
}

// TestBackfillWaitsOutRateLimits: a 429 is waited out for its
// Retry-After, reported, and the page fetched after.
func TestBackfillWaitsOutRateLimits(t *testing.T) {
	srv := mustWorkspace(t)
	srv.FailNext("conversations.history", 1, 429, time.Second)
	srv.FailNext("conversations.replies", 1, 503, 0)
	opts := options(t)
	var waited time.Duration
	opts.Progress = func(p slackapi.Progress) { waited = max(waited, p.RetryAfter) }
	start := time.Now()
	c, _ := mustBackfill(t, srv, opts)
	if waited < time.Second || time.Since(start) < time.Second {
		t.Errorf("waited %v (reported %v), want Retry-After's second", time.Since(start), waited)
	}
	if len(c.Questions) != 4 {
		t.Errorf("%d questions after the rate limit, want 4", len(c.Questions))
	}
}

// TestBackfillResumes interrupts a backfill after its first page and runs
// it again: it ends with what one run gives, and fetches no page twice.
func TestBackfillResumes(t *testing.T) {
	srv := mustWorkspace(t)
	opts := options(t)
	ctx, cancel := context.WithCancel(context.Background())
	opts.Progress = func(p slackapi.Progress) {
		if p.Messages > 0 {
			cancel()
		}
	}
	var first importer.Collector
	if _, err := slackapi.Import(ctx, client(srv), &first, opts); !errors.Is(err, context.Canceled) {
		t.Fatalf("interrupted Import: err = %v, want context.Canceled", err)
	}
	if _, err := os.Stat(filepath.Join(opts.StageDir, "state.json")); err != nil {
		t.Fatalf("no stage left to resume: %v", err)
	}
	before := len(srv.CallsTo("conversations.history"))

	opts.Progress = nil
	resumed, _ := mustBackfill(t, srv, opts)
	fresh, _ := mustBackfill(t, mustWorkspace(t), options(t))
	if diff := cmp.Diff(summary(resumed), summary(fresh)); diff != "" {
		t.Errorf("resumed backfill differs from one run (-resumed +fresh):\n%s", diff)
	}
	type page struct{ channel, latest string }
	seen := map[page]bool{}
	for _, call := range srv.CallsTo("conversations.history") {
		p := page{call.Params["channel"], call.Params["latest"]}
		if seen[p] {
			t.Errorf("page %v fetched twice", p)
		}
		seen[p] = true
	}
	if after := len(srv.CallsTo("conversations.history")); after-before >= 4 {
		t.Errorf("the resumed run made %d history calls, as many as a fresh one", after-before)
	}
}

// TestBackfillAndExportNeverTwice: the same messages imported from the API
// and from an export, in either order, are the same records.
func TestBackfillAndExportNeverTwice(t *testing.T) {
	srv := mustWorkspace(t)
	export := exportOf(t, srv, "C1", "G1", "C3")
	ctx := context.Background()
	for _, apiFirst := range []bool{true, false} {
		var c importer.Collector
		api := func() importer.Report {
			rep, err := slackapi.Import(ctx, client(srv), &c, options(t))
			if err != nil {
				t.Fatal(err)
			}
			return rep
		}
		exp := func() importer.Report {
			rep, err := slackexport.Import(ctx, export, &c, slackexport.Options{})
			if err != nil {
				t.Fatal(err)
			}
			return rep
		}
		first, second := api, exp
		if !apiFirst {
			first, second = exp, api
		}
		first()
		n := len(c.Questions)
		if rep := second(); rep.Written != (knowledge.ImportResult{}) || len(c.Questions) != n || n != 4 {
			t.Errorf("API first %v: the second import wrote %+v, %d questions then %d; want nothing new and 4", apiFirst, rep.Written, n, len(c.Questions))
		}
	}
}

// exportOf writes the fake's channels as an admin export would hold them.
func exportOf(tb testing.TB, srv *fakeslack.Server, channels ...string) string {
	tb.Helper()
	path := filepath.Join(tb.TempDir(), "export.zip")
	f, err := os.Create(path)
	if err != nil {
		tb.Fatal(err)
	}
	zw := zip.NewWriter(f)
	write := func(name string, v any) {
		w, _ := zw.Create(name)
		if err := json.NewEncoder(w).Encode(v); err != nil {
			tb.Fatal(err)
		}
	}
	write("users.json", []map[string]any{
		{"id": "U1", "name": "amelie"}, {"id": "U2", "name": "bob"}, {"id": "U3", "name": "chloe"},
		{"id": "U4", "name": "dan"}, {"id": "U5", "name": "ci", "is_bot": true},
	})
	var public, private []map[string]any
	for _, id := range channels {
		ch, _ := srv.Channel(id)
		entry := map[string]any{"id": ch.ID, "name": ch.Name, "members": ch.Members}
		if ch.Private {
			private = append(private, entry)
		} else {
			public = append(public, entry)
		}
		days := map[string][]map[string]any{}
		replies := map[string]int{}
		for _, m := range srv.Messages(id) {
			if m.ThreadTS != "" {
				replies[m.ThreadTS]++
			}
		}
		for _, m := range srv.Messages(id) {
			o := map[string]any{"type": "message", "user": m.User, "text": m.Text, "ts": m.TS}
			switch {
			case m.ThreadTS != "":
				o["thread_ts"] = m.ThreadTS
			case replies[m.TS] > 0:
				// Exports mark a thread's root with its own ts.
				o["thread_ts"], o["reply_count"] = m.TS, replies[m.TS]
			}
			if len(m.Reactions) > 0 {
				var rs []map[string]any
				for _, r := range m.Reactions {
					rs = append(rs, map[string]any{"name": r.Name, "users": r.Users, "count": len(r.Users)})
				}
				o["reactions"] = rs
			}
			var sec int64
			fmt.Sscanf(m.TS, "%d.", &sec)
			day := time.Unix(sec, 0).UTC().Format(time.DateOnly)
			days[day] = append(days[day], o)
		}
		for day, msgs := range days {
			write(ch.Name+"/"+day+".json", msgs)
		}
	}
	write("channels.json", public)
	write("groups.json", private)
	if err := zw.Close(); err != nil {
		tb.Fatal(err)
	}
	f.Close()
	return path
}

func TestBackfillChannelsAndSince(t *testing.T) {
	srv := mustWorkspace(t)
	opts := options(t)
	opts.Channels = []string{"#help", "G1"}
	opts.Since = time.Unix(base+120*60, 0)
	c, _ := mustBackfill(t, srv, opts)
	var convs []string
	for _, cv := range c.Conversations {
		convs = append(convs, cv.ID)
	}
	if diff := cmp.Diff(sorted(convs), []string{"C1", "G1"}); diff != "" {
		t.Errorf("conversations (-got +want):\n%s", diff)
	}
	// Only the second #help thread is after Since; G1's is before.
	if len(c.Questions) != 1 || c.Questions[0].Asker != "U4" {
		t.Errorf("questions since %v: %v, want the build question only", opts.Since, summary(c))
	}

	opts = options(t)
	opts.Channels = []string{"random"}
	var none importer.Collector
	_, err := slackapi.Import(context.Background(), client(srv), &none, opts)
	if knowledge.ErrorCode(err) != knowledge.EINVALID || !strings.Contains(err.Error(), "invite") {
		t.Errorf("a channel the bot is not in: err = %v, want EINVALID saying to invite it", err)
	}
}

// TestBackfillSkipsAChannelLeft: a channel the bot leaves during the
// backfill is skipped with a warning; the others are imported.
func TestBackfillSkipsAChannelLeft(t *testing.T) {
	srv := mustWorkspace(t)
	opts := options(t)
	left := false
	opts.Progress = func(p slackapi.Progress) {
		if p.Done >= 1 && !left {
			left = true
			srv.AddChannel(fakeslack.Channel{ID: "C3", Name: "old-school", Members: []string{"U1", "U2"}})
		}
	}
	c, _ := mustBackfill(t, srv, opts)
	if !left {
		t.Fatal("the bot never left")
	}
	if _, ok := c.Question("slack:C3:" + ts(10)); ok {
		t.Error("a question of the channel the bot left was imported")
	}
	if _, ok := c.Question("slack:G1:" + ts(100)); !ok {
		t.Error("the other channels were not imported")
	}
}

// TestBackfillReportsProgress: the progress handed to a terminal's bar
// only grows and ends with every conversation done, and the log gets a
// progress line (at once, then every 30 seconds) with its counts.
func TestBackfillReportsProgress(t *testing.T) {
	srv := mustWorkspace(t)
	opts := options(t)
	var seen []slackapi.Progress
	opts.Progress = func(p slackapi.Progress) { seen = append(seen, p) }
	var logs bytes.Buffer
	opts.Logger = slog.New(slog.NewTextHandler(&logs, nil))
	mustBackfill(t, srv, opts)

	if len(seen) < 2 {
		t.Fatalf("progress reported %d times, want once a page", len(seen))
	}
	for i := 1; i < len(seen); i++ {
		prev, p := seen[i-1], seen[i]
		if p.Done < prev.Done || p.Messages < prev.Messages || p.Threads < prev.Threads {
			t.Fatalf("progress went back: %+v after %+v", p, prev)
		}
	}
	last := seen[len(seen)-1]
	if last.Conversations == 0 || last.Done != last.Conversations || last.Messages == 0 || last.Threads == 0 {
		t.Errorf("last progress %+v, want every conversation done with its messages and threads", last)
	}
	line := ""
	for l := range strings.Lines(logs.String()) {
		if strings.Contains(l, "slack api: progress") {
			line = l
			break
		}
	}
	if line == "" || !strings.Contains(line, "conversations=") || !strings.Contains(line, "messages=") {
		t.Errorf("no progress line with counts in the log:\n%s", logs.String())
	}
}
