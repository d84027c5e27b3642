package main

import (
	"context"
	"fmt"
	"os"

	"github.com/nextdesk/nextdesk/knowledge/sqlite"
	"github.com/nextdesk/nextdesk/org"
)

// maxProblemLines bounds the problems an org import prints: a file of the
// wrong shape would otherwise print one line per person.
const maxProblemLines = 30

// importOrg is `nextdesk import org FILE.csv`: it replaces the org chart
// with the file's reporting lines (a person's Slack id or e-mail, their
// manager's), resolving e-mails through people's addresses. Unknown
// people, cycles and bad lines are reported, not fatal; a file with no
// usable line is refused and the current chart kept.
func (m *Main) importOrg(ctx context.Context, db *sqlite.DB, path, channels string) error {
	if channels != "" {
		return usagef("import: --channels applies to slack-export only")
	}
	f, err := os.Open(path)
	if err != nil {
		return usagef("import org: %v", err)
	}
	defer f.Close()
	rows, problems, err := org.ParseCSV(f)
	if err != nil {
		return usagef("import org: %s: %v", path, err)
	}
	if len(rows) == 0 {
		return usagef("import org: %s has no reporting lines (want: person, manager; each a Slack id or an e-mail); the current org chart is kept", path)
	}
	known, err := db.ResolvePeople(ctx, org.Keys(rows))
	if err != nil {
		return err
	}
	managers, unknown := org.Resolve(rows, known)
	problems = append(problems, unknown...)
	chart, cycles := org.New(managers)
	for _, c := range cycles {
		problems = append(problems, org.Problem{Message: "cycle: " + c.String()})
	}
	if err := db.ReplaceOrgChart(ctx, chart.Managers()); err != nil {
		return err
	}
	fmt.Fprintf(m.Stdout, "%s: %d reporting lines imported (the previous org chart is replaced)", path, chart.Len())
	if len(problems) > 0 {
		fmt.Fprintf(m.Stdout, "; %d problems:", len(problems))
	}
	fmt.Fprintln(m.Stdout)
	for i, p := range problems {
		if i == maxProblemLines {
			fmt.Fprintf(m.Stdout, "  … and %d more\n", len(problems)-i)
			break
		}
		fmt.Fprintf(m.Stdout, "  %s\n", p)
	}
	return nil
}
