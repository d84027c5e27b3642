package bot

import (
	"fmt"
	"strings"

	"github.com/nextdesk/nextdesk/knowledge"
)

// Languages the bot writes in.
const (
	langEN = "en"
	langFR = "fr"
)

// catalogues hold every user-facing string, one catalogue per language,
// keyed by message id. The texts are fmt formats; a test checks that both
// catalogues have the same keys and the same verbs.
var catalogues = map[string]map[string]string{
	langEN: messagesEN,
	langFR: messagesFR,
}

func knownLang(lang string) bool {
	_, ok := catalogues[lang]
	return ok
}

// langOf is the language to write to p in: their Slack locale's when the
// bot speaks it, else the configured default.
func (b *Bot) langOf(p knowledge.Person) string {
	l, _, _ := strings.Cut(strings.ToLower(p.Locale), "-")
	if knownLang(l) {
		return l
	}
	return b.cfg.Lang
}

// tr formats message id in lang. A missing translation falls back to
// English, and a missing message to its id, so a gap shows up as text
// rather than as a failure.
func tr(lang, id string, args ...any) string {
	format, ok := catalogues[lang][id]
	if !ok {
		if format, ok = messagesEN[id]; !ok {
			return id
		}
	}
	if len(args) == 0 {
		return format
	}
	return fmt.Sprintf(format, args...)
}
