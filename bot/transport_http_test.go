package bot_test

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/slack-go/slack/slackevents"

	"github.com/nextdesk/nextdesk/bot"
	"github.com/nextdesk/nextdesk/internal/fakeslack"
)

const testSecret = "test-signing-secret"

// httpRun is an HTTPTransport served over a real listener, with a fake
// Slack to build payloads and a recorder in place of the bot.
type httpRun struct {
	slack    *fakeslack.Server
	rec      *inboundRecorder
	inbox    *memInbox
	metrics  *bot.Metrics
	dispatch *bot.Dispatcher
	url      string
}

// mustServeHTTPTransport starts an HTTPTransport on an httptest server and
// stops both at cleanup.
func mustServeHTTPTransport(tb testing.TB, opts bot.DispatchOptions) *httpRun {
	tb.Helper()
	run := &httpRun{slack: fakeslack.New(tb), rec: newInboundRecorder(), inbox: newMemInbox(), metrics: bot.NewMetrics(prometheus.NewRegistry())}
	run.slack.AddUser(fakeslack.User{ID: "U1", Name: "alice", RealName: "Alice Martin", Locale: "fr-FR"})
	run.slack.AddChannel(fakeslack.Channel{ID: "C1", Name: "general", Members: []string{"U1", fakeslack.BotUserID}})
	run.dispatch = mustOpenDispatcher(tb, run.inbox, run.rec, opts, run.metrics)
	tr, err := bot.NewHTTPTransport(testSecret, run.dispatch, run.metrics, nil)
	if err != nil {
		tb.Fatalf("NewHTTPTransport: %v", err)
	}
	mux := http.NewServeMux()
	tr.Register(mux)
	srv := httptest.NewServer(mux)
	tb.Cleanup(srv.Close)
	run.url = srv.URL
	return run
}

func body(tb testing.TB, resp *http.Response) string {
	tb.Helper()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		tb.Fatalf("read response: %v", err)
	}
	return string(b)
}

// TestSlackPublishedExample checks the signature against the example on
// Slack's "Verifying requests from Slack" page, at its own timestamp.
func TestSlackPublishedExample(t *testing.T) {
	const (
		secret    = "8f742231b10e8888abcd99yyyzzz85a5"
		stamp     = "1531420618"
		form      = "token=xyzz0WbapA4vBCDEFasx0q6G&team_id=T1DC2JH3J&team_domain=testteamnow&channel_id=G8PSS9T3V&channel_name=foobar&user_id=U2CERLKJA&user_name=roadrunner&command=%2Fwebhook-collect&text=&response_url=https%3A%2F%2Fhooks.slack.com%2Fcommands%2FT1DC2JH3J%2F397700885554%2F96rGlfmibIGlgcZRskXaIFfN&trigger_id=398738663015.47445629121.803a0bc887a14d10d2c447fce8b6703c"
		signature = "v0=a2114d57b48eac39b9ad189dd8316235a7b4a8d21a10bd27519666489c69b503"
	)
	tests := []struct {
		name      string
		body      string
		signature string
		now       time.Time
		status    int
		handled   bool
	}{
		{"as published", form, signature, time.Unix(1531420618, 0), http.StatusOK, true},
		{"4m59s later", form, signature, time.Unix(1531420618+299, 0), http.StatusOK, true},
		{"6 minutes later", form, signature, time.Unix(1531420618+360, 0), http.StatusUnauthorized, false},
		{"6 minutes earlier", form, signature, time.Unix(1531420618-360, 0), http.StatusUnauthorized, false},
		{"one byte changed", strings.Replace(form, "roadrunner", "roadrunnex", 1), signature, time.Unix(1531420618, 0), http.StatusUnauthorized, false},
		{"signature of another secret", form, "v0=" + strings.Repeat("ab", 32), time.Unix(1531420618, 0), http.StatusUnauthorized, false},
		{"signature not hex", form, "v0=zz", time.Unix(1531420618, 0), http.StatusUnauthorized, false},
		{"no version prefix", form, strings.TrimPrefix(signature, "v0="), time.Unix(1531420618, 0), http.StatusUnauthorized, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rec := newInboundRecorder()
			m := bot.NewMetrics(prometheus.NewRegistry())
			d := mustOpenDispatcher(t, newMemInbox(), rec, bot.DispatchOptions{}, m)
			tr, err := bot.NewHTTPTransport(secret, d, m, nil)
			if err != nil {
				t.Fatal(err)
			}
			tr.Now = func() time.Time { return tt.now }
			req := httptest.NewRequest(http.MethodPost, bot.CommandsPath, strings.NewReader(tt.body))
			req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
			req.Header.Set("X-Slack-Request-Timestamp", stamp)
			req.Header.Set("X-Slack-Signature", tt.signature)
			w := httptest.NewRecorder()
			tr.Commands().ServeHTTP(w, req)
			if w.Code != tt.status {
				t.Fatalf("status %d, want %d", w.Code, tt.status)
			}
			if w.Code == http.StatusUnauthorized && w.Body.Len() != 0 {
				t.Errorf("401 with body %q, want a bare 401", w.Body)
			}
			if !tt.handled {
				rec.none(t)
				return
			}
			in := rec.next(t)
			got := []string{in.Key, in.Command.Command, in.Command.UserID, in.Command.ChannelID, in.Command.ResponseURL}
			want := []string{"398738663015.47445629121.803a0bc887a14d10d2c447fce8b6703c", "/webhook-collect", "U2CERLKJA", "G8PSS9T3V",
				"https://hooks.slack.com/commands/T1DC2JH3J/397700885554/96rGlfmibIGlgcZRskXaIFfN"}
			if diff := cmp.Diff(got, want); diff != "" {
				t.Errorf("command (-got +want):\n%s", diff)
			}
		})
	}
}

func TestHTTPRefusals(t *testing.T) {
	run := mustServeHTTPTransport(t, bot.DispatchOptions{})
	event := fakeslack.EventCallback(fakeslack.TeamID, "Ev1", fakeslack.MessageEvent(fakeslack.Channel{ID: "C1", Name: "general"}, fakeslack.Message{TS: "1768469400.000100", User: "U1", Text: "hello"}))
	huge := append(bytes.Repeat([]byte(" "), bot.MaxRequestBody), event...)
	tests := []struct {
		name   string
		path   string
		secret string
		body   []byte
		opts   []fakeslack.PostOption
		reason string
	}{
		{"wrong secret", bot.EventsPath, "another-secret", event, nil, "signature"},
		{"wrong secret on commands", bot.CommandsPath, "another-secret", []byte("command=%2Fask&user_id=U1"), nil, "signature"},
		{"wrong secret on interactivity", bot.InteractivityPath, "another-secret", []byte("payload=%7B%7D"), nil, "signature"},
		{"stale", bot.EventsPath, testSecret, event, []fakeslack.PostOption{fakeslack.SignedAt(time.Now().Add(-6 * time.Minute))}, "stale"},
		{"from the future", bot.EventsPath, testSecret, event, []fakeslack.PostOption{fakeslack.SignedAt(time.Now().Add(6 * time.Minute))}, "stale"},
		{"over 1 MiB", bot.EventsPath, testSecret, huge, nil, "too_large"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			before := counterValue(t, run.metrics.InboundRejected.WithLabelValues(tt.reason))
			resp := fakeslack.PostEvent(t, run.url+tt.path, tt.secret, tt.body, tt.opts...)
			if resp.StatusCode != http.StatusUnauthorized {
				t.Errorf("status %d, want 401", resp.StatusCode)
			}
			if b := body(t, resp); b != "" {
				t.Errorf("401 with body %q, want a bare 401", b)
			}
			if got := counterValue(t, run.metrics.InboundRejected.WithLabelValues(tt.reason)) - before; got != 1 {
				t.Errorf("InboundRejected{reason=%s} rose by %v, want 1", tt.reason, got)
			}
			run.rec.none(t)
		})
	}

	t.Run("no signature headers", func(t *testing.T) {
		resp, err := http.Post(run.url+bot.EventsPath, "application/json", bytes.NewReader(event))
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != http.StatusUnauthorized {
			t.Errorf("status %d, want 401", resp.StatusCode)
		}
		run.rec.none(t)
	})
	t.Run("GET", func(t *testing.T) {
		resp, err := http.Get(run.url + bot.EventsPath)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != http.StatusMethodNotAllowed {
			t.Errorf("status %d, want 405", resp.StatusCode)
		}
	})
}

func TestHTTPURLVerification(t *testing.T) {
	run := mustServeHTTPTransport(t, bot.DispatchOptions{})
	resp := fakeslack.PostEvent(t, run.url+bot.EventsPath, testSecret, fakeslack.URLVerification("3eZbrw1aBm2rZgRNFdxV2595E9CY3gmdALWMmHkvFXO7tYXAYM8P"))
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("status %d, want 200", resp.StatusCode)
	}
	if got := body(t, resp); got != "3eZbrw1aBm2rZgRNFdxV2595E9CY3gmdALWMmHkvFXO7tYXAYM8P" {
		t.Errorf("body %q, want the challenge", got)
	}
	run.rec.none(t)
}

func TestHTTPMalformed(t *testing.T) {
	run := mustServeHTTPTransport(t, bot.DispatchOptions{})
	tests := []struct {
		name string
		path string
		body []byte
	}{
		{"truncated JSON", bot.EventsPath, []byte(`{"type":"event_callback","event_id":"Ev1","event":{"type":"mess`)},
		{"event callback without event id", bot.EventsPath, []byte(`{"type":"event_callback","event":{"type":"message","text":"hi"}}`)},
		{"event callback whose event is a string", bot.EventsPath, fakeslack.EventCallback(fakeslack.TeamID, "Ev2", json.RawMessage(`{not json`))},
		{"command without command", bot.CommandsPath, []byte("user_id=U1&text=hello")},
		{"interaction without payload", bot.InteractivityPath, []byte("foo=bar")},
		{"interaction payload not JSON", bot.InteractivityPath, []byte("payload=%7Bnope")},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			before := counterValue(t, run.metrics.InboundRejected.WithLabelValues("malformed"))
			ctype := "application/x-www-form-urlencoded"
			if tt.path == bot.EventsPath {
				ctype = "application/json"
			}
			resp := postSignedAs(t, run.url+tt.path, ctype, tt.body)
			if resp.StatusCode != http.StatusBadRequest {
				t.Errorf("status %d, want 400", resp.StatusCode)
			}
			if b := body(t, resp); !strings.HasPrefix(b, "malformed ") {
				t.Errorf("body %q, want a short reason starting with %q", b, "malformed ")
			}
			if got := counterValue(t, run.metrics.InboundRejected.WithLabelValues("malformed")) - before; got != 1 {
				t.Errorf("InboundRejected{reason=malformed} rose by %v, want 1", got)
			}
			run.rec.none(t)
		})
	}
}

// postSignedAs posts a correctly signed body with the given content type.
func postSignedAs(tb testing.TB, target, ctype string, b []byte) *http.Response {
	tb.Helper()
	req, err := http.NewRequest(http.MethodPost, target, bytes.NewReader(b))
	if err != nil {
		tb.Fatal(err)
	}
	req.Header = fakeslack.Sign(testSecret, time.Now(), b)
	req.Header.Set("Content-Type", ctype)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { resp.Body.Close() })
	return resp
}

func TestHTTPDeliveries(t *testing.T) {
	run := mustServeHTTPTransport(t, bot.DispatchOptions{})
	general := fakeslack.Channel{ID: "C1", Name: "general", Members: []string{"U1", fakeslack.BotUserID}}
	mention := fakeslack.Message{TS: "1768469400.000100", User: "U1", Text: "<@U0BOT> qui gère la paie ?"}

	t.Run("mention, retried", func(t *testing.T) {
		resp := fakeslack.PostEvent(t, run.url+bot.EventsPath, testSecret,
			fakeslack.EventCallback(fakeslack.TeamID, "EvMention", fakeslack.AppMentionEvent(general, mention)), fakeslack.Retry(2, "http_timeout"))
		if resp.StatusCode != http.StatusOK {
			t.Fatalf("status %d, want 200", resp.StatusCode)
		}
		in := run.rec.next(t)
		ev, ok := in.Event.InnerEvent.Data.(*slackevents.AppMentionEvent)
		if !ok {
			t.Fatalf("inner event %T, want *slackevents.AppMentionEvent", in.Event.InnerEvent.Data)
		}
		got := []any{in.Key, in.Retry, in.Kind(), ev.User, ev.Channel, ev.Text}
		if diff := cmp.Diff(got, []any{"EvMention", 2, "event:app_mention", "U1", "C1", mention.Text}); diff != "" {
			t.Errorf("inbound (-got +want):\n%s", diff)
		}
	})

	t.Run("slash command", func(t *testing.T) {
		form := run.slack.SlashCommandForm(fakeslack.SlashCommand{Command: "/ask", Text: "Comment renouveler le certificat ?", UserID: "U1", ChannelID: "C1"})
		resp := fakeslack.PostSlashCommand(t, run.url+bot.CommandsPath, testSecret, form)
		if resp.StatusCode != http.StatusOK {
			t.Fatalf("status %d, want 200", resp.StatusCode)
		}
		if b := body(t, resp); b != "" {
			t.Errorf("body %q, want an empty acknowledgement (the handler replies through response_url)", b)
		}
		in := run.rec.next(t)
		got := []any{in.Key, in.Retry, in.Command.Command, in.Command.Text, in.Command.UserID, in.Command.ResponseURL}
		want := []any{form.Get("trigger_id"), 0, "/ask", "Comment renouveler le certificat ?", "U1", form.Get("response_url")}
		if diff := cmp.Diff(got, want); diff != "" {
			t.Errorf("command (-got +want):\n%s", diff)
		}
	})

	t.Run("ssl check", func(t *testing.T) {
		resp := fakeslack.PostSlashCommand(t, run.url+bot.CommandsPath, testSecret, url.Values{"ssl_check": {"1"}, "token": {"x"}})
		if resp.StatusCode != http.StatusOK {
			t.Errorf("status %d, want 200", resp.StatusCode)
		}
		run.rec.none(t)
	})

	t.Run("interaction", func(t *testing.T) {
		parent := run.slack.AddMessage("C1", fakeslack.Message{User: fakeslack.BotUserID, BotID: fakeslack.BotID, Text: "Qui gère la paie ?"})
		payload := run.slack.BlockActionsPayload(fakeslack.BlockActions{User: "U1", Channel: "C1", MessageTS: parent.TS,
			Actions: []fakeslack.Action{{ActionID: "take", Value: "Q1", Text: "I'll take it"}}})
		resp := fakeslack.PostInteraction(t, run.url+bot.InteractivityPath, testSecret, payload)
		if resp.StatusCode != http.StatusOK {
			t.Fatalf("status %d, want 200", resp.StatusCode)
		}
		in := run.rec.next(t)
		var actions []string
		for _, a := range in.Interaction.ActionCallback.BlockActions {
			actions = append(actions, a.ActionID+"="+a.Value)
		}
		got := []any{in.Kind(), in.Key != "", in.Key == in.Interaction.TriggerID, in.Interaction.User.ID, actions}
		if diff := cmp.Diff(got, []any{"interaction:block_actions", true, true, "U1", []string{"take=Q1"}}); diff != "" {
			t.Errorf("interaction (-got +want):\n%s", diff)
		}
	})

	t.Run("unknown event type", func(t *testing.T) {
		inner := json.RawMessage(`{"type":"future_thing_happened","user":"U1","event_ts":"1768469400.000200"}`)
		resp := fakeslack.PostEvent(t, run.url+bot.EventsPath, testSecret, fakeslack.EventCallback(fakeslack.TeamID, "EvFuture", inner))
		if resp.StatusCode != http.StatusOK {
			t.Fatalf("status %d, want 200", resp.StatusCode)
		}
		in := run.rec.next(t)
		if in.Key != "EvFuture" || in.Kind() != "event:future_thing_happened" {
			t.Errorf("got %s %q, want event:future_thing_happened EvFuture", in.Kind(), in.Key)
		}
	})

	t.Run("message with a block slack-go cannot read", func(t *testing.T) {
		inner := json.RawMessage(`{"type":"message","channel":"C1","channel_type":"channel","user":"U1","text":"Où est le VPN ?","ts":"1768469400.000300","event_ts":"1768469400.000300",
			"blocks":[{"type":"section","text":{"type":"mrkdwn","text":42}}]}`)
		resp := fakeslack.PostEvent(t, run.url+bot.EventsPath, testSecret, fakeslack.EventCallback(fakeslack.TeamID, "EvBlock", inner))
		if resp.StatusCode != http.StatusOK {
			t.Fatalf("status %d, want 200", resp.StatusCode)
		}
		in := run.rec.next(t)
		msg, ok := in.Event.InnerEvent.Data.(*slackevents.MessageEvent)
		if !ok {
			t.Fatalf("inner event %T, want *slackevents.MessageEvent read from its text", in.Event.InnerEvent.Data)
		}
		if diff := cmp.Diff([]string{in.Key, msg.Text, msg.User}, []string{"EvBlock", "Où est le VPN ?", "U1"}); diff != "" {
			t.Errorf("message (-got +want):\n%s", diff)
		}
	})

	t.Run("app_rate_limited", func(t *testing.T) {
		resp := fakeslack.PostEvent(t, run.url+bot.EventsPath, testSecret,
			[]byte(`{"token":"x","type":"app_rate_limited","team_id":"T0FAKE","minute_rate_limited":1518467820,"api_app_id":"A0FAKE"}`))
		if resp.StatusCode != http.StatusOK {
			t.Errorf("status %d, want 200", resp.StatusCode)
		}
		run.rec.none(t)
	})
}

// TestHTTPStoreFailureAsksSlackToRetry checks that an event the store
// cannot record (disk full) is answered 503, so Slack sends it again, and
// that the retry, once the store takes writes, is handled.
func TestHTTPStoreFailureAsksSlackToRetry(t *testing.T) {
	run := mustServeHTTPTransport(t, bot.DispatchOptions{})
	general := fakeslack.Channel{ID: "C1", Name: "general"}
	ev := fakeslack.EventCallback(fakeslack.TeamID, "Ev1", fakeslack.MessageEvent(general, fakeslack.Message{TS: "1768469400.000100", User: "U1", Text: "hi"}))
	run.inbox.setFail(errors.New("database or disk is full"))
	resp := fakeslack.PostEvent(t, run.url+bot.EventsPath, testSecret, ev)
	if resp.StatusCode != http.StatusServiceUnavailable || resp.Header.Get("Retry-After") == "" {
		t.Errorf("status %d (Retry-After %q) with the disk full, want 503 with a Retry-After", resp.StatusCode, resp.Header.Get("Retry-After"))
	}
	run.rec.none(t)
	run.inbox.setFail(nil)
	resp = fakeslack.PostEvent(t, run.url+bot.EventsPath, testSecret, ev, fakeslack.Retry(1, "http_error"))
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("Slack's retry: status %d, want 200", resp.StatusCode)
	}
	if in := run.rec.next(t); in.Key != "Ev1" || in.Retry != 1 {
		t.Errorf("handled %s (retry %d), want Ev1 retry 1", in.Key, in.Retry)
	}
}
