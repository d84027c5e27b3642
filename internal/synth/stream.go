package synth

import (
	"math"
	"math/rand/v2"
	"strconv"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/nextdesk/nextdesk/knowledge"
)

// stream generates questions one at a time. Each question reseeds it from
// the seed and the question's number, so a question does not depend on the
// ones before it. A stream is not safe for concurrent use.
type stream struct {
	g   *Generator
	n   int // questions in the history
	pcg rand.PCG
	buf []byte
}

func (g *Generator) newStream(n int) *stream {
	return &stream{g: g, n: max(n, 1), buf: make([]byte, 0, 512)}
}

func (s *stream) seed(salt uint64, i int) {
	seed := uint64(s.g.cfg.Seed)
	s.pcg.Seed(splitmix(seed^salt), splitmix(uint64(i)^splitmix(seed+salt)))
}

// Shares of questions asked outside public channels.
const (
	privateShare = 0.12
	groupShare   = 0.05
	directShare  = 0.08
)

// How answers are drawn.
const (
	maxAnswers    = 3
	expertShare   = 0.8  // answers by an expert of the topic
	botShare      = 0.04 // of the other answers
	acceptedShare = 0.3  // questions whose asker accepted an answer
)

// place is where a question is asked, by whom, and who answers.
type place struct {
	conv, topic, asker int
	answerers          [maxAnswers]int32
	expert             [maxAnswers]bool
	answers            int
}

// question generates question i of the history.
func (s *stream) question(i int) knowledge.Question {
	g := s.g
	r := &s.pcg
	s.seed(saltHistory, i)
	lang := en
	if unit(r) < g.french {
		lang = fr
	}
	t0 := g.start + int64((float64(i)+unit(r))/float64(s.n)*float64(g.span))
	now := t0 / 1e9
	answers := 1
	if x := unit(r); x > 0.88 {
		answers = 3
	} else if x > 0.6 {
		answers = 2
	}

	var pl place
	placed := false
	switch x := unit(r); {
	case x < privateShare && len(g.privates) > 0:
		placed = s.inGroup(&pl, g.privates[intn(r, len(g.privates))], now, answers)
	case x < privateShare+groupShare && len(g.gdms) > 0:
		placed = s.inGroup(&pl, g.gdms[intn(r, len(g.gdms))], now, answers)
	case x < privateShare+groupShare+directShare && len(g.dms) > 0:
		placed = s.inGroup(&pl, g.dms[intn(r, len(g.dms))], now, answers)
	}
	if !placed {
		s.inPublic(&pl, lang, now, answers)
	}

	asker := &g.people[pl.asker]
	asked := s.askTime(t0/1e9, asker.zone)
	asked = min(max(asked, g.start/1e9), (g.end()-1)/1e9)
	// The microseconds carry the question number, so thread timestamps
	// never collide within a conversation.
	micro := int64(i % 1_000_000)
	q := knowledge.Question{
		Asker:        g.persons[pl.asker].ID,
		Conversation: g.conversations[pl.conv].ID,
		Lang:         langCodes[lang],
		Time:         time.Unix(asked, micro*1000).UTC(),
	}
	// Every string of the question and its answers is cut from one
	// allocation: a million questions make a lot of small strings.
	s.buf = append(s.buf[:0], "synth:"...)
	s.buf = strconv.AppendInt(s.buf, int64(i), 10)
	id := span{0, len(s.buf)}
	thread := s.ts(asked, micro)
	text := s.text(lang, pl.topic, 8+int(33*sq(unit(r))), 0.35, questionOpeners[lang], true)
	var spans [maxAnswers][2]span
	s.answer(&q, &pl, lang, asked, id, &spans)
	all := string(s.buf)
	q.ID, q.Thread, q.Text = id.of(all), thread.of(all), text.of(all)
	for k := range q.Answers {
		a := &q.Answers[k]
		a.ID, a.Text = spans[k][0].of(all), spans[k][1].of(all)
	}
	return q
}

// span is where a string lies in the stream's buffer.
type span struct{ lo, hi int }

func (sp span) of(s string) string { return s[sp.lo:sp.hi] }

func sq(x float64) float64 { return x * x }

// inPublic asks a question in the topic's channel or a general one, by
// someone speaking the question's language, answered by the topic's experts
// mostly.
func (s *stream) inPublic(pl *place, lang int, now int64, answers int) {
	g := s.g
	r := &s.pcg
	pl.topic = g.topicPick.pick(r)
	pl.conv = int(g.topics[pl.topic].channel)
	if unit(r) < 0.3 {
		pl.conv = int(g.general[lang][intn(r, len(g.general[lang]))])
	}
	pl.asker = s.asker(lang, now)
	tp := &g.topics[pl.topic]
	for range answers {
		for range 8 {
			var p int
			switch k := tp.experts.pick(r); {
			case k >= 0 && unit(r) < expertShare:
				p = int(tp.expertIDs[k])
			case len(g.bots) > 0 && unit(r) < botShare:
				p = int(g.bots[intn(r, len(g.bots))])
			default:
				p = g.anyone.pick(r)
			}
			if p < 0 || !s.mayAnswer(pl, p, now) {
				continue
			}
			pl.answerers[pl.answers] = int32(p)
			pl.expert[pl.answers] = g.people[p].expertise(pl.topic) > 0
			pl.answers++
			break
		}
	}
	if pl.answers > 0 {
		return
	}
	// Everyone drawn was away: anyone still here answers.
	start := intn(r, len(g.people))
	for k := range g.people {
		p := (start + k) % len(g.people)
		if s.mayAnswer(pl, p, now) && !g.people[p].bot {
			pl.answerers[0], pl.expert[0], pl.answers = int32(p), g.people[p].expertise(pl.topic) > 0, 1
			return
		}
	}
}

// mayAnswer reports whether p can answer the question placed so far: not
// its asker, not twice, and still in the workspace (bots always are).
func (s *stream) mayAnswer(pl *place, p int, now int64) bool {
	if p == pl.asker {
		return false
	}
	for _, a := range pl.answerers[:pl.answers] {
		if int(a) == p {
			return false
		}
	}
	person := &s.g.people[p]
	return person.bot || person.speaks(now)
}

// asker draws who asks a question in lang: mostly someone who speaks it.
func (s *stream) asker(lang int, now int64) int {
	g := s.g
	r := &s.pcg
	for range 8 {
		l := lang
		if unit(r) < 0.1 {
			l = 1 - lang
		}
		k := g.askers[l].pick(r)
		if k < 0 {
			continue
		}
		if p := int(g.askerIDs[l][k]); g.people[p].speaks(now) {
			return p
		}
	}
	start := intn(r, len(g.people))
	for k := range g.people {
		if p := (start + k) % len(g.people); g.people[p].speaks(now) {
			return p
		}
	}
	return start // unreachable: the active people outnumber bots and the departed
}

// inGroup asks a question among the members of a non-public conversation,
// answered by the members who know its topic best. It reports false when
// too few members are around to ask and answer.
func (s *stream) inGroup(pl *place, conv int32, now int64, answers int) bool {
	g := s.g
	r := &s.pcg
	c := &g.convs[conv]
	pl.conv = int(conv)
	pl.topic = int(c.topic)
	if unit(r) > 0.85 {
		pl.topic = g.topicPick.pick(r)
	}
	pl.asker = -1
	for range 4 {
		if m := int(c.members[intn(r, len(c.members))]); g.people[m].speaks(now) {
			pl.asker = m
			break
		}
	}
	if pl.asker < 0 {
		return false
	}
	var weights [64]float64
	members := c.members[:min(len(c.members), len(weights))]
	for pl.answers < answers {
		var total float64
		for k, m := range members {
			weights[k] = 0
			if p := &g.people[m]; !p.bot && s.mayAnswer(pl, int(m), now) {
				weights[k] = p.activity * (p.expertise(pl.topic) + 0.05)
				total += weights[k]
			}
		}
		if total == 0 {
			break
		}
		x := unit(r) * total
		k := 0
		for ; k < len(members)-1 && x >= weights[k]; k++ {
			x -= weights[k]
		}
		for weights[k] == 0 {
			k--
		}
		m := members[k]
		pl.answerers[pl.answers] = m
		pl.expert[pl.answers] = g.people[m].expertise(pl.topic) > 0
		pl.answers++
	}
	return pl.answers > 0
}

// askTime moves a moment to a working day of the asker, at an hour people
// ask at.
func (s *stream) askTime(t int64, z *zone) int64 {
	r := &s.pcg
	off := int64(z.offset(t))
	day, wd, _ := localDay(t + off)
	if unit(r) > 0.03 {
		switch wd {
		case time.Saturday:
			day--
		case time.Sunday:
			day++
		}
	}
	hour := int64(askHourPick.pick(r))
	return day*86400 + hour*3600 + int64(intn(r, 3600)) - off
}

var askHourPick = newAlias(askHours)

// answer adds pl's answers to q: minutes to hours after the question, most
// within the answerer's working hours; experts write more on the topic, and
// are more often accepted and thanked.
//
// The answers' ids and texts are appended to the stream's buffer; spans
// receives where, in the order of q.Answers.
func (s *stream) answer(q *knowledge.Question, pl *place, lang int, asked int64, id span, spans *[maxAnswers][2]span) {
	g := s.g
	r := &s.pcg
	if pl.answers == 0 {
		return
	}
	q.Answers = make([]knowledge.Answer, pl.answers)
	prev := asked
	for k := range pl.answers {
		p := &g.people[pl.answerers[k]]
		// Log-normal delay: a median of 20 minutes, hours in the tail.
		delay := math.Exp(math.Log(20*60) + 1.2*normal(r))
		at := prev + int64(min(max(delay, 45), 3*86400))
		if off := int64(p.zone.offset(at)); !p.bot && !workingHour(at+off) && unit(r) < 0.85 {
			at = nextWorkday(at+off) - off + int64(intn(r, 90*60))
		}
		prev = at
		alang := lang
		if unit(r) < 0.05 {
			alang = p.lang
		}
		var text span
		switch {
		case p.bot:
			lo := len(s.buf)
			s.buf = append(s.buf, botReplies[alang][intn(r, len(botReplies[alang]))]...)
			text = span{lo, len(s.buf)}
		case pl.expert[k]:
			text = s.text(alang, pl.topic, 5+int(50*sq(unit(r))), 0.45, answerOpeners[alang], false)
		default:
			text = s.text(alang, pl.topic, 6+int(30*sq(unit(r))), 0.2, guessOpeners[alang], false)
		}
		thanks := 0
		if x, p := unit(r), 0.1+0.2*b2f(pl.expert[k]); x < p {
			thanks = 1
			if x < p/5 {
				thanks = 2
			}
		}
		spans[k][1] = text
		q.Answers[k] = knowledge.Answer{
			Answerer: g.persons[pl.answerers[k]].ID,
			Time:     time.Unix(at, int64(intn(r, 1_000_000))*1000).UTC(),
			Thanks:   thanks,
		}
	}
	// Pushing an answer to the next morning can put it after a later one.
	for k := 1; k < len(q.Answers); k++ {
		for j := k; j > 0 && q.Answers[j].Time.Before(q.Answers[j-1].Time); j-- {
			q.Answers[j], q.Answers[j-1] = q.Answers[j-1], q.Answers[j]
			pl.expert[j], pl.expert[j-1] = pl.expert[j-1], pl.expert[j]
			spans[j], spans[j-1] = spans[j-1], spans[j]
		}
	}
	// Ids follow the order of the answers: synth:<i>:1 came first.
	for k := range q.Answers {
		lo := len(s.buf)
		s.buf = append(s.buf, s.buf[id.lo:id.hi]...)
		s.buf = append(s.buf, ':')
		s.buf = strconv.AppendInt(s.buf, int64(k+1), 10)
		spans[k][0] = span{lo, len(s.buf)}
	}
	if unit(r) < acceptedShare {
		best := intn(r, len(q.Answers))
		if unit(r) < 0.85 {
			for k := range q.Answers {
				if pl.expert[k] {
					best = k
					break
				}
			}
		}
		q.Answers[best].Accepted = true
	}
}

func b2f(b bool) float64 { return float64(b2i(b)) }

func b2i(b bool) int {
	if b {
		return 1
	}
	return 0
}

// nextWorkday returns the start of the next working morning (08:00) after a
// local unix time, as a local unix time.
func nextWorkday(local int64) int64 {
	day, wd, sec := localDay(local)
	if sec >= 8*3600 {
		day++
		wd = (wd + 1) % 7
	}
	for wd == time.Saturday || wd == time.Sunday {
		day++
		wd = (wd + 1) % 7
	}
	return day*86400 + 8*3600
}

// ts appends a Slack message timestamp: seconds, a dot, six digits.
func (s *stream) ts(sec, micro int64) span {
	lo := len(s.buf)
	b := strconv.AppendInt(s.buf, sec, 10)
	b = append(b, '.')
	digits := len(b)
	b = strconv.AppendInt(b, 1_000_000+micro, 10)
	s.buf = append(b[:digits], b[digits+1:]...)
	return span{lo, len(s.buf)}
}

// Suffixes turn a word into a file or command name, set in code.
var codeSuffixes = []string{".yaml", ".conf", "_config", "-cli", ".sh", ".json"}

// text writes a message of about words words in lang on a topic: an opener,
// then function words, words of the topic (topicShare of the others) and
// common words, with French elisions, the odd code span, number and comma.
func (s *stream) text(lang, topic, words int, topicShare float64, openers []string, question bool) span {
	g := s.g
	r := &s.pcg
	v := g.vocab
	tp := &g.topics[topic]
	fw := functionBytes[lang]
	b := s.buf
	lo := len(b)
	opener := openers[intn(r, len(openers))]
	b = append(b, opener...)
	n := openerWords[opener]
	elidable, elideAt := "", 0
	if lang == fr {
		last := strings.TrimSuffix(opener, " ")
		at := strings.LastIndexByte(last, ' ') + 1
		if e, ok := elided[last[at:]]; ok {
			elidable, elideAt = e, lo+at
		}
	}
	// Function and content words alternate, with the odd pair of function
	// words ("of the", "de la"): about 42% of the words carry no topic.
	content := false
	// One draw decides a word's kind, its source and its decoration, in
	// 16-bit slices: the loop runs a hundred times per question.
	topic16 := uint64(topicShare * (1 << 16))
	for ; n < words; n++ {
		var w []byte
		x := r.Uint64()
		content = x&0xffff >= [2]uint64{25 << 16 / 100, 55 << 16 / 100}[b2i(content)]
		switch {
		case !content:
			w = fw[v.function[lang].pick(r)]
		case x>>16&0xffff < topic16:
			w = v.form(r, lang, int(tp.words[tp.wordPick.pick(r)]))
		default:
			w = v.form(r, lang, v.common.pick(r))
		}
		if elidable != "" && (content || elidesBefore[string(w)]) && startsWithVowel(w) {
			b = append(b[:elideAt], elidable...)
			b = append(b, w...)
			elidable = ""
			continue
		}
		if len(b) > lo && b[len(b)-1] != ' ' {
			b = append(b, ' ')
		}
		elidable = ""
		if !content && lang == fr {
			if e, ok := elided[string(w)]; ok {
				elidable, elideAt = e, len(b)
			}
		}
		switch y := float64(x>>32&0xffff) / (1 << 16); {
		case !content || y > 0.035:
			b = append(b, w...)
		case y < 0.015:
			b = append(b, '`')
			b = append(b, w...)
			b = append(b, codeSuffixes[intn(r, len(codeSuffixes))]...)
			b = append(b, '`')
		case y < 0.025:
			b = strconv.AppendInt(b, int64(100+intn(r, 900)), 10)
		default:
			b = append(b, w...)
			b = append(b, ',')
		}
	}
	if len(b) > lo && b[len(b)-1] == ',' {
		b = b[:len(b)-1]
	}
	capitalize(b[lo:])
	switch {
	case question && lang == fr && unit(r) < 0.5:
		b = append(b, " ?"...)
	case question && unit(r) < 0.9:
		b = append(b, '?')
	case !question && unit(r) < 0.8:
		b = append(b, '.')
	}
	s.buf = b
	return span{lo, len(b)}
}

// functionBytes holds the function words as the hot loop appends them.
var functionBytes = func() (fb [2][][]byte) {
	for lang, ws := range functionWords {
		for _, w := range ws {
			fb[lang] = append(fb[lang], []byte(w))
		}
	}
	return fb
}()

// openerWords counts the words of each opener, punctuation aside.
var openerWords = func() map[string]int {
	m := make(map[string]int)
	for _, lists := range [][2][]string{questionOpeners, answerOpeners, guessOpeners} {
		for _, list := range lists {
			for _, o := range list {
				for _, f := range strings.Fields(o) {
					if strings.ContainsFunc(f, unicode.IsLetter) {
						m[o]++
					}
				}
			}
		}
	}
	return m
}()

// elidesBefore lists the function words an article or pronoun elides
// before ("l'en", "qu'il", "j'ai").
var elidesBefore = map[string]bool{"en": true, "y": true, "il": true, "on": true, "est": true, "a": true, "ai": true, "avez": true, "été": true, "être": true, "elle": true}

func startsWithVowel(w []byte) bool {
	r, _ := utf8.DecodeRune(w)
	return strings.ContainsRune("aeiouyéèêâîôh", r)
}

// capitalize upper-cases the first letter of b in place, when its upper
// case takes as many bytes (it does for the accented letters of French).
func capitalize(b []byte) {
	r, size := utf8.DecodeRune(b)
	if !unicode.IsLower(r) {
		return
	}
	if up := unicode.ToUpper(r); utf8.RuneLen(up) == size {
		utf8.EncodeRune(b, up)
	}
}

// queryPlace draws the topic, asker and time of query i.
func (s *stream) queryPlace(i int) (lang, topic, asker int, at int64) {
	g := s.g
	r := &s.pcg
	s.seed(saltQuery, i)
	if unit(r) < g.french {
		lang = fr
	}
	topic = g.topicPick.pick(r)
	end := g.end() / 1e9
	for range 8 {
		asker = s.asker(lang, end)
		if g.persons[asker].Routable() {
			break
		}
	}
	at = s.askTime(end+int64(unit(r)*30*86400), g.people[asker].zone)
	return lang, topic, asker, max(at, end)
}

// query generates query i.
func (s *stream) query(i int) knowledge.Question {
	g := s.g
	lang, t, asker, at := s.queryPlace(i)
	micro := int64(i % 1_000_000)
	s.buf = append(s.buf[:0], "synth:query:"...)
	s.buf = strconv.AppendInt(s.buf, int64(i), 10)
	id := span{0, len(s.buf)}
	thread := s.ts(at, micro)
	text := s.text(lang, t, 8+int(33*sq(unit(&s.pcg))), 0.35, questionOpeners[lang], true)
	all := string(s.buf)
	return knowledge.Question{
		ID:           id.of(all),
		Asker:        g.persons[asker].ID,
		Conversation: g.conversations[g.topics[t].channel].ID,
		Thread:       thread.of(all),
		Text:         text.of(all),
		Lang:         langCodes[lang],
		Time:         time.Unix(at, micro*1000).UTC(),
	}
}
