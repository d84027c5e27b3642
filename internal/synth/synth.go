// Package synth generates a deterministic, realistic history of a workspace
// in domain terms, to measure nextdesk's import, indexing and routing at
// scales no real export reaches: people in a French company's time zones
// and locales, channels public and private, and millions of questions in
// French and English, each answered mostly by the experts of its topic.
//
// Everything follows from Config.Seed: the same configuration gives the same
// people, conversations and questions on every run, question synth:42
// included, whatever the batch size. (Time zones follow built-in rules, not
// the system's database; only floating-point differences between CPU
// architectures could, rarely, change a draw.) Questions are generated one
// at a time from their number, so a history of millions streams in constant
// memory.
package synth

import (
	"cmp"
	"iter"
	"math"
	"math/rand/v2"
	"slices"
	"strconv"
	"time"

	"github.com/nextdesk/nextdesk/knowledge"
)

// Config says what history to generate. Zero fields take their defaults.
type Config struct {
	Seed int64
	// People is the size of the workspace, bots and deleted people included:
	// 0 for 2,000, otherwise from 10 to 1,000,000.
	People int
	// Topics is the number of subjects people ask about: 0 for 200,
	// otherwise from 1 to 10,000.
	Topics int
	// FrenchShare is the share of questions written in French: 0 for 0.4,
	// a negative value for none, at most 1.
	FrenchShare float64
	// Start is when the history begins: zero for 2024-01-01 UTC.
	Start time.Time
	// Span is how long the history lasts: 0 for two years.
	Span time.Duration
}

const (
	defaultPeople      = 2000
	defaultTopics      = 200
	defaultFrenchShare = 0.4
	defaultSpan        = 730 * 24 * time.Hour
	minPeople          = 10
	maxPeople          = 1_000_000
	maxTopics          = 10_000
)

var defaultStart = time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC)

// Validate returns an EINVALID *knowledge.Error naming the first field that
// is out of range, or nil when New would use c as given.
func (c Config) Validate() error {
	switch {
	case c.People != 0 && (c.People < minPeople || c.People > maxPeople):
		return knowledge.Errorf(knowledge.EINVALID, "People must be 0 (for %d) or from %d to %d, not %d.", defaultPeople, minPeople, maxPeople, c.People)
	case c.Topics < 0 || c.Topics > maxTopics:
		return knowledge.Errorf(knowledge.EINVALID, "Topics must be 0 (for %d) or from 1 to %d, not %d.", defaultTopics, maxTopics, c.Topics)
	case math.IsNaN(c.FrenchShare) || c.FrenchShare > 1:
		return knowledge.Errorf(knowledge.EINVALID, "FrenchShare must be at most 1, not %v.", c.FrenchShare)
	case c.Span < 0:
		return knowledge.Errorf(knowledge.EINVALID, "Span must not be negative, not %v.", c.Span)
	}
	return nil
}

// withDefaults fills zero fields and brings the others into range.
func (c Config) withDefaults() Config {
	switch {
	case c.People <= 0:
		c.People = defaultPeople
	case c.People < minPeople:
		c.People = minPeople
	case c.People > maxPeople:
		c.People = maxPeople
	}
	switch {
	case c.Topics <= 0:
		c.Topics = defaultTopics
	case c.Topics > maxTopics:
		c.Topics = maxTopics
	}
	switch {
	case c.FrenchShare == 0 || math.IsNaN(c.FrenchShare):
		c.FrenchShare = defaultFrenchShare
	case c.FrenchShare < 0:
		c.FrenchShare = -1
	case c.FrenchShare > 1:
		c.FrenchShare = 1
	}
	if c.Start.IsZero() {
		c.Start = defaultStart
	}
	c.Start = c.Start.UTC()
	if c.Span <= 0 {
		c.Span = defaultSpan
	}
	return c
}

// coreShare is the share of a topic's expert answers given by the people
// Expected lists: beyond them, a long tail answers now and then.
const coreShare = 0.8

// topic is a subject with its own words and its own experts.
type topic struct {
	name      string
	words     []int32 // concept ids, most used first
	wordPick  alias
	experts   alias   // over expertIDs, by how much each answers on the topic
	expertIDs []int32 // person indices
	// ranked lists the routable experts, most expert first; the first
	// core of them give most of the topic's expert answers.
	ranked  []int32
	core    int
	channel int32 // the topic's public channel
}

// conversation is what the generator knows of a knowledge.Conversation.
type conversation struct {
	kind    knowledge.ConversationKind
	members []int32
	topic   int32
}

// Generator builds a workspace from a Config and streams its history. It is
// immutable once built: its methods are safe for concurrent use.
type Generator struct {
	cfg            Config
	start, span    int64 // unix nanoseconds, nanoseconds
	french         float64
	vocab          *vocabulary
	topics         []topic
	topicPick      alias
	people         []person
	persons        []knowledge.Person
	askers         [2]alias // non-bots by how much they ask, per language spoken
	askerIDs       [2][]int32
	anyone         alias // non-bots by how much they answer
	bots           []int32
	convs          []conversation
	conversations  []knowledge.Conversation
	general        [2][]int32 // general public channels, per language
	privates, gdms []int32
	dms            []int32
}

// Salts separate the random streams of the world, the history and the
// queries, so adding to one never shifts the others.
const (
	saltWorld   = 0x5eed_0001
	saltHistory = 0x5eed_0002
	saltQuery   = 0x5eed_0003
)

// New builds the workspace cfg describes: people, topics, vocabulary and
// conversations. Zero fields take their defaults and out-of-range ones are
// brought into range; call cfg.Validate first to reject them instead. It
// takes a few milliseconds for the default 2,000 people.
func New(cfg Config) *Generator {
	cfg = cfg.withDefaults()
	g := &Generator{
		cfg:    cfg,
		start:  cfg.Start.UnixNano(),
		span:   int64(cfg.Span),
		french: cfg.FrenchShare,
	}
	r := rand.NewPCG(splitmix(uint64(cfg.Seed)), splitmix(uint64(cfg.Seed)^saltWorld))
	g.buildTopics(r)
	g.buildPeople(r)
	g.buildExperts()
	g.buildConversations(r)
	return g
}

// Config returns the configuration in use, defaults filled in.
func (g *Generator) Config() Config { return g.cfg }

// buildTopics invents the vocabulary and gives each topic words of its own
// (product names, jargon) and words it shares with other topics.
func (g *Generator) buildTopics(r *rand.PCG) {
	const (
		ownWords    = 10
		sharedWords = 25
	)
	n := g.cfg.Topics
	m := newWordMaker(r)
	common := 6000 + 20*n
	g.vocab = newVocabulary(m, common)
	weights := zipf(ownWords+sharedWords, 1.0)
	g.topics = make([]topic, n)
	var prevShared []int32
	for t := range g.topics {
		own := make([]int32, ownWords)
		for k := range own {
			own[k] = int32(len(g.vocab.concepts))
			g.vocab.concepts = append(g.vocab.concepts, m.concept(unit(r) < 0.8))
		}
		// Neighbouring topics (Docker and Kubernetes) share some words,
		// as they share experts.
		shared := make([]int32, 0, sharedWords)
		for len(shared) < sharedWords {
			c := int32(g.vocab.common.pick(r))
			if t > 0 && unit(r) < 0.3 {
				c = prevShared[intn(r, len(prevShared))]
			}
			if c >= generalWords && !slices.Contains(shared, c) {
				shared = append(shared, c)
			}
		}
		prevShared = shared
		// Interleave, so a topic's most frequent words include its own.
		words := make([]int32, 0, ownWords+sharedWords)
		for k := range sharedWords {
			if k < ownWords {
				words = append(words, own[k])
			}
			words = append(words, shared[k])
		}
		g.topics[t] = topic{
			name:     g.vocab.concepts[own[0]].forms[en][0],
			words:    words,
			wordPick: newAlias(weights),
		}
	}
	g.vocab.seal()
	popularity := zipf(n, 0.9)
	shuffle(r, popularity)
	g.topicPick = newAlias(popularity)
}

// buildPeople draws the workspace's people: their zones, locales, names,
// how much they ask and answer (both Zipf: a few do most of it) and the
// topics they know.
func (g *Generator) buildPeople(r *rand.PCG) {
	n := g.cfg.People
	nt := len(g.topics)
	g.people = make([]person, n)
	g.persons = make([]knowledge.Person, n)

	roles := make([]uint8, n) // 0 active, 1 bot, 2 deleted
	bots := max(1, n/200)
	for i := range bots {
		roles[i] = 1
	}
	for i := bots; i < bots+n*4/100; i++ {
		roles[i] = 2
	}
	shuffle(r, roles)
	answerRank := rankPerm(r, n)
	askRank := rankPerm(r, n)
	primary := rankPerm(r, n)

	zoneWeights := make([]float64, len(zones))
	for i, z := range zones {
		zoneWeights[i] = z.weight
	}
	zonePick := newAlias(zoneWeights)
	ids := make(map[string]bool, n)
	emails := make(map[string]int, n)
	for i := range g.people {
		p := &g.people[i]
		kp := &g.persons[i]
		kp.ID = uniqueID(r, 'U', ids)
		if roles[i] == 1 {
			p.zone = botZone
			p.bot = true
			kp.Name = botNames[i%len(botNames)]
			if i >= len(botNames) {
				kp.Name += "-" + strconv.Itoa(i)
			}
			kp.Bot = true
			kp.TZ, kp.Locale = botZone.name, "en-US"
			kp.TZOffset = botZone.offset(g.end() / 1e9)
			g.bots = append(g.bots, int32(i))
			continue
		}
		p.zone = &zones[zonePick.pick(r)]
		locale := pickWeighted(r, p.zone.locales)
		if locale[:2] == "fr" {
			p.lang = fr
		}
		kp.Name = personName(r, locale, p.zone)
		kp.Email = uniqueEmail(emailLocal(kp.Name), emails)
		kp.TZ, kp.Locale = p.zone.name, locale
		kp.TZOffset = p.zone.offset(g.end() / 1e9)
		if roles[i] == 2 {
			p.deleted, kp.Deleted = true, true
			p.left = (g.start + int64((0.15+0.75*unit(r))*float64(g.span))) / 1e9
		}
		p.activity = math.Pow(float64(answerRank[i]+1), -0.8)
		p.asks = math.Pow(float64(askRank[i]+1), -0.5)

		// Every topic gets primary experts; further topics are popular
		// ones or neighbours of the first (who knows Docker often knows
		// Kubernetes).
		first := primary[i] % nt
		p.topics[0], p.weights[0], p.ntopics = int32(first), 1, 1
		extra := 0
		for _, q := range []float64{0.55, 0.25, 0.08} {
			if unit(r) < q {
				extra++
			}
		}
		for range extra {
			t := g.topicPick.pick(r)
			if unit(r) < 0.5 {
				t = ((first+intn(r, 7)-3)%nt + nt) % nt
			}
			if p.expertise(t) > 0 {
				continue
			}
			p.topics[p.ntopics] = int32(t)
			p.weights[p.ntopics] = float32(0.2 + 0.5*unit(r))
			p.ntopics++
		}
	}
}

// rankPerm returns a random permutation of 0..n-1: person i's rank.
func rankPerm(r *rand.PCG, n int) []int {
	p := make([]int, n)
	for i := range p {
		p[i] = i
	}
	shuffle(r, p)
	return p
}

func pickWeighted[T any](r *rand.PCG, ws []weighted[T]) T {
	var total float64
	for _, w := range ws {
		total += w.w
	}
	x := unit(r) * total
	for _, w := range ws[:len(ws)-1] {
		if x < w.w {
			return w.v
		}
		x -= w.w
	}
	return ws[len(ws)-1].v
}

// buildExperts indexes people by topic and by language.
func (g *Generator) buildExperts() {
	weights := make([][]float64, len(g.topics))
	var asks [2][]float64
	answers := make([]float64, len(g.people))
	for i := range g.people {
		p := &g.people[i]
		if p.bot {
			continue
		}
		answers[i] = p.activity
		for k := range p.ntopics {
			t := p.topics[k]
			g.topics[t].expertIDs = append(g.topics[t].expertIDs, int32(i))
			weights[t] = append(weights[t], p.activity*float64(p.weights[k]))
		}
		g.askerIDs[p.lang] = append(g.askerIDs[p.lang], int32(i))
		asks[p.lang] = append(asks[p.lang], p.asks)
	}
	for t := range g.topics {
		tp := &g.topics[t]
		tp.experts = newAlias(weights[t])
		for _, id := range tp.expertIDs {
			if g.persons[id].Routable() {
				tp.ranked = append(tp.ranked, id)
			}
		}
		weight := func(p int32) float64 { return g.people[p].activity * g.people[p].expertise(t) }
		slices.SortStableFunc(tp.ranked, func(a, b int32) int { return cmp.Compare(weight(b), weight(a)) })
		var total, sum float64
		for _, p := range tp.ranked {
			total += weight(p)
		}
		for tp.core < len(tp.ranked) && sum < coreShare*total {
			sum += weight(tp.ranked[tp.core])
			tp.core++
		}
	}
	for lang := range asks {
		g.askers[lang] = newAlias(asks[lang])
	}
	g.anyone = newAlias(answers)
}

// Names of the channels every workspace has, where questions on any topic
// land.
var generalChannels = [2][]string{
	{"help", "ask-anything", "it-help", "engineering", "general"},
	{"entraide", "questions", "support-interne", "aide-informatique"},
}

var channelPrefixes = []string{"help-", "team-", "ask-", "dev-", "ops-", "support-", "proj-"}

// buildConversations creates the general channels, one public channel per
// topic, private channels around a topic's experts, and group and direct
// messages between people.
func (g *Generator) buildConversations(r *rand.PCG) {
	ids := make(map[string]bool)
	add := func(prefix byte, name string, c conversation) int32 {
		kc := knowledge.Conversation{ID: uniqueID(r, prefix, ids), Name: name, Kind: c.kind}
		if c.kind != knowledge.KindPublic {
			kc.Members = make([]string, len(c.members))
			for k, m := range c.members {
				kc.Members[k] = g.persons[m].ID
			}
		}
		g.convs = append(g.convs, c)
		g.conversations = append(g.conversations, kc)
		return int32(len(g.convs) - 1)
	}
	for lang, names := range generalChannels {
		for _, name := range names {
			g.general[lang] = append(g.general[lang], add('C', name, conversation{kind: knowledge.KindPublic, topic: -1}))
		}
	}
	for t := range g.topics {
		name := channelPrefixes[t%len(channelPrefixes)] + g.topics[t].name
		g.topics[t].channel = add('C', name, conversation{kind: knowledge.KindPublic, topic: int32(t)})
	}

	active := g.anyone
	for range max(1, len(g.topics)/5) {
		t := g.topicPick.pick(r)
		members := slices.Clone(g.topics[t].ranked[:min(len(g.topics[t].ranked), 8)])
		size := 6 + intn(r, 35)
		for tries := 0; len(members) < size && tries < 4*size; tries++ {
			if m := int32(active.pick(r)); !slices.Contains(members, m) {
				members = append(members, m)
			}
		}
		slices.Sort(members)
		name := g.topics[t].name + "-core"
		g.privates = append(g.privates, add('C', name, conversation{kind: knowledge.KindPrivate, members: members, topic: int32(t)}))
	}
	for range max(1, len(g.people)/50) {
		size := 3 + intn(r, 4)
		var members []int32
		for tries := 0; len(members) < size && tries < 4*size; tries++ {
			if m := int32(active.pick(r)); !slices.Contains(members, m) {
				members = append(members, m)
			}
		}
		slices.Sort(members)
		name := "mpdm"
		for k, m := range members {
			sep := "--"
			if k == 0 {
				sep = "-"
			}
			name += sep + emailLocal(g.persons[m].Name)
		}
		name += "-1"
		first := &g.people[members[0]]
		t := int32(first.topics[0])
		g.gdms = append(g.gdms, add('G', name, conversation{kind: knowledge.KindGroupDM, members: members, topic: t}))
	}
	for want, tries := max(1, len(g.people)/10), 0; len(g.dms) < want && tries < 10*want; tries++ {
		t := g.topicPick.pick(r)
		k := g.topics[t].experts.pick(r)
		if k < 0 {
			continue
		}
		expert := g.topics[t].expertIDs[k]
		// People write privately to colleagues who speak their language.
		lang := g.people[expert].lang
		a := g.askers[lang].pick(r)
		if a < 0 || g.askerIDs[lang][a] == expert {
			continue
		}
		asker := g.askerIDs[lang][a]
		members := []int32{min(asker, expert), max(asker, expert)}
		g.dms = append(g.dms, add('D', "", conversation{kind: knowledge.KindDM, members: members, topic: int32(t)}))
	}
}

// end returns when the history ends, in unix nanoseconds.
func (g *Generator) end() int64 { return g.start + g.span }

// People returns everyone in the workspace, bots and deleted people
// included. The slice is the caller's to keep or change.
func (g *Generator) People() []knowledge.Person {
	return slices.Clone(g.persons)
}

// Conversations returns every conversation of the workspace with the
// members of the non-public ones. The slice is the caller's to keep or
// change.
func (g *Generator) Conversations() []knowledge.Conversation {
	cs := slices.Clone(g.conversations)
	for i := range cs {
		cs[i].Members = slices.Clone(cs[i].Members)
	}
	return cs
}

// Batches streams a history of n questions, with their answers, in batches
// of batchSize (1,000 when batchSize is not positive). The first batch also
// carries the people and conversations, so writing the batches in order
// imports a self-contained workspace; when n is not positive, that first
// batch is the only one. Question i is at Start + Span·i/n, moved to its
// asker's working hours, so the history is in order to within a day; its id
// is synth:<i>, and it is the same whatever the batch size. Only one batch
// is held at a time, and each is freshly allocated: the consumer may keep
// it.
func (g *Generator) Batches(n, batchSize int) iter.Seq[knowledge.Batch] {
	if batchSize <= 0 {
		batchSize = 1000
	}
	return func(yield func(knowledge.Batch) bool) {
		s := g.newStream(n)
		first := knowledge.Batch{People: g.People(), Conversations: g.Conversations()}
		if n <= 0 {
			yield(first)
			return
		}
		for lo := 0; lo < n; lo += batchSize {
			b := knowledge.Batch{Questions: make([]knowledge.Question, 0, min(batchSize, n-lo))}
			if lo == 0 {
				b.People, b.Conversations = first.People, first.Conversations
			}
			for i := lo; i < lo+cap(b.Questions); i++ {
				b.Questions = append(b.Questions, s.question(i))
			}
			if !yield(b) {
				return
			}
		}
	}
}

// Query returns a new question, not in any history, on a topic drawn by
// popularity, asked after the history ends in the topic's public channel
// by a routable person. Its id is synth:query:<i>; Expected(i) lists who
// should answer it.
func (g *Generator) Query(i int) knowledge.Question {
	s := g.newStream(1)
	return s.query(i)
}

// Expected returns the people who know the topic of Query(i), most expert
// first: the fewest routable people who, together, are expected to give 80%
// of the answers routable experts give on the topic, the asker excluded. A
// ranking that learned the history puts them first. It is empty when
// nobody routable knows the topic, which happens only when there are fewer
// people than topics.
func (g *Generator) Expected(i int) []string {
	s := g.newStream(1)
	_, t, asker, _ := s.queryPlace(i)
	var ids []string
	tp := &g.topics[t]
	for _, p := range tp.ranked[:tp.core] {
		if p != int32(asker) {
			ids = append(ids, g.persons[p].ID)
		}
	}
	return ids
}
