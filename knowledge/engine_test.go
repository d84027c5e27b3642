package knowledge_test

import (
	"context"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/nextdesk/nextdesk/knowledge"
)

// memory is a Source and an Index over a handful of questions, scoring by
// shared words, so engine tests do not depend on SQLite or bleve.
type memory struct {
	people        map[string]knowledge.Person
	conversations map[string]knowledge.Conversation
	questions     []knowledge.Question
}

// Scope applies the store's rule: a restricted person reads only the
// conversations they are in.
func (m *memory) Scope(_ context.Context, v knowledge.Viewer) (knowledge.Scope, error) {
	var s knowledge.Scope
	for _, c := range m.conversations {
		if !c.Public() && slices.Contains(c.Members, v.PersonID) {
			s.Conversations = append(s.Conversations, c.ID)
		}
	}
	slices.Sort(s.Conversations)
	s.Restricted = m.people[v.PersonID].Restricted
	return s, nil
}

func (m *memory) Questions(ctx context.Context, v knowledge.Viewer, ids []string) ([]knowledge.Question, error) {
	scope, _ := m.Scope(ctx, v)
	var out []knowledge.Question
	for _, q := range m.questions {
		c := m.conversations[q.Conversation]
		visible := slices.Contains(scope.Conversations, c.ID) || c.Public() && !scope.Restricted
		if slices.Contains(ids, q.ID) && visible {
			out = append(out, q)
		}
	}
	return out, nil
}

func (m *memory) People(_ context.Context, ids []string) (map[string]knowledge.Person, error) {
	out := make(map[string]knowledge.Person)
	for _, id := range ids {
		if p, ok := m.people[id]; ok {
			out[id] = p
		}
	}
	return out, nil
}

func (m *memory) AnswererStats(_ context.Context, ids []string) (map[string]knowledge.AnswererStats, error) {
	out := make(map[string]knowledge.AnswererStats)
	for _, q := range m.questions {
		for _, a := range q.Answers {
			if !slices.Contains(ids, a.Answerer) {
				continue
			}
			st := out[a.Answerer]
			st.Answers++
			if a.Accepted {
				st.Accepted++
			}
			if a.Time.After(st.Last) {
				st.Last = a.Time
			}
			st.Hours[a.Time.UTC().Hour()]++
			out[a.Answerer] = st
		}
	}
	return out, nil
}

func (m *memory) Consult(ctx context.Context, v knowledge.Viewer, c knowledge.Consultation) (knowledge.Reading, error) {
	qs, _ := m.Questions(ctx, v, c.IDs)
	var ids []string
	for _, q := range qs {
		for _, a := range q.Answers {
			ids = append(ids, a.Answerer)
		}
	}
	people, _ := m.People(ctx, ids)
	stats, _ := m.AnswererStats(ctx, ids)
	return knowledge.Reading{Questions: qs, People: people, Stats: stats}, nil
}

func (m *memory) Words(text string) []knowledge.Word {
	var words []knowledge.Word
	for _, t := range m.Terms(text) {
		words = append(words, knowledge.Word{Text: t, Terms: []string{t}})
	}
	return words
}

// Rarity counts the questions holding each term.
func (m *memory) Rarity(_ context.Context, terms []string) (knowledge.TermStats, error) {
	st := knowledge.TermStats{Docs: len(m.questions), DF: make(map[string]int)}
	terms = slices.Compact(slices.Sorted(slices.Values(terms)))
	for _, q := range m.questions {
		held := make(map[string]bool)
		for _, t := range m.Terms(q.SearchText()) {
			held[t] = true
		}
		for _, t := range terms {
			if held[t] {
				st.DF[t]++
			}
		}
	}
	return st, nil
}

func (m *memory) Terms(text string) []string {
	var terms []string
	for _, w := range strings.FieldsFunc(strings.ToLower(text), func(r rune) bool { return r == ' ' || r == '\n' || r == '?' || r == ',' }) {
		if len(w) > 2 {
			terms = append(terms, strings.TrimSuffix(w, "s"))
		}
	}
	return terms
}

func (m *memory) Search(_ context.Context, q knowledge.SearchQuery) ([]knowledge.Hit, error) {
	want := make(map[string]bool)
	for _, w := range q.Words {
		for _, t := range w.Terms {
			want[t] = true
		}
	}
	var hits []knowledge.Hit
	for _, past := range m.questions {
		c := m.conversations[past.Conversation]
		if !slices.Contains(q.Conversations, c.ID) && (!c.Public() || q.Restricted) {
			continue
		}
		text := past.SearchText()
		if q.AnswerWeight > 0 {
			for _, a := range past.Answers {
				text += " " + a.Text
			}
		}
		score := 0.0
		for _, t := range m.Terms(text) {
			if want[t] {
				score++
			}
		}
		if score > 0 {
			hits = append(hits, knowledge.Hit{QuestionID: past.ID, Score: score})
		}
	}
	slices.SortStableFunc(hits, func(a, b knowledge.Hit) int {
		switch {
		case a.Score > b.Score:
			return -1
		case a.Score < b.Score:
			return 1
		}
		return 0
	})
	return hits, nil
}

var t0 = time.Date(2026, 3, 2, 10, 0, 0, 0, time.UTC)

func fixture() *memory {
	return &memory{
		people: map[string]knowledge.Person{
			"alice": {ID: "alice", Name: "Alice"},
			"bob":   {ID: "bob", Name: "Bob"},
			"carol": {ID: "carol", Name: "Carol"},
			"dave":  {ID: "dave", Name: "Dave", Deleted: true},
			"bot":   {ID: "bot", Name: "CI bot", Bot: true},
			"erin":  {ID: "erin", Name: "Erin"},
			"guest": {ID: "guest", Name: "Gus", Restricted: true},
		},
		conversations: map[string]knowledge.Conversation{
			"C1": {ID: "C1", Name: "ops", Kind: knowledge.KindPublic},
			"G1": {ID: "G1", Name: "security", Kind: knowledge.KindPrivate, Members: []string{"alice", "erin", "guest"}},
		},
		questions: []knowledge.Question{
			{ID: "q1", Asker: "carol", Conversation: "C1", Text: "How do I renew the TLS certificate on staging?", Time: t0.Add(-48 * time.Hour),
				Answers: []knowledge.Answer{{ID: "a1", Answerer: "alice", Text: "Run certbot renew on the staging host", Time: t0.Add(-47 * time.Hour), Accepted: true}}},
			{ID: "q2", Asker: "carol", Conversation: "C1", Text: "Who renews certificate for production?", Time: t0.Add(-40 * time.Hour),
				Answers: []knowledge.Answer{
					{ID: "a2", Answerer: "bob", Text: "the platform team", Time: t0.Add(-39 * time.Hour)},
					{ID: "a3", Answerer: "bot", Text: "automated reply about certificate", Time: t0.Add(-39 * time.Hour)},
					{ID: "a4", Answerer: "dave", Text: "ask platform about certificate", Time: t0.Add(-39 * time.Hour)},
				}},
			{ID: "q3", Asker: "bob", Conversation: "C1", Text: "Where is the VPN config?", Time: t0.Add(-30 * time.Hour),
				Answers: []knowledge.Answer{{ID: "a5", Answerer: "carol", Text: "In the wiki", Time: t0.Add(-29 * time.Hour)}}},
			{ID: "q4", Asker: "alice", Conversation: "G1", Text: "Rotate the certificate signing key?", Time: t0.Add(-20 * time.Hour),
				Answers: []knowledge.Answer{{ID: "a6", Answerer: "erin", Text: "Use the HSM procedure", Time: t0.Add(-19 * time.Hour), Accepted: true}}},
		},
	}
}

func newEngine(m *memory) *knowledge.Engine {
	e := knowledge.NewEngine(m, m)
	e.Now = func() time.Time { return t0 }
	return e
}

func expertIDs(xs []knowledge.Expert) []string {
	var ids []string
	for _, x := range xs {
		ids = append(ids, x.Person.ID)
	}
	return ids
}

func TestExpertsRanksByEvidenceAndExcludesUnroutable(t *testing.T) {
	m := fixture()
	got, err := newEngine(m).Experts(context.Background(), knowledge.Question{Asker: "carol", Text: "renew certificate staging"}, knowledge.Viewer{PersonID: "carol"})
	if err != nil {
		t.Fatal(err)
	}
	// alice answered the closest question and was accepted; bob answered a
	// weaker match; the bot and the deleted person are never routed to;
	// erin's evidence is private to a conversation carol is not in.
	if diff := cmp.Diff(expertIDs(got), []string{"alice", "bob"}); diff != "" {
		t.Errorf("experts (-got +want):\n%s", diff)
	}
	if len(got[0].Evidence) == 0 || got[0].Evidence[0].QuestionID != "q1" || !got[0].Evidence[0].Accepted {
		t.Errorf("alice's evidence = %+v, want q1 accepted first", got[0].Evidence)
	}
}

func TestExpertsNeverReturnsTheAsker(t *testing.T) {
	m := fixture()
	got, err := newEngine(m).Experts(context.Background(), knowledge.Question{Asker: "alice", Text: "renew certificate staging"}, knowledge.Viewer{PersonID: "alice"})
	if err != nil {
		t.Fatal(err)
	}
	if slices.Contains(expertIDs(got), "alice") {
		t.Errorf("experts %v include the asker", expertIDs(got))
	}
}

func TestExpertsPrivateEvidenceOnlyForMembers(t *testing.T) {
	m := fixture()
	q := knowledge.Question{Asker: "bob", Text: "rotate signing key"}
	for _, tc := range []struct {
		viewer knowledge.Viewer
		want   []string
	}{
		{knowledge.Viewer{PersonID: "bob"}, nil},
		{knowledge.Anonymous, nil},
		{knowledge.Viewer{PersonID: "alice"}, []string{"erin"}},
	} {
		got, err := newEngine(m).Experts(context.Background(), q, tc.viewer)
		if err != nil {
			t.Fatal(err)
		}
		if diff := cmp.Diff(expertIDs(got), tc.want); diff != "" {
			t.Errorf("viewer %q: experts (-got +want):\n%s", tc.viewer.PersonID, diff)
		}
	}
}

func TestExpertsAcceptedAndRecentAnswersWeighMore(t *testing.T) {
	m := fixture()
	m.questions = []knowledge.Question{
		{ID: "old", Asker: "carol", Conversation: "C1", Text: "kafka consumer lag", Time: t0.AddDate(-3, 0, 0),
			Answers: []knowledge.Answer{{ID: "x1", Answerer: "alice", Text: "check offsets", Time: t0.AddDate(-3, 0, 0)}}},
		{ID: "new", Asker: "carol", Conversation: "C1", Text: "kafka consumer lag", Time: t0.AddDate(0, 0, -7),
			Answers: []knowledge.Answer{{ID: "x2", Answerer: "bob", Text: "check offsets", Time: t0.AddDate(0, 0, -7)}}},
	}
	got, err := newEngine(m).Experts(context.Background(), knowledge.Question{Asker: "erin", Text: "kafka consumer lag"}, knowledge.Anonymous)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(expertIDs(got), []string{"bob", "alice"}); diff != "" {
		t.Errorf("recent answer should win (-got +want):\n%s", diff)
	}

	m.questions[0].Answers[0].Accepted = true
	m.questions[0].Time, m.questions[0].Answers[0].Time = m.questions[1].Time, m.questions[1].Answers[0].Time
	got, err = newEngine(m).Experts(context.Background(), knowledge.Question{Asker: "erin", Text: "kafka consumer lag"}, knowledge.Anonymous)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(expertIDs(got), []string{"alice", "bob"}); diff != "" {
		t.Errorf("accepted answer should win at equal age (-got +want):\n%s", diff)
	}
}

func TestExpertsAskTheAddressedFirst(t *testing.T) {
	m := fixture()
	for _, tc := range []struct {
		addressed []string
		want      []string
	}{
		// alice answered the closest question; the asker names bob.
		{nil, []string{"alice", "bob"}},
		{[]string{"bob"}, []string{"bob", "alice"}},
		// Named, they still come in their order.
		{[]string{"alice", "bob"}, []string{"alice", "bob"}},
		// Naming makes nobody an expert: not someone the text does not
		// point to, not the bot, not the asker.
		{[]string{"erin", "bot", "carol"}, []string{"alice", "bob"}},
	} {
		q := knowledge.Question{Asker: "carol", Text: "renew certificate staging", Addressed: tc.addressed}
		got, err := newEngine(m).Experts(context.Background(), q, knowledge.Viewer{PersonID: "carol"})
		if err != nil {
			t.Fatal(err)
		}
		if diff := cmp.Diff(expertIDs(got), tc.want); diff != "" {
			t.Errorf("addressed %v: experts (-got +want):\n%s", tc.addressed, diff)
		}
	}
}

func TestExpertsEmptyQuestion(t *testing.T) {
	for _, text := range []string{"", "   \n\t ", "\x00\x01"} {
		_, err := newEngine(fixture()).Experts(context.Background(), knowledge.Question{Text: text}, knowledge.Anonymous)
		if knowledge.ErrorCode(err) != knowledge.EINVALID {
			t.Errorf("Experts(%q) error = %v, want code %s", text, err, knowledge.EINVALID)
		}
	}
}

func TestSimilarConfidence(t *testing.T) {
	m := fixture()
	e := newEngine(m)
	got, err := e.Similar(context.Background(), knowledge.Question{Asker: "erin", Text: "How can I renew the staging TLS certificates?"}, knowledge.Anonymous)
	if err != nil {
		t.Fatal(err)
	}
	if len(got) == 0 || got[0].Question.ID != "q1" || !got[0].Sure || got[0].Answer.ID != "a1" {
		t.Fatalf("Similar = %+v, want q1 with its accepted answer a1, sure", got)
	}
	got, err = e.Similar(context.Background(), knowledge.Question{Asker: "erin", Text: "certificate for the new laptop keyboard"}, knowledge.Anonymous)
	if err != nil {
		t.Fatal(err)
	}
	for _, m := range got {
		if m.Sure {
			t.Errorf("a loosely related question %q was judged sure (confidence %.2f)", m.Question.Text, m.Confidence)
		}
	}
}

func TestAvailability(t *testing.T) {
	var st knowledge.AnswererStats
	st.Hours[14] = 40 // always answers around 14:00 UTC
	st.Answers = 40
	at := func(h int) time.Time { return time.Date(2026, 3, 2, h, 0, 0, 0, time.UTC) }
	p := knowledge.Person{ID: "x"}
	if a := knowledge.Availability(st, p, at(14)); a != 1 {
		t.Errorf("availability at the busiest hour = %v, want 1", a)
	}
	if a := knowledge.Availability(st, p, at(3)); a > 0.2 {
		t.Errorf("availability at 03:00 after 40 answers at 14:00 = %v, want near 0", a)
	}
	var few knowledge.AnswererStats
	few.Hours[14], few.Answers = 2, 2
	if a := knowledge.Availability(few, p, at(10)); a < 0.5 {
		t.Errorf("availability at 10:00 after only 2 answers at 14:00 = %v, want the prior to dominate (> 0.5)", a)
	}
	if a := knowledge.Availability(knowledge.AnswererStats{}, p, at(3)); a != 1 {
		t.Errorf("availability with no history nor zone = %v, want 1 (unknown)", a)
	}
	paris := knowledge.Person{ID: "y", TZ: "Europe/Paris"}
	if day, night := knowledge.Availability(knowledge.AnswererStats{}, paris, at(10)), knowledge.Availability(knowledge.AnswererStats{}, paris, at(2)); day <= night {
		t.Errorf("Paris office hours: day %v should exceed night %v", day, night)
	}
}

func TestDetectLang(t *testing.T) {
	for text, want := range map[string]string{
		"Comment est-ce que je renouvelle le certificat ?":   "fr",
		"Où trouver la configuration du VPN pour l'équipe ?": "fr",
		"How do I renew the certificate?":                    "en",
		"kubectl":                                            "",
		// Typed on a phone, with the typographic apostrophe.
		"J’ai un problem with the build": "fr",
		"C’est the same issue qu’hier":   "fr",
	} {
		if got := knowledge.DetectLang(text); got != want {
			t.Errorf("DetectLang(%q) = %q, want %q", text, got, want)
		}
	}
}

func TestCleanTextRepairsAndKeeps(t *testing.T) {
	in := "caf\xe9 \x00ok\n"
	got := knowledge.CleanText(in)
	if want := "caf\uFFFD ok"; got != want {
		t.Errorf("CleanText(%q) = %q, want %q", in, got, want)
	}
	long := strings.Repeat("é", 100)
	if got := knowledge.Truncate(long, 51); len(got) != 50 {
		t.Errorf("Truncate on a rune boundary: got %d bytes, want 50", len(got))
	}
}

func TestWrittenOutWritesBackWhatChatLeavesOut(t *testing.T) {
	for in, want := range map[string]string{
		"wheres the expense policy??":   "where's the expense policy??",
		"Dont know, cant log in":        "Don't know, can't log in",
		"Im new here, whats the wifi?":  "I'm new here, what's the wifi?",
		"i dont have access to Jira":    "i don't have access to Jira",
		"le document dont j'ai besoin":  "le document dont j'ai besoin",
		"I can't and I don't":           "I can't and I don't",
		"significant, important, ill":   "significant, important, ill",
		"the id were well its":          "the id were well its",
		"Arrivée à l'hôtel, whats next": "Arrivée à l'hôtel, what's next",
		"cest quoi le code, jai oublié": "c'est quoi le code, j'ai oublié",
		// Abbreviations, in small letters when they are short.
		"cmt je pose mes congés stp":       "comment je pose mes congés stp",
		"qqn sait où est le planning ?":    "quelqu'un sait où est le planning ?",
		"how do u file expenses in concur": "how do you file expenses in concur",
		"U and UR are letters, BTW is not": "U and UR are letters,  is not",
		"help w/ jira, w/o admin rights":   "help with jira, without admin rights",
		"w/out, w/old, w":                  "with out, with old, w",
		"btw how do I reset Okta? idk":     " how do I reset Okta? ",
		"jsp cmt activer ma carte":         " comment activer ma carte",
		// Some only beside the words they go with.
		"cmt on ouvre un ticket pr le helpdesk": "comment on ouvre un ticket pour le helpdesk",
		"qui peut merger ma pr, elle est prête": "qui peut merger ma pr, elle est prête",
		"je pose mes cp sur lucca, fais un cp":  "je pose mes congés payés sur lucca, fais un cp",
		"whats teh guest wifi pw? me or nah":    "what's the guest wifi password? me or ",
		// Only in the language they are chat of.
		"c quand le séminaire, pk pas demain ?": "c'est quand le séminaire, pourquoi pas demain ?",
		"the pk column of the table":            "the pk column of the table",
		"my DSL is growing, qq: on a mac":       "my DSL is growing, qq: on a mac",
		"quick q: where is the C compiler":      "quick question: where is the C compiler",
		"ca marche pas depuis la mise à jour":   "ça marche pas depuis la mise à jour",
		"Le CA du trimestre est en baisse":      "Le CA du trimestre est en baisse",
	} {
		if got := knowledge.WrittenOut(in); got != want {
			t.Errorf("WrittenOut(%q) = %q, want %q", in, got, want)
		}
	}
}

// searches records the searches the engine makes.
type searches struct {
	*memory
	got []knowledge.SearchQuery
}

func (s *searches) Search(ctx context.Context, q knowledge.SearchQuery) ([]knowledge.Hit, error) {
	s.got = append(s.got, q)
	return s.memory.Search(ctx, q)
}

// A guest's search reaches only the conversations they are in: the index
// is asked for those alone, so public questions never take their places.
func TestConsiderSearchesARestrictedViewersConversationsOnly(t *testing.T) {
	m := fixture()
	for _, tt := range []struct {
		viewer     string
		restricted bool
		want       []string
	}{
		{"guest", true, []string{"q4"}},
		// q4 shares three of the four words asked, q1 two: of the
		// matches the search finds about as close, q4 comes first.
		{"alice", false, []string{"q2", "q4", "q1"}},
	} {
		s := &searches{memory: m}
		e := knowledge.NewEngine(m, s)
		e.Now = func() time.Time { return t0 }
		c, err := e.Consider(context.Background(), knowledge.Question{Asker: tt.viewer, Text: "renew certificate signing key"}, knowledge.Viewer{PersonID: tt.viewer})
		if err != nil {
			t.Fatal(err)
		}
		if len(s.got) != 1 || s.got[0].Restricted != tt.restricted || !slices.Equal(s.got[0].Conversations, []string{"G1"}) {
			t.Errorf("%s searched %+v; want one search of G1, restricted %v", tt.viewer, s.got, tt.restricted)
		}
		var ids []string
		for _, m := range c.Matches {
			ids = append(ids, m.Question.ID)
		}
		if diff := cmp.Diff(ids, tt.want); diff != "" {
			t.Errorf("%s's matches (-got +want):\n%s", tt.viewer, diff)
		}
	}
}

// A question's title says what it asks in short: the search weighs its
// words above those only in its body, and a question without a title (a
// Slack message) searches all its words alike.
func TestSearchWeighsTheTitlesWords(t *testing.T) {
	m := fixture()
	for _, tt := range []struct {
		q    knowledge.Question
		want map[string]float64
	}{
		{knowledge.Question{Title: "Renew certificate", Text: "Hello, the staging host is down"},
			map[string]float64{"renew": 3, "certificate": 3, "hello": 1, "the": 1, "staging": 1, "host": 1, "down": 1}},
		{knowledge.Question{Text: "Renew certificate on the staging host"},
			map[string]float64{"renew": 1, "certificate": 1, "the": 1, "staging": 1, "host": 1}},
	} {
		s := &searches{memory: m}
		e := knowledge.NewEngine(m, s)
		e.Now = func() time.Time { return t0 }
		if _, err := e.Consider(context.Background(), tt.q, knowledge.Viewer{}); err != nil {
			t.Fatal(err)
		}
		if len(s.got) != 1 {
			t.Fatalf("%d searches; want 1", len(s.got))
		}
		got := make(map[string]float64)
		for _, w := range s.got[0].Words {
			got[strings.Join(w.Terms, "|")] = w.Weight
		}
		if diff := cmp.Diff(got, tt.want); diff != "" {
			t.Errorf("%q: search weights (-got +want):\n%s", tt.q.SearchText(), diff)
		}
	}
}
