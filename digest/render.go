package digest

import (
	"fmt"
	"strings"

	"github.com/slack-go/slack"

	"github.com/nextdesk/nextdesk/blockkit"
	"github.com/nextdesk/nextdesk/i18n"
	"github.com/nextdesk/nextdesk/knowledge"
)

// Block Kit limits (in characters) that Slack enforces: a message over any
// of them is refused whole, so every text built from what people wrote is
// clipped, and the blocks are capped.
const (
	// What of a question and of an answer an item shows.
	maxQuestion = 150
	maxExcerpt  = 200
)

// Blocks renders d as a Block Kit message in lang: at most 50 blocks, every
// text within Slack's limits. An empty week renders as one short section.
func Blocks(d *Digest, lang string) []slack.Block {
	span := dateRange(lang, d.From, d.To.AddDate(0, 0, -1))
	if d.Empty() {
		return []slack.Block{blockkit.Section(emptyText(d, lang, span))}
	}
	if d.Personal {
		blocks := []slack.Block{
			blockkit.Header(i18n.Tr(lang, "personal.header", span)),
			blockkit.Section(i18n.Tr(lang, "personal.intro")),
		}
		blocks = append(blocks, knowledgeBlocks(lang, d.Knowledge)...)
		blocks = appendMore(blocks, lang, d.MoreKnowledge)
		return capBlocks(blocks, lang)
	}
	context := "digest.context_private"
	if d.Public {
		context = "digest.context"
	}
	blocks := []slack.Block{
		blockkit.Header(i18n.Tr(lang, "digest.header", span)),
		blockkit.Context(i18n.Tr(lang, context, d.Week)),
		blockkit.Section(figuresText(lang, d.Figures, true)),
		slack.NewDividerBlock(),
	}
	if len(d.Knowledge) > 0 {
		blocks = append(blocks, blockkit.Section(i18n.Tr(lang, "knowledge.title")))
		blocks = append(blocks, knowledgeBlocks(lang, d.Knowledge)...)
		blocks = appendMore(blocks, lang, d.MoreKnowledge)
		blocks = append(blocks, slack.NewDividerBlock())
	}
	if len(d.Unanswered) == 0 {
		blocks = append(blocks, blockkit.Section(i18n.Tr(lang, "unanswered.none")))
	} else {
		blocks = append(blocks, blockkit.Section(i18n.Tr(lang, "unanswered.title")))
		for _, it := range d.Unanswered {
			blocks = append(blocks, blockkit.Section(unansweredText(lang, it, true)))
		}
		blocks = appendMore(blocks, lang, d.MoreUnanswered)
	}
	blocks = append(blocks, slack.NewDividerBlock(), blockkit.Section(topicsText(lang, d, true)))
	if teams := teamsText(lang, d, true); teams != "" {
		blocks = append(blocks, slack.NewDividerBlock(), blockkit.Section(teams))
	}
	if len(d.Helpers) > 0 {
		blocks = append(blocks, slack.NewDividerBlock(), blockkit.Section(helpersText(lang, d, true)))
	}
	return capBlocks(blocks, lang)
}

// Summary is the message's plain text: what a notification shows, and what
// a client that cannot render blocks displays.
func Summary(d *Digest, lang string) string {
	span := dateRange(lang, d.From, d.To.AddDate(0, 0, -1))
	switch {
	case d.Empty():
		return emptyText(d, lang, span)
	case d.Personal:
		return i18n.Trn(lang, "personal.summary", len(d.Knowledge)+d.MoreKnowledge, span)
	}
	return i18n.Tr(lang, "digest.summary", span, i18n.Trn(lang, "digest.summary_asked", d.Figures.Asked), d.Figures.Answered)
}

// Text renders d as plain text for a terminal, in lang.
func Text(d *Digest, lang string) string {
	var b strings.Builder
	span := dateRange(lang, d.From, d.To.AddDate(0, 0, -1))
	if d.Empty() {
		return unbold(emptyText(d, lang, span) + "\n")
	}
	line := func(s string) { b.WriteString(s + "\n") }
	items := func(list []Item, more int, render func(Item) string) {
		for i, it := range list {
			text := strings.ReplaceAll(render(it), "\n", "\n      ")
			fmt.Fprintf(&b, "  %2d. %s\n", i+1, text)
			if it.Link != "" {
				fmt.Fprintf(&b, "      %s\n", dataText(it.Link, false))
			}
		}
		if more > 0 {
			line("      " + i18n.Trn(lang, "more", more))
		}
	}
	if d.Personal {
		line(i18n.Tr(lang, "personal.header", span))
		line(i18n.Tr(lang, "personal.intro"))
		items(d.Knowledge, d.MoreKnowledge, func(it Item) string { return knowledgeText(lang, it, false) })
		return unbold(b.String())
	}
	context := "digest.context_private"
	if d.Public {
		context = "digest.context"
	}
	line(i18n.Tr(lang, "digest.header", span))
	line(i18n.Tr(lang, context, d.Week))
	line("")
	line(figuresText(lang, d.Figures, false))
	if len(d.Knowledge) > 0 {
		line("")
		line(i18n.Tr(lang, "knowledge.title"))
		items(d.Knowledge, d.MoreKnowledge, func(it Item) string { return knowledgeText(lang, it, false) })
	}
	line("")
	if len(d.Unanswered) == 0 {
		line(i18n.Tr(lang, "unanswered.none"))
	} else {
		line(i18n.Tr(lang, "unanswered.title"))
		items(d.Unanswered, d.MoreUnanswered, func(it Item) string { return unansweredText(lang, it, false) })
	}
	line("")
	line(topicsText(lang, d, false))
	if teams := teamsText(lang, d, false); teams != "" {
		line("")
		line(teams)
	}
	if len(d.Helpers) > 0 {
		line("")
		line(helpersText(lang, d, false))
	}
	return unbold(b.String())
}

// emptyText is the one short message of an empty digest.
func emptyText(d *Digest, lang, span string) string {
	if d.Personal {
		return i18n.Tr(lang, "personal.empty", span)
	}
	return i18n.Tr(lang, "digest.empty", span)
}

func figuresText(lang string, f Figures, mrkdwn bool) string {
	first := []string{i18n.Trn(lang, "figures.asked", f.Asked)}
	if f.Anonymous > 0 {
		first = append(first, i18n.Trn(lang, "figures.anonymous", f.Anonymous))
	}
	first = append(first, i18n.Tr(lang, "figures.answered", f.Answered))
	if f.Answered > 0 && f.MedianToAnswer > 0 {
		first = append(first, i18n.Tr(lang, "figures.median", duration(lang, f.MedianToAnswer)))
	}
	lines := []string{i18n.Tr(lang, "figures.title"), strings.Join(first, " · ")}
	if f.Bot != nil {
		lines = append(lines, strings.Join([]string{
			i18n.Trn(lang, "figures.instant", f.Bot.Instant),
			i18n.Trn(lang, "figures.straight", f.Bot.Straight),
			i18n.Trn(lang, "figures.escalations", f.Bot.Escalations),
		}, " · "))
	}
	if f.HandOffs != nil && f.HandOffs.Questions > 0 {
		lines = append(lines, f.HandOffs.Text(lang))
	}
	sep := "\n"
	if !mrkdwn {
		sep = "\n  "
	}
	return strings.Join(lines, sep)
}

func knowledgeBlocks(lang string, items []Item) []slack.Block {
	blocks := make([]slack.Block, 0, len(items))
	for _, it := range items {
		blocks = append(blocks, blockkit.Section(knowledgeText(lang, it, true)))
	}
	return blocks
}

// knowledgeText renders an answered question: the question (linked to its
// thread), an excerpt of the best answer, who is credited, and the signals
// that make it useful.
func knowledgeText(lang string, it Item, mrkdwn bool) string {
	var b strings.Builder
	b.WriteString(questionLine(it, mrkdwn))
	excerpt := dataText(blockkit.OneLine(it.Answer, maxExcerpt), mrkdwn)
	if mrkdwn {
		excerpt = "> " + excerpt
	}
	b.WriteString("\n" + excerpt)
	notes := []string{i18n.Tr(lang, "knowledge.by", name(it.Answerer, mrkdwn))}
	if it.Accepted {
		notes = append(notes, i18n.Tr(lang, "knowledge.accepted"))
	}
	if it.Thanks > 0 {
		notes = append(notes, i18n.Trn(lang, "knowledge.thanks", it.Thanks))
	}
	if it.Reuses > 0 {
		notes = append(notes, i18n.Trn(lang, "knowledge.reused", it.Reuses))
	}
	b.WriteString("\n" + strings.Join(notes, " · "))
	return b.String()
}

func unansweredText(lang string, it Item, mrkdwn bool) string {
	notes := []string{i18n.Tr(lang, "unanswered.asked", name(it.Asker, mrkdwn), dayOf(lang, it.Time))}
	if it.Anonymous {
		notes[0] = i18n.Tr(lang, "unanswered.asked_anonymously", dayOf(lang, it.Time))
	}
	if it.Fallback {
		notes = append(notes, i18n.Tr(lang, "unanswered.fallback"))
	}
	return questionLine(it, mrkdwn) + "\n" + strings.Join(notes, " · ")
}

// questionLine is an item's first line: the question in bold, linked to
// its thread when the link is known, and its channel.
func questionLine(it Item, mrkdwn bool) string {
	q := dataText(blockkit.OneLine(it.Question, maxQuestion), mrkdwn)
	channel := dataText(it.Channel, mrkdwn)
	if !mrkdwn {
		if it.Channel != "" {
			q += " (#" + channel + ")"
		}
		return q
	}
	if it.Link != "" {
		// A '|' or '>' would end the link's label early.
		q = "<" + it.Link + "|" + strings.NewReplacer("|", "¦", "&gt;", "›").Replace(q) + ">"
	}
	line := "*" + q + "*"
	if it.Channel != "" && !strings.ContainsAny(it.Channel, " ,") {
		line += " · #" + channel
	}
	return line
}

func topicsText(lang string, d *Digest, mrkdwn bool) string {
	var lines []string
	if len(d.Uncovered) == 0 {
		lines = append(lines, i18n.Tr(lang, "topics.none"))
	} else {
		var terms []string
		for _, t := range d.Uncovered {
			terms = append(terms, i18n.Trn(lang, "topics.item", t.Questions, showTerm(t.Term, mrkdwn))+suggestion(lang, t, mrkdwn))
		}
		lines = append(lines, i18n.Tr(lang, "topics.title"), "• "+strings.Join(terms, " · "))
	}
	if len(d.Rising) > 0 {
		var terms []string
		for _, t := range d.Rising {
			terms = append(terms, i18n.Tr(lang, "topics.rising_item", showTerm(t.Term, mrkdwn), t.Questions, perWeek(lang, t.Before)))
		}
		lines = append(lines, i18n.Tr(lang, "topics.rising", strings.Join(terms, ", ")))
	}
	return strings.Join(lines, "\n")
}

// showTerm shows a topic term, as code in mrkdwn so that it reads as a word
// taken from the questions.
func showTerm(t string, mrkdwn bool) string {
	if !mrkdwn {
		return dataText(t, false)
	}
	return "`" + dataText(strings.ReplaceAll(t, "`", "'"), true) + "`"
}

// perWeek renders an average with one decimal at most: "0", "1.5", "2".
func perWeek(lang string, x float64) string {
	s := strings.TrimSuffix(fmt.Sprintf("%.1f", x), ".0")
	if lang == i18n.FR {
		s = strings.ReplaceAll(s, ".", ",")
	}
	return s
}

func helpersText(lang string, d *Digest, mrkdwn bool) string {
	lines := []string{i18n.Tr(lang, "thanks.title")}
	for _, h := range d.Helpers {
		who := name(h.Person, mrkdwn)
		if mrkdwn {
			who = "*" + who + "*"
		}
		if h.MedianFirst > 0 {
			lines = append(lines, "• "+i18n.Trn(lang, "thanks.item", h.Questions, who, duration(lang, h.MedianFirst)))
		} else {
			lines = append(lines, "• "+i18n.Trn(lang, "thanks.item_bare", h.Questions, who))
		}
	}
	if d.MoreHelpers > 0 {
		lines = append(lines, i18n.Trn(lang, "more", d.MoreHelpers))
	}
	return strings.Join(lines, "\n")
}

// name shows a person by name rather than by mention: a digest that
// pinged everyone it credits every week would soon be muted.
func name(p knowledge.Person, mrkdwn bool) string {
	n := p.Name
	if n == "" {
		n = p.ID
	}
	return dataText(n, mrkdwn)
}

// dataMark stands, in a plain-text rendering, before each '*' and each
// dataMark that people wrote, so that unbold can tell the asterisks of
// data, which it keeps, from the templates' bold markers, which it
// removes. A private-use character: no template writes it, and marking
// it too keeps one that people wrote as written.
const dataMark = "\ue000"

var (
	markData   = strings.NewReplacer("*", dataMark+"*", dataMark, dataMark+dataMark)
	unmarkData = strings.NewReplacer(dataMark+"*", "*", dataMark+dataMark, dataMark, "*", "", dataMark, "")
)

// dataText is s, something people wrote (a name, a question, a topic, a
// team, a channel), ready to be put in a rendering: escaped for mrkdwn;
// in plain text, marked for unbold, which every plain-text rendering goes
// through last. Every piece of data goes through dataText, so that none
// is read as markup, nor loses an asterisk.
func dataText(s string, mrkdwn bool) string {
	if mrkdwn {
		return blockkit.Escape(s)
	}
	return markData.Replace(s)
}

// unbold turns a plain-text rendering into text: it removes the bold
// markers of the templates, and keeps the asterisks of data (dataText)
// without their marks. Nothing may cut a rendering between dataText and
// unbold: a mark parted from its character is dropped.
func unbold(s string) string {
	return unmarkData.Replace(s)
}

func appendMore(blocks []slack.Block, lang string, more int) []slack.Block {
	if more <= 0 {
		return blocks
	}
	return append(blocks, blockkit.Context(i18n.Trn(lang, "more", more)))
}

// capBlocks keeps a message within Slack's block limit, ending it with a
// note when blocks had to be left out.
func capBlocks(blocks []slack.Block, lang string) []slack.Block {
	if len(blocks) <= blockkit.MaxBlocks {
		return blocks
	}
	return append(blocks[:blockkit.MaxBlocks-1:blockkit.MaxBlocks-1], blockkit.Context(i18n.Tr(lang, "truncated")))
}
