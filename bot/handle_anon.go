package bot

import (
	"strings"
	"unicode"
)

// anonymousWords are the words that ask without one's name: `/ask --anon
// …`, or a direct message to the bot that starts with "anon:" ("anonyme :"
// in French). Both forms are accepted in both places.
var anonymousWords = map[string]bool{
	"anon": true, "anonymous": true, "anonymously": true, "anonyme": true, "anonymement": true,
}

// anonymously reports whether text asks anonymously, and returns the
// question without the flag or prefix that says so.
func anonymously(text string) (string, bool) {
	text = strings.TrimSpace(text)
	// A flag: --anon, or the dash a Mac's smart punctuation makes of "--".
	if rest := strings.TrimLeft(text, "-—–"); len(rest) < len(text) {
		word, after := cutWord(rest)
		if anonymousWords[strings.ToLower(word)] {
			return strings.TrimSpace(after), true
		}
		return text, false
	}
	// A prefix: the word, then a colon; French puts a (no-break) space
	// before it.
	word, after := cutWord(text)
	word, colon := strings.CutSuffix(word, ":")
	if !anonymousWords[strings.ToLower(word)] {
		return text, false
	}
	if !colon {
		if after, colon = strings.CutPrefix(strings.TrimLeft(after, " \u00a0\u202f"), ":"); !colon {
			return text, false
		}
	}
	return strings.TrimSpace(after), true
}

// cutWord splits text at its first space, or before a colon.
func cutWord(text string) (word, rest string) {
	i := strings.IndexFunc(text, func(r rune) bool { return unicode.IsSpace(r) })
	if i < 0 {
		i = len(text)
	}
	if c := strings.IndexByte(text[:i], ':'); c >= 0 {
		return text[:c+1], text[c+1:]
	}
	return text[:i], text[i:]
}
