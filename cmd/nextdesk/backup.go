package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"time"

	"github.com/nextdesk/nextdesk/index"
	"github.com/nextdesk/nextdesk/knowledge/sqlite"
)

// backup is `nextdesk backup FILE`: a consistent copy of the store, made
// while serve runs. The index is not copied: it is rebuilt from the store.
func (m *Main) backup(ctx context.Context, args []string) error {
	fs := flag.NewFlagSet("backup", flag.ContinueOnError)
	rest, err := parseArgs(fs, args)
	if err != nil {
		return err
	}
	if len(rest) != 1 {
		return usagef("backup: usage: nextdesk backup FILE (e.g. nextdesk backup /backups/nextdesk-$(date +%%F).db)")
	}
	cfg, err := m.config()
	if err != nil {
		return err
	}
	src, dest := storePath(cfg.DataDir), rest[0]
	if err := checkStoreExists(src); err != nil {
		return err
	}
	if samePath(src, dest) {
		return usagef("backup: %s is the store itself; write the backup elsewhere", dest)
	}
	if err := checkBackupDest(dest); err != nil {
		return err
	}
	snap, err := sqlite.Backup(ctx, src, dest)
	if err != nil {
		return err
	}
	writeSnapshot(m.Stdout, "backup written to", snap)
	return nil
}

// restore is `nextdesk restore FILE`: it replaces the store with a backup
// and rebuilds the index from it. nextdesk must be stopped: restore holds
// the index, which a running serve has open, for the whole operation, so
// neither can start while the other works.
func (m *Main) restore(ctx context.Context, args []string) error {
	fs := flag.NewFlagSet("restore", flag.ContinueOnError)
	rest, err := parseArgs(fs, args)
	if err != nil {
		return err
	}
	if len(rest) != 1 {
		return usagef("restore: usage: nextdesk restore FILE (a file written by nextdesk backup)")
	}
	cfg, err := m.config()
	if err != nil {
		return err
	}
	src, dest := rest[0], storePath(cfg.DataDir)
	if samePath(src, dest) {
		return usagef("restore: %s is the store itself", src)
	}
	if err := prepareDataDir(cfg.DataDir); err != nil {
		return err
	}
	ix, err := index.Open(indexPath(cfg.DataDir))
	if errors.Is(err, index.ErrInUse) {
		return fmt.Errorf("restore: nextdesk is running on %s: stop it first: %w", cfg.DataDir, err)
	}
	if err != nil {
		return err
	}
	snap, err := sqlite.Restore(ctx, src, dest)
	if err != nil {
		// A refused backup left the store as it was, and its index with it.
		return errors.Join(err, ix.Close())
	}
	// The index describes the replaced store: it is rebuilt below.
	if err := errors.Join(ix.Close(), index.Remove(indexPath(cfg.DataDir))); err != nil {
		return err
	}
	writeSnapshot(m.Stdout, "store restored from", snap)
	kb, err := openKnowledge(ctx, cfg, m.logger(cfg))
	if err != nil {
		return err
	}
	defer kb.Close()
	n, err := kb.Index.DocCount()
	if err != nil {
		return err
	}
	fmt.Fprintf(m.Stdout, "index rebuilt from the store: %d questions\n", n)
	return nil
}

func writeSnapshot(w io.Writer, what string, s sqlite.Snapshot) {
	fmt.Fprintf(w, "%s %s: %d questions, revision %d, schema version %d, %.1f MiB\n",
		what, s.Path, s.Questions, s.Rev, s.SchemaVersion, float64(s.Bytes)/(1<<20))
}

// checkStoreExists tells an operator who mistyped NEXTDESK_DATA_DIR so,
// instead of backing up an empty store created on the spot.
func checkStoreExists(path string) error {
	_, err := os.Stat(path)
	if errors.Is(err, fs.ErrNotExist) {
		return usagef("no store at %s: is NEXTDESK_DATA_DIR right?", path)
	}
	return err
}

// checkBackupDest refuses, before the store is copied, a destination that
// could never take the copy: a directory (`nextdesk backup /backups/`) or
// a file in a directory that does not exist. Both would otherwise fail
// only after the whole copy, with an error about the store.
func checkBackupDest(dest string) error {
	if info, err := os.Stat(dest); err == nil && info.IsDir() {
		return usagef("backup: %s is a directory; give the backup's file name, e.g. %s", dest, filepath.Join(dest, "nextdesk-"+time.Now().Format(time.DateOnly)+".db"))
	}
	dir := filepath.Dir(dest)
	info, err := os.Stat(dir)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return usagef("backup: directory %s does not exist; create it first", dir)
	case err != nil:
		return fmt.Errorf("backup: %w", err)
	case !info.IsDir():
		return usagef("backup: %s is not a directory", dir)
	}
	return nil
}

// samePath reports whether a and b name the same file, existing or not.
func samePath(a, b string) bool {
	ia, errA := os.Stat(a)
	ib, errB := os.Stat(b)
	if errA == nil && errB == nil {
		return os.SameFile(ia, ib)
	}
	absA, errA := filepath.Abs(a)
	absB, errB := filepath.Abs(b)
	return errA == nil && errB == nil && absA == absB
}
