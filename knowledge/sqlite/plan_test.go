package sqlite

import (
	"context"
	"strings"
	"testing"

	"github.com/nextdesk/nextdesk/knowledge"
)

// queryPlan returns the details of SQLite's plan for query, one line per
// step.
func queryPlan(tb testing.TB, db *DB, query string, args ...any) []string {
	tb.Helper()
	rows, err := db.read.QueryContext(context.Background(), "EXPLAIN QUERY PLAN "+query, args...)
	if err != nil {
		tb.Fatalf("explain: %v", err)
	}
	defer rows.Close()
	var steps []string
	for rows.Next() {
		var id, parent, unused int
		var detail string
		if err := rows.Scan(&id, &parent, &unused, &detail); err != nil {
			tb.Fatal(err)
		}
		steps = append(steps, detail)
	}
	if err := rows.Err(); err != nil {
		tb.Fatal(err)
	}
	return steps
}

func TestOpenRouteQueriesUseTheirIndexes(t *testing.T) {
	// The literals must name the domain's outcomes, or the counts are wrong.
	if want := "('" + string(knowledge.RoutePending) + "', '" + string(knowledge.RouteTaken) + "')"; openOutcomes != want {
		t.Errorf("openOutcomes = %s, want %s", openOutcomes, want)
	}
	var awaiting []string
	for _, o := range []knowledge.RouteOutcome{knowledge.RoutePending, knowledge.RouteTaken, knowledge.RoutePassed, knowledge.RouteAnswered, knowledge.RouteExpired, knowledge.RouteDup} {
		if o.AwaitsExpert() {
			awaiting = append(awaiting, "'"+string(o)+"'")
		}
	}
	if want := "(" + strings.Join(awaiting, ", ") + ")"; awaitingOutcomes != want {
		t.Errorf("awaitingOutcomes = %s, want %s", awaitingOutcomes, want)
	}

	db := MustOpen(t)
	for _, c := range []struct {
		name, query string
		args        []any
		index       string
	}{
		{"OpenRoutes", openRoutesQuery, []any{`["U1","U2"]`, knowledge.StatusOpen}, "routes_open_expert"},
		{"WaitingRoutes", `SELECT id FROM routes ` + waitingRoutesClause, []any{"U1", knowledge.StatusOpen}, "routes_open_expert"},
		{"StaleRoutes", `SELECT id FROM routes ` + staleRoutesClause, []any{int64(1), knowledge.StatusOpen, 10}, "routes_open_age"},
	} {
		plan := strings.Join(queryPlan(t, db, c.query, c.args...), "\n")
		if !strings.Contains(plan, "USING INDEX "+c.index) {
			t.Errorf("%s does not use %s:\n%s", c.name, c.index, plan)
		}
		if strings.Contains(plan, "SCAN a") || strings.Contains(plan, "SCAN asks") {
			t.Errorf("%s scans every ask:\n%s", c.name, plan)
		}
	}
}
