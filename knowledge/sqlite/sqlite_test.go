package sqlite

import (
	"context"
	"database/sql"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"testing/fstest"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/nextdesk/nextdesk/knowledge"
)

// epoch is the fixed time the test clock starts at.
var epoch = time.Date(2026, 3, 2, 9, 30, 0, 0, time.UTC)

// MustOpen opens a store in a temporary directory whose clock stands still
// at epoch, and closes it when the test ends.
func MustOpen(tb testing.TB) *DB {
	tb.Helper()
	db := mustOpenTemp(tb)
	db.Now = func() time.Time { return epoch }
	return db
}

// mustImport imports b and fails the test on error.
func mustImport(tb testing.TB, db *DB, b knowledge.Batch) knowledge.ImportResult {
	tb.Helper()
	res, err := db.Import(context.Background(), b)
	if err != nil {
		tb.Fatalf("Import: %v", err)
	}
	return res
}

func mustRev(tb testing.TB, db *DB) int64 {
	tb.Helper()
	rev, err := db.Rev(context.Background())
	if err != nil {
		tb.Fatalf("Rev: %v", err)
	}
	return rev
}

func mustCounts(tb testing.TB, db *DB) Counts {
	tb.Helper()
	c, err := db.Counts(context.Background())
	if err != nil {
		tb.Fatalf("Counts: %v", err)
	}
	return c
}

// wantCode fails the test unless err carries the domain error code want.
func wantCode(tb testing.TB, err error, want string) {
	tb.Helper()
	if got := knowledge.ErrorCode(err); got != want {
		tb.Fatalf("error code = %q (%v), want %q", got, err, want)
	}
}

// schemaVersion reads PRAGMA user_version straight from the file.
func schemaVersion(tb testing.TB, path string) int {
	tb.Helper()
	raw, err := sql.Open("sqlite3", path)
	if err != nil {
		tb.Fatal(err)
	}
	defer raw.Close()
	var v int
	if err := raw.QueryRow(`PRAGMA user_version`).Scan(&v); err != nil {
		tb.Fatal(err)
	}
	return v
}

func embedded(tb testing.TB) []migration {
	tb.Helper()
	ms, err := loadMigrations(migrationFiles)
	if err != nil {
		tb.Fatal(err)
	}
	return ms
}

func TestOpenFresh(t *testing.T) {
	path := filepath.Join(t.TempDir(), "sub", "dir", "nextdesk.db")
	db, err := Open(path)
	if err != nil {
		t.Fatal(err)
	}
	if err := db.Close(); err != nil {
		t.Fatal(err)
	}
	if got, want := schemaVersion(t, path), len(embedded(t)); got != want {
		t.Errorf("user_version = %d, want %d", got, want)
	}
	// Opening again applies nothing and keeps working.
	db, err = Open(path)
	if err != nil {
		t.Fatalf("reopen: %v", err)
	}
	defer db.Close()
	if diff := cmp.Diff(mustCounts(t, db), Counts{}); diff != "" {
		t.Errorf("Counts (-got +want):\n%s", diff)
	}
}

// TestOpenPathNeedingEscape opens a file whose name would cut or corrupt a
// URI if it were not escaped.
func TestOpenPathNeedingEscape(t *testing.T) {
	path := filepath.Join(t.TempDir(), "a dir?x=1#y%20", "store.db")
	db, err := Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if _, err := os.Stat(path); err != nil {
		t.Errorf("database not at %q: %v", path, err)
	}
}

func TestMigrateFromOlderVersion(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "nextdesk.db")
	ms := embedded(t)

	old, err := openMigrated(path, ms[:1])
	if err != nil {
		t.Fatal(err)
	}
	q := knowledge.Question{
		ID: "se:ai:1", Asker: "se:ai:7", Conversation: "se:ai", Text: "What is a neuron?", Lang: "en",
		Time:    epoch,
		Answers: []knowledge.Answer{{ID: "se:ai:2", Answerer: "se:ai:8", Text: "A unit.", Time: epoch.Add(time.Hour)}},
	}
	// Rows as version 1 wrote them: today's code writes columns it lacks.
	for _, stmt := range []string{
		`INSERT INTO conversations (id, name, kind) VALUES ('se:ai', '', 'public')`,
		`INSERT INTO questions (id, asker, conversation_id, thread, title, text, tags, lang, time, rev)
		 VALUES ('se:ai:1', 'se:ai:7', 'se:ai', '', '', 'What is a neuron?', '', 'en', ` + fmt.Sprint(epoch.UnixNano()) + `, 1)`,
		`INSERT INTO answers (id, question_id, answerer, text, time, accepted, thanks, score)
		 VALUES ('se:ai:2', 'se:ai:1', 'se:ai:8', 'A unit.', ` + fmt.Sprint(epoch.Add(time.Hour).UnixNano()) + `, 0, 0, 0)`,
		`UPDATE revision SET rev = 1`,
	} {
		if _, err := old.write.Exec(stmt); err != nil {
			t.Fatal(err)
		}
	}
	if err := old.Close(); err != nil {
		t.Fatal(err)
	}
	if got := schemaVersion(t, path); got != 1 {
		t.Fatalf("user_version of the old database = %d, want 1", got)
	}

	db, err := Open(path)
	if err != nil {
		t.Fatalf("Open older database: %v", err)
	}
	defer db.Close()
	if got, want := schemaVersion(t, path), len(ms); got != want {
		t.Errorf("user_version after Open = %d, want %d", got, want)
	}
	got, err := db.Question(ctx, knowledge.Anonymous, q.ID)
	if err != nil {
		t.Fatalf("question imported before the migration: %v", err)
	}
	if diff := cmp.Diff(got, q); diff != "" {
		t.Errorf("question kept across migration (-got +want):\n%s", diff)
	}
	if _, err := db.addRoute(ctx, knowledge.Route{QuestionID: q.ID, Expert: "se:ai:8"}); err != nil {
		t.Errorf("AddRoute after migrating to routes: %v", err)
	}
}

func TestOpenRefusesNewerDatabase(t *testing.T) {
	path := filepath.Join(t.TempDir(), "nextdesk.db")
	db, err := Open(path)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := db.write.Exec(`PRAGMA user_version = 999`); err != nil {
		t.Fatal(err)
	}
	db.Close()

	_, err = Open(path)
	if err == nil || !strings.Contains(err.Error(), "upgrade nextdesk") {
		t.Fatalf("Open newer database: err = %v, want one asking to upgrade nextdesk", err)
	}
	if got := schemaVersion(t, path); got != 999 {
		t.Errorf("user_version = %d after refusing, want it left at 999", got)
	}
}

func TestOpenRefusesNonDatabase(t *testing.T) {
	path := filepath.Join(t.TempDir(), "notes.txt")
	if err := os.WriteFile(path, []byte(strings.Repeat("not a database\n", 200)), 0o600); err != nil {
		t.Fatal(err)
	}
	if db, err := Open(path); err == nil {
		db.Close()
		t.Fatal("Open of a text file succeeded")
	}
	if _, err := Open("  "); err == nil {
		t.Fatal("Open of a blank path succeeded")
	}
}

// TestFailedMigrationRollsBack checks that a migration failing half-way
// leaves neither its first statements nor a new version behind.
func TestFailedMigrationRollsBack(t *testing.T) {
	path := filepath.Join(t.TempDir(), "nextdesk.db")
	ms := append(embedded(t)[:1:1], migration{
		version: 2, name: "0002_broken.sql",
		sql: `CREATE TABLE half_done (x INTEGER); INSERT INTO no_such_table VALUES (1);`,
	})
	_, err := openMigrated(path, ms)
	if err == nil || !strings.Contains(err.Error(), "0002_broken.sql") {
		t.Fatalf("err = %v, want one naming 0002_broken.sql", err)
	}
	if got := schemaVersion(t, path); got != 1 {
		t.Errorf("user_version = %d, want 1", got)
	}
	raw, err := sql.Open("sqlite3", path)
	if err != nil {
		t.Fatal(err)
	}
	defer raw.Close()
	var n int
	if err := raw.QueryRow(`SELECT count(*) FROM sqlite_schema WHERE name = 'half_done'`).Scan(&n); err != nil {
		t.Fatal(err)
	}
	if n != 0 {
		t.Error("table half_done of the failed migration exists")
	}
}

func TestLoadMigrations(t *testing.T) {
	file := func(s string) *fstest.MapFile { return &fstest.MapFile{Data: []byte(s)} }
	tests := []struct {
		name    string
		fsys    fstest.MapFS
		want    []int
		wantErr string
	}{
		{"in order", fstest.MapFS{
			"migrations/0002_b.sql": file("B"),
			"migrations/0001_a.sql": file("A"),
		}, []int{1, 2}, ""},
		{"gap", fstest.MapFS{
			"migrations/0001_a.sql": file("A"),
			"migrations/0003_c.sql": file("C"),
		}, nil, "0003_c.sql"},
		{"duplicate number", fstest.MapFS{
			"migrations/0001_a.sql": file("A"),
			"migrations/0001_b.sql": file("B"),
		}, nil, "0001_b.sql"},
		{"no number", fstest.MapFS{
			"migrations/core.sql": file("A"),
		}, nil, "core.sql"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ms, err := loadMigrations(tt.fsys)
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("err = %v, want one naming %s", err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			var got []int
			for _, m := range ms {
				got = append(got, m.version)
			}
			if diff := cmp.Diff(got, tt.want); diff != "" {
				t.Errorf("versions (-got +want):\n%s", diff)
			}
		})
	}
	if _, err := loadMigrations(migrationFiles); err != nil {
		t.Errorf("embedded migrations: %v", err)
	}
}

func TestVersionNumber(t *testing.T) {
	tests := []struct {
		in      string
		want    int
		wantErr bool
	}{
		{"3.54.1", 3054001, false},
		{"3.38.0", 3038000, false},
		{"3.38", 0, true},
		{"three.1.2", 0, true},
	}
	for _, tt := range tests {
		got, err := versionNumber(tt.in)
		if (err != nil) != tt.wantErr || got != tt.want {
			t.Errorf("versionNumber(%q) = %d, %v; want %d, error %v", tt.in, got, err, tt.want, tt.wantErr)
		}
	}
}

func TestReaderIsQueryOnly(t *testing.T) {
	db := MustOpen(t)
	_, err := db.read.Exec(`INSERT INTO people (id, name, email, tz, tz_offset, locale, bot, deleted) VALUES ('U1', '', '', '', 0, '', 0, 0)`)
	if err == nil || !strings.Contains(err.Error(), "readonly") {
		t.Fatalf("write through the reader pool: err = %v, want a readonly error", err)
	}
}

// mustOpenTemp opens a new store in a temporary directory, on the real
// clock, and closes it when the test ends.
func mustOpenTemp(tb testing.TB) *DB {
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
