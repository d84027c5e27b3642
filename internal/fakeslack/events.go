package fakeslack

import (
	"encoding/json"
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"testing"
)

// EventCallback wraps an inner event (see MessageEvent and the other builders)
// in the outer Events API JSON Slack sends, over HTTP or inside a Socket Mode
// envelope. event_time is taken from the inner event's event_ts. An inner
// event that is not valid JSON is embedded as a JSON string, which a bot
// should reject.
func EventCallback(teamID, eventID string, inner json.RawMessage) json.RawMessage {
	var event any = inner
	if !json.Valid(inner) {
		event = string(inner)
	}
	var head struct {
		Type    string `json:"type"`
		EventTS string `json:"event_ts"`
		Channel string `json:"channel"`
	}
	_ = json.Unmarshal(inner, &head)
	sec, _, _ := strings.Cut(head.EventTS, ".")
	eventTime, _ := strconv.ParseInt(sec, 10, 64)
	return mustJSON(map[string]any{
		"token":      VerificationToken,
		"team_id":    teamID,
		"api_app_id": AppID,
		"event":      event,
		"type":       "event_callback",
		"event_id":   eventID,
		"event_time": eventTime,
		"authorizations": []any{map[string]any{
			"enterprise_id":         nil,
			"team_id":               teamID,
			"user_id":               BotUserID,
			"is_bot":                true,
			"is_enterprise_install": false,
		}},
		"is_ext_shared_channel": false,
		"event_context":         fmt.Sprintf("4-%s-%s-%s", head.Type, teamID, head.Channel),
	})
}

// URLVerification is the body Slack posts once to check an Events API
// request URL; the endpoint must answer with the challenge.
func URLVerification(challenge string) json.RawMessage {
	return mustJSON(map[string]any{"token": VerificationToken, "challenge": challenge, "type": "url_verification"})
}

// MessageEvent is the inner event of a message posted in ch: what the Events
// API sends for message.channels, message.groups, message.im and message.mpim.
// A message without Blocks gets the rich_text block Slack derives from a typed
// text, mentions included.
func MessageEvent(ch Channel, m Message) json.RawMessage {
	e := messageFields(m)
	e["channel"] = ch.ID
	e["channel_type"] = ch.Type()
	e["event_ts"] = m.TS
	return mustJSON(e)
}

// AppMentionEvent is the inner event Slack sends when m, posted in ch,
// mentions the bot.
func AppMentionEvent(ch Channel, m Message) json.RawMessage {
	e := messageFields(m)
	e["type"] = "app_mention"
	e["channel"] = ch.ID
	e["event_ts"] = m.TS
	return mustJSON(e)
}

// MessageChangedEvent is the inner event of m being edited into edited at
// eventTS: subtype message_changed, the new version in "message", the old one
// in "previous_message".
func MessageChangedEvent(ch Channel, m, edited Message, eventTS string) json.RawMessage {
	cur := messageFields(edited)
	cur["edited"] = map[string]any{"user": edited.User, "ts": eventTS}
	return mustJSON(map[string]any{
		"type":             "message",
		"subtype":          "message_changed",
		"hidden":           true,
		"channel":          ch.ID,
		"channel_type":     ch.Type(),
		"message":          cur,
		"previous_message": messageFields(m),
		"ts":               eventTS,
		"event_ts":         eventTS,
	})
}

// MessageDeletedEvent is the inner event of m being deleted at eventTS.
func MessageDeletedEvent(ch Channel, m Message, eventTS string) json.RawMessage {
	return mustJSON(map[string]any{
		"type":             "message",
		"subtype":          "message_deleted",
		"hidden":           true,
		"channel":          ch.ID,
		"channel_type":     ch.Type(),
		"deleted_ts":       m.TS,
		"previous_message": messageFields(m),
		"ts":               eventTS,
		"event_ts":         eventTS,
	})
}

// ReactionAddedEvent is the inner event of user reacting with reaction (an
// emoji name without colons) to m in ch at eventTS.
func ReactionAddedEvent(ch Channel, m Message, user, reaction, eventTS string) json.RawMessage {
	return mustJSON(map[string]any{
		"type":      "reaction_added",
		"user":      user,
		"reaction":  reaction,
		"item_user": m.User,
		"item":      map[string]any{"type": "message", "channel": ch.ID, "ts": m.TS},
		"event_ts":  eventTS,
	})
}

// messageFields is a message as events carry it.
func messageFields(m Message) map[string]any {
	e := map[string]any{
		"type": "message",
		"user": m.User,
		"text": m.Text,
		"ts":   m.TS,
		"team": TeamID,
	}
	if m.BotID != "" {
		e["bot_id"] = m.BotID
		e["app_id"] = AppID
	} else {
		e["client_msg_id"] = clientMsgID(m.TS)
	}
	if m.ThreadTS != "" {
		e["thread_ts"] = m.ThreadTS
	}
	if len(m.Blocks) > 0 {
		e["blocks"] = m.Blocks
	} else if m.BotID == "" && m.Text != "" {
		e["blocks"] = richText(m.TS, m.Text)
	}
	return e
}

var mention = regexp.MustCompile(`<@([UW][A-Z0-9]+)(?:\|[^>]*)?>`)

// richText is the rich_text block Slack attaches to a message typed in the
// client: text runs, with user mentions as their own elements.
func richText(ts, text string) []any {
	var elems []any
	last := 0
	for _, loc := range mention.FindAllStringSubmatchIndex(text, -1) {
		if loc[0] > last {
			elems = append(elems, map[string]any{"type": "text", "text": text[last:loc[0]]})
		}
		elems = append(elems, map[string]any{"type": "user", "user_id": text[loc[2]:loc[3]]})
		last = loc[1]
	}
	if last < len(text) {
		elems = append(elems, map[string]any{"type": "text", "text": text[last:]})
	}
	return []any{map[string]any{
		"type":     "rich_text",
		"block_id": blockID(ts),
		"elements": []any{map[string]any{"type": "rich_text_section", "elements": elems}},
	}}
}

// clientMsgID is a stable UUID-shaped id for a message typed by a person.
func clientMsgID(ts string) string {
	d := strings.ReplaceAll(ts, ".", "")
	d = strings.Repeat("0", max(0, 20-len(d))) + d
	d = d[len(d)-20:]
	return "c11e0000-" + d[:4] + "-4" + d[4:7] + "-8" + d[7:10] + "-" + d[10:]
}

func blockID(ts string) string {
	return "b" + strings.ReplaceAll(ts, ".", "")[max(0, len(ts)-5):]
}

func mustJSON(v any) json.RawMessage {
	// Callers pass maps of strings, numbers and valid raw JSON, which always
	// marshal.
	data, _ := json.Marshal(v)
	return data
}

// UserPosts stores m, posted by m.User in channel, and sends the events Slack
// would to a bot subscribed to messages and mentions: a message event, plus an
// app_mention event when the text mentions BotUserID outside a direct
// message. Like Slack, it sends
// nothing for a conversation the bot is not in. It returns the stored message
// (with its TS) and the envelope ids. It fails the test if the author is not
// a member of the channel or the message cannot be stored.
func (s *Server) UserPosts(tb testing.TB, channel string, m Message) (Message, []string) {
	tb.Helper()
	s.mu.Lock()
	var stored Message
	var err error
	if ch, ok := s.channels[channel]; ok && !ch.hasMember(m.User) {
		err = fmt.Errorf("%q is not a member of channel %s, so cannot post there", m.User, channel)
	} else {
		stored, err = s.store(channel, m)
	}
	if err != nil {
		s.mu.Unlock()
		tb.Fatalf("fakeslack: UserPosts: %v", err)
		return Message{}, nil
	}
	envs := s.messageEnvelopes(s.channels[channel], stored)
	s.mu.Unlock()
	return stored, s.deliverAll(envs)
}

// messageEnvelopes builds the events of a new message. The caller holds s.mu.
func (s *Server) messageEnvelopes(ch *channel, m Message) []*Envelope {
	if !ch.hasMember(BotUserID) {
		return nil
	}
	envs := []*Envelope{s.eventEnvelope(MessageEvent(ch.Channel, m))}
	// Slack dispatches no app_mention for a direct message, mention or
	// not: the message event is all the bot gets.
	if m.User != BotUserID && !ch.IM && mentions(m.Text, BotUserID) {
		envs = append(envs, s.eventEnvelope(AppMentionEvent(ch.Channel, m)))
	}
	return envs
}

func mentions(text, user string) bool {
	for _, sub := range mention.FindAllStringSubmatch(text, -1) {
		if sub[1] == user {
			return true
		}
	}
	return false
}

// eventEnvelope wraps an inner event with a fresh event id. The caller holds
// s.mu.
func (s *Server) eventEnvelope(inner json.RawMessage) *Envelope {
	return s.newEnvelope("events_api", EventCallback(TeamID, s.newID("Ev"), inner), false)
}

func (s *Server) deliverAll(envs []*Envelope) []string {
	ids := make([]string, len(envs))
	for i, e := range envs {
		s.deliver(e)
		ids[i] = e.ID
	}
	return ids
}

// UserEdits changes the text of message ts in channel, as its author would,
// and sends the message_changed event. It returns the envelope ids (none if
// the bot is not in the channel) and fails the test if there is no such
// message.
func (s *Server) UserEdits(tb testing.TB, channel, ts, text string) []string {
	tb.Helper()
	s.mu.Lock()
	ch, m, err := s.message(channel, ts)
	if err != nil {
		s.mu.Unlock()
		tb.Fatalf("fakeslack: UserEdits: %v", err)
		return nil
	}
	before := copyMessage(m)
	eventTS := s.newTS()
	m.Text, m.Edited = text, eventTS
	if m.BotID == "" {
		m.Blocks = nil // events derive a person's rich text from the new text
	}
	s.broadcast()
	var envs []*Envelope
	if ch.hasMember(BotUserID) {
		envs = append(envs, s.eventEnvelope(MessageChangedEvent(ch.Channel, before, copyMessage(m), eventTS)))
	}
	s.mu.Unlock()
	return s.deliverAll(envs)
}

// UserDeletes deletes message ts in channel, as its author would, and sends
// the message_deleted event. A thread parent with replies stays as a
// tombstone, as in Slack. It returns the envelope ids and fails the test if
// there is no such message.
func (s *Server) UserDeletes(tb testing.TB, channel, ts string) []string {
	tb.Helper()
	s.mu.Lock()
	ch, m, err := s.message(channel, ts)
	if err != nil {
		s.mu.Unlock()
		tb.Fatalf("fakeslack: UserDeletes: %v", err)
		return nil
	}
	before := copyMessage(m)
	s.remove(ch, m)
	var envs []*Envelope
	if ch.hasMember(BotUserID) {
		envs = append(envs, s.eventEnvelope(MessageDeletedEvent(ch.Channel, before, s.newTS())))
	}
	s.mu.Unlock()
	return s.deliverAll(envs)
}

// UserReacts adds user's reaction (an emoji name such as "white_check_mark")
// to message ts in channel and sends the reaction_added event. It returns the
// envelope ids and fails the test if there is no such message or user, or the
// user already reacted so.
func (s *Server) UserReacts(tb testing.TB, user, channel, ts, reaction string) []string {
	tb.Helper()
	s.mu.Lock()
	ch, m, err := s.message(channel, ts)
	if err == nil && s.users[user] == nil {
		err = fmt.Errorf("user %s does not exist", user)
	}
	if err == nil && !addReaction(m, reaction, user) {
		err = fmt.Errorf("%s already reacted with %s to %s", user, reaction, ts)
	}
	if err != nil {
		s.mu.Unlock()
		tb.Fatalf("fakeslack: UserReacts: %v", err)
		return nil
	}
	s.broadcast()
	var envs []*Envelope
	if ch.hasMember(BotUserID) {
		envs = append(envs, s.eventEnvelope(ReactionAddedEvent(ch.Channel, copyMessage(m), user, reaction, s.newTS())))
	}
	s.mu.Unlock()
	return s.deliverAll(envs)
}

// message finds a stored message. The caller holds s.mu.
func (s *Server) message(channel, ts string) (*channel, *Message, error) {
	ch, ok := s.channels[channel]
	if !ok {
		return nil, nil, fmt.Errorf("channel %s does not exist", channel)
	}
	m := ch.find(ts)
	if m == nil {
		return nil, nil, fmt.Errorf("channel %s has no message %s", channel, ts)
	}
	return ch, m, nil
}

// ButtonValue finds, in a message's blocks as JSON, the value of the button
// whose action id is actionID, as a click on it would carry: in an actions
// block, or beside a section's text.
func ButtonValue(blocks, actionID string) (string, bool) {
	values := ButtonValues(blocks, actionID)
	if len(values) == 0 {
		return "", false
	}
	return values[0], true
}

// ButtonValues returns, in order, the values of every button whose action
// id is actionID in a message's blocks as JSON.
func ButtonValues(blocks, actionID string) []string {
	type button struct {
		ActionID string `json:"action_id"`
		Value    string `json:"value"`
	}
	var bs []struct {
		Elements  []button `json:"elements"`
		Accessory *button  `json:"accessory"`
	}
	if json.Unmarshal([]byte(blocks), &bs) != nil {
		return nil
	}
	var out []string
	for _, b := range bs {
		if b.Accessory != nil && b.Accessory.ActionID == actionID {
			out = append(out, b.Accessory.Value)
		}
		for _, e := range b.Elements {
			if e.ActionID == actionID {
				out = append(out, e.Value)
			}
		}
	}
	return out
}

// UserChanges replaces the user with u's id by u, as an admin's or the
// user's change would, and delivers the user_change event Slack sends to
// apps with users:read. It returns the envelope ids. It fails the test if
// u is not a user yet.
func (s *Server) UserChanges(tb testing.TB, u User) []string {
	tb.Helper()
	s.mu.Lock()
	if _, ok := s.users[u.ID]; !ok {
		s.mu.Unlock()
		tb.Fatalf("fakeslack: UserChanges: user %s does not exist (AddUser it first)", u.ID)
		return nil
	}
	s.addUser(u)
	// Slack's user_change carries the user object as users.info gives
	// it, without the locale.
	inner := mustJSON(map[string]any{"type": "user_change", "user": s.userObject(s.users[u.ID], false), "event_ts": s.newTS(), "cache_ts": s.now().Unix()})
	envs := []*Envelope{s.eventEnvelope(inner)}
	s.mu.Unlock()
	return s.deliverAll(envs)
}
