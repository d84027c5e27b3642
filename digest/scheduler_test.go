package digest_test

import (
	"context"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/nextdesk/nextdesk/digest"
	"github.com/nextdesk/nextdesk/knowledge"
	"github.com/nextdesk/nextdesk/knowledge/desk"
	"github.com/nextdesk/nextdesk/knowledge/sqlite"
)

// clockAt is a clock a test moves by hand.
type clockAt struct {
	mu sync.Mutex
	t  time.Time
}

func (c *clockAt) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *clockAt) Set(t time.Time) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = t
}

func paris(t *testing.T, y int, m time.Month, d, h, min int) time.Time {
	return time.Date(y, m, d, h, min, 0, 0, mustParis(t))
}

// scheduling is a store file and a clock shared by every instance a test
// starts.
type scheduling struct {
	path  string
	clock *clockAt
}

func mustScheduling(t *testing.T, now time.Time) *scheduling {
	return &scheduling{path: filepath.Join(t.TempDir(), "nextdesk.db"), clock: &clockAt{t: now}}
}

// instance starts a scheduler on its own handle on the store, as a new
// process would.
func (s *scheduling) instance(t *testing.T, channel string) (*digest.Scheduler, *sqlite.DB) {
	t.Helper()
	db := mustOpen(t, s.path, s.clock.Now)
	sch, err := digest.NewScheduler(digest.Config{Channel: channel, Location: mustParis(t)}, db, s.clock.Now, nil)
	if err != nil {
		t.Fatal(err)
	}
	return sch, db
}

// notices lists the digests recorded so far, as "key to reader".
func notices(t *testing.T, db *sqlite.DB) []string {
	t.Helper()
	ms, err := db.OutgoingSince(context.Background(), 0)
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, m := range ms {
		d, ok := m.Body.(desk.Digest)
		if !ok || d.Zone != "Europe/Paris" || d.Person != m.Reader || m.To.Conversation == "" {
			t.Errorf("notice %s = %+v, want a digest in Paris time, to its reader", m.Key, m)
		}
		out = append(out, m.Key+" to "+m.To.Conversation)
	}
	return out
}

func subscribe(t *testing.T, db *sqlite.DB, people ...string) {
	t.Helper()
	_, err := db.Once(context.Background(), "subscribe:"+strings.Join(people, ","), func(tx desk.Tx) error {
		for _, p := range people {
			if err := tx.SetDigestSubscription(context.Background(), p, true); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}

func TestMissedDigestIsRecordedOnceOnStart(t *testing.T) {
	ctx := context.Background()
	// The bot was down on Monday 23 November at 09:00 and starts on
	// Wednesday: week 47's digests are still due.
	s := mustScheduling(t, paris(t, 2026, 11, 25, 14, 0))
	first, db := s.instance(t, "CDIGEST")
	subscribe(t, db, "UB", "UA")
	task := first.Task()
	if task.Name != "digest" || task.Every <= 0 {
		t.Errorf("task %q every %v", task.Name, task.Every)
	}
	if err := task.Run(ctx, true); err != nil || len(notices(t, db)) != 0 {
		t.Fatalf("dry run: %v, recorded %v; want nothing recorded", err, notices(t, db))
	}
	if err := task.Run(ctx, false); err != nil {
		t.Fatal(err)
	}
	want := []string{
		"digest:channel:CDIGEST:2026-W47 to CDIGEST",
		"digest:person:UA:2026-W47 to UA",
		"digest:person:UB:2026-W47 to UB",
	}
	if diff := cmp.Diff(notices(t, db), want); diff != "" {
		t.Errorf("recorded (-got +want):\n%s", diff)
	}

	// A restart, and someone subscribing meanwhile: the week is done.
	again, db2 := s.instance(t, "CDIGEST")
	subscribe(t, db2, "UC")
	if err := again.Task().Run(ctx, false); err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(notices(t, db2), want); diff != "" {
		t.Errorf("after a restart (-got +want):\n%s", diff)
	}

	// Next Monday before 09:00: week 47's posting week is over, and week
	// 48's digest is not due yet. At 09:00 it is.
	s.clock.Set(paris(t, 2026, 11, 30, 8, 59))
	if n, err := again.RecordWeek(ctx, digest.WeekOf(s.clock.Now()).Prev(), true); err != nil || n != 4 {
		t.Errorf("week 48 dry: %d, %v; want the channel and three people", n, err)
	}
	if err := again.Task().Run(ctx, false); err != nil || len(notices(t, db2)) != 3 {
		t.Fatalf("Monday 08:59: %v, %d recorded; want nothing new", err, len(notices(t, db2)))
	}
	s.clock.Set(paris(t, 2026, 11, 30, 9, 0))
	if err := again.Task().Run(ctx, false); err != nil {
		t.Fatal(err)
	}
	if got := notices(t, db2); len(got) != 7 || got[3] != "digest:channel:CDIGEST:2026-W48 to CDIGEST" {
		t.Errorf("Monday 09:00: %v, want week 48's four digests", got)
	}
}

// TestTwoInstancesRecordOnce runs two instances, each with its own handle
// on the store, recording the same week from many goroutines at once.
func TestTwoInstancesRecordOnce(t *testing.T) {
	ctx := context.Background()
	s := mustScheduling(t, paris(t, 2026, 11, 23, 9, 0))
	a, db := s.instance(t, "CDIGEST")
	b, _ := s.instance(t, "CDIGEST")
	subscribe(t, db, "UA")
	var wg sync.WaitGroup
	for i := range 8 {
		sch := a
		if i%2 == 1 {
			sch = b
		}
		wg.Go(func() {
			if err := sch.Task().Run(ctx, false); err != nil {
				t.Error(err)
			}
		})
	}
	wg.Wait()
	if got := notices(t, db); len(got) != 2 {
		t.Errorf("recorded %v, want the channel's and UA's once", got)
	}
}

func TestPostingNowSharesTheScheduledKey(t *testing.T) {
	ctx := context.Background()
	s := mustScheduling(t, paris(t, 2026, 11, 23, 10, 0))
	sch, db := s.instance(t, "CDIGEST")
	w := digest.WeekOf(paris(t, 2026, 11, 18, 12, 0))
	key, err := sch.RecordChannel(ctx, w)
	if err != nil || key != digest.ChannelKey("CDIGEST", w) {
		t.Fatalf("RecordChannel = %q, %v", key, err)
	}
	if _, err := sch.RecordChannel(ctx, w); err != nil {
		t.Fatal(err)
	}
	if err := sch.Task().Run(ctx, false); err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(notices(t, db), []string{"digest:channel:CDIGEST:2026-W47 to CDIGEST"}); diff != "" {
		t.Errorf("recorded (-got +want):\n%s", diff)
	}
	none, _ := s.instance(t, "")
	if _, err := none.RecordChannel(ctx, w); knowledge.ErrorCode(err) != knowledge.EINVALID {
		t.Errorf("RecordChannel without a channel: %v, want EINVALID", err)
	}
}
