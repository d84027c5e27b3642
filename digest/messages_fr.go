package digest

// messagesFR is the French catalogue.
var messagesFR = map[string]string{
	"digest.header":          "Récap de la semaine · %s",
	"digest.summary":         "Récap de la semaine, %s : %d questions posées, %d avec réponse.",
	"digest.context":         "Semaine %s · questions des canaux publics uniquement",
	"digest.context_private": "Semaine %s",
	"digest.empty":           "Récap de la semaine, %s : aucune question n'a été posée cette semaine.",

	"figures.title":             "*Chiffres*",
	"figures.asked.one":         "*%d* question posée",
	"figures.asked.other":       "*%d* questions posées",
	"figures.answered":          "*%d* avec réponse",
	"figures.median":            "délai médian de réponse *%s*",
	"figures.instant.one":       "*%d* réponse immédiate réutilisée",
	"figures.instant.other":     "*%d* réponses immédiates réutilisées",
	"figures.straight.one":      "*%d* envoyée directement à un expert",
	"figures.straight.other":    "*%d* envoyées directement à un expert",
	"figures.escalations.one":   "*%d* relance",
	"figures.escalations.other": "*%d* relances",
	"handoffs.one":              "%d question est allée directement à la personne qui savait, soit %d relais entre managers évités.",
	"handoffs.other":            "%d questions sont allées directement à la personne qui savait, soit %d relais entre managers évités.",
	"handoffs.me.one":           "Vous avez répondu directement à %d question, soit %d relais entre managers évités.",
	"handoffs.me.other":         "Vous avez répondu directement à %d questions, soit %d relais entre managers évités.",

	"knowledge.title":        "*Nouvelles connaissances*",
	"knowledge.accepted":     "validée",
	"knowledge.thanks.one":   "%d remerciement",
	"knowledge.thanks.other": "%d remerciements",
	"knowledge.reused.one":   "réutilisée %d fois",
	"knowledge.reused.other": "réutilisée %d fois",
	"knowledge.by":           "répondu par %s",
	"more.one":               "et %d autre",
	"more.other":             "et %d autres",

	"unanswered.title":    "*Toujours sans réponse* : pouvez-vous aider ?",
	"unanswered.none":     "*Toujours sans réponse* : aucune, chaque question a eu sa réponse.",
	"unanswered.asked":    "posée par %s, %s",
	"unanswered.fallback": "aucune des personnes sollicitées n'a pu répondre",

	"topics.title":       "*Sujets que personne ne couvre*",
	"topics.none":        "*Sujets que personne ne couvre* : aucun cette semaine.",
	"topics.item.one":    "%[2]s (%[1]d question)",
	"topics.item.other":  "%[2]s (%[1]d questions)",
	"topics.rising":      "*En hausse :* %s",
	"topics.rising_item": "%s (%d cette semaine, %s par semaine avant)",

	"thanks.title":           "*Merci* aux personnes qui ont répondu",
	"thanks.item.one":        "%[2]s : %[1]d réponse, première réponse en %[3]s (médiane)",
	"thanks.item.other":      "%[2]s : %[1]d réponses, première réponse en %[3]s (médiane)",
	"thanks.item_bare.one":   "%[2]s : %[1]d réponse",
	"thanks.item_bare.other": "%[2]s : %[1]d réponses",

	"personal.header":  "Votre récap de la semaine · %s",
	"personal.empty":   "Votre récap de la semaine, %s : aucune nouvelle réponse sur vos sujets cette semaine.",
	"personal.intro":   "Les nouvelles réponses de la semaine sur les sujets où vous avez posé une question ou répondu :",
	"personal.summary": "Votre récap de la semaine, %s : %d nouvelles réponses sur vos sujets.",

	"truncated": "Le récap dépasse ce que Slack permet ; la suite est omise.",
	"link":      "fil",

	"subscribe.on":         "Vous recevrez chaque semaine un récap personnel avec les nouvelles réponses sur les sujets où vous avez posé une question ou répondu. `/nextdesk digest off` l'arrête.",
	"subscribe.off":        "Vous ne recevrez plus le récap personnel de la semaine. `/nextdesk digest on` le relance.",
	"subscribe.usage":      "`/nextdesk digest on` pour recevoir un récap personnel chaque semaine, `/nextdesk digest off` pour l'arrêter.",
	"subscribe.status_on":  "Vous recevez le récap personnel de la semaine. `/nextdesk digest off` l'arrête.",
	"subscribe.status_off": "Vous ne recevez pas le récap personnel de la semaine. `/nextdesk digest on` le lance.",

	"subscribe.unavailable": "Le récap personnel n'est pas disponible sur ce nextdesk.",

	"duration.under_minute":  "moins d'une minute",
	"duration.minutes":       "%d min",
	"duration.hours":         "%d h",
	"duration.hours_minutes": "%d h %02d",
	"duration.days.one":      "%d jour",
	"duration.days.other":    "%d jours",
}
