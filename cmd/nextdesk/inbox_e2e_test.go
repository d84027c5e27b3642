package main

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/nextdesk/nextdesk/internal/fakeslack"
	"github.com/nextdesk/nextdesk/knowledge"
	"github.com/nextdesk/nextdesk/knowledge/desk"
	"github.com/nextdesk/nextdesk/knowledge/sqlite"
	"github.com/nextdesk/nextdesk/knowledge/sqlite/sqlitetest"
)

// TestInboxE2E runs what the inbox guarantees through the real `nextdesk
// serve` against the fake Slack, in both transports: nothing Slack was
// told it received is lost, whatever fails between the acknowledgement
// and the end of the handling.
func TestInboxE2E(t *testing.T) {
	scenarios := []struct {
		name string
		env  map[string]string
		run  func(*testing.T, *e2e)
	}{
		{name: "store refuses writes: Slack asked to send again, not ready, nothing lost", run: e2eStoreRefusesWrites},
		{name: "check mark before its reply waits and is captured", run: e2eEarlyCheckMark},
		// A budget well under the hung read's 3 s cuts the handling
		// short, and leaves the background tasks room to stop on a
		// loaded machine (at 300 ms they once did not).
		{name: "handling cut short by a stop resumes after the restart", env: map[string]string{"NEXTDESK_SHUTDOWN_TIMEOUT": "1s"}, run: e2eStoppedMidHandling},
		{name: "Slack read outage loses no mention", run: e2eReadOutage},
		{name: "token refused: handling and delivery wait, then resume", run: e2eTokenRefused},
		{name: "expired response_url answered by DM", run: e2eExpiredResponseURL},
		{name: "probes and JSON logs", env: map[string]string{"NEXTDESK_LOG_FORMAT": "json"}, run: e2eProbesAndLogs},
		{name: "a delivery that cannot be handled is parked, counted and shown", run: e2eParked},
	}
	for _, sc := range scenarios {
		t.Run(sc.name, func(t *testing.T) {
			for _, tr := range e2eTransports {
				t.Run(tr.name, func(t *testing.T) {
					t.Parallel()
					sc.run(t, newE2E(t, tr, sc.env))
				})
			}
		})
	}
}

// mention stores alice's mention of the bot asking text in #general
// without sending its event, and returns the event's payload with a fresh
// event id.
func (e *e2e) mention(text string) (fakeslack.Message, string, json.RawMessage) {
	e.t.Helper()
	ch, _ := e.slack.Channel(general)
	m := e.slack.AddMessage(general, fakeslack.Message{User: alice, Text: "<@" + fakeslack.BotUserID + "> " + text})
	id := e.nextID("EvE2E")
	return m, id, fakeslack.EventCallback(fakeslack.TeamID, id, fakeslack.AppMentionEvent(ch, m))
}

// offer sends payload once through the transport and reports whether
// Slack was told it arrived: a 200 over HTTP, an ack in Socket Mode. It
// returns the envelope id in Socket Mode.
func (e *e2e) offer(payload json.RawMessage, retry int) (acked bool, envelope string) {
	e.t.Helper()
	if e.socket {
		id := e.slack.SendEvent(e.t, payload)
		deadline := time.Now().Add(300 * time.Millisecond)
		for time.Now().Before(deadline) {
			if e.slack.Acked(id) {
				return true, id
			}
			time.Sleep(5 * time.Millisecond)
		}
		return false, id
	}
	var opts []fakeslack.PostOption
	if retry > 0 {
		opts = append(opts, fakeslack.Retry(retry, "http_error"))
	}
	resp := fakeslack.PostEvent(e.t, e.run.base+"/slack/events", serveSecret, payload, opts...)
	io.Copy(io.Discard, resp.Body)
	if resp.StatusCode != http.StatusOK && resp.StatusCode < 500 {
		e.t.Fatalf("event answered %d, want 200 or a 5xx", resp.StatusCode)
	}
	return resp.StatusCode == http.StatusOK, ""
}

// wantReady checks /readyz: 200, or 503 with a reason containing reason.
func (e *e2e) wantReady(ready bool, reason string) {
	e.t.Helper()
	code, body := e.run.get(e.t, "/readyz")
	switch {
	case ready && code != http.StatusOK:
		e.t.Errorf("/readyz %d %q, want 200", code, body)
	case !ready && (code != http.StatusServiceUnavailable || !strings.Contains(body, reason)):
		e.t.Errorf("/readyz %d %q, want 503 saying %q", code, body, reason)
	}
}

func e2eStoreRefusesWrites(t *testing.T, e *e2e) {
	e.expectErrors("could not be recorded", "failed; trying again until the store takes writes")
	db := e.run.server.kb.DB
	for i, how := range []string{"full", "readonly"} {
		text := rollback
		if how == "full" {
			// A long question needs new pages, which a full disk refuses.
			text += " " + strings.Repeat("Context: the replica set keeps the old image. ", 600)
		}
		_, _, payload := e.mention(text)
		restore := sqlitetest.RefuseWrites(t, db, how)
		acked, envelope := e.offer(payload, 0)
		if acked {
			t.Fatalf("%s: Slack was told an event arrived that the store could not record", how)
		}
		e.wantReady(false, "could not be recorded")
		restore()
		// Slack sends it again: over HTTP its retry, in Socket Mode the
		// envelope left unacknowledged.
		if e.socket {
			e.slack.WaitAck(t, e.slack.Redeliver(t, envelope), e2eWait)
		} else if acked, _ := e.offer(payload, 1); !acked {
			t.Fatalf("%s: Slack's retry refused once the store takes writes again", how)
		}
		e.sent++
		e.waitPosts(carol, i+1)
	}
	e.waitIdle()
	e.wantReady(true, "")
	if n := len(e.botPosts(carol)); n != 2 {
		t.Errorf("carol got %d DMs, want one per question", n)
	}
	e.finish()
}

func e2eEarlyCheckMark(t *testing.T, e *e2e) {
	msg, _ := e.posts(general, fakeslack.Message{User: alice, Text: "<@" + fakeslack.BotUserID + "> " + rollback})
	e.waitPosts(carol, 1)
	e.waitIdle()
	qid := "slack:" + general + ":" + msg.TS

	// carol's reply is in Slack, but its event comes after alice's check
	// mark on it.
	reply := e.slack.AddMessage(general, fakeslack.Message{User: carol, Text: "kubectl rollout undo deployment/web", ThreadTS: msg.TS})
	e.reacts(alice, general, reply.TS, "white_check_mark")
	time.Sleep(300 * time.Millisecond) // the check mark is tried before its reply is known
	ch, _ := e.slack.Channel(general)
	e.deliverPayload(fakeslack.EventCallback(fakeslack.TeamID, e.nextID("EvReply"), fakeslack.MessageEvent(ch, reply)))
	e.eventually("the check mark taken once the reply is captured", func() bool {
		return askOf(t, e.run.server.kb.DB, qid).Status == knowledge.StatusSolved
	})
	e.waitIdle()
	db := e.finish()
	q, err := db.Question(context.Background(), knowledge.Anonymous, qid)
	if err != nil {
		t.Fatal(err)
	}
	if len(q.Answers) != 1 || q.Answers[0].Answerer != carol || !q.Answers[0].Accepted {
		t.Errorf("answers = %+v, want carol's, accepted", q.Answers)
	}
}

func e2eStoppedMidHandling(t *testing.T, e *e2e) {
	// The channel's first Slack reads hang (the mention's, and the plain
	// message event's that comes with it, in either order): the mention's
	// handling is under way when the server stops.
	help := newHelpChannel(e)
	e.slack.SlowNext("conversations.info", 2, 3*time.Second)
	msg, _ := e.posts(help, fakeslack.Message{User: alice, Text: "<@" + fakeslack.BotUserID + "> " + rollback})
	time.Sleep(200 * time.Millisecond)
	e.stop()
	db, err := sqlite.Open(storePath(e.env["NEXTDESK_DATA_DIR"]))
	if err != nil {
		t.Fatal(err)
	}
	inbox, err := db.InboxStats(context.Background())
	db.Close()
	if err != nil || inbox.Pending == 0 {
		t.Fatalf("inbox after the stop: %+v (%v), want the mention kept", inbox, err)
	}
	if n := len(e.botPosts(carol)); n != 0 {
		t.Fatalf("carol got %d DMs before the restart, want none", n)
	}

	e.start() // Slack sends nothing again: it was told the events arrived
	e.waitPosts(carol, 1)
	e.waitIdle()
	db = e.finish()
	if got := routesOf(t, db, "slack:"+help+":"+msg.TS); len(got) != 1 || got[0] != carol+":pending" {
		t.Errorf("routes = %v, want carol asked once", got)
	}
	if n := len(e.botPosts(carol)); n != 1 {
		t.Errorf("carol got %d DMs, want 1", n)
	}
}

func e2eReadOutage(t *testing.T, e *e2e) {
	help := newHelpChannel(e)
	e.slack.FailFor("conversations.info", 4*time.Second, http.StatusServiceUnavailable)
	msg, _ := e.posts(help, fakeslack.Message{User: alice, Text: "<@" + fakeslack.BotUserID + "> " + rollback})
	frankMsg, _ := e.posts(help, fakeslack.Message{User: frank, Text: "<@" + fakeslack.BotUserID + "> " + rollback})
	// A colleague answers in the thread while its question still waits
	// in the inbox: the answer waits for it, and is captured.
	e.posts(help, fakeslack.Message{User: dave, Text: "kubectl rollout undo deployment/web", ThreadTS: msg.TS})
	e.waitPosts(carol, 1)
	// Frank's question is asked too: of carol, or answered at once with
	// dave's answer when that was captured first (the retries decide).
	e.eventually("frank's question asked", func() bool {
		_, err := e.run.server.kb.DB.Question(context.Background(), knowledge.Anonymous, "slack:"+help+":"+frankMsg.TS)
		return err == nil
	})
	e.waitIdle()
	q, err := e.run.server.kb.DB.Question(context.Background(), knowledge.Anonymous, "slack:"+help+":"+msg.TS)
	if err != nil || len(q.Answers) != 1 || q.Answers[0].Answerer != dave {
		t.Errorf("question %+v (%v), want dave's answer given during the outage captured", q.Answers, err)
	}
	if n := e.metric("nextdesk_inbox_parked_total", ""); n != 0 {
		t.Errorf("%v deliveries parked, want none", n)
	}
	if n := e.metric("nextdesk_slack_api_call_seconds_count", `method="conversations.info",outcome="unavailable"`); n < 2 {
		t.Errorf("%v conversations.info calls unavailable, want the outage seen", n)
	}
	e.finish()
}

func e2eTokenRefused(t *testing.T, e *e2e) {
	e.expectErrors("Slack refuses the bot token")
	help := newHelpChannel(e)
	e.slack.RevokeToken()
	e.posts(help, fakeslack.Message{User: alice, Text: "<@" + fakeslack.BotUserID + "> " + rollback})
	e.eventually("the refused token noticed", func() bool { return e.metric("nextdesk_slack_token_ok", "") == 0 })
	e.wantReady(false, "refuses the bot token")
	time.Sleep(200 * time.Millisecond)
	if n := len(e.slack.CallsTo("chat.postMessage")); n != 0 {
		t.Errorf("%d messages posted while the token is refused, want none", n)
	}
	inbox, err := e.run.server.kb.DB.InboxStats(context.Background())
	if err != nil || inbox.Pending == 0 {
		t.Errorf("inbox while the token is refused: %+v (%v), want the mention kept", inbox, err)
	}
	e.eventually("the inbox gauge counting the mention kept", func() bool { return e.metric("nextdesk_inbox_pending", "") >= 1 })

	e.slack.RestoreToken() // reinstalled: the token check finds it good
	e.waitPosts(carol, 1)
	e.waitIdle()
	e.eventually("the inbox gauge back to 0", func() bool { return e.metric("nextdesk_inbox_pending", "") == 0 })
	e.wantReady(true, "")
	e.finish()
}

func e2eExpiredResponseURL(t *testing.T, e *e2e) {
	url := e.slack.ResponseURL(e.nextID("cmd-"))
	e.slack.ExpireResponseURL(url)
	e.command(fakeslack.SlashCommand{Command: "/nextdesk", Text: "help", UserID: alice, ChannelID: general, ResponseURL: url})
	dms := e.waitPosts(alice, 1)
	if !strings.Contains(dms[0].Text+dms[0].Blocks, "/ask") {
		t.Errorf("DM to alice %q, want the help", dms[0].Text)
	}
	e.waitIdle()
	e.finish()
}

func e2eProbesAndLogs(t *testing.T, e *e2e) {
	for _, path := range []string{"/livez", "/readyz", "/healthz"} {
		code, body := e.run.get(t, path)
		if code != http.StatusOK || !strings.HasPrefix(body, "ok") {
			t.Errorf("%s = %d %q, want 200 ok", path, code, body)
		}
	}
	msg, _ := e.posts(general, fakeslack.Message{User: alice, Text: "<@" + fakeslack.BotUserID + "> " + rollback})
	card := e.waitPosts(carol, 1)[0]
	// carol's click is about her route: its lines say which.
	e.slack.WaitResponses(t, e.click(carol, card, actionTake), 1, e2eWait)
	e.waitIdle()
	e.stop()

	qid := "slack:" + general + ":" + msg.TS
	var lines, about, route int
	sc := bufio.NewScanner(strings.NewReader(e.run.log.String()))
	for sc.Scan() {
		var line map[string]any
		if err := json.Unmarshal(sc.Bytes(), &line); err != nil {
			t.Fatalf("a log line is not JSON: %q", sc.Text())
		}
		lines++
		if line["question_id"] == qid && strings.HasPrefix(fmt.Sprint(line["event_id"]), "Ev") {
			about++
		}
		if id, ok := line["route_id"].(string); ok && id != "" && line["event_id"] != nil {
			route++
		}
	}
	if lines == 0 || about == 0 || route == 0 {
		t.Errorf("%d JSON lines, %d with the question's id %s and its event's id, %d with a route's id and its click's; want some of each", lines, about, qid, route)
	}
}

// TestServeStaysUpWhileSlackIsUnreachable checks a start during a Slack
// outage: serve listens and answers its probes (alive, not ready), takes
// Slack's events into the inbox over HTTP, tries Slack again with backoff,
// and handles them once Slack answers, instead of exiting into a crash
// loop.
func TestServeStaysUpWhileSlackIsUnreachable(t *testing.T) {
	for _, tr := range e2eTransports {
		t.Run(tr.name, func(t *testing.T) {
			t.Parallel()
			srv := mustOpenE2EWorkspace(t)
			env := serveEnv(t, srv, tr.socket)
			seedHistory(t, env)
			srv.FailFor("auth.test", 2500*time.Millisecond, http.StatusServiceUnavailable)
			run := &serveRun{slack: srv, env: env, log: &syncBuffer{}}
			m := &Main{Stdin: strings.NewReader(""), Stdout: io.Discard, Stderr: run.log, Env: env}
			run.server = m.NewServer()
			if err := run.server.ParseFlags(nil); err != nil {
				t.Fatal(err)
			}
			done := make(chan error, 1)
			go func() { done <- run.server.Run(context.Background()) }()
			select {
			case <-run.server.Listening():
			case err := <-done:
				t.Fatalf("serve stopped while Slack was unreachable: %v\nlog:\n%s", err, run.log)
			case <-time.After(serveWait):
				t.Fatal("serve not listening")
			}
			run.base = "http://" + run.server.Addr().String()
			if code, body := run.get(t, "/livez"); code != http.StatusOK {
				t.Errorf("/livez = %d %q while Slack is unreachable, want 200: restarting would not help", code, body)
			}
			for deadline := time.Now().Add(2 * time.Second); ; time.Sleep(10 * time.Millisecond) {
				code, body := run.get(t, "/readyz")
				if code == http.StatusServiceUnavailable && strings.Contains(body, "Slack not reachable") {
					break
				}
				if code != http.StatusServiceUnavailable || time.Now().After(deadline) {
					t.Fatalf("/readyz = %d %q while Slack is unreachable, want 503 saying so", code, body)
				}
			}
			if !tr.socket {
				ch, _ := srv.Channel(general)
				m := srv.AddMessage(general, fakeslack.Message{User: alice, Text: "<@" + fakeslack.BotUserID + "> " + rollback})
				resp := fakeslack.PostEvent(t, run.base+"/slack/events", serveSecret, fakeslack.EventCallback(fakeslack.TeamID, "EvEarly", fakeslack.AppMentionEvent(ch, m)))
				if resp.StatusCode != http.StatusOK {
					t.Errorf("an event while Slack's Web API is unreachable: %d, want 200 (recorded)", resp.StatusCode)
				}
			}
			select {
			case <-run.server.Ready():
			case err := <-done:
				t.Fatalf("serve stopped: %v\nlog:\n%s", err, run.log)
			case <-time.After(serveWait):
				t.Fatalf("serve never ready once Slack answered\nlog:\n%s", run.log)
			}
			run.waitHealth(t, http.StatusOK)
			if !tr.socket {
				srv.WaitFor(t, "chat.postMessage", 2, serveWait) // the DM to carol, the note to alice
			}
			if err := run.server.Close(); err != nil {
				t.Errorf("Close: %v\nlog:\n%s", err, run.log)
			}
			if err := <-done; err != nil {
				t.Errorf("Run: %v", err)
			}
		})
	}
}

func e2eParked(t *testing.T, e *e2e) {
	e.expectErrors("delivery parked")
	// A delivery kept by a version whose payloads this one cannot read.
	_, err := e.run.server.kb.DB.RecordInbound(context.Background(), desk.Delivery{Key: "EvUnreadable", Kind: "event:app_mention", Payload: []byte(`{"type":"event_callback"`), Received: time.Now()})
	if err != nil {
		t.Fatal(err)
	}
	e.eventually("the delivery parked and counted", func() bool {
		return e.metric("nextdesk_inbox_parked", "") == 1 && e.metric("nextdesk_inbox_parked_total", "") == 1
	})
	e.wantReady(true, "") // parked is counted, not stuck
	e.stop()
	var out strings.Builder
	m := &Main{Stdin: strings.NewReader(""), Stdout: &out, Stderr: io.Discard, Env: e.env}
	if err := m.Run(context.Background(), []string{"tasks", "--only", "inbox"}); err != nil {
		t.Fatalf("tasks: %v", err)
	}
	if !strings.Contains(out.String(), "parked EvUnreadable event:app_mention") {
		t.Errorf("tasks output does not list the parked delivery:\n%s", &out)
	}
	e.start()
	e.finish()
}

// newHelpChannel adds a public channel nextdesk has never read, so that a
// question asked there must read it from Slack: the Slack reads of its
// handling are then sure to happen, for the tests that fail or slow them.
func newHelpChannel(e *e2e) string {
	const help = "C0HELP"
	e.slack.AddChannel(fakeslack.Channel{ID: help, Name: "help", Members: []string{alice, bruno, carol, dave, erin, frank, fakeslack.BotUserID}})
	return help
}
