// Package teams reads the file of the teams that promise a service to the
// rest of the company (`nextdesk import teams FILE.yaml`, documented in
// docs/teams.md): each team's name, channel, members, topics, working
// hours and promises.
//
// Parse reads the file into teams whose members are still as written
// (Slack ids, e-mail addresses, user group handles); Resolve turns them
// into person ids. Both report what they cannot use as problems, with the
// line they are on, and keep the rest: one bad line must not cost the
// whole file.
package teams

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"slices"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"go.yaml.in/yaml/v3"

	"github.com/nextdesk/nextdesk/knowledge"
	"github.com/nextdesk/nextdesk/org"
)

// Problem is something of the file that could not be used, and why, on
// its line (0 for the file as a whole), reported as the org chart's are.
type Problem = org.Problem

// Spec is one team as the file gives it: the team, with no members yet,
// and its members as written.
type Spec struct {
	Line    int
	Team    knowledge.Team
	Members []Member
}

// Member is one entry of a team's members: a Slack user id (U…, W…), an
// e-mail address, or a Slack user group, by handle (@compta) or id (S…).
type Member struct {
	Line int
	Ref  string
}

// Group reports whether m names a user group.
func (m Member) Group() bool { return strings.HasPrefix(m.Ref, "@") || slackID(m.Ref, 'S') }

// Email reports whether m is an e-mail address.
func (m Member) Email() bool { return !m.Group() && strings.Contains(m.Ref, "@") }

// maxFile bounds a teams file: a thousand teams with their topics take
// well under a megabyte.
const maxFile = 8 << 20

// MaxName bounds the name of a team or of a topic, in characters: messages
// show names whole, and a name of pages would swell them past what Slack
// takes.
const MaxName = 100

// nameProblem says what is wrong with the name of a team or a topic
// (what), "" when nothing is. A name is written whole in headings, on a
// line of the review and in a cell of its CSV: it is short and one line.
func nameProblem(what, name string) string {
	switch n := utf8.RuneCountInString(name); {
	case name == "":
		return fmt.Sprintf("a %s without a name; left out", what)
	case n > MaxName:
		return fmt.Sprintf("a %s's name has at most %d characters, not %d; left out", what, MaxName, n)
	case strings.ContainsFunc(name, unicode.IsControl):
		return fmt.Sprintf("a %s's name is one line, without tabs or control characters; left out", what)
	}
	return ""
}

// DefaultHours are the working hours of a team whose file gives none:
// 09:00 to 18:00, Monday to Friday.
const DefaultHours = "mon-fri: 09:00-18:00"

// Parse reads a teams file. zone is the time zone of teams that name none
// (NEXTDESK_TZ). What cannot be used (an unknown key, a bad time, a
// promise on a topic the team does not have, a team named twice…) is
// returned as problems, in the order of their lines, and left out; the
// rest is kept. Parse returns an error only when the file is not YAML,
// holds no list of teams, or is larger than 8 MiB.
func Parse(r io.Reader, zone *time.Location) ([]Spec, []Problem, error) {
	data, err := io.ReadAll(io.LimitReader(r, maxFile+1))
	if err != nil {
		return nil, nil, fmt.Errorf("read teams: %w", err)
	}
	if len(data) > maxFile {
		return nil, nil, fmt.Errorf("read teams: the file is larger than %d MiB", maxFile>>20)
	}
	var doc yaml.Node
	if err := yaml.NewDecoder(bytes.NewReader(data)).Decode(&doc); err != nil {
		if errors.Is(err, io.EOF) {
			return nil, nil, errors.New("read teams: the file is empty")
		}
		return nil, nil, fmt.Errorf("read teams: not YAML: %w", err)
	}
	p := &parser{zone: zone}
	root := doc.Content[0]
	if root.Kind != yaml.MappingNode {
		return nil, nil, fmt.Errorf("read teams: line %d: want a mapping with a list of teams under \"teams:\"", root.Line)
	}
	fields := p.fields(root, "defaults", "teams")
	list := fields["teams"]
	if list == nil || list.Kind != yaml.SequenceNode {
		return nil, nil, errors.New(`read teams: no list of teams under "teams:"`)
	}
	def := p.defaults(fields["defaults"])
	seen := make(map[string]int)
	var specs []Spec
	for _, n := range list.Content {
		s, ok := p.team(n, def)
		if !ok {
			continue
		}
		key := strings.ToLower(s.Team.Name)
		if first, dup := seen[key]; dup {
			p.problem(n, "team %q is named again (first on line %d); this one is left out", s.Team.Name, first)
			continue
		}
		seen[key] = n.Line
		specs = append(specs, s)
	}
	p.checkRequesters(specs)
	slices.SortStableFunc(p.problems, func(a, b Problem) int { return a.Line - b.Line })
	return specs, p.problems, nil
}

type parser struct {
	zone     *time.Location
	problems []Problem
}

func (p *parser) problem(n *yaml.Node, format string, args ...any) {
	line := 0
	if n != nil {
		line = n.Line
	}
	p.problems = append(p.problems, Problem{Line: line, Message: fmt.Sprintf(format, args...)})
}

// fields returns the values of mapping n by key, reporting the keys that
// are not among allowed (a typo would otherwise be silently ignored).
func (p *parser) fields(n *yaml.Node, allowed ...string) map[string]*yaml.Node {
	out := make(map[string]*yaml.Node)
	if n == nil || n.Kind != yaml.MappingNode {
		return out
	}
	for i := 0; i+1 < len(n.Content); i += 2 {
		k, v := n.Content[i], n.Content[i+1]
		key := strings.ToLower(k.Value)
		if !slices.Contains(allowed, key) {
			p.problem(k, "unknown key %q (want one of %s); ignored", k.Value, strings.Join(allowed, ", "))
			continue
		}
		out[key] = v
	}
	return out
}

// scalar returns the text of a scalar node; ok is false (and the problem
// reported) for a list or a mapping.
func (p *parser) scalar(n *yaml.Node, what string) (string, bool) {
	if n == nil {
		return "", true
	}
	if n.Kind != yaml.ScalarNode {
		p.problem(n, "%s must be a single value", what)
		return "", false
	}
	return strings.TrimSpace(n.Value), true
}

// list returns the values of a list of scalars (a single scalar counts
// as a list of one), reporting the items that are not scalars.
func (p *parser) list(n *yaml.Node, what string) []string {
	if n == nil {
		return nil
	}
	if n.Kind == yaml.ScalarNode {
		if v := strings.TrimSpace(n.Value); v != "" {
			return []string{v}
		}
		return nil
	}
	if n.Kind != yaml.SequenceNode {
		p.problem(n, "%s must be a list", what)
		return nil
	}
	var out []string
	for _, item := range n.Content {
		if v, ok := p.scalar(item, what); ok && v != "" {
			out = append(out, v)
		}
	}
	return out
}

// hoursSpec is the working hours a team's entry (or the defaults) gives,
// read: the zone, the week when a usable one is given, and the holidays.
type hoursSpec struct {
	zone     *time.Location
	week     [7][]knowledge.Span
	given    bool // week holds usable lines
	holidays []knowledge.Date
}

// defaults reads the defaults once, so that what is wrong in them is
// reported once, not once for each team that uses them.
func (p *parser) defaults(n *yaml.Node) hoursSpec {
	f := p.fields(n, "zone", "hours", "holidays")
	h := hoursSpec{zone: p.zone}
	if z := p.location(f["zone"]); z != nil {
		h.zone = z
	}
	h.holidays = p.holidays("the defaults", f["holidays"])
	if wn := f["hours"]; wn != nil {
		h.week, h.given = p.week("the defaults", wn)
		if h.given {
			if _, err := knowledge.NewWorkHours(h.zone, h.week, nil); err != nil {
				p.problem(wn, "hours of the defaults: %s; %s is used", message(err), DefaultHours)
				h.given = false
			}
		}
	}
	return h
}

// location reads an IANA zone; nil when n is absent or wrong (reported).
func (p *parser) location(n *yaml.Node) *time.Location {
	name, ok := p.scalar(n, "zone")
	if !ok || name == "" {
		return nil
	}
	loc, err := time.LoadLocation(name)
	if err != nil {
		p.problem(n, "%q is not an IANA time zone such as Europe/Paris; the default zone is used", name)
		return nil
	}
	return loc
}

func (p *parser) team(n *yaml.Node, def hoursSpec) (Spec, bool) {
	if n.Kind != yaml.MappingNode {
		p.problem(n, "a team must be a mapping (name:, members:, topics:…); left out")
		return Spec{}, false
	}
	f := p.fields(n, "name", "channel", "members", "zone", "hours", "holidays", "topics", "promises")
	s := Spec{Line: n.Line}
	name, _ := p.scalar(f["name"], "name")
	if problem := nameProblem("team", name); problem != "" {
		p.problem(n, "%s", problem)
		return Spec{}, false
	}
	s.Team.Name = name
	s.Team.Channel, _ = p.scalar(f["channel"], "channel")
	if c := s.Team.Channel; c != "" && !strings.HasPrefix(c, "#") && !slackID(c, 'C') && !slackID(c, 'G') {
		s.Team.Channel = "#" + c
	}

	h := def
	if z := p.location(f["zone"]); z != nil {
		h.zone = z
	}
	if f["holidays"] != nil {
		h.holidays = p.holidays("team "+name, f["holidays"])
	}
	s.Team.Hours = p.hours(name, f["hours"], h, def)

	if mn := f["members"]; mn != nil {
		items := mn.Content
		if mn.Kind == yaml.ScalarNode {
			items = []*yaml.Node{mn}
		}
		for _, m := range items {
			if ref, ok := p.scalar(m, "a member"); ok && ref != "" {
				s.Members = append(s.Members, Member{Line: m.Line, Ref: ref})
			}
		}
	}
	if len(s.Members) == 0 {
		p.problem(n, "team %s has no members: nobody can be asked its questions", name)
	}

	if tn := f["topics"]; tn == nil || len(tn.Content) == 0 {
		p.problem(n, "team %s has no topics: no question will be routed to it", name)
	} else if tn.Kind != yaml.SequenceNode {
		p.problem(tn, "topics must be a list")
	} else {
		for _, t := range tn.Content {
			if tp, ok := p.topic(t, s.Team.Topics); ok {
				s.Team.Topics = append(s.Team.Topics, tp)
			}
		}
	}
	if pn := f["promises"]; pn != nil {
		if pn.Kind != yaml.SequenceNode {
			p.problem(pn, "promises must be a list")
		} else {
			for _, pr := range pn.Content {
				if promise, ok := p.promise(pr, s.Team); ok {
					s.Team.Promises = append(s.Team.Promises, promise)
				}
			}
		}
	}
	return s, true
}

func (p *parser) topic(n *yaml.Node, before []knowledge.Topic) (knowledge.Topic, bool) {
	if n.Kind != yaml.MappingNode {
		p.problem(n, "a topic must be a mapping (name:, words:, examples:); left out")
		return knowledge.Topic{}, false
	}
	f := p.fields(n, "name", "words", "examples")
	name, _ := p.scalar(f["name"], "name")
	t := knowledge.Topic{Name: name, Words: p.list(f["words"], "words"), Examples: p.list(f["examples"], "examples")}
	switch problem := nameProblem("topic", name); {
	case problem != "":
		p.problem(n, "%s", problem)
		return t, false
	case slices.ContainsFunc(before, func(b knowledge.Topic) bool { return strings.EqualFold(b.Name, name) }):
		p.problem(n, "topic %q is named again in this team; left out", name)
		return t, false
	case len(t.Words) == 0 && len(t.Examples) == 0:
		p.problem(n, "topic %q has neither words nor examples: nothing could match it; left out", name)
		return t, false
	}
	return t, true
}

func (p *parser) promise(n *yaml.Node, team knowledge.Team) (knowledge.Promise, bool) {
	if n.Kind != yaml.MappingNode {
		p.problem(n, "a promise must be a mapping (topic:, for:, first_response:, resolution:); left out")
		return knowledge.Promise{}, false
	}
	f := p.fields(n, "topic", "for", "first_response", "resolution")
	var pr knowledge.Promise
	pr.Topic, _ = p.scalar(f["topic"], "topic")
	pr.From, _ = p.scalar(f["for"], "for")
	if pr.Topic != "" {
		t, ok := team.Topic(pr.Topic)
		if !ok {
			p.problem(n, "a promise on topic %q, which team %s does not have; left out", pr.Topic, team.Name)
			return pr, false
		}
		pr.Topic = t.Name
	}
	points := []struct {
		key string
		d   *time.Duration
	}{{"first_response", &pr.FirstResponse}, {"resolution", &pr.Resolution}}
	for _, pt := range points {
		key, d := pt.key, pt.d
		s, ok := p.scalar(f[key], key)
		if !ok || s == "" {
			continue
		}
		v, err := parseWorkDuration(s, team.Hours.Day())
		if err != nil {
			p.problem(f[key], "%s: %v; this point of the promise is left out", key, err)
			continue
		}
		*d = v
	}
	if pr.Empty() {
		p.problem(n, "a promise with neither first_response nor resolution; left out")
		return pr, false
	}
	if pr.FirstResponse > 0 && pr.Resolution > 0 && pr.Resolution < pr.FirstResponse {
		p.problem(n, "a resolution (%v) sooner than the first response (%v): check the promise", pr.Resolution, pr.FirstResponse)
	}
	return pr, true
}

// checkRequesters reports the promises made to a team the file does not
// have; such a promise could never apply, and is dropped.
func (p *parser) checkRequesters(specs []Spec) {
	names := make(map[string]string, len(specs))
	for _, s := range specs {
		names[strings.ToLower(s.Team.Name)] = s.Team.Name
	}
	for i := range specs {
		t := &specs[i].Team
		kept := t.Promises[:0]
		for _, pr := range t.Promises {
			if pr.From != "" {
				name, ok := names[strings.ToLower(pr.From)]
				if !ok {
					p.problems = append(p.problems, Problem{Line: specs[i].Line, Message: fmt.Sprintf("team %s promises to %q, a team the file does not have; that promise is left out", t.Name, pr.From)})
					continue
				}
				pr.From = name
			}
			kept = append(kept, pr)
		}
		t.Promises = kept
	}
}

// hours reads the working hours of team, whose own week (n) replaces the
// defaults' (def); when it gives none that can be used, the defaults' are
// used, else DefaultHours, and the team is told which.
func (p *parser) hours(team string, n *yaml.Node, h, def hoursSpec) knowledge.WorkHours {
	zone := h.zone
	if zone == nil {
		zone = time.Local
	}
	fallback, fallbackWeek := DefaultHours, defaultWeek()
	if def.given {
		fallback, fallbackWeek = "the defaults' hours", def.week
	}
	if n != nil {
		week, given := p.week("team "+team, n)
		if !given {
			p.problem(n, "team %s: none of its hours can be used; %s are used", team, fallback)
		} else if hours, err := knowledge.NewWorkHours(zone, week, h.holidays); err != nil {
			p.problem(n, "hours of team %s: %s; %s are used", team, message(err), fallback)
		} else {
			return hours
		}
		h.week = fallbackWeek
	} else if !h.given {
		h.week = fallbackWeek
	}
	hours, err := knowledge.NewWorkHours(zone, h.week, h.holidays)
	if err != nil {
		// The defaults' week was checked when read; DefaultHours is valid.
		hours, _ = knowledge.NewWorkHours(zone, defaultWeek(), h.holidays)
	}
	return hours
}

// week reads the days → times of whose hours (a team's, or the defaults'):
// a day's times in one line ("09:00-12:30, 14:00-18:00") or as a list.
// Lines that cannot be used are reported and left out; given is false
// when no line could be used.
func (p *parser) week(whose string, n *yaml.Node) (week [7][]knowledge.Span, given bool) {
	if n.Kind != yaml.MappingNode {
		p.problem(n, "hours must map days to times, such as mon-fri: 09:00-18:00")
		return week, false
	}
	for i := 0; i+1 < len(n.Content); i += 2 {
		k, v := n.Content[i], n.Content[i+1]
		days, err := parseDays(k.Value)
		if err != nil {
			p.problem(k, "hours of %s: %v; line ignored", whose, err)
			continue
		}
		var text string
		switch v.Kind {
		case yaml.ScalarNode:
			text = v.Value
		case yaml.SequenceNode:
			// mon-fri: [09:00-12:30, 14:00-18:00]
			var parts []string
			for _, item := range v.Content {
				parts = append(parts, item.Value)
			}
			text = strings.Join(parts, ", ")
			if text == "" {
				text = "closed"
			}
		default:
			p.problem(v, "hours of %s: the times of %s must be written 09:00-12:30, 14:00-18:00; line ignored", whose, k.Value)
			continue
		}
		spans, err := parseSpans(text)
		if err != nil {
			p.problem(v, "hours of %s: %v; line ignored", whose, err)
			continue
		}
		for _, d := range days {
			week[d] = spans
		}
		given = true
	}
	return week, given
}

// holidays reads the days off of whose hours, reporting those that are
// not dates.
func (p *parser) holidays(whose string, n *yaml.Node) []knowledge.Date {
	var out []knowledge.Date
	for _, s := range p.list(n, "holidays") {
		d, err := knowledge.ParseDate(s)
		if err != nil {
			p.problem(n, "holidays of %s: %s; ignored", whose, message(err))
			continue
		}
		out = append(out, d)
	}
	return out
}

// defaultWeek is the week of DefaultHours.
func defaultWeek() [7][]knowledge.Span {
	var week [7][]knowledge.Span
	for d := time.Monday; d <= time.Friday; d++ {
		week[d] = []knowledge.Span{{From: 9 * 60, To: 18 * 60}}
	}
	return week
}

// message is a domain error's message as a clause of a problem, without
// the full stop that ends it as a sentence.
func message(err error) string {
	return strings.TrimSuffix(knowledge.ErrorMessage(err), ".")
}

// slackID reports whether s has the form of a Slack id starting with
// prefix: upper-case letters and digits.
func slackID(s string, prefix byte) bool {
	if len(s) < 3 || s[0] != prefix {
		return false
	}
	for _, r := range s[1:] {
		if (r < 'A' || r > 'Z') && (r < '0' || r > '9') {
			return false
		}
	}
	return true
}

// Directory says who the members of a file are. The store knows people by
// id and e-mail; Slack knows user groups and everyone's account.
type Directory interface {
	// ResolvePeople returns, for each key (a Slack id or an e-mail address)
	// that names a known person, that person's id.
	ResolvePeople(ctx context.Context, keys []string) (map[string]string, error)
}

// Slack is what Resolve reads from Slack, when it can reach it.
type Slack interface {
	// GroupMembers returns the ids of the members of a user group, named
	// by handle (@compta) or id (S…); an ENOTFOUND error when there is
	// no such group.
	GroupMembers(ctx context.Context, ref string) ([]string, error)
	// Person returns a person's account, or an ENOTFOUND error when Slack
	// knows no such user.
	Person(ctx context.Context, id string) (knowledge.Person, error)
}

// Resolve turns the members of specs into person ids: a Slack id as it
// is (checked with Slack when it can be reached: an unknown or
// deactivated account is left out), an e-mail through the people the
// store knows, a user group through Slack (usergroups.list to find its
// handle, usergroups.users.list for its members). slack may be nil: user
// groups are then left out and reported. Entries that name nobody usable
// are reported and left out; a team's members are each listed once. It
// returns the store's errors, and Slack's other than "not found".
func Resolve(ctx context.Context, specs []Spec, dir Directory, slack Slack) (knowledge.Teams, []Problem, error) {
	var keys []string
	for _, s := range specs {
		for _, m := range s.Members {
			if !m.Group() {
				keys = append(keys, normalise(m.Ref))
			}
		}
	}
	known, err := dir.ResolvePeople(ctx, keys)
	if err != nil {
		return nil, nil, fmt.Errorf("resolve team members: %w", err)
	}
	r := &resolver{slack: slack, known: known, checked: make(map[string]error), groups: make(map[string][]string)}
	teams := make(knowledge.Teams, 0, len(specs))
	var problems []Problem
	for _, s := range specs {
		t := s.Team
		for _, m := range s.Members {
			ids, msg, err := r.member(ctx, m)
			if err != nil {
				return nil, nil, err
			}
			if msg != "" {
				problems = append(problems, Problem{Line: m.Line, Message: fmt.Sprintf("team %s: %s", t.Name, msg)})
			}
			for _, id := range ids {
				if !slices.Contains(t.Members, id) {
					t.Members = append(t.Members, id)
				}
			}
		}
		if len(s.Members) > 0 && len(t.Members) == 0 {
			problems = append(problems, Problem{Line: s.Line, Message: fmt.Sprintf("team %s: none of its members is known: nobody can be asked its questions", t.Name)})
		}
		teams = append(teams, t)
	}
	return teams, problems, nil
}

type resolver struct {
	slack   Slack
	known   map[string]string
	checked map[string]error // Slack's verdict on ids the store did not know
	groups  map[string][]string
}

// member resolves one entry: the person ids it names, and what to report
// about it ("" for nothing).
func (r *resolver) member(ctx context.Context, m Member) ([]string, string, error) {
	switch {
	case m.Group():
		return r.group(ctx, m.Ref)
	case m.Email():
		if id, ok := r.known[normalise(m.Ref)]; ok {
			return []string{id}, "", nil
		}
		return nil, fmt.Sprintf("nobody nextdesk knows has the e-mail %s (people are known from a Slack export and from the bot's reads; give their Slack id); left out", m.Ref), nil
	case slackID(m.Ref, 'U') || slackID(m.Ref, 'W'):
		if _, ok := r.known[m.Ref]; ok || r.slack == nil {
			return []string{m.Ref}, "", nil
		}
		err, done := r.checked[m.Ref]
		if !done {
			var p knowledge.Person
			p, err = r.slack.Person(ctx, m.Ref)
			if err == nil && !p.Routable() {
				err = knowledge.Errorf(knowledge.ENOTFOUND, "deactivated")
			}
			r.checked[m.Ref] = err
		}
		switch knowledge.ErrorCode(err) {
		case "":
			return []string{m.Ref}, "", nil
		case knowledge.ENOTFOUND:
			return nil, fmt.Sprintf("Slack has no active user %s; left out", m.Ref), nil
		}
		return nil, "", fmt.Errorf("check user %s with Slack: %w", m.Ref, err)
	}
	return nil, fmt.Sprintf("%q is neither a Slack user id (U…), an e-mail nor a user group (@handle); left out", m.Ref), nil
}

func (r *resolver) group(ctx context.Context, ref string) ([]string, string, error) {
	if r.slack == nil {
		return nil, fmt.Sprintf("user group %s left out: reading it needs Slack (SLACK_BOT_TOKEN)", ref), nil
	}
	if ids, ok := r.groups[ref]; ok {
		return ids, "", nil
	}
	ids, err := r.slack.GroupMembers(ctx, ref)
	switch knowledge.ErrorCode(err) {
	case "":
	case knowledge.ENOTFOUND:
		return nil, fmt.Sprintf("Slack has no user group %s; left out", ref), nil
	default:
		return nil, "", fmt.Errorf("read user group %s: %w", ref, err)
	}
	r.groups[ref] = ids
	if len(ids) == 0 {
		return nil, fmt.Sprintf("user group %s has no members", ref), nil
	}
	return ids, "", nil
}

// normalise is how a member is compared: e-mail addresses without regard
// to case, ids as they are.
func normalise(s string) string {
	if strings.Contains(s, "@") {
		return strings.ToLower(strings.TrimSpace(s))
	}
	return strings.TrimSpace(s)
}
