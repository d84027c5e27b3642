package knowledge

import (
	"context"
	"fmt"
	"math"
	"slices"
	"sort"
	"strings"
	"sync"
	"sync/atomic"
	"time"
)

// Policy holds the weights of the ranking and of instant answers, one
// policy for every workspace. The defaults are principles, not fits to one
// data set, and were kept only where they held on every shared community
// (a chat of sixteen channels, three years of another chat, three Q&A
// sites): evidence is text relevance (Balog's document-centred model,
// summed over the most similar answered questions), weighted by how good
// each answer was, how recent, and whether it was given where the new
// question is asked, with a little for having asked a similar question and
// read its answer; then each other signal scales it: who answers a lot
// where the question is asked (the candidate prior), who has been
// answering there in the last hours and days (who is around and helping
// now), who helped this asker before, and who usually answers at this hour.
type Policy struct {
	// Candidates is how many similar questions are aggregated.
	Candidates int
	// AnswerWeight weighs the text of past answers against the text of past
	// questions when looking for evidence of expertise.
	AnswerWeight float64
	// TitleWeight is how much a word of a question's title counts in the
	// search, against 1 for a word only in its body: the title is what it
	// asks in short, the body adds details and greetings. A question with
	// no title (a Slack message) weighs all its words alike.
	TitleWeight float64
	// AcceptedBoost multiplies the weight of an answer the asker accepted:
	// a weight of 1+AcceptedBoost instead of 1.
	AcceptedBoost float64
	// ThanksBoost adds, per thanks (at most two), to an answer's weight.
	ThanksBoost float64
	// AskedWeight is the weight of having asked a similar question that
	// someone else answered, against 1 for having answered it: the asker
	// read the answer and lived with the problem, so they know the topic,
	// second hand. It adds to the evidence of people who answered similar
	// questions too, and alone makes nobody an expert.
	AskedWeight float64
	// SameConversationBoost adds to the weight of evidence found in the
	// question's own conversation: at 1 it counts twice. A channel is a
	// topic its people chose, and those who answer there are around to
	// answer again; a closer match elsewhere still wins.
	SameConversationBoost float64
	// HalfLife is how long until an answer's evidence counts half. Knowledge
	// ages: tools change and people move on.
	HalfLife time.Duration
	// MinRecency is the floor of the recency decay, so a person who answered
	// long ago is still found when nobody else knows.
	MinRecency float64
	// Each weight below says how much one signal scales a person's score:
	// at w, a person with none of it keeps 1-w of their score, the one
	// with the most keeps it all.
	//
	// EvidenceWeight is for the text evidence: at 0.9, a person nobody's
	// text points to is ranked only after those it does, unless every
	// other signal is theirs.
	EvidenceWeight float64
	// ActivityWeight is for how much a person answers in the question's
	// conversation (anywhere, when no candidate answered there), on a log
	// scale and discounted by how long ago they last answered.
	ActivityWeight float64
	// RecentWeight is for answering in the question's conversation
	// lately: each answer of the last RecentWindow counts by its age, with
	// half-lives of RecentHours (who is around this very moment) and
	// RecentDays (who has been helping this week).
	RecentWeight float64
	RecentWindow time.Duration
	RecentHours  time.Duration
	RecentDays   time.Duration
	// HelpedWeight is for having answered the asker before.
	HelpedWeight float64
	// AvailabilityWeight is for a person's usual answering hours: at 0.3,
	// a person who never answers at this hour keeps 70% of their score.
	AvailabilityWeight float64
	// Experts caps the number of experts returned.
	Experts int
	// Evidence caps the past questions shown for each expert.
	Evidence int
	// SureConfidence is the confidence from which a past answer is given as
	// the answer without asking anyone. Confidence is calibrated as the
	// chance that the past question asks the same thing; the answers
	// handed back from 0.5 on were right 83% of the time on labelled
	// duplicates (the shared SemEval-2016 split), since most of them are
	// far likelier than the threshold. A workspace's own outcomes refine
	// it (CalibrateThreshold).
	SureConfidence float64
	// Judged is how many of the closest answered questions are judged for
	// an instant answer.
	Judged int
}

// DefaultPolicy returns the ranking weights nextdesk ships with.
func DefaultPolicy() Policy {
	return Policy{
		Candidates:            50,
		AnswerWeight:          0.5,
		TitleWeight:           3,
		AcceptedBoost:         0.5,
		ThanksBoost:           0.15,
		AskedWeight:           0.25,
		SameConversationBoost: 1,
		HalfLife:              365 * 24 * time.Hour,
		MinRecency:            0.25,
		EvidenceWeight:        0.9,
		ActivityWeight:        0.15,
		RecentWeight:          0.5,
		RecentWindow:          30 * 24 * time.Hour,
		RecentHours:           6 * time.Hour,
		RecentDays:            7 * 24 * time.Hour,
		HelpedWeight:          0.1,
		AvailabilityWeight:    0.3,
		Experts:               10,
		Evidence:              3,
		SureConfidence:        0.5,
		Judged:                10,
	}
}

// Engine answers the two questions nextdesk asks of its knowledge: who
// knows this, and was it already answered?
type Engine struct {
	Source Source
	Index  Index
	Policy Policy
	// Lexicon translates words between French and English; nil for none.
	Lexicon *Lexicon
	// Now is the clock for questions that carry no time of their own.
	Now func() time.Time

	// learned is the threshold the workspace's outcomes taught, as a
	// float64's bits (0 for none): see SetSureConfidence.
	learned atomic.Uint64
}

// NewEngine returns an engine on src and ix with the default policy.
func NewEngine(src Source, ix Index) *Engine {
	return &Engine{Source: src, Index: ix, Policy: DefaultPolicy(), Now: time.Now}
}

// Expert is a person the engine would route a question to, and why.
type Expert struct {
	Person Person
	Score  float64
	// Evidence lists the past questions they answered that make them the
	// person to ask, most relevant first, then those they asked and someone
	// else answered; only questions the viewer may see.
	Evidence []Evidence
	Stats    AnswererStats
	// Availability estimates, from 0 to 1, how likely they are to be around
	// at the time the question is asked, from the hours they usually answer.
	Availability float64
}

// Evidence is one past question that supports an expert.
type Evidence struct {
	QuestionID string
	Text       string
	Time       time.Time
	Accepted   bool
	// Asked is true when the expert asked this question, and someone else
	// answered it, rather than answered it themselves.
	Asked     bool
	Relevance float64
}

// Match is a past answered question close to a new one.
type Match struct {
	Question Question
	Answer   Answer // the best answer
	// AnsweredBy is the author of Answer, as the store knows them (only
	// the id when it does not).
	AnsweredBy Person
	// Sameness, from 0 to 1, is how much of each question's meaning is in
	// the other: their rarer words, matched both ways.
	Sameness float64
	// Confidence, from 0 to 1, is how surely Answer answers the new
	// question: the chance, as calibrated, that the past question asks the
	// same thing.
	Confidence float64
	// Sure is true when Confidence is high enough to give Answer without
	// asking anyone.
	Sure bool
}

// Consideration is the engine's whole judgement of one question: the past
// answers that may already answer it, and the people to ask.
type Consideration struct {
	// Matches are the answered questions closest to the new one, each
	// with its best answer: those sure enough to hand back first, most
	// confident first, then the others, closest first.
	Matches []Match
	// Experts are the people most likely to answer, best first.
	Experts []Expert
}

// Consider judges q as seen by v, with one search of the index and one read
// of the store for both answers: the past answers that may already answer
// it (as Similar returns them) and the people to ask (as Experts returns
// them). Evidence comes only from questions v may see. It returns an
// EINVALID error when q has no text.
func (e *Engine) Consider(ctx context.Context, q Question, v Viewer) (Consideration, error) {
	text, now, err := e.prepare(q)
	if err != nil {
		return Consideration{}, err
	}
	words := e.Index.Words(text)
	if len(words) == 0 {
		return Consideration{}, nil // only function words: nothing to look for
	}
	translations := e.translate(text, words)
	title := e.titleWords(q)
	scope, err := e.Source.Scope(ctx, v)
	if err != nil {
		return Consideration{}, fmt.Errorf("what %q may search: %w", v.PersonID, err)
	}
	hits, err := e.Index.Search(ctx, SearchQuery{
		Words:         searchWords(words, translations, title, e.Policy.TitleWeight),
		Conversations: scope.Conversations,
		Restricted:    scope.Restricted,
		AnswerWeight:  e.Policy.AnswerWeight,
		Limit:         e.Policy.Candidates,
	})
	if err != nil {
		return Consideration{}, fmt.Errorf("search: %w", err)
	}
	ids := make([]string, len(hits))
	for i, h := range hits {
		ids[i] = h.QuestionID
	}
	r, err := e.Source.Consult(ctx, v, Consultation{
		IDs: ids, Asker: q.Asker, Conversation: q.Conversation, At: now, Recent: e.Policy.RecentWindow,
	})
	if err != nil {
		return Consideration{}, fmt.Errorf("read what the search found: %w", err)
	}
	byID := make(map[string]Question, len(r.Questions))
	for _, past := range r.Questions {
		byID[past.ID] = past
	}
	var c Consideration
	if c.Matches, err = e.matches(ctx, q, words, translations, title, hits, byID); err != nil {
		return Consideration{}, err
	}
	for i, m := range c.Matches {
		c.Matches[i].AnsweredBy = r.People[m.Answer.Answerer]
		if c.Matches[i].AnsweredBy.ID == "" {
			c.Matches[i].AnsweredBy.ID = m.Answer.Answerer
		}
	}
	c.Experts = e.experts(q, now, hits, byID, r)
	return c, nil
}

// Experts ranks the people most likely to answer q, as seen by v: evidence
// comes only from questions v may see. It never returns q's asker, a bot, or
// a deleted person. It returns an EINVALID error when q has no text. It is
// Consider's second half: a caller that wants both calls Consider once.
func (e *Engine) Experts(ctx context.Context, q Question, v Viewer) ([]Expert, error) {
	c, err := e.Consider(ctx, q, v)
	return c.Experts, err
}

// Similar returns the answered questions closest to q that v may see, each
// with its best answer: those sure enough to hand back first, most
// confident first, then the others, closest first. It returns an EINVALID error
// when q has no text. It is Consider's first half: a caller that wants both
// calls Consider once.
func (e *Engine) Similar(ctx context.Context, q Question, v Viewer) ([]Match, error) {
	c, err := e.Consider(ctx, q, v)
	return c.Matches, err
}

// experts ranks the answerers of the questions found, by the evidence of
// those questions and the signals read around the new one.
func (e *Engine) experts(q Question, now time.Time, hits []Hit, byID map[string]Question, r Reading) []Expert {
	type candidate struct {
		evidence float64
		recent   float64
		helped   float64
		support  []Evidence
		texts    map[string]bool // evidence texts already listed
	}
	cands := make(map[string]*candidate)
	get := func(person string) *candidate {
		c := cands[person]
		if c == nil {
			c = &candidate{texts: make(map[string]bool)}
			cands[person] = c
		}
		return c
	}
	// credit adds one past question's evidence to a candidate, and lists it
	// among their reasons.
	credit := func(c *candidate, past Question, person string, score, weight float64) {
		c.evidence += score * weight
		// The same question posted twice (in two channels, or asked
		// again word for word) is one piece of evidence to a reader.
		key := sameText(past)
		if c.texts[key] {
			return
		}
		c.texts[key] = true
		c.support = append(c.support, Evidence{
			QuestionID: past.ID,
			Text:       past.SearchText(),
			Time:       past.Time,
			Accepted:   acceptedBy(past, person),
			Asked:      person == past.Asker,
			Relevance:  score,
		})
	}
	var found []Question // the hits' questions, in the hits' order
	var scores []float64
	for _, h := range hits {
		past, ok := byID[h.QuestionID]
		if !ok || past.ID == q.ID || past.Time.After(now) {
			continue
		}
		found, scores = append(found, past), append(scores, h.Score)
		here := e.here(past, q)
		for person, weight := range e.answerWeights(past, q.Asker, now) {
			credit(get(person), past, person, h.Score, weight*here)
		}
	}
	// Having asked a similar question that someone else answered adds to
	// the evidence of the people the answers point to: alone it proposes
	// nobody, since a person is asked for what they answered.
	for i, past := range found {
		if c := cands[past.Asker]; c != nil {
			if w := e.askedWeight(past, q.Asker, now); w > 0 {
				credit(c, past, past.Asker, scores[i], w*e.here(past, q))
			}
		}
	}
	p := e.Policy
	// Who has been answering here lately is around and helping now: each
	// recent answer counts by how recent it is, over hours and over days.
	// These signals weigh the people the text points to; alone they
	// propose nobody, since a person must be asked for what they know.
	if p.RecentWeight > 0 {
		for _, a := range r.Recent {
			if a.Person == q.Asker || a.Time.After(now) {
				continue
			}
			age := float64(now.Sub(a.Time))
			if c := cands[a.Person]; c != nil {
				c.recent += math.Exp2(-age/float64(p.RecentHours)) + math.Exp2(-age/float64(p.RecentDays))
			}
		}
	}
	// Who helped this asker before knows what they work on, and answers
	// them.
	if p.HelpedWeight > 0 {
		for person, h := range r.Helped {
			if person == q.Asker {
				continue
			}
			if c := cands[person]; c != nil {
				c.helped = math.Log1p(float64(h.Answers)) * e.recency(h.Last, now)
			}
		}
	}
	if len(cands) == 0 {
		return nil
	}

	// Who answers where the question is asked is that place's helper: the
	// candidate prior counts the answers given there, and those given
	// anywhere only when no candidate has answered there (a new channel, a
	// question asked of the bot directly).
	here := false
	for id := range cands {
		here = here || r.Here[id] > 0
	}
	activity := func(id string) float64 {
		st := r.Stats[id]
		if here {
			return e.activity(r.Here[id], st.Last, now)
		}
		return e.activity(st.Answers, st.Last, now)
	}
	var maxEvidence, maxActivity, maxRecent, maxHelped float64
	for id, c := range cands {
		maxEvidence = math.Max(maxEvidence, c.evidence)
		maxActivity = math.Max(maxActivity, activity(id))
		maxRecent = math.Max(maxRecent, c.recent)
		maxHelped = math.Max(maxHelped, c.helped)
	}
	experts := make([]Expert, 0, len(cands))
	for id, c := range cands {
		person, known := r.People[id]
		if !known {
			person = Person{ID: id}
		}
		if !person.Routable() || id == q.Asker {
			continue
		}
		st := r.Stats[id]
		avail := Availability(st, person, now)
		// Each signal scales the score between 1-w (the signal says
		// nothing for this person) and 1 (the most of it among the
		// candidates), so that every one must agree for a person to come
		// first, and none alone can put someone first: the one who knows
		// the topic, is around now, and answers.
		score := factor(p.EvidenceWeight, share(c.evidence, maxEvidence)) *
			factor(p.ActivityWeight, share(activity(id), maxActivity)) *
			factor(p.RecentWeight, share(c.recent, maxRecent)) *
			factor(p.HelpedWeight, share(c.helped, maxHelped)) *
			factor(p.AvailabilityWeight, avail)
		// What they answered says most about why them; what they asked
		// comes after.
		sort.SliceStable(c.support, func(i, j int) bool {
			a, b := c.support[i], c.support[j]
			if a.Asked != b.Asked {
				return b.Asked
			}
			return a.Relevance > b.Relevance
		})
		if len(c.support) > p.Evidence {
			c.support = c.support[:p.Evidence]
		}
		experts = append(experts, Expert{Person: person, Score: score, Evidence: c.support, Stats: st, Availability: avail})
	}
	// The people the asker names come first: the asker chose them, and
	// most often they answer (between two in three and four in five of
	// the people named in the racket and Julia communities' questions).
	// Like every signal, it weighs only the people the text points to.
	named := make(map[string]bool, len(q.Addressed))
	for _, id := range q.Addressed {
		named[id] = true
	}
	sort.Slice(experts, func(i, j int) bool {
		if a, b := named[experts[i].Person.ID], named[experts[j].Person.ID]; a != b {
			return a
		}
		if experts[i].Score != experts[j].Score {
			return experts[i].Score > experts[j].Score
		}
		return experts[i].Person.ID < experts[j].Person.ID
	})
	if len(experts) > p.Experts {
		experts = experts[:p.Experts]
	}
	return experts
}

// sameText is what two questions posted twice share, word for word.
func sameText(q Question) string {
	return strings.ToLower(strings.Join(strings.Fields(q.SearchText()), " "))
}

// standsFor reports whether a copy of a question, with its best answer,
// stands for another copy: the most trusted answer (from a real thread
// rather than reconstructed, then accepted or thanked), then the first
// asked, then the smaller id, so that the choice never depends on the
// order copies are met in.
func standsFor(q Question, a Answer, other Question, otherAnswer Answer) bool {
	if q.Reconstructed != other.Reconstructed {
		return other.Reconstructed
	}
	if confirmed, otherConfirmed := a.Accepted || a.Thanks > 0, otherAnswer.Accepted || otherAnswer.Thanks > 0; confirmed != otherConfirmed {
		return confirmed
	}
	if !q.Time.Equal(other.Time) {
		return q.Time.Before(other.Time)
	}
	return q.ID < other.ID
}

// maxComparedText bounds the text of a past question compared word by word
// with a new one: its first paragraphs say what it asks.
const maxComparedText = 4 << 10

// matches judges how surely each of the closest answered questions found
// asks what q asks (see confidence.go).
func (e *Engine) matches(ctx context.Context, q Question, words []Word, translations []QueryWord, title []Word, hits []Hit, byID map[string]Question) ([]Match, error) {
	asked, askedTr := words, translations
	askedText := q.SearchText()
	if q.Title != "" {
		askedText = titleText(q)
		asked, askedTr = title, e.translate(askedText, title)
	}
	// The texts are read as the index reads them, with what chat leaves
	// out written back ("cant" negates, "wheres" asks where, "cmt" asks
	// how).
	askedText = WrittenOut(Truncate(askedText, MaxIndexedText))
	asked = e.readAsMeant(askedText, asked)
	askedWay, askedLang := polarityOf(askedText), DetectLang(askedText)
	// A message that tells its situation beside what it asks is judged
	// on what it asks (askingSentences), the old question's words found
	// anywhere in it (compareTold).
	askingText, asking := askedText, asked
	if q.Title == "" {
		if part, ok := askingSentences(askedText); ok {
			askingText, asking = part, e.readAsMeant(part, e.Index.Words(part))
		}
	}
	type judged struct {
		past         Question
		best         Answer
		headline     string
		words        []Word
		translations []QueryWord
		lang         string
		across       bool // maybe in the other language
		way          polarity
		score        float64 // the search's, where it put the first copy
	}
	var found []judged
	// The same question posted twice (in two channels, or asked again word
	// for word) is one match. One copy stands for all, where the search put
	// the first: the one whose answer is most trusted, else the first asked.
	// Which copy the search puts first is no guide: their scores differ
	// only by the index segments they sit in, which change as segments
	// merge. Each copy still counts among the matches judged, so that
	// copies in the history do not widen the search's net.
	copies := make(map[string]int) // sameText → its index in found
	judgedCount := 0
	for _, h := range hits {
		if judgedCount == e.Policy.Judged {
			break
		}
		past, ok := byID[h.QuestionID]
		if !ok || past.ID == q.ID {
			continue
		}
		best, ok := past.BestAnswer()
		if !ok {
			continue
		}
		judgedCount++
		key := sameText(past)
		if i, ok := copies[key]; ok {
			if standsFor(past, best, found[i].past, found[i].best) {
				found[i].past, found[i].best = past, best
			}
			continue
		}
		copies[key] = len(found)
		found = append(found, judged{past: past, best: best, score: h.Score})
	}
	for i := range found {
		headline := WrittenOut(Truncate(found[i].past.Headline(), MaxIndexedText))
		found[i].headline, found[i].words = headline, e.readAsMeant(headline, e.Index.Words(headline))
		// The old question's translations let a question asked in the
		// other language be found in it word for word, as the new one's
		// let the old one's words be found in it: sameness is judged
		// both ways, across the two languages. Two questions surely in
		// the same language need none, and most are.
		found[i].lang = DetectLang(headline)
		if lang := found[i].lang; lang == "" || lang != askedLang {
			found[i].across = true
			found[i].translations = e.translate(headline, found[i].words)
		}
		found[i].way = polarityOf(headline)
	}
	if len(found) == 0 {
		return nil, nil
	}
	var terms []string
	for _, w := range asked {
		terms = append(terms, w.Terms...)
	}
	for _, j := range found {
		for _, w := range j.words {
			terms = append(terms, w.Terms...)
		}
	}
	// When both questions have a title and a body, the whole texts are
	// compared too: two questions whose titles agree but whose bodies ask
	// different things are not the same question. A question of one line
	// is compared with titles only: a body always says more than one line.
	askedFull, askedFullTr := words, translations
	fullWords := make([][]Word, len(found))
	for i, j := range found {
		fullWords[i] = j.words
		if q.Title != "" && j.past.Title != "" {
			fullWords[i] = e.Index.Words(Truncate(j.past.SearchText(), maxComparedText))
		}
		for _, w := range fullWords[i] {
			terms = append(terms, w.Terms...)
		}
	}
	for _, w := range askedFull {
		terms = append(terms, w.Terms...)
	}
	for _, w := range asking {
		terms = append(terms, w.Terms...)
	}
	stats, err := e.Index.Rarity(ctx, terms)
	if err != nil {
		return nil, fmt.Errorf("term statistics: %w", err)
	}
	vocab := newVocabulary(stats, e.Lexicon)
	askedBag, askedFullBag := newBag(asked, vocab, askedTr).withText(askedText).withWay(askedWay), newBag(askedFull, vocab, askedFullTr)
	askingBag := askedBag
	if askingText != askedText {
		askingBag = newBag(asking, vocab, e.translate(askingText, asking)).withText(askingText).withWay(polarityOf(askingText))
		// "Any idea?" asks what the situation says.
		if !askingBag.meaningful() {
			askingText, asking, askingBag = askedText, asked, askedBag
		}
	}
	// A question in the other language is compared through each word's
	// own translations too (see bag.withTranslations).
	var askedAcross, askingAcross bag
	var askedRestrictions [][]Word // read once, for the first match in its language
	restrictionsRead := false
	matches := make([]Match, len(found))
	for i, j := range found {
		a, t, old := askingBag, askedBag, newBag(j.words, vocab, j.translations).withText(j.headline).withWay(j.way)
		if j.across && e.Lexicon != nil {
			if askedAcross.translated == nil {
				askedAcross = askedBag.withTranslations(e.Lexicon.TranslateWords(askedText, asked))
				askingAcross = askedAcross
				if askingText != askedText {
					askingAcross = askingBag.withTranslations(e.Lexicon.TranslateWords(askingText, asking))
				}
			}
			a, t, old = askingAcross, askedAcross, old.withTranslations(e.Lexicon.TranslateWords(j.headline, j.words))
		}
		head := compareTold(a, t, old)
		same := head.asks()
		// Between two languages a restriction is held when any
		// translation of its words is: "pour l'Italie" restricts "Qui est
		// le contact RH pour l'Italie ?" against "How do I contact HR?",
		// but "for the keyring" is held by "du trousseau".
		if !restrictionsRead {
			askedRestrictions, restrictionsRead = restrictions(askingText, e.Index.Words), true
		}
		restricted := math.Max(unrestricted(askedRestrictions, a, old), unrestricted(restrictions(j.headline, e.Index.Words), old, t))
		same *= math.Pow(1-restricted, doubtPower)
		if q.Title != "" && j.past.Title != "" {
			// A body adds details: a word one body has and the other
			// lacks is no swap of what is asked.
			same = math.Min(same, compare(askedFullBag, newBag(fullWords[i], vocab, nil)).Overlap)
		}
		if askedWay.opposed(j.way) || j.across && e.statedAgainstDoneAcross(askedWay, askedLang, j.way, j.lang) {
			same = 0
		}
		matches[i] = Match{Question: j.past, Answer: j.best, Sameness: same}
	}
	e.calibrate(matches)
	// The matches sure enough to hand back come first, most confident
	// first. The others follow by closeness: the search ranks better than
	// sameness alone (BM25 weighs repeated and rare words with more
	// nuance), but of two matches the search finds about as close, the one
	// that asks what the question asks is the better, so sameness raises
	// a match's search score up to twice. Of two answers as sure, the one
	// asked in the asker's language comes first: a twin asked in French
	// and one asked in English answer alike, and the asker reads the one
	// in their language. Two past questions asked alike ("the selected
	// folder", "the selected folders") tie, and the newer comes first:
	// its answer is likelier to hold still, and the search returns ties
	// in no fixed order.
	closeness := make(map[string]float64, len(found))
	across := make(map[string]bool, len(found))
	for i, j := range found {
		closeness[j.past.ID] = j.score * (1 + matches[i].Sameness)
		across[j.past.ID] = j.across
	}
	sort.SliceStable(matches, func(i, j int) bool {
		a, b := matches[i], matches[j]
		if a.Sure != b.Sure {
			return a.Sure
		}
		if a.Sure && a.Confidence != b.Confidence {
			return a.Confidence > b.Confidence
		}
		if a.Sure && across[a.Question.ID] != across[b.Question.ID] {
			return !across[a.Question.ID]
		}
		if ca, cb := closeness[a.Question.ID], closeness[b.Question.ID]; !sameScore(ca, cb) {
			return ca > cb
		}
		return newer(a.Question, b.Question)
	})
	return matches, nil
}

// sameScore tells whether two search scores are one: two past questions
// analysed alike ("inclusion du code source", "pas d'inclusion du code
// source", whose "pas" the analysis drops) score the same but for the
// last bits of a float, which differ with the order bleve sums in, and so
// with how its segments happen to be merged. Compared as they are, the
// first of two such matches changed from run to run.
func sameScore(a, b float64) bool {
	return math.Abs(a-b) <= 1e-9*math.Max(math.Abs(a), math.Abs(b))
}

// newer tells whether a was asked after b, or at the same time with the
// smaller id, so that matches that tie keep one order.
func newer(a, b Question) bool {
	if !a.Time.Equal(b.Time) {
		return a.Time.After(b.Time)
	}
	return a.ID < b.ID
}

// readAsMeant returns words, the analysis of text, as sameness compares
// them: with the French "an" (a year) the analysis drops as the English
// article, without the French "ai" (have) it keeps as the English AI, and
// with the English "down" of a service that is down, which it drops as a
// particle.
//
// "par an", "l'an dernier", "le jour de l'an" say a period, and without
// it "Combien de jours de congé par an ?" read as "…par mois ?" with a
// word left out, not another question: an "an" after the words that make
// it the noun is read as "année", which means the same and which the
// analysis keeps. And the "ai" of "j'ai" and "ai-je" would be a word of
// meaning the English question lacks: "J'ai perdu mon badge" is "I lost
// my badge", whose "have" no analysis keeps. "Why is the VPN down in the
// morning?" asks about an outage, and without its "down" it read as "Why
// is the VPN slow in the morning?" with a word left out: a "down" after a
// form of being or going, close enough before it, and not after a verb it
// makes another ("slow down", "scroll down"), is read as "outage", which
// the words of work translate ("panne").
func (e *Engine) readAsMeant(text string, words []Word) []Word {
	tokens := phraseWords(text)
	var year, have, down bool
	for i, t := range tokens {
		year = year || t == "an" && i > 0 && beforeFrenchYear[tokens[i-1]]
		have = have || t == "ai" && (i > 0 && tokens[i-1] == "j" || i+1 < len(tokens) && tokens[i+1] == "je")
		down = down || t == "down" && serviceDown(tokens[:i])
	}
	if have {
		words = slices.DeleteFunc(slices.Clone(words), func(w Word) bool { return w.Text == "ai" })
	}
	for _, read := range []struct {
		ok   bool
		word string
	}{{year, "année"}, {down, "outage"}} {
		if !read.ok {
			continue
		}
		if analysed := e.Index.Words(read.word); len(analysed) > 0 {
			words = append(slices.Clip(words), Word{Text: read.word, Terms: analysed[0].Terms})
		}
	}
	return words
}

// serviceDown tells whether a "down" after before, the words of its text
// up to it, says that something is down: a form of being or going among
// the last four ("is down", "Is the VPN down?", "keeps going down"), and
// no verb right before that "down" makes another ("slow down", "shut
// down", which say what someone does).
func serviceDown(before []string) bool {
	if len(before) == 0 || downVerbs[before[len(before)-1]] {
		return false
	}
	return slices.ContainsFunc(before[max(0, len(before)-4):], func(w string) bool { return beingOrGoing[w] })
}

var (
	beingOrGoing = wordSet(`is are was were be been being s isn aren wasn weren go goes going went gone`)
	downVerbs    = wordSet(`
		slow slows slowed shut shuts scroll scrolls scrolled turn turns turned break breaks broke broken
		calm calmed write writes wrote written sit sat step stepped look looked cut cuts narrow narrowed
		bring brought take takes took taken put puts let lets set sets track tracked wind winds wound
		close closes closed burn burns burned burnt mark marked knock knocked water watered tone toned
		upside`)
)

// beforeFrenchYear are the words after which "an" is the French noun:
// never English words before its article.
var beforeFrenchYear = map[string]bool{
	"l": true, "par": true, "un": true, "nouvel": true, "cet": true, "chaque": true, "d": true,
}

// titleWords are the words of q's title, none when it has none.
func (e *Engine) titleWords(q Question) []Word {
	if q.Title == "" {
		return nil
	}
	return e.Index.Words(titleText(q))
}

func titleText(q Question) string { return Truncate(CleanText(q.Title), MaxIndexedText) }

func (e *Engine) prepare(q Question) (text string, now time.Time, err error) {
	text = CleanText(q.SearchText())
	if strings.TrimSpace(text) == "" {
		return "", time.Time{}, Errorf(EINVALID, "That question is empty.")
	}
	now = q.Time
	if now.IsZero() {
		now = e.Now()
	}
	return Truncate(text, MaxIndexedText), now, nil
}

// answerWeights returns, for each person who answered past (other than its
// asker and the new question's asker), how much their answers there count:
// the best of their answers, by acceptance, thanks and age.
func (e *Engine) answerWeights(past Question, asker string, now time.Time) map[string]float64 {
	p := e.Policy
	weights := make(map[string]float64, len(past.Answers))
	for _, a := range past.Answers {
		if a.Answerer == "" || a.Answerer == past.Asker || a.Answerer == asker {
			continue
		}
		w := 1.0
		if a.Accepted {
			w += p.AcceptedBoost
		}
		w += p.ThanksBoost * float64(min(a.Thanks, 2))
		w *= e.recency(a.Time, now)
		weights[a.Answerer] = math.Max(weights[a.Answerer], w)
	}
	return weights
}

// here is how much more a past question's evidence counts for having been
// asked where q is: 1+SameConversationBoost in q's conversation, 1 elsewhere.
func (e *Engine) here(past, q Question) float64 {
	if q.Conversation != "" && past.Conversation == q.Conversation {
		return 1 + e.Policy.SameConversationBoost
	}
	return 1
}

// askedWeight is how much having asked past counts for its asker, by its
// age: AskedWeight when someone else answered it, since the asker then
// read what solved it, and 0 when nobody did (they know only the question)
// or when they ask the new question too.
func (e *Engine) askedWeight(past Question, asker string, now time.Time) float64 {
	if e.Policy.AskedWeight <= 0 || past.Asker == "" || past.Asker == asker {
		return 0
	}
	for _, a := range past.Answers {
		if a.Answerer != "" && a.Answerer != past.Asker {
			return e.Policy.AskedWeight * e.recency(past.Time, now)
		}
	}
	return 0
}

// recency decays exponentially with age, down to MinRecency.
func (e *Engine) recency(t, now time.Time) float64 {
	p := e.Policy
	if p.HalfLife <= 0 || t.IsZero() || !t.Before(now) {
		return 1
	}
	decay := math.Exp2(-float64(now.Sub(t)) / float64(p.HalfLife))
	return p.MinRecency + (1-p.MinRecency)*decay
}

// activity is the candidate prior: how many answers a person gave, on a log
// scale (the hundredth answer says less than the second), discounted by how
// long ago they last answered.
func (e *Engine) activity(answers int, last, now time.Time) float64 {
	if answers == 0 {
		return 0
	}
	return math.Log1p(float64(answers)) * e.recency(last, now)
}

// share is x against the most any candidate has, 0 when nobody has any.
func share(x, max float64) float64 {
	if max == 0 {
		return 0
	}
	return x / max
}

// factor scales a score by a signal of weight w worth x, from 0 to 1.
func factor(w, x float64) float64 { return 1 - w + w*x }

func acceptedBy(q Question, person string) bool {
	for _, a := range q.Answers {
		if a.Answerer == person && a.Accepted {
			return true
		}
	}
	return false
}

// Availability estimates, from 0 to 1, how likely a person is to answer at
// time t: the share of their past answers given around that hour of the day
// (smoothed over the neighbouring hours), against their busiest hour. The
// estimate is shrunk towards a prior worth a handful of answers, so two
// answers at 14:00 do not make someone unreachable at 10:00: office hours in
// their time zone when it is known, every hour alike otherwise.
func Availability(st AnswererStats, p Person, t time.Time) float64 {
	const priorMass = 6.0
	prior := hoursPrior(p, t)
	var smooth [24]float64
	peak := 0.0
	for h := range 24 {
		prev, next := st.Hours[(h+23)%24], st.Hours[(h+1)%24]
		smooth[h] = float64(st.Hours[h]) + 0.5*float64(prev+next) + priorMass*prior[h]
		peak = math.Max(peak, smooth[h])
	}
	return smooth[t.UTC().Hour()] / peak
}

// hoursPrior spreads a person's expected activity over the hours of the day
// (UTC): mostly 08:00 to 19:00 in their time zone on the day of t, or evenly
// when their zone is unknown.
func hoursPrior(p Person, t time.Time) (prior [24]float64) {
	offset, known := utcOffset(p, t)
	for utc := range 24 {
		local := ((utc+offset/3600)%24 + 24) % 24
		switch {
		case !known, local >= 8 && local < 19:
			prior[utc] = 1
		default:
			prior[utc] = 0.1
		}
	}
	return prior
}

func utcOffset(p Person, t time.Time) (seconds int, known bool) {
	if loc := location(p.TZ); loc != nil {
		_, off := t.In(loc).Zone()
		return off, true
	}
	if p.TZOffset != 0 {
		return p.TZOffset, true
	}
	return 0, false
}

// locations caches loaded time zones: loading one reads and parses the zone
// database, far too slow to do for every candidate of every question.
var locations sync.Map // zone name → *time.Location, or nil when it does not load

func location(name string) *time.Location {
	if name == "" {
		return nil
	}
	if loc, ok := locations.Load(name); ok {
		return loc.(*time.Location)
	}
	loc, err := time.LoadLocation(name)
	if err != nil {
		loc = nil
	}
	locations.Store(name, loc)
	return loc
}
