package bot

import (
	"context"
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/nextdesk/nextdesk/blockkit"
	"github.com/nextdesk/nextdesk/i18n"
	"github.com/nextdesk/nextdesk/knowledge"
	"github.com/nextdesk/nextdesk/knowledge/sqlite"
	"github.com/nextdesk/nextdesk/mrkdwn"
)

// question is a question being asked, as read from Slack, before anything
// is written.
type question struct {
	asker knowledge.Person
	lang  string
	// raw is the question as typed, in Slack markup, for display.
	raw  string
	conv knowledge.Conversation // where it is asked: who may see it
	q    knowledge.Question
	ask  knowledge.Ask
	// post is set when the bot posts the question to start its thread
	// (/ask in a channel).
	post bool
	// respond is the response_url of /ask in a DM, where a private instant
	// answer goes.
	respond string
}

// newQuestion prepares a question from what a person typed. It returns
// false when there is nothing to ask.
func (b *Bot) newQuestion(asker knowledge.Person, raw string) (question, bool) {
	raw = strings.TrimSpace(raw)
	plain := mrkdwn.ToPlain(raw, nil)
	if plain == "" || strings.EqualFold(plain, "help") || strings.EqualFold(plain, "aide") {
		return question{}, false
	}
	return question{
		asker: asker,
		lang:  b.langOf(asker),
		raw:   raw,
		q:     knowledge.Question{Asker: asker.ID, Text: plain, Lang: knowledge.DetectLang(plain)},
		ask:   knowledge.Ask{Asker: asker.ID},
	}, true
}

// askQuestion answers a new question from knowledge when a past answer is
// sure enough, or routes it to an expert, or records it as unanswered
// when nobody fits. The reads (search, ranking, presence) come first; then
// one transaction records the question and everything to send.
func (b *Bot) askQuestion(ctx context.Context, in Inbound, qs question) error {
	match, link, err := b.sureMatch(ctx, qs.q, qs.conv)
	if err != nil {
		return err
	}
	var c *choice
	threadLink := ""
	if match == nil {
		if c, err = b.chooseExpert(ctx, qs.q, nil); err != nil {
			return err
		}
		if c != nil && !qs.ask.Private && qs.ask.Thread != "" {
			threadLink = b.permalink(ctx, qs.ask.Channel, qs.ask.Thread)
		}
	}
	return b.commit(ctx, in.Key, func(tx *sqlite.BotTx, t *tally) error {
		if err := tx.UpsertConversation(ctx, qs.conv); err != nil {
			return err
		}
		if err := tx.AddQuestion(ctx, qs.q); err != nil {
			return err
		}
		t.questions++
		a := qs.ask
		if match != nil {
			a.Status, a.Offered = knowledge.StatusOffered, match.Answer.ID
		}
		if err := tx.AddAsk(ctx, a); err != nil {
			return err
		}
		if qs.post {
			_, err := enqueue(ctx, tx, threadKey(a.QuestionID), methodPost, outgoing{
				Channel: a.Channel,
				Text:    i18n.Tr(qs.lang, "ask.posted_text", "<@"+a.Asker+">", blockkit.OneLine(qs.raw, maxNotification)),
				Blocks:  blocksJSON(questionBlocks(qs.lang, a.Asker, qs.raw)),
			}, 0, sqlite.Place{QuestionID: a.QuestionID, Thread: true})
			if err != nil {
				return err
			}
		}
		switch {
		case match != nil:
			t.instant++
			return b.offer(ctx, tx, in.Key, qs, a, *match, link)
		case c != nil:
			_, err := b.route(ctx, tx, routeStep{key: in.Key, ask: a, text: qs.raw, asker: qs.lang, choice: c, link: threadLink}, t)
			return err
		}
		return b.giveUp(ctx, tx, in.Key, a, qs.raw, qs.lang, threadLink, t)
	})
}

// offer writes the instant answer: in the question's thread, or through
// the slash command's response_url for /ask in a DM.
func (b *Bot) offer(ctx context.Context, tx *sqlite.BotTx, key string, qs question, a knowledge.Ask, m knowledge.Match, link string) error {
	text := i18n.Tr(qs.lang, "instant.text", blockkit.OneLine(m.Answer.Text, maxNotification))
	blocks := blocksJSON(instantBlocks(qs.lang, a.QuestionID, m, link))
	if qs.respond != "" {
		_, err := enqueue(ctx, tx, key+"/instant", methodRespond, outgoing{ResponseURL: qs.respond, Text: text, Blocks: blocks}, 0, sqlite.Place{})
		return err
	}
	thread, err := threadOf(ctx, tx, a)
	if err != nil {
		return err
	}
	return thread.post(ctx, tx, key+"/instant", text, blocks)
}

// sureMatch returns the past answer to give at once, if one is sure
// enough and may be shown where the question is asked, with a link to
// where it was given.
func (b *Bot) sureMatch(ctx context.Context, q knowledge.Question, place knowledge.Conversation) (*knowledge.Match, string, error) {
	matches, err := b.engine.Similar(ctx, q, knowledge.Viewer{PersonID: q.Asker})
	if err != nil {
		return nil, "", err
	}
	shown := b.inPlace(ctx, matches, place)
	if len(shown) == 0 || !shown[0].Sure {
		return nil, "", nil
	}
	m := shown[0]
	link := ""
	if looksLikeID(m.Question.Conversation) && validTS(m.Question.Thread) {
		link = b.permalink(ctx, m.Question.Conversation, m.Question.Thread)
	}
	return &m, link, nil
}

// askCommand handles /ask: usage when there is no question; in a channel
// the bot is in, the question is posted there and answered in its thread;
// in a DM, it is a private question.
func (b *Bot) askCommand(ctx context.Context, in Inbound) error {
	cmd := in.Command
	asker := b.person(ctx, cmd.UserID)
	lang := b.langOf(asker)
	qs, ok := b.newQuestion(asker, cmd.Text)
	if !ok {
		return b.respond(ctx, in, cmd.ResponseURL, i18n.Tr(lang, "ask.usage"), nil, false)
	}
	qs.q.ID = "ask:" + in.Key
	qs.q.Time = b.now()
	qs.ask.QuestionID = qs.q.ID

	private := isDM(cmd.ChannelID) || cmd.ChannelName == "directmessage"
	if !private {
		conv, member, err := b.conversation(ctx, cmd.ChannelID, true)
		switch {
		case knowledge.ErrorCode(err) == knowledge.ENOTFOUND && cmd.ChannelName == "mpdm":
			// A group DM without the bot: nowhere to post, so private.
			private = true
		case knowledge.ErrorCode(err) == knowledge.ENOTFOUND || err == nil && !member:
			return b.respond(ctx, in, cmd.ResponseURL, i18n.Tr(lang, "ask.not_in_channel"), nil, false)
		case err != nil:
			return err
		default:
			qs.conv, qs.post = conv, true
			qs.q.Conversation, qs.ask.Channel = conv.ID, conv.ID
		}
	}
	if private {
		// The question belongs to the asker alone until an expert joins
		// it in a group DM.
		qs.conv = knowledge.Conversation{ID: "nextdesk:private:" + asker.ID, Kind: knowledge.KindDM, Members: []string{asker.ID}}
		qs.q.Conversation = qs.conv.ID
		qs.ask.Private, qs.respond = true, cmd.ResponseURL
	}
	return b.askQuestion(ctx, in, qs)
}

// mentionRE matches a user mention in Slack markup.
var mentionRE = regexp.MustCompile(`<@([UW][A-Z0-9]+)(?:\|[^>]*)?>`)

// withoutMention removes the mentions of user from text.
func withoutMention(text, user string) string {
	return strings.TrimSpace(mentionRE.ReplaceAllStringFunc(text, func(m string) string {
		if mentionRE.FindStringSubmatch(m)[1] == user {
			return ""
		}
		return m
	}))
}

// validTS reports whether ts looks like a Slack message timestamp.
func validTS(ts string) bool {
	sec, frac, ok := strings.Cut(ts, ".")
	if !ok || sec == "" || frac == "" {
		return false
	}
	_, err1 := strconv.ParseUint(sec, 10, 63)
	_, err2 := strconv.ParseUint(frac, 10, 63)
	return err1 == nil && err2 == nil
}

// tsTime is the time of a Slack timestamp, or the zero time for a
// malformed one.
func tsTime(ts string) time.Time {
	if !validTS(ts) {
		return time.Time{}
	}
	sec, frac, _ := strings.Cut(ts, ".")
	s, _ := strconv.ParseInt(sec, 10, 64)
	frac = (frac + "000000")[:6]
	us, _ := strconv.ParseInt(frac, 10, 64)
	return time.Unix(s, us*1000).UTC()
}

// respond answers a slash command or a click through its response_url,
// as a message only the person sees; replace replaces the message clicked.
func (b *Bot) respond(ctx context.Context, in Inbound, url, text string, blocks []byte, replace bool) error {
	if url == "" {
		b.log.Debug("nowhere to reply: no response_url", "key", in.Key)
		return nil
	}
	return b.commit(ctx, in.Key, func(tx *sqlite.BotTx, _ *tally) error {
		_, err := enqueue(ctx, tx, in.Key+"/respond", methodRespond, outgoing{ResponseURL: url, Text: text, Blocks: blocks, Replace: replace}, 0, sqlite.Place{})
		return err
	})
}
