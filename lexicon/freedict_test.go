package lexicon

import (
	"compress/gzip"
	"errors"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/nextdesk/nextdesk/knowledge"
)

// writeDict writes a dictd dictionary named base in dir, with the given
// articles, the way dictfmt lays it out.
func writeDict(t *testing.T, dir, base string, articles map[string]string) {
	t.Helper()
	const digits = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"
	enc := func(n int) string {
		if n == 0 {
			return "A"
		}
		var s string
		for ; n > 0; n /= 64 {
			s = string(digits[n%64]) + s
		}
		return s
	}
	var text, index strings.Builder
	for _, head := range slices.Sorted(maps.Keys(articles)) {
		off := text.Len()
		text.WriteString(articles[head])
		index.WriteString(head + "\t" + enc(off) + "\t" + enc(text.Len()-off) + "\n")
	}
	f, err := os.Create(filepath.Join(dir, base+".dict.dz"))
	if err != nil {
		t.Fatal(err)
	}
	zw := gzip.NewWriter(f)
	zw.Write([]byte(text.String()))
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	f.Close()
	if err := os.WriteFile(filepath.Join(dir, base+".index"), []byte(index.String()), 0o644); err != nil {
		t.Fatal(err)
	}
}

func TestLoad(t *testing.T) {
	dir := t.TempDir()
	writeDict(t, dir, frenchEnglish, map[string]string{
		"00databaseshort": "French-English FreeDict Dictionary\n",
		"imprimante":      "imprimante /ɛ̃pʀimɑ̃t/ <n, fem>\nprinter\n",
		"temps":           "temps /tɑ̃/ <n, masc>\n1. time\n2. weather, (informal) season\n",
		"attendre":        "attendre /atɑ̃dʀ/ <v>\nwait\n",
		"mère":            "mère /mɛʀ/ <n, fem>\nmother\n",
		"falloir":         "falloir /falwaʀ/ <v>\n1.\n      \"Il faut faire\"\n You have to\n\n2. need\n",
	})
	writeDict(t, dir, englishFrench, map[string]string{
		"wait":   "wait /weit/\nattendre\n",
		"mother": "mother /ˈmʌðə/\nmère\n",
		"water":  "water /ˈwɔːtə/\narroser\n",
	})
	got, err := Load(dir)
	if err != nil {
		t.Fatal(err)
	}
	// What French–English says of a French word's part of speech holds
	// for English–French's translations, which it does not tag; a word
	// it does not know may be a verb.
	want := []knowledge.Pair{
		{French: "attendre", English: "wait"},
		// A sense's number alone on its line is no translation, nor is
		// an example quoted in French.
		{French: "falloir", English: "You have to"},
		{French: "falloir", English: "need"},
		{French: "imprimante", English: "printer", NotVerb: true},
		{French: "mère", English: "mother", NotVerb: true},
		{French: "temps", English: "time", NotVerb: true},
		{French: "temps", English: "weather", NotVerb: true},
		{French: "temps", English: "season", NotVerb: true},
		{French: "mère", English: "mother", NotVerb: true},
		{French: "attendre", English: "wait"},
		{French: "arroser", English: "water"},
	}
	// The words of work come first, twice; the indefinite pronouns
	// follow the dictionaries.
	want = append(append(append(slices.Clip(workplace), workplace...), want...), indefinites...)
	if diff := cmp.Diff(got, want); diff != "" {
		t.Errorf("Load (-got +want):\n%s", diff)
	}
}

// The French–German dictionary, when installed, tells more French words'
// parts of speech than French–English does; a word either calls a verb
// is one.
func TestLoadTagsWordsFromFrenchGerman(t *testing.T) {
	dir := t.TempDir()
	writeDict(t, dir, frenchEnglish, map[string]string{"souper": "souper /supe/ <v>\nhave supper\n"})
	writeDict(t, dir, englishFrench, map[string]string{
		"last":   "last /lɑːst/\ndernier\n",
		"supper": "supper /ˈsʌpə/\nsouper\n",
	})
	writeDict(t, dir, frenchGerman, map[string]string{
		"dernier": "dernier /dɛʁ.nje/ <adj, masc>\nletzter\n",
		"souper":  "souper /su.pe/ <n, masc>\nAbendessen\n",
	})
	got, err := Load(dir)
	if err != nil {
		t.Fatal(err)
	}
	want := []knowledge.Pair{
		{French: "souper", English: "have supper"},
		{French: "dernier", English: "last", NotVerb: true},
		{French: "souper", English: "supper"},
	}
	got = got[2*len(workplace):]
	if diff := cmp.Diff(got[:len(want)], want); diff != "" {
		t.Errorf("Load (-got +want):\n%s", diff)
	}
}

func TestLoadMissing(t *testing.T) {
	_, err := Load(t.TempDir())
	if !errors.Is(err, ErrMissing) || !strings.Contains(err.Error(), "dict-freedict-fra-eng") {
		t.Errorf("Load of an empty directory: error = %v, want ErrMissing naming the package", err)
	}
}

func TestLoadDamaged(t *testing.T) {
	dir := t.TempDir()
	writeDict(t, dir, frenchEnglish, map[string]string{"chat": "chat /ʃa/ <n>\ncat\n"})
	writeDict(t, dir, englishFrench, map[string]string{"cat": "cat /kæt/\nchat\n"})
	if err := os.WriteFile(filepath.Join(dir, englishFrench+".index"), []byte("cat\tA\tzzzz\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := Load(dir); err == nil || errors.Is(err, ErrMissing) || !strings.Contains(err.Error(), englishFrench+".index:1") {
		t.Errorf("Load of a damaged index: error = %v, want one naming the file and line", err)
	}
}

func TestLoadPivot(t *testing.T) {
	dir := t.TempDir()
	writeDict(t, dir, frenchGerman, map[string]string{
		"00databaseshort": "français-Deutsch FreeDict+WikDict dictionary\n",
		"mot de passe":    "mot de passe /mo də pas/ <n, masc>\nKennwort, Passwort\n",
		"voir":            "voir /vwaʁ/ <v>\n1. sehen, erkennen\nPercevoir l’image des objets\n2. verstehen\nS’apercevoir, comprendre\n",
		"imprimante":      "imprimante /ɛ̃.pʁi.mɑ̃t/ <n, fem>\nDrucker\nPériphérique informatique à imprimer sur du papier\n",
		"Paris":           "Paris /pa.ʁi/ <pn>\nParis\n",
		"quiconque":       "quiconque\n1. irgendein\n2. wer auch immer, jeder\n",
		"réparer":         "réparer <v>\nreparieren\n",
		"base de données": "base de données /baz də dɔ.ne/ <n, fem>\nDatenbank\n",
		"diriger":         "diriger <v>\nleiten\n",
		// A sense with sub-senses ends its translations with the first
		// one's number.
		"vol": "vol /vɔl/ <n, masc>\n1. Flug 2.\nFait de se déplacer dans l’air, pour un animal\n 3.\nFait de se déplacer dans l’air, pour une machine\n2. Diebstahl\nAction de s’approprier le bien d’autrui\n",
	})
	writeDict(t, dir, germanEnglish, map[string]string{
		"Kennwort":   "Kennwort /kˈɛnvɔɐ̯t/ <n>\npassword <n>, keyword <n>\n   Synonyms: {Passwort}\n",
		"Passwort":   "Passwort <n>\npassword <n>\n",
		"sehen":      "sehen <v>\nsee <v>, look <v>\n see: {gesehen}\n",
		"erkennen":   "erkennen <v>\nrecognize <v>\n",
		"verstehen":  "verstehen <v>\nunderstand <v>\n",
		"jeder":      "jeder <pron>\nanybody <pron>, anyone <pron>, everyone, each\n",
		"Drucker":    "Drucker <n>\n   Synonyms: {Printer}\n",
		"Paris":      "Paris\nParis\n",
		"reparieren": "reparieren <v>\nrepair sth. <v>, sth. <n>, fix sb.'s <v>, mend sb./sth. <v>, rep. /ˈrɛp/\n",
		"Flug":       "Flug /flˈuːk/ <masc, n, sg>\n [aviat.] flight <n>\n",
		"Diebstahl":  "Diebstahl <masc, n, sg>\ntheft <n>\n",
		"Datenbank":  "Datenbank /dˈɑːtənbˌaŋk/ <fem, n, sg>\n [comp.] database <n>, data base <n>\n      \"eine Datenbank betreiben\"  - run a database\n see: {Datenbanken}\n",
		// Two articles of one headword, the field's first in the text.
		"Leiten": "leiten <v>\n [electr.] conduct <v>\n",
		"leiten": "leiten <v>\nlead <v>, guide <v>, run <v>\n",
	})
	got, err := LoadPivot(dir)
	if err != nil {
		t.Fatal(err)
	}
	slices.SortFunc(got, func(a, b knowledge.Pair) int {
		return strings.Compare(a.French+"\t"+a.English, b.French+"\t"+b.English)
	})
	want := []knowledge.Pair{
		// A sense of a field ("[comp.]") is a translation; an example
		// is not. A noun is told from a verb.
		{French: "base de données", English: "data base", NotVerb: true},
		{French: "base de données", English: "database", NotVerb: true},
		// The general language's senses come before a field's: the
		// first three are taken.
		{French: "diriger", English: "guide"},
		{French: "diriger", English: "lead"},
		{French: "diriger", English: "run"},
		{French: "mot de passe", English: "keyword", NotVerb: true},
		{French: "mot de passe", English: "password", NotVerb: true},
		// Definitions ("Percevoir…") are no translations; a place
		// (<pn>) is called alike; a German word with no translation
		// line (Drucker) gives nothing; each German word gives its first
		// three English ones.
		{French: "quiconque", English: "anybody"},
		{French: "quiconque", English: "anyone"},
		{French: "quiconque", English: "everyone"},
		// Ding's abbreviations and pronunciations are no words.
		{French: "réparer", English: "fix"},
		{French: "réparer", English: "mend"},
		{French: "réparer", English: "repair"},
		{French: "voir", English: "look"},
		{French: "voir", English: "recognize"},
		{French: "voir", English: "see"},
		{French: "voir", English: "understand"},
		{French: "vol", English: "flight", NotVerb: true},
		{French: "vol", English: "theft", NotVerb: true},
	}
	if diff := cmp.Diff(got, want); diff != "" {
		t.Errorf("LoadPivot (-got +want):\n%s", diff)
	}
	if err := os.Remove(filepath.Join(dir, germanEnglish+".index")); err != nil {
		t.Fatal(err)
	}
	if _, err := LoadPivot(dir); !errors.Is(err, ErrMissing) || !strings.Contains(err.Error(), "dict-freedict-deu-eng") {
		t.Errorf("LoadPivot without the German–English dictionary: error = %v, want ErrMissing naming the package", err)
	}
}
