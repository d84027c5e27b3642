package desk_test

import (
	"context"
	"fmt"
	"maps"
	"slices"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/nextdesk/nextdesk/knowledge"
	"github.com/nextdesk/nextdesk/knowledge/desk"
)

// store is an in-memory desk.Store: a transaction works on a copy of the
// state, kept only if it succeeds, so a failed handling leaves nothing,
// as SQLite's does.
type store struct {
	mu  sync.Mutex
	now func() time.Time
	st  *state
}

// state is everything the store keeps.
type state struct {
	keys          map[string]time.Time
	conversations map[string]knowledge.Conversation
	questions     map[string]knowledge.Question
	asks          map[string]knowledge.Ask
	routes        []knowledge.Route
	prefs         map[string]knowledge.Preferences
	subscribers   map[string]bool
	offers        map[string]offer
	details       []detail
	anonymous     map[string]desk.Anonymous
	choices       map[string]time.Time // anonymous choices, by person
	teams         knowledge.Teams
	teamAsks      map[string]knowledge.TeamAsk
	notices       []desk.Outgoing
	// rev counts the writes to questions and answers, as the store's
	// revision does for the index.
	rev int
}

// offer is a recorded desk.Offer and what became of it.
type offer struct {
	desk.Offer
	Outcome                   desk.OfferOutcome
	PickedMatch, PickedAnswer string
}

// detail is a recorded desk.Detail of a question.
type detail struct {
	desk.Detail
	QuestionID string
}

func newStore(now func() time.Time) *store {
	return &store{now: now, st: &state{
		keys: map[string]time.Time{}, conversations: map[string]knowledge.Conversation{},
		questions: map[string]knowledge.Question{}, asks: map[string]knowledge.Ask{},
		prefs: map[string]knowledge.Preferences{}, subscribers: map[string]bool{}, offers: map[string]offer{},
		anonymous: map[string]desk.Anonymous{}, choices: map[string]time.Time{}, teamAsks: map[string]knowledge.TeamAsk{},
	}}
}

func (s *state) clone() *state {
	c := *s
	c.keys = maps.Clone(s.keys)
	c.conversations = maps.Clone(s.conversations)
	c.questions = maps.Clone(s.questions)
	for id, q := range c.questions {
		q.Answers = slices.Clone(q.Answers)
		c.questions[id] = q
	}
	c.asks = maps.Clone(s.asks)
	c.routes = slices.Clone(s.routes)
	c.prefs = maps.Clone(s.prefs)
	c.subscribers = maps.Clone(s.subscribers)
	c.offers = maps.Clone(s.offers)
	c.details = slices.Clone(s.details)
	c.anonymous = maps.Clone(s.anonymous)
	c.choices = maps.Clone(s.choices)
	c.teamAsks = maps.Clone(s.teamAsks)
	c.notices = slices.Clone(s.notices)
	return &c
}

func (s *store) Handled(_ context.Context, key string) (bool, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	_, ok := s.st.keys[key]
	return ok, nil
}

func (s *store) View(_ context.Context, fn func(desk.Reader) error) error {
	s.mu.Lock()
	snap := s.st.clone()
	s.mu.Unlock()
	return fn(&tx{st: snap})
}

func (s *store) Once(_ context.Context, key string, fn func(desk.Tx) error) (desk.Committed, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if _, ok := s.st.keys[key]; ok {
		return desk.Committed{Duplicate: true}, nil
	}
	t := &tx{st: s.st.clone(), now: s.now()}
	t.st.keys[key] = t.now
	if err := fn(t); err != nil {
		return desk.Committed{}, err
	}
	changed := t.st.rev != s.st.rev
	s.st = t.st
	return desk.Committed{KnowledgeChanged: changed, Notices: t.notices}, nil
}

func (s *store) Prune(_ context.Context, before time.Time) (int64, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return deleteBefore(s.st.keys, before), nil
}

// deleteBefore deletes from m the entries whose time is before before, and
// returns how many it deleted.
func deleteBefore(m map[string]time.Time, before time.Time) int64 {
	var n int64
	for k, at := range m {
		if at.Before(before) {
			delete(m, k)
			n++
		}
	}
	return n
}

// deliver marks every pending notice delivered, as the outbox would, with
// the conversation it went to and a message ts, applying its Place.
func (s *store) deliver() {
	s.mu.Lock()
	defer s.mu.Unlock()
	for i := range s.st.notices {
		m := &s.st.notices[i]
		if m.State != desk.OutboxPending {
			continue
		}
		if m.After != 0 {
			dep := s.st.notices[m.After-1]
			m.AfterChannel, m.AfterTS = dep.Channel, dep.TS
		}
		m.State, m.Channel, m.TS = desk.OutboxSent, m.To.Conversation, fmt.Sprintf("%d.000100", 1000+m.ID)
		if m.Channel == "" {
			m.Channel = m.AfterChannel
		}
		if m.Place.Relay {
			s.st.placeRelay(m)
			continue
		}
		if len(m.Place.Members) > 0 {
			m.Channel = "G" + m.Key
			s.st.conversations[m.Channel] = knowledge.Conversation{ID: m.Channel, Kind: knowledge.KindGroupDM, Members: m.Place.Members}
		}
		if m.Place.QuestionID != "" {
			a := s.st.asks[m.Place.QuestionID]
			q := s.st.questions[m.Place.QuestionID]
			a.Channel, q.Conversation = m.Channel, m.Channel
			if m.Place.Thread {
				a.Thread, q.Thread = m.TS, m.TS
			}
			s.st.asks[a.QuestionID], s.st.questions[q.ID] = a, q
		}
	}
}

// tx is a transaction, or a snapshot for View.
type tx struct {
	st      *state
	now     time.Time
	notices int
}

func notFound(what string) error { return knowledge.Errorf(knowledge.ENOTFOUND, "No such %s.", what) }

func (t *tx) Ask(_ context.Context, id string) (knowledge.Ask, error) {
	a, ok := t.st.asks[id]
	if !ok {
		return a, notFound("ask")
	}
	return a, nil
}

func (t *tx) AskByThread(_ context.Context, channel, thread string) (knowledge.Ask, error) {
	for _, a := range t.st.asks {
		if thread != "" && a.Channel == channel && a.Thread == thread {
			return a, nil
		}
	}
	return knowledge.Ask{}, notFound("ask")
}

func (t *tx) Unsolved(_ context.Context, channel, asker string) (bool, error) {
	for _, a := range t.st.asks {
		if a.Channel == channel && a.Thread != "" && a.Asker == asker && a.Status != knowledge.StatusSolved {
			return true, nil
		}
	}
	return false, nil
}

// canSee is the store's visibility rule: public, or a member.
func (t *tx) canSee(v knowledge.Viewer, conv string) bool {
	c, ok := t.st.conversations[conv]
	return ok && (c.Public() || v.PersonID != "" && slices.Contains(c.Members, v.PersonID))
}

func (t *tx) Questions(_ context.Context, v knowledge.Viewer, ids []string) ([]knowledge.Question, error) {
	var out []knowledge.Question
	for _, id := range ids {
		if q, ok := t.st.questions[id]; ok && t.canSee(v, q.Conversation) {
			out = append(out, q)
		}
	}
	return out, nil
}

func (t *tx) Conversation(_ context.Context, id string) (knowledge.Conversation, error) {
	c, ok := t.st.conversations[id]
	if !ok {
		return c, notFound("conversation")
	}
	return c, nil
}

func (t *tx) Answer(_ context.Context, id string) (string, knowledge.Answer, error) {
	for _, q := range t.st.questions {
		for _, a := range q.Answers {
			if a.ID == id {
				return q.ID, a, nil
			}
		}
	}
	return "", knowledge.Answer{}, notFound("answer")
}

func (t *tx) Answers(_ context.Context, questionID string) ([]knowledge.Answer, error) {
	return t.st.questions[questionID].Answers, nil
}

func (t *tx) Route(_ context.Context, id int64) (knowledge.Route, error) {
	if id < 1 || int(id) > len(t.st.routes) {
		return knowledge.Route{}, notFound("route")
	}
	return t.st.routes[id-1], nil
}

func (t *tx) Routes(_ context.Context, questionID string) ([]knowledge.Route, error) {
	var out []knowledge.Route
	for _, r := range t.st.routes {
		if r.QuestionID == questionID {
			out = append(out, r)
		}
	}
	return out, nil
}

// open reports whether r holds its expert on an open question.
func (t *tx) open(r knowledge.Route) bool {
	return (r.Outcome == knowledge.RoutePending || r.Outcome == knowledge.RouteTaken) && t.st.asks[r.QuestionID].Status == knowledge.StatusOpen
}

func (t *tx) OpenRoutes(_ context.Context, ids []string) (map[string]int, error) {
	n := map[string]int{}
	for _, r := range t.st.routes {
		if slices.Contains(ids, r.Expert) && t.open(r) {
			n[r.Expert]++
		}
	}
	return n, nil
}

func (t *tx) WaitingRoutes(_ context.Context, expert string) ([]knowledge.Route, error) {
	var out []knowledge.Route
	for _, r := range t.st.routes {
		if r.Expert == expert && t.open(r) {
			out = append(out, r)
		}
	}
	return out, nil
}

func (t *tx) StaleRoutes(_ context.Context, before time.Time, limit int) ([]knowledge.Route, error) {
	var out []knowledge.Route
	for _, r := range t.st.routes {
		since := r.AskedAt
		if r.Outcome != knowledge.RoutePending {
			since = r.DecidedAt
		}
		if !r.RemindedAt.IsZero() {
			since = r.RemindedAt
		}
		if r.Outcome.AwaitsExpert() && r.AskedAt.Before(before) && since.Before(before) && t.st.asks[r.QuestionID].Status == knowledge.StatusOpen {
			out = append(out, r)
		}
	}
	return out[:min(len(out), limit)], nil
}

func (t *tx) Preferences(_ context.Context, ids []string) (map[string]knowledge.Preferences, error) {
	out := map[string]knowledge.Preferences{}
	for _, id := range ids {
		if p, ok := t.st.prefs[id]; ok {
			out[id] = p
		}
	}
	return out, nil
}

func (t *tx) AnswererStats(_ context.Context, ids []string) (map[string]knowledge.AnswererStats, error) {
	out := map[string]knowledge.AnswererStats{}
	for _, q := range t.st.questions {
		for _, a := range q.Answers {
			if slices.Contains(ids, a.Answerer) {
				s := out[a.Answerer]
				s.Answers++
				out[a.Answerer] = s
			}
		}
	}
	return out, nil
}

func (t *tx) AnsweredBy(ctx context.Context, v knowledge.Viewer, person string, limit int) ([]knowledge.Question, error) {
	var ids []string
	for id, q := range t.st.questions {
		if slices.ContainsFunc(q.Answers, func(a knowledge.Answer) bool { return a.Answerer == person }) {
			ids = append(ids, id)
		}
	}
	sort.Strings(ids)
	qs, err := t.Questions(ctx, v, ids)
	return qs[:min(len(qs), limit)], err
}

func (t *tx) Outgoing(_ context.Context, key string) (desk.Outgoing, error) {
	for _, m := range t.st.notices {
		if m.Key == key {
			return m, nil
		}
	}
	return desk.Outgoing{}, notFound("notice")
}

func (t *tx) PlacingThread(_ context.Context, channel string) (bool, error) {
	for _, m := range t.st.notices {
		if m.State == desk.OutboxPending && (len(m.Place.Members) > 0 || m.Place.Thread && m.To.Conversation == channel) {
			return true, nil
		}
	}
	return false, nil
}

func (t *tx) DigestSubscribed(_ context.Context, person string) (bool, error) {
	return t.st.subscribers[person], nil
}

func (t *tx) DigestSubscribers(context.Context) ([]string, error) {
	return slices.Sorted(maps.Keys(t.st.subscribers)), nil
}

// Deactivated finds nobody: the fake keeps no people (the integration
// tests cover the re-reads on the real store).
func (t *tx) Deactivated(context.Context, time.Time, int) ([]string, error) { return nil, nil }

func (t *tx) StaleConversations(_ context.Context, membersBefore, kindBefore time.Time, limit int) ([]knowledge.Conversation, error) {
	held := map[string]bool{}
	for _, q := range t.st.questions {
		held[q.Conversation] = true
	}
	var out []knowledge.Conversation
	for _, c := range t.st.conversations {
		if !held[c.ID] || (c.Kind != knowledge.KindPublic && c.Kind != knowledge.KindPrivate) {
			continue
		}
		before := kindBefore
		if (!c.Public() || c.Shared) && len(c.Members) > 0 {
			before = membersBefore
		}
		if c.Read.Before(before) {
			out = append(out, c)
		}
	}
	sort.Slice(out, func(i, j int) bool {
		if !out[i].Read.Equal(out[j].Read) {
			return out[i].Read.Before(out[j].Read)
		}
		return out[i].ID < out[j].ID
	})
	return out[:min(len(out), limit)], nil
}

func (t *tx) Now() time.Time { return t.now }

func (t *tx) RemoveMember(_ context.Context, conv, person string) error {
	if c, ok := t.st.conversations[conv]; ok {
		c.Members = slices.DeleteFunc(slices.Clone(c.Members), func(m string) bool { return m == person })
		t.st.conversations[conv] = c
	}
	return nil
}

func (t *tx) MakePrivate(_ context.Context, conv string) error {
	if c, ok := t.st.conversations[conv]; ok && (c.Kind == knowledge.KindPublic || c.Kind == knowledge.KindPrivate) {
		c.Kind, c.Members, c.Read = knowledge.KindPrivate, nil, time.Time{}
		t.st.conversations[conv] = c
	}
	return nil
}

func (t *tx) MakeShared(_ context.Context, conv string) error {
	if c, ok := t.st.conversations[conv]; ok {
		c.Shared = true
		t.st.conversations[conv] = c
	}
	return nil
}

func (t *tx) UpsertConversation(_ context.Context, c knowledge.Conversation) error {
	t.st.conversations[c.ID] = c
	return nil
}

func (t *tx) AddQuestion(_ context.Context, q knowledge.Question) error {
	if q.ID == "" || q.Text == "" {
		return knowledge.Errorf(knowledge.EINVALID, "That question is empty.")
	}
	if old, ok := t.st.questions[q.ID]; ok {
		q.Answers = old.Answers
	}
	t.st.questions[q.ID] = q
	t.st.rev++
	return nil
}

func (t *tx) AddAsk(ctx context.Context, a knowledge.Ask) error {
	if _, ok := t.st.asks[a.QuestionID]; ok {
		return knowledge.Errorf(knowledge.ECONFLICT, "That question is already asked.")
	}
	if _, err := t.AskByThread(ctx, a.Channel, a.Thread); err == nil {
		return knowledge.Errorf(knowledge.ECONFLICT, "A question is already asked in that thread.")
	}
	if a.Status == "" {
		a.Status = knowledge.StatusOpen
	}
	t.st.asks[a.QuestionID] = a
	return nil
}

func (t *tx) SetAskStatus(_ context.Context, id string, s knowledge.Status, offered string) error {
	a, ok := t.st.asks[id]
	if !ok {
		return notFound("ask")
	}
	a.Status = s
	if offered != "" {
		a.Offered = offered
	}
	t.st.asks[id] = a
	return nil
}

func (t *tx) AddRoute(_ context.Context, r knowledge.Route) (int64, error) {
	if _, ok := t.st.questions[r.QuestionID]; !ok {
		return 0, notFound("question")
	}
	r.ID, r.AskedAt, r.Outcome = int64(len(t.st.routes)+1), t.now, knowledge.RoutePending
	t.st.routes = append(t.st.routes, r)
	return r.ID, nil
}

func (t *tx) SetRouteOutcome(_ context.Context, id int64, o knowledge.RouteOutcome) error {
	if id < 1 || int(id) > len(t.st.routes) {
		return notFound("route")
	}
	t.st.routes[id-1].Outcome, t.st.routes[id-1].DecidedAt = o, t.now
	return nil
}

func (t *tx) UpsertAnswer(_ context.Context, questionID string, a knowledge.Answer) (bool, error) {
	q, ok := t.st.questions[questionID]
	if !ok {
		return false, notFound("question")
	}
	i := slices.IndexFunc(q.Answers, func(x knowledge.Answer) bool { return x.ID == a.ID })
	if i >= 0 {
		if q.Answers[i].Text == a.Text {
			return false, nil
		}
		a.Accepted, a.Thanks = q.Answers[i].Accepted, q.Answers[i].Thanks
		q.Answers[i] = a
	} else {
		q.Answers = append(q.Answers, a)
	}
	t.st.questions[questionID] = q
	t.st.rev++
	return true, nil
}

// answer applies change to answer id.
func (t *tx) answer(id string, change func(*knowledge.Answer)) error {
	qid, _, err := t.Answer(context.Background(), id)
	if err != nil {
		return err
	}
	q := t.st.questions[qid]
	i := slices.IndexFunc(q.Answers, func(x knowledge.Answer) bool { return x.ID == id })
	change(&q.Answers[i])
	t.st.questions[qid] = q
	t.st.rev++
	return nil
}

func (t *tx) DeleteAnswer(_ context.Context, id string) (bool, error) {
	qid, _, err := t.Answer(context.Background(), id)
	if err != nil {
		return false, nil
	}
	q := t.st.questions[qid]
	q.Answers = slices.DeleteFunc(q.Answers, func(x knowledge.Answer) bool { return x.ID == id })
	t.st.questions[qid] = q
	t.st.rev++
	return true, nil
}

func (t *tx) SetAccepted(_ context.Context, id string) error {
	return t.answer(id, func(a *knowledge.Answer) { a.Accepted = true })
}

func (t *tx) AddThanks(_ context.Context, id string) error {
	return t.answer(id, func(a *knowledge.Answer) { a.Thanks++ })
}

func (t *tx) SetPreferences(_ context.Context, person string, p knowledge.Preferences) error {
	t.st.prefs[person] = p
	return nil
}

func (t *tx) SetDigestSubscription(_ context.Context, person string, on bool) error {
	if on {
		t.st.subscribers[person] = true
	} else {
		delete(t.st.subscribers, person)
	}
	return nil
}

func (t *tx) RecordOffer(_ context.Context, o desk.Offer) error {
	if _, ok := t.st.offers[o.QuestionID]; !ok {
		t.st.offers[o.QuestionID] = offer{Offer: o}
	}
	return nil
}

func (t *tx) SetOfferOutcome(_ context.Context, questionID string, o desk.OfferOutcome) error {
	rec := t.st.offers[questionID]
	rec.QuestionID = questionID
	if !askerJudged(rec.Outcome) || o != desk.OfferAlreadyAnswered {
		rec.Outcome = o
	}
	t.st.offers[questionID] = rec
	return nil
}

func (t *tx) PickOffer(_ context.Context, questionID, match, answer string) error {
	rec := t.st.offers[questionID]
	rec.QuestionID, rec.PickedMatch, rec.PickedAnswer = questionID, match, answer
	if !askerJudged(rec.Outcome) {
		rec.Outcome = desk.OfferAlreadyAnswered
	}
	t.st.offers[questionID] = rec
	return nil
}

// askerJudged reports whether o is the asker's word on what was offered,
// which an expert's never replaces.
func askerJudged(o desk.OfferOutcome) bool {
	return o == desk.OfferSolved || o == desk.OfferNeedHelp
}

func (t *tx) RemindRoute(_ context.Context, id int64) error {
	if id < 1 || int(id) > len(t.st.routes) {
		return notFound("route")
	}
	t.st.routes[id-1].Reminders++
	t.st.routes[id-1].RemindedAt = t.now
	return nil
}

func (t *tx) UpsertDetail(_ context.Context, questionID string, d desk.Detail) error {
	for i, old := range t.st.details {
		if old.ID == d.ID {
			t.st.details[i].Text = d.Text
			return nil
		}
	}
	t.st.details = append(t.st.details, detail{Detail: d, QuestionID: questionID})
	return nil
}

func (t *tx) DeleteDetail(_ context.Context, id string) (bool, error) {
	n := len(t.st.details)
	t.st.details = slices.DeleteFunc(t.st.details, func(d detail) bool { return d.ID == id })
	return len(t.st.details) < n, nil
}

func (t *tx) Details(_ context.Context, questionID string) ([]desk.Detail, error) {
	var out []desk.Detail
	for _, d := range t.st.details {
		if d.QuestionID == questionID {
			out = append(out, d.Detail)
		}
	}
	return out, nil
}

func (t *tx) Detail(_ context.Context, id string) (string, desk.Detail, error) {
	for _, d := range t.st.details {
		if d.ID == id {
			return d.QuestionID, d.Detail, nil
		}
	}
	return "", desk.Detail{}, notFound("detail")
}

func (t *tx) Notify(_ context.Context, n desk.Notice) (int64, error) {
	if n.Key == "" || n.Body == nil {
		return 0, knowledge.Errorf(knowledge.EINVALID, "A notice needs a key and a body.")
	}
	for _, m := range t.st.notices {
		if m.Key == n.Key {
			return m.ID, nil
		}
	}
	if n.After < 0 || int(n.After) > len(t.st.notices) {
		return 0, knowledge.Errorf(knowledge.EINVALID, "Notice %s waits on unknown notice %d.", n.Key, n.After)
	}
	id := int64(len(t.st.notices) + 1)
	t.st.notices = append(t.st.notices, desk.Outgoing{ID: id, Notice: n, State: desk.OutboxPending, CreatedAt: t.now})
	t.notices++
	return id, nil
}

// engine is a desk.Engine that returns what the test set, for any
// question: it stands for the ranking, which has its own tests.
type engine struct {
	experts []knowledge.Expert
	matches []knowledge.Match

	mu         sync.Mutex
	considered []knowledge.Question // what it was asked to consider, in order
}

func (e *engine) Consider(_ context.Context, q knowledge.Question, _ knowledge.Viewer) (knowledge.Consideration, error) {
	e.mu.Lock()
	defer e.mu.Unlock()
	e.considered = append(e.considered, q)
	return knowledge.Consideration{Matches: e.matches, Experts: e.experts}, nil
}

// workspace is a desk.Workspace: people's presence, conversations and
// thread roots as the chat tool would tell them.
type workspace struct {
	mu            sync.Mutex
	people        map[string]knowledge.Person
	presence      map[string]knowledge.Presence
	conversations map[string]knowledge.Conversation
	roots         map[string]desk.Message
	presenceReads int
	// reads lists the conversations read; keep, when set, is the store a
	// fresh read is kept in, as the chat adapter keeps it.
	reads []string
	keep  *store
}

func newWorkspace() *workspace {
	return &workspace{people: map[string]knowledge.Person{}, presence: map[string]knowledge.Presence{},
		conversations: map[string]knowledge.Conversation{}, roots: map[string]desk.Message{}}
}

func (w *workspace) Presence(_ context.Context, id string) (knowledge.Person, knowledge.Presence) {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.presenceReads++
	p, ok := w.people[id]
	if !ok {
		p = knowledge.Person{ID: id}
	}
	return p, w.presence[id]
}

func (w *workspace) Conversation(_ context.Context, id string, fresh bool) (knowledge.Conversation, bool, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.reads = append(w.reads, id)
	c, ok := w.conversations[id]
	if !ok {
		if id == "" || strings.Contains(id, ":") {
			return c, false, knowledge.Errorf(knowledge.EINVALID, "Not a conversation of the chat tool.")
		}
		return c, false, notFound("conversation")
	}
	if fresh && w.keep != nil {
		// What the chat adapter does: keep what it read, with when.
		c.Read = w.keep.now()
		w.keep.mu.Lock()
		w.keep.st.conversations[id] = c
		w.keep.mu.Unlock()
	}
	return c, true, nil
}

func (w *workspace) Root(_ context.Context, channel, thread string) (desk.Message, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	m, ok := w.roots[channel+"/"+thread]
	if !ok {
		return m, notFound("thread")
	}
	return m, nil
}
