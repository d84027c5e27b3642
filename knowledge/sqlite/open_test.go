package sqlite

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"

	"github.com/nextdesk/nextdesk/knowledge"
)

// mustFilledStore writes a store of n questions at path and closes it,
// checkpointing its WAL so the file alone holds everything.
func mustFilledStore(tb testing.TB, path string, n int) {
	tb.Helper()
	db, err := Open(path)
	if err != nil {
		tb.Fatal(err)
	}
	b := knowledge.Batch{
		People:        []knowledge.Person{{ID: "U1", Name: "Alice"}, {ID: "U2", Name: "Bruno"}},
		Conversations: []knowledge.Conversation{{ID: "C1", Name: "general", Kind: knowledge.KindPublic}},
	}
	for i := range n {
		b.Questions = append(b.Questions, knowledge.Question{
			ID: fmt.Sprintf("q%d", i), Asker: "U1", Conversation: "C1",
			Text:    fmt.Sprintf("question %d about certificates and %s", i, strings.Repeat("padding ", 40)),
			Answers: []knowledge.Answer{{ID: fmt.Sprintf("a%d", i), Answerer: "U2", Text: "renew it with the script"}},
		})
	}
	mustImport(tb, db, b)
	if _, err := db.write.Exec(`PRAGMA wal_checkpoint(TRUNCATE)`); err != nil {
		tb.Fatal(err)
	}
	if err := db.Close(); err != nil {
		tb.Fatal(err)
	}
}

// TestOpenNamesTheCause damages a store in the ways operators meet and
// checks that Open refuses each with its real cause, never as a build
// without cgo.
func TestOpenNamesTheCause(t *testing.T) {
	dir := t.TempDir()
	good := filepath.Join(dir, "good.db")
	mustFilledStore(t, good, 300)
	info, err := os.Stat(good)
	if err != nil {
		t.Fatal(err)
	}
	const page = 4096
	damaged := func(name string, damage func(f *os.File) error) string {
		path := filepath.Join(dir, name)
		data, err := os.ReadFile(good)
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, data, 0o600); err != nil {
			t.Fatal(err)
		}
		f, err := os.OpenFile(path, os.O_RDWR, 0)
		if err != nil {
			t.Fatal(err)
		}
		defer f.Close()
		if err := damage(f); err != nil {
			t.Fatal(err)
		}
		return path
	}
	for _, tc := range []struct {
		name string
		path string
		want error
		says string
	}{
		{"truncated mid-page", damaged("mid.db", func(f *os.File) error { return f.Truncate(info.Size()/2 + 100) }), ErrCorrupt, "malformed"},
		{"truncated on a page", damaged("page.db", func(f *os.File) error { return f.Truncate(info.Size() - 8*page) }), ErrCorrupt, ""},
		{"pages zeroed", damaged("zero.db", func(f *os.File) error {
			_, err := f.WriteAt(make([]byte, 3*page), 10*page)
			return err
		}), ErrCorrupt, "quick_check"},
		{"header overwritten", damaged("header.db", func(f *os.File) error {
			_, err := f.WriteAt([]byte("definitely not SQLite"), 0)
			return err
		}), ErrCorrupt, "not a database"},
		{"a directory in its place", func() string {
			p := filepath.Join(dir, "isdir.db")
			if err := os.Mkdir(p, 0o700); err != nil {
				t.Fatal(err)
			}
			return p
		}(), ErrAccess, "is a directory"},
		{"its directory is a file", filepath.Join(good, "nextdesk.db"), ErrAccess, "not a directory"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			db, err := Open(tc.path)
			if err == nil {
				db.Close()
				t.Fatal("Open succeeded")
			}
			if !errors.Is(err, tc.want) {
				t.Errorf("err = %v, want one matching %v", err, tc.want)
			}
			if errors.Is(err, ErrNoSQLite) || strings.Contains(err.Error(), "CGO") {
				t.Errorf("err = %v blames the build", err)
			}
			if !strings.Contains(err.Error(), tc.says) || !strings.Contains(err.Error(), tc.path) {
				t.Errorf("err = %v, want it to name %s and say %q", err, tc.path, tc.says)
			}
		})
	}
}

// TestOpenReadOnlyDirectory: a store in a directory nextdesk may not
// write is refused as such. Root writes anywhere, so this runs only as
// another user.
func TestOpenReadOnlyDirectory(t *testing.T) {
	if os.Geteuid() == 0 {
		t.Skip("root ignores directory permissions")
	}
	dir := filepath.Join(t.TempDir(), "ro")
	if err := os.Mkdir(dir, 0o500); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.Chmod(dir, 0o700) })
	_, err := Open(filepath.Join(dir, "nextdesk.db"))
	if !errors.Is(err, ErrAccess) || !errors.Is(err, syscall.EACCES) {
		t.Errorf("err = %v, want ErrAccess with permission denied", err)
	}
}

// TestOpenRestrictsFileModes: the store and its WAL and shared-memory
// files are the owner's only, new or found open to others; a directory
// Open creates is too.
func TestOpenRestrictsFileModes(t *testing.T) {
	defer syscall.Umask(syscall.Umask(0o002))
	base := t.TempDir()
	fresh := filepath.Join(base, "new", "nextdesk.db")
	mustFilledStore(t, fresh, 1)
	loose := filepath.Join(base, "loose.db")
	mustFilledStore(t, loose, 1)
	for _, name := range []string{loose, loose + "-wal", loose + "-shm"} {
		if err := os.WriteFile(name, nil, 0o666); err != nil && !os.IsExist(err) {
			t.Fatal(err)
		}
		if err := os.Chmod(name, 0o666); err != nil {
			t.Fatal(err)
		}
	}
	for _, path := range []string{fresh, loose} {
		db, err := Open(path)
		if err != nil {
			t.Fatal(err)
		}
		mustImport(t, db, knowledge.Batch{People: []knowledge.Person{{ID: "U9", Name: "Zoé"}}})
		for _, name := range []string{path, path + "-wal", path + "-shm"} {
			info, err := os.Stat(name)
			if err != nil {
				t.Fatalf("%s: %v (an open store in WAL mode has it)", name, err)
			}
			if got := info.Mode().Perm(); got != 0o600 {
				t.Errorf("%s: mode %04o, want 0600", name, got)
			}
		}
		db.Close()
	}
	info, err := os.Stat(filepath.Dir(fresh))
	if err != nil {
		t.Fatal(err)
	}
	if got := info.Mode().Perm(); got != 0o700 {
		t.Errorf("created directory: mode %04o, want 0700", got)
	}
}

func TestCheckFollower(t *testing.T) {
	ctx := context.Background()
	empty := MustOpen(t)
	if rebuild, err := empty.CheckFollower(ctx, 0); rebuild || err != nil {
		t.Errorf("empty store, fresh index: rebuild %v, err %v; want neither", rebuild, err)
	}
	if _, err := empty.CheckFollower(ctx, 12); !errors.Is(err, ErrEmptied) {
		t.Errorf("empty store, index at 12: err = %v, want ErrEmptied", err)
	}

	path := filepath.Join(t.TempDir(), "nextdesk.db")
	mustFilledStore(t, path, 5)
	db, err := Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	rev := mustRev(t, db)
	for _, tc := range []struct {
		seen    int64
		rebuild bool
	}{{0, false}, {rev, false}, {rev + 1, true}, {rev + 1000, true}} {
		rebuild, err := db.CheckFollower(ctx, tc.seen)
		if err != nil || rebuild != tc.rebuild {
			t.Errorf("store at %d, index at %d: rebuild %v, err %v; want rebuild %v", rev, tc.seen, rebuild, err, tc.rebuild)
		}
	}
}
