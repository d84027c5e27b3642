package teams

import (
	"context"
	"os"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/nextdesk/nextdesk/knowledge"
)

// docsExample is the full example of docs/teams.md: it must import as
// documented, with no problem.
func docsExample(t testing.TB) string {
	t.Helper()
	b, err := os.ReadFile("../../docs/teams.md")
	if err != nil {
		t.Fatal(err)
	}
	m := regexp.MustCompile("(?s)```yaml\n(.*?)```").FindSubmatch(b)
	if m == nil {
		t.Fatal("docs/teams.md has no yaml example")
	}
	return string(m[1])
}

func mustParse(t *testing.T, text string) ([]Spec, []Problem) {
	t.Helper()
	specs, problems, err := Parse(strings.NewReader(text), time.UTC)
	if err != nil {
		t.Fatalf("Parse: %v", err)
	}
	return specs, problems
}

func TestParseDocsExample(t *testing.T) {
	specs, problems := mustParse(t, docsExample(t))
	if len(problems) > 0 {
		t.Errorf("the documented example has problems: %v", problems)
	}
	if len(specs) != 3 {
		t.Fatalf("%d teams, want 3", len(specs))
	}
	compta, it, ventes := specs[0].Team, specs[1].Team, specs[2].Team
	if compta.Name != "Comptabilité" || compta.Channel != "#compta" || it.Channel != "C0IT00001" {
		t.Errorf("names and channels: %q %q, %q %q", compta.Name, compta.Channel, it.Name, it.Channel)
	}
	wantMembers := []Member{{Line: 12, Ref: "U0123ABCD"}, {Line: 13, Ref: "claire.martin@exemple.fr"}, {Line: 14, Ref: "@compta"}}
	if diff := cmp.Diff(specs[0].Members, wantMembers); diff != "" {
		t.Errorf("members as written (-got +want):\n%s", diff)
	}
	if !specs[0].Members[2].Group() || specs[0].Members[1].Group() || !specs[0].Members[1].Email() {
		t.Error("a member's kind is misread")
	}
	// Defaults: Paris, 09:00–12:30 and 14:00–18:00 on weekdays, a 7h30
	// working day, four holidays.
	if z := compta.Hours.Zone().String(); z != "Europe/Paris" {
		t.Errorf("Comptabilité's zone is %s", z)
	}
	if compta.Hours.Day() != 7*time.Hour+30*time.Minute || len(compta.Hours.Holidays()) != 4 {
		t.Errorf("Comptabilité's day %v, holidays %v", compta.Hours.Day(), compta.Hours.Holidays())
	}
	wantPromises := []knowledge.Promise{
		{Topic: "notes de frais", From: "Ventes", FirstResponse: 2 * time.Hour, Resolution: 7*time.Hour + 30*time.Minute},
		{Topic: "notes de frais", FirstResponse: 4 * time.Hour, Resolution: 15 * time.Hour},
		{FirstResponse: 7*time.Hour + 30*time.Minute},
	}
	if diff := cmp.Diff(compta.Promises, wantPromises); diff != "" {
		t.Errorf("Comptabilité's promises (-got +want):\n%s", diff)
	}
	week := it.Hours.Week()
	if diff := cmp.Diff(week[time.Friday], []knowledge.Span{{From: 480, To: 1020}}); diff != "" {
		t.Errorf("IT's Friday (-got +want):\n%s", diff)
	}
	if len(week[time.Saturday]) != 0 || len(week[time.Sunday]) != 0 || len(week[time.Monday]) != 1 {
		t.Errorf("IT's week: %v", week)
	}
	if len(compta.Topics) != 2 || compta.Topics[0].Words[2] != "expense report" || len(compta.Topics[0].Examples) != 2 {
		t.Errorf("Comptabilité's topics: %+v", compta.Topics)
	}
	if p := ventes.Promises; len(p) != 1 || p[0].From != "IT" || p[0].FirstResponse != 4*time.Hour {
		t.Errorf("Ventes' promises: %+v", p)
	}
	// The default hours apply to Ventes: weekdays, from the defaults.
	if ventes.Hours.Day() != 7*time.Hour+30*time.Minute {
		t.Errorf("Ventes' day is %v", ventes.Hours.Day())
	}
}

func TestParseReportsProblems(t *testing.T) {
	const file = `teams:
  - name: IT
    chanel: "#it"
    members: [U1, "not a person", bob@example.com]
    zone: Mars/Olympus
    hours:
      mon-fri: 9h-18h
      someday: 9h-12h
      sat: 25:00-26:00
    holidays: [2026-02-30]
    topics:
      - name: accounts
        words: [password]
      - name: empty
      - words: [orphan]
    promises:
      - topic: accounts
        first_response: soon
        resolution: 4h
      - topic: printers
        first_response: 1h
      - for: Legal
        first_response: 1h
      - resolution: 2h
  - name: it
    members: [U2]
    topics: [{name: x, words: [x]}]
  - name: HR
  - members: [U3]
`
	specs, problems := mustParse(t, file)
	var got []string
	for _, p := range problems {
		got = append(got, p.String())
	}
	want := []string{
		`line 2: team IT promises to "Legal", a team the file does not have; that promise is left out`,
		`line 3: unknown key "chanel" (want one of name, channel, members, zone, hours, holidays, topics, promises); ignored`,
		`line 5: "Mars/Olympus" is not an IANA time zone such as Europe/Paris; the default zone is used`,
		`line 8: hours of team IT: "someday" is not a day (mon, tue… or lun, mar…); line ignored`,
		`line 9: hours of team IT: "25:00" is not a time of day such as 09:00 or 9h30; line ignored`,
		`line 10: holidays of team IT: "2026-02-30" is not a date written 2026-12-25; ignored`,
		`line 14: topic "empty" has neither words nor examples: nothing could match it; left out`,
		`line 15: a topic without a name; left out`,
		`line 18: first_response: "soon" is not a working time such as 4h, 30m, 1h30 or 2d; this point of the promise is left out`,
		`line 20: a promise on topic "printers", which team IT does not have; left out`,
		`line 25: team "it" is named again (first on line 2); this one is left out`,
		`line 28: team HR has no members: nobody can be asked its questions`,
		`line 28: team HR has no topics: no question will be routed to it`,
		`line 29: a team without a name; left out`,
	}
	if diff := cmp.Diff(got, want); diff != "" {
		t.Errorf("problems (-got +want):\n%s", diff)
	}
	if len(specs) != 2 || specs[0].Team.Name != "IT" || specs[1].Team.Name != "HR" {
		t.Fatalf("teams kept: %+v", specs)
	}
	it := specs[0].Team
	wantPromises := []knowledge.Promise{{Topic: "accounts", Resolution: 4 * time.Hour}, {Resolution: 2 * time.Hour}}
	if diff := cmp.Diff(it.Promises, wantPromises); diff != "" {
		t.Errorf("IT's promises kept (-got +want):\n%s", diff)
	}
	if it.Hours.Zone() != time.UTC || it.Hours.Day() != 9*time.Hour {
		t.Errorf("IT's hours: zone %v, day %v", it.Hours.Zone(), it.Hours.Day())
	}
}

// TestParseHoursFallBack: what is wrong in the defaults is reported once,
// not for each team; a team whose own hours cannot be used works the
// defaults' hours, and is told so; a day's times may be given as a list.
func TestParseHoursFallBack(t *testing.T) {
	specs, problems := mustParse(t, `defaults:
  hours:
    mon-fri: "09:00-12:30, 14:00-18:00"
    sun: 8h
  holidays: [2026-12-25, 2026-13-01]
teams:
  - name: IT
    members: [U1]
    topics: [{name: accounts, words: [password]}]
    hours:
      mon-fri: 25:00-26:00
  - name: RH
    members: [U2]
    topics: [{name: congés, words: [congés]}]
  - name: Ventes
    members: [U3]
    topics: [{name: tarifs, words: [remise]}]
    hours:
      mon-thu: [08:00-12:00, 13:00-17:00]
      fri: []
`)
	var got []string
	for _, p := range problems {
		got = append(got, p.String())
	}
	want := []string{
		`line 4: hours of the defaults: "8h" is not a span of time such as 09:00-18:00; line ignored`,
		`line 5: holidays of the defaults: "2026-13-01" is not a date written 2026-12-25; ignored`,
		`line 11: hours of team IT: "25:00" is not a time of day such as 09:00 or 9h30; line ignored`,
		`line 11: team IT: none of its hours can be used; the defaults' hours are used`,
	}
	if diff := cmp.Diff(got, want); diff != "" {
		t.Errorf("problems (-got +want):\n%s", diff)
	}
	if len(specs) != 3 {
		t.Fatalf("%d teams, want 3", len(specs))
	}
	lunch := []knowledge.Span{{From: 540, To: 750}, {From: 840, To: 1080}}
	for _, s := range specs[:2] {
		h := s.Team.Hours
		if diff := cmp.Diff(h.Week()[time.Tuesday], lunch); diff != "" || len(h.Week()[time.Sunday]) != 0 || len(h.Holidays()) != 1 {
			t.Errorf("%s's hours: Tuesday (-got +want) %s, Sunday %v, holidays %v; want the defaults'", s.Team.Name, diff, h.Week()[time.Sunday], h.Holidays())
		}
	}
	week := specs[2].Team.Hours.Week()
	if diff := cmp.Diff(week[time.Monday], []knowledge.Span{{From: 480, To: 720}, {From: 780, To: 1020}}); diff != "" || len(week[time.Friday]) != 0 {
		t.Errorf("Ventes' Monday (-got +want):\n%s\nFriday %v, want closed", diff, week[time.Friday])
	}
}

// TestParseLeavesOutLongNames: a name over MaxName characters is left out,
// as FuzzRender found that a team named at length (28,000 characters)
// made the message telling its channel of a question longer than Slack
// takes, so the channel never heard of it.
func TestParseLeavesOutLongNames(t *testing.T) {
	long := strings.Repeat("é", MaxName+1)
	specs, problems := mustParse(t, `teams:
  - name: `+long+`
    members: [U1]
    topics: [{name: a, words: [a]}]
  - name: IT
    members: [U2]
    topics: [{name: `+long+`, words: [a]}, {name: `+long[:2*MaxName]+`, words: [b]}]
`)
	var got []string
	for _, p := range problems {
		got = append(got, p.String())
	}
	want := []string{
		`line 2: a team's name has at most 100 characters, not 101; left out`,
		`line 7: a topic's name has at most 100 characters, not 101; left out`,
	}
	if diff := cmp.Diff(got, want); diff != "" {
		t.Errorf("problems (-got +want):\n%s", diff)
	}
	if len(specs) != 1 || len(specs[0].Team.Topics) != 1 || specs[0].Team.Topics[0].Name != long[:2*MaxName] {
		t.Errorf("kept %+v, want IT with its topic of %d characters", specs, MaxName)
	}
}

// A name is written in headings, on a line of the review and in a cell of
// its CSV: one that breaks a line is left out, said on its line.
func TestParseLeavesOutNamesOfSeveralLines(t *testing.T) {
	specs, problems := mustParse(t, `teams:
  - name: "IT\nsupport"
    members: [U1]
    topics: [{name: a, words: [a]}]
  - name: Finance
    members: [U2]
    topics: [{name: "pay\troll", words: [a]}, {name: expenses, words: [b]}]
`)
	var got []string
	for _, p := range problems {
		got = append(got, p.String())
	}
	want := []string{
		`line 2: a team's name is one line, without tabs or control characters; left out`,
		`line 7: a topic's name is one line, without tabs or control characters; left out`,
	}
	if diff := cmp.Diff(got, want); diff != "" {
		t.Errorf("problems (-got +want):\n%s", diff)
	}
	if len(specs) != 1 || specs[0].Team.Name != "Finance" || len(specs[0].Team.Topics) != 1 || specs[0].Team.Topics[0].Name != "expenses" {
		t.Errorf("kept %+v, want Finance with its topic expenses", specs)
	}
}

func TestParseRefusesFile(t *testing.T) {
	for name, text := range map[string]string{
		"empty":       "",
		"not YAML":    "teams: [",
		"no teams":    "defaults: {zone: UTC}\n",
		"a list":      "- name: IT\n",
		"teams a map": "teams: {name: IT}\n",
	} {
		if _, _, err := Parse(strings.NewReader(text), time.UTC); err == nil {
			t.Errorf("%s: Parse accepted it", name)
		}
	}
}

func TestParseTimes(t *testing.T) {
	day := 7*time.Hour + 30*time.Minute
	durations := map[string]time.Duration{
		"4h": 4 * time.Hour, "30m": 30 * time.Minute, "1h30": 90 * time.Minute, "1h30m": 90 * time.Minute,
		"2d": 2 * day, "2j": 2 * day, "1d4h": day + 4*time.Hour, " 4 h ": 4 * time.Hour,
	}
	for s, want := range durations {
		if got, err := parseWorkDuration(s, day); err != nil || got != want {
			t.Errorf("parseWorkDuration(%q) = %v, %v; want %v", s, got, err, want)
		}
	}
	for _, s := range []string{"", "h", "4", "4x", "0h", "-1h", "30m15", "4h30x",
		// Found by FuzzParseWorkDuration: the sum wrapped around, and
		// seven times a hundred thousand days were read as 125,904 hours.
		strings.Repeat("100000d", 7)} {
		if got, err := parseWorkDuration(s, day); err == nil {
			t.Errorf("parseWorkDuration(%q) = %v, want an error", s, got)
		}
	}
	days := map[string][]time.Weekday{
		"mon-fri": {1, 2, 3, 4, 5}, "lun-ven": {1, 2, 3, 4, 5}, "sat": {6}, "Dimanche": {0},
		"mon,wed, fri": {1, 3, 5}, "fri-mon": {5, 6, 0, 1}, "tuesday": {2},
	}
	for s, want := range days {
		if got, err := parseDays(s); err != nil || !cmp.Equal(got, want) {
			t.Errorf("parseDays(%q) = %v, %v; want %v", s, got, err, want)
		}
	}
	spans := map[string][]knowledge.Span{
		"09:00-12:30, 14:00-18:00": {{From: 540, To: 750}, {From: 840, To: 1080}},
		"9h-12h30 14h-18h":         {{From: 540, To: 750}, {From: 840, To: 1080}},
		"0:00-24:00":               {{From: 0, To: 1440}},
		"fermé":                    nil,
		"closed":                   nil,
	}
	for s, want := range spans {
		if got, err := parseSpans(s); err != nil || !cmp.Equal(got, want) {
			t.Errorf("parseSpans(%q) = %v, %v; want %v", s, got, err, want)
		}
	}
	for _, s := range []string{"9-", "9h", "24:30-25:00", "9:60-10:00", "nine-ten"} {
		if got, err := parseSpans(s); err == nil {
			t.Errorf("parseSpans(%q) = %v, want an error", s, got)
		}
	}
}

// directory knows people by id and e-mail, as the store does.
type directory map[string]string

func (d directory) ResolvePeople(_ context.Context, keys []string) (map[string]string, error) {
	out := make(map[string]string)
	for _, k := range keys {
		if id, ok := d[k]; ok {
			out[k] = id
		}
	}
	return out, nil
}

// fakeSlack has user groups and accounts.
type fakeSlack struct {
	groups map[string][]string
	people map[string]knowledge.Person
	calls  int
}

func (f *fakeSlack) GroupMembers(_ context.Context, ref string) ([]string, error) {
	f.calls++
	ids, ok := f.groups[ref]
	if !ok {
		return nil, knowledge.Errorf(knowledge.ENOTFOUND, "no group")
	}
	return ids, nil
}

func (f *fakeSlack) Person(_ context.Context, id string) (knowledge.Person, error) {
	f.calls++
	p, ok := f.people[id]
	if !ok {
		return p, knowledge.Errorf(knowledge.ENOTFOUND, "no user")
	}
	return p, nil
}

func TestResolve(t *testing.T) {
	specs, problems := mustParse(t, `teams:
  - name: Compta
    members: [UA1, ANNE@Example.com, "@compta", U404, UGONE, "@nobody", Ufresh, "S0GROUP"]
    topics: [{name: x, words: [x]}]
  - name: Nobody
    members: [bob@example.com]
    topics: [{name: y, words: [y]}]
`)
	if len(problems) > 0 {
		t.Fatal(problems)
	}
	dir := directory{"UA1": "UA1", "anne@example.com": "UA2"}
	sl := &fakeSlack{
		groups: map[string][]string{"@compta": {"UA1", "UA3", "UA4"}, "S0GROUP": {"UA5"}},
		people: map[string]knowledge.Person{"UGONE": {ID: "UGONE", Deleted: true}},
	}
	teams, problems, err := Resolve(context.Background(), specs, dir, sl)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, p := range problems {
		got = append(got, p.String())
	}
	want := []string{
		"line 3: team Compta: Slack has no active user U404; left out",
		"line 3: team Compta: Slack has no active user UGONE; left out",
		"line 3: team Compta: Slack has no user group @nobody; left out",
		`line 3: team Compta: "Ufresh" is neither a Slack user id (U…), an e-mail nor a user group (@handle); left out`,
		"line 6: team Nobody: nobody nextdesk knows has the e-mail bob@example.com (people are known from a Slack export and from the bot's reads; give their Slack id); left out",
		"line 5: team Nobody: none of its members is known: nobody can be asked its questions",
	}
	if diff := cmp.Diff(got, want); diff != "" {
		t.Errorf("problems (-got +want):\n%s", diff)
	}
	if diff := cmp.Diff(teams[0].Members, []string{"UA1", "UA2", "UA3", "UA4", "UA5"}); diff != "" {
		t.Errorf("Compta's members (-got +want):\n%s", diff)
	}

	// Without Slack: ids are taken as they are, groups left out.
	teams, problems, err = Resolve(context.Background(), specs, dir, nil)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(teams[0].Members, []string{"UA1", "UA2", "U404", "UGONE"}); diff != "" {
		t.Errorf("Compta's members without Slack (-got +want):\n%s", diff)
	}
	if len(problems) != 6 || !strings.Contains(problems[0].Message, "user group @compta left out: reading it needs Slack") {
		t.Errorf("problems without Slack: %v", problems)
	}
}
