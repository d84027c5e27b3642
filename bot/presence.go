package bot

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"sync"
	"time"

	"github.com/slack-go/slack"
	"github.com/slack-go/slack/slackevents"
	"golang.org/x/time/rate"

	"github.com/nextdesk/nextdesk/knowledge"
)

// Slack methods whose calls routing makes for every candidate it checks.
const (
	methodUserInfo = "users.info"
	methodPresence = "users.getPresence"
	methodDND      = "dnd.info"
)

// tier is how often Slack lets an app call a method: per minute, with a
// short burst above that.
type tier struct {
	perMinute, burst int
}

// slackTiers are Slack's rate tiers of the methods routing calls: Tier 3
// (50+ a minute) for users.getPresence and dnd.info, Tier 4 (100+ a
// minute) for users.info. The limits are Slack's floors, so a workspace of
// any plan stays within them.
var slackTiers = map[string]tier{
	methodPresence: {perMinute: 50, burst: 10},
	methodDND:      {perMinute: 50, burst: 10},
	methodUserInfo: {perMinute: 100, burst: 20},
}

// maxLimitWait is how long a read waits for its method's next slot: enough
// to smooth a burst of questions, little enough that a question is not held
// up; past it the read is skipped and its answer unknown.
const maxLimitWait = time.Second

// presenceTTL is how long what Slack said of a person's presence is
// trusted: long enough that the experts of a busy topic are read once for
// a burst of questions, short enough that someone who just left is not
// asked for long.
const presenceTTL = 2 * time.Minute

// errThrottled is a read skipped to stay within Slack's rate limits.
var errThrottled = errors.New("skipped to stay within Slack's rate limits")

// limits is one token bucket per Slack method, shared by every caller in
// the process, and, for a method Slack answered with 429, the time before
// which it is not called again.
type limits struct {
	mu      sync.Mutex
	buckets map[string]*rate.Limiter
	until   map[string]time.Time
}

func newLimits(tiers map[string]tier) *limits {
	l := &limits{buckets: map[string]*rate.Limiter{}, until: map[string]time.Time{}}
	for method, t := range tiers {
		l.buckets[method] = rate.NewLimiter(rate.Every(time.Minute/time.Duration(t.perMinute)), t.burst)
	}
	return l
}

// take waits for a slot to call method, at most maxLimitWait, and reports
// whether there is one. A method without a bucket is not limited.
func (l *limits) take(ctx context.Context, method string) bool {
	l.mu.Lock()
	b, until := l.buckets[method], l.until[method]
	l.mu.Unlock()
	now := time.Now()
	if now.Before(until) {
		return false
	}
	if b == nil {
		return true
	}
	r := b.ReserveN(now, 1)
	if !r.OK() || r.DelayFrom(now) > maxLimitWait {
		r.CancelAt(now)
		return false
	}
	if d := r.DelayFrom(now); d > 0 {
		t := time.NewTimer(d)
		defer t.Stop()
		select {
		case <-ctx.Done():
			r.Cancel()
			return false
		case <-t.C:
		}
	}
	return true
}

// observe notes what a call of method returned: a 429 stops every call of
// it until Slack's Retry-After has passed.
func (l *limits) observe(method string, err error) {
	var rl *slack.RateLimitedError
	if !errors.As(err, &rl) {
		return
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	if until := time.Now().Add(max(rl.RetryAfter, time.Second)); until.After(l.until[method]) {
		l.until[method] = until
	}
}

// limited calls method through fn within its limits: errThrottled when there
// is no slot.
func limited[T any](ctx context.Context, l *limits, method string, fn func() (T, error)) (T, error) {
	if !l.take(ctx, method) {
		var zero T
		return zero, errThrottled
	}
	v, err := fn()
	l.observe(method, err)
	return v, err
}

// presenceCache keeps each person's last full presence read for
// presenceTTL.
type presenceCache struct {
	mu   sync.Mutex
	seen map[string]presenceRead
}

type presenceRead struct {
	person   knowledge.Person
	presence knowledge.Presence
	at       time.Time
}

func newPresenceCache() *presenceCache { return &presenceCache{seen: map[string]presenceRead{}} }

func (c *presenceCache) get(id string, now time.Time) (presenceRead, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	r, ok := c.seen[id]
	if !ok || now.Sub(r.at) >= presenceTTL || now.Before(r.at) {
		return presenceRead{}, false
	}
	return r, true
}

func (c *presenceCache) put(r presenceRead) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.seen[r.person.ID] = r
}

func (c *presenceCache) forget(id string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	delete(c.seen, id)
}

// userInfo reads a person from Slack within users.info's limits.
func (w *Workspace) userInfo(ctx context.Context, id string) (*slack.User, error) {
	return limited(ctx, w.limits, methodUserInfo, func() (*slack.User, error) { return w.api.GetUserInfoContext(ctx, id) })
}

// Presence reads whether a person is around: their status, presence and
// do-not-disturb hours, with their profile as Slack has it now (a person
// may have left since they were cached). A full read is kept for
// presenceTTL. A read Slack refused (429), that failed, or that was
// skipped to stay within Slack's rate tiers leaves the presence Unknown,
// never "present": the desk then prefers candidates known to be around.
func (w *Workspace) Presence(ctx context.Context, id string) (knowledge.Person, knowledge.Presence) {
	if r, ok := w.seen.get(id, w.now()); ok {
		return r.person, r.presence
	}
	var pr knowledge.Presence
	p := knowledge.Person{ID: id}
	u, err := w.userInfo(ctx, id)
	switch {
	case err == nil:
		p = w.personOf(u)
		pr.StatusEmoji, pr.StatusText = u.Profile.StatusEmoji, u.Profile.StatusText
		if err := w.cache.CachePerson(ctx, p, w.now()); err != nil {
			w.log.Warn("could not cache a person", "user", id, "err", err)
		}
	case slackCode(err) == "user_not_found":
		p.Deleted = true
		return p, pr
	default:
		pr.Unknown = true
		if cached, err := w.cache.Person(ctx, id); err == nil {
			p = cached
		}
	}
	if !p.Routable() {
		// Nobody asks them: their presence is not worth a call.
		return p, pr
	}
	up, err := limited(ctx, w.limits, methodPresence, func() (*slack.UserPresence, error) { return w.api.GetUserPresenceContext(ctx, id) })
	if err == nil {
		pr.Away = up.Presence == "away"
	} else {
		pr.Unknown = true
	}
	dnd, err := limited(ctx, w.limits, methodDND, func() (*slack.DNDStatus, error) { return w.api.GetDNDInfoContext(ctx, &id) })
	switch {
	case err != nil:
		pr.Unknown = true
	case dnd.Enabled:
		now := w.now().Unix()
		pr.DND = int64(dnd.NextStartTimestamp) <= now && now < int64(dnd.NextEndTimestamp)
	}
	if pr.Unknown {
		w.log.Debug("presence unknown", "user", id)
	} else {
		w.seen.put(presenceRead{person: p, presence: pr, at: w.now()})
	}
	return p, pr
}

// userChanged keeps what Slack says of a person who changed (user_change):
// a deactivated account that is active again becomes routable again, and
// their presence is read afresh.
func (w *Workspace) userChanged(ctx context.Context, u slackevents.User) error {
	if u.ID == "" {
		return nil
	}
	name := cmp.Or(u.Profile.DisplayName, u.RealName, u.Name)
	p := knowledge.Person{
		ID: u.ID, Name: name, TZ: u.TZ, TZOffset: u.TZOffset, Locale: u.Locale,
		Bot: u.IsBot || u.ID == "USLACKBOT", Deleted: u.Deleted,
	}
	if known, err := w.cache.Person(ctx, u.ID); err == nil && p.Locale == "" {
		// The event carries no locale; the one read with users.info
		// stands.
		p.Locale = known.Locale
	}
	w.seen.forget(u.ID)
	if err := w.cache.CachePerson(ctx, p, w.now()); err != nil {
		return fmt.Errorf("keep the change of %s: %w", u.ID, err)
	}
	return nil
}
