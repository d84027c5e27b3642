package knowledge

import (
	"slices"
	"strings"
	"testing"
	"unicode/utf8"
)

func TestOneEdit(t *testing.T) {
	for _, c := range []struct {
		a, b string
		want bool
	}{
		{"deadlin", "dealin", true},   // a letter left out
		{"requesst", "request", true}, // added
		{"calendar", "calandar", true},
		{"badg", "bagd", true},          // two neighbours swapped
		{"téléphon", "telephon", false}, // two letters changed
		{"gmail", "email", false},       // first letters differ
		{"looker", "locker", true},
		{"sunglass", "sunglas", true},
		{"payment", "payment", false}, // the same stem is no misspelling
		{"main", "mail", true},
		{"mai", "may", false}, // too short to tell
		{"abcde", "acbed", false},
		{"printer", "painter", true},
		{"printer", "planter", false},
	} {
		if got := oneEdit(c.a, c.b); got != c.want {
			t.Errorf("oneEdit(%q, %q) = %v, want %v", c.a, c.b, got, c.want)
		}
		if got := oneEdit(c.b, c.a); got != c.want {
			t.Errorf("oneEdit(%q, %q) = %v, want %v", c.b, c.a, got, c.want)
		}
	}
}

// FuzzOneEdit holds oneEdit to the optimal string alignment distance,
// computed the long way.
func FuzzOneEdit(f *testing.F) {
	for _, s := range [][2]string{{"deadline", "dealine"}, {"badge", "bagde"}, {"écran", "écrna"}, {"abcd", "abdc"}} {
		f.Add(s[0], s[1])
	}
	f.Fuzz(func(t *testing.T, a, b string) {
		if !utf8.ValidString(a) || !utf8.ValidString(b) {
			return
		}
		ra, rb := []rune(a), []rune(b)
		want := a != b && len(ra) >= minMisspelt-1 && len(rb) >= minMisspelt-1 && ra[0] == rb[0] && alignmentDistance(ra, rb) == 1
		if got := oneEdit(a, b); got != want {
			t.Errorf("oneEdit(%q, %q) = %v, want %v", a, b, got, want)
		}
	})
}

// alignmentDistance is the optimal string alignment distance of a and b:
// letters added, removed or changed, and neighbours swapped.
func alignmentDistance(a, b []rune) int {
	d := make([][]int, len(a)+1)
	for i := range d {
		d[i] = make([]int, len(b)+1)
		d[i][0] = i
	}
	for j := range d[0] {
		d[0][j] = j
	}
	for i := 1; i <= len(a); i++ {
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			d[i][j] = min(d[i-1][j]+1, d[i][j-1]+1, d[i-1][j-1]+cost)
			if i > 1 && j > 1 && a[i-1] == b[j-2] && a[i-2] == b[j-1] {
				d[i][j] = min(d[i][j], d[i-2][j-2]+1)
			}
		}
	}
	return d[len(a)][len(b)]
}

func TestOrdinalNumber(t *testing.T) {
	for text, want := range map[string]string{
		"3rd": "3", "1st": "1", "22nd": "22", "4TH": "4", "1er": "1", "1re": "1", "1ère": "1",
		"2e": "2", "2ème": "2", "3èmes": "3", "10e": "10",
		"3": "", "mp3": "", "5kg": "", "3d": "", "1sta": "", "2eme2": "", "third": "", "": "",
	} {
		if got := ordinalNumber(text); got != want {
			t.Errorf("ordinalNumber(%q) = %q, want %q", text, got, want)
		}
	}
}

// TestSpeltIsBounded reads an acronym against a text of little words all
// beginning with its letters: tried every way, the phrases would be too
// many to finish.
func TestSpeltIsBounded(t *testing.T) {
	p := phrase{tokens: []string{"alpha"}, initials: []rune{'a'}, meaning: []bool{true}}
	for range 5000 {
		p.tokens, p.initials, p.meaning = append(p.tokens, "of"), append(p.initials, 'o'), append(p.meaning, false)
	}
	if _, ok := p.spelt([]rune("aoooox"), 0); ok {
		t.Error("spelt aoooox in a text without an x")
	}
	if end, ok := p.spelt([]rune("aooooo"), 0); !ok || end != 6 {
		t.Errorf("spelt aooooo: %v, ending at %d, want true at 6", ok, end)
	}
}

func TestAmericanTerms(t *testing.T) {
	analyse := func(text string) []Word {
		var words []Word
		for _, f := range strings.Fields(text) {
			words = append(words, Word{Text: f, Terms: []string{f}})
		}
		return words
	}
	v := newVocabulary(TermStats{}, NewLexicon([]Pair{
		{French: "couleur", English: "colour"},
		{French: "prix", English: "prize"},
		{French: "prise", English: "socket"},
		{French: "analyser", English: "analyze"},
		{French: "comportement", English: "behavior"},
	}, analyse))
	for text, want := range map[string][]string{
		"colour":    {"color"},    // the British word is English
		"behaviour": {"behavior"}, // the American one is, and the word no French one
		"analyse":   nil,          // a French verb's form ("il analyse") only
		"prise":     nil,          // a French word, not "prize"
		"detour":    nil,          // neither is listed
		"hour":      nil,          // too short before "our"
		"color":     nil,          // already American
	} {
		if got := v.americanTerms(Word{Text: text, Terms: []string{text}}); !slices.Equal(got, want) {
			t.Errorf("americanTerms(%q) = %q, want %q", text, got, want)
		}
	}
}

func TestContracts(t *testing.T) {
	for _, c := range []struct {
		short, long string
		want        bool
	}{
		{"mgmt", "management", true}, {"msg", "message", true}, {"pwd", "password", true},
		{"dept", "department", true}, {"pkg", "package", true}, {"qty", "quantity", true},
		{"api", "application", false}, // ends otherwise
		{"mgt", "meeting", false},     // no g between
		{"dpt", "report", false},      // begins otherwise
		{"m", "management", false},
	} {
		if got := contracts(c.short, c.long); got != c.want {
			t.Errorf("contracts(%q, %q) = %v, want %v", c.short, c.long, got, c.want)
		}
	}
}

// TestSameScore compares search scores as one when they differ only in
// the last bits a float sum leaves, as two questions analysed alike
// score, and as two otherwise.
func TestSameScore(t *testing.T) {
	for _, c := range []struct {
		a, b float64
		same bool
	}{
		{0.62848570435069162, 0.62848570435069151, true},
		{0.71828226230757086, 0.71828226230757075, true},
		{0.6284, 0.6285, false},
		{1e-12, 2e-12, false},
		{0, 0, true},
	} {
		if got := sameScore(c.a, c.b); got != c.same {
			t.Errorf("sameScore(%v, %v) = %v, want %v", c.a, c.b, got, c.same)
		}
	}
}

// TestPastsOfTheirOwnArePasts checks that each past left out of reading
// as its verb is one of the irregular pasts that would be read so: an
// entry that is not leaves out nothing.
func TestPastsOfTheirOwnArePasts(t *testing.T) {
	for w := range pastsOfTheirOwn {
		if _, ok := irregularEnglish[w]; !ok {
			t.Errorf("%q is no irregular past nextdesk knows", w)
		}
	}
}

// A word is read as a name as namesIn wrote it: with its accents, and
// without the possessive namesIn splits off.
func TestIsNameKeepsAccentsAndDropsPossessive(t *testing.T) {
	b := bag{names: namesIn("Is the room booked for Zoé? Ask Tom's manager, or Genève.")}
	for _, text := range []string{"zoé", "tom's", "tom’s", "genève"} {
		if !b.isName(text) {
			t.Errorf("%q is no name in %v", text, b.names)
		}
	}
	for _, text := range []string{"zoe", "manager", "room"} {
		if b.isName(text) {
			t.Errorf("%q is a name in %v", text, b.names)
		}
	}
}
