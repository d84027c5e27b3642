package knowledge

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// WrittenOut returns s with what chat leaves out written back, so that a
// question typed in haste reads as the same question typed with care: the
// apostrophe of a contraction ("dont" is "don't", "wheres" "where's", "im"
// "I'm", "cest" "c'est") and the letters of an abbreviation ("cmt" is
// "comment", "qqn" "quelqu'un", "u" "you"). Left out, each was a rare word
// of meaning to the index and to sameness: "wheres the expense policy" had
// a word "Where is the expense policy?" lacks, and "cmt on réserve une
// salle" one "Comment réserver une salle ?" lacks, as rare as "salle"; and
// "cant" was no negation. The asides chat abbreviates ("btw", "idk",
// "asap") go: they say how the question is put, not what it asks, as the
// fillers do.
//
// Only the forms no word is spelt as are read ("ill", "id", "were",
// "well", "its" are words), each only as a word of its own, a form of one
// or two letters only in small letters ("U" is no "you", "CA" a
// turnover), a few only in the language they are chat of ("dont" is
// "don't" in an English text and "dont" (whose) in a French one, "pk" is
// "pourquoi" in French and a primary key in English), and two only beside
// the words they go with ("pr" is "pour" before an article, a pull
// request elsewhere).
func WrittenOut(s string) string {
	var b strings.Builder
	last := 0      // the end of what s gave b so far
	lang := ""     // the language of s, once a form read in one asks
	previous := "" // the word before, as written
	for start := 0; start < len(s); {
		r, size := utf8.DecodeRuneInString(s[start:])
		if !unicode.IsLetter(r) {
			start += size
			continue
		}
		end := start + size
		for end < len(s) {
			r, size := utf8.DecodeRuneInString(s[end:])
			if !unicode.IsLetter(r) {
				break
			}
			end += size
		}
		word := s[start:end]
		form, ok := chatFormOf(word)
		if ok && form.after != nil && !form.after[strings.ToLower(previous)] ||
			ok && form.before != nil && !form.before[strings.ToLower(wordAfter(s, end))] {
			ok = false
		}
		previous = word
		// A form is chat only as a word of its own: "-c" is a command's
		// option, not "c'est", and "force2bsr" no "bonsoir". A letter
		// alone only between spaces.
		if ok && !standsAlone(s, start, end, form.slash) {
			ok = false
		}
		if ok && form.lang != "" {
			if lang == "" {
				lang = DetectLang(s)
			}
			ok = form.lang == lang
		}
		// "w/" is "with", "w/o" "without".
		if ok && form.slash {
			switch rest := s[end:]; {
			case strings.HasPrefix(rest, "/o") && !startsWord(rest[2:]):
				end += 2
				form.full = "without"
			case strings.HasPrefix(rest, "/"):
				end++
				if startsWord(rest[1:]) {
					form.full += " "
				}
			default:
				ok = false
			}
		}
		// A word before an apostrophe is written out already ("c'est").
		// A contraction keeps the word as written, its capitals with it.
		if ok && (end == len(s) || s[end] != '\'') {
			if b.Len() == 0 {
				b.Grow(len(s) + 8)
			}
			if form.apostrophe > 0 {
				b.WriteString(s[last : start+form.apostrophe])
				b.WriteByte('\'')
				last = start + form.apostrophe
			} else {
				b.WriteString(s[last:start])
				b.WriteString(form.full)
				last = end
			}
		}
		start = end
	}
	if last == 0 {
		return s
	}
	b.WriteString(s[last:])
	return b.String()
}

// standsAlone tells whether s[start:end] is a word of its own: after a
// space or a mark that may open a word, and before one that may close it
// (or, for the "w" of "w/", before the slash). A letter alone must stand
// after a space or at the start.
func standsAlone(s string, start, end int, slash bool) bool {
	if start > 0 {
		r, _ := utf8.DecodeLastRuneInString(s[:start])
		if !unicode.IsSpace(r) && (end-start == 1 || !strings.ContainsRune(opensWord, r)) {
			return false
		}
	}
	if end == len(s) || slash {
		return true
	}
	r, _ := utf8.DecodeRuneInString(s[end:])
	return unicode.IsSpace(r) || strings.ContainsRune(closesWord, r)
}

// opensWord and closesWord are the marks a word may follow or precede.
const (
	opensWord  = "([{\"'«“‘*"
	closesWord = ".,;:!?)]}\"'»”’…*"
)

// wordAfter returns the word after s[:end], past the spaces between; ""
// when a mark comes first.
func wordAfter(s string, end int) string {
	start := strings.IndexFunc(s[end:], func(r rune) bool { return !unicode.IsSpace(r) })
	if start < 0 {
		return ""
	}
	start += end
	if n := strings.IndexFunc(s[start:], func(r rune) bool { return !unicode.IsLetter(r) }); n >= 0 {
		return s[start : start+n]
	}
	return s[start:]
}

// startsWord tells whether s opens with a letter.
func startsWord(s string) bool {
	r, _ := utf8.DecodeRuneInString(s)
	return s != "" && unicode.IsLetter(r)
}

// A chatForm is what a word written in chat stands for.
type chatForm struct {
	// apostrophe is where a contraction's apostrophe goes; else full is
	// what the word stands for, "" for an aside that goes.
	apostrophe int
	full       string
	// lang is the language the word is chat of, "" for both.
	lang string
	// slash is set for the "w" of "w/" and "w/o", read only before one.
	slash bool
	// after and before, when set, are the words the form is read only
	// after or only before, in small letters.
	after, before map[string]bool
}

// chatFormOf returns what word stands for, if chat writes it so. It is
// asked of every word of every text indexed, so it lower-cases on the
// stack.
func chatFormOf(word string) (chatForm, bool) {
	var lower [len("aujourdhui")]byte
	if len(word) > len(lower) {
		return chatForm{}, false
	}
	small := true
	for i := range len(word) {
		c := word[i]
		switch {
		case 'A' <= c && c <= 'Z':
			c += 'a' - 'A'
			small = false
		case c < 'a' || c > 'z':
			return chatForm{}, false
		}
		lower[i] = c
	}
	form, ok := chatForms[string(lower[:len(word)])]
	if ok && len(word) <= 2 && !small && form.apostrophe == 0 {
		return chatForm{}, false
	}
	return form, ok
}

// chatForms gives, for each word chat writes, what it stands for.
var chatForms = func() map[string]chatForm {
	m := make(map[string]chatForm)
	// The contractions written without their apostrophe. "dont" is
	// French for "whose".
	for _, c := range strings.Fields(`
		doesn't didn't can't couldn't shouldn't wouldn't won't isn't aren't wasn't weren't
		hasn't haven't hadn't mustn't needn't
		what's where's who's how's when's why's that's there's here's
		i'm i've you're you've you'll they're they've they'll we've it'll
		would've could've should've
		c'est j'ai qu'il qu'on aujourd'hui quelqu'un d'accord n'importe`) {
		at := strings.IndexByte(c, '\'')
		m[c[:at]+c[at+1:]] = chatForm{apostrophe: at}
	}
	m["dont"] = chatForm{apostrophe: 3, lang: "en"}
	add := func(lang string, forms map[string]string) {
		for full, written := range forms {
			for _, f := range strings.Fields(written) {
				m[f] = chatForm{full: full, lang: lang}
			}
		}
	}
	// "pr" is "pour" before what "pour" introduces ("pr le helpdesk",
	// "pr avoir"), where a pull request is never written; "cp" are
	// "congés payés" after a plural's article or possessive ("mes cp",
	// "poser des cp"), where the command that copies is not.
	m["pr"] = chatForm{full: "pour", lang: "fr", before: wordSet(`
		le la les l un une des du au aux mon ma mes ton ta tes son sa ses notre nos votre vos leur leurs
		ce cet cette ces ca ça moi toi lui nous vous eux elle elles qui quoi quand combien
		avoir faire être etre savoir voir aller demander trouver`)}
	m["cp"] = chatForm{full: "congés payés", lang: "fr", after: wordSet("mes des les ses nos vos tes leurs de")}
	add("en", map[string]string{
		"you": "u", "your": "ur", "please": "pls plz plse", "thanks": "thx thnx tnx", "thank you": "ty",
		"something": "smth sth smthg smthng", "somebody": "sb", "about": "abt",
		"because": "cuz coz bcuz bcoz becuz becuase becasue", "through": "thru", "though": "tho",
		"want to": "wanna", "going to": "gonna", "got to": "gotta", "let me": "lemme", "give me": "gimme",
		"tomorrow": "tmrw tmr tmrrw tmw", "should": "shud", "would": "wud", "could": "cud",
		"question": "q", "year": "yr", "years": "yrs", "password": "pw",
		// The typos of little words, which no misspelling of a word of
		// meaning can read: they are no word the history weighs.
		"the": "teh hte", "and": "adn", "that": "taht", "what": "waht",
		// Asides: "I don't know", "by the way", "to be honest", "in my
		// opinion", "for your information", "thanks in advance", "as soon
		// as possible", the "nah" of "or nah".
		"": "idk btw tbh imo imho afaik fyi iirc tia asap lol nah",
	})
	// French chat's forms are read in French only: "DSL" is a
	// domain-specific language in English, not "désolé", "qq" a quick
	// question.
	add("fr", map[string]string{
		"comment": "cmt cmnt", "quand": "qd qnd", "quoi": "koi", "quelqu'un": "qqn qqun",
		"quelque chose": "qqch qqc qqchose qqchse", "quelques": "qq qqs qques qqes", "quelque part": "qqpart qqp",
		"beaucoup": "bcp bcq", "toujours": "tjrs tjs tjr tjours", "jamais": "jms",
		"je sais": "jsais", "je suis": "chui chuis jsuis", "je peux": "jpeux jpx", "je veux": "jveux",
		"je dois": "jdois", "je vais": "jvais", "je pense": "jpense", "je crois": "jcrois", "je fais": "jfais",
		"je me": "jme", "je te": "jte", "peut-être": "ptet ptetre",
		"salut": "slt", "bonjour": "bjr bjour", "bonsoir": "bsr", "merci": "mrc mci mrci", "désolé": "dsl",
		"aujourd'hui": "auj ajd aujd", "pourquoi": "pk pq pkoi pourkoi prq", "parce que": "pcq pck psk pcke",
		"dans": "ds", "c'est": "c", "ça": "ca", "il y a": "ya",
		// Asides: "je sais pas", "t'inquiète".
		"": "jsp tkt",
	})
	m["w"] = chatForm{full: "with", slash: true}
	return m
}()
