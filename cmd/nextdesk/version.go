package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"runtime"
	"runtime/debug"

	"github.com/prometheus/client_golang/prometheus"
)

// Release builds stamp these with
//
//	-ldflags "-X main.version=v1.2.0 -X main.commit=… -X main.date=2026-12-02T10:00:00Z"
//
// (.ci/build-static does, and so does the Dockerfile). Left empty, they are
// read from what the Go toolchain records in the binary: the module version
// for `go install …@v1.2.0`, the VCS revision and commit time for a build
// from a git checkout.
var (
	version string
	commit  string
	date    string
)

// buildInfo says which nextdesk is running, for `nextdesk version`, the
// nextdesk_build_info metric and bug reports.
type buildInfo struct {
	Version   string `json:"version"`
	Commit    string `json:"commit"`
	Date      string `json:"date"`
	GoVersion string `json:"go_version"`
	Platform  string `json:"platform"`
}

// readBuildInfo combines the stamped values with the toolchain's build
// information; what neither knows is "unknown".
func readBuildInfo() buildInfo {
	b := buildInfo{Version: version, Commit: commit, Date: date, GoVersion: runtime.Version(), Platform: runtime.GOOS + "/" + runtime.GOARCH}
	if info, ok := debug.ReadBuildInfo(); ok {
		b.GoVersion = info.GoVersion
		if b.Version == "" && info.Main.Version != "" {
			b.Version = info.Main.Version
		}
		var modified bool
		for _, s := range info.Settings {
			switch s.Key {
			case "vcs.revision":
				if b.Commit == "" {
					b.Commit = s.Value
				}
			case "vcs.time":
				if b.Date == "" {
					b.Date = s.Value
				}
			case "vcs.modified":
				modified = s.Value == "true"
			}
		}
		// A build from a checkout with uncommitted changes is not the
		// commit it names.
		if modified && commit == "" && b.Commit != "" {
			b.Commit += "-dirty"
		}
	}
	for _, f := range []*string{&b.Version, &b.Commit, &b.Date} {
		if *f == "" {
			*f = "unknown"
		}
	}
	return b
}

func (b buildInfo) write(w io.Writer) {
	fmt.Fprintf(w, "nextdesk %s\n  commit  %s\n  built   %s\n  go      %s %s\n", b.Version, b.Commit, b.Date, b.GoVersion, b.Platform)
}

// versionCmd is `nextdesk version` (and `nextdesk --version`).
func (m *Main) versionCmd(_ context.Context, args []string) error {
	fs := flag.NewFlagSet("version", flag.ContinueOnError)
	asJSON := fs.Bool("json", false, "print JSON")
	rest, err := parseArgs(fs, args)
	if err != nil {
		return err
	}
	if len(rest) > 0 {
		return usagef("version takes no arguments")
	}
	b := readBuildInfo()
	if *asJSON {
		return printJSON(m.Stdout, b)
	}
	b.write(m.Stdout)
	return nil
}

// buildInfoCollector is the nextdesk_build_info gauge, always 1, whose
// labels say which nextdesk runs: dashboards join it to other series to
// tell which release a change of behaviour came with. Serve registers it
// on its registry.
func buildInfoCollector() prometheus.Collector {
	b := readBuildInfo()
	g := prometheus.NewGauge(prometheus.GaugeOpts{
		Name: "nextdesk_build_info",
		Help: "Which nextdesk is running: version, commit, build date and Go version as labels; always 1.",
		ConstLabels: prometheus.Labels{
			"version":   b.Version,
			"commit":    b.Commit,
			"date":      b.Date,
			"goversion": b.GoVersion,
		},
	})
	g.Set(1)
	return g
}
