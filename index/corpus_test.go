package index

import (
	"math/rand/v2"
	"strconv"
	"strings"

	"github.com/nextdesk/nextdesk/knowledge"
)

// A synthetic corpus for benchmarks: French and English questions whose
// words follow Zipf's law, as words of real text do, so that posting lists
// have realistic lengths (a few very long ones, a long tail of short ones).
// Each language's vocabulary starts with its real function words, then
// technical words shared by both, then made-up words shaped like the
// language's own.

var (
	enFunction = strings.Fields(`the to and a of i is in it you that for on
		my this with be have not can do but we are how what if from at or
		there any when so was just does has get an me your by`)
	frFunction = strings.Fields(`de la le les et à des en un une du est
		pour que qui pas je il sur dans ce on au avec ne se mais ou nous vous
		mon plus comment fait faut ça y a été sont ai cette`)
	shared = strings.Fields(`vpn ssl jira slack wifi proxy docker git
		kubernetes api sso okta laptop mac windows linux python java sql
		excel outlook teams zoom badge printer build deploy token password
		certificate oauth ldap dns http https aws azure gcp terraform grafana`)
	enSyllables = strings.Fields(`ba con de dis er ing ka lo ment mi ple
		pro ra ser ten ter tion un vo ward`)
	frSyllables = strings.Fields(`bé cha che é eau ment ou pou qu ré
		sion té tion ver vie lle gne ière oi eur`)
)

// vocabulary returns n words of a language, most frequent first.
func vocabulary(n int, function, syllables []string) []string {
	words := make([]string, 0, n)
	words = append(words, function...)
	words = append(words, shared...)
	for i := 0; len(words) < n; i++ {
		// i in base len(syllables), at least two syllables long, is a
		// unique word.
		var b strings.Builder
		for j, k := i, 0; k < 2 || j > 0; j, k = j/len(syllables), k+1 {
			b.WriteString(syllables[j%len(syllables)])
		}
		words = append(words, b.String())
	}
	return words
}

// corpusGen makes questions, answers and queries, deterministically from
// its seed.
type corpusGen struct {
	r        *rand.Rand
	en, fr   []string
	enZ, frZ *rand.Zipf
}

func newCorpusGen(seed uint64) *corpusGen {
	const vocab = 60000
	r := rand.New(rand.NewPCG(seed, seed^0x9e3779b97f4a7c15))
	return &corpusGen{
		r:   r,
		en:  vocabulary(vocab, enFunction, enSyllables),
		fr:  vocabulary(vocab, frFunction, frSyllables),
		enZ: rand.NewZipf(r, 1.07, 2, vocab-1),
		frZ: rand.NewZipf(r, 1.07, 2, vocab-1),
	}
}

// text returns n words of one language: French for 60% of texts, as in a
// French company whose engineers also write in English.
func (g *corpusGen) text(n int, french bool) string {
	words, z := g.en, g.enZ
	if french {
		words, z = g.fr, g.frZ
	}
	var b strings.Builder
	for i := range n {
		if i > 0 {
			b.WriteByte(' ')
		}
		b.WriteString(words[z.Uint64()])
	}
	return b.String()
}

func (g *corpusGen) french() bool { return g.r.IntN(10) < 6 }

// query returns the text of a new question.
func (g *corpusGen) query() string { return g.text(5+g.r.IntN(30), g.french()) }

// change returns question i at revision rev: 8-60 words, 70% answered
// (1-4 answers of 5-80 words), 10% in one of 200 private conversations.
func (g *corpusGen) change(rev int64, i int) knowledge.Change {
	french := g.french()
	q := knowledge.Question{
		ID:           "bench:" + strconv.Itoa(i),
		Conversation: "C1",
		Text:         g.text(8+g.r.IntN(53), french),
	}
	if g.r.IntN(10) < 7 {
		for range 1 + g.r.IntN(4) {
			q.Answers = append(q.Answers, knowledge.Answer{Text: g.text(5+g.r.IntN(76), french)})
		}
	}
	public := g.r.IntN(10) > 0
	if !public {
		q.Conversation = benchConversation(g.r.IntN(200))
	}
	return knowledge.Change{Rev: rev, Question: q, Public: public}
}

func benchConversation(i int) string { return "G" + strconv.Itoa(i) }

// changes returns questions first..first+n-1 at revisions of the same
// numbers plus one.
func (g *corpusGen) changes(first, n int) []knowledge.Change {
	cs := make([]knowledge.Change, n)
	for k := range cs {
		cs[k] = g.change(int64(first+k+1), first+k)
	}
	return cs
}
