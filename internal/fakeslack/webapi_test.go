package fakeslack_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
	"github.com/slack-go/slack"

	"github.com/nextdesk/nextdesk/internal/fakeslack"
)

func TestPostMessageThenReplies(t *testing.T) {
	srv, api := mustOpenWorkspace(t)
	question := srv.AddMessage("C1", fakeslack.Message{User: "U1", Text: "Comment configurer le VPN ?"})

	channel, ts, err := api.PostMessage("C1",
		slack.MsgOptionText("J'ai demandé à <@U3>.", false),
		slack.MsgOptionTS(question.TS))
	if err != nil {
		t.Fatalf("PostMessage: %v", err)
	}
	if channel != "C1" || ts == "" {
		t.Fatalf("PostMessage = %q, %q; want C1 and a ts", channel, ts)
	}
	answer := srv.AddMessage("C1", fakeslack.Message{User: "U3", Text: "Lance vpn-setup.sh", ThreadTS: question.TS})

	msgs, hasMore, _, err := api.GetConversationReplies(&slack.GetConversationRepliesParameters{ChannelID: "C1", Timestamp: question.TS})
	if err != nil {
		t.Fatalf("GetConversationReplies: %v", err)
	}
	type got struct{ User, BotID, Text, TS, ThreadTS string }
	var gotMsgs []got
	for _, m := range msgs {
		gotMsgs = append(gotMsgs, got{m.User, m.BotID, m.Text, m.Timestamp, m.ThreadTimestamp})
	}
	want := []got{
		{"U1", "", "Comment configurer le VPN ?", question.TS, question.TS},
		{fakeslack.BotUserID, fakeslack.BotID, "J'ai demandé à <@U3>.", ts, question.TS},
		{"U3", "", "Lance vpn-setup.sh", answer.TS, question.TS},
	}
	if diff := cmp.Diff(gotMsgs, want); diff != "" {
		t.Errorf("replies (-got +want):\n%s", diff)
	}
	if hasMore {
		t.Errorf("hasMore = true for a 3-message thread")
	}
	parent := msgs[0]
	if parent.ReplyCount != 2 || parent.LatestReply != answer.TS || !cmp.Equal(parent.ReplyUsers, []string{fakeslack.BotUserID, "U3"}) {
		t.Errorf("parent thread metadata = count %d, latest %q, users %v; want 2, %q, [%s U3]",
			parent.ReplyCount, parent.LatestReply, parent.ReplyUsers, answer.TS, fakeslack.BotUserID)
	}

	hist, err := api.GetConversationHistory(&slack.GetConversationHistoryParameters{ChannelID: "C1"})
	if err != nil {
		t.Fatalf("GetConversationHistory: %v", err)
	}
	if len(hist.Messages) != 1 || hist.Messages[0].Timestamp != question.TS {
		t.Errorf("history = %d messages, want only the top-level question", len(hist.Messages))
	}
	if diff := cmp.Diff(srv.Messages("C1")[1].Text, "J'ai demandé à <@U3>."); diff != "" {
		t.Errorf("stored bot reply (-got +want):\n%s", diff)
	}
}

func TestPostMessageErrors(t *testing.T) {
	longText := strings.Repeat("é", 40001)
	tooLongSection := slack.NewSectionBlock(slack.NewTextBlockObject("mrkdwn", strings.Repeat("a", 3001), false, false), nil, nil)
	tests := []struct {
		name    string
		token   string
		channel string
		opts    []slack.MsgOption
		want    string
	}{
		{"ok", fakeslack.BotToken, "C1", []slack.MsgOption{slack.MsgOptionText("hi", false)}, ""},
		{"by name", fakeslack.BotToken, "#general", []slack.MsgOption{slack.MsgOptionText("hi", false)}, ""},
		{"to a user opens the DM", fakeslack.BotToken, "U1", []slack.MsgOption{slack.MsgOptionText("hi", false)}, ""},
		{"unknown channel", fakeslack.BotToken, "C999", []slack.MsgOption{slack.MsgOptionText("hi", false)}, "channel_not_found"},
		{"public channel without the bot", fakeslack.BotToken, "C2", []slack.MsgOption{slack.MsgOptionText("hi", false)}, "not_in_channel"},
		{"private channel without the bot", fakeslack.BotToken, "C3", []slack.MsgOption{slack.MsgOptionText("hi", false)}, "channel_not_found"},
		{"archived", fakeslack.BotToken, "C5", []slack.MsgOption{slack.MsgOptionText("hi", false)}, "is_archived"},
		{"no text", fakeslack.BotToken, "C1", nil, "no_text"},
		{"text too long", fakeslack.BotToken, "C1", []slack.MsgOption{slack.MsgOptionText(longText, false)}, "msg_too_long"},
		{"section too long", fakeslack.BotToken, "C1", []slack.MsgOption{slack.MsgOptionBlocks(tooLongSection)}, "invalid_blocks"},
		{"unknown thread", fakeslack.BotToken, "C1", []slack.MsgOption{slack.MsgOptionText("hi", false), slack.MsgOptionTS("1.000001")}, "thread_not_found"},
		{"wrong token", "xoxb-stolen", "C1", []slack.MsgOption{slack.MsgOptionText("hi", false)}, "invalid_auth"},
		{"no token", "", "C1", []slack.MsgOption{slack.MsgOptionText("hi", false)}, "not_authed"},
		{"app token", fakeslack.AppToken, "C1", []slack.MsgOption{slack.MsgOptionText("hi", false)}, "not_allowed_token_type"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv, _ := mustOpenWorkspace(t)
			_, _, err := client(srv, tt.token).PostMessage(tt.channel, tt.opts...)
			if diff := cmp.Diff(slackError(err), tt.want); diff != "" {
				t.Errorf("error (-got +want):\n%s", diff)
			}
			calls := srv.CallsTo("chat.postMessage")
			if len(calls) != 1 || calls[0].Error != tt.want {
				t.Errorf("recorded calls = %+v, want one with error %q", calls, tt.want)
			}
		})
	}
}

func TestInvalidBlocksDetail(t *testing.T) {
	srv, api := mustOpenWorkspace(t)
	_, _, err := api.PostMessage("C1", slack.MsgOptionBlocks(
		slack.NewHeaderBlock(slack.NewTextBlockObject("plain_text", strings.Repeat("Q", 151), false, false)),
	))
	var serr slack.SlackErrorResponse
	if !errors.As(err, &serr) {
		t.Fatalf("PostMessage error = %v, want a SlackErrorResponse", err)
	}
	var details []string
	for _, e := range serr.Errors {
		if e.Message != nil {
			details = append(details, *e.Message)
		}
	}
	want := []string{"must be less than 151 characters [json-pointer:/blocks/0/text/text]"}
	if diff := cmp.Diff(details, want); diff != "" {
		t.Errorf("invalid_blocks details (-got +want):\n%s", diff)
	}
	if len(srv.Messages("C1")) != 0 {
		t.Errorf("a refused message was stored")
	}
}

func TestCallsRecordDecodedParams(t *testing.T) {
	srv, api := mustOpenWorkspace(t)
	blocks := []slack.Block{slack.NewSectionBlock(slack.NewTextBlockObject("mrkdwn", "*Question*", false, false), nil, nil, slack.SectionBlockOptionBlockID("q"))}
	if _, _, err := api.PostMessage("C1", slack.MsgOptionText("Question", false), slack.MsgOptionBlocks(blocks...)); err != nil {
		t.Fatalf("PostMessage: %v", err)
	}
	wantBlocks, _ := json.Marshal(blocks)
	calls := srv.WaitFor(t, "chat.postMessage", 1, time.Second)
	want := fakeslack.Call{
		Method: "chat.postMessage",
		Params: map[string]string{"channel": "C1", "text": "Question", "blocks": string(wantBlocks)},
		Token:  fakeslack.BotToken,
		Status: http.StatusOK,
		Time:   jan15,
	}
	if diff := cmp.Diff(calls, []fakeslack.Call{want}); diff != "" {
		t.Errorf("calls (-got +want):\n%s", diff)
	}
	if diff := cmp.Diff(srv.Messages("C1")[0].Blocks, json.RawMessage(wantBlocks)); diff != "" {
		t.Errorf("stored blocks (-got +want):\n%s", diff)
	}
}

func TestGetUserInfo(t *testing.T) {
	_, api := mustOpenWorkspace(t)
	type view struct {
		Name, RealName, DisplayName, Email, Locale, TZ string
		TZOffset                                       int
		Bot, Deleted                                   bool
		StatusEmoji, StatusText                        string
	}
	tests := []struct {
		name    string
		user    string
		opts    []slack.GetUserInfoOption
		want    view
		wantErr string
	}{
		{name: "locale by default", user: "U1", want: view{"alice", "Alice Martin", "alice", "alice@fakecorp.example", "fr-FR", "Europe/Paris", 3600, false, false, ":palm_tree:", "En congés"}},
		{name: "without locale", user: "U1", opts: []slack.GetUserInfoOption{slack.GetUserInfoOptionIncludeLocale(false)},
			want: view{"alice", "Alice Martin", "alice", "alice@fakecorp.example", "", "Europe/Paris", 3600, false, false, ":palm_tree:", "En congés"}},
		{name: "new york in winter", user: "U2", want: view{Name: "bob", RealName: "Bob Smith", Locale: "en-US", TZ: "America/New_York", TZOffset: -5 * 3600}},
		{name: "bot", user: "U5", want: view{Name: "otherbot", Locale: "en-US", TZ: "UTC", Bot: true}},
		{name: "deleted", user: "U4", want: view{Name: "gone", RealName: "Former Employee", Locale: "en-US", Deleted: true}},
		{name: "unknown", user: "U999", wantErr: "user_not_found"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			u, err := api.GetUserInfo(tt.user, tt.opts...)
			if diff := cmp.Diff(slackError(err), tt.wantErr); diff != "" {
				t.Fatalf("error (-got +want):\n%s", diff)
			}
			if err != nil {
				return
			}
			got := view{u.Name, u.RealName, u.Profile.DisplayName, u.Profile.Email, u.Locale, u.TZ, u.TZOffset,
				u.IsBot, u.Deleted, u.Profile.StatusEmoji, u.Profile.StatusText}
			if diff := cmp.Diff(got, tt.want); diff != "" {
				t.Errorf("user (-got +want):\n%s", diff)
			}
		})
	}
}

func TestGetUsersInfoAndList(t *testing.T) {
	_, api := mustOpenWorkspace(t)
	users, err := api.GetUsersInfo("U1", "U3")
	if err != nil {
		t.Fatalf("GetUsersInfo: %v", err)
	}
	var ids []string
	for _, u := range *users {
		ids = append(ids, u.ID+":"+u.Locale)
	}
	if diff := cmp.Diff(ids, []string{"U1:fr-FR", "U3:en-US"}); diff != "" {
		t.Errorf("GetUsersInfo (-got +want):\n%s", diff)
	}

	all, err := api.GetUsersContext(context.Background(), slack.GetUsersOptionLimit(2))
	if err != nil {
		t.Fatalf("GetUsers: %v", err)
	}
	ids = nil
	for _, u := range all {
		ids = append(ids, u.ID)
	}
	if diff := cmp.Diff(ids, []string{fakeslack.BotUserID, "U1", "U2", "U3", "U4", "U5"}); diff != "" {
		t.Errorf("GetUsers over pages of 2 (-got +want):\n%s", diff)
	}
}

func TestOpenConversation(t *testing.T) {
	srv, api := mustOpenWorkspace(t)
	open := func(users ...string) (string, bool, error) {
		ch, _, already, err := api.OpenConversation(&slack.OpenConversationParameters{Users: users})
		if err != nil {
			return "", false, err
		}
		return ch.ID, already, nil
	}
	im, already, err := open("U1")
	if err != nil || already || !strings.HasPrefix(im, "D") {
		t.Fatalf("first open of U1 = %q, already open %v, %v; want a new D… id", im, already, err)
	}
	again, already, err := open("U1")
	if err != nil || again != im || !already {
		t.Errorf("second open of U1 = %q, already open %v, %v; want %q, true", again, already, err, im)
	}
	group, _, err := open("U3", "U1")
	if err != nil || !strings.HasPrefix(group, "G") {
		t.Fatalf("open of U3,U1 = %q, %v; want a G… id", group, err)
	}
	if same, _, _ := open("U1", "U3"); same != group {
		t.Errorf("open of U1,U3 = %q, want the same group DM %q whatever the order", same, group)
	}

	byID, _, already, err := api.OpenConversation(&slack.OpenConversationParameters{ChannelID: im})
	if err != nil || byID.ID != im || !already {
		t.Errorf("reopening %s by id = %+v, already open %v, %v", im, byID, already, err)
	}
	if _, _, _, err := api.OpenConversation(&slack.OpenConversationParameters{ChannelID: "C1"}); slackError(err) != "method_not_supported_for_channel_type" {
		t.Errorf("opening a channel: %v, want method_not_supported_for_channel_type", err)
	}

	info, err := api.GetConversationInfo(&slack.GetConversationInfoInput{ChannelID: im})
	if err != nil {
		t.Fatalf("GetConversationInfo(%s): %v", im, err)
	}
	if !info.IsIM || info.User != "U1" || info.IsPrivate {
		t.Errorf("IM info = is_im %v, user %q, is_private %v; want true, U1, false (as Slack reports DMs)", info.IsIM, info.User, info.IsPrivate)
	}
	ch, ok := srv.Channel(group)
	if !ok || !cmp.Equal(ch.Members, []string{fakeslack.BotUserID, "U1", "U3"}) || !ch.MPIM {
		t.Errorf("group DM as stored = %+v, want an MPIM of the bot, U1 and U3", ch)
	}

	for _, tt := range []struct {
		users []string
		want  string
	}{
		{[]string{"U999"}, "user_not_found"},
		{[]string{"U4"}, "user_disabled"},
		{[]string{"U5"}, "cannot_dm_bot"},
		{[]string{"U1", "U2", "U3", "U1", "U2", "U3", "U1", "U2", "U3"}, "too_many_users"},
	} {
		if _, _, err := open(tt.users...); slackError(err) != tt.want {
			t.Errorf("open %v: error %v, want %s", tt.users, err, tt.want)
		}
	}
}

func TestConversationInfo(t *testing.T) {
	_, api := mustOpenWorkspace(t)
	type view struct {
		Name                                string
		Private, IM, MPIM, Member, Archived bool
		NumMembers                          int
	}
	tests := []struct {
		id      string
		want    view
		wantErr string
	}{
		{id: "C1", want: view{Name: "general", Member: true, NumMembers: 4}},
		{id: "C2", want: view{Name: "random", NumMembers: 1}},
		{id: "C3", wantErr: "channel_not_found"}, // private, bot not in it
		{id: "C4", want: view{Name: "team-paris", Private: true, Member: true, NumMembers: 3}},
		{id: "C5", want: view{Name: "old", Member: true, Archived: true, NumMembers: 2}},
		{id: "C404", wantErr: "channel_not_found"},
	}
	for _, tt := range tests {
		t.Run(tt.id, func(t *testing.T) {
			ch, err := api.GetConversationInfo(&slack.GetConversationInfoInput{ChannelID: tt.id, IncludeNumMembers: true})
			if diff := cmp.Diff(slackError(err), tt.wantErr); diff != "" {
				t.Fatalf("error (-got +want):\n%s", diff)
			}
			if err != nil {
				return
			}
			got := view{ch.Name, ch.IsPrivate, ch.IsIM, ch.IsMpIM, ch.IsMember, ch.IsArchived, ch.NumMembers}
			if diff := cmp.Diff(got, tt.want); diff != "" {
				t.Errorf("channel (-got +want):\n%s", diff)
			}
		})
	}
}

func TestConversationMembersAndLists(t *testing.T) {
	_, api := mustOpenWorkspace(t)
	var members []string
	cursor := ""
	for {
		page, next, err := api.GetUsersInConversation(&slack.GetUsersInConversationParameters{ChannelID: "C1", Limit: 3, Cursor: cursor})
		if err != nil {
			t.Fatalf("GetUsersInConversation: %v", err)
		}
		members = append(members, page...)
		if next == "" {
			break
		}
		cursor = next
	}
	if diff := cmp.Diff(members, general.Members); diff != "" {
		t.Errorf("members over pages of 3 (-got +want):\n%s", diff)
	}
	if _, _, err := api.GetUsersInConversation(&slack.GetUsersInConversationParameters{ChannelID: "C3"}); slackError(err) != "channel_not_found" {
		t.Errorf("members of a private channel without the bot: %v, want channel_not_found", err)
	}

	ids := func(chs []slack.Channel) []string {
		var out []string
		for _, c := range chs {
			out = append(out, c.ID)
		}
		return out
	}
	all, _, err := api.GetConversations(&slack.GetConversationsParameters{Types: []string{"public_channel", "private_channel"}, ExcludeArchived: true})
	if err != nil {
		t.Fatalf("GetConversations: %v", err)
	}
	if diff := cmp.Diff(ids(all), []string{"C1", "C2", "C4"}); diff != "" {
		t.Errorf("conversations the bot can see, archived excluded (-got +want):\n%s", diff)
	}
	mine, _, err := api.GetConversationsForUser(&slack.GetConversationsForUserParameters{UserID: "U1", Types: []string{"public_channel", "private_channel"}})
	if err != nil {
		t.Fatalf("GetConversationsForUser: %v", err)
	}
	// Alice is also in C3, but a bot token does not see private channels the
	// bot is not in.
	if diff := cmp.Diff(ids(mine), []string{"C1", "C2", "C4", "C5"}); diff != "" {
		t.Errorf("alice's conversations seen by the bot (-got +want):\n%s", diff)
	}
}

func TestHistoryPagination(t *testing.T) {
	srv, api := mustOpenWorkspace(t)
	var want []string
	for i := range 5 {
		m := srv.AddMessage("C4", fakeslack.Message{User: "U1", Text: strings.Repeat("x", i+1)})
		want = append([]string{m.TS}, want...) // newest first
	}
	var got []string
	cursor := ""
	for {
		resp, err := api.GetConversationHistory(&slack.GetConversationHistoryParameters{ChannelID: "C4", Limit: 2, Cursor: cursor})
		if err != nil {
			t.Fatalf("GetConversationHistory: %v", err)
		}
		for _, m := range resp.Messages {
			got = append(got, m.Timestamp)
		}
		if resp.HasMore != (resp.ResponseMetaData.NextCursor != "") {
			t.Errorf("has_more %v with next_cursor %q", resp.HasMore, resp.ResponseMetaData.NextCursor)
		}
		if !resp.HasMore {
			break
		}
		cursor = resp.ResponseMetaData.NextCursor
	}
	if diff := cmp.Diff(got, want); diff != "" {
		t.Errorf("history over pages of 2 (-got +want):\n%s", diff)
	}

	resp, err := api.GetConversationHistory(&slack.GetConversationHistoryParameters{ChannelID: "C4", Oldest: want[3], Latest: want[1], Inclusive: true})
	if err != nil {
		t.Fatalf("GetConversationHistory with a range: %v", err)
	}
	var ranged []string
	for _, m := range resp.Messages {
		ranged = append(ranged, m.Timestamp)
	}
	if diff := cmp.Diff(ranged, want[1:4]); diff != "" {
		t.Errorf("inclusive range (-got +want):\n%s", diff)
	}

	for _, tt := range []struct{ channel, want string }{{"C2", "not_in_channel"}, {"C3", "channel_not_found"}} {
		_, err := api.GetConversationHistory(&slack.GetConversationHistoryParameters{ChannelID: tt.channel})
		if slackError(err) != tt.want {
			t.Errorf("history of %s: %v, want %s", tt.channel, err, tt.want)
		}
	}
	if _, _, _, err := api.GetConversationReplies(&slack.GetConversationRepliesParameters{ChannelID: "C4", Timestamp: "1.000001"}); slackError(err) != "thread_not_found" {
		t.Errorf("replies of an unknown ts: %v, want thread_not_found", err)
	}
}

func TestUpdateAndDelete(t *testing.T) {
	srv, api := mustOpenWorkspace(t)
	question := srv.AddMessage("C1", fakeslack.Message{User: "U1", Text: "Qui connaît Kafka ?"})
	_, ts, err := api.PostMessage("C1", slack.MsgOptionText("Je cherche…", false), slack.MsgOptionTS(question.TS))
	if err != nil {
		t.Fatalf("PostMessage: %v", err)
	}
	if _, _, _, err := api.UpdateMessage("C1", ts, slack.MsgOptionText("<@U3> pourrait savoir.", false)); err != nil {
		t.Fatalf("UpdateMessage: %v", err)
	}
	if got := srv.Messages("C1")[1].Text; got != "<@U3> pourrait savoir." {
		t.Errorf("updated text = %q", got)
	}
	if _, _, _, err := api.UpdateMessage("C1", question.TS, slack.MsgOptionText("hijack", false)); slackError(err) != "cant_update_message" {
		t.Errorf("updating alice's message: %v, want cant_update_message", err)
	}
	if _, _, err := api.DeleteMessage("C1", question.TS); slackError(err) != "cant_delete_message" {
		t.Errorf("deleting alice's message: %v, want cant_delete_message", err)
	}
	if _, _, err := api.DeleteMessage("C1", ts); err != nil {
		t.Fatalf("DeleteMessage: %v", err)
	}
	if _, _, err := api.DeleteMessage("C1", ts); slackError(err) != "message_not_found" {
		t.Errorf("deleting twice: %v, want message_not_found", err)
	}
	if diff := cmp.Diff(srv.Messages("C1"), []fakeslack.Message{question}); diff != "" {
		t.Errorf("messages after delete (-got +want):\n%s", diff)
	}
}

func TestDeletingAParentLeavesATombstone(t *testing.T) {
	srv, api := mustOpenWorkspace(t)
	_, parent, err := api.PostMessage("C1", slack.MsgOptionText("Question du jour", false))
	if err != nil {
		t.Fatalf("PostMessage: %v", err)
	}
	reply := srv.AddMessage("C1", fakeslack.Message{User: "U2", Text: "réponse", ThreadTS: parent})
	if _, _, err := api.DeleteMessage("C1", parent); err != nil {
		t.Fatalf("DeleteMessage: %v", err)
	}
	msgs, _, _, err := api.GetConversationReplies(&slack.GetConversationRepliesParameters{ChannelID: "C1", Timestamp: parent})
	if err != nil {
		t.Fatalf("GetConversationReplies: %v", err)
	}
	var got []string
	for _, m := range msgs {
		got = append(got, m.SubType+"|"+m.Text)
	}
	if diff := cmp.Diff(got, []string{"tombstone|This message was deleted.", "|" + reply.Text}); diff != "" {
		t.Errorf("thread after deleting its parent (-got +want):\n%s", diff)
	}
}

func TestPostEphemeral(t *testing.T) {
	srv, api := mustOpenWorkspace(t)
	if _, err := api.PostEphemeral("C1", "U1", slack.MsgOptionText("Seulement pour toi", false)); err != nil {
		t.Fatalf("PostEphemeral: %v", err)
	}
	if n := len(srv.Messages("C1")); n != 0 {
		t.Errorf("an ephemeral message was stored in the channel history (%d messages)", n)
	}
	if _, err := api.PostEphemeral("C4", "U2", slack.MsgOptionText("hi", false)); slackError(err) != "user_not_in_channel" {
		t.Errorf("ephemeral to a non-member: %v, want user_not_in_channel", err)
	}
	got := srv.CallsTo("chat.postEphemeral")[0].Params
	if diff := cmp.Diff(got, map[string]string{"channel": "C1", "user": "U1", "text": "Seulement pour toi"}); diff != "" {
		t.Errorf("recorded params (-got +want):\n%s", diff)
	}
}

func TestPermalink(t *testing.T) {
	srv, api := mustOpenWorkspace(t)
	q := srv.AddMessage("C1", fakeslack.Message{TS: "1768469400.000100", User: "U1", Text: "q"})
	a := srv.AddMessage("C1", fakeslack.Message{TS: "1768469500.000200", User: "U2", Text: "a", ThreadTS: q.TS})
	tests := []struct{ ts, want string }{
		{q.TS, "https://fakecorp.slack.com/archives/C1/p1768469400000100"},
		{a.TS, "https://fakecorp.slack.com/archives/C1/p1768469500000200?thread_ts=1768469400.000100&cid=C1"},
	}
	for _, tt := range tests {
		got, err := api.GetPermalink(&slack.PermalinkParameters{Channel: "C1", Ts: tt.ts})
		if err != nil || got != tt.want {
			t.Errorf("GetPermalink(%s) = %q, %v; want %q", tt.ts, got, err, tt.want)
		}
	}
	if _, err := api.GetPermalink(&slack.PermalinkParameters{Channel: "C1", Ts: "1.000001"}); slackError(err) != "message_not_found" {
		t.Errorf("permalink of an unknown message: %v, want message_not_found", err)
	}
}

func TestReactions(t *testing.T) {
	srv, api := mustOpenWorkspace(t)
	m := srv.AddMessage("C1", fakeslack.Message{User: "U1", Text: "Merci !"})
	ref := slack.NewRefToMessage("C1", m.TS)
	if err := api.AddReaction("eyes", ref); err != nil {
		t.Fatalf("AddReaction: %v", err)
	}
	if err := api.AddReaction("eyes", ref); slackError(err) != "already_reacted" {
		t.Errorf("second AddReaction: %v, want already_reacted", err)
	}
	srv.UserReacts(t, "U2", "C1", m.TS, "eyes")
	item, err := api.GetReactions(ref, slack.NewGetReactionsParameters())
	if err != nil {
		t.Fatalf("GetReactions: %v", err)
	}
	want := []slack.ItemReaction{{Name: "eyes", Count: 2, Users: []string{fakeslack.BotUserID, "U2"}}}
	if diff := cmp.Diff(item.Reactions, want); diff != "" {
		t.Errorf("reactions (-got +want):\n%s", diff)
	}
	if err := api.RemoveReaction("eyes", ref); err != nil {
		t.Fatalf("RemoveReaction: %v", err)
	}
	if err := api.RemoveReaction("eyes", ref); slackError(err) != "no_reaction" {
		t.Errorf("second RemoveReaction: %v, want no_reaction", err)
	}
	if diff := cmp.Diff(srv.Messages("C1")[0].Reactions, []fakeslack.Reaction{{Name: "eyes", Users: []string{"U2"}}}); diff != "" {
		t.Errorf("stored reactions (-got +want):\n%s", diff)
	}
	if err := api.AddReaction("eyes", slack.NewRefToMessage("C1", "1.000001")); slackError(err) != "message_not_found" {
		t.Errorf("reacting to an unknown message: %v, want message_not_found", err)
	}
}

func TestPresenceAndDND(t *testing.T) {
	_, api := mustOpenWorkspace(t)
	for _, tt := range []struct{ user, want string }{{"U1", "active"}, {"U2", "away"}} {
		p, err := api.GetUserPresence(tt.user)
		if err != nil || p.Presence != tt.want {
			t.Errorf("GetUserPresence(%s) = %+v, %v; want %s", tt.user, p, err, tt.want)
		}
	}
	if _, err := api.GetUserPresence("U999"); slackError(err) != "user_not_found" {
		t.Errorf("presence of an unknown user: %v, want user_not_found", err)
	}

	bobID := "U2"
	dnd, err := api.GetDNDInfo(&bobID)
	if err != nil {
		t.Fatalf("GetDNDInfo: %v", err)
	}
	start, end := time.Unix(int64(dnd.NextStartTimestamp), 0), time.Unix(int64(dnd.NextEndTimestamp), 0)
	if !dnd.Enabled || start.After(jan15) || !end.After(jan15) || dnd.SnoozeEnabled {
		t.Errorf("bob's DND = %+v; want enabled, a window around %v, and no snooze details (Slack only shows them to the user)", dnd, jan15)
	}
	team, err := api.GetDNDTeamInfo([]string{"U1", "U2"})
	if err != nil {
		t.Fatalf("GetDNDTeamInfo: %v", err)
	}
	if team["U1"].Enabled || !team["U2"].Enabled {
		t.Errorf("team DND = %+v; want U1 off and U2 on", team)
	}
}

func TestAuthAndTeam(t *testing.T) {
	srv, api := mustOpenWorkspace(t)
	auth, err := api.AuthTest()
	if err != nil {
		t.Fatalf("AuthTest: %v", err)
	}
	got := []string{auth.UserID, auth.BotID, auth.TeamID, auth.Team, auth.URL}
	want := []string{fakeslack.BotUserID, fakeslack.BotID, fakeslack.TeamID, fakeslack.TeamName, "https://fakecorp.slack.com/"}
	if diff := cmp.Diff(got, want); diff != "" {
		t.Errorf("auth.test (-got +want):\n%s", diff)
	}
	info, err := api.GetTeamInfo()
	if err != nil || info.ID != fakeslack.TeamID || info.Domain != fakeslack.TeamDomain {
		t.Errorf("GetTeamInfo = %+v, %v", info, err)
	}
	if _, err := client(srv, "xoxb-nope").AuthTest(); slackError(err) != "invalid_auth" {
		t.Errorf("auth.test with a wrong token: %v, want invalid_auth", err)
	}
}

func TestUnknownMethod(t *testing.T) {
	srv, api := mustOpenWorkspace(t)
	_, err := api.GetEmoji()
	if slackError(err) != "unknown_method" {
		t.Errorf("emoji.list: %v, want unknown_method", err)
	}
	if calls := srv.CallsTo("emoji.list"); len(calls) != 1 {
		t.Errorf("emoji.list was recorded %d times, want 1", len(calls))
	}
}

func TestRateLimited(t *testing.T) {
	srv, api := mustOpenWorkspace(t)
	srv.FailNext("chat.postMessage", 1, http.StatusTooManyRequests, 30*time.Second)
	_, _, err := api.PostMessage("C1", slack.MsgOptionText("hi", false))
	var rl *slack.RateLimitedError
	if !errors.As(err, &rl) || rl.RetryAfter != 30*time.Second {
		t.Fatalf("PostMessage during a rate limit: %v, want a RateLimitedError with RetryAfter 30s", err)
	}
	if n := len(srv.Messages("C1")); n != 0 {
		t.Errorf("a rate-limited post was stored")
	}
	if _, _, err := api.PostMessage("C1", slack.MsgOptionText("hi", false)); err != nil {
		t.Errorf("PostMessage after the limit: %v", err)
	}
	var statuses []int
	for _, c := range srv.CallsTo("chat.postMessage") {
		statuses = append(statuses, c.Status)
	}
	if diff := cmp.Diff(statuses, []int{429, 200}); diff != "" {
		t.Errorf("recorded statuses (-got +want):\n%s", diff)
	}

	srv.FailNext("users.info", 1, http.StatusServiceUnavailable, 0)
	_, err = api.GetUserInfo("U1")
	var sc slack.StatusCodeError
	if !errors.As(err, &sc) || sc.Code != http.StatusServiceUnavailable {
		t.Errorf("GetUserInfo during an outage: %v, want a StatusCodeError 503", err)
	}
}

// TestRateLimitRetried costs one second: Retry-After is whole seconds.
func TestRateLimitRetried(t *testing.T) {
	srv, _ := mustOpenWorkspace(t)
	api := client(srv, fakeslack.BotToken, slack.OptionRetryConfig(slack.RetryConfig{MaxRetries: 2, RetryAfterDuration: time.Second}))
	srv.FailNext("chat.postMessage", 1, http.StatusTooManyRequests, 100*time.Millisecond)
	start := time.Now()
	if _, _, err := api.PostMessage("C1", slack.MsgOptionText("hi", false)); err != nil {
		t.Fatalf("PostMessage with retries: %v", err)
	}
	if waited := time.Since(start); waited < time.Second {
		t.Errorf("the client retried after %v; Retry-After should have been rounded up to 1s", waited)
	}
	if n := len(srv.Messages("C1")); n != 1 {
		t.Errorf("%d messages stored, want exactly 1", n)
	}
}

func TestSlowCallStillTakesEffect(t *testing.T) {
	srv, api := mustOpenWorkspace(t)
	srv.SlowNext("chat.postMessage", 1, 300*time.Millisecond)
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Millisecond)
	defer cancel()
	_, _, err := api.PostMessageContext(ctx, "C1", slack.MsgOptionText("lent", false))
	if !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("PostMessage with a 20ms deadline: %v, want a deadline error", err)
	}
	srv.WaitFor(t, "chat.postMessage", 1, 5*time.Second)
	if diff := cmp.Diff(srv.Messages("C1"), []fakeslack.Message{{User: fakeslack.BotUserID, BotID: fakeslack.BotID, Text: "lent"}},
		cmpopts.IgnoreFields(fakeslack.Message{}, "TS")); diff != "" {
		t.Errorf("messages after a timed-out post (-got +want):\n%s", diff)
	}
}

func TestClockDrivesTimestamps(t *testing.T) {
	_, api := mustOpenWorkspace(t)
	_, ts1, err1 := api.PostMessage("C1", slack.MsgOptionText("un", false))
	_, ts2, err2 := api.PostMessage("C1", slack.MsgOptionText("deux", false))
	if err1 != nil || err2 != nil {
		t.Fatalf("PostMessage: %v, %v", err1, err2)
	}
	want := []string{"1768469400.000000", "1768469400.000001"}
	if diff := cmp.Diff([]string{ts1, ts2}, want); diff != "" {
		t.Errorf("timestamps on a stopped clock (-got +want):\n%s", diff)
	}
}

// fatalRecorder is a testing.TB whose Fatalf records the message instead of
// stopping the test, to check how the fake reports misuse.
type fatalRecorder struct {
	testing.TB
	msg string
}

func (r *fatalRecorder) Helper() {}

func (r *fatalRecorder) Fatalf(format string, args ...any) { r.msg = fmt.Sprintf(format, args...) }

func TestMisuseIsReported(t *testing.T) {
	tests := []struct {
		name string
		do   func(srv *fakeslack.Server, tb testing.TB)
		want string
	}{
		{"user without id", func(srv *fakeslack.Server, _ testing.TB) { srv.AddUser(fakeslack.User{Name: "x"}) }, `fakeslack: AddUser: user "x" has no ID`},
		{"unknown member", func(srv *fakeslack.Server, _ testing.TB) {
			srv.AddChannel(fakeslack.Channel{ID: "C9", Members: []string{"U404"}})
		}, "fakeslack: AddChannel: channel C9: member U404 is not a user (AddUser it first)"},
		{"IM of three", func(srv *fakeslack.Server, _ testing.TB) {
			srv.AddChannel(fakeslack.Channel{ID: "D9", IM: true, Members: []string{"U1", "U2", "U3"}})
		}, "fakeslack: AddChannel: IM D9 has 3 members, want 2"},
		{"unknown channel", func(srv *fakeslack.Server, _ testing.TB) { srv.AddMessage("C404", fakeslack.Message{Text: "x"}) },
			"fakeslack: AddMessage: channel C404 does not exist (AddChannel it first)"},
		{"malformed ts", func(srv *fakeslack.Server, _ testing.TB) { srv.AddMessage("C1", fakeslack.Message{TS: "12.3"}) },
			`fakeslack: AddMessage: channel C1: ts "12.3" is not of the form seconds.micros (e.g. 1700000000.000100)`},
		{"taken ts", func(srv *fakeslack.Server, _ testing.TB) {
			srv.AddMessage("C1", fakeslack.Message{TS: "1768469400.000100"})
			srv.AddMessage("C1", fakeslack.Message{TS: "1768469400.000100"})
		}, "fakeslack: AddMessage: channel C1: a message with ts 1768469400.000100 already exists"},
		{"missing parent", func(srv *fakeslack.Server, _ testing.TB) {
			srv.AddMessage("C1", fakeslack.Message{ThreadTS: "1768469400.000100"})
		}, "fakeslack: AddMessage: channel C1: thread parent 1768469400.000100 does not exist or is itself a reply"},
		{"invalid blocks", func(srv *fakeslack.Server, _ testing.TB) {
			srv.AddMessage("C1", fakeslack.Message{TS: "1768469400.000100", Blocks: json.RawMessage(`[{`)})
		}, "fakeslack: AddMessage: channel C1: blocks of message 1768469400.000100 are not valid JSON"},
		{"post by a non-member", func(srv *fakeslack.Server, tb testing.TB) {
			srv.UserPosts(tb, "C4", fakeslack.Message{User: "U2", Text: "x"})
		}, `fakeslack: UserPosts: "U2" is not a member of channel C4, so cannot post there`},
		{"redeliver unknown", func(srv *fakeslack.Server, tb testing.TB) { srv.Redeliver(tb, "nope") },
			`fakeslack: Redeliver: no envelope "nope" was sent`},
		{"invalid payload", func(srv *fakeslack.Server, tb testing.TB) { srv.SendEvent(tb, json.RawMessage(`{"type":`)) },
			`fakeslack: SendEnvelope(events_api): payload is not valid JSON: "{\"type\":"`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rec := &fatalRecorder{TB: t}
			srv := fakeslack.New(rec, fakeslack.WithClock(func() time.Time { return jan15 }))
			for _, u := range []fakeslack.User{alice, bob, carol} {
				srv.AddUser(u)
			}
			srv.AddChannel(general)
			srv.AddChannel(team)
			tt.do(srv, rec)
			if diff := cmp.Diff(rec.msg, tt.want); diff != "" {
				t.Errorf("reported (-got +want):\n%s", diff)
			}
		})
	}
}

func TestMetadataIsReturnedWhenAsked(t *testing.T) {
	_, api := mustOpenWorkspace(t)
	meta := func(key string) slack.SlackMetadata {
		return slack.SlackMetadata{EventType: "nextdesk_outbox", EventPayload: map[string]any{"key": key}}
	}
	_, parent, err := api.PostMessage(general.ID, slack.MsgOptionText("top", false), slack.MsgOptionMetadata(meta("top")))
	if err != nil {
		t.Fatal(err)
	}
	_, reply, err := api.PostMessage(general.ID, slack.MsgOptionText("reply", false), slack.MsgOptionTS(parent), slack.MsgOptionMetadata(meta("reply")))
	if err != nil {
		t.Fatal(err)
	}
	if _, _, err := api.PostMessage(general.ID, slack.MsgOptionText("plain", false)); err != nil {
		t.Fatal(err)
	}

	for _, all := range []bool{true, false} {
		want := map[string]slack.SlackMetadata{parent: {}, reply: {}}
		if all {
			want = map[string]slack.SlackMetadata{parent: meta("top"), reply: meta("reply")}
		}
		history, err := api.GetConversationHistory(&slack.GetConversationHistoryParameters{ChannelID: general.ID, IncludeAllMetadata: all})
		if err != nil {
			t.Fatal(err)
		}
		replies, _, _, err := api.GetConversationReplies(&slack.GetConversationRepliesParameters{ChannelID: general.ID, Timestamp: parent, IncludeAllMetadata: all})
		if err != nil {
			t.Fatal(err)
		}
		got := map[string]slack.SlackMetadata{}
		for _, m := range append(history.Messages, replies...) {
			if m.Timestamp == parent || m.Timestamp == reply {
				got[m.Timestamp] = m.Metadata
			}
		}
		if diff := cmp.Diff(got, want); diff != "" {
			t.Errorf("include_all_metadata=%v: metadata by ts (-got +want):\n%s", all, diff)
		}
	}
}

func TestMetadataWithoutEventTypeIsRefused(t *testing.T) {
	srv, api := mustOpenWorkspace(t)
	_, _, err := api.PostMessage(general.ID, slack.MsgOptionText("x", false),
		slack.MsgOptionMetadata(slack.SlackMetadata{EventPayload: map[string]any{"key": "k"}}))
	if got := slackError(err); got != "invalid_metadata_format" {
		t.Errorf("post error = %q, want invalid_metadata_format", got)
	}
	if n := len(srv.Messages(general.ID)); n != 0 {
		t.Errorf("%d messages stored, want none", n)
	}
}

func TestOutagesRevocationAndExpiredResponseURLs(t *testing.T) {
	srv, api := mustOpenWorkspace(t)
	info := func() error {
		_, err := api.GetConversationInfo(&slack.GetConversationInfoInput{ChannelID: "C1"})
		return err
	}
	srv.FailFor("conversations.info", 200*time.Millisecond, http.StatusServiceUnavailable)
	var status slack.StatusCodeError
	if err := info(); !errors.As(err, &status) || status.Code != http.StatusServiceUnavailable {
		t.Errorf("during the outage: %v, want a 503", err)
	}
	if _, err := api.AuthTest(); err != nil {
		t.Errorf("another method during the outage: %v, want it to work", err)
	}
	time.Sleep(250 * time.Millisecond)
	if err := info(); err != nil {
		t.Errorf("after the outage: %v", err)
	}

	srv.RevokeToken()
	if _, err := api.AuthTest(); err == nil || !strings.Contains(err.Error(), "token_revoked") {
		t.Errorf("auth.test with the token revoked = %v, want token_revoked", err)
	}
	srv.RestoreToken()
	if _, err := api.AuthTest(); err != nil {
		t.Errorf("auth.test with the token restored = %v", err)
	}

	srv.SetLatency(30*time.Millisecond, 40*time.Millisecond)
	began := time.Now()
	if _, err := api.AuthTest(); err != nil || time.Since(began) < 30*time.Millisecond {
		t.Errorf("auth.test with a latency of 30 to 40 ms answered in %v (%v), want at least 30 ms", time.Since(began), err)
	}
	srv.SetLatency(0, 0)

	url := srv.ResponseURL("cmd-1")
	srv.ExpireResponseURL(url)
	resp, err := http.Post(url, "application/json", strings.NewReader(`{"text":"late"}`))
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusNotFound || len(srv.Responses(url)) != 0 {
		t.Errorf("post to an expired response_url: %d, %d recorded; want 404 and nothing recorded", resp.StatusCode, len(srv.Responses(url)))
	}
}
