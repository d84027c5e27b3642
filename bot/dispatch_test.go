package bot_test

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/prometheus/client_golang/prometheus"
	dto "github.com/prometheus/client_model/go"
	"github.com/slack-go/slack"

	"github.com/nextdesk/nextdesk/bot"
)

// wait bounds every wait in these tests; they normally take milliseconds.
const wait = 10 * time.Second

// inboundRecorder is a Handler that records what it is given. Handle calls
// wait for release when it is set, panic for keys in panics, and fail as
// many times as failures says for a key.
type inboundRecorder struct {
	handled chan bot.Inbound
	release chan struct{}
	panics  map[string]bool

	mu       sync.Mutex
	failures map[string]int // failures still to come, by key
	attempts map[string]int // Handle calls, by key
	canceled []string       // keys whose context ended before release
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
	r.mu.Unlock()
	if fail {
		return errors.New("slack is having a bad day")
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

// mustOpenDispatcher starts a Dispatcher on h and closes it at cleanup.
func mustOpenDispatcher(tb testing.TB, h bot.Handler, opts bot.DispatchOptions, m *bot.Metrics) *bot.Dispatcher {
	tb.Helper()
	d := bot.NewDispatcher(h, opts, m, nil)
	tb.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), wait)
		defer cancel()
		if err := d.Close(ctx); err != nil {
			tb.Errorf("closing the dispatcher: %v", err)
		}
	})
	return d
}

func command(key string) bot.Inbound {
	return bot.Inbound{Key: key, Command: &slack.SlashCommand{Command: "/ask", TriggerID: key}}
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

func TestDispatcherHandlesEverySubmission(t *testing.T) {
	reg := prometheus.NewRegistry()
	m := bot.NewMetrics(reg)
	rec := newInboundRecorder()
	d := mustOpenDispatcher(t, rec, bot.DispatchOptions{Workers: 3, Queue: 100}, m)

	want := map[string]bool{}
	for i := range 50 {
		key := fmt.Sprintf("T%02d", i)
		want[key] = true
		if !d.Submit(command(key)) {
			t.Fatalf("Submit(%s) = false with room in the queue", key)
		}
	}
	got := map[string]bool{}
	for range 50 {
		in := rec.next(t)
		if in.Received.IsZero() {
			t.Errorf("%s handled without a receipt time", in.Key)
		}
		got[in.Key] = true
	}
	if diff := cmp.Diff(got, want); diff != "" {
		t.Errorf("handled keys (-got +want):\n%s", diff)
	}
	rec.none(t)
	if n := histogramCount(t, reg, "nextdesk_handler_seconds", map[string]string{"kind": "command:/ask"}); n != 50 {
		t.Errorf("handler latency observed %d times for command:/ask, want 50", n)
	}
}

func TestDispatcherFullQueueRefuses(t *testing.T) {
	m := bot.NewMetrics(prometheus.NewRegistry())
	rec := newInboundRecorder()
	rec.release = make(chan struct{})
	d := mustOpenDispatcher(t, rec, bot.DispatchOptions{Workers: 1, Queue: 1}, m)

	// The worker takes the first and blocks; the second fills the queue.
	if !d.Submit(command("busy")) {
		t.Fatal("first Submit refused")
	}
	deadline := time.Now().Add(wait)
	for !d.Submit(command("queued")) {
		if time.Now().After(deadline) {
			t.Fatal("the worker never took the first Inbound")
		}
		time.Sleep(time.Millisecond)
	}
	before := counterValue(t, m.QueueSaturations)
	if d.Submit(command("refused")) {
		t.Fatal("Submit accepted with the worker busy and the queue full")
	}
	if got := counterValue(t, m.QueueSaturations) - before; got != 1 {
		t.Errorf("QueueSaturations rose by %v, want 1", got)
	}
	close(rec.release)
	got := []string{rec.next(t).Key, rec.next(t).Key}
	if diff := cmp.Diff(got, []string{"busy", "queued"}); diff != "" {
		t.Errorf("handled (-got +want):\n%s", diff)
	}
	rec.none(t)
}

func TestDispatcherSurvivesPanics(t *testing.T) {
	m := bot.NewMetrics(prometheus.NewRegistry())
	rec := newInboundRecorder()
	rec.panics = map[string]bool{"boom": true}
	d := mustOpenDispatcher(t, rec, bot.DispatchOptions{Workers: 1}, m)

	d.Submit(command("boom"))
	d.Submit(command("after"))
	if got := rec.next(t).Key; got != "after" {
		t.Errorf("handled %q after the panic, want %q", got, "after")
	}
	if got := counterValue(t, m.InboundRejected.WithLabelValues("panic")); got != 1 {
		t.Errorf("InboundRejected{reason=panic} = %v, want 1", got)
	}
}

func TestDispatcherCloseFinishesAcceptedWork(t *testing.T) {
	rec := newInboundRecorder()
	rec.release = make(chan struct{})
	d := bot.NewDispatcher(rec, bot.DispatchOptions{Workers: 2, Queue: 10}, nil, nil)
	for i := range 5 {
		d.Submit(command(fmt.Sprint(i)))
	}
	closed := make(chan error, 1)
	go func() {
		ctx, cancel := context.WithTimeout(context.Background(), wait)
		defer cancel()
		closed <- d.Close(ctx)
	}()
	select {
	case err := <-closed:
		t.Fatalf("Close returned %v with work in flight", err)
	case <-time.After(50 * time.Millisecond):
	}
	if d.Submit(command("late")) {
		t.Error("Submit accepted work after Close began")
	}
	close(rec.release)
	if err := <-closed; err != nil {
		t.Errorf("Close: %v", err)
	}
	if n := len(rec.handled); n != 5 {
		t.Errorf("%d Inbounds handled by the end of Close, want 5", n)
	}
}

func TestDispatcherCloseGivesUpAtDeadline(t *testing.T) {
	rec := newInboundRecorder()
	rec.release = make(chan struct{}) // never released
	d := bot.NewDispatcher(rec, bot.DispatchOptions{Workers: 1, Queue: 10}, nil, nil)
	for _, k := range []string{"running", "queued1", "queued2"} {
		d.Submit(command(k))
	}
	ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
	defer cancel()
	err := d.Close(ctx)
	if !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("Close = %v, want an error wrapping context.DeadlineExceeded", err)
	}
	if want := "2 acknowledged deliveries dropped"; !strings.Contains(err.Error(), want) {
		t.Errorf("Close error %q does not say %q", err, want)
	}
	rec.mu.Lock()
	defer rec.mu.Unlock()
	if diff := cmp.Diff(rec.canceled, []string{"running"}); diff != "" {
		t.Errorf("handlers whose context was cancelled (-got +want):\n%s", diff)
	}
}

// counterValue reads a counter's current value.
func counterValue(tb testing.TB, c prometheus.Counter) float64 {
	tb.Helper()
	var m dto.Metric
	if err := c.Write(&m); err != nil {
		tb.Fatalf("read counter: %v", err)
	}
	return m.GetCounter().GetValue()
}

func TestDispatcherRetriesFailures(t *testing.T) {
	tests := []struct {
		name     string
		failures int
		handled  bool
		attempts int
	}{
		{"fails once", 1, true, 2},
		{"fails as often as it may be retried", 3, true, 4},
		{"keeps failing", 10, false, 4},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			reg := prometheus.NewRegistry()
			rec := newInboundRecorder()
			rec.failures = map[string]int{"K": tt.failures}
			d := bot.NewDispatcher(rec, bot.DispatchOptions{Workers: 2, Retries: 3, RetryDelay: time.Millisecond}, bot.NewMetrics(reg), nil)
			if !d.Submit(command("K")) {
				t.Fatal("Submit refused")
			}
			if tt.handled {
				rec.next(t)
			}
			// Retries wait 1, 5 and 25 ms: all are over well before this.
			deadline := time.Now().Add(wait)
			for histogramCount(t, reg, "nextdesk_handler_seconds", map[string]string{"kind": "command:/ask"}) == 0 {
				if time.Now().After(deadline) {
					t.Fatal("handling never finished")
				}
				time.Sleep(5 * time.Millisecond)
			}
			if err := d.Close(context.Background()); err != nil {
				t.Fatal(err)
			}
			rec.none(t)
			rec.mu.Lock()
			defer rec.mu.Unlock()
			if got := rec.attempts["K"]; got != tt.attempts {
				t.Errorf("%d attempts, want %d", got, tt.attempts)
			}
		})
	}
}

func TestDispatcherCloseAbandonsWaitingRetries(t *testing.T) {
	rec := newInboundRecorder()
	rec.failures = map[string]int{"K": 1}
	d := bot.NewDispatcher(rec, bot.DispatchOptions{RetryDelay: time.Hour}, nil, nil)
	d.Submit(command("K"))
	deadline := time.Now().Add(wait)
	for {
		rec.mu.Lock()
		n := rec.attempts["K"]
		rec.mu.Unlock()
		if n == 1 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("first attempt never made")
		}
		time.Sleep(time.Millisecond)
	}
	ctx, cancel := context.WithTimeout(context.Background(), wait)
	defer cancel()
	began := time.Now()
	if err := d.Close(ctx); err != nil {
		t.Fatalf("Close: %v", err)
	}
	if took := time.Since(began); took > time.Second {
		t.Errorf("Close took %v with a retry an hour away, want it not to wait", took)
	}
	rec.none(t)
}
