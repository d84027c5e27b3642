package bot

import (
	"github.com/nextdesk/nextdesk/i18n"
	"github.com/nextdesk/nextdesk/knowledge"
)

// langOf is the language to write to p in: their Slack locale's when the
// bot speaks it, else the configured default.
func (b *Bot) langOf(p knowledge.Person) string {
	return i18n.LangOf(p.Locale, b.cfg.Lang)
}
