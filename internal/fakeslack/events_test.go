package fakeslack_test

import (
	"encoding/json"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/slack-go/slack"
	"github.com/slack-go/slack/slackevents"

	"github.com/nextdesk/nextdesk/internal/fakeslack"
)

// parse decodes an Events API body as a bot would.
func parse(t *testing.T, body json.RawMessage) slackevents.EventsAPIEvent {
	t.Helper()
	ev, err := slackevents.ParseEvent(body, slackevents.OptionNoVerifyToken())
	if err != nil {
		t.Fatalf("slackevents.ParseEvent: %v\n%s", err, body)
	}
	return ev
}

func TestEventBuildersParse(t *testing.T) {
	q := fakeslack.Message{TS: "1768469400.000100", User: "U1", Text: "<@U0BOT> qui connaît Kafka ?"}
	reply := fakeslack.Message{TS: "1768469500.000200", User: "U3", Text: "moi", ThreadTS: q.TS}
	edited := q
	edited.Text = "<@U0BOT> qui connaît Kafka Streams ?"
	dm := fakeslack.Channel{ID: "D1", IM: true, Members: []string{fakeslack.BotUserID, "U1"}}

	tests := []struct {
		name string
		body json.RawMessage
		// view extracts what a bot reads from the parsed inner event.
		view func(any) []string
		want []string
	}{
		{
			name: "message in a channel",
			body: fakeslack.MessageEvent(general, q),
			view: func(d any) []string {
				m := d.(*slackevents.MessageEvent)
				return []string{m.Channel, m.ChannelType, m.User, m.Text, m.TimeStamp, m.ThreadTimeStamp, m.SubType}
			},
			want: []string{"C1", "channel", "U1", q.Text, q.TS, "", ""},
		},
		{
			name: "thread reply in a private channel",
			body: fakeslack.MessageEvent(team, reply),
			view: func(d any) []string {
				m := d.(*slackevents.MessageEvent)
				return []string{m.Channel, m.ChannelType, m.User, m.ThreadTimeStamp}
			},
			want: []string{"C4", "group", "U3", q.TS},
		},
		{
			name: "direct message",
			body: fakeslack.MessageEvent(dm, q),
			view: func(d any) []string {
				m := d.(*slackevents.MessageEvent)
				return []string{m.ChannelType, boolString(m.IsIM())}
			},
			want: []string{"im", "true"},
		},
		{
			name: "mention",
			body: fakeslack.AppMentionEvent(general, q),
			view: func(d any) []string {
				m := d.(*slackevents.AppMentionEvent)
				return []string{m.Channel, m.User, m.Text, m.TimeStamp}
			},
			want: []string{"C1", "U1", q.Text, q.TS},
		},
		{
			name: "edit",
			body: fakeslack.MessageChangedEvent(general, q, edited, "1768469600.000300"),
			view: func(d any) []string {
				m := d.(*slackevents.MessageEvent)
				return []string{m.SubType, m.Message.Text, m.Message.Timestamp, m.Message.Edited.Timestamp, m.PreviousMessage.Text}
			},
			want: []string{"message_changed", edited.Text, q.TS, "1768469600.000300", q.Text},
		},
		{
			name: "delete",
			body: fakeslack.MessageDeletedEvent(general, q, "1768469600.000300"),
			view: func(d any) []string {
				m := d.(*slackevents.MessageEvent)
				return []string{m.SubType, m.DeletedTimeStamp, m.PreviousMessage.Text}
			},
			want: []string{"message_deleted", q.TS, q.Text},
		},
		{
			name: "reaction",
			body: fakeslack.ReactionAddedEvent(general, reply, "U1", "white_check_mark", "1768469700.000400"),
			view: func(d any) []string {
				r := d.(*slackevents.ReactionAddedEvent)
				return []string{r.User, r.Reaction, r.ItemUser, r.Item.Channel, r.Item.Timestamp, r.EventTimestamp}
			},
			want: []string{"U1", "white_check_mark", "U3", "C1", reply.TS, "1768469700.000400"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ev := parse(t, fakeslack.EventCallback(fakeslack.TeamID, "Ev1", tt.body))
			outer := ev.Data.(*slackevents.EventsAPICallbackEvent)
			if outer.EventID != "Ev1" || outer.TeamID != fakeslack.TeamID || outer.APIAppID != fakeslack.AppID {
				t.Errorf("outer event = %+v", outer)
			}
			if diff := cmp.Diff(tt.view(ev.InnerEvent.Data), tt.want); diff != "" {
				t.Errorf("inner event (-got +want):\n%s", diff)
			}
		})
	}
}

func boolString(b bool) string {
	if b {
		return "true"
	}
	return "false"
}

func TestMessageEventRichText(t *testing.T) {
	ev := parse(t, fakeslack.EventCallback(fakeslack.TeamID, "Ev1",
		fakeslack.MessageEvent(general, fakeslack.Message{TS: "1768469400.000100", User: "U1", Text: "Salut <@U3>, une question"})))
	m := ev.InnerEvent.Data.(*slackevents.MessageEvent)
	if len(m.Blocks.BlockSet) != 1 {
		t.Fatalf("got %d blocks, want the one rich_text block Slack adds", len(m.Blocks.BlockSet))
	}
	rt, ok := m.Blocks.BlockSet[0].(*slack.RichTextBlock)
	if !ok || len(rt.Elements) != 1 {
		t.Fatalf("block = %#v, want a rich_text block with one section", m.Blocks.BlockSet[0])
	}
	var got []string
	for _, e := range rt.Elements[0].(*slack.RichTextSection).Elements {
		switch e := e.(type) {
		case *slack.RichTextSectionTextElement:
			got = append(got, "text:"+e.Text)
		case *slack.RichTextSectionUserElement:
			got = append(got, "user:"+e.UserID)
		}
	}
	if diff := cmp.Diff(got, []string{"text:Salut ", "user:U3", "text:, une question"}); diff != "" {
		t.Errorf("rich text (-got +want):\n%s", diff)
	}
}

func TestURLVerification(t *testing.T) {
	ev := parse(t, fakeslack.URLVerification("3eZbrw1aBm2rZgRNFdxV2595E9CY3gmdALWMmHkvFXO7tYXAYM8P"))
	v, ok := ev.Data.(*slackevents.EventsAPIURLVerificationEvent)
	if !ok || v.Challenge != "3eZbrw1aBm2rZgRNFdxV2595E9CY3gmdALWMmHkvFXO7tYXAYM8P" {
		t.Errorf("url_verification parsed as %#v", ev.Data)
	}
}

// envelopeEvent decodes the Events API payload of a sent envelope.
func envelopeEvent(t *testing.T, srv *fakeslack.Server, id string) slackevents.EventsAPIEvent {
	t.Helper()
	e, ok := srv.Envelope(id)
	if !ok {
		t.Fatalf("no envelope %s", id)
	}
	return parse(t, e.Payload)
}

func TestUserActionsStoreAndNotify(t *testing.T) {
	srv, _ := mustOpenWorkspace(t)
	q, ids := srv.UserPosts(t, "C4", fakeslack.Message{User: "U1", Text: "Qui a accès à la prod ?"})
	if len(ids) != 1 || envelopeEvent(t, srv, ids[0]).InnerEvent.Type != "message" {
		t.Fatalf("UserPosts without a mention sent %v, want one message event", ids)
	}
	a, _ := srv.UserPosts(t, "C4", fakeslack.Message{User: "U3", Text: "moi", ThreadTS: q.TS})

	ids = srv.UserEdits(t, "C4", a.TS, "moi, et Bob")
	edit := envelopeEvent(t, srv, ids[0]).InnerEvent.Data.(*slackevents.MessageEvent)
	if edit.SubType != "message_changed" || edit.Message.Text != "moi, et Bob" || edit.PreviousMessage.Text != "moi" {
		t.Errorf("edit event = %s %q (was %q)", edit.SubType, edit.Message.Text, edit.PreviousMessage.Text)
	}

	ids = srv.UserReacts(t, "U1", "C4", a.TS, "white_check_mark")
	react := envelopeEvent(t, srv, ids[0]).InnerEvent.Data.(*slackevents.ReactionAddedEvent)
	if react.Reaction != "white_check_mark" || react.ItemUser != "U3" || react.Item.Timestamp != a.TS {
		t.Errorf("reaction event = %+v", react)
	}

	ids = srv.UserDeletes(t, "C4", q.TS)
	del := envelopeEvent(t, srv, ids[0]).InnerEvent.Data.(*slackevents.MessageEvent)
	if del.SubType != "message_deleted" || del.DeletedTimeStamp != q.TS {
		t.Errorf("delete event = %s of %q", del.SubType, del.DeletedTimeStamp)
	}

	want := []fakeslack.Message{
		{TS: q.TS, User: "USLACKBOT", Text: "This message was deleted.", SubType: "tombstone"},
		{TS: a.TS, User: "U3", Text: "moi, et Bob", ThreadTS: q.TS, Edited: srv.Messages("C4")[1].Edited,
			Reactions: []fakeslack.Reaction{{Name: "white_check_mark", Users: []string{"U1"}}}},
	}
	if diff := cmp.Diff(srv.Messages("C4"), want); diff != "" {
		t.Errorf("stored thread (-got +want):\n%s", diff)
	}
	if srv.Messages("C4")[1].Edited == "" {
		t.Errorf("the edited reply has no edit ts")
	}

	// Slack sends nothing about conversations the bot is not in.
	if _, ids := srv.UserPosts(t, "C3", fakeslack.Message{User: "U1", Text: "<@U0BOT> secret"}); len(ids) != 0 {
		t.Errorf("UserPosts in a channel without the bot sent %d envelopes", len(ids))
	}
}
