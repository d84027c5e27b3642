package lexicon

import "github.com/nextdesk/nextdesk/knowledge"

// indefinites are the French indefinite pronouns and their English
// equivalents: a closed class of words that questions use all the time
// ("quelqu'un sait…", "does anyone know…") and that the FreeDict
// dictionaries list only in part. They are written here whole, as a
// grammar lists them, and read beside the dictionaries.
var indefinites = []knowledge.Pair{
	{French: "quelqu'un", English: "someone"}, {French: "quelqu'un", English: "anyone"},
	{French: "quiconque", English: "anyone"}, {French: "quiconque", English: "whoever"},
	{French: "qui que ce soit", English: "anyone"}, {French: "n'importe qui", English: "anyone"},
	{French: "quoi que ce soit", English: "anything"}, {French: "n'importe quoi", English: "anything"},
	{French: "quelque chose", English: "something"}, {French: "quelque chose", English: "anything"},
	{French: "autre chose", English: "something else"},
	{French: "tout le monde", English: "everyone"}, {French: "chacun", English: "everyone"},
	{French: "chacun", English: "each"}, {French: "chacune", English: "each"},
	{French: "personne", English: "nobody"}, {French: "personne", English: "anyone"},
	{French: "aucun", English: "none"}, {French: "aucune", English: "none"},
	{French: "rien", English: "nothing"}, {French: "rien", English: "anything"},
	{French: "plusieurs", English: "several"}, {French: "certains", English: "some"},
	{French: "autrui", English: "others"}, {French: "tout", English: "everything"},
	{French: "n'importe où", English: "anywhere"}, {French: "quelque part", English: "somewhere"},
	{French: "nulle part", English: "nowhere"}, {French: "partout", English: "everywhere"},
	{French: "n'importe quand", English: "anytime"}, {French: "quelquefois", English: "sometimes"},
}
