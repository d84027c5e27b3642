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
// serve settings: to catch up after downtime, to check what escalation would
// do (--dry-run), or to drive them from cron instead of a long-running
// server. Each task reports its own result and a failure does not stop the
// others.
func (m *Main) tasks(ctx context.Context, args []string) error {
	fs := flag.NewFlagSet("tasks", flag.ContinueOnError)
	only := fs.String("only", "", "run only the task with this name")
	dryRun := fs.Bool("dry-run", false, "report what the tasks would do without changing anything or writing to Slack")
	rest, err := parseArgs(fs, args)
	if err != nil {
		return err
	}
	if len(rest) > 0 {
		return usagef("tasks takes no arguments, only --only NAME and --dry-run")
	}
	s := m.NewServer()
	if err := s.ParseFlags(nil); err != nil {
		return err
	}
	if _, _, err := s.openBot(ctx); err != nil {
		return errors.Join(err, s.shutdown())
	}
	err = runTasks(ctx, m, s.tasks, *only, *dryRun)
	return errors.Join(err, s.shutdown())
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
