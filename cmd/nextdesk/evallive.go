package main

import (
	"context"
	"errors"
	"flag"
	"time"

	"github.com/nextdesk/nextdesk/eval"
	"github.com/nextdesk/nextdesk/knowledge"
	"github.com/nextdesk/nextdesk/knowledge/sqlite"
)

// evalLive is `nextdesk eval live [--json]`: how the instant answers and
// the routes did in this workspace over the last 30 and 90 days, and the
// threshold in force, measured from the store. It reads the store alone,
// never the index, so it runs beside nextdesk serve.
func (m *Main) evalLive(ctx context.Context, args []string) (err error) {
	fs := flag.NewFlagSet("eval live", flag.ContinueOnError)
	asJSON := fs.Bool("json", false, "print one JSON object")
	rest, err := parseArgs(fs, args)
	if err != nil {
		return err
	}
	if len(rest) != 0 {
		return usagef("eval: usage: nextdesk eval live [--json]")
	}
	cfg, err := m.config()
	if err != nil {
		return err
	}
	path := storePath(cfg.DataDir)
	if err := checkStoreExists(path); err != nil {
		return err
	}
	db, err := sqlite.OpenReadOnly(path)
	if err != nil {
		return err
	}
	defer func() { err = errors.Join(err, db.Close()) }()
	rep, err := eval.Live(ctx, db, time.Now(), knowledge.DefaultPolicy().SureConfidence)
	if err != nil {
		return err
	}
	if *asJSON {
		return rep.WriteJSON(m.Stdout)
	}
	return rep.WriteTable(m.Stdout)
}
