package sqlite

import (
	"context"
	"database/sql"
	"fmt"
	"math/rand/v2"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/nextdesk/nextdesk/knowledge"
)

func TestAnswererStatsSmall(t *testing.T) {
	ctx := context.Background()
	db := MustOpen(t)
	mustImport(t, db, fixture())
	got, err := db.AnswererStats(ctx, []string{"U1", "U2", "U3", "U4", "U9", "U2"})
	if err != nil {
		t.Fatal(err)
	}
	// at(0) is 09:30 UTC.
	hours := func(h ...int) (out [24]int) {
		for _, x := range h {
			out[x]++
		}
		return out
	}
	want := map[string]knowledge.AnswererStats{
		"U1": {Answers: 1, First: at(12), Last: at(12), Hours: hours(9)},
		"U2": {Answers: 1, Accepted: 1, Thanks: 1, First: at(5), Last: at(5), Hours: hours(9)},
		"U3": {Answers: 1, First: at(7), Last: at(7), Hours: hours(9)},
	}
	if diff := cmp.Diff(got, want); diff != "" {
		t.Errorf("AnswererStats (-got +want):\n%s", diff)
	}
}

// TestAnswererStatsFollowsEveryWrite drives the summaries (by person and
// by person and conversation) through random inserts, edits, moves of
// answers and of questions, acceptances, thanks and deletions, then checks
// them against what the answers themselves say.
func TestAnswererStatsFollowsEveryWrite(t *testing.T) {
	ctx := context.Background()
	db := MustOpen(t)
	rng := rand.New(rand.NewPCG(1, 2))
	const people = 6
	person := func() string { return fmt.Sprintf("U%d", rng.IntN(people)) }
	when := func() time.Time {
		if rng.IntN(10) == 0 {
			return time.Time{} // unknown
		}
		return time.Date(1965+rng.IntN(70), 1, 1, 0, 0, 0, 0, time.UTC).Add(time.Duration(rng.Int64N(365 * 24 * int64(time.Hour))))
	}
	convs := []string{"C1", "C2", "C3"}
	conv := func() string { return convs[rng.IntN(len(convs))] }
	for _, c := range convs {
		mustImport(t, db, knowledge.Batch{Conversations: []knowledge.Conversation{{ID: c, Kind: knowledge.KindPublic}}})
	}

	var questions, answers []string
	for i := range 400 {
		var err error
		switch op := rng.IntN(11); {
		case op < 3 || len(answers) == 0:
			q := knowledge.Question{ID: fmt.Sprintf("q%d", i), Conversation: conv(), Asker: person(), Text: "question", Time: when()}
			for j := range rng.IntN(3) {
				q.Answers = append(q.Answers, knowledge.Answer{
					ID: fmt.Sprintf("a%d-%d", i, j), Answerer: person(), Text: "answer", Time: when(),
					Accepted: rng.IntN(4) == 0, Thanks: rng.IntN(3),
				})
				answers = append(answers, q.Answers[j].ID)
			}
			questions = append(questions, q.ID)
			_, err = db.Import(ctx, knowledge.Batch{Questions: []knowledge.Question{q}})
		case op < 5:
			// A new answer, or an existing one rewritten (maybe moved).
			id := fmt.Sprintf("a%d", i)
			if rng.IntN(2) == 0 {
				id = answers[rng.IntN(len(answers))]
			} else {
				answers = append(answers, id)
			}
			a := knowledge.Answer{ID: id, Answerer: person(), Text: "edited", Time: when(), Accepted: rng.IntN(4) == 0, Thanks: rng.IntN(3)}
			err = db.upsertAnswer(ctx, questions[rng.IntN(len(questions))], a)
		case op < 6:
			err = db.setAccepted(ctx, answers[rng.IntN(len(answers))], rng.IntN(2) == 0)
		case op < 7:
			err = db.addThanks(ctx, answers[rng.IntN(len(answers))])
		case op < 8:
			err = db.deleteAnswer(ctx, answers[rng.IntN(len(answers))])
		case op < 9:
			err = db.DeleteQuestion(ctx, questions[rng.IntN(len(questions))])
		case op < 10:
			a := knowledge.Answer{ID: answers[rng.IntN(len(answers))], Answerer: person(), Text: "late", Time: when(), Thanks: rng.IntN(5)}
			_, err = db.Import(ctx, knowledge.Batch{Answers: []knowledge.QuestionAnswer{{QuestionID: questions[rng.IntN(len(questions))], Answer: a}}})
		default:
			// A question posted elsewhere (as an ask is) takes its answers along.
			err = db.update(ctx, "move", func(t *tx) error {
				_, err := t.ExecContext(ctx, `UPDATE questions SET conversation_id = ? WHERE id = ?`, conv(), questions[rng.IntN(len(questions))])
				return err
			})
		}
		// Deleted things are legitimately not found.
		if err != nil && knowledge.ErrorCode(err) != knowledge.ENOTFOUND {
			t.Fatalf("operation %d: %v", i, err)
		}
	}

	changes, err := db.ChangesSince(ctx, 0, 10_000)
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]knowledge.AnswererStats{}
	wantHere := map[string]map[string]int{}
	n := 0
	for _, c := range changes {
		for _, a := range c.Question.Answers {
			n++
			if wantHere[c.Question.Conversation] == nil {
				wantHere[c.Question.Conversation] = map[string]int{}
			}
			wantHere[c.Question.Conversation][a.Answerer]++
			s := want[a.Answerer]
			s.Answers++
			s.Thanks += a.Thanks
			if a.Accepted {
				s.Accepted++
			}
			if !a.Time.IsZero() {
				s.Hours[a.Time.Hour()]++
				if s.First.IsZero() || a.Time.Before(s.First) {
					s.First = a.Time
				}
				if a.Time.After(s.Last) || s.Last.IsZero() {
					s.Last = a.Time
				}
			}
			want[a.Answerer] = s
		}
	}
	if n < 100 {
		t.Fatalf("only %d answers left: the random walk tests too little", n)
	}
	ids := []string{"U9"}
	for i := range people {
		ids = append(ids, fmt.Sprintf("U%d", i))
	}
	got, err := db.AnswererStats(ctx, ids)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(got, want); diff != "" {
		t.Errorf("AnswererStats (-got +want):\n%s", diff)
	}
	for _, c := range convs {
		var here map[string]int
		err := db.view(ctx, "here", func(tx *sql.Tx) error {
			seen, err := visibility(ctx, tx, knowledge.Anonymous, db.now())
			if err != nil {
				return err
			}
			here, err = answersHere(ctx, tx, seen, c, ids)
			return err
		})
		if err != nil {
			t.Fatal(err)
		}
		if wantHere[c] == nil {
			wantHere[c] = map[string]int{}
		}
		if diff := cmp.Diff(here, wantHere[c]); diff != "" {
			t.Errorf("answers in %s (-got +want):\n%s", c, diff)
		}
	}
}

func TestCounts(t *testing.T) {
	ctx := context.Background()
	db := MustOpen(t)
	mustImport(t, db, fixture())
	steps := []struct {
		do   func() error
		want Counts
	}{
		{func() error { return nil }, Counts{People: 4, Conversations: 4, Questions: 5, Answers: 3, Accepted: 1}},
		{func() error { return db.setAccepted(ctx, "a-pub-2", true) }, Counts{People: 4, Conversations: 4, Questions: 5, Answers: 3, Accepted: 1}},
		{func() error { return db.setAccepted(ctx, "a-priv-1", true) }, Counts{People: 4, Conversations: 4, Questions: 5, Answers: 3, Accepted: 2}},
		{func() error { return db.DeleteQuestion(ctx, "q-pub") }, Counts{People: 4, Conversations: 4, Questions: 4, Answers: 1, Accepted: 1}},
	}
	for i, s := range steps {
		if err := s.do(); err != nil {
			t.Fatal(err)
		}
		if diff := cmp.Diff(mustCounts(t, db), s.want); diff != "" {
			t.Errorf("step %d: Counts (-got +want):\n%s", i, diff)
		}
	}
}
