package slackexport

import (
	"archive/zip"
	"cmp"
	"context"
	"encoding/json"
	"errors"
	"maps"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/nextdesk/nextdesk/knowledge"
	"github.com/nextdesk/nextdesk/mrkdwn"
)

// message is what the importer reads of a Slack message.
type message struct {
	Subtype    string `json:"subtype"`
	User       string `json:"user"`
	BotID      string `json:"bot_id"`
	Text       string `json:"text"`
	TS         string `json:"ts"`
	ThreadTS   string `json:"thread_ts"`
	ReplyCount int    `json:"reply_count"`
	Reactions  []struct {
		Name  string   `json:"name"`
		Users []string `json:"users"`
	} `json:"reactions"`
	Files       []file       `json:"files"`
	File        *file        `json:"file"` // exports before 2019 attach one file here
	Attachments []attachment `json:"attachments"`
}

// attachment is a message shared from elsewhere, or a link's preview.
type attachment struct {
	Text     string `json:"text"`
	Fallback string `json:"fallback"`
}

type file struct {
	Name  string `json:"name"`
	Title string `json:"title"`
}

// spokenSubtypes are the subtypes of messages a person wrote: a reply also
// sent to the channel, and a file shared with a comment.
var spokenSubtypes = map[string]bool{"": true, "thread_broadcast": true, "file_share": true}

// stamp is a parsed Slack ts: it orders messages and dates them.
type stamp struct {
	micros int64
}

// parseTS parses a Slack ts ("1609908678.405900"): seconds, a dot, and up
// to six digits of microseconds.
func parseTS(ts string) (stamp, bool) {
	sec, frac, _ := strings.Cut(ts, ".")
	if sec == "" || len(sec) > 12 || len(frac) > 6 || !digits(sec) || !digits(frac) {
		return stamp{}, false
	}
	s, _ := strconv.ParseInt(sec, 10, 64)
	var us int64
	if frac != "" {
		us, _ = strconv.ParseInt(frac+strings.Repeat("0", 6-len(frac)), 10, 64)
	}
	return stamp{s*1e6 + us}, true
}

func digits(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

func (s stamp) time() time.Time { return time.UnixMicro(s.micros).UTC() }

// role says what a message is in its thread.
type role int

const (
	standalone role = iota // not in a thread
	root                   // starts a thread
	reply                  // replies in a thread
)

func roleOf(m *message) role {
	switch {
	case m.ThreadTS == m.TS || (m.ThreadTS == "" && m.ReplyCount > 0):
		return root
	case m.ThreadTS != "":
		return reply
	}
	return standalone
}

// skipReason returns why m, a well-formed message, is not a person
// speaking, or "" when it is.
func (ex *export) skipReason(m *message) string {
	switch {
	case !spokenSubtypes[m.Subtype]:
		return "subtype"
	case m.BotID != "":
		return "bot"
	case m.User == "":
		return "no_user"
	case isBotID(m.User):
		return "bot"
	}
	if p := ex.people[m.User]; p != nil && p.bot {
		return "bot"
	}
	return ""
}

// plainText returns a message's text as plain text. A message with no text
// of its own may still say something: a message shared from another
// conversation carries it in an attachment, and a screenshot posted as an
// answer still says who answered, so those stand in for the text.
func (ex *export) plainText(m *message) string {
	if t := mrkdwn.ToPlain(m.Text, ex); t != "" {
		return t
	}
	var parts []string
	for _, a := range m.Attachments {
		if t := mrkdwn.ToPlain(firstNonEmpty(a.Text, a.Fallback), ex); t != "" {
			parts = append(parts, t)
		}
	}
	if len(parts) == 0 {
		for _, f := range append(m.Files, derefFile(m.File)...) {
			if n := firstNonEmpty(f.Title, f.Name); n != "" {
				parts = append(parts, n)
			}
		}
	}
	return knowledge.CleanText(strings.Join(parts, "\n"))
}

func derefFile(f *file) []file {
	if f == nil {
		return nil
	}
	return []file{*f}
}

// thread is the shape of a thread, as the first pass sees it: no text.
type thread struct {
	rootSeen bool
	asker    string // "" when the root is not a person's question
	replies  []replyShape
}

// replyShape is what the first pass keeps of a reply.
type replyShape struct {
	ts      string
	at      stamp
	user    string
	spoken  bool     // a person's non-empty message
	thanks  bool     // its text thanks or says solved
	credits []string // users it mentions, when it thanks
	checks  []string // users who reacted with a check mark
}

// plan is a question decided by the first pass, filled by the second.
type plan struct {
	verdicts  map[string]*verdict // by answer ts
	remaining int                 // answers not yet read by the second pass
	question  *knowledge.Question // nil until the root is read
}

type verdict struct {
	accepted bool
	thanks   int
	read     bool
}

// importConversation imports the questions of one conversation, in the two
// passes the package documentation describes.
func (ex *export) importConversation(ctx context.Context, c *conversation) error {
	days := ex.days[c.folder]
	if len(days) == 0 {
		return nil
	}
	threads := make(map[string]*thread)
	bad := make(map[*zip.File]bool)
	threaded := false
	for _, f := range days {
		msgs, ok, err := ex.readDay(ctx, f)
		if err != nil {
			return err
		}
		if !ok {
			bad[f] = true
			continue
		}
		for _, m := range msgs {
			ex.rep.Records++
			ex.shape(threads, m)
			threaded = threaded || (m != nil && roleOf(m) != standalone)
		}
	}
	if !threaded {
		return ex.reconstructConversation(ctx, c, days, bad)
	}
	plans := ex.decide(threads)
	clear(threads)
	ex.log.Debug("slack export: conversation read", "conversation", c.ID, "days", len(days), "questions", len(plans))
	if len(plans) == 0 {
		return nil
	}
	err := ex.eachDay(ctx, days, bad, func(msgs []*message) error {
		for _, m := range msgs {
			if err := ex.fill(ctx, c, plans, m); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return err
	}
	// Every plan completes unless a file changed between the passes; write
	// what was read rather than lose it.
	for _, ts := range slices.Sorted(maps.Keys(plans)) {
		if p := plans[ts]; p.question != nil {
			if err := ex.emit(ctx, p); err != nil {
				return err
			}
		}
	}
	return nil
}

// eachDay calls fn with the messages of each of days in order, but for
// the bad ones the first pass could not read. It returns ctx's error or
// fn's.
func (ex *export) eachDay(ctx context.Context, days []*zip.File, bad map[*zip.File]bool, fn func([]*message) error) error {
	for _, f := range days {
		if bad[f] {
			continue
		}
		msgs, ok, err := ex.readDay(ctx, f)
		if err != nil {
			return err
		}
		if !ok {
			continue
		}
		if err := fn(msgs); err != nil {
			return err
		}
	}
	return nil
}

// readDay returns the messages of a day file; a nil message is a record
// that is not a message object. ok is false, and the file counted as a
// problem, when it cannot be read or is not a JSON array; err is ctx's
// error.
func (ex *export) readDay(ctx context.Context, f *zip.File) (msgs []*message, ok bool, err error) {
	if err := ctx.Err(); err != nil {
		return nil, false, err
	}
	data, ok := ex.readFile(f)
	if !ok {
		return nil, false, nil
	}
	err = json.Unmarshal(data, &msgs)
	var typeErr *json.UnmarshalTypeError
	switch {
	case err == nil:
		return msgs, true, nil
	case !errors.As(err, &typeErr):
		ex.syntaxProblem(f, data, err)
		return nil, false, nil
	}
	// Some record is not a message: decode them one by one to keep the
	// others. This is the slow path, so the common one decodes once.
	var raws []json.RawMessage
	if err := json.Unmarshal(data, &raws); err != nil {
		ex.syntaxProblem(f, data, err)
		return nil, false, nil
	}
	msgs = make([]*message, len(raws))
	for i, raw := range raws {
		var m message
		if json.Unmarshal(raw, &m) == nil {
			msgs[i] = &m
		}
	}
	return msgs, true, nil
}

// shape records in threads what the first pass needs of one message, and
// counts what it skips.
func (ex *export) shape(threads map[string]*thread, m *message) {
	if m == nil {
		ex.rep.Skip("bad_record")
		return
	}
	at, ok := parseTS(m.TS)
	if _, threadOK := parseTS(m.ThreadTS); !ok || (m.ThreadTS != "" && !threadOK) {
		ex.rep.Skip("bad_record")
		return
	}
	reason := ex.skipReason(m)
	r := roleOf(m)
	if reason != "" {
		ex.rep.Skip(reason)
	}
	switch r {
	case root:
		t := threadOf(threads, m.TS)
		if t.rootSeen {
			return
		}
		t.rootSeen = true
		if reason == "" && ex.plainText(m) == "" {
			ex.rep.Skip("empty")
			return
		}
		if reason == "" {
			t.asker = m.User
		}
	case reply:
		s := replyShape{ts: m.TS, at: at, user: m.User}
		if reason == "" {
			plain := ex.plainText(m)
			s.spoken = plain != ""
			if !s.spoken {
				ex.rep.Skip("empty")
			}
			if s.thanks = knowledge.Thanks(plain); s.thanks {
				s.credits = mentions(m.Text)
			}
			for _, re := range m.Reactions {
				if knowledge.CheckMark(re.Name) {
					s.checks = append(s.checks, re.Users...)
				}
			}
		}
		t := threadOf(threads, m.ThreadTS)
		t.replies = append(t.replies, s)
	}
}

func threadOf(threads map[string]*thread, ts string) *thread {
	t := threads[ts]
	if t == nil {
		t = &thread{}
		threads[ts] = t
	}
	return t
}

// decide turns thread shapes into the questions to import: threads started
// by a person and answered by someone else. It counts replies that belong
// to no importable thread.
func (ex *export) decide(threads map[string]*thread) map[string]*plan {
	plans := make(map[string]*plan)
	for ts, t := range threads {
		if !t.rootSeen {
			ex.rep.Orphans += len(t.replies)
			continue
		}
		if t.asker == "" {
			for _, r := range t.replies {
				if r.spoken {
					ex.rep.Skip("reply_to_skipped_root")
				}
			}
			continue
		}
		if p := decideThread(t); p != nil {
			plans[ts] = p
		}
	}
	return plans
}

// decideThread returns the plan of a thread with a person's root, or nil
// when nobody but the asker answered. An answer is accepted when the asker
// reacted to it with a check mark, or thanked right after it: the asker's
// next message in the thread thanks, crediting the latest answer since the
// asker last spoke, or the latest answer of each person the thanks
// mentions. Every such thanks also counts in Answer.Thanks.
func decideThread(t *thread) *plan {
	replies := t.replies
	slices.SortStableFunc(replies, func(a, b replyShape) int { return cmp.Compare(a.at.micros, b.at.micros) })
	replies = slices.CompactFunc(replies, func(a, b replyShape) bool { return a.ts == b.ts })

	p := &plan{verdicts: make(map[string]*verdict)}
	latest := make(map[string]*verdict) // each answerer's latest answer so far
	var sinceAsker *verdict             // the latest answer since the asker last spoke
	credit := func(v *verdict) {
		v.accepted = true
		v.thanks++
	}
	for _, r := range replies {
		switch {
		case r.user == t.asker && r.spoken:
			if r.thanks {
				credited := false
				for _, u := range r.credits {
					if v := latest[u]; v != nil {
						credit(v)
						credited = true
					}
				}
				if !credited && sinceAsker != nil {
					credit(sinceAsker)
				}
			}
			sinceAsker = nil
		case r.spoken:
			v := &verdict{accepted: slices.Contains(r.checks, t.asker)}
			p.verdicts[r.ts] = v
			latest[r.user] = v
			sinceAsker = v
		}
	}
	if len(p.verdicts) == 0 {
		return nil
	}
	p.remaining = len(p.verdicts)
	return p
}

// fill adds one message's text to the plans of the second pass, writing a
// question once its root and all its answers are read.
func (ex *export) fill(ctx context.Context, c *conversation, plans map[string]*plan, m *message) error {
	if m == nil {
		return nil
	}
	at, ok := parseTS(m.TS)
	if !ok {
		return nil
	}
	var p *plan
	switch roleOf(m) {
	case root:
		if p = plans[m.TS]; p == nil || (p.question != nil && p.question.ID != "") {
			return nil
		}
		q := knowledge.Question{
			ID:           "slack:" + c.ID + ":" + m.TS,
			Asker:        m.User,
			Conversation: c.ID,
			Thread:       m.TS,
			Text:         ex.plainText(m),
			Time:         at.time(),
			Addressed:    ex.mentioned(m.Text),
		}
		if p.question != nil {
			q.Answers = p.question.Answers
		}
		p.question = &q
	case reply:
		p = plans[m.ThreadTS]
		if p == nil {
			return nil
		}
		v := p.verdicts[m.TS]
		if v == nil || v.read {
			return nil
		}
		v.read = true
		p.remaining--
		// Answers read before their root wait in a question without text.
		if p.question == nil {
			p.question = &knowledge.Question{}
		}
		p.question.Answers = append(p.question.Answers, knowledge.Answer{
			ID:       "slack:" + c.ID + ":" + m.TS,
			Answerer: m.User,
			Text:     ex.plainText(m),
			Time:     at.time(),
			Accepted: v.accepted,
			Thanks:   v.thanks,
		})
	default:
		return nil
	}
	if p.remaining > 0 || p.question.ID == "" {
		return nil
	}
	delete(plans, p.question.Thread)
	return ex.emit(ctx, p)
}

// emit writes a planned question, after the people it names.
func (ex *export) emit(ctx context.Context, p *plan) error {
	q := *p.question
	if q.ID == "" {
		return nil
	}
	slices.SortStableFunc(q.Answers, func(a, b knowledge.Answer) int { return a.Time.Compare(b.Time) })
	if err := ex.ensurePerson(ctx, q.Asker); err != nil {
		return err
	}
	for _, a := range q.Answers {
		if err := ex.ensurePerson(ctx, a.Answerer); err != nil {
			return err
		}
	}
	return ex.w.AddQuestion(ctx, q)
}
