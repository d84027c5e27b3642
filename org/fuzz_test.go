package org_test

import (
	"strings"
	"testing"

	"github.com/nextdesk/nextdesk/org"
)

// TestParseCSVNamesTheBrokenLine: a stray quote after good lines (which
// once panicked: FieldPos was called after Read failed) is refused with
// the line to fix.
func TestParseCSVNamesTheBrokenLine(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{"person,manager\nU1,U2\nU3\",U4\n", "line 3, column 3"},
		{"U1,U2\n\"U3,U4\nU5,U6\n", "line 2"},
		{"U1;U2\nU3;U\"4\n", "line 2, column 5"},
	} {
		_, _, err := org.ParseCSV(strings.NewReader(tc.in))
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("ParseCSV(%q): err = %v, want one naming %s", tc.in, err, tc.want)
		}
	}
}

// FuzzParseCSV feeds org chart files to the whole import path: parsing,
// resolving and building the chart must never panic, and what they return
// must hold together. Seeds under testdata/fuzz/FuzzParseCSV include the
// stray quote that crashed `nextdesk import org`.
func FuzzParseCSV(f *testing.F) {
	for _, seed := range []string{
		"person,manager\nU1,U2\nU2,\n",
		"\uFEFFpersonne;responsable\nalice@corp.fr;boss@corp.fr\n",
		"U1,U2\nU2,U1\nU3,U3\n",
		"U1,U2,extra\n,U3\nU4\n",
	} {
		f.Add([]byte(seed))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		rows, problems, err := org.ParseCSV(strings.NewReader(string(data)))
		if err != nil {
			if rows != nil || problems != nil {
				t.Fatalf("error %v with rows or problems", err)
			}
			return
		}
		known := map[string]string{}
		for _, r := range rows {
			if r.Line < 1 || strings.TrimSpace(r.Person) == "" {
				t.Fatalf("row %+v: no line or no person", r)
			}
			known[strings.ToLower(r.Person)] = r.Person
		}
		managers, _ := org.Resolve(rows, known)
		chart, _ := org.New(managers)
		for person := range chart.Managers() {
			// Every chain ends: New broke every cycle.
			seen := map[string]bool{}
			for p, ok := person, true; ok; p, ok = chart.Manager(p) {
				if seen[p] {
					t.Fatalf("cycle left through %q", p)
				}
				seen[p] = true
			}
		}
	})
}
