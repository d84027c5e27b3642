package i18n

import "maps"

// The texts of teams and their promises: the review table and the digest's
// section. They stand in their own file while teams are wired in; they
// join the two catalogues above like any other text.
func init() {
	maps.Copy(messagesEN, teamsEN)
	maps.Copy(messagesFR, teamsFR)
}

var teamsEN = map[string]string{
	"review.header":           "Service promises between teams, %s",
	"review.context":          "For each pair of teams: what the requesting team asked, how fast the serving team answered (medians, in its working hours), and whether it kept its promise.",
	"review.empty":            "No team took a question from %s.",
	"review.pair":             "*%s → %s*",
	"review.pair_text":        "%s → %s",
	"review.no_team":          "people in no team",
	"review.anonymous":        "anonymous questions",
	"review.asked.one":        "%d question",
	"review.asked.other":      "%d questions",
	"review.first.one":        "first response in *%[2]s* (%[1]d question)",
	"review.first.other":      "first response in *%[2]s* (median of %[1]d)",
	"review.resolution.one":   "resolved in *%[2]s* (%[1]d question)",
	"review.resolution.other": "resolved in *%[2]s* (median of %[1]d)",
	"review.unanswered":       "no response yet",
	"review.kept.one":         "promise kept *%[2]s* of the time (%[3]d of %[1]d deadline)",
	"review.kept.other":       "promise kept *%[2]s* of the time (%[3]d of %[1]d deadlines)",
	"review.breaches.one":     "%d breach",
	"review.breaches.other":   "%d breaches",
	"review.pending.one":      "%d deadline still running",
	"review.pending.other":    "%d deadlines still running",
	"review.no_promise":       "nothing promised",
	"digest.teams.title":      "*Service promises this week*",
	"digest.teams.item":       "• *%s*: %s",
	"digest.teams.suggest":    "closest: %s",
}

var teamsFR = map[string]string{
	"review.header":           "Engagements de service entre équipes, %s",
	"review.context":          "Pour chaque paire d'équipes : ce que l'équipe demandeuse a demandé, la rapidité de l'équipe qui répond (médianes, en heures ouvrées) et si elle a tenu son engagement.",
	"review.empty":            "Aucune équipe n'a pris de question depuis le %s.",
	"review.pair":             "*%s → %s*",
	"review.pair_text":        "%s → %s",
	"review.no_team":          "personnes hors équipe",
	"review.anonymous":        "questions anonymes",
	"review.asked.one":        "%d question",
	"review.asked.other":      "%d questions",
	"review.first.one":        "première réponse en *%[2]s* (%[1]d question)",
	"review.first.other":      "première réponse en *%[2]s* (médiane sur %[1]d)",
	"review.resolution.one":   "résolu en *%[2]s* (%[1]d question)",
	"review.resolution.other": "résolu en *%[2]s* (médiane sur %[1]d)",
	"review.unanswered":       "pas encore de réponse",
	"review.kept.one":         "engagement tenu *%[2]s* du temps (%[3]d sur %[1]d échéance)",
	"review.kept.other":       "engagement tenu *%[2]s* du temps (%[3]d sur %[1]d échéances)",
	"review.breaches.one":     "%d manquement",
	"review.breaches.other":   "%d manquements",
	"review.pending.one":      "%d échéance en cours",
	"review.pending.other":    "%d échéances en cours",
	"review.no_promise":       "aucun engagement",
	"digest.teams.title":      "*Engagements de service de la semaine*",
	"digest.teams.item":       "• *%s* : %s",
	"digest.teams.suggest":    "le plus proche : %s",
}
