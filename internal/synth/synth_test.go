package synth

import (
	"fmt"
	"math"
	"math/rand/v2"
	"regexp"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"
	"unicode"

	"github.com/google/go-cmp/cmp"
	"github.com/nextdesk/nextdesk/knowledge"
)

// MustHistory generates n questions of g's history, in batches of size.
func MustHistory(tb testing.TB, g *Generator, n, size int) []knowledge.Question {
	tb.Helper()
	qs := make([]knowledge.Question, 0, n)
	for b := range g.Batches(n, size) {
		qs = append(qs, b.Questions...)
	}
	if len(qs) != n {
		tb.Fatalf("Batches(%d, %d) gave %d questions", n, size, len(qs))
	}
	return qs
}

// defaultHistory is shared by the tests that only read it.
var defaultHistory = sync.OnceValues(func() (*Generator, []knowledge.Question) {
	g := New(Config{Seed: 7})
	var qs []knowledge.Question
	for b := range g.Batches(20_000, 1000) {
		qs = append(qs, b.Questions...)
	}
	return g, qs
})

func TestDeterminism(t *testing.T) {
	cfg := Config{Seed: 42, People: 300, Topics: 40}
	a, b := New(cfg), New(cfg)
	if diff := cmp.Diff(a.People(), b.People()); diff != "" {
		t.Errorf("People differ for the same seed (-got +want):\n%s", diff)
	}
	if diff := cmp.Diff(a.Conversations(), b.Conversations()); diff != "" {
		t.Errorf("Conversations differ for the same seed (-got +want):\n%s", diff)
	}
	qa, qb := MustHistory(t, a, 3000, 500), MustHistory(t, b, 3000, 500)
	if diff := cmp.Diff(qa, qb); diff != "" {
		t.Errorf("history differs for the same seed (-got +want):\n%s", diff)
	}
	if diff := cmp.Diff(a.Query(5), b.Query(5)); diff != "" {
		t.Errorf("Query(5) differs for the same seed (-got +want):\n%s", diff)
	}

	cfg.Seed = 43
	c := New(cfg)
	if cmp.Equal(a.People(), c.People()) {
		t.Error("seeds 42 and 43 gave the same people")
	}
	same := 0
	for i, q := range MustHistory(t, c, 3000, 500) {
		if q.Text == qa[i].Text || q.Asker == qa[i].Asker {
			same++
		}
	}
	if same > 3000/10 {
		t.Errorf("seeds 42 and 43 share the text or asker of %d of 3000 questions", same)
	}
}

func TestBatches(t *testing.T) {
	g := New(Config{Seed: 1, People: 200, Topics: 20})
	whole := MustHistory(t, g, 1000, 1000)
	for _, size := range []int{1, 7, 333, 999, 5000, 0, -3} {
		t.Run(fmt.Sprint(size), func(t *testing.T) {
			var got []knowledge.Question
			var batches, withPeople int
			for b := range g.Batches(1000, size) {
				batches++
				if len(b.People) > 0 || len(b.Conversations) > 0 {
					withPeople++
					if batches != 1 {
						t.Errorf("batch %d carries people or conversations; only the first should", batches)
					}
				}
				got = append(got, b.Questions...)
			}
			if diff := cmp.Diff(got, whole); diff != "" {
				t.Errorf("history in batches of %d differs from one batch (-got +want):\n%s", size, diff)
			}
			want := 1 // a non-positive size means 1000
			if size > 0 {
				want = (1000 + size - 1) / size
			}
			if batches != want || withPeople != 1 {
				t.Errorf("got %d batches, %d with people; want %d, 1", batches, withPeople, want)
			}
		})
	}

	t.Run("empty", func(t *testing.T) {
		var got []knowledge.Batch
		for b := range g.Batches(0, 10) {
			got = append(got, b)
		}
		if len(got) != 1 || len(got[0].Questions) != 0 || len(got[0].People) != 200 || len(got[0].Conversations) == 0 {
			t.Errorf("Batches(0, 10) gave %d batches; want one with the people and conversations only", len(got))
		}
	})

	t.Run("stop", func(t *testing.T) {
		n := 0
		for range g.Batches(1000, 10) {
			n++
			if n == 3 {
				break
			}
		}
		if n != 3 {
			t.Errorf("consumed %d batches after breaking at 3", n)
		}
	})
}

// TestConcurrentUse runs streams side by side; run it with -race.
func TestConcurrentUse(t *testing.T) {
	g := New(Config{Seed: 8, People: 200, Topics: 20})
	want := MustHistory(t, g, 500, 100)
	wantQuery := g.Query(1)
	var wg sync.WaitGroup
	got := make([][]knowledge.Question, 3)
	queries := make([]knowledge.Question, 3)
	for k := range got {
		wg.Go(func() {
			for b := range g.Batches(500, 100) {
				got[k] = append(got[k], b.Questions...)
			}
			queries[k] = g.Query(1)
		})
	}
	wg.Wait()
	for k := range got {
		if diff := cmp.Diff(got[k], want); diff != "" {
			t.Errorf("history of goroutine %d (-got +want):\n%s", k, diff)
		}
		if diff := cmp.Diff(queries[k], wantQuery); diff != "" {
			t.Errorf("Query(1) in goroutine %d (-got +want):\n%s", k, diff)
		}
	}
}

func TestCounts(t *testing.T) {
	for _, tc := range []struct {
		cfg            Config
		people, topics int
	}{
		{Config{}, 2000, 200},
		{Config{People: 10, Topics: 1}, 10, 1},
		{Config{People: 5000, Topics: 500}, 5000, 500},
		{Config{People: 50, Topics: 300}, 50, 300}, // more topics than people
	} {
		t.Run(fmt.Sprintf("%d_%d", tc.people, tc.topics), func(t *testing.T) {
			g := New(tc.cfg)
			people := g.People()
			var bots, deleted int
			for _, p := range people {
				bots += b2i(p.Bot)
				deleted += b2i(p.Deleted)
			}
			if len(people) != tc.people || len(g.topics) != tc.topics {
				t.Errorf("got %d people and %d topics, want %d and %d", len(people), len(g.topics), tc.people, tc.topics)
			}
			if bots < 1 || bots > max(1, tc.people/100) || deleted > tc.people/10 {
				t.Errorf("got %d bots and %d deleted among %d people; want a few bots and at most 10%% deleted", bots, deleted, tc.people)
			}
			kinds := map[knowledge.ConversationKind]int{}
			for _, c := range g.Conversations() {
				kinds[c.Kind]++
			}
			if kinds[knowledge.KindPublic] < tc.topics || kinds[knowledge.KindPrivate] == 0 || kinds[knowledge.KindGroupDM] == 0 || kinds[knowledge.KindDM] == 0 {
				t.Errorf("conversations by kind: %v; want a public channel per topic and some of each other kind", kinds)
			}
			qs := MustHistory(t, g, 2000, 300)
			for i, q := range qs {
				if want := fmt.Sprintf("synth:%d", i); q.ID != want {
					t.Fatalf("question %d has id %q, want %q", i, q.ID, want)
				}
				if n := len(q.Answers); n < 1 || n > 3 {
					t.Fatalf("%s has %d answers, want 1 to 3", q.ID, n)
				}
			}
		})
	}
}

func TestLanguageShare(t *testing.T) {
	for _, tc := range []struct {
		share, want float64
	}{
		{0, 0.4}, // the default
		{0.4, 0.4},
		{0.1, 0.1},
		{1, 1},
		{-1, 0},
	} {
		t.Run(fmt.Sprint(tc.share), func(t *testing.T) {
			g := New(Config{Seed: 3, People: 500, Topics: 50, FrenchShare: tc.share})
			const n = 5000
			var french, agree int
			for _, q := range MustHistory(t, g, n, 1000) {
				french += b2i(q.Lang == "fr")
				agree += b2i(knowledge.DetectLang(q.Text) == q.Lang)
				if q.Lang != "fr" && q.Lang != "en" {
					t.Fatalf("%s has language %q", q.ID, q.Lang)
				}
			}
			if got := float64(french) / n; math.Abs(got-tc.want) > 0.025 {
				t.Errorf("French share %.3f, want %.2f ± 0.025", got, tc.want)
			}
			// Text in a language must read as that language.
			if got := float64(agree) / n; got < 0.95 {
				t.Errorf("DetectLang agrees with Lang on %.3f of questions, want at least 0.95", got)
			}
		})
	}
}

func TestHistoryConsistent(t *testing.T) {
	g, qs := defaultHistory()
	cfg := g.Config()
	people := map[string]knowledge.Person{}
	for _, p := range g.People() {
		people[p.ID] = p
	}
	convs := map[string]knowledge.Conversation{}
	for _, c := range g.Conversations() {
		convs[c.ID] = c
	}
	end := cfg.Start.Add(cfg.Span)
	threads := map[string]bool{}
	answerIDs := map[string]bool{}
	var accepted, thanked, answers, byBots, outside int
	kinds := map[knowledge.ConversationKind]int{}
	var prevAsked time.Time
	var askedAtWork, french, frenchSpeaker int
	for _, q := range qs {
		asker, ok := people[q.Asker]
		if !ok || asker.Bot {
			t.Fatalf("%s: asker %q is unknown or a bot", q.ID, q.Asker)
		}
		conv, ok := convs[q.Conversation]
		if !ok {
			t.Fatalf("%s: unknown conversation %q", q.ID, q.Conversation)
		}
		kinds[conv.Kind]++
		if z, err := time.LoadLocation(asker.TZ); err == nil {
			local := q.Time.In(z)
			if wd := local.Weekday(); wd != time.Saturday && wd != time.Sunday && local.Hour() >= 8 && local.Hour() < 19 {
				askedAtWork++
			}
		}
		if q.Lang == "fr" {
			french++
			frenchSpeaker += b2i(strings.HasPrefix(asker.Locale, "fr"))
		}
		if !conv.Public() && !slices.Contains(conv.Members, q.Asker) {
			t.Fatalf("%s: asker %s is not a member of %s %s", q.ID, q.Asker, conv.Kind, conv.ID)
		}
		if q.Time.Before(cfg.Start) || !q.Time.Before(end) {
			t.Fatalf("%s: asked at %v, outside %v to %v", q.ID, q.Time, cfg.Start, end)
		}
		if key := q.Conversation + "/" + q.Thread; threads[key] {
			t.Fatalf("%s: thread %s already used in %s", q.ID, q.Thread, q.Conversation)
		} else {
			threads[key] = true
		}
		if want := fmt.Sprintf("%d.%06d", q.Time.Unix(), q.Time.Nanosecond()/1000); q.Thread != want {
			t.Fatalf("%s: thread %q, want the Slack timestamp of %v, %s", q.ID, q.Thread, q.Time, want)
		}
		if q.Time.Before(prevAsked.Add(-4 * 24 * time.Hour)) {
			t.Fatalf("%s: asked at %v, days before the question before it (%v)", q.ID, q.Time, prevAsked)
		}
		prevAsked = q.Time
		if n := wordCount(q.Text); n < 8 || n > 40 {
			t.Fatalf("%s: %d words, want 8 to 40: %q", q.ID, n, q.Text)
		}
		seen := map[string]bool{}
		acceptedHere := 0
		prev := q.Time
		for _, a := range q.Answers {
			answerer, ok := people[a.Answerer]
			switch {
			case !ok:
				t.Fatalf("%s: unknown answerer %q", a.ID, a.Answerer)
			case a.Answerer == q.Asker:
				t.Fatalf("%s: answered by its asker %s", a.ID, a.Answerer)
			case seen[a.Answerer]:
				t.Fatalf("%s: %s answers twice", q.ID, a.Answerer)
			case !a.Time.After(prev):
				t.Fatalf("%s: answered at %v, not after %v", a.ID, a.Time, prev)
			case !conv.Public() && !slices.Contains(conv.Members, a.Answerer):
				t.Fatalf("%s: answerer %s is not a member of %s", a.ID, a.Answerer, conv.ID)
			case answerIDs[a.ID] || !strings.HasPrefix(a.ID, q.ID+":"):
				t.Fatalf("%s: answer id %s reused or not under its question", q.ID, a.ID)
			case strings.TrimSpace(a.Text) == "":
				t.Fatalf("%s: empty answer", a.ID)
			}
			seen[a.Answerer], answerIDs[a.ID] = true, true
			prev = a.Time
			answers++
			acceptedHere += b2i(a.Accepted)
			thanked += b2i(a.Thanks > 0)
			byBots += b2i(answerer.Bot)
			if z, err := time.LoadLocation(answerer.TZ); err == nil && !answerer.Bot {
				local := a.Time.In(z)
				if wd := local.Weekday(); wd == time.Saturday || wd == time.Sunday || local.Hour() < 8 || local.Hour() >= 19 {
					outside++
				}
			}
		}
		if acceptedHere > 1 {
			t.Fatalf("%s: %d accepted answers", q.ID, acceptedHere)
		}
		accepted += acceptedHere
	}
	n := float64(len(qs))
	for _, c := range []struct {
		what     string
		got      float64
		min, max float64
	}{
		{"questions with an accepted answer", float64(accepted) / n, 0.27, 0.33},
		{"answers thanked", float64(thanked) / float64(answers), 0.08, 0.35},
		{"answers per question", float64(answers) / n, 1.3, 1.8},
		{"answers by bots", float64(byBots) / float64(answers), 0.001, 0.02},
		{"answers outside the answerer's working hours", float64(outside) / float64(answers), 0.02, 0.25},
		{"questions asked in the asker's working hours", float64(askedAtWork) / n, 0.8, 0.97},
		{"French questions asked by French speakers", float64(frenchSpeaker) / float64(french), 0.75, 1},
		{"questions in public channels", float64(kinds[knowledge.KindPublic]) / n, 0.7, 0.8},
		{"questions in DMs", float64(kinds[knowledge.KindDM]) / n, 0.05, 0.1},
		{"questions in private channels", float64(kinds[knowledge.KindPrivate]) / n, 0.08, 0.14},
	} {
		t.Logf("%s: %.3f", c.what, c.got)
		if c.got < c.min || c.got > c.max {
			t.Errorf("%s: %.3f, want %.3f to %.3f", c.what, c.got, c.min, c.max)
		}
	}
}

// wordCount counts words as the generator does: elided words ("l'accès")
// count twice, a detached question mark not at all.
func wordCount(text string) int {
	n := 0
	for _, f := range strings.Fields(text) {
		if strings.ContainsFunc(f, unicode.IsLetter) || strings.ContainsFunc(f, unicode.IsDigit) {
			n++
		}
	}
	for _, opener := range questionOpeners[fr] {
		if strings.HasPrefix(text, opener) {
			n -= strings.Count(opener, "'")
		}
	}
	return n + strings.Count(text, "'")
}

func TestPeople(t *testing.T) {
	g := New(Config{Seed: 11})
	// Locales a person in each zone may have: French only where French is
	// spoken.
	allowed := map[string][]string{
		"Europe/Paris":        {"fr-FR", "en-GB", "en-US"},
		"Europe/London":       {"en-GB", "fr-FR"},
		"Europe/Brussels":     {"fr-FR", "en-GB"},
		"America/New_York":    {"en-US", "fr-FR"},
		"America/Montreal":    {"fr-CA", "en-US"},
		"America/Los_Angeles": {"en-US"},
		"Asia/Singapore":      {"en-GB", "en-US"},
		"Indian/Reunion":      {"fr-FR"},
	}
	id := regexp.MustCompile(`^U[A-Z2-7]{10}$`)
	ids, emails := map[string]bool{}, map[string]bool{}
	byZone, byLocale := map[string]int{}, map[string]int{}
	for _, p := range g.People() {
		if !id.MatchString(p.ID) || ids[p.ID] {
			t.Errorf("id %q is not a new Slack user id", p.ID)
		}
		ids[p.ID] = true
		if p.Name == "" {
			t.Errorf("%s has no name", p.ID)
		}
		if !slices.Contains(allowed[p.TZ], p.Locale) {
			t.Errorf("%s (%s) lives in %q with locale %q", p.ID, p.Name, p.TZ, p.Locale)
		}
		if p.Bot {
			if p.Email != "" {
				t.Errorf("bot %s has an email %q", p.ID, p.Email)
			}
			continue
		}
		if !strings.HasSuffix(p.Email, "@example.com") || emails[p.Email] || strings.ContainsFunc(p.Email, func(r rune) bool { return r > unicode.MaxASCII }) {
			t.Errorf("%s has email %q: want a new ASCII address at example.com", p.ID, p.Email)
		}
		emails[p.Email] = true
		byZone[p.TZ]++
		byLocale[p.Locale]++
		if z, err := time.LoadLocation(p.TZ); err == nil {
			_, off := g.Config().Start.Add(g.Config().Span).In(z).Zone()
			if off != p.TZOffset {
				t.Errorf("%s in %s has offset %d, want %d at the end of the history", p.ID, p.TZ, p.TZOffset, off)
			}
		}
	}
	n := float64(len(ids))
	if got := float64(byZone["Europe/Paris"]) / n; got < 0.45 || got > 0.65 {
		t.Errorf("share in Europe/Paris %.2f, want 0.45 to 0.65", got)
	}
	if got := float64(byLocale["fr-FR"]+byLocale["fr-CA"]) / n; got < 0.45 || got > 0.7 {
		t.Errorf("French-speaking share %.2f, want 0.45 to 0.7", got)
	}
	if len(byZone) < len(allowed) {
		t.Errorf("people live in %d zones, want %d: %v", len(byZone), len(allowed), byZone)
	}
}

func TestZoneOffset(t *testing.T) {
	utc := func(s string) int64 {
		tm, err := time.Parse(time.RFC3339, s)
		if err != nil {
			t.Fatal(err)
		}
		return tm.Unix()
	}
	for _, tc := range []struct {
		zone string
		at   string
		want int
	}{
		{"Europe/Paris", "2024-01-15T12:00:00Z", 3600},
		{"Europe/Paris", "2024-03-31T00:59:59Z", 3600},
		{"Europe/Paris", "2024-03-31T01:00:00Z", 7200},
		{"Europe/Paris", "2024-10-27T00:59:59Z", 7200},
		{"Europe/Paris", "2024-10-27T01:00:00Z", 3600},
		{"Europe/London", "2025-07-01T00:00:00Z", 3600},
		{"America/New_York", "2024-03-10T06:59:59Z", -5 * 3600},
		{"America/New_York", "2024-03-10T07:00:00Z", -4 * 3600},
		{"America/New_York", "2024-11-03T05:59:59Z", -4 * 3600},
		{"America/New_York", "2024-11-03T06:00:00Z", -5 * 3600},
		{"America/Los_Angeles", "2025-03-09T10:00:00Z", -7 * 3600},
		{"Asia/Singapore", "2024-07-01T00:00:00Z", 8 * 3600},
		{"Indian/Reunion", "2024-07-01T00:00:00Z", 4 * 3600},
	} {
		z := zoneOf(t, tc.zone)
		if got := z.offset(utc(tc.at)); got != tc.want {
			t.Errorf("%s at %s: offset %d, want %d", tc.zone, tc.at, got, tc.want)
		}
	}

	// Against the system's zone database, hour by hour, where it has one.
	for i := range zones {
		z := &zones[i]
		loc, err := time.LoadLocation(z.name)
		if err != nil {
			continue
		}
		for h := int64(0); h < 3*365*24; h++ {
			at := utc("2024-01-01T00:00:00Z") + h*3600
			if _, want := time.Unix(at, 0).In(loc).Zone(); z.offset(at) != want {
				t.Errorf("%s at %v: offset %d, want %d", z.name, time.Unix(at, 0).UTC(), z.offset(at), want)
				break
			}
		}
	}
}

func zoneOf(t *testing.T, name string) *zone {
	t.Helper()
	for i := range zones {
		if zones[i].name == name {
			return &zones[i]
		}
	}
	t.Fatalf("no zone %s", name)
	return nil
}

func TestQuery(t *testing.T) {
	g, qs := defaultHistory()
	people := map[string]knowledge.Person{}
	for _, p := range g.People() {
		people[p.ID] = p
	}
	history := map[string]bool{}
	texts := map[string]bool{}
	for _, q := range qs {
		history[q.ID] = true
		texts[q.Text] = true
	}
	end := g.Config().Start.Add(g.Config().Span)
	for i := range 200 {
		q := g.Query(i)
		if want := fmt.Sprintf("synth:query:%d", i); q.ID != want || history[q.ID] || texts[q.Text] {
			t.Fatalf("Query(%d) has id %q (want %q) or repeats the history", i, q.ID, want)
		}
		if asker := people[q.Asker]; !asker.Routable() {
			t.Fatalf("Query(%d) is asked by %+v, not a routable person", i, asker)
		}
		if q.Time.Before(end) || len(q.Answers) != 0 || q.Text == "" {
			t.Fatalf("Query(%d) at %v with %d answers: want a new question after %v", i, q.Time, len(q.Answers), end)
		}
		expected := g.Expected(i)
		if len(expected) == 0 {
			t.Fatalf("Expected(%d) is empty", i)
		}
		for _, id := range expected {
			if p := people[id]; !p.Routable() || id == q.Asker {
				t.Fatalf("Expected(%d) lists %+v: not routable, or the asker", i, p)
			}
		}
		if diff := cmp.Diff(g.Query(i), q); diff != "" {
			t.Fatalf("Query(%d) changed between calls (-got +want):\n%s", i, diff)
		}
	}
}

// TestTopicSignal checks that routing is learnable from the history: for
// most queries, a plain TF-IDF profile of what each person answered ranks
// an expected expert near the top, far more often than chance.
func TestTopicSignal(t *testing.T) {
	g, qs := defaultHistory()
	stop := map[string]bool{}
	for _, ws := range functionWords {
		for _, w := range ws {
			stop[w] = true
		}
	}
	words := func(text string) []string {
		var out []string
		for _, w := range strings.FieldsFunc(strings.ToLower(text), func(r rune) bool { return !unicode.IsLetter(r) }) {
			if !stop[w] && len(w) > 2 {
				out = append(out, w)
			}
		}
		return out
	}
	profiles := map[string]map[string]float64{}
	for _, q := range qs {
		qw := words(q.Text)
		for _, a := range q.Answers {
			p := profiles[a.Answerer]
			if p == nil {
				p = map[string]float64{}
				profiles[a.Answerer] = p
			}
			for _, w := range qw {
				p[w]++
			}
			for _, w := range words(a.Text) {
				p[w]++
			}
		}
	}
	df := map[string]float64{}
	for _, p := range profiles {
		for w := range p {
			df[w]++
		}
	}
	routable := map[string]bool{}
	for _, p := range g.People() {
		routable[p.ID] = p.Routable()
	}
	top := func(q knowledge.Question, k int) []string {
		type scored struct {
			id    string
			score float64
		}
		var ranked []scored
		qw := words(q.Text)
		for id, p := range profiles {
			if !routable[id] || id == q.Asker {
				continue
			}
			var s float64
			for _, w := range qw {
				if tf := p[w]; tf > 0 {
					s += math.Log1p(tf) * math.Log(float64(len(profiles))/df[w])
				}
			}
			ranked = append(ranked, scored{id, s})
		}
		slices.SortFunc(ranked, func(a, b scored) int { return cmpFloat(b.score, a.score) })
		var ids []string
		for _, s := range ranked[:min(k, len(ranked))] {
			ids = append(ids, s.id)
		}
		return ids
	}
	const queries = 100
	var hits, chance, expected int
	for i := range queries {
		q := g.Query(i)
		expected += len(g.Expected(i))
		found := top(q, 5)
		if hasAny(found, g.Expected(i)) {
			hits++
		}
		// The same ranking judged against as many people drawn at random.
		if hasAny(found, randomPeople(g, i, len(g.Expected(i)))) {
			chance++
		}
	}
	t.Logf("hit@5: %d/%d, against random people: %d/%d; %d expected experts per query", hits, queries, chance, queries, expected/queries)
	// An expected set must single out a few people, not a crowd.
	if expected/queries > len(routable)/20 {
		t.Errorf("%d expected experts per query among %d people, want at most 5%%", expected/queries, len(routable))
	}
	if hits < 70 || hits < 3*chance {
		t.Errorf("an expected expert is in the top 5 for %d of %d queries, and one of as many random people for %d: want at least 70, and three times chance", hits, queries, chance)
	}
}

// randomPeople draws n routable people.
func randomPeople(g *Generator, seed, n int) []string {
	r := newPCG(uint64(seed))
	var ids []string
	for len(ids) < n {
		if p := g.persons[intn(r, len(g.persons))]; p.Routable() && !slices.Contains(ids, p.ID) {
			ids = append(ids, p.ID)
		}
	}
	return ids
}

func cmpFloat(a, b float64) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

func hasAny(got, want []string) bool {
	for _, id := range got {
		if slices.Contains(want, id) {
			return true
		}
	}
	return false
}

func TestValidate(t *testing.T) {
	for _, tc := range []struct {
		cfg   Config
		field string // named in the error; "" when valid
	}{
		{Config{}, ""},
		{Config{People: 10, Topics: 1, FrenchShare: 1, Span: time.Hour}, ""},
		{Config{FrenchShare: -0.5}, ""},
		{Config{People: -1}, "People"},
		{Config{People: 9}, "People"},
		{Config{People: 2_000_000}, "People"},
		{Config{Topics: -1}, "Topics"},
		{Config{Topics: 10_001}, "Topics"},
		{Config{FrenchShare: 1.5}, "FrenchShare"},
		{Config{FrenchShare: math.NaN()}, "FrenchShare"},
		{Config{Span: -time.Hour}, "Span"},
	} {
		err := tc.cfg.Validate()
		switch {
		case tc.field == "" && err != nil:
			t.Errorf("Validate(%+v) = %v, want nil", tc.cfg, err)
		case tc.field != "" && (knowledge.ErrorCode(err) != knowledge.EINVALID || !strings.Contains(knowledge.ErrorMessage(err), tc.field)):
			t.Errorf("Validate(%+v) = %v, want an EINVALID error naming %s", tc.cfg, err, tc.field)
		}
		// New brings anything into range rather than fail. (Building a
		// million people takes seconds: check that one without New.)
		got := tc.cfg.withDefaults()
		if tc.cfg.People <= defaultPeople {
			got = New(tc.cfg).Config()
		}
		if err := got.Validate(); err != nil || got.People < minPeople || got.Topics < 1 || got.Span <= 0 || got.Start.IsZero() {
			t.Errorf("New(%+v).Config() = %+v, out of range: %v", tc.cfg, got, err)
		}
	}
}

func TestShortSpan(t *testing.T) {
	cfg := Config{Seed: 5, People: 20, Topics: 3, Start: time.Date(2025, 6, 7, 12, 0, 0, 0, time.UTC), Span: time.Hour}
	g := New(cfg)
	for _, q := range MustHistory(t, g, 200, 50) {
		if q.Time.Before(cfg.Start) || !q.Time.Before(cfg.Start.Add(cfg.Span)) {
			t.Fatalf("%s asked at %v, outside the hour from %v", q.ID, q.Time, cfg.Start)
		}
	}
}

func TestAlias(t *testing.T) {
	for _, weights := range [][]float64{
		{1, 2, 3, 0, 4},
		{5},
		{0.001, 1000, 0, 1},
		zipf(50, 1.1),
	} {
		a := newAlias(weights)
		var total float64
		for _, w := range weights {
			total += w
		}
		const n = 400_000
		counts := make([]float64, len(weights))
		r := newPCG(9)
		for range n {
			counts[a.pick(r)]++
		}
		for i, w := range weights {
			got, want := counts[i]/n, w/total
			if math.Abs(got-want) > 0.005 || (w == 0 && got != 0) {
				t.Errorf("weights %v: index %d drawn %.4f of the time, want %.4f", weights, i, got, want)
			}
		}
	}
	for _, weights := range [][]float64{nil, {0, 0}, {-1, math.NaN()}} {
		a := newAlias(weights)
		if got := a.pick(newPCG(1)); got != -1 {
			t.Errorf("newAlias(%v).pick() = %d, want -1", weights, got)
		}
	}
}

func newPCG(seed uint64) *rand.PCG { return rand.NewPCG(seed, splitmix(seed)) }

func BenchmarkGenerate(b *testing.B) {
	g := New(Config{Seed: 1})
	b.ReportAllocs()
	b.ResetTimer()
	answers := 0
	for batch := range g.Batches(b.N, 1000) {
		for _, q := range batch.Questions {
			answers += len(q.Answers)
		}
	}
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "questions/s")
	b.ReportMetric(float64(answers)/float64(b.N), "answers/question")
}

func BenchmarkNew(b *testing.B) {
	for b.Loop() {
		New(Config{Seed: 1})
	}
}
