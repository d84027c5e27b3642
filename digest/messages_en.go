package digest

// messagesEN is the English catalogue.
var messagesEN = map[string]string{
	"digest.header":          "Weekly digest · %s",
	"digest.summary":         "Weekly digest, %s: %d asked, %d answered.",
	"digest.context":         "Week %s · questions from public channels only",
	"digest.context_private": "Week %s",
	"digest.empty":           "Weekly digest, %s: no question was asked this week.",

	"figures.title":             "*Figures*",
	"figures.asked.one":         "*%d* question asked",
	"figures.asked.other":       "*%d* questions asked",
	"figures.answered":          "*%d* answered",
	"figures.median":            "median time to answer *%s*",
	"figures.instant.one":       "*%d* instant answer reused",
	"figures.instant.other":     "*%d* instant answers reused",
	"figures.straight.one":      "*%d* went straight to an expert",
	"figures.straight.other":    "*%d* went straight to an expert",
	"figures.escalations.one":   "*%d* escalation",
	"figures.escalations.other": "*%d* escalations",
	"handoffs.one":              "%d question went straight to the person who knew, saving %d hand-offs between managers.",
	"handoffs.other":            "%d questions went straight to the person who knew, saving %d hand-offs between managers.",
	"handoffs.me.one":           "You answered %d question directly, saving %d hand-offs between managers.",
	"handoffs.me.other":         "You answered %d questions directly, saving %d hand-offs between managers.",

	"knowledge.title":        "*New knowledge*",
	"knowledge.accepted":     "accepted",
	"knowledge.thanks.one":   "%d thanks",
	"knowledge.thanks.other": "%d thanks",
	"knowledge.reused.one":   "reused %d time",
	"knowledge.reused.other": "reused %d times",
	"knowledge.by":           "answered by %s",
	"more.one":               "+%d more",
	"more.other":             "+%d more",

	"unanswered.title":    "*Still unanswered*: can you help?",
	"unanswered.none":     "*Still unanswered*: none, every question got an answer.",
	"unanswered.asked":    "asked by %s, %s",
	"unanswered.fallback": "nobody the bot asked could answer",

	"topics.title":       "*Topics nobody covers*",
	"topics.none":        "*Topics nobody covers*: none this week.",
	"topics.item.one":    "%[2]s (%[1]d question)",
	"topics.item.other":  "%[2]s (%[1]d questions)",
	"topics.rising":      "*Rising:* %s",
	"topics.rising_item": "%s (%d this week, %s a week before)",

	"thanks.title":           "*Thanks* to the people who answered",
	"thanks.item.one":        "%[2]s: %[1]d answer, first reply in %[3]s (median)",
	"thanks.item.other":      "%[2]s: %[1]d answers, first reply in %[3]s (median)",
	"thanks.item_bare.one":   "%[2]s: %[1]d answer",
	"thanks.item_bare.other": "%[2]s: %[1]d answers",

	"personal.header":  "Your weekly digest · %s",
	"personal.empty":   "Your weekly digest, %s: no new answer in your topics this week.",
	"personal.intro":   "New answers this week in the topics you asked about or answered:",
	"personal.summary": "Your weekly digest, %s: %d new answers in your topics.",

	"truncated": "The digest is longer than Slack allows; the rest is left out.",
	"link":      "thread",

	"subscribe.on":         "You'll get a personal digest every week with the new answers in the topics you asked about or answered. `/nextdesk digest off` stops it.",
	"subscribe.off":        "You won't get the personal weekly digest any more. `/nextdesk digest on` starts it again.",
	"subscribe.usage":      "Use `/nextdesk digest on` to get a personal weekly digest, or `/nextdesk digest off` to stop it.",
	"subscribe.status_on":  "You get the personal weekly digest. `/nextdesk digest off` stops it.",
	"subscribe.status_off": "You don't get the personal weekly digest. `/nextdesk digest on` starts it.",

	"subscribe.unavailable": "The personal digest is not available on this nextdesk.",

	"duration.under_minute":  "under a minute",
	"duration.minutes":       "%d min",
	"duration.hours":         "%d h",
	"duration.hours_minutes": "%d h %d min",
	"duration.days.one":      "%d day",
	"duration.days.other":    "%d days",
}
