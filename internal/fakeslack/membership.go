package fakeslack

import (
	"encoding/json"
	"fmt"
	"slices"
	"testing"
)

// Changes to who is in a conversation, and the events Slack sends a bot
// about them: member_joined_channel and member_left_channel (to a bot in
// the channel), group_left or channel_left (to the bot removed), the
// channel_convert_to_private and channel_convert_to_public message
// subtypes, channel_shared, channel_unshared, channel_deleted and
// group_deleted.

// MemberJoinedChannelEvent is the inner event of user joining ch.
func MemberJoinedChannelEvent(ch Channel, user, team, eventTS string) json.RawMessage {
	return mustJSON(map[string]any{
		"type": "member_joined_channel", "user": user, "channel": ch.ID,
		"channel_type": channelLetter(ch), "team": team, "event_ts": eventTS,
	})
}

// MemberLeftChannelEvent is the inner event of user leaving ch.
func MemberLeftChannelEvent(ch Channel, user, team, eventTS string) json.RawMessage {
	return mustJSON(map[string]any{
		"type": "member_left_channel", "user": user, "channel": ch.ID,
		"channel_type": channelLetter(ch), "team": team, "event_ts": eventTS,
	})
}

// channelLetter is the channel_type of member events: "C" for a channel,
// "G" for a private channel whose id starts with G (made before 2021).
func channelLetter(ch Channel) string {
	if ch.Private && len(ch.ID) > 0 && ch.ID[0] == 'G' {
		return "G"
	}
	return "C"
}

// BotLeftEvent is the inner event the bot gets when it leaves ch, or is
// removed from it: group_left for a private channel, channel_left for a
// public one.
func BotLeftEvent(ch Channel, actor, eventTS string) json.RawMessage {
	typ := "channel_left"
	if ch.Private {
		typ = "group_left"
	}
	return mustJSON(map[string]any{"type": typ, "channel": ch.ID, "actor_id": actor, "event_ts": eventTS})
}

// ChannelConvertedEvent is the message event Slack posts in ch when user
// made it private (or public): subtype channel_convert_to_private (or
// channel_convert_to_public).
func ChannelConvertedEvent(ch Channel, user, ts string) json.RawMessage {
	e := map[string]any{
		"type": "message", "subtype": "channel_convert_to_public", "user": user, "channel": ch.ID,
		"channel_type": ch.Type(), "ts": ts, "event_ts": ts,
		"text": "made this channel *public*. Any member in this workspace can see and join it.",
	}
	if ch.Private {
		e["subtype"] = "channel_convert_to_private"
		e["text"] = "made this channel *private*. Now, it can only be viewed or joined by invitation."
	}
	return mustJSON(e)
}

// ChannelSharedEvent is the inner event of ch being shared with team.
func ChannelSharedEvent(ch Channel, team, eventTS string) json.RawMessage {
	return mustJSON(map[string]any{"type": "channel_shared", "connected_team_id": team, "channel": ch.ID, "event_ts": eventTS})
}

// ChannelUnsharedEvent is the inner event of team being taken out of ch;
// ch.ExtShared says whether it is still shared with another.
func ChannelUnsharedEvent(ch Channel, team, eventTS string) json.RawMessage {
	return mustJSON(map[string]any{
		"type": "channel_unshared", "previously_connected_team_id": team, "channel": ch.ID,
		"is_ext_shared": ch.ExtShared, "event_ts": eventTS,
	})
}

// ChannelDeletedEvent is the inner event of ch being deleted:
// channel_deleted, or group_deleted for a private channel.
func ChannelDeletedEvent(ch Channel, eventTS string) json.RawMessage {
	typ := "channel_deleted"
	if ch.Private {
		typ = "group_deleted"
	}
	return mustJSON(map[string]any{"type": typ, "channel": ch.ID, "event_ts": eventTS})
}

// Events says whether the membership methods send their events: Lost
// changes the workspace as Slack would, but the events never reach the
// bot, as when they are lost.
type Events bool

// Membership methods' event delivery.
const (
	Sent Events = true
	Lost Events = false
)

// UserJoins adds user to channel channelID and, when events are Sent and
// the bot is in the channel (or is the one joining), sends
// member_joined_channel. It
// returns the envelope ids and fails the test if the channel or the user is
// unknown, or the user is in the channel already.
func (s *Server) UserJoins(tb testing.TB, user, channelID string, ev Events) []string {
	tb.Helper()
	return s.changeMembers(tb, "UserJoins", channelID, ev, func(ch *channel) ([]json.RawMessage, error) {
		u, ok := s.users[user]
		switch {
		case !ok:
			return nil, fmt.Errorf("user %s does not exist", user)
		case ch.hasMember(user):
			return nil, fmt.Errorf("%s is in %s already", user, channelID)
		}
		ch.Members = append(ch.Members, user)
		if !ch.hasMember(BotUserID) {
			return nil, nil
		}
		return []json.RawMessage{MemberJoinedChannelEvent(ch.Channel, user, teamOf(u), s.newTS())}, nil
	})
}

// UserLeaves takes user out of channel channelID and, when events are Sent, sends
// member_left_channel to the bot if it is still in the channel, or, when
// the bot is the one leaving, group_left or channel_left. It returns the
// envelope ids and fails the test if user is not in the channel.
func (s *Server) UserLeaves(tb testing.TB, user, channelID string, ev Events) []string {
	tb.Helper()
	return s.changeMembers(tb, "UserLeaves", channelID, ev, func(ch *channel) ([]json.RawMessage, error) {
		if !ch.hasMember(user) {
			return nil, fmt.Errorf("%s is not in %s", user, channelID)
		}
		ch.Members = slices.DeleteFunc(ch.Members, func(m string) bool { return m == user })
		switch {
		case user == BotUserID:
			return []json.RawMessage{BotLeftEvent(ch.Channel, "", s.newTS())}, nil
		case ch.hasMember(BotUserID):
			return []json.RawMessage{MemberLeftChannelEvent(ch.Channel, user, teamOf(s.users[user]), s.newTS())}, nil
		}
		return nil, nil
	})
}

// ConvertChannel makes channel channelID private (or public) as by, posting Slack's
// message about it, and, when events are Sent and the bot is in the
// channel, sends it as a message event. It returns the envelope ids and
// fails the test if the channel is a DM or already so.
func (s *Server) ConvertChannel(tb testing.TB, by, channelID string, private bool, ev Events) []string {
	tb.Helper()
	return s.changeMembers(tb, "ConvertChannel", channelID, ev, func(ch *channel) ([]json.RawMessage, error) {
		if ch.IM || ch.MPIM || ch.Private == private {
			return nil, fmt.Errorf("%s cannot be made private=%v", channelID, private)
		}
		ch.Private = private
		var ev map[string]any
		_ = json.Unmarshal(ChannelConvertedEvent(ch.Channel, by, ""), &ev) // a map of strings always round-trips
		m, err := s.store(channelID, Message{User: by, SubType: ev["subtype"].(string), Text: ev["text"].(string)})
		if err != nil || !ch.hasMember(BotUserID) {
			return nil, err
		}
		return []json.RawMessage{ChannelConvertedEvent(ch.Channel, by, m.TS)}, nil
	})
}

// ShareChannel shares channel channelID with another organisation's team (shared
// true) or takes that team out of it (false), and, when events are Sent and
// the bot is in the channel, sends channel_shared or channel_unshared. It
// returns the envelope ids.
func (s *Server) ShareChannel(tb testing.TB, channelID, team string, shared bool, ev Events) []string {
	tb.Helper()
	return s.changeMembers(tb, "ShareChannel", channelID, ev, func(ch *channel) ([]json.RawMessage, error) {
		if ch.IM || ch.MPIM {
			return nil, fmt.Errorf("%s is a DM", channelID)
		}
		ch.ExtShared = shared
		if !ch.hasMember(BotUserID) {
			return nil, nil
		}
		if shared {
			return []json.RawMessage{ChannelSharedEvent(ch.Channel, team, s.newTS())}, nil
		}
		return []json.RawMessage{ChannelUnsharedEvent(ch.Channel, team, s.newTS())}, nil
	})
}

// DeleteChannel deletes channel channelID and its messages and, when events are
// Sent, sends channel_deleted (for a public channel, or a private one the
// bot was in: group_deleted). It returns the envelope ids.
func (s *Server) DeleteChannel(tb testing.TB, channelID string, ev Events) []string {
	tb.Helper()
	return s.changeMembers(tb, "DeleteChannel", channelID, ev, func(ch *channel) ([]json.RawMessage, error) {
		if ch.IM || ch.MPIM {
			return nil, fmt.Errorf("%s is a DM", channelID)
		}
		delete(s.channels, channelID)
		s.chanIDs = slices.DeleteFunc(s.chanIDs, func(id string) bool { return id == channelID })
		if ch.Private && !ch.hasMember(BotUserID) {
			return nil, nil
		}
		return []json.RawMessage{ChannelDeletedEvent(ch.Channel, s.newTS())}, nil
	})
}

// changeMembers applies change to channel channelID under the lock and delivers the
// events it returns, when ev says they are sent.
func (s *Server) changeMembers(tb testing.TB, what, channelID string, ev Events, change func(*channel) ([]json.RawMessage, error)) []string {
	tb.Helper()
	s.mu.Lock()
	ch, ok := s.channels[channelID]
	if !ok {
		s.mu.Unlock()
		tb.Fatalf("fakeslack: %s: channel %s does not exist", what, channelID)
		return nil
	}
	inners, err := change(ch)
	if err != nil {
		s.mu.Unlock()
		tb.Fatalf("fakeslack: %s: %v", what, err)
		return nil
	}
	s.broadcast()
	var envs []*Envelope
	if ev == Sent {
		for _, inner := range inners {
			envs = append(envs, s.eventEnvelope(inner))
		}
	}
	s.mu.Unlock()
	return s.deliverAll(envs)
}

// teamOf is the team a user belongs to.
func teamOf(u *User) string {
	if u == nil || u.TeamID == "" {
		return TeamID
	}
	return u.TeamID
}
