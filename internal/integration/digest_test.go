package integration_test

import (
	"context"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/nextdesk/nextdesk/digest"
	"github.com/nextdesk/nextdesk/internal/fakeslack"
	"github.com/nextdesk/nextdesk/knowledge"
	"github.com/nextdesk/nextdesk/knowledge/desk"
)

// digestCommand runs "/nextdesk digest args" as user, delivered twice as
// Slack may, and returns the one reply.
func (h *harness) digestCommand(user, args string) string {
	h.t.Helper()
	in, url := h.command(fakeslack.SlashCommand{Command: "/nextdesk", Text: "digest " + args, UserID: user, ChannelID: general})
	h.handle(in)
	h.handle(in)
	h.deliver()
	rs := h.srv.Responses(url)
	if len(rs) != 1 {
		h.t.Fatalf("digest %s: %d replies, want 1", args, len(rs))
	}
	return rs[0].Text
}

func TestDigestCommand(t *testing.T) {
	h := newHarness(t, nil)
	for _, c := range []struct{ user, args, want string }{
		{asker, "on", "You'll get a personal digest every week"},
		{french, "ON", "Vous recevrez chaque semaine"},
		{expert1, "", "You don't get the personal weekly digest"},
		{french, "off", "Vous ne recevrez plus"},
		{expert1, "sometimes", "Use `/nextdesk digest on`"},
		{asker, "status", "You get the personal weekly digest"},
	} {
		if got := h.digestCommand(c.user, c.args); !strings.HasPrefix(got, c.want) {
			t.Errorf("digest %s by %s = %q, want it to start with %q", c.args, c.user, got, c.want)
		}
	}
	subs := read(h, func(r desk.Reader) ([]string, error) { return r.DigestSubscribers(context.Background()) })
	if diff := cmp.Diff(subs, []string{asker}); diff != "" {
		t.Errorf("subscribers (-got +want):\n%s", diff)
	}
}

// TestDigestsGoOutThroughTheOutbox records the week's digests with the
// digest task and delivers them with the bot's other messages: the
// channel's once, a subscriber's in their language, and none for a
// subscriber with nothing new.
func TestDigestsGoOutThroughTheOutbox(t *testing.T) {
	h := newHarness(t, nil)
	ctx := context.Background()
	h.srv.AddChannel(fakeslack.Channel{ID: "C0DIGEST01", Name: "digest", Members: []string{fakeslack.BotUserID}})
	h.digestCommand(french, "on") // asked about a helm rollback this week
	h.digestCommand(other, "on")  // asked about the VPN two days ago
	h.digestCommand(expert3, "on")
	sch, err := digest.NewScheduler(digest.Config{Channel: "C0DIGEST01", Location: time.UTC}, h.store, h.clock.Now, nil)
	if err != nil {
		t.Fatal(err)
	}
	// The week of the harness's latest answers.
	week := digest.WeekOf(h.clock.Now().Add(-10 * time.Hour))
	for range 2 {
		if _, err := sch.RecordWeek(ctx, week, false); err != nil {
			t.Fatal(err)
		}
		h.deliver()
	}
	if msgs := h.srv.Messages("C0DIGEST01"); len(msgs) != 1 || !strings.Contains(msgs[0].Text, "Weekly digest") {
		t.Errorf("channel digests = %+v, want one", msgs)
	}
	// A personal digest goes in its reader's language, or not at all when
	// nothing is new in their topics.
	personal := 0
	for who, want := range map[string]string{french: "Votre récap de la semaine", other: "Your weekly digest", expert3: "Your weekly digest"} {
		posts := h.botPosts(who)
		if len(posts) > 1 || len(posts) == 1 && !strings.HasPrefix(posts[0].Text, want) {
			t.Errorf("%s's digests = %q, want at most one, starting %q", who, texts(posts), want)
		}
		personal += len(posts)
	}
	if personal == 0 {
		t.Error("no personal digest went out")
	}
	sent := read(h, func(r desk.Reader) (desk.Outgoing, error) {
		return r.Outgoing(ctx, digest.PersonKey(expert3, week))
	})
	if sent.State != desk.OutboxSent {
		t.Errorf("expert3's digest is %s, want done (sent, or nothing to send)", sent.State)
	}
	if n := h.pending(); n != 0 {
		t.Errorf("%d notices pending after delivery, want none", n)
	}
}

// TestChannelDigestNamesTheClosestTeam: the digest the outbox composes
// matches the week's topics nobody covers with the teams' topics through
// the analysis it is given (serve gives it the index's), and names the
// closest team.
func TestChannelDigestNamesTheClosestTeam(t *testing.T) {
	var analysed atomic.Int64
	var h *harness
	h = newHarness(t, func(c *config) {
		c.Terms = func(text string) []string {
			analysed.Add(1)
			return h.ix.Terms(text)
		}
	})
	ctx := context.Background()
	h.srv.AddChannel(fakeslack.Channel{ID: "C0DIGEST01", Name: "digest", Members: []string{fakeslack.BotUserID}})
	teams := knowledge.Teams{
		{Name: "Platform", Members: []string{expert3}, Topics: []knowledge.Topic{{Name: "infra", Words: []string{"terraform state", "déploiement"}}}},
		{Name: "Data", Members: []string{expert2}, Topics: []knowledge.Topic{{Name: "streams", Words: []string{"kafka"}}}},
	}
	if err := h.store.ReplaceTeams(ctx, teams); err != nil {
		t.Fatal(err)
	}
	// Two questions this week on a topic nobody ever answered.
	for _, text := range []string{"Who unlocks the terraform state of staging?", "The terraform states of prod are locked again"} {
		in, _ := h.ask(other, general, text)
		h.handle(in)
	}
	h.deliver()
	sch, err := digest.NewScheduler(digest.Config{Channel: "C0DIGEST01", Location: time.UTC}, h.store, h.clock.Now, nil)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := sch.RecordWeek(ctx, digest.WeekOf(h.clock.Now()), false); err != nil {
		t.Fatal(err)
	}
	analysed.Store(0)
	h.deliver()
	msgs := h.srv.Messages("C0DIGEST01")
	if len(msgs) != 1 || !strings.Contains(string(msgs[0].Blocks), "closest: Platform") {
		t.Fatalf("channel digest = %+v, want the terraform topic, closest to Platform", msgs)
	}
	if analysed.Load() == 0 {
		t.Error("the digest matched the teams without the analysis it was given")
	}
}

func TestProfileShowsHandOffsWithAnOrgChart(t *testing.T) {
	h := newHarness(t, nil)
	ctx := context.Background()
	if got := h.nextdesk(expert1, "me"); strings.Contains(got, "hand-offs") {
		t.Errorf("without an org chart: %q, want no hand-offs", got)
	}
	// In the harness's history bob answered four questions first: three
	// of frank's and one of élodie's, each four hand-offs away through
	// their managers and the CEO.
	chart := map[string]string{other: "U0MGR0001", french: "U0MGR0001", expert1: "U0MGR0002", "U0MGR0001": "U0CEO0001", "U0MGR0002": "U0CEO0001"}
	if err := h.store.ReplaceOrgChart(ctx, chart); err != nil {
		t.Fatal(err)
	}
	if got, want := h.nextdesk(expert1, "me"), "You answered 4 questions directly, saving 16 hand-offs between managers."; !strings.Contains(got, want) {
		t.Errorf("/nextdesk me = %q, want %q", got, want)
	}
}
