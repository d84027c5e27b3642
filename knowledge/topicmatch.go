package knowledge

import (
	"math"
	"slices"
	"strings"
	"unicode"
)

// TopicMatch says that a question matches a team's topic, and how surely:
// Score runs from 0 (nothing in common) to 1 (it names the topic in words
// no other team uses).
type TopicMatch struct {
	Team  string
	Topic string
	Score float64
}

// Thresholds of a team match. A question is a team's when it matches one
// of its topics at least MinTopicScore (one of its words, or most of one
// of its example questions) and clearly better than any other team's: a
// question two teams could take equally is left to the usual routing
// rather than given to one of them at random.
const (
	MinTopicScore = 0.5
	// topicLead is the most the runner-up team may score, as a share of
	// the best team's score, for the best one to take the question.
	topicLead = 0.75
)

// TopicMatcher finds the team whose topics a question is about. It is
// built once from the teams and the index's analysis (Index.Terms: the
// question's words, lower-cased, stemmed in English and French, without
// stop words), so "notes de frais" matches the word "note de frais" and
// "passwords" the word "password".
//
// Each topic's words and example questions are split into words, each
// analysed alone: a word of the question matches a word of the topic when
// they share a stem in either language. A topic word or phrase matches
// when every one of its words does; an example question matches as far as
// the two share their words (a Dice coefficient; at least two words). Both are weighed by how
// specific each word is to one team: a word every team uses ("access",
// "demande") says little about which team the question is for.
type TopicMatcher struct {
	terms  func(string) []string
	topics []topicModel
	// teamsOf counts, for each term, the teams whose topics use it.
	teamsOf map[string]int
	teams   int
}

// word is one word as the index sees it: its terms, in either language;
// empty for a stop word.
type word []string

type topicModel struct {
	team, name string
	phrases    [][]word
	examples   [][]word
}

// NewTopicMatcher returns a matcher for the topics of teams, analysing text
// with terms (an Index's Terms).
func NewTopicMatcher(teams Teams, terms func(string) []string) *TopicMatcher {
	m := &TopicMatcher{terms: terms, teamsOf: make(map[string]int), teams: len(teams)}
	for _, t := range teams {
		used := make(map[string]bool)
		for _, tp := range t.Topics {
			model := topicModel{team: t.Name, name: tp.Name}
			for _, w := range tp.Words {
				if ws := m.words(w); len(ws) > 0 {
					model.phrases = append(model.phrases, ws)
				}
			}
			for _, e := range tp.Examples {
				if ws := m.words(e); len(ws) > 0 {
					model.examples = append(model.examples, ws)
				}
			}
			for _, ws := range slices.Concat(model.phrases, model.examples) {
				for _, w := range ws {
					for _, term := range w {
						used[term] = true
					}
				}
			}
			m.topics = append(m.topics, model)
		}
		for term := range used {
			m.teamsOf[term]++
		}
	}
	return m
}

// words splits text into its words and analyses each, leaving out stop
// words and repeats.
func (m *TopicMatcher) words(text string) []word {
	fields := strings.FieldsFunc(strings.ReplaceAll(text, "’", "'"), func(r rune) bool {
		return !unicode.IsLetter(r) && !unicode.IsDigit(r) && r != '\''
	})
	var out []word
	seen := make(map[string]bool)
	for _, f := range fields {
		// Function words (how, comment, quand…) ask; they name no topic.
		if lw := strings.ToLower(f); frenchWords[lw] || englishWords[lw] {
			continue
		}
		w := word(m.terms(f))
		key := strings.Join(w, " ")
		if len(w) == 0 || seen[key] {
			continue
		}
		seen[key] = true
		out = append(out, w)
	}
	return out
}

// specificity is how much w says about which team a text is for: the IDF
// of its surest term among the teams, smoothed and scaled to 1, ln((T+1)/n)
// / ln(T+1) for a term n of T teams use: 1 for a word only one team uses
// (or none: a word of the question alone), ln(1+1/T) / ln(T+1) for one
// every team uses, which tends to 0 as teams grow.
func (m *TopicMatcher) specificity(w word) float64 {
	best := 0.0
	for _, term := range w {
		n := m.teamsOf[term]
		if n == 0 || m.teams <= 1 {
			return 1
		}
		best = math.Max(best, math.Log(float64(m.teams+1)/float64(n))/math.Log1p(float64(m.teams)))
	}
	return best
}

// Match returns the teams whose topics text matches at all, the surest
// first, each with its best topic. A text with no word (empty, or only
// stop words) matches nothing.
func (m *TopicMatcher) Match(text string) []TopicMatch {
	if m == nil || len(m.topics) == 0 {
		return nil
	}
	q := m.words(CleanText(Truncate(text, MaxIndexedText)))
	if len(q) == 0 {
		return nil
	}
	has := make(map[string]bool)
	var qWeight float64
	for _, w := range q {
		for _, t := range w {
			has[t] = true
		}
		qWeight += m.specificity(w)
	}
	found := func(w word) bool { return slices.ContainsFunc(w, func(t string) bool { return has[t] }) }

	best := make(map[string]TopicMatch)
	for _, tp := range m.topics {
		var phrase, example float64
		for _, p := range tp.phrases {
			if !all(p, found) {
				continue
			}
			var s float64
			for _, w := range p {
				s += m.specificity(w)
			}
			phrase = math.Max(phrase, s/float64(len(p)))
		}
		for _, e := range tp.examples {
			var shared, total float64
			n := 0
			for _, w := range e {
				s := m.specificity(w)
				total += s
				if found(w) {
					shared += s
					n++
				}
			}
			// One word in common with a longer example is a coincidence
			// ("faire", "need"), not a question like it.
			if n >= min(2, len(e)) {
				example = math.Max(example, 2*shared/(total+qWeight))
			}
		}
		// Words and examples are two kinds of evidence: either can make
		// the match, and both make it surer.
		score := 1 - (1-phrase)*(1-example)
		if cur, ok := best[tp.team]; score > 0 && (!ok || score > cur.Score) {
			best[tp.team] = TopicMatch{Team: tp.team, Topic: tp.name, Score: score}
		}
	}
	out := make([]TopicMatch, 0, len(best))
	for _, b := range best {
		out = append(out, b)
	}
	slices.SortFunc(out, func(a, b TopicMatch) int {
		if a.Score != b.Score {
			if a.Score > b.Score {
				return -1
			}
			return 1
		}
		return strings.Compare(a.Team, b.Team)
	})
	return out
}

// Best returns the team match a question should be routed by: the surest
// one, when it reaches MinTopicScore and leads every other team clearly.
// ok is false otherwise, and the question is routed as if no team
// existed.
func (m *TopicMatcher) Best(text string) (TopicMatch, bool) {
	return Decide(m.Match(text))
}

// Decide picks from matches (as Match returns them) the one a question is
// routed by; see Best.
func Decide(matches []TopicMatch) (TopicMatch, bool) {
	if len(matches) == 0 || matches[0].Score < MinTopicScore {
		return TopicMatch{}, false
	}
	if len(matches) > 1 && matches[1].Score > topicLead*matches[0].Score {
		return TopicMatch{}, false
	}
	return matches[0], true
}

func all[T any](s []T, f func(T) bool) bool {
	for _, x := range s {
		if !f(x) {
			return false
		}
	}
	return true
}
