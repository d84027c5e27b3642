// Command nextdesk is the guy in the next office: a Slack bot that sends each
// question straight to the colleague most likely to know, captures the
// answer, and hands it back the next time someone asks.
package main

import (
	"context"
	"encoding/json"
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
	"github.com/nextdesk/nextdesk/knowledge"

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
		fmt.Fprintln(m.Stderr, "nextdesk:", operatorMessage(err))
	}
	os.Exit(exitCode(err))
}

// operatorMessage is err as the person at the terminal reads it: a domain
// error says its message, not its code, and what wraps it still says
// where it happened ("load history: …").
func operatorMessage(err error) string {
	msg := err.Error()
	var e *knowledge.Error
	if errors.As(err, &e) {
		msg = strings.Replace(msg, e.Error(), e.Message, 1)
	}
	return msg
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
		{"ask", "[--as USER_ID] [--json] TEXT | -", "show similar answered questions and the people to ask", (*Main).ask},
		{"import", "slack-export FILE.zip [--channels a,b] | slack-api [--channels a,b] [--since DATE] | stackexchange DIR | org FILE.csv | teams FILE.yaml", "import answered questions from history, the org chart, or the teams and their promises", (*Main).importCmd},
		{"digest", "--dry-run [--week 2026-W47] [--format text|blocks|json] [--as USER_ID] | --post [--week 2026-W47]", "print the weekly digest from the current data, or post it now", (*Main).digestCmd},
		{"review", "--since 2026-06-01 [--format text|blocks|csv]", "the service promises between teams: what each asked, how fast it was answered, whether the promise was kept", (*Main).review},
		{"reindex", "", "rebuild the search index from the store", (*Main).reindex},
		{"backup", "FILE", "write a consistent copy of the store to FILE, also while serve runs", (*Main).backup},
		{"restore", "FILE", "replace the store with a backup and rebuild the index (nextdesk stopped)", (*Main).restore},
		{"bench", "[--questions N] [--people N] [--queries N] [--dir DIR] [--cpuprofile FILE] [--json]", "measure import, index and judgement speed on synthetic history", (*Main).bench},
		{"eval", "slack-export FILE.zip [--channels a,b] [--protocol fixed|replay] [--json] | stackexchange DIR [--protocol fixed|replay] [--json] | duplicates DIR [--json] | crosslang PAIRS.tsv [--distractors FILE] [--json] | reconstruct FILE.zip [--json] | live [--json]", "measure routing, instant answers, French–English matching, or the reconstruction of threads, on real history; or, live, how they do in this workspace", (*Main).eval},
		{"serve", "", "run the Slack bot: Socket Mode with SLACK_APP_TOKEN, else HTTP on NEXTDESK_ADDR", (*Main).serve},
		{"tasks", "[--only NAME] [--dry-run]", "run the bot's background tasks once", (*Main).tasks},
		{"version", "[--json]", "print the version, commit, build date and Go version", (*Main).versionCmd},
	}
}

// Run runs the command named by args[0]. Asked for help (-h or --help
// anywhere among its flags, or "nextdesk help COMMAND"), a command prints
// its usage and flags on Stdout and returns nil.
func (m *Main) Run(ctx context.Context, args []string) error {
	if len(args) > 0 && (args[0] == "--version" || args[0] == "-version") {
		args = append([]string{"version"}, args[1:]...)
	}
	if len(args) == 2 && args[0] == "help" {
		args = []string{args[1], "--help"}
	}
	if len(args) == 0 || args[0] == "help" || args[0] == "-h" || args[0] == "--help" {
		m.usage(m.Stdout)
		if len(args) == 0 {
			return usagef("no command given")
		}
		return nil
	}
	for _, c := range m.commands() {
		if c.name == args[0] {
			err := c.run(m, ctx, args[1:])
			var help *helpRequest
			if errors.As(err, &help) {
				c.help(m.Stdout, help.flags)
				return nil
			}
			return err
		}
	}
	m.usage(m.Stderr)
	return usagef("unknown command %q", args[0])
}

// help prints c's usage, what it does and its flags.
func (c command) help(w io.Writer, flags string) {
	fmt.Fprintf(w, "Usage: %s\n\n%s.\n", strings.TrimSpace("nextdesk "+c.name+" "+c.args), upperFirst(c.summary))
	if flags != "" {
		fmt.Fprintf(w, "\nFlags:\n%s", flags)
	}
	fmt.Fprintln(w, "\nSettings come from the environment; README.md and docs/slack-setup.md list them.")
}

func upperFirst(s string) string {
	if s == "" {
		return s
	}
	return strings.ToUpper(s[:1]) + s[1:]
}

// helpRequest is what parseArgs returns for -h or --help: Run prints the
// command's usage with flags, the flag set's defaults.
type helpRequest struct{ flags string }

func (*helpRequest) Error() string { return "help requested" }
func (*helpRequest) Unwrap() error { return flag.ErrHelp }

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
		opts.ReplaceAttr = durationAsText
		h = slog.NewJSONHandler(m.Stderr, opts)
	}
	return slog.New(logctx.NewHandler(h))
}

// durationAsText writes a duration as the text format does ("1.5s"):
// slog's JSON handler writes nanoseconds, and a retry "in":300000000000
// says neither its unit nor, at a glance, its size.
func durationAsText(_ []string, a slog.Attr) slog.Attr {
	if a.Value.Kind() == slog.KindDuration {
		a.Value = slog.StringValue(a.Value.Duration().String())
	}
	return a
}

// parseArgs parses flags wherever they stand among the positional arguments,
// so "import slack-export FILE.zip --channels a,b" works as documented.
func parseArgs(fs *flag.FlagSet, args []string) ([]string, error) {
	fs.SetOutput(io.Discard)
	var positional []string
	for {
		if err := fs.Parse(args); err != nil {
			if errors.Is(err, flag.ErrHelp) {
				var defaults strings.Builder
				fs.SetOutput(&defaults)
				fs.PrintDefaults()
				return nil, &helpRequest{flags: defaults.String()}
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

// printJSON writes v to w as indented JSON, for the commands' --json.
func printJSON(w io.Writer, v any) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(v)
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
