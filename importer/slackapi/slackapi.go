// Package slackapi backfills history from Slack's Web API with the bot's
// token, for workspaces that cannot get an admin export (free plans, or no
// admin at hand): the channels the bot is in — public ones, and private
// ones it was invited to, with their members — their threads with replies
// and reactions, and the workspace's people.
//
// It fetches the history into a Slack export of its own, then imports that
// with the slackexport package: the same messages get the same keys, the
// same threads make the same questions and accepted answers, and channels
// without threads are reconstructed the same way, so that this backfill
// and an export, in any order, never count a message twice.
//
// Fetching is paced within each Web API method's rate tier
// (conversations.history and conversations.replies are Tier 3, about 50
// calls a minute), waits out 429 answers for their Retry-After, and
// retries failures of the network or of Slack's servers with backoff.
// What it fetched waits in a stage directory, page by page, with a record
// of how far each channel got: an interrupted backfill, run again with the
// same settings, resumes where it stopped.
package slackapi

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/slack-go/slack"

	"github.com/nextdesk/nextdesk/importer"
	"github.com/nextdesk/nextdesk/importer/slackexport"
	"github.com/nextdesk/nextdesk/knowledge"
)

// Options tunes a backfill.
type Options struct {
	// Channels restricts the backfill to these conversations of the bot,
	// by name (with or without '#') or id. Empty means all of them.
	Channels []string
	// Since, when not zero, skips messages older than it. Replies to a
	// thread started before Since are skipped with their thread.
	Since time.Time
	// StageDir holds what was fetched until it is imported; it is created
	// 0700 (it holds private messages) and removed after a successful
	// import. Required.
	StageDir string
	// Pace, when not zero, replaces the minimum interval between two calls
	// of every method (tests make it short). Zero follows Slack's tiers.
	Pace time.Duration
	// Progress, when not nil, is called after every page fetched and while
	// waiting out a rate limit.
	Progress func(Progress)
	// Logger receives progress lines and problems (names and counts, never
	// message text); nil discards them.
	Logger *slog.Logger
	// BatchSize is the number of records per batch written to the sink; 0
	// means importer.DefaultBatchSize.
	BatchSize int
}

// Progress says how far a backfill is.
type Progress struct {
	Conversation  string // the name of the conversation being fetched
	Conversations int    // conversations to fetch
	Done          int    // conversations fetched
	Messages      int    // messages fetched so far, replies included
	Threads       int    // threads fetched so far
	// RetryAfter is set while waiting for Slack's rate limit to pass.
	RetryAfter time.Duration
}

// pageSize is how many messages a history page asks for: Slack recommends
// no more than 200.
const pageSize = 200

// Import backfills the bot's conversations from api and writes them to
// sink. It returns the import's report.
//
// The error is of code knowledge.EINVALID when an Options.Channels entry
// names no conversation the bot is in (the message says to invite it), and
// Slack's own error (such as missing_scope or invalid_auth) when a call is
// refused; ctx's when cancelled. Whatever was fetched before an error stays
// in the stage directory, and running Import again resumes from it.
func Import(ctx context.Context, api *slack.Client, sink importer.Sink, opts Options) (importer.Report, error) {
	var rep importer.Report
	if opts.StageDir == "" {
		return rep, errors.New("slackapi: no stage directory")
	}
	b := &backfill{api: api, opts: opts, log: opts.Logger, pace: newPacer(opts.Pace)}
	if b.log == nil {
		b.log = slog.New(slog.DiscardHandler)
	}
	if err := b.start(ctx); err != nil {
		return rep, err
	}
	if err := b.fetchUsers(ctx); err != nil {
		return rep, err
	}
	if err := b.fetchConversations(ctx); err != nil {
		return rep, err
	}
	for i, c := range b.st.Conversations {
		b.progress.Conversation, b.progress.Done = c.Name, i
		if err := b.fetchHistory(ctx, c); err != nil {
			return rep, err
		}
	}
	b.progress.Done = len(b.st.Conversations)
	b.report()
	b.log.Info("slack api: history fetched", "conversations", len(b.st.Conversations), "messages", b.progress.Messages, "threads", b.progress.Threads)

	export := filepath.Join(opts.StageDir, "export.zip")
	if err := b.st.writeExport(export); err != nil {
		return rep, fmt.Errorf("slackapi: assemble the export: %w", err)
	}
	rep, err := slackexport.Import(ctx, export, sink, slackexport.Options{Logger: b.log, BatchSize: opts.BatchSize})
	if err != nil {
		return rep, err
	}
	if err := os.RemoveAll(opts.StageDir); err != nil {
		b.log.Warn("slack api: cannot remove the stage directory", "dir", opts.StageDir, "err", err)
	}
	return rep, nil
}

// backfill is one run of Import.
type backfill struct {
	api      *slack.Client
	opts     Options
	log      *slog.Logger
	pace     *pacer
	st       *stage
	progress Progress
	reported time.Time // when progress was last logged
}

// start learns whose token it is and opens the stage, resuming the one
// an interrupted run with the same settings left.
func (b *backfill) start(ctx context.Context) error {
	var auth *slack.AuthTestResponse
	err := b.call(ctx, "auth.test", func() (err error) {
		auth, err = b.api.AuthTestContext(ctx)
		return err
	})
	if err != nil {
		return fmt.Errorf("slackapi: check the bot token: %w", err)
	}
	since := ""
	if !b.opts.Since.IsZero() {
		since = strconv.FormatInt(b.opts.Since.Unix(), 10)
	}
	b.st, err = openStage(b.opts.StageDir, stageKey{Team: auth.TeamID, Bot: auth.UserID, Since: since, Channels: strings.Join(b.opts.Channels, ",")}, b.log)
	return err
}

func (b *backfill) fetchUsers(ctx context.Context) error {
	if b.st.UsersDone {
		return nil
	}
	var users []slack.User
	p := b.api.GetUsersPaginated(slack.GetUsersOptionLimit(200), slack.GetUsersOptionIncludeLocale(true))
	for {
		err := b.call(ctx, "users.list", func() error {
			next, err := p.Next(ctx)
			if err == nil {
				p = next
			}
			return err
		})
		if err != nil {
			return fmt.Errorf("slackapi: list people (users.list): %w", err)
		}
		users = append(users, p.Users...)
		if p.Cursor == "" {
			break // the last page
		}
	}
	if err := b.st.writeJSON("users.json", users); err != nil {
		return err
	}
	b.st.UsersDone = true
	return b.st.save()
}

// fetchConversations lists the bot's conversations, keeps those asked
// for, and reads the members of the private ones.
func (b *backfill) fetchConversations(ctx context.Context) error {
	if b.st.ConversationsDone {
		b.progress.Conversations = len(b.st.Conversations)
		return nil
	}
	var all []slack.Channel
	cursor := ""
	for {
		var page []slack.Channel
		err := b.call(ctx, "users.conversations", func() (err error) {
			page, cursor, err = b.api.GetConversationsForUserContext(ctx, &slack.GetConversationsForUserParameters{
				UserID: b.st.Key.Bot, Cursor: cursor, Types: []string{"public_channel", "private_channel"}, Limit: 200,
			})
			return err
		})
		if err != nil {
			return fmt.Errorf("slackapi: list the bot's conversations (users.conversations): %w", err)
		}
		all = append(all, page...)
		if cursor == "" {
			break
		}
	}
	selected, err := selectChannels(all, b.opts.Channels)
	if err != nil {
		return err
	}
	for _, ch := range selected {
		c := &stagedConversation{ID: ch.ID, Name: ch.Name, Private: ch.IsPrivate}
		if c.Private {
			if c.Members, err = b.members(ctx, ch.ID); err != nil {
				return err
			}
		}
		b.st.Conversations = append(b.st.Conversations, c)
	}
	b.st.ConversationsDone = true
	b.progress.Conversations = len(b.st.Conversations)
	b.log.Info("slack api: backfill starting", "conversations", len(b.st.Conversations), "since", b.opts.Since)
	return b.st.save()
}

// selectChannels returns the conversations filter names (all when it is
// empty). A name the bot is not in is an EINVALID error saying to invite it.
func selectChannels(all []slack.Channel, filter []string) ([]slack.Channel, error) {
	if len(filter) == 0 {
		return all, nil
	}
	var selected []slack.Channel
	for _, name := range filter {
		name = strings.TrimPrefix(strings.TrimSpace(name), "#")
		i := slices.IndexFunc(all, func(c slack.Channel) bool { return c.ID == name || c.Name == name })
		if i < 0 {
			return nil, knowledge.Errorf(knowledge.EINVALID, "The bot is not in a channel named %q: invite it there (/invite @nextdesk) and run the import again.", name)
		}
		if !slices.ContainsFunc(selected, func(c slack.Channel) bool { return c.ID == all[i].ID }) {
			selected = append(selected, all[i])
		}
	}
	return selected, nil
}

func (b *backfill) members(ctx context.Context, channel string) ([]string, error) {
	var members []string
	cursor := ""
	for {
		var page []string
		err := b.call(ctx, "conversations.members", func() (err error) {
			page, cursor, err = b.api.GetUsersInConversationContext(ctx, &slack.GetUsersInConversationParameters{ChannelID: channel, Cursor: cursor, Limit: 200})
			return err
		})
		if err != nil {
			return nil, fmt.Errorf("slackapi: members of %s (conversations.members): %w", channel, err)
		}
		members = append(members, page...)
		if cursor == "" {
			return members, nil
		}
	}
}

// fetchHistory fetches c's messages from the newest down, one page at a
// time, each thread with its replies, and records after every page how
// far it got: a page is never fetched twice, even across runs.
func (b *backfill) fetchHistory(ctx context.Context, c *stagedConversation) error {
	if c.Done {
		b.progress.Messages += c.Messages
		b.progress.Threads += c.Threads
		return nil
	}
	w, err := b.st.appendTo(c)
	if err != nil {
		return err
	}
	defer w.Close()
	for {
		var page *slack.GetConversationHistoryResponse
		err := b.call(ctx, "conversations.history", func() (err error) {
			page, err = b.api.GetConversationHistoryContext(ctx, &slack.GetConversationHistoryParameters{
				ChannelID: c.ID, Latest: c.Before, Oldest: b.st.Key.Since, Limit: pageSize,
			})
			return err
		})
		var serr slack.SlackErrorResponse
		if errors.As(err, &serr) && (serr.Err == "not_in_channel" || serr.Err == "channel_not_found") {
			// The bot left, or was removed, since the list was read:
			// what it could not read is skipped, not the whole backfill.
			b.log.Warn("slack api: conversation skipped: the bot is no longer in it", "conversation", c.Name, "error", serr.Err)
			c.Done, c.Skipped = true, serr.Err
			return b.st.save()
		}
		if err != nil {
			return fmt.Errorf("slackapi: history of #%s (conversations.history): %w", c.Name, err)
		}
		for _, m := range page.Messages {
			if err := w.add(m); err != nil {
				return err
			}
			if m.ReplyCount > 0 && (m.ThreadTimestamp == "" || m.ThreadTimestamp == m.Timestamp) {
				if err := b.fetchThread(ctx, c, w, m.Timestamp); err != nil {
					return err
				}
			}
		}
		if err := w.sync(); err != nil {
			return err
		}
		if n := len(page.Messages); n > 0 {
			c.Before = page.Messages[n-1].Timestamp
		}
		c.Done = !page.HasMore || len(page.Messages) == 0
		c.Messages, c.Threads = w.messages, w.threads
		if err := b.st.save(); err != nil {
			return err
		}
		b.progress.Messages += len(page.Messages) + w.lastReplies
		b.progress.Threads += w.lastThreads
		w.lastReplies, w.lastThreads = 0, 0
		b.report()
		if c.Done {
			b.log.Info("slack api: conversation fetched", "conversation", c.Name, "messages", c.Messages, "threads", c.Threads)
			return nil
		}
	}
}

// fetchThread appends the replies of the thread started at ts.
func (b *backfill) fetchThread(ctx context.Context, c *stagedConversation, w *stageWriter, ts string) error {
	cursor := ""
	for {
		var msgs []slack.Message
		err := b.call(ctx, "conversations.replies", func() (err error) {
			msgs, _, cursor, err = b.api.GetConversationRepliesContext(ctx, &slack.GetConversationRepliesParameters{ChannelID: c.ID, Timestamp: ts, Cursor: cursor, Limit: pageSize})
			return err
		})
		if errors.Is(err, errThreadGone) {
			return nil
		}
		if err != nil {
			return fmt.Errorf("slackapi: thread %s of #%s (conversations.replies): %w", ts, c.Name, err)
		}
		for _, m := range msgs {
			if m.Timestamp == ts {
				continue // the parent comes first on every page
			}
			if err := w.add(m); err != nil {
				return err
			}
			w.lastReplies++
		}
		if cursor == "" {
			w.threads++
			w.lastThreads++
			return nil
		}
	}
}

// report hands progress to Options.Progress, and logs it every 30 seconds.
func (b *backfill) report() {
	if b.opts.Progress != nil {
		b.opts.Progress(b.progress)
	}
	if time.Since(b.reported) >= 30*time.Second {
		b.reported = time.Now()
		b.log.Info("slack api: progress", "conversation", b.progress.Conversation,
			"conversations_done", b.progress.Done, "conversations", b.progress.Conversations,
			"messages", b.progress.Messages, "threads", b.progress.Threads)
	}
}

// errThreadGone: a thread deleted between the history page and its
// replies; the root is still imported as it was listed.
var errThreadGone = errors.New("thread gone")

// call runs fn, one call of method, within the method's pace. It waits out
// rate limits for their Retry-After and retries failures of the network or
// of Slack's servers with backoff; Slack's refusals are returned at once.
func (b *backfill) call(ctx context.Context, method string, fn func() error) error {
	backoff := time.Second
	for attempt := 1; ; attempt++ {
		if err := b.pace.wait(ctx, method); err != nil {
			return err
		}
		err := fn()
		var limited *slack.RateLimitedError
		var serr slack.SlackErrorResponse
		var status slack.StatusCodeError
		switch {
		case err == nil:
			return nil
		case ctx.Err() != nil:
			return ctx.Err()
		case errors.As(err, &limited):
			wait := max(limited.RetryAfter, time.Second)
			b.log.Warn("slack api: rate limited, waiting", "method", method, "retry_after", wait)
			b.progress.RetryAfter = wait
			b.report()
			b.progress.RetryAfter = 0
			if err := sleep(ctx, wait); err != nil {
				return err
			}
			continue
		case errors.As(err, &serr) && serr.Err == "thread_not_found":
			return errThreadGone
		case errors.As(err, &serr):
			return err
		case errors.As(err, &status) && status.Code < 500:
			return err
		case attempt >= 6:
			return fmt.Errorf("%s failed %d times: %w", method, attempt, err)
		}
		b.log.Warn("slack api: call failed, retrying", "method", method, "attempt", attempt, "in", backoff, "err", err)
		if err := sleep(ctx, backoff); err != nil {
			return err
		}
		backoff = min(2*backoff, time.Minute)
	}
}

func sleep(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

// stageWriter appends one conversation's fetched messages to its file.
type stageWriter struct {
	f                        *os.File
	enc                      *json.Encoder
	messages, threads        int
	lastReplies, lastThreads int // since the last page was recorded
}

func (w *stageWriter) add(m slack.Message) error {
	w.messages++
	return w.enc.Encode(m)
}

func (w *stageWriter) sync() error { return w.f.Sync() }

func (w *stageWriter) Close() error { return w.f.Close() }
