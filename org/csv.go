package org

import (
	"bufio"
	"bytes"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"maps"
	"slices"
	"strings"
)

// Row is one reporting line as the CSV file gives it: a person and their
// manager, each a Slack user id or an e-mail address. Manager is empty for
// a person at the top.
type Row struct {
	Line    int // line number in the file, from 1
	Person  string
	Manager string
}

// Problem is something wrong with one line of an org chart file, or with
// the chart as a whole (Line 0). It is reported, not fatal: one bad line
// should not cost the rest of the chart.
type Problem struct {
	Line    int
	Message string
}

// String renders the problem for an import report.
func (p Problem) String() string {
	if p.Line == 0 {
		return p.Message
	}
	return fmt.Sprintf("line %d: %s", p.Line, p.Message)
}

// maxFile bounds an org chart file: 50,000 people take about 3 MB.
const maxFile = 64 << 20

// ParseCSV reads an org chart: one line per person, the person in the
// first column and their manager in the second, each a Slack user id
// (U…/W…) or an e-mail address. Further columns are ignored. The header
// line is optional: a first line naming neither an id nor an address is
// taken for one. Commas or semicolons (as spreadsheets write in French
// locales) separate the columns; a byte-order mark is skipped.
//
// Lines that cannot be used (one column, no person, a person listed
// twice) are returned as problems; the later of two lines for one person
// wins. ParseCSV returns an error only when the file cannot be read as
// CSV at all (a broken quote: the error names its line and column) or is
// larger than 64 MiB.
func ParseCSV(r io.Reader) ([]Row, []Problem, error) {
	data, err := io.ReadAll(io.LimitReader(r, maxFile+1))
	if err != nil {
		return nil, nil, fmt.Errorf("read org chart: %w", err)
	}
	if len(data) > maxFile {
		return nil, nil, fmt.Errorf("read org chart: the file is larger than %d MiB", maxFile>>20)
	}
	data = bytes.TrimPrefix(data, []byte("\uFEFF"))
	cr := csv.NewReader(bytes.NewReader(data))
	cr.Comma = delimiter(data)
	cr.FieldsPerRecord = -1
	cr.TrimLeadingSpace = true
	cr.ReuseRecord = true

	var (
		rows     []Row
		problems []Problem
		at       = make(map[string]int) // person → index in rows
	)
	for first := true; ; first = false {
		rec, err := cr.Read()
		if errors.Is(err, io.EOF) {
			break
		}
		var perr *csv.ParseError
		if errors.As(err, &perr) {
			// A broken quote leaves the rest of the file unreadable: the
			// reader cannot tell where the field ends. FieldPos is only
			// valid after a record was read, so the line comes from the
			// error.
			where := fmt.Sprintf("line %d, column %d", perr.Line, perr.Column)
			if perr.StartLine != perr.Line {
				where = fmt.Sprintf("line %d (a quote opened there is still open at line %d, column %d)", perr.StartLine, perr.Line, perr.Column)
			}
			return nil, nil, fmt.Errorf("read org chart: %s: %v; a value holding a quote must be quoted, its quotes doubled: \"a \"\"b\"\" c\"", where, perr.Err)
		}
		if err != nil {
			return nil, nil, fmt.Errorf("read org chart: %w", err)
		}
		line, _ := cr.FieldPos(0)
		for i := range rec {
			rec[i] = strings.TrimSpace(rec[i])
		}
		if len(rec) == 0 || (len(rec) == 1 && rec[0] == "") {
			continue
		}
		if first && !looksLikeKey(rec[0]) && (len(rec) < 2 || !looksLikeKey(rec[1])) {
			continue // a header
		}
		if len(rec) < 2 {
			problems = append(problems, Problem{line, fmt.Sprintf("one column (%q): want a person and their manager", rec[0])})
			continue
		}
		row := Row{Line: line, Person: rec[0], Manager: rec[1]}
		if row.Person == "" {
			problems = append(problems, Problem{line, "no person in the first column"})
			continue
		}
		key := normalise(row.Person)
		if i, dup := at[key]; dup {
			problems = append(problems, Problem{line, fmt.Sprintf("%s is listed again (first on line %d); this line wins", row.Person, rows[i].Line)})
			rows[i] = row
			continue
		}
		at[key] = len(rows)
		rows = append(rows, row)
	}
	return rows, problems, nil
}

// delimiter guesses the column separator from the first line: a semicolon
// when it has semicolons and no comma.
func delimiter(data []byte) rune {
	sc := bufio.NewScanner(bytes.NewReader(data))
	sc.Buffer(make([]byte, 0, 4096), maxFile)
	if sc.Scan() {
		line := sc.Text()
		if strings.Contains(line, ";") && !strings.Contains(line, ",") {
			return ';'
		}
	}
	return ','
}

// looksLikeKey reports whether s names a person the way the file must: an
// e-mail address or a Slack user id.
func looksLikeKey(s string) bool {
	return strings.Contains(s, "@") || slackID(s)
}

// slackID reports whether s has the form of a Slack user id: U or W, then
// upper-case letters and digits.
func slackID(s string) bool {
	if len(s) < 2 || (s[0] != 'U' && s[0] != 'W') {
		return false
	}
	for _, r := range s[1:] {
		if (r < 'A' || r > 'Z') && (r < '0' || r > '9') {
			return false
		}
	}
	return true
}

// normalise is how a value of the file is compared: e-mail addresses
// without regard to case, ids as they are.
func normalise(s string) string {
	if strings.Contains(s, "@") {
		return strings.ToLower(strings.TrimSpace(s))
	}
	return strings.TrimSpace(s)
}

// Keys returns every distinct person and manager the rows name, normalised
// (e-mail addresses in lower case), sorted: what the caller must look up
// among known people before calling Resolve.
func Keys(rows []Row) []string {
	set := make(map[string]bool, 2*len(rows))
	for _, r := range rows {
		set[normalise(r.Person)] = true
		if r.Manager != "" {
			set[normalise(r.Manager)] = true
		}
	}
	return slices.Sorted(maps.Keys(set))
}

// Resolve turns rows into reporting lines between person ids. known maps
// the normalised values of the file (see Keys) that name a known person to
// that person's id: an id the store knows, or an address matching a
// person's e-mail.
//
// A value that names nobody known is reported once, and kept as it is
// written (an address in lower case) rather than dropped: a manager who is
// not on Slack still links the people who report to them, and a person
// who joins later keeps their place. A person with an empty manager is at
// the top and adds no line.
func Resolve(rows []Row, known map[string]string) (managers map[string]string, problems []Problem) {
	managers = make(map[string]string, len(rows))
	reported := make(map[string]bool)
	resolve := func(line int, value, role string) string {
		key := normalise(value)
		if id, ok := known[key]; ok && id != "" {
			return id
		}
		if !reported[key] {
			reported[key] = true
			what := "Slack id"
			if strings.Contains(key, "@") {
				what = "e-mail"
			}
			problems = append(problems, Problem{line, fmt.Sprintf("unknown %s %s: nobody known has this %s (kept, so the people around them stay linked)", role, value, what)})
		}
		return key
	}
	lineOf := make(map[string]int, len(rows))
	for _, r := range rows {
		person := resolve(r.Line, r.Person, "person")
		if first, dup := lineOf[person]; dup {
			problems = append(problems, Problem{r.Line, fmt.Sprintf("%s is the same person as on line %d; this line wins", r.Person, first)})
		}
		lineOf[person] = r.Line
		if r.Manager == "" {
			delete(managers, person)
			continue
		}
		managers[person] = resolve(r.Line, r.Manager, "manager")
	}
	return managers, problems
}
