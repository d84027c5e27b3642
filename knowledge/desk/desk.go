// Package desk is nextdesk's workflow: what happens when someone asks,
// answers, thanks, accepts or clicks, and when nobody answers in time. It
// owns those decisions and reaches the outside only through the ports it
// defines: a Store whose transactions record a delivery's key with
// everything it changes, an Engine that ranks experts and past answers, and
// a Workspace that reads presence and conversations from the chat tool.
//
// A handling reads first (the store through View, the chat tool, the
// engine), then writes once, in Store.Once, checking again in the
// transaction what it read: a delivery retried or redelivered, or two
// handlings racing, change nothing twice. What must be said is recorded in
// that transaction as a Notice, in domain terms; the chat adapter renders
// and delivers notices afterwards.
//
// A request the desk turns down comes back as a *Refusal; Refuse records
// the reply that tells the person why. Any other error is internal: the
// delivery was not recorded and may be tried again.
package desk

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"sync"
	"time"

	"github.com/nextdesk/nextdesk/knowledge"
)

// Config is how the desk behaves. Zero fields take the defaults New
// documents.
type Config struct {
	// AnswerTimeout is how long an expert has to answer before the
	// question is passed on (NEXTDESK_ANSWER_TIMEOUT, default 4h).
	AnswerTimeout time.Duration
	// FallbackChannel is asked about questions no expert answered: a
	// channel id or name (NEXTDESK_FALLBACK_CHANNEL); empty for none.
	FallbackChannel string
	// HelpChannels are channels, by id or name, whose every thread is
	// captured once someone replies (NEXTDESK_HELP_CHANNELS).
	HelpChannels []string
	// MembershipTTL is how long a channel's member list read from the chat
	// tool is trusted (NEXTDESK_MEMBERSHIP_TTL, default
	// knowledge.DefaultMembershipTTL): the membership task reads each one
	// again before then. It must match the store's.
	MembershipTTL time.Duration
	// Policy says who may be sent a question; the zero Policy is
	// knowledge.DefaultRoutingPolicy.
	Policy knowledge.RoutingPolicy
	// Now is the clock of every decision and background task; default
	// time.Now.
	Now func() time.Time
	// Index brings the search index up to date with the store; the desk
	// calls it after every handling that changed knowledge, so a captured
	// answer is found at once. Nil for none.
	Index func(context.Context) error
	// Counted receives what each committed handling did, for metrics; nil
	// for none.
	Counted func(Counts)
	// Log receives what the desk skips and why; nil for none.
	Log *slog.Logger
	// AnonymousOff turns anonymous questions off (NEXTDESK_ANONYMOUS=off).
	AnonymousOff bool
	// AnonymousPerDay is how many anonymous questions one person may ask
	// in any 24 hours (NEXTDESK_ANONYMOUS_PER_DAY, default
	// DefaultAnonymousPerDay).
	AnonymousPerDay int
	// Topics analyses questions to match them against the teams' topics
	// (the search index does); nil routes no question to a team.
	Topics TopicAnalyzer
}

// Counts is what one committed handling did.
type Counts struct {
	Questions, Instant, Routes, Captured, Escalations int
	// InstantAccepted counts the past answers offered at once that the
	// asker said solve the question.
	InstantAccepted int
	// Duplicates counts handlings skipped because their key was handled
	// before.
	Duplicates int
	// Notices counts the notices recorded.
	Notices int
}

// DefaultAnswerTimeout is how long an expert has to answer by default.
const DefaultAnswerTimeout = 4 * time.Hour

// Desk runs the workflow. It is safe for concurrent use.
type Desk struct {
	cfg    Config
	store  Store
	engine Engine
	chat   Workspace
	log    *slog.Logger
	help   map[string]bool // help channels, by id and by name

	// notified wakes the delivery of notices.
	notified chan struct{}
	// indexing serialises index syncs: concurrent ones would redo the
	// same work.
	indexing sync.Mutex
	// topics matches questions against the teams' topics.
	topics topicMatcher
}

// New returns a desk on store, engine and chat. It returns an error if one
// of them is nil or a duration or count in cfg is negative.
func New(cfg Config, store Store, engine Engine, chat Workspace) (*Desk, error) {
	switch {
	case store == nil || engine == nil || chat == nil:
		return nil, errors.New("desk: a store, an engine and a workspace are required")
	case cfg.AnswerTimeout < 0 || cfg.Policy.MaxOpen < 0 || cfg.Policy.MaxRoutes < 0 || cfg.AnonymousPerDay < 0:
		return nil, fmt.Errorf("desk: answer timeout (%v), max open (%d), max routes (%d) and anonymous questions a day (%d) must not be negative",
			cfg.AnswerTimeout, cfg.Policy.MaxOpen, cfg.Policy.MaxRoutes, cfg.AnonymousPerDay)
	case cfg.MembershipTTL < 0:
		return nil, fmt.Errorf("desk: the membership TTL (%v) must not be negative", cfg.MembershipTTL)
	}
	if cfg.MembershipTTL == 0 {
		cfg.MembershipTTL = knowledge.DefaultMembershipTTL
	}
	if cfg.AnonymousPerDay == 0 {
		cfg.AnonymousPerDay = DefaultAnonymousPerDay
	}
	if cfg.AnswerTimeout == 0 {
		cfg.AnswerTimeout = DefaultAnswerTimeout
	}
	def := knowledge.DefaultRoutingPolicy()
	if cfg.Policy.MaxOpen == 0 {
		cfg.Policy.MaxOpen = def.MaxOpen
	}
	if cfg.Policy.MaxRoutes == 0 {
		cfg.Policy.MaxRoutes = def.MaxRoutes
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	cfg.FallbackChannel = strings.TrimSpace(cfg.FallbackChannel)
	log := cfg.Log
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	help := make(map[string]bool, len(cfg.HelpChannels))
	for _, c := range cfg.HelpChannels {
		if c = strings.TrimPrefix(strings.TrimSpace(c), "#"); c != "" {
			help[c] = true
		}
	}
	return &Desk{
		cfg: cfg, store: store, engine: engine, chat: chat, log: log, help: help,
		notified: make(chan struct{}, 1),
	}, nil
}

// Now returns the desk's clock's time.
func (d *Desk) Now() time.Time { return d.cfg.Now() }

// AnonymousOff reports whether anonymous questions are turned off
// (NEXTDESK_ANONYMOUS=off): nobody is then told how to ask one.
func (d *Desk) AnonymousOff() bool { return d.cfg.AnonymousOff }

// Notified receives a value after a handling records notices, so their
// delivery need not wait for its next round.
func (d *Desk) Notified() <-chan struct{} { return d.notified }

// Handled reports whether the delivery key was handled already.
func (d *Desk) Handled(ctx context.Context, key string) (bool, error) {
	return d.store.Handled(ctx, key)
}

// Request is a person's command or click, or a message that may get a
// reply: the delivery's key, who, and where to answer them (the zero
// Address when nowhere).
type Request struct {
	Key string
	By  string
	To  Address
}

// Refuse records that the request was handled by telling its person why
// it was turned down: err's Refusal, or a domain error's message as
// written. Nothing else changes, and a request with nowhere to answer is
// only recorded as handled. It returns the store's errors.
func (d *Desk) Refuse(ctx context.Context, r Request, err error) error {
	reply := replyTo(err)
	return d.commit(ctx, r.Key, func(tx Tx, _ *Counts) error {
		return d.reply(ctx, tx, r, reply)
	})
}

// Tell answers a request with reply and changes nothing else.
func (d *Desk) Tell(ctx context.Context, r Request, reply Reply) error {
	return d.commit(ctx, r.Key, func(tx Tx, _ *Counts) error {
		return d.reply(ctx, tx, r, reply)
	})
}

// reply records reply to r's person, when there is somewhere to write it.
func (d *Desk) reply(ctx context.Context, tx Tx, r Request, reply Reply) error {
	if r.To.Empty() {
		return nil
	}
	_, err := tx.Notify(ctx, Notice{Key: r.Key + "/reply", To: r.To, Reader: r.By, Body: reply})
	return err
}

// commit runs fn in the transaction of key, then wakes the delivery of
// the notices it recorded, brings the index up to date if knowledge
// changed, and reports what was done. A key handled meanwhile (a
// concurrent redelivery) does nothing.
func (d *Desk) commit(ctx context.Context, key string, fn func(Tx, *Counts) error) error {
	var n Counts
	done, err := d.store.Once(ctx, key, func(tx Tx) error {
		n = Counts{}
		return fn(tx, &n)
	})
	if err != nil {
		return err
	}
	if done.Duplicate {
		d.count(Counts{Duplicates: 1})
		return nil
	}
	n.Notices = done.Notices
	d.log.DebugContext(ctx, "desk: handled", "key", key, "questions", n.Questions, "instant", n.Instant,
		"routes", n.Routes, "captured", n.Captured, "notices", n.Notices)
	if done.Notices > 0 {
		d.poke()
	}
	if done.KnowledgeChanged {
		d.Sync(ctx)
	}
	d.count(n)
	return nil
}

func (d *Desk) count(n Counts) {
	if d.cfg.Counted != nil {
		d.cfg.Counted(n)
	}
}

// poke wakes the delivery without waiting.
func (d *Desk) poke() {
	select {
	case d.notified <- struct{}{}:
	default:
	}
}

// Sync brings the search index up to date with the store. A failure is
// logged, not returned: the store has the change, and the next sync (or the
// next start) indexes it.
func (d *Desk) Sync(ctx context.Context) {
	if d.cfg.Index == nil {
		return
	}
	d.indexing.Lock()
	defer d.indexing.Unlock()
	if err := d.cfg.Index(ctx); err != nil {
		d.log.Error("index lags the store; it catches up at the next change or start", "err", err)
	}
}

// view reads the store on one snapshot.
func (d *Desk) view(ctx context.Context, fn func(Reader) error) error {
	return d.store.View(ctx, fn)
}
