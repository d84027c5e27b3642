// Package lexicon reads French–English translation pairs from the FreeDict
// dictionaries that Debian and Ubuntu ship (packages dict-freedict-fra-eng
// and dict-freedict-eng-fra, GPL-2.0-or-later, © the FreeDict
// contributors). nextdesk does not ship the dictionaries: it reads them at
// run time where the operating system installed them, so a question in
// French finds past questions in English and the other way round.
package lexicon

import (
	"errors"
	"fmt"
	"io/fs"
	"path/filepath"
	"slices"
	"strings"

	"github.com/nextdesk/nextdesk/knowledge"
)

// DefaultDir is where dictd packages install their dictionaries.
const DefaultDir = "/usr/share/dictd"

// The two dictionaries read, by base name.
const (
	frenchEnglish = "freedict-fra-eng"
	englishFrench = "freedict-eng-fra"
)

// ErrMissing is matched (with errors.Is) by the error Load returns when a
// dictionary is not installed in the directory.
var ErrMissing = errors.New("French–English dictionary not installed")

// Load reads the French–English and English–French FreeDict dictionaries
// in dir and returns their translation pairs, French first, with the
// words of work they lack (see workplace) and the indefinite pronouns of
// the two languages (see indefinites); each pair
// says whether its French word is no verb, by French–English's parts of
// speech and, when it is installed, French–German's. It returns an error
// matching ErrMissing, naming the packages to install, when either
// French–English dictionary is absent, and an error naming the file when
// one cannot be read.
func Load(dir string) ([]knowledge.Pair, error) {
	// The words of work come first, so that a word's bound on its
	// translations keeps them, and twice, as sure as a translation both
	// dictionaries give: in a question of work they are the sense meant.
	pairs := append(slices.Clip(workplace), workplace...)
	var notVerb map[string]bool
	for _, d := range []struct {
		name     string
		frenchIn bool // the headword is French
	}{{frenchEnglish, true}, {englishFrench, false}} {
		entries, err := readDict(filepath.Join(dir, d.name))
		if errors.Is(err, fs.ErrNotExist) {
			return nil, fmt.Errorf("%w: %s in %s (install the Debian packages dict-freedict-fra-eng and dict-freedict-eng-fra)", ErrMissing, d.name, dir)
		}
		if err != nil {
			return nil, err
		}
		// French–English is read first: what it says of its French
		// headwords' parts of speech holds for them as English–French's
		// translations too, which that dictionary does not tag.
		if d.frenchIn {
			notVerb = notVerbs(append(slices.Clip(entries), frenchGermanParts(dir)...))
		}
		for _, e := range entries {
			for _, tr := range e.translations {
				p := knowledge.Pair{French: tr, English: e.headword}
				if d.frenchIn {
					p = knowledge.Pair{French: e.headword, English: tr}
				}
				p.NotVerb = notVerb[strings.ToLower(p.French)]
				pairs = append(pairs, p)
			}
		}
	}
	return append(pairs, indefinites...), nil
}

type entry struct {
	headword     string
	translations []string
	field        bool // Ding's sense of a field ("[comp.]")
	// part is the part of speech the article gives its headword ("v",
	// "n", "adj"), "" when it gives none.
	part string
}

// partOf returns the part of speech of an article's first line, which
// FreeDict writes between angle brackets after the pronunciation ("père
// /pɛʀ/ <n, masc>"): its first field, "" when there is none.
func partOf(first string) string {
	_, rest, ok := strings.Cut(first, "<")
	if !ok {
		return ""
	}
	inside, _, _ := strings.Cut(rest, ">")
	part, _, _ := strings.Cut(inside, ",")
	return strings.TrimSpace(part)
}

// frenchGermanParts returns the French headwords of the French–German
// dictionary with their parts of speech, when it is installed: it tags
// four times as many French words as French–English ("dernier" is an
// adjective). Nothing when it cannot be read: it only refines the forms
// French words are searched by, and LoadPivot reports why.
func frenchGermanParts(dir string) []entry {
	tagged, err := readDictFunc(filepath.Join(dir, frenchGerman), nil, func(article string) (entry, bool) {
		first, _, _ := strings.Cut(article, "\n")
		e := entry{headword: headword(first), part: partOf(first)}
		return e, e.headword != "" && e.part != ""
	})
	if err != nil {
		return nil
	}
	return tagged
}

// notVerbs returns the headwords of French articles that no article of
// theirs calls a verb ("v", or "vt" and "vi", transitive and intransitive),
// folded to lower case: a word with no part of speech is not among them,
// since nothing is known of it.
func notVerbs(entries []entry) map[string]bool {
	verb, other := make(map[string]bool), make(map[string]bool)
	for _, e := range entries {
		head := strings.ToLower(e.headword)
		switch e.part {
		case "":
		case "v", "vt", "vi":
			verb[head] = true
		default:
			other[head] = true
		}
	}
	for head := range verb {
		delete(other, head)
	}
	return other
}

// readDict reads a dictd dictionary: base.index lists each headword with
// the offset and length (in dictd's base 64) of its article in base.dict.dz,
// a gzip (dictzip) file.
func readDict(base string) ([]entry, error) {
	return readDictFunc(base, nil, parseArticle)
}

func splitIndexLine(line string) (head string, off, size int, ok bool) {
	parts := strings.Split(line, "\t")
	if len(parts) != 3 {
		return "", 0, 0, false
	}
	off, ok1 := decode64(parts[1])
	size, ok2 := decode64(parts[2])
	return parts[0], off, size, ok1 && ok2
}

// decode64 reads a number in dictd's base 64 (A–Z a–z 0–9 + /, most
// significant digit first).
func decode64(s string) (int, bool) {
	const digits = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"
	n := 0
	for _, r := range s {
		d := strings.IndexRune(digits, r)
		if d < 0 || n > 1<<40 {
			return 0, false
		}
		n = n*64 + d
	}
	return n, s != ""
}

// parseArticle reads a FreeDict article: a first line with the headword,
// its pronunciation between slashes and its part of speech between angle
// brackets, then one line per sense ("1. "-numbered when there are
// several), translations separated by commas.
func parseArticle(article string) (entry, bool) {
	lines := strings.Split(strings.TrimSpace(article), "\n")
	if len(lines) < 2 {
		return entry{}, false
	}
	e := entry{headword: headword(lines[0]), part: partOf(lines[0])}
	for _, l := range lines[1:] {
		l, _ = withoutSenseNumbers(l)
		// An example is quoted in the headword's language ("Il faut
		// que", under "falloir"): no translation.
		if strings.HasPrefix(l, `"`) {
			continue
		}
		e.translations = append(e.translations, splitTranslations(l)...)
	}
	return e, e.headword != "" && len(e.translations) > 0
}

// withoutSenseNumbers returns a line of an article without the numbers
// that order its senses, trimmed, and whether it opened with one: "1.
// close, shut" is "close, shut"; a number alone ("2.") opens a sense whose
// lines follow, and is ""; and WikDict ends a sense's translations with
// the number of its first sub-sense when it has some ("1. Flug 2.", then
// " 3." on a later line), which is no word either.
func withoutSenseNumbers(line string) (string, bool) {
	isNumber := func(f string) bool {
		n, ok := strings.CutSuffix(f, ".")
		return ok && n != "" && strings.Trim(n, "0123456789") == ""
	}
	fields := strings.Fields(line)
	numbered := len(fields) > 0 && isNumber(fields[0])
	if numbered {
		fields = fields[1:]
	}
	for len(fields) > 0 && isNumber(fields[len(fields)-1]) {
		fields = fields[:len(fields)-1]
	}
	return strings.Join(fields, " "), numbered
}
