package integration_test

import (
	"go/parser"
	"go/token"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
)

// The module's import path, and its root from this package's directory.
const (
	modulePath = "github.com/nextdesk/nextdesk"
	moduleRoot = "../.."
)

// imports returns every package that pkg (a path inside the module, such
// as "bot") imports, directly or through other packages of the module,
// from its non-test files whatever their build tags: a file built only
// with cgo, or only without, cannot hide an import.
func imports(t *testing.T, pkg string) []string {
	t.Helper()
	seen := map[string]bool{}
	var walk func(string)
	walk = func(rel string) {
		files, err := filepath.Glob(filepath.Join(moduleRoot, rel, "*.go"))
		if err != nil || len(files) == 0 {
			t.Fatalf("package %s: no Go files (%v)", rel, err)
		}
		for _, f := range files {
			if strings.HasSuffix(f, "_test.go") {
				continue
			}
			src, err := os.ReadFile(f)
			if err != nil {
				t.Fatal(err)
			}
			file, err := parser.ParseFile(token.NewFileSet(), f, src, parser.ImportsOnly)
			if err != nil {
				t.Fatal(err)
			}
			for _, spec := range file.Imports {
				path, _ := strconv.Unquote(spec.Path.Value)
				if seen[path] {
					continue
				}
				seen[path] = true
				if inner, ok := strings.CutPrefix(path, modulePath+"/"); ok {
					walk(inner)
				}
			}
		}
	}
	walk(pkg)
	out := make([]string, 0, len(seen))
	for p := range seen {
		out = append(out, p)
	}
	slices.Sort(out)
	return out
}

// within reports whether package path is prefix or one of its packages;
// a prefix ending in "/" names a whole family ("github.com/slack-go/").
func within(path, prefix string) bool {
	if strings.HasSuffix(prefix, "/") {
		return strings.HasPrefix(path, prefix)
	}
	return path == prefix || strings.HasPrefix(path, prefix+"/")
}

// TestArrowsPointInward holds the layering README and docs/architecture.md
// describe: the domain imports no adapter, the desk workflow only the
// domain, and the Slack adapter no store: only cmd/nextdesk wires one.
func TestArrowsPointInward(t *testing.T) {
	const (
		slack  = "github.com/slack-go/"
		bleve  = "github.com/blevesearch/"
		driver = "github.com/mattn/go-sqlite3"
		store  = modulePath + "/knowledge/sqlite"
		search = modulePath + "/index"
	)
	for _, c := range []struct {
		pkg       string
		forbidden []string
		// only, when set, lists the module's packages pkg may reach.
		only []string
	}{
		{pkg: "knowledge", forbidden: []string{slack, bleve, driver, "database/sql"}, only: []string{}},
		{pkg: "knowledge/desk", forbidden: []string{slack, bleve, driver, "database/sql"},
			only: []string{modulePath + "/knowledge", modulePath + "/internal/logctx"}},
		{pkg: "bot", forbidden: []string{store, driver, "database/sql", search, bleve}},
		{pkg: "digest", forbidden: []string{store, driver, "database/sql", search, bleve}},
		{pkg: "index", forbidden: []string{slack, store, driver}},
	} {
		t.Run(c.pkg, func(t *testing.T) {
			deps := imports(t, c.pkg)
			for _, d := range deps {
				for _, f := range c.forbidden {
					if within(d, f) {
						t.Errorf("%s reaches %s, against the layering", c.pkg, d)
					}
				}
				if c.only != nil && strings.HasPrefix(d, modulePath+"/") && !slices.Contains(c.only, d) {
					t.Errorf("%s reaches %s; it may reach only %v of the module", c.pkg, d, c.only)
				}
			}
			if c.pkg == "bot" && !slices.Contains(deps, modulePath+"/knowledge/desk") {
				t.Errorf("bot does not reach knowledge/desk (%v): is the import walk broken?", deps)
			}
		})
	}
}
