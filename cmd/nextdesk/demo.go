package main

import (
	"bufio"
	"context"
	"embed"
	"flag"
	"fmt"
	"io/fs"
	"log/slog"
	"os"
	"path/filepath"
	"strings"

	"golang.org/x/term"

	"github.com/nextdesk/nextdesk/importer/stackexchange"
	"github.com/nextdesk/nextdesk/knowledge"
)

// demodata is a real excerpt of coffee.stackexchange.com (CC BY-SA 4.0; see
// its ATTRIBUTION.md), small enough to import in a blink.
//
//go:embed demodata
var demodata embed.FS

var demoQuestions = []string{
	"How do I keep coffee beans fresh?",
	"Combien de caféine dans un espresso ?",
	"how much caffeine in one espresso",
	"What water temperature is best for brewing?",
}

func (m *Main) demo(ctx context.Context, args []string) error {
	flags := flag.NewFlagSet("demo", flag.ContinueOnError)
	if _, err := parseArgs(flags, args); err != nil {
		return err
	}
	cfg, err := m.config()
	if err != nil {
		return err
	}
	tmp, err := os.MkdirTemp("", "nextdesk-demo-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(tmp)
	sample, err := fs.Sub(demodata, "demodata")
	if err != nil {
		return err
	}
	if err := os.CopyFS(tmp, sample); err != nil {
		return fmt.Errorf("unpack demo data: %w", err)
	}
	cfg.DataDir = filepath.Join(tmp, "data")
	// The demo speaks through its output; progress logs would drown it.
	cfg.LogLevel = max(cfg.LogLevel, slog.LevelWarn)
	log := m.logger(cfg)
	kb, err := openKnowledge(ctx, cfg, log)
	if err != nil {
		return err
	}
	defer kb.Close()

	fmt.Fprintf(m.Stdout, "nextdesk demo: importing 100 real questions from coffee.stackexchange.com (CC BY-SA 4.0) into %s\n", cfg.DataDir)
	rep, err := stackexchange.Import(ctx, filepath.Join(tmp, "coffee"), kb, stackexchange.Options{Logger: log})
	if err != nil {
		return err
	}
	if err := kb.Sync(ctx); err != nil {
		return err
	}
	printReport(m.Stdout, "imported", rep)

	show := func(text string) error {
		fmt.Fprintln(m.Stdout, "\n────────────────────────────────────────")
		a, err := answer(ctx, kb.Engine, knowledge.Question{Text: text}, knowledge.Anonymous)
		if err != nil {
			return err
		}
		a.write(m.Stdout)
		return nil
	}
	for _, q := range demoQuestions {
		if err := show(q); err != nil {
			return err
		}
	}
	if !isTerminal(m.Stdin) {
		return nil
	}
	fmt.Fprint(m.Stdout, "\nAsk your own coffee question (empty line to quit): ")
	in := bufio.NewScanner(m.Stdin)
	for in.Scan() {
		text := strings.TrimSpace(in.Text())
		if text == "" {
			return nil
		}
		if err := show(text); err != nil {
			fmt.Fprintln(m.Stdout, knowledge.ErrorMessage(err))
		}
		fmt.Fprint(m.Stdout, "\nAnother question (empty line to quit): ")
	}
	return in.Err()
}

func isTerminal(r any) bool {
	f, ok := r.(*os.File)
	return ok && term.IsTerminal(int(f.Fd()))
}
