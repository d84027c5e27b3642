package sqlite

import (
	"path/filepath"
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
