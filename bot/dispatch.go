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
	return o
}

// Dispatcher is the bounded worker pool between the transports and a
// Handler: transports acknowledge Slack within its 3-second limit whatever
// the handler costs, and a flood of events cannot start unbounded work.
type Dispatcher struct {
	handler Handler
	opts    DispatchOptions
	metrics *Metrics
	log     *slog.Logger

	queue   chan Inbound
	workers sync.WaitGroup

	// work is the context of every Handle call; Close cancels it once its
	// own deadline has passed, so handlers persist what they hold and stop.
	work   context.Context
	cancel context.CancelFunc

	mu     sync.RWMutex // guards closed against sends on a closed queue
	closed bool

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
		queue:   make(chan Inbound, opts.Queue),
		work:    work,
		cancel:  cancel,
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
	d.mu.RLock()
	defer d.mu.RUnlock()
	if d.closed {
		return false
	}
	select {
	case d.queue <- in:
		return true
	default:
		if d.metrics != nil {
			d.metrics.QueueSaturations.Inc()
		}
		d.log.Warn("work queue full, leaving a delivery for Slack to resend", "kind", in.Kind(), "key", in.Key, "queue", cap(d.queue))
		return false
	}
}

// Close stops taking work, then waits until every Inbound already taken
// has been handled: they were acknowledged, so Slack will not send them
// again. When ctx ends first, the handlers still running see their context
// cancelled, the Inbounds still queued are dropped, and Close returns an
// error saying how many.
func (d *Dispatcher) Close(ctx context.Context) error {
	d.mu.Lock()
	if d.closed {
		d.mu.Unlock()
		return nil
	}
	d.closed = true
	close(d.queue)
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
	// Workers drain what is left without handling it once work is cancelled.
	if n := d.dropped.Load(); n > 0 {
		return fmt.Errorf("dispatcher: %d acknowledged deliveries dropped at shutdown: %w", n, ctx.Err())
	}
	return fmt.Errorf("dispatcher: handlers interrupted at shutdown: %w", ctx.Err())
}

func (d *Dispatcher) run() {
	for in := range d.queue {
		if d.work.Err() != nil {
			d.dropped.Add(1)
			d.log.Warn("delivery dropped at shutdown", "kind", in.Kind(), "key", in.Key)
			continue
		}
		d.handle(in)
	}
}

// handle runs one Handle call, turning a panic into a logged error so one
// bad payload cannot take the bot down with it.
func (d *Dispatcher) handle(in Inbound) {
	ctx, cancel := context.WithTimeout(d.work, d.opts.Timeout)
	defer cancel()
	kind := in.Kind()
	defer func() {
		if d.metrics != nil {
			d.metrics.HandlerLatency.WithLabelValues(kind).Observe(time.Since(in.Received).Seconds())
		}
	}()
	defer func() {
		if p := recover(); p != nil {
			if d.metrics != nil {
				d.metrics.InboundRejected.WithLabelValues("panic").Inc()
			}
			d.log.Error("handler panicked", "kind", kind, "key", in.Key, "panic", fmt.Sprint(p), "stack", string(debug.Stack()))
		}
	}()
	if err := d.handler.Handle(ctx, in); err != nil {
		level := slog.LevelError
		if errors.Is(err, context.Canceled) && d.work.Err() != nil {
			level = slog.LevelWarn // shutdown, not a fault
		}
		d.log.Log(ctx, level, "handle failed", "kind", kind, "key", in.Key, "retry", in.Retry, "err", err)
	}
}
