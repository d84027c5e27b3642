package main

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/nextdesk/nextdesk/index"
	"github.com/nextdesk/nextdesk/knowledge/sqlite"
)

// askSimilar runs `nextdesk ask --json` and returns the ids of the similar
// questions it found.
func askSimilar(t *testing.T, env map[string]string, text string) []string {
	t.Helper()
	var a answerView
	if err := json.Unmarshal([]byte(mustRun(t, env, "ask", "--json", text)), &a); err != nil {
		t.Fatal(err)
	}
	var ids []string
	for _, s := range a.Similar {
		ids = append(ids, s.QuestionID)
	}
	return ids
}

func hasPrefix(ids []string, prefix string) bool {
	for _, id := range ids {
		if strings.HasPrefix(id, prefix) {
			return true
		}
	}
	return false
}

// TestBackupAndRestore is the operator's round trip: back up, carry on,
// lose the data, restore by hand (copy the file back) or with `nextdesk
// restore`, start again: the index rebuilds itself from the store, the
// answers of the backup are there, and the later ones are gone from the
// store and the index alike.
func TestBackupAndRestore(t *testing.T) {
	dir := t.TempDir()
	env := map[string]string{"NEXTDESK_DATA_DIR": filepath.Join(dir, "data")}
	mustRun(t, env, "import", "stackexchange", needShared(t, "stackexchange/coffee"))
	const coffee, ai = "How much caffeine is in an espresso shot?", "What is the difference between a neural network and deep learning?"
	if !hasPrefix(askSimilar(t, env, coffee), "se:coffee:") {
		t.Fatal("the coffee question is not found after import")
	}

	backup := filepath.Join(dir, "backups", "nextdesk.db")
	os.MkdirAll(filepath.Dir(backup), 0o700)
	out := mustRun(t, env, "backup", backup)
	if !strings.Contains(out, "backup written to "+backup+": 225 questions") {
		t.Errorf("backup says:\n%s", out)
	}

	mustRun(t, env, "import", "stackexchange", needShared(t, "stackexchange/ai"))
	if !hasPrefix(askSimilar(t, env, ai), "se:ai:") {
		t.Fatal("the ai question is not found after importing ai")
	}

	t.Run("by hand", func(t *testing.T) {
		store := storePath(env["NEXTDESK_DATA_DIR"])
		data, err := os.ReadFile(backup)
		if err != nil {
			t.Fatal(err)
		}
		os.Remove(store + "-wal")
		os.Remove(store + "-shm")
		if err := os.WriteFile(store, data, 0o600); err != nil {
			t.Fatal(err)
		}
		if !hasPrefix(askSimilar(t, env, coffee), "se:coffee:") {
			t.Error("the coffee answers are gone after the restore")
		}
		if got := askSimilar(t, env, ai); hasPrefix(got, "se:ai:") {
			t.Errorf("the index still finds questions the restored store no longer has: %v", got)
		}
		// The restored store hands out again the revisions the old index
		// had seen: an index not rebuilt would skip what comes next.
		wantIndexFollows(t, env["NEXTDESK_DATA_DIR"], 225)
	})

	t.Run("with nextdesk restore", func(t *testing.T) {
		mustRun(t, env, "import", "stackexchange", needShared(t, "stackexchange/ai"))
		out := mustRun(t, env, "restore", backup)
		for _, want := range []string{"store restored from", "225 questions", "index rebuilt from the store: 225 questions"} {
			if !strings.Contains(out, want) {
				t.Errorf("restore output lacks %q:\n%s", want, out)
			}
		}
		if !hasPrefix(askSimilar(t, env, coffee), "se:coffee:") || hasPrefix(askSimilar(t, env, ai), "se:ai:") {
			t.Error("after nextdesk restore, the knowledge is not the backup's")
		}
		wantIndexFollows(t, env["NEXTDESK_DATA_DIR"], 225)
	})
}

// wantIndexFollows checks that the index in dataDir is at the store's
// revision and holds its questions.
func wantIndexFollows(t *testing.T, dataDir string, questions uint64) {
	t.Helper()
	db, err := sqlite.Open(storePath(dataDir))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	rev, err := db.Rev(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	ix, err := index.Open(indexPath(dataDir))
	if err != nil {
		t.Fatal(err)
	}
	defer ix.Close()
	n, err := ix.DocCount()
	if err != nil {
		t.Fatal(err)
	}
	if ix.Rev() != rev || n != questions {
		t.Errorf("index at revision %d with %d questions; the store is at %d with %d", ix.Rev(), n, rev, questions)
	}
}

// TestBackupWhileServing backs up the store of a running server, and
// refuses to restore under it.
func TestBackupWhileServing(t *testing.T) {
	srv := mustOpenWorkspace(t)
	env := serveEnv(t, srv, false)
	mustRun(t, env, "import", "stackexchange", needShared(t, "stackexchange/coffee"))
	server := mustStartServer(t, srv, env)
	server.waitHealth(t, 200)

	backup := filepath.Join(t.TempDir(), "backup.db")
	if out := mustRun(t, env, "backup", backup); !strings.Contains(out, "225 questions") {
		t.Errorf("backup while serving says:\n%s", out)
	}
	_, err := run(t, env, "restore", backup)
	if err == nil || !strings.Contains(err.Error(), "stop it first") {
		t.Errorf("restore while serving: err = %v, want a refusal", err)
	}
	server.waitHealth(t, 200)
}

// TestBackupRefusesWhereItCannotWrite: a directory given as FILE, or a
// file in a directory that does not exist, is refused at once as a usage
// error naming what to give, and nothing is written.
func TestBackupRefusesWhereItCannotWrite(t *testing.T) {
	dir := t.TempDir()
	env := map[string]string{"NEXTDESK_DATA_DIR": filepath.Join(dir, "data")}
	mustRun(t, env, "import", "stackexchange", needShared(t, "stackexchange/coffee"))
	backups := filepath.Join(dir, "backups")
	if err := os.Mkdir(backups, 0o700); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct{ dest, want string }{
		{backups, "is a directory; give the backup's file name, e.g. " + backups + "/nextdesk-"},
		{backups + "/", "is a directory"},
		{filepath.Join(dir, "missing", "nextdesk.db"), "directory " + filepath.Join(dir, "missing") + " does not exist"},
	} {
		_, err := run(t, env, "backup", tc.dest)
		if err == nil || exitCode(err) != 2 || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("backup %s: err = %v, want a usage error saying %q", tc.dest, err, tc.want)
		}
	}
	if entries, _ := os.ReadDir(backups); len(entries) != 0 {
		t.Errorf("refused backups left %v in %s", entries, backups)
	}
	if entries, _ := os.ReadDir(dir); len(entries) != 2 {
		t.Errorf("refused backups left files beside the data directory: %v", entries)
	}
}

// TestEmptiedStoreIsRefused: a store emptied (or replaced by an empty
// file) beside an index that has seen answers is refused, never served as
// an empty knowledge base.
func TestEmptiedStoreIsRefused(t *testing.T) {
	env := map[string]string{"NEXTDESK_DATA_DIR": t.TempDir()}
	mustRun(t, env, "import", "stackexchange", needShared(t, "stackexchange/coffee"))
	store := storePath(env["NEXTDESK_DATA_DIR"])
	for _, name := range []string{store + "-wal", store + "-shm"} {
		os.Remove(name)
	}
	if err := os.Truncate(store, 0); err != nil {
		t.Fatal(err)
	}
	_, err := run(t, env, "ask", "How much caffeine is in an espresso shot?")
	if !errors.Is(err, sqlite.ErrEmptied) || !strings.Contains(err.Error(), "backup") {
		t.Errorf("ask on an emptied store: err = %v, want ErrEmptied pointing to a backup", err)
	}
}

// TestDataDirectoryIsPrivate: whatever mode the data directory had, it is
// 0700 once nextdesk used it, and the store 0600.
func TestDataDirectoryIsPrivate(t *testing.T) {
	defer syscall.Umask(syscall.Umask(0o022))
	dir := filepath.Join(t.TempDir(), "data")
	if err := os.Mkdir(dir, 0o777); err != nil {
		t.Fatal(err)
	}
	os.Chmod(dir, 0o777)
	mustRun(t, map[string]string{"NEXTDESK_DATA_DIR": dir}, "import", "stackexchange", needShared(t, "stackexchange/coffee"))
	for name, want := range map[string]os.FileMode{dir: 0o700, storePath(dir): 0o600} {
		info, err := os.Stat(name)
		if err != nil {
			t.Fatal(err)
		}
		if got := info.Mode().Perm(); got != want {
			t.Errorf("%s: mode %04o, want %04o", name, got, want)
		}
	}
}

// TestServeRefusesADamagedStore: serve, started on a store that is
// truncated or emptied beside its index, stops before reaching Slack with
// an error naming the cause, instead of serving a damaged or empty
// knowledge base as healthy; nothing is lost meanwhile, so the good store
// put back serves its answers again.
func TestServeRefusesADamagedStore(t *testing.T) {
	for _, tc := range []struct {
		name   string
		damage func(store string, size int64) error
		want   error
	}{
		{"truncated", func(store string, size int64) error { return os.Truncate(store, size/2+100) }, sqlite.ErrCorrupt},
		{"emptied", func(store string, _ int64) error { return os.Truncate(store, 0) }, sqlite.ErrEmptied},
	} {
		t.Run(tc.name, func(t *testing.T) {
			srv := mustOpenWorkspace(t)
			env := serveEnv(t, srv, false)
			mustRun(t, env, "import", "stackexchange", needShared(t, "stackexchange/coffee"))
			store := storePath(env["NEXTDESK_DATA_DIR"])
			good, err := os.ReadFile(store)
			if err != nil {
				t.Fatal(err)
			}
			if err := tc.damage(store, int64(len(good))); err != nil {
				t.Fatal(err)
			}

			run := &serveRun{slack: srv, env: env, log: &syncBuffer{}}
			m := &Main{Stdin: strings.NewReader(""), Stdout: io.Discard, Stderr: run.log, Env: env}
			run.server = m.NewServer()
			if err := run.server.ParseFlags(nil); err != nil {
				t.Fatal(err)
			}
			ctx, stop := context.WithCancel(context.Background())
			done := make(chan error, 1)
			go func() { done <- run.server.Run(ctx) }()
			select {
			case <-run.server.Listening():
			case err := <-done:
				t.Fatalf("serve on a %s store exited instead of staying up not ready: %v", tc.name, err)
			case <-time.After(serveWait):
				t.Fatal("serve not listening")
			}
			run.base = "http://" + run.server.Addr().String()
			if code, body := run.get(t, "/livez"); code != http.StatusOK {
				t.Errorf("/livez = %d %q on a %s store, want 200: restarting cannot mend it", code, body, tc.name)
			}
			for _, probe := range []string{"/readyz", "/healthz"} {
				if code, body := run.get(t, probe); code != http.StatusServiceUnavailable || !strings.Contains(body, "backup") {
					t.Errorf("%s = %d %q on a %s store, want 503 pointing to a backup", probe, code, body, tc.name)
				}
			}
			if code, _ := run.get(t, "/slack/events"); code != http.StatusNotFound && code != http.StatusMethodNotAllowed {
				t.Errorf("Slack's request URL answered %d on a %s store, want it not served", code, tc.name)
			}
			select {
			case <-run.server.Ready():
				t.Errorf("serve on a %s store says it is ready", tc.name)
			default:
			}
			stop()
			err = <-done
			if !errors.Is(err, tc.want) || exitCode(err) != 1 || !strings.Contains(err.Error(), "backup") {
				t.Errorf("serve on a %s store, stopped: err = %v, want %v pointing to a backup", tc.name, err, tc.want)
			}
			if n := len(srv.Calls()); n != 0 {
				t.Errorf("serve on a %s store called Slack %d times, want it refused before", tc.name, n)
			}

			if err := os.WriteFile(store, good, 0o600); err != nil {
				t.Fatal(err)
			}
			if !hasPrefix(askSimilar(t, env, "How much caffeine is in an espresso shot?"), "se:coffee:") {
				t.Error("the good store put back does not answer")
			}
		})
	}
}
