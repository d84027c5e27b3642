package main

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"net"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/nextdesk/nextdesk/internal/fakeslack"
	"github.com/nextdesk/nextdesk/knowledge/desk"
	"github.com/nextdesk/nextdesk/knowledge/sqlite"
)

// serveWait bounds every wait of the serve tests; they normally take
// milliseconds.
const serveWait = 15 * time.Second

const serveSecret = "serve-test-signing-secret"

// syncBuffer is a log destination the server writes to while the test
// reads it.
type syncBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

// serveRun is a real `nextdesk serve` running against a fake Slack.
type serveRun struct {
	slack  *fakeslack.Server
	server *Server
	env    map[string]string
	log    *syncBuffer
	base   string // http://ADDR
}

// mustOpenWorkspace returns a fake Slack with an asker, an expert and a
// channel where all three (with the bot) are members.
func mustOpenWorkspace(tb testing.TB) *fakeslack.Server {
	tb.Helper()
	srv := fakeslack.New(tb)
	srv.AddUser(fakeslack.User{ID: "U1", Name: "alice", RealName: "Alice Martin", Locale: "en-US", TZ: "Europe/Paris"})
	srv.AddUser(fakeslack.User{ID: "U2", Name: "bruno", RealName: "Bruno Petit", Locale: "fr-FR", TZ: "Europe/Paris"})
	srv.AddChannel(fakeslack.Channel{ID: "C1", Name: "general", Members: []string{"U1", "U2", fakeslack.BotUserID}})
	return srv
}

// serveEnv is the settings of a server on port 0 and a fresh data
// directory, talking to srv, in Socket Mode or over HTTP.
func serveEnv(tb testing.TB, srv *fakeslack.Server, socket bool) map[string]string {
	env := map[string]string{
		"NEXTDESK_DATA_DIR":  tb.TempDir(),
		"NEXTDESK_ADDR":      "127.0.0.1:0",
		"NEXTDESK_LOG_LEVEL": "debug",
		"SLACK_BOT_TOKEN":    fakeslack.BotToken,
		"SLACK_API_URL":      srv.URL(),
	}
	if socket {
		env["SLACK_APP_TOKEN"] = fakeslack.AppToken
	} else {
		env["SLACK_SIGNING_SECRET"] = serveSecret
	}
	return env
}

// mustStartServer runs a Server with env until the test ends, and checks
// then that it shut down cleanly and never logged a secret.
func mustStartServer(tb testing.TB, srv *fakeslack.Server, env map[string]string) *serveRun {
	tb.Helper()
	return mustStartServerAt(tb, srv, env, nil)
}

// mustStartServerAt is mustStartServer with now, when not nil, as the
// server's one clock.
func mustStartServerAt(tb testing.TB, srv *fakeslack.Server, env map[string]string, now func() time.Time) *serveRun {
	tb.Helper()
	run := &serveRun{slack: srv, env: env, log: &syncBuffer{}}
	m := &Main{Stdin: strings.NewReader(""), Stdout: io.Discard, Stderr: run.log, Env: env}
	run.server = m.NewServer()
	if now != nil {
		run.server.now = now
	}
	if err := run.server.ParseFlags(nil); err != nil {
		tb.Fatalf("ParseFlags: %v", err)
	}
	runErr := make(chan error, 1)
	go func() { runErr <- run.server.Run(context.Background()) }()
	select {
	case <-run.server.Ready():
	case err := <-runErr:
		tb.Fatalf("serve stopped while starting: %v\nlog:\n%s", err, run.log)
	case <-time.After(serveWait):
		tb.Fatalf("serve not ready after %v\nlog:\n%s", serveWait, run.log)
	}
	run.base = "http://" + run.server.Addr().String()
	tb.Cleanup(func() {
		if err := run.server.Close(); err != nil {
			tb.Errorf("Close: %v\nlog:\n%s", err, run.log)
		}
		logs := run.log.String()
		for _, name := range []string{"SLACK_BOT_TOKEN", "SLACK_APP_TOKEN", "SLACK_SIGNING_SECRET"} {
			if v := env[name]; v != "" && strings.Contains(logs, v) {
				tb.Errorf("the log shows %s", name)
			}
		}
	})
	return run
}

func (r *serveRun) get(tb testing.TB, path string) (int, string) {
	tb.Helper()
	resp, err := http.Get(r.base + path)
	if err != nil {
		tb.Fatalf("GET %s: %v", path, err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b)
}

// waitHealth polls /healthz until it answers want.
func (r *serveRun) waitHealth(tb testing.TB, want int) string {
	tb.Helper()
	deadline := time.Now().Add(serveWait)
	for {
		code, body := r.get(tb, "/healthz")
		if code == want {
			return body
		}
		if time.Now().After(deadline) {
			tb.Fatalf("/healthz still %d %q after %v, want %d", code, body, serveWait, want)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// waitReply waits until the bot has written to Slack after the calls
// already counted in before: a message, an ephemeral message, or a post to
// responseURL (when not empty). It returns what it saw.
func waitReply(tb testing.TB, srv *fakeslack.Server, before int, responseURL string) string {
	tb.Helper()
	deadline := time.Now().Add(serveWait)
	for time.Now().Before(deadline) {
		calls := srv.Calls()
		for _, c := range calls[min(before, len(calls)):] {
			if (c.Method == "chat.postMessage" || c.Method == "chat.postEphemeral") && c.Error == "" {
				return c.Method + " to " + c.Params["channel"]
			}
		}
		if responseURL != "" {
			if rs := srv.Responses(responseURL); len(rs) > 0 {
				return "response_url: " + rs[0].Text
			}
		}
		time.Sleep(10 * time.Millisecond)
	}
	tb.Fatalf("no reply in Slack after %v; calls: %v", serveWait, methods(srv.Calls()))
	return ""
}

func methods(calls []fakeslack.Call) []string {
	var out []string
	for _, c := range calls {
		out = append(out, c.Method)
	}
	return out
}

func TestServeSettingsErrors(t *testing.T) {
	srv := fakeslack.New(t)
	base := func(extra map[string]string) map[string]string {
		env := map[string]string{"NEXTDESK_DATA_DIR": t.TempDir(), "SLACK_API_URL": srv.URL(), "NEXTDESK_ADDR": "127.0.0.1:0"}
		for k, v := range extra {
			env[k] = v
		}
		return env
	}
	secretApp := "xapp-1-A1-1-secretvalue"
	tests := []struct {
		name string
		args []string
		env  map[string]string
		want string // the variable the message must name
	}{
		{"no bot token", nil, base(map[string]string{"SLACK_APP_TOKEN": secretApp}), "SLACK_BOT_TOKEN"},
		{"user token for bot token", nil, base(map[string]string{"SLACK_BOT_TOKEN": "xoxp-1-secretvalue", "SLACK_APP_TOKEN": secretApp}), "SLACK_BOT_TOKEN"},
		{"bot token refused by Slack", nil, base(map[string]string{"SLACK_BOT_TOKEN": "xoxb-1-secretvalue", "SLACK_APP_TOKEN": secretApp}), "SLACK_BOT_TOKEN"},
		{"app token with the wrong prefix", nil, base(map[string]string{"SLACK_BOT_TOKEN": fakeslack.BotToken, "SLACK_APP_TOKEN": "xoxb-secretvalue"}), "SLACK_APP_TOKEN"},
		{"HTTP without signing secret", nil, base(map[string]string{"SLACK_BOT_TOKEN": fakeslack.BotToken}), "SLACK_SIGNING_SECRET"},
		{"bad duration", nil, base(map[string]string{"SLACK_BOT_TOKEN": fakeslack.BotToken, "SLACK_SIGNING_SECRET": "secretvalue", "NEXTDESK_ANSWER_TIMEOUT": "4 hours"}), "NEXTDESK_ANSWER_TIMEOUT"},
		{"negative duration", nil, base(map[string]string{"SLACK_BOT_TOKEN": fakeslack.BotToken, "SLACK_SIGNING_SECRET": "secretvalue", "NEXTDESK_ANSWER_TIMEOUT": "-1h"}), "NEXTDESK_ANSWER_TIMEOUT"},
		{"cap not a number", nil, base(map[string]string{"SLACK_BOT_TOKEN": fakeslack.BotToken, "SLACK_SIGNING_SECRET": "secretvalue", "NEXTDESK_MAX_OPEN": "three"}), "NEXTDESK_MAX_OPEN"},
		{"cap zero", nil, base(map[string]string{"SLACK_BOT_TOKEN": fakeslack.BotToken, "SLACK_SIGNING_SECRET": "secretvalue", "NEXTDESK_MAX_OPEN": "0"}), "NEXTDESK_MAX_OPEN"},
		{"anonymous neither on nor off", nil, base(map[string]string{"SLACK_BOT_TOKEN": fakeslack.BotToken, "SLACK_SIGNING_SECRET": "secretvalue", "NEXTDESK_ANONYMOUS": "maybe"}), "NEXTDESK_ANONYMOUS must be on or off"},
		{"no anonymous question a day", nil, base(map[string]string{"SLACK_BOT_TOKEN": fakeslack.BotToken, "SLACK_SIGNING_SECRET": "secretvalue", "NEXTDESK_ANONYMOUS_PER_DAY": "0"}), "NEXTDESK_ANONYMOUS_PER_DAY"},
		{"API URL not http", nil, base(map[string]string{"SLACK_BOT_TOKEN": fakeslack.BotToken, "SLACK_SIGNING_SECRET": "secretvalue", "SLACK_API_URL": "ftp://example.com/api/"}), "SLACK_API_URL"},
		{"bad language", nil, base(map[string]string{"SLACK_BOT_TOKEN": fakeslack.BotToken, "SLACK_SIGNING_SECRET": "secretvalue", "NEXTDESK_LANG": "de"}), "NEXTDESK_LANG"},
		{"an argument", []string{"now"}, base(map[string]string{"SLACK_BOT_TOKEN": fakeslack.BotToken, "SLACK_SIGNING_SECRET": "secretvalue"}), "environment"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var stderr bytes.Buffer
			m := &Main{Stdin: strings.NewReader(""), Stdout: io.Discard, Stderr: &stderr, Env: tt.env}
			err := m.Run(context.Background(), append([]string{"serve"}, tt.args...))
			if code := exitCode(err); code != 2 {
				t.Fatalf("exit code %d (err %v), want 2", code, err)
			}
			msg := err.Error()
			if strings.Contains(msg, "\n") || !strings.Contains(msg, tt.want) {
				t.Errorf("error %q, want one line naming %s", msg, tt.want)
			}
			if strings.Contains(msg+stderr.String(), "secretvalue") {
				t.Errorf("the error or the log shows a secret: %q\n%s", msg, &stderr)
			}
		})
	}
}

func TestServeListenError(t *testing.T) {
	srv := mustOpenWorkspace(t)
	taken, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer taken.Close()
	env := serveEnv(t, srv, false)
	env["NEXTDESK_ADDR"] = taken.Addr().String()
	m := &Main{Stdin: strings.NewReader(""), Stdout: io.Discard, Stderr: io.Discard, Env: env}
	err = m.Run(context.Background(), []string{"serve"})
	if err == nil || !strings.Contains(err.Error(), "NEXTDESK_ADDR") {
		t.Errorf("serve on a taken port = %v, want an error naming NEXTDESK_ADDR", err)
	}
}

func TestServeSocketMode(t *testing.T) {
	srv := mustOpenWorkspace(t)
	run := mustStartServer(t, srv, serveEnv(t, srv, true))
	if body := run.waitHealth(t, http.StatusOK); !strings.HasPrefix(body, "ok mode=socket") {
		t.Errorf("/healthz body %q, want it to start with %q", body, "ok mode=socket")
	}

	before := len(srv.Calls())
	_, ids := srv.UserPosts(t, "C1", fakeslack.Message{User: "U1", Text: "<@U0BOT> who renews the staging TLS certificate?"})
	for _, id := range ids {
		srv.WaitAck(t, id, serveWait)
	}
	t.Logf("reply: %s", waitReply(t, srv, before, ""))

	// Slack unreachable: the health check says so, then recovers.
	srv.FailNext("apps.connections.open", 4, http.StatusInternalServerError, 0)
	srv.Disconnect()
	if body := run.waitHealth(t, http.StatusServiceUnavailable); !strings.Contains(body, "not connected") {
		t.Errorf("/healthz body %q while disconnected, want it to say not connected", body)
	}
	run.waitHealth(t, http.StatusOK)

	code, metrics := run.get(t, "/metrics")
	for _, name := range []string{"nextdesk_handler_seconds", "go_goroutines", "process_start_time_seconds"} {
		if code != http.StatusOK || !strings.Contains(metrics, name) {
			t.Errorf("/metrics (status %d) lacks %s", code, name)
		}
	}
}

func TestServeHTTPMode(t *testing.T) {
	srv := mustOpenWorkspace(t)
	env := serveEnv(t, srv, false)
	run := mustStartServer(t, srv, env)
	if body := run.waitHealth(t, http.StatusOK); !strings.HasPrefix(body, "ok mode=http") {
		t.Errorf("/healthz body %q, want it to start with %q", body, "ok mode=http")
	}

	t.Run("bad signature", func(t *testing.T) {
		before := len(srv.Calls())
		form := srv.SlashCommandForm(fakeslack.SlashCommand{Command: "/ask", Text: "How do I get VPN access?", UserID: "U1", ChannelID: "C1"})
		resp := fakeslack.PostSlashCommand(t, run.base+"/slack/commands", "not-the-secret", form)
		b, _ := io.ReadAll(resp.Body)
		if resp.StatusCode != http.StatusUnauthorized || len(b) != 0 {
			t.Errorf("status %d body %q, want a bare 401", resp.StatusCode, b)
		}
		time.Sleep(100 * time.Millisecond) // room for a wrong reply to show
		if calls := srv.Calls()[before:]; len(calls) != 0 {
			t.Errorf("Slack called after a refused request: %v", methods(calls))
		}
	})

	t.Run("slash command", func(t *testing.T) {
		before := len(srv.Calls())
		form := srv.SlashCommandForm(fakeslack.SlashCommand{Command: "/ask", Text: "How do I renew the staging TLS certificate?", UserID: "U1", ChannelID: "C1"})
		began := time.Now()
		resp := fakeslack.PostSlashCommand(t, run.base+"/slack/commands", serveSecret, form)
		if took := time.Since(began); resp.StatusCode != http.StatusOK || took > 3*time.Second {
			t.Errorf("status %d after %v, want 200 within Slack's 3 seconds", resp.StatusCode, took)
		}
		t.Logf("reply: %s", waitReply(t, srv, before, form.Get("response_url")))
	})

	t.Run("url verification", func(t *testing.T) {
		resp := fakeslack.PostEvent(t, run.base+"/slack/events", serveSecret, fakeslack.URLVerification("challenge-42"))
		b, _ := io.ReadAll(resp.Body)
		if resp.StatusCode != http.StatusOK || string(b) != "challenge-42" {
			t.Errorf("status %d body %q, want 200 challenge-42", resp.StatusCode, b)
		}
	})
}

// TestServeRefusedRequestStoresNothing checks, after a clean shutdown, that
// the store holds nothing from a badly signed event.
func TestServeRefusedRequestStoresNothing(t *testing.T) {
	srv := mustOpenWorkspace(t)
	env := serveEnv(t, srv, false)
	run := mustStartServer(t, srv, env)
	ev := fakeslack.EventCallback(fakeslack.TeamID, "EvForged", fakeslack.AppMentionEvent(
		fakeslack.Channel{ID: "C1", Name: "general"}, fakeslack.Message{TS: "1768469400.000100", User: "U1", Text: "<@U0BOT> who owns billing?"}))
	resp := fakeslack.PostEvent(t, run.base+"/slack/events", "forged-secret", ev)
	if resp.StatusCode != http.StatusUnauthorized {
		t.Fatalf("status %d, want 401", resp.StatusCode)
	}
	if err := run.server.Close(); err != nil {
		t.Fatalf("Close: %v", err)
	}
	db, err := sqlite.Open(storePath(env["NEXTDESK_DATA_DIR"]))
	if err != nil {
		t.Fatalf("reopen the store after shutdown: %v", err)
	}
	defer db.Close()
	counts, err := db.Counts(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if fmt.Sprint(counts) != fmt.Sprint(sqlite.Counts{}) {
		t.Errorf("store after a refused event: %+v, want empty", counts)
	}
}

// TestServeShutdown checks that cancelling the context (what SIGTERM does
// through main) stops serve cleanly, releasing the listener, the index and
// the store for the next start.
func TestServeShutdown(t *testing.T) {
	for _, socket := range []bool{true, false} {
		t.Run(fmt.Sprintf("socket=%v", socket), func(t *testing.T) {
			srv := mustOpenWorkspace(t)
			env := serveEnv(t, srv, socket)
			var stderr syncBuffer
			m := &Main{Stdin: strings.NewReader(""), Stdout: io.Discard, Stderr: &stderr, Env: env}
			ctx, cancel := context.WithCancel(context.Background())
			s := m.NewServer()
			if err := s.ParseFlags(nil); err != nil {
				t.Fatal(err)
			}
			done := make(chan error, 1)
			go func() { done <- s.Run(ctx) }()
			select {
			case <-s.Ready():
			case err := <-done:
				t.Fatalf("serve stopped while starting: %v", err)
			}
			if socket {
				srv.WaitConnections(t, 1, serveWait)
			}
			addr := s.Addr().String()
			cancel()
			select {
			case err := <-done:
				if err != nil {
					t.Fatalf("Run after cancel = %v, want nil\nlog:\n%s", err, &stderr)
				}
			case <-time.After(serveWait):
				t.Fatalf("Run still running %v after cancel", serveWait)
			}
			if _, err := http.Get("http://" + addr + "/healthz"); err == nil {
				t.Error("/healthz still answers after shutdown")
			}
			if !strings.Contains(stderr.String(), "nextdesk stopped") {
				t.Errorf("no clean stop in the log:\n%s", &stderr)
			}
			// The same data directory opens again: the index lock is gone.
			again := mustStartServer(t, srv, env)
			again.waitHealth(t, http.StatusOK)
		})
	}
}

func TestTasksCommand(t *testing.T) {
	srv := mustOpenWorkspace(t)
	env := serveEnv(t, srv, true)
	tests := []struct {
		name string
		args []string
		code int
		want []string // in stdout, or in the error when code is not 0
	}{
		{"one task, dry", []string{"--only", "escalate", "--dry-run"}, 0, []string{"escalate: done"}},
		{"the promises, dry", []string{"--only", "promises", "--dry-run"}, 0, []string{"promises: done"}},
		{"every task", nil, 0, []string{"deliver: done", "escalate: done", "promises: done", "prune: done", "calibrate: done"}},
		{"calibrate alone", []string{"--only", "calibrate"}, 0, []string{"calibrate: done"}},
		{"unknown task", []string{"--only", "nope"}, 2, []string{`no task named "nope"`, "deliver", "escalate"}},
		{"an argument", []string{"escalate"}, 2, []string{"--only"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var stdout, stderr bytes.Buffer
			m := &Main{Stdin: strings.NewReader(""), Stdout: &stdout, Stderr: &stderr, Env: env}
			err := m.Run(context.Background(), append([]string{"tasks"}, tt.args...))
			if code := exitCode(err); code != tt.code {
				t.Fatalf("exit code %d (err %v), want %d\nstderr:\n%s", code, err, tt.code, &stderr)
			}
			got := stdout.String()
			if err != nil {
				got = err.Error()
			}
			for _, w := range tt.want {
				if !strings.Contains(got, w) {
					t.Errorf("output %q lacks %q", got, w)
				}
			}
		})
	}
}

// TestTasksShowsAndRequeuesParkedDeliveries checks what an operator sees
// of the deliveries the inbox parked, and that --requeue-parked gives them
// another chance: a command parked by a bug since fixed is handled and
// answered.
func TestTasksShowsAndRequeuesParkedDeliveries(t *testing.T) {
	srv := mustOpenWorkspace(t)
	env := serveEnv(t, srv, true)
	url := srv.ResponseURL("parked-1")
	payload := fmt.Sprintf(`{"command":"/nextdesk","text":"help","user_id":"U1","channel_id":"C1","trigger_id":"Tparked1","response_url":%q}`, url)
	db, err := sqlite.Open(storePath(env["NEXTDESK_DATA_DIR"]))
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	if _, err := db.RecordInbound(ctx, desk.Delivery{Key: "Tparked1", Kind: "command:/nextdesk", Payload: []byte(payload), Received: time.Now()}); err != nil {
		t.Fatal(err)
	}
	if _, err := db.ClaimInbound(ctx, time.Now(), 1, func(int) time.Duration { return time.Second }); err != nil {
		t.Fatal(err)
	}
	if err := db.ParkInbound(ctx, "Tparked1", "panic: a bug since fixed"); err != nil {
		t.Fatal(err)
	}
	db.Close()

	run := func(args ...string) string {
		t.Helper()
		var stdout, stderr bytes.Buffer
		m := &Main{Stdin: strings.NewReader(""), Stdout: &stdout, Stderr: &stderr, Env: env}
		if err := m.Run(ctx, append([]string{"tasks"}, args...)); err != nil {
			t.Fatalf("tasks %v: %v\nstderr:\n%s", args, err, &stderr)
		}
		return stdout.String()
	}
	out := run("--only", "inbox")
	for _, want := range []string{"inbox: 0 pending, 1 parked", "parked Tparked1 command:/nextdesk", "after 1 attempt: panic: a bug since fixed", "--requeue-parked"} {
		if !strings.Contains(out, want) {
			t.Errorf("tasks output lacks %q:\n%s", want, out)
		}
	}
	if n := len(srv.Responses(url)); n != 0 {
		t.Fatalf("%d replies before the requeue, want none: a parked delivery is not tried on its own", n)
	}
	out = run("--requeue-parked")
	for _, want := range []string{"inbox: 1 parked delivery requeued", "inbox: done", "deliver: done", "inbox: 0 pending, 0 parked"} {
		if !strings.Contains(out, want) {
			t.Errorf("tasks --requeue-parked output lacks %q:\n%s", want, out)
		}
	}
	if rs := srv.Responses(url); len(rs) != 1 {
		t.Errorf("%d replies to the requeued command, want 1", len(rs))
	}
}
