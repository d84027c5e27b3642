// Package digest composes and posts nextdesk's weekly digest: what the
// organisation learned during a week, what is still unanswered, which
// topics nobody covers, who helped, and what routing saved compared with
// climbing the management chain.
//
// Compose reads the week from a Source (the SQLite store implements it)
// into a Digest; Blocks and Text render it, within Slack's Block Kit
// limits. A Scheduler records, when a week's digest is due, a notice for
// the channel's and for each personal digest people asked for, once per
// week; the bot's outbox delivers them like every other message, composing
// each as it goes out.
//
// A digest covers one ISO week, Monday 00:00 to Monday 00:00 in the
// configured time zone, and reads the data as it stands when it is
// composed: an answer given after the week still counts for a question
// asked in it.
package digest

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/nextdesk/nextdesk/i18n"
	"github.com/nextdesk/nextdesk/knowledge"
	"github.com/nextdesk/nextdesk/org"
)

// Source is what composing a digest reads; *sqlite.DB implements it.
type Source interface {
	// QuestionsAsked returns the live questions asked in [from, to) that
	// v may see, with their answers (oldest first), oldest first.
	QuestionsAsked(ctx context.Context, v knowledge.Viewer, from, to time.Time) ([]knowledge.Question, error)
	// QuestionsOf returns up to limit questions person asked or answered
	// that v may see, latest first, without their answers.
	QuestionsOf(ctx context.Context, v knowledge.Viewer, person string, limit int) ([]knowledge.Question, error)
	// EachAnsweredText calls fn with the text of every answered question
	// v may see and of every answer to those, until fn fails.
	EachAnsweredText(ctx context.Context, v knowledge.Viewer, fn func(text string) error) error
	// AsksOf returns the bot's records of the questions among ids it
	// handled; RoutesOf, their routes in the order they were made.
	AsksOf(ctx context.Context, ids []string) (map[string]knowledge.Ask, error)
	RoutesOf(ctx context.Context, ids []string) (map[string][]knowledge.Route, error)
	// InstantReuses counts, per answer, the questions it answered at once
	// as an instant answer, with nobody else asked.
	InstantReuses(ctx context.Context, answerIDs []string) (map[string]int, error)
	People(ctx context.Context, ids []string) (map[string]knowledge.Person, error)
	ConversationNames(ctx context.Context, ids []string) (map[string]string, error)
	// OrgChart returns each person's manager; empty without an org chart.
	OrgChart(ctx context.Context) (map[string]string, error)
}

// Linker gives the link to a message, as Slack's chat.getPermalink does.
type Linker interface {
	Permalink(ctx context.Context, channel, ts string) (string, error)
}

// Options say which digest to compose.
type Options struct {
	Week Week
	// Location sets where the week's days begin and end; nil is UTC.
	Location *time.Location
	// Viewer is whose view of the knowledge the digest shows. A digest for
	// a channel uses knowledge.Anonymous, which sees public channels only,
	// whatever the channel it is posted to: a digest is read by people who
	// were not in the private conversations it would otherwise quote.
	Viewer knowledge.Viewer
	// Links, when set, links each question shown to its thread.
	Links Linker
	// Limit caps each list of questions; 0 means 10.
	Limit int
	// Terms analyses text to match it against teams' topics (the search
	// index's analysis, index.Analyzer.Terms); nil uses the digest's own
	// topic words.
	Terms func(string) []string
}

func (o Options) withDefaults() Options {
	if o.Location == nil {
		o.Location = time.UTC
	}
	if o.Limit <= 0 {
		o.Limit = 10
	}
	return o
}

// Digest is one week of knowledge, composed for one viewer.
type Digest struct {
	Week     Week
	From, To time.Time // the week's bounds in its time zone
	// Public is true when the digest shows public channels only.
	Public bool
	// Personal is true for a person's own digest, which lists only the new
	// knowledge in their topics.
	Personal bool

	Figures Figures

	// Knowledge lists the week's questions that people answered, the most
	// useful first; MoreKnowledge counts those left out. Questions the bot
	// answered at once with a past answer bring no new knowledge and are
	// only counted.
	Knowledge     []Item
	MoreKnowledge int
	// Unanswered lists the week's questions nobody answered (and that no
	// instant answer solved), oldest first; MoreUnanswered counts those
	// left out.
	Unanswered     []Item
	MoreUnanswered int

	// Uncovered lists the terms that recur in the week's questions and
	// that no answered question or answer ever used; Rising, the terms
	// asked about far more than in the four weeks before.
	Uncovered []Topic
	Rising    []Topic

	// Teams are the week's promises of each team that took questions
	// (knowledge.TeamRecords); empty without teams.
	Teams []knowledge.Commitment

	// Helpers are the people who answered the week's questions, the most
	// answers first; MoreHelpers counts those left out.
	Helpers     []Helper
	MoreHelpers int
}

// Empty reports whether nothing was asked during the week: the digest then
// says so in one short message.
func (d *Digest) Empty() bool {
	if d.Personal {
		return len(d.Knowledge) == 0
	}
	return d.Figures.Asked == 0
}

// Figures sum up the week.
type Figures struct {
	Asked int
	// Anonymous counts the questions asked anonymously, among Asked.
	Anonymous int
	// Answered counts the questions someone answered, or that an instant
	// answer solved.
	Answered int
	// MedianToAnswer is the median, over answered questions whose times
	// are known, of the time from the question to its first answer; zero
	// when there is none.
	MedianToAnswer time.Duration
	// Bot is nil when no question of the week went through the bot (as
	// for imported history): those figures are then unknown, not zero.
	Bot *BotFigures
	// HandOffs is nil without an org chart: the hand-offs saved are then
	// unknown, and left out rather than invented.
	HandOffs *HandOffs
}

// BotFigures are what the bot's own records tell about the week.
type BotFigures struct {
	// Instant counts questions the bot answered at once with a past answer
	// that needed nobody else: never routed, not given up.
	Instant int
	// Straight counts questions routed to an expert whose first answer
	// came from the first expert asked.
	Straight int
	// Escalations counts the times a question moved on because its expert
	// did not answer in time or passed it on.
	Escalations int
}

// HandOffs is what going straight to the person who knew saved: Questions
// answered directly whose asker and answerer are both in the org chart,
// and the hand-offs between people (see org.Chart.Hops) the management
// chain would have needed for them.
type HandOffs struct {
	Questions int
	HandOffs  int
}

// Text says what was saved, for a digest: "27 questions went straight to
// the person who knew, saving 81 hand-offs between managers."
func (h HandOffs) Text(lang string) string {
	return i18n.Trn(lang, "handoffs", h.Questions, i18n.Trn(lang, "handoffs.saved", h.HandOffs))
}

// TextForAnswerer says what a person's direct answers saved, for
// /nextdesk me: "You answered 12 questions directly, saving 30 hand-offs
// between managers."
func (h HandOffs) TextForAnswerer(lang string) string {
	return i18n.Trn(lang, "handoffs.me", h.Questions, i18n.Trn(lang, "handoffs.saved", h.HandOffs))
}

// Item is one question shown in a digest.
type Item struct {
	QuestionID string
	Question   string // its headline, as written
	Asker      knowledge.Person
	Channel    string // the conversation's name, "" when unknown
	Time       time.Time
	// Answer is the best answer's text and Answerer the person credited,
	// for an answered question.
	Answer   string
	Answerer knowledge.Person
	Accepted bool
	Thanks   int // thanks for all its answers
	Reuses   int // times its answers were reused as instant answers
	// Anonymous is true for a question asked anonymously: Asker is then
	// nobody.
	Anonymous bool
	// Fallback is true for an unanswered question that every expert the
	// bot asked let pass, and that went to the fallback channel.
	Fallback bool
	Link     string // to the question's thread; "" when unknown
}

// Topic is a term of the week's questions.
type Topic struct {
	Term      string
	Questions int // questions of the week that use it
	// Before is how many questions a week used it, on average, over the
	// four weeks before.
	Before float64
	// Team, for a topic nobody covers, is the team whose topics come
	// closest to the week's questions on it: who could take it on.
	Team string `json:",omitempty"`
}

// Helper is a person who answered questions of the week.
type Helper struct {
	Person    knowledge.Person
	Questions int // questions of the week they answered
	// MedianFirst is the median time from a question to their first reply
	// in it; zero when no time is known.
	MedianFirst time.Duration
}

// Compose reads the digest of opts.Week as opts.Viewer may see it. It
// returns the store's errors, wrapped.
func Compose(ctx context.Context, src Source, opts Options) (*Digest, error) {
	opts = opts.withDefaults()
	d := &Digest{
		Week:   opts.Week,
		From:   opts.Week.Start(opts.Location),
		To:     opts.Week.End(opts.Location),
		Public: opts.Viewer.PersonID == "",
	}
	qs, err := src.QuestionsAsked(ctx, opts.Viewer, d.From, d.To)
	if err != nil {
		return nil, fmt.Errorf("digest %s: questions: %w", d.Week, err)
	}
	if len(qs) == 0 {
		return d, nil
	}
	w, err := readWeek(ctx, src, qs)
	if err != nil {
		return nil, fmt.Errorf("digest %s: %w", d.Week, err)
	}
	d.Figures = w.figures()
	if d.Figures.HandOffs, err = w.handOffs(ctx, src); err != nil {
		return nil, fmt.Errorf("digest %s: %w", d.Week, err)
	}

	var answered, unanswered []knowledge.Question
	for _, q := range qs {
		switch {
		case q.Answered():
			answered = append(answered, q)
		case !w.instant(q):
			unanswered = append(unanswered, q)
		}
	}
	w.byUsefulness(answered)
	d.Knowledge, d.MoreKnowledge = w.items(answered, opts.Limit)
	d.Unanswered, d.MoreUnanswered = w.items(unanswered, opts.Limit)
	d.Helpers, d.MoreHelpers = w.helpers(opts.Limit)

	if d.Uncovered, d.Rising, err = topics(ctx, src, opts.Viewer, qs, d.From); err != nil {
		return nil, fmt.Errorf("digest %s: topics: %w", d.Week, err)
	}
	if err := composeTeams(ctx, src, opts, d, qs); err != nil {
		return nil, fmt.Errorf("digest %s: %w", d.Week, err)
	}
	if err := w.link(ctx, opts.Links, d.Knowledge, d.Unanswered); err != nil {
		return nil, fmt.Errorf("digest %s: %w", d.Week, err)
	}
	return d, nil
}

// week is what Compose reads about the week's questions besides the
// questions themselves.
type week struct {
	qs       []knowledge.Question
	asks     map[string]knowledge.Ask
	routes   map[string][]knowledge.Route
	reuses   map[string]int // by answer id
	people   map[string]knowledge.Person
	channels map[string]string
}

func readWeek(ctx context.Context, src Source, qs []knowledge.Question) (*week, error) {
	w := &week{qs: qs}
	var qids, aids, pids, cids []string
	for _, q := range qs {
		qids = append(qids, q.ID)
		pids = append(pids, q.Asker)
		cids = append(cids, q.Conversation)
		for _, a := range q.Answers {
			aids = append(aids, a.ID)
			pids = append(pids, a.Answerer)
		}
	}
	var err error
	if w.asks, err = src.AsksOf(ctx, qids); err != nil {
		return nil, fmt.Errorf("asks: %w", err)
	}
	if w.routes, err = src.RoutesOf(ctx, qids); err != nil {
		return nil, fmt.Errorf("routes: %w", err)
	}
	if w.reuses, err = src.InstantReuses(ctx, aids); err != nil {
		return nil, fmt.Errorf("instant reuses: %w", err)
	}
	if w.people, err = src.People(ctx, compact(pids)); err != nil {
		return nil, fmt.Errorf("people: %w", err)
	}
	if w.channels, err = src.ConversationNames(ctx, compact(cids)); err != nil {
		return nil, fmt.Errorf("conversations: %w", err)
	}
	return w, nil
}

// compact returns the distinct non-empty strings of s, sorted.
func compact(s []string) []string {
	s = slices.DeleteFunc(slices.Clone(s), func(x string) bool { return x == "" })
	slices.Sort(s)
	return slices.Compact(s)
}

func (w *week) person(id string) knowledge.Person {
	if p, ok := w.people[id]; ok {
		return p
	}
	return knowledge.Person{ID: id, Name: id}
}

// firstAnswer returns q's earliest answer (answers come oldest first).
func firstAnswer(q knowledge.Question) (knowledge.Answer, bool) {
	if len(q.Answers) == 0 {
		return knowledge.Answer{}, false
	}
	return q.Answers[0], true
}

// waited returns how long after q its answer a came, and false when either
// time is unknown or the answer seems to come first (clock skew).
func waited(q knowledge.Question, a knowledge.Answer) (time.Duration, bool) {
	if q.Time.IsZero() || a.Time.IsZero() || a.Time.Before(q.Time) {
		return 0, false
	}
	return a.Time.Sub(q.Time), true
}

// instant reports whether the bot answered q at once with a past answer
// that needed nobody else: offered, never routed, not given up.
func (w *week) instant(q knowledge.Question) bool {
	ask, ok := w.asks[q.ID]
	return ok && ask.Offered != "" && len(w.routes[q.ID]) == 0 && ask.Status != knowledge.StatusUnanswered
}

// figures counts the week. A question answered at once with a past answer
// counts as answered, but not in the time to answer, which measures how
// long people took.
func (w *week) figures() Figures {
	f := Figures{Asked: len(w.qs)}
	var waits []time.Duration
	bot := BotFigures{}
	for _, q := range w.qs {
		first, answered := firstAnswer(q)
		if answered {
			if d, ok := waited(q, first); ok {
				waits = append(waits, d)
			}
		}
		if answered || w.instant(q) {
			f.Answered++
		}
		if w.instant(q) {
			bot.Instant++
		}
		if w.asks[q.ID].Anonymous {
			f.Anonymous++
		}
		routes := w.routes[q.ID]
		if answered && len(routes) > 0 && first.Answerer == routes[0].Expert {
			bot.Straight++
		}
		for _, r := range routes {
			if r.Outcome == knowledge.RouteExpired || r.Outcome == knowledge.RoutePassed {
				bot.Escalations++
			}
		}
	}
	f.MedianToAnswer = knowledge.Median(waits)
	if len(w.asks) > 0 {
		f.Bot = &bot
	}
	return f
}

// directAnswerer returns who answered q directly: the first to answer,
// provided that, when the bot routed q, it was the first expert asked. A
// question the bot did not route reached its answerer without the
// management chain too: asked in a channel, answered by whoever knew.
func (w *week) directAnswerer(q knowledge.Question) (string, bool) {
	first, ok := firstAnswer(q)
	if !ok {
		return "", false
	}
	if routes := w.routes[q.ID]; len(routes) > 0 && routes[0].Expert != first.Answerer {
		return "", false
	}
	return first.Answerer, true
}

// handOffs sums the hand-offs the week's direct answers saved, or returns
// nil when there is no org chart.
func (w *week) handOffs(ctx context.Context, src Source) (*HandOffs, error) {
	chart, err := loadChart(ctx, src)
	if err != nil || chart == nil {
		return nil, err
	}
	h := &HandOffs{}
	for _, q := range w.qs {
		answerer, ok := w.directAnswerer(q)
		if !ok {
			continue
		}
		if n, known := chart.Hops(q.Asker, answerer); known && n > 0 {
			h.Questions++
			h.HandOffs += n
		}
	}
	return h, nil
}

// loadChart reads the org chart, or returns nil when none was imported.
func loadChart(ctx context.Context, src Source) (*org.Chart, error) {
	managers, err := src.OrgChart(ctx)
	if err != nil {
		return nil, fmt.Errorf("org chart: %w", err)
	}
	if len(managers) == 0 {
		return nil, nil
	}
	chart, _ := org.New(managers) // the import broke and reported cycles
	return chart, nil
}

// usefulness of an answered question: accepted first, then thanks and
// instant reuses together, then the earliest asked.
func (w *week) byUsefulness(qs []knowledge.Question) {
	type score struct {
		accepted bool
		signals  int
	}
	scores := make(map[string]score, len(qs))
	for _, q := range qs {
		var s score
		for _, a := range q.Answers {
			s.accepted = s.accepted || a.Accepted
			s.signals += a.Thanks + w.reuses[a.ID]
		}
		scores[q.ID] = s
	}
	slices.SortStableFunc(qs, func(a, b knowledge.Question) int {
		sa, sb := scores[a.ID], scores[b.ID]
		switch {
		case sa.accepted != sb.accepted:
			if sa.accepted {
				return -1
			}
			return 1
		case sa.signals != sb.signals:
			return sb.signals - sa.signals
		}
		return a.Time.Compare(b.Time)
	})
}

// items turns up to limit questions into digest items, and returns how
// many were left out.
func (w *week) items(qs []knowledge.Question, limit int) ([]Item, int) {
	more := max(0, len(qs)-limit)
	qs = qs[:min(len(qs), limit)]
	items := make([]Item, 0, len(qs))
	for _, q := range qs {
		it := Item{
			QuestionID: q.ID,
			Question:   q.Headline(),
			Asker:      w.person(q.Asker),
			Channel:    w.channels[q.Conversation],
			Time:       q.Time,
			Fallback:   w.asks[q.ID].Status == knowledge.StatusUnanswered,
			Anonymous:  w.asks[q.ID].Anonymous,
		}
		if it.Anonymous {
			it.Asker = knowledge.Person{}
		}
		if best, ok := q.BestAnswer(); ok {
			it.Answer, it.Answerer = best.Text, w.person(best.Answerer)
		}
		for _, a := range q.Answers {
			it.Accepted = it.Accepted || a.Accepted
			it.Thanks += a.Thanks
			it.Reuses += w.reuses[a.ID]
		}
		items = append(items, it)
	}
	return items, more
}

// helpers lists who answered the week's questions, with how many and how
// fast, the most answers first, then the fastest, then by name.
func (w *week) helpers(limit int) ([]Helper, int) {
	counts := make(map[string]int)
	waits := make(map[string][]time.Duration)
	for _, q := range w.qs {
		seen := make(map[string]bool)
		for _, a := range q.Answers { // oldest first: the first seen is their first reply
			if seen[a.Answerer] || a.Answerer == "" || a.Answerer == q.Asker || w.person(a.Answerer).Bot {
				continue
			}
			seen[a.Answerer] = true
			counts[a.Answerer]++
			if d, ok := waited(q, a); ok {
				waits[a.Answerer] = append(waits[a.Answerer], d)
			}
		}
	}
	helpers := make([]Helper, 0, len(counts))
	for id, n := range counts {
		helpers = append(helpers, Helper{Person: w.person(id), Questions: n, MedianFirst: knowledge.Median(waits[id])})
	}
	slices.SortFunc(helpers, func(a, b Helper) int {
		if a.Questions != b.Questions {
			return b.Questions - a.Questions
		}
		if a.MedianFirst != b.MedianFirst {
			return int(a.MedianFirst - b.MedianFirst)
		}
		return strings.Compare(a.Person.ID, b.Person.ID)
	})
	more := max(0, len(helpers)-limit)
	return helpers[:min(len(helpers), limit)], more
}

// link fills in the links of the items, for questions asked in Slack
// threads. A link Slack cannot give is left out: the digest is still worth
// posting.
func (w *week) link(ctx context.Context, l Linker, lists ...[]Item) error {
	if l == nil {
		return nil
	}
	where := make(map[string]knowledge.Question, len(w.qs))
	for _, q := range w.qs {
		where[q.ID] = q
	}
	for _, items := range lists {
		for i := range items {
			q := where[items[i].QuestionID]
			if !slackConversation(q.Conversation) || q.Thread == "" {
				continue
			}
			link, err := l.Permalink(ctx, q.Conversation, q.Thread)
			if err != nil {
				if ctx.Err() != nil {
					return ctx.Err()
				}
				continue
			}
			items[i].Link = link
		}
	}
	return nil
}

// slackConversation reports whether id is a Slack conversation's (C…, G…,
// D…), not another source's such as "se:ai".
func slackConversation(id string) bool {
	if len(id) < 2 || !strings.ContainsRune("CGD", rune(id[0])) {
		return false
	}
	for _, r := range id[1:] {
		if (r < 'A' || r > 'Z') && (r < '0' || r > '9') {
			return false
		}
	}
	return true
}
