package bot

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/slack-go/slack"

	"github.com/nextdesk/nextdesk/blockkit"
	"github.com/nextdesk/nextdesk/digest"
	"github.com/nextdesk/nextdesk/i18n"
	"github.com/nextdesk/nextdesk/knowledge"
	"github.com/nextdesk/nextdesk/knowledge/desk"
)

// Block Kit limits Slack enforces (in characters); a message over them is
// refused whole, so every text built from what people wrote is clipped.
const (
	// maxQuoted is what of a question or answer is shown in a section,
	// leaving room for the words around it.
	maxQuoted = 2500
	// maxNotification bounds the text of a message, which Slack shows in
	// notifications.
	maxNotification = 300
)

// Action ids of the bot's buttons; the value carries the question, route
// or answer the click is about.
const (
	actionSolved   = "nextdesk_solved"    // an instant answer solves it; value: question id
	actionNeedHelp = "nextdesk_need_help" // an instant answer does not; value: question id
	actionTake     = "nextdesk_take"      // the expert takes it; value: route id
	actionPass     = "nextdesk_pass"      // the expert passes it on; value: route id
	actionAlready  = "nextdesk_already"   // the expert says it was answered before; value: route id
	actionAccept   = "nextdesk_accept"    // the asker accepts a reply; value: answer id
)

// Methods of the Slack calls that deliver notices, and a post to an
// interaction's response_url.
const (
	methodPost      = "chat.postMessage"
	methodEphemeral = "chat.postEphemeral"
	methodOpen      = "conversations.open"
	methodRespond   = "response_url"
)

// call is the Slack call that delivers one notice, as rendered.
type call struct {
	method string
	// channel, thread and user (of an ephemeral message) say where;
	// responseURL, for method respond, and replace to replace the message
	// clicked; users the members of a group DM to open.
	channel, thread, user string
	responseURL           string
	replace               bool
	users                 []string
	text                  string
	blocks                []slack.Block
	// none is set when the notice has nothing to say after all (a personal
	// digest with no new answer): it is done, and nothing is sent.
	none bool
}

// render turns a notice into the Slack call that delivers it, in its
// reader's language, resolving its links now.
func (o *Outbox) render(ctx context.Context, m desk.Outgoing) (call, error) {
	lang := o.langOf(ctx, m.Reader)
	c := o.address(m)
	switch b := m.Body.(type) {
	case desk.QuestionPosted:
		text := quoted(b.Text)
		c.text = i18n.Tr(lang, "ask.posted_text", "<@"+b.Asker+">", blockkit.OneLine(text, maxNotification))
		c.blocks = questionBlocks(lang, b.Asker, text)
	case desk.InstantAnswer:
		c.text = i18n.Tr(lang, "instant.text", blockkit.OneLine(b.Answer.Text, maxNotification))
		c.blocks = instantBlocks(lang, b.Question, b.Answer, o.link(ctx, m, b.Source))
	case desk.GroupDM:
		c.method, c.users = methodOpen, b.Members
	case desk.ExpertAsked:
		c.text = i18n.Tr(lang, "expert.text", b.Asker, blockkit.OneLine(quoted(b.Text), maxNotification))
		c.blocks = expertBlocks(lang, b, o.evidenceLinks(ctx, m, b.Evidence), o.link(ctx, m, b.Thread))
	case desk.AskerTold:
		c.text = toldText(lang, b)
	case desk.FallbackAsked:
		lang = o.cfg.Lang
		c.text = i18n.Tr(lang, "fallback.public_text", b.Asker)
		if b.Private {
			c.text = i18n.Tr(lang, "fallback.private", b.Asker)
		}
		c.blocks = fallbackBlocks(lang, b.Asker, quoted(b.Text), o.link(ctx, m, b.Thread), b.Private)
	case desk.AnswerCheck:
		c.text = i18n.Tr(lang, "route.solved_prompt", b.Answerer)
		c.blocks = acceptBlocks(lang, b.Answerer, b.Answer)
	case desk.Reply:
		c.text = o.replyText(ctx, lang, m, b)
		if b.Settle != "" && c.method == methodRespond {
			if card, ok := o.settled(ctx, b.Settle, c.text); ok {
				c.replace, c.blocks = true, card
			}
		}
	case desk.Profile:
		p, err := o.profile(ctx, lang, m, b)
		if err != nil {
			return call{}, err
		}
		c.text = i18n.Tr(lang, "desk.me_text", b.Stats.Answers, b.Routes)
		c.blocks = profileBlocks(lang, p)
	case desk.Digest:
		return o.renderDigest(ctx, c, b)
	default:
		return call{}, permanentError{fmt.Errorf("notice %s cannot be read (%s)", m.Key, m.Error)}
	}
	return c, nil
}

// address is where m goes, as a Slack call of the right method.
func (o *Outbox) address(m desk.Outgoing) call {
	to := m.To
	if to.Reply != "" {
		if !to.Until.IsZero() && o.cfg.Now().After(to.Until) && m.Reader != "" {
			// Too late for the reply address: to the person directly.
			return call{method: methodPost, channel: m.Reader}
		}
		return call{method: methodRespond, responseURL: to.Reply}
	}
	c := call{method: methodPost, channel: slackChannel(to.Conversation), thread: to.Thread}
	if c.channel == "" {
		c.channel = m.AfterChannel
	}
	if to.InThread {
		c.thread = m.AfterTS
	}
	if to.Only != "" {
		c.method, c.user = methodEphemeral, to.Only
	}
	return c
}

// slackChannel is how chat.postMessage takes a conversation: an id as it
// is, a name with its '#'.
func slackChannel(c string) string {
	if c == "" || strings.HasPrefix(c, "#") || strings.ToUpper(c) == c {
		return c
	}
	return "#" + c
}

// mention is how a message names a channel: a link for an id, its name
// otherwise.
func mention(channel string) string {
	if looksLikeID(channel) {
		return "<#" + channel + ">"
	}
	return "#" + strings.TrimPrefix(channel, "#")
}

// langOf is the language to write to person in: their Slack locale's when
// the bot speaks it, else the configured default.
func (o *Outbox) langOf(ctx context.Context, person string) string {
	if person == "" {
		return o.cfg.Lang
	}
	return i18n.LangOf(o.ws.person(ctx, person).Locale, o.cfg.Lang)
}

// link resolves l, for notice m, to a link to a Slack thread, or "" when
// l names no Slack message.
func (o *Outbox) link(ctx context.Context, m desk.Outgoing, l desk.Link) string {
	channel, ts := l.Conversation, l.Thread
	if l.Started {
		channel, ts = m.AfterChannel, m.AfterTS
	}
	if !looksLikeID(channel) || !validTS(ts) {
		return ""
	}
	return o.ws.permalink(ctx, channel, ts)
}

// evidence is a past question shown to an expert, with its link.
type evidence struct {
	Text, Link string
}

func (o *Outbox) evidenceLinks(ctx context.Context, m desk.Outgoing, ev []desk.Evidence) []evidence {
	out := make([]evidence, len(ev))
	for i, e := range ev {
		out[i] = evidence{Text: e.Text, Link: o.link(ctx, m, e.Thread)}
	}
	return out
}

// quoted is what a person wrote, in Slack markup.
func quoted(q desk.Quote) string {
	if q.Typed != "" {
		return q.Typed
	}
	return blockkit.Escape(q.Plain)
}

// settled is the card with key, shown again without its buttons and with
// note under it, for the reply to a click on it. It reports false when the
// card is no longer known (pruned, or from before cards had keys): the
// reply then leaves the card as it is.
func (o *Outbox) settled(ctx context.Context, key, note string) ([]slack.Block, bool) {
	card, err := o.store.Outgoing(ctx, key)
	if err != nil || card.Body == nil {
		o.log.Debug("the card clicked is unknown; replying without settling it", "card", key, "err", err)
		return nil, false
	}
	c, err := o.render(ctx, card)
	if err != nil || len(c.blocks) == 0 {
		return nil, false
	}
	var kept []slack.Block
	for _, bl := range c.blocks {
		if bl.BlockType() != slack.MBTAction {
			kept = append(kept, bl)
		}
	}
	return append(kept, blockkit.Context(note)), true
}

// toldText is what the asker is told of their question's course.
func toldText(lang string, t desk.AskerTold) string {
	switch t.What {
	case desk.ToldAsked:
		return i18n.Tr(lang, "route.asked", t.Expert)
	case desk.ToldAskedPrivately:
		return i18n.Tr(lang, "route.asked_private", t.Expert)
	case desk.ToldEscalated:
		return i18n.Tr(lang, "route.escalated", t.Previous, t.Expert)
	case desk.ToldPassed:
		return i18n.Tr(lang, "route.passed", t.Previous, t.Expert)
	case desk.ToldNobody:
		return i18n.Tr(lang, "route.none")
	case desk.ToldFallback:
		return i18n.Tr(lang, "route.none_fallback", mention(t.Fallback))
	case desk.ToldTaken:
		return i18n.Tr(lang, "route.taken", t.Expert)
	case desk.ToldAlready:
		return i18n.Tr(lang, "route.already", t.Expert)
	}
	return i18n.Tr(lang, "route.asked", t.Expert)
}

// replies are the messages of the replies that take no argument.
var replies = map[desk.Say]string{
	desk.SayUsage:         "ask.usage",
	desk.SayNotInChannel:  "ask.not_in_channel",
	desk.SayHelp:          "desk.help",
	desk.SayOnlyAsker:     "route.only_asker",
	desk.SayClosed:        "expert.closed",
	desk.SaySolved:        "instant.solved",
	desk.SayFindingExpert: "instant.need_help",
	desk.SayPassed:        "expert.passed",
	desk.SayAccepted:      "route.accepted",
	desk.SayOptedOut:      "desk.optout",
	desk.SayOptedIn:       "desk.optin",
	desk.SaySnoozeEnded:   "desk.snooze_off",
	desk.SayDigestOn:      "subscribe.on",
	desk.SayDigestOff:     "subscribe.off",
	desk.SayDigestUsage:   "subscribe.usage",
	desk.SayDigestIsOn:    "subscribe.status_on",
	desk.SayDigestIsOff:   "subscribe.status_off",
}

// replyText is what a reply says, in lang.
func (o *Outbox) replyText(ctx context.Context, lang string, m desk.Outgoing, r desk.Reply) string {
	switch r.Say {
	case desk.SayUnknown:
		return i18n.Tr(lang, "desk.unknown", blockkit.Clip(r.Detail, 30)) + "\n" + i18n.Tr(lang, "desk.help")
	case desk.SayError:
		return blockkit.Escape(r.Detail)
	case desk.SayNotYours:
		return i18n.Tr(lang, "expert.not_yours", r.Person)
	case desk.SayTook:
		return i18n.Tr(lang, "expert.took", r.Person, o.link(ctx, m, r.Link))
	case desk.SayAlready:
		return i18n.Tr(lang, "expert.already", o.link(ctx, m, r.Link))
	case desk.SaySnoozed:
		return i18n.Tr(lang, "desk.snoozed", slackDate(r.Until))
	case desk.SayBadDuration:
		return i18n.Tr(lang, "desk.snooze_bad", blockkit.Clip(r.Detail, 30))
	}
	if id, ok := replies[r.Say]; ok {
		return i18n.Tr(lang, id)
	}
	return i18n.Tr(lang, "desk.help")
}

// profile is what /nextdesk me shows, links resolved.
type profile struct {
	Stats    knowledge.AnswererStats
	Topics   []string
	Answered []string // recent questions they answered, as they may see them
	Waiting  []waiting
	Prefs    knowledge.Preferences
	Now      time.Time
	// HandOffs says what their direct answers saved the management chain;
	// empty without an org chart.
	HandOffs string
}

// waiting is a question waiting for an expert, with a link to its thread.
type waiting struct {
	Text, Link string
}

func (o *Outbox) profile(ctx context.Context, lang string, m desk.Outgoing, b desk.Profile) (profile, error) {
	p := profile{Stats: b.Stats, Topics: b.Topics, Answered: b.Answered, Prefs: b.Prefs, Now: b.Now}
	for _, w := range b.Waiting {
		p.Waiting = append(p.Waiting, waiting{Text: w.Text, Link: o.link(ctx, m, w.Thread)})
	}
	h, known, err := digest.HandOffsOf(ctx, o.store, b.Person)
	if err != nil {
		return profile{}, err
	}
	if known && h.Questions > 0 {
		p.HandOffs = h.TextForAnswerer(lang)
	}
	return p, nil
}

// renderDigest composes the digest of b now and renders it: the channel's
// in the workspace's language, a person's in theirs. A personal digest
// with nothing new is none.
func (o *Outbox) renderDigest(ctx context.Context, c call, b desk.Digest) (call, error) {
	week, err := digest.ParseWeek(b.Week)
	if err != nil {
		return call{}, permanentError{err}
	}
	loc := time.UTC
	if b.Zone != "" {
		if loc, err = time.LoadLocation(b.Zone); err != nil {
			return call{}, permanentError{fmt.Errorf("digest of %s: zone: %w", b.Week, err)}
		}
	}
	opts := digest.Options{Week: week, Location: loc, Viewer: knowledge.Anonymous, Links: o.ws}
	lang := o.cfg.Lang
	var d *digest.Digest
	if b.Person != "" {
		lang = o.langOf(ctx, b.Person)
		opts.Viewer = knowledge.Viewer{PersonID: b.Person}
		d, err = digest.ComposePersonal(ctx, o.store, b.Person, opts)
	} else {
		d, err = digest.Compose(ctx, o.store, opts)
	}
	if err != nil {
		return call{}, err
	}
	if d.Personal && d.Empty() {
		return call{none: true}, nil
	}
	c.text, c.blocks = digest.Summary(d, lang), digest.Blocks(d, lang)
	return c, nil
}

// Permalink returns the link to message ts in channel, for the digest.
func (w *Workspace) Permalink(ctx context.Context, channel, ts string) (string, error) {
	return w.api.GetPermalinkContext(ctx, &slack.PermalinkParameters{Channel: channel, Ts: ts})
}

// broadcasts are the mentions that notify a whole channel; a question
// quoted by the bot must not ping everyone again.
var broadcasts = strings.NewReplacer("<!channel>", "@channel", "<!here>", "@here", "<!everyone>", "@everyone")

// quote renders Slack text as a block quote, clipped, without broadcast
// mentions.
func quote(text string, n int) string {
	text = blockkit.Clip(broadcasts.Replace(strings.TrimSpace(text)), n)
	if text == "" {
		return ">"
	}
	return "> " + strings.ReplaceAll(text, "\n", "\n> ")
}

// slackDate renders t in the reader's own time zone and format, with a
// fallback for clients that cannot.
func slackDate(t time.Time) string {
	return fmt.Sprintf("<!date^%d^{date_short}|%s>", t.Unix(), t.UTC().Format("2006-01-02"))
}

// questionBlocks is the message that starts a question's thread in a
// channel: who asks, and what.
func questionBlocks(lang, asker, text string) []slack.Block {
	return []slack.Block{blockkit.Section(i18n.Tr(lang, "ask.posted", asker) + "\n" + quote(text, maxQuoted))}
}

// instantBlocks offers a past answer: what was answered, by whom, a link
// to where, and whether it solves the question.
func instantBlocks(lang, questionID string, a knowledge.Answer, link string) []slack.Block {
	source := i18n.Tr(lang, "instant.source_bare", a.Answerer, slackDate(a.Time))
	if link != "" {
		source = i18n.Tr(lang, "instant.source", a.Answerer, slackDate(a.Time), link)
	}
	return []slack.Block{
		blockkit.Section(i18n.Tr(lang, "instant.intro", a.Answerer) + "\n" + quote(blockkit.Escape(a.Text), maxQuoted)),
		blockkit.Context(source),
		blockkit.Actions("instant",
			blockkit.Button(actionSolved, questionID, i18n.Tr(lang, "button.solved"), "primary"),
			blockkit.Button(actionNeedHelp, questionID, i18n.Tr(lang, "button.need_help"), "")),
	}
}

// expertBlocks asks an expert: the question, why them (past questions they
// answered, as they may see them, each linked to its thread when known),
// where to answer, and what they will do.
func expertBlocks(lang string, b desk.ExpertAsked, ev []evidence, link string) []slack.Block {
	blocks := []slack.Block{
		blockkit.Header(i18n.Tr(lang, "expert.header")),
		blockkit.Section(i18n.Tr(lang, "expert.asks", b.Asker) + "\n" + quote(quoted(b.Text), maxQuoted)),
	}
	if len(ev) > 0 {
		var why strings.Builder
		why.WriteString(i18n.Tr(lang, "expert.why"))
		for _, e := range ev {
			why.WriteString("\n• " + blockkit.Escape(blockkit.OneLine(e.Text, 200)))
			if e.Link != "" {
				why.WriteString(" " + i18n.Tr(lang, "link.thread", e.Link))
			}
		}
		blocks = append(blocks, blockkit.Section(why.String()))
	}
	if link != "" {
		blocks = append(blocks, blockkit.Section(i18n.Tr(lang, "expert.link", link)))
	} else {
		// In a group DM the message itself starts the thread.
		blocks = append(blocks, blockkit.Context(i18n.Tr(lang, "expert.reply_here")))
	}
	id := fmt.Sprint(b.Route)
	return append(blocks, blockkit.Actions("route",
		blockkit.Button(actionTake, id, i18n.Tr(lang, "button.take"), "primary"),
		blockkit.Button(actionPass, id, i18n.Tr(lang, "button.pass"), ""),
		blockkit.Button(actionAlready, id, i18n.Tr(lang, "button.already"), "")))
}

// acceptBlocks asks the asker whether a reply solved their question.
func acceptBlocks(lang, answerer, answerID string) []slack.Block {
	return []slack.Block{
		blockkit.Section(i18n.Tr(lang, "route.solved_prompt", answerer)),
		blockkit.Actions("accept", blockkit.Button(actionAccept, answerID, i18n.Tr(lang, "button.accept"), "primary")),
	}
}

// fallbackBlocks asks a whole channel about a question no expert answered.
// A private question is not shown: only that its asker needs help.
func fallbackBlocks(lang, asker, text, link string, private bool) []slack.Block {
	switch {
	case private:
		return []slack.Block{blockkit.Section(i18n.Tr(lang, "fallback.private", asker))}
	case link != "":
		return []slack.Block{blockkit.Section(i18n.Tr(lang, "fallback.public", asker, link) + "\n" + quote(text, maxQuoted))}
	}
	return []slack.Block{blockkit.Section(i18n.Tr(lang, "fallback.public_text", asker) + "\n" + quote(text, maxQuoted))}
}

func profileBlocks(lang string, p profile) []slack.Block {
	blocks := []slack.Block{blockkit.Header(i18n.Tr(lang, "desk.me_header"))}
	if p.Stats.Answers == 0 {
		blocks = append(blocks, blockkit.Section(i18n.Tr(lang, "desk.me_none")))
	} else {
		blocks = append(blocks, blockkit.Section(i18n.Tr(lang, "desk.me_counts", p.Stats.Answers, p.Stats.Accepted, p.Stats.Thanks)))
	}
	if len(p.Topics) > 0 {
		blocks = append(blocks, blockkit.Section(i18n.Tr(lang, "desk.me_topics", blockkit.Escape(strings.Join(p.Topics, ", ")))))
	}
	if len(p.Answered) > 0 {
		var s strings.Builder
		s.WriteString(i18n.Tr(lang, "desk.me_answered"))
		for _, text := range p.Answered {
			s.WriteString("\n• " + blockkit.Escape(blockkit.OneLine(text, 150)))
		}
		blocks = append(blocks, blockkit.Section(s.String()))
	}
	if len(p.Waiting) == 0 {
		blocks = append(blocks, blockkit.Section(i18n.Tr(lang, "desk.me_no_waiting")))
	} else {
		var s strings.Builder
		s.WriteString(i18n.Tr(lang, "desk.me_waiting"))
		for _, w := range p.Waiting {
			s.WriteString("\n• " + blockkit.Escape(blockkit.OneLine(w.Text, 150)))
			if w.Link != "" {
				s.WriteString(" " + i18n.Tr(lang, "link.thread", w.Link))
			}
		}
		blocks = append(blocks, blockkit.Section(s.String()))
	}
	if p.HandOffs != "" {
		blocks = append(blocks, blockkit.Section(blockkit.Escape(p.HandOffs)))
	}
	switch {
	case p.Prefs.OptedOut:
		blocks = append(blocks, blockkit.Context(i18n.Tr(lang, "desk.me_optout")))
	case p.Prefs.Snoozed(p.Now):
		blocks = append(blocks, blockkit.Context(i18n.Tr(lang, "desk.me_snoozed", slackDate(p.Prefs.SnoozedUntil))))
	}
	return blocks
}
