package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
)

// Snapshot describes a store file: a backup just written, or one about to
// be restored.
type Snapshot struct {
	Path          string
	Bytes         int64
	SchemaVersion int
	Rev           int64 // the highest revision given to a question
	Questions     int   // questions not deleted
}

// Backup writes a consistent copy of the store at src to dest while other
// processes (a running nextdesk serve) keep reading and writing it. The
// copy is SQLite's VACUUM INTO, made from one read snapshot on a
// connection of its own: writes committed meanwhile are wholly in the copy
// or not at all, and never wait for it. The store is not migrated, so a
// newer nextdesk may back up the store of an older one that runs.
//
// The copy goes to a temporary file beside dest, is checked (quick_check)
// and synced, then renamed over dest: dest is only ever a whole backup,
// and an existing one is replaced only by a good one. It is 0600. The
// error matches ErrAccess or ErrCorrupt when the cause is one of those.
func Backup(ctx context.Context, src, dest string) (Snapshot, error) {
	if _, err := os.Stat(src); err != nil {
		return Snapshot{}, fmt.Errorf("sqlite: backup %s: %w: %w", src, ErrAccess, err)
	}
	// Not query-only: SQLite counts VACUUM INTO as a write, although it
	// only reads src.
	db, err := sql.Open("sqlite3", dsn(src, "_busy_timeout=5000", "_txlock=deferred"))
	if err != nil {
		return Snapshot{}, fmt.Errorf("sqlite: backup %s: %w", src, err)
	}
	defer db.Close()
	db.SetMaxOpenConns(1)

	var snap Snapshot
	err = writeAtomically(dest, func(tmp string) error {
		if _, err := db.ExecContext(ctx, `VACUUM INTO ?`, tmp); err != nil {
			return openError(src, err)
		}
		snap, err = Inspect(ctx, tmp)
		return err
	})
	snap.Path = dest
	return snap, err
}

// Restore replaces the store at dest with the backup at src, after
// checking the backup. It removes dest's WAL and shared-memory files,
// which belong to the replaced store and would corrupt the restored one.
// The store must not be in use: stop nextdesk first. The error matches
// ErrCorrupt when the backup is damaged or not a store, ErrTooNew when a
// newer nextdesk wrote it, and ErrAccess when a file cannot be written.
func Restore(ctx context.Context, src, dest string) (Snapshot, error) {
	snap, err := Inspect(ctx, src)
	if err != nil {
		return snap, err
	}
	if ms, err := loadMigrations(migrationFiles); err != nil {
		return snap, err
	} else if snap.SchemaVersion > len(ms) {
		return snap, openError(src, fmt.Errorf("%w: it has schema version %d but this nextdesk knows only up to %d", ErrTooNew, snap.SchemaVersion, len(ms)))
	}
	err = writeAtomically(dest, func(tmp string) error {
		if err := copyFile(tmp, src); err != nil {
			return openError(dest, err)
		}
		return nil
	}, dest+"-wal", dest+"-shm")
	snap.Path = dest
	return snap, err
}

// Inspect checks the store file at path without changing it (SQLite's
// quick_check, on a read-only connection) and describes it. A file that is
// damaged, empty or not a nextdesk store is an error matching ErrCorrupt.
func Inspect(ctx context.Context, path string) (Snapshot, error) {
	snap := Snapshot{Path: path}
	info, err := os.Stat(path)
	switch {
	case err != nil:
		return snap, openError(path, fmt.Errorf("%w: %w", ErrAccess, err))
	case !info.Mode().IsRegular():
		return snap, openError(path, fmt.Errorf("%w: not a regular file", ErrAccess))
	case info.Size() == 0:
		return snap, openError(path, fmt.Errorf("%w: the file is empty", ErrCorrupt))
	}
	snap.Bytes = info.Size()
	db, err := sql.Open("sqlite3", dsn(path, "mode=ro", "_query_only=true"))
	if err != nil {
		return snap, openError(path, err)
	}
	defer db.Close()
	if err := quickCheck(ctx, db); err != nil {
		return snap, openError(path, err)
	}
	if err := db.QueryRowContext(ctx, `PRAGMA user_version`).Scan(&snap.SchemaVersion); err != nil {
		return snap, openError(path, err)
	}
	err = db.QueryRowContext(ctx, `SELECT (SELECT rev FROM revision), (SELECT count(*) FROM questions WHERE NOT deleted)`).Scan(&snap.Rev, &snap.Questions)
	if err != nil {
		return snap, openError(path, fmt.Errorf("%w: not a nextdesk store: %w", ErrCorrupt, err))
	}
	return snap, nil
}

// writeAtomically has write fill a new 0600 file beside dest, syncs it,
// removes the files in stale, and renames it to dest, so that dest is
// either what it was or whole; the temporary file is removed on error.
// Errors match ErrAccess when a file cannot be created, written or
// renamed, and are write's own otherwise.
func writeAtomically(dest string, write func(tmp string) error, stale ...string) (err error) {
	dir := filepath.Dir(dest)
	f, err := os.CreateTemp(dir, "."+filepath.Base(dest)+".tmp-*")
	if err != nil {
		return openError(dest, fmt.Errorf("%w: %w", ErrAccess, err))
	}
	tmp := f.Name()
	f.Close()
	defer func() {
		if err != nil {
			os.Remove(tmp)
		}
	}()
	if err := write(tmp); err != nil {
		return err
	}
	if err := syncFile(tmp); err != nil {
		return openError(dest, fmt.Errorf("%w: %w", ErrAccess, err))
	}
	for _, name := range stale {
		if err := os.Remove(name); err != nil && !errors.Is(err, fs.ErrNotExist) {
			return openError(dest, fmt.Errorf("%w: %w", ErrAccess, err))
		}
	}
	if err := os.Rename(tmp, dest); err != nil {
		return openError(dest, fmt.Errorf("%w: %w", ErrAccess, err))
	}
	// The rename itself must survive a crash too.
	if err := syncFile(dir); err != nil {
		return openError(dest, fmt.Errorf("%w: %w", ErrAccess, err))
	}
	return nil
}

// syncFile flushes a file or a directory to stable storage.
func syncFile(name string) error {
	f, err := os.Open(name)
	if err != nil {
		return err
	}
	defer f.Close()
	return f.Sync()
}

// copyFile copies src over dst, which exists with the mode dst must keep.
func copyFile(dst, src string) error {
	in, err := os.Open(src)
	if err != nil {
		return fmt.Errorf("%w: %w", ErrAccess, err)
	}
	defer in.Close()
	out, err := os.OpenFile(dst, os.O_WRONLY|os.O_TRUNC, storeFileMode)
	if err != nil {
		return fmt.Errorf("%w: %w", ErrAccess, err)
	}
	if _, err := io.Copy(out, in); err != nil {
		out.Close()
		return fmt.Errorf("%w: %w", ErrAccess, err)
	}
	if err := out.Close(); err != nil {
		return fmt.Errorf("%w: %w", ErrAccess, err)
	}
	return nil
}
