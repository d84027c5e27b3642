package index

import (
	"cmp"
	"context"
	"fmt"
	"log/slog"
	"slices"
	"strconv"
	"strings"

	"github.com/blevesearch/bleve/v2"

	"github.com/nextdesk/nextdesk/knowledge"
)

// questionDoc is what bleve indexes for a question: its text, its answers'
// texts and its visibility; nothing is stored.
type questionDoc struct {
	Q string   `json:"q"`
	A string   `json:"a"`
	V []string `json:"v"`
}

// Type tells bleve which document mapping applies.
func (questionDoc) Type() string { return docType }

// Apply writes changes in one bleve batch, together with the highest Rev
// among them, so that after a crash the documents and the recorded Rev
// agree and knowledge.Sync resumes at the right place.
//
// Changes at or below Rev() are skipped: they are already applied, and
// applying an older state of a question over a newer one (two Syncs racing)
// would undo a change. A non-public change whose conversation id is empty
// or "public" cannot be filtered safely, so its question is removed from
// the index instead of risking its exposure.
//
// Apply returns ctx's error if ctx is done, a knowledge.EINVALID error if a
// change has no question id, an error wrapping bleve.ErrorIndexClosed after
// Close, and bleve's error if the batch fails (then nothing of it is
// applied).
func (ix *Index) Apply(ctx context.Context, changes []knowledge.Change) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	if len(changes) == 0 {
		return nil
	}
	ix.applyMu.Lock()
	defer ix.applyMu.Unlock()
	ix.life.RLock()
	defer ix.life.RUnlock()
	if ix.closed {
		return fmt.Errorf("apply to index %s: %w", ix.dir, bleve.ErrorIndexClosed)
	}

	if !slices.IsSortedFunc(changes, byRev) {
		changes = slices.Clone(changes)
		slices.SortStableFunc(changes, byRev)
	}
	from := ix.rev.Load()
	high := from
	b := ix.bleve.NewBatch()
	for _, c := range changes {
		if c.Rev <= from {
			continue
		}
		id := c.Question.ID
		if id == "" {
			return knowledge.Errorf(knowledge.EINVALID, "The change at revision %d has no question id.", c.Rev)
		}
		high = c.Rev
		if c.Deleted {
			b.Delete(id)
			continue
		}
		// A public question is found by everyone who may read public
		// questions, and by its conversation's members too: a guest or a
		// person of another organisation in a public channel shared with
		// theirs reads it as a member, not as the public.
		conv := c.Question.Conversation
		usable := conv != "" && conv != visPublic
		var vis []string
		switch {
		case c.Public && usable:
			vis = []string{visPublic, conv}
		case c.Public:
			vis = []string{visPublic}
		case usable:
			vis = []string{conv}
		default:
			slog.Warn("private question has no usable conversation id; leaving it out of the index",
				"question", id, "conversation", conv, "rev", c.Rev)
			b.Delete(id)
			continue
		}
		doc := questionDoc{
			Q: indexedText(c.Question.SearchText()),
			A: answerText(c.Question.Answers),
			V: vis,
		}
		if err := b.Index(id, doc); err != nil {
			return fmt.Errorf("index question %s: %w", id, err)
		}
	}
	if high == from {
		return nil
	}
	b.SetInternal(revKey, strconv.AppendInt(nil, high, 10))
	if err := ix.bleve.Batch(b); err != nil {
		return fmt.Errorf("apply %d changes up to rev %d to index %s: %w", len(changes), high, ix.dir, err)
	}
	ix.rev.Store(high)
	return nil
}

func byRev(a, b knowledge.Change) int { return cmp.Compare(a.Rev, b.Rev) }

// Rev returns the highest store revision applied to the index, 0 for a new
// or rebuilt one.
func (ix *Index) Rev() int64 { return ix.rev.Load() }

// indexedText is s as the index analyses it: repaired, with one
// apostrophe (so that "aujourd’hui" typed on a phone is the "aujourd'hui"
// of the history and the dictionaries), with what chat leaves out written
// back ("dont" is "don't", "qqn" "quelqu'un"), and bounded.
func indexedText(s string) string {
	return knowledge.Truncate(analysedText(s), knowledge.MaxIndexedText)
}

func analysedText(s string) string {
	return knowledge.WrittenOut(knowledge.StraightApostrophes(knowledge.CleanText(s)))
}

// answerText joins the answers' texts within knowledge.MaxIndexedText. When
// they do not all fit, the space is shared out fairly (short answers whole,
// long ones cut to an equal share), so one pasted log cannot push the
// answer that says who knows out of the index.
func answerText(answers []knowledge.Answer) string {
	texts := make([]string, 0, len(answers))
	total := 0
	for _, a := range answers {
		if t := analysedText(a.Text); t != "" {
			texts = append(texts, t)
			total += len(t) + 1
		}
	}
	if total-1 > knowledge.MaxIndexedText {
		order := make([]int, len(texts))
		for i := range order {
			order[i] = i
		}
		slices.SortFunc(order, func(i, j int) int { return cmp.Compare(len(texts[i]), len(texts[j])) })
		left := knowledge.MaxIndexedText - (len(texts) - 1) // minus the separators
		for k, i := range order {
			share := left / (len(order) - k)
			texts[i] = knowledge.Truncate(texts[i], share)
			left -= len(texts[i])
		}
	}
	return strings.Join(texts, "\n")
}
