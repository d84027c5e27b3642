// Package fakeslack is an in-process Slack for tests: an httptest server that
// speaks the Web API and Socket Mode well enough for the real slack-go client
// (github.com/slack-go/slack and its socketmode package) to run against it
// unmodified, and that records every call so tests can check what a bot did.
//
// Point a client at it with
//
//	srv := fakeslack.New(t)
//	api := slack.New(fakeslack.BotToken,
//		slack.OptionAPIURL(srv.URL()),
//		slack.OptionAppLevelToken(fakeslack.AppToken))
//
// Seed the workspace with AddUser, AddChannel and AddMessage; act as its people
// with UserPosts, UserEdits, UserDeletes and UserReacts (which store the change
// and deliver the matching events over Socket Mode); change who is where with
// UserJoins, UserLeaves, ConvertChannel, ShareChannel and DeleteChannel (with
// their events sent, or lost); inspect what the bot did
// with Calls, CallsTo, Messages and Responses; and wait for it with WaitFor,
// WaitAck and WaitResponses rather than sleeping.
//
// The fake answers like Slack does where a bot can tell the difference: ok:false
// with Slack's error strings (channel_not_found, not_in_channel, user_not_found,
// invalid_auth, …), HTTP 429 with an integer Retry-After, thread metadata on
// parents, cursor pagination, and membership rules (the bot sees a private
// conversation only if it is a member of it).
//
// Web API methods served: auth.test, team.info, apps.connections.open,
// chat.postMessage, chat.postEphemeral, chat.update, chat.delete,
// chat.getPermalink, conversations.open, conversations.info,
// conversations.list, conversations.members, conversations.history,
// conversations.replies, users.info, users.list, users.conversations,
// users.getPresence, dnd.info, dnd.teamInfo, reactions.add, reactions.remove,
// reactions.get, usergroups.list and usergroups.users.list. Any other method answers unknown_method (and is recorded),
// so a test notices when a bot starts using one.
//
// Socket Mode follows slack-go's socketmode client: apps.connections.open
// returns a one-time ws:// URL on the same server, the fake sends hello and
// pings, records acks, and Disconnect makes the client reconnect. Envelopes
// sent while no client is connected wait for the next connection.
//
// Seeding methods (AddUser, AddChannel, AddMessage, UserPosts, …) report misuse
// with tb.Fatalf, so call them from the test's goroutine.
package fakeslack

import (
	"cmp"
	"encoding/json"
	"fmt"
	"maps"
	"math"
	"net/http"
	"net/http/httptest"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/gorilla/websocket"
)

// Identity of the fake workspace and of the bot installed in it. A client must
// use BotToken for Web API methods and AppToken for apps.connections.open, as
// with real Slack; any other token is answered with invalid_auth.
const (
	BotToken          = "xoxb-0000000000-fake-bot-token"
	AppToken          = "xapp-1-A0FAKE-0000000000-fake-app-token"
	VerificationToken = "fake-verification-token" // the legacy "token" field of payloads
	TeamID            = "T0FAKE"
	TeamName          = "Fake Corp"
	TeamDomain        = "fakecorp"
	AppID             = "A0FAKE"
	BotID             = "B0FAKE"
	BotUserID         = "U0BOT"
	BotName           = "nextdesk"
)

// Presence values reported by users.getPresence.
const (
	Active = "active"
	Away   = "away"
)

// User is a person (or bot) of the fake workspace.
type User struct {
	ID          string // required, e.g. "U1"
	Name        string // the handle, e.g. "alice"
	RealName    string
	DisplayName string
	Email       string
	Locale      string // e.g. "fr-FR"; users.info reports it only with include_locale
	TZ          string // IANA zone, e.g. "Europe/Paris"; tz_offset is derived from it
	Bot         bool
	Deleted     bool
	Presence    string // Active or Away; empty reports Active
	StatusEmoji string // e.g. ":palm_tree:"
	StatusText  string // e.g. "En congés"
	// DND reports the user inside their do-not-disturb hours: dnd.info then
	// says dnd_enabled with a window around the fake's current time.
	DND bool
	// TeamID is the user's own team: empty for the fake workspace's
	// (TeamID); another for a person of another organisation met in a
	// shared channel (Slack Connect).
	TeamID string
	// Guest makes the user a guest (is_restricted).
	Guest bool
}

// Channel is a conversation of the fake workspace. The bot can read and post
// in it only if BotUserID is among Members, as in Slack.
type Channel struct {
	ID       string // required, e.g. "C1" (public or private), "D1" (IM), "G1" (group DM)
	Name     string // empty for IMs
	Private  bool
	IM       bool
	MPIM     bool
	Archived bool
	Members  []string
	// ExtShared is a channel shared with another organisation (Slack
	// Connect): conversations.info says is_shared and is_ext_shared.
	ExtShared bool
}

// Type is the channel_type Slack puts in message events for c: "channel",
// "group" (private channel), "im" or "mpim".
func (c Channel) Type() string {
	switch {
	case c.IM:
		return "im"
	case c.MPIM:
		return "mpim"
	case c.Private:
		return "group"
	}
	return "channel"
}

// Message is a message stored in a conversation.
type Message struct {
	TS       string // assigned by the fake when empty
	User     string
	BotID    string // set on messages the bot posted
	Text     string
	ThreadTS string          // parent's ts for a reply; empty for a top-level message
	Blocks   json.RawMessage // Block Kit JSON array, as posted
	SubType  string          // "tombstone" once a parent with replies is deleted
	Edited   string          // ts of the last edit, empty if never edited
	// Metadata is the message metadata posted with it, as JSON
	// ({"event_type":…,"event_payload":{…}}); history and replies return
	// it when asked to with include_all_metadata.
	Metadata json.RawMessage
	// Reactions are in the order they were first added.
	Reactions []Reaction
}

// Reaction is an emoji reaction on a message and who added it.
type Reaction struct {
	Name  string
	Users []string
}

// Call is one request the fake answered.
type Call struct {
	Method string // e.g. "chat.postMessage"
	// Params holds the form values (query and body) or the top-level JSON
	// body fields; JSON values that are not strings, and form fields such as
	// "blocks", are kept as their raw JSON text. The token is not included.
	Params map[string]string
	Token  string    // the token the client sent
	Status int       // HTTP status of the answer
	Error  string    // Slack error code of an ok:false answer, empty when ok
	Time   time.Time // when the fake answered, by its clock
}

// Option configures a Server.
type Option func(*Server)

// WithClock makes the fake read the time from now instead of time.Now: message
// timestamps, DND windows and event times then follow the test's clock. The
// fake still keeps message timestamps strictly increasing.
func WithClock(now func() time.Time) Option {
	return func(s *Server) { s.now = now }
}

// WithPingInterval sets how often the fake pings Socket Mode connections
// (10s by default). slack-go reconnects when it sees no ping for its
// socketmode.OptionPingInterval (30s by default), so keep this below that.
func WithPingInterval(d time.Duration) Option {
	return func(s *Server) { s.pingInterval = d }
}

// WithBotMessageEvents makes the fake deliver, over Socket Mode, a message
// event for every message the bot posts with chat.postMessage, as Slack does
// when a bot is subscribed to message events. Off by default, so tests see
// only the events they send; turn it on to check that a bot ignores itself.
func WithBotMessageEvents() Option {
	return func(s *Server) { s.echoBotMessages = true }
}

// Server is a fake Slack workspace served over HTTP. Its methods are safe for
// concurrent use.
type Server struct {
	tb              testing.TB
	http            *httptest.Server
	now             func() time.Time
	pingInterval    time.Duration
	echoBotMessages bool
	upgrader        websocket.Upgrader

	mu       sync.Mutex
	changed  chan struct{} // closed and replaced on every change, to wake waiters
	closed   bool
	users    map[string]*User
	userIDs  []string // insertion order, for users.list
	channels map[string]*channel
	chanIDs  []string // insertion order, for conversations.list
	lastTS   int64    // microseconds of the last ts handed out
	nextID   int      // for generated ids
	calls    []Call
	faults   map[string][]fault
	outages  map[string]outage // by method: every call fails until then
	revoked  bool              // the bot token is refused
	latency  [2]time.Duration  // every Web API call waits between the two
	expired  map[string]bool   // response URLs past their 30 minutes
	delays   map[string][]time.Duration
	opened   map[string]string         // sorted member set of an IM or group DM → its id
	groups   []*UserGroup              // user groups, in creation order (usergroups.go)
	replies  map[string][]Response     // by response_url
	targets  map[string]responseTarget // by response_url
	done     chan struct{}             // closed when the server shuts down
	socket   socketState
	wg       sync.WaitGroup // socket goroutines
}

type channel struct {
	Channel
	created  int64
	messages []*Message // sorted by ts
}

type fault struct {
	status     int
	retryAfter time.Duration
}

type outage struct {
	until  time.Time
	status int
}

// New starts a fake Slack that tb.Cleanup shuts down (closing any Socket Mode
// connection first). The workspace starts with the bot user only.
func New(tb testing.TB, opts ...Option) *Server {
	tb.Helper()
	s := &Server{
		tb:           tb,
		now:          time.Now,
		pingInterval: 10 * time.Second,
		changed:      make(chan struct{}),
		users:        map[string]*User{},
		channels:     map[string]*channel{},
		faults:       map[string][]fault{},
		outages:      map[string]outage{},
		expired:      map[string]bool{},
		delays:       map[string][]time.Duration{},
		opened:       map[string]string{},
		replies:      map[string][]Response{},
		targets:      map[string]responseTarget{},
		done:         make(chan struct{}),
		upgrader:     websocket.Upgrader{CheckOrigin: func(*http.Request) bool { return true }},
		socket:       newSocketState(),
	}
	for _, opt := range opts {
		opt(s)
	}
	s.addUser(User{ID: BotUserID, Name: BotName, RealName: BotName, Bot: true})

	mux := http.NewServeMux()
	mux.HandleFunc("/api/{method}", s.serveAPI)
	mux.HandleFunc("/link/", s.serveSocket)
	mux.HandleFunc("/response/{id}", s.serveResponseURL)
	s.http = httptest.NewServer(mux)
	tb.Cleanup(s.close)
	return s
}

// URL is the Web API base URL, ending in "/api/", for slack.OptionAPIURL.
func (s *Server) URL() string { return s.http.URL + "/api/" }

func (s *Server) close() {
	s.mu.Lock()
	s.closed = true
	close(s.done)
	conns := s.socket.live()
	s.mu.Unlock()
	for _, c := range conns {
		c.close()
	}
	s.wg.Wait()
	s.http.Close()
}

// AddUser adds u to the workspace, replacing any user with the same ID. It
// fails the test if u has no ID.
func (s *Server) AddUser(u User) {
	s.tb.Helper()
	if u.ID == "" {
		s.tb.Fatalf("fakeslack: AddUser: user %q has no ID", u.Name)
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.addUser(u)
}

func (s *Server) addUser(u User) {
	if _, ok := s.users[u.ID]; !ok {
		s.userIDs = append(s.userIDs, u.ID)
	}
	u.Presence = cmp.Or(u.Presence, Active)
	s.users[u.ID] = &u
	s.broadcast()
}

// AddChannel adds c to the workspace, replacing any channel with the same ID
// (and its messages). It fails the test if c has no ID, names a member that is
// not a user, or is an IM without exactly two members.
func (s *Server) AddChannel(c Channel) {
	s.tb.Helper()
	if err := s.addChannel(c); err != nil {
		s.tb.Fatalf("fakeslack: AddChannel: %v", err)
	}
}

func (s *Server) addChannel(c Channel) error {
	if c.ID == "" {
		return fmt.Errorf("channel %q has no ID", c.Name)
	}
	if c.IM && len(c.Members) != 2 {
		return fmt.Errorf("IM %s has %d members, want 2", c.ID, len(c.Members))
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, m := range c.Members {
		if _, ok := s.users[m]; !ok {
			return fmt.Errorf("channel %s: member %s is not a user (AddUser it first)", c.ID, m)
		}
	}
	if _, ok := s.channels[c.ID]; !ok {
		s.chanIDs = append(s.chanIDs, c.ID)
	}
	c.Members = slices.Clone(c.Members)
	s.channels[c.ID] = &channel{Channel: c, created: s.now().Unix()}
	if c.IM || c.MPIM {
		s.opened[memberKey(c.Members)] = c.ID
	}
	s.broadcast()
	return nil
}

// AddMessage stores m in channel as if it had been posted earlier, without
// delivering any event, and returns it with its TS (assigned when empty). It
// fails the test if the channel is unknown, the TS is taken or malformed, or
// the thread parent does not exist.
func (s *Server) AddMessage(channel string, m Message) Message {
	s.tb.Helper()
	s.mu.Lock()
	defer s.mu.Unlock()
	stored, err := s.store(channel, m)
	if err != nil {
		s.tb.Fatalf("fakeslack: AddMessage: %v", err)
		return Message{}
	}
	return stored
}

// store adds m to a channel, assigning a ts, and returns a copy. The caller
// holds s.mu.
func (s *Server) store(channelID string, m Message) (Message, error) {
	ch, ok := s.channels[channelID]
	if !ok {
		return Message{}, fmt.Errorf("channel %s does not exist (AddChannel it first)", channelID)
	}
	if m.TS == "" {
		m.TS = s.newTS()
	} else {
		micros, err := parseTS(m.TS)
		if err != nil {
			return Message{}, fmt.Errorf("channel %s: %w", channelID, err)
		}
		if ch.find(m.TS) != nil {
			return Message{}, fmt.Errorf("channel %s: a message with ts %s already exists", channelID, m.TS)
		}
		s.lastTS = max(s.lastTS, micros)
	}
	if m.ThreadTS == m.TS {
		m.ThreadTS = ""
	}
	if m.ThreadTS != "" {
		if parent := ch.find(m.ThreadTS); parent == nil || parent.ThreadTS != "" {
			return Message{}, fmt.Errorf("channel %s: thread parent %s does not exist or is itself a reply", channelID, m.ThreadTS)
		}
	}
	if len(m.Blocks) > 0 && !json.Valid(m.Blocks) {
		return Message{}, fmt.Errorf("channel %s: blocks of message %s are not valid JSON", channelID, m.TS)
	}
	if len(m.Metadata) > 0 && !json.Valid(m.Metadata) {
		return Message{}, fmt.Errorf("channel %s: metadata of message %s is not valid JSON", channelID, m.TS)
	}
	m.Blocks = slices.Clone(m.Blocks)
	m.Metadata = slices.Clone(m.Metadata)
	m.Reactions = cloneReactions(m.Reactions)
	stored := m
	i, _ := slices.BinarySearchFunc(ch.messages, m.TS, func(x *Message, ts string) int { return compareTS(x.TS, ts) })
	ch.messages = slices.Insert(ch.messages, i, &stored)
	s.broadcast()
	return copyMessage(&stored), nil
}

// Messages returns the messages of channel, thread replies included, oldest
// first. It returns nil for an unknown channel.
func (s *Server) Messages(channel string) []Message {
	s.mu.Lock()
	defer s.mu.Unlock()
	ch, ok := s.channels[channel]
	if !ok {
		return nil
	}
	out := make([]Message, len(ch.messages))
	for i, m := range ch.messages {
		out[i] = copyMessage(m)
	}
	return out
}

// Channel returns the channel with the given id as the fake holds it now
// (members of IMs opened by the bot included), and whether it exists.
func (s *Server) Channel(id string) (Channel, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	ch, ok := s.channels[id]
	if !ok {
		return Channel{}, false
	}
	c := ch.Channel
	c.Members = slices.Clone(c.Members)
	return c, true
}

// Calls returns every call answered so far, in order.
func (s *Server) Calls() []Call {
	s.mu.Lock()
	defer s.mu.Unlock()
	return cloneCalls(s.calls, "")
}

// CallsTo returns the calls to one Web API method, in order.
func (s *Server) CallsTo(method string) []Call {
	s.mu.Lock()
	defer s.mu.Unlock()
	return cloneCalls(s.calls, method)
}

func cloneCalls(calls []Call, method string) []Call {
	var out []Call
	for _, c := range calls {
		if method == "" || c.Method == method {
			c.Params = maps.Clone(c.Params)
			out = append(out, c)
		}
	}
	return out
}

// WaitFor blocks until at least n calls to method have been answered and
// returns all calls to it. It fails the test after timeout.
func (s *Server) WaitFor(tb testing.TB, method string, n int, timeout time.Duration) []Call {
	tb.Helper()
	var got []Call
	s.waitUntil(tb, timeout, func() bool {
		got = cloneCalls(s.calls, method)
		return len(got) >= n
	}, func() string {
		return fmt.Sprintf("%d calls to %s, got %d", n, method, len(got))
	})
	return got
}

// FailNext makes the next n calls to method fail with HTTP status: 429 comes
// with a Retry-After header of retryAfter rounded up to whole seconds (Slack
// and slack-go use integer seconds, so a client that retries waits at least 1s
// per retry); any other status comes with a plain-text body. Failed calls are
// recorded but have no effect.
func (s *Server) FailNext(method string, n int, status int, retryAfter time.Duration) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for range n {
		s.faults[method] = append(s.faults[method], fault{status: status, retryAfter: retryAfter})
	}
}

// FailFor makes every call to method fail with HTTP status for the next d,
// as an outage of that part of Slack would (503 from conversations.info,
// say). Failed calls are recorded but have no effect.
func (s *Server) FailFor(method string, d time.Duration, status int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.outages[method] = outage{until: time.Now().Add(d), status: status}
}

// SetLatency makes every Web API call wait a random time between least and
// most before it is answered, as real Slack takes tens to hundreds of
// milliseconds: work that calls Slack then stays under way long enough
// for a test to interrupt it.
func (s *Server) SetLatency(least, most time.Duration) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.latency = [2]time.Duration{least, max(least, most)}
}

// RevokeToken makes Slack refuse the bot token, as after tokens_revoked or
// an uninstall: every Web API call made with it answers token_revoked,
// until RestoreToken.
func (s *Server) RevokeToken() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.revoked = true
}

// RestoreToken makes Slack accept the bot token again, as after the app
// is reinstalled with the same token.
func (s *Server) RestoreToken() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.revoked = false
}

// ExpireResponseURL makes responseURL refuse posts from now on, as Slack's
// do 30 minutes after the command or click that gave them.
func (s *Server) ExpireResponseURL(responseURL string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.expired[responseURL] = true
}

// SlowNext makes the next n calls to method wait delay before being handled.
// The call still takes effect after the delay even if the client gave up, as a
// slow Slack would: a bot that retries on timeout may then post twice.
func (s *Server) SlowNext(method string, n int, delay time.Duration) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for range n {
		s.delays[method] = append(s.delays[method], delay)
	}
}

// broadcast wakes every waiter. The caller holds s.mu.
func (s *Server) broadcast() {
	close(s.changed)
	s.changed = make(chan struct{})
}

// waitUntil calls cond under s.mu each time the state changes, until it
// returns true or timeout passes; then it fails tb with want's description.
func (s *Server) waitUntil(tb testing.TB, timeout time.Duration, cond func() bool, want func() string) {
	tb.Helper()
	timer := time.NewTimer(timeout)
	defer timer.Stop()
	for {
		s.mu.Lock()
		ok := cond()
		changed := s.changed
		s.mu.Unlock()
		if ok {
			return
		}
		select {
		case <-changed:
		case <-timer.C:
			s.mu.Lock()
			msg := want()
			s.mu.Unlock()
			tb.Fatalf("fakeslack: waited %v for %s", timeout, msg)
			return
		}
	}
}

// newTS hands out a Slack timestamp ("seconds.micros") from the clock, strictly
// after every ts seen so far. The caller holds s.mu.
func (s *Server) newTS() string {
	s.lastTS = max(s.lastTS+1, s.now().UnixMicro())
	return formatTS(s.lastTS)
}

// newID returns a fresh id with the given prefix. The caller holds s.mu.
func (s *Server) newID(prefix string) string {
	s.nextID++
	return fmt.Sprintf("%s%07d", prefix, s.nextID)
}

func formatTS(micros int64) string {
	return fmt.Sprintf("%d.%06d", micros/1e6, micros%1e6)
}

// parseTS reads a Slack timestamp into microseconds.
func parseTS(ts string) (int64, error) {
	sec, frac, ok := strings.Cut(ts, ".")
	if !ok || len(frac) != 6 {
		return 0, fmt.Errorf("ts %q is not of the form seconds.micros (e.g. 1700000000.000100)", ts)
	}
	s, err1 := strconv.ParseInt(sec, 10, 64)
	f, err2 := strconv.ParseInt(frac, 10, 64)
	if err1 != nil || err2 != nil || s < 0 || f < 0 || s > math.MaxInt64/1_000_000-1 {
		return 0, fmt.Errorf("ts %q is not of the form seconds.micros (e.g. 1700000000.000100)", ts)
	}
	return s*1e6 + f, nil
}

// compareTS orders timestamps numerically, treating malformed ones as zero.
func compareTS(a, b string) int {
	x, _ := parseTS(a)
	y, _ := parseTS(b)
	switch {
	case x < y:
		return -1
	case x > y:
		return 1
	}
	return 0
}

func (ch *channel) find(ts string) *Message {
	for _, m := range ch.messages {
		if m.TS == ts {
			return m
		}
	}
	return nil
}

func (ch *channel) hasMember(id string) bool { return slices.Contains(ch.Members, id) }

// replies returns the replies to parent, oldest first.
func (ch *channel) replies(parent string) []*Message {
	var out []*Message
	for _, m := range ch.messages {
		if m.ThreadTS == parent {
			out = append(out, m)
		}
	}
	return out
}

func copyMessage(m *Message) Message {
	c := *m
	c.Blocks = slices.Clone(m.Blocks)
	c.Metadata = slices.Clone(m.Metadata)
	c.Reactions = cloneReactions(m.Reactions)
	return c
}

func cloneReactions(rs []Reaction) []Reaction {
	if rs == nil {
		return nil
	}
	out := make([]Reaction, len(rs))
	for i, r := range rs {
		out[i] = Reaction{Name: r.Name, Users: slices.Clone(r.Users)}
	}
	return out
}

// memberKey identifies a set of members regardless of order.
func memberKey(members []string) string {
	s := slices.Clone(members)
	slices.Sort(s)
	return strings.Join(slices.Compact(s), ",")
}
