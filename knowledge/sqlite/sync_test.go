package sqlite

import (
	"context"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/nextdesk/nextdesk/knowledge"
)

// mapIndex is an IndexWriter that keeps what the index would hold: the
// text of each live question and whether it is public.
type mapIndex struct {
	rev  int64
	docs map[string]doc
}

type doc struct {
	Text    string
	Answers int
	Public  bool
}

func (ix *mapIndex) Apply(_ context.Context, changes []knowledge.Change) error {
	for _, c := range changes {
		if c.Deleted {
			delete(ix.docs, c.Question.ID)
		} else {
			ix.docs[c.Question.ID] = doc{c.Question.Text, len(c.Question.Answers), c.Public}
		}
		ix.rev = c.Rev
	}
	return nil
}

func (ix *mapIndex) Rev() int64 { return ix.rev }

// TestSyncFollowsStore runs knowledge.Sync after each kind of write and
// checks that the index ends up holding exactly the store's questions.
func TestSyncFollowsStore(t *testing.T) {
	ctx := context.Background()
	db := MustOpen(t)
	ix := &mapIndex{docs: map[string]doc{}}
	steps := []struct {
		name    string
		do      func() error
		applied int
		want    map[string]doc
	}{
		{"import", func() error { _, err := db.Import(ctx, fixture()); return err }, 5, map[string]doc{
			"q-pub":  {"Comment déployer le service ?", 2, true},
			"q-priv": {"Where is the VPN config?", 1, false},
			"q-mpim": {"Who owns billing?", 0, false},
			"q-dm":   {"Token rotation?", 0, false},
			"q-lost": {"Lost question", 0, false},
		}},
		{"re-import", func() error { _, err := db.Import(ctx, fixture()); return err }, 0, nil},
		{"answer", func() error {
			return db.upsertAnswer(ctx, "q-mpim", knowledge.Answer{ID: "a-m", Answerer: "U1", Text: "Finance."})
		}, 1, map[string]doc{"q-mpim": {"Who owns billing?", 1, false}}},
		{"delete", func() error { return db.DeleteQuestion(ctx, "q-dm") }, 1, map[string]doc{"q-dm": {}}},
		{"channel goes private", func() error {
			return db.upsertConversation(ctx, knowledge.Conversation{ID: "C1", Kind: knowledge.KindPrivate, Members: []string{"U1"}})
		}, 1, map[string]doc{"q-pub": {"Comment déployer le service ?", 2, false}}},
	}
	want := map[string]doc{}
	for _, s := range steps {
		if err := s.do(); err != nil {
			t.Fatalf("%s: %v", s.name, err)
		}
		for id, d := range s.want {
			if d == (doc{}) {
				delete(want, id)
			} else {
				want[id] = d
			}
		}
		applied, err := knowledge.Sync(ctx, db, ix)
		if err != nil {
			t.Fatalf("%s: Sync: %v", s.name, err)
		}
		if applied != s.applied {
			t.Errorf("%s: Sync applied %d changes, want %d", s.name, applied, s.applied)
		}
		if diff := cmp.Diff(ix.docs, want); diff != "" {
			t.Errorf("%s: index (-got +want):\n%s", s.name, diff)
		}
		if rev := mustRev(t, db); ix.rev != rev {
			t.Errorf("%s: index at revision %d, store at %d", s.name, ix.rev, rev)
		}
	}
}
