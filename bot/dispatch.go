package bot

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"math"
	"math/rand/v2"
	"runtime/debug"
	"sync"
	"time"

	"github.com/slack-go/slack"

	"github.com/nextdesk/nextdesk/internal/logctx"
	"github.com/nextdesk/nextdesk/knowledge/desk"
)

// Inbox keeps what Slack delivered from before its acknowledgement until
// it is handled; *sqlite.DB implements it.
type Inbox interface {
	// RecordInbound keeps d, synced to disk, unless its key is kept or was
	// handled already; it reports whether d was recorded.
	RecordInbound(ctx context.Context, d desk.Delivery) (bool, error)
	// ClaimInbound takes up to limit deliveries due at now, counting an
	// attempt; each is due again at now+retry(attempts) should the
	// process die before reporting back.
	ClaimInbound(ctx context.Context, now time.Time, limit int, retry func(attempts int) time.Duration) ([]desk.Delivery, error)
	// FinishInbound removes a handled delivery.
	FinishInbound(ctx context.Context, key string) error
	// RetryInbound makes a claimed delivery due again at due.
	RetryInbound(ctx context.Context, key string, due time.Time, reason string) error
	// ParkInbound sets a delivery aside for an operator.
	ParkInbound(ctx context.Context, key, reason string) error
	// PendingBefore reports whether a delivery other than key, received
	// before t, is still to be handled.
	PendingBefore(ctx context.Context, key string, t time.Time) (bool, error)
	// InboxStats says how the inbox stands.
	InboxStats(ctx context.Context) (desk.InboxStats, error)
}

// DispatchOptions size a Dispatcher. Zero fields take the defaults.
type DispatchOptions struct {
	// Workers is how many deliveries are handled at once (default 8).
	Workers int
	// Timeout bounds one Handle call (default 2 minutes), so a stuck
	// Slack call or lock cannot hold a worker forever.
	Timeout time.Duration
	// MaxAge is how long a delivery whose handling keeps failing is tried
	// again (default 24 hours, NEXTDESK_INBOX_MAX_AGE); after that it is
	// parked: kept, counted and shown, no longer tried on its own.
	MaxAge time.Duration
	// RetryDelay is the wait before the first retry (default 1s); each
	// next wait doubles, up to MaxRetryDelay (default 5 minutes), with
	// jitter, and a Slack rate limit's Retry-After is honoured when longer.
	RetryDelay, MaxRetryDelay time.Duration
	// Poll is how often the inbox is read for retries that came due
	// (default 1s); new deliveries wake the dispatcher at once.
	Poll time.Duration
	// Now is the clock of receipts and due times (default time.Now).
	Now func() time.Time
	// Hold, when not nil, is asked before deliveries are claimed: while
	// it returns an error (Slack refuses the bot token), they wait in the
	// inbox.
	Hold func() error
}

func (o DispatchOptions) withDefaults() DispatchOptions {
	if o.Workers <= 0 {
		o.Workers = 8
	}
	if o.Timeout <= 0 {
		o.Timeout = 2 * time.Minute
	}
	if o.MaxAge <= 0 {
		o.MaxAge = DefaultMaxAge
	}
	if o.RetryDelay <= 0 {
		o.RetryDelay = time.Second
	}
	if o.MaxRetryDelay <= 0 {
		o.MaxRetryDelay = 5 * time.Minute
	}
	if o.MaxRetryDelay < o.RetryDelay {
		o.MaxRetryDelay = o.RetryDelay
	}
	if o.Poll <= 0 {
		o.Poll = time.Second
	}
	if o.Now == nil {
		o.Now = time.Now
	}
	return o
}

// DefaultMaxAge is how long a failing delivery is retried by default: a
// day covers a night's outage and the morning's fix.
const DefaultMaxAge = 24 * time.Hour

// notYetWait bounds how long a delivery that names something not recorded
// yet (desk.ErrNotYet: a check mark that overtook the reply it marks) waits
// for it, unless deliveries received before it are still to be handled:
// Slack sends the events of one action within seconds and, when our answer
// to one failed, sends it again after a minute and after five.
const notYetWait = 6 * time.Minute

// stuckAfter is how long a delivery may wait past its due time for a free
// worker before the inbox counts as stuck (not ready).
const stuckAfter = 2 * time.Minute

// Dispatcher is what stands between the transports and a Handler. Submit
// records each delivery in the inbox, synced to disk, before the transport
// acknowledges it; a bounded pool of workers then handles what the inbox
// holds, tries again with backoff what failed (after a restart too), and
// parks what kept failing past MaxAge. A flood of events cannot start
// unbounded work, and nothing acknowledged is lost.
type Dispatcher struct {
	inbox   Inbox
	opts    DispatchOptions
	metrics *Metrics
	log     *slog.Logger

	wake  chan struct{} // a delivery was recorded
	stop  chan struct{} // closed by Close: claim nothing more
	queue chan desk.Delivery
	free  chan struct{} // one token per idle worker

	// work is the context of every Handle call; Close cancels it once its
	// own deadline has passed, and the deliveries being handled stay in
	// the inbox for the next start.
	work   context.Context
	cancel context.CancelFunc

	mu      sync.Mutex // guards the fields below it, to running
	handler Handler    // set by Start
	started bool
	closed  bool
	loopAt  time.Time      // the claim loop's last round
	running sync.WaitGroup // the claim loop and the workers

	healthMu sync.Mutex      // guards what Ready reads, below
	failing  error           // the last Submit's store error; nil once one succeeds
	stats    desk.InboxStats // as last read
	statsAt  time.Time       // when, on the clock of due times
	readAt   time.Time       // when, on the wall clock: they are read once a Poll
	statsErr error           // reading them failed
}

// NewDispatcher returns a Dispatcher recording into inbox. It handles
// nothing until Start. Metrics and log may be nil (tests); production
// passes the shared ones.
func NewDispatcher(inbox Inbox, opts DispatchOptions, metrics *Metrics, log *slog.Logger) (*Dispatcher, error) {
	if inbox == nil {
		return nil, errors.New("bot: a dispatcher needs an inbox")
	}
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	opts = opts.withDefaults()
	work, cancel := context.WithCancel(context.Background())
	d := &Dispatcher{
		inbox: inbox, opts: opts, metrics: metrics, log: log,
		wake:  make(chan struct{}, 1),
		stop:  make(chan struct{}),
		queue: make(chan desk.Delivery, opts.Workers),
		free:  make(chan struct{}, opts.Workers),
		work:  work, cancel: cancel,
	}
	for range opts.Workers {
		d.free <- struct{}{}
	}
	return d, nil
}

// Submit records in in the inbox, synced to disk, and returns once it is
// there: only then may the transport acknowledge it. A delivery already in
// the inbox, or handled before, is not recorded again and returns nil too.
// It returns the store's error when the delivery could not be recorded
// (the disk is full or read-only, the file damaged): the transport must
// then leave the delivery unacknowledged, so that Slack sends it again, and
// Ready reports the failure until a later Submit succeeds.
func (d *Dispatcher) Submit(ctx context.Context, in Inbound) error {
	if in.Received.IsZero() {
		in.Received = d.opts.Now()
	}
	began := time.Now()
	fresh, err := d.inbox.RecordInbound(ctx, in.delivery())
	if d.metrics != nil {
		d.metrics.InboxRecordSeconds.Observe(time.Since(began).Seconds())
	}
	d.healthMu.Lock()
	d.failing = err
	d.healthMu.Unlock()
	if err != nil {
		if d.metrics != nil {
			d.metrics.InboundRejected.WithLabelValues("store").Inc()
		}
		d.log.ErrorContext(logctx.Event(ctx, in.Key), "a Slack delivery could not be recorded; Slack is asked to send it again", "kind", in.Kind(), "err", err)
		return err
	}
	if !fresh {
		if d.metrics != nil {
			d.metrics.InboundRejected.WithLabelValues("duplicate").Inc()
		}
		d.log.DebugContext(logctx.Event(ctx, in.Key), "a Slack delivery recorded or handled before", "kind", in.Kind(), "retry", in.Retry)
		return nil
	}
	select {
	case d.wake <- struct{}{}:
	default:
	}
	return nil
}

// Start starts handling what the inbox holds with h, until Close. Deliveries
// recorded before are handled first. It returns an error if h is nil or if
// the Dispatcher was started or closed already.
func (d *Dispatcher) Start(h Handler) error {
	d.mu.Lock()
	defer d.mu.Unlock()
	switch {
	case h == nil:
		return errors.New("bot: the dispatcher needs a handler")
	case d.started || d.closed:
		return errors.New("bot: the dispatcher was started or closed already")
	}
	d.handler, d.started = h, true
	d.loopAt = time.Now()
	d.running.Go(d.claimLoop)
	for range d.opts.Workers {
		d.running.Go(d.worker)
	}
	return nil
}

// Close stops claiming deliveries and waits for the handlings under way.
// When ctx ends first, their contexts are cancelled and Close waits for them
// to return: what they did not finish stays in the inbox, handled at the
// next start. It returns nil in both cases, since nothing is lost.
func (d *Dispatcher) Close(ctx context.Context) error {
	d.mu.Lock()
	if d.closed {
		d.mu.Unlock()
		return nil
	}
	d.closed = true
	close(d.stop)
	d.mu.Unlock()

	done := make(chan struct{})
	go func() {
		d.running.Wait()
		close(done)
	}()
	select {
	case <-done:
	case <-ctx.Done():
		d.log.Info("shutdown: handlings still under way are interrupted; their deliveries stay in the inbox for the next start")
		d.cancel()
		<-done
	}
	d.cancel()
	return nil
}

// Ready returns nil when deliveries are being recorded and handled, and
// otherwise what is wrong: the last delivery could not be recorded (the
// store refuses writes), or deliveries wait past their due time with no
// worker taking them.
func (d *Dispatcher) Ready() error {
	d.healthMu.Lock()
	defer d.healthMu.Unlock()
	if d.failing != nil {
		return fmt.Errorf("inbox: the last Slack delivery could not be recorded: %w", d.failing)
	}
	if err := d.Alive(); err != nil {
		return err
	}
	if d.statsErr != nil {
		return fmt.Errorf("inbox: %w", d.statsErr)
	}
	if due := d.stats.OldestDue; !due.IsZero() && d.statsAt.Sub(due) > stuckAfter && !d.held() {
		return fmt.Errorf("inbox: stuck, a delivery due %s ago waits for a worker", d.statsAt.Sub(due).Round(time.Second))
	}
	return nil
}

// TaskInbox names the inbox's task in `nextdesk tasks`.
const TaskInbox = "inbox"

// Task is the handling of the inbox as a task that runs alone (`nextdesk
// tasks`, while no server runs): Drain with h. The server runs the
// Dispatcher itself instead.
func (d *Dispatcher) Task(h Handler) desk.Task {
	return desk.Task{Name: TaskInbox, Every: d.opts.Poll, Run: func(ctx context.Context, dryRun bool) error {
		return d.Drain(ctx, h, dryRun)
	}}
}

// Drain handles with h every delivery due now, Workers at a time, until
// none is due, recording each outcome as the running Dispatcher would (a
// failure is due again later, and left for the next run). Dry, it only
// says how many wait. It returns an error if the Dispatcher was started,
// or if Slack refuses the bot token.
func (d *Dispatcher) Drain(ctx context.Context, h Handler, dryRun bool) error {
	d.mu.Lock()
	if d.started || d.closed || h == nil {
		d.mu.Unlock()
		return errors.New("bot: drain needs a handler and a dispatcher not started")
	}
	d.handler = h
	d.mu.Unlock()
	if dryRun {
		s, err := d.inbox.InboxStats(ctx)
		if err != nil {
			return err
		}
		d.log.Info("inbox (dry run): would handle the deliveries due", "pending", s.Pending, "parked", s.Parked)
		return nil
	}
	stop := context.AfterFunc(ctx, d.cancel)
	defer stop()
	for {
		if d.opts.Hold != nil {
			if err := d.opts.Hold(); err != nil {
				return err
			}
		}
		ds, err := d.inbox.ClaimInbound(d.work, d.opts.Now(), d.opts.Workers, d.retryDelay)
		if err != nil || len(ds) == 0 || d.work.Err() != nil {
			return err
		}
		var wg sync.WaitGroup
		for _, del := range ds {
			wg.Go(func() { d.handle(del) })
		}
		wg.Wait()
	}
}

// Alive returns nil unless the Dispatcher was started and its claim loop
// has not turned for stuckAfter: it is hung, and only a restart helps.
func (d *Dispatcher) Alive() error {
	d.mu.Lock()
	defer d.mu.Unlock()
	if !d.started || d.closed {
		return nil
	}
	if since := time.Since(d.loopAt); since > stuckAfter {
		return fmt.Errorf("inbox: the dispatcher has not turned for %s", since.Round(time.Second))
	}
	return nil
}

// claimLoop hands due deliveries to idle workers until Close: at once when
// a delivery is recorded or a worker frees up, else every Poll for the
// retries that came due. It also keeps the inbox's gauges current.
func (d *Dispatcher) claimLoop() {
	defer close(d.queue)
	poll := time.NewTicker(d.opts.Poll)
	defer poll.Stop()
	idle := 0 // workers known idle, their tokens held here
	for {
		for idle < d.opts.Workers {
			select {
			case <-d.free:
				idle++
				continue
			default:
			}
			break
		}
		if idle > 0 && !d.held() {
			ds, err := d.inbox.ClaimInbound(d.work, d.opts.Now(), idle, d.retryDelay)
			if err != nil && d.work.Err() == nil {
				d.log.Warn("inbox: reading the deliveries due failed; trying again", "err", err)
			}
			for _, del := range ds {
				d.queue <- del // never blocks: one slot per idle worker
				idle--
			}
		}
		d.refresh()
		var freed <-chan struct{}
		if idle == 0 {
			freed = d.free
		}
		select {
		case <-d.stop:
			return
		case <-d.wake:
		case <-freed:
			idle++
		case <-poll.C:
		}
	}
}

func (d *Dispatcher) held() bool {
	return d.opts.Hold != nil && d.opts.Hold() != nil
}

// refresh reads the inbox's counts for the gauges and Ready.
func (d *Dispatcher) refresh() {
	d.mu.Lock()
	d.loopAt = time.Now()
	d.mu.Unlock()
	d.healthMu.Lock()
	fresh := time.Since(d.readAt) < d.opts.Poll
	d.healthMu.Unlock()
	if fresh {
		return
	}
	now := d.opts.Now()
	s, err := d.inbox.InboxStats(d.work)
	d.healthMu.Lock()
	d.stats, d.statsAt, d.statsErr, d.readAt = s, now, err, time.Now()
	d.healthMu.Unlock()
	if err == nil && d.metrics != nil {
		d.metrics.InboxPending.Set(float64(s.Pending))
		d.metrics.InboxParked.Set(float64(s.Parked))
	}
}

func (d *Dispatcher) worker() {
	for del := range d.queue {
		d.handle(del)
		d.free <- struct{}{}
	}
}

// handle makes one attempt at del and records its outcome in the inbox:
// done, tried again later, or parked.
func (d *Dispatcher) handle(del desk.Delivery) {
	ctx := logctx.Event(d.work, del.Key)
	in, err := inboundOf(del)
	if err != nil {
		d.park(ctx, del, err)
		return
	}
	kind := in.Kind()
	hctx, cancel := context.WithTimeout(ctx, d.opts.Timeout)
	panicked, err := d.call(hctx, in)
	cancel()
	now := d.opts.Now()
	switch {
	case err == nil:
		d.finish(ctx, del)
	case panicked:
		// A panic is a bug: trying again would panic again. Parked, it
		// waits for a fixed version (nextdesk tasks --requeue-parked).
		d.park(ctx, del, err)
	case d.work.Err() != nil:
		d.log.InfoContext(ctx, "handling interrupted at shutdown; the delivery stays in the inbox", "kind", kind)
	case errors.Is(err, desk.ErrAfterEarlier):
		earlier, perr := d.inbox.PendingBefore(ctx, del.Key, del.Received)
		if perr == nil && !earlier {
			d.log.DebugContext(ctx, "the delivery names nothing the desk follows", "kind", kind)
			d.finish(ctx, del)
			return
		}
		wait := d.retryDelay(del.Attempts)
		d.log.DebugContext(ctx, "the delivery may name what an earlier one brings; tried again after it", "kind", kind, "in", wait)
		d.record(ctx, "recording a retry", func() error { return d.inbox.RetryInbound(ctx, del.Key, now.Add(wait), err.Error()) })
	case errors.Is(err, desk.ErrNotYet) && !d.stillWaiting(ctx, del, now):
		d.log.InfoContext(ctx, "what the delivery names never came; it is handled as naming nothing", "kind", kind, "waited", now.Sub(del.Received).Round(time.Second))
		if d.metrics != nil {
			d.metrics.InboundRejected.WithLabelValues("never_came").Inc()
		}
		d.finish(ctx, del)
	case !errors.Is(err, desk.ErrNotYet) && now.Sub(del.Since) >= d.opts.MaxAge:
		d.park(ctx, del, err)
	default:
		wait := d.retryDelay(del.Attempts)
		if rl, ok := errors.AsType[*slack.RateLimitedError](err); ok && rl.RetryAfter > wait {
			wait = rl.RetryAfter
		}
		level := slog.LevelWarn
		if errors.Is(err, desk.ErrNotYet) {
			level = slog.LevelDebug
		}
		d.log.Log(ctx, level, "handling failed, will retry", "kind", kind, "attempt", del.Attempts, "in", wait.Round(time.Millisecond), "err", err)
		d.record(ctx, "recording a retry", func() error { return d.inbox.RetryInbound(ctx, del.Key, now.Add(wait), err.Error()) })
	}
}

// record writes the outcome of a handling to the inbox, trying again while
// the store refuses (a full disk, a read-only mount): a delivery whose
// outcome is not recorded would stay claimed, out of reach, until the next
// start. It gives up only at a forced shutdown; the next start then
// releases the delivery.
func (d *Dispatcher) record(ctx context.Context, what string, write func() error) {
	_ = untilStored(d.work.Done(), untilStopped, write, func(err error) {
		d.log.ErrorContext(ctx, "inbox: "+what+" failed; trying again until the store takes writes", "err", err)
	})
}

// untilStopped is untilStored's budget for trying until stopped.
const untilStopped = time.Duration(math.MaxInt64)

// untilStored calls write until it succeeds, stop closes, or the waits
// between tries would pass budget (untilStopped for no bound); it returns
// write's last error. A store refuses writes for a while (a full disk, a
// read-only mount) and then takes them again: it is tried after 100 ms,
// then twice as long each time up to 5 s. refused is told the first
// refusal, for one log line however long it lasts.
func untilStored(stop <-chan struct{}, budget time.Duration, write func() error, refused func(error)) error {
	wait := 100 * time.Millisecond
	for {
		err := write()
		if err == nil || wait >= budget {
			return err
		}
		if wait == 100*time.Millisecond {
			refused(err)
		}
		budget -= wait
		select {
		case <-stop:
			return err
		case <-time.After(wait):
		}
		wait = min(2*wait, 5*time.Second)
	}
}

func (d *Dispatcher) finish(ctx context.Context, del desk.Delivery) {
	if d.metrics != nil {
		d.metrics.HandlerLatency.WithLabelValues(del.Kind).Observe(d.opts.Now().Sub(del.Received).Seconds())
	}
	d.record(ctx, "removing a handled delivery", func() error { return d.inbox.FinishInbound(ctx, del.Key) })
}

func (d *Dispatcher) park(ctx context.Context, del desk.Delivery, cause error) {
	if d.metrics != nil {
		d.metrics.InboxParkedTotal.Inc()
	}
	d.log.ErrorContext(ctx, "delivery parked: it is not tried again until requeued (nextdesk tasks --requeue-parked)",
		"kind", del.Kind, "attempts", del.Attempts, "received", del.Received, "err", cause)
	d.record(ctx, "parking a delivery", func() error { return d.inbox.ParkInbound(ctx, del.Key, cause.Error()) })
}

// stillWaiting reports whether a delivery that names something not
// recorded yet should wait longer: within notYetWait of its receipt, or
// while deliveries received before it (the one it names, maybe) are still
// to be handled, within MaxAge.
func (d *Dispatcher) stillWaiting(ctx context.Context, del desk.Delivery, now time.Time) bool {
	age := now.Sub(del.Received)
	if age < notYetWait {
		return true
	}
	if now.Sub(del.Since) >= d.opts.MaxAge {
		return false
	}
	earlier, err := d.inbox.PendingBefore(ctx, del.Key, del.Received)
	return err != nil || earlier
}

func (d *Dispatcher) call(ctx context.Context, in Inbound) (panicked bool, err error) {
	defer func() {
		if p := recover(); p != nil {
			if d.metrics != nil {
				d.metrics.InboundRejected.WithLabelValues("panic").Inc()
			}
			d.log.ErrorContext(ctx, "handler panicked", "kind", in.Kind(), "panic", fmt.Sprint(p), "stack", string(debug.Stack()))
			panicked, err = true, fmt.Errorf("panic: %v", p)
		}
	}()
	d.mu.Lock()
	h := d.handler
	d.mu.Unlock()
	return false, h.Handle(ctx, in)
}

// retryDelay is the wait after attempt number attempts failed: RetryDelay
// doubled at each attempt up to MaxRetryDelay, the upper half jittered so
// that retries after an outage spread out.
func (d *Dispatcher) retryDelay(attempts int) time.Duration {
	wait := d.opts.MaxRetryDelay
	if n := attempts - 1; n < 30 {
		wait = min(d.opts.RetryDelay<<max(n, 0), d.opts.MaxRetryDelay)
	}
	return wait/2 + rand.N(wait/2+1)
}
