package sqlite

import (
	"cmp"
	"context"
	"fmt"
	"slices"
	"testing"
	"time"

	gocmp "github.com/google/go-cmp/cmp"
	"github.com/nextdesk/nextdesk/knowledge"
)

// TestConsultRecentIsTheLatestAnswers holds the reading of recent activity
// in a busy conversation to its definition, computed here from everything
// imported: the latest maxRecent answers of the window, newest first, by
// the last maxRecentPeople people to answer. The store stops reading once
// older questions can hold no later answer, and a thread that went on for
// days must still count.
func TestConsultRecentIsTheLatestAnswers(t *testing.T) {
	ctx := context.Background()
	db := MustOpen(t)
	const people = 2 * maxRecentPeople
	b := knowledge.Batch{Conversations: []knowledge.Conversation{{ID: "C1", Name: "help", Kind: knowledge.KindPublic}}}
	for p := range people {
		b.People = append(b.People, knowledge.Person{ID: fmt.Sprintf("U%d", p)})
	}
	// Ten times more answers than are read, one question every twenty
	// minutes, each answered after a few minutes to three days, so that
	// answers come in another order than their questions.
	for i := range 5 * maxRecent {
		q := knowledge.Question{
			ID: fmt.Sprintf("q%d", i), Asker: fmt.Sprintf("U%d", i%people), Conversation: "C1",
			Text: fmt.Sprintf("Question %d?", i), Time: epoch.Add(time.Duration(i) * 20 * time.Minute),
		}
		for j := range 2 {
			delay := time.Duration(5+j*7)*time.Minute + time.Duration(i*7919%72)*time.Hour + time.Duration(i*2+j)
			q.Answers = append(q.Answers, knowledge.Answer{
				ID: fmt.Sprintf("a%d-%d", i, j), Answerer: fmt.Sprintf("U%d", (i*7+j*13+1)%people),
				Text: "Try this.", Time: q.Time.Add(delay),
			})
		}
		b.Questions = append(b.Questions, q)
	}
	// An old thread answered at the very end: within the week a thread
	// may go on for.
	last := b.Questions[len(b.Questions)-1].Time
	b.Questions = append(b.Questions, knowledge.Question{
		ID: "long", Asker: "U0", Conversation: "C1", Text: "A long thread?", Time: last.Add(-6 * 24 * time.Hour),
		Answers: []knowledge.Answer{{ID: "long-a", Answerer: "U1", Text: "At last.", Time: last.Add(4 * 24 * time.Hour)}},
	})
	if _, err := db.Import(ctx, b); err != nil {
		t.Fatal(err)
	}
	at := last.Add(5 * 24 * time.Hour)
	window := 30 * 24 * time.Hour

	type activity struct {
		Person string
		Time   time.Time
	}
	var all []activity
	for _, q := range b.Questions {
		for _, a := range q.Answers {
			if !a.Time.Before(at.Add(-window)) && a.Time.Before(at) && a.Answerer != q.Asker {
				all = append(all, activity{a.Answerer, a.Time})
			}
		}
	}
	slices.SortFunc(all, func(a, b activity) int { return cmp.Compare(b.Time.UnixNano(), a.Time.UnixNano()) })
	var want []activity
	seen := make(map[string]bool)
	for _, a := range all[:maxRecent] {
		if !seen[a.Person] && len(seen) == maxRecentPeople {
			continue
		}
		seen[a.Person] = true
		want = append(want, a)
	}

	r, err := db.Consult(ctx, knowledge.Viewer{PersonID: "U0"}, knowledge.Consultation{
		IDs: []string{"q1"}, Asker: "U0", Conversation: "C1", At: at, Recent: window,
	})
	if err != nil {
		t.Fatal(err)
	}
	var got []activity
	for _, a := range r.Recent {
		got = append(got, activity{a.Person, a.Time})
	}
	if diff := gocmp.Diff(want, got); diff != "" {
		t.Errorf("recent activity (-want +got):\n%s", diff)
	}
	if len(got) == 0 || got[0] != (activity{"U1", last.Add(4 * 24 * time.Hour)}) {
		t.Errorf("the newest answer, the long thread's, is not first: %v", got[:min(1, len(got))])
	}
}
