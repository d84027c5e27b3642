package bot

import (
	"bytes"
	"context"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"
	"time"

	"github.com/nextdesk/nextdesk/internal/fakeslack"
	"github.com/nextdesk/nextdesk/knowledge/desk"
)

// fuzzInbox keeps what the transport records, for FuzzHTTPTransport.
type fuzzInbox struct {
	mu   sync.Mutex
	kept []desk.Delivery
}

func (f *fuzzInbox) RecordInbound(_ context.Context, d desk.Delivery) (bool, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.kept = append(f.kept, d)
	return true, nil
}

func (f *fuzzInbox) ClaimInbound(context.Context, time.Time, int, func(int) time.Duration) ([]desk.Delivery, error) {
	return nil, nil
}
func (f *fuzzInbox) FinishInbound(context.Context, string) error                   { return nil }
func (f *fuzzInbox) RetryInbound(context.Context, string, time.Time, string) error { return nil }
func (f *fuzzInbox) ParkInbound(context.Context, string, string) error             { return nil }
func (f *fuzzInbox) PendingBefore(context.Context, string, time.Time) (bool, error) {
	return false, nil
}
func (f *fuzzInbox) InboxStats(context.Context) (desk.InboxStats, error) {
	return desk.InboxStats{}, nil
}

const fuzzSecret = "fuzz-signing-secret"

// FuzzHTTPTransport feeds the HTTP transport validly signed requests with
// arbitrary bodies, on each of its three paths (path is taken modulo 3):
// what a leaked signing secret or a Slack bug could send. Whatever the
// body, the transport must not panic, must answer 200 or a 4xx, must
// record only what it acknowledged, and what it recorded must read back
// from the inbox as the delivery it acknowledged, since the handling reads
// it from there. The seed corpus is in testdata/fuzz/FuzzHTTPTransport
// (real payloads of each kind, and crasher-command-not-utf8, a command
// that read back otherwise than it was handled before commandPayload
// mended it); `go test` runs it, and
//
//	go test -run '^$' -fuzz FuzzHTTPTransport -fuzztime 10m ./bot
//
// searches further.
func FuzzHTTPTransport(f *testing.F) {
	paths := []struct{ path, ctype string }{
		{EventsPath, "application/json"},
		{CommandsPath, "application/x-www-form-urlencoded"},
		{InteractivityPath, "application/x-www-form-urlencoded"},
	}
	f.Fuzz(func(t *testing.T, which uint8, body []byte) {
		p := paths[int(which)%len(paths)]
		inbox := &fuzzInbox{}
		d, err := NewDispatcher(inbox, DispatchOptions{}, nil, nil)
		if err != nil {
			t.Fatal(err)
		}
		tr, err := NewHTTPTransport(fuzzSecret, d, nil, nil)
		if err != nil {
			t.Fatal(err)
		}
		mux := http.NewServeMux()
		tr.Register(mux)
		req := httptest.NewRequest(http.MethodPost, p.path, bytes.NewReader(body))
		req.Header = fakeslack.Sign(fuzzSecret, time.Now(), body)
		req.Header.Set("Content-Type", p.ctype)
		rec := httptest.NewRecorder()
		mux.ServeHTTP(rec, req)

		switch code := rec.Code; {
		case code == http.StatusOK:
		case code >= 400 && code < 500:
			if len(inbox.kept) > 0 {
				t.Fatalf("answered %d but recorded %d deliveries", code, len(inbox.kept))
			}
		default:
			t.Fatalf("answered %d to %q on %s, want 200 or a 4xx", code, body, p.path)
		}
		if len(inbox.kept) > 1 {
			t.Fatalf("one request recorded %d deliveries", len(inbox.kept))
		}
		for _, del := range inbox.kept {
			in, err := inboundOf(del)
			if err != nil {
				t.Fatalf("recorded %+v, which does not read back: %v", del, err)
			}
			if in.Key != del.Key || in.Kind() != del.Kind || in.Key == "" {
				t.Fatalf("recorded %s %q, read back as %s %q", del.Kind, del.Key, in.Kind(), in.Key)
			}
			// What the handler then makes of it must not panic either:
			// request() reads every kind of payload.
			_ = request(in)
		}
	})
}
