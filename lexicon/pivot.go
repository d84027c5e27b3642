package lexicon

import (
	"bufio"
	"compress/gzip"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"github.com/nextdesk/nextdesk/knowledge"
)

// The FreeDict French–English dictionaries know 8,500 headwords, and lack
// words every workplace uses ("mot de passe", "mise à jour",
// "réinitialiser"). Two larger FreeDict dictionaries that Debian ships
// reach English through German: French–German, made by WikDict from
// Wiktionary (41,000 headwords, CC BY-SA 3.0), and German–English, Frank
// Richter's Ding (GPL-3.0-or-later). Their pairs are noisier (a German word
// has senses the French one lacks), so nextdesk consults them for what the
// French–English ones do not know, and otherwise only to add senses to
// the French words of a French text (see knowledge.Lexicon.Translate).
const (
	frenchGerman  = "freedict-fra-deu"
	germanEnglish = "freedict-deu-eng"
)

// Bounds on the translations taken through German, first ones first
// (dictionaries list the commonest sense first): beyond them, a word's
// senses stray too far from the French one.
const (
	maxGermanPerFrench  = 4
	maxEnglishPerGerman = 3
	maxEnglishPerFrench = 6
)

// LoadPivot reads the French–German and German–English FreeDict
// dictionaries in dir and returns French–English pairs through German:
// each French headword with the first English translations of its first
// German ones. It returns an error matching ErrMissing, naming the
// packages, when either is absent, and an error naming the file when one
// cannot be read.
func LoadPivot(dir string) ([]knowledge.Pair, error) {
	french, err := readDictFunc(filepath.Join(dir, frenchGerman), nil, parseWikDict)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, fmt.Errorf("%w: %s in %s (install the Debian packages dict-freedict-fra-deu and dict-freedict-deu-eng)", ErrMissing, frenchGerman, dir)
	}
	if err != nil {
		return nil, err
	}
	needed := make(map[string]bool)
	for i := range french {
		french[i].translations = french[i].translations[:min(len(french[i].translations), maxGermanPerFrench)]
		for _, de := range french[i].translations {
			needed[strings.ToLower(de)] = true
		}
	}
	german, err := readDictFunc(filepath.Join(dir, germanEnglish), func(head string) bool { return needed[strings.ToLower(head)] }, parseDing)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, fmt.Errorf("%w: %s in %s (install the Debian packages dict-freedict-fra-deu and dict-freedict-deu-eng)", ErrMissing, germanEnglish, dir)
	}
	if err != nil {
		return nil, err
	}
	english := make(map[string][]string, len(german))
	// Only a German word's first few senses are taken, and Ding lists
	// its senses in a field (" [comp.] database") among the general
	// language's, sometimes first: the general ones come first, and a
	// field's counts where the word has no other ("verwalten" is
	// "[adm.] administer, manage").
	slices.SortStableFunc(german, func(a, b entry) int {
		switch {
		case a.field == b.field:
			return 0
		case b.field:
			return -1
		}
		return 1
	})
	for _, e := range german {
		de := strings.ToLower(e.headword)
		for _, en := range e.translations {
			if len(english[de]) < maxEnglishPerGerman && !slices.Contains(english[de], en) {
				english[de] = append(english[de], en)
			}
		}
	}
	notVerb := notVerbs(french)
	var pairs []knowledge.Pair
	for _, e := range french {
		var seen []string
		for _, de := range e.translations {
			for _, en := range english[strings.ToLower(de)] {
				if len(seen) < maxEnglishPerFrench && !slices.Contains(seen, en) {
					seen = append(seen, en)
					pairs = append(pairs, knowledge.Pair{French: e.headword, English: en, NotVerb: notVerb[strings.ToLower(e.headword)]})
				}
			}
		}
	}
	return pairs, nil
}

// readDictFunc reads the articles of a dictd dictionary whose headword
// want accepts (all when want is nil) and parses each with parse, in the
// order of the text. It reads the compressed text once, keeping only those
// articles: a large dictionary is read without holding it all.
func readDictFunc(base string, want func(head string) bool, parse func(string) (entry, bool)) ([]entry, error) {
	idx, err := os.Open(base + ".index")
	if err != nil {
		return nil, err
	}
	defer idx.Close()
	type span struct{ line, off, size int }
	var spans []span
	s := bufio.NewScanner(idx)
	for line := 1; s.Scan(); line++ {
		head, off, size, ok := splitIndexLine(s.Text())
		if !ok {
			return nil, fmt.Errorf("%s.index:%d: not a dictd index line", base, line)
		}
		if strings.HasPrefix(head, "00database") || want != nil && !want(head) {
			continue // the dictionary's own description, or not wanted
		}
		spans = append(spans, span{line, off, size})
	}
	if err := s.Err(); err != nil {
		return nil, fmt.Errorf("read %s.index: %w", base, err)
	}
	slices.SortStableFunc(spans, func(a, b span) int { return a.off - b.off })
	dz, err := os.Open(base + ".dict.dz")
	if err != nil {
		return nil, err
	}
	defer dz.Close()
	zr, err := gzip.NewReader(bufio.NewReaderSize(dz, 1<<16))
	if err != nil {
		return nil, fmt.Errorf("read %s.dict.dz: %w", base, err)
	}
	r := bufio.NewReaderSize(zr, 1<<16)
	var entries []entry
	var article []byte
	pos := 0
	for i, sp := range spans {
		// A headword listed twice points twice at one article.
		if i > 0 && sp.off == spans[i-1].off && sp.size == spans[i-1].size {
			if e, ok := parse(string(article)); ok {
				entries = append(entries, e)
			}
			continue
		}
		if sp.off < pos {
			continue // overlapping articles: a damaged index
		}
		article = slices.Grow(article[:0], sp.size)[:sp.size]
		_, err := io.CopyN(io.Discard, r, int64(sp.off-pos))
		if err == nil {
			_, err = io.ReadFull(r, article)
		}
		if errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) {
			return nil, fmt.Errorf("%s.index:%d: the article lies beyond the end of the dictionary", base, sp.line)
		}
		if err != nil {
			return nil, fmt.Errorf("read %s.dict.dz: %w", base, err)
		}
		pos = sp.off + sp.size
		if e, ok := parse(string(article)); ok {
			entries = append(entries, e)
		}
	}
	return entries, nil
}

// parseWikDict reads an article of a WikDict dictionary: a first line with
// the headword, its pronunciations between slashes and its part of speech
// between angle brackets; then its senses, each a line of translations
// ("1. "-numbered when there are several) followed by a line defining the
// sense in the headword's language, which is no translation. Proper nouns
// are skipped: a place is called alike in both languages.
func parseWikDict(article string) (entry, bool) {
	lines := strings.Split(strings.TrimSpace(article), "\n")
	if len(lines) < 2 || strings.Contains(lines[0], "<pn") {
		return entry{}, false
	}
	e := entry{headword: headword(lines[0]), part: partOf(lines[0])}
	for i := 1; i < len(lines); i++ {
		l, numbered := withoutSenseNumbers(lines[i])
		if !numbered && i > 1 {
			continue // a definition
		}
		e.translations = append(e.translations, splitTranslations(l)...)
		// The definition that follows a sense is no translation.
		if i+1 < len(lines) {
			if _, numbered := withoutSenseNumbers(lines[i+1]); !numbered {
				i++
			}
		}
	}
	return e, e.headword != "" && len(e.translations) > 0
}

// parseDing reads an article of the German–English dictionary: a first
// line with the headword, a second with its translations, each with its
// part of speech between angle brackets, after the field they belong to
// when they have one, indented (" [comp.] database <n>"); lines of
// synonyms, cross-references, notes and examples follow, indented too,
// which are no translations. An eighth of Ding's articles name a field,
// and many are the words of work.
func parseDing(article string) (entry, bool) {
	lines := strings.Split(strings.TrimRight(article, "\n"), "\n")
	if len(lines) < 2 || strings.HasPrefix(lines[1], " ") && !strings.HasPrefix(lines[1], " [") {
		return entry{}, false
	}
	e := entry{headword: headword(lines[0]), field: strings.HasPrefix(lines[1], " [")}
	for _, tr := range splitTranslations(lines[1]) {
		if tr = withoutNotation(tr); tr != "" {
			e.translations = append(e.translations, tr)
		}
	}
	return e, e.headword != "" && len(e.translations) > 0
}

// withoutNotation returns a translation without what Ding writes beside
// its words: abbreviations, with a period ("sth." and "sb." for a verb's
// object, "abbr.", "adj."), and pronunciations between slashes
// ("/ˌɛrˈɛm/"). None is a word a question uses, and "sth" is one people
// write in chat.
func withoutNotation(tr string) string {
	words := strings.Fields(tr)
	words = slices.DeleteFunc(words, func(w string) bool {
		return strings.HasSuffix(w, ".") || strings.HasSuffix(w, ".'s") ||
			len(w) > 1 && strings.HasPrefix(w, "/") && strings.HasSuffix(w, "/")
	})
	return strings.Join(words, " ")
}

// headword returns the headword of an article's first line, without its
// pronunciations and part of speech.
func headword(first string) string {
	if i := strings.IndexAny(first, "/<"); i >= 0 {
		first = first[:i]
	}
	return strings.TrimSpace(first)
}

// splitTranslations splits a line of translations at its commas, without
// the notes in parentheses, brackets and braces and the parts of speech in
// angle brackets.
func splitTranslations(line string) []string {
	var out []string
	for tr := range strings.SplitSeq(stripNotes(line), ",") {
		if tr = strings.Join(strings.Fields(tr), " "); tr != "" {
			out = append(out, tr)
		}
	}
	return out
}

// stripNotes removes what lies between (), [], {} and <>: "(informal)
// bike" is "bike", "Drucker <m>" is "Drucker".
func stripNotes(s string) string {
	var b strings.Builder
	depth := 0
	for _, r := range s {
		switch {
		case strings.ContainsRune("([{<", r):
			depth++
		case strings.ContainsRune(")]}>", r) && depth > 0:
			depth--
		case depth == 0:
			b.WriteRune(r)
		}
	}
	return b.String()
}
