package desk

import (
	"context"
	"fmt"
	"log/slog"
	"runtime/debug"
	"sync"
	"time"
)

// Task is a named piece of background work (as gopherbot has them): it runs
// every Every, and at once when Wake receives, inside RunTasks; or alone,
// from the command line. Dry, it reports what it would do and changes
// nothing. Each task reports its own error and does not stop the others.
type Task struct {
	Name  string
	Every time.Duration
	// Wake, when not nil, runs the task before its next tick.
	Wake <-chan struct{}
	Run  func(ctx context.Context, dryRun bool) error
}

// RunTasks runs every task at its interval until ctx ends, then returns
// once the rounds under way are done. A failed round is logged (on log,
// which may be nil) and does not stop the task or the others.
func RunTasks(ctx context.Context, log *slog.Logger, tasks ...Task) {
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	var wg sync.WaitGroup
	for _, t := range tasks {
		wg.Go(func() { t.loop(ctx, log) })
	}
	wg.Wait()
}

// loop runs t once at start, for what was left due while nothing ran,
// then at each tick or wake until ctx ends.
func (t Task) loop(ctx context.Context, log *slog.Logger) {
	tick := time.NewTicker(t.Every)
	defer tick.Stop()
	for {
		t.round(ctx, log)
		select {
		case <-ctx.Done():
			return
		case <-t.Wake:
		case <-tick.C:
		}
	}
}

// round runs t once. A failure, or a panic (recovered here, at the edge of
// the background work, with its stack), is logged and waits for the next
// round.
func (t Task) round(ctx context.Context, log *slog.Logger) {
	defer func() {
		if p := recover(); p != nil {
			log.Error("background task panicked; it runs again at its next round", "task", t.Name, "panic", fmt.Sprint(p), "stack", string(debug.Stack()))
		}
	}()
	if err := t.Run(ctx, false); err != nil && ctx.Err() == nil {
		log.Error("background task failed; it runs again at its next round", "task", t.Name, "err", err)
	}
}

// How long handled keys and delivered notices are kept: the chat tool
// retries a delivery for a few hours at most, and a card clicked later
// than that is settled without being shown again.
const keepState = 7 * 24 * time.Hour

// Task names.
const (
	TaskEscalate = "escalate"
	TaskPrune    = "prune"
)

// Tasks lists the desk's background tasks: "escalate" passes on the
// questions nobody answered in time (see Escalate), "promises" holds the
// teams' promises (see HoldPromises), "membership" reads member lists
// again before they are too old to be trusted (see Refresh), "people" asks
// again about people seen deactivated (see RecheckDeactivated), and
// "prune" forgets handled keys and delivered notices older than a week,
// and who asked the anonymous questions older than KeepAnonymous.
func (d *Desk) Tasks() []Task {
	return []Task{
		{Name: TaskEscalate, Every: escalateEvery(d.cfg.AnswerTimeout), Run: d.Escalate},
		{Name: TaskPromises, Every: promisesEvery, Run: d.HoldPromises},
		{Name: TaskMembership, Every: membershipEvery(d.cfg.MembershipTTL), Run: d.Refresh},
		{Name: TaskPeople, Every: peopleEvery, Run: d.RecheckDeactivated},
		{Name: TaskPrune, Every: 6 * time.Hour, Run: d.prune},
	}
}

func (d *Desk) prune(ctx context.Context, dryRun bool) error {
	before := d.Now().Add(-keepState)
	if dryRun {
		d.log.Info("prune (dry run): would forget handled keys and delivered notices", "before", before)
		return d.forgetAnonymous(ctx, true)
	}
	n, err := d.store.Prune(ctx, before)
	if err != nil {
		return fmt.Errorf("prune: %w", err)
	}
	d.log.Info("pruned old desk state", "rows", n, "before", before)
	return d.forgetAnonymous(ctx, false)
}
