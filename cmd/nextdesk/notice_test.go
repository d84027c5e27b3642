package main

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// TestNoticeCarriesTheModulesNotices: the Apache License (section 4(d))
// asks whoever distributes a work to pass its NOTICE file on. Every module
// linked into the binary that has one must appear in NOTICE under its path,
// with each line of it, so a dependency added or upgraded with a new
// NOTICE fails here rather than in a legal review.
func TestNoticeCarriesTheModulesNotices(t *testing.T) {
	goTool, err := exec.LookPath("go")
	if err != nil {
		t.Skip("no go command to list the modules linked")
	}
	out, err := exec.Command(goTool, "list", "-deps", "-f", "{{with .Module}}{{if not .Main}}{{.Path}} {{.Dir}}{{end}}{{end}}", ".").Output()
	if err != nil {
		t.Fatalf("go list: %v", err)
	}
	data, err := os.ReadFile(filepath.Join("..", "..", "NOTICE"))
	if err != nil {
		t.Fatal(err)
	}
	ours := map[string]bool{}
	for _, line := range strings.Split(string(data), "\n") {
		ours[strings.TrimSpace(line)] = true
	}

	seen, withNotice := map[string]bool{}, 0
	for _, line := range strings.Split(strings.TrimSpace(string(out)), "\n") {
		path, dir, _ := strings.Cut(line, " ")
		if seen[path] {
			continue
		}
		seen[path] = true
		if dir == "" {
			t.Fatalf("module %s has no source directory: run go mod download", path)
		}
		for _, name := range []string{"NOTICE", "NOTICE.txt", "NOTICE.md"} {
			theirs, err := os.ReadFile(filepath.Join(dir, name))
			if err != nil {
				continue
			}
			withNotice++
			if !ours[path+":"] {
				t.Errorf("NOTICE lacks a section %q for the NOTICE of %s", path+":", path)
				continue
			}
			for _, l := range strings.Split(string(theirs), "\n") {
				if l = strings.TrimSpace(l); l != "" && !ours[l] {
					t.Errorf("NOTICE lacks this line of %s's %s: %q", path, name, l)
				}
			}
		}
	}
	if len(seen) < 10 || withNotice == 0 {
		t.Errorf("go list found %d modules, %d with a NOTICE: the listing is wrong", len(seen), withNotice)
	}
}
