package org_test

import (
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/nextdesk/nextdesk/org"
)

// smallChart is a company of two departments under a CEO, plus a separate
// team whose head reports to nobody in the file, a manager ("ghost@corp")
// who is on no Slack, and a cycle between two people.
//
//	ceo
//	├── eng ─┬── alice
//	│        ├── bob
//	│        └── lead ── carol
//	└── ops ──── dave
//	head ── erin                 (a second tree)
//	ghost@corp ─┬── frank        (unknown manager, still a link)
//	            └── grace
//	x ⇄ y                       (a cycle: x's manager is dropped)
var smallChart = map[string]string{
	"eng": "ceo", "ops": "ceo",
	"alice": "eng", "bob": "eng", "lead": "eng", "carol": "lead",
	"dave":  "ops",
	"erin":  "head",
	"frank": "ghost@corp", "grace": "ghost@corp",
	"x": "y", "y": "x",
}

func TestHops(t *testing.T) {
	chart, cycles := org.New(smallChart)
	if diff := cmp.Diff(cycles, []org.Cycle{{People: []string{"x", "y"}, Broken: "x"}}); diff != "" {
		t.Errorf("cycles (-got +want):\n%s", diff)
	}
	for _, c := range []struct {
		asker, answerer string
		want            int
		ok              bool
	}{
		{"alice", "bob", 2, true},               // same manager
		{"bob", "alice", 2, true},               // symmetric
		{"alice", "eng", 1, true},               // the answerer is the asker's manager
		{"eng", "alice", 1, true},               // and the other way
		{"alice", "ceo", 2, true},               // skip-level
		{"alice", "carol", 3, true},             // alice → eng → lead → carol
		{"alice", "dave", 4, true},              // alice → eng → ceo → ops → dave
		{"carol", "dave", 5, true},              // one more level on one side
		{"alice", "alice", 0, true},             // asking oneself
		{"frank", "grace", 2, true},             // an unknown manager still links them
		{"alice", "erin", 2 + 1 + 1, true},      // separate trees: up to each top, plus the crossing
		{"head", "ceo", 0 + 0 + 1, true},        // two tops
		{"x", "y", 1, true},                     // the broken cycle leaves y → x
		{"alice", "nobody", 0, false},           // not in the chart
		{"nobody", "alice", 0, false},           // not in the chart
		{"", "", 0, false},                      // no one
		{"ghost@corp", "frank", 1, true},        // the unknown manager is a person of the chart
		{"dave", "ghost@corp", 2 + 1 + 0, true}, // dave → ops → ceo, across, ghost
	} {
		got, ok := chart.Hops(c.asker, c.answerer)
		if got != c.want || ok != c.ok {
			t.Errorf("Hops(%q, %q) = %d, %v; want %d, %v", c.asker, c.answerer, got, ok, c.want, c.ok)
		}
	}
}

func TestNewBreaksEveryCycle(t *testing.T) {
	for _, c := range []struct {
		name     string
		managers map[string]string
		want     []org.Cycle
		left     map[string]string
	}{
		{"none", map[string]string{"a": "b"}, nil, map[string]string{"a": "b"}},
		{"self", map[string]string{"a": "a", "b": "a"}, []org.Cycle{{People: []string{"a"}, Broken: "a"}}, map[string]string{"b": "a"}},
		{
			"three, with a tail",
			map[string]string{"t": "c", "c": "a", "a": "b", "b": "c"},
			[]org.Cycle{{People: []string{"a", "b", "c"}, Broken: "a"}},
			map[string]string{"t": "c", "c": "a", "b": "c"},
		},
		{
			"two separate",
			map[string]string{"a": "b", "b": "a", "p": "q", "q": "p"},
			[]org.Cycle{{People: []string{"a", "b"}, Broken: "a"}, {People: []string{"p", "q"}, Broken: "p"}},
			map[string]string{"b": "a", "q": "p"},
		},
		{"empty ids", map[string]string{"": "a", "b": ""}, nil, map[string]string{}},
	} {
		chart, cycles := org.New(c.managers)
		if diff := cmp.Diff(cycles, c.want); diff != "" {
			t.Errorf("%s: cycles (-got +want):\n%s", c.name, diff)
		}
		if diff := cmp.Diff(chart.Managers(), c.left); diff != "" {
			t.Errorf("%s: managers left (-got +want):\n%s", c.name, diff)
		}
	}
}

func TestCycleString(t *testing.T) {
	got := org.Cycle{People: []string{"a", "b"}, Broken: "a"}.String()
	if want := "a → b → a; a's manager is ignored"; got != want {
		t.Errorf("String() = %q, want %q", got, want)
	}
}

func TestParseCSV(t *testing.T) {
	for _, c := range []struct {
		name     string
		in       string
		rows     []org.Row
		problems []string
	}{
		{
			"header and ids",
			"person,manager\nU1,U2\nU2,\n",
			[]org.Row{{Line: 2, Person: "U1", Manager: "U2"}, {Line: 3, Person: "U2"}},
			nil,
		},
		{
			"no header, e-mails, spaces, extra column",
			"alice@corp.fr , Boss@Corp.fr, Paris\nboss@corp.fr,\n",
			[]org.Row{{Line: 1, Person: "alice@corp.fr", Manager: "Boss@Corp.fr"}, {Line: 2, Person: "boss@corp.fr"}},
			nil,
		},
		{
			"semicolons and a byte-order mark",
			"\uFEFFcollaborateur;responsable\nU1;U2\n",
			[]org.Row{{Line: 2, Person: "U1", Manager: "U2"}},
			nil,
		},
		{
			"bad lines reported",
			"U1,U2\nU3\n\n,U4\nU1,U5\n",
			[]org.Row{{Line: 5, Person: "U1", Manager: "U5"}},
			[]string{
				`line 2: one column ("U3"): want a person and their manager`,
				"line 4: no person in the first column",
				"line 5: U1 is listed again (first on line 1); this line wins",
			},
		},
		{"empty", "", nil, nil},
	} {
		rows, problems, err := org.ParseCSV(strings.NewReader(c.in))
		if err != nil {
			t.Errorf("%s: %v", c.name, err)
			continue
		}
		if diff := cmp.Diff(rows, c.rows); diff != "" {
			t.Errorf("%s: rows (-got +want):\n%s", c.name, diff)
		}
		if diff := cmp.Diff(strs(problems), c.problems); diff != "" {
			t.Errorf("%s: problems (-got +want):\n%s", c.name, diff)
		}
	}
}

func TestParseCSVRefusesBrokenQuotes(t *testing.T) {
	_, _, err := org.ParseCSV(strings.NewReader("U1,\"U2\nU3,U4\n"))
	if err == nil || !strings.Contains(err.Error(), "read org chart") {
		t.Errorf("ParseCSV of a broken quote: err = %v, want a read error", err)
	}
}

func TestResolve(t *testing.T) {
	rows := []org.Row{
		{Line: 1, Person: "alice@corp.fr", Manager: "Boss@Corp.fr"},
		{Line: 2, Person: "U2", Manager: "boss@corp.fr"},
		{Line: 3, Person: "boss@corp.fr", Manager: "vp@corp.fr"},
		{Line: 4, Person: "U9", Manager: "U2"},
		{Line: 5, Person: "UA", Manager: ""},
	}
	if diff := cmp.Diff(org.Keys(rows), []string{"U2", "U9", "UA", "alice@corp.fr", "boss@corp.fr", "vp@corp.fr"}); diff != "" {
		t.Errorf("Keys (-got +want):\n%s", diff)
	}
	known := map[string]string{"alice@corp.fr": "U1", "U2": "U2", "boss@corp.fr": "UB", "UA": "UA"}
	managers, problems := org.Resolve(rows, known)
	want := map[string]string{"U1": "UB", "U2": "UB", "UB": "vp@corp.fr", "U9": "U2"}
	if diff := cmp.Diff(managers, want); diff != "" {
		t.Errorf("managers (-got +want):\n%s", diff)
	}
	wantProblems := []string{
		"line 3: unknown manager vp@corp.fr: nobody known has this e-mail (kept, so the people around them stay linked)",
		"line 4: unknown person U9: nobody known has this Slack id (kept, so the people around them stay linked)",
	}
	if diff := cmp.Diff(strs(problems), wantProblems); diff != "" {
		t.Errorf("problems (-got +want):\n%s", diff)
	}
}

func strs(ps []org.Problem) []string {
	var out []string
	for _, p := range ps {
		out = append(out, p.String())
	}
	return out
}
