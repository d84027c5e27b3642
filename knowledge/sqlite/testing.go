package sqlite

import (
	"context"
	"fmt"
	"path/filepath"
	"sync"
	"testing"
)

// MustOpenTemp opens a new store in a temporary directory for a test of any
// package, fails the test if it cannot, and closes it when the test ends.
func MustOpenTemp(tb testing.TB) *DB {
	tb.Helper()
	db, err := Open(filepath.Join(tb.TempDir(), "nextdesk.db"))
	if err != nil {
		tb.Fatalf("open store: %v", err)
	}
	tb.Cleanup(func() {
		if err := db.Close(); err != nil {
			tb.Errorf("close store: %v", err)
		}
	})
	return db
}

// RefuseWrites makes db refuse writes until the returned function is
// called, or the test ends: how is "full" for a full disk (a write that
// needs room fails with SQLite's "database or disk is full"), or
// "readonly" for a read-only mount (every write fails).
func RefuseWrites(tb testing.TB, db *DB, how string) (restore func()) {
	tb.Helper()
	ctx := context.Background()
	var set, reset string
	switch how {
	case "full":
		var pages, limit int64
		if err := db.write.QueryRowContext(ctx, `PRAGMA page_count`).Scan(&pages); err != nil {
			tb.Fatalf("refuse writes: %v", err)
		}
		if err := db.write.QueryRowContext(ctx, `PRAGMA max_page_count`).Scan(&limit); err != nil {
			tb.Fatalf("refuse writes: %v", err)
		}
		set, reset = fmt.Sprintf(`PRAGMA max_page_count = %d`, pages), fmt.Sprintf(`PRAGMA max_page_count = %d`, limit)
	case "readonly":
		set, reset = `PRAGMA query_only = true`, `PRAGMA query_only = false`
	default:
		tb.Fatalf("refuse writes: how is full or readonly, not %q", how)
	}
	if _, err := db.write.ExecContext(ctx, set); err != nil {
		tb.Fatalf("refuse writes: %v", err)
	}
	var once sync.Once
	restore = func() {
		once.Do(func() {
			if _, err := db.write.ExecContext(ctx, reset); err != nil {
				tb.Errorf("accept writes again: %v", err)
			}
		})
	}
	tb.Cleanup(restore)
	return restore
}
