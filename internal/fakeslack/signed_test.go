package fakeslack_test

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/slack-go/slack"
	"github.com/slack-go/slack/slackevents"

	"github.com/nextdesk/nextdesk/internal/fakeslack"
)

const signingSecret = "8f742231b10e8888abcd99yyyzzz85a5"

func TestSignMatchesSlackExample(t *testing.T) {
	// The worked example of Slack's "Verifying requests from Slack" guide.
	body := []byte("token=xyzz0WbapA4vBCDEFasx0q6G&team_id=T1DC2JH3J&team_domain=testteamnow&channel_id=G8PSS9T3V&channel_name=foobar&user_id=U2CERLKJA&user_name=roadrunner&command=%2Fwebhook-collect&text=&response_url=https%3A%2F%2Fhooks.slack.com%2Fcommands%2FT1DC2JH3J%2F397700885554%2F96rGlfmibIGlgcZRskXaIFfN&trigger_id=398738663015.47445629121.803a0bc887a14d10d2c447fce8b6703c")
	h := fakeslack.Sign(signingSecret, time.Unix(1531420618, 0), body)
	want := http.Header{
		"X-Slack-Request-Timestamp": {"1531420618"},
		"X-Slack-Signature":         {"v0=a2114d57b48eac39b9ad189dd8316235a7b4a8d21a10bd27519666489c69b503"},
	}
	if diff := cmp.Diff(h, want); diff != "" {
		t.Errorf("headers (-got +want):\n%s", diff)
	}
}

// app is an HTTP endpoint verifying requests the way LIBRARIES.md describes
// for the bot, and recording what it got.
type app struct {
	mu       sync.Mutex
	retries  []string
	commands []slack.SlashCommand
	actions  []slack.InteractionCallback
	events   []string
}

func (a *app) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	body, _ := io.ReadAll(r.Body)
	sv, err := slack.NewSecretsVerifier(r.Header, signingSecret)
	if err == nil {
		_, _ = sv.Write(body)
		err = sv.Ensure()
	}
	if err != nil {
		http.Error(w, err.Error(), http.StatusUnauthorized)
		return
	}
	a.mu.Lock()
	defer a.mu.Unlock()
	a.retries = append(a.retries, r.Header.Get("X-Slack-Retry-Num")+"/"+r.Header.Get("X-Slack-Retry-Reason"))
	r.Body = io.NopCloser(bytes.NewReader(body))
	switch r.URL.Path {
	case "/events":
		ev, err := slackevents.ParseEvent(body, slackevents.OptionNoVerifyToken())
		if err != nil {
			http.Error(w, err.Error(), http.StatusBadRequest)
			return
		}
		if v, ok := ev.Data.(*slackevents.EventsAPIURLVerificationEvent); ok {
			_, _ = io.WriteString(w, v.Challenge)
			return
		}
		a.events = append(a.events, ev.InnerEvent.Type)
	case "/commands":
		cmd, err := slack.SlashCommandParse(r)
		if err != nil {
			http.Error(w, err.Error(), http.StatusBadRequest)
			return
		}
		a.commands = append(a.commands, cmd)
	case "/interactions":
		cb, err := slack.InteractionCallbackParse(r)
		if err != nil {
			http.Error(w, err.Error(), http.StatusBadRequest)
			return
		}
		a.actions = append(a.actions, cb)
	}
}

func mustOpenApp(tb testing.TB) (*app, string) {
	tb.Helper()
	a := &app{}
	s := httptest.NewServer(a)
	tb.Cleanup(s.Close)
	return a, s.URL
}

func TestPostEventVerifiesAndRetries(t *testing.T) {
	a, url := mustOpenApp(t)
	msg := fakeslack.MessageEvent(general, fakeslack.Message{TS: "1768469400.000100", User: "U1", Text: "Bonjour"})
	body := fakeslack.EventCallback(fakeslack.TeamID, "Ev1", msg)

	if resp := fakeslack.PostEvent(t, url+"/events", signingSecret, body); resp.StatusCode != http.StatusOK {
		t.Fatalf("PostEvent: %s", resp.Status)
	}
	if resp := fakeslack.PostEvent(t, url+"/events", signingSecret, body, fakeslack.Retry(1, "http_timeout")); resp.StatusCode != http.StatusOK {
		t.Fatalf("PostEvent retry: %s", resp.Status)
	}
	resp := fakeslack.PostEvent(t, url+"/events", signingSecret, fakeslack.URLVerification("chal-123"))
	if got, _ := io.ReadAll(resp.Body); string(got) != "chal-123" {
		t.Errorf("url_verification answer = %q, want the challenge", got)
	}
	if diff := cmp.Diff(a.retries, []string{"/", "1/http_timeout", "/"}); diff != "" {
		t.Errorf("retry headers seen by the app (-got +want):\n%s", diff)
	}
	if diff := cmp.Diff(a.events, []string{"message", "message"}); diff != "" {
		t.Errorf("events seen by the app (-got +want):\n%s", diff)
	}

	for _, tt := range []struct {
		name   string
		secret string
		opts   []fakeslack.PostOption
	}{
		{"stale", signingSecret, []fakeslack.PostOption{fakeslack.SignedAt(time.Now().Add(-10 * time.Minute))}},
		{"wrong secret", "not-the-secret", nil},
	} {
		if resp := fakeslack.PostEvent(t, url+"/events", tt.secret, body, tt.opts...); resp.StatusCode != http.StatusUnauthorized {
			t.Errorf("%s signature: the app answered %s, want 401", tt.name, resp.Status)
		}
	}
}

func TestSlashCommandAndInteractionOverHTTP(t *testing.T) {
	srv, api := mustOpenWorkspace(t)
	a, url := mustOpenApp(t)

	form := srv.SlashCommandForm(fakeslack.SlashCommand{Command: "/ask", Text: "Où est la doc RH ?", UserID: "U2", ChannelID: "C4"})
	if resp := fakeslack.PostSlashCommand(t, url+"/commands", signingSecret, form); resp.StatusCode != http.StatusOK {
		t.Fatalf("PostSlashCommand: %s", resp.Status)
	}
	cmd := a.commands[0]
	got := []string{cmd.Command, cmd.Text, cmd.UserID, cmd.UserName, cmd.ChannelID, cmd.ChannelName, cmd.TeamDomain, cmd.APIAppID}
	if diff := cmp.Diff(got, []string{"/ask", "Où est la doc RH ?", "U2", "bob", "C4", "team-paris", fakeslack.TeamDomain, fakeslack.AppID}); diff != "" {
		t.Errorf("slash command as parsed by the app (-got +want):\n%s", diff)
	}
	if !strings.HasPrefix(cmd.ResponseURL, strings.TrimSuffix(srv.URL(), "/api/")+"/response/") || cmd.TriggerID == "" {
		t.Errorf("response_url %q, trigger_id %q: want a response URL of the fake and a trigger", cmd.ResponseURL, cmd.TriggerID)
	}

	_, ts, err := api.PostMessage("C4", slack.MsgOptionText("Question", false))
	if err != nil {
		t.Fatalf("PostMessage: %v", err)
	}
	payload := srv.BlockActionsPayload(fakeslack.BlockActions{User: "U1", Channel: "C4", MessageTS: ts,
		Actions: []fakeslack.Action{{ActionID: "not_me", BlockID: "route", Value: "q7"}}})
	if resp := fakeslack.PostInteraction(t, url+"/interactions", signingSecret, payload); resp.StatusCode != http.StatusOK {
		t.Fatalf("PostInteraction: %s", resp.Status)
	}
	cb := a.actions[0]
	act := cb.ActionCallback.BlockActions[0]
	got = []string{string(cb.Type), cb.User.ID, cb.User.Name, cb.Channel.ID, cb.Container.MessageTs, cb.Message.Text, act.ActionID, act.Value}
	if diff := cmp.Diff(got, []string{"block_actions", "U1", "alice", "C4", ts, "Question", "not_me", "q7"}); diff != "" {
		t.Errorf("interaction as parsed by the app (-got +want):\n%s", diff)
	}

	if _, _, err := api.PostMessage("", slack.MsgOptionDeleteOriginal(cb.ResponseURL)); err != nil {
		t.Fatalf("delete_original: %v", err)
	}
	if msgs := srv.Messages("C4"); len(msgs) != 0 {
		t.Errorf("after delete_original the channel still has %+v", msgs)
	}
}

func TestResponseURLUses(t *testing.T) {
	srv, api := mustOpenWorkspace(t)
	url := srv.ResponseURL("r1")
	for i := range 5 {
		if _, _, err := api.PostMessage("", slack.MsgOptionResponseURL(url, slack.ResponseTypeEphemeral), slack.MsgOptionText("étape", false)); err != nil {
			t.Fatalf("use %d of the response_url: %v", i+1, err)
		}
	}
	_, _, err := api.PostMessage("", slack.MsgOptionResponseURL(url, slack.ResponseTypeEphemeral), slack.MsgOptionText("de trop", false))
	var sc slack.StatusCodeError
	if !errors.As(err, &sc) || sc.Code != http.StatusNotFound {
		t.Errorf("sixth use of a response_url: %v, want a 404 as Slack allows five", err)
	}
	got := srv.Responses(url)
	if len(got) != 5 || got[0].ResponseType != "ephemeral" || got[0].Text != "étape" {
		t.Errorf("responses = %+v, want five ephemeral steps", got)
	}
	var body map[string]any
	if err := json.Unmarshal(got[0].Body, &body); err != nil || body["text"] != "étape" {
		t.Errorf("raw body %s (%v), want the JSON slack-go posted", got[0].Body, err)
	}
	if n := len(srv.Messages("C1")); n != 0 {
		t.Errorf("ephemeral responses were stored in a channel")
	}
}
