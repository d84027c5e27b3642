package main

import (
	"errors"
	"io"
	"sort"

	"context"
	"flag"
	"fmt"
	"github.com/nextdesk/nextdesk/importer"
	"github.com/nextdesk/nextdesk/index"

	"github.com/nextdesk/nextdesk/importer/slackexport"
	"github.com/nextdesk/nextdesk/importer/stackexchange"
)

func (m *Main) importCmd(ctx context.Context, args []string) error {
	fs := flag.NewFlagSet("import", flag.ContinueOnError)
	channels := fs.String("channels", "", "slack-export and slack-api: import just these channels (names or ids, comma-separated)")
	since := fs.String("since", "", "slack-api only: skip messages before this date (2026-01-31)")
	rest, err := parseArgs(fs, args)
	if err != nil {
		return err
	}
	if len(rest) == 1 && rest[0] == "slack-api" {
		return m.importSlackAPI(ctx, splitList(*channels), *since)
	}
	if *since != "" {
		return usagef("import: --since applies to slack-api only")
	}
	if len(rest) != 2 {
		return usagef("import: usage: nextdesk import slack-export FILE.zip [--channels a,b] | nextdesk import slack-api [--channels a,b] [--since DATE] | nextdesk import stackexchange DIR | nextdesk import org FILE.csv | nextdesk import teams FILE.yaml")
	}
	if rest[0] == "teams" {
		return m.importTeams(ctx, rest[1], *channels)
	}
	cfg, err := m.config()
	if err != nil {
		return err
	}
	log := m.logger(cfg)
	kb, err := openKnowledge(ctx, cfg, log)
	if err != nil {
		return err
	}
	defer kb.Close()

	switch kind, src := rest[0], rest[1]; kind {
	case "slack-export":
		rep, err := slackexport.Import(ctx, src, kb, slackexport.Options{Channels: splitList(*channels), Logger: log})
		printReport(m.Stdout, src, rep)
		return errors.Join(err, kb.settle(ctx, rep.Written))
	case "stackexchange":
		if *channels != "" {
			return usagef("import: --channels applies to slack-export only")
		}
		rep, err := stackexchange.Import(ctx, src, kb, stackexchange.Options{Logger: log})
		printReport(m.Stdout, src, rep)
		return errors.Join(err, kb.settle(ctx, rep.Written))
	case "org":
		return m.importOrg(ctx, kb.DB, src, *channels)
	default:
		return usagef("import: unknown source %q (want slack-export, slack-api, stackexchange, org or teams)", kind)
	}
}

func (m *Main) reindex(ctx context.Context, args []string) error {
	fs := flag.NewFlagSet("reindex", flag.ContinueOnError)
	if _, err := parseArgs(fs, args); err != nil {
		return err
	}
	cfg, err := m.config()
	if err != nil {
		return err
	}
	if err := index.Remove(indexPath(cfg.DataDir)); err != nil {
		return err
	}
	kb, err := openKnowledge(ctx, cfg, m.logger(cfg))
	if err != nil {
		return err
	}
	defer kb.Close()
	// A rebuild leaves many small segments; merging them halves the cost of
	// a search from then on.
	if err := kb.Index.Compact(ctx); err != nil {
		return err
	}
	n, err := kb.Index.DocCount()
	if err != nil {
		return err
	}
	fmt.Fprintf(m.Stdout, "index rebuilt from the store: %d questions\n", n)
	return nil
}

// printReport says in a few lines what an import did, including what it left
// out and why, so an operator can tell a clean import from a lossy one.
func printReport(w io.Writer, src string, rep importer.Report) {
	fmt.Fprintf(w, "%s: %d questions, %d answers (%d accepted), %d people, %d conversations from %d records\n",
		src, rep.Questions, rep.Answers, rep.Accepted, rep.People, rep.Conversations, rep.Records)
	fmt.Fprintf(w, "  written: %d questions and %d answers new or changed", rep.Written.Questions, rep.Written.Answers)
	if orphans := rep.Orphans + rep.Written.Orphans; orphans > 0 {
		fmt.Fprintf(w, "; %d answers without their question", orphans)
	}
	fmt.Fprintln(w)
	if rep.Reconstructed > 0 {
		fmt.Fprintf(w, "  %d questions reconstructed from channels without threads (marked as such: a heuristic)\n", rep.Reconstructed)
	}
	reasons := make([]string, 0, len(rep.Skipped))
	for r := range rep.Skipped {
		reasons = append(reasons, r)
	}
	sort.Strings(reasons)
	for _, r := range reasons {
		fmt.Fprintf(w, "  skipped %d: %s\n", rep.Skipped[r], r)
	}
	for _, p := range rep.Problems {
		fmt.Fprintf(w, "  problem: %s\n", p)
	}
}
