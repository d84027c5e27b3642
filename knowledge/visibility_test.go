package knowledge_test

import (
	"context"
	"testing"
	"time"

	"github.com/nextdesk/nextdesk/knowledge"
	"github.com/nextdesk/nextdesk/knowledge/sqlite"
)

// A person of another organisation (or a guest) reads the public channel
// shared with them as its other members do: asking the bot in a DM, they
// get the answer given there. A public channel they are not in stays
// hidden from them.
func TestOutsiderGetsTheAnswersOfAPublicChannelTheyAreIn(t *testing.T) {
	now := time.Now()
	e, c := mustEngine(t, knowledge.Batch{
		Conversations: []knowledge.Conversation{
			{ID: "CSHARED", Name: "joint-project", Kind: knowledge.KindPublic, Shared: true, Members: []string{"zoe", "dan", "partner"}, Read: now},
			{ID: "CINTERNAL", Name: "internal", Kind: knowledge.KindPublic},
		},
		Questions: []knowledge.Question{
			answered("shared", "CSHARED", "zoe", "dan", "Where is the joint project's staging URL?", now.Add(-48*time.Hour)),
			answered("internal", "CINTERNAL", "zoe", "dan", "Where is the payroll export runbook?", now.Add(-48*time.Hour)),
		},
	})
	// Only the chat tool says who is of another organisation: an import
	// never does.
	if err := c.Source.(*sqlite.DB).UpsertPerson(context.Background(), knowledge.Person{ID: "partner", Restricted: true}); err != nil {
		t.Fatal(err)
	}
	partner := knowledge.Viewer{PersonID: "partner"}
	ask := func(text string) []knowledge.Match {
		t.Helper()
		ms, err := e.Similar(context.Background(), knowledge.Question{Asker: "partner", Text: text}, partner)
		if err != nil {
			t.Fatal(err)
		}
		return ms
	}
	if ms := ask("Where is the joint project's staging URL?"); len(ms) == 0 || ms[0].Question.ID != "shared" || !ms[0].Sure {
		t.Errorf("the partner, a member of the shared channel, got %+v; want its answer, sure", ms)
	}
	if ms := ask("Where is the payroll export runbook?"); len(ms) > 0 {
		t.Errorf("the partner got %q from a public channel they are not in", ms[0].Question.Text)
	}
}
