package main

import (
	"context"
	"fmt"
	"os"
	"slices"
	"strings"

	"github.com/nextdesk/nextdesk/bot"
	"github.com/nextdesk/nextdesk/importer/teams"
	"github.com/nextdesk/nextdesk/knowledge"
	"github.com/nextdesk/nextdesk/knowledge/sqlite"
)

// importTeams is `nextdesk import teams FILE.yaml`: it replaces the teams,
// their members, topics, hours and promises with the file's (format in
// docs/teams.md). Members given as user groups are read from Slack
// (SLACK_BOT_TOKEN), and Slack ids the store does not know are checked
// there; without a token, user groups are reported and left out. Unknown
// people and bad lines are reported, not fatal; a file with no usable
// team is refused and the current teams kept.
func (m *Main) importTeams(ctx context.Context, path, channels string) error {
	if channels != "" {
		return usagef("import: --channels applies to slack-export only")
	}
	cfg, err := m.config()
	if err != nil {
		return err
	}
	dcfg, err := m.digestConfig()
	if err != nil {
		return err
	}
	f, err := os.Open(path)
	if err != nil {
		return usagef("import teams: %v", err)
	}
	defer f.Close()
	specs, problems, err := teams.Parse(f, dcfg.Location)
	if err != nil {
		return usagef("import teams: %s: %v", path, err)
	}
	if len(specs) == 0 {
		return usagef("import teams: %s has no usable team (see docs/teams.md); the current teams are kept%s", path, problemList(problems))
	}
	var slackDir teams.Slack
	s, err := parseSettings[postSettings](m)
	if err != nil {
		return err
	}
	if s.BotToken != "" {
		api, err := m.slackForPost()
		if err != nil {
			return err
		}
		slackDir = bot.NewDirectory(api)
	}
	// The store alone: the teams need no search index, and the index
	// cannot be opened while a server runs.
	db, err := sqlite.Open(storePath(cfg.DataDir))
	if err != nil {
		return err
	}
	defer db.Close()
	resolved, unknown, err := teams.Resolve(ctx, specs, db, slackDir)
	if err != nil {
		return err
	}
	problems = append(problems, unknown...)
	if err := db.ReplaceTeams(ctx, resolved); err != nil {
		return err
	}
	fmt.Fprintf(m.Stdout, "%s: %s imported (the previous teams are replaced)\n", path, plural(len(resolved), "team", "teams"))
	for _, t := range resolved {
		fmt.Fprintf(m.Stdout, "  %s: %s, %s, %s%s\n", t.Name,
			plural(len(t.Members), "member", "members"), plural(len(t.Topics), "topic", "topics"),
			plural(len(t.Promises), "promise", "promises"), channelNote(t))
	}
	if slackDir == nil {
		fmt.Fprintln(m.Stdout, "  (SLACK_BOT_TOKEN is not set: Slack ids were not checked and user groups not read)")
	}
	fmt.Fprint(m.Stdout, problemList(problems))
	return nil
}

func channelNote(t knowledge.Team) string {
	if t.Channel == "" {
		return ", no channel"
	}
	return ", channel " + t.Channel
}

func plural(n int, one, other string) string {
	if n == 1 {
		return "1 " + one
	}
	return fmt.Sprintf("%d %s", n, other)
}

// problemList renders an import's problems, at most maxProblemLines of
// them, on lines of their own after a count, in the order of their lines
// (those of the file and those of its members together); "" for none.
func problemList(problems []teams.Problem) string {
	if len(problems) == 0 {
		return ""
	}
	problems = slices.Clone(problems)
	slices.SortStableFunc(problems, func(a, b teams.Problem) int { return a.Line - b.Line })
	var b strings.Builder
	fmt.Fprintf(&b, "\n%s:\n", plural(len(problems), "problem", "problems"))
	for i, p := range problems {
		if i == maxProblemLines {
			fmt.Fprintf(&b, "  … and %d more\n", len(problems)-i)
			break
		}
		fmt.Fprintf(&b, "  %s\n", p)
	}
	return b.String()
}
