package sqlite

import (
	"context"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/nextdesk/nextdesk/knowledge"
	"github.com/nextdesk/nextdesk/knowledge/desk"
)

// offerRow is a row of offers, as the live evaluation will read it.
type offerRow struct {
	Question, Match, Answer, Outcome, Picked string
	Confidence                               float64
	Offered, Decided                         bool
	Model                                    int
}

func offerRows(t *testing.T, db *DB) []offerRow {
	t.Helper()
	rows, err := db.read.QueryContext(context.Background(), `
		SELECT question_id, match_id, answer_id, outcome, picked_match, confidence, offered, decided_at IS NOT NULL, model
		FROM offers ORDER BY question_id`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var out []offerRow
	for rows.Next() {
		var r offerRow
		if err := rows.Scan(&r.Question, &r.Match, &r.Answer, &r.Outcome, &r.Picked, &r.Confidence, &r.Offered, &r.Decided, &r.Model); err != nil {
			t.Fatal(err)
		}
		out = append(out, r)
	}
	return out
}

func TestOffersAndTheirOutcomes(t *testing.T) {
	ctx := context.Background()
	db := MustOpen(t)
	mustImport(t, db, fixture())
	for _, id := range []string{"q-new1", "q-new2", "q-new3", "q-new4"} {
		if err := db.addQuestion(ctx, knowledge.Question{ID: id, Asker: "U1", Conversation: "C-pub", Text: "a new question " + id}); err != nil {
			t.Fatal(err)
		}
	}
	err := db.do(ctx, func(tx *deskTx) error {
		if err := tx.RecordOffer(ctx, desk.Offer{QuestionID: "q-new1", Match: "q-pub", Answer: "a-pub-1", Confidence: 0.8, Offered: true, Model: 3}); err != nil {
			return err
		}
		// A redelivery does not replace the first record.
		if err := tx.RecordOffer(ctx, desk.Offer{QuestionID: "q-new1", Confidence: 0.1}); err != nil {
			return err
		}
		if err := tx.RecordOffer(ctx, desk.Offer{QuestionID: "q-new2", Match: "q-pub", Answer: "a-pub-1", Confidence: 0.3}); err != nil {
			return err
		}
		return tx.RecordOffer(ctx, desk.Offer{QuestionID: "q-new4", Match: "q-pub", Answer: "a-pub-1", Confidence: 0.9, Offered: true})
	})
	if err != nil {
		t.Fatal(err)
	}
	for _, step := range []func(*deskTx) error{
		func(tx *deskTx) error { return tx.SetOfferOutcome(ctx, "q-new1", desk.OfferNeedHelp) },
		func(tx *deskTx) error { return tx.SetOfferOutcome(ctx, "q-new3", desk.OfferAlreadyAnswered) },
		// The expert to whom q-new1 went next says it was answered
		// before: the asker's word on the offer stands, the pick beside
		// it.
		func(tx *deskTx) error { return tx.PickOffer(ctx, "q-new1", "q-priv", "a-priv-1") },
		func(tx *deskTx) error { return tx.SetOfferOutcome(ctx, "q-new4", desk.OfferSolved) },
		func(tx *deskTx) error { return tx.SetOfferOutcome(ctx, "q-new4", desk.OfferAlreadyAnswered) },
	} {
		if err := db.do(ctx, step); err != nil {
			t.Fatal(err)
		}
	}
	want := []offerRow{
		{Question: "q-new1", Match: "q-pub", Answer: "a-pub-1", Outcome: "need_help", Picked: "q-priv", Confidence: 0.8, Offered: true, Decided: true, Model: 3},
		{Question: "q-new2", Match: "q-pub", Answer: "a-pub-1", Confidence: 0.3},
		// An expert's "already answered" on a question nothing matched: a
		// miss, counted too.
		{Question: "q-new3", Outcome: "already_answered", Decided: true},
		{Question: "q-new4", Match: "q-pub", Answer: "a-pub-1", Outcome: "solved", Confidence: 0.9, Offered: true, Decided: true},
	}
	if diff := cmp.Diff(offerRows(t, db), want); diff != "" {
		t.Errorf("offers (-got +want):\n%s", diff)
	}
	for name, fn := range map[string]func(*deskTx) error{
		"no question":     func(tx *deskTx) error { return tx.RecordOffer(ctx, desk.Offer{}) },
		"unknown outcome": func(tx *deskTx) error { return tx.SetOfferOutcome(ctx, "q-new2", "maybe") },
	} {
		if err := db.do(ctx, fn); knowledge.ErrorCode(err) != knowledge.EINVALID {
			t.Errorf("%s: error = %v, want EINVALID", name, err)
		}
	}
}

func TestMigrationToNoticesWaitsForTheOldOutbox(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "nextdesk.db")
	ms := embedded(t)
	old, err := openMigrated(path, ms[:4])
	if err != nil {
		t.Fatal(err)
	}
	at := time.Date(2026, 11, 23, 9, 0, 0, 0, time.UTC).UnixNano()
	for _, stmt := range []string{
		`INSERT INTO outbox (key, method, payload, state, attempts, due_at, created_at, channel, ts, error, place_question, place_members, place_thread)
		 VALUES ('Ev1/dm', 'chat.postMessage', '{"channel":"U1","text":"hi"}', 'pending', 0, 0, 1, '', '', '', '', '', 0)`,
		`INSERT INTO digest_posts (key, claimant, claimed_at, lease_until, posted_at, channel, ts)
		 VALUES ('channel:C1:2026-W47', 'a', 1, 2, ` + itoa(at) + `, 'C1', '1.000001'),
		        ('person:U1:2026-W47', 'a', 1, 2, ` + itoa(at+1) + `, '', ''),
		        ('channel:C1:2026-W48', 'b', 1, 2, NULL, '', '')`,
	} {
		if _, err := old.write.ExecContext(ctx, stmt); err != nil {
			t.Fatal(err)
		}
	}
	if err := old.Close(); err != nil {
		t.Fatal(err)
	}
	if _, err := Open(path); err == nil || !strings.Contains(err.Error(), "nextdesk tasks --only deliver") {
		t.Fatalf("Open with an old message pending: %v, want a refusal saying how to deliver it", err)
	}
	if got := schemaVersion(t, path); got != 4 {
		t.Fatalf("user_version after the refusal = %d, want 4", got)
	}

	// Delivered by the previous version: the migration goes through.
	old, err = openMigrated(path, ms[:4])
	if err != nil {
		t.Fatal(err)
	}
	if _, err := old.write.ExecContext(ctx, `UPDATE outbox SET state = 'sent'`); err != nil {
		t.Fatal(err)
	}
	old.Close()
	db, err := Open(path)
	if err != nil {
		t.Fatalf("Open once the old outbox is delivered: %v", err)
	}
	defer db.Close()
	for key, want := range map[string]bool{"digest:2026-W47": true, "digest:2026-W48": false} {
		if got, err := db.Handled(ctx, key); err != nil || got != want {
			t.Errorf("Handled(%s) = %v, %v; want %v: only the weeks posted are done", key, got, err, want)
		}
	}
	ms2, err := db.OutgoingSince(ctx, 0)
	if err != nil || len(ms2) != 1 || ms2[0].Body != nil || ms2[0].State != desk.OutboxSent {
		t.Errorf("the old message after the migration = %+v, %v; want it kept, sent, unreadable", ms2, err)
	}
}

func itoa(n int64) string { return strconv.FormatInt(n, 10) }
