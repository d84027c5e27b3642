package fakeslack

import (
	"encoding/json"
	"fmt"
	"net/http"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/gorilla/websocket"
)

// Envelope is a Socket Mode message the fake sent, in the shape slack-go's
// socketmode.Request decodes.
type Envelope struct {
	ID                     string          `json:"envelope_id"`
	Type                   string          `json:"type"` // "events_api", "slash_commands" or "interactive"
	Payload                json.RawMessage `json:"payload"`
	AcceptsResponsePayload bool            `json:"accepts_response_payload"`
	RetryAttempt           int             `json:"retry_attempt"`
	RetryReason            string          `json:"retry_reason"`
}

// Ack is a client's acknowledgement of an envelope.
type Ack struct {
	EnvelopeID string
	Payload    json.RawMessage // nil when the client acked without a payload
	Time       time.Time
}

type socketState struct {
	tickets   map[string]bool // issued by apps.connections.open, not yet used
	conns     []*wsConn       // open and not told to disconnect, oldest first
	accepted  int
	envelopes map[string]*Envelope
	pending   []*Envelope // sent while no connection could take them
	acks      map[string]Ack
}

func newSocketState() socketState {
	return socketState{tickets: map[string]bool{}, envelopes: map[string]*Envelope{}, acks: map[string]Ack{}}
}

// live returns the open connections. The caller holds s.mu.
func (st *socketState) live() []*wsConn { return slices.Clone(st.conns) }

// current is the connection new envelopes go to: the newest. The caller holds
// s.mu.
func (st *socketState) current() *wsConn {
	if len(st.conns) == 0 {
		return nil
	}
	return st.conns[len(st.conns)-1]
}

// appsConnectionsOpen hands out a one-time WebSocket URL on this server.
func (s *Server) appsConnectionsOpen(*request) (result, string) {
	ticket := s.newID("ticket-")
	s.socket.tickets[ticket] = true
	url := "ws" + strings.TrimPrefix(s.http.URL, "http") + "/link/?ticket=" + ticket + "&app_id=" + AppID
	return result{"url": url}, ""
}

type wsConn struct {
	s       *Server
	ws      *websocket.Conn
	writeMu sync.Mutex // gorilla/websocket allows one writer at a time
	done    chan struct{}
	once    sync.Once
}

func (s *Server) serveSocket(w http.ResponseWriter, r *http.Request) {
	ticket := r.URL.Query().Get("ticket")
	s.mu.Lock()
	ok := s.socket.tickets[ticket] && !s.closed
	delete(s.socket.tickets, ticket)
	s.mu.Unlock()
	if !ok {
		http.Error(w, "unknown or used ticket: call apps.connections.open for a new URL", http.StatusUnauthorized)
		return
	}
	ws, err := s.upgrader.Upgrade(w, r, nil)
	if err != nil {
		return // Upgrade already answered the client
	}
	c := &wsConn{s: s, ws: ws, done: make(chan struct{})}

	// Hold the write lock until hello is out and the connection is listed, so
	// that no envelope overtakes hello.
	c.writeMu.Lock()
	s.mu.Lock()
	if s.closed {
		s.mu.Unlock()
		c.writeMu.Unlock()
		c.close()
		return
	}
	s.socket.accepted++
	hello := map[string]any{
		"type":            "hello",
		"num_connections": len(s.socket.conns) + 1,
		"debug_info":      map[string]any{"host": "applink-fake", "build_number": 1, "approximate_connection_time": 18060},
		"connection_info": map[string]any{"app_id": AppID},
	}
	s.wg.Add(2)
	s.mu.Unlock()

	err = c.writeJSON(hello)
	s.mu.Lock()
	if err == nil {
		s.socket.conns = append(s.socket.conns, c)
	}
	s.broadcast()
	s.mu.Unlock()
	c.writeMu.Unlock()

	go c.read()
	go c.ping()
	c.flush()
}

// writeJSON sends one text frame. The caller holds c.writeMu.
func (c *wsConn) writeJSON(v any) error {
	data, err := json.Marshal(v)
	if err != nil {
		return err
	}
	_ = c.ws.SetWriteDeadline(time.Now().Add(5 * time.Second))
	return c.ws.WriteMessage(websocket.TextMessage, data)
}

// flush sends the pending envelopes, unless c has been told to disconnect.
func (c *wsConn) flush() {
	s := c.s
	c.writeMu.Lock()
	defer c.writeMu.Unlock()
	s.mu.Lock()
	if !slices.Contains(s.socket.conns, c) {
		s.mu.Unlock()
		return
	}
	batch := s.socket.pending
	s.socket.pending = nil
	s.mu.Unlock()
	for i, e := range batch {
		if err := c.writeJSON(e); err != nil {
			s.mu.Lock()
			s.socket.pending = append(batch[i:], s.socket.pending...)
			s.mu.Unlock()
			return
		}
	}
}

// read records acks until the connection ends.
func (c *wsConn) read() {
	s := c.s
	defer s.wg.Done()
	defer c.close()
	for {
		_, data, err := c.ws.ReadMessage()
		if err != nil {
			s.mu.Lock()
			s.socket.conns = slices.DeleteFunc(s.socket.conns, func(x *wsConn) bool { return x == c })
			s.broadcast()
			s.mu.Unlock()
			return
		}
		var ack struct {
			EnvelopeID string          `json:"envelope_id"`
			Payload    json.RawMessage `json:"payload"`
		}
		if err := json.Unmarshal(data, &ack); err != nil || ack.EnvelopeID == "" {
			s.tb.Errorf("fakeslack: the client sent a Socket Mode frame that is not an ack ({\"envelope_id\":…}): %.200q", data)
			continue
		}
		if string(ack.Payload) == "null" {
			ack.Payload = nil
		}
		s.mu.Lock()
		if _, seen := s.socket.acks[ack.EnvelopeID]; !seen {
			s.socket.acks[ack.EnvelopeID] = Ack{EnvelopeID: ack.EnvelopeID, Payload: ack.Payload, Time: s.now()}
		}
		s.broadcast()
		s.mu.Unlock()
	}
}

// ping keeps the client's dead-connection timer from firing, as Slack does.
func (c *wsConn) ping() {
	defer c.s.wg.Done()
	ticker := time.NewTicker(c.s.pingInterval)
	defer ticker.Stop()
	for {
		if err := c.ws.WriteControl(websocket.PingMessage, nil, time.Now().Add(5*time.Second)); err != nil {
			return
		}
		select {
		case <-ticker.C:
		case <-c.done:
			return
		}
	}
}

func (c *wsConn) close() {
	c.once.Do(func() {
		close(c.done)
		_ = c.ws.Close()
	})
}

// Connections returns how many Socket Mode connections have been opened so
// far, reconnections included.
func (s *Server) Connections() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.socket.accepted
}

// WaitConnections blocks until n Socket Mode connections have been opened and
// the newest is ready for envelopes. It fails the test after timeout.
func (s *Server) WaitConnections(tb testing.TB, n int, timeout time.Duration) {
	tb.Helper()
	s.waitUntil(tb, timeout, func() bool {
		return s.socket.accepted >= n && len(s.socket.conns) > 0
	}, func() string {
		return fmt.Sprintf("%d Socket Mode connections, got %d (%d open)", n, s.socket.accepted, len(s.socket.conns))
	})
}

// Disconnect tells every connected client to reconnect, as Slack does
// routinely: it sends {"type":"disconnect","reason":"refresh_requested"}, gives
// the client a second to hang up, then closes the connection. Envelopes sent
// meanwhile wait for the next connection.
func (s *Server) Disconnect() {
	s.mu.Lock()
	conns := s.socket.live()
	s.socket.conns = nil
	s.broadcast()
	s.mu.Unlock()
	msg := map[string]any{"type": "disconnect", "reason": "refresh_requested", "debug_info": map[string]any{"host": "applink-fake"}}
	for _, c := range conns {
		c.writeMu.Lock()
		err := c.writeJSON(msg)
		c.writeMu.Unlock()
		if err == nil {
			select {
			case <-c.done:
			case <-time.After(time.Second):
			}
		}
		c.close()
	}
}

// newEnvelope registers an envelope with a fresh id. The caller holds s.mu.
func (s *Server) newEnvelope(typ string, payload json.RawMessage, acceptsResponse bool) *Envelope {
	s.nextID++
	e := &Envelope{
		ID:                     fmt.Sprintf("%08x-fa4e-4c1a-8000-%012x", s.nextID, s.nextID),
		Type:                   typ,
		Payload:                payload,
		AcceptsResponsePayload: acceptsResponse,
	}
	s.socket.envelopes[e.ID] = e
	return e
}

// deliver sends e to the newest connection, or keeps it for the next one.
func (s *Server) deliver(e *Envelope) {
	s.mu.Lock()
	s.socket.pending = append(s.socket.pending, e)
	c := s.socket.current()
	s.mu.Unlock()
	if c != nil {
		c.flush()
	}
}

// SendEnvelope sends a Socket Mode envelope of the given type ("events_api",
// "slash_commands", "interactive") carrying payload, which must be JSON, and
// returns its id. With no client connected, it is delivered on the next
// connection. It fails the test if payload is not valid JSON.
func (s *Server) SendEnvelope(tb testing.TB, typ string, payload json.RawMessage, acceptsResponse bool) string {
	tb.Helper()
	if !json.Valid(payload) {
		tb.Fatalf("fakeslack: SendEnvelope(%s): payload is not valid JSON: %.200q", typ, payload)
		return ""
	}
	s.mu.Lock()
	e := s.newEnvelope(typ, payload, acceptsResponse)
	s.mu.Unlock()
	s.deliver(e)
	return e.ID
}

// SendEvent sends an Events API payload (see EventCallback) over Socket Mode
// and returns the envelope id.
func (s *Server) SendEvent(tb testing.TB, payload json.RawMessage) string {
	tb.Helper()
	return s.SendEnvelope(tb, "events_api", payload, false)
}

// Redeliver sends envelope id again, as Slack does when an ack is late: same
// payload (so the same event_id), retry_attempt one higher, retry_reason
// "timeout", and a fresh envelope id, which it returns. It fails the test if
// the fake never sent id.
func (s *Server) Redeliver(tb testing.TB, id string) string {
	tb.Helper()
	s.mu.Lock()
	old, ok := s.socket.envelopes[id]
	if !ok {
		s.mu.Unlock()
		tb.Fatalf("fakeslack: Redeliver: no envelope %q was sent", id)
		return ""
	}
	e := s.newEnvelope(old.Type, old.Payload, old.AcceptsResponsePayload)
	e.RetryAttempt = old.RetryAttempt + 1
	e.RetryReason = "timeout"
	s.mu.Unlock()
	s.deliver(e)
	return e.ID
}

// Envelope returns the envelope sent with id, and whether there was one.
func (s *Server) Envelope(id string) (Envelope, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	e, ok := s.socket.envelopes[id]
	if !ok {
		return Envelope{}, false
	}
	return *e, true
}

// Acked reports whether the client has acknowledged envelope id.
func (s *Server) Acked(id string) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	_, ok := s.socket.acks[id]
	return ok
}

// WaitAck blocks until the client acknowledges envelope id and returns the
// ack. It fails the test after timeout.
func (s *Server) WaitAck(tb testing.TB, id string, timeout time.Duration) Ack {
	tb.Helper()
	var ack Ack
	s.waitUntil(tb, timeout, func() bool {
		var ok bool
		ack, ok = s.socket.acks[id]
		return ok
	}, func() string { return "an ack of envelope " + id })
	return ack
}
