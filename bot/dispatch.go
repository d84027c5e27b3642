package bot

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"runtime/debug"
	"sync"
	"sync/atomic"
	"time"

	"github.com/slack-go/slack"
)

// DispatchOptions size a Dispatcher. Zero fields take the defaults.
type DispatchOptions struct {
	// Workers is how many Inbounds are handled at once (default 8).
	Workers int
	// Queue is how many acknowledged Inbounds may wait for a worker
	// (default 1024). When it is full, Submit refuses, so the transport
	// leaves the delivery unacknowledged and Slack sends it again later:
	// a burst beyond what the bot can absorb is delayed, never lost.
	Queue int
	// Timeout bounds one Handle call (default 2 minutes), so a stuck
	// Slack call or lock cannot hold a worker forever.
	Timeout time.Duration
	// Retries is how many more times a Handle that failed is tried
	// (default 3). The delivery was acknowledged, so Slack will not send
	// it again: a Slack or store hiccup must not lose it.
	Retries int
	// RetryDelay is the wait before the first retry (default 2s); each
	// next wait is five times longer, and a Slack rate limit's Retry-After
	// is honoured when longer.
	RetryDelay time.Duration
}

func (o DispatchOptions) withDefaults() DispatchOptions {
	if o.Workers <= 0 {
		o.Workers = 8
	}
	if o.Queue <= 0 {
		o.Queue = 1024
	}
	if o.Timeout <= 0 {
		o.Timeout = 2 * time.Minute
	}
	if o.Retries <= 0 {
		o.Retries = 3
	}
	if o.RetryDelay <= 0 {
		o.RetryDelay = 2 * time.Second
	}
	return o
}

// job is one Inbound in the queue, with the attempts already made.
type job struct {
	in      Inbound
	attempt int
}

// Dispatcher is the bounded worker pool between the transports and a
// Handler: transports acknowledge Slack within its 3-second limit whatever
// the handler costs, and a flood of events cannot start unbounded work.
type Dispatcher struct {
	handler Handler
	opts    DispatchOptions
	metrics *Metrics
	log     *slog.Logger

	queue   chan job
	workers sync.WaitGroup

	// work is the context of every Handle call; Close cancels it once its
	// own deadline has passed, so handlers persist what they hold and stop.
	work   context.Context
	cancel context.CancelFunc

	mu      sync.RWMutex // guards closed against sends on a closed queue, and retries
	closed  bool
	retries map[*time.Timer]job // failed jobs waiting to be tried again

	dropped atomic.Int64 // Inbounds thrown away after Close gave up waiting
}

// NewDispatcher starts opts.Workers workers calling h. Metrics and log may
// be nil (tests); production passes the shared ones.
func NewDispatcher(h Handler, opts DispatchOptions, metrics *Metrics, log *slog.Logger) *Dispatcher {
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	opts = opts.withDefaults()
	work, cancel := context.WithCancel(context.Background())
	d := &Dispatcher{
		handler: h,
		opts:    opts,
		metrics: metrics,
		log:     log,
		queue:   make(chan job, opts.Queue),
		work:    work,
		cancel:  cancel,
		retries: map[*time.Timer]job{},
	}
	for range opts.Workers {
		d.workers.Go(d.run)
	}
	return d
}

// Submit queues in for handling and reports whether it was taken. It never
// blocks: a full queue (counted in Metrics.QueueSaturations) or a closed
// Dispatcher answers false at once, and the transport must then not
// acknowledge the delivery, so that Slack sends it again.
func (d *Dispatcher) Submit(in Inbound) bool {
	if in.Received.IsZero() {
		in.Received = time.Now()
	}
	return d.enqueue(job{in: in})
}

func (d *Dispatcher) enqueue(j job) bool {
	d.mu.RLock()
	defer d.mu.RUnlock()
	if d.closed {
		return false
	}
	select {
	case d.queue <- j:
		return true
	default:
		if d.metrics != nil {
			d.metrics.QueueSaturations.Inc()
		}
		d.log.Warn("work queue full, refusing a delivery", "kind", j.in.Kind(), "key", j.in.Key, "attempt", j.attempt, "queue", cap(d.queue))
		return false
	}
}

// Close stops taking work, then waits until every Inbound already taken
// has been handled: they were acknowledged, so Slack will not send them
// again. Failed Inbounds waiting for a retry are abandoned, with a warning
// naming each. When ctx ends first, the handlers still running see their
// context cancelled, the Inbounds still queued are dropped, and Close
// returns an error saying how many.
func (d *Dispatcher) Close(ctx context.Context) error {
	d.mu.Lock()
	if d.closed {
		d.mu.Unlock()
		return nil
	}
	d.closed = true
	close(d.queue)
	for t, j := range d.retries {
		if t.Stop() {
			d.log.Warn("delivery abandoned at shutdown while waiting for a retry", "kind", j.in.Kind(), "key", j.in.Key, "attempt", j.attempt)
		}
	}
	clear(d.retries)
	d.mu.Unlock()

	done := make(chan struct{})
	go func() {
		d.workers.Wait()
		close(done)
	}()
	select {
	case <-done:
		d.cancel()
		return nil
	case <-ctx.Done():
	}
	d.cancel()
	<-done
	if n := d.dropped.Load(); n > 0 {
		return fmt.Errorf("dispatcher: %d acknowledged deliveries dropped at shutdown: %w", n, ctx.Err())
	}
	return fmt.Errorf("dispatcher: handlers interrupted at shutdown: %w", ctx.Err())
}

func (d *Dispatcher) run() {
	for j := range d.queue {
		if d.work.Err() != nil {
			// Close gave up waiting: drain without handling.
			d.dropped.Add(1)
			d.log.Warn("delivery dropped at shutdown", "kind", j.in.Kind(), "key", j.in.Key)
			continue
		}
		d.handle(j)
	}
}

// handle makes one attempt at j. A panic becomes a logged error, so one
// bad payload cannot take the bot down; an error schedules a retry.
func (d *Dispatcher) handle(j job) {
	ctx, cancel := context.WithTimeout(d.work, d.opts.Timeout)
	defer cancel()
	kind := j.in.Kind()
	panicked, err := d.call(ctx, j.in)
	retry := err != nil && !panicked && d.work.Err() == nil && j.attempt < d.opts.Retries
	if !retry && d.metrics != nil {
		d.metrics.HandlerLatency.WithLabelValues(kind).Observe(time.Since(j.in.Received).Seconds())
	}
	switch {
	case err == nil, panicked:
	case d.work.Err() != nil:
		d.log.Warn("handling interrupted at shutdown", "kind", kind, "key", j.in.Key, "err", err)
	case retry:
		delay := d.retryDelay(j.attempt, err)
		d.log.Warn("handling failed, will retry", "kind", kind, "key", j.in.Key, "attempt", j.attempt+1, "in", delay, "err", err)
		d.retryLater(job{in: j.in, attempt: j.attempt + 1}, delay)
	default:
		d.log.Error("handling failed, giving up", "kind", kind, "key", j.in.Key, "attempts", j.attempt+1, "err", err)
	}
}

func (d *Dispatcher) call(ctx context.Context, in Inbound) (panicked bool, err error) {
	defer func() {
		if p := recover(); p != nil {
			if d.metrics != nil {
				d.metrics.InboundRejected.WithLabelValues("panic").Inc()
			}
			d.log.Error("handler panicked", "kind", in.Kind(), "key", in.Key, "panic", fmt.Sprint(p), "stack", string(debug.Stack()))
			panicked, err = true, fmt.Errorf("panic: %v", p)
		}
	}()
	return false, d.handler.Handle(ctx, in)
}

// retryDelay is the wait before retry number attempt+1.
func (d *Dispatcher) retryDelay(attempt int, err error) time.Duration {
	delay := d.opts.RetryDelay
	for range attempt {
		delay *= 5
	}
	if rl, ok := errors.AsType[*slack.RateLimitedError](err); ok && rl.RetryAfter > delay {
		delay = rl.RetryAfter
	}
	return delay
}

func (d *Dispatcher) retryLater(j job, delay time.Duration) {
	d.mu.Lock()
	defer d.mu.Unlock()
	if d.closed {
		d.log.Warn("delivery abandoned at shutdown", "kind", j.in.Kind(), "key", j.in.Key, "attempt", j.attempt)
		return
	}
	var t *time.Timer
	t = time.AfterFunc(delay, func() {
		d.mu.Lock()
		_, waiting := d.retries[t]
		delete(d.retries, t)
		d.mu.Unlock()
		if waiting && !d.enqueue(j) {
			d.log.Error("retry refused by a full or closed queue, delivery lost", "kind", j.in.Kind(), "key", j.in.Key, "attempt", j.attempt)
		}
	})
	d.retries[t] = j
}
