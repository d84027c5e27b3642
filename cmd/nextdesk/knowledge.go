package main

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"path/filepath"
	"sync"
	"time"

	"github.com/nextdesk/nextdesk/index"
	"github.com/nextdesk/nextdesk/knowledge"
	"github.com/nextdesk/nextdesk/knowledge/desk"
	"github.com/nextdesk/nextdesk/knowledge/sqlite"
	"github.com/nextdesk/nextdesk/lexicon"
)

// knowledgeBase is the store, the index derived from it, and the engine that
// reads both: everything a command needs to answer or route a question.
type knowledgeBase struct {
	DB     *sqlite.DB
	Index  *index.Index
	Engine *knowledge.Engine
}

func storePath(dataDir string) string { return filepath.Join(dataDir, "nextdesk.db") }
func indexPath(dataDir string) string { return filepath.Join(dataDir, "index") }

// openKnowledge opens the data directory, creating it on first use (0700),
// and brings the index up to date with the store: after a crash between the
// two writes, the index catches up by itself, and after the store was
// restored from a backup, it is rebuilt. A damaged, unreadable or lost
// store is refused with an error matching sqlite.ErrCorrupt, ErrAccess or
// ErrEmptied.
func openKnowledge(ctx context.Context, cfg Config, log *slog.Logger) (*knowledgeBase, error) {
	if err := prepareDataDir(cfg.DataDir); err != nil {
		return nil, err
	}
	db, err := sqlite.Open(storePath(cfg.DataDir))
	if err != nil {
		return nil, err
	}
	db.MembershipTTL = cfg.MembershipTTL
	ix, err := index.Open(indexPath(cfg.DataDir))
	if err == nil {
		ix, err = reconcileIndex(ctx, db, ix, indexPath(cfg.DataDir), log)
	}
	if err != nil {
		db.Close()
		return nil, err
	}
	kb := &knowledgeBase{DB: db, Index: ix, Engine: knowledge.NewEngine(db, ix)}
	kb.Engine.Policy.HalfLife = cfg.HalfLife
	kb.Engine.Lexicon = loadLexicon(cfg.LexiconDir, ix, log)
	n, err := knowledge.Sync(ctx, db, ix)
	if err != nil {
		kb.Close()
		return nil, fmt.Errorf("bring the index up to date: %w", err)
	}
	if n > 0 {
		log.Info("index caught up with the store", "changes", n)
	}
	// What the workspace's outcomes taught holds from the first question.
	cal, err := kb.calibrator(time.Now, log)
	if err == nil {
		_, err = cal.Restore(ctx)
	}
	if err != nil {
		kb.Close()
		return nil, err
	}
	return kb, nil
}

// calibrator returns the calibration of kb's instant answers from the
// outcomes its store records, on the clock now.
func (kb *knowledgeBase) calibrator(now func() time.Time, log *slog.Logger) (*desk.Calibrator, error) {
	return desk.NewCalibrator(kb.DB, kb.Engine, kb.Engine.Policy.SureConfidence, now, log)
}

// lexicons caches the lexicon built from each directory: every index
// analyses words alike, so one build serves every engine of the process
// (an evaluation opens many).
var lexicons sync.Map // directory → *lexiconOnce

type lexiconOnce struct {
	once sync.Once
	lex  *knowledge.Lexicon
}

// loadLexicon returns the French–English lexicon read from dir, or nil
// (with a warning, once) when the dictionaries are not installed: matching
// across languages then rests on shared stems only. The dictionaries that
// reach English through German, when installed, back it for the words it
// lacks.
func loadLexicon(dir string, ix *index.Index, log *slog.Logger) *knowledge.Lexicon {
	v, _ := lexicons.LoadOrStore(dir, &lexiconOnce{})
	l := v.(*lexiconOnce)
	l.once.Do(func() {
		pairs, err := lexicon.Load(dir)
		if err != nil {
			log.Warn("French and English questions will meet only through shared words", "err", err)
			return
		}
		l.lex = knowledge.NewLexicon(pairs, ix.Words)
		pivot, err := lexicon.LoadPivot(dir)
		if err != nil {
			log.Warn("French and English words the FreeDict French–English dictionaries lack will not be translated", "err", err)
		} else {
			l.lex.Fallback = knowledge.NewLexicon(pivot, ix.Words)
		}
		log.Debug("French–English lexicon loaded", "dir", dir, "headwords", l.lex.Len())
	})
	return l.lex
}

// Import writes one batch to the store while the index takes in the
// batches written before it: the two writes use both cores instead of taking
// turns. Call Sync after the last batch to index it too.
func (kb *knowledgeBase) Import(ctx context.Context, b knowledge.Batch) (knowledge.ImportResult, error) {
	indexed := make(chan error, 1)
	go func() { indexed <- kb.Sync(ctx) }()
	res, err := kb.DB.Import(ctx, b)
	return res, errors.Join(err, <-indexed)
}

// Sync brings the index up to date with the store.
func (kb *knowledgeBase) Sync(ctx context.Context) error {
	if _, err := knowledge.Sync(ctx, kb.DB, kb.Index); err != nil {
		return fmt.Errorf("index: %w", err)
	}
	return nil
}

// settle indexes the last batches of an import and, after a large one,
// merges the many small segments it left so that searches stay fast.
func (kb *knowledgeBase) settle(ctx context.Context, written knowledge.ImportResult) error {
	if err := kb.Sync(ctx); err != nil {
		return err
	}
	const large = 10_000
	if written.Questions+written.Answers < large {
		return nil
	}
	return kb.Index.Compact(ctx)
}

// Close closes the index, then the store.
func (kb *knowledgeBase) Close() error {
	return errors.Join(kb.Index.Close(), kb.DB.Close())
}
