package digest

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"time"

	"github.com/nextdesk/nextdesk/knowledge"
	"github.com/nextdesk/nextdesk/knowledge/desk"
)

// Config says where and when digests are posted.
type Config struct {
	// Channel receives the weekly digest (NEXTDESK_DIGEST_CHANNEL): an id,
	// or a name with its '#'. Empty posts only the personal digests.
	Channel  string
	Schedule Schedule       // NEXTDESK_DIGEST_SCHEDULE, default Monday 09:00
	Location *time.Location // NEXTDESK_TZ; nil is the server's zone
}

// Scheduler keeps the weekly digest's schedule. When a week's digest is
// due, it records, in one transaction of the desk's store, a notice for the
// channel's digest and one for each personal digest people asked for; the
// outbox delivers them (composing each as it goes out), with its retries
// and its look before posting again. The transaction's key names the week,
// so each week's digests are recorded once, whatever restarts or running
// instances. It is safe for concurrent use.
type Scheduler struct {
	cfg   Config
	store desk.Store
	now   func() time.Time
	log   *slog.Logger
}

// NewScheduler returns a scheduler on store, reading the time from now (nil
// for time.Now). log may be nil. It returns an error if store is nil.
func NewScheduler(cfg Config, store desk.Store, now func() time.Time, log *slog.Logger) (*Scheduler, error) {
	if store == nil {
		return nil, errors.New("digest: a store is required")
	}
	cfg.Channel = strings.TrimSpace(cfg.Channel)
	if cfg.Schedule == (Schedule{}) {
		cfg.Schedule = DefaultSchedule
	}
	if cfg.Location == nil {
		cfg.Location = time.Local
	}
	if now == nil {
		now = time.Now
	}
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	return &Scheduler{cfg: cfg, store: store, now: now, log: log}, nil
}

// TaskDigest names the digest's background task.
const TaskDigest = "digest"

// Task is the digest as a background task: every minute, it records the
// week's digests once they are due (see Schedule.Due: a bot down at the
// scheduled time catches up when it starts, within the week).
func (s *Scheduler) Task() desk.Task {
	return desk.Task{Name: TaskDigest, Every: time.Minute, Run: s.run}
}

func (s *Scheduler) run(ctx context.Context, dryRun bool) error {
	w, due := s.cfg.Schedule.Due(s.now(), s.cfg.Location)
	if !due {
		if dryRun {
			s.log.Info("digest (dry run): no digest is due")
		}
		return nil
	}
	n, err := s.RecordWeek(ctx, w, dryRun)
	if err != nil {
		return fmt.Errorf("digest %s: %w", w, err)
	}
	if n > 0 {
		s.log.Info("digests recorded for delivery", "week", w.String(), "digests", n, "dry_run", dryRun)
	}
	return nil
}

// weekKey is the key of the transaction that records a week's digests.
func weekKey(w Week) string { return "digest:" + w.String() }

// ChannelKey is the key of the notice of the channel's digest of week w.
func ChannelKey(channel string, w Week) string { return "digest:channel:" + channel + ":" + w.String() }

// PersonKey is the key of the notice of person's digest of week w.
func PersonKey(person string, w Week) string { return "digest:person:" + person + ":" + w.String() }

// RecordWeek records the digests of week w, the channel's and the
// subscribers', unless they were recorded before; dry, it only counts
// them. It returns how many it recorded (or would), and the store's errors.
func (s *Scheduler) RecordWeek(ctx context.Context, w Week, dryRun bool) (int, error) {
	if done, err := s.store.Handled(ctx, weekKey(w)); err != nil || done {
		return 0, err
	}
	var people []string
	err := s.store.View(ctx, func(r desk.Reader) (err error) {
		people, err = r.DigestSubscribers(ctx)
		return err
	})
	if err != nil {
		return 0, fmt.Errorf("subscribers: %w", err)
	}
	n := len(people)
	if s.cfg.Channel != "" {
		n++
	}
	if dryRun {
		return n, nil
	}
	done, err := s.store.Once(ctx, weekKey(w), func(tx desk.Tx) error {
		if s.cfg.Channel != "" {
			if _, err := tx.Notify(ctx, s.channelNotice(w)); err != nil {
				return err
			}
		}
		for _, p := range people {
			n := desk.Notice{Key: PersonKey(p, w), To: desk.Address{Conversation: p}, Reader: p, Body: s.body(w, p)}
			if _, err := tx.Notify(ctx, n); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil || done.Duplicate {
		return 0, err
	}
	return done.Notices, nil
}

// RecordChannel records the channel's digest of week w, for posting now,
// and returns its notice's key: the key the week's scheduled round uses,
// so the digest goes out once either way. It returns an EINVALID error if
// no channel is configured.
func (s *Scheduler) RecordChannel(ctx context.Context, w Week) (string, error) {
	if s.cfg.Channel == "" {
		return "", knowledge.Errorf(knowledge.EINVALID, "No channel to post the digest to: set NEXTDESK_DIGEST_CHANNEL.")
	}
	n := s.channelNotice(w)
	_, err := s.store.Once(ctx, "post:"+n.Key, func(tx desk.Tx) error {
		_, err := tx.Notify(ctx, n)
		return err
	})
	return n.Key, err
}

func (s *Scheduler) channelNotice(w Week) desk.Notice {
	return desk.Notice{Key: ChannelKey(s.cfg.Channel, w), To: desk.Address{Conversation: s.cfg.Channel}, Body: s.body(w, "")}
}

func (s *Scheduler) body(w Week, person string) desk.Digest {
	return desk.Digest{Week: w.String(), Zone: s.cfg.Location.String(), Person: person}
}
