package digest_test

import (
	"context"
	"errors"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/jonboulle/clockwork"
	"github.com/slack-go/slack"

	"github.com/nextdesk/nextdesk/digest"
	"github.com/nextdesk/nextdesk/i18n"
	"github.com/nextdesk/nextdesk/internal/fakeslack"
	"github.com/nextdesk/nextdesk/knowledge"
	"github.com/nextdesk/nextdesk/knowledge/sqlite"
)

// publishing is a store file with the fixture, a fake Slack and a fake
// clock shared by every instance a test starts.
type publishing struct {
	path  string
	clock *clockwork.FakeClock
	srv   *fakeslack.Server
	api   *slack.Client
}

// mustPublishing starts at now (in Paris) with the fixture's week 47 in
// the store.
func mustPublishing(t *testing.T, now time.Time, fixture bool) *publishing {
	t.Helper()
	p := &publishing{path: filepath.Join(t.TempDir(), "nextdesk.db"), clock: clockwork.NewFakeClockAt(now)}
	p.srv, p.api = mustSlack(t, fakeslack.WithClock(p.clock.Now))
	if fixture {
		fillFixture(t, p.open(t))
	}
	return p
}

// open returns a new handle on the store, as a new instance would have.
func (p *publishing) open(t *testing.T) *sqlite.DB { return mustOpen(t, p.path, p.clock.Now) }

// instance starts a publisher on its own handle on the store.
func (p *publishing) instance(t *testing.T, cfg digest.Config) (*digest.Publisher, *sqlite.DB) {
	t.Helper()
	db := p.open(t)
	if cfg.Channel == "" {
		cfg.Channel = "CDIGEST"
	}
	cfg.Location = mustParis(t)
	pub, err := digest.NewPublisher(cfg, db, p.api, p.clock, nil)
	if err != nil {
		t.Fatal(err)
	}
	return pub, db
}

// posts returns the messages posted so far, as channel → count.
func (p *publishing) posts() map[string]int {
	n := map[string]int{}
	for _, c := range p.srv.CallsTo("chat.postMessage") {
		if c.Error == "" {
			n[c.Params["channel"]]++
		}
	}
	return n
}

func paris(t *testing.T, y int, m time.Month, d, h, min int) time.Time {
	return time.Date(y, m, d, h, min, 0, 0, mustParis(t))
}

func TestMissedDigestIsPostedOnceOnStart(t *testing.T) {
	ctx := context.Background()
	// The bot was down on Monday 23 November at 09:00 and starts on
	// Wednesday: week 47's digest is still due.
	p := mustPublishing(t, paris(t, 2026, 11, 25, 14, 0), true)
	first, db := p.instance(t, digest.Config{})
	res, err := first.PostDue(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if len(res) != 1 || !res[0].Posted || res[0].Key != "channel:CDIGEST:2026-W47" || res[0].Channel != "CDIGEST" {
		t.Fatalf("PostDue = %+v", res)
	}
	msgs := p.srv.Messages("CDIGEST")
	if len(msgs) != 1 || !strings.Contains(msgs[0].Text, "8 asked, 6 answered") || !strings.Contains(string(msgs[0].Blocks), "Terraform state lock") {
		t.Fatalf("posted %+v", msgs)
	}
	rec, err := db.DigestPost(ctx, res[0].Key)
	if err != nil || !rec.Posted() || rec.TS != msgs[0].TS {
		t.Errorf("ledger: %+v, %v", rec, err)
	}

	// A restart: a new process, a new handle on the store.
	again, _ := p.instance(t, digest.Config{})
	res, err = again.PostDue(ctx)
	if err != nil || len(res) != 1 || !res[0].Taken {
		t.Errorf("after a restart: %+v, %v; want the digest taken", res, err)
	}

	// Next Monday before 09:00: week 47's posting week is over, and week
	// 48's digest is not due yet.
	p.clock.Advance(paris(t, 2026, 11, 30, 8, 0).Sub(p.clock.Now()))
	if res, err := again.PostDue(ctx); err != nil || len(res) != 0 {
		t.Errorf("Monday 08:00: %+v, %v; want nothing due", res, err)
	}
	// At 09:00, week 48's digest: nothing was asked, and it says so.
	p.clock.Advance(time.Hour)
	if res, err := again.PostDue(ctx); err != nil || len(res) != 1 || !res[0].Posted || res[0].Key != "channel:CDIGEST:2026-W48" {
		t.Fatalf("Monday 09:00: %+v, %v", res, err)
	}
	msgs = p.srv.Messages("CDIGEST")
	if len(msgs) != 2 || msgs[1].Text != "Weekly digest, 23–29 Nov 2026: no question was asked this week." {
		t.Errorf("week 48: %+v", msgs[len(msgs)-1])
	}
	if diff := cmp.Diff(p.posts(), map[string]int{"CDIGEST": 2}); diff != "" {
		t.Errorf("posts (-got +want):\n%s", diff)
	}
}

// TestTwoInstancesPostOnce runs two instances, each with its own handle on
// the store, trying to post the same digest from many goroutines at once.
func TestTwoInstancesPostOnce(t *testing.T) {
	ctx := context.Background()
	p := mustPublishing(t, paris(t, 2026, 11, 23, 9, 0), true)
	a, _ := p.instance(t, digest.Config{})
	b, _ := p.instance(t, digest.Config{})
	var (
		wg     sync.WaitGroup
		mu     sync.Mutex
		posted int
	)
	for i := range 8 {
		pub := a
		if i%2 == 1 {
			pub = b
		}
		wg.Go(func() {
			res, err := pub.PostDue(ctx)
			if err != nil {
				t.Error(err)
			}
			mu.Lock()
			defer mu.Unlock()
			for _, r := range res {
				if r.Posted {
					posted++
				}
			}
		})
	}
	wg.Wait()
	if posted != 1 {
		t.Errorf("%d attempts posted, want 1", posted)
	}
	if diff := cmp.Diff(p.posts(), map[string]int{"CDIGEST": 1}); diff != "" {
		t.Errorf("posts (-got +want):\n%s", diff)
	}
}

func TestCrashedClaimantsLeaseExpires(t *testing.T) {
	ctx := context.Background()
	p := mustPublishing(t, paris(t, 2026, 11, 23, 9, 0), true)
	pub, db := p.instance(t, digest.Config{Lease: 10 * time.Minute})
	// Another instance claimed the digest and died before posting.
	if ok, _, err := db.ClaimDigest(ctx, digest.ChannelKey("CDIGEST", week47), "crashed", 10*time.Minute); err != nil || !ok {
		t.Fatalf("claim: %v, %v", ok, err)
	}
	if res, err := pub.PostDue(ctx); err != nil || len(res) != 1 || !res[0].Taken {
		t.Fatalf("while the lease holds: %+v, %v", res, err)
	}
	p.clock.Advance(10 * time.Minute)
	if res, err := pub.PostDue(ctx); err != nil || len(res) != 1 || !res[0].Posted {
		t.Fatalf("once the lease expired: %+v, %v", res, err)
	}
	if diff := cmp.Diff(p.posts(), map[string]int{"CDIGEST": 1}); diff != "" {
		t.Errorf("posts (-got +want):\n%s", diff)
	}
}

func TestFailedPostIsRetried(t *testing.T) {
	ctx := context.Background()
	p := mustPublishing(t, paris(t, 2026, 11, 23, 9, 0), true)
	pub, db := p.instance(t, digest.Config{})
	p.srv.FailNext("chat.postMessage", 1, 500, 0)
	if _, err := pub.PostDue(ctx); err == nil || !strings.Contains(err.Error(), "post to CDIGEST") {
		t.Fatalf("a failed post: err = %v", err)
	}
	if rec, err := db.DigestPost(ctx, digest.ChannelKey("CDIGEST", week47)); err != nil || rec.Posted() || rec.LeaseUntil.After(p.clock.Now()) {
		t.Errorf("after a failed post the claim must be released: %+v, %v", rec, err)
	}
	// The next round (a minute later, not a lease later) posts it.
	p.clock.Advance(time.Minute)
	if res, err := pub.PostDue(ctx); err != nil || len(res) != 1 || !res[0].Posted {
		t.Fatalf("retry: %+v, %v", res, err)
	}
	if diff := cmp.Diff(p.posts(), map[string]int{"CDIGEST": 1}); diff != "" {
		t.Errorf("posts (-got +want):\n%s", diff)
	}
}

// crashAfterPost is a store whose process dies between Slack's answer and
// the ledger: it records nothing as posted.
type crashAfterPost struct{ *sqlite.DB }

func (crashAfterPost) MarkDigestPosted(context.Context, string, string, string, string) error {
	return errors.New("the process died")
}

// TestPostedButNotRecorded has an instance post a digest and die before
// recording it; once its lease expires, the next claimant looks in Slack
// first.
func TestPostedButNotRecorded(t *testing.T) {
	for _, c := range []struct {
		name string
		to   string // a channel, or a person for their personal digest
		// lookupFails is the HTTP status of the next claimant's first
		// conversations.history, 0 for none.
		lookupFails int
		wantPosts   int
	}{
		{name: "channel", to: "CDIGEST", wantPosts: 1},
		{name: "personal", to: "UD", wantPosts: 1},
		// Slack is down: try again later rather than post blind.
		{name: "lookup fails for now", to: "CDIGEST", lookupFails: 503, wantPosts: 1},
		// Slack will not let the bot look: post again, maybe twice.
		{name: "lookup refused", to: "CDIGEST", lookupFails: 403, wantPosts: 2},
	} {
		t.Run(c.name, func(t *testing.T) {
			ctx := context.Background()
			p := mustPublishing(t, paris(t, 2026, 11, 23, 9, 0), true)
			crashed, err := digest.NewPublisher(digest.Config{Channel: "CDIGEST", Location: mustParis(t), Lease: 10 * time.Minute},
				crashAfterPost{p.open(t)}, p.api, p.clock, nil)
			if err != nil {
				t.Fatal(err)
			}
			key := digest.ChannelKey(c.to, week47)
			if c.to != "CDIGEST" {
				key = digest.PersonKey(c.to, week47)
			}
			postTo := func(pub *digest.Publisher) (digest.Posting, error) {
				if c.to == "CDIGEST" {
					return pub.PostChannel(ctx, week47)
				}
				return pub.PostPerson(ctx, c.to, week47)
			}
			first, err := postTo(crashed)
			if err == nil || !first.Posted {
				t.Fatalf("the post that dies: %+v, %v; want posted and an error", first, err)
			}
			if n := len(p.srv.CallsTo("conversations.history")) + len(p.srv.CallsTo("conversations.open")); n != 0 {
				t.Errorf("a first claim made %d lookup calls, want none", n)
			}

			p.clock.Advance(10 * time.Minute)
			next, db := p.instance(t, digest.Config{})
			if c.lookupFails != 0 {
				p.srv.FailNext("conversations.history", 1, c.lookupFails, 0)
			}
			res, err := postTo(next)
			if c.lookupFails == 503 {
				if err == nil || res.Posted {
					t.Fatalf("with Slack down: %+v, %v; want an error and no post", res, err)
				}
				if rec, err := db.DigestPost(ctx, key); err != nil || rec.Posted() || rec.LeaseUntil.After(p.clock.Now()) {
					t.Errorf("after a failed lookup the claim must be released: %+v, %v", rec, err)
				}
				p.clock.Advance(time.Minute)
				res, err = postTo(next)
			}
			if err != nil {
				t.Fatal(err)
			}
			if n := len(p.srv.CallsTo("chat.postMessage")); n != c.wantPosts {
				t.Errorf("%d posts, want %d", n, c.wantPosts)
			}
			rec, err := db.DigestPost(ctx, key)
			if err != nil || !rec.Posted() || rec.Channel != first.Channel {
				t.Fatalf("ledger: %+v, %v; want posted in %s", rec, err, first.Channel)
			}
			type outcome struct {
				Posted, Taken bool
				TS            string
			}
			want := outcome{Taken: true, TS: first.TS}
			if c.wantPosts == 2 {
				want = outcome{Posted: true, TS: rec.TS}
			}
			if diff := cmp.Diff(outcome{res.Posted, res.Taken, res.TS}, want); diff != "" {
				t.Errorf("the next claim (-got +want):\n%s", diff)
			}
			if rec.TS != res.TS {
				t.Errorf("ledger ts %s, want %s", rec.TS, res.TS)
			}
		})
	}
}

func TestPersonalDigests(t *testing.T) {
	ctx := context.Background()
	p := mustPublishing(t, paris(t, 2026, 11, 23, 9, 0), true)
	pub, db := p.instance(t, digest.Config{Lang: i18n.EN})
	for _, c := range []struct{ who, args, lang, want string }{
		{"UD", "on", i18n.EN, "You'll get a personal digest every week"},
		{"UA", "ON", i18n.FR, "Vous recevrez chaque semaine"},
		{"UZ", " on ", i18n.EN, "You'll get"},
		{"UE", "on", i18n.EN, "You'll get"},
		{"UE", "off", i18n.EN, "You won't get the personal weekly digest"},
		{"UE", "", i18n.EN, "You don't get the personal weekly digest"},
		{"UD", "status", i18n.EN, "You get the personal weekly digest"},
		{"UD", "maybe", i18n.FR, "`/nextdesk digest on` pour recevoir"},
	} {
		reply, err := digest.Subscribe(ctx, db, c.who, c.args, c.lang)
		if err != nil {
			t.Fatal(err)
		}
		if !strings.HasPrefix(reply, c.want) {
			t.Errorf("Subscribe(%s, %q) = %q, want it to start with %q", c.who, c.args, reply, c.want)
		}
	}
	res, err := pub.PostDue(ctx)
	if err != nil {
		t.Fatal(err)
	}
	type outcome struct {
		Key             string
		Posted, Nothing bool
	}
	var got []outcome
	for _, r := range res {
		got = append(got, outcome{r.Key, r.Posted, r.Nothing})
	}
	want := []outcome{
		{"channel:CDIGEST:2026-W47", true, false},
		{"person:UA:2026-W47", true, false},
		{"person:UD:2026-W47", true, false},
		{"person:UZ:2026-W47", false, true}, // no topics: nothing to send
	}
	if diff := cmp.Diff(got, want); diff != "" {
		t.Errorf("PostDue (-got +want):\n%s", diff)
	}
	var dms []string
	for _, c := range p.srv.CallsTo("chat.postMessage") {
		if c.Params["channel"] != "CDIGEST" {
			dms = append(dms, c.Params["channel"]+": "+c.Params["text"])
		}
	}
	wantDMs := []string{
		"UA: Votre récap de la semaine, 16–22 nov. 2026 : 1 nouvelles réponses sur vos sujets.",
		"UD: Your weekly digest, 16–22 Nov 2026: 1 new answers in your topics.",
	}
	if diff := cmp.Diff(dms, wantDMs); diff != "" {
		t.Errorf("personal digests (-got +want):\n%s", diff)
	}
	// Each (person, week) goes once.
	if res, err := pub.PostDue(ctx); err != nil || len(res) != 4 || res[1].Posted || res[2].Posted {
		t.Errorf("a second round: %+v, %v", res, err)
	}
	if n := len(p.srv.CallsTo("chat.postMessage")); n != 3 {
		t.Errorf("%d posts in all, want 3", n)
	}
	if _, err := digest.Subscribe(ctx, db, "", "on", i18n.EN); knowledge.ErrorCode(err) != knowledge.EINVALID {
		t.Errorf("no person: err = %v", err)
	}
}

// TestRunAcrossDaylightSaving runs the scheduler on a fake clock from a
// Friday in March to after the change to summer time: it posts the digest
// it missed when it starts, then each Monday at 09:00 in Paris, which is
// 08:00 UTC before the change and 07:00 UTC after. The clock jumps from one
// scheduled time to the next, and waits each time for the round to be
// recorded and the next run to be set, so that gocron's own goroutines
// never see the clock move under them.
func TestRunAcrossDaylightSaving(t *testing.T) {
	ctx := context.Background()
	p := mustPublishing(t, paris(t, 2026, 3, 20, 12, 0), false)
	// Retries are out of the way: only the weekly job fires.
	pub, db := p.instance(t, digest.Config{Retry: 30 * 24 * time.Hour})
	runCtx, cancel := context.WithCancel(ctx)
	defer cancel()
	done := make(chan error, 1)
	go func() { done <- pub.Run(runCtx) }()

	posted := func(week string) {
		t.Helper()
		deadline := time.Now().Add(10 * time.Second)
		for {
			rec, err := db.DigestPost(ctx, "channel:CDIGEST:"+week)
			if err == nil && rec.Posted() {
				return
			}
			if time.Now().After(deadline) {
				t.Fatalf("at %v the digest of %s is not posted: %+v, %v", p.clock.Now(), week, rec, err)
			}
			time.Sleep(time.Millisecond)
		}
	}
	posted("2026-W11") // missed on Monday 16 March: posted at start
	for _, c := range []struct {
		at   time.Time
		week string
	}{
		{paris(t, 2026, 3, 23, 9, 0), "2026-W12"},
		{paris(t, 2026, 3, 30, 9, 0), "2026-W13"},
	} {
		wait, stop := context.WithTimeout(ctx, 10*time.Second)
		err := p.clock.BlockUntilContext(wait, 2) // the weekly and the retry job
		stop()
		if err != nil {
			t.Fatalf("the scheduler has not set its timers: %v", err)
		}
		// A minute before, nothing is due.
		p.clock.Advance(c.at.Add(-time.Minute).Sub(p.clock.Now()))
		if n := len(p.srv.CallsTo("chat.postMessage")); n != map[string]int{"2026-W12": 1, "2026-W13": 2}[c.week] {
			t.Fatalf("at %v: %d posts", p.clock.Now(), n)
		}
		p.clock.Advance(time.Minute)
		posted(c.week)
	}
	cancel()
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, c := range p.srv.CallsTo("chat.postMessage") {
		got = append(got, c.Time.UTC().Format("Mon 2006-01-02 15:04"))
	}
	wantTimes := []string{"Fri 2026-03-20 11:00", "Mon 2026-03-23 08:00", "Mon 2026-03-30 07:00"}
	if diff := cmp.Diff(got, wantTimes); diff != "" {
		t.Errorf("posts at, UTC (-got +want):\n%s", diff)
	}
}
