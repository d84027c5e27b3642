package main

import (
	"bufio"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// dockerIgnore reads a .dockerignore into the regular expressions Docker
// makes of its lines (moby/patternmatcher: "**" spans directories, "*"
// and "?" stay within one, a leading "/" means the context's root, and a
// pattern that matches a directory leaves out all it holds). nextdesk's
// file uses no "!" exceptions, so none are read.
func dockerIgnore(t *testing.T, path string) []*regexp.Regexp {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var out []*regexp.Regexp
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		p := strings.TrimSpace(sc.Text())
		if p == "" || strings.HasPrefix(p, "#") {
			continue
		}
		if strings.HasPrefix(p, "!") {
			t.Fatalf("%s: exceptions (%q) are not understood by this test", path, p)
		}
		p = strings.TrimPrefix(filepath.Clean(p), "/")
		var re strings.Builder
		for i := 0; i < len(p); i++ {
			switch {
			case strings.HasPrefix(p[i:], "**/"):
				re.WriteString("(.*/)?")
				i += 2
			case strings.HasPrefix(p[i:], "**"):
				re.WriteString(".*")
				i++
			case p[i] == '*':
				re.WriteString("[^/]*")
			case p[i] == '?':
				re.WriteString("[^/]")
			default:
				re.WriteString(regexp.QuoteMeta(p[i : i+1]))
			}
		}
		out = append(out, regexp.MustCompile("^"+re.String()+"(/.*)?$"))
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	return out
}

// TestBuildContext: `docker build` (and compose's `build: .`) sends the
// checkout to the daemon, where COPY . . puts it in a build layer and the
// build cache. Tokens (the env file compose.yaml has operators write),
// data directories and backups (private messages) and the history must
// stay out, and git must never offer to commit them; every file the
// build needs must go in.
func TestBuildContext(t *testing.T) {
	root := filepath.Join("..", "..")
	patterns := dockerIgnore(t, filepath.Join(root, ".dockerignore"))
	ignored := func(path string) bool {
		for _, re := range patterns {
			if re.MatchString(path) {
				return true
			}
		}
		return false
	}
	private := []string{
		".git/config", "nextdesk.env", "deploy/nextdesk.env", ".env", "deploy/.env.production",
		"nextdesk-data/nextdesk.db", "nextdesk-data/import/slack-api/state.json", "srv/nextdesk-data/index/store/root.bolt",
		"data/nextdesk.db", "backups/nextdesk-2026-12-01.db", "nextdesk.db", "nextdesk.db-wal", "old/nextdesk.db-shm",
		"dist/nextdesk",
	}
	for _, path := range private {
		if !ignored(path) {
			t.Errorf(".dockerignore lets %s into the build context", path)
		}
	}

	git, err := exec.LookPath("git")
	if err != nil {
		t.Skip("no git to list the files the build needs")
	}
	cmd := exec.Command(git, "ls-files")
	cmd.Dir = root
	out, err := cmd.Output()
	if err != nil {
		t.Skipf("not a git checkout: %v", err)
	}
	notNeeded := map[string]bool{".gitignore": true, ".dockerignore": true, "Dockerfile": true, "compose.yaml": true}
	files := strings.Split(strings.TrimSpace(string(out)), "\n")
	for _, path := range files {
		if ignored(path) && !notNeeded[path] {
			t.Errorf(".dockerignore leaves out %s, part of the source", path)
		}
	}
	if len(files) < 100 {
		t.Errorf("git ls-files listed %d files: the listing is wrong", len(files))
	}

	for _, path := range private {
		if strings.HasPrefix(path, ".git/") {
			continue
		}
		check := exec.Command(git, "check-ignore", "-q", "--no-index", path)
		check.Dir = root
		if err := check.Run(); err != nil {
			t.Errorf(".gitignore does not ignore %s (git check-ignore: %v)", path, err)
		}
	}
}
