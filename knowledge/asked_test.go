package knowledge

import "testing"

// TestAskedAfterAComma reads what a question asks when chat puts it after
// a comma, behind the problem or the context it tells first; a clause
// after a comma that describes what came before asks nothing.
func TestAskedAfterAComma(t *testing.T) {
	for _, c := range []struct {
		text string
		want asked
	}{
		{"my badge isn't working anymore, who should i reach out to", askPerson | askOpen | askNegated | askFailing},
		{"My badge stopped working, who do I contact?", askPerson | askOpen | askFailing},
		{"hey, where is the canteen?", askPlace | askOpen},
		{"got a weird email, how do I report it as phishing?", askOpen},
		{"mon badge marche plus, comment je fais ?", askOpen | askFailing},
		{"mon badge marche plus, qui contacter ?", askPerson | askOpen | askFailing},
		{"I tried restarting, which didn't help.", 0},
		{"The Lyon office, where I work, is closing.", 0},
		{"Le bureau de Lyon, où je travaille, ferme.", 0},
		{"Quand je me connecte, ça plante.", askFailing},
	} {
		if got := askedOf(c.text); got != c.want {
			t.Errorf("askedOf(%q) = %b, want %b", c.text, got, c.want)
		}
	}
}

// TestAskedOfYesOrNo reads French chat's questions asking whether one
// may or must in the order of a statement, but not a problem said, nor a
// question asked with a question word after its verb; questions asking
// yes or no with an auxiliary or "est-ce que"; and a question word after
// chat's dash or emoji.
func TestAskedOfYesOrNo(t *testing.T) {
	for _, c := range []struct {
		text string
		want asked
	}{
		{"Je peux poser un RTT la veille d'un jour férié ?", askMay},
		{"Salut, on a le droit de partager des docs via Google Drive ?", askMay},
		{"Il faut prévenir son manager ?", askMust},
		{"Je peux pas me connecter au VPN", 0},
		{"Je dois arriver à quelle heure ?", askTime | askOpen},
		{"Is the canteen open on Saturday?", askWhether},
		{"Hi all, does the referral bonus apply to interns?", askWhether},
		{"Est-ce que les stagiaires ont droit au Navigo ?", askWhether},
		{"La cantine est ouverte le samedi ?", 0},
		{"Is it true that the canteen closes at 2?", askWhether},
		// Chat ends a clause with a dash or an emoji as with a comma.
		{"printer jammed again 🙄 who should I ping?", askOpen | askPerson},
		{"in Atlas rn - where is the HDMI adapter?", askOpen | askPlace},
	} {
		if got := askedOf(c.text); got != c.want {
			t.Errorf("askedOf(%q) = %b, want %b", c.text, got, c.want)
		}
	}
}

// TestAskingSentences reads which sentences of a message ask, when others
// tell the situation; a question that names what it asks about only by a
// pronoun asks what the situation says.
func TestAskingSentences(t *testing.T) {
	for _, c := range []struct {
		text, want string
		ok         bool
	}{
		{"I have a workshop on Friday. How do I book a room?", "How do I book a room?", true},
		{"How do I book a room? We are six.", "How do I book a room?", true},
		{"J'ai un atelier jeudi. Comment je réserve une salle ?", "Comment je réserve une salle ?", true},
		{"Our job runs on m5.large. Where is api.example.com hosted?", "Where is api.example.com hosted?", true},
		{"I moved to the Lyon office\nwhere do I get a new badge", "where do I get a new badge", true},
		{"How do I book a room?", "", false},
		{"How high is Mt. Fuji?", "", false},
		{"I need it for a level 3 ticket. How do I get read access?", "How do I get read access?", true},
		{"Where is the office of Dr. Martin, e.g. for a visit?", "", false},
		{"My badge stopped working, who do I contact?", "", false},
		{"I booked a room for Friday. How do I cancel it?", "", false},
		{"J'ai un bon de commande de 15 000 €. Qui doit le valider ?", "", false},
		{"J'ai supprimé un fichier hier. Comment le récupérer ?", "", false},
		{"On m'a parlé de la prime de participation. Ça marche comment ?", "", false},
	} {
		got, ok := askingSentences(c.text)
		if got != c.want || ok != c.ok {
			t.Errorf("askingSentences(%q) = %q, %v, want %q, %v", c.text, got, ok, c.want, c.ok)
		}
	}
}

// TestPassiveWithGet reads the "get" of English's passive as saying only
// that the participle after it is done, and no other "get".
func TestPassiveWithGet(t *testing.T) {
	for _, c := range []struct {
		text    string
		passive bool
	}{
		{"When do we get paid?", true},
		{"How do I get it fixed?", true},
		{"How do I get my parking badge activated?", true},
		{"How do I get a feature flag turned on in prod?", true},
		{"Who gets assigned a buddy?", true},
		{"How do I get a dedicated desk?", false},
		{"How do I get a new laptop?", false},
		{"Can I get used monitors?", false},
		{"How do I get back into GitHub?", false},
	} {
		words := grammaticalWords(sentencesOf(c.text))
		if got := words["get"] || words["gets"]; got != c.passive {
			t.Errorf("%q: get read as the passive's: %v, want %v", c.text, got, c.passive)
		}
	}
}

// TestAskedOfWhatIs reads the kind of answer "What is…?" asks for from the
// head of its noun: last in English, first in French.
func TestAskedOfWhatIs(t *testing.T) {
	for _, c := range []struct {
		text string
		want asked
	}{
		{"What is the team lunch budget?", askOpen | askQuantity | askCost},
		{"What's the deadline for benefits open enrollment?", askOpen | askTime},
		{"what's the London office address again?", askOpen | askPlace},
		{"Quelle est l'adresse du bureau de Lyon ?", askOpen | askPlace},
		{"C'est quoi la date limite pour les notes de frais ?", askOpen | askTime},
		{"Quel est le budget formation par salarié ?", askOpen | askQuantity | askCost},
		// The head is another noun, or the question asks something else.
		{"What's the budget approval process?", askOpen},
		{"What is the number of hours I can work?", askOpen},
		{"How is the budget split?", askOpen},
	} {
		if got := askedOf(c.text); got != c.want {
			t.Errorf("askedOf(%q) = %b, want %b", c.text, got, c.want)
		}
	}
}

// TestNegatesState tells a negated state from a failure said with a
// negation.
func TestNegatesState(t *testing.T) {
	for text, want := range map[string]bool{
		"my broken laptop is no longer under warranty": true,
		"my broken laptop isn't under warranty":        true,
		"mon écran cassé n'est plus sous garantie":     true,
		"the VPN is not connecting":                    false,
		"my badge isn't working":                       false,
		"the screen isn't broken":                      false,
		"my laptop doesn't turn on":                    false,
	} {
		if got := negatesState(phraseWords(FoldAccents(text))); got != want {
			t.Errorf("negatesState(%q) = %v, want %v", text, got, want)
		}
	}
}

// TestAskedOfOthersModal reads whether someone else may or must, but not
// a call for help.
func TestAskedOfOthersModal(t *testing.T) {
	for _, c := range []struct {
		text string
		want asked
	}{
		{"Does my manager have to approve my internal transfer?", askMust | askWhether},
		{"Do contractors need to sign the NDA?", askMust | askWhether},
		{"Est-ce que mon manager doit valider ?", askMust | askWhether},
		{"Can my manager see my peers' feedback?", askMay},
		{"Can interns expense taxis?", askMay},
		{"Can you help me?", 0},
		{"Can someone reset my password?", 0},
		{"Can this be done?", 0},
	} {
		if got := askedOf(c.text); got != c.want {
			t.Errorf("askedOf(%q) = %b, want %b", c.text, got, c.want)
		}
	}
}

// TestAskedInFrenchWordOrder reads French questions by French grammar:
// "a" after "quand" is the verb, not the English article, so the question
// asks when; after "when" it opens a clause. Chat asks with its question
// word after its verb, where after a noun "où" and "qui" are relatives,
// and "quand" before a pronoun still opens a clause.
func TestAskedInFrenchWordOrder(t *testing.T) {
	for _, c := range []struct {
		text string
		want asked
	}{
		{"Quand a lieu la prochaine session d'onboarding ?", askTime | askOpen},
		{"Quand a été validée la note de frais ?", askTime | askOpen},
		{"When a laptop is stolen, I report it to IT.", 0},
		{"Quand la paie est-elle versée ?", askTime | askOpen},
		{"Quand je me connecte, ça plante.", askFailing},
		{"Elle est où la trousse de secours ?", askPlace | askOpen},
		{"Salut, il est ou le planning ?", askPlace | askOpen},
		{"Tu pars quand en congé ?", askTime | askOpen},
		{"Elle commence quand la formation ?", askTime | askOpen},
		{"Mon PC rame, il faut appeler qui pour ça ?", askPerson | askOpen},
		{"On fait comment pour se faire rembourser ?", askOpen},
		{"Il y a une salle où on peut manger ?", 0},
		{"On a quelqu'un qui gère les badges ?", 0},
		{"Je peux venir quand je veux ?", 0},
		{"Tu préfères mardi ou jeudi ?", 0},
		{"Je pense que le VPN est coupé ?", 0},
	} {
		if got := askedOf(c.text); got != c.want {
			t.Errorf("askedOf(%q) = %b, want %b", c.text, got, c.want)
		}
	}
}
