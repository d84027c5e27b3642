package sqlite

import (
	"context"
	"testing"

	"github.com/nextdesk/nextdesk/knowledge"
)

// TestReconstructedTravels: the mark on a question inferred from flat
// history is stored, read back, and carried to the index by the change
// feed; importing the real thread later clears it, as a new revision.
func TestReconstructedTravels(t *testing.T) {
	ctx := context.Background()
	db := MustOpen(t)
	q := knowledge.Question{
		ID: "slack:C1:1.000100", Asker: "U1", Conversation: "C1", Text: "anyone knows how to reset the VPN?",
		Answers:       []knowledge.Answer{{ID: "slack:C1:2.000100", Answerer: "U2", Text: "@U1 reboot the box"}},
		Reconstructed: true,
	}
	mustImport(t, db, knowledge.Batch{
		People:        []knowledge.Person{{ID: "U1"}, {ID: "U2"}},
		Conversations: []knowledge.Conversation{{ID: "C1", Kind: knowledge.KindPublic}},
		Questions:     []knowledge.Question{q},
	})
	got, err := db.Question(ctx, knowledge.Anonymous, q.ID)
	if err != nil || !got.Reconstructed {
		t.Fatalf("Question = %+v, %v; want it marked reconstructed", got, err)
	}
	changes, err := db.ChangesSince(ctx, 0, 10)
	if err != nil || len(changes) != 1 || !changes[0].Question.Reconstructed {
		t.Fatalf("ChangesSince = %+v, %v; want the mark carried", changes, err)
	}
	if res := mustImport(t, db, knowledge.Batch{Questions: []knowledge.Question{q}}); res.Questions != 0 {
		t.Errorf("importing it again wrote %d questions, want 0", res.Questions)
	}

	q.Reconstructed = false
	if res := mustImport(t, db, knowledge.Batch{Questions: []knowledge.Question{q}}); res.Questions != 1 {
		t.Errorf("importing the real thread wrote %d questions, want 1", res.Questions)
	}
	changes, err = db.ChangesSince(ctx, changes[0].Rev, 10)
	if err != nil || len(changes) != 1 || changes[0].Question.Reconstructed {
		t.Fatalf("ChangesSince after the real thread = %+v, %v; want the mark cleared", changes, err)
	}
}
