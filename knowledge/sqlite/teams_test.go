package sqlite

import (
	"context"
	"errors"
	"fmt"
	"path/filepath"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"github.com/nextdesk/nextdesk/knowledge"
	"github.com/nextdesk/nextdesk/knowledge/desk"
)

func testTeams(t *testing.T) knowledge.Teams {
	t.Helper()
	paris, err := time.LoadLocation("Europe/Paris")
	if err != nil {
		t.Fatal(err)
	}
	var week [7][]knowledge.Span
	for d := time.Monday; d <= time.Friday; d++ {
		week[d] = []knowledge.Span{{From: 540, To: 750}, {From: 840, To: 1080}}
	}
	hours, err := knowledge.NewWorkHours(paris, week, []knowledge.Date{{Year: 2026, Month: time.December, Day: 25}})
	if err != nil {
		t.Fatal(err)
	}
	return knowledge.Teams{
		{Name: "Comptabilité", Channel: "C0COMPTA", Members: []string{"UA1", "UA2"}, Hours: hours,
			Topics: []knowledge.Topic{
				{Name: "expenses", Words: []string{"note de frais", "expense report"}, Examples: []string{"How do I submit an expense report?"}},
				{Name: "invoices", Words: []string{"facture"}},
			},
			Promises: []knowledge.Promise{
				{Topic: "expenses", From: "Sales", FirstResponse: 2 * time.Hour, Resolution: 8 * time.Hour},
				{FirstResponse: 4 * time.Hour},
			}},
		{Name: "Sales", Channel: "#sales", Members: []string{"US1"}},
	}
}

// teamTx runs fn on the team side of a desk transaction.
func teamTx(t *testing.T, db *DB, key string, fn func(desk.TeamTx) error) {
	t.Helper()
	mustOnce(t, db, key, func(tx desk.Tx) error { return fn(tx.(desk.TeamTx)) })
}

var cmpHours = cmp.Comparer(func(a, b knowledge.WorkHours) bool {
	return a.WallClock() == b.WallClock() && cmp.Equal(a.Week(), b.Week()) && cmp.Equal(a.Holidays(), b.Holidays()) &&
		(a.WallClock() || a.Zone().String() == b.Zone().String())
})

func TestReplaceTeams(t *testing.T) {
	ctx := context.Background()
	db := mustOpenTemp(t)
	teams := testTeams(t)
	if err := db.ReplaceTeams(ctx, teams); err != nil {
		t.Fatal(err)
	}
	got, err := db.Teams(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(got, teams, cmpHours, cmpopts.EquateEmpty()); diff != "" {
		t.Errorf("teams read back (-got +want):\n%s", diff)
	}
	viaDesk, err := read(t, db, func(r desk.Reader) (knowledge.Teams, error) { return r.(desk.TeamReader).Teams(ctx) })
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(viaDesk, teams, cmpHours, cmpopts.EquateEmpty()); diff != "" {
		t.Errorf("teams read by the desk (-got +want):\n%s", diff)
	}

	// A re-import replaces everything.
	again := knowledge.Teams{{Name: "RH", Members: []string{"UR1"}, Topics: []knowledge.Topic{{Name: "leave", Words: []string{"congés"}}}}}
	if err := db.ReplaceTeams(ctx, again); err != nil {
		t.Fatal(err)
	}
	if got, _ := db.Teams(ctx); !cmp.Equal(got, again, cmpHours, cmpopts.EquateEmpty()) {
		t.Errorf("after a re-import: %+v, want %+v", got, again)
	}

	for _, bad := range []knowledge.Teams{{{Name: " "}}, {{Name: "IT"}, {Name: "it"}}} {
		if err := db.ReplaceTeams(ctx, bad); knowledge.ErrorCode(err) != knowledge.EINVALID {
			t.Errorf("ReplaceTeams(%+v) = %v, want EINVALID", bad, err)
		}
	}
	if got, _ := db.Teams(ctx); len(got) != 1 || got[0].Name != "RH" {
		t.Errorf("a refused import changed the teams: %+v", got)
	}
}

func TestTeamAsks(t *testing.T) {
	ctx := context.Background()
	db := mustOpenTemp(t)
	teams := testTeams(t)
	if err := db.ReplaceTeams(ctx, teams); err != nil {
		t.Fatal(err)
	}
	compta := teams[0]
	paris := compta.Hours.Zone()
	at := func(d, hh, mm int) time.Time { return time.Date(2026, time.November, d, hh, mm, 0, 0, paris).UTC() }
	ask := func(id string, asked time.Time, as knowledge.Assignment) knowledge.TeamAsk {
		askQuestion(t, db, "ask:"+id, knowledge.Question{ID: id, Asker: "US1", Conversation: "C1", Text: "note de frais ?", Time: asked},
			knowledge.Ask{QuestionID: id, Asker: "US1", Channel: "C1"})
		a := knowledge.NewTeamAsk(id, asked, as, compta, false)
		teamTx(t, db, "team:"+id, func(tx desk.TeamTx) error { return tx.AddTeamAsk(ctx, a) })
		return a
	}
	promised := knowledge.Assignment{Team: compta.Name, Topic: "expenses", Requester: "Sales", Promised: true, Match: 1,
		Promise: compta.Promises[0]}
	q1 := ask("q1", at(20, 16, 0), promised)                                                               // due Friday 18:00
	q2 := ask("q2", at(23, 9, 0), promised)                                                                // due Monday 11:00
	q3 := ask("q3", at(23, 10, 0), knowledge.Assignment{Team: compta.Name, Topic: "invoices", Match: 0.7}) // nothing promised

	got, err := read(t, db, func(r desk.Reader) (knowledge.TeamAsk, error) { return r.(desk.TeamReader).TeamAsk(ctx, "q1") })
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(got, q1, cmpHours, cmpopts.EquateApproxTime(0)); diff != "" {
		t.Errorf("TeamAsk (-got +want):\n%s", diff)
	}
	if got.Channel != "C0COMPTA" || got.Hours.WallClock() {
		t.Errorf("TeamAsk kept channel %q and hours %+v, want Comptabilité's", got.Channel, got.Hours)
	}
	if _, err := read(t, db, func(r desk.Reader) (knowledge.TeamAsk, error) { return r.(desk.TeamReader).TeamAsk(ctx, "nope") }); knowledge.ErrorCode(err) != knowledge.ENOTFOUND {
		t.Errorf("TeamAsk of a question no team took: %v, want ENOTFOUND", err)
	}

	held := func() []string {
		t.Helper()
		asks, err := read(t, db, func(r desk.Reader) ([]knowledge.TeamAsk, error) { return r.(desk.TeamReader).HeldAsks(ctx, 10) })
		if err != nil {
			t.Fatal(err)
		}
		var ids []string
		for _, a := range asks {
			ids = append(ids, a.QuestionID)
		}
		return ids
	}
	if diff := cmp.Diff(held(), []string{"q1", "q2"}); diff != "" {
		t.Errorf("held asks, soonest due first (-got +want):\n%s", diff)
	}

	// Each step is recorded once.
	twice := func(name string, fn func(tx desk.TeamTx) (bool, error)) {
		t.Helper()
		var first, second bool
		teamTx(t, db, name+"/1", func(tx desk.TeamTx) (err error) { first, err = fn(tx); return err })
		teamTx(t, db, name+"/2", func(tx desk.TeamTx) (err error) { second, err = fn(tx); return err })
		if !first || second {
			t.Errorf("%s: first %v, second %v; want true then false", name, first, second)
		}
	}
	twice("remind q2", func(tx desk.TeamTx) (bool, error) {
		return tx.RecordReminder(ctx, "q2", knowledge.FirstResponse, knowledge.StepRemindHolder, at(23, 10, 30))
	})
	twice("remind q2 channel", func(tx desk.TeamTx) (bool, error) {
		return tx.RecordReminder(ctx, "q2", knowledge.FirstResponse, knowledge.StepRemindChannel, at(23, 10, 45))
	})
	twice("breach q2", func(tx desk.TeamTx) (bool, error) {
		return tx.RecordBreach(ctx, "q2", knowledge.FirstResponse, at(23, 11, 1))
	})
	twice("meet q1", func(tx desk.TeamTx) (bool, error) {
		return tx.MeetDeadline(ctx, "q1", knowledge.FirstResponse, at(20, 17, 0), time.Hour)
	})
	// A late answer is recorded, for the review's medians, and does not
	// undo the breach.
	twice("meet q2 late", func(tx desk.TeamTx) (bool, error) {
		return tx.MeetDeadline(ctx, "q2", knowledge.FirstResponse, at(23, 12, 0), 2*time.Hour+30*time.Minute)
	})
	teamTx(t, db, "bad reminder", func(tx desk.TeamTx) error {
		if _, err := tx.RecordReminder(ctx, "q2", knowledge.FirstResponse, knowledge.StepBreach, at(23, 12, 0)); knowledge.ErrorCode(err) != knowledge.EINVALID {
			t.Errorf("a breach recorded as a reminder: %v, want EINVALID", err)
		}
		if _, err := tx.RecordBreach(ctx, "nope", knowledge.FirstResponse, at(23, 12, 0)); knowledge.ErrorCode(err) != knowledge.ENOTFOUND {
			t.Errorf("breach of a question no team took: %v, want ENOTFOUND", err)
		}
		if err := tx.AddTeamAsk(ctx, q3); knowledge.ErrorCode(err) != knowledge.ECONFLICT {
			t.Errorf("a question taken twice: %v, want ECONFLICT", err)
		}
		if err := tx.AddTeamAsk(ctx, knowledge.TeamAsk{QuestionID: "unknown", Team: "X"}); knowledge.ErrorCode(err) != knowledge.ENOTFOUND {
			t.Errorf("a team ask of an unknown question: %v, want ENOTFOUND", err)
		}
		return nil
	})
	// Both resolutions are still held: q1's due Monday 16:30, q2's
	// Tuesday 09:30.
	if diff := cmp.Diff(held(), []string{"q1", "q2"}); diff != "" {
		t.Errorf("held asks after the first responses (-got +want):\n%s", diff)
	}

	// The history outlives a re-import without the team.
	if err := db.ReplaceTeams(ctx, nil); err != nil {
		t.Fatal(err)
	}
	asks, err := db.TeamAsks(ctx, at(20, 0, 0), at(24, 0, 0))
	if err != nil {
		t.Fatal(err)
	}
	if len(asks) != 3 {
		t.Fatalf("TeamAsks = %d asks, want 3", len(asks))
	}
	want2 := q2.FirstResponse
	want2.HolderReminded, want2.ChannelReminded, want2.BreachedAt = at(23, 10, 30), at(23, 10, 45), at(23, 11, 1)
	want2.MetAt, want2.Took = at(23, 12, 0), 2*time.Hour+30*time.Minute
	if got := want2.Outcome(at(24, 0, 0)); got != knowledge.OutcomeBroken {
		t.Errorf("q2's first response, breached then met late: %s, want broken", got)
	}
	if diff := cmp.Diff(asks[1].FirstResponse, want2, cmpopts.EquateApproxTime(0)); diff != "" {
		t.Errorf("q2's first response (-got +want):\n%s", diff)
	}
	want1 := q1.FirstResponse
	want1.MetAt, want1.Took = at(20, 17, 0), time.Hour
	if diff := cmp.Diff(asks[0].FirstResponse, want1, cmpopts.EquateApproxTime(0)); diff != "" {
		t.Errorf("q1's first response (-got +want):\n%s", diff)
	}
	if asks[2].FirstResponse.Promised() || asks[2].Topic != "invoices" {
		t.Errorf("q3 read back as %+v", asks[2])
	}
	if later, _ := db.TeamAsks(ctx, at(23, 9, 30), at(30, 0, 0)); len(later) != 1 || later[0].QuestionID != "q3" {
		t.Errorf("TeamAsks from Monday 09:30 = %+v, want q3 only", later)
	}
	// So does the team as it took them, for its promises.
	for _, a := range asks {
		if a.Channel != compta.Channel || !cmp.Equal(a.Hours, compta.Hours, cmpHours) {
			t.Errorf("%s after the re-import: channel %q, hours %+v; want Comptabilité's", a.QuestionID, a.Channel, a.Hours)
		}
	}
}

// TestTeamAskTakenBeforeItsTeamWasKept: a question taken before migration
// 17 kept the team's channel and hours has none: no channel, and the wall
// clock, as the desk held it before.
func TestTeamAskTakenBeforeItsTeamWasKept(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "nextdesk.db")
	old, err := openMigrated(path, embedded(t)[:16])
	if err != nil {
		t.Fatal(err)
	}
	asked := time.Date(2026, time.November, 23, 9, 0, 0, 0, time.UTC)
	askQuestion(t, old, "ask:q1", knowledge.Question{ID: "q1", Asker: "US1", Conversation: "C1", Text: "facture ?", Time: asked},
		knowledge.Ask{QuestionID: "q1", Asker: "US1", Channel: "C1"})
	for _, stmt := range []string{
		fmt.Sprintf(`INSERT INTO team_asks (question_id, team, topic, requester, anonymous, match, asked_at)
			VALUES ('q1', 'Comptabilité', 'invoices', '', 0, 1, %d)`, asked.UnixNano()),
		fmt.Sprintf(`INSERT INTO team_deadlines (question_id, kind, within, due) VALUES ('q1', 'first_response', %d, %d)`,
			int64(4*time.Hour), asked.Add(4*time.Hour).UnixNano()),
	} {
		if _, err := old.write.ExecContext(ctx, stmt); err != nil {
			t.Fatal(err)
		}
	}
	if err := old.Close(); err != nil {
		t.Fatal(err)
	}
	db, err := Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	got, err := read(t, db, func(r desk.Reader) (knowledge.TeamAsk, error) { return r.TeamAsk(ctx, "q1") })
	if err != nil {
		t.Fatal(err)
	}
	if got.Channel != "" || !got.Hours.WallClock() || !got.FirstResponse.Due.Equal(asked.Add(4*time.Hour)) {
		t.Errorf("team ask from before the migration: channel %q, hours %+v, first response %+v; want no channel, the wall clock, due at 13:00",
			got.Channel, got.Hours, got.FirstResponse)
	}
}

// TestTeamChannelStage checks the stages of a team's question nobody in
// the team answered: its channel asked, then, past the timeout and still
// unanswered, the fallback channel, each recorded once.
func TestTeamChannelStage(t *testing.T) {
	ctx := context.Background()
	db := mustOpenTemp(t)
	teams := testTeams(t)
	if err := db.ReplaceTeams(ctx, teams); err != nil {
		t.Fatal(err)
	}
	at := func(h int) time.Time { return time.Date(2026, time.November, 23, h, 0, 0, 0, time.UTC) }
	for _, id := range []string{"q1", "q2", "q3"} {
		askQuestion(t, db, "ask:"+id, knowledge.Question{ID: id, Asker: "US1", Conversation: "C1", Text: "facture ?", Time: at(8)},
			knowledge.Ask{QuestionID: id, Asker: "US1", Channel: "C1"})
		a := knowledge.NewTeamAsk(id, at(8), knowledge.Assignment{Team: "Comptabilité", Topic: "invoices"}, teams[0], false)
		teamTx(t, db, "team:"+id, func(tx desk.TeamTx) error { return tx.AddTeamAsk(ctx, a) })
	}
	waiting := func(before time.Time) []string {
		t.Helper()
		asks, err := read(t, db, func(r desk.Reader) ([]knowledge.TeamAsk, error) { return r.ChannelAsks(ctx, before, 10) })
		if err != nil {
			t.Fatal(err)
		}
		var ids []string
		for _, a := range asks {
			ids = append(ids, a.QuestionID)
		}
		return ids
	}
	mustOnce(t, db, "stage", func(tx desk.Tx) error {
		for i, id := range []string{"q2", "q1", "q3"} {
			if changed, err := tx.MarkChannelAsked(ctx, id, at(9+i)); err != nil || !changed {
				return fmt.Errorf("channel asked about %s: %v, %w", id, changed, err)
			}
			if err := tx.SetAskStatus(ctx, id, knowledge.StatusUnanswered, ""); err != nil {
				return err
			}
		}
		if changed, err := tx.MarkChannelAsked(ctx, "q1", at(12)); err != nil || changed {
			return fmt.Errorf("channel asked twice: %v, %w", changed, err)
		}
		if _, err := tx.MarkChannelAsked(ctx, "nope", at(12)); knowledge.ErrorCode(err) != knowledge.ENOTFOUND {
			return fmt.Errorf("channel asked about a question no team took: %w, want ENOTFOUND", err)
		}
		// q3 got an answer meanwhile.
		return tx.SetAskStatus(ctx, "q3", knowledge.StatusAnswered, "")
	})
	if diff := cmp.Diff(waiting(at(11)), []string{"q2", "q1"}); diff != "" {
		t.Errorf("waiting in the channel before 11:00, longest first (-got +want):\n%s", diff)
	}
	if diff := cmp.Diff(waiting(at(10)), []string{"q2"}); diff != "" {
		t.Errorf("waiting in the channel before 10:00 (-got +want):\n%s", diff)
	}
	mustOnce(t, db, "fallback", func(tx desk.Tx) error {
		changed, err := tx.MarkFallbackAsked(ctx, "q2", at(14))
		if err == nil && !changed {
			err = errors.New("the fallback asked about q2 was not recorded")
		}
		return err
	})
	if diff := cmp.Diff(waiting(at(23)), []string{"q1"}); diff != "" {
		t.Errorf("waiting in the channel after q2 went to the fallback (-got +want):\n%s", diff)
	}
	got, err := read(t, db, func(r desk.Reader) (knowledge.TeamAsk, error) { return r.TeamAsk(ctx, "q2") })
	if err != nil {
		t.Fatal(err)
	}
	if !got.ChannelAsked.Equal(at(9)) || !got.FallbackAsked.Equal(at(14)) {
		t.Errorf("q2's stages read back: channel %v, fallback %v; want %v, %v", got.ChannelAsked, got.FallbackAsked, at(9), at(14))
	}
}
