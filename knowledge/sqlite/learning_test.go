package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"github.com/nextdesk/nextdesk/knowledge"
	"github.com/nextdesk/nextdesk/knowledge/desk"
)

func TestOffersAndRoutedQuestionsRead(t *testing.T) {
	ctx := context.Background()
	db := MustOpen(t)
	mustImport(t, db, fixture())
	now := epoch
	db.Now = func() time.Time { return now }
	ask := func(id string) {
		t.Helper()
		err := db.do(ctx, func(tx *deskTx) error {
			if err := tx.AddQuestion(ctx, knowledge.Question{ID: id, Asker: "U1", Conversation: "C1", Text: "question " + id}); err != nil {
				return err
			}
			return tx.AddAsk(ctx, knowledge.Ask{QuestionID: id, Asker: "U1", Channel: "C1", Thread: id, Status: knowledge.StatusOpen})
		})
		if err != nil {
			t.Fatal(err)
		}
	}
	route := func(id, expert string) int64 {
		t.Helper()
		var rid int64
		if err := db.do(ctx, func(tx *deskTx) (err error) {
			rid, err = tx.AddRoute(ctx, knowledge.Route{QuestionID: id, Expert: expert})
			return err
		}); err != nil {
			t.Fatal(err)
		}
		return rid
	}
	// q-old was routed before the window; q-a went to U2 then U3, who
	// answered; q-b is offered, and nobody answered it.
	ask("q-old")
	route("q-old", "U2")
	now = now.Add(48 * time.Hour)
	since := now.Add(-time.Hour)
	ask("q-a")
	first := route("q-a", "U2")
	if err := db.do(ctx, func(tx *deskTx) error { return tx.SetRouteOutcome(ctx, first, knowledge.RoutePassed) }); err != nil {
		t.Fatal(err)
	}
	route("q-a", "U3")
	if err := db.upsertAnswer(ctx, "q-a", knowledge.Answer{ID: "ans-a", Answerer: "U3", Text: "this", Time: now}); err != nil {
		t.Fatal(err)
	}
	ask("q-b")
	err := db.do(ctx, func(tx *deskTx) error {
		if err := tx.RecordOffer(ctx, desk.Offer{QuestionID: "q-a", Match: "q-pub", Answer: "a-pub-1", Confidence: 0.3, Model: 1}); err != nil {
			return err
		}
		return tx.RecordOffer(ctx, desk.Offer{QuestionID: "q-b", Match: "q-pub", Answer: "a-pub-1", Confidence: 0.7, Offered: true, Model: 1})
	})
	if err != nil {
		t.Fatal(err)
	}
	if err := db.do(ctx, func(tx *deskTx) error { return tx.SetOfferOutcome(ctx, "q-b", desk.OfferSolved) }); err != nil {
		t.Fatal(err)
	}

	offers, err := db.Offers(ctx, since)
	if err != nil {
		t.Fatal(err)
	}
	wantOffers := []desk.OfferRecord{
		{Offer: desk.Offer{QuestionID: "q-a", Match: "q-pub", Answer: "a-pub-1", Confidence: 0.3, At: now, Model: 1}, Answered: true},
		{Offer: desk.Offer{QuestionID: "q-b", Match: "q-pub", Answer: "a-pub-1", Confidence: 0.7, Offered: true, At: now, Model: 1}, Outcome: desk.OfferSolved},
	}
	if diff := cmp.Diff(offers, wantOffers, cmpopts.EquateApproxTime(0)); diff != "" {
		t.Errorf("Offers (-got +want):\n%s", diff)
	}
	routed, err := db.RoutedQuestions(ctx, since)
	if err != nil {
		t.Fatal(err)
	}
	type summary struct {
		Question  string
		Experts   []string
		Answerers []string
		Status    knowledge.Status
	}
	var got []summary
	for _, q := range routed {
		s := summary{Question: q.QuestionID, Answerers: q.Answerers, Status: q.Status}
		for _, r := range q.Routes {
			s.Experts = append(s.Experts, r.Expert+":"+string(r.Outcome))
		}
		got = append(got, s)
	}
	want := []summary{{Question: "q-a", Experts: []string{"U2:passed", "U3:pending"}, Answerers: []string{"U3"}, Status: knowledge.StatusOpen}}
	if diff := cmp.Diff(got, want); diff != "" {
		t.Errorf("RoutedQuestions (-got +want):\n%s", diff)
	}
}

func TestCalibrationsKept(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "nextdesk.db")
	db, err := Open(path)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := db.LatestCalibration(ctx); knowledge.ErrorCode(err) != knowledge.ENOTFOUND {
		t.Errorf("LatestCalibration of a new store: %v, want ENOTFOUND", err)
	}
	cals := []desk.Calibration{
		{At: epoch, Model: 1, Threshold: 0.5, Reason: desk.CalibrationTooFew, Outcomes: 3, Judged: 2},
		{At: epoch.Add(time.Hour), Model: 1, Threshold: 0.62, Reason: desk.CalibrationLearned, Outcomes: 80, Judged: 60, Above: 50, Right: 41},
	}
	for _, c := range cals {
		if err := db.RecordCalibration(ctx, c); err != nil {
			t.Fatal(err)
		}
	}
	if err := db.RecordCalibration(ctx, desk.Calibration{At: epoch, Threshold: 1.5}); knowledge.ErrorCode(err) != knowledge.EINVALID {
		t.Errorf("a threshold of 1.5: %v, want EINVALID", err)
	}
	db.Close()

	// A restart, or another process while serve runs, reads the last one.
	ro, err := OpenReadOnly(path)
	if err != nil {
		t.Fatal(err)
	}
	defer ro.Close()
	got, err := ro.LatestCalibration(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(got, cals[1], cmpopts.EquateApproxTime(0)); diff != "" {
		t.Errorf("LatestCalibration (-got +want):\n%s", diff)
	}
	if err := ro.RecordCalibration(ctx, cals[0]); !errors.Is(err, errReadOnly) {
		t.Errorf("a write to a read-only store: %v, want refused", err)
	}
}

func TestOpenReadOnly(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	if _, err := OpenReadOnly(filepath.Join(dir, "missing.db")); err == nil {
		t.Error("opening a missing store read-only succeeded")
	}
	if m, _ := filepath.Glob(filepath.Join(dir, "missing.db*")); len(m) > 0 {
		t.Errorf("a read-only open created %v", m)
	}

	// Read while the writer writes, without waiting for it.
	path := filepath.Join(dir, "nextdesk.db")
	w, err := Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer w.Close()
	r, err := OpenReadOnly(path)
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	held, err := w.write.BeginTx(ctx, nil)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := held.ExecContext(ctx, `INSERT INTO calibrations (at, model, threshold, reason, outcomes, judged, above, correct) VALUES (1, 1, 0.6, 'learned', 0, 0, 0, 0)`); err != nil {
		t.Fatal(err)
	}
	if _, err := r.LatestCalibration(ctx); knowledge.ErrorCode(err) != knowledge.ENOTFOUND {
		t.Errorf("read during an open write: %v, want the last committed state (none)", err)
	}
	if err := held.Commit(); err != nil {
		t.Fatal(err)
	}
	if c, err := r.LatestCalibration(ctx); err != nil || c.Threshold != 0.6 {
		t.Errorf("read after the commit: %+v, %v", c, err)
	}

	// An older schema is the writer's to migrate.
	old := filepath.Join(dir, "old.db")
	ms := embedded(t)
	odb, err := openMigrated(old, ms[:len(ms)-1])
	if err != nil {
		t.Fatal(err)
	}
	odb.Close()
	if _, err := OpenReadOnly(old); err == nil || !strings.Contains(err.Error(), "older") {
		t.Errorf("OpenReadOnly of the previous schema: %v, want refused as older", err)
	}
	raw, err := sql.Open("sqlite3", dsn(old))
	if err != nil {
		t.Fatal(err)
	}
	defer raw.Close()
	if _, err := raw.Exec(`PRAGMA user_version = 99`); err != nil {
		t.Fatal(err)
	}
	if _, err := OpenReadOnly(old); !errors.Is(err, ErrTooNew) {
		t.Errorf("OpenReadOnly of schema 99: %v, want ErrTooNew", err)
	}
}
