package index

import (
	"context"
	"errors"
	"math"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/nextdesk/nextdesk/knowledge"
)

// corpus is a small mix of French and English questions.
var corpus = []knowledge.Change{
	publicQ(1, "cert", "Comment renouveler le certificat du serveur web ?"),
	publicQ(2, "vpn", "How do I renew my VPN token before it expires?"),
	publicQ(3, "auth", "Erreur d'authentification sur le portail RH depuis lundi"),
	publicQ(4, "coffee", "Where is the coffee machine on the third floor?"),
	publicQ(5, "conge", "Où déclarer mes congés payés ?"),
	publicQ(6, "syntax", "What does the title field of a regex rule mean?"),
	publicQ(7, "build", "The nightly build is red again",
		"Kubernetes ran out of memory on the runner, I restarted the cluster."),
	publicQ(8, "printer", "Who added the new printer?"),
}

func TestSearchFindsWordForms(t *testing.T) {
	ix := MustOpenIndex(t)
	MustApply(t, ix, corpus...)
	for _, tt := range []struct {
		name, text string
		want       []string
	}{
		{"French plural finds singular", "certificats", []string{"cert"}},
		{"English gerund finds verb", "renewing", []string{"vpn"}},
		{"French elision", "l'authentification", []string{"auth"}},
		{"no elision in query finds elided text", "authentification", []string{"auth"}},
		{"capitals", "CONGÉS", []string{"conge"}},
		{"French feminine plural light stem", "déclarées", []string{"conge"}},
		{"English plural", "machines", []string{"coffee"}},
		{"verb of a doubled consonant", "add", []string{"printer"}},
		{"its -ing", "adding", []string{"printer"}},
		{"not another word's stem", "ads", []string{}},
		{"no match", "photosynthèse", []string{}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			got := searchIDs(t, ix, knowledge.SearchQuery{Text: tt.text})
			if diff := cmp.Diff(got, tt.want); diff != "" {
				t.Errorf("Search(%q) (-got +want):\n%s", tt.text, diff)
			}
		})
	}
}

func TestSearchRanksByRelevance(t *testing.T) {
	ix := MustOpenIndex(t)
	MustApply(t, ix,
		publicQ(1, "both", "renew the VPN certificate"),
		publicQ(2, "vpn", "the VPN is slow today, very slow"),
		publicQ(3, "cert", "where do I find the certificate authority"),
	)
	got := searchIDs(t, ix, knowledge.SearchQuery{Text: "renew VPN certificate"})
	want := []string{"both"} // then the other two, in some order
	if len(got) != 3 || got[0] != want[0] {
		t.Errorf("Search = %v, want %v first of 3", got, want[0])
	}
}

func TestSearchTreatsQuerySyntaxAsWords(t *testing.T) {
	ix := MustOpenIndex(t)
	MustApply(t, ix, corpus...)
	for _, tt := range []struct {
		text string
		want []string
	}{
		// UAX #29 keeps "title:x" one word; as query syntax it would be a
		// field query, or a parse error.
		{`title:x AND (y`, []string{}},
		{`title: regex AND (y`, []string{"syntax"}},
		{`-coffee`, []string{"coffee"}},
		{`/regex/`, []string{"syntax"}},
		{`+-*?~^"\`, []string{}},
		{`*`, []string{}},
		{`_id:cert`, []string{}},
		{`q_en:coffee`, []string{}},
		{`q_en: coffee`, []string{"coffee"}},
		{`v:public`, []string{}},
		{`coffee^100 OR "machine`, []string{"coffee"}},
		{`certificat~2`, []string{"cert"}},
		{`q_fr:[a TO z]`, []string{}},
	} {
		t.Run(tt.text, func(t *testing.T) {
			got := searchIDs(t, ix, knowledge.SearchQuery{Text: tt.text})
			if diff := cmp.Diff(got, tt.want); diff != "" {
				t.Errorf("Search(%q) (-got +want):\n%s", tt.text, diff)
			}
		})
	}
}

func TestSearchWithoutTermsFindsNothing(t *testing.T) {
	ix := MustOpenIndex(t)
	MustApply(t, ix, corpus...)
	for _, text := range []string{"", "   \n\t", "the", "le la les", "?!…", "\x00\x01"} {
		hits, err := ix.Search(context.Background(), knowledge.SearchQuery{Text: text, AnswerWeight: 1})
		if err != nil || len(hits) != 0 {
			t.Errorf("Search(%q) = %v, %v; want no hits, no error", text, hits, err)
		}
	}
}

func TestSearchRepairsInvalidUTF8(t *testing.T) {
	ix := MustOpenIndex(t)
	bad := "Probl\xe8me de certificat \xff\xfe sur le proxy"
	MustApply(t, ix, publicQ(1, "bad", bad), publicQ(2, "other", "proxy settings"))
	got := searchIDs(t, ix, knowledge.SearchQuery{Text: "certificat\xc3"})
	if diff := cmp.Diff(got, []string{"bad"}); diff != "" {
		t.Errorf("Search (-got +want):\n%s", diff)
	}
	if terms := ix.Terms(bad); !strings.Contains(strings.Join(terms, " "), "certificat") {
		t.Errorf("Terms(%q) = %v, want certificat among them", bad, terms)
	}
}

func TestSearchLongText(t *testing.T) {
	ix := MustOpenIndex(t)
	// Near the start, a rare word; after MaxIndexedText, another one.
	filler := strings.Repeat("stacktrace frame goroutine running ", 100<<10/35)
	text := "kerberos ticket expired " + filler + " zeppelin"
	if len(text) < 100<<10 {
		t.Fatalf("text is %d bytes, want at least 100 KB", len(text))
	}
	MustApply(t, ix, publicQ(1, "long", text), publicQ(2, "short", "zeppelin tickets"))
	for _, tt := range []struct {
		text string
		want []string
	}{
		{"kerberos", []string{"long"}},
		{"zeppelin", []string{"short"}}, // beyond what is indexed
		{text, []string{"long", "short"}},
	} {
		got := searchIDs(t, ix, knowledge.SearchQuery{Text: tt.text})
		if diff := cmp.Diff(got, tt.want); diff != "" {
			t.Errorf("Search(%.30q) (-got +want):\n%s", tt.text, diff)
		}
	}
}

func TestSearchVisibility(t *testing.T) {
	ix := MustOpenIndex(t)
	MustApply(t, ix,
		publicQ(1, "pub", "payroll export fails"),
		privateQ(2, "hr", "G_HR", "payroll export for the board"),
		privateQ(3, "fin", "G_FIN", "payroll export in euros"),
		privateQ(4, "named-public", visPublic, "payroll export of a conversation called public"),
		privateQ(5, "no-conv", "", "payroll export nowhere"),
	)
	for _, tt := range []struct {
		name       string
		convs      []string
		restricted bool
		want       []string
	}{
		{"anonymous", nil, false, []string{"pub"}},
		{"member of one", []string{"G_HR"}, false, []string{"hr", "pub"}},
		{"member of both", []string{"G_FIN", "G_HR", "G_HR"}, false, []string{"fin", "hr", "pub"}},
		{"unknown conversation", []string{"G_OTHER"}, false, []string{"pub"}},
		{"empty id", []string{""}, false, []string{"pub"}},
		{"more conversations than one disjunction holds", manyConversations(maxClauses*2+1, "G_HR"), false, []string{"hr", "pub"}},
		{"restricted, member of one", []string{"G_HR"}, true, []string{"hr"}},
		{"restricted, member of a public conversation", []string{"C1"}, true, []string{"pub"}},
		{"restricted, member of a public conversation and a private one", []string{"C1", "G_FIN"}, true, []string{"fin", "pub"}},
		{"restricted, member of none", nil, true, nil},
		{"restricted, only ids of nothing", []string{"", visPublic}, true, nil},
		{"restricted, more conversations than one disjunction holds", manyConversations(maxClauses*2+1, "G_FIN"), true, []string{"fin"}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			got := searchIDs(t, ix, knowledge.SearchQuery{Text: "payroll export", Conversations: tt.convs, Restricted: tt.restricted})
			sortedGot := append([]string(nil), got...)
			slices.Sort(sortedGot)
			if diff := cmp.Diff(sortedGot, tt.want); diff != "" {
				t.Errorf("Search (-got +want):\n%s", diff)
			}
		})
	}
}

// manyConversations returns n conversation ids, the last being last.
func manyConversations(n int, last string) []string {
	ids := make([]string, 0, n)
	for i := range n - 1 {
		ids = append(ids, "G"+strings.Repeat("x", i%7)+string(rune('a'+i%26))+strconv.Itoa(i))
	}
	return append(ids, last)
}

func TestSearchVisibilityDoesNotChangeScores(t *testing.T) {
	ix := MustOpenIndex(t)
	MustApply(t, ix,
		publicQ(1, "pub", "printer jam on floor two"),
		privateQ(2, "priv", "G1", "printer jam on floor two"),
	)
	hits, err := ix.Search(context.Background(), knowledge.SearchQuery{Text: "printer jam", Conversations: []string{"G1"}})
	if err != nil {
		t.Fatal(err)
	}
	if len(hits) != 2 || hits[0].Score != hits[1].Score {
		t.Errorf("Search = %v, want 2 hits with equal scores", hits)
	}
}

func TestSearchAnswerWeight(t *testing.T) {
	ix := MustOpenIndex(t)
	MustApply(t, ix, corpus...)
	for _, tt := range []struct {
		weight float64
		want   []string
	}{
		{0, []string{}},
		{0.5, []string{"build"}},
		{2, []string{"build"}},
	} {
		got := searchIDs(t, ix, knowledge.SearchQuery{Text: "kubernetes cluster", AnswerWeight: tt.weight})
		if diff := cmp.Diff(got, tt.want); diff != "" {
			t.Errorf("Search(AnswerWeight %v) (-got +want):\n%s", tt.weight, diff)
		}
	}
}

func TestSearchFindsEitherApostrophe(t *testing.T) {
	ix := MustOpenIndex(t)
	MustApply(t, ix,
		publicQ(1, "typed", "Où est la réunion d'aujourd'hui ?"),
		publicQ(2, "phoned", "Réunion", "elle est annulée aujourd’hui"),
	)
	for _, text := range []string{"aujourd'hui", "aujourd’hui"} {
		got := searchIDs(t, ix, knowledge.SearchQuery{Text: text, AnswerWeight: 1})
		slices.Sort(got)
		if diff := cmp.Diff(got, []string{"phoned", "typed"}); diff != "" {
			t.Errorf("Search(%q) (-got +want):\n%s", text, diff)
		}
	}
}

// TestSearchFindsAcronymsInCapitals searches "IT" and "US" written in
// capitals, which are "it" and "us" in small letters, words the analysis
// drops: the department and the country are found, the pronouns are not,
// nor is a text that shouts.
func TestSearchFindsAcronymsInCapitals(t *testing.T) {
	ix := MustOpenIndex(t)
	MustApply(t, ix,
		publicQ(1, "it", "Who handles IT onboarding?"),
		publicQ(2, "us", "Where is the US office?"),
		publicQ(3, "shouting", "WHERE IS IT"),
	)
	for _, tt := range []struct {
		text string
		want []string
	}{
		{"IT", []string{"it"}},
		{"support IT", []string{"it"}},
		{"US payroll", []string{"us"}},
		{"it", []string{}},
		{"Is it there?", []string{}},
		{"Can you help us?", []string{}},
		{"WHERE IS IT", []string{}},
	} {
		got := searchIDs(t, ix, knowledge.SearchQuery{Text: tt.text})
		if diff := cmp.Diff(got, tt.want); diff != "" {
			t.Errorf("Search(%q) (-got +want):\n%s", tt.text, diff)
		}
	}
}

func TestSearchAnswerWeightRaisesAnswerMatches(t *testing.T) {
	ix := MustOpenIndex(t)
	MustApply(t, ix,
		publicQ(1, "in-question", "grafana dashboard is empty", "restart it"),
		publicQ(2, "in-answer", "monitoring is broken", "the grafana dashboard needs a new datasource"),
	)
	for _, tt := range []struct {
		weight float64
		want   string
	}{
		{0.1, "in-question"},
		{10, "in-answer"},
	} {
		got := searchIDs(t, ix, knowledge.SearchQuery{Text: "grafana dashboard", AnswerWeight: tt.weight})
		if len(got) != 2 || got[0] != tt.want {
			t.Errorf("Search(AnswerWeight %v) = %v, want %s first of 2", tt.weight, got, tt.want)
		}
	}
}

func TestSearchLimit(t *testing.T) {
	ix := MustOpenIndex(t)
	var changes []knowledge.Change
	for i := range maxLimit + 10 {
		changes = append(changes, publicQ(int64(i+1), "q"+strconv.Itoa(i), "wifi password "+strings.Repeat("again ", i%13)))
	}
	MustApply(t, ix, changes...)
	for _, tt := range []struct{ limit, want int }{
		{0, defaultLimit},
		{-1, defaultLimit},
		{3, 3},
		{maxLimit + 5, maxLimit},
	} {
		got := searchIDs(t, ix, knowledge.SearchQuery{Text: "wifi", Limit: tt.limit})
		if len(got) != tt.want {
			t.Errorf("Search(Limit %d) returned %d hits, want %d", tt.limit, len(got), tt.want)
		}
	}
}

func TestSearchRejectsBadQueries(t *testing.T) {
	ix := MustOpenIndex(t)
	MustApply(t, ix, corpus...)
	for _, q := range []knowledge.SearchQuery{
		{Text: "coffee", AnswerWeight: -1},
		{Text: "coffee", AnswerWeight: math.NaN()},
		{Text: "coffee", AnswerWeight: math.Inf(1)},
		{Text: "coffee", Conversations: manyConversations(maxConversations+1, "G")},
	} {
		_, err := ix.Search(context.Background(), q)
		if code := knowledge.ErrorCode(err); code != knowledge.EINVALID {
			t.Errorf("Search(AnswerWeight %v, %d conversations) error = %v, want code %s",
				q.AnswerWeight, len(q.Conversations), err, knowledge.EINVALID)
		}
	}
}

func TestSearchHonoursContext(t *testing.T) {
	ix := MustOpenIndex(t)
	MustApply(t, ix, corpus...)
	ctx, cancel := context.WithDeadline(context.Background(), time.Now().Add(-time.Second))
	defer cancel()
	_, err := ix.Search(ctx, knowledge.SearchQuery{Text: "coffee"})
	if !errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("Search after the deadline: error = %v, want context.DeadlineExceeded", err)
	}
}

func TestQueryWordsAreBounded(t *testing.T) {
	ix := MustOpenIndex(t)
	var words []string
	for i := range 3 * maxQueryTerms {
		words = append(words, "word"+strconv.Itoa(i))
	}
	MustApply(t, ix,
		publicQ(1, "near", words[0]),
		publicQ(2, "far", words[len(words)-1]))
	// Only the first maxQueryTerms words of a question count, and a query
	// of more terms than bleve allows in one disjunction works.
	got := searchIDs(t, ix, knowledge.SearchQuery{Text: strings.Join(words, " "), AnswerWeight: 1})
	if diff := cmp.Diff(got, []string{"near"}); diff != "" {
		t.Errorf("Search with %d words (-got +want):\n%s", len(words), diff)
	}
}

func TestTerms(t *testing.T) {
	ix := MustOpenIndex(t)
	for _, tt := range []struct {
		text string
		want []string
	}{
		{"", nil},
		{"the of", nil},
		{"le la les", nil},
		// A French preposition goes as its English does ("from").
		{"depuis chez soi, from home", []string{"home", "soi"}},
		{"durant la nuit, jusqu'à lundi, à travers le pare-feu", []string{"feu", "lundi", "nuit", "pare"}},
		{"Lequel, seulement quelques-uns ? Aucun, chacun", []string{"chacun", "un", "uns"}},
		{"Les certificats", []string{"certificat"}},
		{"AI and the EU", []string{"ai", "eu"}},
		{"renewing renewed", []string{"renew", "renewed", "renewing"}},
		// Porter and the French light stemmer differ; both forms count.
		{"l'authentification", []string{"authentif", "authentific"}},
		// The t French sounds between a verb and its pronoun is no word;
		// a T written as a letter is.
		{"Y a-t-il un souci ? Va-t-on à Lyon ? A-T-ELLE répondu ?", []string{"lyon", "repondu", "souci", "va"}},
		{"B and T cells", []string{"b", "cell", "t"}},
		// The e of electronic is one word with what it prefixes.
		{"e-mail, E-Learning, e-santé, vitamine E-12", []string{"12", "e", "elearn", "elearning", "email", "esant", "esante", "vitamin"}},
		// Inclusive writing's endings are the word they follow.
		{"Les salarié·e·s, ami(e)s et directeur·rice·s", []string{"ami", "direct", "directeur", "sala", "salarie"}},
		{"salarié.e.s ESSOUFFLÉ(E) the file(s)", []string{"esoufl", "essouffle", "file", "sala", "salarie"}},
		// Other points and brackets stay: "node.js", "(e)" alone.
		{"node.js (e) x(e)", []string{"e", "node.j", "x"}},
		// A phone's apostrophe is the keyboard's.
		{"aujourd’hui, quelqu‘un", []string{"aujourd'hui", "quelqu'un"}},
		// French thousands are English's; other numbers stay apart.
		{"5 000 lignes, 1 250 000 euros", []string{"1,250,000", "5,000", "euro", "lign"}},
		{"5,000 rows", []string{"5,000", "row"}},
		{"en 2024 100 personnes, 3 12", []string{"100", "12", "2024", "3", "person", "personn"}},
		// "IT" and "US" in capitals are words; a shouted "IT" is not.
		{"IT and US", []string{"it.", "us."}},
		{"WHERE IS IT", nil},
	} {
		got := ix.Terms(tt.text)
		if diff := cmp.Diff(got, tt.want); diff != "" {
			t.Errorf("Terms(%q) (-got +want):\n%s", tt.text, diff)
		}
	}
}

// TestWordsAreReadAsAnalysed: a word is the text the analysis reads, so
// that the lexicon looks up "email" when "e-mail" is written.
func TestWordsAreReadAsAnalysed(t *testing.T) {
	ix := MustOpenIndex(t)
	got := ix.Words("Mon e-mail a-t-il un souci ?")
	want := []knowledge.Word{{Text: "email", Terms: []string{"email"}}, {Text: "souci", Terms: []string{"souci"}}}
	if diff := cmp.Diff(got, want); diff != "" {
		t.Errorf("Words (-got +want):\n%s", diff)
	}
}

func TestSearchLeavesOutCommonTerms(t *testing.T) {
	ix := MustOpenIndex(t)
	changes := []knowledge.Change{
		publicQ(1, "rare", "the printer driver crashes"),
		publicQ(2, "rare-fr", "le pilote de l'imprimante plante"),
	}
	for i := range 20 {
		changes = append(changes, publicQ(int64(len(changes)+1), "common"+strconv.Itoa(i), "printer out of paper"))
	}
	MustApply(t, ix, changes...)
	defer func(saved uint64) { maxPostings = saved }(maxPostings)
	maxPostings = 5

	for _, tt := range []struct {
		text string
		want []string
	}{
		// "printer" is in 21 questions: over the budget, left out.
		{"printer driver", []string{"rare"}},
		// The rarest term is always searched, whatever it costs.
		{"printer", append([]string{"rare"}, commonIDs(20)...)},
		// Terms count per field: "pilote" (French field) and "driver".
		{"driver pilote printer", []string{"rare", "rare-fr"}},
	} {
		got := searchIDs(t, ix, knowledge.SearchQuery{Text: tt.text, Limit: 100})
		slices.Sort(got)
		want := slices.Sorted(slices.Values(tt.want))
		if diff := cmp.Diff(got, want); diff != "" {
			t.Errorf("Search(%q) with a budget of %d postings (-got +want):\n%s", tt.text, maxPostings, diff)
		}
	}
}

func TestSearchTranslationsOfOneWordShareItsRarity(t *testing.T) {
	ix := MustOpenIndex(t)
	changes := []knowledge.Change{publicQ(1, "rare", "zorbl")}
	for i := range 5 {
		changes = append(changes, publicQ(int64(len(changes)+1), "common"+strconv.Itoa(i), "plonk"))
	}
	for i := range 10 {
		changes = append(changes, publicQ(int64(len(changes)+1), "other"+strconv.Itoa(i), "grotz"))
	}
	MustApply(t, ix, changes...)
	score := func(words []knowledge.QueryWord) map[string]float64 {
		t.Helper()
		hits, err := ix.Search(context.Background(), knowledge.SearchQuery{Words: words, Limit: 100})
		if err != nil {
			t.Fatal(err)
		}
		scores := make(map[string]float64)
		for _, h := range hits {
			scores[h.QuestionID] = h.Score
		}
		return scores
	}
	query := func(translates int) []knowledge.QueryWord {
		var words []knowledge.QueryWord
		for _, w := range ix.Words("zorbl plonk") {
			words = append(words, knowledge.QueryWord{Terms: w.Terms, Weight: 0.5, Translates: translates})
		}
		return words
	}
	// Two words of the question, one in a single question and one in
	// five: bleve counts each one's rarity twice, in the query's weight
	// and in the document's score.
	words := score(query(0))
	if words["rare"] <= words["common0"] {
		t.Fatalf("two words: scores %v (rare) and %v (common), want the rare word's higher", words["rare"], words["common0"])
	}
	// Two translations of one word weigh in the query as the word does,
	// alike: only what finding each tells differs, its rarity once.
	translations := score(query(1))
	ratio, want := translations["rare"]/translations["common0"], math.Sqrt(words["rare"]/words["common0"])
	if math.Abs(ratio-want) > 1e-9*want {
		t.Errorf("translations of one word: scores %v (rare) and %v (common), ratio %v, want %v", translations["rare"], translations["common0"], ratio, want)
	}
}

func commonIDs(n int) []string {
	var ids []string
	for i := range n {
		ids = append(ids, "common"+strconv.Itoa(i))
	}
	return ids
}

func TestSearchFindsNewTermsAtOnce(t *testing.T) {
	ix := MustOpenIndex(t)
	g := newCorpusGen(4)
	MustApply(t, ix, g.changes(0, 300)...)
	// 300 questions: one more stays within the 1% for which document
	// frequencies are reused.
	if got := searchIDs(t, ix, knowledge.SearchQuery{Text: "zeppelin"}); len(got) != 0 {
		t.Fatalf("Search(zeppelin) before indexing it = %v, want nothing", got)
	}
	if got := searchIDs(t, ix, knowledge.SearchQuery{Text: "zeppelin password"}); slices.Contains(got, "new") {
		t.Fatalf("Search(zeppelin password) before indexing it = %v", got)
	}
	MustApply(t, ix, publicQ(301, "new", "the zeppelin password expired"))
	for _, text := range []string{"zeppelin", "zeppelin password"} {
		got := searchIDs(t, ix, knowledge.SearchQuery{Text: text})
		if len(got) == 0 || got[0] != "new" {
			t.Errorf("Search(%q) after indexing it = %v, want new first", text, got)
		}
	}
}

// A restricted viewer's search looks only where they may read: public
// questions that outrank theirs never take the places of their hits.
func TestRestrictedSearchIsNotCrowdedOut(t *testing.T) {
	ix := MustOpenIndex(t)
	var changes []knowledge.Change
	for i := range 30 {
		changes = append(changes, publicQ(int64(i+1), "pub"+strconv.Itoa(i), "payroll export payroll export fails"))
	}
	changes = append(changes, privateQ(31, "guest", "G_SHARED", "payroll export with a partner"))
	MustApply(t, ix, changes...)
	q := knowledge.SearchQuery{Text: "payroll export", Conversations: []string{"G_SHARED"}, Limit: 5}
	if got := searchIDs(t, ix, q); slices.Contains(got, "guest") {
		t.Fatalf("the test needs public hits that outrank the private one; got %v", got)
	}
	q.Restricted = true
	if diff := cmp.Diff(searchIDs(t, ix, q), []string{"guest"}); diff != "" {
		t.Errorf("restricted search (-got +want):\n%s", diff)
	}
}
