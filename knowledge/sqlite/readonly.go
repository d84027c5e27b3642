package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"path/filepath"
)

// errReadOnly refuses a write to a store opened with OpenReadOnly.
var errReadOnly = errors.New("the store is open read-only")

// OpenReadOnly opens the store at path for reading only, while another
// process (a running nextdesk serve) keeps writing it: nothing is created,
// checked at length or migrated, and no write lock is ever taken. Its
// schema must be this nextdesk's: an older one is refused (nextdesk serve
// or any other command migrates it), a newer one with an error matching
// ErrTooNew. Reads work as on a store opened with Open; writes fail.
func OpenReadOnly(path string) (_ *DB, err error) {
	abs, err := filepath.Abs(path)
	if err != nil {
		return nil, fmt.Errorf("sqlite: open %s: %w", path, err)
	}
	db := &DB{path: abs}
	defer func() {
		if err != nil {
			db.Close()
		}
	}()
	// mode=rw: a missing file is an error, not a new empty store.
	db.read, err = sql.Open("sqlite3", dsn(abs,
		"mode=rw", "_busy_timeout=5000", "_foreign_keys=on", "_txlock=deferred",
		"_query_only=true", "_stmt_cache_size=64", "_cache_size=-16384"))
	if err != nil {
		return nil, fmt.Errorf("sqlite: open %s: %w", path, err)
	}
	ctx := context.Background()
	if err := checkVersion(ctx, db.read); err != nil {
		return nil, openError(path, err)
	}
	ms, err := loadMigrations(migrationFiles)
	if err != nil {
		return nil, err
	}
	var version int
	if err := db.read.QueryRowContext(ctx, `PRAGMA user_version`).Scan(&version); err != nil {
		return nil, openError(path, err)
	}
	switch {
	case version > len(ms):
		return nil, openError(path, fmt.Errorf("%w: it has schema version %d but this nextdesk knows only up to %d", ErrTooNew, version, len(ms)))
	case version < len(ms):
		return nil, fmt.Errorf("sqlite: open %s: its schema version %d is older than this nextdesk's %d: run the nextdesk that writes it, or start this one once to migrate it", path, version, len(ms))
	}
	return db, nil
}
