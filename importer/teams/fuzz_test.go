package teams

import (
	"bytes"
	"math"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/nextdesk/nextdesk/internal/badinput"
)

// FuzzParse reads any bytes as a teams file: Parse refuses it with an
// error, or keeps what it can use and reports the rest as problems, each
// on a line of the file; what it keeps holds together (named teams, once
// each, whose promises are on their own topics, to teams of the file, for
// a positive working time, and whose hours are a working week).
func FuzzParse(f *testing.F) {
	f.Add([]byte(docsExample(f)))
	for _, seed := range []string{
		"teams: [",
		"teams:\n  - name: IT\n    members: [U1]\n    topics: [{name: a, words: [b]}]\n",
		"teams: &a [*a]\n",
		"x: &x {a: *x}\nteams: [{name: *x}]\n",
		"defaults: &d {zone: UTC}\nteams:\n  - <<: *d\n    name: IT\n",
		"---\n---\nteams: []\n",
		"\ufeffteams:\n\t- name: tab\n",
		"teams:\r  - name: IT\r    members: [U1]\r\n    zone: \u2028UTC\n  -\r0:",
		"teams:\n  - name: !!binary aGVsbG8=\n    members: !!int 12\n    ? [complex, key]\n    : value\n",
		"teams:\n  - {name: IT, name: it, members: [U1, U1, '', ~], topics: [{name: x, words: x}]}\n",
		"teams:\n  - name: IT\n    members: [U1]\n    topics: [{name: a, words: [b]}]\n    promises:\n      - {topic: A, first_response: 100000d100000d, resolution: 99999h99999h}\n      - {for: it, first_response: '1h30m2', resolution: 0h}\n",
		"teams:\n  - name: IT\n    members: [U1]\n    hours: {mon-sun: 00:00-24:00, 'lun.-dim.': [0h-24h], sun-sat: closed}\n    holidays: [2026-02-29, 9999-12-31, 0000-01-01]\n    zone: ../../etc/passwd\n",
		"defaults:\n  hours: {mon-fri: 18:00-09:00}\nteams:\n  - name: IT\n    hours: {fri-mon: '+9:00--1:00'}\n",
	} {
		f.Add([]byte(seed))
	}
	for _, s := range badinput.Texts() {
		f.Add([]byte(s))
		f.Add([]byte("teams:\n  - name: " + strconv.Quote(s) + "\n    members: [" + strconv.Quote(s) + "]\n    topics: [{name: t, words: [" + strconv.Quote(s) + "]}]\n"))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		specs, problems, err := Parse(bytes.NewReader(data), time.UTC)
		if err != nil {
			if specs != nil || problems != nil || err.Error() == "" {
				t.Fatalf("error %v with teams or problems", err)
			}
			return
		}
		// YAML breaks lines at \r too, and at NEL, LS and PS: at most this
		// many lines.
		lines := 1
		for _, b := range []string{"\n", "\r", "\u0085", "\u2028", "\u2029"} {
			lines += bytes.Count(data, []byte(b))
		}
		for i, p := range problems {
			if p.Line < 0 || p.Line > lines || p.Message == "" {
				t.Fatalf("problem %+v, in a file of %d lines", p, lines)
			}
			if i > 0 && p.Line < problems[i-1].Line {
				t.Fatalf("problems not in the order of their lines: %v", problems)
			}
		}
		names := make(map[string]bool)
		for _, s := range specs {
			names[strings.ToLower(s.Team.Name)] = true
		}
		if len(names) != len(specs) {
			t.Fatalf("a team is kept twice: %+v", specs)
		}
		for _, s := range specs {
			team := s.Team
			if team.Name == "" || utf8.RuneCountInString(team.Name) > MaxName || s.Line < 1 || s.Line > lines {
				t.Fatalf("team %q on line %d of %d", team.Name, s.Line, lines)
			}
			for _, m := range s.Members {
				if m.Ref == "" || m.Line < 1 || m.Line > lines {
					t.Fatalf("team %s: member %+v", team.Name, m)
				}
			}
			topics := make(map[string]bool)
			for _, tp := range team.Topics {
				if tp.Name == "" || utf8.RuneCountInString(tp.Name) > MaxName || topics[strings.ToLower(tp.Name)] || len(tp.Words)+len(tp.Examples) == 0 {
					t.Fatalf("team %s: topic %+v", team.Name, tp)
				}
				topics[strings.ToLower(tp.Name)] = true
			}
			for _, p := range team.Promises {
				if p.Empty() || p.FirstResponse < 0 || p.Resolution < 0 ||
					p.Topic != "" && !topics[strings.ToLower(p.Topic)] || p.From != "" && !names[strings.ToLower(p.From)] {
					t.Fatalf("team %s: promise %+v", team.Name, p)
				}
			}
			if day := team.Hours.Day(); team.Hours.Zone() == nil || day <= 0 || day > 24*time.Hour {
				t.Fatalf("team %s: hours in %v, a working day of %v", team.Name, team.Hours.Zone(), day)
			}
		}
	})
}

// workTime is one number and unit of a working time.
var workTime = regexp.MustCompile(`([0-9]+)([mhdj]?)`)

// FuzzParseWorkDuration reads any promised working time: one that cannot
// be read, or is not positive, is refused; one that is read is exactly
// the sum of its parts, whatever their size (no sum wraps around).
func FuzzParseWorkDuration(f *testing.F) {
	for _, s := range []string{"4h", "30m", "1h30", "1h30m", "2d", "2j", "1d4h", " 4 h ", "0h", "h", "1x", "1h30m2",
		"100000d", "100000d100000d", "100000d100000d100000d100000d100000d100000d", "99999h99999h99999h", "١h", "4H"} {
		f.Add(s, uint16(9*60))
	}
	for _, s := range badinput.Texts() {
		f.Add(s, uint16(24*60))
	}
	f.Fuzz(func(t *testing.T, s string, dayMinutes uint16) {
		day := time.Duration(dayMinutes%(24*60)+1) * time.Minute
		got, err := parseWorkDuration(s, day)
		if err != nil {
			if got != 0 || !strings.Contains(err.Error(), "is not a working time") {
				t.Fatalf("parseWorkDuration(%q) = %v, %v", s, got, err)
			}
			return
		}
		// What was read, summed without bounds.
		in := strings.ToLower(strings.ReplaceAll(strings.TrimSpace(s), " ", ""))
		var sum float64
		for _, m := range workTime.FindAllStringSubmatch(in, -1) {
			n, _ := strconv.ParseFloat(m[1], 64)
			unit := map[string]time.Duration{"m": time.Minute, "h": time.Hour, "d": day, "j": day, "": time.Minute}[m[2]]
			sum += n * float64(unit)
		}
		if got <= 0 || math.Abs(float64(got)-sum) > sum*1e-9 {
			t.Fatalf("parseWorkDuration(%q, day %v) = %v, want %v", s, day, got, time.Duration(sum))
		}
	})
}
