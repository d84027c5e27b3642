package slackexport

import (
	"archive/zip"
	"cmp"
	"context"
	"regexp"
	"slices"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/nextdesk/nextdesk/knowledge"
)

// Reconstruction: exports from before Slack had threads (January 2017),
// and channels that never used them, hold a flat history in which
// questions and their answers are interleaved. A conversation with no
// thread at all is read as such, and question → answer pairs are inferred
// by a heuristic:
//
//   - A question is a person's message that asks: it has a question mark,
//     or opens with an interrogative or a call for help ("how", "anyone",
//     "comment", "quelqu'un", …), in English or French.
//   - A later message by someone else answers it when it mentions the
//     asker (by id, or by name as in old exports) while the question is
//     less than replyWindow old; or, without a mention, when the question
//     is the most recent one and its conversation is still going: a first
//     answer may take firstAnswerWait, later ones follow the conversation
//     within conversationGap.
//   - The topic moves on when someone who has not taken part asks
//     something that shares no word with the conversation: that message
//     starts a new question. A question from a participant, or on the same
//     words, is part of the conversation (a clarification, a follow-up).
//   - The asker's own messages keep the conversation going; before any
//     answer they add to the question, and their thanks, or their
//     check-mark reaction, accept an answer, as in threads.
//
// Such questions are marked Reconstructed, and their ids are those a
// thread would give (the question's and the answers' ts), so a later
// import of the same messages as threads replaces the guess. `nextdesk
// eval reconstruct` measures the heuristic on exports whose threads are
// removed (README gives the figures).
const (
	// conversationGap is the longest pause within one conversation: in
	// the threads of the shared exports, three replies in four come
	// within four minutes of the message before, and after a quarter of
	// an hour the next message more often starts something new.
	conversationGap = 15 * time.Minute
	// firstAnswerWait is how long a question waits for its first answer:
	// half of the first replies in those threads come within 20 minutes,
	// three in four within about an hour and a half.
	firstAnswerWait = time.Hour
	// replyWindow bounds how late a reply addressed to the asker by name
	// still answers their question: the same working day.
	replyWindow = 8 * time.Hour
)

// asksRE finds a question: a question mark, or an opening word that asks
// or calls for help, in English or French.
var asksRE = regexp.MustCompile(`(?i)\?|^\W*(how|what|why|when|where|who|which|is|are|can|could|would|should|does|do|did|has|have|anyone|anybody|any idea|help|comment|pourquoi|quand|où|qui|quel|quelle|quels|quelles|est-ce|est ce|savez|sais|quelqu'un|quelqu’un|une idée|aide)\b`)

// asks reports whether plain text asks something: a lone "?" or "anyone?"
// says what it asks for no one who was not there.
func asks(plain string) bool { return len(strings.Fields(plain)) >= 2 && asksRE.MatchString(plain) }

// flatMessage is what reconstruction reads of a message.
type flatMessage struct {
	ts       string
	at       stamp
	user     string
	text     string   // plain
	mentions []string // user ids
	checks   []string // users who reacted with a check mark
}

// candidate is a question being reconstructed.
type candidate struct {
	q    knowledge.Question
	at   stamp // when it was asked
	last stamp // the latest message of its conversation
	// latest holds each answerer's latest answer, by index in q.Answers;
	// sinceAsker the latest answer since the asker last spoke, or -1.
	latest       map[string]int
	sinceAsker   int
	participants map[string]bool // the asker and who answered
	words        map[string]bool // content words said so far
}

// reconstructor infers questions from the flat history of one
// conversation, read in time order.
type reconstructor struct {
	conversation string
	open         []*candidate // oldest first
	last         stamp        // the conversation's previous message
}

// add reads the next message and returns the questions that can no longer
// receive answers.
func (r *reconstructor) add(m flatMessage) []knowledge.Question {
	done := r.expire(m.at)
	defer func() { r.last = m.at }()

	if c := r.addressed(m); c != nil {
		c.answer(m)
		return done
	}
	live := r.live(m.at)
	if live != nil && live.q.Asker == m.user {
		live.askerSays(m)
		return done
	}
	if asks(m.text) && (live == nil || !live.participants[m.user] && !live.shares(m.text)) {
		c := &candidate{
			q: knowledge.Question{
				ID: "slack:" + r.conversation + ":" + m.ts, Asker: m.user, Conversation: r.conversation,
				Thread: m.ts, Text: m.text, Time: m.at.time(), Reconstructed: true, Addressed: m.mentions,
			},
			at: m.at, last: m.at, latest: make(map[string]int), sinceAsker: -1,
			participants: map[string]bool{m.user: true}, words: make(map[string]bool),
		}
		c.hear(m.text)
		r.open = append(r.open, c)
		return done
	}
	if live != nil {
		live.answer(m)
	}
	return done
}

// addressed returns the latest open question whose asker m mentions, if m
// is not by that asker.
func (r *reconstructor) addressed(m flatMessage) *candidate {
	for _, c := range slices.Backward(r.open) {
		if c.q.Asker != m.user && slices.Contains(m.mentions, c.q.Asker) {
			return c
		}
	}
	return nil
}

// live returns the most recent question if its conversation is still
// going at time at.
func (r *reconstructor) live(at stamp) *candidate {
	if len(r.open) == 0 {
		return nil
	}
	c := r.open[len(r.open)-1]
	if len(c.q.Answers) == 0 && at.micros-c.at.micros <= firstAnswerWait.Microseconds() {
		return c
	}
	if at.micros-c.last.micros > conversationGap.Microseconds() {
		return nil
	}
	return c
}

// expire removes and returns the answered questions older than
// replyWindow at time at.
func (r *reconstructor) expire(at stamp) []knowledge.Question {
	var done []knowledge.Question
	r.open = slices.DeleteFunc(r.open, func(c *candidate) bool {
		if at.micros-c.at.micros <= replyWindow.Microseconds() {
			return false
		}
		if len(c.q.Answers) > 0 {
			done = append(done, c.q)
		}
		return true
	})
	return done
}

// flush returns every answered question still open, at the end of the
// history.
func (r *reconstructor) flush() []knowledge.Question {
	var done []knowledge.Question
	for _, c := range r.open {
		if len(c.q.Answers) > 0 {
			done = append(done, c.q)
		}
	}
	r.open = nil
	return done
}

// shares reports whether text has a content word in common with c's
// conversation so far: lexical cohesion, the cheapest sign that a message
// speaks of the same thing.
func (c *candidate) shares(text string) bool {
	for _, w := range contentWords(text) {
		if c.words[w] {
			return true
		}
	}
	return false
}

// hear adds text's content words to c's conversation.
func (c *candidate) hear(text string) {
	for _, w := range contentWords(text) {
		c.words[w] = true
	}
}

// contentWords returns the words of text that can carry a topic: lower
// case without accents, five letters or more (short words are mostly
// grammar), and not among the common longer function words.
func contentWords(text string) []string {
	var out []string
	for _, w := range strings.FieldsFunc(knowledge.FoldAccents(strings.ToLower(text)), func(r rune) bool {
		return !unicode.IsLetter(r) && !unicode.IsDigit(r) && r != '-' && r != '_'
	}) {
		if utf8.RuneCountInString(w) >= 5 && !functionWords[w] {
			out = append(out, w)
		}
	}
	return out
}

// functionWords are frequent English and French words of five letters or
// more that say nothing of a topic.
var functionWords = map[string]bool{}

func init() {
	for _, w := range strings.Fields(`about above after again against being below between could doing during
		every other should their theirs there these thing things think those through under until where which
		while would yours really still maybe something anyone anybody someone please thanks hello
		avant apres aussi autre autres avoir comme comment depuis dessus encore entre etait etre leurs meme
		notre parce peut-etre plusieurs pourquoi quand quelque quelqu quelle quelles quels sans selon
		toujours votre merci bonjour`) {
		functionWords[w] = true
	}
}

func (c *candidate) answer(m flatMessage) {
	c.hear(m.text)
	c.last = m.at
	c.participants[m.user] = true
	c.q.Answers = append(c.q.Answers, knowledge.Answer{
		ID: "slack:" + c.q.Conversation + ":" + m.ts, Answerer: m.user, Text: m.text, Time: m.at.time(),
		Accepted: slices.Contains(m.checks, c.q.Asker),
	})
	c.latest[m.user] = len(c.q.Answers) - 1
	c.sinceAsker = len(c.q.Answers) - 1
}

// askerSays handles the asker speaking again in their conversation: more
// detail before anyone answered, or thanks after, which accepts the
// answer it names or the latest one, as in a thread.
func (c *candidate) askerSays(m flatMessage) {
	c.hear(m.text)
	c.last = m.at
	if len(c.q.Answers) == 0 {
		c.q.Text = knowledge.Truncate(c.q.Text+"\n"+m.text, knowledge.MaxIndexedText)
		return
	}
	if knowledge.Thanks(m.text) {
		credited := false
		for _, u := range m.mentions {
			if i, ok := c.latest[u]; ok {
				c.credit(i)
				credited = true
			}
		}
		if !credited && c.sinceAsker >= 0 {
			c.credit(c.sinceAsker)
		}
	}
	c.sinceAsker = -1
}

func (c *candidate) credit(i int) {
	c.q.Answers[i].Accepted = true
	c.q.Answers[i].Thanks++
}

// reconstructConversation imports the questions inferred from the flat
// history of c (see reconstructor), reading its day files in order.
func (ex *export) reconstructConversation(ctx context.Context, c *conversation, days []*zip.File, bad map[*zip.File]bool) error {
	r := &reconstructor{conversation: c.ID}
	emit := func(qs []knowledge.Question) error {
		for _, q := range qs {
			if err := ex.emit(ctx, &plan{question: &q}); err != nil {
				return err
			}
			ex.rep.Reconstructed++
		}
		return nil
	}
	err := ex.eachDay(ctx, days, bad, func(msgs []*message) error {
		flat := make([]flatMessage, 0, len(msgs))
		for _, m := range msgs {
			if m == nil || ex.skipReason(m) != "" {
				continue
			}
			at, ok := parseTS(m.TS)
			text := ex.plainText(m)
			if !ok || text == "" {
				continue
			}
			fm := flatMessage{ts: m.TS, at: at, user: m.User, text: text, mentions: ex.mentioned(m.Text)}
			for _, re := range m.Reactions {
				if knowledge.CheckMark(re.Name) {
					fm.checks = append(fm.checks, re.Users...)
				}
			}
			flat = append(flat, fm)
		}
		slices.SortStableFunc(flat, func(a, b flatMessage) int { return cmp.Compare(a.at.micros, b.at.micros) })
		for _, m := range flat {
			if err := emit(r.add(m)); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return err
	}
	return emit(r.flush())
}

// mentionAnyRE finds mentions in raw text whatever they hold: an id, or a
// name where an old or pseudonymised export wrote one.
var mentionAnyRE = regexp.MustCompile(`<@([^>|\s]+)(?:\|[^>]*)?>`)

// mentioned returns the ids of the people raw text mentions, resolving
// names through users.json.
func (ex *export) mentioned(raw string) []string {
	var ids []string
	for _, m := range mentionAnyRE.FindAllStringSubmatch(raw, -1) {
		id := m[1]
		if ex.people[id] == nil {
			if byName, ok := ex.byName[strings.ToLower(id)]; ok {
				id = byName
			}
		}
		if !slices.Contains(ids, id) {
			ids = append(ids, id)
		}
	}
	return ids
}
