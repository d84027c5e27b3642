package knowledge

import (
	"context"
	"fmt"
	"math"
	"sort"
	"strings"
	"sync"
	"time"
)

// Policy holds the weights of the ranking. The defaults are principles, not
// fits to one data set: evidence is text relevance (Balog's document-centred
// model, summed over the most similar answered questions), weighted by how
// good each answer was and how recent; a person's overall activity is a
// prior; and a person who never answers at this hour is less likely to
// answer now.
type Policy struct {
	// Candidates is how many similar questions are aggregated.
	Candidates int
	// AnswerWeight weighs the text of past answers against the text of past
	// questions when looking for evidence of expertise.
	AnswerWeight float64
	// AcceptedBoost multiplies the weight of an answer the asker accepted:
	// a weight of 1+AcceptedBoost instead of 1.
	AcceptedBoost float64
	// ThanksBoost adds, per thanks (at most two), to an answer's weight.
	ThanksBoost float64
	// HalfLife is how long until an answer's evidence counts half. Knowledge
	// ages: tools change and people move on.
	HalfLife time.Duration
	// MinRecency is the floor of the recency decay, so a person who answered
	// long ago is still found when nobody else knows.
	MinRecency float64
	// ActivityWeight is the share of the score that comes from how much a
	// person answers overall (the candidate prior).
	ActivityWeight float64
	// AvailabilityWeight is how much a person's usual answering hours
	// matter: at 0.3, a person who never answers at this hour keeps 70% of
	// their score.
	AvailabilityWeight float64
	// Experts caps the number of experts returned.
	Experts int
	// Evidence caps the past questions shown for each expert.
	Evidence int
	// SureConfidence is the confidence from which a past answer is given as
	// the answer without asking anyone.
	SureConfidence float64
}

// DefaultPolicy returns the ranking weights nextdesk ships with.
func DefaultPolicy() Policy {
	return Policy{
		Candidates:         100,
		AnswerWeight:       0.5,
		AcceptedBoost:      0.5,
		ThanksBoost:        0.15,
		HalfLife:           365 * 24 * time.Hour,
		MinRecency:         0.25,
		ActivityWeight:     0.15,
		AvailabilityWeight: 0.3,
		Experts:            10,
		Evidence:           3,
		SureConfidence:     0.6,
	}
}

// Engine answers the two questions nextdesk asks of its knowledge: who
// knows this, and was it already answered?
type Engine struct {
	Source Source
	Index  Index
	Policy Policy
	// Now is the clock for questions that carry no time of their own.
	Now func() time.Time
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
	// person to ask, most relevant first; only questions the viewer may see.
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
	Relevance  float64
}

// Match is a past answered question close to a new one.
type Match struct {
	Question Question
	Answer   Answer // the best answer
	// Confidence, from 0 to 1, is how surely Answer answers the new question.
	Confidence float64
	// Sure is true when Confidence is high enough to give Answer without
	// asking anyone.
	Sure bool
}

// Experts ranks the people most likely to answer q, as seen by v: evidence
// comes only from questions v may see. It never returns q's asker, a bot, or
// a deleted person. It returns an EINVALID error when q has no text.
func (e *Engine) Experts(ctx context.Context, q Question, v Viewer) ([]Expert, error) {
	text, now, err := e.prepare(q)
	if err != nil {
		return nil, err
	}
	hits, byID, err := e.search(ctx, text, v, e.Policy.AnswerWeight, e.Policy.Candidates)
	if err != nil {
		return nil, err
	}

	type candidate struct {
		evidence float64
		support  []Evidence
	}
	cands := make(map[string]*candidate)
	for _, h := range hits {
		past, ok := byID[h.QuestionID]
		if !ok || past.ID == q.ID || past.Time.After(now) {
			continue
		}
		for person, weight := range e.answerWeights(past, q.Asker, now) {
			c := cands[person]
			if c == nil {
				c = &candidate{}
				cands[person] = c
			}
			c.evidence += h.Score * weight
			c.support = append(c.support, Evidence{
				QuestionID: past.ID,
				Text:       past.SearchText(),
				Time:       past.Time,
				Accepted:   acceptedBy(past, person),
				Relevance:  h.Score,
			})
		}
	}
	if len(cands) == 0 {
		return nil, nil
	}

	ids := make([]string, 0, len(cands))
	for id := range cands {
		ids = append(ids, id)
	}
	people, err := e.Source.People(ctx, ids)
	if err != nil {
		return nil, fmt.Errorf("experts: people: %w", err)
	}
	stats, err := e.Source.AnswererStats(ctx, ids)
	if err != nil {
		return nil, fmt.Errorf("experts: answerer stats: %w", err)
	}

	var maxEvidence, maxActivity float64
	for id, c := range cands {
		maxEvidence = math.Max(maxEvidence, c.evidence)
		maxActivity = math.Max(maxActivity, e.activity(stats[id], now))
	}

	p := e.Policy
	experts := make([]Expert, 0, len(cands))
	for id, c := range cands {
		person, known := people[id]
		if !known {
			person = Person{ID: id}
		}
		if !person.Routable() || id == q.Asker {
			continue
		}
		st := stats[id]
		score := (1 - p.ActivityWeight) * c.evidence / maxEvidence
		if maxActivity > 0 {
			score += p.ActivityWeight * e.activity(st, now) / maxActivity
		}
		avail := Availability(st, person, now)
		score *= 1 - p.AvailabilityWeight + p.AvailabilityWeight*avail
		sort.SliceStable(c.support, func(i, j int) bool { return c.support[i].Relevance > c.support[j].Relevance })
		if len(c.support) > p.Evidence {
			c.support = c.support[:p.Evidence]
		}
		experts = append(experts, Expert{Person: person, Score: score, Evidence: c.support, Stats: st, Availability: avail})
	}
	sort.Slice(experts, func(i, j int) bool {
		if experts[i].Score != experts[j].Score {
			return experts[i].Score > experts[j].Score
		}
		return experts[i].Person.ID < experts[j].Person.ID
	})
	if len(experts) > p.Experts {
		experts = experts[:p.Experts]
	}
	return experts, nil
}

// Similar returns the answered questions closest to q that v may see, most
// confident first, each with its best answer. It returns an EINVALID error
// when q has no text.
func (e *Engine) Similar(ctx context.Context, q Question, v Viewer) ([]Match, error) {
	text, _, err := e.prepare(q)
	if err != nil {
		return nil, err
	}
	const limit = 10
	hits, byID, err := e.search(ctx, text, v, 0, limit)
	if err != nil {
		return nil, err
	}
	asked := termSet(e.Index.Terms(Truncate(CleanText(q.Headline()), MaxIndexedText)))
	var matches []Match
	for _, h := range hits {
		past, ok := byID[h.QuestionID]
		if !ok || past.ID == q.ID {
			continue
		}
		best, ok := past.BestAnswer()
		if !ok {
			continue
		}
		conf := dice(asked, termSet(e.Index.Terms(past.Headline())))
		// An answer nobody confirmed is a weaker promise than one the asker
		// accepted or thanked for.
		if !best.Accepted && best.Thanks == 0 {
			conf *= 0.9
		}
		matches = append(matches, Match{Question: past, Answer: best, Confidence: conf, Sure: conf >= e.Policy.SureConfidence})
	}
	sort.SliceStable(matches, func(i, j int) bool { return matches[i].Confidence > matches[j].Confidence })
	return matches, nil
}

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

// search finds questions by text and reads back from the store the ones v
// may see. The index already filters by visibility; reading through the
// store's viewer filter again means a stale index can never leak.
func (e *Engine) search(ctx context.Context, text string, v Viewer, answerWeight float64, limit int) ([]Hit, map[string]Question, error) {
	var convs []string
	if v.PersonID != "" {
		var err error
		if convs, err = e.Source.Memberships(ctx, v.PersonID); err != nil {
			return nil, nil, fmt.Errorf("memberships of %s: %w", v.PersonID, err)
		}
	}
	hits, err := e.Index.Search(ctx, SearchQuery{Text: text, Conversations: convs, AnswerWeight: answerWeight, Limit: limit})
	if err != nil {
		return nil, nil, fmt.Errorf("search: %w", err)
	}
	ids := make([]string, len(hits))
	for i, h := range hits {
		ids[i] = h.QuestionID
	}
	qs, err := e.Source.Questions(ctx, v, ids)
	if err != nil {
		return nil, nil, fmt.Errorf("read similar questions: %w", err)
	}
	byID := make(map[string]Question, len(qs))
	for _, q := range qs {
		byID[q.ID] = q
	}
	return hits, byID, nil
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

// recency decays exponentially with age, down to MinRecency.
func (e *Engine) recency(t, now time.Time) float64 {
	p := e.Policy
	if p.HalfLife <= 0 || t.IsZero() || !t.Before(now) {
		return 1
	}
	decay := math.Exp2(-float64(now.Sub(t)) / float64(p.HalfLife))
	return p.MinRecency + (1-p.MinRecency)*decay
}

// activity is the candidate prior: how much a person answers, on a log
// scale (the hundredth answer says less than the second), discounted by how
// long ago they last answered.
func (e *Engine) activity(st AnswererStats, now time.Time) float64 {
	if st.Answers == 0 {
		return 0
	}
	return math.Log1p(float64(st.Answers)) * e.recency(st.Last, now)
}

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

func termSet(terms []string) map[string]bool {
	s := make(map[string]bool, len(terms))
	for _, t := range terms {
		s[t] = true
	}
	return s
}

// dice is the Dice coefficient of two term sets: 1 when they are the same,
// 0 when they share nothing. Unlike a BM25 score it is bounded and does not
// depend on the rest of the index, so it can serve as a confidence.
func dice(a, b map[string]bool) float64 {
	if len(a) == 0 || len(b) == 0 {
		return 0
	}
	shared := 0
	for t := range a {
		if b[t] {
			shared++
		}
	}
	return 2 * float64(shared) / float64(len(a)+len(b))
}
