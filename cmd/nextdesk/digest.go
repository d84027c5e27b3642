package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net/url"
	"strings"
	"time"

	"github.com/slack-go/slack"

	"github.com/nextdesk/nextdesk/bot"
	"github.com/nextdesk/nextdesk/digest"
	"github.com/nextdesk/nextdesk/i18n"
	"github.com/nextdesk/nextdesk/index"
	"github.com/nextdesk/nextdesk/knowledge"
	"github.com/nextdesk/nextdesk/knowledge/desk"
	"github.com/nextdesk/nextdesk/knowledge/sqlite"
)

// DigestSettings are the settings of the weekly digest, read by `nextdesk
// digest` and by `nextdesk serve`, which posts it on schedule.
type DigestSettings struct {
	// Channel receives the weekly digest: a channel id (C…), or a name
	// with its '#'. Empty: no channel digest; personal digests still go.
	Channel string `env:"NEXTDESK_DIGEST_CHANNEL"`
	// Schedule is a day and a 24-hour time, "MON 09:00" (English or
	// French day names). The digest posted then covers the last whole
	// ISO week, Monday to Sunday.
	Schedule string `env:"NEXTDESK_DIGEST_SCHEDULE" envDefault:"MON 09:00"`
	// TZ is the IANA zone (Europe/Paris) in which weeks begin and the
	// schedule is read; empty means the server's zone.
	TZ string `env:"NEXTDESK_TZ"`
}

// digestConfig reads the digest settings into a digest.Config, and says in
// one line which setting is wrong.
func (m *Main) digestConfig() (digest.Config, error) {
	s, err := parseSettings[DigestSettings](m)
	if err != nil {
		return digest.Config{}, err
	}
	cfg := digest.Config{Channel: strings.TrimSpace(s.Channel), Location: time.Local}
	if cfg.Schedule, err = digest.ParseSchedule(s.Schedule); err != nil {
		return cfg, usagef("settings: NEXTDESK_DIGEST_SCHEDULE: %s", knowledge.ErrorMessage(err))
	}
	if tz := strings.TrimSpace(s.TZ); tz != "" {
		if cfg.Location, err = time.LoadLocation(tz); err != nil {
			return cfg, usagef("settings: NEXTDESK_TZ must be an IANA time zone such as Europe/Paris, not %q", s.TZ)
		}
	}
	return cfg, nil
}

// postSettings are what `nextdesk digest --post` needs to reach Slack.
type postSettings struct {
	BotToken secret `env:"SLACK_BOT_TOKEN"`
	APIURL   string `env:"SLACK_API_URL"`
}

// slackForPost returns a Slack client for posting, or a usage error naming
// the setting to fix.
func (m *Main) slackForPost() (*slack.Client, error) {
	s, err := parseSettings[postSettings](m)
	if err != nil {
		return nil, err
	}
	switch {
	case s.BotToken == "":
		return nil, usagef("settings: SLACK_BOT_TOKEN is not set; set it to the app's Bot User OAuth Token (xoxb-…) to post the digest")
	case !strings.HasPrefix(string(s.BotToken), "xoxb-"):
		return nil, usagef("settings: SLACK_BOT_TOKEN is not a bot token; use the Bot User OAuth Token, which starts with xoxb-")
	}
	var opts []slack.Option
	if s.APIURL != "" {
		u, err := url.Parse(s.APIURL)
		if err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" {
			return nil, usagef("settings: SLACK_API_URL must be an http(s) URL such as https://slack.com/api/, not %q", s.APIURL)
		}
		if !strings.HasSuffix(s.APIURL, "/") {
			s.APIURL += "/" // slack-go appends method names to it
		}
		opts = append(opts, slack.OptionAPIURL(s.APIURL))
	}
	return slack.New(string(s.BotToken), opts...), nil
}

// digestCmd is `nextdesk digest`: print the weekly digest from the current
// data (--dry-run), or post it to NEXTDESK_DIGEST_CHANNEL now (--post),
// once per channel and week like the scheduled post.
func (m *Main) digestCmd(ctx context.Context, args []string) error {
	fs := flag.NewFlagSet("digest", flag.ContinueOnError)
	dryRun := fs.Bool("dry-run", false, "print the digest without posting it")
	post := fs.Bool("post", false, "post the digest to NEXTDESK_DIGEST_CHANNEL now")
	weekFlag := fs.String("week", "", "the ISO week to cover, e.g. 2026-W47; default the last whole week")
	format := fs.String("format", "text", "with --dry-run: text, blocks (Slack Block Kit JSON) or json (the digest's data)")
	as := fs.String("as", "", "with --dry-run: the personal digest of this Slack user id")
	rest, err := parseArgs(fs, args)
	if err != nil {
		return err
	}
	const usage = "digest: usage: nextdesk digest --dry-run [--week 2026-W47] [--format text|blocks|json] [--as USER_ID] | nextdesk digest --post [--week 2026-W47]"
	switch {
	case len(rest) > 0 || *dryRun == *post:
		return usagef(usage)
	case *post && (*as != "" || *format != "text"):
		return usagef("digest: --as and --format go with --dry-run; %s", usage)
	case *format != "text" && *format != "blocks" && *format != "json":
		return usagef("digest: --format must be text, blocks or json, not %q", *format)
	}
	cfg, err := m.config()
	if err != nil {
		return err
	}
	dcfg, err := m.digestConfig()
	if err != nil {
		return err
	}
	week := digest.WeekOf(time.Now().In(dcfg.Location)).Prev()
	if *weekFlag != "" {
		if week, err = digest.ParseWeek(*weekFlag); err != nil {
			return usagef("digest: --week: %s", knowledge.ErrorMessage(err))
		}
	}
	var api *slack.Client
	if *post {
		if dcfg.Channel == "" {
			return usagef("settings: NEXTDESK_DIGEST_CHANNEL is not set; set it to the id of the channel to post the digest to (or #name)")
		}
		if api, err = m.slackForPost(); err != nil {
			return err
		}
	}
	// The store alone: the digest needs no search index, and the index
	// cannot be opened while a server runs.
	db, err := sqlite.Open(storePath(cfg.DataDir))
	if err != nil {
		return err
	}
	defer db.Close()
	log := m.logger(cfg)
	if *post {
		return m.postDigest(ctx, cfg, dcfg, db, api, week, log)
	}
	return m.printDigest(ctx, cfg.Lang, dcfg, db, week, *format, *as)
}

func (m *Main) printDigest(ctx context.Context, lang string, cfg digest.Config, db *sqlite.DB, week digest.Week, format, as string) error {
	opts := digest.Options{Week: week, Location: cfg.Location, Viewer: knowledge.Anonymous}
	// The index's analysis matches questions with teams' topics, without
	// opening the index a running server holds.
	analyzer, err := index.NewAnalyzer()
	if err != nil {
		return err
	}
	opts.Terms = analyzer.Terms
	var d *digest.Digest
	if as != "" {
		p, perr := db.Person(ctx, as)
		if perr != nil && knowledge.ErrorCode(perr) != knowledge.ENOTFOUND {
			return perr
		}
		lang = i18n.LangOf(p.Locale, lang)
		d, err = digest.ComposePersonal(ctx, db, as, opts)
	} else {
		d, err = digest.Compose(ctx, db, opts)
	}
	if err != nil {
		return err
	}
	switch format {
	case "blocks":
		return writeJSON(m.Stdout, digest.Blocks(d, lang))
	case "json":
		return writeJSON(m.Stdout, d)
	}
	_, err = io.WriteString(m.Stdout, digest.Text(d, lang))
	return err
}

func writeJSON(w io.Writer, v any) error {
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	return enc.Encode(v)
}

// postDigest records the channel's digest of week, under the key the
// scheduled round uses, and delivers it now through the outbox, as a
// running server would: once per channel and week, whichever posts it.
func (m *Main) postDigest(ctx context.Context, cfg Config, dcfg digest.Config, db *sqlite.DB, api *slack.Client, week digest.Week, log *slog.Logger) error {
	auth, err := api.AuthTestContext(ctx)
	var se slack.SlackErrorResponse
	switch {
	case errors.As(err, &se):
		return usagef("settings: Slack refuses SLACK_BOT_TOKEN (%s)", se.Err)
	case err != nil:
		return fmt.Errorf("reach Slack to post the digest (is SLACK_API_URL right, or the network down?): %w", err)
	}
	ws, err := bot.NewWorkspace(api, db, auth.UserID, time.Now, log,
		bot.WithMembershipTTL(cfg.MembershipTTL), bot.WithTeam(auth.TeamID, auth.EnterpriseID))
	if err != nil {
		return err
	}
	// The index's analysis names the team closest to each topic nobody
	// covers, without opening the index a running server holds.
	analyzer, err := index.NewAnalyzer()
	if err != nil {
		return err
	}
	outbox, err := bot.NewOutbox(bot.OutboxConfig{Lang: cfg.Lang, Terms: analyzer.Terms}, db, api, ws, nil, log)
	if err != nil {
		return err
	}
	digests, err := digest.NewScheduler(dcfg, db, time.Now, log)
	if err != nil {
		return err
	}
	key, err := digests.RecordChannel(ctx, week)
	if err != nil {
		return err
	}
	before, err := db.Outgoing(ctx, key)
	if err != nil {
		return err
	}
	if before.State == desk.OutboxSent {
		fmt.Fprintf(m.Stdout, "the digest of %s for %s was already posted: nothing done\n", week, dcfg.Channel)
		return nil
	}
	sent, err := outbox.Send(ctx, key)
	switch {
	case errors.As(err, &se) && (se.Err == "channel_not_found" || se.Err == "not_in_channel"):
		return usagef("digest: Slack says %s for NEXTDESK_DIGEST_CHANNEL=%s: use the channel's id and invite the bot to it", se.Err, dcfg.Channel)
	case errors.As(err, &se) && (se.Err == "invalid_auth" || se.Err == "not_authed" || se.Err == "token_revoked"):
		return usagef("settings: Slack refuses SLACK_BOT_TOKEN (%s)", se.Err)
	case err != nil && sent.State == desk.OutboxPending:
		return fmt.Errorf("the digest of %s is not posted yet, and stays queued for a running nextdesk (or the next `nextdesk digest --post`): %w", week, err)
	case err != nil:
		return err
	case sent.State != desk.OutboxSent:
		fmt.Fprintf(m.Stdout, "the digest of %s for %s is being posted by a running nextdesk: nothing done\n", week, dcfg.Channel)
	default:
		fmt.Fprintf(m.Stdout, "posted the digest of %s to %s (message %s)\n", week, sent.Channel, sent.TS)
	}
	return nil
}
