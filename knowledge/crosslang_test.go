package knowledge_test

import (
	"context"
	"testing"

	"github.com/nextdesk/nextdesk/knowledge"
)

// TestFrenchFindsEnglish asks in French, and in French with English product
// names, in a history written in English: the English threads on the same
// subject must come first, as past answers and as the people who know.
func TestFrenchFindsEnglish(t *testing.T) {
	e, _ := mustEngine(t, knowledge.Batch{Questions: []knowledge.Question{
		answered("p1", "C1", "amy", "pat", "The printer on the second floor is jammed again, who can fix it?", day0.AddDate(0, 0, -9)),
		answered("p2", "C1", "ben", "pat", "How do I add the colour printer to my laptop?", day0.AddDate(0, 0, -8)),
		answered("v1", "C1", "amy", "val", "The VPN keeps disconnecting every hour", day0.AddDate(0, 0, -7)),
		answered("s1", "C1", "ben", "sam", "Where is the salary review calendar?", day0.AddDate(0, 0, -6)),
		answered("k1", "C1", "amy", "kit", "How do I point kubectl at the staging cluster?", day0.AddDate(0, 0, -5)),
		answered("w1", "C1", "ben", "val", "The office wifi is very slow this morning", day0.AddDate(0, 0, -4)),
	}})
	withLexicon(t, e)
	for text, want := range map[string]struct{ question, expert string }{
		"L'imprimante est encore bloquée, qui peut la réparer ?":  {"p1", "pat"},
		"Comment ajouter l'imprimante couleur à mon ordinateur ?": {"p2", "pat"},
		"Le réseau wifi du bureau est très lent":                  {"w1", "val"},
		"Comment configurer kubectl pour le cluster de staging ?": {"k1", "kit"},
	} {
		c := considerAsZoe(t, e, text)
		if len(c.Matches) == 0 || c.Matches[0].Question.ID != want.question {
			t.Errorf("%q: first match %v, want %s", text, firstMatch(c), want.question)
		}
		if len(c.Experts) == 0 || c.Experts[0].Person.ID != want.expert {
			t.Errorf("%q: experts %v, want %s first", text, expertIDs(c.Experts), want.expert)
		}
	}
}

// TestWordsOfWorkFindEachOther asks about time off, pay and deployments
// with the words of work the dictionaries lack ("astreinte", "fiche de
// paie", "note de frais"), each way: the thread on the same subject must
// come first, before one that shares only the question's other words.
// Asked with the verbs of everyday software the dictionaries lack or give
// in another sense only ("masquer", "trier"), or with phrases the index
// drops ("chez moi"), the English answer is handed back, not that of the
// question doing something else to the same thing.
func TestWordsOfWorkFindEachOther(t *testing.T) {
	e, _ := mustEngine(t, knowledge.Batch{Questions: []knowledge.Question{
		answered("oc", "C1", "amy", "pat", "Who is on call this weekend?", day0.AddDate(0, 0, -9)),
		answered("we", "C1", "ben", "val", "Who is in the office this weekend?", day0.AddDate(0, 0, -9)),
		answered("er", "C1", "amy", "sam", "How do I fill in an expense report?", day0.AddDate(0, 0, -8)),
		answered("tf", "C1", "ben", "kit", "How do I fill in the travel form?", day0.AddDate(0, 0, -8)),
		answered("ml", "C1", "amy", "sam", "How many weeks of maternity leave do we get?", day0.AddDate(0, 0, -7)),
		answered("hd", "C1", "ben", "val", "How many days of holiday do we get?", day0.AddDate(0, 0, -7)),
		answered("dp", "C1", "amy", "kit", "How do I deploy the billing service?", day0.AddDate(0, 0, -6)),
		answered("rs", "C1", "ben", "pat", "How do I restart the billing service?", day0.AddDate(0, 0, -6)),
		answered("ps", "C2", "amy", "sam", "Où télécharger ma fiche de paie ?", day0.AddDate(0, 0, -5)),
		answered("ct", "C2", "ben", "val", "Où télécharger mon contrat de travail ?", day0.AddDate(0, 0, -5)),
		answered("sm", "C1", "amy", "pat", "Who is the manager of the sales team?", day0.AddDate(0, 0, -4)),
		answered("st", "C1", "ben", "kit", "Who is on the sales team?", day0.AddDate(0, 0, -4)),
		answered("gy", "C1", "amy", "sam", "What are the opening hours of the gym?", day0.AddDate(0, 0, -3)),
		answered("ca", "C1", "ben", "val", "What are the opening hours of the canteen?", day0.AddDate(0, 0, -3)),
		answered("vo", "C1", "amy", "kit", "How do I connect to the VPN from the office?", day0.AddDate(0, 0, -2)),
		answered("vh", "C1", "ben", "pat", "How do I connect to the VPN from home?", day0.AddDate(0, 0, -2)),
		answered("up", "C1", "amy", "sam", "Is there a fridge upstairs?", day0.AddDate(0, 0, -1)),
		answered("site", "C1", "ben", "val", "Where can I eat on site?", day0.AddDate(0, 0, -1)),
		answered("hide", "C1", "amy", "pat", "How do I hide a column in Excel?", day0.AddDate(0, 0, -9)),
		answered("delete", "C1", "ben", "val", "How do I delete a column in Excel?", day0.AddDate(0, 0, -9)),
		answered("restart", "C1", "amy", "sam", "How do I restart the build server?", day0.AddDate(0, 0, -8)),
		answered("update", "C1", "ben", "kit", "How do I update the build server?", day0.AddDate(0, 0, -8)),
		answered("uninstall", "C1", "amy", "sam", "How do I uninstall Zoom from my laptop?", day0.AddDate(0, 0, -7)),
		answered("sort", "C1", "ben", "val", "How do I sort emails by sender in Outlook?", day0.AddDate(0, 0, -6)),
		answered("filter", "C1", "amy", "kit", "How do I filter emails by sender in Outlook?", day0.AddDate(0, 0, -6)),
		answered("work-mail", "C1", "ben", "pat", "How do I set up my work email on my personal phone?", day0.AddDate(0, 0, -5)),
		answered("pension", "C1", "amy", "val", "Where can I find information about the pension plan?", day0.AddDate(0, 0, -5)),
		answered("calendar", "C1", "ben", "kit", "How do I share my calendar with my assistant?", day0.AddDate(0, 0, -4)),
		answered("advance", "C1", "amy", "pat", "How do I ask for a salary advance?", day0.AddDate(0, 0, -4)),
		answered("return-laptop", "C1", "ben", "val", "Where do I return my laptop when I leave?", day0.AddDate(0, 0, -3)),
	}})
	withLexicon(t, e)
	for text, want := range map[string]string{
		"Qui est d'astreinte ce week-end ?":                   "oc",
		"Comment remplir une note de frais ?":                 "er",
		"Combien de semaines de congé maternité avons-nous ?": "ml",
		"Comment déployer le service de facturation ?":        "dp",
		"Where do I download my payslip?":                     "ps",
		"Qui est le responsable de l'équipe commerciale ?":    "sm",
		"Quels sont les horaires de la salle de sport ?":      "gy",
		// One's "PC" is one's computer, most often a laptop.
		"Où je rends mon PC quand je pars ?": "return-laptop",
	} {
		if c := considerAsZoe(t, e, text); len(c.Matches) == 0 || c.Matches[0].Question.ID != want {
			t.Errorf("%q: first match %v, want %s", text, firstMatch(c), want)
		}
	}
	// "Chez moi" and "sur place" are words the index drops, and home and
	// on site; "à l'étage" is upstairs; the verbs of everyday software.
	for text, want := range map[string]string{
		"Comment se connecter au VPN depuis chez moi ?":          "vh",
		"Y a-t-il un frigo à l'étage ?":                          "up",
		"Où est-ce qu'on peut manger sur place ?":                "site",
		"Comment masquer une colonne dans Excel ?":               "hide",
		"Comment redémarrer le serveur de build ?":               "restart",
		"Comment désinstaller Zoom de mon ordinateur portable ?": "uninstall",
		"Comment trier les mails par expéditeur dans Outlook ?":  "sort",
		// Chat's clippings: "pro" is work, "perso" personal.
		"Comment je configure mes mails pro sur mon téléphone perso ?": "work-mail",
		"Où trouver des infos sur le plan retraite ?":                  "pension",
		// A French "agenda" is a calendar; an "acompte sur salaire" a
		// salary advance.
		"Comment je partage mon agenda avec mon assistante ?": "calendar",
		"Comment on demande un acompte sur salaire ?":         "advance",
	} {
		if c := considerAsZoe(t, e, text); len(c.Matches) == 0 || c.Matches[0].Question.ID != want || !c.Matches[0].Sure {
			t.Errorf("%q: first match %v, want %s handed back", text, firstMatch(c), want)
		}
	}
	// English writes "pro" too, and its "pros" are no work.
	if terms := translatedTerms(e, "What are the pros and cons of a standing desk?"); terms["work"] {
		t.Errorf("an English text's pros translated as work: %v", terms)
	}
	// "Accéder" is to access, not to accede.
	if terms := translatedTerms(e, "Comment j'accède aux devis dans le CRM ?"); !terms["access"] {
		t.Errorf("accède not translated as access: %v", terms)
	}
}

// translatedTerms returns the terms of the translations of text's words.
func translatedTerms(e *knowledge.Engine, text string) map[string]bool {
	terms := make(map[string]bool)
	for _, translations := range e.Lexicon.TranslateWords(text, e.Index.Words(text)) {
		for _, tr := range translations {
			for _, term := range tr.Terms {
				terms[term] = true
			}
		}
	}
	return terms
}

// considerAsZoe judges text asked by zoe in C1 at day0.
func considerAsZoe(t *testing.T, e *knowledge.Engine, text string) knowledge.Consideration {
	t.Helper()
	c, err := e.Consider(context.Background(), knowledge.Question{Asker: "zoe", Conversation: "C1", Text: text, Time: day0}, knowledge.Viewer{PersonID: "zoe"})
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func firstMatch(c knowledge.Consideration) string {
	if len(c.Matches) == 0 {
		return "none"
	}
	return c.Matches[0].Question.ID + ": " + c.Matches[0].Question.Text
}

// TestFrenchInversionIsNoLetterT asks questions whose verb and pronoun are
// inverted ("y a-t-il", "va-t-on"): the t between them is a sound, and a
// past question about the T drive shares nothing with them.
func TestFrenchInversionIsNoLetterT(t *testing.T) {
	e, _ := mustEngine(t, knowledge.Batch{Questions: []knowledge.Question{
		answered("t1", "C1", "amy", "pat", "Where is the T drive?", day0.AddDate(0, 0, -3)),
		answered("t2", "C1", "ben", "val", "Is the canteen open on Fridays?", day0.AddDate(0, 0, -2)),
	}})
	withLexicon(t, e)
	for _, text := range []string{"Y a-t-il une réunion demain ?", "Va-t-on fermer le bureau en août ?", "A-t-elle signé le contrat ?"} {
		c := considerAsZoe(t, e, text)
		for _, m := range c.Matches {
			if m.Question.ID == "t1" {
				t.Errorf("%q found %q (confidence %.2f)", text, m.Question.Text, m.Confidence)
			}
		}
	}
}

// TestEMailIsEmail asks in French about "l'e-mail" in a history that
// writes "email": the e of electronic is one word with what it prefixes.
func TestEMailIsEmail(t *testing.T) {
	e, _ := mustEngine(t, knowledge.Batch{Questions: []knowledge.Question{
		answered("e1", "C1", "amy", "pat", "How do I set up email on my phone?", day0.AddDate(0, 0, -3)),
		answered("v1", "C1", "ben", "val", "How do I set up the VPN on my phone?", day0.AddDate(0, 0, -2)),
		answered("e2", "C1", "amy", "kit", "Who manages the e-learning platform?", day0.AddDate(0, 0, -1)),
	}})
	withLexicon(t, e)
	for text, want := range map[string]string{
		"Comment configurer mon e-mail sur mon téléphone ?": "e1",
		"Qui gère la plateforme elearning ?":                "e2",
	} {
		c := considerAsZoe(t, e, text)
		if len(c.Matches) == 0 || c.Matches[0].Question.ID != want {
			t.Errorf("%q: first match %v, want %s", text, firstMatch(c), want)
		}
	}
}
