package main

import (
	"context"
	"flag"
	"io"
	"time"

	"github.com/nextdesk/nextdesk/digest"
	"github.com/nextdesk/nextdesk/knowledge/sqlite"
)

// review is `nextdesk review --since DATE [--format text|blocks|csv]`: the
// reciprocal commitments table from DATE (midnight in NEXTDESK_TZ) to now,
// for each pair of teams (docs/teams.md).
func (m *Main) review(ctx context.Context, args []string) error {
	fs := flag.NewFlagSet("review", flag.ContinueOnError)
	since := fs.String("since", "", "the first day of the period reviewed, e.g. 2026-06-01")
	format := fs.String("format", "text", "text, blocks (Slack Block Kit JSON) or csv")
	rest, err := parseArgs(fs, args)
	if err != nil {
		return err
	}
	const usage = "review: usage: nextdesk review --since 2026-06-01 [--format text|blocks|csv]"
	switch {
	case len(rest) > 0 || *since == "":
		return usagef(usage)
	case *format != "text" && *format != "blocks" && *format != "csv":
		return usagef("review: --format must be text, blocks or csv, not %q", *format)
	}
	cfg, err := m.config()
	if err != nil {
		return err
	}
	dcfg, err := m.digestConfig()
	if err != nil {
		return err
	}
	from, err := time.ParseInLocation(time.DateOnly, *since, dcfg.Location)
	if err != nil {
		return usagef("review: --since must be a date written 2026-06-01, not %q", *since)
	}
	now := time.Now()
	if !from.Before(now) {
		return usagef("review: --since %s is not in the past", *since)
	}
	// The store alone: the review needs no search index.
	db, err := sqlite.Open(storePath(cfg.DataDir))
	if err != nil {
		return err
	}
	defer db.Close()
	r, err := digest.ComposeReview(ctx, db, from, now)
	if err != nil {
		return err
	}
	switch *format {
	case "blocks":
		return writeJSON(m.Stdout, digest.ReviewBlocks(r, cfg.Lang))
	case "csv":
		return digest.WriteReviewCSV(m.Stdout, r)
	}
	_, err = io.WriteString(m.Stdout, digest.ReviewText(r, cfg.Lang))
	return err
}
