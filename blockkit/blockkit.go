// Package blockkit builds the Slack Block Kit pieces nextdesk's messages are
// made of, within the limits Slack enforces: a message over any of them is
// refused whole, so every text built from what people wrote is clipped.
package blockkit

import (
	"strings"
	"unicode/utf8"

	"github.com/slack-go/slack"
)

// Limits Slack enforces, in characters (blocks for MaxBlocks).
const (
	MaxBlocks      = 50
	MaxSectionText = 3000
	MaxHeaderText  = 150
	MaxContextText = 2000
	MaxButtonText  = 75
)

// Clip cuts s to at most n characters, ending with an ellipsis when cut.
func Clip(s string, n int) string {
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	r := []rune(s)
	return strings.TrimSpace(string(r[:n-1])) + "…"
}

// OneLine flattens text to one line of at most n characters, for a list
// item or a notification.
func OneLine(text string, n int) string {
	return Clip(strings.Join(strings.Fields(text), " "), n)
}

// Escape makes plain text (as stored) safe inside mrkdwn: Slack reads <…>
// as links and mentions, and &…; as entities.
func Escape(plain string) string {
	return strings.NewReplacer("&", "&amp;", "<", "&lt;", ">", "&gt;").Replace(plain)
}

// Markdown is a mrkdwn text object, clipped to a section's limit.
func Markdown(text string) *slack.TextBlockObject {
	return slack.NewTextBlockObject(slack.MarkdownType, Clip(text, MaxSectionText), false, false)
}

// Section is a section block of mrkdwn text.
func Section(text string) slack.Block {
	return slack.NewSectionBlock(Markdown(text), nil, nil)
}

// Header is a header block of plain text.
func Header(text string) slack.Block {
	return slack.NewHeaderBlock(slack.NewTextBlockObject(slack.PlainTextType, Clip(text, MaxHeaderText), false, false))
}

// Context is a context block of mrkdwn text.
func Context(text string) slack.Block {
	return slack.NewContextBlock("", slack.NewTextBlockObject(slack.MarkdownType, Clip(text, MaxContextText), false, false))
}

// Button is a button; style is "", "primary" or "danger".
func Button(actionID, value, label, style string) *slack.ButtonBlockElement {
	b := slack.NewButtonBlockElement(actionID, value, slack.NewTextBlockObject(slack.PlainTextType, Clip(label, MaxButtonText), false, false))
	if style != "" {
		b.Style = slack.Style(style)
	}
	return b
}

// Actions is an actions block of buttons.
func Actions(blockID string, buttons ...*slack.ButtonBlockElement) slack.Block {
	elems := make([]slack.BlockElement, len(buttons))
	for i, b := range buttons {
		elems[i] = b
	}
	return slack.NewActionBlock(blockID, elems...)
}

// SectionWithButton is a section block of mrkdwn text with a button beside
// it.
func SectionWithButton(text string, button *slack.ButtonBlockElement) slack.Block {
	return slack.NewSectionBlock(Markdown(text), nil, slack.NewAccessory(button))
}
