package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/slack-go/slack"
	"golang.org/x/term"

	"github.com/nextdesk/nextdesk/importer/slackapi"
	"github.com/nextdesk/nextdesk/index"
	"github.com/nextdesk/nextdesk/knowledge"
)

// slackAPISettings are what `import slack-api` reads on top of Config.
type slackAPISettings struct {
	BotToken secret `env:"SLACK_BOT_TOKEN"`
	APIURL   string `env:"SLACK_API_URL"`
}

// importSlackAPI is `nextdesk import slack-api`: it backfills the
// conversations the bot is in from Slack's Web API.
func (m *Main) importSlackAPI(ctx context.Context, channels []string, since string) error {
	cfg, err := m.config()
	if err != nil {
		return err
	}
	s, err := parseSettings[slackAPISettings](m)
	if err != nil {
		return err
	}
	if !strings.HasPrefix(string(s.BotToken), "xoxb-") {
		return usagef("settings: set SLACK_BOT_TOKEN to the app's Bot User OAuth Token (xoxb-…): import slack-api reads the channels the bot is in")
	}
	opts := slackapi.Options{Channels: channels, StageDir: filepath.Join(cfg.DataDir, "import", "slack-api")}
	if since != "" {
		if opts.Since, err = time.ParseInLocation(time.DateOnly, since, time.UTC); err != nil {
			return usagef("import: --since must be a date such as 2026-01-31, not %q", since)
		}
	}
	apiOpts := []slack.Option{slack.OptionHTTPClient(&http.Client{Timeout: time.Minute})}
	if s.APIURL != "" {
		u, err := url.Parse(s.APIURL)
		if err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" {
			return usagef("settings: SLACK_API_URL must be an http(s) URL such as https://slack.com/api/, not %q", s.APIURL)
		}
		apiOpts = append(apiOpts, slack.OptionAPIURL(strings.TrimSuffix(s.APIURL, "/")+"/"))
	}
	api := slack.New(string(s.BotToken), apiOpts...)

	log := m.logger(cfg)
	if bar := newProgressBar(m.Stderr); bar != nil {
		// On a terminal the bar says how far it is; only problems are logged.
		cfg.LogLevel = max(cfg.LogLevel, slog.LevelWarn)
		log = m.logger(cfg)
		opts.Progress = bar.show
		defer bar.done()
	}
	opts.Logger = log
	// The knowledge base opens only once the history is fetched: fetching
	// may take hours, and may run while serve holds the index.
	kb := &lazyKnowledge{open: func() (*knowledgeBase, error) { return openKnowledge(ctx, cfg, log) }}
	defer kb.Close()
	rep, err := slackapi.Import(ctx, api, kb, opts)
	if errors.Is(err, index.ErrInUse) {
		return fmt.Errorf("import slack-api: the history is fetched (kept in %s), but nextdesk serve holds the index: stop it and run the import again, which imports without fetching again: %w", opts.StageDir, err)
	}
	var serr slack.SlackErrorResponse
	if errors.As(err, &serr) {
		switch serr.Err {
		case "invalid_auth", "not_authed", "account_inactive", "token_revoked":
			return usagef("settings: SLACK_BOT_TOKEN was refused by Slack (%s); copy the Bot User OAuth Token again from the app's OAuth & Permissions page", serr.Err)
		case "missing_scope":
			return usagef("import slack-api: the app lacks a scope (%v); add channels:history, groups:history, channels:read, groups:read and users:read (slack/manifest.yaml has them) and reinstall it", err)
		}
	}
	if knowledge.ErrorCode(err) == knowledge.EINVALID {
		return usagef("import slack-api: %s", knowledge.ErrorMessage(err))
	}
	if err != nil {
		if ctx.Err() != nil {
			fmt.Fprintln(m.Stderr, "nextdesk: import slack-api interrupted; run it again with the same options to resume")
		}
		return errors.Join(err, kb.sync(ctx))
	}
	printReport(m.Stdout, "slack api", rep)
	if kb.kb == nil {
		return nil
	}
	return kb.kb.settle(ctx, rep.Written)
}

// lazyKnowledge is an importer.Sink that opens the knowledge base when the
// first batch comes.
type lazyKnowledge struct {
	open func() (*knowledgeBase, error)
	kb   *knowledgeBase
}

func (l *lazyKnowledge) Import(ctx context.Context, b knowledge.Batch) (knowledge.ImportResult, error) {
	if l.kb == nil {
		kb, err := l.open()
		if err != nil {
			return knowledge.ImportResult{}, err
		}
		l.kb = kb
	}
	return l.kb.Import(ctx, b)
}

// sync indexes what was written, if anything was.
func (l *lazyKnowledge) sync(ctx context.Context) error {
	if l.kb == nil {
		return nil
	}
	return l.kb.Sync(ctx)
}

func (l *lazyKnowledge) Close() error {
	if l.kb == nil {
		return nil
	}
	return l.kb.Close()
}

// progressBar draws a backfill's progress on one terminal line.
type progressBar struct {
	w    io.Writer
	last time.Time
}

// newProgressBar returns a bar drawing on w if w is a terminal, else nil.
func newProgressBar(w io.Writer) *progressBar {
	f, ok := w.(*os.File)
	if !ok || !term.IsTerminal(int(f.Fd())) {
		return nil
	}
	return &progressBar{w: w}
}

func (b *progressBar) show(p slackapi.Progress) {
	if time.Since(b.last) < 100*time.Millisecond && p.RetryAfter == 0 {
		return
	}
	b.last = time.Now()
	const width = 24
	filled := 0
	if p.Conversations > 0 {
		filled = width * p.Done / p.Conversations
	}
	line := fmt.Sprintf("[%s%s] %d/%d channels  %d messages  %d threads  #%s",
		strings.Repeat("=", filled), strings.Repeat(" ", width-filled), p.Done, p.Conversations, p.Messages, p.Threads, p.Conversation)
	if p.RetryAfter > 0 {
		line += fmt.Sprintf("  (rate limited: waiting %s)", p.RetryAfter.Round(time.Second))
	}
	fmt.Fprintf(b.w, "\r\033[K%s", line)
}

func (b *progressBar) done() { fmt.Fprintln(b.w) }
