package sqlite

import (
	"context"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/nextdesk/nextdesk/knowledge"
)

func TestRoutes(t *testing.T) {
	ctx := context.Background()
	db := MustOpen(t)
	mustImport(t, db, fixture())
	now := epoch
	db.Now = func() time.Time { return now }

	id1, err := db.addRoute(ctx, knowledge.Route{QuestionID: "q-pub", Expert: "U2"})
	if err != nil {
		t.Fatal(err)
	}
	id2, err := db.addRoute(ctx, knowledge.Route{QuestionID: "q-pub", Expert: "U3", AskedAt: at(-5), Outcome: knowledge.RouteDup})
	if err != nil {
		t.Fatal(err)
	}
	now = at(30)
	if err := db.setRouteOutcome(ctx, id1, knowledge.RouteTaken); err != nil {
		t.Fatal(err)
	}
	got, err := db.routes(ctx, "q-pub")
	if err != nil {
		t.Fatal(err)
	}
	want := []knowledge.Route{
		{ID: id2, QuestionID: "q-pub", Expert: "U3", AskedAt: at(-5), Outcome: knowledge.RouteDup, DecidedAt: epoch},
		{ID: id1, QuestionID: "q-pub", Expert: "U2", AskedAt: epoch, Outcome: knowledge.RouteTaken, DecidedAt: at(30)},
	}
	if diff := cmp.Diff(got, want); diff != "" {
		t.Errorf("Routes (-got +want):\n%s", diff)
	}

	// Back to pending clears the decision time.
	if err := db.setRouteOutcome(ctx, id1, knowledge.RoutePending); err != nil {
		t.Fatal(err)
	}
	got, _ = db.routes(ctx, "q-pub")
	if !got[1].DecidedAt.IsZero() {
		t.Errorf("pending route has DecidedAt %v, want zero", got[1].DecidedAt)
	}
	if got, _ := db.routes(ctx, "q-priv"); len(got) != 0 {
		t.Errorf("Routes of an unrouted question = %v, want none", got)
	}

	errs := []struct {
		name string
		err  error
		code string
	}{
		{"unknown question", second(db.addRoute(ctx, knowledge.Route{QuestionID: "q-none", Expert: "U2"})), knowledge.ENOTFOUND},
		{"no expert", second(db.addRoute(ctx, knowledge.Route{QuestionID: "q-pub"})), knowledge.EINVALID},
		{"bad outcome", second(db.addRoute(ctx, knowledge.Route{QuestionID: "q-pub", Expert: "U2", Outcome: "maybe"})), knowledge.EINVALID},
		{"set bad outcome", db.setRouteOutcome(ctx, id1, "maybe"), knowledge.EINVALID},
		{"set unknown route", db.setRouteOutcome(ctx, 999, knowledge.RouteTaken), knowledge.ENOTFOUND},
	}
	for _, e := range errs {
		if got := knowledge.ErrorCode(e.err); got != e.code {
			t.Errorf("%s: code %q (%v), want %q", e.name, got, e.err, e.code)
		}
	}
}

func second[T any](_ T, err error) error { return err }
