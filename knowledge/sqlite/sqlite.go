// Package sqlite stores nextdesk's knowledge in SQLite: people,
// conversations, questions with their answers, and routes. It is the source
// of truth; the search index is derived from it through ChangesSince.
//
// Writes go through one connection, so they queue in Go instead of failing
// with SQLITE_BUSY; reads use a separate pool and, thanks to WAL, never wait
// for a writer. Every public method is one transaction.
package sqlite

import (
	"context"
	"database/sql"
	"embed"
	"errors"
	"fmt"
	"io/fs"
	"log/slog"
	"net/url"
	"os"
	"path"
	"path/filepath"
	"runtime"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/nextdesk/nextdesk/knowledge"

	_ "github.com/mattn/go-sqlite3" // registers the "sqlite3" driver
)

//go:embed migrations/*.sql
var migrationFiles embed.FS

// Interfaces the engine and the index read through.
var (
	_ knowledge.Source    = (*DB)(nil)
	_ knowledge.ChangeLog = (*DB)(nil)
)

// minSQLite is the oldest SQLite the schema runs on: STRICT tables need
// 3.37 and a built-in json_each 3.38.
const minSQLite = 3_038_000

// DB is an open nextdesk store. It is safe for concurrent use.
type DB struct {
	// Now returns the current time. It defaults to time.Now; tests replace
	// it (before the first call) to control the times the store records.
	Now func() time.Time
	// MembershipTTL is how long a channel's member list read from the chat
	// tool decides who may read it (knowledge.Conversation.MembersTrusted);
	// zero is knowledge.DefaultMembershipTTL. Set it before the first call.
	MembershipTTL time.Duration

	path  string
	write *sql.DB // a single connection: SQLite allows one writer at a time
	read  *sql.DB
}

// Open opens the store at path, creating the file and its directory if
// needed, checks it (SQLite's quick_check: about 0.1 s per 100,000
// questions), and migrates its schema forward. The file and its WAL and
// shared-memory files are made readable by their owner only (0600), and a
// directory Open creates is 0700.
//
// Its errors name the real cause and match, with errors.Is, ErrCorrupt
// (a damaged or truncated file, or not a SQLite database), ErrAccess (the
// file or its directory cannot be written), ErrNoSQLite (a binary built
// with CGO_ENABLED=0) or ErrTooNew (a schema from a newer nextdesk).
func Open(path string) (*DB, error) {
	return openMigrated(path, nil)
}

// openMigrated opens path and applies ms, or all embedded migrations when ms
// is nil; tests pass fewer to build a database of an older version.
func openMigrated(path string, ms []migration) (_ *DB, err error) {
	if strings.TrimSpace(path) == "" {
		return nil, errors.New("sqlite: open: empty database path")
	}
	abs, err := filepath.Abs(path)
	if err != nil {
		return nil, fmt.Errorf("sqlite: open %s: %w", path, err)
	}
	if err := os.MkdirAll(filepath.Dir(abs), 0o700); err != nil {
		return nil, openError(path, fmt.Errorf("%w: %w", ErrAccess, err))
	}
	if err := secureFiles(abs); err != nil {
		return nil, openError(path, fmt.Errorf("%w: %w", ErrAccess, err))
	}
	if ms == nil {
		if ms, err = loadMigrations(migrationFiles); err != nil {
			return nil, err
		}
	}

	db := &DB{Now: time.Now, path: abs}
	defer func() {
		if err != nil {
			db.Close()
		}
	}()
	ctx := context.Background()

	// _txlock=immediate makes every write transaction take the write lock
	// at BEGIN, so it never fails half-way when upgrading a read lock. The
	// page caches (64 MiB for the writer, 16 MiB per reader, against
	// SQLite's 2 MiB default) keep the indexes a large store touches in
	// memory: at 1M questions they halve read times.
	db.write, err = sql.Open("sqlite3", dsn(abs,
		"_journal_mode=WAL", "_busy_timeout=5000", "_foreign_keys=on",
		"_synchronous=NORMAL", "_txlock=immediate", "_stmt_cache_size=64",
		"_cache_size=-65536"))
	if err != nil {
		return nil, fmt.Errorf("sqlite: open %s: %w", path, err)
	}
	db.write.SetMaxOpenConns(1)
	if err := checkVersion(ctx, db.write); err != nil {
		return nil, openError(path, err)
	}
	if err := quickCheck(ctx, db.write); err != nil {
		return nil, openError(path, err)
	}
	from, to, err := migrate(ctx, db.write, ms)
	if err != nil {
		return nil, openError(path, err)
	}
	if from > 0 && to > from {
		slog.Info("sqlite: migrated schema", "path", abs, "from", from, "to", to)
	}

	// Readers begin deferred (a reader must never take the write lock) and
	// are query-only, so a bug cannot write around the single writer.
	db.read, err = sql.Open("sqlite3", dsn(abs,
		"_busy_timeout=5000", "_foreign_keys=on", "_txlock=deferred",
		"_query_only=true", "_stmt_cache_size=64", "_cache_size=-16384"))
	if err != nil {
		return nil, fmt.Errorf("sqlite: open %s: %w", path, err)
	}
	readers := max(4, runtime.GOMAXPROCS(0))
	db.read.SetMaxOpenConns(readers)
	db.read.SetMaxIdleConns(readers)
	if err := db.read.PingContext(ctx); err != nil {
		return nil, openError(path, err)
	}
	return db, nil
}

// dsn builds a go-sqlite3 URI for path. The path is escaped because SQLite
// decodes %XX in URIs and go-sqlite3 cuts the options at the first '?'.
func dsn(path string, options ...string) string {
	return "file:" + (&url.URL{Path: filepath.ToSlash(path)}).EscapedPath() + "?" + strings.Join(options, "&")
}

// checkVersion fails fast when SQLite does not run at all (go-sqlite3 built
// without cgo compiles, then fails at the first query) or is too old. The
// first query is also where SQLite opens the file and sets WAL mode, so a
// file it cannot open or read fails here too, with that cause.
func checkVersion(ctx context.Context, db *sql.DB) error {
	var v string
	if err := db.QueryRowContext(ctx, `SELECT sqlite_version()`).Scan(&v); err != nil {
		return err
	}
	n, err := versionNumber(v)
	if err != nil {
		return err
	}
	if n < minSQLite {
		return fmt.Errorf("%w: SQLite %s is too old: nextdesk needs 3.38 or later", ErrNoSQLite, v)
	}
	return nil
}

// quickCheck runs SQLite's quick_check, which reads every page and checks
// the b-tree structure (not index contents, which integrity_check also
// compares, at seven times the cost): a truncated or overwritten store
// fails it instead of serving what is left of it as if whole.
func quickCheck(ctx context.Context, db *sql.DB) error {
	rows, err := db.QueryContext(ctx, `PRAGMA quick_check(5)`)
	if err != nil {
		return err
	}
	defer rows.Close()
	var problems []string
	for rows.Next() {
		var line string
		if err := rows.Scan(&line); err != nil {
			return err
		}
		if line != "ok" {
			problems = append(problems, strings.Join(strings.Fields(line), " "))
		}
	}
	if err := rows.Err(); err != nil {
		return err
	}
	if len(problems) > 0 {
		return fmt.Errorf("%w: quick_check: %s", ErrCorrupt, strings.Join(problems, "; "))
	}
	return nil
}

// versionNumber turns "3.45.1" into 3045001, SQLite's own numbering.
func versionNumber(v string) (int, error) {
	parts := strings.SplitN(v, ".", 3)
	if len(parts) != 3 {
		return 0, fmt.Errorf("unexpected SQLite version %q", v)
	}
	n := 0
	for _, p := range parts {
		d, err := strconv.Atoi(p)
		if err != nil {
			return 0, fmt.Errorf("unexpected SQLite version %q", v)
		}
		n = n*1000 + d
	}
	return n, nil
}

// Close closes the store. Pending reads and writes finish first.
func (db *DB) Close() error {
	var errs []error
	if db.read != nil {
		errs = append(errs, db.read.Close())
	}
	if db.write != nil {
		errs = append(errs, db.write.Close())
	}
	if err := errors.Join(errs...); err != nil {
		return fmt.Errorf("sqlite: close %s: %w", db.path, err)
	}
	return nil
}

// migration is one embedded schema change; version is the number its file
// name starts with (0001_core.sql is version 1).
type migration struct {
	version int
	name    string
	sql     string
}

// loadMigrations reads migrations/*.sql from fsys and checks they are
// numbered 1, 2, 3… without gap or duplicate, since the database records
// only the highest version applied.
func loadMigrations(fsys fs.FS) ([]migration, error) {
	names, err := fs.Glob(fsys, "migrations/*.sql")
	if err != nil {
		return nil, fmt.Errorf("sqlite: migrations: %w", err)
	}
	sort.Strings(names)
	ms := make([]migration, 0, len(names))
	for i, name := range names {
		base := path.Base(name)
		prefix, _, _ := strings.Cut(base, "_")
		v, err := strconv.Atoi(prefix)
		if err != nil || v != i+1 {
			return nil, fmt.Errorf("sqlite: migration %s: want a name starting with %04d_", base, i+1)
		}
		b, err := fs.ReadFile(fsys, name)
		if err != nil {
			return nil, fmt.Errorf("sqlite: migration %s: %w", base, err)
		}
		ms = append(ms, migration{version: v, name: base, sql: string(b)})
	}
	return ms, nil
}

// migrate applies the migrations the database lacks, each in its own
// transaction together with the new PRAGMA user_version, so a failed
// migration leaves the database at the previous version. A database whose
// version is higher than the last migration was written by a newer nextdesk
// and is refused rather than misread.
// It returns the versions before and after.
func migrate(ctx context.Context, db *sql.DB, ms []migration) (from, to int, err error) {
	from = -1
	for {
		before, after, err := migrateOne(ctx, db, ms)
		if from < 0 {
			from = before
		}
		if err != nil || after == before {
			return from, after, err
		}
	}
}

// migrateOne applies the next missing migration, reading the version inside
// the write transaction so two processes opening the same file cannot both
// apply it. It returns the versions before and after; they are equal when
// there was nothing left to apply.
func migrateOne(ctx context.Context, db *sql.DB, ms []migration) (before, after int, err error) {
	tx, err := db.BeginTx(ctx, nil)
	if err != nil {
		return 0, 0, fmt.Errorf("migrate: %w", err)
	}
	defer tx.Rollback()

	var v int
	if err := tx.QueryRowContext(ctx, `PRAGMA user_version`).Scan(&v); err != nil {
		return 0, 0, fmt.Errorf("migrate: read schema version (is this a SQLite database?): %w", err)
	}
	switch {
	case v > len(ms):
		return v, v, fmt.Errorf("%w: it has schema version %d but this nextdesk knows only up to %d", ErrTooNew, v, len(ms))
	case v == len(ms):
		return v, v, tx.Commit()
	}
	m := ms[v]
	if _, err := tx.ExecContext(ctx, m.sql); err != nil {
		return v, v, fmt.Errorf("migrate %s: %w", m.name, err)
	}
	// PRAGMA takes no parameters; m.version is an int, not input.
	if _, err := tx.ExecContext(ctx, fmt.Sprintf(`PRAGMA user_version = %d`, m.version)); err != nil {
		return v, v, fmt.Errorf("migrate %s: %w", m.name, err)
	}
	if err := tx.Commit(); err != nil {
		return v, v, fmt.Errorf("migrate %s: %w", m.name, err)
	}
	slog.Debug("sqlite: applied migration", "migration", m.name)
	return v, m.version, nil
}

// tx is a write transaction that hands out question revisions.
// execOne runs a statement meant to change one row, and returns none
// when it changes nothing: the row is there already, or not at all. what
// names the statement in any other error.
func (t *tx) execOne(ctx context.Context, none error, what, query string, args ...any) error {
	res, err := t.ExecContext(ctx, query, args...)
	if err != nil {
		return fmt.Errorf("%s: %w", what, err)
	}
	n, err := res.RowsAffected()
	if err != nil {
		return fmt.Errorf("%s: %w", what, err)
	}
	if n == 0 {
		return none
	}
	return nil
}

type tx struct {
	*sql.Tx
	now time.Time

	// rev is the highest revision given out so far, loaded on first use
	// (as loadedRev) and saved at commit if it moved.
	rev, loadedRev int64
	revLoaded      bool
	// stamped holds the questions already given a revision in this
	// transaction: one new revision per question per write is enough for
	// the index, however many of its answers changed.
	stamped map[string]bool
}

// update runs fn in one write transaction and commits it if fn succeeds.
// what names the operation in wrapped errors.
func (db *DB) update(ctx context.Context, what string, fn func(*tx) error) error {
	if db.write == nil {
		return fmt.Errorf("sqlite: %s: %w", what, errReadOnly)
	}
	sqlTx, err := db.write.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("sqlite: %s: %w", what, err)
	}
	defer sqlTx.Rollback()
	t := &tx{Tx: sqlTx, now: db.now(), stamped: make(map[string]bool)}
	if err := fn(t); err != nil {
		return wrap(what, err)
	}
	if t.rev != t.loadedRev {
		if _, err := t.ExecContext(ctx, `UPDATE revision SET rev = ?`, t.rev); err != nil {
			return fmt.Errorf("sqlite: %s: save revision: %w", what, err)
		}
	}
	if err := sqlTx.Commit(); err != nil {
		return fmt.Errorf("sqlite: %s: commit: %w", what, err)
	}
	return nil
}

// view runs fn in one read transaction, so everything it reads comes from
// the same snapshot.
func (db *DB) view(ctx context.Context, what string, fn func(*sql.Tx) error) error {
	tx, err := db.read.BeginTx(ctx, &sql.TxOptions{ReadOnly: true})
	if err != nil {
		return fmt.Errorf("sqlite: %s: %w", what, err)
	}
	defer tx.Rollback()
	if err := fn(tx); err != nil {
		return wrap(what, err)
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("sqlite: %s: %w", what, err)
	}
	return nil
}

// queryStrings runs query, which selects one text column, and returns its
// values in order.
func queryStrings(ctx context.Context, q interface {
	QueryContext(context.Context, string, ...any) (*sql.Rows, error)
}, query string, args ...any) ([]string, error) {
	rows, err := q.QueryContext(ctx, query, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var values []string
	for rows.Next() {
		var v string
		if err := rows.Scan(&v); err != nil {
			return nil, err
		}
		values = append(values, v)
	}
	return values, rows.Err()
}

// exists runs query, an EXISTS or a count, in a read transaction and
// reports whether it found anything; what names the read in errors.
func (db *DB) exists(ctx context.Context, what, query string, args ...any) (bool, error) {
	var found bool
	err := db.view(ctx, what, func(tx *sql.Tx) error {
		return tx.QueryRowContext(ctx, query, args...).Scan(&found)
	})
	return found, err
}

// queryCounts runs query, which selects a text key and a count, and
// returns the counts by key.
func queryCounts(ctx context.Context, q interface {
	QueryContext(context.Context, string, ...any) (*sql.Rows, error)
}, query string, args ...any) (map[string]int, error) {
	rows, err := q.QueryContext(ctx, query, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	counts := make(map[string]int)
	for rows.Next() {
		var (
			key string
			n   int
		)
		if err := rows.Scan(&key, &n); err != nil {
			return nil, err
		}
		counts[key] = n
	}
	return counts, rows.Err()
}

// wrap adds context to infrastructure errors and leaves domain errors as
// they are, their message being meant for people.
func wrap(what string, err error) error {
	if knowledge.ErrorCode(err) != knowledge.EINTERNAL {
		return err
	}
	return fmt.Errorf("sqlite: %s: %w", what, err)
}

func (db *DB) now() time.Time {
	if db.Now == nil {
		return time.Now().UTC()
	}
	return db.Now().UTC()
}

// nextRev returns the revision the next change would get, without taking it.
func (t *tx) nextRev(ctx context.Context) (int64, error) {
	if !t.revLoaded {
		if err := t.QueryRowContext(ctx, `SELECT rev FROM revision`).Scan(&t.loadedRev); err != nil {
			return 0, fmt.Errorf("read revision: %w", err)
		}
		t.rev, t.revLoaded = t.loadedRev, true
	}
	return t.rev + 1, nil
}

// took records that the revision returned by nextRev was given to question id.
func (t *tx) took(id string, rev int64) {
	t.rev = rev
	t.stamped[id] = true
}

// stamp gives question id a new revision unless it already got one in this
// transaction. Writes within one transaction commit together, and writes
// are serialised, so a reader never sees a revision appear below one it has
// already seen: the index can resume from the highest revision it applied.
func (t *tx) stamp(ctx context.Context, id string) error {
	if t.stamped[id] {
		return nil
	}
	rev, err := t.nextRev(ctx)
	if err != nil {
		return err
	}
	if _, err := t.ExecContext(ctx, `UPDATE questions SET rev = ? WHERE id = ?`, rev, id); err != nil {
		return fmt.Errorf("stamp question %s: %w", id, err)
	}
	t.took(id, rev)
	return nil
}

// Time bounds: int64 nanoseconds since 1970 cover 1678 to 2262.
var (
	minTime = time.Unix(0, -1<<63).UTC()
	maxTime = time.Unix(0, 1<<63-1).UTC()
)

// validTime reports whether t can be stored: zero (unknown) or within the
// range of int64 nanoseconds.
func validTime(t time.Time) bool {
	return t.IsZero() || (!t.Before(minTime) && !t.After(maxTime))
}

// nanos encodes t as UTC unix nanoseconds, NULL when t is zero.
func nanos(t time.Time) sql.NullInt64 {
	if t.IsZero() {
		return sql.NullInt64{}
	}
	return sql.NullInt64{Int64: t.UnixNano(), Valid: true}
}

// fromNanos decodes what nanos encoded.
func fromNanos(n sql.NullInt64) time.Time {
	if !n.Valid {
		return time.Time{}
	}
	return time.Unix(0, n.Int64).UTC()
}
