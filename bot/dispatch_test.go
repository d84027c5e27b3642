package bot_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/prometheus/client_golang/prometheus"
	dto "github.com/prometheus/client_model/go"
	"github.com/slack-go/slack"

	"github.com/nextdesk/nextdesk/bot"
	"github.com/nextdesk/nextdesk/knowledge/desk"
)

// wait bounds every wait in these tests; they normally take milliseconds.
const wait = 10 * time.Second

// inboundRecorder is a Handler that records what it is given. Handle calls
// wait for release when it is set, panic for keys in panics, fail as many
// times as failures says for a key, and say desk.ErrNotYet as many times
// as notYet says (forever when negative).
type inboundRecorder struct {
	handled chan bot.Inbound
	release chan struct{}
	panics  map[string]bool

	mu       sync.Mutex
	failures map[string]int  // failures still to come, by key
	notYet   map[string]int  // "not yet" still to come, by key
	after    map[string]bool // keys that name what an earlier delivery may bring
	attempts map[string]int  // Handle calls, by key
	canceled []string        // keys whose context ended before release
}

func newInboundRecorder() *inboundRecorder {
	return &inboundRecorder{handled: make(chan bot.Inbound, 1000)}
}

func (r *inboundRecorder) Handle(ctx context.Context, in bot.Inbound) error {
	if r.panics[in.Key] {
		panic("handler bug on " + in.Key)
	}
	r.mu.Lock()
	if r.attempts == nil {
		r.attempts = map[string]int{}
	}
	r.attempts[in.Key]++
	fail := r.failures[in.Key] > 0
	if fail {
		r.failures[in.Key]--
	}
	early := r.notYet[in.Key] != 0
	if r.notYet[in.Key] > 0 {
		r.notYet[in.Key]--
	}
	after := r.after[in.Key]
	r.mu.Unlock()
	if fail {
		return errors.New("slack is having a bad day")
	}
	if early {
		return fmt.Errorf("check mark: %w", desk.ErrNotYet)
	}
	if after {
		return fmt.Errorf("reply: %w", desk.ErrAfterEarlier)
	}
	if r.release != nil {
		select {
		case <-r.release:
		case <-ctx.Done():
			r.mu.Lock()
			r.canceled = append(r.canceled, in.Key)
			r.mu.Unlock()
			return ctx.Err()
		}
	}
	r.handled <- in
	return nil
}

// next returns the next handled Inbound, failing the test after wait.
func (r *inboundRecorder) next(tb testing.TB) bot.Inbound {
	tb.Helper()
	select {
	case in := <-r.handled:
		return in
	case <-time.After(wait):
		tb.Fatalf("no Inbound handled after %v", wait)
		return bot.Inbound{}
	}
}

// none checks that nothing more was handled, after giving a wrong delivery
// a moment to show up.
func (r *inboundRecorder) none(tb testing.TB) {
	tb.Helper()
	select {
	case in := <-r.handled:
		tb.Errorf("handler called with %s %q, want no call", in.Kind(), in.Key)
	case <-time.After(50 * time.Millisecond):
	}
}

// attempts is how many times key was handled so far.
func (r *inboundRecorder) attemptsOf(key string) int {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.attempts[key]
}

// mustOpenDispatcher starts a Dispatcher on h over inbox and closes it at
// cleanup.
func mustOpenDispatcher(tb testing.TB, inbox bot.Inbox, h bot.Handler, opts bot.DispatchOptions, m *bot.Metrics) *bot.Dispatcher {
	tb.Helper()
	d, err := bot.NewDispatcher(inbox, opts, m, nil)
	if err != nil {
		tb.Fatal(err)
	}
	if err := d.Start(h); err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), wait)
		defer cancel()
		if err := d.Close(ctx); err != nil {
			tb.Errorf("closing the dispatcher: %v", err)
		}
	})
	return d
}

// command is an /ask delivery with key, its payload as the transports
// record it.
func command(key string) bot.Inbound {
	cmd := slack.SlashCommand{Command: "/ask", TriggerID: key, UserID: "U1", Text: "why?"}
	payload, _ := json.Marshal(cmd)
	return bot.Inbound{Key: key, Command: &cmd, Payload: payload}
}

func mustSubmit(tb testing.TB, d *bot.Dispatcher, in bot.Inbound) {
	tb.Helper()
	if err := d.Submit(context.Background(), in); err != nil {
		tb.Fatalf("Submit(%s): %v", in.Key, err)
	}
}

// eventually polls cond until it holds, failing the test with what after
// wait.
func eventually(tb testing.TB, what string, cond func() bool) {
	tb.Helper()
	deadline := time.Now().Add(wait)
	for !cond() {
		if time.Now().After(deadline) {
			tb.Fatalf("waited %v for %s", wait, what)
		}
		time.Sleep(2 * time.Millisecond)
	}
}

// histogramCount is the number of observations of a histogram with labels.
func histogramCount(tb testing.TB, reg *prometheus.Registry, name string, labels map[string]string) uint64 {
	tb.Helper()
	families, err := reg.Gather()
	if err != nil {
		tb.Fatalf("gather metrics: %v", err)
	}
	for _, f := range families {
		if f.GetName() != name {
			continue
		}
	metrics:
		for _, m := range f.GetMetric() {
			for _, l := range m.GetLabel() {
				if labels[l.GetName()] != l.GetValue() {
					continue metrics
				}
			}
			return m.GetHistogram().GetSampleCount()
		}
	}
	return 0
}

// counterValue reads a counter's or a gauge's current value.
func counterValue(tb testing.TB, c prometheus.Metric) float64 {
	tb.Helper()
	var m dto.Metric
	if err := c.Write(&m); err != nil {
		tb.Fatalf("read metric: %v", err)
	}
	if m.Gauge != nil {
		return m.GetGauge().GetValue()
	}
	return m.GetCounter().GetValue()
}

func TestDispatcherHandlesEverySubmission(t *testing.T) {
	reg := prometheus.NewRegistry()
	m := bot.NewMetrics(reg)
	rec := newInboundRecorder()
	inbox := newMemInbox()
	d := mustOpenDispatcher(t, inbox, rec, bot.DispatchOptions{Workers: 3}, m)

	want := map[string]bool{}
	for i := range 50 {
		key := fmt.Sprintf("T%02d", i)
		want[key] = true
		mustSubmit(t, d, command(key))
	}
	mustSubmit(t, d, command("T00")) // Slack's redelivery: recorded once
	got := map[string]bool{}
	for range 50 {
		in := rec.next(t)
		if in.Received.IsZero() || in.Command == nil || in.Command.TriggerID != in.Key {
			t.Errorf("%s handled as %+v, want the command read back from the inbox with its receipt time", in.Key, in)
		}
		got[in.Key] = true
	}
	if diff := cmp.Diff(got, want); diff != "" {
		t.Errorf("handled keys (-got +want):\n%s", diff)
	}
	rec.none(t)
	eventually(t, "the inbox emptied", func() bool { return len(inbox.keys()) == 0 })
	if n := histogramCount(t, reg, "nextdesk_handler_seconds", map[string]string{"kind": "command:/ask"}); n != 50 {
		t.Errorf("handler latency observed %d times for command:/ask, want 50", n)
	}
	if n := histogramCount(t, reg, "nextdesk_inbox_record_seconds", nil); n != 51 {
		t.Errorf("record latency observed %d times, want 51", n)
	}
}

// TestDispatcherRefusesWhatItCannotRecord checks what a full or read-only
// disk does: Submit fails (the transport then asks Slack to send again),
// nothing is handled, Ready says why, and all is well once the store takes
// writes again.
func TestDispatcherRefusesWhatItCannotRecord(t *testing.T) {
	m := bot.NewMetrics(prometheus.NewRegistry())
	rec := newInboundRecorder()
	inbox := newMemInbox()
	d := mustOpenDispatcher(t, inbox, rec, bot.DispatchOptions{}, m)
	diskFull := errors.New("database or disk is full")
	inbox.setFail(diskFull)
	if err := d.Submit(context.Background(), command("K")); !errors.Is(err, diskFull) {
		t.Fatalf("Submit on a full disk = %v, want the store's error", err)
	}
	if err := d.Ready(); err == nil || !errors.Is(err, diskFull) {
		t.Errorf("Ready after a failed record = %v, want the store's error", err)
	}
	if got := counterValue(t, m.InboundRejected.WithLabelValues("store")); got != 1 {
		t.Errorf("InboundRejected{reason=store} = %v, want 1", got)
	}
	rec.none(t)
	inbox.setFail(nil)
	mustSubmit(t, d, command("K")) // Slack's retry
	if got := rec.next(t).Key; got != "K" {
		t.Errorf("handled %q, want K", got)
	}
	if err := d.Ready(); err != nil {
		t.Errorf("Ready once recording works again = %v, want nil", err)
	}
}

func TestDispatcherParksWhatPanics(t *testing.T) {
	m := bot.NewMetrics(prometheus.NewRegistry())
	rec := newInboundRecorder()
	rec.panics = map[string]bool{"boom": true}
	inbox := newMemInbox()
	d := mustOpenDispatcher(t, inbox, rec, bot.DispatchOptions{Workers: 1}, m)

	mustSubmit(t, d, command("boom"))
	mustSubmit(t, d, command("after"))
	if got := rec.next(t).Key; got != "after" {
		t.Errorf("handled %q after the panic, want %q", got, "after")
	}
	eventually(t, "the panicking delivery parked", func() bool {
		r, ok := inbox.row("boom")
		return ok && r.Parked && strings.Contains(r.Error, "panic")
	})
	if got := counterValue(t, m.InboundRejected.WithLabelValues("panic")); got != 1 {
		t.Errorf("InboundRejected{reason=panic} = %v, want 1", got)
	}
	if got := counterValue(t, m.InboxParkedTotal); got != 1 {
		t.Errorf("InboxParkedTotal = %v, want 1", got)
	}
}

// clock is a test clock that moves only when told.
type clock struct {
	mu  sync.Mutex
	now time.Time
}

func (c *clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

func (c *clock) Advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = c.now.Add(d)
}

func TestDispatcherRetriesWithBackoffThenParks(t *testing.T) {
	clk := &clock{now: time.Date(2026, 11, 20, 9, 0, 0, 0, time.UTC)}
	rec := newInboundRecorder()
	rec.failures = map[string]int{"flaky": 2, "broken": 1 << 30}
	inbox := newMemInbox()
	m := bot.NewMetrics(prometheus.NewRegistry())
	opts := bot.DispatchOptions{RetryDelay: time.Second, MaxRetryDelay: time.Minute, MaxAge: time.Hour, Poll: time.Millisecond, Now: clk.Now}
	d := mustOpenDispatcher(t, inbox, rec, opts, m)
	mustSubmit(t, d, command("flaky"))
	mustSubmit(t, d, command("broken"))

	// Each failure makes the delivery due again later, never at once.
	eventually(t, "a first attempt at each", func() bool { return rec.attemptsOf("flaky") == 1 && rec.attemptsOf("broken") == 1 })
	eventually(t, "the failures recorded", func() bool {
		r, ok := inbox.row("flaky")
		return ok && !r.handling && r.Error != ""
	})
	r, _ := inbox.row("flaky")
	if wait := r.DueAt.Sub(clk.Now()); wait < 500*time.Millisecond || wait > time.Second {
		t.Errorf("first retry in %v, want between 0.5s and 1s", wait)
	}
	time.Sleep(20 * time.Millisecond)
	if n := rec.attemptsOf("flaky"); n != 1 {
		t.Fatalf("%d attempts before the retry was due, want 1", n)
	}
	for range 3 {
		clk.Advance(time.Minute)
		time.Sleep(20 * time.Millisecond)
	}
	if got := rec.next(t).Key; got != "flaky" {
		t.Errorf("handled %q, want flaky after its retries", got)
	}
	if n := rec.attemptsOf("flaky"); n != 3 {
		t.Errorf("flaky took %d attempts, want 3", n)
	}
	// An hour of failures later, the broken one is parked, kept and
	// counted, never dropped.
	clk.Advance(time.Hour)
	eventually(t, "the broken delivery parked", func() bool {
		clk.Advance(time.Minute)
		r, ok := inbox.row("broken")
		return ok && r.Parked
	})
	if r, _ := inbox.row("broken"); r.Error != "slack is having a bad day" {
		t.Errorf("parked with reason %q, want the last failure", r.Error)
	}
	eventually(t, "the parked gauge", func() bool { return counterValue(t, m.InboxParked) == 1 })
}

// TestDispatcherNotYetWaitsThenGivesUp checks a check mark that overtook
// its reply: it is tried again while deliveries received before it wait,
// and handled as naming nothing once they are done and the wait is over.
func TestDispatcherNotYetWaitsThenGivesUp(t *testing.T) {
	clk := &clock{now: time.Date(2026, 11, 20, 9, 0, 0, 0, time.UTC)}
	rec := newInboundRecorder()
	rec.notYet = map[string]int{"check": -1, "early": 2}
	rec.failures = map[string]int{"answer": 1 << 30}
	inbox := newMemInbox()
	m := bot.NewMetrics(prometheus.NewRegistry())
	opts := bot.DispatchOptions{RetryDelay: time.Second, MaxRetryDelay: time.Minute, Poll: time.Millisecond, Now: clk.Now}
	d := mustOpenDispatcher(t, inbox, rec, opts, m)
	mustSubmit(t, d, command("answer")) // failing, received first
	clk.Advance(time.Second)
	mustSubmit(t, d, command("check"))
	mustSubmit(t, d, command("early"))

	for range 5 {
		clk.Advance(time.Minute)
		time.Sleep(10 * time.Millisecond)
	}
	if got := rec.next(t).Key; got != "early" {
		t.Errorf("handled %q, want the one that was only early", got)
	}
	// Past the wait, while the answer received before it is still to be
	// handled, the check mark keeps waiting.
	clk.Advance(time.Hour)
	before := rec.attemptsOf("check")
	eventually(t, "the check mark tried again", func() bool {
		clk.Advance(time.Minute)
		return rec.attemptsOf("check") > before+1
	})
	if _, ok := inbox.row("check"); !ok {
		t.Fatal("the check mark was dropped while the delivery before it waited")
	}
	// Once that one is parked, the check mark ends, counted.
	if err := inbox.ParkInbound(context.Background(), "answer", "bug"); err != nil {
		t.Fatal(err)
	}
	eventually(t, "the check mark handled as naming nothing", func() bool {
		clk.Advance(time.Minute)
		_, ok := inbox.row("check")
		return !ok
	})
	if got := counterValue(t, m.InboundRejected.WithLabelValues("never_came")); got != 1 {
		t.Errorf("InboundRejected{reason=never_came} = %v, want 1", got)
	}
}

// TestDispatcherAfterEarlierWaitsOnlyForEarlierDeliveries: a reply in a
// thread the desk does not know is tried again while a delivery received
// before it (the thread's question, say) is still to be handled, and is
// done with, without waiting, when none is.
func TestDispatcherAfterEarlierWaitsOnlyForEarlierDeliveries(t *testing.T) {
	clk := &clock{now: time.Date(2026, 11, 20, 9, 0, 0, 0, time.UTC)}
	rec := newInboundRecorder()
	rec.after = map[string]bool{"reply": true, "chatter": true}
	rec.failures = map[string]int{"question": 3}
	inbox := newMemInbox()
	opts := bot.DispatchOptions{RetryDelay: time.Second, MaxRetryDelay: time.Minute, Poll: time.Millisecond, Now: clk.Now}
	d := mustOpenDispatcher(t, inbox, rec, opts, nil)

	mustSubmit(t, d, command("chatter")) // nothing before it
	eventually(t, "the chatter done with", func() bool {
		_, ok := inbox.row("chatter")
		return !ok
	})
	if n := rec.attemptsOf("chatter"); n != 1 {
		t.Errorf("chatter handled %d times, want once: nothing earlier was pending", n)
	}

	mustSubmit(t, d, command("question")) // failing for now
	clk.Advance(time.Second)
	mustSubmit(t, d, command("reply"))
	eventually(t, "the reply tried again while the question waits", func() bool {
		clk.Advance(time.Second)
		return rec.attemptsOf("reply") > 1
	})
	if _, ok := inbox.row("reply"); !ok {
		t.Fatal("the reply was dropped while the question before it was still to be handled")
	}
	rec.mu.Lock()
	rec.after["reply"] = false // the question, handled, makes the thread known
	rec.mu.Unlock()
	eventually(t, "the question and the reply handled", func() bool {
		clk.Advance(time.Minute)
		_, q := inbox.row("question")
		_, r := inbox.row("reply")
		return !q && !r
	})
}

// TestDispatcherCloseLeavesUnfinishedWorkInTheInbox is the in-process
// equivalent of a process killed between acknowledgement and handling:
// handlings cut short by Close stay in the inbox, and the next dispatcher
// on the same inbox handles them.
func TestDispatcherCloseLeavesUnfinishedWorkInTheInbox(t *testing.T) {
	inbox := newMemInbox()
	stuck := newInboundRecorder()
	stuck.release = make(chan struct{}) // never released
	first, err := bot.NewDispatcher(inbox, bot.DispatchOptions{Workers: 1}, nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	if err := first.Start(stuck); err != nil {
		t.Fatal(err)
	}
	for _, k := range []string{"running", "waiting1", "waiting2"} {
		mustSubmit(t, first, command(k))
	}
	eventually(t, "the first handling under way", func() bool { return stuck.attemptsOf("running") == 1 })
	ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
	defer cancel()
	if err := first.Close(ctx); err != nil {
		t.Fatalf("Close at its deadline = %v, want nil: nothing is lost", err)
	}
	stuck.mu.Lock()
	canceled := slices.Clone(stuck.canceled)
	stuck.mu.Unlock()
	if diff := cmp.Diff(canceled, []string{"running"}); diff != "" {
		t.Errorf("handlers whose context was cancelled (-got +want):\n%s", diff)
	}
	if diff := cmp.Diff(inbox.keys(), []string{"running", "waiting1", "waiting2"}); diff != "" {
		t.Errorf("inbox after the shutdown (-got +want):\n%s", diff)
	}

	inbox.release() // the next process starts
	rec := newInboundRecorder()
	mustOpenDispatcher(t, inbox, rec, bot.DispatchOptions{}, nil)
	got := map[string]bool{}
	for range 3 {
		got[rec.next(t).Key] = true
	}
	if diff := cmp.Diff(got, map[string]bool{"running": true, "waiting1": true, "waiting2": true}); diff != "" {
		t.Errorf("handled after the restart (-got +want):\n%s", diff)
	}
}

func TestDispatcherHoldsWhileTheTokenIsRefused(t *testing.T) {
	var (
		mu      sync.Mutex
		refused = errors.New("token revoked")
	)
	hold := func() error {
		mu.Lock()
		defer mu.Unlock()
		return refused
	}
	rec := newInboundRecorder()
	d := mustOpenDispatcher(t, newMemInbox(), rec, bot.DispatchOptions{Poll: time.Millisecond, Hold: hold}, nil)
	mustSubmit(t, d, command("K"))
	rec.none(t)
	mu.Lock()
	refused = nil
	mu.Unlock()
	if got := rec.next(t).Key; got != "K" {
		t.Errorf("handled %q once the token works, want K", got)
	}
}

// TestDispatcherReportsAStuckInbox: a delivery that waits for a worker
// more than two minutes past its due time (every worker busy on a
// handling that hangs) makes the dispatcher not ready, saying so, and
// ready again once the workers are free.
func TestDispatcherReportsAStuckInbox(t *testing.T) {
	var mu sync.Mutex
	now := time.Date(2026, 11, 20, 9, 0, 0, 0, time.UTC)
	clock := func() time.Time {
		mu.Lock()
		defer mu.Unlock()
		return now
	}
	rec := newInboundRecorder()
	rec.release = make(chan struct{})
	d := mustOpenDispatcher(t, newMemInbox(), rec, bot.DispatchOptions{Workers: 1, Poll: 5 * time.Millisecond, Now: clock}, bot.NewMetrics(prometheus.NewRegistry()))
	released := false
	release := func() {
		if !released {
			released = true
			close(rec.release)
		}
	}
	t.Cleanup(release)

	mustSubmit(t, d, command("A"))
	eventually(t, "A taking the only worker", func() bool { return rec.attemptsOf("A") == 1 })
	mustSubmit(t, d, command("B"))
	mu.Lock()
	now = now.Add(time.Minute)
	mu.Unlock()
	time.Sleep(20 * time.Millisecond) // a few turns of the loop
	if err := d.Ready(); err != nil {
		t.Errorf("Ready with B a minute past due = %v, want nil", err)
	}

	mu.Lock()
	now = now.Add(2 * time.Minute)
	mu.Unlock()
	eventually(t, "the inbox reported stuck", func() bool {
		err := d.Ready()
		return err != nil && strings.Contains(err.Error(), "stuck, a delivery due 3m0s ago waits for a worker")
	})

	release()
	for _, want := range []string{"A", "B"} {
		if got := rec.next(t).Key; got != want {
			t.Errorf("handled %q, want %q", got, want)
		}
	}
	eventually(t, "ready once the worker is free", func() bool { return d.Ready() == nil })
}
