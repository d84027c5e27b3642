package sqlite

import (
	"context"
	"errors"
	"fmt"
)

// Why a store did not open. Open's errors match one of these with
// errors.Is when the cause is known, and carry SQLite's own message and
// what to do, so an operator reads the real cause and serve can report
// the store as not ready for that reason.
var (
	// ErrCorrupt: the file is damaged (truncated, overwritten, failing
	// its integrity check) or is not a SQLite database.
	ErrCorrupt = errors.New("the store is damaged")
	// ErrAccess: the file or its directory cannot be created, read or
	// written: permissions, a read-only file system, or a directory where
	// the file should be.
	ErrAccess = errors.New("the store cannot be read or written")
	// ErrNoSQLite: SQLite does not run (a binary built with
	// CGO_ENABLED=0) or is older than the schema needs.
	ErrNoSQLite = errors.New("SQLite does not run")
	// ErrTooNew: the schema was written by a newer nextdesk.
	ErrTooNew = errors.New("the store was written by a newer nextdesk")
	// ErrEmptied: the store holds no revision although something derived
	// from it (the search index) has seen some: the file was emptied,
	// deleted or replaced, often by a volume mounted at the wrong place.
	// Serving it would silently lose every answer.
	ErrEmptied = errors.New("the store is empty but its index is not")
)

// hint says what an operator can do about each cause.
var hint = map[error]string{
	ErrCorrupt:  "restore it from a backup (README, Operations), or move it aside to start afresh",
	ErrAccess:   "check that the file and its directory exist, belong to the user nextdesk runs as, and are on a writable file system",
	ErrNoSQLite: "build nextdesk with CGO_ENABLED=1 and a C compiler",
	ErrTooNew:   "upgrade nextdesk",
	ErrEmptied:  "restore the store from a backup (README, Operations); to start afresh on purpose, remove the index directory too",
}

// openError wraps err, met opening the store at path, with its cause and
// what to do about it, when the cause is known.
func openError(path string, err error) error {
	if cause := causeOf(err); cause != nil {
		return fmt.Errorf("sqlite: open %s: %w (%w): %s", path, cause, err, hint[cause])
	}
	for _, cause := range []error{ErrCorrupt, ErrAccess, ErrNoSQLite, ErrTooNew, ErrEmptied} {
		if errors.Is(err, cause) {
			return fmt.Errorf("sqlite: open %s: %w: %s", path, err, hint[cause])
		}
	}
	return fmt.Errorf("sqlite: open %s: %w", path, err)
}

// CheckFollower compares the store with a follower of its change log (the
// search index) that has applied every revision up to seen. rebuild is
// true when the follower is ahead of a store that is not empty, as after
// the store was restored from a backup: the follower then holds changes
// the store no longer has, and would skip the revisions the store hands
// out next, so it must be rebuilt from revision 0. The error matches
// ErrEmptied when the store has no revision at all while the follower saw
// some.
func (db *DB) CheckFollower(ctx context.Context, seen int64) (rebuild bool, err error) {
	rev, err := db.Rev(ctx)
	switch {
	case err != nil:
		return false, err
	case seen <= rev:
		return false, nil
	case rev == 0:
		return false, openError(db.path, fmt.Errorf("%w: the store is at revision 0, the index at %d", ErrEmptied, seen))
	}
	return true, nil
}
