package desk_test

import (
	"context"
	"slices"
	"strings"
	"time"

	"github.com/nextdesk/nextdesk/knowledge"
)

// The fake store's side of teams and their promises.

func (t *tx) Teams(context.Context) (knowledge.Teams, error) { return slices.Clone(t.st.teams), nil }

func (t *tx) TeamAsk(_ context.Context, id string) (knowledge.TeamAsk, error) {
	a, ok := t.st.teamAsks[id]
	if !ok {
		return a, notFound("team ask")
	}
	return a, nil
}

// sortedTeamAsks returns the team asks keep selects, ordered by key.
func (t *tx) sortedTeamAsks(keep func(knowledge.TeamAsk) bool, key func(knowledge.TeamAsk) time.Time, limit int) []knowledge.TeamAsk {
	var out []knowledge.TeamAsk
	for _, a := range t.st.teamAsks {
		if keep(a) {
			out = append(out, a)
		}
	}
	slices.SortFunc(out, func(a, b knowledge.TeamAsk) int {
		if c := key(a).Compare(key(b)); c != 0 {
			return c
		}
		return strings.Compare(a.QuestionID, b.QuestionID)
	})
	return out[:min(len(out), limit)]
}

func held(d knowledge.Deadline) bool { return d.Promised() && !d.Met() && d.BreachedAt.IsZero() }

func (t *tx) HeldAsks(_ context.Context, limit int) ([]knowledge.TeamAsk, error) {
	next := func(a knowledge.TeamAsk) time.Time {
		var due time.Time
		for _, d := range []knowledge.Deadline{a.FirstResponse, a.Resolution} {
			if held(d) && (due.IsZero() || d.Due.Before(due)) {
				due = d.Due
			}
		}
		return due
	}
	return t.sortedTeamAsks(func(a knowledge.TeamAsk) bool { return !next(a).IsZero() }, next, limit), nil
}

func (t *tx) ChannelAsks(_ context.Context, before time.Time, limit int) ([]knowledge.TeamAsk, error) {
	keep := func(a knowledge.TeamAsk) bool {
		return !a.ChannelAsked.IsZero() && a.FallbackAsked.IsZero() && a.ChannelAsked.Before(before) &&
			t.st.asks[a.QuestionID].Status == knowledge.StatusUnanswered
	}
	return t.sortedTeamAsks(keep, func(a knowledge.TeamAsk) time.Time { return a.ChannelAsked }, limit), nil
}

func (t *tx) AddTeamAsk(_ context.Context, a knowledge.TeamAsk) error {
	if a.QuestionID == "" || a.Team == "" {
		return knowledge.Errorf(knowledge.EINVALID, "A team's question needs a question and a team.")
	}
	if _, ok := t.st.questions[a.QuestionID]; !ok {
		return notFound("question")
	}
	if _, ok := t.st.teamAsks[a.QuestionID]; ok {
		return knowledge.Errorf(knowledge.ECONFLICT, "A team already took that question.")
	}
	if a.AskedAt.IsZero() {
		a.AskedAt = t.now
	}
	if a.Anonymous {
		a.Requester = ""
	}
	t.st.teamAsks[a.QuestionID] = a
	return nil
}

// deadline applies change to the deadline of kind of question id, and
// reports whether it changed anything.
func (t *tx) deadline(id string, kind knowledge.DeadlineKind, change func(*knowledge.Deadline) bool) (bool, error) {
	a, ok := t.st.teamAsks[id]
	if !ok {
		return false, notFound("team ask")
	}
	d := &a.FirstResponse
	if kind == knowledge.Resolution {
		d = &a.Resolution
	}
	if !change(d) {
		return false, nil
	}
	t.st.teamAsks[id] = a
	return true, nil
}

func (t *tx) MeetDeadline(_ context.Context, id string, kind knowledge.DeadlineKind, at time.Time, took time.Duration) (bool, error) {
	return t.deadline(id, kind, func(d *knowledge.Deadline) bool {
		if d.Met() {
			return false
		}
		d.MetAt, d.Took = at, took
		return true
	})
}

func (t *tx) RecordReminder(_ context.Context, id string, kind knowledge.DeadlineKind, step knowledge.Step, at time.Time) (bool, error) {
	if step != knowledge.StepRemindHolder && step != knowledge.StepRemindChannel {
		return false, knowledge.Errorf(knowledge.EINVALID, "%q is not a reminder.", step)
	}
	return t.deadline(id, kind, func(d *knowledge.Deadline) bool {
		when := &d.HolderReminded
		if step == knowledge.StepRemindChannel {
			when = &d.ChannelReminded
		}
		if !when.IsZero() {
			return false
		}
		*when = at
		return true
	})
}

func (t *tx) RecordBreach(_ context.Context, id string, kind knowledge.DeadlineKind, at time.Time) (bool, error) {
	return t.deadline(id, kind, func(d *knowledge.Deadline) bool {
		if !d.BreachedAt.IsZero() {
			return false
		}
		d.BreachedAt = at
		return true
	})
}

// stage sets one of a team ask's stage times once.
func (t *tx) stage(id string, at time.Time, field func(*knowledge.TeamAsk) *time.Time) (bool, error) {
	a, ok := t.st.teamAsks[id]
	if !ok {
		return false, notFound("team ask")
	}
	if f := field(&a); f.IsZero() {
		*f = at
		t.st.teamAsks[id] = a
		return true, nil
	}
	return false, nil
}

func (t *tx) MarkChannelAsked(_ context.Context, id string, at time.Time) (bool, error) {
	return t.stage(id, at, func(a *knowledge.TeamAsk) *time.Time { return &a.ChannelAsked })
}

func (t *tx) MarkFallbackAsked(_ context.Context, id string, at time.Time) (bool, error) {
	return t.stage(id, at, func(a *knowledge.TeamAsk) *time.Time { return &a.FallbackAsked })
}
