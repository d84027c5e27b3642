package bot_test

import (
	"context"
	"slices"
	"sort"
	"sync"
	"time"

	"github.com/nextdesk/nextdesk/knowledge/desk"
)

// memInbox is an Inbox in memory, as the store keeps one: a finished key
// is never recorded again, a claimed delivery is not claimed twice. Setting
// fail makes every write fail as a full disk would.
type memInbox struct {
	mu       sync.Mutex
	rows     map[string]*memRow
	finished map[string]bool
	fail     error
}

type memRow struct {
	desk.Delivery
	handling bool
}

func newMemInbox() *memInbox {
	return &memInbox{rows: map[string]*memRow{}, finished: map[string]bool{}}
}

func (m *memInbox) RecordInbound(_ context.Context, d desk.Delivery) (bool, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.fail != nil {
		return false, m.fail
	}
	if _, ok := m.rows[d.Key]; ok || m.finished[d.Key] {
		return false, nil
	}
	d.Since, d.DueAt = d.Received, d.Received
	m.rows[d.Key] = &memRow{Delivery: d}
	return true, nil
}

func (m *memInbox) ClaimInbound(_ context.Context, now time.Time, limit int, retry func(int) time.Duration) ([]desk.Delivery, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.fail != nil {
		return nil, m.fail
	}
	var due []*memRow
	for _, r := range m.rows {
		if !r.handling && !r.Parked && !r.DueAt.After(now) {
			due = append(due, r)
		}
	}
	sort.Slice(due, func(i, j int) bool { return due[i].DueAt.Before(due[j].DueAt) })
	var out []desk.Delivery
	for _, r := range due[:min(limit, len(due))] {
		r.handling = true
		r.Attempts++
		r.DueAt = now.Add(retry(r.Attempts))
		out = append(out, r.Delivery)
	}
	return out, nil
}

func (m *memInbox) FinishInbound(_ context.Context, key string) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.fail != nil {
		return m.fail
	}
	delete(m.rows, key)
	m.finished[key] = true
	return nil
}

func (m *memInbox) RetryInbound(_ context.Context, key string, due time.Time, reason string) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.fail != nil {
		return m.fail
	}
	if r, ok := m.rows[key]; ok && !r.Parked {
		r.handling, r.DueAt, r.Error = false, due, reason
	}
	return nil
}

func (m *memInbox) ParkInbound(_ context.Context, key, reason string) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.fail != nil {
		return m.fail
	}
	if r, ok := m.rows[key]; ok {
		r.handling, r.Parked, r.Error = false, true, reason
	}
	return nil
}

func (m *memInbox) PendingBefore(_ context.Context, key string, t time.Time) (bool, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	for k, r := range m.rows {
		if k != key && !r.Parked && r.Received.Before(t) {
			return true, nil
		}
	}
	return false, nil
}

func (m *memInbox) InboxStats(context.Context) (desk.InboxStats, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	var s desk.InboxStats
	for _, r := range m.rows {
		if r.Parked {
			s.Parked++
			continue
		}
		s.Pending++
		if !r.handling && (s.OldestDue.IsZero() || r.DueAt.Before(s.OldestDue)) {
			s.OldestDue = r.DueAt
		}
		if s.OldestReceived.IsZero() || r.Received.Before(s.OldestReceived) {
			s.OldestReceived = r.Received
		}
	}
	return s, nil
}

// release makes the claimed deliveries claimable again, as a new process
// does at start.
func (m *memInbox) release() {
	m.mu.Lock()
	defer m.mu.Unlock()
	for _, r := range m.rows {
		r.handling = false
	}
}

// row returns the delivery kept under key and whether there is one.
func (m *memInbox) row(key string) (memRow, bool) {
	m.mu.Lock()
	defer m.mu.Unlock()
	r, ok := m.rows[key]
	if !ok {
		return memRow{}, false
	}
	return *r, true
}

// keys lists the keys kept, sorted.
func (m *memInbox) keys() []string {
	m.mu.Lock()
	defer m.mu.Unlock()
	var out []string
	for k := range m.rows {
		out = append(out, k)
	}
	slices.Sort(out)
	return out
}

func (m *memInbox) setFail(err error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.fail = err
}
