// Package org holds an organisation's reporting lines (who manages whom) and
// counts the hand-offs a question would have needed had it climbed the
// management chain instead of going straight to the person who knew.
//
// The chart is imported from a CSV file (see ParseCSV and Resolve) and
// stored as a map from each person to their manager; Chart answers
// questions about it.
package org

import (
	"fmt"
	"maps"
	"slices"
	"strings"
)

// Chart is an organisation's reporting lines: each person's one manager.
// It holds no cycle (New breaks them), so every walk up the chain ends at
// a root, a person with no manager. The zero Chart is empty. A Chart is
// safe for concurrent reads.
type Chart struct {
	manager map[string]string
	known   map[string]bool // everyone named, as a person or as a manager
}

// Cycle is a loop of reporting lines found by New, in reporting order:
// People[0] reports to People[1], …, and the last reports to People[0].
// New broke it by dropping the manager of Broken.
type Cycle struct {
	People []string
	Broken string
}

// String describes the cycle for an import report.
func (c Cycle) String() string {
	return fmt.Sprintf("%s → %s; %s's manager is ignored", strings.Join(c.People, " → "), c.People[0], c.Broken)
}

// New returns the chart of managers (person id → manager id). Reporting
// lines that form a cycle cannot all be true: New breaks each cycle by
// dropping the manager of its first person in sorted order (so the result
// does not depend on map order), which makes that person a root, and
// returns the cycles it broke. A person named as their own manager is a
// cycle of one. Empty ids are ignored.
func New(managers map[string]string) (*Chart, []Cycle) {
	c := &Chart{manager: make(map[string]string, len(managers)), known: make(map[string]bool, len(managers))}
	for p, m := range managers {
		if p != "" && m != "" {
			c.manager[p] = m
			c.known[p], c.known[m] = true, true
		}
	}
	var cycles []Cycle
	// Walk up from every person in sorted order; colour marks people whose
	// chain is known to end at a root (done) or is being walked (onPath).
	const (
		onPath = 1
		done   = 2
	)
	state := make(map[string]int, len(c.manager))
	people := make([]string, 0, len(c.manager))
	for p := range c.manager {
		people = append(people, p)
	}
	slices.Sort(people)
	for _, start := range people {
		var path []string
		p := start
		for state[p] == 0 {
			state[p] = onPath
			path = append(path, p)
			m, ok := c.manager[p]
			if !ok {
				break
			}
			p = m
		}
		if state[p] == onPath && c.manager[path[len(path)-1]] == p {
			// The walk came back to p: path from p on is a cycle.
			i := slices.Index(path, p)
			loop := slices.Clone(path[i:])
			broken := slices.Min(loop)
			delete(c.manager, broken)
			cycles = append(cycles, Cycle{People: rotate(loop, broken), Broken: broken})
		}
		for _, q := range path {
			state[q] = done
		}
	}
	return c, cycles
}

// rotate returns loop starting at first, in the same cyclic order.
func rotate(loop []string, first string) []string {
	i := slices.Index(loop, first)
	return append(slices.Clone(loop[i:]), loop[:i]...)
}

// Len returns the number of people who have a manager in the chart.
func (c *Chart) Len() int {
	if c == nil {
		return 0
	}
	return len(c.manager)
}

// Manager returns the manager of person, and false when the chart gives
// them none.
func (c *Chart) Manager(person string) (string, bool) {
	if c == nil {
		return "", false
	}
	m, ok := c.manager[person]
	return m, ok
}

// Has reports whether the chart knows person, as someone who has a manager
// or as someone's manager.
func (c *Chart) Has(person string) bool {
	return c != nil && c.known[person]
}

// Managers returns a copy of the chart's reporting lines, person id →
// manager id, without the lines New dropped to break cycles.
func (c *Chart) Managers() map[string]string {
	if c == nil {
		return map[string]string{}
	}
	return maps.Clone(c.manager)
}

// chain returns person followed by their managers up to the root.
func (c *Chart) chain(person string) []string {
	chain := []string{person}
	// New removed every cycle, so the walk ends; the bound guards a
	// Chart built some other way.
	for len(chain) <= len(c.manager) {
		m, ok := c.manager[chain[len(chain)-1]]
		if !ok {
			break
		}
		chain = append(chain, m)
	}
	return chain
}

// Hops returns how many hand-offs between people a question from asker
// would have needed to reach answerer through the management chain: up
// from the asker, one manager at a time, to the lowest manager they have in
// common, then down to the answerer. Each edge walked is one hand-off, so
//
//   - asker and answerer with the same manager: 2 (asker → manager → answerer);
//   - the answerer is the asker's manager: 1; the asker's skip-level: 2;
//   - colleagues whose managers share a manager: 4;
//   - asker and answerer are the same person: 0.
//
// When their chains share nobody (two separate trees, as when the chart
// is partial), the question would have climbed to the top of one tree,
// crossed once to the top of the other and come down: the edges up to
// each root, plus one for the crossing.
//
// ok is false when either person is not in the chart: the hand-offs are
// then unknown, not zero.
func (c *Chart) Hops(asker, answerer string) (n int, ok bool) {
	if !c.Has(asker) || !c.Has(answerer) {
		return 0, false
	}
	if asker == answerer {
		return 0, true
	}
	up := c.chain(asker)
	depth := make(map[string]int, len(up))
	for i, p := range up {
		depth[p] = i
	}
	down := c.chain(answerer)
	for j, p := range down {
		if i, shared := depth[p]; shared {
			return i + j, true
		}
	}
	return len(up) - 1 + len(down) - 1 + 1, true
}
