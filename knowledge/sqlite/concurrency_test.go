package sqlite

import (
	"context"
	"fmt"
	"path/filepath"
	"sync"
	"testing"

	"github.com/nextdesk/nextdesk/knowledge"
)

// TestConcurrentReadersWhileWriting runs writers and readers at once. No
// call may fail (SQLITE_BUSY included), every read must come from one
// consistent snapshot (a question is never seen without the two answers
// written with it), and a follower reading ChangesSince from the last
// revision it saw, as the index does, must end up having seen every
// question.
func TestConcurrentReadersWhileWriting(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "nextdesk.db")
	db, err := Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	// A second handle on the same file stands for another process, such
	// as the CLI run while the server is up.
	other, err := Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer other.Close()

	const batches, perBatch = 20, 50
	var (
		g       group
		writing sync.WaitGroup
		done    = make(chan struct{})
	)
	writing.Add(2)
	g.Go(func() error {
		defer writing.Done()
		for i := range batches {
			if _, err := db.Import(ctx, generated(i*perBatch, perBatch, 30)); err != nil {
				return fmt.Errorf("import batch %d: %w", i, err)
			}
		}
		return nil
	})
	g.Go(func() error {
		defer writing.Done()
		for i := range 200 {
			err := other.addThanks(ctx, fmt.Sprintf("a%d-1", i))
			if err != nil && knowledge.ErrorCode(err) != knowledge.ENOTFOUND {
				return fmt.Errorf("thanks from the other handle: %w", err)
			}
		}
		return nil
	})
	go func() { writing.Wait(); close(done) }()

	ids := make([]string, 0, batches*perBatch)
	for i := range batches * perBatch {
		ids = append(ids, fmt.Sprintf("q%d", i))
	}
	checkWhole := func(qs []knowledge.Question) error {
		for _, q := range qs {
			if len(q.Answers) != 2 {
				return fmt.Errorf("question %s seen with %d answers, want 2", q.ID, len(q.Answers))
			}
		}
		return nil
	}
	for r := range 3 {
		g.Go(func() error {
			for {
				select {
				case <-done:
					return nil
				default:
				}
				qs, err := db.Questions(ctx, knowledge.Anonymous, ids[r*100:r*100+300])
				if err != nil {
					return fmt.Errorf("reader %d: %w", r, err)
				}
				if err := checkWhole(qs); err != nil {
					return err
				}
				if _, err := db.AnswererStats(ctx, []string{"U1", "U2", "U3"}); err != nil {
					return fmt.Errorf("reader %d: %w", r, err)
				}
				if _, err := other.Counts(ctx); err != nil {
					return fmt.Errorf("reader %d: %w", r, err)
				}
			}
		})
	}
	seen := map[string]bool{}
	g.Go(func() error {
		var rev int64
		for {
			finished := false
			select {
			case <-done:
				finished = true
			default:
			}
			// After the writers finish, one more pass picks up the rest.
			for {
				changes, err := db.ChangesSince(ctx, rev, 64)
				if err != nil {
					return fmt.Errorf("follower: %w", err)
				}
				if len(changes) == 0 {
					break
				}
				for _, c := range changes {
					if c.Rev <= rev {
						return fmt.Errorf("follower: revision %d after %d", c.Rev, rev)
					}
					rev = c.Rev
					seen[c.Question.ID] = true
				}
				if err := checkWhole(questionsOf(changes)); err != nil {
					return err
				}
			}
			if finished {
				return nil
			}
		}
	})
	if err := g.Wait(); err != nil {
		t.Fatal(err)
	}
	if len(seen) != len(ids) {
		t.Errorf("the follower saw %d questions, want %d", len(seen), len(ids))
	}
	if got := mustCounts(t, db).Questions; got != len(ids) {
		t.Errorf("Counts.Questions = %d, want %d", got, len(ids))
	}
}

func questionsOf(changes []knowledge.Change) []knowledge.Question {
	qs := make([]knowledge.Question, len(changes))
	for i, c := range changes {
		qs[i] = c.Question
	}
	return qs
}

// group runs functions in goroutines and keeps the first error.
type group struct {
	wg   sync.WaitGroup
	once sync.Once
	err  error
}

func (g *group) Go(f func() error) {
	g.wg.Go(func() {
		if err := f(); err != nil {
			g.once.Do(func() { g.err = err })
		}
	})
}

func (g *group) Wait() error {
	g.wg.Wait()
	return g.err
}
