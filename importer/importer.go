// Package importer holds what the importers of past conversations share: the
// Sink they write to, the Report they return, a Writer that cuts their output
// into batches, and a Collector that gathers a whole import in memory.
//
// The importers themselves live in subpackages, one per source format
// (slackexport, stackexchange). They stream their input, write batches of
// about a thousand questions, skip and count bad records instead of failing,
// and give every record a stable id, so that running one twice duplicates
// nothing and an interrupted run resumes where it stopped.
package importer

import (
	"context"
	"fmt"
	"log/slog"
	"slices"

	"github.com/nextdesk/nextdesk/knowledge"
)

// Sink stores imported batches. The SQLite store implements it; so does
// Collector. Import must write a batch whole or not at all, and writing the
// same records again must change nothing.
type Sink interface {
	Import(ctx context.Context, b knowledge.Batch) (knowledge.ImportResult, error)
}

// DefaultBatchSize is how many records (people, conversations, questions
// with their answers, or loose answers) a batch holds by default: large
// enough for a store to write quickly, small enough that an interrupted
// import loses little.
const DefaultBatchSize = 1000

// maxProblems bounds Report.Problems, so a broken export of thousands of
// files does not fill memory with messages that all say the same thing.
const maxProblems = 100

// Report says what an import read, emitted and left out. Counts of emitted
// records say what the importer sent; Written says what the sink reported
// doing with them (on a re-run, most records are unchanged and not written).
type Report struct {
	Records int // source records read: messages, XML rows
	// People, Conversations and Questions count the records emitted.
	People        int
	Conversations int
	Questions     int
	Answers       int // answers emitted, attached to a question or loose
	Accepted      int // emitted answers marked accepted
	// Skipped counts records (or whole files, for reasons ending in
	// "_file") left out, by reason. Each importer documents its reasons.
	Skipped map[string]int
	// Orphans counts answers whose question is not in the source at all.
	// Answers whose question the sink did not know are in Written.Orphans.
	Orphans int
	// Problems describes the first malformed inputs met (file, line, byte
	// offset), for the operator; the import went on past them.
	Problems []string
	Batches  int                    // batches the sink wrote
	Written  knowledge.ImportResult // the sink's results, summed
	// Reconstructed counts the questions among Questions whose answers
	// were inferred from flat history (knowledge.Question.Reconstructed).
	Reconstructed int
}

// Skip counts one record left out for reason.
func (r *Report) Skip(reason string) { r.SkipN(reason, 1) }

// SkipN counts n records left out for reason.
func (r *Report) SkipN(reason string, n int) {
	if n == 0 {
		return
	}
	if r.Skipped == nil {
		r.Skipped = make(map[string]int)
	}
	r.Skipped[reason] += n
}

// Problem records a description of malformed input, keeping only the first
// hundred.
func (r *Report) Problem(format string, args ...any) {
	if len(r.Problems) < maxProblems {
		r.Problems = append(r.Problems, fmt.Sprintf(format, args...))
	}
}

// LogValue summarises r for log/slog: counts only, never text.
func (r Report) LogValue() slog.Value {
	attrs := []slog.Attr{
		slog.Int("records", r.Records),
		slog.Int("people", r.People),
		slog.Int("conversations", r.Conversations),
		slog.Int("questions", r.Questions),
		slog.Int("answers", r.Answers),
		slog.Int("accepted", r.Accepted),
		slog.Int("reconstructed", r.Reconstructed),
		slog.Int("orphans", r.Orphans),
		slog.Int("batches", r.Batches),
		slog.Int("written_questions", r.Written.Questions),
		slog.Int("written_answers", r.Written.Answers),
		slog.Int("written_orphans", r.Written.Orphans),
		slog.Int("problems", len(r.Problems)),
	}
	reasons := make([]string, 0, len(r.Skipped))
	for reason := range r.Skipped {
		reasons = append(reasons, reason)
	}
	slices.Sort(reasons)
	for _, reason := range reasons {
		attrs = append(attrs, slog.Int("skipped_"+reason, r.Skipped[reason]))
	}
	return slog.GroupValue(attrs...)
}

// Writer accumulates records into batches and writes each to a sink when it
// is full, updating a Report. It keeps records in the order they are added:
// a person or conversation added before a question is written no later than
// it, which a store with foreign keys needs. A Writer is not safe for
// concurrent use.
type Writer struct {
	sink   Sink
	size   int
	report *Report
	log    *slog.Logger
	batch  knowledge.Batch
	// pending maps the ids of the questions in batch to their index, so an
	// answer to one of them is attached to it rather than sent loose.
	pending map[string]int
}

// NewWriter returns a Writer that writes batches of about size records to
// sink and counts what it writes in report. size <= 0 means
// DefaultBatchSize; a nil log discards.
func NewWriter(sink Sink, size int, report *Report, log *slog.Logger) *Writer {
	if size <= 0 {
		size = DefaultBatchSize
	}
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	return &Writer{sink: sink, size: size, report: report, log: log, pending: make(map[string]int)}
}

// AddPerson adds p, writing the batch if it is full. It returns the sink's
// error, if writing failed.
func (w *Writer) AddPerson(ctx context.Context, p knowledge.Person) error {
	w.batch.People = append(w.batch.People, p)
	w.report.People++
	return w.flushIfFull(ctx)
}

// AddConversation adds c, writing the batch if it is full. It returns the
// sink's error, if writing failed.
func (w *Writer) AddConversation(ctx context.Context, c knowledge.Conversation) error {
	w.batch.Conversations = append(w.batch.Conversations, c)
	w.report.Conversations++
	return w.flushIfFull(ctx)
}

// AddQuestion adds q with its answers, writing the batch if it is full. It
// returns the sink's error, if writing failed.
func (w *Writer) AddQuestion(ctx context.Context, q knowledge.Question) error {
	w.pending[q.ID] = len(w.batch.Questions)
	w.batch.Questions = append(w.batch.Questions, q)
	w.report.Questions++
	for _, a := range q.Answers {
		w.countAnswer(a)
	}
	return w.flushIfFull(ctx)
}

// AddAnswer adds an answer to question questionID: to the question itself
// when it is still in the unwritten batch, otherwise as a loose answer the
// sink attaches to the stored question. It returns the sink's error, if
// writing failed.
func (w *Writer) AddAnswer(ctx context.Context, questionID string, a knowledge.Answer) error {
	w.countAnswer(a)
	if i, ok := w.pending[questionID]; ok {
		q := &w.batch.Questions[i]
		q.Answers = append(q.Answers, a)
		return nil
	}
	w.batch.Answers = append(w.batch.Answers, knowledge.QuestionAnswer{QuestionID: questionID, Answer: a})
	return w.flushIfFull(ctx)
}

func (w *Writer) countAnswer(a knowledge.Answer) {
	w.report.Answers++
	if a.Accepted {
		w.report.Accepted++
	}
}

func (w *Writer) flushIfFull(ctx context.Context) error {
	if w.batch.Len() < w.size {
		return nil
	}
	return w.Flush(ctx)
}

// Flush writes the records added since the last write, if any. It returns
// ctx's error, or the sink's wrapped with the batch's number; the batch is
// then dropped, since the sink wrote none of it.
func (w *Writer) Flush(ctx context.Context) error {
	if w.batch.Len() == 0 {
		return nil
	}
	b := w.batch
	w.batch = knowledge.Batch{}
	clear(w.pending)
	if err := ctx.Err(); err != nil {
		return err
	}
	res, err := w.sink.Import(ctx, b)
	if err != nil {
		return fmt.Errorf("write batch %d (%d records): %w", w.report.Batches+1, b.Len(), err)
	}
	w.report.Batches++
	w.report.Written.Questions += res.Questions
	w.report.Written.Answers += res.Answers
	w.report.Written.Orphans += res.Orphans
	w.log.Debug("import: batch written", "batch", w.report.Batches,
		"people", len(b.People), "conversations", len(b.Conversations),
		"questions", len(b.Questions), "answers", len(b.Answers),
		"written_questions", res.Questions, "written_answers", res.Answers, "orphans", res.Orphans)
	return nil
}
