package digest_test

import (
	"encoding/json"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/nextdesk/nextdesk/digest"
	"github.com/nextdesk/nextdesk/i18n"
	"github.com/nextdesk/nextdesk/knowledge"
)

// The names, questions and topics of a week whose data is full of
// asterisks.
const (
	starTeam     = "*nix"
	starTopic    = "glob*"
	starPerson   = "*Ann* Lee"
	starQuestion = "what does *args mean?"
	starChannel  = "help*"
	starAnswer   = "it packs the positional arguments; **kwargs the named ones"
	starRising   = "c*"
)

// starWeek is a week, and the review of its teams, whose data is full of
// asterisks; odd names a person, a requesting team and a question.
func starWeek(odd string) (*digest.Digest, *digest.Review) {
	from := week47.Start(time.UTC)
	ann := knowledge.Person{ID: "UA", Name: starPerson}
	teams := []knowledge.Commitment{{Team: starTeam, Requester: odd, Asked: 2, Answered: 1, MedianFirstResponse: 45 * time.Minute,
		Kept: 1, Broken: 1, Topics: []knowledge.TopicCount{{Topic: starTopic, Questions: 2}}}}
	d := &digest.Digest{
		Week: week47, From: from, To: from.AddDate(0, 0, 7), Public: true,
		Figures: digest.Figures{Asked: 3, Answered: 1},
		Knowledge: []digest.Item{{QuestionID: "q1", Question: starQuestion, Asker: ann, Channel: starChannel, Time: from,
			Answer: starAnswer, Answerer: ann, Link: "https://x.example/q1"}},
		Unanswered: []digest.Item{
			{QuestionID: "q2", Question: "and " + starQuestion, Asker: ann, Channel: starChannel, Time: from},
			{QuestionID: "q3", Question: odd, Asker: knowledge.Person{ID: "UB", Name: odd}, Time: from},
		},
		Uncovered: []digest.Topic{{Term: starTopic, Questions: 2, Team: starTeam}},
		Rising:    []digest.Topic{{Term: starRising, Questions: 3}},
		Teams:     teams,
		Helpers:   []digest.Helper{{Person: ann, Questions: 1}},
	}
	return d, &digest.Review{Since: from, Until: from.AddDate(0, 6, 0), Rows: teams}
}

// TestPlainTextKeepsDataAsterisks: the digest and the review printed as
// text drop the bold markers of their templates ("Figures", not
// "*Figures*") and show every asterisk of what people wrote, in English
// and in French, as well as a private-use character (what the text form
// could use to tell them apart); the forms posted to Slack show the data
// as written, with nothing added.
func TestPlainTextKeepsDataAsterisks(t *testing.T) {
	const privateUse = "a\ue000* b\ue000\ue000"
	d, review := starWeek(privateUse)
	data := []string{starTeam, starTopic, starPerson, starQuestion, starChannel, starAnswer, starRising, privateUse}
	for _, c := range []struct {
		lang                   string
		digestWant, reviewWant []string
	}{
		{i18n.EN, []string{
			"\nFigures\n  3 questions asked · 1 answered\n",
			" 1. what does *args mean? (#help*)\n      it packs the positional arguments; **kwargs the named ones\n      answered by *Ann* Lee\n",
			" 1. and what does *args mean? (#help*)\n      asked by *Ann* Lee, Mon 16 Nov\n",
			" 2. " + privateUse + "\n      asked by " + privateUse + ", Mon 16 Nov\n",
			"\nTopics nobody covers\n• glob* (2 questions) — closest: *nix\nRising: c* (3 this week, 0 a week before)\n",
			"\nService promises this week\n• *nix: 2 questions · first response in 45 min (1 question) · promise kept 50% of the time",
			"\nThanks to the people who answered\n• *Ann* Lee: 1 answer\n",
		}, []string{
			"\n" + privateUse + " → *nix · 2 questions (glob* 2)\n  first response in 45 min (1 question)\n  promise kept 50% of the time (1 of 2 deadlines) · 1 breach\n",
		}},
		{i18n.FR, []string{
			"\nChiffres\n  3 questions posées · 1 avec réponse\n",
			" 1. what does *args mean? (#help*)\n      it packs the positional arguments; **kwargs the named ones\n      répondu par *Ann* Lee\n",
			" 1. and what does *args mean? (#help*)\n      posée par *Ann* Lee, lun. 16 nov.\n",
			" 2. " + privateUse + "\n      posée par " + privateUse + ", lun. 16 nov.\n",
			"\nSujets que personne ne couvre\n• glob* (2 questions) — le plus proche : *nix\nEn hausse : c* (3 cette semaine, 0 par semaine avant)\n",
			"\nEngagements de service de la semaine\n• *nix : 2 questions · première réponse en 45 min (1 question) · engagement tenu 50\u00a0% du temps",
			"\n• *Ann* Lee : 1 réponse\n",
		}, []string{
			"\n" + privateUse + " → *nix · 2 questions (glob* 2)\n  première réponse en 45 min (1 question)\n  engagement tenu 50\u00a0% du temps (1 sur 2 échéances) · 1 manquement\n",
		}},
	} {
		for what, out := range map[string]struct {
			text string
			want []string
		}{
			"digest": {digest.Text(d, c.lang), c.digestWant},
			"review": {digest.ReviewText(review, c.lang), c.reviewWant},
		} {
			var missing []string
			for _, w := range out.want {
				if !strings.Contains(out.text, w) {
					missing = append(missing, w)
				}
			}
			if len(missing) > 0 {
				t.Errorf("%s %s lacks %q:\n%s", c.lang, what, missing, out.text)
			}
			// What is left once the data is taken out is the templates':
			// no bold marker, and no private-use character.
			rest := out.text
			for _, s := range data {
				rest = strings.ReplaceAll(rest, s, "")
			}
			if i := strings.IndexAny(rest, "*\ue000"); i >= 0 {
				r, _ := utf8.DecodeRuneInString(rest[i:])
				t.Errorf("%s %s shows a %q that is no data's: %q", c.lang, what, r, rest)
			}
		}

		d, review := starWeek("Bob")
		blocks, err := json.Marshal(digest.Blocks(d, c.lang))
		if err != nil {
			t.Fatal(err)
		}
		reviewBlocks, err := json.Marshal(digest.ReviewBlocks(review, c.lang))
		if err != nil {
			t.Fatal(err)
		}
		for what, out := range map[string]string{"blocks": string(blocks), "review blocks": string(reviewBlocks), "summary": digest.Summary(d, c.lang)} {
			if strings.Contains(out, "\ue000") {
				t.Errorf("%s %s show a private-use character that is no data's:\n%s", c.lang, what, out)
			}
		}
		for _, s := range []string{starTeam, starQuestion, starPerson, starChannel} {
			if !strings.Contains(string(blocks), s) {
				t.Errorf("%s blocks lack %q:\n%s", c.lang, s, blocks)
			}
		}
	}
}
