package bot

import (
	"strings"

	"github.com/slack-go/slack"

	"github.com/nextdesk/nextdesk/blockkit"
	"github.com/nextdesk/nextdesk/i18n"
	"github.com/nextdesk/nextdesk/knowledge/desk"
)

// The messages of anonymous questions. A notice about one names no asker
// (its Asker is empty): every message that would name them says "someone",
// or "the person who asked", instead.

// asks is the line above a question shown to an expert: who asks, or that
// someone asks anonymously.
func asks(lang, asker string) string {
	if asker == "" {
		return i18n.Tr(lang, "ask.posted_anonymous")
	}
	return i18n.Tr(lang, "expert.asks", asker)
}

// earlierIntro asks the expert which earlier thread answers the question
// of asker.
func earlierIntro(lang, asker string) string {
	if asker == "" {
		return i18n.Tr(lang, "earlier.intro_anonymous")
	}
	return i18n.Tr(lang, "earlier.intro", asker)
}

// reminderIntro says when the expert took the question, and whose.
func reminderIntro(lang string, b desk.Reminder) string {
	if b.Asker == "" {
		return i18n.Tr(lang, "reminder.intro_anonymous", slackDateTime(b.Taken))
	}
	return i18n.Tr(lang, "reminder.intro", slackDateTime(b.Taken), b.Asker)
}

// helpText lists the commands, the team commands among them, and how to
// ask anonymously unless anonymous questions are off.
func helpText(lang string, anonymousOff bool) string {
	lines := []string{i18n.Tr(lang, "desk.help")}
	if !anonymousOff {
		lines = append(lines, i18n.Tr(lang, "desk.help_anonymous"))
	}
	return strings.Join(append(lines, i18n.Tr(lang, "teams.help")), "\n")
}

// anonymousQuestion is the message that starts an anonymous question's
// thread in a channel, posted by the bot: what is asked, and that replies
// reach the person who asked.
func anonymousQuestion(lang, text string) (string, []slack.Block) {
	return i18n.Tr(lang, "ask.posted_text_anonymous", excerpt(text)), []slack.Block{
		blockkit.Section(i18n.Tr(lang, "ask.posted_anonymous") + "\n" + quote(text, maxQuoted)),
		blockkit.Context(i18n.Tr(lang, "ask.relayed_here")),
	}
}

// anonymousFallback asks a whole channel about an anonymous question no
// expert answered, saying why (why): with the question's thread when it
// has one (link, when Slack gave it), else in the thread this message
// starts (started is false), where replies are relayed. An empty text
// (a question that channel may not read) is left out.
func anonymousFallback(lang, why, text string, started bool, link string) (string, []slack.Block) {
	var intro string
	switch {
	case !started:
		intro = i18n.Tr(lang, "fallback.thread_anonymous", why)
	case link != "":
		intro = i18n.Tr(lang, "fallback.public_anonymous", why, link)
	default:
		intro = i18n.Tr(lang, "fallback.public_text_anonymous", why)
	}
	if text != "" {
		intro += "\n" + quote(text, maxQuoted)
	}
	return i18n.Tr(lang, "fallback.public_text_anonymous", why), []slack.Block{blockkit.Section(intro)}
}

// receiptBlocks tells the asker of an anonymous question where it went,
// how replies reach them, and who can still learn that they asked.
func receiptBlocks(lang string, b desk.AnonymousReceipt) (string, []slack.Block) {
	where := i18n.Tr(lang, "anonymous.receipt_direct")
	switch {
	case b.Channel != "":
		where = i18n.Tr(lang, "anonymous.receipt_channel", mention(b.Channel))
		if b.Instant {
			where += " " + i18n.Tr(lang, "anonymous.receipt_instant")
		}
	case b.Fallback != "":
		where += " " + i18n.Tr(lang, "anonymous.receipt_fallback", mention(b.Fallback))
	}
	return i18n.Tr(lang, "anonymous.text"), []slack.Block{
		blockkit.Section(where),
		blockkit.Section(i18n.Tr(lang, "anonymous.receipt_relay")),
		blockkit.Context(i18n.Trn(lang, "anonymous.who", b.KeepDays)),
	}
}

// relayedBlocks passes a message on: to the asker, what someone replied
// in the thread (link, when they may open it), with the button that says
// it solves the question; to the thread, what the person who asked wrote.
func relayedBlocks(lang string, b desk.Relayed, link string) (string, []slack.Block) {
	text := blockkit.Escape(b.Text.Plain)
	if b.Text.Typed != "" {
		text = b.Text.Typed
	}
	if b.From == "" {
		return i18n.Tr(lang, "anonymous.relayed_asker_text", excerpt(text)),
			[]slack.Block{blockkit.Section(i18n.Tr(lang, "anonymous.relayed_asker") + "\n" + quote(text, maxQuoted))}
	}
	blocks := []slack.Block{blockkit.Section(i18n.Tr(lang, "anonymous.relayed_from", b.From) + "\n" + quote(text, maxQuoted))}
	if link != "" {
		blocks = append(blocks, blockkit.Context(i18n.Tr(lang, "link.thread", link)))
	}
	if b.Answer != "" {
		blocks = append(blocks, blockkit.Actions("relayed",
			blockkit.Button(actionAccept, b.Answer, i18n.Tr(lang, "button.solved"), "primary")))
	}
	return i18n.Tr(lang, "anonymous.relayed_text", b.From, excerpt(text)), blocks
}

// anonymousReply is what the replies about anonymous questions say; ok is
// false for any other reply.
func anonymousReply(lang string, r desk.Reply) (string, bool) {
	switch r.Say {
	case desk.SayAnonymousOff:
		return i18n.Tr(lang, "anonymous.off"), true
	case desk.SayAnonymousLimit:
		return i18n.Trn(lang, "anonymous.limit", r.Count, slackDateTime(r.Until)), true
	case desk.SayRelayNowhere:
		return i18n.Tr(lang, "anonymous.nowhere"), true
	case desk.SayNotInChannelAnonymous:
		return i18n.Tr(lang, "anonymous.not_in_channel"), true
	case desk.SayAnonymousInPublic:
		return i18n.Tr(lang, "anonymous.in_public"), true
	case desk.SayAnonymousNext:
		return i18n.Trn(lang, "anonymous.next", r.Count), true
	case desk.SayAnonymousCancelled:
		return i18n.Tr(lang, "anonymous.cancelled"), true
	}
	return "", false
}

// withChoice is a message of text with the button of choice under it, or
// nil (text alone) when it offers none. A choice to ask anonymously
// recorded before anonymous questions were turned off is not offered.
func (o *Outbox) withChoice(lang, text string, choice desk.Choice) []slack.Block {
	var button *slack.ButtonBlockElement
	switch {
	case choice == desk.ChoiceAnonymous && !o.cfg.AnonymousOff:
		button = blockkit.Button(actionAskAnonymously, "", i18n.Tr(lang, "button.ask_anonymously"), "")
	case choice == desk.ChoiceCancel:
		button = blockkit.Button(actionCancelAnonymous, "", i18n.Tr(lang, "button.cancel"), "")
	default:
		return nil
	}
	return []slack.Block{blockkit.Section(text), blockkit.Actions("choice", button)}
}
