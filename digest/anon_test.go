package digest_test

import (
	"context"
	"strings"
	"testing"

	"github.com/nextdesk/nextdesk/digest"
	"github.com/nextdesk/nextdesk/knowledge"
	"github.com/nextdesk/nextdesk/knowledge/desk"
)

// TestAnonymousQuestionsAreCountedAndShownAsSuch: the fixture's week, plus
// a question Alice asked anonymously in #help that nobody answered: the
// figures count it as anonymous, and the unanswered list shows it asked
// anonymously, naming nobody.
func TestAnonymousQuestionsAreCountedAndShownAsSuch(t *testing.T) {
	ctx := context.Background()
	db := mustFixture(t)
	at := in47(t, 4, 10, 0)
	_, err := db.Once(ctx, "anon", func(tx desk.Tx) error {
		if err := tx.AddQuestion(ctx, knowledge.Question{ID: "anon:1", Conversation: "CHELP", Thread: ts(at), Text: "Is my manager allowed to read my mail?", Time: at}); err != nil {
			return err
		}
		if err := tx.AddAnonymous(ctx, desk.Anonymous{QuestionID: "anon:1", Asker: "UA", AskedAt: at}); err != nil {
			return err
		}
		return tx.AddAsk(ctx, knowledge.Ask{QuestionID: "anon:1", Channel: "CHELP", Thread: ts(at), Anonymous: true, CreatedAt: at})
	})
	if err != nil {
		t.Fatal(err)
	}
	d, err := digest.Compose(ctx, db, digest.Options{Week: week47, Location: mustParis(t), Viewer: knowledge.Anonymous})
	if err != nil {
		t.Fatal(err)
	}
	if d.Figures.Asked != 9 || d.Figures.Anonymous != 1 {
		t.Errorf("figures = %+v, want 9 asked, 1 of them anonymously", d.Figures)
	}
	var item digest.Item
	for _, it := range d.Unanswered {
		if it.QuestionID == "anon:1" {
			item = it
		}
	}
	if !item.Anonymous || item.Asker != (knowledge.Person{}) {
		t.Errorf("unanswered item = %+v, want it anonymous, asked by nobody", item)
	}
	for lang, want := range map[string][]string{
		"en": {"9 questions asked · 1 asked anonymously", "asked anonymously, Fri 20 Nov"},
		"fr": {"9 questions posées · 1 posée anonymement", "posée anonymement, ven. 20 nov."},
	} {
		text := digest.Text(d, lang)
		for _, w := range want {
			if !strings.Contains(text, w) {
				t.Errorf("%s digest lacks %q:\n%s", lang, w, text)
			}
		}
		lines := strings.Split(text, "\n")
		for i, l := range lines {
			if strings.Contains(l, "Is my manager") && strings.Contains(l+lines[i+1], "Alice") {
				t.Errorf("%s digest names the anonymous asker: %q", lang, l+lines[i+1])
			}
		}
	}
}
