package desk_test

import (
	"context"
	"slices"
	"strings"
	"testing"
	"time"
	"unicode"

	"github.com/google/go-cmp/cmp"

	"github.com/nextdesk/nextdesk/knowledge"
	"github.com/nextdesk/nextdesk/knowledge/desk"
)

// Teams and their promises, without Slack. IT (carol and dave, reached in
// #it) takes questions on accounts, on weekdays 09:00–18:00 in Paris, and
// promises a first answer within 4 working hours and a resolution within
// 2 working days; Sales (frank) promises nothing. bob knows about
// everything but is in no team.

const itChannel = "C0IT"

// words is the tests' analysis of text: its words, lower-cased. The
// matcher has its own tests with the index's analysis.
type words struct{}

func (words) Terms(text string) []string {
	return strings.FieldsFunc(strings.ToLower(text), func(r rune) bool { return !unicode.IsLetter(r) && !unicode.IsDigit(r) })
}

var paris = mustZone("Europe/Paris")

func mustZone(name string) *time.Location {
	z, err := time.LoadLocation(name)
	if err != nil {
		panic(err)
	}
	return z
}

// inParis is a time of March 2026 in Paris: the 2nd is a Monday, the 6th
// a Friday.
func inParis(day, hour, minute int) time.Time {
	return time.Date(2026, time.March, day, hour, minute, 0, 0, paris)
}

func officeHours(t *testing.T) knowledge.WorkHours {
	t.Helper()
	var week [7][]knowledge.Span
	for d := time.Monday; d <= time.Friday; d++ {
		week[d] = []knowledge.Span{{From: 9 * 60, To: 18 * 60}}
	}
	h, err := knowledge.NewWorkHours(paris, week, nil)
	if err != nil {
		t.Fatal(err)
	}
	return h
}

// newTeamWorld is a world with teams, at at; change adjusts its config.
func newTeamWorld(t *testing.T, at time.Time, change func(*desk.Config)) *world {
	t.Helper()
	w := newWorld(t, func(c *desk.Config) {
		c.Topics = words{}
		c.FallbackChannel = "ask-anyone"
		if change != nil {
			change(c)
		}
	})
	w.set(at)
	hours := officeHours(t)
	w.store.st.teams = knowledge.Teams{
		{Name: "IT", Channel: itChannel, Members: []string{carol, dave}, Hours: hours,
			Topics:   []knowledge.Topic{{Name: "accounts", Words: []string{"password", "vpn"}}},
			Promises: []knowledge.Promise{{FirstResponse: 4 * time.Hour, Resolution: 2 * hours.Day()}}},
		{Name: "Sales", Members: []string{frank}, Hours: hours,
			Topics: []knowledge.Topic{{Name: "pricing", Words: []string{"discount"}}}},
	}
	return w
}

// set puts the world's clock at at.
func (w *world) set(at time.Time) {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.now = at
}

func (w *world) teamAsk(id string) (knowledge.TeamAsk, bool) {
	w.store.mu.Lock()
	defer w.store.mu.Unlock()
	a, ok := w.store.st.teamAsks[id]
	return a, ok
}

const vpn = "My VPN password expired, how do I reset it?"

// holdOpen makes expert hold an open question of no team.
func (w *world) holdOpen(expert string) {
	w.store.st.questions["q-open"] = knowledge.Question{ID: "q-open", Conversation: general, Text: "something else"}
	w.store.st.asks["q-open"] = knowledge.Ask{QuestionID: "q-open", Channel: general, Status: knowledge.StatusOpen}
	w.store.st.routes = append(w.store.st.routes, knowledge.Route{ID: 1, QuestionID: "q-open", Expert: expert, Outcome: knowledge.RoutePending})
}

func TestTeamQuestionGoesToTheTeamsBestMember(t *testing.T) {
	ctx := context.Background()
	w := newTeamWorld(t, inParis(2, 11, 0), nil)
	w.must(w.desk.Ask(ctx, slashAsk("T1", vpn)))
	qid := "ask:T1"

	// bob ranks first but is not in IT: carol, IT's best, is asked.
	if diff := cmp.Diff(w.routes(qid), []string{carol + ":pending"}); diff != "" {
		t.Errorf("routes (-got +want):\n%s", diff)
	}
	promised := desk.Promised{Team: "IT", Topic: "accounts", FirstResponse: 4 * time.Hour, Resolution: 18 * time.Hour,
		FirstDue: inParis(2, 15, 0), ResolutionDue: inParis(4, 11, 0), Day: 9 * time.Hour}
	var team, card, told []desk.Body
	for _, s := range w.saidSince(1) {
		switch b := s.Body.(type) {
		case desk.TeamAsked:
			if s.To != (desk.Address{Conversation: itChannel}) || s.After != 1 {
				t.Errorf("team notice to %+v after %d, want #it after the question's post", s.To, s.After)
			}
			team = append(team, b)
		case desk.ExpertAsked:
			card = append(card, b)
		case desk.AskerTold:
			told = append(told, b)
		}
	}
	wantTeam := desk.TeamAsked{Promise: promised, Asker: alice, Text: desk.Quote{Typed: vpn}, Thread: desk.Link{Started: true}, Expert: carol}
	if diff := cmp.Diff(team, []desk.Body{wantTeam}); diff != "" {
		t.Errorf("the team's channel heard (-got +want):\n%s", diff)
	}
	if len(card) != 1 || card[0].(desk.ExpertAsked).Team != "IT" || card[0].(desk.ExpertAsked).Topic != "accounts" {
		t.Errorf("carol's card %+v, want one naming IT and accounts", card)
	}
	if diff := cmp.Diff(told, []desk.Body{desk.AskerTold{What: desk.ToldAsked, Expert: carol, Team: &promised}}); diff != "" {
		t.Errorf("alice was told (-got +want):\n%s", diff)
	}
	a, ok := w.teamAsk(qid)
	if !ok || a.Team != "IT" || a.Requester != "" || a.Anonymous || !a.AskedAt.Equal(inParis(2, 11, 0)) || !a.FirstResponse.Due.Equal(promised.FirstDue) {
		t.Errorf("team ask %+v, want IT's, from nobody's team, asked at 11:00, first response due at 15:00", a)
	}

	// A question on no team's topic is routed as ever.
	w.must(w.desk.Ask(ctx, slashAsk("T2", "How do I roll back?")))
	if diff := cmp.Diff(w.routes("ask:T2"), []string{bob + ":pending"}); diff != "" {
		t.Errorf("routes of a question of no team (-got +want):\n%s", diff)
	}
	if _, ok := w.teamAsk("ask:T2"); ok {
		t.Error("a question of no team was recorded as a team's")
	}
}

func TestTeamMemberWithoutEvidenceIsTheLeastBusy(t *testing.T) {
	ctx := context.Background()
	w := newTeamWorld(t, inParis(2, 11, 0), nil)
	// Only bob ever answered such questions; carol holds a question.
	w.engine.experts = w.engine.experts[:1]
	w.holdOpen(carol)
	w.must(w.desk.Ask(ctx, slashAsk("T1", vpn)))
	if diff := cmp.Diff(w.routes("ask:T1"), []string{dave + ":pending"}); diff != "" {
		t.Errorf("routes (-got +want):\n%s", diff)
	}
	// dave is away: carol, busy but around, is asked.
	w.chat.presence[dave] = knowledge.Presence{Away: true}
	w.must(w.desk.Ask(ctx, slashAsk("T2", "VPN password locked again")))
	if diff := cmp.Diff(w.routes("ask:T2"), []string{carol + ":pending"}); diff != "" {
		t.Errorf("routes with dave away (-got +want):\n%s", diff)
	}
}

// TestTeamMembersAtTheirCapAreSkipped: carol, IT's best for the question,
// holds NEXTDESK_MAX_OPEN questions already, so dave is asked, though bob,
// in no team, is free; once dave is at his cap too, IT's channel is asked.
func TestTeamMembersAtTheirCapAreSkipped(t *testing.T) {
	ctx := context.Background()
	w := newTeamWorld(t, inParis(2, 11, 0), func(c *desk.Config) { c.Policy.MaxOpen = 1 })
	w.holdOpen(carol)
	w.must(w.desk.Ask(ctx, slashAsk("T1", vpn)))
	if diff := cmp.Diff(w.routes("ask:T1"), []string{dave + ":pending"}); diff != "" {
		t.Errorf("routes with carol at her cap (-got +want):\n%s", diff)
	}
	from := w.noticeCount() + 1
	w.must(w.desk.Ask(ctx, slashAsk("T2", "VPN password locked again")))
	if got := w.routes("ask:T2"); len(got) != 0 {
		t.Errorf("routes %v, want none: everyone in IT is at their cap", got)
	}
	team := w.bodies(from, desk.KindTeamAsked)
	if len(team) != 1 || team[0].(desk.TeamAsked).Expert != "" || team[0].(desk.TeamAsked).Gap != desk.GapNobodyAvailable {
		t.Errorf("IT's channel heard %+v, want one message saying nobody could be asked", team)
	}
}

func TestTeamEscalationStaysInTheTeamThenItsChannelThenTheFallback(t *testing.T) {
	ctx := context.Background()
	w := newTeamWorld(t, inParis(2, 11, 0), nil)
	qid := "slack:C1:1.000100"
	w.must(w.desk.Ask(ctx, inGeneral("1.000100", vpn)))
	w.must(w.desk.Decide(ctx, desk.Request{Key: "N1", By: carol}, 1, desk.NotMe))
	w.must(w.desk.Decide(ctx, desk.Request{Key: "N2", By: dave}, 2, desk.NotMe))
	// bob knows, but the team answers for its topics.
	if diff := cmp.Diff(w.routes(qid), []string{carol + ":passed", dave + ":passed"}); diff != "" {
		t.Errorf("routes (-got +want):\n%s", diff)
	}
	fallback := func(from int) []said {
		var out []said
		for _, s := range w.saidSince(from) {
			if s.Body.Kind() == desk.KindFallbackAsked {
				out = append(out, s)
			}
		}
		return out
	}
	asked := fallback(1)
	if len(asked) != 1 || asked[0].To.Conversation != itChannel || asked[0].Body.(desk.FallbackAsked).Gap != desk.GapAllPassed {
		t.Fatalf("channels asked %+v, want #it, saying both members passed", asked)
	}
	if a := w.ask(qid); a.Status != knowledge.StatusUnanswered {
		t.Errorf("question %s, want unanswered", a.Status)
	}
	told := w.bodies(1, desk.KindAskerTold)
	if last := told[len(told)-1].(desk.AskerTold); last.What != desk.ToldFallback || last.Fallback != itChannel {
		t.Errorf("alice last told %+v, want that #it was asked", last)
	}

	// The fallback channel only once #it let the answer timeout pass.
	from := w.noticeCount() + 1
	w.advance(desk.DefaultAnswerTimeout - time.Minute)
	w.must(w.desk.Escalate(ctx, false))
	if got := fallback(from); len(got) != 0 {
		t.Fatalf("fallback asked before the timeout: %+v", got)
	}
	w.advance(2 * time.Minute)
	w.must(w.desk.Escalate(ctx, false))
	w.must(w.desk.Escalate(ctx, false))
	got := fallback(from)
	if len(got) != 1 || got[0].To.Conversation != "ask-anyone" {
		t.Fatalf("fallback asked %+v, want #ask-anyone once", got)
	}
	if last := w.bodies(from, desk.KindAskerTold); len(last) != 1 || last[0].(desk.AskerTold).Fallback != "ask-anyone" {
		t.Errorf("alice told %+v, want that #ask-anyone was asked", last)
	}
	if a, _ := w.teamAsk(qid); !a.ChannelAsked.Equal(inParis(2, 11, 0)) || a.FallbackAsked.IsZero() {
		t.Errorf("stages %v, %v; want #it at 11:00, then the fallback", a.ChannelAsked, a.FallbackAsked)
	}
}

func TestTeamWithNobodyAroundAsksItsChannelAtOnce(t *testing.T) {
	ctx := context.Background()
	w := newTeamWorld(t, inParis(2, 11, 0), nil)
	w.chat.presence[carol] = knowledge.Presence{Away: true}
	w.chat.presence[dave] = knowledge.Presence{DND: true}
	w.must(w.desk.Ask(ctx, slashAsk("T1", vpn)))
	if got := w.routes("ask:T1"); len(got) != 0 {
		t.Errorf("routes %v, want none: nobody in IT is around", got)
	}
	team := w.bodies(1, desk.KindTeamAsked)
	if len(team) != 1 || team[0].(desk.TeamAsked).Gap != desk.GapNobodyAvailable || team[0].(desk.TeamAsked).Expert != "" {
		t.Errorf("the team's channel heard %+v, want one message saying nobody could be asked", team)
	}
	if got := w.bodies(1, desk.KindFallbackAsked); len(got) != 0 {
		t.Errorf("fallback notices %+v, want none: the team's own message asks", got)
	}
	told := w.bodies(1, desk.KindAskerTold)
	if len(told) != 1 || told[0].(desk.AskerTold).Fallback != itChannel || told[0].(desk.AskerTold).Team == nil {
		t.Errorf("alice told %+v, want #it asked, with IT's promise", told)
	}
}

func TestSureAnswerInvolvesNoTeamUntilTheAskerNeedsHelp(t *testing.T) {
	ctx := context.Background()
	w := newTeamWorld(t, inParis(2, 11, 0), nil)
	w.engine.matches = []knowledge.Match{{
		Question: knowledge.Question{ID: "q-pub", Conversation: general, Thread: "1.000001"},
		Answer:   knowledge.Answer{ID: "a-pub", Answerer: bob, Text: "vpn.example.com/reset"}, Confidence: 0.9, Sure: true,
	}}
	w.must(w.desk.Ask(ctx, slashAsk("T1", vpn)))
	if _, ok := w.teamAsk("ask:T1"); ok || len(w.bodies(1, desk.KindTeamAsked)) != 0 {
		t.Fatal("a question answered at once went to a team")
	}
	w.store.deliver()
	w.advance(30 * time.Minute)
	w.must(w.desk.NeedHelp(ctx, desk.Request{Key: "H1", By: alice}, "ask:T1"))
	a, ok := w.teamAsk("ask:T1")
	if !ok || !a.AskedAt.Equal(inParis(2, 11, 30)) || !a.FirstResponse.Due.Equal(inParis(2, 15, 30)) {
		t.Errorf("team ask %+v, want IT's from 11:30, when alice still needed help", a)
	}
	if diff := cmp.Diff(w.routes("ask:T1"), []string{carol + ":pending"}); diff != "" {
		t.Errorf("routes (-got +want):\n%s", diff)
	}
	if told := w.bodies(1, desk.KindAskerTold); len(told) != 1 || told[0].(desk.AskerTold).Team == nil {
		t.Errorf("alice told %+v, want carol asked, with IT's promise", told)
	}
}

// newTakenOnFriday is a team world where a VPN question asked in #general
// on Friday at 16:00 was taken by carol for the IT team; it returns the
// question's id.
func newTakenOnFriday(t *testing.T) (*world, string) {
	t.Helper()
	ctx := context.Background()
	w := newTeamWorld(t, inParis(6, 16, 0), nil)
	qid := "slack:C1:1.000100"
	w.must(w.desk.Ask(ctx, inGeneral("1.000100", vpn)))
	w.store.deliver()
	w.must(w.desk.Decide(ctx, desk.Request{Key: "Take", By: carol}, 1, desk.Take))
	return w, qid
}

// TestPromiseHeldOnTheTeamsClock follows a question asked on Friday at
// 16:00 through the weekend and a night: the first response, 4 working
// hours, falls due on Monday at 11:00; its holder hears at 3 working hours
// (Monday 10:00), the channel at 3h30 (10:30); then the breach is recorded
// and told. The resolution, 2 working days (18 hours), falls due on
// Tuesday at 16:00, across Monday night.
func TestPromiseHeldOnTheTeamsClock(t *testing.T) {
	ctx := context.Background()
	w, qid := newTakenOnFriday(t)
	a, _ := w.teamAsk(qid)
	if !a.FirstResponse.Due.Equal(inParis(9, 11, 0)) || !a.Resolution.Due.Equal(inParis(10, 16, 0)) {
		t.Fatalf("due %v and %v, want Monday 11:00 and Tuesday 16:00", a.FirstResponse.Due.In(paris), a.Resolution.Due.In(paris))
	}
	hold := func(at time.Time) []said {
		t.Helper()
		w.set(at)
		from := w.noticeCount() + 1
		w.must(w.desk.HoldPromises(ctx, false))
		w.must(w.desk.HoldPromises(ctx, false)) // each step once
		return w.saidSince(from)
	}
	for _, quiet := range []time.Time{inParis(6, 17, 59), inParis(7, 12, 0), inParis(8, 23, 0), inParis(9, 9, 59)} {
		if got := hold(quiet); len(got) != 0 {
			t.Errorf("at %v: said %+v, want nothing yet", quiet, got)
		}
	}
	// Dry, nothing happens.
	w.set(inParis(9, 10, 0))
	w.must(w.desk.HoldPromises(ctx, true))
	if a, _ := w.teamAsk(qid); !a.FirstResponse.HolderReminded.IsZero() {
		t.Error("a dry run reminded the holder")
	}

	got := hold(inParis(9, 10, 0))
	if len(got) != 1 || got[0].To != (desk.Address{Conversation: carol}) {
		t.Fatalf("at Monday 10:00: said %+v, want carol reminded in her DM", got)
	}
	due := got[0].Body.(desk.PromiseDue)
	if due.To != desk.ToHolder || due.Deadline != knowledge.FirstResponse || due.Route != 1 || due.Text.Plain != vpn || due.Thread.Thread != "1.000100" {
		t.Errorf("carol's reminder %+v, want the first response, her route, the question and its thread", due)
	}
	// It counts as one of the reminders of the question she took.
	if r := w.store.st.routes[0]; r.Reminders != 1 || !r.RemindedAt.Equal(inParis(9, 10, 0)) {
		t.Errorf("carol's route %+v, want reminded once, now", r)
	}

	got = hold(inParis(9, 10, 30))
	if len(got) != 1 || got[0].To != (desk.Address{Conversation: itChannel}) || got[0].Body.(desk.PromiseDue).Holder != carol {
		t.Fatalf("at Monday 10:30: said %+v, want #it reminded that carol holds it", got)
	}
	if got := hold(inParis(9, 11, 0)); len(got) != 0 {
		t.Errorf("at the deadline: said %+v, want nothing: it is not past", got)
	}
	got = hold(inParis(9, 11, 1))
	if len(got) != 2 || got[0].To != (desk.Address{Conversation: itChannel}) || got[1].To != (desk.Address{Conversation: general, Thread: "1.000100"}) {
		t.Fatalf("after the deadline: said %+v, want #it, then alice in her thread", got)
	}
	for _, s := range got {
		if b := s.Body.(desk.PromiseDue); b.Step != knowledge.StepBreach || b.Deadline != knowledge.FirstResponse {
			t.Errorf("breach notice %+v", b)
		}
	}
	if b := got[1].Body.(desk.PromiseDue); b.To != desk.ToAsker || b.Text != (desk.Quote{}) {
		t.Errorf("alice's notice %+v, want hers, without the question quoted back", b)
	}
	a, _ = w.teamAsk(qid)
	if !a.FirstResponse.BreachedAt.Equal(inParis(9, 11, 1)) {
		t.Errorf("breach recorded at %v, want 11:01", a.FirstResponse.BreachedAt)
	}

	// carol answers late: it counts, and the breach stays.
	w.set(inParis(9, 14, 0))
	w.must(w.desk.Answer(ctx, desk.Message{Key: "A1", ID: "slack:C1:1.000200", Channel: general, TS: "1.000200", Thread: "1.000100", Author: carol, Plain: "Use vpn.example.com/reset"}))
	a, _ = w.teamAsk(qid)
	if !a.FirstResponse.MetAt.Equal(inParis(9, 14, 0)) || a.FirstResponse.Took != 7*time.Hour || a.FirstResponse.Outcome(w.now) != knowledge.OutcomeBroken {
		t.Errorf("first response %+v, want met Monday 14:00 after 7 working hours, still broken", a.FirstResponse)
	}
	// alice accepts it on Tuesday morning: resolved in time.
	w.set(inParis(10, 9, 30))
	w.must(w.desk.Accept(ctx, desk.Request{Key: "OK", By: alice}, "slack:C1:1.000200"))
	a, _ = w.teamAsk(qid)
	if a.Resolution.Took != 11*time.Hour+30*time.Minute || a.Resolution.Outcome(w.now) != knowledge.OutcomeKept {
		t.Errorf("resolution %+v, want kept, after 11h30 of working time", a.Resolution)
	}
	if got := hold(inParis(12, 9, 0)); len(got) != 0 {
		t.Errorf("after the question was solved: said %+v, want nothing", got)
	}
}

// TestNobodyIsRemindedTwiceInARow: the flows' reminder of someone who took
// a team's question says when the promise runs out; the promise's own
// reminder, due soon after, is then not sent; and the promise's reminder
// counts as one of the flows', which waits a full timeout after it.
func TestNobodyIsRemindedTwiceInARow(t *testing.T) {
	ctx := context.Background()
	w := newTeamWorld(t, inParis(2, 9, 0), func(c *desk.Config) { c.AnswerTimeout = time.Hour })
	qid := "slack:C1:1.000100"
	w.must(w.desk.Ask(ctx, inGeneral("1.000100", vpn)))
	w.store.deliver()
	w.must(w.desk.Decide(ctx, desk.Request{Key: "Take", By: carol}, 1, desk.Take))
	// An hour after taking it, the flows remind carol, with IT's
	// promise; at 3 working hours (12:00) the promise would.
	w.set(inParis(2, 11, 50))
	from := w.noticeCount() + 1
	w.must(w.desk.Escalate(ctx, false))
	reminders := w.bodies(from, desk.KindReminder)
	if len(reminders) != 1 || reminders[0].(desk.Reminder).Promise == nil || !reminders[0].(desk.Reminder).Promise.FirstDue.Equal(inParis(2, 13, 0)) {
		t.Fatalf("flows' reminders %+v, want one, saying IT promised a first answer by 13:00", reminders)
	}
	w.set(inParis(2, 12, 0))
	w.must(w.desk.HoldPromises(ctx, false))
	if got := w.bodies(from, desk.KindPromiseDue); len(got) != 0 {
		t.Errorf("carol reminded again ten minutes later: %+v", got)
	}
	if a, _ := w.teamAsk(qid); a.FirstResponse.HolderReminded.IsZero() {
		t.Error("the holder's step was not recorded as done")
	}

	// Another question she takes: the promise's reminder comes first and
	// counts; the flows' next one waits a full timeout after it.
	w.must(w.desk.Ask(ctx, inGeneral("1.000200", "VPN password locked")))
	w.store.deliver()
	route := int64(len(w.store.st.routes))
	w.must(w.desk.Decide(ctx, desk.Request{Key: "Take2", By: carol}, route, desk.Take))
	w.set(inParis(2, 15, 0))
	from = w.noticeCount() + 1
	w.must(w.desk.HoldPromises(ctx, false))
	var toCarol []desk.PromiseDue
	for _, b := range w.bodies(from, desk.KindPromiseDue) {
		if b.(desk.PromiseDue).To == desk.ToHolder {
			toCarol = append(toCarol, b.(desk.PromiseDue))
		}
	}
	if len(toCarol) != 1 || toCarol[0].Route != route {
		t.Fatalf("promise reminders to the holder %+v, want carol's, counted on her route", toCarol)
	}
	w.set(inParis(2, 15, 30))
	w.must(w.desk.Escalate(ctx, false))
	for _, b := range w.bodies(from, desk.KindReminder) {
		if b.(desk.Reminder).Route == route {
			t.Errorf("flows reminded carol half an hour after the promise did: %+v", b)
		}
	}
}

func TestPromiseBreachedWhileTheBotWasDownIsNotRemindedLate(t *testing.T) {
	ctx := context.Background()
	w := newTeamWorld(t, inParis(2, 9, 0), nil)
	qid := "ask:T1"
	w.must(w.desk.Ask(ctx, slashAsk("T1", vpn)))
	w.store.deliver()
	w.set(inParis(3, 9, 0))
	w.must(w.desk.HoldPromises(ctx, false))
	a, _ := w.teamAsk(qid)
	if a.FirstResponse.BreachedAt.IsZero() || !a.FirstResponse.HolderReminded.IsZero() || !a.FirstResponse.ChannelReminded.IsZero() {
		t.Errorf("first response %+v, want breached, with no late reminder", a.FirstResponse)
	}
	if got := w.bodies(1, desk.KindPromiseDue); len(got) != 2 {
		t.Errorf("said %+v, want the breach told to #it and to alice", got)
	}
}

// TestPromiseOfATeamGoneSinceIsStillHeld: IT takes a question on Friday
// at 16:00, then an import drops it, or renames it Helpdesk with another
// channel. The promise is still held on IT's working-hours clock and told
// in #it, where it was taken: on the wall clock, carol would have heard at
// 19:00 and #it at 19:30 that Friday.
func TestPromiseOfATeamGoneSinceIsStillHeld(t *testing.T) {
	for _, tt := range []struct {
		name     string
		reimport func(knowledge.Teams) knowledge.Teams
	}{
		{"removed", func(ts knowledge.Teams) knowledge.Teams { return ts[1:] }},
		{"renamed", func(ts knowledge.Teams) knowledge.Teams {
			ts = slices.Clone(ts)
			ts[0].Name, ts[0].Channel = "Helpdesk", "C0HELP"
			return ts
		}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			ctx := context.Background()
			w, qid := newTakenOnFriday(t)
			w.store.st.teams = tt.reimport(w.store.st.teams)

			hold := func(at time.Time) []said {
				t.Helper()
				w.set(at)
				from := w.noticeCount() + 1
				w.must(w.desk.HoldPromises(ctx, false))
				return w.saidSince(from)
			}
			for _, quiet := range []time.Time{inParis(6, 19, 0), inParis(6, 19, 30), inParis(7, 12, 0), inParis(9, 9, 59)} {
				if got := hold(quiet); len(got) != 0 {
					t.Errorf("at %v: said %+v, want nothing yet on IT's clock", quiet, got)
				}
			}
			if got := hold(inParis(9, 10, 0)); len(got) != 1 || got[0].To != (desk.Address{Conversation: carol}) {
				t.Fatalf("at Monday 10:00: said %+v, want carol reminded", got)
			}
			got := hold(inParis(9, 10, 30))
			if len(got) != 1 || got[0].To != (desk.Address{Conversation: itChannel}) || got[0].Body.(desk.PromiseDue).Step != knowledge.StepRemindChannel {
				t.Fatalf("at Monday 10:30: said %+v, want #it reminded", got)
			}
			if day := got[0].Body.(desk.PromiseDue).Promise.Day; day != 9*time.Hour {
				t.Errorf("#it told of a promise in working days of %v, want IT's 9h", day)
			}
			got = hold(inParis(9, 11, 1))
			if len(got) != 2 || got[0].To != (desk.Address{Conversation: itChannel}) || got[1].Body.(desk.PromiseDue).To != desk.ToAsker {
				t.Fatalf("after the deadline: said %+v, want the breach told to #it, then alice", got)
			}
			// carol's late answer took 7 working hours, not the weekend.
			w.set(inParis(9, 14, 0))
			w.must(w.desk.Answer(ctx, desk.Message{Key: "A1", ID: "slack:C1:1.000200", Channel: general, TS: "1.000200", Thread: "1.000100", Author: carol, Plain: "Use vpn.example.com/reset"}))
			if a, _ := w.teamAsk(qid); a.FirstResponse.Took != 7*time.Hour {
				t.Errorf("first response took %v, want 7 working hours", a.FirstResponse.Took)
			}
		})
	}
}

// TestPromiseRemindsTheChannelOfTheTeamAsImported: IT moves to another
// channel in a new import after taking a question; its reminder and its
// breach go to the new one.
func TestPromiseRemindsTheChannelOfTheTeamAsImported(t *testing.T) {
	ctx := context.Background()
	w := newTeamWorld(t, inParis(2, 9, 0), nil)
	w.must(w.desk.Ask(ctx, slashAsk("T1", vpn)))
	w.store.deliver()
	w.store.st.teams[0].Channel = "C0HELP"
	// Seven eighths of 4 working hours: 12:30.
	w.set(inParis(2, 12, 30))
	from := w.noticeCount() + 1
	w.must(w.desk.HoldPromises(ctx, false))
	got := w.saidSince(from)
	if len(got) != 1 || got[0].To != (desk.Address{Conversation: "C0HELP"}) || got[0].Body.(desk.PromiseDue).Step != knowledge.StepRemindChannel {
		t.Fatalf("at 12:30: said %+v, want IT's new channel reminded", got)
	}
	w.set(inParis(2, 13, 1))
	from = w.noticeCount() + 1
	w.must(w.desk.HoldPromises(ctx, false))
	if got := w.saidSince(from); len(got) != 2 || got[0].To != (desk.Address{Conversation: "C0HELP"}) {
		t.Errorf("after the deadline: said %+v, want the breach told in IT's new channel, then to alice", got)
	}
}

// TestQuestionOfATeamGoneSinceIsRoutedToAnyoneThenItsChannel: once IT is
// dropped, nobody knows its members: the question it took goes to
// whoever knows, as if no team had it, then to #it, where IT took it,
// before the fallback channel.
func TestQuestionOfATeamGoneSinceIsRoutedToAnyoneThenItsChannel(t *testing.T) {
	ctx := context.Background()
	w := newTeamWorld(t, inParis(2, 11, 0), nil)
	w.must(w.desk.Ask(ctx, inGeneral("1.000100", vpn)))
	qid := "slack:C1:1.000100"
	w.store.st.teams = w.store.st.teams[1:]
	from := w.noticeCount() + 1
	w.must(w.desk.Decide(ctx, desk.Request{Key: "N1", By: carol}, 1, desk.NotMe))
	if diff := cmp.Diff(w.routes(qid), []string{carol + ":passed", bob + ":pending"}); diff != "" {
		t.Errorf("routes (-got +want):\n%s", diff)
	}
	if cards := w.bodies(from, desk.KindExpertAsked); len(cards) != 1 || cards[0].(desk.ExpertAsked).Team != "" {
		t.Errorf("bob's card %+v, want one naming no team: he is in none", cards)
	}
	w.must(w.desk.Decide(ctx, desk.Request{Key: "N2", By: bob}, 2, desk.NotMe))
	w.must(w.desk.Decide(ctx, desk.Request{Key: "N3", By: dave}, 3, desk.NotMe))
	var asked []string
	for _, s := range w.saidSince(from) {
		if s.Body.Kind() == desk.KindFallbackAsked {
			asked = append(asked, s.To.Conversation)
		}
	}
	if diff := cmp.Diff(asked, []string{itChannel}); diff != "" {
		t.Errorf("channels asked (-got +want):\n%s", diff)
	}
	if a, _ := w.teamAsk(qid); a.ChannelAsked.IsZero() || !a.FallbackAsked.IsZero() {
		t.Errorf("stages %v, %v; want #it asked, not the fallback yet", a.ChannelAsked, a.FallbackAsked)
	}
}

func TestAnonymousTeamQuestion(t *testing.T) {
	ctx := context.Background()
	w := newTeamWorld(t, inParis(2, 11, 0), nil)
	// alice is in Sales, which IT promises faster service: an anonymous
	// question is held to the promise made to everyone.
	w.store.st.teams[1].Members = append(w.store.st.teams[1].Members, alice)
	w.store.st.teams[0].Promises = append([]knowledge.Promise{{From: "Sales", FirstResponse: time.Hour}}, w.store.st.teams[0].Promises...)
	w.must(w.desk.Ask(ctx, anonDirect("T1", vpn)))
	qid := "anon:T1"
	a, ok := w.teamAsk(qid)
	if !ok || !a.Anonymous || a.Requester != "" || a.FirstResponse.Within != 4*time.Hour {
		t.Errorf("team ask %+v, want anonymous, of no requesting team, held to the promise to everyone", a)
	}
	team := w.bodies(1, desk.KindTeamAsked)
	if len(team) != 1 || team[0].(desk.TeamAsked).Asker != "" || !team[0].(desk.TeamAsked).Private || team[0].(desk.TeamAsked).Text != (desk.Quote{}) {
		t.Errorf("the team's channel heard %+v, want nobody named and nothing quoted", team)
	}
	w.store.deliver()
	w.set(inParis(2, 16, 0))
	w.must(w.desk.HoldPromises(ctx, false))
	if got := w.bodies(1, desk.KindPromiseDue); len(got) != 2 {
		t.Errorf("breach told %d times, want to #it and to the asker", len(got))
	}
	w.wantNoTrace(qid)

	// Their own team's question, asked with their name, names its
	// requesting team, and is internal: no promise holds.
	w.must(w.desk.Ask(ctx, slashAsk("T2", "Which discount for a reseller?")))
	if a, _ := w.teamAsk("ask:T2"); a.Requester != "Sales" || a.FirstResponse.Promised() {
		t.Errorf("team ask %+v, want Sales's own, with no promise", a)
	}
}

func TestTeamCommands(t *testing.T) {
	ctx := context.Background()
	w := newTeamWorld(t, inParis(2, 11, 0), nil)
	w.chat.conversations[itChannel] = knowledge.Conversation{ID: itChannel, Name: "it", Kind: knowledge.KindPublic}
	reply := func(by, key string, err error) desk.Reply {
		t.Helper()
		if err != nil {
			w.must(w.desk.Refuse(ctx, desk.Request{Key: key, By: by, To: desk.Address{Reply: "r"}}, err))
		}
		for _, s := range w.saidSince(1) {
			if s.Key == key+"/reply" {
				if r, ok := s.Body.(desk.Reply); ok {
					return r
				}
			}
		}
		t.Fatalf("no reply to %s", key)
		return desk.Reply{}
	}
	req := func(by, key string) desk.Request { return desk.Request{Key: key, By: by, To: desk.Address{Reply: "r"}} }

	w.must(w.desk.ShowTeams(ctx, req(carol, "S1")))
	w.must(w.desk.ShowTeams(ctx, req(bob, "S2")))
	shown := map[string]desk.TeamsShown{}
	for _, s := range w.saidSince(1) {
		if b, ok := s.Body.(desk.TeamsShown); ok {
			shown[s.Key] = b
		}
	}
	if c := shown["S1/reply"]; len(c.Teams) != 1 || c.Teams[0].Name != "IT" || c.Teams[0].Members != 2 || len(c.Teams[0].Promises) != 1 || c.Teams[0].Zone != "Europe/Paris" || len(c.Others) != 0 {
		t.Errorf("carol shown %+v, want IT and its promise", c)
	}
	if b := shown["S2/reply"]; len(b.Teams) != 0 || len(b.Others) != 2 {
		t.Errorf("bob shown %+v, want no team of his, and the two teams there are", b)
	}

	for _, tt := range []struct {
		by, key, team string
		want          desk.Reply
	}{
		{bob, "R1", "", desk.Reply{Say: desk.SayNoTeam}},
		{frank, "R2", "", desk.Reply{Say: desk.SayTeamNoChannel, Detail: "Sales"}},
		{frank, "R3", "IT", desk.Reply{Say: desk.SayNotInTeam, Detail: "IT", Teams: "Sales"}},
		{dave, "R4", "", desk.Reply{Say: desk.SayTeamNotInChannel, Detail: "IT", Channel: itChannel}},
	} {
		if tt.key == "R4" {
			delete(w.chat.conversations, itChannel) // the bot is not in #it
		}
		err := w.desk.PostReview(ctx, req(tt.by, tt.key), tt.team, knowledge.Date{})
		if err == nil {
			t.Errorf("%s: review posted, want refused", tt.key)
			continue
		}
		if got := reply(tt.by, tt.key, err); got != tt.want {
			t.Errorf("%s: reply %+v, want %+v", tt.key, got, tt.want)
		}
	}
	w.chat.conversations[itChannel] = knowledge.Conversation{ID: itChannel, Name: "it", Kind: knowledge.KindPublic}
	w.must(w.desk.PostReview(ctx, req(carol, "R5"), "it", knowledge.Date{}))
	var review []said
	for _, s := range w.saidSince(1) {
		if s.Body.Kind() == desk.KindTeamReview {
			review = append(review, s)
		}
	}
	want := desk.TeamReview{Team: "IT", Since: inParis(2, 11, 0).AddDate(0, -6, 0), Until: inParis(2, 11, 0)}
	if len(review) != 1 || review[0].To.Conversation != itChannel || review[0].Body != want {
		t.Errorf("review %+v, want %+v in #it", review, want)
	}
	if got := reply(carol, "R5", nil); got != (desk.Reply{Say: desk.SayReviewPosted, Detail: "IT", Channel: itChannel}) {
		t.Errorf("carol told %+v, want the review posted in #it", got)
	}
}
