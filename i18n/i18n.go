// Package i18n holds every string nextdesk shows people, in each language it
// writes: one catalogue per language, so a translator works in one file.
package i18n

import (
	"fmt"
	"strings"
)

// The languages nextdesk writes in.
const (
	EN = "en"
	FR = "fr"
)

// catalogues are keyed by language, then by message id. Texts are fmt
// formats; a test checks that every catalogue has the same ids and verbs.
var catalogues = map[string]map[string]string{
	EN: messagesEN,
	FR: messagesFR,
}

// Known reports whether nextdesk writes in lang.
func Known(lang string) bool {
	_, ok := catalogues[lang]
	return ok
}

// LangOf returns the language to write in to someone with a Slack locale
// such as "fr-CA": the locale's language when nextdesk writes in it, else
// fallback.
func LangOf(locale, fallback string) string {
	l, _, _ := strings.Cut(strings.ToLower(locale), "-")
	if Known(l) {
		return l
	}
	return fallback
}

// Tr formats message id in lang. A missing translation falls back to
// English, and a missing message to its id, so a gap shows up as text
// rather than as a failure.
func Tr(lang, id string, args ...any) string {
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

// Trn formats the form of message id that suits count n, which is passed
// as the first argument: id+".one" or id+".other". French uses the
// singular for 0 and 1, English for 1 only.
func Trn(lang, id string, n int, args ...any) string {
	form := id + ".other"
	if n == 1 || (lang == FR && n == 0) {
		form = id + ".one"
	}
	return Tr(lang, form, append([]any{n}, args...)...)
}
