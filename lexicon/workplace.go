package lexicon

import "github.com/nextdesk/nextdesk/knowledge"

// workplace holds the words of work that the FreeDict dictionaries lack
// or give only in another sense: "congé" is "time off" and "discharge"
// there, never "leave"; "astreinte", "fiche de paie" and "note de frais"
// are missing; "déployer" is "spread out", "frais" "fresh" and "panne"
// "downy feather". Questions put to nextdesk are questions of work, and
// these are the senses they mean. Written for nextdesk (its licence), the
// way a company's bilingual glossary of HR, office and IT words would be;
// each English translation of a French word, no verb unless marked one.
//
// Each word is written in the singular where the dictionaries know it: a
// plural of its own ("hours", "droits") would be looked up instead of the
// singular's entry, and lose its senses ("heure", "droit"). Nor is a word
// given a sense that would crowd out its common one ("desk" is "bureau"
// before "poste de travail", "failure" "échec"); at work "poste" is the
// asker's computer or job, rarely the post office.
//
// A French word spelt as an English one is read from French only
// ("formation" is training, "augmentation" a raise, "stage" an
// internship): read both ways, an English question about training would
// look for "formation" and find, in a history in English, the English
// word in its own sense. So is a phrase whose words English reads as its
// own: with "date limite", a question about a deadline would look for any
// date and any limit. One the dictionaries have no English entry for is
// left out: an English text's word takes the senses of the French one
// spelt alike when it has none of its own, and "allocation", memory's in
// the Julia community's questions, would become an allowance.
var workplace = func() []knowledge.Pair {
	var pairs []knowledge.Pair
	// add gives the French word of p each English translation.
	add := func(p knowledge.Pair, english ...string) {
		for _, p.English = range english {
			pairs = append(pairs, p)
		}
	}
	noun := func(french string, english ...string) { add(knowledge.Pair{French: french, NotVerb: true}, english...) }
	verb := func(french string, english ...string) { add(knowledge.Pair{French: french}, english...) }
	nounFromFrench := func(french string, english ...string) {
		add(knowledge.Pair{French: french, NotVerb: true, FromFrench: true}, english...)
	}
	verbFromFrench := func(french string, english ...string) {
		add(knowledge.Pair{French: french, FromFrench: true}, english...)
	}

	// Time off, pay and contracts.
	noun("congé", "leave")
	noun("congés payés", "paid leave")
	noun("jour de congé", "day off", "day of leave")
	noun("congé maladie", "sick leave")
	noun("arrêt maladie", "sick leave")
	noun("arrêt de travail", "sick leave")
	noun("congé maternité", "maternity leave")
	noun("congé paternité", "paternity leave")
	noun("congé parental", "parental leave")
	noun("fiche de paie", "payslip", "pay slip")
	noun("bulletin de paie", "payslip", "pay slip")
	noun("bulletin de salaire", "payslip", "pay slip")
	noun("paie", "payroll", "pay")
	noun("paiement", "payment")
	noun("mutuelle", "health insurance")
	noun("frais", "expenses")
	noun("note de frais", "expense report", "expense claim")
	noun("remboursement", "refund", "reimbursement")
	verb("rembourser", "refund", "reimburse")
	verb("verser", "pay")
	noun("heures supplémentaires", "overtime")
	noun("feuille de temps", "timesheet")
	noun("horaire", "schedule", "opening hours", "working hours")
	noun("astreinte", "on call", "on-call")
	noun("entretien annuel", "annual review", "performance review")
	noun("période d'essai", "probation", "trial period")
	noun("préavis", "notice period", "notice")
	noun("avantage", "benefit", "perk")
	noun("ticket restaurant", "meal voucher")
	noun("titre-restaurant", "meal voucher")
	noun("coordonnées bancaires", "bank details")
	noun("prélèvement", "direct debit")
	noun("recrutement", "recruitment", "hiring")
	noun("embauche", "hiring")
	noun("ressources humaines", "human resources")
	// The acronyms of work differ between the languages: "RH" is "HR",
	// "TVA" "VAT". Each is still read as the acronym of its own
	// language's words where it has two letters in capitals ("RH",
	// "ressources humaines"); one of three or more that the lexicon lists
	// is a word, and French questions write these more often than their
	// words.
	noun("RH", "HR")
	noun("DRH", "HR director", "head of HR")
	noun("PDG", "CEO")
	noun("TVA", "VAT")
	noun("RGPD", "GDPR")
	noun("CDI", "permanent contract")
	noun("CDD", "fixed-term contract")
	noun("SMIC", "minimum wage")
	noun("CSE", "works council")
	noun("DSI", "IT department")
	noun("UE", "EU")
	noun("télétravail", "remote work", "working from home")
	noun("responsable", "manager", "person in charge")
	noun("équipe commerciale", "sales team")
	noun("service commercial", "sales department")
	verb("télétravailler", "work remotely", "work from home")
	noun("échéance", "deadline", "due date")
	nounFromFrench("date limite", "deadline")
	nounFromFrench("planning", "schedule", "rota")
	nounFromFrench("formation", "training", "course")
	nounFromFrench("augmentation", "raise", "pay rise")
	nounFromFrench("stage", "internship")
	nounFromFrench("mutation", "transfer")
	nounFromFrench("mail", "email")
	// The dictionaries know "conduire" as leading and steering, not as
	// driving a car to a client's; and "urgence" not at all, which safety
	// notices write ("en cas d'urgence", "numéro d'urgence").
	verbFromFrench("conduire", "drive")
	noun("urgence", "emergency", "urgency")
	noun("grille salariale", "salary band", "pay scale")
	noun("grille de salaire", "salary band", "pay scale")
	noun("grille des salaires", "salary band", "pay scale")
	noun("mariage", "wedding", "marriage")
	noun("décès", "death", "bereavement")
	noun("cooptation", "referral")
	noun("parrainage", "referral", "sponsorship")
	noun("compte rendu", "minutes", "report")
	noun("convention collective", "collective agreement")
	noun("réunion", "meeting")
	noun("plafond", "limit")
	noun("taux", "rate")
	verb("déclarer", "report", "declare")
	// "report" is common in every history: read from French only.
	verbFromFrench("signaler", "report", "flag")
	verb("inclure", "include")
	verb("prévenir", "notify", "tell", "warn", "prevent")
	noun("prestataire", "contractor", "service provider")
	noun("chargé de compte", "account manager")
	noun("chargé de clientèle", "account manager")
	noun("stagiaire", "intern", "trainee")
	noun("alternant", "apprentice")
	noun("intérimaire", "temp", "temporary worker")
	noun("nouvel arrivant", "new hire", "newcomer")
	noun("intéressement", "profit sharing")
	noun("épargne salariale", "employee savings plan")
	noun("comité de direction", "leadership team", "executive committee")
	noun("réunion générale", "all-hands meeting", "all-hands")
	noun("séminaire", "offsite")
	// Read from French only: the dictionaries give "badgeuse" as nothing
	// English, "élu" as chosen, and nothing for "justificatif",
	// "pointage" or "titre de séjour".
	nounFromFrench("justificatif", "receipt", "proof", "supporting document")
	nounFromFrench("candidat", "candidate", "applicant")
	nounFromFrench("pointage", "clocking in", "time tracking")
	nounFromFrench("badgeuse", "badge reader", "time clock")
	nounFromFrench("élu", "elected representative")
	nounFromFrench("titre de séjour", "residence permit")
	nounFromFrench("permis de travail", "work permit")
	nounFromFrench("prélèvement à la source", "withholding tax")

	// Read from French only, so that the English words they give, common
	// in every history ("server", "project", "target"), gain no French
	// senses in the search: the dictionaries give "carrière" as a quarry,
	// "créneau" as a crenel, "serveur" as a waiter and "climatisation" as
	// "conjoncture", or nothing for "objectif", "agence" and "avenant".
	nounFromFrench("carrière", "career")
	nounFromFrench("objectif", "objective", "goal", "target")
	nounFromFrench("agence", "agency", "branch", "office")
	nounFromFrench("avenant", "contract amendment", "amendment")
	nounFromFrench("prévoyance", "disability insurance", "income protection")
	nounFromFrench("visite médicale", "medical check-up", "medical examination")
	nounFromFrench("rupture conventionnelle", "mutual termination")
	nounFromFrench("licenciement", "dismissal", "layoff", "redundancy")
	nounFromFrench("créneau", "slot", "time slot")
	nounFromFrench("accueil", "reception", "front desk")
	nounFromFrench("ménage", "cleaning")
	nounFromFrench("climatisation", "air conditioning")
	nounFromFrench("réseau", "network")
	nounFromFrench("serveur", "server")
	nounFromFrench("équipe", "team")
	nounFromFrench("projet", "project")

	// Offices and travel.
	noun("carte de visite", "business card")
	noun("salle de réunion", "meeting room")
	noun("salle de sport", "gym")
	noun("salle de pause", "break room")
	noun("poste de travail", "workstation")
	noun("poste", "workstation", "computer", "job")
	noun("siège", "headquarters")
	noun("siège social", "headquarters", "head office")
	noun("place de parking", "parking space", "parking spot")
	noun("fourniture", "supplies", "office supplies")
	noun("déplacement professionnel", "business trip")
	noun("indemnité", "allowance", "indemnity")
	noun("indemnité kilométrique", "mileage allowance")
	noun("frais kilométriques", "mileage allowance", "mileage")
	nounFromFrench("forfait", "flat rate", "package", "plan")
	noun("voyage d'affaires", "business trip")
	noun("autorisation", "approval", "authorization")
	noun("gare", "train station")
	noun("bon de commande", "purchase order")
	noun("achat", "purchasing", "procurement")
	noun("devis", "quote")
	noun("fournisseur", "supplier", "vendor")

	// Computers and software.
	noun("ordinateur portable", "laptop")
	noun("téléphone", "phone")
	noun("téléphone professionnel", "work phone")
	noun("logiciel", "software")
	noun("accès", "access")
	verb("gérer", "manage", "handle")
	verb("configurer", "set up", "configure")
	verb("supprimer", "delete", "remove")
	verb("modifier", "edit", "change", "modify")
	verb("éditer", "edit")
	verb("inscrire", "register", "sign up", "enroll")
	verb("résilier", "cancel", "terminate")
	noun("pièce jointe", "attachment")
	noun("mot de passe", "password")
	verb("réinitialiser", "reset")
	verb("autoriser", "allow", "authorize")
	verb("bloquer", "lock", "block")
	verb("débloquer", "unlock", "unblock")
	verb("verrouiller", "lock")
	verb("déverrouiller", "unlock")
	noun("double authentification", "two-factor authentication")
	noun("authentification à deux facteurs", "two-factor authentication")
	noun("supplémentaire", "additional", "extra")
	noun("casque", "headset")
	noun("identifiant", "username", "login", "credential")
	noun("droits d'accès", "access rights")
	noun("connexion", "login", "connection")
	verb("se connecter", "log in", "sign in")
	verb("se déconnecter", "log out", "sign out")
	verb("activer", "enable")
	verb("désactiver", "disable", "deactivate")
	verb("mettre à jour", "update", "upgrade")
	noun("sauvegarde", "backup")
	verb("sauvegarder", "back up")
	noun("pare-feu", "firewall")
	noun("facteur", "factor") // "authentification à deux facteurs"; the dictionary has the postman only
	noun("clé USB", "USB stick", "USB drive")
	noun("dossier partagé", "shared folder")
	noun("lecteur réseau", "network drive")
	noun("lecteur partagé", "shared drive")
	noun("lecteur", "drive", "reader", "player")
	noun("boîte mail", "mailbox", "inbox")
	noun("boîte de réception", "inbox")
	noun("messagerie", "email", "messaging")
	noun("visio", "video call")
	noun("déploiement", "deployment", "deploy")
	verb("lancer", "run", "launch", "start")
	noun("en local", "locally")
	noun("test unitaire", "unit test")
	noun("branche", "branch")
	verb("échouer", "fail")
	noun("échec", "failure")
	verb("déployer", "deploy")
	noun("préproduction", "staging")
	noun("préprod", "staging")
	noun("mise en production", "release", "deployment")
	noun("panne", "outage")
	noun("service informatique", "IT department")
	noun("gestionnaire", "manager", "administrator")
	noun("informatique", "IT", "computing")
	noun("matériel informatique", "IT equipment", "computer hardware")
	// Read from French only, as the words of the office are: the
	// dictionaries give "onglet" as a pleat, "lien" as a bond, "calcul"
	// as a rock (a calculation, read so, shares its stem with English's
	// and needs no translation), or nothing for "hameçonnage",
	// "dépannage" and "livrable".
	nounFromFrench("appli", "app")
	nounFromFrench("replay", "recording")
	nounFromFrench("navigateur", "browser")
	nounFromFrench("onglet", "tab")
	nounFromFrench("lien", "link")
	nounFromFrench("piratage", "hacking")
	nounFromFrench("hameçonnage", "phishing")
	nounFromFrench("fuite", "leak")
	nounFromFrench("stockage", "storage")
	nounFromFrench("redémarrage", "restart", "reboot")
	nounFromFrench("dépannage", "troubleshooting", "repair")
	nounFromFrench("livrable", "deliverable")
	nounFromFrench("feuille de calcul", "spreadsheet")
	nounFromFrench("calcul", "calculation")
	nounFromFrench("désinstallation", "uninstall")
	nounFromFrench("déconnexion", "logout", "disconnection")
	nounFromFrench("verrouillage", "lock", "locking")
	return pairs
}()
