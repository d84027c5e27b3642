package eval

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"os"
	"strings"
	"time"

	"github.com/nextdesk/nextdesk/knowledge"
)

// TranslationPair is one question written in English and translated by a
// person into French.
type TranslationPair struct {
	ID, English, French string
}

// ReadTranslationPairs reads a TSV file of translation pairs: a header
// line, then one pair a line as id, English, French. It returns an error
// naming the line of anything malformed, and an EINVALID error when the
// file holds no pair.
func ReadTranslationPairs(path string) ([]TranslationPair, error) {
	var pairs []TranslationPair
	err := eachLine(path, func(line int, text string) error {
		if line == 1 || strings.TrimSpace(text) == "" {
			return nil
		}
		cols := strings.Split(text, "\t")
		if len(cols) != 3 || cols[0] == "" {
			return fmt.Errorf("%s:%d: want three tab-separated columns (id, English, French), got %d", path, line, len(cols))
		}
		pairs = append(pairs, TranslationPair{ID: cols[0], English: cols[1], French: cols[2]})
		return nil
	})
	if err != nil {
		return nil, err
	}
	if len(pairs) == 0 {
		return nil, knowledge.Errorf(knowledge.EINVALID, "%s holds no translation pair.", path)
	}
	return pairs, nil
}

// ReadQuestions reads a text file of questions, one a line; blank lines
// are skipped. It returns an EINVALID error when the file holds none.
func ReadQuestions(path string) ([]string, error) {
	var questions []string
	err := eachLine(path, func(_ int, text string) error {
		if text := strings.TrimSpace(text); text != "" {
			questions = append(questions, text)
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	if len(questions) == 0 {
		return nil, knowledge.Errorf(knowledge.EINVALID, "%s holds no question.", path)
	}
	return questions, nil
}

// eachLine calls fn with each line of the file at path, numbered from 1,
// until fn returns an error; a line may be up to 1 MiB long.
func eachLine(path string, fn func(line int, text string) error) error {
	f, err := os.Open(path)
	if err != nil {
		return err
	}
	defer f.Close()
	s := bufio.NewScanner(f)
	s.Buffer(make([]byte, 64<<10), 1<<20)
	for line := 1; s.Scan(); line++ {
		if err := fn(line, s.Text()); err != nil {
			return err
		}
	}
	if err := s.Err(); err != nil {
		return fmt.Errorf("read %s: %w", path, err)
	}
	return nil
}

// CrossLangReport is what `nextdesk eval crosslang` measures: how often a
// question asked in one language finds, among past questions all in the
// other, its own translation first (hit@1) or in the first five (hit@5).
// Distractors counts the other English questions the French ones were
// asked among, beside the pairs' own.
type CrossLangReport struct {
	Dataset         string   `json:"dataset"`
	Pairs           int      `json:"pairs"`
	Distractors     int      `json:"distractors"`
	FrenchToEnglish HitRates `json:"french_to_english"`
	EnglishToFrench HitRates `json:"english_to_french"`
}

// HitRates are the shares of questions whose twin came first, and within
// the first five; and how many were handed back a past answer without
// asking anyone, and how many of those their twin's.
type HitRates struct {
	Hit1       float64 `json:"hit1"`
	Hit5       float64 `json:"hit5"`
	HandedBack int     `json:"handed_back"`
	Right      int     `json:"right"`
}

// MatcherBuilder makes a matcher that knows only the given history, and a
// function to release it.
type MatcherBuilder func(ctx context.Context, history knowledge.Batch) (Matcher, func(), error)

// EvaluateCrossLang makes every English question of pairs a past answered
// question and asks every French one, then the other way round. The
// distractors, English questions of other subjects, join the English
// history, so that the French ones are asked among as many past questions
// as a larger workspace holds. It returns build's and the matchers'
// errors.
func EvaluateCrossLang(ctx context.Context, dataset string, pairs []TranslationPair, distractors []string, build MatcherBuilder) (CrossLangReport, error) {
	rep := CrossLangReport{Dataset: dataset, Pairs: len(pairs), Distractors: len(distractors)}
	var err error
	english := func(p TranslationPair) string { return p.English }
	french := func(p TranslationPair) string { return p.French }
	if rep.FrenchToEnglish, err = hitRates(ctx, pairs, distractors, english, french, build); err != nil {
		return CrossLangReport{}, err
	}
	if rep.EnglishToFrench, err = hitRates(ctx, pairs, nil, french, english, build); err != nil {
		return CrossLangReport{}, err
	}
	return rep, nil
}

func hitRates(ctx context.Context, pairs []TranslationPair, distractors []string, past, asked func(TranslationPair) string, build MatcherBuilder) (HitRates, error) {
	const conv = "crosslang"
	at := time.Date(2020, 1, 1, 0, 0, 0, 0, time.UTC)
	b := knowledge.Batch{Conversations: []knowledge.Conversation{{ID: conv, Name: conv, Kind: knowledge.KindPublic}}}
	answered := func(id, text string, t time.Time) knowledge.Question {
		return knowledge.Question{
			ID: id, Asker: "asker:" + id, Conversation: conv, Text: text, Time: t,
			Answers: []knowledge.Answer{{ID: id + "/answer", Answerer: "answerer:" + id, Text: "(answered)", Time: t.Add(time.Minute)}},
		}
	}
	for i, p := range pairs {
		b.Questions = append(b.Questions, answered(p.ID, past(p), at.Add(time.Duration(i)*time.Minute)))
	}
	// A pair's id is the TSV's own, so the distractors' ids are told
	// apart by a character no TSV field holds.
	for i, text := range distractors {
		b.Questions = append(b.Questions, answered(fmt.Sprintf("distractor\t%d", i), text, at.Add(time.Duration(len(pairs)+i)*time.Minute)))
	}
	m, release, err := build(ctx, b)
	if err != nil {
		return HitRates{}, err
	}
	defer release()
	var r HitRates
	for _, p := range pairs {
		q := knowledge.Question{ID: "asked:" + p.ID, Asker: "asker:asked:" + p.ID, Conversation: conv, Text: asked(p), Time: at.AddDate(1, 0, 0)}
		cands, err := m.Match(ctx, q)
		if err != nil {
			return HitRates{}, fmt.Errorf("pair %s: %w", p.ID, err)
		}
		if len(cands) > 0 && cands[0].Sure {
			r.HandedBack++
			if cands[0].ID == p.ID {
				r.Right++
			}
		}
		for i, c := range cands[:min(5, len(cands))] {
			if c.ID == p.ID {
				if i == 0 {
					r.Hit1++
				}
				r.Hit5++
				break
			}
		}
	}
	r.Hit1 /= float64(len(pairs))
	r.Hit5 /= float64(len(pairs))
	return r, nil
}

// WriteJSON writes r as one indented JSON object. It returns w's error.
func (r CrossLangReport) WriteJSON(w io.Writer) error { return writeJSON(w, r) }

// WriteTable writes r for a person. It returns w's error.
func (r CrossLangReport) WriteTable(w io.Writer) error {
	among := ""
	if r.Distractors > 0 {
		among = fmt.Sprintf(", and %d other English questions", r.Distractors)
	}
	_, err := fmt.Fprintf(w, "dataset %s: %d pairs%s\nFrench asks, English history: hit@1 %.3f, hit@5 %.3f; handed back %d, %d of them the twin\nEnglish asks, French history: hit@1 %.3f, hit@5 %.3f; handed back %d, %d of them the twin\n",
		r.Dataset, r.Pairs, among,
		r.FrenchToEnglish.Hit1, r.FrenchToEnglish.Hit5, r.FrenchToEnglish.HandedBack, r.FrenchToEnglish.Right,
		r.EnglishToFrench.Hit1, r.EnglishToFrench.Hit5, r.EnglishToFrench.HandedBack, r.EnglishToFrench.Right)
	if err != nil {
		return fmt.Errorf("write report: %w", err)
	}
	return nil
}
