package bot

import (
	"bytes"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"strconv"
	"time"

	"github.com/slack-go/slack"
	"github.com/slack-go/slack/slackevents"
)

const (
	// MaxRequestBody is the largest request body the HTTP transport reads.
	// Slack's own payloads stay far below it; anything bigger is refused
	// before it is buffered.
	MaxRequestBody = 1 << 20
	// MaxClockSkew is how far a request's timestamp may be from the local
	// clock, either way, as Slack recommends against replays.
	MaxClockSkew = 5 * time.Minute
)

// Paths of the Slack request URLs the HTTP transport serves; the manifest
// (slack/manifest-http.yaml) declares the same.
const (
	EventsPath        = "/slack/events"
	CommandsPath      = "/slack/commands"
	InteractivityPath = "/slack/interactivity"
)

// HTTPTransport receives Slack's Events API, slash commands and
// interactions over HTTP. Every request must carry a valid v0 signature made
// with the app's signing secret and a timestamp within MaxClockSkew, checked
// before anything in it is parsed; a refusal is a bare 401. A delivery that
// passes is recorded in the inbox (Dispatcher.Submit) and acknowledged with
// 200 once it is there; when the store cannot take it, the answer is 503
// and Slack sends it again.
type HTTPTransport struct {
	// Now is the clock timestamps are checked against; nil means time.Now.
	Now func() time.Time

	secret   []byte
	dispatch *Dispatcher
	metrics  *Metrics
	log      *slog.Logger
}

// NewHTTPTransport returns the HTTP transport for an app with the given
// signing secret, feeding d. Metrics and log may be nil (tests). It returns
// an error if the secret is empty, since every request would then be refused.
func NewHTTPTransport(signingSecret string, d *Dispatcher, metrics *Metrics, log *slog.Logger) (*HTTPTransport, error) {
	if signingSecret == "" {
		return nil, errors.New("http transport: the signing secret is empty")
	}
	if d == nil {
		return nil, errors.New("http transport: no dispatcher")
	}
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	return &HTTPTransport{secret: []byte(signingSecret), dispatch: d, metrics: metrics, log: log}, nil
}

// Register serves the three Slack request URLs on mux.
func (t *HTTPTransport) Register(mux *http.ServeMux) {
	mux.Handle("POST "+EventsPath, t.Events())
	mux.Handle("POST "+CommandsPath, t.Commands())
	mux.Handle("POST "+InteractivityPath, t.Interactivity())
}

// Events serves the Events API request URL: the url_verification challenge,
// event callbacks (unknown event types included: the handler decides what
// to ignore) and app_rate_limited notices, which are only logged.
func (t *HTTPTransport) Events() http.Handler {
	return t.verified(func(w http.ResponseWriter, r *http.Request, body []byte) {
		var outer struct {
			Type      string `json:"type"`
			Challenge string `json:"challenge"`
		}
		if err := json.Unmarshal(body, &outer); err != nil {
			t.malformed(w, "event", err)
			return
		}
		switch outer.Type {
		case slackevents.URLVerification:
			w.Header().Set("Content-Type", "text/plain; charset=utf-8")
			io.WriteString(w, outer.Challenge)
			return
		case slackevents.AppRateLimited:
			logRateLimited(t.log, body)
			return
		case slackevents.CallbackEvent:
		default:
			t.log.Debug("ignoring an Events API request of unknown type", "type", outer.Type)
			return
		}
		ev, key, err := parseEventCallback(body)
		if err != nil {
			t.malformed(w, "event", err)
			return
		}
		t.submit(w, r, Inbound{Key: key, Event: &ev, Payload: body})
	})
}

// Commands serves the slash command request URL. The answer is an empty
// 200: the handler replies through the command's response_url, in the
// asker's language, once it knows what to say.
func (t *HTTPTransport) Commands() http.Handler {
	return t.verified(func(w http.ResponseWriter, r *http.Request, body []byte) {
		req := withBody(r, body)
		cmd, err := slack.SlashCommandParse(req)
		if err == nil && req.PostForm.Get("ssl_check") == "1" {
			return // Slack checking the certificate: a 200 is all it wants
		}
		if err == nil && (cmd.Command == "" || cmd.UserID == "") {
			err = errors.New("no command or user_id in the form")
		}
		if err != nil {
			t.malformed(w, "command", err)
			return
		}
		key := commandKey(cmd, body)
		cmd, payload, err := commandPayload(cmd)
		if err != nil {
			t.malformed(w, "command", err)
			return
		}
		t.submit(w, r, Inbound{Key: key, Command: &cmd, Payload: payload})
	})
}

// Interactivity serves the interactivity request URL (buttons), whose
// payload comes as JSON in the "payload" form field.
func (t *HTTPTransport) Interactivity() http.Handler {
	return t.verified(func(w http.ResponseWriter, r *http.Request, body []byte) {
		req := withBody(r, body)
		ic, err := slack.InteractionCallbackParse(req)
		if err == nil && ic.Type == "" {
			err = errors.New("payload has no type")
		}
		if err != nil {
			t.malformed(w, "interaction", err)
			return
		}
		t.submit(w, r, Inbound{Key: interactionKey(ic, body), Interaction: &ic, Payload: []byte(req.PostForm.Get("payload"))})
	})
}

// verified reads the body and checks its signature and timestamp before
// next sees it. Refusals carry no body, so a prober learns nothing.
func (t *HTTPTransport) verified(next func(http.ResponseWriter, *http.Request, []byte)) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.ContentLength > MaxRequestBody {
			t.refuse(w, "too_large")
			return
		}
		body, err := io.ReadAll(io.LimitReader(r.Body, MaxRequestBody+1))
		if err != nil {
			t.log.Debug("reading a Slack request failed", "path", r.URL.Path, "err", err)
			w.WriteHeader(http.StatusBadRequest)
			return
		}
		if len(body) > MaxRequestBody {
			t.refuse(w, "too_large")
			return
		}
		stamp := r.Header.Get("X-Slack-Request-Timestamp")
		if !validSignature(t.secret, stamp, body, r.Header.Get("X-Slack-Signature")) {
			t.refuse(w, "signature")
			return
		}
		now := time.Now
		if t.Now != nil {
			now = t.Now
		}
		sec, _ := strconv.ParseInt(stamp, 10, 64) // validSignature checked it parses
		if skew := now().Sub(time.Unix(sec, 0)); skew > MaxClockSkew || skew < -MaxClockSkew {
			// Slack signed it, so either a replay or this host's clock is off.
			t.log.Warn("refused a signed Slack request with a timestamp too far from the local clock; check the clock if this repeats", "skew", skew.Round(time.Second))
			t.refuse(w, "stale")
			return
		}
		next(w, r, body)
	})
}

// validSignature checks Slack's v0 signature, hex(HMAC-SHA256(secret,
// "v0:" + timestamp + ":" + body)), in constant time.
func validSignature(secret []byte, stamp string, body []byte, signature string) bool {
	if _, err := strconv.ParseInt(stamp, 10, 64); err != nil {
		return false
	}
	hexSig, ok := bytes.CutPrefix([]byte(signature), []byte("v0="))
	if !ok {
		return false
	}
	got := make([]byte, hex.DecodedLen(len(hexSig)))
	if _, err := hex.Decode(got, hexSig); err != nil {
		return false
	}
	mac := hmac.New(sha256.New, secret)
	mac.Write([]byte("v0:" + stamp + ":"))
	mac.Write(body)
	return hmac.Equal(got, mac.Sum(nil))
}

func (t *HTTPTransport) refuse(w http.ResponseWriter, reason string) {
	t.reject(reason)
	t.log.Debug("refused a Slack request", "reason", reason)
	w.WriteHeader(http.StatusUnauthorized)
}

func (t *HTTPTransport) malformed(w http.ResponseWriter, what string, err error) {
	t.reject("malformed")
	t.log.Debug("malformed Slack request", "what", what, "err", err)
	http.Error(w, "malformed "+what, http.StatusBadRequest)
}

func (t *HTTPTransport) reject(reason string) {
	if t.metrics != nil {
		t.metrics.InboundRejected.WithLabelValues(reason).Inc()
	}
}

// submit records in in the inbox and acknowledges it once it is there.
// When the store cannot take it, the answer is 503, which Slack treats as
// a failed delivery and sends again (events), or shows the person as a
// failed command: better than acknowledging what would then be lost.
func (t *HTTPTransport) submit(w http.ResponseWriter, r *http.Request, in Inbound) {
	in.Retry, _ = strconv.Atoi(r.Header.Get("X-Slack-Retry-Num"))
	if err := t.dispatch.Submit(r.Context(), in); err != nil {
		w.Header().Set("Retry-After", "10")
		w.WriteHeader(http.StatusServiceUnavailable)
		return
	}
	w.WriteHeader(http.StatusOK)
}

// commandPayload is a slash command as the inbox keeps it: its fields as
// JSON, as Socket Mode carries them, without the deprecated verification
// token. It returns the command as read back from that JSON (text that is
// not UTF-8 is mended on the way), so that what is handled now is what a
// handling after a restart would read.
func commandPayload(cmd slack.SlashCommand) (slack.SlashCommand, []byte, error) {
	cmd.Token = ""
	payload, err := json.Marshal(cmd)
	if err != nil {
		return cmd, nil, err
	}
	var kept slack.SlashCommand
	err = json.Unmarshal(payload, &kept)
	return kept, payload, err
}

// withBody returns a copy of r whose body is the already-verified bytes,
// for slack-go's parsers, which read the form from the request.
func withBody(r *http.Request, body []byte) *http.Request {
	c := r.Clone(r.Context())
	c.Body = io.NopCloser(bytes.NewReader(body))
	c.ContentLength = int64(len(body))
	c.Form, c.PostForm = nil, nil
	return c
}

// parseEventCallback parses an event_callback body, which Socket Mode
// carries too, and returns it with its event_id. Slack adds event types and
// block elements faster than slack-go learns them, and slack-go then rejects
// the whole event; rather than refuse a delivery Slack would keep resending,
// it retries without the message's blocks (the text is what nextdesk reads)
// and, failing that, passes the inner event on as raw JSON for the handler
// to ignore.
func parseEventCallback(body []byte) (slackevents.EventsAPIEvent, string, error) {
	var cb slackevents.EventsAPICallbackEvent
	if err := json.Unmarshal(body, &cb); err != nil {
		return slackevents.EventsAPIEvent{}, "", err
	}
	if cb.Type != slackevents.CallbackEvent {
		return slackevents.EventsAPIEvent{}, "", fmt.Errorf("type %q is not %s", cb.Type, slackevents.CallbackEvent)
	}
	if cb.EventID == "" {
		return slackevents.EventsAPIEvent{}, "", errors.New("event_callback without event_id")
	}
	var inner struct {
		Type string `json:"type"`
	}
	if cb.InnerEvent == nil || json.Unmarshal(*cb.InnerEvent, &inner) != nil || inner.Type == "" {
		return slackevents.EventsAPIEvent{}, "", errors.New("event_callback without an inner event object with a type")
	}
	if ev, err := slackevents.ParseEvent(body, slackevents.OptionNoVerifyToken()); err == nil {
		return ev, cb.EventID, nil
	}
	if stripped, ok := withoutBlocks(body); ok {
		if ev, err := slackevents.ParseEvent(stripped, slackevents.OptionNoVerifyToken()); err == nil {
			return ev, cb.EventID, nil
		}
	}
	return slackevents.EventsAPIEvent{
		Token:              cb.Token,
		TeamID:             cb.TeamID,
		Type:               cb.Type,
		APIAppID:           cb.APIAppID,
		EnterpriseID:       cb.EnterpriseID,
		IsExtSharedChannel: cb.IsExtSharedChannel,
		Data:               &cb,
		InnerEvent:         slackevents.EventsAPIInnerEvent{Type: inner.Type, Data: *cb.InnerEvent},
	}, cb.EventID, nil
}

// withoutBlocks drops "blocks" and "attachments" from the inner event and
// from the message versions an edit carries, and reports whether there was
// anything to drop.
func withoutBlocks(body []byte) ([]byte, bool) {
	var outer map[string]json.RawMessage
	if json.Unmarshal(body, &outer) != nil {
		return nil, false
	}
	var inner map[string]json.RawMessage
	if json.Unmarshal(outer["event"], &inner) != nil {
		return nil, false
	}
	changed := strip(inner)
	for _, k := range []string{"message", "previous_message"} {
		var m map[string]json.RawMessage
		if json.Unmarshal(inner[k], &m) == nil && strip(m) {
			inner[k], _ = json.Marshal(m)
			changed = true
		}
	}
	if !changed {
		return nil, false
	}
	outer["event"], _ = json.Marshal(inner)
	b, err := json.Marshal(outer)
	return b, err == nil
}

func strip(m map[string]json.RawMessage) bool {
	_, b := m["blocks"]
	_, a := m["attachments"]
	delete(m, "blocks")
	delete(m, "attachments")
	return a || b
}

// logRateLimited reports Slack's app_rate_limited notice: events beyond
// 30,000 an hour per workspace are being dropped, which no retry recovers.
func logRateLimited(log *slog.Logger, body []byte) {
	var n slackevents.EventsAPIAppRateLimited
	_ = json.Unmarshal(body, &n)
	log.Warn("Slack is dropping events for this app: its event rate limit was reached", "team", n.TeamID, "minute", n.MinuteRateLimited)
}

// commandKey is a slash command's dedupe key: its trigger_id, or a digest
// of the body for a payload that lacks one.
func commandKey(cmd slack.SlashCommand, body []byte) string {
	if cmd.TriggerID != "" {
		return cmd.TriggerID
	}
	return digestKey(body)
}

// interactionKey is an interaction's dedupe key: its trigger_id, or a
// digest of the payload for one that lacks it.
func interactionKey(ic slack.InteractionCallback, body []byte) string {
	if ic.TriggerID != "" {
		return ic.TriggerID
	}
	return digestKey(body)
}

func digestKey(b []byte) string {
	sum := sha256.Sum256(b)
	return "sha256:" + hex.EncodeToString(sum[:16])
}
