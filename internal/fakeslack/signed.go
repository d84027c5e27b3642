package fakeslack

import (
	"bytes"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"testing"
	"time"
)

// Sign returns the headers Slack adds to a request it sends to an app signed
// with secret at ts: X-Slack-Request-Timestamp, and X-Slack-Signature
// "v0=" + hex(HMAC-SHA256(secret, "v0:" + timestamp + ":" + body)).
func Sign(secret string, ts time.Time, body []byte) http.Header {
	stamp := strconv.FormatInt(ts.Unix(), 10)
	mac := hmac.New(sha256.New, []byte(secret))
	mac.Write([]byte("v0:" + stamp + ":"))
	mac.Write(body)
	h := http.Header{}
	h.Set("X-Slack-Request-Timestamp", stamp)
	h.Set("X-Slack-Signature", "v0="+hex.EncodeToString(mac.Sum(nil)))
	return h
}

// PostOption changes how PostEvent, PostSlashCommand and PostInteraction
// deliver a request.
type PostOption func(*delivery)

type delivery struct {
	signedAt    time.Time
	retryNum    int
	retryReason string
}

// Retry marks the request as Slack's num-th redelivery (X-Slack-Retry-Num,
// X-Slack-Retry-Reason), sent because the app did not answer in time or
// failed; reason is e.g. "http_timeout" or "http_error".
func Retry(num int, reason string) PostOption {
	return func(d *delivery) { d.retryNum, d.retryReason = num, reason }
}

// SignedAt signs the request as sent at t instead of now, to check that an app
// refuses stale or future timestamps.
func SignedAt(t time.Time) PostOption {
	return func(d *delivery) { d.signedAt = t }
}

// PostEvent posts an Events API body (see EventCallback and URLVerification)
// to an app's request URL, signed with secret, and returns the response with
// its body read into memory. It fails the test if the request cannot be made.
func PostEvent(tb testing.TB, endpoint, secret string, body []byte, opts ...PostOption) *http.Response {
	tb.Helper()
	return postSigned(tb, endpoint, secret, "application/json", body, opts)
}

// PostSlashCommand posts a slash command form (see Server.SlashCommandForm)
// to an app's request URL, signed with secret, and returns the response with
// its body read into memory. It fails the test if the request cannot be made.
func PostSlashCommand(tb testing.TB, endpoint, secret string, form url.Values, opts ...PostOption) *http.Response {
	tb.Helper()
	return postSigned(tb, endpoint, secret, "application/x-www-form-urlencoded", []byte(form.Encode()), opts)
}

// PostInteraction posts an interaction payload (see
// Server.BlockActionsPayload) to an app's request URL as Slack does, in the
// "payload" form field, signed with secret, and returns the response with its
// body read into memory. It fails the test if the request cannot be made.
func PostInteraction(tb testing.TB, endpoint, secret string, payload json.RawMessage, opts ...PostOption) *http.Response {
	tb.Helper()
	form := url.Values{"payload": {string(payload)}}.Encode()
	return postSigned(tb, endpoint, secret, "application/x-www-form-urlencoded", []byte(form), opts)
}

func postSigned(tb testing.TB, target, secret, ctype string, body []byte, opts []PostOption) *http.Response {
	tb.Helper()
	d := delivery{signedAt: time.Now()}
	for _, opt := range opts {
		opt(&d)
	}
	req, err := http.NewRequest(http.MethodPost, target, bytes.NewReader(body))
	if err != nil {
		tb.Fatalf("fakeslack: post to %s: %v", target, err)
		return nil
	}
	req.Header = Sign(secret, d.signedAt, body)
	req.Header.Set("Content-Type", ctype)
	req.Header.Set("User-Agent", "Slackbot 1.0 (+https://api.slack.com/robots)")
	if d.retryNum > 0 {
		req.Header.Set("X-Slack-Retry-Num", strconv.Itoa(d.retryNum))
		req.Header.Set("X-Slack-Retry-Reason", d.retryReason)
	}
	// Slack gives an app 3 seconds; a test gets more, to stay robust on a
	// loaded machine, but not forever.
	client := &http.Client{Timeout: 30 * time.Second}
	resp, err := client.Do(req)
	if err != nil {
		tb.Fatalf("fakeslack: post to %s: %v", target, err)
		return nil
	}
	defer resp.Body.Close()
	data, err := io.ReadAll(resp.Body)
	if err != nil {
		tb.Fatalf("fakeslack: read the answer of %s: %v", target, err)
		return nil
	}
	resp.Body = io.NopCloser(bytes.NewReader(data))
	return resp
}
