package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"path/filepath"

	"github.com/nextdesk/nextdesk/eval"
	"github.com/nextdesk/nextdesk/importer"
	"github.com/nextdesk/nextdesk/importer/slackexport"
)

// evalReconstruct is `nextdesk eval reconstruct FILE.zip`: it removes the
// threads of a Slack export, reconstructs question → answer pairs from the
// flat history as it would for an export from before threads, and says
// how many of the real pairs come back (recall) and how many of those it
// finds are real (precision).
func (m *Main) evalReconstruct(ctx context.Context, args []string) error {
	fs := flag.NewFlagSet("eval reconstruct", flag.ContinueOnError)
	channels := fs.String("channels", "", "evaluate just these channels (names or ids, comma-separated)")
	asJSON := fs.Bool("json", false, "print one JSON object")
	rest, err := parseArgs(fs, args)
	if err != nil {
		return err
	}
	if len(rest) != 1 {
		return usagef("eval: usage: nextdesk eval reconstruct FILE.zip [--channels a,b] [--json]")
	}
	src := rest[0]
	opts := slackexport.Options{Channels: splitList(*channels)}
	var truth, found importer.Collector
	if _, err := slackexport.Import(ctx, src, &truth, opts); err != nil {
		return err
	}
	tmp, err := os.MkdirTemp("", "nextdesk-eval-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(tmp)
	flat := filepath.Join(tmp, "flat.zip")
	if err := slackexport.Flatten(src, flat); err != nil {
		return err
	}
	if _, err := slackexport.Import(ctx, flat, &found, opts); err != nil {
		return err
	}
	r := eval.ComparePairs(filepath.Base(src), truth.Questions, found.Questions)
	if *asJSON {
		return printJSON(m.Stdout, r)
	}
	fmt.Fprintf(m.Stdout, "dataset %s, threads removed and reconstructed\n", r.Dataset)
	fmt.Fprintf(m.Stdout, "  question → answerer pairs: %d real, %d found, %d right\n", r.Truth, r.Found, r.Right)
	fmt.Fprintf(m.Stdout, "  precision %.3f (found pairs that are real), recall %.3f (real pairs found)\n", r.Precision, r.Recall)
	fmt.Fprintf(m.Stdout, "  questions: %d real, %d found, %d of them real\n", r.Questions, r.FoundQuestions, r.RightQuestions)
	return nil
}
