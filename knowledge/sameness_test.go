package knowledge_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"slices"
	"testing"
	"time"

	"github.com/nextdesk/nextdesk/knowledge"
	"github.com/nextdesk/nextdesk/lexicon"
)

// workplace is a small company's history, in English and French: the kind
// of questions whose near-misses an instant answer must never confuse.
var workplace = []string{
	"How do I reconnect to the VPN after my certificate expired?",
	"What is the salary band for a senior engineer?",
	"How do I set up the VPN on my phone for email?",
	"How do I book a meeting room in the Paris office?",
	"Who approves travel expenses above 500 euros?",
	"How do I reset my Okta password?",
	"Where is the wifi password for guests?",
	"How do I request a new laptop?",
	"How many days of holiday do I get in my first year?",
	"How do I add a shared calendar in Outlook?",
	"Which printer on the third floor prints in colour?",
	"How do I get access to the staging database?",
	"Who do I ask for a parking badge?",
	"How do I expense a train ticket?",
	"What is the on-call rota for the payments team?",
	"How do I install the code signing certificate on my Mac?",
	"Comment reconnecter le VPN après l'expiration du certificat ?",
	"Quelle est la grille de salaire pour un ingénieur senior ?",
	"Comment configurer le VPN sur mon téléphone pour la messagerie ?",
	"Comment réserver une salle de réunion au bureau de Lyon ?",
	"Qui valide les notes de frais de formation ?",
	"Comment obtenir un badge pour le parking ?",
	"Comment installer l'imprimante du deuxième étage ?",
	"Où trouver le planning des astreintes ?",
}

// mustWorkplace imports the workplace history, each question answered by
// someone, into a real store and index.
func mustWorkplace(t testing.TB) *knowledge.Engine {
	t.Helper()
	return mustAnswered(t, "q%02d", 5, workplace...)
}

// mustAnswered imports texts as questions of one channel, the i-th with
// id fmt.Sprintf(idFormat, i), each answered by one of experts people and
// the answer accepted, an hour apart; the engine's clock is a month later.
func mustAnswered(t testing.TB, idFormat string, experts int, texts ...string) *knowledge.Engine {
	t.Helper()
	var b knowledge.Batch
	for i, text := range texts {
		q := answered(fmt.Sprintf(idFormat, i), "C1", "asker", fmt.Sprintf("expert%d", i%experts), text, day0.Add(time.Duration(i)*time.Hour))
		q.Answers[0].Accepted = true
		b.Questions = append(b.Questions, q)
	}
	e, _ := mustEngine(t, b)
	e.Now = func() time.Time { return day0.AddDate(0, 1, 0) }
	return e
}

// withLexicon gives e the FreeDict lexicons, the one through German
// behind, as nextdesk loads them; the test is skipped where they are not
// installed.
func withLexicon(t testing.TB, e *knowledge.Engine) {
	t.Helper()
	pairs, err := lexicon.Load(lexicon.DefaultDir)
	if errors.Is(err, lexicon.ErrMissing) {
		t.Skipf("French–English matching needs the FreeDict dictionaries (.ci/run installs them): %v", err)
	}
	if err != nil {
		t.Fatal(err)
	}
	words := e.Index.(*counting).Index.Words
	e.Lexicon = knowledge.NewLexicon(pairs, words)
	if pivot, err := lexicon.LoadPivot(lexicon.DefaultDir); err == nil {
		e.Lexicon.Fallback = knowledge.NewLexicon(pivot, words)
	}
}

// notHandedBack fails the test for each of texts e would answer without
// asking anyone; why says what they are to the past questions.
func notHandedBack(t testing.TB, e *knowledge.Engine, why string, texts ...string) {
	t.Helper()
	for _, text := range texts {
		if m := closest(t, e, text); m.Sure {
			t.Errorf("%q was answered with %q (confidence %.2f): %s", text, m.Question.Text, m.Confidence, why)
		}
	}
}

// handedBack fails the test for each text of want that e would not answer,
// without asking anyone, with the past question of the id it maps to.
func handedBack(t testing.TB, e *knowledge.Engine, want map[string]string) {
	t.Helper()
	for text, id := range want {
		if m := closest(t, e, text); !m.Sure || m.Question.ID != id {
			t.Errorf("%q: got %s %q (confidence %.2f, sure %v), want %s, sure", text, m.Question.ID, m.Question.Text, m.Confidence, m.Sure, id)
		}
	}
}

// closest returns the first of the matches e finds for text asked in C1,
// the zero Match when there is none.
func closest(t testing.TB, e *knowledge.Engine, text string) knowledge.Match {
	t.Helper()
	ms, err := e.Similar(context.Background(), knowledge.Question{Asker: "someone", Conversation: "C1", Text: text}, knowledge.Viewer{PersonID: "someone"})
	if err != nil {
		t.Fatal(err)
	}
	if len(ms) == 0 {
		return knowledge.Match{}
	}
	return ms[0]
}

// TestInstantAnswerNearMisses asks questions that share most of their words
// with a past one but ask something else: none may be answered without
// asking anyone. The same past questions asked in other words must be.
func TestInstantAnswerNearMisses(t *testing.T) {
	e := mustWorkplace(t)
	notHandedBack(t, e, "a near-miss",
		"How do I reconnect the printer after its certificate expired?",
		"What is the salary band for a staff engineer?",
		"How do I set up the VPN on my phone for Slack?",
		"How do I book a meeting room in the Lyon office?",
		"Who approves training expenses above 500 euros?",
		"How do I reset my Jira password?",
		"How do I request a new monitor?",
		"How do I install the printer certificate on my Mac?",
		"Comment reconnecter l'imprimante après l'expiration du certificat ?",
		"Quelle est la grille de salaire pour un ingénieur staff ?",
		"Comment configurer le VPN sur mon téléphone pour Slack ?",
		"Comment réserver une salle de réunion au bureau de Paris ?",
		"Qui valide les notes de frais de voyage ?",
		"How do I add a shared mailbox in Outlook?",
		"How many days of sick leave do I get in my first year?",
		"How do I get access to the production database?",
		"What is the on-call rota for the billing team?",
		"Where is the wifi password for employees?",
		"How do I expense a taxi ride?",
		"Which printer on the second floor prints in colour?",
		"Où trouver le planning des congés ?",
		"Comment obtenir un badge pour la cantine ?",
		"Comment installer l'imprimante du troisième étage ?",
		"Comment réserver une salle de réunion au bureau de Nantes ?",
		// Across languages: the words that match through the lexicon
		// must not hide the one that does not.
		"Comment réinitialiser mon mot de passe Jira ?",
		"Qui valide les frais de formation au-dessus de 500 euros ?",
		"Comment demander un nouvel écran ?",
		// The index drops "above" and "below" as it drops "the": only
		// the texts tell which way the question goes.
		"Who approves travel expenses below 500 euros?",
	)
	for text, want := range map[string]string{
		"My certificate expired: how can I reconnect to the VPN?":        workplace[0],
		"salary band senior engineer?":                                   workplace[1],
		"Setting up the VPN for email on my phone":                       workplace[2],
		"Who approves travel expenses over 500 euros?":                   workplace[4],
		"Reset Okta password":                                            workplace[5],
		"Après l'expiration du certificat, comment reconnecter le VPN ?": workplace[16],
		"Grille de salaire d'un ingénieur senior ?":                      workplace[17],
		"Comment faire pour obtenir un badge de parking ?":               workplace[21],
		"Configurer la messagerie sur mon téléphone avec le VPN":         workplace[18],
	} {
		if m := closest(t, e, text); !m.Sure || m.Question.Text != want {
			t.Errorf("%q: got %q (confidence %.2f, sure %v), want %q, sure", text, m.Question.Text, m.Confidence, m.Sure, want)
		}
	}
}

// TestInstantAnswerNearMissesAcrossLanguages asks, in the other language,
// near-misses of the workplace's questions: the words that match through
// the lexicon must not hide the one that does not. The same questions,
// truly translated, must find their twin first.
func TestInstantAnswerNearMissesAcrossLanguages(t *testing.T) {
	e := mustWorkplace(t)
	withLexicon(t, e)
	notHandedBack(t, e, "a near-miss",
		"Comment réinitialiser mon mot de passe Jira ?",
		"Où est le mot de passe du wifi pour les employés ?",
		"Comment demander un nouvel écran ?",
		"Qui valide les frais de formation au-dessus de 500 euros ?",
		"Which printer on the second floor prints in colour?",
		"How do I book a meeting room in the Nantes office?",
		"What is the salary band for a staff engineer?",
	)
	for text, want := range map[string]string{
		"Comment réinitialiser mon mot de passe Okta ?":     workplace[5],
		"Où est le mot de passe du wifi pour les invités ?": workplace[6],
		"Comment demander un nouvel ordinateur portable ?":  workplace[7],
	} {
		if m := closest(t, e, text); m.Question.Text != want {
			t.Errorf("%q: first match %q, want %q", text, m.Question.Text, want)
		}
	}
}

// TestInstantAnswerOppositeWays asks questions that share every word the
// index keeps with a past one but go the other way: above or below an
// amount, before (or within) or after, with or without, with "non" or
// not, signing in or out, switching on or off, up or down, rolling back
// or out. None may be answered without asking anyone; the same questions
// asked the same way, in other words, must be.
func TestInstantAnswerOppositeWays(t *testing.T) {
	e := mustAnswered(t, "q%d", 6,
		"Who approves expenses above 500 euros?",
		"What should I back up before the laptop migration?",
		"Can I join the VPN without a certificate?",
		"Why can't I sign in to Okta on my phone?",
		"How do I turn off the screen lock on my laptop?",
		"Qui valide les achats de plus de 1000 euros ?",
		"How do I scroll down in a shared Excel sheet?",
		"Is the staging server up?",
		"A customer asks for a refund after 30 days, what do we do?",
		"Le délai de première réponse sur les tickets Zendesk prioritaires, c'est combien ?",
		"How do I roll back a deploy of the billing service?",
	)
	notHandedBack(t, e, "it goes the other way",
		"Le délai de première réponse sur les tickets Zendesk non prioritaires, c'est combien ?",
		"Le délai de première réponse sur les tickets Zendesk non-prioritaires, c'est combien ?",
		"A customer asks for a refund within 30 days, what do we do?",
		"Who approves expenses below 500 euros?",
		"Who approves expenses under 500 euros?",
		"What should I back up after the laptop migration?",
		"Can I join the VPN with a certificate?",
		"Why can't I sign out of Okta on my phone?",
		"How do I turn on the screen lock on my laptop?",
		"Qui valide les achats de moins de 1000 euros ?",
		"How do I scroll up in a shared Excel sheet?",
		"Is the staging server down?",
		"How do I roll out a deploy of the billing service?",
		"How do I roll it out, the billing service deploy?",
	)
	handedBack(t, e, map[string]string{
		"Expenses over 500 euros: who approves them?":                                    "q0",
		"Before the laptop migration, what should I back up?":                            "q1",
		"Joining the VPN without a certificate, can I?":                                  "q2",
		"Can I join the VPN with no certificate?":                                        "q2",
		"Okta: why can't I sign in on my phone?":                                         "q3",
		"Turn off the laptop screen lock, how?":                                          "q4",
		"Les achats de plus de 1000 euros, qui les valide ?":                             "q5",
		"In a shared Excel sheet, how do I scroll down?":                                 "q6",
		"Is the staging server up again?":                                                "q7",
		"A customer asks for a refund after 30 days, what should we do?":                 "q8",
		"Les tickets Zendesk prioritaires, le délai de première réponse c'est combien ?": "q9",
		"A billing service deploy: how do I roll it back?":                               "q10",
	})
}

// TestInstantAnswerOtherPeriod asks about another period than a past
// question: "this year" against "next year", "this quarter" against "last
// quarter", which differ by a word the analysis drops ("this", "cette")
// and one it keeps. None may be answered without asking anyone; the same
// periods asked in other words must be.
func TestInstantAnswerOtherPeriod(t *testing.T) {
	e := mustAnswered(t, "q%d", 3,
		"When is the budget for next year approved?",
		"Where is the sales report for last quarter?",
		"Où trouver les fiches de paie de l'année dernière ?",
		"How many days off do I have left this year?",
	)
	notHandedBack(t, e, "it is about another period",
		"When is the budget for this year approved?",
		"Where is the sales report for this quarter?",
		"Où trouver les fiches de paie de cette année ?",
		"How many days off do I have left next year?",
	)
	handedBack(t, e, map[string]string{
		"Next year's budget: when is it approved?":         "q0",
		"Where is last quarter's sales report?":            "q1",
		"Où sont les fiches de paie de l'année dernière ?": "q2",
		"How many days off are left this year?":            "q3",
	})
}

// TestInstantAnswerAsksForAnotherThing asks for another kind of answer
// than a past question about the same thing: a time for a person, a reason
// for a time, a length for a start. The question words that say it are
// dropped by the index, so the two keep the same words. None may be
// answered without asking anyone; the same questions asked with another
// opening, or with a question word that asks for no kind in particular
// ("What is the deadline?" for "When is the deadline?"), or with a
// "when" that opens a clause or a "who" that calls for help, must be.
func TestInstantAnswerAsksForAnotherThing(t *testing.T) {
	e := mustAnswered(t, "q%d", 3,
		"Who approves travel expenses above 500 euros?",
		"When is the office closed for Christmas?",
		"How long is parental leave for fathers?",
		"Qui valide les notes de frais de formation ?",
		"What is the deadline for timesheets?",
		"Why does Outlook crash when I open it?",
		"C'est où le séminaire annuel cette année ?",
		"Combien de temps on garde les logs dans Datadog ?",
		"How much does the Figma licence cost per year?",
		"Combien dure la formation Excel ?",
	)
	notHandedBack(t, e, "it asks for another kind of answer",
		"When are travel expenses above 500 euros approved?",
		"Hi all, when are travel expenses above 500 euros approved?",
		"Why is the office closed for Christmas?",
		"When does parental leave for fathers start?",
		"Quand sont validées les notes de frais de formation ?",
		// French chat asks last, or after "c'est".
		"Les notes de frais de formation, c'est validé quand ?",
		"C'est quand qu'on valide les notes de frais de formation ?",
		"C'est quand le séminaire annuel cette année ?",
		// How much, asked anywhere.
		"Les notes de frais de formation, faut les valider sous combien de jours ?",
		"Training expense reports: do you know how many days we have to approve them?",
		// How long, and what it costs.
		"Combien coûte la rétention des logs dans Datadog ?",
		"How long does the Figma licence last per year?",
		"Combien coûte la formation Excel ?",
		"How long is the Figma licence per year?",
	)
	handedBack(t, e, map[string]string{
		"Does anyone know who approves travel expenses above 500 euros?": "q0",
		"Is the office closed for Christmas?":                            "q1",
		"Parental leave for fathers: how long is it?":                    "q2",
		"Les notes de frais de formation, qui les valide ?":              "q3",
		"Les notes de frais de formation, c'est validé par qui ?":        "q3",
		"When is the deadline for timesheets?":                           "q4",
		// "When I…" opens a clause, "Who can help?" calls for help, and
		// "Who knows why…?" asks why.
		"When I open Outlook it crashes. Who can help?":          "q5",
		"Outlook crashes when I open it. Who knows why?":         "q5",
		"Hello, c'est où le séminaire annuel cette année ?":      "q6",
		"Les logs dans Datadog, on les garde combien de jours ?": "q7",
		"The Figma licence, how much does it cost per year?":     "q8",
	})
}

// TestInstantAnswerMayOrMust asks whether one must where a past question
// asked whether one may, and the other way round: the modals are dropped
// by the index. None may be answered without asking anyone; the same
// question asked with another modal of the same sense, or asking how,
// must be.
func TestInstantAnswerMayOrMust(t *testing.T) {
	e := mustAnswered(t, "q%d", 3,
		"Can I work from home on Fridays?",
		"Do I need to book a desk in the Lyon office?",
		"Puis-je apporter mon chien au bureau ?",
	)
	notHandedBack(t, e, "it asks whether one must, not whether one may, or the other way round",
		"Do I have to work from home on Fridays?",
		"Hi all, must I work from home on Fridays?",
		"Can I book a desk in the Lyon office?",
		"Dois-je apporter mon chien au bureau ?",
		// French chat asks by its intonation alone.
		"Je dois apporter mon chien au bureau ?",
	)
	notHandedBack(t, e, "it asks when, not whether one may",
		"When can I work from home on Fridays?",
		"Je peux apporter mon chien au bureau à partir de quand ?",
	)
	handedBack(t, e, map[string]string{
		"How can I work from home on Fridays?":               "q0",
		"Je peux apporter mon chien au bureau ?":             "q2",
		"Do we need to book a desk in the Lyon office?":      "q1",
		"Est-ce que je peux apporter mon chien au bureau ?":  "q2",
		"Is it mandatory to book a desk in the Lyon office?": "q1",
		"Is it possible to work from home on Fridays?":       "q0",
		"C'est possible d'apporter mon chien au bureau ?":    "q2",
		"possible d'apporter mon chien au bureau ?":          "q2",
	})
	notHandedBack(t, e, "it asks whether one must, not whether one may",
		"Is it possible to book a desk in the Lyon office?",
	)
}

// TestInstantAnswerNegatedQuestion asks for the others than a past
// question: "Which meeting rooms don't have a projector?" keeps every word
// of "Which meeting rooms have a projector?". None may be answered
// without asking anyone. A problem reported with or without a negation,
// or asked why, asks the same, and the t of "y a-t-il" negates nothing.
func TestInstantAnswerNegatedQuestion(t *testing.T) {
	e := mustAnswered(t, "q%d", 3,
		"Which meeting rooms have a projector?",
		"Who has submitted their timesheet for March?",
		"Quelles salles ont un vidéoprojecteur ?",
		"Why doesn't the VPN connect on my phone?",
		"Is the printer on the third floor working?",
		"Combien de salles au bureau de Lyon ?",
	)
	notHandedBack(t, e, "it asks for the others",
		"Which meeting rooms don't have a projector?",
		"Which meeting rooms have no projector?",
		"Who hasn't submitted their timesheet for March?",
		"Quelles salles n'ont pas de vidéoprojecteur ?",
	)
	handedBack(t, e, map[string]string{
		"Which rooms have a projector?":                  "q0",
		"Why does the VPN fail to connect on my phone?":  "q3",
		"Is the printer on the third floor not working?": "q4",
		"Combien de salles y a-t-il au bureau de Lyon ?": "q5",
	})
}

// TestInstantAnswerNegatedWhy asks why something is so of a past question
// asking why it is not, and the other way round: they ask opposite things,
// unless the question not negated says the failure in a word ("fail",
// "unable", "échoue"). Chat French drops the "ne" of "ne… plus".
func TestInstantAnswerNegatedWhy(t *testing.T) {
	e := mustAnswered(t, "q%d", 3,
		"Why can I see the finance channel?",
		"Why can't I edit the roadmap page?",
		"Pourquoi je ne reçois pas les notifications Jira ?",
		"Why doesn't the VPN connect on my phone?",
		"Pourquoi le VPN ne se connecte pas sur mon téléphone ?",
		"How do I book a meeting room?",
	)
	withLexicon(t, e)
	notHandedBack(t, e, "it asks why the opposite is so",
		"Why can't I see the finance channel?",
		"Why can I edit the roadmap page?",
		"Pourquoi je reçois les notifications Jira ?",
		"Pourquoi je ne peux pas voir le canal finance ?",
	)
	handedBack(t, e, map[string]string{
		"Why am I able to see the finance channel?":                       "q0",
		"Why am I unable to edit the roadmap page?":                       "q1",
		"Pourquoi je ne peux pas modifier la page roadmap ?":              "q1",
		"Why does the VPN fail to connect on my phone?":                   "q3",
		"Pourquoi je n'arrive pas à connecter le VPN sur mon téléphone ?": "q4",
		"Pourquoi le VPN se connecte plus sur mon téléphone ?":            "q4",
		"Pourquoi je reçois plus les notifications Jira ?":                "q2",
	})
}

// TestInstantAnswerNoLonger asks, in the other language, past questions
// that say something no longer works with "ne… plus" or "no longer": the
// word that only negates is no word of meaning the other lacks, and a verb
// after a negation ("can't approve", "ne peux plus valider") stands as a
// verb. Another verb, or another thing, is another question.
func TestInstantAnswerNoLonger(t *testing.T) {
	askAgain(t, []askedAgain{{
		name: "no longer",
		history: []string{
			"J'ai perdu mon téléphone et je ne peux plus valider le MFA",
			"My Outlook calendar no longer syncs on my phone",
		},
		same: map[string]int{
			"I lost my phone and I can't approve MFA":                         0,
			"Mon calendrier Outlook ne se synchronise plus sur mon téléphone": 1,
		},
		near: []string{
			"I lost my phone and I can't reset MFA",
			"I lost my badge and I can't approve MFA",
			"Mes contacts Outlook ne se synchronisent plus sur mon téléphone",
		},
		why: "it asks about another thing",
	}})
}

// TestInstantAnswerNearFuture asks past questions again saying their time
// is soon ("je vais", "going to"), which asks the same; another thing, or
// going somewhere, is another question.
func TestInstantAnswerNearFuture(t *testing.T) {
	askAgain(t, []askedAgain{{
		name: "near future",
		history: []string{
			"I'm going to be a dad in March, how do I request paternity leave?",
			"On va déménager à Lyon, comment je change mon adresse dans Workday ?",
		},
		same: map[string]int{
			"Je vais être papa en mars, comment je demande mon congé paternité ?":    0,
			"We are going to move to Lyon, how do I change my address in Workday?":   1,
			"Je vais déménager à Lyon, comment je change mon adresse dans Workday ?": 1,
		},
		near: []string{
			"Je vais être papa en mars, comment je demande une place en crèche ?",
			"On va déménager à Lyon, comment je change mon RIB dans Workday ?",
		},
		why: "it asks about another thing",
	}})
}

// TestInstantAnswerOtherWayRound asks for the way back between the same
// two ends as a past question: "from the office to the airport" keeps
// every word of "from the airport to the office"; and from the one end a
// past question goes to ("a taxi from the airport", "to the airport"). None may be answered
// without asking anyone; the same way said in another order must be.
func TestInstantAnswerOtherWayRound(t *testing.T) {
	e := mustAnswered(t, "q%d", 3,
		"How do I get from the airport to the office?",
		"How do I move a ticket from Jira to GitHub?",
		"Comment passer d'Outlook à Gmail ?",
		"Who translates documents from French to English?",
		"Can I expense a taxi to the airport?",
		"How do I migrate to Gmail?",
		"How do I copy files from the shared drive?",
	)
	notHandedBack(t, e, "it goes the other way round",
		"How do I get from the office to the airport?",
		"How do I move a ticket from GitHub to Jira?",
		"Comment passer de Gmail à Outlook ?",
		"Who translates documents from English to French?",
		"Can I expense a taxi from the airport?",
		"How do I migrate from Gmail?",
		"How do I copy files to the shared drive?",
	)
	handedBack(t, e, map[string]string{
		"How do I get to the office from the airport?":       "q0",
		"How can I move a ticket from Jira to GitHub?":       "q1",
		"Comment passer d'Outlook vers Gmail ?":              "q2",
		"Who translates documents from French into English?": "q3",
		"Can I claim a taxi to the airport?":                 "q4",
		"How can I migrate to Gmail?":                        "q5",
		"How can I copy files from the shared drive?":        "q6",
	})
}

// TestInstantAnswerRestriction asks questions that add a phrase
// restricting what a past one asks, or leave its restriction out: "How
// long is parental leave?" against "…for fathers?", "…after an outage"
// against the restart it asks about. None may be answered without asking
// anyone. A compound named in short ("une salle" for "une salle de
// réunion"), a restriction said in other words, and the place many
// questions of the history are asked in ("in Doha") are no restriction.
func TestInstantAnswerRestriction(t *testing.T) {
	e := mustAnswered(t, "q%d", 3,
		"How long is parental leave for fathers?",
		"How do I rotate the AWS access keys for the billing service?",
		"How do I restart the staging Kubernetes cluster?",
		"How do I order business cards?",
		"Is there a bike parking at the Lyon office?",
		"Comment réserver une salle de réunion au bureau de Lyon ?",
		"Who approves expense reports?",
		"Est-ce que je peux bosser depuis l'Espagne pendant un mois ?",
		"Are we having a fire drill this month?",
		"Comment obtenir une place de parking ?",
	)
	notHandedBack(t, e, "a restriction one has and the other lacks",
		"Comment obtenir une place de parking à Toulouse ?",
		// A restriction with another amount ("un" is an article to
		// the analysis).
		"Est-ce que je peux bosser depuis l'Espagne pendant six mois ?",
		"Est-ce que je peux bosser depuis l'Espagne pendant 3 mois ?",
		"Who approves expense reports over $5,000?",
		"Who approves expense reports above 5.000 euros?",
		"How long is parental leave?",
		"How do I rotate the AWS access keys?",
		"How do I restart the staging Kubernetes cluster after an outage?",
		"How do I order business cards for a new hire?",
		"Is there a bike parking with chargers at the Lyon office?",
		// A period ends a restriction, and is compared on its own.
		"Are we having a fire drill at the Lyon site this month?",
	)
	handedBack(t, e, map[string]string{
		"How long is the parental leave for a father?":         "q0",
		"Rotating AWS access keys for the billing service":     "q1",
		"How can I restart the Kubernetes cluster in staging?": "q2",
		"Is there bike parking at the Lyon office?":            "q4",
		"Comment réserver une salle au bureau de Lyon ?":       "q5",
		"Je peux bosser depuis l'Espagne pendant un mois ?":    "q7",
		"Hi all, are we having a fire drill this month?":       "q8",
		"Comment avoir une place de parking ?":                 "q9",
	})

	// Between the two languages, a restriction no translation of the
	// other question holds.
	e = mustAnswered(t, "x%d", 3,
		"How do I contact HR?",
		"How long is parental leave for fathers?",
		"How do I restart the staging Kubernetes cluster?",
	)
	withLexicon(t, e)
	notHandedBack(t, e, "a restriction one has and the other lacks",
		"Comment contacter les RH en Italie ?",
		"Comment redémarrer le cluster Kubernetes de préproduction après une panne ?",
	)
	handedBack(t, e, map[string]string{
		"Comment contacter les RH ?":                             "x0",
		"Quelle est la durée du congé parental pour les pères ?": "x1",
	})

	inDoha := []string{"Where can I buy a bike in Doha?"}
	for _, thing := range []string{"a sofa", "a printer", "a used car", "fresh fish", "a kettle", "a guitar", "running shoes", "a mattress"} {
		inDoha = append(inDoha, "Where can I sell "+thing+" in Doha?", "Where can I buy "+thing+"?", "Who repairs "+thing+"?")
	}
	e = mustAnswered(t, "d%d", 3, inDoha...)
	handedBack(t, e, map[string]string{"Where can I buy a bike?": "d0"})
}

// TestInstantAnswerAcrossLanguages asks, in French, questions an English
// history already answered: the old question's words are found in the new
// one through its translations as the new one's are in the old, so a true
// translation is handed back, and a near-miss is not.
func TestInstantAnswerAcrossLanguages(t *testing.T) {
	e := mustAnswered(t, "q%d", 6,
		"Where is the wifi password?",
		"How do I reset my password?",
		"Who fixes the coffee machine?",
		"Is the canteen open on Saturday?",
		"How do I book a meeting room?",
		"Where can I find the printer drivers?",
		"How do I share my screen in Teams?",
		"What time does the canteen close?",
		"What a wonderful day!",
		"What other options do I have?",
	)
	withLexicon(t, e)
	handedBack(t, e, map[string]string{
		"Où est le mot de passe du wifi ?":        "q0",
		"Qui répare la machine à café ?":          "q2",
		"La cantine est-elle ouverte le samedi ?": "q3",
		"Comment partager mon écran dans Teams ?": "q6",
		"À quelle heure ferme la cantine ?":       "q7",
		"Quelles autres options ai-je ?":          "q9",
	})
	notHandedBack(t, e, "a near-miss",
		"Où est le mot de passe de la messagerie ?",
		"Qui répare la machine à laver ?",
		"La cantine est-elle ouverte le dimanche ?",
		"Où trouver les pilotes du scanner ?",
		"Comment partager mon calendrier dans Teams ?",
		"À quelle heure ferme la salle de sport ?",
		"Comment réserver une salle de sport ?",
		"Combien de jours de congé ?",
	)
}

// TestInstantAnswerThroughEitherQuestionsWords asks French questions whose
// words the English twin holds through the French words' own translations
// ("vu" is "see") but hardly through the English words' ("see" has seven
// translations, "voir" one of them): the twin is found, and sure, while a
// question of one word it shares is not.
func TestInstantAnswerThroughEitherQuestionsWords(t *testing.T) {
	e := mustAnswered(t, "q%d", 3,
		"Did anyone see the projector remote?",
		"Projectors",
		"Did you see anyone on the beach?",
		"Beaches",
		"Where is the coffee machine?",
	)
	withLexicon(t, e)
	handedBack(t, e, map[string]string{
		"Quelqu'un a-t-il vu la télécommande du projecteur ?": "q0",
		"Avez-vous vu qui que ce soit sur la plage ?":         "q2",
	})
}

// TestInstantAnswerTerseRewordings asks the workplace's questions as people
// type them, with words left out that say nothing more ("the Paris
// office", "the staging database", "a new laptop"): they are the same
// questions. A word only the old question has cannot be told from a
// qualifier by its rarity ("a senior engineer"), so it is no conflict.
func TestInstantAnswerTerseRewordings(t *testing.T) {
	e := mustWorkplace(t)
	handedBack(t, e, map[string]string{
		"How do I book a meeting room in Paris?":         "q03",
		"Guest wifi password?":                           "q06",
		"How to request a laptop?":                       "q07",
		"How many holidays in the first year?":           "q08",
		"How do I get access to staging?":                "q11",
		"Payments on-call rota?":                         "q14",
		"Comment réserver une salle au bureau de Lyon ?": "q19",
		"Où est le planning des astreintes ?":            "q23",
	})
}

// TestInstantAnswerMisspelt asks the workplace's questions as typed in a
// hurry, a word misspelt by one letter left out, added, changed or two
// swapped: they are the same questions. A word the workspace writes in
// two questions is its own, not a misspelling, two words one edit apart
// that begin differently are two words, and so are two that only a
// doubled letter written once makes one edit apart ("offboarding").
func TestInstantAnswerMisspelt(t *testing.T) {
	e := mustAnswered(t, "q%02d", 5, append(slices.Clone(workplace),
		"How do I get access to a locker?",
		"Who owns the Looker dashboards?",
		"Looker is slow today, is it down?",
		"Where is the onboarding checklist for engineers?",
	)...)
	withLexicon(t, e)
	handedBack(t, e, map[string]string{
		"How do I requesst a new laptop?":              "q07",
		"How do I add a shared calandar in Outlook?":   "q09",
		"Who approves travel expnses above 500 euros?": "q04",
		"Comment obtenir un bagde pour le parking ?":   "q21",
		"Where is the wifi pasword for guests?":        "q06",
	})
	notHandedBack(t, e, "the word is another word, not a misspelling",
		"How do I get access to Looker?",
		"How do I set up the VPN on my phone for gmail?",
		"Where is the offboarding checklist for engineers?",
	)
}

// TestInstantAnswerNameNotMisspelt asks about a word one letter from a
// name the history holds once: a word written with a capital inside a
// sentence is a name, no misspelling, either way round. A word misspelt
// beside the name is still read as its word.
func TestInstantAnswerNameNotMisspelt(t *testing.T) {
	e := mustAnswered(t, "q%d", 3,
		"How do I get access to Looker?",
		"Where can I store my bike?",
		"Where is the wifi password for guests?",
		"How do I book a meeting room?",
	)
	withLexicon(t, e)
	notHandedBack(t, e, "the name is not the word misspelt",
		"How do I get access to a locker?",
	)
	handedBack(t, e, map[string]string{
		"How do I get acess to Looker?":         "q0",
		"Where is the wifi pasword for guests?": "q2",
		"How do I get access to looker?":        "q0",
	})
}

// askedAgain is a case of past questions asked again: the questions
// that ask what one of them asks, and the near-misses that do not.
type askedAgain struct {
	name    string
	history []string
	same    map[string]int // a question asked → the past one it asks, by index
	near    []string
	why     string // what the near-misses are to the past questions
}

// askAgain runs each case as a subtest, on its own history with the
// lexicons: each same question must be handed back its past one, and no
// near-miss anything.
func askAgain(t *testing.T, cases []askedAgain) {
	t.Helper()
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			e := mustAnswered(t, "q%d", 3, c.history...)
			withLexicon(t, e)
			want := make(map[string]string, len(c.same))
			for text, i := range c.same {
				want[text] = fmt.Sprintf("q%d", i)
			}
			handedBack(t, e, want)
			notHandedBack(t, e, c.why, c.near...)
		})
	}
}

// TestInstantAnswerWrittenOtherwise asks past questions again with a word
// written otherwise, each case one way of writing it: they are the same
// questions, while the near-misses beside them are not.
func TestInstantAnswerWrittenOtherwise(t *testing.T) {
	askAgain(t, []askedAgain{
		// A compound written closed where the past question writes it open or
		// hyphenated, and the other way round.
		{
			name: "compound",
			history: []string{
				"Where is the time sheet template?",
				"How do I change my username in Jira?",
				"Is the health care plan open to families?",
				"Where is the wifi password for guests?",
			},
			same: map[string]int{
				"Where is the timesheet template?":         0,
				"How do I change my user name in Jira?":    1,
				"Is the healthcare plan open to families?": 2,
				"Where is the wi-fi password for guests?":  3,
			},
			near: []string{
				"Where is the time table template?",
				"How do I change my user group in Jira?",
			},
			why: "the two words make another word",
		},
		// A number written as an ordinal where the past question writes the
		// number, and the other way round.
		{
			name: "ordinal",
			history: []string{
				"Is the office closed on May 1?",
				"What is the wifi password on floor 3?",
				"Quel est le code de la porte du 2e étage ?",
			},
			same: map[string]int{
				"Is the office closed on the 1st of May?":      0,
				"What is the wifi password on the 3rd floor?":  1,
				"Quel est le code de la porte du 2ème étage ?": 2,
			},
			near: []string{
				"Is the office closed on the 8th of May?",
				"What is the wifi password on the 4th floor?",
				"Quel est le code de la porte du 3ème étage ?",
			},
			why: "another day or floor",
		},
		// A number written in figures where the past question writes it in
		// words, and the other way round.
		{
			name: "number in words",
			history: []string{
				"Can I take two days off in a row?",
				"Where is the meeting room on the third floor?",
				"Quel est le code wifi du troisième étage ?",
				"Faut-il 3 signatures pour un achat ?",
			},
			same: map[string]int{
				"Can I take 2 days off in a row?":          0,
				"Where is the meeting room on floor 3?":    1,
				"Quel est le code wifi du 3e étage ?":      2,
				"Faut-il trois signatures pour un achat ?": 3,
			},
			near: []string{
				"Can I take 3 days off in a row?",
				"Quel est le code wifi du quatrième étage ?",
				"Faut-il deux signatures pour un achat ?",
			},
			why: "another number",
		},
		// A word clipped or contracted where the past question writes it
		// whole, and the other way round, unless the shorter word is a word of
		// its own or does not end as the longer one does.
		{
			name: "clipped",
			history: []string{
				"How do I connect to the production database?",
				"Where do I change the configuration of the VPN client?",
				"Comment réserver un ordinateur portable pour un stagiaire ?",
				"Où trouver le récap des congés ?",
				"Where is the password for the guest wifi?",
				"Where is the keyboard for the meeting room?",
				"Which department handles the badges?",
				"How do I read a message in Teams?",
				"Where is the API documentation?",
				"How do I deploy to prod?",
				"Where is the repo for the billing service?",
				"How do I install the app on my phone?",
			},
			same: map[string]int{
				"How do I connect to the prod database?":                0,
				"How do I deploy to production?":                        9,
				"Where is the repository for the billing service?":      10,
				"How do I install the application on my phone?":         11,
				"Where do I change the config of the VPN client?":       1,
				"Comment réserver un ordi portable pour un stagiaire ?": 2,
				"Où trouver le récapitulatif des congés ?":              3,
				"Which dept handles the badges?":                        6,
				"How do I read a msg in Teams?":                         7,
			},
			near: []string{
				"Where is the pass for the guest wifi?",
				"Where is the key for the meeting room?",
				"Where is the application documentation?",
				"How do I deploy the product?",
				"Where is the reporting for the billing service?",
			},
			why: "the shorter word is a word of its own, ends otherwise, or stands for another word",
		},
		// An acronym where the past question writes the phrase, and the other
		// way round, unless the letters make a word of their own.
		{
			name: "acronym",
			history: []string{
				"How many days of paid time off do interns get?",
				"Who approves work from home requests?",
				"How do I set up multi-factor authentication on Okta?",
				"Combien de jours de réduction du temps de travail avons-nous ?",
				"Who reviews the pull requests for the billing service?",
				"Is the HR team in Lyon?",
				"Where do I get a new access pass?",
				"How do I create a purchase order in SAP?",
				"How do I whitelist an IP in the prod security group?",
			},
			same: map[string]int{
				"How many PTO days do interns get?":            0,
				"Who approves wfh requests?":                   1,
				"How do I set up MFA on Okta?":                 2,
				"Combien de jours de RTT avons-nous ?":         3,
				"Who reviews the PRs for the billing service?": 4,
				"Is the human resources team in Lyon?":         5,
				"how to create a PO in SAP":                    7,
			},
			near: []string{
				"Where do I get a new nap?",
				"Who reviews the pr for the billing service?",
				// "IP in the prod…" spells no IP.
				"How do I whitelist an IP in the staging security group?",
			},
			why: "the letters make a word, or two small letters too many, or the acronym spells itself",
		},
		// A British spelling where the past question is spelt the American way,
		// and the other way round, and American English where the past one is
		// in French, whose dictionaries spell English the British way.
		{
			name: "British spelling",
			history: []string{
				"How do I organize a team event in Lyon?",
				"What colour is the company logo?",
				"Which centre handles the badge requests?",
				"Where do I get a software license for Figma?",
				"Who can analyze the sales figures?",
			},
			same: map[string]int{
				"How do I organise a team event in Lyon?":          0,
				"Comment organiser un événement d'équipe à Lyon ?": 0,
				"What color is the company logo?":                  1,
				"Which center handles the badge requests?":         2,
				"Where do I get a software licence for Figma?":     3,
				"Who can analyse the sales figures?":               4,
			},
		},
		// Greetings and thanks around a past question.
		{
			name: "courtesy",
			history: []string{
				"How do I renew my badge?",
				"Comment réserver une salle ?",
				"Where is the VPN guide?",
			},
			same: map[string]int{
				"Hi, how do I renew my badge? Thanks!":          0,
				"Bonjour, comment réserver une salle ? Merci !": 1,
				"Hello, where is the VPN guide please? Cheers":  2,
			},
		},
		// Adverbs and prepositions that say how a question is put.
		{
			name: "fillers",
			history: []string{
				"How do I rebase my branch on main?",
				"Why is Outlook crashing on my Mac?",
				"Comment réserver une salle ?",
				"How do I get read access to the prod database?",
				"What should I do if I clicked a link in a phishing email?",
			},
			same: map[string]int{
				"I think I clicked on a phishing link, what should I do?": 4,
				"How to rebase my branch onto main?":                      0,
				"Why is Outlook still crashing on my Mac?":                1,
				"Comment réserver déjà une salle, vraiment ?":             2,
				"How can I get read access to the production DB?":         3,
				"Why is Outlook actually crashing on my Mac, anyway?":     1,
				"Why does Outlook usually crash on my Mac?":               1,
				"Comment réserver une salle, normalement ?":               2,
			},
			near: []string{
				"How do I rebase my branch on develop?",
				"Why is Outlook crashing on my iPhone?",
			},
			why: "it asks about another thing",
		},
	})
}

// TestInstantAnswerVerbsAskingAlike asks past questions again with another
// verb that asks the same thing: another verb of getting, another way to
// say switching on or off, signing in or out, or setting up. The
// near-misses use a verb of getting as a noun naming another thing, or
// with a word after it that makes another verb, or switch the other way.
func TestInstantAnswerVerbsAskingAlike(t *testing.T) {
	askAgain(t, []askedAgain{
		{
			name: "getting",
			history: []string{
				"How do I order business cards?",
				"Comment poser un jour de télétravail ?",
				"How do I claim my gym membership reimbursement?",
				"What is the status of my purchase order?",
				"How do I get to the Lyon office?",
				"How do I return a book to the library?",
				"Où trouver le planning des astreintes ?",
				"Comment obtenir une place de parking ?",
				"How do I book a desk on the fourth floor?",
				"Where do I find the expense policy for travel?",
			},
			same: map[string]int{
				"How can I get business cards?":                    0,
				"Comment demander un jour de télétravail ?":        1,
				"How can I get my gym membership reimbursement?":   2,
				"Où puis-je demander le planning des astreintes ?": 6,
				"Comment reserver une place de parking ?":          7,
				"How can I reserve a desk on the 4th floor?":       8,
			},
			near: []string{
				"What is the status of my purchase request?",
				"How do I return an order to the library?",
				"How do I book the Lyon office?",
				"How do I order a desk on the fourth floor?",
				"How do I claim travel expenses?",
			},
			why: "the verb of getting is a noun there, another verb, or another way to get",
		},
		{
			name: "conjugated from English",
			history: []string{
				"Comment réserver une salle de réunion au siège ?",
				"Comment mettre à jour le fichier de suivi des congés ?",
				"Comment annuler une salle de réunion au siège ?",
				"Where is the canteen?",
			},
			same: map[string]int{
				"Comment on booke une salle de réunion au siège ?": 0,
				"Comment updater le fichier de suivi des congés ?": 1,
			},
			near: []string{
				"Comment supprimer le fichier de suivi des congés ?",
			},
			why: "it asks to do another thing",
		},
		{
			name: "opening the text",
			history: []string{
				"Books",
				"Book a desk for Monday",
				"Where is the canteen?",
			},
			same: map[string]int{
				"Reserve a desk for Monday": 1,
				"Booking a desk for Monday": 1,
			},
			near: []string{
				"How do I request a refund for a train booking?",
			},
			why: "a title of one word names a thing, not what a verb asks",
		},
		{
			// "commander" is one of the many French senses "order" has,
			// and "order" one of "commander"'s: by the dictionaries alone
			// each holds the other in part.
			name: "ordering across languages",
			history: []string{
				"How do I order business cards?",
				"Who prints the business cards?",
			},
			same: map[string]int{
				"Comment commander des cartes de visite ?": 0,
			},
		},
		{
			name: "switching and signing",
			history: []string{
				"How do I turn off notifications in Slack?",
				"How do I log in to Jira from home?",
				"Comment se déconnecter de Teams ?",
				"How do I enable the screen lock on my laptop?",
				"How do I enable two-factor authentication?",
			},
			same: map[string]int{
				"How do I disable notifications in Slack?":             0,
				"Comment désactiver les notifications dans Slack ?":    0,
				"How do I sign in to Jira from home?":                  1,
				"How do I sign into Jira from home?":                   1,
				"How do I sign out of Teams?":                          2,
				"How do I turn on the screen lock on my laptop?":       3,
				"Comment activer l'authentification à deux facteurs ?": 4,
			},
			near: []string{
				"How do I enable notifications in Slack?",
				"How do I log out of Jira from home?",
				"How do I turn off the screen lock on my laptop?",
				"Comment désactiver l'authentification à deux facteurs ?",
			},
			why: "it switches or signs the other way",
		},
		{
			name: "approving",
			history: []string{
				"Who approves holiday requests in the sales team?",
				"Qui valide les notes de frais ?",
				"Who approves the new badge?",
			},
			same: map[string]int{
				"Who validates holiday requests in the sales team?":  0,
				"Who authorizes holiday requests in the sales team?": 0,
				"Qui approuve les notes de frais ?":                  1,
			},
			near: []string{
				"Le nouveau badge est-il valide ?",
			},
			why: "valid is no verb of approving",
		},
		{
			name: "submitting",
			history: []string{
				"Where do I submit my timesheet?",
				"Où envoyer les factures des fournisseurs ?",
				"Where do I find my timesheet?",
				"How do I file an expense claim?",
			},
			same: map[string]int{
				"Where do I send my timesheet?":                0,
				"Où dois-je envoyer ma feuille de temps ?":     0,
				"Où soumettre les factures des fournisseurs ?": 1,
				"How do I submit an expense claim?":            3,
			},
			near: []string{
				"Who approves my timesheet?",
				"How do I find an expense claim?",
			},
			why: "it finds or approves rather than submits",
		},
		{
			name: "setting up",
			history: []string{
				"How do I set up Outlook on my phone?",
				"Comment configurer l'imprimante du deuxième étage ?",
			},
			same: map[string]int{
				"How do I configure Outlook on my phone?":             0,
				"Comment paramétrer l'imprimante du deuxième étage ?": 1,
				"How do I set up the printer on the second floor?":    1,
			},
		},
		{
			name: "signing off on, expensing, joining and renaming",
			history: []string{
				"Who signs off on marketing budgets?",
				"How do I get reimbursed for my internet bill?",
				"How do I enroll in the pension plan?",
				"How do I rename a Slack channel?",
				"Comment adhérer au plan d'épargne ?",
			},
			same: map[string]int{
				"Who approves marketing budgets?":               0,
				"Can I expense my internet bill?":               1,
				"How can I join the pension plan?":              2,
				"How do I sign up for the pension plan?":        2,
				"How do I register for the pension plan?":       2,
				"How can I change the name of a Slack channel?": 3,
				"Comment renommer un canal Slack ?":             3,
				"How do I join the savings plan?":               4,
			},
			near: []string{
				"How do I archive a Slack channel?",
				"Who signs off on travel budgets?",
				"Can I expense my phone bill?",
				"How do I leave the pension plan?",
				"How do I enroll in the health insurance?",
			},
			why: "it does another thing, or to another thing",
		},
		{
			name: "managing",
			history: []string{
				"Who manages the AWS account for the data team?",
				"Qui gère les badges d'accès ?",
				"Who handles payroll questions?",
				"How do I book a meeting room?",
			},
			same: map[string]int{
				"Who is in charge of the data team's AWS account?":    0,
				"Who is responsible for the data team's AWS account?": 0,
				"Qui s'occupe des badges d'accès ?":                   1,
				"Who looks after payroll questions?":                  2,
				"Who owns the data team's AWS account?":               0,
				"Who's running the payroll questions?":                2,
				"Qui pilote les badges d'accès ?":                     1,
			},
			near: []string{
				"Who is in charge of the marketing team's AWS account?",
				"Qui s'occupe des places de parking ?",
				"Who handles pension questions?",
				"Who owns the marketing team's AWS account?",
			},
			why: "it asks about another thing",
		},
		{
			name: "needing, reaching and getting reimbursed",
			history: []string{
				"How do I get a new laptop?",
				"Comment obtenir un badge visiteur ?",
				"Who handles payroll questions?",
				"How do I get reimbursed for a taxi?",
				"How do I get a visa for Japan?",
				"Who can give me admin rights on my laptop?",
				"How many days of paternity leave do we get?",
				"Can I get a parking spot as a contractor?",
			},
			same: map[string]int{
				"On a droit à combien de jours de congé paternité ?": 6,
				"Am I eligible for a parking spot as a contractor?":  7,
				"need admin rights on my laptop, who can help?":      5,
				"How do I get admin rights on my laptop?":            5,
				"I need a new laptop, what should I do?":             0,
				"J'ai besoin d'un badge visiteur":                    1,
				"Who should I talk to about payroll questions?":      2,
				"How do I claim a taxi expense?":                     3,
			},
			near: []string{
				"Do I need a visa for Japan?",
				"Ai-je besoin d'un visa pour le Japon ?",
				"Who should I talk to about pension questions?",
				"How do I get reimbursed for a train ticket?",
				"Am I eligible for a parking spot as an intern?",
			},
			why: "it asks whether one must, or about another thing",
		},
		{
			name: "launching",
			history: []string{
				"How do I run the integration tests locally?",
				"Who runs the onboarding for engineers?",
			},
			same: map[string]int{
				"How can I launch the integration tests locally?":   0,
				"Comment lancer les tests d'intégration en local ?": 0,
				"Who is in charge of the onboarding for engineers?": 1,
				"Who leads the onboarding for engineers?":           1,
			},
			near: []string{
				"How do I write the integration tests locally?",
				"How do I run the onboarding script for engineers?",
			},
			why: "it does another thing, or asks how and not who",
		},
		{
			name: "creating",
			history: []string{
				"How do I generate a quote in Salesforce CPQ?",
				"How do I create an API token for the staging cluster?",
			},
			same: map[string]int{
				"how do you create a quote in salesforce cpq":               0,
				"How do I generate an API token for the staging cluster?":   1,
				"Comment générer un token API pour le cluster de staging ?": 1,
			},
			near: []string{
				"How do I delete a quote in Salesforce CPQ?",
				"How do I revoke an API token for the staging cluster?",
			},
			why: "it does another thing",
		},
		{
			name: "in the passive",
			history: []string{
				"Is the Everest room reserved this afternoon?",
				"Has my expense report been approved?",
			},
			same: map[string]int{
				"Is the Everest room booked this afternoon?":          0,
				"La salle Everest est-elle réservée cet après-midi ?": 0,
				"Ma note de frais a-t-elle été validée ?":             1,
			},
			near: []string{
				"Is the Everest room cleaned this afternoon?",
				"Has my expense report been paid?",
			},
			why: "it asks about another thing",
		},
		{
			name: "viewing",
			history: []string{
				"My pod is in CrashLoopBackOff, how can I view the logs of the previous container?",
				"Where can I see my payslips?",
			},
			same: map[string]int{
				"Mon pod est en CrashLoopBackOff, comment je vois les logs du conteneur précédent ?": 0,
				"Où consulter mes fiches de paie ?":                                                  1,
				"Where are my payslips?":                                                             1,
			},
			near: []string{
				"My pod is in CrashLoopBackOff, how can I delete the logs of the previous container?",
				"Where can I download my payslips?",
			},
			why: "it does another thing",
		},
		{
			name: "updating",
			history: []string{
				"How do I bump the Go version in the Dockerfile?",
				"How do I update Chrome on my Mac?",
				"Where can I see the latest update of the roadmap?",
			},
			same: map[string]int{
				"How do I upgrade the Go version in our Dockerfile?": 0,
				"How can I upgrade Chrome on my Mac?":                1,
				"Comment mettre à jour Chrome sur mon Mac ?":         1,
			},
			near: []string{
				"How do I pin the Go version in the Dockerfile?",
				"How do I uninstall Chrome on my Mac?",
				"Where can I see the latest version of the roadmap?",
			},
			why: "it does another thing",
		},
		{
			name: "adding a new one",
			history: []string{
				"How do I create a new contact in Salesforce?",
				"Comment créer un nouveau fournisseur dans SAP ?",
				"How do I delete a contact in Salesforce?",
			},
			same: map[string]int{
				"How do I add a new contact in Salesforce?":         0,
				"Comment ajouter un nouveau fournisseur dans SAP ?": 1,
			},
			near: []string{
				"How do I add a contact to a campaign in Salesforce?",
				"Comment supprimer un fournisseur dans SAP ?",
			},
			why: "it does another thing",
		},
		{
			name: "changing",
			history: []string{
				"How do I update my bank details in Workday?",
				"Comment modifier mon RIB dans Payfit ?",
				"Where can I see my payslips in Workday?",
			},
			same: map[string]int{
				"How do I change my bank details in Workday?": 0,
				"How can I edit my bank details in Workday?":  0,
				"cmt je change mon rib sur payfit":            1,
			},
			near: []string{
				"Where can I see my bank details in Workday?",
				"Comment supprimer mon RIB dans Payfit ?",
			},
			why: "it does another thing",
		},
	})
}

// TestInstantAnswerIrregularPast asks again questions whose verb one
// writes in the present and the other in an irregular past, which the
// stemmer reads as two words; a past that is also a word of its own
// ("left", "found") is not read as its verb.
func TestInstantAnswerIrregularPast(t *testing.T) {
	askAgain(t, []askedAgain{{
		name: "pasts",
		history: []string{
			"Where do I send invoices from suppliers?",
			"Who do I tell when I lose my badge?",
			"How do I pay the Figma invoice?",
			"How do I leave Jira?",
			"How do I find a page on the wiki?",
		},
		same: map[string]int{
			"Where should supplier invoices be sent?": 0,
			"I lost my badge, who do I tell?":         1,
			"How is the Figma invoice paid?":          2,
		},
		near: []string{
			"Where is the left sidebar in Jira?",
			"Why is the wiki page not found?",
		},
		why: "its past is a word of its own",
	}})
}

// TestInstantAnswerAskingWords asks again questions whose opening says
// what they ask for in words of its own ("what time", "how long",
// "combien dure", "who do I ask"): the kind of answer is compared, and the
// words are no miss where the other question says it otherwise.
func TestInstantAnswerAskingWords(t *testing.T) {
	askAgain(t, []askedAgain{{
		name: "whether, asked of the room",
		history: []string{
			"Is there a referral bonus?",
			"Est-ce que la cantine est ouverte le samedi ?",
			"Who signs the purchase orders?",
			"Where is the canteen?",
		},
		same: map[string]int{
			"Does anyone know if there is a referral bonus?":       0,
			"Anybody know whether there's a referral bonus?":       0,
			"Quelqu'un sait si la cantine est ouverte le samedi ?": 1,
			"Vous savez s'il y a une prime de cooptation ?":        0,
		},
		near: []string{
			"Does anyone know if the canteen is open on Sundays?",
		},
		why: "it asks about another day",
	}, {
		name: "how long it takes",
		history: []string{
			"How long does legal take to answer a customer contract?",
			"Combien de temps met le support pour répondre à un ticket ?",
			"Who signs the purchase orders?",
			"Where is the canteen?",
		},
		same: map[string]int{
			"Le juridique met combien de temps pour répondre à un contrat client ?": 0,
			"How long does support take to answer a ticket?":                        1,
		},
		near: []string{
			"How long does support take to close a ticket?",
		},
		why: "it asks how long another thing takes",
	}, {
		// "Please", "stp" and "asap" say how one asks.
		name: "manners",
		history: []string{
			"How do I get access to Datadog?",
			"How do I get access to Grafana?",
			"Who signs the purchase orders?",
			"Where is the canteen?",
		},
		same: map[string]int{
			"Quelqu'un peut me dire comment avoir accès à Datadog asap ?": 0,
			"how do i get access to grafana pls":                          1,
			"Qui signe les bons de commande stp ?":                        2,
		},
		near: []string{
			"Quelqu'un peut me dire comment avoir accès à Kibana asap ?",
		},
		why: "it asks about another tool",
	}, {
		name: "when it takes place",
		history: []string{
			"When is the next all-hands?",
			"Où est la formation sécurité ?",
			"Who signs the purchase orders?",
			"Where is the canteen?",
		},
		same: map[string]int{
			"Quelqu'un sait quand a lieu la prochaine réunion générale ?": 0,
			"Where does the safety training take place?":                  1,
			"Où se déroule la formation sécurité ?":                       1,
			// Asked of the room with a modal, in chat's words.
			"Qqn peut me dire quand a lieu la prochaine réunion générale ?":    0,
			"Quelqu'un peut m'expliquer où se déroule la formation sécurité ?": 1,
		},
		near: []string{
			"Où a lieu la formation incendie ?",
		},
		why: "it asks where another thing takes place",
	}, {
		name: "supposed to",
		history: []string{
			"On doit utiliser quel gestionnaire de mots de passe ?",
		},
		same: map[string]int{
			"Which password manager are we supposed to use?": 0,
		},
		near: []string{
			"Which VPN client are we supposed to use?",
		},
		why: "it asks about another thing",
	}, {
		name: "what time and how long",
		history: []string{
			"What time does the canteen close on Fridays?",
			"How long is parental leave for fathers?",
			"Who signs the purchase orders?",
			"Where is the canteen?",
		},
		same: map[string]int{
			"When does the canteen close on Fridays?":         0,
			"Combien dure le congé parental pour les pères ?": 1,
		},
		near: []string{
			"How long is parental leave?",
			"What time does the canteen open on Fridays?",
		},
		why: "it is asked more widely, or the other way",
	}, {
		name: "who to ask",
		history: []string{
			"Who do I ask for a parking spot?",
			"Who approves travel expenses?",
			"Who should I talk to about the health insurance?",
			"Where is the canteen?",
			"Who do I talk to about a broken chair?",
		},
		same: map[string]int{
			"Who should I contact for a parking spot?":      0,
			"Qui contacter pour une place de parking ?":     0,
			"À qui dois-je m'adresser pour la mutuelle ?":   2,
			"Who can I email about the health insurance?":   2,
			"Who should I tell about a broken chair?":       4,
			"Qui dois-je prévenir pour une chaise cassée ?": 4,
		},
		near: []string{
			"Who repairs a broken chair?",
			"Who do I pay for a parking spot?",
			"Who do I ask about travel expenses?",
			"Who do I ask for a parking badge?",
		},
		why: "the person is asked for something else, or does something else",
	}, {
		name: "French inversion",
		history: []string{
			"Qui valide le budget de déplacement ?",
			"Qui verse la prime annuelle ?",
			"Quand je me connecte au VPN, pourquoi ça plante ?",
			"Where is the canteen?",
		},
		same: map[string]int{
			"Qui est-ce qui valide le budget de déplacement ?": 0,
			"Pourquoi ça plante quand je me connecte au VPN ?": 2,
		},
		near: []string{
			"Quand le budget de déplacement est-il validé ?",
			"Quand la prime annuelle est-elle versée ?",
		},
		why: "it asks when, not who",
	}, {
		name: "where",
		history: []string{
			"Where do I return my old laptop?",
			"Où rendre mon badge visiteur ?",
			"Where do I get a parking badge?",
			"How do I book a meeting room?",
		},
		same: map[string]int{
			"Where should I return my old laptop?":   0,
			"Où dois-je rendre mon badge visiteur ?": 1,
		},
		near: []string{
			"When do I return my old laptop?",
			"Quand rendre mon badge visiteur ?",
			"How much does a parking badge cost?",
		},
		why: "it asks for a time or a quantity, not a place",
	}})
}

// TestInstantAnswerFrenchYear asks questions whose period is the French
// "an", which the analysis drops as the English article: it tells a year
// from a month, and New Year's Day from Christmas.
func TestInstantAnswerFrenchYear(t *testing.T) {
	askAgain(t, []askedAgain{{
		name: "par an",
		history: []string{
			"How many days of leave do we get per year?",
			"Le bureau est-il fermé le jour de Noël ?",
			"Combien de jours de télétravail par mois ?",
			"Where is the canteen?",
		},
		same: map[string]int{
			"Combien de jours de congé avons-nous par an ?": 0,
		},
		near: []string{
			"Combien de jours de congé avons-nous par mois ?",
			"Le bureau est-il fermé le jour de l'an ?",
		},
		why: "it asks of another period",
	}})
}

// TestInstantAnswerAddedWord asks questions that add a word to a short past
// one: they ask something narrower, which its answer may not cover.
func TestInstantAnswerAddedWord(t *testing.T) {
	e := mustAnswered(t, "q%d", 3,
		"Where is the coffee machine?",
		"Who approves expenses?",
		"Parking",
		"Beaches",
		"How do I book a meeting room?",
	)
	withLexicon(t, e)
	notHandedBack(t, e, "it adds a word the past question lacks",
		"Where is the broken coffee machine?",
		"Who approves travel expenses?",
		"Is the parking full?",
		"Is anyone on the beach?",
		"Y a-t-il quelqu'un sur la plage ?",
	)
	handedBack(t, e, map[string]string{
		"Where's the coffee machine?":    "q0",
		"Who approves my expenses?":      "q1",
		"How can I book a meeting room?": "q4",
	})
}

// TestInstantAnswerSwapOfCommonWords asks a near-miss whose swapped word
// is as common in the history as the eight words it shares: rarity alone
// weighs "training" for "travel" as one word in nine, and only the swap
// itself, a word each question lacks entirely, tells the two apart.
func TestInstantAnswerSwapOfCommonWords(t *testing.T) {
	common := []string{"training", "travel", "expenses", "approves", "euros", "500", "sales", "team", "lyon"}
	projects := []string{"apollo", "borealis", "cobalt", "dynamo", "ember", "falcon"}
	cities := []string{"lisbon", "madrid", "oslo", "prague", "riga", "vienna"}
	texts := []string{"Who approves travel expenses above 500 euros for the sales team in Lyon?"}
	for i := range len(common) * len(projects) {
		texts = append(texts, fmt.Sprintf("%s for the %s project in %s", common[i%len(common)], projects[i/len(common)], cities[(i+i/len(common))%len(cities)]))
	}
	e := mustAnswered(t, "q%02d", 5, texts...)
	notHandedBack(t, e, "a near-miss", "Who approves training expenses above 500 euros for the sales team in Lyon?")
	if m := closest(t, e, "Travel expenses above 500 euros for the Lyon sales team: who approves them?"); !m.Sure || m.Question.ID != "q00" {
		t.Errorf("a rewording got %s %q (confidence %.2f, sure %v), want q00, sure", m.Question.ID, m.Question.Text, m.Confidence, m.Sure)
	}
}

// TestInstantAnswerNearMissesInALargeHistory judges near-misses and
// rewordings among two thousand past questions: the titles of the shared
// SemEval forum history, with a workplace's beside them. Rarity then comes
// from many questions, most of them about other things, as in a real
// workspace: a swapped word must still weigh decisively, and a rewording
// still be found the same.
func TestInstantAnswerNearMissesInALargeHistory(t *testing.T) {
	f, err := os.Open("../../shared/data/duplicates/semeval2016-train1/history.jsonl")
	if err != nil {
		t.Skipf("the shared SemEval history is not here: %v", err)
	}
	defer f.Close()
	var texts []string
	for dec := json.NewDecoder(f); ; {
		var past struct{ Title string }
		if err := dec.Decode(&past); errors.Is(err, io.EOF) {
			break
		} else if err != nil {
			t.Fatal(err)
		}
		if past.Title != "" {
			texts = append(texts, past.Title)
		}
	}
	type probe struct{ past, nearMiss, rewording string }
	probes := []probe{
		{"How do I export my contacts from Outlook?", "How do I import my contacts into Outlook?", "What's the way to export Outlook contacts?"},
		{"How do I enable two-factor authentication on GitHub?", "How do I disable two-factor authentication on GitHub?", ""},
		{"Where can I find the expense policy for contractors?", "Where can I find the expense policy for interns?", "Where is the contractors' expense policy?"},
		{"Who do I contact to get a Figma licence?", "Who do I contact to get a Miro licence?", ""},
		{"How do I upload files to the shared drive?", "How do I download files from the shared drive?", "What's the way to upload a file onto the shared drive?"},
		{"What is the deadline for submitting timesheets?", "What is the deadline for submitting expense reports?", "When is the deadline to submit my timesheet?"},
		{"How do I join the engineering mailing list?", "How do I leave the engineering mailing list?", ""},
		{"Can I work remotely from another country?", "Can I work remotely from another city?", ""},
		{"How do I add a new user to Jenkins?", "How do I remove a user from Jenkins?", ""},
		{"How do I connect to the Berlin office printer?", "How do I connect to the Berlin office wifi?", "How can I connect to the printer in the Berlin office?"},
		{"How do I increase the disk quota on my VM?", "How do I increase the memory on my VM?", ""},
		{"Which Slack channel is for reporting security incidents?", "Which Slack channel is for reporting HR issues?", "In which Slack channel do I report a security incident?"},
		{"How do I upgrade Python on the build server?", "How do I upgrade Node on the build server?", "How can I upgrade the Python version on the build server?"},
		{"How do I reset my Okta password?", "How do I reset my Okta MFA device?", "I forgot my Okta password, how do I reset it?"},
		{"Comment exporter mes contacts depuis Outlook ?", "Comment importer mes contacts dans Outlook ?", ""},
		{"Comment activer la double authentification sur GitHub ?", "Comment désactiver la double authentification sur GitHub ?", ""},
		{"Comment ajouter un utilisateur dans Jenkins ?", "Comment supprimer un utilisateur dans Jenkins ?", ""},
		{"Quelle est la date limite pour rendre les feuilles de temps ?", "Quelle est la date limite pour rendre les notes de frais ?", "Jusqu'à quand peut-on rendre les feuilles de temps ?"},
		{"Peut-on travailler à distance depuis un autre pays ?", "Peut-on travailler à distance depuis une autre ville ?", ""},
		{"Where is the on-call schedule for the platform team?", "Where is the on-call schedule for the security team?", "Where does the on-call schedule for the platform team live?"},
		{"Where are the spare laptops stored?", "Where are the spare monitors stored?", "Where are the spare laptops located?"},
		{"Where is the Terraform state stored?", "Where is the Ansible inventory stored?", "Where do we keep the Terraform state?"},
		{"Comment activer ma carte Swile ?", "Comment désactiver ma carte Swile ?", "Comment activer ma carte Swile, quelqu'un peut m'aider ?"},
		// A condition restricts as a complement does.
		{"Est-ce qu'il y a une prime de cooptation ?", "La prime de cooptation marche aussi si je recommande un stagiaire ?", "Quelqu'un sait s'il y a une prime de cooptation ?"},
		{"Is there a referral bonus?", "Does the referral bonus also apply if I refer an intern?", "Does anyone know if there is a referral bonus?"},
		// An old word said only beside what is asked, set against it.
		{"Comment accéder aux logs de prod dans Kibana ?", "Comment accéder aux logs de staging dans Kibana ? j'ai l'accès prod mais pas staging", "Je débute dans l'équipe. Comment accéder aux logs de prod dans Kibana ?"},
		{"How do I read the prod logs in Kibana?", "How do I read the staging logs in Kibana? I can read the prod ones, not staging", "New on the team. How do I read the prod logs in Kibana?"},
		// Through a cognate ("statut", "status") the dictionary lists
		// among other senses.
		{"Where's the status page, and who updates it during an outage?", "Elle est où la page de statut, et qui la met à jour pendant une maintenance ?", "Elle est où la page de statut, et qui la met à jour pendant une panne ?"},
	}
	for _, p := range probes {
		texts = append(texts, p.past)
	}
	e := mustAnswered(t, "q%04d", 7, append(texts, workplace...)...)
	withLexicon(t, e)
	for _, p := range probes {
		notHandedBack(t, e, "a near-miss", p.nearMiss)
		if p.rewording == "" {
			continue // a rewording by synonyms, which only the words' rarity cannot tell
		}
		if m := closest(t, e, p.rewording); !m.Sure || m.Question.Text != p.past {
			t.Errorf("%q: got %q (confidence %.2f, sure %v), want %q, sure", p.rewording, m.Question.Text, m.Confidence, m.Sure, p.past)
		}
	}
}

// TestInstantAnswerWordsOfWorkAcrossLanguages asks in one language the
// workplace's questions asked before in the other, in words the general
// dictionaries give only in another sense or not at all ("mon poste" is
// the asker's computer, "les accès" access, "une réunion générale" an
// all-hands): they are the same questions, while a question on another
// thing in the same words is not.
func TestInstantAnswerWordsOfWorkAcrossLanguages(t *testing.T) {
	askAgain(t, []askedAgain{{
		name: "office and computers",
		history: []string{
			"How do I install Python on my computer?",
			"Who manages VPN access?",
			"How do I ask for an extra monitor?",
			"When is the next all-hands meeting?",
			"What is the expense limit for a dinner?",
			"Comment configurer la double authentification sur Gmail ?",
			"Where is the canteen?",
		},
		same: map[string]int{
			"Comment installer Python sur mon poste ?":               0,
			"Qui gère les accès au VPN ?":                            1,
			"Comment demander un écran supplémentaire ?":             2,
			"Quand a lieu la prochaine réunion générale ?":           3,
			"Quel est le plafond des notes de frais pour un dîner ?": 4,
			"How do I set up two-factor authentication on Gmail?":    5,
		},
		near: []string{
			"Comment installer Java sur mon poste ?",
			"Qui gère les accès au wifi ?",
			"Comment demander un clavier supplémentaire ?",
			"Quel est le plafond des notes de frais pour un hôtel ?",
			"How do I set up two-factor authentication on GitHub?",
		},
		why: "it asks about another thing",
	}, {
		name: "software and travel",
		history: []string{
			"Where are the payment API logs?",
			"How do I run the unit tests locally?",
			"Do I need approval for a business trip abroad?",
			"Where is the canteen?",
			"What's the deadline for submitting timesheets?",
			"Where are the photos from the offsite?",
			"How many days of remote work are allowed per week?",
			"Can I get an advance on my salary?",
			"How do I add someone to the on-call schedule?",
			"Who is the account manager for Acme?",
		},
		same: map[string]int{
			"Où sont les logs de l'API de paiement ?":                      0,
			"Comment lancer les tests unitaires en local ?":                1,
			"Faut-il une autorisation pour un déplacement à l'étranger ?":  2,
			"Quelle est la date limite pour les feuilles de temps ?":       4,
			"Où sont les photos du séminaire ?":                            5,
			"Combien de jours de télétravail sont autorisés par semaine ?": 6,
			"Est-ce que je peux avoir une avance sur salaire ?":            7,
			"Comment ajouter quelqu'un au planning d'astreinte ?":          8,
			"Qui est le chargé de compte pour Acme ?":                      9,
		},
		near: []string{
			"Où sont les métriques de l'API de paiement ?",
			"Comment lancer les tests d'intégration en local ?",
		},
		why: "it asks about another thing",
	}, {
		name: "locks and staging",
		history: []string{
			"How do I unlock my Windows account?",
			"How do I lock my screen on a Mac?",
			"How do I deploy the frontend to staging?",
		},
		same: map[string]int{
			"Comment débloquer mon compte Windows ?":          0,
			"Comment déverrouiller mon compte Windows ?":      0,
			"Comment verrouiller mon écran sur un Mac ?":      1,
			"Comment déployer le frontend en préproduction ?": 2,
		},
		near: []string{
			"Comment débloquer mon compte Okta ?",
			"Comment déployer le backend en préproduction ?",
		},
		why: "it asks about another thing",
	}, {
		name: "training, pay and leave",
		history: []string{
			"How do I sign up for a training?",
			"How many days off for a wedding?",
			"What is the salary band for a senior engineer?",
			"How do I set up the VPN on my phone for email?",
			"How do I request a transfer to the Lyon office?",
			"Where are the meeting minutes?",
		},
		same: map[string]int{
			"Comment m'inscrire à une formation ?":                         0,
			"Combien de jours de congés pour un mariage ?":                 1,
			"Quelle est la grille salariale pour un ingénieur senior ?":    2,
			"Comment configurer le VPN sur mon téléphone pour les mails ?": 3,
			"Comment demander une mutation au bureau de Lyon ?":            4,
			"Où sont les comptes rendus de réunion ?":                      5,
		},
		near: []string{
			"Comment m'inscrire à la mutuelle ?",
			"Combien de jours de congés pour une naissance ?",
			"Quelle est la grille salariale pour un ingénieur junior ?",
		},
		why: "it asks about another thing",
	}, {
		name: "allowances",
		history: []string{
			"How is the mileage allowance calculated?",
			"What is the meal allowance in Paris?",
			"How do I move a file to the shared drive?",
		},
		same: map[string]int{
			"Comment sont calculées les indemnités kilométriques ?": 0,
			"Quelle est l'indemnité repas à Paris ?":                1,
			"Comment déplacer un fichier vers le lecteur partagé ?": 2,
		},
		near: []string{
			"Comment sont calculées les primes ?",
			"Quelle est l'indemnité repas à Lyon ?",
		},
		why: "it asks about another thing",
	}, {
		name: "office and career",
		history: []string{
			"Who handles layoffs in the Paris office?",
			"How do I book a time slot with the support team?",
			"Who fixes the air conditioning on the 3rd floor?",
			"What are the team objectives for Q3?",
		},
		same: map[string]int{
			"Qui gère les licenciements au bureau de Paris ?":     0,
			"Comment réserver un créneau avec l'équipe support ?": 1,
			"Qui répare la climatisation au 3e étage ?":           2,
			"Quels sont les objectifs de l'équipe pour le Q3 ?":   3,
		},
		near: []string{
			"Qui répare le chauffage au 3e étage ?",
			"Quels sont les objectifs de l'équipe pour le Q4 ?",
		},
		why: "it asks about another thing",
	}, {
		name: "software",
		history: []string{
			"How do I update the browser on my laptop?",
			"How do I open a link in a new tab?",
			"How do I report a phishing email?",
			"Where can I find the project deliverables?",
		},
		same: map[string]int{
			"Comment mettre à jour le navigateur sur mon portable ?": 0,
			"Comment ouvrir un lien dans un nouvel onglet ?":         1,
			"Comment signaler un email d'hameçonnage ?":              2,
			"Où trouver les livrables du projet ?":                   3,
		},
		near: []string{
			"Comment mettre à jour le navigateur sur mon téléphone ?",
			"Comment ouvrir un lien dans une nouvelle fenêtre ?",
		},
		why: "it asks about another thing",
	}, {
		name: "papers and time",
		history: []string{
			"Where do I send the receipts for my expense report?",
			"How do I get a work permit?",
			"Where is the time clock in the Lyon office?",
		},
		same: map[string]int{
			"Où envoyer les justificatifs de ma note de frais ?": 0,
			"Comment obtenir un permis de travail ?":             1,
			"Où est la badgeuse au bureau de Lyon ?":             2,
		},
		near: []string{
			"Comment obtenir un titre de séjour ?",
			"Où est la badgeuse au bureau de Paris ?",
		},
		why: "it asks about another thing",
	}, {
		name: "driving and emergencies",
		history: []string{
			"Can I drive a company car at the weekend?",
			"What is the emergency number at the Lyon site?",
		},
		same: map[string]int{
			"Puis-je conduire une voiture de société le week-end ?": 0,
			"Quel est le numéro d'urgence du site de Lyon ?":        1,
		},
		near: []string{
			"Quel est le numéro d'urgence du site de Paris ?",
		},
		why: "it asks about another thing",
	}, {
		name: "acronyms and rates",
		history: []string{
			"Who is the HR contact for Spain?",
			"Is VAT included in the hotel price?",
			"Who is our GDPR contact?",
			"What is the VAT rate on meals?",
			"Who is the CEO of Acme France?",
		},
		same: map[string]int{
			"Qui est le contact RH pour l'Espagne ?":            0,
			"La TVA est-elle incluse dans le prix de l'hôtel ?": 1,
			"Qui est notre contact RGPD ?":                      2,
			"Quel est le taux de TVA sur les repas ?":           3,
			"Qui est le PDG d'Acme France ?":                    4,
		},
		near: []string{
			"Qui est le contact RH pour l'Italie ?",
			"La TVA est-elle incluse dans le prix du train ?",
			"Quel est le taux de TVA sur les livres ?",
		},
		why: "it asks about another thing",
	}, {
		name: "numbers, comparisons and all",
		history: []string{
			"Qui valide les achats de plus de 10 000 euros ?",
			"Comment envoyer un email à toute l'équipe ?",
			"Où je peux revoir le replay du dernier all-hands ?",
		},
		same: map[string]int{
			"Who approves purchases of more than 10,000 euros?":      0,
			"How do I send an email to the whole team?":              1,
			"Where can I watch the recording of the last all-hands?": 2,
		},
		near: []string{
			"Who approves purchases of more than 1,000 euros?",
			"How do I send an email to the whole company?",
			"Where can I watch the recording of the last town hall?",
		},
		why: "it asks about another thing",
	}, {
		name: "IT and US in capitals",
		history: []string{
			"Who handles IT equipment requests?",
			"Who handles onboarding in the US office?",
		},
		same: map[string]int{
			"C'est qui qui gère les demandes de matériel informatique ?": 0,
			"Who is in charge of onboarding in the US office?":           1,
		},
		near: []string{
			"Who handles HR equipment requests?",
			"Who handles onboarding in the UK office?",
		},
		why: "it asks about another thing",
	}})
}

// TestInstantAnswerInTheAskersLanguage asks a question asked before in
// both languages: each asker is handed back the twin in their language,
// whichever was asked last.
func TestInstantAnswerInTheAskersLanguage(t *testing.T) {
	askAgain(t, []askedAgain{{
		name: "French last",
		history: []string{
			"How do I reset my VPN password?",
			"Comment réinitialiser mon mot de passe VPN ?",
			"Where is the canteen?",
		},
		same: map[string]int{
			"How do I reset my VPN password?":              0,
			"Comment réinitialiser mon mot de passe VPN ?": 1,
		},
	}, {
		name: "English last",
		history: []string{
			"Comment réinitialiser mon mot de passe VPN ?",
			"How do I reset my VPN password?",
			"Where is the canteen?",
		},
		same: map[string]int{
			"How do I reset my VPN password?":              1,
			"Comment réinitialiser mon mot de passe VPN ?": 0,
		},
	}})
}

// TestInstantAnswerServiceDown asks whether a service is down, a word the
// analysis drops as a particle: it tells an outage from slowness, and
// finds "en panne" across the languages, while a verb's "down" ("shut
// down") stays the verb's.
func TestInstantAnswerServiceDown(t *testing.T) {
	askAgain(t, []askedAgain{{
		name: "down",
		history: []string{
			"Why is the VPN slow in the morning?",
			"Le wiki est-il en panne ?",
			"Is Jira down?",
			"How do I shut down my laptop?",
			"Where is the canteen?",
			"Why is my laptop so slow?",
			"Why is Outlook slow to start?",
			"The wifi is slow on the third floor",
		},
		same: map[string]int{
			"Is the wiki down?":              1,
			"Is Jira down again?":            2,
			"How can I shut down my laptop?": 3,
		},
		near: []string{
			"Why is the VPN down in the morning?",
			"Why does the VPN keep going down in the morning?",
		},
		why: "an outage is not slowness",
	}})
}

// TestInstantAnswerChatContractions asks past questions again as chat
// types them, contractions without their apostrophe: "wheres" is "where's"
// and "cant" "can't", no rare words of meaning.
func TestInstantAnswerChatContractions(t *testing.T) {
	askAgain(t, []askedAgain{{
		name: "no apostrophe",
		history: []string{
			"Where can I find the expense policy?",
			"Why can't I log in to Okta?",
			"Where is the canteen?",
			"Why is my laptop so slow?",
		},
		same: map[string]int{
			"wheres the expense policy??": 0,
			"why cant i log in to okta":   1,
		},
	}, {
		name: "abbreviated",
		history: []string{
			"How do I renew my parking permit?",
			"Comment on active la carte ticket restaurant ?",
			"Où est le planning des astreintes ?",
			"Why is my laptop so slow?",
			"Pourquoi le VPN coupe tout le temps ?",
			"Where is the canteen?",
			"Comment poser des congés payés dans Lucca ?",
			"Qui contacter pour le support de Jira ?",
		},
		same: map[string]int{
			"how do u renew ur parking permit, idk":            0,
			"cmt on active la carte ticket restaurant stp":     1,
			"qqn sait ou est le planning des astreintes ?":     2,
			"pk le VPN coupe tt le temps ?":                    4,
			"does anyone know where the canteen is? thx":       5,
			"quelqu'un sait où est le planning des astreintes": 2,
			"cmt je pose mes cp sur lucca":                     6,
			"qui contacter pr le support de jira":              7,
		},
		near: []string{
			"cmt on désactive la carte ticket restaurant ?",
			"qqn sait ou est le planning des congés ?",
		},
		why: "it asks for another thing",
	}})
}

// TestInstantAnswerStateIsNotAction asks, of questions asking how to do
// something, questions that say it is so: they ask how to get out of the
// state, or why, and the index reads their participle as the verb.
func TestInstantAnswerStateIsNotAction(t *testing.T) {
	askAgain(t, []askedAgain{{
		name: "states",
		history: []string{
			"How do I lock my Okta account?",
			"How do I archive a Slack channel?",
			"Comment désactiver le VPN sur mon portable ?",
			"How do I pay the Figma invoice?",
		},
		same: map[string]int{
			"How can I lock my Okta account?":                      0,
			"How is the Figma invoice paid?":                       3,
			"Comment puis-je désactiver le VPN sur mon portable ?": 2,
		},
		near: []string{
			"My Okta account is locked",
			"My Okta account is locked, how do I unlock it?",
			"I got locked out of my Okta account",
			"Why is my Slack channel archived?",
			"Pourquoi le VPN est-il désactivé sur mon portable ?",
			"Has the Figma invoice been paid?",
			"Mon compte Okta est verrouillé",
		},
		why: "it says the thing is so, and does not ask how to do it",
	}})
}

// TestInstantAnswerFailing asks past questions that say something fails
// again with the way it fails, and the other way round: "fails" asks what
// "permission denied" asks. Two ways to fail, or failing and being slow,
// are other questions.
func TestInstantAnswerFailing(t *testing.T) {
	askAgain(t, []askedAgain{{
		name: "failing",
		history: []string{
			"Docker build fails with permission denied",
			"Why does the VPN connection fail?",
			"Pourquoi la connexion VPN échoue ?",
			"Why does Outlook crash on startup?",
			"Mon badge ne marche plus sur la porte du parking",
		},
		same: map[string]int{
			"Permission denied when building the Docker image":  0,
			"VPN connection error, why?":                        1,
			"Erreur de connexion VPN, pourquoi ?":               2,
			"My badge stopped working on the parking door":      4,
			"My badge doesn't work anymore on the parking door": 4,
		},
		near: []string{
			"Outlook error on startup",
			"Docker build is slow",
			"Why is the VPN connection slow?",
			"My badge works on the parking door",
			"My laptop stopped working",
		},
		why: "it fails otherwise, or does not fail",
	}, {
		name: "asked after the problem",
		history: []string{
			"Who do I contact if my badge stops working?",
			"Qui contacter si l'imprimante ne marche plus ?",
			"Who approves expense reports?",
			"Where is the canteen?",
		},
		same: map[string]int{
			"my badge isnt working anymore, who should i reach out to": 0,
			"My badge doesn't work, who do I contact?":                 0,
			"l'imprimante a planté, je contacte qui ?":                 1,
		},
		near: []string{
			"my laptop isnt working anymore, who should i reach out to",
			"my badge isnt working anymore, when does the office open?",
		},
		why: "it asks about another thing",
	}, {
		name: "a problem",
		history: []string{
			"Qui contacter pour un problème d'imprimante ?",
			"Who do I contact to order a new printer?",
			"Where is the canteen?",
		},
		same: map[string]int{
			"Who should I contact about a broken printer?":     0,
			"the printer is broken, who do I contact?":         0,
			"J'ai un souci avec l'imprimante, qui contacter ?": 0,
		},
		near: []string{
			"Who should I contact about a broken laptop?",
			"Qui contacter pour un problème de badge ?",
		},
		why: "it asks about another thing",
	}})
}

// TestInstantAnswerSaidAlike asks past questions again with another word
// a workplace says the same thing with ("cap" for "limit", "client" for
// "customer"), which no dictionary gives for it; the near-misses swap a
// word of the group for another thing.
func TestInstantAnswerSaidAlike(t *testing.T) {
	askAgain(t, []askedAgain{{
		name: "said alike",
		history: []string{
			"What is the hotel limit in Paris?",
			"How do I get a refund for a cancelled flight?",
			"How do I merge two Excel sheets?",
			"Who is the account manager for this customer?",
			"What is the remote work policy?",
			"How much does the gym membership cost?",
			"Can I expense a taxi home after working late?",
			"Is the holiday calendar updated yearly?",
		},
		same: map[string]int{
			"Can I expense a cab home after working late?":         6,
			"Is the holiday calendar updated annually?":            7,
			"What is the hotel cap in Paris?":                      0,
			"What is the maximum for hotels in Paris?":             0,
			"How do I get a reimbursement for a cancelled flight?": 1,
			"How do I combine two Excel sheets?":                   2,
			"Who is the account manager for this client?":          3,
			"What are the rules for remote work?":                  4,
			"What's the price of the gym membership?":              5,
		},
		near: []string{
			"What is the hotel limit in Lyon?",
			"Who is the account manager for this supplier?",
			"How do I merge two Word documents?",
			"What is the travel policy?",
		},
		why: "it asks about another thing",
	}, {
		// French says a thing "ne marche plus" or "ne fonctionne plus",
		// and chat asks whom to see last: "je dois voir avec qui ?".
		name: "said alike in French",
		history: []string{
			"Qui contacter si mon badge ne marche plus ?",
		},
		same: map[string]int{
			"mon badge ne fonctionne plus, je dois voir avec qui ?": 0,
			"Mon badge ne fonctionne plus, qui contacter ?":         0,
		},
		near: []string{
			"Qui contacter si mon casque ne marche plus ?",
		},
		why: "it asks about another thing",
	}, {
		name: "said alike at work",
		history: []string{
			"How do I swap an on-call shift in PagerDuty?",
			"What is the annual training budget?",
			"Is the GDPR training mandatory for interns?",
		},
		same: map[string]int{
			"How do I trade an on-call shift in PagerDuty?": 0,
			"What is the yearly training budget?":           1,
			"Is the GDPR training compulsory for interns?":  2,
		},
		near: []string{
			"How do I cancel an on-call shift in PagerDuty?",
			"What is the annual travel budget?",
			"Is the GDPR training optional for interns?",
		},
		why: "it asks about another thing",
	}})
}

// A name is the word written, not whatever shares its stem: "marry" and
// "Mary" share the French stem "mari", "Teams" and "team" the English
// one; a name written alike, or a common word shared, still agrees.
func TestInstantAnswerNamesAsWritten(t *testing.T) {
	askAgain(t, []askedAgain{{
		name: "names as written",
		history: []string{
			"Sais-tu où habite Mary ?",
			"How do I share my screen in Teams?",
			"Who approves expenses for the Paris office?",
			"How do I contact HR in Italy?",
		},
		same: map[string]int{
			"Comment contacter les RH en Italie ?":           3,
			"Où habite Mary ?":                               0,
			"How can I share my screen in Teams?":            1,
			"Who approves the expenses of the Paris office?": 2,
		},
		near: []string{
			"Will you marry me?",
			"How do I share my screen with my team?",
		},
		why: "a name is not a word sharing its stem",
	}})
}

// "What's the process to…?" and "Is there a way to…?" ask how to do it,
// as "How do I…?" does: counted as a word of meaning, "way" made "…the way
// to file my expenses…" a swap with "…an expense report…", each missing
// a word of the other. A process that is what is asked about is not that
// ("kill a process").
func TestInstantAnswerTheWayTo(t *testing.T) {
	askAgain(t, []askedAgain{{
		name: "the way to",
		history: []string{
			"How do I request a new laptop?",
			"How do I submit an expense report in Expensify?",
			"How do I kill a job on the build server?",
		},
		same: map[string]int{
			"What's the process to order a new laptop?":        0,
			"whats the way to file my expenses in expensify?":  1,
			"Is there a way to file my expenses in Expensify?": 1,
		},
		near: []string{
			"How do I kill a process on the build server?",
		},
		why: "it asks about another thing",
	}})
}

// A verb the new question adds where the old one says none is what it
// asks: "Comment je fais une note de frais ?" says only "note de frais",
// its "faire" being a function word, and approving one is another
// question.
func TestInstantAnswerAddedVerb(t *testing.T) {
	askAgain(t, []askedAgain{{
		name: "added verb",
		history: []string{
			"Comment je fais une note de frais ?",
		},
		same: map[string]int{
			"Comment on fait une note de frais ?": 0,
		},
		near: []string{
			"Who approves expense reports over $5,000?",
			"Qui valide les notes de frais ?",
		},
		why: "it asks for a person who approves, not how to file one",
	}, {
		name: "asked how to do",
		history: []string{
			"What is the guest wifi password?",
			"Quel est le mot de passe du wifi invités ?",
			"Where is the canteen?",
		},
		same: map[string]int{
			"What's the password of the guest wifi?": 0,
		},
		near: []string{
			"How do I reset the guest wifi password?",
			"Comment on réinitialise le mot de passe du wifi invités ?",
		},
		why: "it asks how to change the password, not what it is",
	}})
}

// TestInstantAnswerToldSituation asks past questions again as chat asks
// them, after or before telling the situation: the situation's words are
// not what is asked. A question that names its subject only by a pronoun
// or leaves out a word of the old one is another question.
func TestInstantAnswerToldSituation(t *testing.T) {
	askAgain(t, []askedAgain{{
		name: "situation told",
		history: []string{
			"How do I book a meeting room in the Lyon office?",
			"How do I reset my VPN password?",
			"Comment demander un congé sans solde ?",
			"How do I request a new laptop?",
			"Who approves purchase orders?",
			"How do I request a bigger disk in AWS?",
			"Comment demander une mutation ?",
		},
		same: map[string]int{
			"I have a workshop with six clients on Friday at the Lyon office. How do I book a meeting room?": 0,
			"I'm back from two weeks of holiday and forgot it. How do I reset my VPN password?":              1,
			"Je voudrais voyager trois mois en Asie l'an prochain. Comment demander un congé sans solde ?":   2,
			"Comment demander un congé sans solde ? Je voudrais voyager trois mois en Asie.":                 2,
		},
		near: []string{
			"Je suis à temps partiel depuis un an et je voudrais repasser à temps plein. Comment je fais la demande ?",
			"My laptop screen cracked on the train this morning. Who do I ask to repair it?",
			"I booked a meeting room in the Lyon office for Friday. How do I cancel it?",
			"I need read access to the AWS billing console for an audit. How do I request it?",
			"Je voudrais repasser à temps plein l'an prochain. Comment je fais la demande ?",
		},
		why: "what they ask is another thing than the past questions",
	}})
}

// TestInstantAnswerNeedToDo asks past questions again as chat says what
// it needs to do ("need to…", "aide-moi à…"), which asks how to do it;
// and asks to do something else to what a past question asks how to do,
// saying that as done.
func TestInstantAnswerNeedToDo(t *testing.T) {
	askAgain(t, []askedAgain{{
		name: "need to do",
		history: []string{
			"How do I schedule a post in Buffer?",
			"How do I request a day off in Lucca?",
			"Quand ont lieu les entretiens annuels ?",
			"Where can I find the holiday calendar?",
		},
		same: map[string]int{
			"need to schedule a post in Buffer":        0,
			"I need to request a day off in Lucca":     1,
			"help me find the holiday calendar please": 3,
		},
		near: []string{
			"need to delete a scheduled post in Buffer",
			"need to cancel a day off request in Lucca",
			"aide-moi à préparer mon entretien annuel",
		},
		why: "it asks to do another thing",
	}})
}

// TestInstantAnswerOldAsksToDoMore asks how to do what a past question
// asks to do something to: "book a meeting room" against "cancel a
// meeting room booking", in either language. The new question's verb is in
// the old one, whose own verb it lacks.
func TestInstantAnswerOldAsksToDoMore(t *testing.T) {
	askAgain(t, []askedAgain{{
		name: "old asks to do more",
		history: []string{
			"How do I cancel a meeting room booking for tomorrow?",
			"Comment annuler la réservation d'une salle de réunion ?",
			"How do I delete a scheduled post in Buffer?",
		},
		same: map[string]int{
			"How can I cancel my meeting room booking for tomorrow?": 0,
			"Comment annuler une réservation de salle de réunion ?":  1,
			"How do I delete a post I scheduled in Buffer?":          2,
		},
		near: []string{
			"How do I book a meeting room for tomorrow?",
			"Comment réserver une salle de réunion ?",
			"How do I schedule a post in Buffer?",
		},
		why: "the past question asks to do something else to it",
	}})
}

// TestInstantAnswerSaidAsAWish asks past questions again as chat says
// what it looks for or would like: "looking for…", "je voudrais une…".
func TestInstantAnswerSaidAsAWish(t *testing.T) {
	askAgain(t, []askedAgain{{
		name: "wish",
		history: []string{
			"Where can I find the employee handbook?",
			"Où trouver le modèle de NDA ?",
			"How do I get a Figma editor licence?",
			"Comment obtenir une licence Adobe ?",
		},
		same: map[string]int{
			"looking for the employee handbook": 0,
			"je cherche le modèle de NDA":       1,
			"I'd like a Figma editor licence":   2,
			"je voudrais une licence Adobe":     3,
		},
		near: []string{
			"looking for the travel policy",
			"je cherche le modèle de contrat de travail",
			"I'd like a Figma viewer licence",
		},
		why: "it asks for another thing",
	}})
}

// TestInstantAnswerWhose asks past questions again with a complement
// saying whose or which one, which restricts what is asked as a phrase
// opened by "for" does; a compound with "de" does not.
func TestInstantAnswerWhose(t *testing.T) {
	e := mustAnswered(t, "q%d", 3,
		"Combien de jours de congé pour un mariage ?",
		"Comment augmenter le plafond de ma carte corporate ?",
		"Who is the manager?",
		"Comment réserver une salle de réunion ?",
	)
	notHandedBack(t, e, "a complement one has and the other lacks",
		"Combien de jours de congé pour le mariage de mon frère ?",
		"Comment augmenter le plafond de la carte corporate d'un membre de mon équipe ?",
		"Who is the manager of my team?",
	)
	handedBack(t, e, map[string]string{
		"Combien de jours de congé pour mon mariage ?":             "q0",
		"Comment augmenter le plafond de ma carte corporate svp ?": "q1",
		"Comment je réserve une salle de réunion ?":                "q3",
	})
}

// TestInstantAnswerFragmentNamesWhatItAsks asks past questions again in
// fragments whose noun says what they ask: hours ask when, an address
// where.
func TestInstantAnswerFragmentNamesWhatItAsks(t *testing.T) {
	e := mustAnswered(t, "q%d", 3,
		"Où se trouve la salle de sport du siège ?",
		"What are the opening hours of the gym?",
		"When is the deadline for timesheets?",
	)
	notHandedBack(t, e, "it asks another kind of thing",
		"horaires salle de sport siège ?",
		"gym address?",
	)
	handedBack(t, e, map[string]string{
		"adresse salle de sport siège ?": "q0",
		"gym opening hours?":             "q1",
		"timesheets deadline?":           "q2",
	})
}

// TestInstantAnswerDuringOrAfter asks past questions about a period's
// inside again about what comes before or after it, which is another
// question, in one language or across the two.
func TestInstantAnswerDuringOrAfter(t *testing.T) {
	e := mustAnswered(t, "q%d", 3,
		"Quel est le préavis de démission pendant la période d'essai ?",
		"Can I take leave during the probation period?",
		"Who approves expense reports?",
	)
	withLexicon(t, e)
	notHandedBack(t, e, "it asks about after or before the period, not during it",
		"Quel est le préavis de démission après la période d'essai ?",
		"Can I take leave after the probation period?",
		"Can I take leave before the probation period?",
	)
	handedBack(t, e, map[string]string{
		"Quel préavis de démission pendant la période d'essai ?": "q0",
		"Can I take leave during probation?":                     "q1",
	})
}

// TestInstantAnswerForgottenPassword asks how to reset a password again
// as chat says it forgot it; forgetting something else asks something
// else.
func TestInstantAnswerForgottenPassword(t *testing.T) {
	askAgain(t, []askedAgain{{
		name: "forgotten password",
		history: []string{
			"How do I reset my Okta password?",
			"Comment réinitialiser mon mot de passe Lucca ?",
			"Where is the lost and found?",
		},
		same: map[string]int{
			"forgot my Okta password":         0,
			"I forgot my Okta password, help": 0,
			"mot de passe Lucca oublié":       1,
		},
		near: []string{
			"forgot my Okta badge",
			"How do I change my Okta password?",
		},
		why: "it asks about another thing",
	}})
}

// TestInstantAnswerPassiveWithGet asks past questions again in the
// passive English says with "get", directly or with an object between;
// what is done to something else, or something else done, is another
// question.
func TestInstantAnswerPassiveWithGet(t *testing.T) {
	askAgain(t, []askedAgain{{
		name: "get and a participle",
		history: []string{
			"When are salaries paid?",
			"How is a visitor badge activated?",
			"Comment on m'ajoute à la liste de diffusion de l'équipe ?",
			"Where is the lost and found?",
		},
		same: map[string]int{
			"When do salaries get paid?":                     0,
			"How do I get a visitor badge activated?":        1,
			"How do I get added to the team's mailing list?": 2,
		},
		near: []string{
			"When do bonuses get paid?",
			"How do I get a visitor badge printed?",
			"How do I get removed from the team's mailing list?",
		},
		why: "another thing is done, or to another thing",
	}})
}

// TestInstantAnswerWhereItIsKept asks where something is as where it is
// kept or stored, in the active voice: the verb says only that it is
// somewhere.
func TestInstantAnswerWhereItIsKept(t *testing.T) {
	askAgain(t, []askedAgain{{
		name: "where we keep it",
		history: []string{
			"Where is the Terraform state?",
			"Where are the brand guidelines stored?",
			"Where is the lost and found?",
		},
		same: map[string]int{
			"Where do we keep the Terraform state?":   0,
			"Where do we store the brand guidelines?": 1,
		},
		near: []string{
			"Where do we keep the Ansible inventory?",
			"How long do we keep the Terraform state?",
		},
		why: "it asks where another thing is, or how long",
	}})
}

// TestInstantAnswerTheLinkTo asks where something is as a request of the
// room for it or for its link; a link to something else, or who may edit
// it, is another question.
func TestInstantAnswerTheLinkTo(t *testing.T) {
	askAgain(t, []askedAgain{{
		name: "the link to",
		history: []string{
			"Where is the org chart?",
			"Où je trouve les slides de la réunion générale ?",
			"Where can I find the expense policy?",
			"Where is the lost and found?",
			"Où trouver le modèle de contrat de prestation ?",
			"Where do I find the travel policy?",
		},
		same: map[string]int{
			"Does anyone have the link to the org chart?":                  0,
			"quelqu'un a le lien vers les slides de la réunion générale ?": 1,
			"link to the expense policy?":                                  2,
			"Où trouver la politique de notes de frais ?":                  2,
		},
		near: []string{
			"Does anyone have the link to the on-call calendar?",
			"Who can edit the org chart?",
			"quelqu'un a le lien vers les slides de l'onboarding ?",
			"quelqu'un a le modèle de contrat de travail ?",
		},
		why: "it asks for another thing, or who",
	}})
}

// TestInstantAnswerYesOrNo asks when, how much or why where the past
// question asked only yes or no, whose answer does not tell it; the other
// way round, the past answer (the hours) tells whether.
func TestInstantAnswerYesOrNo(t *testing.T) {
	askAgain(t, []askedAgain{{
		name: "yes or no",
		history: []string{
			"Is the gym open on Sundays?",
			"Est-ce que le CSE rembourse le sport ?",
			"What time does the canteen open on Saturday?",
			"Where is the lost and found?",
		},
		same: map[string]int{
			"Hi, is the gym open on Sunday?":   0,
			"Le CSE rembourse le sport ?":      1,
			"Is the canteen open on Saturday?": 2,
		},
		near: []string{
			"When is the gym open on Sundays?",
			"Le CSE rembourse combien pour le sport ?",
			"Why is the gym open on Sundays?",
		},
		why: "it asks when, how much or why, which a yes or no does not tell",
	}})
}

// TestInstantAnswerTheContactFor asks for the person to reach by a noun
// ("the contact for", "le référent") where the past question asked whom
// to talk to, and the other way round; asking how to handle something
// oneself is another question, though "Who handles payroll?" asks whom
// to talk to.
func TestInstantAnswerTheContactFor(t *testing.T) {
	askAgain(t, []askedAgain{{
		name: "the contact for",
		history: []string{
			"Who do I talk to about payroll?",
			"C'est qui le référent RGPD ?",
			"Where is the lost and found?",
		},
		same: map[string]int{
			"Who's the contact for payroll?":       0,
			"Who is the right person for payroll?": 0,
			"Qui contacter pour le RGPD ?":         1,
		},
		near: []string{
			"Who's the contact for the pension plan?",
			"How do I handle a GDPR request from a customer?",
			"How do I handle GDPR?",
			"Comment gérer le RGPD ?",
			"How do I manage payroll?",
		},
		why: "it asks about another thing, or how to handle it oneself",
	}})
}

func TestInstantAnswerWhatAPossessiveOwns(t *testing.T) {
	askAgain(t, []askedAgain{{
		name: "what a possessive owns",
		history: []string{
			"Does the company pay for French classes for foreign employees?",
			"Who approves leave for my manager?",
			"Where is the lost and found?",
		},
		same: map[string]int{
			"Does the company pay French classes for foreign employees?": 0,
			"Who approves my manager's leave?":                           1,
		},
		near: []string{
			"Does the company pay for French classes for foreign employees' spouses?",
			"Does the company pay for French classes for our foreign employees' children?",
		},
		why: "it asks for what the employees have, not for them",
	}})
}

func TestInstantAnswerWhatIsNamed(t *testing.T) {
	askAgain(t, []askedAgain{{
		name: "what its noun names",
		history: []string{
			"When is the team lunch?",
			"Where is the Lyon office?",
			"How much is the meal allowance on business trips?",
		},
		same: map[string]int{
			"When's the team lunch?":                        0,
			"What's the address of the Lyon office?":        1,
			"C'est quoi l'adresse du bureau de Lyon ?":      1,
			"What is the meal allowance on business trips?": 2,
		},
		near: []string{
			"What is the team lunch budget?",
			"Quel est le budget du déjeuner d'équipe ?",
			"What's the team lunch menu?",
		},
		why: "its noun asks for another kind of answer",
	}})
}

func TestInstantAnswerNegatedBesideAFailure(t *testing.T) {
	askAgain(t, []askedAgain{{
		name: "a state negated beside a failure both say",
		history: []string{
			"What should I do if my broken laptop is under warranty?",
			"Why does the VPN fail to connect on my phone?",
			"Que faire si mon écran cassé est encore sous garantie ?",
		},
		same: map[string]int{
			"What do I do if my broken laptop is under warranty?": 0,
			"Why is the VPN not connecting on my phone?":          1,
			"Why doesn't the VPN connect on my phone?":            1,
		},
		near: []string{
			"What should I do if my broken laptop is no longer under warranty?",
			"What should I do if my broken laptop isn't under warranty?",
			"Que faire si mon écran cassé n'est plus sous garantie ?",
		},
		why: "it negates the state, not the failure",
	}})
}

func TestInstantAnswerFrenchDay(t *testing.T) {
	askAgain(t, []askedAgain{{
		name: "a day said with an article",
		history: []string{
			"Est-ce qu'on a le droit de déployer en prod le vendredi ?",
			"Where is the lost and found?",
			"Est-ce que le parking du siège est ouvert la nuit ?",
		},
		same: map[string]int{
			"Are we allowed to deploy to prod on Fridays?":      0,
			"On peut déployer en prod le vendredi ?":            0,
			"Is the parking lot at headquarters open at night?": 2,
		},
		near: []string{
			"How do I deploy to production?",
			"Comment déployer en prod ?",
			"Le parking du siège est-il ouvert ?",
		},
		why: "it does not ask about that day or that time",
	}})
}

func TestInstantAnswerTheEmployers(t *testing.T) {
	askAgain(t, []askedAgain{{
		name: "the employer's",
		history: []string{
			"How do I request a new SIM card for my work phone?",
			"How do I install Docker on my company laptop?",
			"How do I order a company credit card?",
		},
		same: map[string]int{
			"How do I request a new SIM card for my company phone?": 0,
			"Comment commander une carte bancaire de la boîte ?":    2,
			"How do I install Docker on my work laptop?":            1,
		},
		near: []string{
			"How do I request a new SIM card for my personal phone?",
			"How do I install Docker on my personal laptop?",
			"How do I order business cards?",
		},
		why: "it is not the employer's",
	}})
}

func TestInstantAnswerParticleAfterAPronoun(t *testing.T) {
	askAgain(t, []askedAgain{{
		name: "a particle after a pronoun",
		history: []string{
			"How do I enable dark mode in Outlook?",
			"How do I configure the shared printer on my Mac?",
			"Where is the lost and found?",
		},
		same: map[string]int{
			"Dark mode in Outlook: how do I turn it on?":        0,
			"The shared printer on my Mac, how do I set it up?": 1,
		},
		near: []string{
			"Dark mode in Outlook: how do I turn it off?",
		},
		why: "it turns it the other way",
	}})
}

func TestInstantAnswerWhereToFind(t *testing.T) {
	askAgain(t, []askedAgain{{
		name: "where to find it",
		history: []string{
			"Where do I find my payslip?",
			"Où trouver le modèle de NDA ?",
			"Where is the lost and found?",
		},
		same: map[string]int{
			"Where are payslips available?": 0,
			"Where's my payslip?":           0,
			"C'est où le modèle de NDA ?":   1,
		},
		near: []string{
			"When are payslips available?",
			"Where do I find my tax statement?",
		},
		why: "it asks when, or for another thing",
	}})
}

func TestInstantAnswerTheContactForAnAudience(t *testing.T) {
	askAgain(t, []askedAgain{{
		name: "the contact named after what for",
		history: []string{
			"Who is the HR contact for the Lyon office?",
			"Who do I talk to about payroll?",
			"Where is the lost and found?",
		},
		same: map[string]int{
			"Who's the HR person for the Lyon office?": 0,
			"Who's the payroll contact?":               1,
		},
		near: []string{
			"Who's the IT contact for the Lyon office?",
			"Who's the HR contact for the Paris office?",
		},
		why: "it asks for another contact",
	}})
}

func TestInstantAnswerOthersMayOrMust(t *testing.T) {
	askAgain(t, []askedAgain{{
		name: "whether another may or must",
		history: []string{
			"How long does an internal transfer take once it's approved?",
			"Do contractors need to sign the NDA?",
			"Where is the lost and found?",
		},
		same: map[string]int{
			"Do contractors have to sign the NDA?":                1,
			"Est-ce que les prestataires doivent signer le NDA ?": 1,
		},
		near: []string{
			"Does my manager have to approve my internal transfer?",
			"Can contractors sign the NDA?",
		},
		why: "it asks whether one may or must, not how long",
	}})
}

func TestInstantAnswerIsItSomewhere(t *testing.T) {
	askAgain(t, []askedAgain{{
		name: "whether it is somewhere",
		history: []string{
			"Where can I find the list of approved suppliers?",
			"Où est le plan d'évacuation de l'étage ?",
			"How do I add a supplier to the approved list?",
		},
		same: map[string]int{
			"Is there a list of approved suppliers somewhere?":      0,
			"Il y a un plan d'évacuation de l'étage quelque part ?": 1,
		},
		near: []string{
			"Is there a list of approved suppliers for Germany somewhere?",
		},
		why: "it asks for another list",
	}})
}

// TestInstantAnswerFrenchWordOrder asks French questions whose question
// word a reading of English order missed: after "quand", "a" is a verb;
// chat asks with its question word after its verb. A question asking
// where is not one asking when.
func TestInstantAnswerFrenchWordOrder(t *testing.T) {
	askAgain(t, []askedAgain{{
		name: "French word order",
		history: []string{
			"When is the next onboarding session?",
			"Quand a lieu la formation sécurité ?",
			"Where is the printer on the third floor?",
		},
		same: map[string]int{
			"Elle a lieu quand la prochaine session d'onboarding ?": 0,
			"Elle est où l'imprimante du 3e étage ?":                2,
		},
		near: []string{
			"Elle a lieu où la prochaine session d'onboarding ?",
			"Where does the safety training take place?",
			"L'imprimante du 3e étage, elle marche quand ?",
		},
		why: "it asks where, not when, or the other way round",
	}})
}

// TestInstantAnswerUndoingWhatWasAsked asks how to undo what a past
// question asked how to do, naming its verb by its noun: not the same
// question, while asking to do it with another verb before the noun is.
func TestInstantAnswerUndoingWhatWasAsked(t *testing.T) {
	askAgain(t, []askedAgain{{
		name: "undoing what was asked",
		history: []string{
			"Comment je réserve un bureau en flex office ?",
			"How do I register for the summer party?",
			"How do I order a new headset?",
		},
		same: map[string]int{
			"Comment faire une réservation de bureau en flex office ?": 0,
			"How do I place an order for a new headset?":               2,
		},
		near: []string{
			"Comment j'annule une réservation de bureau en flex office ?",
			"How do I cancel my registration for the summer party?",
			"How do I cancel an order for a new headset?",
		},
		why: "it asks how to undo it",
	}})
}

// TestInstantAnswerHowManyUnitsOfTime asks how long in a count of units of
// time, or by the noun "délai": the unit and the noun only say that a
// length of time is asked.
func TestInstantAnswerHowManyUnitsOfTime(t *testing.T) {
	askAgain(t, []askedAgain{{
		name: "how many units of time",
		history: []string{
			"How long does it take to get a refund?",
			"Quel est le délai de livraison d'un PC portable ?",
			"How long is the notice period for managers?",
		},
		same: map[string]int{
			"How many days does it take to get a refund?":            0,
			"La livraison d'un PC portable prend combien de jours ?": 1,
			"How many weeks is the notice period for managers?":      2,
		},
		near: []string{
			"Quel est le prix de livraison d'un PC portable ?",
			"How many days does it take to get a refund for a hotel?",
		},
		why: "it asks another quantity, or for another thing",
	}})
}
