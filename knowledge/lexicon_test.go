package knowledge_test

import (
	"slices"
	"strings"
	"sync"
	"testing"
	"unicode"

	"github.com/nextdesk/nextdesk/knowledge"
)

// words analyses like the index, crudely: lower-cased words, each its own
// term, less a final s.
func words(text string) []knowledge.Word {
	var out []knowledge.Word
	for _, w := range strings.Fields(strings.ToLower(text)) {
		out = append(out, knowledge.Word{Text: w, Terms: []string{strings.TrimSuffix(w, "s")}})
	}
	return out
}

// analyseWithout analyses like the index, crudely, for a lexicon whose
// headwords hold function words: lower-cased words split at spaces and
// hyphens, each its own term, less the function words given.
func analyseWithout(function ...string) func(string) []knowledge.Word {
	return func(text string) []knowledge.Word {
		var out []knowledge.Word
		for _, w := range strings.FieldsFunc(strings.ToLower(text), func(r rune) bool { return r == ' ' || r == '-' }) {
			if !slices.Contains(function, w) {
				out = append(out, knowledge.Word{Text: w, Terms: []string{w}})
			}
		}
		return out
	}
}

// translations maps the first term of each translation of word to its
// weight, added up over the forms that share it.
func translations(l *knowledge.Lexicon, word string) map[string]float64 {
	return weights(l.Translate(words(word)[0], ""))
}

func textTranslations(l *knowledge.Lexicon, text string) map[string]float64 {
	return weights(l.TranslateText(text, words(text)))
}

func weights(qs []knowledge.QueryWord) map[string]float64 {
	out := make(map[string]float64)
	for _, q := range qs {
		out[q.Terms[0]] += q.Weight
	}
	return out
}

func TestLexiconWeighsTranslationsByAmbiguity(t *testing.T) {
	l := knowledge.NewLexicon([]knowledge.Pair{
		{French: "imprimante", English: "printer"},
		{French: "temps", English: "time"},
		{French: "temps", English: "weather"},
		{French: "temps", English: "time"}, // the other dictionary agrees
		{French: "chercher", English: "search"},
		{French: "pomme de terre", English: "potato"},
		{French: "date", English: "date"},
	}, words)
	if got := translations(l, "imprimante"); got["printer"] != 1 || len(got) != 1 {
		t.Errorf("imprimante → %v, want printer alone, at full weight", got)
	}
	if got := translations(l, "printers"); got["imprimante"] != 1 {
		t.Errorf("printers → %v, want imprimante at full weight (by its stem)", got)
	}
	// Both dictionaries give "time": it weighs twice what "weather" does.
	if got := translations(l, "temps"); got["time"] != 2.0/3 || got["weather"] != 1.0/3 {
		t.Errorf("temps → %v, want time 2/3, weather 1/3", got)
	}
	// A conjugated form finds its infinitive.
	if got := translations(l, "cherchez"); got["search"] != 1 {
		t.Errorf("cherchez → %v, want search (from chercher)", got)
	}
	// An English verb brings the French forms a question may hold, each
	// at the translation's weight: a question holds one of them.
	if got := translations(l, "search"); got["cherchez"] != 1 || got["chercher"] != 1 {
		t.Errorf("search → %v, want chercher and its forms such as cherchez", got)
	}
	// A headword of several words is a phrase: it is looked up in a text
	// as a whole, never by one of its words.
	if got := translations(l, "pomme"); len(got) != 0 {
		t.Errorf("pomme → %v, want nothing", got)
	}
	// A word spelt alike in both languages needs no translation.
	if got := translations(l, "date"); len(got) != 0 {
		t.Errorf("date → %v, want nothing", got)
	}
	var none *knowledge.Lexicon
	if got := none.Translate(words("imprimante")[0], "fr"); got != nil {
		t.Errorf("a nil lexicon translated %v", got)
	}
}

// TestLexiconMarksCognates marks, among a word's translations, those spelt
// as the word but for an ending: the sense both languages share, which
// sameness counts whole however many senses the dictionary lists.
func TestLexiconMarksCognates(t *testing.T) {
	l := knowledge.NewLexicon([]knowledge.Pair{
		{French: "statut", English: "law"},
		{French: "statut", English: "bylaw"},
		{French: "statut", English: "status"},
		{French: "contrat", English: "contract"},
		{French: "cas", English: "case"},
		{French: "position", English: "stand"},
	}, words)
	cognates := func(word string) []string {
		var out []string
		for _, q := range l.Translate(words(word)[0], "") {
			if q.Cognate {
				out = append(out, q.Terms[0])
			}
		}
		return out
	}
	for word, want := range map[string][]string{
		"statut":   {"statu"}, // status, less its s
		"contrat":  {"contract"},
		"status":   {"statut"},
		"cas":      nil, // too short to tell from chance
		"position": nil,
	} {
		if got := cognates(word); !slices.Equal(got, want) {
			t.Errorf("%s: cognates %q, want %q", word, got, want)
		}
	}
}

func TestLexiconTranslatesPhrasesAsAWhole(t *testing.T) {
	l := knowledge.NewLexicon([]knowledge.Pair{
		{French: "tout le monde", English: "everybody"},
		{French: "monde", English: "world"},
		{French: "mot de passe", English: "password"},
		{French: "mot", English: "word"},
		{French: "oublié", English: "forgotten"},
	}, words)
	// "monde" inside "tout le monde" is no world; elsewhere it is.
	if got := textTranslations(l, "tout le monde est prêt"); got["everybody"] == 0 || got["world"] != 0 {
		t.Errorf("tout le monde est prêt → %v, want everybody, not world", got)
	}
	if got := textTranslations(l, "le monde"); got["world"] != 1 {
		t.Errorf("le monde → %v, want world", got)
	}
	if got := textTranslations(l, "mot de passe oublié"); got["password"] != 1 || got["forgotten"] != 1 || got["word"] != 0 {
		t.Errorf("mot de passe oublié → %v, want password and forgotten", got)
	}
	// The other way round, the phrase's words that carry meaning.
	if got := textTranslations(l, "password"); got["mot"] == 0 || got["passe"] == 0 {
		t.Errorf("password → %v, want the words of mot de passe", got)
	}
}

// A pair read from French only translates the French phrase, and leaves
// the English word to its other translations: "deadline" would otherwise
// search "date" and "limite", which English reads as its own words.
func TestLexiconReadsAPairFromFrenchOnly(t *testing.T) {
	l := knowledge.NewLexicon([]knowledge.Pair{
		{French: "date limite", English: "deadline", FromFrench: true},
		{French: "échéance", English: "deadline"},
	}, words)
	if got := textTranslations(l, "la date limite"); got["deadline"] == 0 {
		t.Errorf("la date limite → %v, want deadline", got)
	}
	if got := textTranslations(l, "the deadline"); got["date"] != 0 || got["limite"] != 0 || got["echeanc"] == 0 && got["échéance"] == 0 {
		t.Errorf("the deadline → %v, want échéance and not date limite", got)
	}
}

// A phrase written in the plural is the phrase: "jours fériés" is "jour
// férié", "business cards" "business card".
func TestLexiconFindsAPhraseInThePlural(t *testing.T) {
	l := knowledge.NewLexicon([]knowledge.Pair{
		{French: "jour férié", English: "holiday"},
		{French: "jour", English: "day"},
		{French: "carte de visite", English: "business card"},
		{French: "frais", English: "fresh"},
		{French: "note de frais", English: "expense report"},
		{French: "congés payés", English: "paid leave"},
	}, analyseWithout("de"))
	if got := textTranslations(l, "les jours fériés"); got["holiday"] != 1 || got["day"] != 0 {
		t.Errorf("les jours fériés → %v, want holiday", got)
	}
	if got := textTranslations(l, "notes de frais"); got["expense"] != 1 || got["fresh"] != 0 {
		t.Errorf("notes de frais → %v, want expense report", got)
	}
	if got := textTranslations(l, "business cards"); got["carte"] != 1 || got["visite"] != 1 {
		t.Errorf("business cards → %v, want carte de visite", got)
	}
	// And the singular of a phrase listed in the plural is the phrase.
	if got := textTranslations(l, "un congé payé"); got["paid"] != 1 || got["leave"] != 1 {
		t.Errorf("un congé payé → %v, want paid leave", got)
	}
}

// A translation of several words is one sense: each of its words carries
// it whole, and it counts once among the word's senses.
func TestLexiconWeighsATranslationOfSeveralWordsAsOneSense(t *testing.T) {
	l := knowledge.NewLexicon([]knowledge.Pair{
		{French: "astreinte", English: "on-call duty"},
		{French: "astreinte", English: "obligation"},
	}, analyseWithout("on"))
	got := translations(l, "astreinte")
	if got["call"] != 0.5 || got["duty"] != 0.5 || got["obligation"] != 0.5 {
		t.Errorf("astreinte → %v, want call, duty and obligation each at 1/2", got)
	}
	// A word the word finds itself is no translation, but the phrase it
	// is part of still counts as a sense.
	l = knowledge.NewLexicon([]knowledge.Pair{
		{French: "virus", English: "virus infection"},
		{French: "virus", English: "bug"},
	}, words)
	if got := translations(l, "virus"); got["infection"] != 0.5 || got["bug"] != 0.5 || got["viru"] != 0 {
		t.Errorf("virus → %v, want infection and bug each at 1/2", got)
	}
}

// A headword the analysis keeps only part of is a phrase: the word left of
// it is another word.
func TestLexiconKeepsHyphenatedHeadwordsWhole(t *testing.T) {
	analyse := analyseWithout("sous", "no")
	l := knowledge.NewLexicon([]knowledge.Pair{
		{French: "sous-entendu", English: "innuendo"},
		{French: "entendre", English: "hear"},
		{French: "personne", English: "no-one"},
		{French: "quelqu'un", English: "someone"},
	}, analyse)
	if got := textTranslations(l, "entendu"); got["innuendo"] != 0 || got["hear"] == 0 {
		t.Errorf("entendu → %v, want hear, not innuendo", got)
	}
	if got := textTranslations(l, "un sous-entendu"); got["innuendo"] != 1 {
		t.Errorf("un sous-entendu → %v, want innuendo", got)
	}
	if got := textTranslations(l, "one"); got["personne"] != 0 {
		t.Errorf("one → %v, want nothing", got)
	}
	if got := textTranslations(l, "no-one"); got["personne"] != 1 {
		t.Errorf("no-one → %v, want personne", got)
	}
	if got := textTranslations(l, "quelqu'un"); got["someone"] == 0 {
		t.Errorf("quelqu'un → %v, want someone: an apostrophe keeps a word whole", got)
	}
}

// The translations of one word or phrase share its rarity in the search:
// each is numbered as the word it stands for.
func TestLexiconNumbersTheWordsItTranslates(t *testing.T) {
	l := knowledge.NewLexicon([]knowledge.Pair{
		{French: "mot de passe", English: "password"},
		{French: "mot de passe", English: "passphrase"},
		{French: "temps", English: "time"},
		{French: "temps", English: "weather"},
		{French: "oublié", English: "forgotten"},
	}, words)
	got := make(map[string]int)
	for _, q := range l.TranslateText("mot de passe oublié quel temps", words("mot de passe oublié quel temps")) {
		got[q.Terms[0]] = q.Translates
	}
	want := map[string]int{"password": 1, "passphrase": 1, "forgotten": 2, "time": 3, "weather": 3}
	if len(got) != len(want) {
		t.Errorf("translations numbered %v, want %v", got, want)
	}
	for term, n := range want {
		if got[term] != n {
			t.Errorf("%s translates word %d, want %d (all: %v)", term, got[term], n, got)
		}
	}
}

func TestLexiconKnowsEnglishPronounsWrittenTwoWays(t *testing.T) {
	l := knowledge.NewLexicon([]knowledge.Pair{{French: "quelqu'un", English: "anybody"}}, words)
	if got := translations(l, "anyone"); got["quelqu'un"] != 1 {
		t.Errorf("anyone → %v, want quelqu'un (the dictionary lists anybody)", got)
	}
	if got := translations(l, "quelqu'un"); got["anyone"] == 0 || got["anybody"] == 0 {
		t.Errorf("quelqu'un → %v, want anybody and anyone", got)
	}
}

func TestLexiconFindsCognatesOfWordsItLacks(t *testing.T) {
	l := knowledge.NewLexicon([]knowledge.Pair{{French: "imprimante", English: "printer"}}, words)
	for word, want := range map[string]string{
		"thoracique":         "thoracic",
		"similaire":          "similar",
		"dangereux":          "dangerou", // the crude analysis drops a final s
		"intentionnellement": "intentionally",
		"professionnel":      "professional",
		"chronic":            "chronique",
		"allergy":            "allergie",
		"synchroniser":       "synchronize",
		"initialisation":     "initialization",
		"optimisé":           "optimized",
		"registre":           "register",
		"virtualization":     "virtualisation",
		"tokenize":           "tokeniser",
	} {
		if got := translations(l, word); got[want] == 0 {
			t.Errorf("%s → %v, want %s among its cognates", word, got, want)
		}
	}
	// A word the lexicon knows is translated, not guessed at; a short one
	// is left alone.
	if got := translations(l, "printer"); len(got) != 1 || got["imprimante"] != 1 {
		t.Errorf("printer → %v, want imprimante alone", got)
	}
	if got := translations(l, "bic"); len(got) != 0 {
		t.Errorf("bic → %v, want nothing", got)
	}
}

func TestLexiconFallsBackForWhatItLacks(t *testing.T) {
	l := knowledge.NewLexicon([]knowledge.Pair{{French: "imprimante", English: "printer"}}, words)
	l.Fallback = knowledge.NewLexicon([]knowledge.Pair{
		{French: "imprimante", English: "printer"},
		{French: "imprimante", English: "typographer"},
		{French: "tireuse", English: "printer"},
		{French: "réinitialiser", English: "reset"},
		{French: "mot de passe", English: "password"},
	}, words)
	// A French word both know has the senses of both, the surer
	// lexicon's counting twice: printer 2 + 1 of 4, typographer 1 of 4.
	if got := weights(l.Translate(words("imprimante")[0], "fr")); len(got) != 2 || got["printer"] != 0.75 || got["typographer"] != 0.25 {
		t.Errorf("imprimante in French → %v, want printer 3/4 and typographer 1/4", got)
	}
	// Not in a text that may be English, nor an English word: the
	// fallback's pairs go from French to English, and read the other way
	// they give too many senses.
	if got := translations(l, "imprimante"); len(got) != 1 || got["printer"] != 1 {
		t.Errorf("imprimante → %v, want printer alone", got)
	}
	if got := weights(l.Translate(words("printer")[0], "fr")); len(got) != 1 || got["imprimante"] != 1 {
		t.Errorf("printer → %v, want imprimante alone", got)
	}
	if got := textTranslations(l, "réinitialiser mon mot de passe"); got["reset"] != 1 || got["password"] != 1 {
		t.Errorf("réinitialiser mon mot de passe → %v, want reset and password from the fallback", got)
	}
	if got := translations(l, "reset"); got["réinitialiser"] != 1 {
		t.Errorf("reset → %v, want réinitialiser from the fallback", got)
	}
}

// TestLexiconPrefersTheWordToARelative takes a French word the surer
// lexicon lists only under another word of its stem as the fallback lists
// it: "utilise" is a form of "utiliser", to use, not "utilisateur".
func TestLexiconPrefersTheWordToARelative(t *testing.T) {
	// Stems of six letters at most, so that "utilisateur" and "utilise"
	// share one, as the index's stemmers make them.
	stems := func(text string) []knowledge.Word {
		var out []knowledge.Word
		for _, w := range strings.Fields(strings.ToLower(text)) {
			r := []rune(w)
			out = append(out, knowledge.Word{Text: w, Terms: []string{string(r[:min(6, len(r))])}})
		}
		return out
	}
	l := knowledge.NewLexicon([]knowledge.Pair{{French: "utilisateur", English: "user"}}, stems)
	l.Fallback = knowledge.NewLexicon([]knowledge.Pair{{French: "utiliser", English: "use"}}, stems)
	if got := weights(l.Translate(stems("utilise")[0], "fr")); len(got) != 1 || got["use"] != 1 {
		t.Errorf("utilise in French → %v, want use alone", got)
	}
	// A text that may be English reads the surer lexicon alone.
	if got := weights(l.Translate(stems("utilise")[0], "")); len(got) != 1 || got["user"] != 1 {
		t.Errorf("utilise → %v, want user alone", got)
	}
}

func TestLexiconFindsVerbsWhoseVowelChanges(t *testing.T) {
	l := knowledge.NewLexicon([]knowledge.Pair{
		{French: "gérer", English: "manage"},
		{French: "acheter", English: "buy"},
		{French: "appeler", English: "call"},
		{French: "jeter", English: "throw"},
	}, words)
	for word, want := range map[string]string{"gère": "manage", "gèrent": "manage", "achète": "buy", "appelle": "call", "jettent": "throw"} {
		if got := translations(l, word); got[want] != 1 {
			t.Errorf("%s → %v, want %s", word, got, want)
		}
	}
}

// An irregular French verb is conjugated as the others of its family, a
// compound as its base: "reconnaissez" is "reconnaître" as "connaissez" is
// "connaître", and a question asked in English finds the French forms,
// except those spelt as English words. A regular verb's stem may have two
// letters ("tuer").
func TestLexiconConjugatesFamiliesOfIrregularVerbs(t *testing.T) {
	l := knowledge.NewLexicon([]knowledge.Pair{
		{French: "reconnaître", English: "recognize"},
		{French: "obtenir", English: "obtain"},
		{French: "résoudre", English: "solve"},
		{French: "ressentir", English: "feel"},
		{French: "comprendre", English: "understand"},
		{French: "envoyer", English: "send"},
		{French: "partir", English: "leave"},
		{French: "partie", English: "part"},
		{French: "tuer", English: "kill"},
	}, words)
	for word, want := range map[string]string{
		"reconnaissez": "recognize", "obtenu": "obtain", "obtiennent": "obtain", "résolu": "solve",
		"ressentez": "feel", "compris": "understand", "envoie": "send", "envoient": "send",
		// The imperfect and the subjunctive, from "nous" and "ils".
		"comprenait": "understand", "obtenions": "obtain", "reconnaissait": "recognize", "ressente": "feel", "comprenne": "understand",
	} {
		if got := translations(l, word); got[want] != 1 {
			t.Errorf("%s → %v, want %s", word, got, want)
		}
	}
	for word, want := range map[string][]string{
		"recognize": {"reconnaître", "reconnaissez", "reconnu"},
		"solve":     {"résoudre", "résout", "résolu"},
		"feel":      {"ressentir", "ressent", "ressentez", "ressentait", "ressente"},
		"send":      {"envoyer", "envoie", "envoyé"},
		"leave":     {"partir", "partez", "parti"},
		"kill":      {"tuer", "tue", "tué"},
	} {
		got := translations(l, word)
		for _, form := range want {
			if got[strings.TrimSuffix(form, "s")] == 0 {
				t.Errorf("%s → %v, want %s", word, got, form)
			}
		}
	}
	// "part" is an English word: searched as a form of "partir", it
	// would find English texts about parts.
	if got := translations(l, "leave"); got["part"] != 0 {
		t.Errorf("leave → %v, want no part", got)
	}
	// A subjunctive spelt as a French word is more often that word: "voie"
	// is a way, and "see" is not searched as it.
	l = knowledge.NewLexicon([]knowledge.Pair{{French: "voir", English: "see"}, {French: "voie", English: "way"}}, words)
	if got := translations(l, "see"); got["voie"] != 0 || got["voyait"] == 0 {
		t.Errorf("see → %v, want voyait and no voie", got)
	}
	// One the stemmers read as an English word, accents aside, would find
	// it: "sortes" (sortir) is "sort", "résolve" (résoudre) "resolve".
	l = knowledge.NewLexicon([]knowledge.Pair{
		{French: "sortir", English: "exit"}, {French: "trier", English: "sort"},
		{French: "résoudre", English: "solve"}, {French: "régler", English: "resolve"},
	}, words)
	if got := translations(l, "solve"); got["résolve"] != 0 || got["résolvait"] == 0 {
		t.Errorf("solve → %v, want résolvait and no résolve", got)
	}
	if got := translations(l, "exit"); got["sorte"] != 0 || got["sortait"] == 0 {
		t.Errorf("exit → %v, want sortait and no sorte(s)", got)
	}
}

// A French noun or adjective that ends as an infinitive does ("mère",
// "centre", "fichier") is no verb when the dictionaries say so: made up,
// its conjugated forms would be other words, "mes" (my), "cent" (a
// hundred). A word they say nothing of is still conjugated.
func TestLexiconConjugatesNoWordTheDictionariesCallNoVerb(t *testing.T) {
	l := knowledge.NewLexicon([]knowledge.Pair{
		{French: "mère", English: "mother", NotVerb: true},
		{French: "centre", English: "centre", NotVerb: true},
		{French: "fichier", English: "file", NotVerb: true},
		{French: "classer", English: "file"},
	}, words)
	for word, absent := range map[string][]string{"mother": {"mè", "me"}, "centre": {"cent"}, "file": {"fichie", "fichiez"}} {
		got := translations(l, word)
		for _, form := range absent {
			if got[form] != 0 {
				t.Errorf("%s → %v, want no %s", word, got, form)
			}
		}
	}
	if got := translations(l, "file"); got["fichier"] == 0 || got["classe"] == 0 || got["classez"] == 0 {
		t.Errorf("file → %v, want fichier, and classer with its forms", got)
	}
}

// A verb the dictionaries lack, with "re" before one they know, is that
// verb done again, in either language: "redémarrer" is "restart",
// "reinstall" "réinstaller". A word they know is not read so
// ("regarder" is to look, not to keep again).
func TestLexiconTranslatesAVerbDoneAgain(t *testing.T) {
	l := knowledge.NewLexicon([]knowledge.Pair{
		{French: "démarrer", English: "start"},
		{French: "installer", English: "install"},
		{French: "garder", English: "keep"},
		{French: "regarder", English: "look"},
	}, words)
	for word, want := range map[string]string{"redémarrer": "restart", "réinstaller": "reinstall", "reinstall": "reinstaller", "restart": "redémarrer"} {
		if got := translations(l, word); got[want] == 0 {
			t.Errorf("%s → %v, want %s", word, got, want)
		}
	}
	if got := translations(l, "regarder"); got["look"] == 0 || got["rekeep"] != 0 {
		t.Errorf("regarder → %v, want look only", got)
	}
}

// A plural is looked up as its singular, which dictionaries list: before
// the verb a French plural may be a form of ("invités" are guests before
// they are invited).
func TestLexiconFindsTheSingularOfAPlural(t *testing.T) {
	l := knowledge.NewLexicon([]knowledge.Pair{
		{French: "invité", English: "guest"},
		{French: "inviter", English: "invite"},
		{French: "réseau", English: "network"},
		{French: "journal", English: "newspaper"},
		{French: "prime", English: "bonus"},
		{French: "impôt", English: "tax"},
	}, words)
	for word, want := range map[string]string{"invités": "guest", "réseaux": "network", "journaux": "newspaper", "bonuses": "prime", "taxes": "impôt"} {
		if got := translations(l, word); got[want] == 0 {
			t.Errorf("%s → %v, want %s", word, got, want)
		}
	}
}

// An English headword "be" and a word is that word said as a verb:
// "naître" is "be born", and "Where were you born?" holds "born" alone.
// Other phrases whose function words the analysis drops stay phrases.
func TestLexiconReadsBeAndAWordAsTheWord(t *testing.T) {
	l := knowledge.NewLexicon([]knowledge.Pair{
		{French: "naître", English: "be born"},
		{French: "jusqu'ici", English: "to date"},
	}, analyseWithout("be", "to", "jusqu", "ici"))
	analyse := analyseWithout("be", "to")
	if got := weights(l.Translate(analyse("born")[0], "en")); got["naître"] == 0 {
		t.Errorf("born → %v, want naître", got)
	}
	if got := weights(l.Translate(analyse("date")[0], "en")); len(got) != 0 {
		t.Errorf("date → %v, want nothing: \"to date\" is a phrase", got)
	}
}

// A hyphenated English word is also written solid: the dictionary's
// "week-end" is a question's "weekend".
func TestLexiconWritesHyphenatedEnglishSolid(t *testing.T) {
	l := knowledge.NewLexicon([]knowledge.Pair{{French: "week-end", English: "week-end"}}, analyseWithout())
	if got := weights(l.Translate(analyseWithout()("weekend")[0], "en")); got["week"] == 0 || got["end"] == 0 {
		t.Errorf("weekend → %v, want week-end", got)
	}
	if got := textTranslations(l, "ce week-end"); got["weekend"] == 0 {
		t.Errorf("ce week-end → %v, want weekend", got)
	}
}

// An English comparative or superlative the dictionaries lack is its
// adjective said more ("bigger" is "big", "easiest" "easy"); a word they
// list ("printer") is itself, and a French text's words are French.
func TestLexiconReadsEnglishComparativesAsTheirAdjective(t *testing.T) {
	l := knowledge.NewLexicon([]knowledge.Pair{
		{French: "grand", English: "big"}, {French: "facile", English: "easy"},
		{French: "vieux", English: "old"}, {French: "imprimante", English: "printer"},
		{French: "imprimer", English: "print"},
	}, words)
	for word, want := range map[string]string{"bigger": "grand", "easiest": "facile", "older": "vieux", "printer": "imprimante"} {
		if got := weights(l.Translate(words(word)[0], "en")); got[want] == 0 || len(got) != 1 {
			t.Errorf("%s → %v, want %s alone", word, got, want)
		}
	}
	if got := weights(l.Translate(words("older")[0], "fr")); got["vieux"] != 0 {
		t.Errorf("older in a French text → %v, want no comparative", got)
	}
}

// The English plurals no stemmer brings back to their singular are looked
// up as it, and a French word translated into the singular finds the
// plural: "enfant" is "child", and the question asks about "children".
func TestLexiconKnowsEnglishIrregularPlurals(t *testing.T) {
	l := knowledge.NewLexicon([]knowledge.Pair{{French: "enfant", English: "child"}, {French: "couteau", English: "knife"}}, words)
	for word, want := range map[string]string{"children": "enfant", "knives": "couteau"} {
		if got := translations(l, word); got[want] != 1 {
			t.Errorf("%s → %v, want %s", word, got, want)
		}
	}
	if got := translations(l, "enfant"); got["child"] != 1 || got["children"] != 1 {
		t.Errorf("enfant → %v, want child and children", got)
	}
}

// In a French text, a plural the French dictionary lists in the singular
// only is that singular, even when English has a word spelt as the
// plural: "mains" are hands, not water mains.
func TestLexiconReadsAFrenchPluralSpeltAsAnEnglishWord(t *testing.T) {
	l := knowledge.NewLexicon([]knowledge.Pair{{French: "main", English: "hand"}, {French: "canalisation", English: "mains"}}, words)
	if got := weights(l.Translate(words("mains")[0], "fr")); got["hand"] == 0 || got["canalisation"] != 0 {
		t.Errorf("mains in a French text → %v, want hand only", got)
	}
	if got := weights(l.Translate(words("mains")[0], "en")); got["canalisation"] == 0 {
		t.Errorf("mains in an English text → %v, want canalisation", got)
	}
}

// A word spelt as both an English and a French word is read in its text's
// language: "sales" of an English question is no French dirt, "place" of
// a French one no English place; a word only the other language has
// ("mutuelle" in an English question) is still that language's.
func TestLexiconReadsAWordInItsTextsLanguage(t *testing.T) {
	l := knowledge.NewLexicon([]knowledge.Pair{
		{French: "sale", English: "dirty"},
		{French: "vente", English: "sale"},
		{French: "place", English: "square"},
		{French: "endroit", English: "place"},
		{French: "mutuelle", English: "health insurance"},
	}, words)
	for _, c := range []struct{ word, lang, want, not string }{
		{"sales", "en", "vente", "dirty"},
		{"place", "fr", "square", "endroit"},
		{"place", "en", "endroit", "square"},
		{"mutuelle", "en", "health", ""},
	} {
		got := weights(l.Translate(words(c.word)[0], c.lang))
		if got[c.want] == 0 || c.not != "" && got[c.not] != 0 {
			t.Errorf("%s in a text in %s → %v, want %s and not %q", c.word, c.lang, got, c.want, c.not)
		}
	}
	if got := weights(l.Translate(words("sale")[0], "")); got["dirty"] == 0 || got["vente"] == 0 {
		t.Errorf("sale in a text of no known language → %v, want both languages' senses", got)
	}
}

// In a French text, an adjective before a vowel is the adjective: "un
// nouvel ordinateur" is a new computer, whatever shares the stem "nouvel".
func TestLexiconKnowsAdjectivesBeforeAVowel(t *testing.T) {
	l := knowledge.NewLexicon([]knowledge.Pair{
		{French: "nouveau", English: "new"},
		{French: "nouvelle", English: "short story"},
		{French: "vieux", English: "old"},
	}, words)
	for word, want := range map[string]string{"nouvel": "new", "vieil": "old"} {
		if got := weights(l.Translate(words(word)[0], "fr")); got[want] == 0 || got["short"] != 0 {
			t.Errorf("%s → %v, want %s", word, got, want)
		}
	}
}

// The words of a phrase the lexicon knows are translated as the phrase,
// one by one too: "mot" and "passe" of "mot de passe" are "password", so
// that each is found in a question in the other language that has it.
func TestLexiconTranslatesAPhrasesWordsAsThePhrase(t *testing.T) {
	analyse := analyseWithout("de", "mon")
	l := knowledge.NewLexicon([]knowledge.Pair{
		{French: "mot de passe", English: "password"},
		{French: "mot", English: "word"},
		{French: "passe", English: "pass"},
		{French: "oublié", English: "forgotten"},
	}, analyse)
	text := "mot de passe oublié"
	ws := analyse(text)
	got := l.TranslateWords(text, ws)
	if len(got) != len(ws) {
		t.Fatalf("TranslateWords gave %d translations for %d words", len(got), len(ws))
	}
	for i, w := range ws {
		want := "password"
		if w.Text == "oublié" {
			want = "forgotten"
		}
		if tr := weights(got[i]); tr[want] == 0 || len(tr) != 1 {
			t.Errorf("%s → %v, want %s alone", w.Text, tr, want)
		}
	}
}

func TestLexiconKnowsEnglishIrregularVerbs(t *testing.T) {
	l := knowledge.NewLexicon([]knowledge.Pair{{French: "voir", English: "see"}, {French: "envoyer", English: "send"}, {French: "mentir", English: "lie"}}, words)
	for word, want := range map[string]string{"seen": "voir", "saw": "voir", "sent": "envoyer", "lying": "mentir"} {
		if got := translations(l, word); got[want] != 1 {
			t.Errorf("%s → %v, want %s", word, got, want)
		}
	}
	// A French verb brings the English past forms a question may hold.
	if got := translations(l, "voir"); got["see"] != 1 || got["saw"] != 1 || got["seen"] != 1 {
		t.Errorf("voir → %v, want see, saw and seen", got)
	}
}

// A phrase the surer lexicon translates by function words only asks
// nothing: the fallback's guesses for it are not searched.
func TestLexiconLeavesFunctionPhrasesUntranslated(t *testing.T) {
	analyse := analyseWithout("est", "ce", "que", "is", "does", "on", "of", "ton")
	l := knowledge.NewLexicon([]knowledge.Pair{
		{French: "est-ce que", English: "is"},
		{French: "est-ce que", English: "does"},
		{French: "imprimante", English: "printer"},
	}, analyse)
	l.Fallback = knowledge.NewLexicon([]knowledge.Pair{
		{French: "est-ce que", English: "whether"},
		{French: "est-ce que", English: "on account of"},
		{French: "mot de passe", English: "password"},
	}, analyse)
	text := "est-ce que ton imprimante a un mot de passe"
	got := weights(l.TranslateText(text, analyse(text)))
	if got["whether"] != 0 || got["account"] != 0 || got["printer"] != 1 || got["password"] != 1 {
		t.Errorf("%s → %v, want printer and password, not whether or account", text, got)
	}
}

// The pairs through German go from French to English: an English phrase
// read the other way ("coffee machine" from "cafetière") would replace the
// surer lexicon's word-by-word reading, so only French phrases are taken.
func TestLexiconReadsThePivotsPhrasesFromFrench(t *testing.T) {
	analyse := analyseWithout("the", "la", "à")
	l := knowledge.NewLexicon([]knowledge.Pair{{French: "café", English: "coffee"}, {French: "appareil", English: "machine"}}, analyse)
	l.Fallback = knowledge.NewLexicon([]knowledge.Pair{
		{French: "cafetière", English: "coffee machine"},
		{French: "machine à café", English: "coffee maker"},
	}, analyse)
	text := "the coffee machine"
	if got := weights(l.TranslateText(text, analyse(text))); got["cafetière"] != 0 || got["café"] == 0 || got["appareil"] == 0 {
		t.Errorf("%s → %v, want café and appareil, not cafetière", text, got)
	}
	text = "la machine à café"
	if got := weights(l.TranslateText(text, analyse(text))); got["coffee"] == 0 || got["maker"] == 0 {
		t.Errorf("%s → %v, want coffee maker from the fallback", text, got)
	}
}

// A translation of function words only is a sense of the word: the others
// share its weight with it.
func TestLexiconCountsSilentSenses(t *testing.T) {
	analyse := analyseWithout("il", "y", "a", "there", "is", "are")
	l := knowledge.NewLexicon([]knowledge.Pair{
		{French: "il y a", English: "there is"},
		{French: "il y a", English: "there are"},
		{French: "il y a", English: "ago"},
	}, analyse)
	if got := textTranslations(l, "il y a un souci"); got["ago"] != 1.0/3 {
		t.Errorf("il y a un souci → %v, want ago at a third", got)
	}
}

// A French word that is a noun and a verb's form has both senses in a
// French text.
func TestLexiconReadsAFrenchFormAsNounAndVerb(t *testing.T) {
	l := knowledge.NewLexicon([]knowledge.Pair{
		{French: "marche", English: "step"},
		{French: "marcher", English: "walk"},
	}, words)
	if got := weights(l.Translate(words("marche")[0], "fr")); got["step"] != 0.5 || got["walk"] != 0.5 {
		t.Errorf("marche in French → %v, want step and walk", got)
	}
	if got := weights(l.Translate(words("marche")[0], "")); got["step"] != 1 || got["walk"] != 0 {
		t.Errorf("marche → %v, want step alone", got)
	}
}

// Questions are translated at once: a lookup that adds a verb's entries to
// a noun's must not write into the lexicon's own list (go test -race).
func TestLexiconTranslatesConcurrently(t *testing.T) {
	// Punctuation is no part of a word here, so that "marche" has three
	// entries ("marche" and "marche !" each way), a list with room to
	// grow.
	analyse := func(text string) []knowledge.Word {
		var out []knowledge.Word
		for _, w := range strings.FieldsFunc(strings.ToLower(text), func(r rune) bool { return !unicode.IsLetter(r) }) {
			out = append(out, knowledge.Word{Text: w, Terms: []string{w}})
		}
		return out
	}
	l := knowledge.NewLexicon([]knowledge.Pair{
		{French: "marche", English: "step"},
		{French: "marche !", English: "forward"},
		{French: "walk", English: "marche"},
		{French: "marcher", English: "walk"},
	}, analyse)
	var wg sync.WaitGroup
	for range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for range 100 {
				if got := weights(l.Translate(analyse("marche")[0], "fr")); got["walk"] == 0 || got["step"] == 0 {
					t.Errorf("marche → %v, want step and walk", got)
					return
				}
			}
		}()
	}
	wg.Wait()
}

// An irregular English past finds its verb's translations, even those
// that share a stem with the verb: "paid" does not share "pay"'s stem, so
// it finds "payer" only through its translation.
func TestLexiconTranslatesAnIrregularPastLikeItsVerb(t *testing.T) {
	// "-er" cut too, as the French stemmer cuts "payer" to the stem of "pay".
	stems := func(text string) []knowledge.Word {
		var out []knowledge.Word
		for _, w := range strings.Fields(strings.ToLower(text)) {
			out = append(out, knowledge.Word{Text: w, Terms: []string{w, strings.TrimSuffix(w, "er")}})
		}
		return out
	}
	l := knowledge.NewLexicon([]knowledge.Pair{{French: "payer", English: "pay"}}, stems)
	if got := weights(l.TranslateText("are bonuses paid", stems("are bonuses paid"))); got["payer"] == 0 {
		t.Errorf("paid → %v, want payer", got)
	}
	// "pay" shares its stem with "payer", and finds it by that stem.
	if got := weights(l.TranslateText("pay", stems("pay"))); got["payer"] != 0 {
		t.Errorf("pay → %v, want no translation it finds already", got)
	}
}

// TestWordsOfWorkTranslated looks up, with the dictionaries, words of work
// of several departments that the dictionaries give only in another sense
// or not at all ("transporteur" is delirium there, "charte" nothing, "la
// boîte" only a box), and English words that must gain no sense from a
// French word read from French only or sharing their stem ("done" is no
// "donnée", "doc" no French clipping).
func TestWordsOfWorkTranslated(t *testing.T) {
	e := mustAnswered(t, "q%d", 1, "placeholder question")
	withLexicon(t, e)
	translations := func(text, word string) []string {
		words := e.Index.Words(text)
		var terms []string
		for i, tr := range e.Lexicon.TranslateWords(text, words) {
			if words[i].Text != word {
				continue
			}
			for _, q := range tr {
				terms = append(terms, q.Terms...)
			}
		}
		return terms
	}
	for _, c := range []struct {
		text, word, want string
	}{
		{"Quel transporteur pour l'Allemagne ?", "transporteur", "carrier"},
		{"Où est la charte graphique ?", "charte", "guidelin"},
		{"Est-ce que la boîte paie la salle de sport ?", "boîte", "compani"},
		{"Qui relance le client ?", "relance", "chase"},
		{"On a une revue de code à faire", "revue", "review"},
		{"Qui sont les secouristes de l'étage ?", "secouristes", "aider"},
		{"Où sont stockées les données clients ?", "données", "data"},
	} {
		if got := translations(c.text, c.word); !slices.Contains(got, c.want) {
			t.Errorf("%q in %q: translated %q, want %q among them", c.word, c.text, got, c.want)
		}
	}
	for _, c := range []struct {
		text, word, unwanted string
	}{
		{"Is the release done yet?", "done", "data"},
		{"Where is the doc for the release?", "doc", "document"},
	} {
		if got := translations(c.text, c.word); slices.Contains(got, c.unwanted) {
			t.Errorf("%q in %q: translated %q, want no %q", c.word, c.text, got, c.unwanted)
		}
	}
}
