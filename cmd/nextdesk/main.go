// Command nextdesk is the guy in the next office: a Slack bot that sends each
// question straight to the colleague most likely to know, captures the
// answer, and hands it back the next time someone asks.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"os/signal"
	"runtime/debug"
	"strings"
	"syscall"

	"github.com/nextdesk/nextdesk/internal/logctx"

	// Time zones must load in a static binary on an image with no zoneinfo.
	_ "time/tzdata"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	paceGC()
	m := NewMain()
	err := m.Run(ctx, os.Args[1:])
	if err != nil && !errors.Is(err, flag.ErrHelp) {
		fmt.Fprintln(m.Stderr, "nextdesk:", err)
	}
	os.Exit(exitCode(err))
}

// paceGC makes the garbage collector run less often unless the operator
// chose (GOGC, GOMEMLIMIT). nextdesk's live heap is small and its allocation
// rate high — analysing text for the index, handling bursts of Slack events —
// so at the default GOGC=100 collection takes a large share of the CPU: an
// import indexed about 20% fewer questions per second, and under a load of
// 50 questions/s Slack's acknowledgements waited on collector assists (p99
// over 100 ms, against none over 30 ms at 400). The soft memory limit makes
// the collector work harder before the heap grows past it, so the trade never
// costs more than that much memory.
func paceGC() {
	if _, set := os.LookupEnv("GOGC"); !set {
		debug.SetGCPercent(400)
	}
	if _, set := os.LookupEnv("GOMEMLIMIT"); !set {
		debug.SetMemoryLimit(1536 << 20)
	}
}

// Main runs one nextdesk command. Its fields are the process's surroundings,
// so tests run the real commands with their own input, output and settings.
type Main struct {
	Stdin          io.Reader
	Stdout, Stderr io.Writer
	// Env holds the settings; nil reads the process environment.
	Env map[string]string
}

// NewMain returns a Main on the process's standard streams and environment.
func NewMain() *Main {
	return &Main{Stdin: os.Stdin, Stdout: os.Stdout, Stderr: os.Stderr}
}

// usageError is a mistake in the command line or the settings: the person
// running nextdesk must change something, so it exits with code 2.
type usageError struct{ msg string }

func (e *usageError) Error() string { return e.msg }

func usagef(format string, args ...any) error {
	return &usageError{msg: fmt.Sprintf(format, args...)}
}

func exitCode(err error) int {
	var u *usageError
	switch {
	case err == nil, errors.Is(err, flag.ErrHelp):
		return 0
	case errors.As(err, &u):
		return 2
	}
	return 1
}

type command struct {
	name, args, summary string
	run                 func(m *Main, ctx context.Context, args []string) error
}

func (m *Main) commands() []command {
	return []command{
		{"healthcheck", "", "ask the running server's /healthz (for container health checks)", (*Main).healthcheck},
		{"demo", "", "import a small real sample into a temporary directory and show the engine answering", (*Main).demo},
		{"ask", "[--as USER_ID] [--json] TEXT", "show similar answered questions and the people to ask", (*Main).ask},
		{"import", "slack-export FILE.zip [--channels a,b] | stackexchange DIR | org FILE.csv", "import answered questions from history, or the org chart", (*Main).importCmd},
		{"digest", "--dry-run [--week 2026-W47] [--format text|blocks|json] [--as USER_ID] | --post [--week 2026-W47]", "print the weekly digest from the current data, or post it now", (*Main).digestCmd},
		{"reindex", "", "rebuild the search index from the store", (*Main).reindex},
		{"bench", "[--questions N] [--people N] [--queries N] [--dir DIR] [--json]", "measure import, index and ranking speed on synthetic history", (*Main).bench},
		{"eval", "slack-export FILE.zip [--channels a,b] [--json] | stackexchange DIR [--json]", "measure routing on real history", (*Main).eval},
		{"serve", "", "run the Slack bot: Socket Mode with SLACK_APP_TOKEN, else HTTP on NEXTDESK_ADDR", (*Main).serve},
		{"tasks", "[--only NAME] [--dry-run]", "run the bot's background tasks once", (*Main).tasks},
	}
}

// Run runs the command named by args[0].
func (m *Main) Run(ctx context.Context, args []string) error {
	if len(args) == 0 || args[0] == "help" || args[0] == "-h" || args[0] == "--help" {
		m.usage(m.Stdout)
		if len(args) == 0 {
			return usagef("no command given")
		}
		return nil
	}
	for _, c := range m.commands() {
		if c.name == args[0] {
			return c.run(m, ctx, args[1:])
		}
	}
	m.usage(m.Stderr)
	return usagef("unknown command %q", args[0])
}

func (m *Main) usage(w io.Writer) {
	fmt.Fprintln(w, "Usage: nextdesk COMMAND [ARGS]")
	fmt.Fprintln(w)
	for _, c := range m.commands() {
		fmt.Fprintf(w, "  %-8s %s\n           %s\n", c.name, c.args, c.summary)
	}
	fmt.Fprintln(w)
	fmt.Fprintln(w, "Settings come from the environment; NEXTDESK_DATA_DIR (default ./nextdesk-data) holds everything.")
}

// logger writes to m.Stderr at cfg's level, in cfg's format, each line
// with the ids of what its context is about (logctx).
func (m *Main) logger(cfg Config) *slog.Logger {
	opts := &slog.HandlerOptions{Level: cfg.LogLevel}
	var h slog.Handler = slog.NewTextHandler(m.Stderr, opts)
	if cfg.LogFormat == "json" {
		h = slog.NewJSONHandler(m.Stderr, opts)
	}
	return slog.New(logctx.NewHandler(h))
}

// parseArgs parses flags wherever they stand among the positional arguments,
// so "import slack-export FILE.zip --channels a,b" works as documented.
func parseArgs(fs *flag.FlagSet, args []string) ([]string, error) {
	fs.SetOutput(io.Discard)
	var positional []string
	for {
		if err := fs.Parse(args); err != nil {
			if errors.Is(err, flag.ErrHelp) {
				return nil, err
			}
			return nil, usagef("%s: %v", fs.Name(), err)
		}
		args = fs.Args()
		if len(args) == 0 {
			return positional, nil
		}
		positional = append(positional, args[0])
		args = args[1:]
	}
}

func splitList(s string) []string {
	var out []string
	for _, part := range strings.Split(s, ",") {
		if part = strings.TrimSpace(part); part != "" {
			out = append(out, part)
		}
	}
	return out
}
