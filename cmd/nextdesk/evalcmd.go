package main

import (
	"context"
	"flag"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"

	"github.com/nextdesk/nextdesk/eval"
	"github.com/nextdesk/nextdesk/importer"
	"github.com/nextdesk/nextdesk/importer/slackexport"
	"github.com/nextdesk/nextdesk/importer/stackexchange"
	"github.com/nextdesk/nextdesk/knowledge"
)

func (m *Main) eval(ctx context.Context, args []string) error {
	if len(args) > 0 && args[0] == "reconstruct" {
		return m.evalReconstruct(ctx, args[1:])
	}
	if len(args) > 0 && args[0] == "live" {
		return m.evalLive(ctx, args[1:])
	}
	fs := flag.NewFlagSet("eval", flag.ContinueOnError)
	channels := fs.String("channels", "", "slack-export only: evaluate just these channels (names or ids, comma-separated)")
	asJSON := fs.Bool("json", false, "print one JSON object")
	protocol := fs.String("protocol", eval.Fixed, "slack-export and stackexchange: fixed (one history for every test question) or replay (each test question with everything before it)")
	distractors := fs.String("distractors", "", "crosslang only: a file of English questions, one a line, added to the English history the French questions are asked against")
	rest, err := parseArgs(fs, args)
	if err != nil {
		return err
	}
	if len(rest) != 2 {
		return usagef("eval: usage: nextdesk eval slack-export FILE.zip [--channels a,b] [--protocol fixed|replay] [--json] | nextdesk eval stackexchange DIR [--protocol fixed|replay] [--json] | nextdesk eval duplicates DIR [--json] | nextdesk eval crosslang PAIRS.tsv [--distractors FILE] [--json]")
	}
	if *protocol != eval.Fixed && *protocol != eval.Replay {
		return usagef("eval: --protocol must be fixed or replay, not %q", *protocol)
	}
	if *distractors != "" && rest[0] != "crosslang" {
		return usagef("eval: --distractors applies to crosslang only")
	}
	cfg, err := m.config()
	if err != nil {
		return err
	}
	log := m.logger(cfg)
	switch rest[0] {
	case "duplicates", "crosslang":
		if *channels != "" {
			return usagef("eval: --channels applies to slack-export only")
		}
		if *protocol != eval.Fixed {
			return usagef("eval: --protocol applies to slack-export and stackexchange only")
		}
		tmp, err := os.MkdirTemp("", "nextdesk-eval-")
		if err != nil {
			return err
		}
		defer os.RemoveAll(tmp)
		cfg.DataDir = tmp
		if rest[0] == "duplicates" {
			return m.evalDuplicates(ctx, cfg, rest[1], *asJSON)
		}
		return m.evalCrossLang(ctx, cfg, rest[1], *distractors, *asJSON)
	}

	var (
		data   importer.Collector
		split  func([]knowledge.Question) (eval.History, []eval.Case)
		replay func([]knowledge.Question) []knowledge.Question
	)
	switch kind, src := rest[0], rest[1]; kind {
	case "slack-export":
		_, err = slackexport.Import(ctx, src, &data, slackexport.Options{Channels: splitList(*channels), Logger: log})
		split, replay = eval.SplitSlack, eval.ReplaySlack
	case "stackexchange":
		if *channels != "" {
			return usagef("eval: --channels applies to slack-export only")
		}
		_, err = stackexchange.Import(ctx, src, &data, stackexchange.Options{Logger: log})
		split, replay = eval.SplitStackExchange, eval.ReplayStackExchange
	default:
		return usagef("eval: unknown source %q (want slack-export or stackexchange)", kind)
	}
	if err != nil {
		return err
	}
	h, cases := split(data.Questions)
	h = h.WithDirectory(data.People, data.Conversations)

	tmp, err := os.MkdirTemp("", "nextdesk-eval-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(tmp)
	var built []*engineRanker
	defer func() {
		for _, r := range built {
			r.Close()
		}
	}()
	build := func(ctx context.Context, h eval.History) (eval.Ranker, error) {
		r, err := newEngineRanker(ctx, filepath.Join(tmp, fmt.Sprint(len(built))), h, cfg)
		if err == nil {
			built = append(built, r)
		}
		return r, err
	}
	builders := map[string]eval.Builder{"nextdesk": build}
	var rep eval.Report
	if *protocol == eval.Replay {
		rep, err = eval.RunReplay(ctx, filepath.Base(rest[1]), replay(data.Questions), h, cases, builders)
	} else {
		rep, err = eval.Evaluate(ctx, filepath.Base(rest[1]), h, cases, builders)
	}
	if err != nil {
		return err
	}
	if *asJSON {
		return rep.WriteJSON(m.Stdout)
	}
	return rep.WriteTable(m.Stdout)
}

// engineRanker is the nextdesk engine on a data directory of its own that
// holds the history only: eval measures the real thing, not a model of it.
type engineRanker struct {
	*knowledgeBase
}

func newEngineRanker(ctx context.Context, dir string, h eval.History, cfg Config) (*engineRanker, error) {
	cfg.DataDir = dir
	kb, err := openKnowledge(ctx, cfg, slog.New(slog.DiscardHandler))
	if err != nil {
		return nil, err
	}
	// Rank everyone with evidence: MRR counts ranks beyond the first ten.
	kb.Engine.Policy.Experts = 1000
	if _, err := kb.Import(ctx, h.Batch()); err != nil {
		kb.Close()
		return nil, fmt.Errorf("load history: %w", err)
	}
	if err := kb.Sync(ctx); err != nil {
		kb.Close()
		return nil, err
	}
	return &engineRanker{kb}, nil
}

// Learn imports what happened since the ranker was built, as the bot
// records questions and answers when they come. It then merges the index
// into one segment, so that a replay gives the same figures every time:
// bleve counts a question's replaced version in its term statistics until
// the segment holding it is merged, and merges run in the background, so
// scores would depend on their timing (ai's MRR varied from 0.306 to 0.310).
func (r *engineRanker) Learn(ctx context.Context, changed []knowledge.Question) error {
	if len(changed) == 0 {
		return nil
	}
	if _, err := r.Import(ctx, knowledge.Batch{Questions: changed}); err != nil {
		return err
	}
	if err := r.Sync(ctx); err != nil {
		return err
	}
	return r.Index.Compact(ctx)
}

// Rank ranks as the bot would route: as seen by the asker, at the time the
// question was asked.
func (r *engineRanker) Rank(ctx context.Context, q knowledge.Question) ([]string, error) {
	experts, err := r.Engine.Experts(ctx, q, knowledge.Viewer{PersonID: q.Asker})
	if knowledge.ErrorCode(err) == knowledge.EINVALID {
		return nil, nil // an empty question routes nowhere; it scores 0
	}
	if err != nil {
		return nil, err
	}
	ids := make([]string, len(experts))
	for i, x := range experts {
		ids[i] = x.Person.ID
	}
	return ids, nil
}

// evalDuplicates measures instant answers on a labelled duplicates set.
func (m *Main) evalDuplicates(ctx context.Context, cfg Config, dir string, asJSON bool) error {
	set, err := eval.ReadDuplicateSet(dir)
	if err != nil {
		return err
	}
	kb, err := openKnowledge(ctx, cfg, slog.New(slog.DiscardHandler))
	if err != nil {
		return err
	}
	defer kb.Close()
	if _, err := kb.Import(ctx, set.Batch()); err != nil {
		return fmt.Errorf("load history: %w", err)
	}
	if err := kb.Sync(ctx); err != nil {
		return err
	}
	rep, err := eval.EvaluateDuplicates(ctx, filepath.Base(dir), set, engineMatcher{kb.Engine}, kb.Engine.Policy.SureConfidence)
	if err != nil {
		return err
	}
	if asJSON {
		return rep.WriteJSON(m.Stdout)
	}
	return rep.WriteTable(m.Stdout)
}

// engineMatcher is the engine's instant answer, as the asker would get it.
type engineMatcher struct{ e *knowledge.Engine }

// Match returns the engine's matches, most confident first.
func (m engineMatcher) Match(ctx context.Context, q knowledge.Question) ([]eval.Candidate, error) {
	// Every past question of a labelled set is public, and its asker is
	// nobody the store has met: the public viewer sees what they would.
	matches, err := m.e.Similar(ctx, q, knowledge.Anonymous)
	if knowledge.ErrorCode(err) == knowledge.EINVALID {
		return nil, nil // an empty question matches nothing
	}
	if err != nil {
		return nil, err
	}
	out := make([]eval.Candidate, len(matches))
	for i, x := range matches {
		out[i] = eval.Candidate{ID: x.Question.ID, Confidence: x.Confidence, Sure: x.Sure}
	}
	return out, nil
}

// evalCrossLang measures how French and English questions find each
// other, each direction on a data directory of its own, the French asked
// among the distractors' English questions too when a file is given.
func (m *Main) evalCrossLang(ctx context.Context, cfg Config, path, distractorsPath string, asJSON bool) error {
	pairs, err := eval.ReadTranslationPairs(path)
	if err != nil {
		return err
	}
	var distractors []string
	if distractorsPath != "" {
		if distractors, err = eval.ReadQuestions(distractorsPath); err != nil {
			return err
		}
	}
	n := 0
	build := func(ctx context.Context, history knowledge.Batch) (eval.Matcher, func(), error) {
		c := cfg
		c.DataDir = filepath.Join(cfg.DataDir, fmt.Sprint(n))
		n++
		kb, err := openKnowledge(ctx, c, m.logger(cfg))
		if err != nil {
			return nil, nil, err
		}
		if _, err := kb.Import(ctx, history); err != nil {
			kb.Close()
			return nil, nil, fmt.Errorf("load history: %w", err)
		}
		if err := kb.Sync(ctx); err != nil {
			kb.Close()
			return nil, nil, err
		}
		return engineMatcher{kb.Engine}, func() { kb.Close() }, nil
	}
	rep, err := eval.EvaluateCrossLang(ctx, filepath.Base(path), pairs, distractors, build)
	if err != nil {
		return err
	}
	if asJSON {
		return rep.WriteJSON(m.Stdout)
	}
	return rep.WriteTable(m.Stdout)
}
