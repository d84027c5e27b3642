package main

import (
	"context"
	"fmt"
	"log/slog"
	"os"

	"github.com/nextdesk/nextdesk/index"
	"github.com/nextdesk/nextdesk/knowledge/sqlite"
)

// dataDirMode keeps the data directory to its owner: the store and the
// index hold what was said in private channels and DMs.
const dataDirMode = 0o700

// prepareDataDir creates the data directory, or restricts an existing one
// to its owner whatever its mode was (a volume created by root, a
// directory made with the default umask). Like PostgreSQL, nextdesk
// refuses a data directory other users can enter and that it cannot
// restrict, rather than serve private messages from it. Its errors match
// sqlite.ErrAccess.
func prepareDataDir(dir string) error {
	if err := os.MkdirAll(dir, dataDirMode); err != nil {
		return fmt.Errorf("data directory %s: %w: %w", dir, sqlite.ErrAccess, err)
	}
	info, err := os.Stat(dir)
	if err != nil {
		return fmt.Errorf("data directory %s: %w: %w", dir, sqlite.ErrAccess, err)
	}
	if !info.IsDir() {
		return fmt.Errorf("data directory %s: %w: it is not a directory", dir, sqlite.ErrAccess)
	}
	if info.Mode().Perm()&^dataDirMode == 0 {
		return nil
	}
	if err := os.Chmod(dir, dataDirMode); err != nil {
		return fmt.Errorf("data directory %s: %w: it is open to other users (mode %04o) and nextdesk cannot restrict it (%v); make it belong to the user nextdesk runs as, or chmod 700 it", dir, sqlite.ErrAccess, info.Mode().Perm(), err)
	}
	return nil
}

// reconcileIndex makes sure ix follows db. An index ahead of a store that
// is not empty means the store was restored from a backup: the index is
// rebuilt from it, since it holds answers the store no longer has and
// would skip the revisions the store hands out next. An index ahead of an
// empty store means the store was lost: that is refused with an error
// matching sqlite.ErrEmptied, never served as an empty knowledge base. It
// returns the index to use, which is ix unless it was rebuilt; on error,
// ix is closed.
func reconcileIndex(ctx context.Context, db *sqlite.DB, ix *index.Index, dir string, log *slog.Logger) (*index.Index, error) {
	rebuild, err := db.CheckFollower(ctx, ix.Rev())
	if err != nil {
		ix.Close()
		return nil, err
	}
	if !rebuild {
		return ix, nil
	}
	log.Warn("the index is ahead of the store (was the store restored from a backup?): rebuilding the index from the store", "index_rev", ix.Rev())
	if err := ix.Close(); err != nil {
		return nil, err
	}
	if err := index.Remove(dir); err != nil {
		return nil, err
	}
	return index.Open(dir)
}
