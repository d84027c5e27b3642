package fakeslack_test

import (
	"slices"
	"testing"

	"github.com/slack-go/slack"
	"github.com/slack-go/slack/slackevents"

	"github.com/nextdesk/nextdesk/internal/fakeslack"
)

// events returns what a bot reads of each envelope's inner event: its
// type, and the channel, user and subtype it names.
func events(t *testing.T, srv *fakeslack.Server, ids []string) [][]string {
	t.Helper()
	var out [][]string
	for _, id := range ids {
		ev := envelopeEvent(t, srv, id).InnerEvent
		row := []string{ev.Type}
		switch d := ev.Data.(type) {
		case *slackevents.MemberJoinedChannelEvent:
			row = append(row, d.Channel, d.User, d.Team)
		case *slackevents.MemberLeftChannelEvent:
			row = append(row, d.Channel, d.User, d.Team)
		case *slackevents.GroupLeftEvent:
			row = append(row, d.Channel)
		case *slackevents.ChannelLeftEvent:
			row = append(row, d.Channel)
		case *slackevents.MessageEvent:
			row = append(row, d.Channel, d.User, d.SubType, d.ChannelType)
		case *slackevents.ChannelSharedEvent:
			row = append(row, d.Channel, d.ConnectedTeamID)
		case *slackevents.ChannelUnsharedEvent:
			row = append(row, d.Channel, d.PreviouslyConnectedTeamID)
		case *slackevents.ChannelDeletedEvent:
			row = append(row, d.Channel)
		case *slackevents.GroupDeletedEvent:
			row = append(row, d.Channel)
		default:
			t.Fatalf("envelope %s carries %T", id, d)
		}
		out = append(out, row)
	}
	return out
}

func TestMembershipChangesAndTheirEvents(t *testing.T) {
	srv, api := mustOpenWorkspace(t)
	srv.AddUser(fakeslack.User{ID: "W9", Name: "partner", TeamID: "T0OTHER"})
	srv.AddUser(fakeslack.User{ID: "U8", Name: "guest", Guest: true})
	info := func(id string) *slack.Channel {
		t.Helper()
		ch, err := api.GetConversationInfo(&slack.GetConversationInfoInput{ChannelID: id})
		if err != nil {
			t.Fatalf("conversations.info %s: %v", id, err)
		}
		return ch
	}
	members := func(id string) []string {
		t.Helper()
		ms, _, err := api.GetUsersInConversation(&slack.GetUsersInConversationParameters{ChannelID: id})
		if err != nil {
			t.Fatalf("conversations.members %s: %v", id, err)
		}
		return ms
	}

	steps := []struct {
		name string
		do   func() []string
		want [][]string
	}{
		{"a person joins", func() []string { return srv.UserJoins(t, "U2", "C4", fakeslack.Sent) },
			[][]string{{"member_joined_channel", "C4", "U2", fakeslack.TeamID}}},
		{"a person leaves", func() []string { return srv.UserLeaves(t, "U3", "C4", fakeslack.Sent) },
			[][]string{{"member_left_channel", "C4", "U3", fakeslack.TeamID}}},
		{"made public", func() []string { return srv.ConvertChannel(t, "U1", "C4", false, fakeslack.Sent) },
			[][]string{{"message", "C4", "U1", "channel_convert_to_public", "channel"}}},
		{"made private", func() []string { return srv.ConvertChannel(t, "U1", "C4", true, fakeslack.Sent) },
			[][]string{{"message", "C4", "U1", "channel_convert_to_private", "group"}}},
		{"shared", func() []string { return srv.ShareChannel(t, "C4", "T0OTHER", true, fakeslack.Sent) },
			[][]string{{"channel_shared", "C4", "T0OTHER"}}},
		{"someone of the other organisation joins", func() []string { return srv.UserJoins(t, "W9", "C4", fakeslack.Sent) },
			[][]string{{"member_joined_channel", "C4", "W9", "T0OTHER"}}},
		{"unshared", func() []string { return srv.ShareChannel(t, "C4", "T0OTHER", false, fakeslack.Sent) },
			[][]string{{"channel_unshared", "C4", "T0OTHER"}}},
		{"a lost leave", func() []string { return srv.UserLeaves(t, "U2", "C4", fakeslack.Lost) }, nil},
		{"the bot is removed", func() []string { return srv.UserLeaves(t, fakeslack.BotUserID, "C4", fakeslack.Sent) },
			[][]string{{"group_left", "C4"}}},
		{"nothing is sent about a channel without the bot", func() []string { return srv.UserJoins(t, "U3", "C4", fakeslack.Sent) }, nil},
		{"the bot leaves a public channel", func() []string { return srv.UserLeaves(t, fakeslack.BotUserID, "C5", fakeslack.Sent) },
			[][]string{{"channel_left", "C5"}}},
		{"a public channel is deleted", func() []string { return srv.DeleteChannel(t, "C2", fakeslack.Sent) },
			[][]string{{"channel_deleted", "C2"}}},
	}
	for _, s := range steps {
		if got := events(t, srv, s.do()); !slices.EqualFunc(got, s.want, slices.Equal) {
			t.Errorf("%s: events %v, want %v", s.name, got, s.want)
		}
		if s.name == "shared" {
			if ch := info("C4"); !ch.IsExtShared || !ch.IsShared || !ch.IsPrivate {
				t.Errorf("conversations.info of a shared private channel = ext_shared %v, shared %v, private %v", ch.IsExtShared, ch.IsShared, ch.IsPrivate)
			}
		}
	}
	if ch, err := api.GetConversationInfo(&slack.GetConversationInfoInput{ChannelID: "C4"}); err == nil || slackError(err) != "channel_not_found" {
		t.Errorf("conversations.info of a private channel the bot left = %+v, %v; want channel_not_found", ch, err)
	}
	if ch := info("C5"); ch.IsMember || ch.IsExtShared {
		t.Errorf("the public channel the bot left says member %v, shared %v", ch.IsMember, ch.IsExtShared)
	}
	if got := members("C1"); !slices.Equal(got, []string{fakeslack.BotUserID, "U1", "U2", "U3"}) {
		t.Errorf("members of C1 = %v", got)
	}
	for id, want := range map[string][2]string{"W9": {"T0OTHER", "false"}, "U8": {fakeslack.TeamID, "true"}} {
		u, err := api.GetUserInfo(id)
		if err != nil {
			t.Fatal(err)
		}
		if got := [2]string{u.TeamID, map[bool]string{true: "true", false: "false"}[u.IsRestricted]}; got != want {
			t.Errorf("users.info %s: team and guest = %v, want %v", id, got, want)
		}
	}
	// A private channel the bot is not in is deleted without a word.
	if ids := srv.DeleteChannel(t, "C3", fakeslack.Sent); len(ids) != 0 {
		t.Errorf("deleting a private channel without the bot sent %v", events(t, srv, ids))
	}
}
