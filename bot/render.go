package bot

import (
	"context"
	"fmt"
	"regexp"
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
	actionPick     = "nextdesk_pick"      // the expert picks the earlier thread that answers; value: route id, ":", question id
	// The person asks their next question in their DM with the bot
	// without their name, or takes that back; the value is unused: the
	// choice is the clicker's own.
	actionAskAnonymously  = "nextdesk_anon_next"
	actionCancelAnonymous = "nextdesk_anon_cancel"
)

// Methods of the Slack calls that deliver notices, and a post to an
// interaction's response_url.
const (
	methodPost      = "chat.postMessage"
	methodEphemeral = "chat.postEphemeral"
	methodOpen      = "conversations.open"
	methodRespond   = "response_url"
	methodUpdate    = "chat.update"
)

// call is the Slack call that delivers one notice, as rendered.
type call struct {
	method string
	// channel, thread and user (of an ephemeral message) say where, and
	// ts the message chat.update changes; responseURL, for method
	// respond, and replace to replace the message clicked; users the
	// members of a group DM to open.
	channel, thread, user, ts string
	responseURL               string
	replace                   bool
	users                     []string
	text                      string
	blocks                    []slack.Block
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
		if b.Asker == "" {
			c.text, c.blocks = anonymousQuestion(lang, text)
			break
		}
		c.text = i18n.Tr(lang, "ask.posted_text", "<@"+b.Asker+">", excerpt(text))
		c.blocks = questionBlocks(lang, b.Asker, text)
	case desk.InstantAnswer:
		c.text = i18n.Tr(lang, "instant.text", excerpt(blockkit.Escape(b.Answer.Text)))
		if b.PickedBy != "" {
			c.text = i18n.Tr(lang, "instant.picked_text", b.PickedBy, excerpt(blockkit.Escape(b.Answer.Text)))
		}
		c.blocks = instantBlocks(lang, b, o.link(ctx, m, b.Source))
	case desk.GroupDM:
		c.method, c.users = methodOpen, b.Members
	case desk.ExpertAsked:
		c.text = i18n.Tr(lang, "expert.text", b.Asker, excerpt(quoted(b.Text)))
		if b.Asker == "" {
			c.text = i18n.Tr(lang, "expert.text_anonymous", excerpt(quoted(b.Text)))
		}
		c.blocks = expertBlocks(lang, b, o.evidenceLinks(ctx, m, b.Evidence), o.link(ctx, m, b.Thread))
	case desk.AskerTold:
		c.text = toldText(lang, b)
		if b.Team != nil {
			c.text += " " + promiseSentence(lang, *b.Team)
		}
		c.blocks = o.withChoice(lang, c.text, b.Choice)
	case desk.FallbackAsked:
		lang = o.cfg.Lang
		why := gapText(lang, b.Gap, b.Asked)
		shared, err := o.shared(ctx, c.channel)
		if err != nil {
			return call{}, err
		}
		if shared {
			// People of another organisation read it: the question, said
			// in one of this organisation's channels, is not for them.
			b.Private, b.Text, b.Thread = true, desk.Quote{}, desk.Link{}
		}
		if b.Asker == "" {
			c.text, c.blocks = anonymousFallback(lang, why, quoted(b.Text), b.Thread.Known(), o.link(ctx, m, b.Thread))
			break
		}
		c.text = i18n.Tr(lang, "fallback.public_text", b.Asker, why)
		if b.Private {
			c.text = i18n.Tr(lang, "fallback.private", b.Asker, why)
		}
		c.blocks = fallbackBlocks(lang, b.Asker, why, quoted(b.Text), o.link(ctx, m, b.Thread), b.Private)
	case desk.Earlier:
		c.text = earlierIntro(lang, b.Asker)
		c.replace = c.method == methodRespond
		links := make([]string, len(b.Options))
		for i, opt := range b.Options {
			links[i] = o.link(ctx, m, opt.Thread)
		}
		c.blocks = earlierBlocks(lang, b, links)
	case desk.Reminder:
		c.text = i18n.Tr(lang, "reminder.text", b.Asker)
		if b.Asker == "" {
			c.text = i18n.Tr(lang, "reminder.text_anonymous")
		}
		c.blocks = reminderBlocks(lang, b, o.link(ctx, m, b.Thread))
	case desk.CardClosed:
		note := closedText(lang, b)
		card, ok := o.settled(ctx, desk.RouteKey(b.Route), note)
		if !ok {
			// The card is gone from the outbox: nothing to change.
			return call{none: true}, nil
		}
		c.method, c.channel, c.ts, c.thread, c.text, c.blocks = methodUpdate, m.AfterChannel, m.AfterTS, "", note, card
	case desk.AnswerCheck:
		c.text = i18n.Tr(lang, "route.solved_prompt", b.Answerer)
		c.blocks = acceptBlocks(lang, b.Answerer, b.Answer)
	case desk.Reply:
		c.text = o.replyText(ctx, lang, m, b)
		c.blocks = o.withChoice(lang, c.text, b.Choice)
		// Cancelled, the message that offered to cancel says so instead.
		c.replace = b.Say == desk.SayAnonymousCancelled && c.method == methodRespond
		if b.Settle != "" && c.method == methodRespond {
			if card, ok := o.settled(ctx, b.Settle, c.text); ok {
				if b.Say == desk.SayTook && b.Route != 0 {
					// The question is theirs now: they can still hand it
					// back.
					card = append(card, blockkit.Actions("route",
						blockkit.Button(actionPass, fmt.Sprint(b.Route), i18n.Tr(lang, "button.release"), "")))
				}
				c.replace, c.blocks = true, card
			}
		}
	case desk.Profile:
		p, err := o.profile(ctx, lang, m, b)
		if err != nil {
			return call{}, err
		}
		c.text = i18n.Trn(lang, "desk.me_text", b.Stats.Answers) + " " + i18n.Tr(lang, "desk.me_text_waiting", b.Routes)
		c.blocks = profileBlocks(lang, p)
	case desk.Digest:
		return o.renderDigest(ctx, c, b)
	case desk.TeamAsked:
		lang = o.cfg.Lang
		if err := o.keepInHouse(ctx, c.channel, &b.Private, &b.Text, &b.Thread); err != nil {
			return call{}, err
		}
		c.text, c.blocks = teamAskedBlocks(lang, b, o.link(ctx, m, b.Thread))
	case desk.PromiseDue:
		if b.To == desk.ToChannel {
			lang = o.cfg.Lang
			if err := o.keepInHouse(ctx, c.channel, &b.Private, &b.Text, &b.Thread); err != nil {
				return call{}, err
			}
		}
		c.text, c.blocks = promiseDueBlocks(lang, b, o.link(ctx, m, b.Thread))
	case desk.TeamsShown:
		c.text, c.blocks = teamsBlocks(lang, b)
	case desk.TeamReview:
		return o.renderReview(ctx, c, b)
	case desk.AnonymousReceipt:
		c.text, c.blocks = receiptBlocks(lang, b)
	case desk.Relayed:
		c.text, c.blocks = relayedBlocks(lang, b, o.link(ctx, m, b.Thread))
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
// otherwise, as plain text (a teams file may name a channel anyhow).
func mention(channel string) string {
	if looksLikeID(channel) {
		return "<#" + channel + ">"
	}
	return "#" + blockkit.Escape(strings.TrimPrefix(channel, "#"))
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

// evidence is a past question shown to an expert, with its link, and
// whether they asked it (someone else answered) rather than answered it.
type evidence struct {
	Text, Link string
	Asked      bool
}

func (o *Outbox) evidenceLinks(ctx context.Context, m desk.Outgoing, ev []desk.Evidence) []evidence {
	out := make([]evidence, len(ev))
	for i, e := range ev {
		out[i] = evidence{Text: e.Text, Link: o.link(ctx, m, e.Thread), Asked: e.Asked}
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

// closedText says why an expert's card no longer waits for them.
func closedText(lang string, b desk.CardClosed) string {
	switch {
	case b.Why == desk.ClosedAnswered && b.By != "":
		return i18n.Tr(lang, "closed.answered", b.By)
	case b.Why == desk.ClosedSolved:
		return i18n.Tr(lang, "closed.solved")
	case b.Why == desk.ClosedPassedOn && b.By != "":
		return i18n.Tr(lang, "closed.passed_on", b.By)
	case b.Why == desk.ClosedPassedOn:
		return i18n.Tr(lang, "closed.passed_nobody")
	}
	return i18n.Tr(lang, "expert.closed")
}

// gapText says why nobody answers a question asked experts asked.
func gapText(lang string, gap desk.Gap, asked int) string {
	switch gap {
	case desk.GapNobodyKnown, desk.GapNobodyAvailable:
		return i18n.Tr(lang, "gap."+string(gap))
	case desk.GapAllPassed, desk.GapTimedOut, desk.GapNoAnswer:
		return i18n.Trn(lang, "gap."+string(gap), asked)
	}
	// A notice recorded before gaps were told.
	return i18n.Tr(lang, "gap.unknown")
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
	case desk.ToldReleased:
		return i18n.Tr(lang, "route.released", t.Previous, t.Expert)
	case desk.ToldNobody:
		return gapText(lang, t.Gap, t.Asked) + " " + i18n.Tr(lang, "route.gap_noted")
	case desk.ToldFallback:
		return gapText(lang, t.Gap, t.Asked) + " " + i18n.Tr(lang, "route.gap_fallback", mention(t.Fallback))
	case desk.ToldTaken:
		return i18n.Tr(lang, "route.taken", t.Expert)
	}
	return i18n.Tr(lang, "route.asked", t.Expert)
}

// replies are the messages of the replies that take no argument.
var replies = map[desk.Say]string{
	desk.SayNotInChannel:  "ask.not_in_channel",
	desk.SayOnlyAsker:     "route.only_asker",
	desk.SayClosed:        "expert.closed",
	desk.SaySolved:        "instant.solved",
	desk.SayFindingExpert: "instant.need_help",
	desk.SayPassed:        "expert.passed",
	desk.SayAccepted:      "route.accepted",
	desk.SayNoEarlier:     "expert.no_earlier",
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
	if text, ok := anonymousReply(lang, r); ok {
		return text
	}
	if text, ok := teamReply(lang, r); ok {
		return text
	}
	switch r.Say {
	case desk.SayUnknown:
		return i18n.Tr(lang, "desk.unknown", blockkit.Clip(r.Detail, 30)) + "\n" + helpText(lang, o.cfg.AnonymousOff)
	case desk.SayHelp:
		return helpText(lang, o.cfg.AnonymousOff)
	case desk.SayUsage:
		if o.cfg.AnonymousOff {
			return i18n.Tr(lang, "ask.usage_named")
		}
		return i18n.Tr(lang, "ask.usage")
	case desk.SayError:
		return blockkit.Escape(r.Detail)
	case desk.SayNotYours:
		return i18n.Tr(lang, "expert.not_yours", r.Person)
	case desk.SayTook:
		if r.Person == "" {
			return i18n.Tr(lang, "expert.took_anonymous", o.link(ctx, m, r.Link))
		}
		return i18n.Tr(lang, "expert.took", r.Person, o.link(ctx, m, r.Link))
	case desk.SayPicked:
		if r.Person == "" {
			return i18n.Tr(lang, "expert.picked_anonymous")
		}
		return i18n.Tr(lang, "expert.picked", r.Person)
	case desk.SaySnoozed:
		return i18n.Tr(lang, "desk.snoozed", slackDate(r.Until))
	case desk.SayBadDuration:
		return i18n.Tr(lang, "desk.snooze_bad", blockkit.Clip(r.Detail, 30))
	}
	if id, ok := replies[r.Say]; ok {
		return i18n.Tr(lang, id)
	}
	return helpText(lang, o.cfg.AnonymousOff)
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
	opts := digest.Options{Week: week, Location: loc, Viewer: knowledge.Anonymous, Links: o.ws, Terms: o.cfg.Terms}
	lang := o.cfg.Lang
	if b.Person == "" {
		shared, err := o.shared(ctx, c.channel)
		if err != nil {
			return call{}, err
		}
		if shared {
			return call{}, permanentError{fmt.Errorf("the digest of %s is not posted to %s: it is shared with another organisation, whose people may not read the organisation's knowledge", b.Week, c.channel)}
		}
	}
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

// broadcast matches the mentions that notify a whole channel, with or
// without a label (<!here>, <!channel|@channel>): what someone wrote, the
// bot quotes or sums up without notifying everyone again.
var broadcast = regexp.MustCompile(`<!(here|channel|everyone)(\|[^>]*)?>`)

// defused is Slack text with its broadcast mentions as plain words.
func defused(text string) string { return broadcast.ReplaceAllString(text, "@$1") }

// excerpt is Slack text on one line, clipped, without broadcast mentions:
// what someone wrote, in the text of a message, which notifications show.
func excerpt(text string) string { return blockkit.OneLine(defused(text), maxNotification) }

// quote renders Slack text as a block quote, clipped, without broadcast
// mentions.
func quote(text string, n int) string {
	text = blockkit.Clip(defused(strings.TrimSpace(text)), n)
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

// instantBlocks offers a past answer: what was answered, by whom (and
// which expert pointed to it), a link to where, and whether it solves the
// question.
func instantBlocks(lang string, b desk.InstantAnswer, link string) []slack.Block {
	a, questionID := b.Answer, b.Question
	source := i18n.Tr(lang, "instant.source_bare", a.Answerer, slackDate(a.Time))
	if link != "" {
		source = i18n.Tr(lang, "instant.source", a.Answerer, slackDate(a.Time), link)
	}
	intro := i18n.Tr(lang, "instant.intro", a.Answerer)
	if b.PickedBy != "" {
		intro = i18n.Tr(lang, "instant.picked_intro", b.PickedBy)
	}
	return []slack.Block{
		blockkit.Section(intro + "\n" + quote(blockkit.Escape(a.Text), maxQuoted)),
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
		blockkit.Section(asks(lang, b.Asker) + "\n" + quote(quoted(b.Text), maxQuoted)),
	}
	if len(ev) > 0 {
		blocks = append(blocks, blockkit.Section(whyYou(lang, ev)))
	}
	if link != "" {
		blocks = append(blocks, blockkit.Section(i18n.Tr(lang, "expert.link", link)))
	} else {
		// In a group DM the message itself starts the thread.
		blocks = append(blocks, blockkit.Context(i18n.Tr(lang, "expert.reply_here")))
	}
	if b.Team != "" {
		blocks = append(blocks, blockkit.Context(expertTeam(lang, b)))
	}
	if b.Asker == "" {
		blocks = append(blocks, blockkit.Context(i18n.Tr(lang, "expert.relayed")))
	}
	id := fmt.Sprint(b.Route)
	return append(blocks, blockkit.Actions("route",
		blockkit.Button(actionTake, id, i18n.Tr(lang, "button.take"), "primary"),
		blockkit.Button(actionPass, id, i18n.Tr(lang, "button.pass"), ""),
		blockkit.Button(actionAlready, id, i18n.Tr(lang, "button.already"), "")))
}

// whyYou lists the past questions that make an expert the person to ask:
// those they answered, then those they asked and someone else answered
// (they read what solved it), each under its own heading.
func whyYou(lang string, ev []evidence) string {
	var answered, asked []evidence
	for _, e := range ev {
		if e.Asked {
			asked = append(asked, e)
		} else {
			answered = append(answered, e)
		}
	}
	var why strings.Builder
	list := func(heading string, es []evidence) {
		why.WriteString(heading)
		for _, e := range es {
			why.WriteString("\n• " + blockkit.Escape(blockkit.OneLine(e.Text, 200)))
			if e.Link != "" {
				why.WriteString(" " + i18n.Tr(lang, "link.thread", e.Link))
			}
		}
	}
	switch {
	case len(asked) == 0:
		list(i18n.Tr(lang, "expert.why"), answered)
	case len(answered) == 0:
		list(i18n.Tr(lang, "expert.why_asked"), asked)
	default:
		list(i18n.Tr(lang, "expert.why"), answered)
		why.WriteString("\n")
		list(i18n.Tr(lang, "expert.also_asked"), asked)
	}
	return why.String()
}

// earlierBlocks offers an expert the earlier threads that may answer the
// question, each with its answer, a link (links, in the order of the
// options) and a button to pick it; the card's other choices stay below.
func earlierBlocks(lang string, b desk.Earlier, links []string) []slack.Block {
	blocks := []slack.Block{
		blockkit.Section(asks(lang, b.Asker) + "\n" + quote(quoted(b.Text), maxQuoted)),
		blockkit.Section(earlierIntro(lang, b.Asker)),
	}
	for i, opt := range b.Options {
		text := "*" + blockkit.Escape(blockkit.OneLine(opt.Text, 200)) + "*\n" +
			quote(blockkit.Escape(blockkit.OneLine(opt.Answer.Text, 300)), 400) + "\n" +
			i18n.Tr(lang, "earlier.by", opt.Answer.Answerer, slackDate(opt.Answer.Time))
		if link := links[i]; link != "" {
			text += " · " + i18n.Tr(lang, "link.thread", link)
		}
		value := fmt.Sprintf("%d:%s", b.Route, opt.Question)
		blocks = append(blocks, blockkit.SectionWithButton(text,
			blockkit.Button(actionPick, value, i18n.Tr(lang, "button.pick"), pickStyle(i))))
	}
	id := fmt.Sprint(b.Route)
	return append(blocks,
		blockkit.Context(i18n.Tr(lang, "earlier.none_fits")),
		blockkit.Actions("route",
			blockkit.Button(actionTake, id, i18n.Tr(lang, "button.take"), ""),
			blockkit.Button(actionPass, id, i18n.Tr(lang, "button.pass"), "")))
}

// pickStyle makes the best match's button the primary one.
func pickStyle(i int) string {
	if i == 0 {
		return "primary"
	}
	return ""
}

// reminderBlocks reminds an expert of a question they took: what, since
// when, where to answer, and what happens next.
func reminderBlocks(lang string, b desk.Reminder, link string) []slack.Block {
	blocks := []slack.Block{
		blockkit.Section(reminderIntro(lang, b) + "\n" + quote(quoted(b.Text), maxQuoted)),
	}
	if link != "" {
		blocks = append(blocks, blockkit.Section(i18n.Tr(lang, "expert.link", link)))
	}
	if b.Promise != nil && b.Promise.Any() {
		blocks = append(blocks, blockkit.Context(reminderPromise(lang, *b.Promise)))
	}
	next := i18n.Tr(lang, "reminder.again")
	if b.Last {
		next = i18n.Tr(lang, "reminder.last", slackDateTime(b.Next))
	}
	return append(blocks, blockkit.Context(next))
}

// slackDateTime renders t as a date and time in the reader's own time
// zone, with a fallback for clients that cannot.
func slackDateTime(t time.Time) string {
	return fmt.Sprintf("<!date^%d^{date_short} {time}|%s>", t.Unix(), t.UTC().Format("2006-01-02 15:04 UTC"))
}

// acceptBlocks asks the asker whether a reply solved their question.
func acceptBlocks(lang, answerer, answerID string) []slack.Block {
	return []slack.Block{
		blockkit.Section(i18n.Tr(lang, "route.solved_prompt", answerer)),
		blockkit.Actions("accept", blockkit.Button(actionAccept, answerID, i18n.Tr(lang, "button.accept"), "primary")),
	}
}

// fallbackBlocks asks a whole channel about a question no expert answered,
// saying why (why). A private question is not shown: only that its asker
// needs help.
func fallbackBlocks(lang, asker, why, text, link string, private bool) []slack.Block {
	switch {
	case private:
		return []slack.Block{blockkit.Section(i18n.Tr(lang, "fallback.private", asker, why))}
	case link != "":
		return []slack.Block{blockkit.Section(i18n.Tr(lang, "fallback.public", asker, why, link) + "\n" + quote(text, maxQuoted))}
	}
	return []slack.Block{blockkit.Section(i18n.Tr(lang, "fallback.public_text", asker, why) + "\n" + quote(text, maxQuoted))}
}

func profileBlocks(lang string, p profile) []slack.Block {
	blocks := []slack.Block{blockkit.Header(i18n.Tr(lang, "desk.me_header"))}
	if p.Stats.Answers == 0 {
		blocks = append(blocks, blockkit.Section(i18n.Tr(lang, "desk.me_none")))
	} else {
		blocks = append(blocks, blockkit.Section(i18n.Tr(lang, "desk.me_counts",
			i18n.Trn(lang, "desk.me_answers", p.Stats.Answers),
			i18n.Trn(lang, "desk.me_accepted", p.Stats.Accepted),
			i18n.Trn(lang, "desk.me_thanks", p.Stats.Thanks))))
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

// keepInHouse leaves a question out of a message to channel when the
// channel is shared with another organisation (as for the fallback
// channel): its text and thread, said in one of this organisation's
// conversations, are not for them.
func (o *Outbox) keepInHouse(ctx context.Context, channel string, private *bool, text *desk.Quote, thread *desk.Link) error {
	shared, err := o.shared(ctx, channel)
	if shared {
		*private, *text, *thread = true, desk.Quote{}, desk.Link{}
	}
	return err
}

// shared reports whether channel, named by id, is shared with another
// organisation (Slack Connect). A channel Slack does not show the bot is
// not (posting there fails anyway); a channel named by name is not
// checked. It returns Slack's other errors, for the delivery to be tried
// again: nothing is posted on a guess.
func (o *Outbox) shared(ctx context.Context, channel string) (bool, error) {
	if !looksLikeID(channel) {
		return false, nil
	}
	c, _, err := o.ws.Conversation(ctx, channel, false)
	if knowledge.ErrorCode(err) == knowledge.ENOTFOUND {
		return false, nil
	}
	return c.Shared, err
}
