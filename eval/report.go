package eval

import (
	"encoding/json"
	"fmt"
	"io"
	"sort"
	"text/tabwriter"
	"time"
)

// WriteJSON writes r to w as one indented JSON object, rankers sorted by
// name. It returns w's error.
func (r Report) WriteJSON(w io.Writer) error { return writeJSON(w, r) }

// writeJSON writes v to w as one indented JSON object.
func writeJSON(w io.Writer, v any) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	if err := enc.Encode(v); err != nil {
		return fmt.Errorf("write report: %w", err)
	}
	return nil
}

// WriteTable writes r to w for a person: a header with the split, then one
// aligned row per ranker, best MRR first (ties by name). It returns w's
// error.
func (r Report) WriteTable(w io.Writer) error {
	names := make([]string, 0, len(r.Rankers))
	for name := range r.Rankers {
		names = append(names, name)
	}
	sort.Slice(names, func(i, j int) bool {
		a, b := r.Rankers[names[i]], r.Rankers[names[j]]
		if a.MRR != b.MRR {
			return a.MRR > b.MRR
		}
		return names[i] < names[j]
	})

	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintf(tw, "dataset %s (protocol %s, version %d)\n", r.Dataset, r.Protocol, r.ProtocolVersion)
	cutoff := "none"
	if !r.Cutoff.IsZero() {
		cutoff = r.Cutoff.UTC().Format(time.RFC3339)
	}
	fmt.Fprintf(tw, "questions %d, eligible %d, history %d (before %s), tests %d, candidates %d, unreachable tests %d\n\n",
		r.Questions, r.Eligible, r.History, cutoff, r.Tests, r.Candidates, r.Unreachable)
	fmt.Fprint(tw, "ranker\thit@1\thit@5\thit@10\tMRR\tunranked\n")
	for _, name := range names {
		m := r.Rankers[name]
		fmt.Fprintf(tw, "%s\t%.3f\t%.3f\t%.3f\t%.3f\t%d\n", name, m.Hit1, m.Hit5, m.Hit10, m.MRR, m.Unranked)
	}
	if err := tw.Flush(); err != nil {
		return fmt.Errorf("write report: %w", err)
	}
	return nil
}
