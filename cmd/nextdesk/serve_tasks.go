package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"strings"
	"time"

	"github.com/nextdesk/nextdesk/knowledge/desk"
)

// tasks runs the background tasks once, in the foreground, with the
// serve settings: to catch up after downtime (the inbox's deliveries
// included), to check what escalation would do (--dry-run), or to drive
// them from cron instead of a long-running server. Each task reports its
// own result and a failure does not stop the others. It ends by saying how
// the inbox stands and listing the deliveries parked, which
// --requeue-parked gives another chance first.
func (m *Main) tasks(ctx context.Context, args []string) error {
	fs := flag.NewFlagSet("tasks", flag.ContinueOnError)
	only := fs.String("only", "", "run only the task with this name")
	dryRun := fs.Bool("dry-run", false, "report what the tasks would do without changing anything or writing to Slack")
	requeue := fs.Bool("requeue-parked", false, "give the Slack deliveries parked in the inbox another chance (after fixing what failed them)")
	rest, err := parseArgs(fs, args)
	if err != nil {
		return err
	}
	if len(rest) > 0 {
		return usagef("tasks takes no arguments, only --only NAME, --dry-run and --requeue-parked")
	}
	s := m.NewServer()
	if err := s.ParseFlags(nil); err != nil {
		return err
	}
	if err := s.openBot(ctx); err != nil {
		return errors.Join(err, s.shutdown())
	}
	if *requeue && !*dryRun {
		n, err := s.kb.DB.RequeueParked(ctx, s.now())
		if err != nil {
			return errors.Join(err, s.shutdown())
		}
		fmt.Fprintf(m.Stdout, "inbox: %s requeued\n", plural(int(n), "parked delivery", "parked deliveries"))
	}
	tasks := append([]desk.Task{s.dispatch.Task(s.bot)}, s.tasks...)
	err = runTasks(ctx, m, tasks, *only, *dryRun)
	err = errors.Join(err, m.inboxReport(ctx, s))
	return errors.Join(err, s.shutdown())
}

// parkedShown is how many parked deliveries the tasks command lists.
const parkedShown = 20

// inboxReport says how many deliveries the inbox holds and lists the
// parked ones: what an operator must look at.
func (m *Main) inboxReport(ctx context.Context, s *Server) error {
	st, err := s.kb.DB.InboxStats(ctx)
	if err != nil {
		return err
	}
	fmt.Fprintf(m.Stdout, "inbox: %d pending, %d parked\n", st.Pending, st.Parked)
	if st.Parked == 0 {
		return nil
	}
	parked, err := s.kb.DB.ParkedInbound(ctx, parkedShown)
	if err != nil {
		return err
	}
	for _, d := range parked {
		fmt.Fprintf(m.Stdout, "  parked %s %s received %s after %s: %s\n", d.Key, d.Kind,
			d.Received.Format(time.RFC3339), plural(d.Attempts, "attempt", "attempts"), d.Error)
	}
	if more := st.Parked - len(parked); more > 0 {
		fmt.Fprintf(m.Stdout, "  and %d more\n", more)
	}
	fmt.Fprintln(m.Stdout, "  once the cause is fixed, `nextdesk tasks --requeue-parked` tries them again")
	return nil
}

func runTasks(ctx context.Context, m *Main, tasks []desk.Task, only string, dryRun bool) error {
	var names []string
	for _, t := range tasks {
		names = append(names, t.Name)
	}
	if only != "" {
		var picked []desk.Task
		for _, t := range tasks {
			if t.Name == only {
				picked = append(picked, t)
			}
		}
		if len(picked) == 0 {
			return usagef("tasks: no task named %q; the tasks are %s", only, strings.Join(names, ", "))
		}
		tasks = picked
	}
	var failed []string
	for _, t := range tasks {
		began := time.Now()
		err := t.Run(ctx, dryRun)
		took := time.Since(began).Round(time.Millisecond)
		if err != nil {
			failed = append(failed, t.Name)
			fmt.Fprintf(m.Stdout, "%s: failed after %s: %v\n", t.Name, took, err)
			continue
		}
		fmt.Fprintf(m.Stdout, "%s: done in %s\n", t.Name, took)
	}
	if len(failed) > 0 {
		return fmt.Errorf("tasks failed: %s", strings.Join(failed, ", "))
	}
	return nil
}
