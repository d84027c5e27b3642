package integration_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"slices"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/slack-go/slack"

	"github.com/nextdesk/nextdesk/internal/fakeslack"
	"github.com/nextdesk/nextdesk/knowledge/desk"
	"github.com/nextdesk/nextdesk/knowledge/sqlite"
)

// keyed is a message of the fake with its channel.
type keyed struct {
	channel string
	msg     fakeslack.Message
}

// postedWithKey returns the messages in #general and the expert's DM
// whose outbox metadata carries key.
func (h *harness) postedWithKey(key string) []keyed {
	h.t.Helper()
	var out []keyed
	for _, ch := range []string{general, h.dmWith(expert1)} {
		for _, m := range h.srv.Messages(ch) {
			var meta slack.SlackMetadata
			if len(m.Metadata) > 0 {
				if err := json.Unmarshal(m.Metadata, &meta); err != nil {
					h.t.Fatalf("metadata of %s: %v", m.TS, err)
				}
			}
			if meta.EventType == outboxEvent && meta.EventPayload["key"] == key {
				out = append(out, keyed{ch, m})
			}
		}
	}
	return out
}

// outgoing returns the notice whose key contains part.
func (h *harness) outgoing(part string) desk.Outgoing {
	h.t.Helper()
	ms, err := h.store.OutgoingSince(context.Background(), 0)
	if err != nil {
		h.t.Fatal(err)
	}
	for _, m := range ms {
		if strings.Contains(m.Key, part) {
			return m
		}
	}
	h.t.Fatalf("no notice with %q in its key", part)
	return desk.Outgoing{}
}

// forgetful is a store that loses the record of the first delivery of a
// notice whose key contains part, and every record after it, as a process
// that died between Slack's answer and the record would: die stops its
// deliverer.
type forgetful struct {
	*sqlite.DB
	part string
	die  context.CancelFunc
	lost atomic.Bool
}

func (f *forgetful) MarkSent(ctx context.Context, id int64, channel, ts string) (bool, error) {
	ms, err := f.OutgoingSince(ctx, id-1)
	if err != nil || len(ms) == 0 {
		return false, fmt.Errorf("notice %d: %v", id, err)
	}
	if f.lost.Load() || strings.Contains(ms[0].Key, f.part) && f.lost.CompareAndSwap(false, true) {
		f.die()
		return false, errors.New("the process died before recording the delivery")
	}
	return f.DB.MarkSent(ctx, id, channel, ts)
}

// crashAfterPosting delivers what is due with a deliverer that dies after
// posting the notice whose key contains part, before recording it; then
// restarts once that deliverer's claim has run out.
func (h *harness) crashAfterPosting(part string) {
	h.t.Helper()
	ctx, die := context.WithCancel(context.Background())
	defer die()
	f := &forgetful{DB: h.store, part: part, die: die}
	h.db = f
	h.wire()
	if err := h.outbox.Deliver(ctx, false); err != nil {
		h.t.Fatalf("deliver: %v", err)
	}
	if !f.lost.Load() {
		h.t.Fatalf("no notice with %q in its key was delivered", part)
	}
	h.clock.Advance(time.Minute)
	h.db = h.store
	h.wire()
}

func TestRetryFindsWhatACrashedAttemptPosted(t *testing.T) {
	for _, c := range []struct {
		name, key, lookup string
	}{
		{"question in the channel", "thread:ask:", "conversations.history"},
		{"note in the question's thread", "/note", "conversations.replies"},
		{"DM addressed to the expert", "route:", "conversations.history"},
	} {
		t.Run(c.name, func(t *testing.T) {
			h := newHarness(t, nil)
			in, _ := h.ask(asker, general, "How can I roll back a kubernetes deployment without downtime?")
			h.handle(in)
			h.crashAfterPosting(c.key)
			h.deliver()

			m := h.outgoing(c.key)
			found := h.postedWithKey(m.Key)
			if len(found) != 1 {
				t.Fatalf("%d messages with key %s in Slack, want 1", len(found), m.Key)
			}
			got := []string{string(m.State), m.Channel, m.TS}
			want := []string{string(desk.OutboxSent), found[0].channel, found[0].msg.TS}
			if diff := cmp.Diff(got, want); diff != "" {
				t.Errorf("state, channel, ts of %s (-got +want):\n%s", m.Key, diff)
			}
			if len(h.srv.CallsTo(c.lookup)) == 0 {
				t.Errorf("no %s call: the retry did not look", c.lookup)
			}
			if n := h.pending(); n != 0 {
				t.Errorf("%d messages still pending", n)
			}
		})
	}
}

func TestTimedOutPostIsNotPostedAgain(t *testing.T) {
	h := newHarness(t, nil)
	// Slack takes the question but answers after the client gave up.
	h.srv.SlowNext("chat.postMessage", 1, 300*time.Millisecond)
	h.api = slack.New(fakeslack.BotToken, slack.OptionAPIURL(h.srv.URL()),
		slack.OptionHTTPClient(&http.Client{Timeout: 100 * time.Millisecond}))
	h.wire()
	in, _ := h.ask(asker, general, "How can I roll back a kubernetes deployment without downtime?")
	h.handle(in)
	h.deliver()
	if n := h.pending(); n != 3 {
		t.Fatalf("pending after the timeout = %d, want 3", n)
	}
	// The retry comes due within backoffBase.
	for deadline := time.Now().Add(5 * time.Second); h.pending() > 0 && time.Now().Before(deadline); {
		time.Sleep(100 * time.Millisecond)
		h.deliver()
	}

	m := h.outgoing("thread:ask:")
	found := h.postedWithKey(m.Key)
	if len(found) != 1 {
		t.Fatalf("%d questions in #general, want 1", len(found))
	}
	if m.State != desk.OutboxSent || m.TS != found[0].msg.TS {
		t.Errorf("question = %s at %s, want sent at %s", m.State, m.TS, found[0].msg.TS)
	}
	if n := h.pending(); n != 0 {
		t.Errorf("%d messages still pending", n)
	}
}

func TestFirstAttemptPostsWithItsKeyWithoutLooking(t *testing.T) {
	h := newHarness(t, nil)
	in, _ := h.ask(asker, general, "How can I roll back a kubernetes deployment without downtime?")
	h.handle(in)
	h.deliver()

	ms, err := h.store.OutgoingSince(context.Background(), 0)
	if err != nil {
		t.Fatal(err)
	}
	var want []string
	for _, m := range ms {
		want = append(want, m.Key)
	}
	var got []string
	for _, c := range h.srv.CallsTo("chat.postMessage") {
		var meta slack.SlackMetadata
		if err := json.Unmarshal([]byte(c.Params["metadata"]), &meta); err != nil || meta.EventType != outboxEvent {
			t.Errorf("post metadata = %q, want a %s event", c.Params["metadata"], outboxEvent)
			continue
		}
		key, _ := meta.EventPayload["key"].(string)
		got = append(got, key)
	}
	slices.Sort(got)
	slices.Sort(want)
	if diff := cmp.Diff(got, want); diff != "" {
		t.Errorf("keys posted (-got +want):\n%s", diff)
	}
	for _, method := range []string{"conversations.history", "conversations.replies"} {
		if n := len(h.srv.CallsTo(method)); n != 0 {
			t.Errorf("%d %s calls on first attempts, want none", n, method)
		}
	}
}
