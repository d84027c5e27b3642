package fakeslack

import (
	"cmp"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"io"
	"math"
	"math/rand/v2"
	"mime"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"
)

// request is a decoded Web API call.
type request struct {
	method string
	params map[string]string
	token  string
	// deliveries are Socket Mode envelopes to send once s.mu is released.
	deliveries []*Envelope
}

func (r *request) get(name string) string { return r.params[name] }

func (r *request) bool(name string) bool {
	v := r.params[name]
	return v == "1" || v == "true"
}

// result is the JSON body of an answer, without "ok"; code is the Slack error
// code of an ok:false answer.
type result = map[string]any

type apiMethod func(s *Server, r *request) (result, string)

// methods maps each Web API method the fake serves to its handler.
var methods = map[string]apiMethod{
	"auth.test":             (*Server).authTest,
	"team.info":             (*Server).teamInfo,
	"apps.connections.open": (*Server).appsConnectionsOpen,
	"chat.postMessage":      (*Server).chatPostMessage,
	"chat.postEphemeral":    (*Server).chatPostEphemeral,
	"chat.update":           (*Server).chatUpdate,
	"chat.delete":           (*Server).chatDelete,
	"chat.getPermalink":     (*Server).chatGetPermalink,
	"conversations.open":    (*Server).conversationsOpen,
	"conversations.info":    (*Server).conversationsInfo,
	"conversations.list":    (*Server).conversationsList,
	"conversations.members": (*Server).conversationsMembers,
	"conversations.history": (*Server).conversationsHistory,
	"conversations.replies": (*Server).conversationsReplies,
	"users.info":            (*Server).usersInfo,
	"users.list":            (*Server).usersList,
	"users.conversations":   (*Server).usersConversations,
	"users.getPresence":     (*Server).usersGetPresence,
	"dnd.info":              (*Server).dndInfo,
	"dnd.teamInfo":          (*Server).dndTeamInfo,
	"reactions.add":         (*Server).reactionsAdd,
	"reactions.remove":      (*Server).reactionsRemove,
	"reactions.get":         (*Server).reactionsGet,
}

// MaxMessageChars is the length past which Slack refuses a message text
// (msg_too_long).
const MaxMessageChars = 40000

func (s *Server) serveAPI(w http.ResponseWriter, hr *http.Request) {
	method := hr.PathValue("method")
	r, err := readRequest(method, hr)

	s.mu.Lock()
	delay, _ := pop(s.delays, method)
	if lat := s.latency; lat[1] > 0 {
		delay += lat[0] + rand.N(lat[1]-lat[0]+1)
	}
	s.mu.Unlock()
	if delay > 0 {
		timer := time.NewTimer(delay)
		select {
		case <-timer.C:
		case <-s.done:
			timer.Stop()
		}
	}

	s.mu.Lock()
	call := Call{Method: method, Params: r.params, Token: r.token, Status: http.StatusOK}
	var body result
	var code string
	f, failed := pop(s.faults, method)
	if o, ok := s.outages[method]; ok && !failed && time.Now().Before(o.until) {
		f, failed = fault{status: o.status}, true
	}
	switch {
	case failed:
		call.Status = f.status
		code = "ratelimited"
	case err != nil:
		code = "invalid_form_data"
	default:
		body, code = s.handle(r)
	}
	call.Error = code
	call.Time = s.now()
	s.calls = append(s.calls, call)
	s.broadcast()
	s.mu.Unlock()

	for _, e := range r.deliveries {
		s.deliver(e)
	}
	switch {
	case failed && f.status == http.StatusTooManyRequests:
		secs := int64(math.Ceil(f.retryAfter.Seconds()))
		w.Header().Set("Retry-After", strconv.FormatInt(secs, 10))
		writeJSON(w, f.status, result{"ok": false, "error": code})
	case failed:
		http.Error(w, http.StatusText(f.status), f.status)
	default:
		if body == nil {
			body = result{}
		}
		body["ok"] = code == ""
		if code != "" {
			body["error"] = code
		}
		writeJSON(w, http.StatusOK, body)
	}
}

// handle authenticates r and runs its method. The caller holds s.mu.
func (s *Server) handle(r *request) (result, string) {
	m, ok := methods[r.method]
	if !ok {
		return nil, "unknown_method"
	}
	want := BotToken
	if r.method == "apps.connections.open" {
		want = AppToken
	}
	switch {
	case r.token == "":
		return nil, "not_authed"
	case r.token == BotToken && s.revoked:
		return nil, "token_revoked"
	case r.token == want:
		return m(s, r)
	case r.token == BotToken || r.token == AppToken:
		return nil, "not_allowed_token_type"
	}
	return nil, "invalid_auth"
}

// readRequest decodes the parameters of a call the way Slack accepts them: form
// values in the query or an urlencoded body, or a JSON object body, with the
// token in the Authorization header or a "token" parameter.
func readRequest(method string, hr *http.Request) (*request, error) {
	r := &request{method: method, params: map[string]string{}}
	if auth, ok := strings.CutPrefix(hr.Header.Get("Authorization"), "Bearer "); ok {
		r.token = auth
	}
	ctype, _, _ := mime.ParseMediaType(hr.Header.Get("Content-Type"))
	if ctype == "application/json" {
		for k, v := range hr.URL.Query() {
			r.params[k] = v[0]
		}
		body, err := io.ReadAll(io.LimitReader(hr.Body, 10<<20))
		if err != nil {
			return r, err
		}
		if len(strings.TrimSpace(string(body))) > 0 {
			var fields map[string]json.RawMessage
			if err := json.Unmarshal(body, &fields); err != nil {
				return r, fmt.Errorf("JSON body of %s: %w", method, err)
			}
			for k, raw := range fields {
				var str string
				if json.Unmarshal(raw, &str) == nil {
					r.params[k] = str
				} else {
					r.params[k] = string(raw)
				}
			}
		}
	} else {
		if err := hr.ParseForm(); err != nil {
			return r, err
		}
		for k, v := range hr.Form {
			r.params[k] = v[0]
		}
	}
	if tok, ok := r.params["token"]; ok {
		if r.token == "" {
			r.token = tok
		}
		delete(r.params, "token")
	}
	return r, nil
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v)
}

// pop takes the first queued item for key.
func pop[T any](m map[string][]T, key string) (T, bool) {
	var zero T
	q := m[key]
	if len(q) == 0 {
		return zero, false
	}
	m[key] = q[1:]
	return q[0], true
}

// ---- identity

func (s *Server) authTest(*request) (result, string) {
	return result{
		"url":                   "https://" + TeamDomain + ".slack.com/",
		"team":                  TeamName,
		"user":                  BotName,
		"team_id":               TeamID,
		"user_id":               BotUserID,
		"bot_id":                BotID,
		"is_enterprise_install": false,
	}, ""
}

func (s *Server) teamInfo(r *request) (result, string) {
	if t := r.get("team"); t != "" && t != TeamID {
		return nil, "team_not_found"
	}
	return result{"team": result{
		"id":           TeamID,
		"name":         TeamName,
		"domain":       TeamDomain,
		"email_domain": TeamDomain + ".example",
		"icon":         result{"image_default": true},
	}}, ""
}

// ---- channels

// channelFor finds the conversation a method reads or writes: channel_not_found
// when it does not exist or is not public and the bot is not in it.
func (s *Server) channelFor(id string) (*channel, string) {
	if id == "" {
		return nil, "channel_not_found"
	}
	ch, ok := s.channels[id]
	if !ok || (!ch.public() && !ch.hasMember(BotUserID)) {
		return nil, "channel_not_found"
	}
	return ch, ""
}

// memberChannelFor is channelFor for methods that also need the bot to be a
// member: not_in_channel for a public channel it has not joined.
func (s *Server) memberChannelFor(id string) (*channel, string) {
	ch, code := s.channelFor(id)
	if code == "" && !ch.hasMember(BotUserID) {
		return nil, "not_in_channel"
	}
	return ch, code
}

// postTarget resolves the channel argument of chat.postMessage, which may also
// be "#name" or a user id (a DM with that user, opened as needed).
func (s *Server) postTarget(arg string) (*channel, string) {
	if name, ok := strings.CutPrefix(arg, "#"); ok {
		for _, id := range s.chanIDs {
			if ch := s.channels[id]; ch.Name == name {
				return s.memberChannelFor(id)
			}
		}
		return nil, "channel_not_found"
	}
	if u, ok := s.users[arg]; ok {
		id, code := s.openIM([]string{u.ID})
		if code != "" {
			return nil, code
		}
		return s.channels[id], ""
	}
	return s.memberChannelFor(arg)
}

func (c *channel) public() bool { return !c.Private && !c.IM && !c.MPIM }

func (s *Server) channelObject(ch *channel, withMembers bool) result {
	o := result{
		"id":              ch.ID,
		"created":         ch.created,
		"is_archived":     ch.Archived,
		"is_channel":      !ch.IM && !ch.MPIM,
		"is_group":        false, // legacy; modern private channels and group DMs say false
		"is_im":           ch.IM,
		"is_mpim":         ch.MPIM,
		"is_private":      ch.Private || ch.MPIM,
		"is_member":       ch.hasMember(BotUserID),
		"is_org_shared":   false,
		"is_ext_shared":   ch.ExtShared,
		"is_shared":       ch.ExtShared,
		"context_team_id": TeamID,
	}
	if ch.IM {
		user := ch.Members[0]
		if user == BotUserID {
			user = ch.Members[1]
		}
		o["user"] = user
		o["is_user_deleted"] = s.users[user].Deleted
		o["is_open"] = true
		o["priority"] = 0
		delete(o, "is_channel")
		delete(o, "is_group")
		delete(o, "is_private")
		return o
	}
	o["name"] = ch.Name
	o["name_normalized"] = ch.Name
	o["topic"] = result{"value": "", "creator": "", "last_set": 0}
	o["purpose"] = result{"value": "", "creator": "", "last_set": 0}
	if withMembers {
		o["num_members"] = len(ch.Members)
	}
	return o
}

func (s *Server) conversationsInfo(r *request) (result, string) {
	ch, code := s.channelFor(r.get("channel"))
	if code != "" {
		return nil, code
	}
	return result{"channel": s.channelObject(ch, r.bool("include_num_members"))}, ""
}

func (s *Server) conversationsMembers(r *request) (result, string) {
	ch, code := s.channelFor(r.get("channel"))
	if code != "" {
		return nil, code
	}
	page, next, code := paginate(len(ch.Members), r, 100, 1000)
	if code != "" {
		return nil, code
	}
	return result{
		"members":           slices.Clone(ch.Members[page.start:page.end]),
		"response_metadata": result{"next_cursor": next},
	}, ""
}

// conversationTypes reads the "types" filter of conversations.list and
// users.conversations.
func conversationTypes(r *request) (map[string]bool, string) {
	types := map[string]bool{}
	for t := range strings.SplitSeq(cmp.Or(r.get("types"), "public_channel"), ",") {
		switch t = strings.TrimSpace(t); t {
		case "public_channel", "private_channel", "im", "mpim":
			types[t] = true
		default:
			return nil, "invalid_types"
		}
	}
	return types, ""
}

func (c *channel) kind() string {
	switch {
	case c.IM:
		return "im"
	case c.MPIM:
		return "mpim"
	case c.Private:
		return "private_channel"
	}
	return "public_channel"
}

func (s *Server) listChannels(r *request, include func(*channel) bool) (result, string) {
	types, code := conversationTypes(r)
	if code != "" {
		return nil, code
	}
	var list []*channel
	for _, id := range s.chanIDs {
		ch := s.channels[id]
		visible := ch.public() || ch.hasMember(BotUserID)
		if visible && types[ch.kind()] && include(ch) && !(r.bool("exclude_archived") && ch.Archived) {
			list = append(list, ch)
		}
	}
	page, next, code := paginate(len(list), r, 100, 1000)
	if code != "" {
		return nil, code
	}
	out := []result{}
	for _, ch := range list[page.start:page.end] {
		out = append(out, s.channelObject(ch, true))
	}
	return result{"channels": out, "response_metadata": result{"next_cursor": next}}, ""
}

func (s *Server) conversationsList(r *request) (result, string) {
	return s.listChannels(r, func(*channel) bool { return true })
}

// usersConversations lists the conversations of a user that the bot can see:
// with a bot token, Slack hides private conversations the bot is not in.
func (s *Server) usersConversations(r *request) (result, string) {
	user := cmp.Or(r.get("user"), BotUserID)
	if _, ok := s.users[user]; !ok {
		return nil, "user_not_found"
	}
	return s.listChannels(r, func(ch *channel) bool { return ch.hasMember(user) })
}

// conversationsOpen opens (or finds) the IM or group DM between the bot and
// the given users; the same set of users always gives the same id.
func (s *Server) conversationsOpen(r *request) (result, string) {
	var id string
	alreadyOpen := false
	if c := r.get("channel"); c != "" {
		ch, code := s.channelFor(c)
		if code != "" {
			return nil, code
		}
		if !ch.IM && !ch.MPIM {
			return nil, "method_not_supported_for_channel_type"
		}
		id, alreadyOpen = ch.ID, true
	} else {
		users := strings.Split(r.get("users"), ",")
		users = slices.DeleteFunc(users, func(u string) bool { return strings.TrimSpace(u) == "" })
		if len(users) == 0 {
			return nil, "users_list_not_supplied"
		}
		if len(users) > 8 {
			return nil, "too_many_users"
		}
		for i := range users {
			users[i] = strings.TrimSpace(users[i])
		}
		_, alreadyOpen = s.opened[memberKey(append([]string{BotUserID}, users...))]
		var code string
		if id, code = s.openIM(users); code != "" {
			return nil, code
		}
	}
	ch := s.channels[id]
	obj := result{"id": ch.ID}
	if r.bool("return_im") || ch.MPIM {
		obj = s.channelObject(ch, false)
	}
	out := result{"channel": obj}
	if alreadyOpen {
		out["no_op"] = true
		out["already_open"] = true
	}
	return out, ""
}

// openIM returns the IM (one user) or group DM (several) of the bot with users,
// creating it on first use. The caller holds s.mu.
func (s *Server) openIM(users []string) (string, string) {
	for _, u := range users {
		user, ok := s.users[u]
		switch {
		case !ok:
			return "", "user_not_found"
		case user.Deleted:
			return "", "user_disabled"
		case user.Bot && u != BotUserID:
			return "", "cannot_dm_bot"
		}
	}
	members := append([]string{BotUserID}, users...)
	slices.Sort(members[1:])
	members = slices.Compact(members)
	key := memberKey(members)
	if id, ok := s.opened[key]; ok {
		return id, ""
	}
	ch := Channel{Members: members}
	if len(users) == 1 {
		ch.IM = true
		ch.ID = s.newID("D")
		if len(members) == 1 { // a DM with itself
			ch.Members = []string{BotUserID, BotUserID}
		}
	} else {
		ch.MPIM = true
		ch.ID = s.newID("G")
		names := make([]string, len(members))
		for i, m := range members {
			names[i] = s.users[m].Name
		}
		slices.Sort(names)
		ch.Name = "mpdm-" + strings.Join(names, "--") + "-1"
	}
	if !slices.Contains(s.chanIDs, ch.ID) {
		s.chanIDs = append(s.chanIDs, ch.ID)
	}
	s.channels[ch.ID] = &channel{Channel: ch, created: s.now().Unix()}
	s.opened[key] = ch.ID
	return ch.ID, ""
}

// ---- messages

func (s *Server) messageObject(ch *channel, m *Message) result {
	o := result{"type": "message", "ts": m.TS, "text": m.Text, "team": TeamID}
	if m.User != "" {
		o["user"] = m.User
	}
	if m.BotID != "" {
		o["bot_id"] = m.BotID
		o["app_id"] = AppID
		o["bot_profile"] = result{"id": BotID, "app_id": AppID, "name": BotName, "team_id": TeamID, "deleted": false}
	}
	if m.SubType != "" {
		o["subtype"] = m.SubType
	}
	if len(m.Blocks) > 0 {
		o["blocks"] = json.RawMessage(m.Blocks)
	}
	if m.Edited != "" {
		o["edited"] = result{"user": m.User, "ts": m.Edited}
	}
	if m.ThreadTS != "" {
		o["thread_ts"] = m.ThreadTS
		if p := ch.find(m.ThreadTS); p != nil {
			o["parent_user_id"] = p.User
		}
	} else if replies := ch.replies(m.TS); len(replies) > 0 {
		var users []string
		for _, r := range replies {
			if !slices.Contains(users, r.User) {
				users = append(users, r.User)
			}
		}
		o["thread_ts"] = m.TS
		o["reply_count"] = len(replies)
		o["reply_users"] = users
		o["reply_users_count"] = len(users)
		o["latest_reply"] = replies[len(replies)-1].TS
		o["is_locked"] = false
		o["subscribed"] = false
	}
	if len(m.Reactions) > 0 {
		var rs []result
		for _, r := range m.Reactions {
			rs = append(rs, result{"name": r.Name, "users": slices.Clone(r.Users), "count": len(r.Users)})
		}
		o["reactions"] = rs
	}
	return o
}

// content reads and checks the text and blocks of a message being posted.
func content(r *request, required bool) (text string, blocks json.RawMessage, code string, extra result) {
	text = r.get("text")
	_, hasBlocks := r.params["blocks"]
	if required && strings.TrimSpace(text) == "" && !hasBlocks && r.get("attachments") == "" {
		return "", nil, "no_text", nil
	}
	if utf8.RuneCountInString(text) > MaxMessageChars {
		return "", nil, "msg_too_long", nil
	}
	if hasBlocks {
		blocks = json.RawMessage(r.get("blocks"))
		if problems := ValidateBlocks(blocks); len(problems) > 0 {
			msgs := make([]string, len(problems))
			for i, p := range problems {
				msgs[i] = "[ERROR] " + p
			}
			return "", nil, "invalid_blocks", result{"errors": problems, "response_metadata": result{"messages": msgs}}
		}
	}
	return text, blocks, "", nil
}

func (s *Server) chatPostMessage(r *request) (result, string) {
	ch, code := s.postTarget(r.get("channel"))
	if code != "" {
		return nil, code
	}
	if ch.Archived {
		return nil, "is_archived"
	}
	text, blocks, code, extra := content(r, true)
	if code != "" {
		return extra, code
	}
	metadata, code := messageMetadata(r)
	if code != "" {
		return nil, code
	}
	thread := r.get("thread_ts")
	if thread != "" {
		parent := ch.find(thread)
		if parent == nil {
			return nil, "thread_not_found"
		}
		if parent.ThreadTS != "" { // a reply's ts: Slack posts in its thread
			thread = parent.ThreadTS
		}
	}
	m, err := s.store(ch.ID, Message{User: BotUserID, BotID: BotID, Text: text, ThreadTS: thread, Blocks: blocks, Metadata: metadata})
	if err != nil {
		return nil, "internal_error"
	}
	if s.echoBotMessages {
		r.deliveries = append(r.deliveries, s.messageEnvelopes(ch, m)...)
	}
	return result{"channel": ch.ID, "ts": m.TS, "message": s.messageObject(ch, ch.find(m.TS))}, ""
}

// messageMetadata reads and checks the metadata of a message being posted:
// Slack refuses metadata without an event type or whose payload is not an
// object.
func messageMetadata(r *request) (json.RawMessage, string) {
	raw := r.get("metadata")
	if raw == "" {
		return nil, ""
	}
	var m struct {
		EventType    string         `json:"event_type"`
		EventPayload map[string]any `json:"event_payload"`
	}
	if err := json.Unmarshal([]byte(raw), &m); err != nil || m.EventType == "" || m.EventPayload == nil {
		return nil, "invalid_metadata_format"
	}
	return json.RawMessage(raw), ""
}

// withMetadata adds m's metadata to its message object o when the request
// asks for it with include_all_metadata, as history and replies do.
func withMetadata(o result, m *Message, r *request) result {
	if len(m.Metadata) > 0 && r.bool("include_all_metadata") {
		o["metadata"] = json.RawMessage(m.Metadata)
	}
	return o
}

func (s *Server) chatPostEphemeral(r *request) (result, string) {
	ch, code := s.memberChannelFor(r.get("channel"))
	if code != "" {
		return nil, code
	}
	user, ok := s.users[r.get("user")]
	if !ok {
		return nil, "user_not_found"
	}
	if !ch.hasMember(user.ID) {
		return nil, "user_not_in_channel"
	}
	if _, _, code, extra := content(r, true); code != "" {
		return extra, code
	}
	return result{"message_ts": s.newTS()}, ""
}

// botMessage finds a message the bot may change: message_not_found, or
// notMine when someone else wrote it.
func (s *Server) botMessage(r *request, notMine string) (*channel, *Message, string) {
	ch, code := s.memberChannelFor(r.get("channel"))
	if code != "" {
		return nil, nil, code
	}
	m := ch.find(r.get("ts"))
	if m == nil || m.SubType == "tombstone" {
		return nil, nil, "message_not_found"
	}
	if m.User != BotUserID {
		return nil, nil, notMine
	}
	return ch, m, ""
}

func (s *Server) chatUpdate(r *request) (result, string) {
	ch, m, code := s.botMessage(r, "cant_update_message")
	if code != "" {
		return nil, code
	}
	text, blocks, code, extra := content(r, false)
	if code != "" {
		return extra, code
	}
	// Slack keeps what the update leaves out.
	if _, ok := r.params["text"]; ok {
		m.Text = text
	}
	if _, ok := r.params["blocks"]; ok {
		m.Blocks = slices.Clone(blocks)
		if string(blocks) == "[]" {
			m.Blocks = nil
		}
	}
	s.broadcast()
	return result{"channel": ch.ID, "ts": m.TS, "text": m.Text, "message": s.messageObject(ch, m)}, ""
}

func (s *Server) chatDelete(r *request) (result, string) {
	ch, m, code := s.botMessage(r, "cant_delete_message")
	if code != "" {
		return nil, code
	}
	s.remove(ch, m)
	return result{"channel": ch.ID, "ts": r.get("ts")}, ""
}

// remove deletes m from ch; a thread parent with replies stays as a
// tombstone, as in Slack. The caller holds s.mu.
func (s *Server) remove(ch *channel, m *Message) {
	if m.ThreadTS == "" && len(ch.replies(m.TS)) > 0 {
		*m = Message{TS: m.TS, User: "USLACKBOT", Text: "This message was deleted.", SubType: "tombstone"}
	} else {
		ch.messages = slices.DeleteFunc(ch.messages, func(x *Message) bool { return x == m })
	}
	s.broadcast()
}

func (s *Server) chatGetPermalink(r *request) (result, string) {
	ch, code := s.channelFor(r.get("channel"))
	if code != "" {
		return nil, code
	}
	m := ch.find(r.get("message_ts"))
	if m == nil {
		return nil, "message_not_found"
	}
	link := fmt.Sprintf("https://%s.slack.com/archives/%s/p%s", TeamDomain, ch.ID, strings.ReplaceAll(m.TS, ".", ""))
	if m.ThreadTS != "" {
		link += "?thread_ts=" + m.ThreadTS + "&cid=" + ch.ID
	}
	return result{"channel": ch.ID, "permalink": link}, ""
}

// timeRange reads the oldest/latest/inclusive filter of history and replies.
func timeRange(r *request) (func(ts string) bool, string) {
	oldest, latest := int64(0), int64(math.MaxInt64)
	var err error
	if v := r.get("oldest"); v != "" && v != "0" {
		if oldest, err = parseTS(normalizeTS(v)); err != nil {
			return nil, "invalid_ts_oldest"
		}
	}
	if v := r.get("latest"); v != "" {
		if latest, err = parseTS(normalizeTS(v)); err != nil {
			return nil, "invalid_ts_latest"
		}
	}
	inclusive := r.bool("inclusive")
	return func(ts string) bool {
		t, _ := parseTS(ts)
		if inclusive {
			return oldest <= t && t <= latest
		}
		return oldest < t && t < latest
	}, ""
}

// normalizeTS accepts the "seconds" and "seconds.fraction" forms clients send
// as bounds and pads them to micros.
func normalizeTS(v string) string {
	sec, frac, _ := strings.Cut(v, ".")
	if len(frac) > 6 {
		frac = frac[:6]
	}
	return sec + "." + frac + strings.Repeat("0", 6-len(frac))
}

func (s *Server) conversationsHistory(r *request) (result, string) {
	ch, code := s.memberChannelFor(r.get("channel"))
	if code != "" {
		return nil, code
	}
	in, code := timeRange(r)
	if code != "" {
		return nil, code
	}
	var list []*Message
	for _, m := range slices.Backward(ch.messages) {
		if m.ThreadTS == "" && in(m.TS) {
			list = append(list, m)
		}
	}
	page, next, code := paginate(len(list), r, 100, 999)
	if code != "" {
		return nil, code
	}
	out := []result{}
	for _, m := range list[page.start:page.end] {
		out = append(out, withMetadata(s.messageObject(ch, m), m, r))
	}
	return result{
		"messages":          out,
		"has_more":          next != "",
		"pin_count":         0,
		"response_metadata": result{"next_cursor": next},
	}, ""
}

// conversationsReplies returns a thread: the parent first on every page, then
// its replies oldest first; limit counts replies.
func (s *Server) conversationsReplies(r *request) (result, string) {
	ch, code := s.memberChannelFor(r.get("channel"))
	if code != "" {
		return nil, code
	}
	m := ch.find(r.get("ts"))
	if m == nil {
		return nil, "thread_not_found"
	}
	in, code := timeRange(r)
	if code != "" {
		return nil, code
	}
	out := []result{withMetadata(s.messageObject(ch, m), m, r)}
	var replies []*Message
	if m.ThreadTS == "" {
		for _, reply := range ch.replies(m.TS) {
			if in(reply.TS) {
				replies = append(replies, reply)
			}
		}
	}
	page, next, code := paginate(len(replies), r, 1000, 1000)
	if code != "" {
		return nil, code
	}
	for _, reply := range replies[page.start:page.end] {
		out = append(out, withMetadata(s.messageObject(ch, reply), reply, r))
	}
	return result{
		"messages":          out,
		"has_more":          next != "",
		"response_metadata": result{"next_cursor": next},
	}, ""
}

// ---- users

func (s *Server) userObject(u *User, withLocale bool) result {
	offset, label := 0, ""
	if loc, err := time.LoadLocation(u.TZ); err == nil && u.TZ != "" {
		label, offset = s.now().In(loc).Zone()
	}
	profile := result{
		"real_name":               u.RealName,
		"real_name_normalized":    u.RealName,
		"display_name":            u.DisplayName,
		"display_name_normalized": u.DisplayName,
		"status_text":             u.StatusText,
		"status_emoji":            u.StatusEmoji,
		"status_expiration":       0,
		"team":                    cmp.Or(u.TeamID, TeamID),
		"avatar_hash":             "g0000000000",
	}
	if u.Email != "" {
		profile["email"] = u.Email
	}
	if u.Bot {
		profile["bot_id"] = BotID
		profile["api_app_id"] = AppID
		profile["always_active"] = true
	}
	o := result{
		"id":                  u.ID,
		"team_id":             cmp.Or(u.TeamID, TeamID),
		"name":                u.Name,
		"deleted":             u.Deleted,
		"real_name":           u.RealName,
		"profile":             profile,
		"is_bot":              u.Bot,
		"is_app_user":         false,
		"is_admin":            false,
		"is_owner":            false,
		"is_restricted":       u.Guest,
		"is_ultra_restricted": false,
		"updated":             s.now().Unix(),
	}
	if !u.Deleted {
		o["tz"] = cmp.Or(u.TZ, "UTC")
		o["tz_label"] = cmp.Or(label, "UTC")
		o["tz_offset"] = offset
	}
	if withLocale {
		o["locale"] = cmp.Or(u.Locale, "en-US")
	}
	return o
}

func (s *Server) usersInfo(r *request) (result, string) {
	withLocale := r.bool("include_locale")
	if list := r.get("users"); list != "" {
		var out []result
		for id := range strings.SplitSeq(list, ",") {
			u, ok := s.users[strings.TrimSpace(id)]
			if !ok {
				return nil, "user_not_found"
			}
			out = append(out, s.userObject(u, withLocale))
		}
		return result{"users": out}, ""
	}
	u, ok := s.users[r.get("user")]
	if !ok {
		return nil, "user_not_found"
	}
	return result{"user": s.userObject(u, withLocale)}, ""
}

func (s *Server) usersList(r *request) (result, string) {
	page, next, code := paginate(len(s.userIDs), r, 100, 1000)
	if code != "" {
		return nil, code
	}
	out := []result{}
	for _, id := range s.userIDs[page.start:page.end] {
		out = append(out, s.userObject(s.users[id], r.bool("include_locale")))
	}
	return result{"members": out, "cache_ts": s.now().Unix(), "response_metadata": result{"next_cursor": next}}, ""
}

// usersGetPresence reports "active" or "away"; Slack adds the details only
// when a user asks about themselves.
func (s *Server) usersGetPresence(r *request) (result, string) {
	id := cmp.Or(r.get("user"), BotUserID)
	u, ok := s.users[id]
	if !ok {
		return nil, "user_not_found"
	}
	out := result{"presence": u.Presence}
	if id == BotUserID {
		out["online"] = u.Presence == Active
		out["auto_away"] = false
		out["manual_away"] = u.Presence == Away
		out["connection_count"] = 1
	}
	return out, ""
}

// dndStatus is what Slack tells about another user's do-not-disturb hours; the
// snooze_* fields are only ever shown to the user themselves.
func (s *Server) dndStatus(u *User) result {
	if !u.DND {
		return result{"dnd_enabled": false, "next_dnd_start_ts": 1, "next_dnd_end_ts": 1}
	}
	now := s.now()
	return result{
		"dnd_enabled":       true,
		"next_dnd_start_ts": now.Add(-time.Hour).Unix(),
		"next_dnd_end_ts":   now.Add(8 * time.Hour).Unix(),
	}
}

func (s *Server) dndInfo(r *request) (result, string) {
	id := cmp.Or(r.get("user"), BotUserID)
	u, ok := s.users[id]
	if !ok {
		return nil, "user_not_found"
	}
	out := s.dndStatus(u)
	if id == BotUserID {
		out["snooze_enabled"] = false
	}
	return out, ""
}

func (s *Server) dndTeamInfo(r *request) (result, string) {
	users := result{}
	for id := range strings.SplitSeq(r.get("users"), ",") {
		if id = strings.TrimSpace(id); id == "" {
			continue
		}
		u, ok := s.users[id]
		if !ok {
			return nil, "user_not_found"
		}
		users[id] = s.dndStatus(u)
	}
	return result{"users": users}, ""
}

// ---- reactions

// reactionTarget finds the message a reactions method names.
func (s *Server) reactionTarget(r *request) (*channel, *Message, string) {
	if r.get("channel") == "" || r.get("timestamp") == "" {
		return nil, nil, "no_item_specified"
	}
	ch, code := s.memberChannelFor(r.get("channel"))
	if code != "" {
		return nil, nil, code
	}
	m := ch.find(r.get("timestamp"))
	if m == nil {
		return nil, nil, "message_not_found"
	}
	return ch, m, ""
}

func (s *Server) reactionsAdd(r *request) (result, string) {
	_, m, code := s.reactionTarget(r)
	if code != "" {
		return nil, code
	}
	name := strings.Trim(r.get("name"), ":")
	if name == "" {
		return nil, "invalid_name"
	}
	if !addReaction(m, name, BotUserID) {
		return nil, "already_reacted"
	}
	s.broadcast()
	return nil, ""
}

// addReaction records that user reacted with name, reporting false if they
// already had.
func addReaction(m *Message, name, user string) bool {
	for i, r := range m.Reactions {
		if r.Name == name {
			if slices.Contains(r.Users, user) {
				return false
			}
			m.Reactions[i].Users = append(m.Reactions[i].Users, user)
			return true
		}
	}
	m.Reactions = append(m.Reactions, Reaction{Name: name, Users: []string{user}})
	return true
}

func (s *Server) reactionsRemove(r *request) (result, string) {
	_, m, code := s.reactionTarget(r)
	if code != "" {
		return nil, code
	}
	name := strings.Trim(r.get("name"), ":")
	for i, re := range m.Reactions {
		if re.Name == name && slices.Contains(re.Users, BotUserID) {
			m.Reactions[i].Users = slices.DeleteFunc(re.Users, func(u string) bool { return u == BotUserID })
			if len(m.Reactions[i].Users) == 0 {
				m.Reactions = slices.Delete(m.Reactions, i, i+1)
			}
			s.broadcast()
			return nil, ""
		}
	}
	return nil, "no_reaction"
}

func (s *Server) reactionsGet(r *request) (result, string) {
	ch, m, code := s.reactionTarget(r)
	if code != "" {
		return nil, code
	}
	return result{"type": "message", "channel": ch.ID, "message": s.messageObject(ch, m)}, ""
}

// ---- pagination

type span struct{ start, end int }

// paginate cuts a list of n items into the page a cursor and limit ask for,
// returning the next cursor ("" on the last page).
func paginate(n int, r *request, defaultLimit, maxLimit int) (span, string, string) {
	limit := defaultLimit
	if v := r.get("limit"); v != "" && v != "0" {
		l, err := strconv.Atoi(v)
		if err != nil || l < 0 {
			return span{}, "", "invalid_limit"
		}
		limit = min(l, maxLimit)
	}
	start := 0
	if c := r.get("cursor"); c != "" {
		raw, err := base64.StdEncoding.DecodeString(c)
		off, ok := strings.CutPrefix(string(raw), "offset:")
		if err != nil || !ok {
			return span{}, "", "invalid_cursor"
		}
		if start, err = strconv.Atoi(off); err != nil || start < 0 || start > n {
			return span{}, "", "invalid_cursor"
		}
	}
	end := min(start+limit, n)
	next := ""
	if end < n {
		next = base64.StdEncoding.EncodeToString([]byte("offset:" + strconv.Itoa(end)))
	}
	return span{start, end}, next, ""
}
