package fakeslack

import (
	"cmp"
	"encoding/json"
	"io"
	"net/http"
	"net/url"
	"slices"
	"testing"
	"time"
)

// Response is one message a bot posted to a response_url.
type Response struct {
	Text            string
	ResponseType    string // "ephemeral" (Slack's default) or "in_channel"
	ReplaceOriginal bool
	DeleteOriginal  bool
	ThreadTS        string
	Blocks          json.RawMessage
	Body            json.RawMessage // the whole JSON body
	Time            time.Time
}

// responseTarget is what a response_url acts on: the channel of the slash
// command or interaction, and for an interaction the message it came from.
type responseTarget struct {
	channel, ts string
}

// maxResponseUses is how many times Slack lets an app post to a response_url.
const maxResponseUses = 5

// ResponseURL returns the response_url with the given id: a URL of the fake
// that records what is posted to it. Slash commands and interactions sent over
// Socket Mode use their envelope id.
func (s *Server) ResponseURL(id string) string { return s.http.URL + "/response/" + url.PathEscape(id) }

// serveResponseURL acts like Slack's response_url: ephemeral replies are only
// recorded; in_channel replies are posted in the channel; replace_original and
// delete_original change the message an interaction came from.
func (s *Server) serveResponseURL(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodPost {
		http.Error(w, "response_url takes POST", http.StatusMethodNotAllowed)
		return
	}
	body, err := io.ReadAll(io.LimitReader(r.Body, 1<<20))
	var msg struct {
		Text            string          `json:"text"`
		ResponseType    string          `json:"response_type"`
		ReplaceOriginal bool            `json:"replace_original"`
		DeleteOriginal  bool            `json:"delete_original"`
		ThreadTS        string          `json:"thread_ts"`
		Blocks          json.RawMessage `json:"blocks"`
	}
	if err != nil || json.Unmarshal(body, &msg) != nil {
		writeJSON(w, http.StatusBadRequest, result{"ok": false, "error": "invalid_payload"})
		return
	}
	if len(msg.Blocks) > 0 && string(msg.Blocks) != "null" {
		if problems := ValidateBlocks(msg.Blocks); len(problems) > 0 {
			writeJSON(w, http.StatusBadRequest, result{"ok": false, "error": "invalid_blocks", "errors": problems})
			return
		}
	} else {
		msg.Blocks = nil
	}
	key := s.ResponseURL(r.PathValue("id"))

	s.mu.Lock()
	defer s.mu.Unlock()
	if s.expired[key] {
		writeJSON(w, http.StatusNotFound, result{"ok": false, "error": "expired_url"})
		return
	}
	if len(s.replies[key]) >= maxResponseUses {
		writeJSON(w, http.StatusNotFound, result{"ok": false, "error": "used_url"})
		return
	}
	s.replies[key] = append(s.replies[key], Response{
		Text:            msg.Text,
		ResponseType:    cmp.Or(msg.ResponseType, "ephemeral"),
		ReplaceOriginal: msg.ReplaceOriginal,
		DeleteOriginal:  msg.DeleteOriginal,
		ThreadTS:        msg.ThreadTS,
		Blocks:          slices.Clone(msg.Blocks),
		Body:            body,
		Time:            s.now(),
	})
	if t, ok := s.targets[key]; ok {
		s.applyResponse(t, msg.Text, msg.Blocks, msg.ResponseType, msg.ReplaceOriginal, msg.DeleteOriginal, msg.ThreadTS)
	}
	s.broadcast()
	writeJSON(w, http.StatusOK, result{"ok": true})
}

// applyResponse changes the workspace as a response_url post does. The caller
// holds s.mu.
func (s *Server) applyResponse(t responseTarget, text string, blocks json.RawMessage, typ string, replace, del bool, thread string) {
	ch, ok := s.channels[t.channel]
	if !ok {
		return
	}
	if orig := ch.find(t.ts); orig != nil && (replace || del) {
		if del {
			s.remove(ch, orig)
			return
		}
		orig.Text, orig.Blocks = text, slices.Clone(blocks)
		return
	}
	if typ == "in_channel" {
		_, _ = s.store(ch.ID, Message{User: BotUserID, BotID: BotID, Text: text, Blocks: blocks, ThreadTS: thread})
	}
}

// Responses returns what was posted to responseURL, oldest first.
func (s *Server) Responses(responseURL string) []Response {
	s.mu.Lock()
	defer s.mu.Unlock()
	return slices.Clone(s.replies[responseURL])
}

// WaitResponses blocks until at least n messages have been posted to
// responseURL and returns them. It fails the test after timeout.
func (s *Server) WaitResponses(tb testing.TB, responseURL string, n int, timeout time.Duration) []Response {
	tb.Helper()
	var got []Response
	s.waitUntil(tb, timeout, func() bool {
		got = slices.Clone(s.replies[responseURL])
		return len(got) >= n
	}, func() string {
		return "responses posted to " + responseURL
	})
	return got
}

// SlashCommand is a slash command invocation. Empty fields that Slack always
// fills are completed from the workspace by SlashCommandForm and
// SendSlashCommand.
type SlashCommand struct {
	Command     string // e.g. "/ask"
	Text        string
	UserID      string
	ChannelID   string
	UserName    string // defaults to the user's Name
	ChannelName string // defaults to the channel's name ("directmessage" for an IM)
	ResponseURL string // defaults to a fresh ResponseURL
	TriggerID   string // defaults to a fresh id
}

// complete fills what Slack always sends. The caller holds s.mu.
func (s *Server) complete(cmd SlashCommand, responseID string) map[string]string {
	if u, ok := s.users[cmd.UserID]; ok && cmd.UserName == "" {
		cmd.UserName = u.Name
	}
	if ch, ok := s.channels[cmd.ChannelID]; ok && cmd.ChannelName == "" {
		cmd.ChannelName = ch.Name
		switch {
		case ch.IM:
			cmd.ChannelName = "directmessage"
		case ch.MPIM:
			cmd.ChannelName = "mpdm"
		}
	}
	if cmd.ResponseURL == "" {
		cmd.ResponseURL = s.ResponseURL(responseID)
	}
	if cmd.TriggerID == "" {
		cmd.TriggerID = s.newID("trigger-")
	}
	s.targets[cmd.ResponseURL] = responseTarget{channel: cmd.ChannelID}
	return map[string]string{
		"token":                 VerificationToken,
		"team_id":               TeamID,
		"team_domain":           TeamDomain,
		"channel_id":            cmd.ChannelID,
		"channel_name":          cmd.ChannelName,
		"user_id":               cmd.UserID,
		"user_name":             cmd.UserName,
		"command":               cmd.Command,
		"text":                  cmd.Text,
		"api_app_id":            AppID,
		"is_enterprise_install": "false",
		"response_url":          cmd.ResponseURL,
		"trigger_id":            cmd.TriggerID,
	}
}

// SlashCommandForm returns the form body Slack posts to a slash command's
// request URL (see PostSlashCommand). Read its response_url value to find
// what the bot posts there.
func (s *Server) SlashCommandForm(cmd SlashCommand) url.Values {
	s.mu.Lock()
	defer s.mu.Unlock()
	form := url.Values{}
	for k, v := range s.complete(cmd, s.newID("R")) {
		form.Set(k, v)
	}
	return form
}

// SendSlashCommand sends cmd over Socket Mode, with accepts_response_payload
// set as Slack does, and returns the envelope id. An empty ResponseURL becomes
// ResponseURL(envelope id).
func (s *Server) SendSlashCommand(tb testing.TB, cmd SlashCommand) string {
	tb.Helper()
	s.mu.Lock()
	e := s.newEnvelope("slash_commands", nil, true)
	e.Payload = mustJSON(s.complete(cmd, e.ID))
	s.mu.Unlock()
	s.deliver(e)
	return e.ID
}

// Action is one element of a block_actions payload: the button (or other
// element) that was used.
type Action struct {
	ActionID string
	BlockID  string
	Value    string
	Type     string // defaults to "button"
	Text     string // the button's label
}

// BlockActions is a click on an interactive element of a message.
type BlockActions struct {
	User        string
	Channel     string
	MessageTS   string // the message holding the element
	Actions     []Action
	ResponseURL string // defaults to a fresh ResponseURL
	TriggerID   string // defaults to a fresh id
}

// blockActions builds the payload. The caller holds s.mu.
func (s *Server) blockActions(b BlockActions, responseID string) json.RawMessage {
	b.ResponseURL = cmp.Or(b.ResponseURL, s.ResponseURL(responseID))
	b.TriggerID = cmp.Or(b.TriggerID, s.newID("trigger-"))
	s.targets[b.ResponseURL] = responseTarget{channel: b.Channel, ts: b.MessageTS}
	actionTS := s.newTS()
	var actions []any
	for _, a := range b.Actions {
		actions = append(actions, map[string]any{
			"type":      cmp.Or(a.Type, "button"),
			"action_id": a.ActionID,
			"block_id":  a.BlockID,
			"value":     a.Value,
			"text":      map[string]any{"type": "plain_text", "text": a.Text, "emoji": true},
			"action_ts": actionTS,
		})
	}
	user := map[string]any{"id": b.User, "team_id": TeamID}
	if u, ok := s.users[b.User]; ok {
		user["username"], user["name"] = u.Name, u.Name
	}
	channel := map[string]any{"id": b.Channel}
	container := map[string]any{"type": "message", "message_ts": b.MessageTS, "channel_id": b.Channel, "is_ephemeral": true}
	p := map[string]any{
		"type":                  "block_actions",
		"user":                  user,
		"api_app_id":            AppID,
		"token":                 VerificationToken,
		"container":             container,
		"trigger_id":            b.TriggerID,
		"team":                  map[string]any{"id": TeamID, "domain": TeamDomain},
		"enterprise":            nil,
		"is_enterprise_install": false,
		"channel":               channel,
		"state":                 map[string]any{"values": map[string]any{}},
		"response_url":          b.ResponseURL,
		"actions":               actions,
	}
	if ch, ok := s.channels[b.Channel]; ok {
		channel["name"] = ch.Name
		if ch.IM {
			channel["name"] = "directmessage"
		}
		if m := ch.find(b.MessageTS); m != nil {
			container["is_ephemeral"] = false
			p["message"] = s.messageObject(ch, m)
		}
	}
	return mustJSON(p)
}

// BlockActionsPayload returns the block_actions payload Slack sends when b's
// user clicks: the clicked message is included as the fake holds it (an
// unknown message is taken to be ephemeral). Post it with PostInteraction.
func (s *Server) BlockActionsPayload(b BlockActions) json.RawMessage {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.blockActions(b, s.newID("R"))
}

// SendInteraction sends b as an "interactive" Socket Mode envelope and returns
// its id. An empty ResponseURL becomes ResponseURL(envelope id).
func (s *Server) SendInteraction(tb testing.TB, b BlockActions) string {
	tb.Helper()
	s.mu.Lock()
	e := s.newEnvelope("interactive", nil, false)
	e.Payload = s.blockActions(b, e.ID)
	s.mu.Unlock()
	s.deliver(e)
	return e.ID
}
