package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/prometheus/client_golang/prometheus"
)

// TestEveryCommandHelps runs every command with -h, --help and as "help
// NAME": each must print its usage and flags on standard output, exit 0,
// and touch nothing (no data directory created, no Slack reached).
func TestEveryCommandHelps(t *testing.T) {
	for _, tc := range []struct {
		name  string
		flags []string // every flag the command takes
	}{
		{"healthcheck", nil},
		{"demo", nil},
		{"ask", []string{"-as", "-json"}},
		{"import", []string{"-channels", "-since"}},
		{"digest", []string{"-dry-run", "-post", "-week", "-format", "-as"}},
		{"review", []string{"-since", "-format"}},
		{"reindex", nil},
		{"bench", []string{"-questions", "-people", "-queries", "-dir", "-cpuprofile", "-json"}},
		{"eval", []string{"-channels", "-protocol", "-json"}},
		{"serve", nil},
		{"tasks", []string{"-only", "-dry-run"}},
		{"backup", nil},
		{"restore", nil},
		{"version", []string{"-json"}},
	} {
		for _, args := range [][]string{{tc.name, "-h"}, {tc.name, "--help"}, {"help", tc.name}, {tc.name, "x", "--help"}} {
			t.Run(strings.Join(args, " "), func(t *testing.T) {
				dir := filepath.Join(t.TempDir(), "data")
				out, err := run(t, map[string]string{"NEXTDESK_DATA_DIR": dir, "SLACK_API_URL": "http://127.0.0.1:1/"}, args...)
				if err != nil || exitCode(err) != 0 {
					t.Fatalf("err = %v (exit %d), want nil (exit 0)", err, exitCode(err))
				}
				if !strings.HasPrefix(out, "Usage: nextdesk "+tc.name) {
					t.Errorf("output does not start with the usage line:\n%s", out)
				}
				for _, f := range tc.flags {
					if !strings.Contains(out, "  "+f+" ") && !strings.Contains(out, "  "+f+"\n") {
						t.Errorf("help does not list flag %s:\n%s", f, out)
					}
				}
				if got := strings.Contains(out, "Flags:"); got != (len(tc.flags) > 0) {
					t.Errorf("help lists flags = %v, want %v:\n%s", got, len(tc.flags) > 0, out)
				}
				if _, err := os.Stat(dir); !os.IsNotExist(err) {
					t.Errorf("help created the data directory (stat: %v)", err)
				}
			})
		}
	}
	// The table covers every command, so a new one cannot skip its help.
	var names []string
	for _, c := range NewMain().commands() {
		names = append(names, c.name)
	}
	want := []string{"healthcheck", "demo", "ask", "import", "digest", "review", "reindex", "bench", "eval", "serve", "tasks", "backup", "restore", "version"}
	slices.Sort(names)
	slices.Sort(want)
	if diff := cmp.Diff(names, want); diff != "" {
		t.Errorf("commands differ from the help table (-got +want):\n%s", diff)
	}
}

func TestVersion(t *testing.T) {
	defer func(v, c, d string) { version, commit, date = v, c, d }(version, commit, date)
	version, commit, date = "v1.2.3", "0123456789abcdef", "2026-12-02T10:00:00Z"

	for _, args := range [][]string{{"version"}, {"--version"}} {
		out := mustRun(t, nil, args...)
		for _, want := range []string{"nextdesk v1.2.3", "commit  0123456789abcdef", "built   2026-12-02T10:00:00Z", "go      go1."} {
			if !strings.Contains(out, want) {
				t.Errorf("%s: output lacks %q:\n%s", args[0], want, out)
			}
		}
	}
	var got buildInfo
	if err := json.Unmarshal([]byte(mustRun(t, nil, "version", "--json")), &got); err != nil {
		t.Fatal(err)
	}
	if got.Version != "v1.2.3" || got.Commit != "0123456789abcdef" || got.Date != "2026-12-02T10:00:00Z" || !strings.HasPrefix(got.GoVersion, "go1.") {
		t.Errorf("version --json = %+v", got)
	}
}

// TestVersionUnstamped: a build nobody stamped still says something for
// every field rather than printing blanks.
func TestVersionUnstamped(t *testing.T) {
	defer func(v, c, d string) { version, commit, date = v, c, d }(version, commit, date)
	version, commit, date = "", "", ""
	b := readBuildInfo()
	for name, v := range map[string]string{"version": b.Version, "commit": b.Commit, "date": b.Date, "go": b.GoVersion} {
		if v == "" {
			t.Errorf("%s is empty", name)
		}
	}
}

func TestBuildInfoMetric(t *testing.T) {
	defer func(v, c, d string) { version, commit, date = v, c, d }(version, commit, date)
	version, commit, date = "v1.2.3", "0123456789abcdef", "2026-12-02T10:00:00Z"
	reg := prometheus.NewRegistry()
	reg.MustRegister(buildInfoCollector())
	families, err := reg.Gather()
	if err != nil {
		t.Fatal(err)
	}
	if len(families) != 1 || families[0].GetName() != "nextdesk_build_info" || len(families[0].GetMetric()) != 1 {
		t.Fatalf("gathered %v, want one nextdesk_build_info series", families)
	}
	m := families[0].GetMetric()[0]
	labels := map[string]string{}
	for _, l := range m.GetLabel() {
		labels[l.GetName()] = l.GetValue()
	}
	want := map[string]string{"version": "v1.2.3", "commit": "0123456789abcdef", "date": "2026-12-02T10:00:00Z", "goversion": readBuildInfo().GoVersion}
	if diff := cmp.Diff(labels, want); diff != "" {
		t.Errorf("labels (-got +want):\n%s", diff)
	}
	if m.GetGauge().GetValue() != 1 {
		t.Errorf("value = %v, want 1", m.GetGauge().GetValue())
	}
}

// TestServeExposesBuildInfo: the metric is on the running server's /metrics.
func TestServeExposesBuildInfo(t *testing.T) {
	srv := mustOpenWorkspace(t)
	run := mustStartServer(t, srv, serveEnv(t, srv, false))
	code, body := run.get(t, "/metrics")
	want := `nextdesk_build_info{commit="` + readBuildInfo().Commit + `"`
	if code != 200 || !strings.Contains(body, want) {
		t.Errorf("/metrics (status %d) lacks %s", code, want)
	}
}
