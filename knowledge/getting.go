package knowledge

// A question that asks how or where to get something says what it wants
// in the verb's object; the verb says only that the asker wants to have
// it, and people pick one as it comes: "How can I get business cards?"
// asks what "How do I order business cards?" asks, and "Comment demander
// un jour de télétravail ?" what "Comment poser un jour de télétravail ?"
// does. Each missed the other on its verb, a swap of rare words, though
// both ask for the same thing. So a verb of getting, used as a verb, is
// found in a question that uses any verb of getting.
//
// The verbs are a closed class, written here with their forms, as the
// courtesies are. Several are nouns too ("my order", "a book", "ma
// commande") and then name the thing wanted: a verb of getting counts as
// one only where a verb stands, after a subject, "to", an auxiliary or a
// question's first word ("how do I get", "où trouver", "puis-je
// commander"), or opening the text. And with some words after it, it
// makes another verb: "get to the office" is going there, "find out" is
// learning, "order by" sorting, "demander à" asking someone.
var gettingVerbs = foldedWordSet(`
	get gets getting got gotten
	obtain obtains obtaining obtained
	request requests requesting requested
	order orders ordering ordered
	claim claims claiming claimed
	book books booking booked
	buy buys buying bought
	purchase purchases purchasing purchased
	find finds finding found
	obtenir obtiens obtient obtenons obtenez obtiennent obtenu obtenue obtenus obtenues
	demander demande demandes demandons demandez demandent demandé demandée demandés demandées
	commander commande commandes commandons commandez commandent commandé commandée commandés commandées
	réserver réserve réserves réservons réservez réservent réservé réservée réservés réservées
	acheter achète achètes achetons achetez achètent acheté achetée achetés achetées
	trouver trouve trouves trouvons trouvez trouvent trouvé trouvée trouvés trouvées
	poser pose poses posons posez posent posé posée posés posées
`)

// beforeAVerb are the words after which a verb stands: subjects, "to",
// auxiliaries and modals, and the words a question of how or where opens
// with.
var beforeAVerb = foldedWordSet(`
	i we you they he she to please
	can could do does did should would will may must how where
	je j tu on nous vous il elle svp
	comment où pour peut puis peux pouvez dois doit faut veux voudrais souhaite
`)

// makeAnotherVerb are the words that, after a verb of getting, make it
// another verb.
var makeAnotherVerb = foldedWordSet(`
	to into in out on off back rid started used along
	through over up around away by
	à au aux que qu
`)

// gettingVerbsIn returns the verbs of getting that tokens, a text's words
// as written and lower-cased, use as verbs. Chat often goes without
// accents ("reserver", "ou trouver"), so the words are read without them.
func gettingVerbsIn(tokens []string) map[string]bool {
	var verbs map[string]bool
	for i, t := range tokens {
		if !gettingVerbs[FoldAccents(t)] || i > 0 && !beforeAVerb[FoldAccents(tokens[i-1])] || i+1 < len(tokens) && makeAnotherVerb[FoldAccents(tokens[i+1])] {
			continue
		}
		if verbs == nil {
			verbs = make(map[string]bool)
		}
		verbs[t] = true
	}
	return verbs
}

// foldedWordSet is wordSet of s without its accents.
func foldedWordSet(s string) map[string]bool { return wordSet(FoldAccents(s)) }
