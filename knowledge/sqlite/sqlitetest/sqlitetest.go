// Package sqlitetest holds the helpers that tests of any package use to
// get a store. It is imported by tests only, so the testing package never
// links into the nextdesk binary.
package sqlitetest

import (
	"context"
	"path/filepath"
	"testing"

	"github.com/nextdesk/nextdesk/knowledge/sqlite"
)

// MustOpen opens a new store in a temporary directory, fails the test if
// it cannot, and closes it when the test ends.
func MustOpen(tb testing.TB) *sqlite.DB {
	tb.Helper()
	db, err := sqlite.Open(filepath.Join(tb.TempDir(), "nextdesk.db"))
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

// RefuseWrites makes db refuse writes (see sqlite.DB.RefuseWrites) until
// the returned function is called, or the test ends.
func RefuseWrites(tb testing.TB, db *sqlite.DB, how string) (restore func()) {
	tb.Helper()
	undo, err := db.RefuseWrites(context.Background(), how)
	if err != nil {
		tb.Fatal(err)
	}
	restore = func() {
		if err := undo(); err != nil {
			tb.Error(err)
		}
	}
	tb.Cleanup(restore)
	return restore
}
