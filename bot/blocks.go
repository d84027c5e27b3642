package bot

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strings"
	"time"

	"github.com/slack-go/slack"

	"github.com/nextdesk/nextdesk/blockkit"
	"github.com/nextdesk/nextdesk/i18n"
	"github.com/nextdesk/nextdesk/knowledge"
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

// threadLinkMark stands, in a message waiting for another to be posted,
// for the link to that other message; delivery replaces it.
const threadLinkMark = "nextdesk:thread-link"

// rawBlock is a block already in JSON, so a message stored in the outbox
// is sent exactly as it was built.
type rawBlock json.RawMessage

// BlockType satisfies slack.Block; slack-go only marshals the block.
func (rawBlock) BlockType() slack.MessageBlockType { return "raw" }

// ID satisfies slack.Block; the id, if any, is inside the JSON.
func (rawBlock) ID() string { return "" }

// MarshalJSON returns the block as stored.
func (r rawBlock) MarshalJSON() ([]byte, error) { return r, nil }

// blocksJSON encodes blocks for the outbox, dropping the ones past Slack's
// limit.
func blocksJSON(blocks []slack.Block) json.RawMessage {
	if len(blocks) > blockkit.MaxBlocks {
		blocks = blocks[:blockkit.MaxBlocks]
	}
	// Without HTML escaping, the stored blocks read as Slack shows them.
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(blocks); err != nil {
		// slack-go's block types always marshal; were one not to, the
		// message would still go out, as its text alone.
		return nil
	}
	return bytes.TrimSpace(buf.Bytes())
}

// decodeBlocks turns stored blocks back into what slack-go sends.
func decodeBlocks(raw json.RawMessage) ([]slack.Block, error) {
	var items []json.RawMessage
	if err := json.Unmarshal(raw, &items); err != nil {
		return nil, fmt.Errorf("decode blocks: %w", err)
	}
	blocks := make([]slack.Block, len(items))
	for i, it := range items {
		blocks[i] = rawBlock(it)
	}
	return blocks, nil
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
func instantBlocks(lang, questionID string, m knowledge.Match, link string) []slack.Block {
	source := i18n.Tr(lang, "instant.source_bare", m.Answer.Answerer, slackDate(m.Answer.Time))
	if link != "" {
		source = i18n.Tr(lang, "instant.source", m.Answer.Answerer, slackDate(m.Answer.Time), link)
	}
	return []slack.Block{
		blockkit.Section(i18n.Tr(lang, "instant.intro", m.Answer.Answerer) + "\n" + quote(blockkit.Escape(m.Answer.Text), maxQuoted)),
		blockkit.Context(source),
		blockkit.Actions("instant",
			blockkit.Button(actionSolved, questionID, i18n.Tr(lang, "button.solved"), "primary"),
			blockkit.Button(actionNeedHelp, questionID, i18n.Tr(lang, "button.need_help"), "")),
	}
}

// expertBlocks asks an expert: the question, why them (past questions they
// answered, as they may see them), where to answer, and what they will do.
func expertBlocks(lang string, routeID int64, asker, text string, evidence []knowledge.Evidence, link string) []slack.Block {
	blocks := []slack.Block{
		blockkit.Header(i18n.Tr(lang, "expert.header")),
		blockkit.Section(i18n.Tr(lang, "expert.asks", asker) + "\n" + quote(text, maxQuoted)),
	}
	if len(evidence) > 0 {
		var why strings.Builder
		why.WriteString(i18n.Tr(lang, "expert.why"))
		for _, e := range evidence {
			why.WriteString("\n• " + blockkit.Escape(blockkit.OneLine(e.Text, 200)))
		}
		blocks = append(blocks, blockkit.Section(why.String()))
	}
	if link != "" {
		blocks = append(blocks, blockkit.Section(i18n.Tr(lang, "expert.link", link)))
	} else {
		// In a group DM the message itself starts the thread.
		blocks = append(blocks, blockkit.Context(i18n.Tr(lang, "expert.reply_here")))
	}
	id := fmt.Sprint(routeID)
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

// profile is what /nextdesk me shows.
type profile struct {
	Stats    knowledge.AnswererStats
	Topics   []string
	Answered []knowledge.Question // recent questions they answered, as they may see them
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
		for _, q := range p.Answered {
			s.WriteString("\n• " + blockkit.Escape(blockkit.OneLine(q.SearchText(), 150)))
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
