package fakeslack_test

import (
	"context"
	"encoding/json"
	"io"
	"log"
	"net/http"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/gorilla/websocket"
	"github.com/slack-go/slack"
	"github.com/slack-go/slack/slackevents"
	"github.com/slack-go/slack/socketmode"

	"github.com/nextdesk/nextdesk/internal/fakeslack"
)

// wait bounds every wait of these tests; they normally take milliseconds.
const wait = 10 * time.Second

// socketRun is a real slack-go Socket Mode client running against a fake.
type socketRun struct {
	client *socketmode.Client
	api    *slack.Client
	events chan socketmode.Event
}

// mustRunSocketClient starts a socketmode.Client on srv and stops it at
// cleanup. Its events are forwarded to run.events for the test to read.
func mustRunSocketClient(tb testing.TB, srv *fakeslack.Server) *socketRun {
	tb.Helper()
	api := client(srv, fakeslack.BotToken)
	run := &socketRun{
		client: socketmode.New(api, socketmode.OptionLog(log.New(io.Discard, "", 0))),
		api:    api,
		events: make(chan socketmode.Event, 100),
	}
	ctx, cancel := context.WithCancel(context.Background())
	stopped := make(chan struct{})
	go func() {
		defer close(stopped)
		_ = run.client.RunContext(ctx)
	}()
	drained := make(chan struct{})
	go func() {
		defer close(drained)
		for {
			select {
			case e := <-run.client.Events:
				select {
				case run.events <- e:
				default:
					tb.Errorf("socket client: event %s dropped, the test does not read them", e.Type)
				}
			case <-stopped:
				return
			}
		}
	}()
	tb.Cleanup(func() {
		cancel()
		<-stopped
		<-drained
	})
	return run
}

// next returns the next event of type typ, skipping the client's own
// connection events (including the read error it reports when it hangs up
// after a disconnect request), and fails the test after a while.
func (r *socketRun) next(tb testing.TB, typ socketmode.EventType) socketmode.Event {
	tb.Helper()
	timeout := time.After(wait)
	for {
		select {
		case e := <-r.events:
			switch e.Type {
			case typ:
				return e
			case socketmode.EventTypeConnecting, socketmode.EventTypeConnected, socketmode.EventTypeConnectionError, socketmode.EventTypeIncomingError:
				continue
			}
			tb.Fatalf("socket client: got a %s event while waiting for %s", e.Type, typ)
		case <-timeout:
			tb.Fatalf("socket client: no %s event after %v", typ, wait)
		}
	}
}

func TestSocketModeEventAckReconnectRedeliver(t *testing.T) {
	srv, _ := mustOpenWorkspace(t)
	run := mustRunSocketClient(t, srv)
	hello := run.next(t, socketmode.EventTypeHello)
	if hello.Request.ConnectionInfo.AppID != fakeslack.AppID || hello.Request.NumConnections != 1 {
		t.Errorf("hello = %+v, want app %s and 1 connection", hello.Request, fakeslack.AppID)
	}

	msg := fakeslack.Message{TS: "1768469400.000100", User: "U1", Text: "Qui gère la paie ?"}
	id := srv.SendEvent(t, fakeslack.EventCallback(fakeslack.TeamID, "Ev0001", fakeslack.MessageEvent(general, msg)))
	e := run.next(t, socketmode.EventTypeEventsAPI)
	if e.Request.EnvelopeID != id || e.Request.RetryAttempt != 0 {
		t.Errorf("envelope %q attempt %d, want %q attempt 0", e.Request.EnvelopeID, e.Request.RetryAttempt, id)
	}
	outer := e.Data.(slackevents.EventsAPIEvent)
	inner, ok := outer.InnerEvent.Data.(*slackevents.MessageEvent)
	if !ok {
		t.Fatalf("inner event is %T, want *slackevents.MessageEvent", outer.InnerEvent.Data)
	}
	got := []string{inner.Channel, inner.ChannelType, inner.User, inner.Text, inner.TimeStamp, outer.Data.(*slackevents.EventsAPICallbackEvent).EventID}
	if diff := cmp.Diff(got, []string{"C1", "channel", "U1", msg.Text, msg.TS, "Ev0001"}); diff != "" {
		t.Errorf("message event (-got +want):\n%s", diff)
	}
	if srv.Acked(id) {
		t.Errorf("envelope acked before the client acked it")
	}
	if err := run.client.Ack(*e.Request); err != nil {
		t.Fatalf("Ack: %v", err)
	}
	if ack := srv.WaitAck(t, id, wait); ack.Payload != nil {
		t.Errorf("ack payload = %s, want none", ack.Payload)
	}

	srv.Disconnect()
	srv.WaitConnections(t, 2, wait)
	run.next(t, socketmode.EventTypeHello)
	if n := srv.Connections(); n != 2 {
		t.Errorf("Connections() = %d after one reconnection, want 2", n)
	}
	if n := len(srv.CallsTo("apps.connections.open")); n != 2 {
		t.Errorf("apps.connections.open called %d times, want 2 (one per connection)", n)
	}

	again := srv.Redeliver(t, id)
	e = run.next(t, socketmode.EventTypeEventsAPI)
	redelivered := e.Data.(slackevents.EventsAPIEvent).Data.(*slackevents.EventsAPICallbackEvent)
	if e.Request.EnvelopeID != again || again == id || e.Request.RetryAttempt != 1 || e.Request.RetryReason != "timeout" || redelivered.EventID != "Ev0001" {
		t.Errorf("redelivery = envelope %q (first %q), attempt %d, reason %q, event %q; want a new envelope, attempt 1, timeout, Ev0001",
			e.Request.EnvelopeID, id, e.Request.RetryAttempt, e.Request.RetryReason, redelivered.EventID)
	}
}

func TestEnvelopesWaitForAConnection(t *testing.T) {
	srv, _ := mustOpenWorkspace(t)
	_, ids := srv.UserPosts(t, "C1", fakeslack.Message{User: "U1", Text: "<@U0BOT> qui connaît Terraform ?"})
	if len(ids) != 2 {
		t.Fatalf("UserPosts with a mention sent %d envelopes, want 2 (message and app_mention)", len(ids))
	}
	run := mustRunSocketClient(t, srv)
	run.next(t, socketmode.EventTypeHello)
	var types []string
	for _, id := range ids {
		e := run.next(t, socketmode.EventTypeEventsAPI)
		if e.Request.EnvelopeID != id {
			t.Errorf("envelope %q arrived, want %q (in order)", e.Request.EnvelopeID, id)
		}
		types = append(types, e.Data.(slackevents.EventsAPIEvent).InnerEvent.Type)
	}
	if diff := cmp.Diff(types, []string{"message", "app_mention"}); diff != "" {
		t.Errorf("event types (-got +want):\n%s", diff)
	}
}

// TestNoAppMentionInADirectMessage: Slack dispatches no app_mention for a
// direct message, even one that mentions the bot.
func TestNoAppMentionInADirectMessage(t *testing.T) {
	srv, _ := mustOpenWorkspace(t)
	srv.AddChannel(fakeslack.Channel{ID: "D1", IM: true, Members: []string{fakeslack.BotUserID, "U1"}})
	_, ids := srv.UserPosts(t, "D1", fakeslack.Message{User: "U1", Text: "<@U0BOT> qui connaît Terraform ?"})
	if len(ids) != 1 {
		t.Errorf("UserPosts with a mention in a DM sent %d envelopes, want 1 (the message)", len(ids))
	}
}

func TestSlashCommandOverSocketMode(t *testing.T) {
	srv, _ := mustOpenWorkspace(t)
	run := mustRunSocketClient(t, srv)
	run.next(t, socketmode.EventTypeHello)

	id := srv.SendSlashCommand(t, fakeslack.SlashCommand{Command: "/ask", Text: "Comment poser un congé ?", UserID: "U1", ChannelID: "C1"})
	e := run.next(t, socketmode.EventTypeSlashCommand)
	cmd := e.Data.(slack.SlashCommand)
	got := []string{cmd.Command, cmd.Text, cmd.UserID, cmd.UserName, cmd.ChannelID, cmd.ChannelName, cmd.TeamID, cmd.ResponseURL}
	want := []string{"/ask", "Comment poser un congé ?", "U1", "alice", "C1", "general", fakeslack.TeamID, srv.ResponseURL(id)}
	if diff := cmp.Diff(got, want); diff != "" {
		t.Errorf("slash command (-got +want):\n%s", diff)
	}
	if !e.Request.AcceptsResponsePayload {
		t.Errorf("slash command envelope does not accept a response payload")
	}
	if err := run.client.Ack(*e.Request, map[string]any{"text": "Je cherche…"}); err != nil {
		t.Fatalf("Ack: %v", err)
	}
	if diff := cmp.Diff(string(srv.WaitAck(t, id, wait).Payload), `{"text":"Je cherche…"}`); diff != "" {
		t.Errorf("ack payload (-got +want):\n%s", diff)
	}

	_, _, err := run.api.PostMessage("", slack.MsgOptionResponseURL(cmd.ResponseURL, slack.ResponseTypeInChannel), slack.MsgOptionText("Demande à <@U3>.", false))
	if err != nil {
		t.Fatalf("post to the response_url: %v", err)
	}
	resp := srv.WaitResponses(t, cmd.ResponseURL, 1, wait)
	if resp[0].Text != "Demande à <@U3>." || resp[0].ResponseType != "in_channel" {
		t.Errorf("response = %+v, want the in_channel text", resp[0])
	}
	if msgs := srv.Messages("C1"); len(msgs) != 1 || msgs[0].Text != "Demande à <@U3>." || msgs[0].BotID != fakeslack.BotID {
		t.Errorf("channel after an in_channel response = %+v, want the bot's message", msgs)
	}
}

func TestBlockActionsOverSocketMode(t *testing.T) {
	srv, _ := mustOpenWorkspace(t)
	run := mustRunSocketClient(t, srv)
	run.next(t, socketmode.EventTypeHello)
	ch, _, _, err := run.api.OpenConversation(&slack.OpenConversationParameters{Users: []string{"U3"}})
	if err != nil {
		t.Fatalf("OpenConversation: %v", err)
	}
	take := slack.NewButtonBlockElement("take", "q42", slack.NewTextBlockObject("plain_text", "Je prends", false, false))
	_, ts, err := run.api.PostMessage(ch.ID, slack.MsgOptionText("Alice demande : VPN ?", false),
		slack.MsgOptionBlocks(slack.NewActionBlock("route", take)))
	if err != nil {
		t.Fatalf("PostMessage: %v", err)
	}

	id := srv.SendInteraction(t, fakeslack.BlockActions{User: "U3", Channel: ch.ID, MessageTS: ts,
		Actions: []fakeslack.Action{{ActionID: "take", BlockID: "route", Value: "q42", Text: "Je prends"}}})
	e := run.next(t, socketmode.EventTypeInteractive)
	cb := e.Data.(slack.InteractionCallback)
	if len(cb.ActionCallback.BlockActions) != 1 {
		t.Fatalf("got %d block actions, want 1", len(cb.ActionCallback.BlockActions))
	}
	a := cb.ActionCallback.BlockActions[0]
	got := []string{string(cb.Type), cb.User.ID, cb.Channel.ID, cb.Message.Timestamp, cb.Message.Text, a.ActionID, a.BlockID, a.Value, cb.ResponseURL}
	want := []string{"block_actions", "U3", ch.ID, ts, "Alice demande : VPN ?", "take", "route", "q42", srv.ResponseURL(id)}
	if diff := cmp.Diff(got, want); diff != "" {
		t.Errorf("block_actions (-got +want):\n%s", diff)
	}
	if err := run.client.Ack(*e.Request); err != nil {
		t.Fatalf("Ack: %v", err)
	}
	srv.WaitAck(t, id, wait)

	if _, _, err := run.api.PostMessage("", slack.MsgOptionReplaceOriginal(cb.ResponseURL), slack.MsgOptionText("Pris par <@U3>", false)); err != nil {
		t.Fatalf("replace_original: %v", err)
	}
	msgs := srv.Messages(ch.ID)
	if len(msgs) != 1 || msgs[0].Text != "Pris par <@U3>" || msgs[0].Blocks != nil {
		t.Errorf("DM after replace_original = %+v, want the new text without the button", msgs)
	}
}

func TestBotMessageEvents(t *testing.T) {
	srv, api := mustOpenWorkspace(t, fakeslack.WithBotMessageEvents())
	run := mustRunSocketClient(t, srv)
	run.next(t, socketmode.EventTypeHello)
	if _, _, err := api.PostMessage("C1", slack.MsgOptionText("Bonjour <@U0BOT>", false)); err != nil {
		t.Fatalf("PostMessage: %v", err)
	}
	e := run.next(t, socketmode.EventTypeEventsAPI)
	inner := e.Data.(slackevents.EventsAPIEvent).InnerEvent
	msg, ok := inner.Data.(*slackevents.MessageEvent)
	if !ok || msg.BotID != fakeslack.BotID || msg.User != fakeslack.BotUserID {
		t.Errorf("echo of the bot's own message = %s %+v, want a message event with its bot_id", inner.Type, inner.Data)
	}
}

func TestSocketPingsAndOneTimeURLs(t *testing.T) {
	srv := fakeslack.New(t, fakeslack.WithPingInterval(20*time.Millisecond))
	api := client(srv, fakeslack.BotToken)
	_, url, err := api.StartSocketModeContext(context.Background())
	if err != nil {
		t.Fatalf("apps.connections.open: %v", err)
	}
	conn, _, err := websocket.DefaultDialer.Dial(url, nil)
	if err != nil {
		t.Fatalf("dial %s: %v", url, err)
	}
	defer conn.Close()
	pings := make(chan struct{}, 10)
	conn.SetPingHandler(func(string) error {
		select {
		case pings <- struct{}{}:
		default:
		}
		return nil
	})
	go func() {
		for {
			if _, _, err := conn.ReadMessage(); err != nil {
				return
			}
		}
	}()
	for i := range 2 {
		select {
		case <-pings:
		case <-time.After(wait):
			t.Fatalf("ping %d never came", i+1)
		}
	}

	_, resp, err := websocket.DefaultDialer.Dial(url, nil)
	if err == nil || resp == nil || resp.StatusCode != http.StatusUnauthorized {
		t.Errorf("reusing a socket URL: %v (response %v), want 401", err, resp)
	}
	if _, _, err := client(srv, fakeslack.BotToken, slack.OptionAppLevelToken(fakeslack.BotToken)).StartSocketModeContext(context.Background()); slackError(err) != "not_allowed_token_type" {
		t.Errorf("apps.connections.open with the bot token: %v, want not_allowed_token_type", err)
	}
}

func TestEnvelopeRecord(t *testing.T) {
	srv, _ := mustOpenWorkspace(t)
	payload := json.RawMessage(`{"type":"event_callback","event_id":"Ev9","event":{"type":"app_home_opened","user":"U1"}}`)
	id := srv.SendEvent(t, payload)
	got, ok := srv.Envelope(id)
	want := fakeslack.Envelope{ID: id, Type: "events_api", Payload: payload}
	if diff := cmp.Diff(got, want); !ok || diff != "" {
		t.Errorf("Envelope(%s) = %v (-got +want):\n%s", id, ok, diff)
	}
	if _, ok := srv.Envelope("nope"); ok {
		t.Errorf("Envelope of an unknown id reported found")
	}
}
