package digest

import (
	"context"
	"crypto/rand"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/go-co-op/gocron/v2"
	"github.com/jonboulle/clockwork"
	"github.com/slack-go/slack"

	"github.com/nextdesk/nextdesk/i18n"
	"github.com/nextdesk/nextdesk/knowledge"
)

// Ledger records which digests were posted, so that each is posted once;
// *sqlite.DB implements it.
type Ledger interface {
	// ClaimDigest claims the digest named by key for lease: claimed for
	// exactly one of several claimants, none once it is posted; before
	// when an earlier claim (expired or released) may have posted it.
	ClaimDigest(ctx context.Context, key, claimant string, lease time.Duration) (claimed, before bool, err error)
	// MarkDigestPosted records that claimant posted it (ts empty when
	// there was nothing to post).
	MarkDigestPosted(ctx context.Context, key, claimant, channel, ts string) error
	// ReleaseDigest gives a claim up after a failed post.
	ReleaseDigest(ctx context.Context, key, claimant string) error
	// DigestSubscribers lists the people who asked for a personal digest.
	DigestSubscribers(ctx context.Context) ([]string, error)
}

// Store is everything a Publisher reads and records.
type Store interface {
	Source
	Ledger
}

// Slack holds the Slack methods a Publisher calls; *slack.Client satisfies
// it.
type Slack interface {
	PostMessageContext(ctx context.Context, channelID string, options ...slack.MsgOption) (string, string, error)
	GetPermalinkContext(ctx context.Context, params *slack.PermalinkParameters) (string, error)
	GetConversationHistoryContext(ctx context.Context, params *slack.GetConversationHistoryParameters) (*slack.GetConversationHistoryResponse, error)
	OpenConversationContext(ctx context.Context, params *slack.OpenConversationParameters) (*slack.Channel, bool, bool, error)
}

var _ Slack = (*slack.Client)(nil)

// Config says where, when and how digests are posted.
type Config struct {
	// Channel receives the weekly digest (NEXTDESK_DIGEST_CHANNEL): an id,
	// or a name with its '#'. Empty posts only the personal digests.
	Channel  string
	Schedule Schedule       // NEXTDESK_DIGEST_SCHEDULE, default Monday 09:00
	Location *time.Location // NEXTDESK_TZ; nil is the server's zone
	Lang     string         // NEXTDESK_LANG, "en" or "fr"; people get theirs
	// Lease is how long a claim on a digest holds before another instance
	// may take it over, should this one crash while posting; default 10
	// minutes, far more than a post takes.
	Lease time.Duration
	// Retry is how often the Publisher looks for digests due and not
	// posted (a post that failed, a start after the scheduled time);
	// default 15 minutes.
	Retry time.Duration
	// Instance names this process in claims, for operators reading the
	// ledger; default the host name and process id.
	Instance string
}

// Defaults of Config.
const (
	DefaultLease = 10 * time.Minute
	DefaultRetry = 15 * time.Minute
)

// roundTimeout bounds one round of posting, so a hung Slack call cannot
// hold the next round back for ever.
const roundTimeout = 5 * time.Minute

// Publisher posts the weekly digest to a channel and the personal digests
// to the people who asked for them, each exactly once per week. Several
// processes may run one on the same store: the ledger lets one of them post
// each digest. It is safe for concurrent use.
type Publisher struct {
	cfg   Config
	store Store
	api   Slack
	clock clockwork.Clock
	log   *slog.Logger

	mu       sync.Mutex // one round of posting at a time in this process
	attempts atomic.Int64
}

// NewPublisher returns a publisher. clock and log may be nil (the real
// clock; no logs). It returns an error if store or api is nil, if Lang is
// not a language digests are written in, or if Lease or Retry is negative.
func NewPublisher(cfg Config, store Store, api Slack, clock clockwork.Clock, log *slog.Logger) (*Publisher, error) {
	switch {
	case store == nil || api == nil:
		return nil, errors.New("digest: a store and a Slack client are required")
	case cfg.Lease < 0 || cfg.Retry < 0:
		return nil, fmt.Errorf("digest: lease (%v) and retry interval (%v) must not be negative", cfg.Lease, cfg.Retry)
	}
	cfg.Lang = strings.ToLower(strings.TrimSpace(cfg.Lang))
	if cfg.Lang == "" {
		cfg.Lang = i18n.EN
	}
	if !i18n.Known(cfg.Lang) {
		return nil, fmt.Errorf("digest: language %q is not supported: use en or fr", cfg.Lang)
	}
	if cfg.Schedule == (Schedule{}) {
		cfg.Schedule = DefaultSchedule
	}
	if cfg.Location == nil {
		cfg.Location = time.Local
	}
	if cfg.Lease == 0 {
		cfg.Lease = DefaultLease
	}
	if cfg.Retry == 0 {
		cfg.Retry = DefaultRetry
	}
	if cfg.Instance == "" {
		host, _ := os.Hostname()
		cfg.Instance = fmt.Sprintf("%s-%d", host, os.Getpid())
	}
	// Two processes with one name (containers all called "nextdesk", pid
	// 1) must still claim as two.
	cfg.Instance += "-" + rand.Text()[:8]
	if clock == nil {
		clock = clockwork.NewRealClock()
	}
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	return &Publisher{cfg: cfg, store: store, api: api, clock: clock, log: log}, nil
}

// Posting says what one attempt at one digest did.
type Posting struct {
	Key string
	// Posted is true when this attempt posted the digest; Channel and TS
	// locate the message.
	Posted      bool
	Channel, TS string
	// Nothing is true when the digest was due but had nothing to say (a
	// personal digest with no new answer in the person's topics): it is
	// recorded as done and nothing is sent.
	Nothing bool
	// Taken is true when the digest was posted before, or another instance
	// holds it now: this attempt posted nothing. Channel and TS are set
	// when this attempt found the message of an earlier one that died
	// before recording it, and recorded it.
	Taken bool
}

// ChannelKey and PersonKey name a digest in the ledger.
func ChannelKey(channel string, w Week) string { return "channel:" + channel + ":" + w.String() }

// PersonKey names the personal digest of person for week w.
func PersonKey(person string, w Week) string { return "person:" + person + ":" + w.String() }

// Due returns the week whose digest is due now, and false when none is
// (see Schedule.Due).
func (p *Publisher) Due() (Week, bool) {
	return p.cfg.Schedule.Due(p.clock.Now(), p.cfg.Location)
}

// PostDue posts every digest due now and not yet posted: the channel's,
// then each subscriber's. A failed post is left for the next round; the
// others still go. It returns what was attempted, and the errors joined.
func (p *Publisher) PostDue(ctx context.Context) ([]Posting, error) {
	w, due := p.Due()
	if !due {
		return nil, nil
	}
	return p.PostWeek(ctx, w)
}

// PostWeek posts the digests of week w that are not posted yet, as PostDue
// does for the week due.
func (p *Publisher) PostWeek(ctx context.Context, w Week) ([]Posting, error) {
	return p.postWeek(ctx, ctx, w)
}

// postWeek posts the digests of week w with ctx, and starts no new one
// once stop ends.
func (p *Publisher) postWeek(ctx, stop context.Context, w Week) ([]Posting, error) {
	p.mu.Lock()
	defer p.mu.Unlock()
	var (
		done []Posting
		errs []error
	)
	if p.cfg.Channel != "" {
		res, err := p.PostChannel(ctx, w)
		done = append(done, res)
		errs = append(errs, err)
	}
	people, err := p.store.DigestSubscribers(ctx)
	if err != nil {
		errs = append(errs, fmt.Errorf("digest %s: subscribers: %w", w, err))
	}
	for _, person := range people {
		if err := stop.Err(); err != nil {
			errs = append(errs, err)
			break
		}
		res, err := p.PostPerson(ctx, person, w)
		done = append(done, res)
		errs = append(errs, err)
	}
	return done, errors.Join(errs...)
}

// PostChannel posts the digest of week w to the configured channel unless
// it was posted already. It returns an error if no channel is configured,
// or if composing or posting fails (the digest is then left to be posted
// by the next attempt).
func (p *Publisher) PostChannel(ctx context.Context, w Week) (Posting, error) {
	if p.cfg.Channel == "" {
		return Posting{}, errors.New("digest: no channel to post to: set NEXTDESK_DIGEST_CHANNEL")
	}
	return p.post(ctx, ChannelKey(p.cfg.Channel, w), p.cfg.Channel, w, func() (*Digest, string, error) {
		d, err := Compose(ctx, p.store, p.options(w, knowledge.Anonymous))
		return d, p.cfg.Lang, err
	})
}

// PostPerson sends person their personal digest of week w, in their
// language, unless it was sent already. A digest with nothing in the
// person's topics is recorded as done and not sent.
func (p *Publisher) PostPerson(ctx context.Context, person string, w Week) (Posting, error) {
	return p.post(ctx, PersonKey(person, w), person, w, func() (*Digest, string, error) {
		people, err := p.store.People(ctx, []string{person})
		if err != nil {
			return nil, "", fmt.Errorf("digest %s: person %s: %w", w, person, err)
		}
		d, err := ComposePersonal(ctx, p.store, person, p.options(w, knowledge.Viewer{PersonID: person}))
		return d, i18n.LangOf(people[person].Locale, p.cfg.Lang), err
	})
}

func (p *Publisher) options(w Week, v knowledge.Viewer) Options {
	return Options{Week: w, Location: p.cfg.Location, Viewer: v, Links: permalinks{p.api}}
}

// post claims key, composes the digest of week w and posts it to channel,
// then records it; a failure before the post releases the claim so the
// next attempt need not wait for the lease.
func (p *Publisher) post(ctx context.Context, key, channel string, w Week, compose func() (*Digest, string, error)) (Posting, error) {
	res := Posting{Key: key}
	claimant := fmt.Sprintf("%s/%d", p.cfg.Instance, p.attempts.Add(1))
	claimed, before, err := p.store.ClaimDigest(ctx, key, claimant, p.cfg.Lease)
	if err != nil {
		return res, fmt.Errorf("digest %s: claim: %w", key, err)
	}
	if !claimed {
		res.Taken = true
		return res, nil
	}
	release := func(cause error) error {
		rctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 10*time.Second)
		defer cancel()
		if err := p.store.ReleaseDigest(rctx, key, claimant); err != nil {
			return errors.Join(cause, fmt.Errorf("digest %s: release claim: %w", key, err))
		}
		return cause
	}
	// record records a message out in Slack even if ctx ended meanwhile.
	record := func(ch, ts string) error {
		rctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 10*time.Second)
		defer cancel()
		return p.store.MarkDigestPosted(rctx, key, claimant, ch, ts)
	}
	// An earlier claimant may have posted the digest and died before
	// recording it: look before posting again. A first claim has nothing
	// to look for, so the usual path makes no extra call.
	if before {
		ch, ts, err := p.posted(ctx, key, channel, w)
		switch {
		case err == nil && ts != "":
			if err := record(ch, ts); err != nil {
				return res, fmt.Errorf("digest %s: found as %s in %s but not recorded: %w", key, ts, ch, err)
			}
			res.Taken, res.Channel, res.TS = true, ch, ts
			p.log.Info("digest found posted by an earlier attempt", "digest", key, "channel", ch, "ts", ts)
			return res, nil
		case err != nil && !permanent(err):
			return res, release(err)
		case err != nil:
			// Slack will not let us look (missing scope, a channel given
			// by name): posting maybe twice beats never.
			p.log.Warn("digest: cannot look for an earlier attempt's message; posting again", "digest", key, "err", err)
		}
	}
	d, lang, err := compose()
	if err != nil {
		return res, release(err)
	}
	if d.Personal && d.Empty() {
		res.Nothing = true
		if err := p.store.MarkDigestPosted(ctx, key, claimant, "", ""); err != nil {
			return res, fmt.Errorf("digest %s: record: %w", key, err)
		}
		return res, nil
	}
	ch, ts, err := p.api.PostMessageContext(ctx, channel,
		slack.MsgOptionText(Summary(d, lang), false),
		slack.MsgOptionBlocks(Blocks(d, lang)...),
		slack.MsgOptionDisableLinkUnfurl(),
		slack.MsgOptionMetadata(slack.SlackMetadata{EventType: digestEvent, EventPayload: map[string]any{"key": key}}))
	if err != nil {
		return res, release(fmt.Errorf("digest %s: post to %s: %w", key, channel, err))
	}
	res.Posted, res.Channel, res.TS = true, ch, ts
	// Past this point the message is out: if it cannot be recorded, the
	// lease expires and the next claimant finds it in Slack.
	if err := record(ch, ts); err != nil {
		return res, fmt.Errorf("digest %s: posted as %s in %s but not recorded: %w", key, ts, ch, err)
	}
	p.log.Info("digest posted", "digest", key, "channel", ch, "ts", ts)
	return res, nil
}

// digestEvent is the metadata event type of the digests posted; their
// payload holds the digest's ledger key, so a later claimant can find what
// an earlier one posted. Only this app writes it, so the metadata alone
// tells the bot's digests apart.
const digestEvent = "nextdesk_digest"

// Looking for an earlier claimant's digest reads at most lookupPages pages
// of lookupLimit messages posted since the digest's week began, newest
// first: in a conversation busier than that, the digest is posted again
// rather than searched for at length.
const (
	lookupLimit = 100
	lookupPages = 5
)

// posted returns where the digest named by key, of week w, is in channel,
// or "" for ts when Slack has none. A personal digest is looked for in the
// DM with the person, which is where posting to their user id went.
func (p *Publisher) posted(ctx context.Context, key, channel string, w Week) (string, string, error) {
	if strings.HasPrefix(channel, "U") || strings.HasPrefix(channel, "W") {
		im, _, _, err := p.api.OpenConversationContext(ctx, &slack.OpenConversationParameters{Users: []string{channel}})
		if err != nil {
			return "", "", fmt.Errorf("digest %s: open DM with %s: %w", key, channel, err)
		}
		channel = im.ID
	}
	// The week's start, not the earlier claim's time: a claimant before
	// that one may be the one that posted. A minute of margin, should
	// Slack's clock be behind ours.
	since := w.Start(p.cfg.Location).Add(-time.Minute)
	oldest := fmt.Sprintf("%d.%06d", since.Unix(), since.Nanosecond()/1000)
	cursor := ""
	for range lookupPages {
		h, err := p.api.GetConversationHistoryContext(ctx, &slack.GetConversationHistoryParameters{
			ChannelID: channel, Oldest: oldest, Limit: lookupLimit, Cursor: cursor, IncludeAllMetadata: true})
		if err != nil {
			return "", "", fmt.Errorf("digest %s: look in %s: %w", key, channel, err)
		}
		for _, msg := range h.Messages {
			if msg.Metadata.EventType == digestEvent && msg.Metadata.EventPayload["key"] == key {
				return channel, msg.Timestamp, nil
			}
		}
		if cursor = h.ResponseMetaData.NextCursor; cursor == "" {
			break
		}
	}
	return channel, "", nil
}

// transientCodes are Slack error codes that say "try again later".
var transientCodes = map[string]bool{
	"ratelimited": true, "internal_error": true, "fatal_error": true,
	"service_unavailable": true, "request_timeout": true,
}

// permanent reports whether a failed Slack call will fail again: Slack's
// refusals (channel_not_found, missing_scope, …) and client errors, as
// opposed to rate limits, server errors and network failures.
func permanent(err error) bool {
	var (
		rate   *slack.RateLimitedError
		status slack.StatusCodeError
		se     slack.SlackErrorResponse
	)
	switch {
	case errors.As(err, &rate):
		return false
	case errors.As(err, &status):
		return status.Code < 500 && status.Code != 408
	case errors.As(err, &se):
		return !transientCodes[se.Err]
	}
	return false
}

// Run posts the digests until ctx ends: at the scheduled time each week
// (a gocron weekly job in the digest's time zone, so daylight-saving
// changes keep the wall-clock time), at start, and every Retry for digests
// that are due but not posted (a failed post, a bot down at the scheduled
// time). A failed round is logged and does not stop the next. It returns
// an error only if the scheduler cannot start.
func (p *Publisher) Run(ctx context.Context) error {
	s, err := gocron.NewScheduler(gocron.WithLocation(p.cfg.Location), gocron.WithClock(p.clock))
	if err != nil {
		return fmt.Errorf("digest: scheduler: %w", err)
	}
	// A round under way when ctx ends finishes the digest it is posting
	// (a post cut short would be released and posted again by the next
	// start, but one cut between Slack's answer and the ledger would be
	// posted twice) and starts no other.
	round := func(why string) {
		w, due := p.Due()
		if !due {
			return
		}
		work, cancel := context.WithTimeout(context.WithoutCancel(ctx), roundTimeout)
		defer cancel()
		res, err := p.postWeek(work, ctx, w)
		for _, r := range res {
			if r.Posted || r.Nothing {
				p.log.Debug("digest round", "why", why, "digest", r.Key, "posted", r.Posted)
			}
		}
		if err != nil && ctx.Err() == nil {
			p.log.Error("digest round failed; the next round retries", "why", why, "err", err)
		}
	}
	weekly, err := s.NewJob(p.cfg.Schedule.Job(),
		gocron.NewTask(func() { round("schedule") }),
		gocron.WithName("digest"),
		// A scheduled run waits for the one before to finish rather than
		// being skipped: the retries would post it anyway, but later.
		gocron.WithSingletonMode(gocron.LimitModeWait))
	if err == nil {
		_, err = s.NewJob(gocron.DurationJob(p.cfg.Retry),
			gocron.NewTask(func() { round("catch-up") }),
			gocron.WithName("digest-catch-up"),
			// A retry due while the last one still runs is not needed.
			gocron.WithSingletonMode(gocron.LimitModeReschedule),
			gocron.WithStartAt(gocron.WithStartImmediately()))
	}
	if err != nil {
		_ = s.Shutdown()
		return fmt.Errorf("digest: schedule %s: %w", p.cfg.Schedule, err)
	}
	s.Start()
	if next, err := weekly.NextRun(); err == nil {
		p.log.Info("digest scheduled", "schedule", p.cfg.Schedule.String(), "zone", p.cfg.Location.String(), "next", next, "channel", p.cfg.Channel)
	}
	<-ctx.Done()
	if err := s.Shutdown(); err != nil {
		p.log.Warn("digest: scheduler shutdown", "err", err)
	}
	return nil
}

// permalinks links digest items through chat.getPermalink.
type permalinks struct{ api Slack }

// Permalink returns the link to message ts in channel.
func (l permalinks) Permalink(ctx context.Context, channel, ts string) (string, error) {
	return l.api.GetPermalinkContext(ctx, &slack.PermalinkParameters{Channel: channel, Ts: ts})
}
