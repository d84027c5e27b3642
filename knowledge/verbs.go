package knowledge

import "strings"

// Several verbs often ask one thing, and people pick one as it comes.
// Each missed the other on its verb, a swap of rare words, though both
// questions ask for the same thing. So a verb is found in a question that
// uses another verb asking alike (a verb sense, below).
//
// A question that asks how or where to get something says what it wants
// in the verb's object; the verb says only that the asker wants to have
// it: "How can I get business cards?" asks what "How do I order business
// cards?" asks, and "Comment demander un jour de télétravail ?" what
// "Comment poser un jour de télétravail ?" does. The verbs of getting are
// a closed class, written here with their forms, as the courtesies are;
// French's "avoir" is one where a verb stands, in the infinitive only
// ("Est-ce que je peux avoir une avance ?", can I get an advance), its
// other forms being the auxiliary.
// Each way to get something (buying, booking, claiming, finding) asks what
// getting in general asks, but not what another way asks: "How do I claim
// travel expenses?" is not "Where do I find the expense policy for
// travel?", nor ordering a desk booking one. Looking for something is
// finding it: "looking for the travel policy" and "je cherche le modèle
// de NDA" ask where to find them.
//
// Several are nouns too ("my order", "a book", "ma commande") and then
// name the thing wanted: a verb of getting counts as one only where a
// verb stands, after a subject, "to", an auxiliary or a question's first
// word ("how do I get", "où trouver", "puis-je commander"), or opening the
// text as a command or in -ing does ("Book a desk", "Booking a desk"),
// not alone ("Books", a topic's title) nor ending in s ("Orders
// pending?"). And with some words after it, it makes another verb: "get
// to the office" is going there, "find out" is learning, "order by"
// sorting, "demander à" asking someone.
//
// Switching something on or off and signing in or out are ways a question
// goes (polarity.go), said by a phrasal verb or by one word: "turn on" is
// "enable" and "activer", "log in" "sign in" and "se connecter".
// Setting something up is said so too: "set up" is "configure" and
// "paramétrer"; so are joining ("join", "enroll", "sign up", "register
// for", "adhérer", "s'inscrire"), renaming ("rename", "change the name",
// "renommer") and signing off on something, which is approving it. And
// approving: "approve" is "validate", "authorize", "valider", read where
// a verb stands, since "valide" is also valid; and submitting: "submit" is
// "send", "file", "hand in", "envoyer", "soumettre", where a verb stands
// ("my files", "l'envoi"). Expensing something is claiming it, where a
// verb stands ("Can I expense my phone bill?", not "my expenses"). And
// managing: "Who manages the AWS account?" asks what "Who is in charge of
// the AWS account?", "Who handles…?", "Who owns…?", "Qui gère… ?" and
// "Qui s'occupe de… ?" ask; "manage", "handle", "own", "lead", "gérer",
// "diriger" and "piloter" where a verb stands ("my Slack handle" is a
// name, "my own laptop" no verb), "run" only after "who" (below), the
// phrases wherever they stand. So does
// updating: "update", "upgrade", "bump" (a version), and changing, which
// asks what updating asks of a thing one keeps ("How do I change my bank
// details?", "Comment modifier mon RIB ?"): "change", "modify", "edit",
// "changer", "modifier", where a verb stands ("the latest update" is a
// thing), "mettre à jour" wherever it stands.
// And resetting: "reset", "réinitialiser", and forgetting in a text that
// names a password ("forgot my password", "mdp oublié"). And launching:
// "launch", "execute", "lancer", "exécuter" and "run" (but
// after "who") where a verb stands; and creating: "create", "generate",
// "créer", "générer" (a quote, a token, a report) where a verb stands,
// and adding a new one ("add a new contact", "ajouter un nouveau
// fournisseur") wherever it stands.
// Getting reimbursed for something is claiming it ("How do I get
// reimbursed for a taxi?", "How do I claim a taxi expense?", "Comment me
// faire rembourser… ?"). Being given something is getting it: "Who can
// give me admin rights?" asks what "How do I get admin rights?" asks; and
// so is being entitled to it: "On a droit à combien de jours de RTT ?"
// asks what "How many RTT days do we get?" asks, "Am I eligible for…?"
// what "Can I get…?" asks. French chat conjugates English verbs as its
// own: "booker une salle" is "réserver une salle", "j'ai updaté le
// fichier" "j'ai mis à jour le fichier"; their French forms ask what the
// verbs they come from ask.

// verbsWhereAVerbStands are the verbs of getting, of approving, of
// submitting, of updating, of resetting, of launching, of creating and
// of managing, without accents, each with the sense it asks: read as one
// only where a verb stands (above).
var verbsWhereAVerbStands = func() map[string]verbSense {
	m := make(map[string]verbSense)
	for sense, forms := range map[verbSense]string{
		getting: `
			get gets getting got gotten
			obtain obtains obtaining obtained
			request requests requesting requested
			obtenir obtiens obtient obtenons obtenez obtiennent obtenu obtenue obtenus obtenues
			avoir
			demander demande demandes demandons demandez demandent demandé demandée demandés demandées`,
		buying: `
			order orders ordering ordered
			buy buys buying bought
			purchase purchases purchasing purchased
			commander commande commandes commandons commandez commandent commandé commandée commandés commandées
			acheter achète achètes achetons achetez achètent acheté achetée achetés achetées`,
		booking: `
			book books booking booked
			reserve reserves reserving reserved
			réserver réserve réserves réservons réservez réservent réservé réservée réservés réservées
			poser pose poses posons posez posent posé posée posés posées
			booker booke bookes bookons bookez bookent booké bookée bookés bookées`,
		claiming: `
			claim claims claiming claimed
			expense expensing expensed`,
		finding: `
			find finds finding found
			trouver trouve trouves trouvons trouvez trouvent trouvé trouvée trouvés trouvées
			chercher cherche cherches cherchons cherchez cherchent`,
		viewing: `
			view views viewing viewed
			see sees seeing saw seen
			watch watches watching watched
			consult consults consulting consulted
			display displays displaying displayed
			voir vois voit voyons voyez voient vu vue vus vues
			revoir revois revoit revoyons revoyez revoient revu revue revus revues
			regarder regarde regardes regardons regardez regardent regardé regardée regardés regardées
			consulter consulte consultes consultons consultez consultent consulté consultée consultés consultées
			afficher affiche affiches affichons affichez affichent affiché affichée affichés affichées
			visualiser visualise visualises visualisons visualisez visualisent visualisé visualisée visualisés visualisées`,
		approving: `
			approve approves approving approved
			validate validates validating validated
			authorize authorizes authorizing authorized authorise authorises authorising authorised
			approuver approuve approuves approuvons approuvez approuvent approuvé approuvée approuvés approuvées
			valider valide valides validons validez valident validé validée validés validées
			autoriser autorise autorises autorisons autorisez autorisent autorisé autorisée autorisés autorisées`,
		submitting: `
			submit submits submitting submitted
			send sends sending sent
			file files filing filed
			soumettre soumets soumet soumettons soumettez soumettent soumis soumise soumises
			envoyer envoie envoies envoyons envoyez envoient envoyé envoyée envoyés envoyées
			transmettre transmets transmet transmettons transmettez transmettent transmis transmise transmises`,
		updating: `
			update updates updating updated
			upgrade upgrades upgrading upgraded
			bump bumps bumping bumped
			updater updaté updatée updatés updatées upgrader upgradé upgradée upgradés upgradées
			change changes changing changed
			modify modifies modifying modified
			edit edits editing edited
			changer change changes changeons changez changent changé changée changés changées
			modifier modifie modifies modifions modifiez modifient modifié modifiée modifiés modifiées`,
		creating: `
			create creates creating created
			generate generates generating generated
			créer crée crées créons créez créent créé créée créés créées
			générer génère génères générons générez génèrent généré générée générés générées`,
		resetting: `
			reset resets resetting
			réinitialiser réinitialise réinitialises réinitialisons réinitialisez réinitialisent réinitialisé réinitialisée réinitialisés réinitialisées`,
		launching: `
			launch launches launching launched
			execute executes executing executed
			lancer lance lances lançons lancez lancent lancé lancée lancés lancées
			exécuter exécute exécutes exécutons exécutez exécutent exécuté exécutée exécutés exécutées`,
		managing: `
			manage manages managing managed
			handle handles handling handled
			own owns owning owned
			lead leads leading led
			gérer gère gères gérons gérez gèrent géré gérée gérés gérées
			diriger dirige diriges dirigeons dirigez dirigent dirigé dirigée dirigés dirigées
			piloter pilote pilotes pilotons pilotez pilotent piloté pilotée pilotés pilotées`,
	} {
		for f := range strings.FieldsSeq(FoldAccents(forms)) {
			m[f] = sense
		}
	}
	return m
}()

// beforeAVerb are the words after which a verb stands: subjects, "to",
// auxiliaries and modals, the negations between a modal and its verb (the
// t of "can't", "je ne peux pas valider", "plus"), and the words a
// question of who, how or where opens with. Not "il" and "elle", after
// which French asks whether something is so ("est-il valide ?", is it
// valid). A noun after "pas" or "plus" has "de" between ("pas de
// commande").
var beforeAVerb = wordSet(FoldAccents(`
	i we you they he she to please t
	can could do does did should would will may must who how where
	je j tu on nous vous svp pas plus
	qui comment où pour peut puis peux pouvez dois doit faut veux voudrais souhaite
`))

// A verb's participle after a form of being is the verb, in the passive:
// "Is the room booked?" asks what "Is the room reserved?" and "La salle
// est réservée ?" ask, "My expense report got approved" says what "Ma note
// de frais a été validée" says. The form of being may stand a few words
// before, as a question inverts it ("Is the Everest room booked?"). The
// participle is told by its ending as written, so that the French
// adjective "valide" (valid) is no "validé".
var formsOfBeing = wordSet(FoldAccents(`
	is are was were be been being get gets got
	est sont était étaient été être soit soient sera seront`))

// passiveAt tells whether tokens[i] (folded[i] without accents) is a
// participle in the passive: shortly after a form of being.
func passiveAt(folded, tokens []string, i int) bool {
	return isParticiple(tokens[i]) && shortlyBefore(folded, i, formsOfBeing)
}

// isParticiple tells whether word, lower-cased as written, ends as a past
// participle: English "-ed", French "-é", "-ée", "-és", "-ées", or one of
// the irregular participles among the verbs of a sense.
func isParticiple(word string) bool {
	for _, ending := range []string{"ed", "é", "ée", "és", "ées"} {
		if strings.HasSuffix(word, ending) {
			return true
		}
	}
	return irregularParticiples[word]
}

var irregularParticiples = wordSet(`
	got gotten bought found sent led seen
	vu vue vus vues obtenu obtenue obtenus obtenues soumis soumise soumises transmis transmise transmises`)

// makeAnotherVerb are the words that, after one of those verbs, make it
// another verb. They are read with their accents: "à" without its accent
// is the English "a", which follows a verb of getting all the time ("book
// a desk").
var makeAnotherVerb = wordSet(`
	to into in out on off back rid started used along
	through over up around away by
	à au aux que qu
`)

// verbSense is what a verb asks for, whichever of the verbs that ask it
// alike a question uses.
type verbSense uint8

const (
	noSense verbSense = iota
	// The senses of the verbs of getting: to get in general, and the
	// ways to, which each asks what getting asks, not what another way
	// asks ("order" is not "book", nor "claim" "find"). The ways come
	// right after getting, up to finding (see asksAlike).
	getting
	buying
	booking
	claiming
	finding
	// Viewing: "How can I view the logs?" asks what "How do I see the
	// logs?", "Où consulter les logs ?" and "Comment je vois les logs ?"
	// ask. Not a way of getting: seeing a thing is not having it.
	viewing
	// Approving: "Who approves…?" asks what "Who validates…?" and "Qui
	// valide… ?" ask.
	approving
	// Submitting: "Where do I submit my timesheet?" asks what "Where do
	// I send my timesheet?", "How do I hand in…?" and "Où envoyer… ?"
	// ask.
	submitting
	// The senses of the verbs that switch something on or off, and sign
	// in or out, which polarity.go reads as ways: "turn on" asks what
	// "enable" and "activer" ask, "log in" what "sign in" and "se
	// connecter" ask.
	switchingOn
	switchingOff
	signingIn
	signingOut
	settingUp
	// Joining: "How do I enroll in the pension plan?" asks what "How can
	// I join…?", "How do I sign up for…?" and "Comment adhérer… ?" ask.
	joining
	// Renaming: "How do I rename a channel?" asks what "How can I change
	// the name of a channel?" and "Comment renommer… ?" ask.
	renaming
	// Managing: "Who manages the AWS account?" asks what "Who is in
	// charge of…?" and "Qui s'occupe de… ?" ask.
	managing
	// Updating: "How do I bump the Go version?" asks what "How do I
	// upgrade the Go version?" and "Comment mettre à jour… ?" ask, and
	// "How do I change my bank details?" what "…update my bank details?"
	// and "Comment modifier mon RIB ?" ask.
	updating
	// Launching: "How do I run the integration tests?" asks what "How do
	// I launch…?", "How do I execute…?" and "Comment lancer… ?" ask.
	launching
	// Creating: "How do I create a quote?" asks what "How do I generate a
	// quote?" and "Comment créer un devis ?" ask.
	creating
	// Resetting: "How do I reset my Okta password?" asks what "forgot my
	// Okta password" and "mdp Lucca oublié" ask (forgottenPassword).
	resetting
	verbSenses
)

// sensePhrase is a phrase, without accents and split as phraseWords
// splits, and the verb sense it asks.
type sensePhrase struct {
	words []string
	sense verbSense
}

// sensePhrases are, by their first word, the phrases that ask a verb
// sense wherever they stand: the phrasal and one-word verbs of the ways
// polarity.go reads (switching on or off, signing in or out), and those
// that say setting something up ("set up" asks what "configure" and
// "paramétrer" ask; installing is left out, a step before), joining,
// renaming or signing off on something.
var sensePhrases = func() map[string][]sensePhrase {
	m := make(map[string][]sensePhrase)
	add := func(phrase string, s verbSense) {
		words := strings.Fields(phrase)
		m[words[0]] = append(m[words[0]], sensePhrase{words, s})
	}
	for p, s := range map[pole]verbSense{poleOn: switchingOn, poleOff: switchingOff, poleIn: signingIn, poleOut: signingOut} {
		for _, phrase := range poleWords[p] {
			add(phrase, s)
		}
	}
	for _, phrase := range []string{"hand in", "hands in", "handed in", "turn in", "turned in", "send in", "sent in"} {
		add(phrase, submitting)
	}
	for _, phrase := range []string{
		"set up", "sets up", "setting up",
		"configure", "configures", "configured", "configuring",
		"configurer", "configurez", "parametrer", "parametrez", "parametrons", "parametrent",
	} {
		add(phrase, settingUp)
	}
	forms := func(words string) []string { return strings.Fields(FoldAccents(words)) }
	phrases := func(list string) []string {
		var out []string
		for p := range strings.SplitSeq(FoldAccents(list), ",") {
			out = append(out, strings.TrimSpace(p))
		}
		return out
	}
	for sense, phrases := range map[verbSense][]string{
		approving: {"sign off on", "signs off on", "signed off on", "signing off on"},
		finding:   {"look for", "looks for", "looking for", "search for", "searching for"},
		creating: {"add a new", "adds a new", "adding a new", "add new",
			"ajouter un nouveau", "ajouter une nouvelle", "ajoute un nouveau", "ajoute une nouvelle",
			"ajouter de nouveaux", "ajouter de nouvelles"},
		getting: {"give me", "give us", "me donner", "nous donner", "me fournir",
			"entitled to", "eligible for", "droit a", "droit au", "droit aux"},
		claiming: {"get reimbursed", "gets reimbursed", "got reimbursed", "be reimbursed",
			"faire rembourser", "fais rembourser", "fait rembourser"},
		joining: append(forms(`
			join joins joining joined enroll enrolls enrolling enrolled enrol enrols
			rejoindre rejoins rejoint rejoignons rejoignez rejoignent
			adhérer adhère adhères adhérons adhérez adhèrent adhéré
			inscrire inscris inscrit inscrivons inscrivez inscrivent inscrite inscrits inscrites`),
			"sign up", "signs up", "signed up", "signing up",
			"register for", "registers for", "registered for", "registering for"),
		renaming: append(forms(`
			rename renames renamed renaming
			renommer renomme renommes renommons renommez renomment renommé renommée renommés renommées`),
			"change the name", "changes the name", "changed the name", "changing the name",
			"changer le nom", "change le nom", "changé le nom"),
		updating: phrases(`
			mettre à jour, mets à jour, met à jour, mettons à jour, mettez à jour, mettent à jour,
			mis à jour, mise à jour, mises à jour`),
		managing: phrases(`
			in charge of, responsible for, look after, looks after, looking after, looked after,
			en charge de, en charge du, en charge des, responsable de, responsable du, responsable des,
			responsables de, responsables du, responsables des,
			s occupe de, s occupe du, s occupe des, s occupent de, s occupent du, s occupent des,
			s occuper de, s occuper du, s occuper des, vous occupez de, vous occupez du, vous occupez des`),
	} {
		for _, phrase := range phrases {
			add(phrase, sense)
		}
	}
	return m
}()

// verbSensesIn returns the words of tokens, a text's words as written and
// lower-cased, that are verbs asking one of the senses, each as written,
// and which senses the text asks. The words are compared without accents
// (chat often goes without them: "reserver", "ou trouver").
func verbSensesIn(tokens []string) (map[string]verbSense, [verbSenses]bool) {
	var senses map[string]verbSense
	var says [verbSenses]bool
	folded := make([]string, len(tokens))
	for i, t := range tokens {
		folded[i] = FoldAccents(t)
	}
	mark := func(word string, s verbSense) {
		if senses == nil {
			senses = make(map[string]verbSense)
		}
		senses[word], says[s] = s, true
	}
	for i, t := range folded {
		verbStands := i == 0 && opensAsAVerb(folded) || i > 0 && beforeAVerb[folded[i-1]] || passiveAt(folded, tokens, i)
		if s := verbsWhereAVerbStands[t]; s != noSense && verbStands && (i+1 == len(tokens) || !makeAnotherVerb[tokens[i+1]]) {
			mark(tokens[i], s)
		}
		if wants(folded, i) {
			mark(tokens[i], getting)
		}
		if runForms[t] {
			switch {
			case afterWho(folded[:i]):
				mark(tokens[i], managing)
			case verbStands:
				mark(tokens[i], launching)
			}
		}
		for _, ph := range sensePhrases[t] {
			switch {
			case phraseAt(folded, i, ph.words):
				for _, w := range tokens[i : i+len(ph.words)] {
					mark(w, ph.sense)
				}
			case particleAfterPronoun(folded, i, ph.words):
				mark(tokens[i], ph.sense)
				mark(tokens[i+2], ph.sense)
			}
		}
	}
	if forgottenPassword(folded) {
		for i, t := range folded {
			if forgetting[t] {
				mark(tokens[i], resetting)
			}
		}
	}
	return senses, says
}

// Forgetting a password asks how to reset it: "locked out of my laptop,
// forgot my password" asks what "How do I reset my laptop password?"
// asks, and so does "mdp Lucca oublié". A verb of forgetting is read so
// wherever it stands, in a text that names a password; "I forgot my
// badge at home" asks something else.
var (
	forgetting    = wordSet("forgot forgotten forget oublie oubliee oublies oubliees oublier")
	passwordWords = wordSet("password passwords pwd passcode mdp")
)

// forgottenPassword tells whether words, a text's without accents, name
// a password and say it is forgotten.
func forgottenPassword(words []string) bool {
	named, forgot := false, false
	for i, w := range words {
		named = named || passwordWords[w] || w == "mot" && foldedPhraseAt(words, i, []string{"mot", "de", "passe"})
		forgot = forgot || forgetting[w]
	}
	return named && forgot
}

// wants tells whether words[i] says the asker needs or wants something,
// which asks what getting it asks: "I need a new laptop" is "How do I get
// a new laptop?", "J'ai besoin d'un badge" and "Je voudrais une licence
// Figma" "Comment obtenir… ?", and so is chat's "need admin rights, who
// can help?". Only in a statement, before a thing: "Do I need a visa?"
// asks whether one must, and "I need to…" says what one must do.
func wants(words []string, i int) bool {
	switch words[i] {
	case "need", "needs":
		return (i == 0 || (words[i-1] == "i" || words[i-1] == "we") && (i < 2 || !beforeAVerb[words[i-2]])) &&
			i+1 < len(words) && words[i+1] != "to"
	case "besoin":
		return i == 0 && len(words) > 1 ||
			i > 1 && (words[i-1] == "ai" && words[i-2] == "j" || words[i-1] == "avons" && words[i-2] == "nous" || words[i-1] == "a" && words[i-2] == "on")
	case "voudrais", "veux", "faudrait":
		return i+1 < len(words) && wantedThing[words[i+1]]
	case "want", "like":
		return i > 0 && (words[i-1] == "i" || words[i-1] == "we" || words[i] == "like" && words[i-1] == "d") &&
			i+1 < len(words) && wantedThing[words[i+1]]
	}
	return false
}

// wantedThing are the words that open the thing wanted after "want",
// "I'd like", "je voudrais", "je veux" or "il me faudrait": "I'd like a
// second monitor" asks what "How do I get a second monitor?" asks, "je
// voudrais être ajouté…" does not say it wants a thing.
var wantedThing = wordSet("a an the some my our another un une des le la les l mon ma mes du")

// runForms are the forms of "run", which asks who is in charge with "who"
// as its subject ("Who runs the onboarding?" is "Who is in charge of the
// onboarding?") and otherwise, where a verb stands, to launch something
// ("How do I run the tests?").
var runForms = wordSet(`run runs running ran`)

// afterWho tells whether before, the words ahead of a verb, end with "who"
// as its subject: "who", "who is", "who's", "who was".
func afterWho(before []string) bool {
	n := len(before)
	return n > 0 && before[n-1] == "who" ||
		n > 1 && before[n-2] == "who" && (before[n-1] == "is" || before[n-1] == "s" || before[n-1] == "was")
}

// opensAsAVerb tells whether the first of words, a text's, may be a verb
// opening it: followed by others, and not ending in a single s.
func opensAsAVerb(words []string) bool {
	first := words[0]
	return len(words) > 1 && (!strings.HasSuffix(first, "s") || strings.HasSuffix(first, "ss"))
}

// asksAlike tells whether w, a word of from, is a verb asking a sense b
// asks too, or a verb of getting where b asks to get in general, or to get
// in general where b asks a way to.
func (b bag) asksAlike(from bag, w Word) bool {
	s := from.senses[w.Text]
	switch {
	case s == noSense:
		return false
	case b.saysSense[s]:
		return true
	case s == getting:
		return b.saysSense[buying] || b.saysSense[booking] || b.saysSense[claiming] || b.saysSense[finding]
	case s <= finding:
		return b.saysSense[getting]
	}
	return false
}
