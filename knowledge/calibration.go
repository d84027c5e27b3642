package knowledge

import (
	"math"
	"sort"
)

// Confidence is the chance that a past question asks what the new one asks,
// as a logistic function of their sameness: sameness is a measure, not a
// probability, and the logistic turns it into one. Its two coefficients
// were fitted (maximum likelihood) on human-labelled duplicates
// (SemEval-2016 Task 3, the shared train split): the same question 14% of
// the time at a sameness of 0.2, 48% at 0.4, 84% at 0.6. The confidence
// that the answer helps is that chance times how sure the answer itself
// is: an answer the asker accepted or thanked for is a surer promise than
// one nobody confirmed, which counts 0.9; and an answer reconstructed from
// a channel without threads is the question's real answer only about one
// time in three (reconstructedPair).
//
// The workspace's own outcomes then tell how right the engine is there;
// CalibrateThreshold turns them into the threshold that keeps "sure"
// right at the target rate.
const (
	confidenceSlope     = 8.6
	confidenceIntercept = -3.5
	unconfirmedAnswer   = 0.9
	// reconstructedPair is the chance that an answer reconstructed from
	// flat history (Question.Reconstructed) answers the question it was
	// paired with: when the threads of real exports are removed and
	// reconstructed, 26% to 38% of the question → answerer pairs found are
	// real ones (nextdesk eval reconstruct, four exports; README). At a
	// third of its confidence, such an answer is never handed back without
	// asking anyone (it stays below MinSureConfidence), while it is still
	// shown among similar questions and still points to who knows.
	reconstructedPair = 1.0 / 3
)

// ConfidenceModel is the version of the confidence model above (the
// sameness, the logistic, the discounts). Each offer records the version
// that scored it, and only the outcomes of offers scored by the current
// one recalibrate the threshold: a change that moves the confidence a pair
// of questions gets must bump it. 3: the French–English lexicon's rounds
// since 2 (plurals, phrases, verbs), and what polarity.go, asked.go and the
// restrictions read (the period, the kind of answer, negation, the way
// back, a restricting phrase). 4: a misspelt word read as the word, a
// compound written open as the word written closed, a clipped word as the
// whole one, an acronym as its phrase, an ordinal or a number in words
// as its figures, a British spelling as the American one; courtesies
// count for nothing. 5: a verb is found in a question that uses another
// asking alike: to get and a way to get ("get" and "order"), and
// "enable", "turn on" and "activer", "log in", "sign in" and "se
// connecter", "set up" and "configure", "approve" and "valider"
// (verbs.go); a misspelling read by the English stems, not the French
// ones. 6: the words of work and phrases in the plural in the lexicon, a
// translation of several words weighed as one sense, a question phrase's
// words ("what time") no miss, and the verbs of submitting. 7: the verbs
// a question for a person says how to reach them with agree ("who do I
// ask", "who should I contact", "qui contacter"). 8: across the
// languages, a word found through both questions' translations counts
// both findings, and a phrase's translation finds none of its words
// through another of them. 9: a word of a translation of several ("day"
// of "day off") holds only its part of it. 10: a verb of getting opens a
// text only with words after it, and not ending in s ("Books" is a
// title). 11: a word is read in its text's language ("sales" is no
// French dirt). 12: more words of work ("responsable", "salle de sport").
// 13: the French "an" (year) read as "année". 14: the French "ai" of
// "j'ai" and "ai-je" is no word of meaning. 15: telling someone reaches
// them too ("who should I tell", "qui prévenir"). 16: more words of work
// ("poste", "accès", "double authentification"). 17: verbs of joining,
// renaming, signing off on and expensing ask alike. 18: the "down" of a
// service that is down read as "outage". 19: "up" and "down" after the
// same word go opposite ways ("scroll up", "scroll down"). 20: words of
// work of software ("lancer", "paiement", "échouer"). 21: English
// contractions chat writes without the apostrophe ("dont", "whats"). 22:
// "date limite" read as "deadline", from French only. 23: an irregular
// past read as its verb ("sent" as "send"); verbs of managing ask alike
// ("in charge of", "s'occuper de"); words of locking and of staging. 24:
// two questions asking why, one negated, opposed unless the other says
// the failure in a word; the French "ne" and "n'" negate. 25: "modifier"
// and "éditer" are "edit". 26: a word written as a name ("Looker") is no
// misspelling. 27: chat French's "plus" without its "ne" negates ("ça
// marche plus"). 28: "séminaire" is an offsite. 29: verbs of updating
// ask alike ("bump", "upgrade", "mettre à jour"). 30: "autoriser" is
// "allow", and French's "avoir" a verb of getting where a verb stands.
// 31: a route of one end goes the other way from its end ("to the
// airport", "from the airport"). 32: a French "quand" before a subject
// asks when in a text that inverts its subject ("est-il"). 33: "where"
// asks for a place, not a time, a quantity or a reason. 34: the French
// "planning" is a schedule, read from French only. 35: a word of two
// letters in capitals is an acronym even where a dictionary lists it. 36:
// "chargé de compte" is an account manager. 37: owning, leading and "who
// runs" ask what managing asks; running, launching and "lancer" ask alike.
// 38: a question saying something is so ("is locked") is not one asking
// how to do it ("How do I lock…?"). 39: the workplace's clippings stand
// for their words only ("prod" is production, not a product). 40: the
// acronyms of work across the languages ("RH" is "HR", "TVA" "VAT"),
// "taux" a rate, "inclure" and "prévenir" in their senses at work. 41:
// restrictions read between the languages too, held by any translation.
// 42: "I need…" and "j'ai besoin de…" ask what getting asks; getting
// reimbursed is claiming; whom to reach about something is who handles it.
// 43: the adverbs and prepositions the index keeps ("onto", "still",
// "déjà") count for nothing in a question's meaning; "DB" is a database.
// 44: saying something fails agrees with saying how it fails. 45: words
// of work of training, pay and leave ("formation", "grille salariale",
// "mariage"), French words spelt as English ones read from French only.
// 46: being given something is getting it ("Who can give me…?"); chat's
// "need…" without its subject is needing. 47: words of work of
// allowances and drives ("indemnité", "forfait", "lecteur"). 48: English
// words of work said alike ("limit" and "cap", "customer" and "client").
// 49: words of the office and of careers, read from French only
// ("créneau", "serveur", "climatisation"). 50: words of software, read
// from French only ("navigateur", "onglet", "hameçonnage", "signaler").
// 51: words of HR papers and time ("justificatif", "badgeuse", "permis de
// travail"), read from French only. 52: an irregular English plural read
// as its singular ("children"); a French plural spelt as an English word
// ("mains") as its French singular; the irregular French verbs' imperfect
// and subjunctive as their forms; "lying" as "lie". 53: a name is the
// word written, not a word sharing its stem ("Teams", "team"). 54: "be
// born" is "born", "week-end" "weekend", "bigger" "big"; "the way to"
// and "the process for" only say a question asks how; creating and
// generating ask alike. 55: "ne marche plus" is "ne fonctionne plus";
// French chat's "je dois voir avec qui ?" asks whom to reach; "help" and
// "I think" count for nothing. 56: a verb of a sense the new question adds
// where the old says none counts as a word swapped. 57: "conduire" is
// driving, "urgence" an emergency. 58: a threshold restricts ("over
// $5,000"), its amount read whole. 59: "added" and "adding" are "add"
// (Porter's stemmer made them "ad"). 60: viewing asks alike ("view",
// "see", "consulter", "voir"). 61: "stopped working", "doesn't work" and
// "ne marche plus" say failing in general; "anymore" counts for nothing.
// 62: the "plus" of "ne… plus" and the "longer" of "no longer" only
// negate; a verb after a negation stands as a verb. 63: being entitled to
// something ("avoir droit à", "eligible for") is getting it. 64: the near
// future ("je vais", "going to") says when, not what. 65: "IT" and "US"
// in capitals are words; "informatique" is IT. 66: more words said alike
// at work ("yearly" and "annual", "swap" and "trade"). 67: a participle in
// the passive asks its verb's sense ("Is the room booked?"). 68: French
// chat's question word last ("je passe par qui ?") or after "c'est" says
// what is asked. 69: "within" goes the way "before" goes. 70: French
// thousands ("5 000") are one number; the words comparing an amount ("plus
// de 5 000") only compare; "whole" counts for nothing; watching is
// viewing. 71: a word said after "non" goes the other way from the word
// said alone; "mandatory" and "compulsory" are said alike. 72: "supposed
// to" is a modal; "gestionnaire" is a manager. 73: a restriction with an
// amount is held only with its amount. 74: after "c'est", "quand" asks
// when; a period ends a restriction; the verb that only says a duration
// ("take" of "how long does it take", "met" of "met combien de temps")
// or that something happens ("a lieu", "take place") is an asking word;
// "via" and the adverbs of habit ("usually", "normalement") are fillers.
// 75: a question asking how long differs from one asking what it costs.
// 76: French's "on" opens no restriction. 77: the words of work of
// every department (lexicon/workplace.go). 78: "secouriste" is a first
// aider. 79: what chat leaves out written back ("cmt", "qqn", "u",
// "idk"; WrittenOut), "does anyone know" and "quelqu'un sait" before a
// question word as only asking the room, chat's "ou" as "où". 80:
// French chat's "booker" books and its "updater" updates. 81: a
// question asked after a comma ("my badge isn't working, who should I
// contact?") read as a question; "stopped working" says a failure; a
// negated question and one saying the failure agree whatever they ask.
// 82: chat's "pr" read as "pour" and "cp" as "congés payés" beside the
// words they go with; "yr", "pw", the typos of little words ("teh") and
// the "nah" of "or nah". 83: "lives", "located", "stored" and "se trouve"
// in a question asking where, the "someone" of "can someone help?" and
// "aider" say nothing of what is asked. 84: "taxi" and "cab", "rota" and
// "roster", "annually" and "yearly" are said alike. 85: the verb a
// question asks how to do, added where the other asks how to do nothing
// ("How do I reset the wifi password?" against "What is the wifi
// password?"), counts as a word swapped; "how often" asks no way of
// doing. 86: "change", "modify", "edit", "changer" and "modifier" ask
// what "update" asks. 87: a message that tells its situation before or
// after its question is judged on what its question asks, the old
// question's words found anywhere in it. 88: "problem", "problème" and
// "souci" say that something fails. 89: "need to", "help me" and
// "aide-moi à" ask how to do the verb after them; a verb asked how to
// do counts as swapped where the new question says the old one's as
// done ("delete a scheduled post"); a modal's words ("need", "mandatory")
// only say what is asked. 90: "looking for" and "je cherche" ask what
// finding asks, "je voudrais une…" and "I'd like a…" what getting asks.
// 91: "de mon frère", "of my team" restrict as "for fathers" does. 92:
// a fragment's "horaires" or "hours" asks when, its "adresse" where.
// 93: "during" and "pendant" go another way from "before" and "after".
// 94: "forgot my password" and "mdp oublié" ask what "reset" asks. 95:
// "add a new…" and "ajouter un nouveau…" ask what "create" asks. 96:
// different particles after one word ("roll back", "roll out") go
// different ways, as "up" and "down" did. 97: the verbs of everyday
// software the dictionaries lack ("masquer", "trier") are words of work.
// 98: French's "à" before a name or a number restricts ("à Lyon"). 99:
// the verb an old question asks how to do, missing from a new one whose
// own verb it holds ("cancel a booking" against "book"), counts as
// swapped. 100: "into" is a particle ("get into" against "get out").
// 101: French's "depuis", "durant", "contre"… are function words, as
// English's "from", "during", "against"… are. 102: so are "ensuite",
// "quelques", "seulement", "aucun", "lequel", "celui"…. 103: "chez moi"
// is home. 104: "en retard", "en avance", "à l'étage", "sur place" are
// late, early, upstairs, on site. 105: "does anyone know if…" and
// "quelqu'un sait si…" ask what the question after "if" asks. 106: a
// condition ("if I refer an intern", "si je recommande un stagiaire")
// restricts. 107: the "to" of an infinitive ("have to give") does not.
// 108: a translation spelt as the word ("statut", "status") is held as
// the whole word. 109: a French word FreeDict lists only under a relative
// ("utilise" under "utilisateur") is read as the pairs through German
// list it. 110: chat's "pro", "perso", "info" and "notif" are work,
// personal, information and notification. 111: where what is asked adds
// a word, an old word only the situation says is swapped for it. 112:
// restrictions read a phone's apostrophe as the keyboard's ("s’il").
// 113: English's "pro" is a professional, not the French clipping. 114:
// an acronym is not spelt by a phrase it opens ("IP in the prod…"). 115:
// "combien", "how many" and "how much" ask wherever they stand. 116:
// "de" and "of" before a name restrict ("la salle serveur de Nantes").
// 117: French chat asks whether one may or must by intonation alone ("Je
// peux… ?", "Il faut… ?"). 118: a question asking when, how much or why
// is not one asking only whether one may or must. 119: "Quelqu'un peut
// m'expliquer comment…", "qqn peut me dire où…" ask of the room. 120:
// "please", "stp" and "asap" say how one asks, not what. 121: the
// glossary's "agenda", "conjoint", "acompte sur salaire", "message
// d'absence", "hors service" and "HS". 122: "accéder" is to access.
// 123: the "get" of English's passive says only that something is done
// ("When do we get paid?"). 124: "Is it possible to…?" and "C'est
// possible de… ?" ask whether one may. 125: "Where do we keep…?" asks
// where something is. 126: "Does anyone have the link to…?" and
// "quelqu'un a le lien vers… ?" ask where it is. 127: the glossary's "PC"
// (a computer, a laptop) and "pc portable". 128: a question asking when,
// how much or why is not answered by one asking yes or no ("Is the gym
// open on Sundays?"). 129: chat's dash and emoji end a clause as a comma
// does ("printer jammed again 🙄 who should I ping?"), and "register for"
// is joining. 130: "Who's the contact for…?" and "C'est qui le référent… ?"
// ask whom to reach; handling something agrees with whom to reach only
// in a question asking who ("How do I manage payroll?" is not "Who do I
// talk to about payroll?"). 131: what an English possessive owns
// restricts of its own ("for foreign employees' spouses"). 132: "What is
// the team lunch budget?" asks how much, by its noun, and "What's the
// address of…?" asks what "Where is…?" asks. 133: a state negated beside
// a failure both questions say opposes them ("…my broken laptop is no
// longer under warranty?"). 134: French's article before a day or a
// part of it ("le vendredi", "la nuit") restricts as English's "on" does.
// 135: the words saying something is the employer's agree ("work phone",
// "company phone", "téléphone pro", "la boîte"). 136: a verb's particle
// after a pronoun ("turn it on", "set it up") is read as the phrasal verb.
// 137: "find" and "available" in a question asking where say only where
// it is. 138: "Who's the HR person for…?" names the person to reach
// after what for. 139: "Does my manager have to…?", "Can interns…?"
// ask whether someone else must or may. 140: "Is there a list of
// approved suppliers somewhere?" asks where the list is. 141: French read
// in its own order: "Quand a lieu… ?" asks when ("a" is no article), and
// chat's question word after its verb asks ("Il est où… ?", "Tu pars
// quand… ?"). 142: a verb that undoes, before the noun of the verb another
// question asks how to do, asks otherwise ("annuler une réservation"
// against "réserver"); a verb that only says doing asks alike ("place an
// order" as "order"). 143: "how many days" and "le délai" say only that a
// length of time is asked, as "how long" does. 144: "données" are data
// (lexicon/workplace.go), and a sense read from French only is no English
// word's ("done" is no data).
const ConfidenceModel = 144

// MinSureConfidence is the lowest threshold a workspace's outcomes may
// set: the confidence at which the shipped calibration gives even odds
// that the old question asks the same thing, for an answer nobody
// confirmed. Below it, the outcomes that could ask for it are the fewest
// and the most biased: only experts' "Already answered" judge answers that
// were not offered. The near-misses where one meaning-bearing word is
// swapped stay far below it (confidence 0.11 at most on the tests'
// examples), those where a word is only doubted (a translation among
// others) less far.
const MinSureConfidence = 0.5 * unconfirmedAnswer

// calibrate sets each match's Confidence and Sure from its sameness.
func (e *Engine) calibrate(matches []Match) {
	sure := e.SureConfidence()
	for i := range matches {
		m := &matches[i]
		m.Confidence = 1 / (1 + math.Exp(-(confidenceIntercept + confidenceSlope*m.Sameness)))
		if !m.Answer.Accepted && m.Answer.Thanks == 0 {
			m.Confidence *= unconfirmedAnswer
		}
		if m.Question.Reconstructed {
			m.Confidence *= reconstructedPair
		}
		m.Sure = m.Confidence >= sure
	}
}

// SureConfidence returns the confidence from which a past answer is handed
// back without asking anyone: the threshold SetSureConfidence set, else
// the policy's.
func (e *Engine) SureConfidence() float64 {
	if bits := e.learned.Load(); bits != 0 {
		return math.Float64frombits(bits)
	}
	return e.Policy.SureConfidence
}

// SetSureConfidence replaces the policy's threshold with c, the one a
// workspace's own outcomes taught, never below MinSureConfidence; 0
// restores the policy's. It is safe while the engine serves.
func (e *Engine) SetSureConfidence(c float64) {
	if c == 0 {
		e.learned.Store(0)
		return
	}
	e.learned.Store(math.Float64bits(max(c, MinSureConfidence)))
}

// AnswerOutcome is what became of one instant answer: its confidence, and
// whether the asker (or the expert who said "already answered") found it
// right.
type AnswerOutcome struct {
	Confidence float64
	Right      bool
}

// MinOutcomes is how many recorded outcomes CalibrateThreshold needs
// before it trusts them over the shipped calibration: with fewer, one
// outcome moves the measured precision by more than two points.
const MinOutcomes = 50

// CalibrateThreshold returns the lowest confidence threshold at which the
// instant answers recorded in outcomes were right at least target of the
// time (0.8 for "sure"), so that as many answers as possible are handed
// back at that precision. ok is false when there are fewer than
// MinOutcomes outcomes, or when no threshold reaches the target: then the
// caller keeps its threshold. Only outcomes at or above a threshold count
// for its precision, since only those would have been handed back.
func CalibrateThreshold(outcomes []AnswerOutcome, target float64) (threshold float64, ok bool) {
	if len(outcomes) < MinOutcomes {
		return 0, false
	}
	sorted := make([]AnswerOutcome, len(outcomes))
	copy(sorted, outcomes)
	sort.Slice(sorted, func(i, j int) bool { return sorted[i].Confidence > sorted[j].Confidence })
	right := 0
	for i, o := range sorted {
		if o.Right {
			right++
		}
		// A threshold sits between distinct confidences: equal ones are
		// handed back together or not at all.
		if i+1 < len(sorted) && sorted[i+1].Confidence == o.Confidence {
			continue
		}
		if float64(right)/float64(i+1) >= target {
			threshold, ok = o.Confidence, true
		}
	}
	return threshold, ok
}

// Precision counts the outcomes at or above threshold, those an engine with
// that threshold hands back, and the right ones among them.
func Precision(outcomes []AnswerOutcome, threshold float64) (right, above int) {
	for _, o := range outcomes {
		if o.Confidence < threshold {
			continue
		}
		above++
		if o.Right {
			right++
		}
	}
	return right, above
}
