package main

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/nextdesk/nextdesk/importer/slackapi"
	"github.com/nextdesk/nextdesk/internal/fakeslack"
)

// TestImportSlackAPI backfills a workspace through the command, as an
// operator would, twice: the second run writes nothing, and the answer is
// found.
func TestImportSlackAPI(t *testing.T) {
	srv := mustOpenWorkspace(t)
	root := srv.AddMessage("C1", fakeslack.Message{TS: "1705309200.000100", User: "U1", Text: "How do I renew the staging certificate?"})
	srv.AddMessage("C1", fakeslack.Message{TS: "1705309260.000100", User: "U2", ThreadTS: root.TS, Text: "run certbot renew on the bastion"})
	dir := t.TempDir()
	env := map[string]string{"NEXTDESK_DATA_DIR": dir, "SLACK_BOT_TOKEN": fakeslack.BotToken, "SLACK_API_URL": srv.URL()}

	out := mustRun(t, env, "import", "slack-api")
	if !strings.Contains(out, "slack api: 1 questions, 1 answers") || !strings.Contains(out, "written: 1 questions and 1 answers") {
		t.Errorf("first backfill says:\n%s", out)
	}
	if again := mustRun(t, env, "import", "slack-api"); !strings.Contains(again, "written: 0 questions and 0 answers") {
		t.Errorf("second backfill says:\n%s", again)
	}
	if ids := askSimilar(t, env, "renew the staging certificate"); !hasPrefix(ids, "slack:C1:") {
		t.Errorf("the backfilled answer is not found: %v", ids)
	}
	if _, err := os.Stat(filepath.Join(dir, "import")); err == nil {
		entries, _ := os.ReadDir(filepath.Join(dir, "import"))
		if len(entries) > 0 {
			t.Errorf("stage left after success: %v", entries)
		}
	}

	for _, tc := range []struct {
		env  map[string]string
		args []string
		want string
	}{
		{env, []string{"import", "slack-api", "--channels", "nope"}, "invite it"},
		{env, []string{"import", "slack-api", "--since", "last week"}, "--since must be a date"},
		{map[string]string{"NEXTDESK_DATA_DIR": dir}, []string{"import", "slack-api"}, "SLACK_BOT_TOKEN"},
		{map[string]string{"NEXTDESK_DATA_DIR": dir, "SLACK_BOT_TOKEN": "xoxb-wrong", "SLACK_API_URL": srv.URL()}, []string{"import", "slack-api"}, "refused by Slack"},
	} {
		_, err := run(t, tc.env, tc.args...)
		if err == nil || exitCode(err) != 2 || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%v: err = %v, want a usage error saying %q", tc.args, err, tc.want)
		}
	}
}

// TestImportSlackAPIWhileServing: a backfill fetches while serve runs,
// then says to stop it; run again with serve stopped, it imports what it
// fetched without fetching it again.
func TestImportSlackAPIWhileServing(t *testing.T) {
	srv := mustOpenWorkspace(t)
	root := srv.AddMessage("C1", fakeslack.Message{TS: "1705309200.000100", User: "U1", Text: "Where is the VPN config?"})
	srv.AddMessage("C1", fakeslack.Message{TS: "1705309260.000100", User: "U2", ThreadTS: root.TS, Text: "in the wiki, under network"})
	env := serveEnv(t, srv, false)
	server := mustStartServer(t, srv, env)
	server.waitHealth(t, 200)

	_, err := run(t, env, "import", "slack-api")
	if err == nil || !strings.Contains(err.Error(), "stop it and run the import again") {
		t.Fatalf("backfill while serving: err = %v, want one saying to stop serve", err)
	}
	fetched := len(srv.CallsTo("conversations.history"))
	if err := server.server.Close(); err != nil {
		t.Fatal(err)
	}
	if out := mustRun(t, env, "import", "slack-api"); !strings.Contains(out, "written: 1 questions and 1 answers") {
		t.Errorf("backfill after serve stopped says:\n%s", out)
	}
	if again := len(srv.CallsTo("conversations.history")); again != fetched {
		t.Errorf("the history was fetched again (%d calls, then %d)", fetched, again)
	}
}

// TestProgressBar: the bar redraws one terminal line with how far the
// backfill is, says when it waits for a rate limit, and is not drawn when
// standard error is not a terminal (logs then carry the progress).
func TestProgressBar(t *testing.T) {
	var out bytes.Buffer
	bar := &progressBar{w: &out}
	bar.show(slackapi.Progress{Conversation: "help", Conversations: 4, Done: 2, Messages: 130, Threads: 12})
	if got := out.String(); !strings.HasPrefix(got, "\r\033[K[") || !strings.Contains(got, "[============            ] 2/4 channels  130 messages  12 threads  #help") {
		t.Errorf("bar drawn as %q", got)
	}
	out.Reset()
	bar.show(slackapi.Progress{Conversation: "help", Conversations: 4, Done: 2, Messages: 130, RetryAfter: 30 * time.Second})
	if got := out.String(); !strings.Contains(got, "(rate limited: waiting 30s)") {
		t.Errorf("bar while rate limited drawn as %q, want it to say it waits", got)
	}
	if b := newProgressBar(&out); b != nil {
		t.Error("a bar is drawn on a writer that is not a terminal")
	}
}
