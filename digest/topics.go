package digest

import (
	"bytes"
	"cmp"
	"context"
	"errors"
	"slices"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/nextdesk/nextdesk/knowledge"
)

// Topics are found the simple, predictable way: words of the question text,
// lower-cased and compared without accents, in English and French alike,
// without the stop words of either language or of the small talk of help
// channels ("hi", "anyone", "merci"). A term is the word as most often
// written; counting is per question, so a word repeated in one question
// counts once.

// terms returns the distinct topic terms of text, by key (the folded word)
// with the form they were written in.
func terms(text string) map[string]string {
	out := make(map[string]string)
	scanTerms(text, nil, func(key []byte, word string) {
		if _, seen := out[string(key)]; !seen {
			out[string(key)] = strings.ToLower(word)
		}
	})
	return out
}

// scanTerms calls fn with each topic word of text: its key, built in buf
// (valid during the call only), and the word as written. It allocates
// nothing of its own, since checking coverage runs it over every answer
// ever given; it returns buf, grown, for the next call.
func scanTerms(text string, buf []byte, fn func(key []byte, word string)) []byte {
	for i := 0; i < len(text); {
		r, size := utf8.DecodeRuneInString(text[i:])
		if !wordRune(r) {
			i += size
			continue
		}
		start := i
		for i < len(text) {
			if r, size = utf8.DecodeRuneInString(text[i:]); !wordRune(r) {
				break
			}
			i += size
		}
		// An emoji code such as :white_check_mark:, which the stored
		// plain text keeps as written, is no word.
		if start > 0 && text[start-1] == ':' && i < len(text) && text[i] == ':' {
			continue
		}
		var (
			word string
			ok   bool
		)
		if buf, word, ok = topicKey(text[start:i], buf[:0]); ok {
			fn(buf, word)
		}
	}
	return buf
}

// wordRune reports whether r may be part of a word: letters and digits,
// and the characters of names such as node.js, c++, c#, snake_case, e-mail,
// l'équipe and @mentions (kept together so they can be dropped whole).
func wordRune(r rune) bool {
	if r < utf8.RuneSelf {
		return asciiWord[r]
	}
	return r == '’' || unicode.IsLetter(r) || unicode.IsDigit(r)
}

// asciiWord is wordRune for ASCII, which most text is.
var asciiWord = func() (t [utf8.RuneSelf]bool) {
	for r := range rune(utf8.RuneSelf) {
		t[r] = unicode.IsLetter(r) || unicode.IsDigit(r) || strings.ContainsRune(".-_+#'@/", r)
	}
	return t
}()

// elisions are the French words that lose their vowel before another:
// l'équipe, d'accès, qu'il.
var elisions = []string{"l", "d", "j", "qu", "n", "s", "c", "m", "t", "jusqu", "lorsqu", "puisqu", "quoiqu"}

// topicKey turns one word into a topic key, appended to buf, and returns
// the part of the word it comes from; ok is false for words that are no
// topic: stop words, numbers, mentions, addresses and paths, and words of
// one letter.
func topicKey(w string, buf []byte) (key []byte, word string, ok bool) {
	if strings.ContainsAny(w, "@/") {
		return buf, "", false // a mention, an address, a URL or a path
	}
	// Phones and word processors type ’ where the stop words have '.
	w = strings.Trim(strings.ReplaceAll(w, "’", "'"), ".-_'")
	if before, after, ok := strings.Cut(w, "'"); ok && slices.ContainsFunc(elisions, func(e string) bool { return strings.EqualFold(e, before) }) {
		w = after // a French elision: l'équipe
	}
	if before, ok := strings.CutSuffix(w, "'s"); ok {
		w = before // an English possessive: the server's
	}
	w = strings.Trim(w, ".-_'")
	for _, r := range w {
		buf = knowledge.AppendFolded(buf, unicode.ToLower(r))
	}
	if utf8.RuneCount(buf) < 2 || !bytes.ContainsFunc(buf, unicode.IsLetter) || stopWords[string(buf)] || bytes.HasPrefix(buf, []byte("http")) {
		return buf, "", false
	}
	buf = singular(buf)
	if stopWords[string(buf)] {
		return buf, "", false
	}
	return buf, w, true
}

// singular strips the plural s that English and French share, so "servers"
// and "server" are one topic; words ending in ss, us or is keep theirs,
// and so do names such as node.js. A key is never shown: the topic is
// shown as people wrote it.
func singular(key []byte) []byte {
	if len(key) >= 4 && key[len(key)-1] == 's' && !bytes.ContainsAny(key, ".+#") &&
		!bytes.HasSuffix(key, []byte("ss")) && !bytes.HasSuffix(key, []byte("us")) && !bytes.HasSuffix(key, []byte("is")) {
		return key[:len(key)-1]
	}
	return key
}

// topicCounts counts, for each topic key, the questions whose text has it,
// and remembers the form each key is most often written in.
type topicCounts struct {
	questions map[string]int
	forms     map[string]map[string]int
}

func newTopicCounts() *topicCounts {
	return &topicCounts{questions: make(map[string]int), forms: make(map[string]map[string]int)}
}

func (c *topicCounts) add(text string) {
	for key, surface := range terms(text) {
		c.questions[key]++
		if c.forms[key] == nil {
			c.forms[key] = make(map[string]int)
		}
		c.forms[key][surface]++
	}
}

// form returns the way key is most often written, the first in
// alphabetical order among equals.
func (c *topicCounts) form(key string) string {
	best, n := key, 0
	for s, k := range c.forms[key] {
		if k > n || (k == n && s < best) {
			best, n = s, k
		}
	}
	return best
}

// recurring returns the keys counted in at least min questions, most
// frequent first, alphabetically among equals.
func (c *topicCounts) recurring(min int) []string {
	var keys []string
	for k, n := range c.questions {
		if n >= min {
			keys = append(keys, k)
		}
	}
	slices.SortFunc(keys, func(a, b string) int {
		if d := c.questions[b] - c.questions[a]; d != 0 {
			return d
		}
		return strings.Compare(a, b)
	})
	return keys
}

// stopWords are the words that say nothing of a topic, folded as keys are:
// English and French function words, and the small talk of help channels.
var stopWords = wordSet(`
a about above after again against all almost also although always am among an and another any anybody anyone anything anyway anywhere are aren't around as ask asked asking at away
back be became because become been before being below best better between both but by
can can't cannot could couldn't did didn't do does doesn't doing don't done down during
each either else enough etc even ever every everyone everything example
few find first for found from further get gets getting give given go goes going gone good got great
had hadn't has hasn't have haven't having he her here hers herself hi him himself his how however
i i'd i'll i'm i've if in instead into is isn't it it's its itself just keep kind know known
last least less let let's like likely look looking lot lots made make makes making many may maybe me mean might mine more most much must my myself
need needed needs never new next no nobody none nor not nothing now of off often oh ok okay on once one only or other others otherwise our ours ourselves out over own
people per perhaps please possible pretty probably put quite rather really right
said same say says see seem seems seen several shall she should shouldn't show since so some somebody someone something sometimes somewhere soon still such sure
take tell than thank thanks that that's the their theirs them themselves then there there's these they they're thing things think this those though through thx to today too tried try trying
under until up upon us use used useful uses using usually very via want wanted wants was wasn't way ways we we're well were weren't what what's whatever when where whether which while who whole whom whose why will with within without won't work worked working works would wouldn't
versus vs yes yet you you'd you'll you're you've your yours yourself yourselves
hello hey hmm lol question questions help idea ideas guy guys folk folks everybody thread anybody someone issue issues problem problems error errors thing stuff time times day days week weeks year years way
au aux avec avoir ai as avait avant avez avons bah beaucoup bien bon bonjour bonsoir c'est ca car ce ceci cela celle celles celui ces cet cette chez ci comme comment
dans de des deja depuis donc dont du elle elles en encore entre est et etaient etait ete etre eu fait faire fais faut fois
grace ici il ils je jamais la le les leur leurs lui ma mais me meme merci mes moi mon ne ni non nos notre nous on ont ou oui par pas peu peut peux plus pour pourquoi pourrait pouvez quand que quel quelle quelles quels qui quoi
sa sans savoir sait sais se ses si son sont sous sur svp stp ta te tes toi ton tous tout toute toutes tres trop tu un une vos votre vous voila vu
ya aussi alors apres autre autres chose choses aide aider besoin probleme problemes erreur erreurs salut quelqu'un quelqu'une personne savez connait connaissez
zero two three four five six seven eight nine ten hundred thousand million first second third half
able actual actually add added adding already another answer anything available bad big bit call called calling calls came case cases certain change changed changes check clear close come comes coming correct could current currently
different does doing easy else end ends exactly example exist exists expect expected fact far feel fine fix fixed following follow form full general getting given gives going happen happens hard hear hold home however idea instead interested just large later left less likely line lines little long longer lot low main mean means mentioned mind minute moment much name names need needs nice note number numbers old open option options order original part particular pass place point possible post pretty previous problem proper quick quickly read real reason recent related result results return run running runs saw second see seeing seem seen set sets simple since single small sort start started starting step still stop suggest support suppose sure system take taking talk tell test thing think thought top true trying turn understand unless update version want way whatever wonder wondering write wrong
c'est cas deux trois quatre cinq dix cent premier premiere second seconde fois
interesting faster slower easier harder better worse mostly relatively basically simply especially directly properly create created creating include includes included
 faire fait faites utiliser utilise utilisez mettre mis essayer essaye essai marche marcher fonctionne fonctionner nouveau nouvelle nouveaux exemple facon moyen truc trucs possible simple pense penser voir vois voulez veux vouloir trouver trouve dire dit comprendre compris cherche chercher demande demander reponse reponses quelque quelques certains plusieurs chaque lorsque parce puis bonne bon meilleur mieux petit petite grand grande
`)

func wordSet(s string) map[string]bool {
	m := make(map[string]bool)
	for _, w := range strings.Fields(s) {
		m[knowledge.FoldAccents(w)] = true
	}
	return m
}

// Limits of the topic lists.
const (
	// maxCandidates bounds the recurring terms checked against everything
	// answered. Gaps are rarely among the most frequent terms, which
	// someone has nearly always answered about, so the bound is wide: the
	// check costs one map lookup per word read, however many candidates.
	maxCandidates = 5000
	maxUncovered  = 8
	maxRising     = 5
	// A term recurs when at least recurs questions of the week use it, and
	// rises when at least risesFrom do and more than twice as many as in
	// an average week before, plus one.
	recurs    = 2
	risesFrom = 3
	baseline  = 4 // weeks before the digest's that rising compares with
)

// errAllCovered stops the walk through answered texts once every candidate
// is known to be covered.
var errAllCovered = errors.New("every candidate topic is covered")

// topics finds, among the terms of qs (the week's questions, as v sees
// them), those nobody ever answered about and those rising against the
// weeks before from.
func topics(ctx context.Context, src Source, v knowledge.Viewer, qs []knowledge.Question, from time.Time) (uncovered, rising []Topic, err error) {
	now := newTopicCounts()
	for _, q := range qs {
		now.add(q.SearchText())
	}
	prev, err := src.QuestionsAsked(ctx, v, from.AddDate(0, 0, -7*baseline), from)
	if err != nil {
		return nil, nil, err
	}
	before := newTopicCounts()
	for _, q := range prev {
		before.add(q.SearchText())
	}
	topic := func(key string) Topic {
		return Topic{Term: now.form(key), Questions: now.questions[key], Before: float64(before.questions[key]) / baseline}
	}

	candidates := now.recurring(recurs)
	candidates = candidates[:min(len(candidates), maxCandidates)]
	open := make(map[string]bool, len(candidates))
	for _, k := range candidates {
		open[k] = true
	}
	if len(open) > 0 {
		var buf []byte
		err = src.EachAnsweredText(ctx, v, func(text string) error {
			buf = scanTerms(text, buf, func(key []byte, _ string) {
				if open[string(key)] {
					delete(open, string(key))
				}
			})
			if len(open) == 0 {
				return errAllCovered
			}
			return ctx.Err()
		})
		if err != nil && !errors.Is(err, errAllCovered) {
			return nil, nil, err
		}
	}
	for _, k := range candidates {
		if open[k] && len(uncovered) < maxUncovered {
			uncovered = append(uncovered, topic(k))
		}
	}

	if len(prev) > 0 {
		for _, k := range now.recurring(risesFrom) {
			if t := topic(k); float64(t.Questions) > 2*t.Before+1 {
				rising = append(rising, t)
			}
		}
		slices.SortStableFunc(rising, func(a, b Topic) int {
			return cmp.Compare(float64(b.Questions)-b.Before, float64(a.Questions)-a.Before)
		})
		rising = rising[:min(len(rising), maxRising)]
	}
	return uncovered, rising, nil
}
