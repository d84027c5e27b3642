package slackexport

import (
	"regexp"
	"slices"
)

var mentionRE = regexp.MustCompile(`<@([UW][A-Z0-9]+)(?:\|[^>]*)?>`)

// mentions returns the user ids that raw Slack text mentions, once each.
func mentions(raw string) []string {
	var ids []string
	for _, m := range mentionRE.FindAllStringSubmatch(raw, -1) {
		if !slices.Contains(ids, m[1]) {
			ids = append(ids, m[1])
		}
	}
	return ids
}
