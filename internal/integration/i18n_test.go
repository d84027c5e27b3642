package integration_test

import (
	"strings"
	"testing"

	"github.com/nextdesk/nextdesk/internal/fakeslack"
)

func TestFrenchSpeakersAreAnsweredInFrench(t *testing.T) {
	h := newHarness(t, nil)
	// The French asker gets the past answer in French.
	in, _ := h.ask(french, general, "How do I reset my VPN password?")
	h.handle(in)
	h.deliver()
	posts := h.botPosts(general)
	if len(posts) != 2 {
		t.Fatalf("posts = %q, want the question and the answer", texts(posts))
	}
	for _, want := range []string{"demande :", "a déjà répondu", "C'est résolu", "J'ai encore besoin d'aide"} {
		if !strings.Contains(posts[0].Blocks+posts[1].Blocks, want) {
			t.Errorf("French asker's messages lack %q:\n%s\n%s", want, posts[0].Blocks, posts[1].Blocks)
		}
	}

	// A French expert is asked in French; the English asker is told in
	// English.
	h.srv.AddUser(fakeslack.User{ID: expert1, Name: "bob", Locale: "fr-FR"})
	h.routed()
	dm := h.botPosts(expert1)
	if len(dm) != 1 || !strings.Contains(dm[0].Blocks, "Une question pour vous") || !strings.Contains(dm[0].Blocks, "Je m'en occupe") {
		t.Errorf("French expert's DM = %q, want French", texts(dm))
	}
	posts = h.botPosts(general)
	if note := posts[len(posts)-1].Text; !strings.Contains(note, "I've asked") {
		t.Errorf("English asker's note = %q, want English", note)
	}
}

func TestDefaultLanguageApplies(t *testing.T) {
	h := newHarness(t, func(c *config) { c.Lang = "fr" })
	// A person Slack gives no French or English locale gets the default.
	h.srv.AddUser(fakeslack.User{ID: other, Name: "frank", Locale: "de-DE"})
	in, url := h.ask(other, general, "")
	h.handle(in)
	h.deliver()
	if rs := h.srv.Responses(url); len(rs) != 1 || !strings.Contains(rs[0].Text, "Posez une question") {
		t.Errorf("usage for a German locale with French default = %+v, want French", rs)
	}
}
