package sqlite

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sync"
	"testing"

	"github.com/nextdesk/nextdesk/knowledge"
)

// TestBackupWhileWriting backs the store up while another connection keeps
// importing: every copy must be one consistent snapshot. Each import adds
// new questions, one revision each, so a copy holding some rows of a
// write and not others would show a revision unequal to its questions.
func TestBackupWhileWriting(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	path := filepath.Join(dir, "nextdesk.db")
	mustFilledStore(t, path, 200)
	db, err := Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()

	stop := make(chan struct{})
	var wg sync.WaitGroup
	wg.Go(func() {
		for i := 0; ; i++ {
			select {
			case <-stop:
				return
			default:
			}
			var b knowledge.Batch
			for j := range 20 {
				b.Questions = append(b.Questions, knowledge.Question{
					ID: fmt.Sprintf("live%d-%d", i, j), Asker: "U1", Conversation: "C1", Text: "a question asked during the backup",
				})
			}
			if _, err := db.Import(ctx, b); err != nil {
				t.Errorf("import during backup: %v", err)
				return
			}
		}
	})
	var last Snapshot
	for i := range 5 {
		dest := filepath.Join(dir, "backup.db")
		snap, err := Backup(ctx, path, dest)
		if err != nil {
			t.Fatalf("backup %d: %v", i, err)
		}
		if snap.Rev != int64(snap.Questions) || snap.Questions < 200 {
			t.Errorf("backup %d: revision %d with %d questions: not one snapshot", i, snap.Rev, snap.Questions)
		}
		if snap.Questions < last.Questions {
			t.Errorf("backup %d has %d questions, fewer than the one before (%d)", i, snap.Questions, last.Questions)
		}
		last = snap
		info, err := os.Stat(dest)
		if err != nil {
			t.Fatal(err)
		}
		if info.Mode().Perm() != 0o600 {
			t.Errorf("backup mode %04o, want 0600", info.Mode().Perm())
		}
	}
	close(stop)
	wg.Wait()
	if rev := mustRev(t, db); rev <= last.Rev {
		t.Errorf("the writer made no progress during the backups (store at %d, last backup at %d)", rev, last.Rev)
	}
	leftovers, _ := filepath.Glob(filepath.Join(dir, ".backup.db.tmp-*"))
	if len(leftovers) > 0 {
		t.Errorf("temporary files left: %v", leftovers)
	}
}

// TestBackupKeepsTheOldOneOnFailure: a backup of a damaged store fails and
// leaves the previous backup as it was.
func TestBackupKeepsTheOldOneOnFailure(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	dest := filepath.Join(dir, "backup.db")
	if err := os.WriteFile(dest, []byte("yesterday's backup"), 0o600); err != nil {
		t.Fatal(err)
	}
	bad := filepath.Join(dir, "bad.db")
	if err := os.WriteFile(bad, []byte("not a database at all, not even close............................................................"), 0o600); err != nil {
		t.Fatal(err)
	}
	if _, err := Backup(ctx, bad, dest); !errors.Is(err, ErrCorrupt) {
		t.Errorf("backup of a damaged store: err = %v, want ErrCorrupt", err)
	}
	if _, err := Backup(ctx, filepath.Join(dir, "missing.db"), dest); !errors.Is(err, ErrAccess) {
		t.Errorf("backup of a missing store: err = %v, want ErrAccess", err)
	}
	if got, _ := os.ReadFile(dest); string(got) != "yesterday's backup" {
		t.Errorf("the previous backup was replaced by %q", got)
	}
	leftovers, _ := filepath.Glob(filepath.Join(dir, ".backup.db.tmp-*"))
	if len(leftovers) > 0 {
		t.Errorf("temporary files left: %v", leftovers)
	}
}

// TestRestore restores a backup over a store that moved on, whose WAL
// still holds later writes: the restored store is the backup, whole, and
// the stale WAL is not replayed onto it.
func TestRestore(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	path := filepath.Join(dir, "nextdesk.db")
	mustFilledStore(t, path, 5)
	backup := filepath.Join(dir, "backup.db")
	if _, err := Backup(ctx, path, backup); err != nil {
		t.Fatal(err)
	}

	db, err := Open(path)
	if err != nil {
		t.Fatal(err)
	}
	db.write.Exec(`PRAGMA wal_autocheckpoint = 0`)
	mustImport(t, db, knowledge.Batch{Questions: []knowledge.Question{{ID: "later", Asker: "U1", Conversation: "C1", Text: "asked after the backup"}}})
	wal, err := os.ReadFile(path + "-wal")
	if err != nil {
		t.Fatal(err)
	}
	db.Close()
	// A crash would have left the WAL behind.
	if err := os.WriteFile(path+"-wal", wal, 0o600); err != nil {
		t.Fatal(err)
	}

	snap, err := Restore(ctx, backup, path)
	if err != nil {
		t.Fatal(err)
	}
	if snap.Questions != 5 || snap.Path != path {
		t.Errorf("Restore = %+v, want 5 questions at %s", snap, path)
	}
	if _, err := os.Stat(path + "-wal"); !os.IsNotExist(err) {
		t.Errorf("the replaced store's WAL is still there (stat: %v)", err)
	}
	restored, err := Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer restored.Close()
	if c := mustCounts(t, restored); c.Questions != 5 {
		t.Errorf("restored store has %d questions, want the backup's 5", c.Questions)
	}
	info, _ := os.Stat(path)
	if info.Mode().Perm() != 0o600 {
		t.Errorf("restored store mode %04o, want 0600", info.Mode().Perm())
	}
}

// TestRestoreRefusesBadBackups leaves the store alone when the backup is
// damaged, empty, or from a newer nextdesk.
func TestRestoreRefusesBadBackups(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	path := filepath.Join(dir, "nextdesk.db")
	mustFilledStore(t, path, 3)
	before, _ := os.ReadFile(path)

	newer := filepath.Join(dir, "newer.db")
	mustFilledStore(t, newer, 1)
	db, err := Open(newer)
	if err != nil {
		t.Fatal(err)
	}
	db.write.Exec(`PRAGMA user_version = 999`)
	db.Close()
	empty := filepath.Join(dir, "empty.db")
	os.WriteFile(empty, nil, 0o600)
	truncated := filepath.Join(dir, "truncated.db")
	os.WriteFile(truncated, before[:len(before)/2], 0o600)

	for _, tc := range []struct {
		src  string
		want error
	}{{newer, ErrTooNew}, {empty, ErrCorrupt}, {truncated, ErrCorrupt}, {filepath.Join(dir, "missing.db"), ErrAccess}} {
		if _, err := Restore(ctx, tc.src, path); !errors.Is(err, tc.want) {
			t.Errorf("Restore(%s): err = %v, want %v", filepath.Base(tc.src), err, tc.want)
		}
	}
	if after, _ := os.ReadFile(path); string(after) != string(before) {
		t.Error("a refused restore changed the store")
	}
}
