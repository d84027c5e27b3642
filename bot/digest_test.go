package bot

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/nextdesk/nextdesk/digest"
	"github.com/nextdesk/nextdesk/i18n"
	"github.com/nextdesk/nextdesk/internal/fakeslack"
)

// digestCommand runs "/nextdesk digest args" as user through DigestCommand
// and returns the reply.
func (h *harness) digestCommand(user, lang, args string) string {
	h.t.Helper()
	in, url := h.command(fakeslack.SlashCommand{Command: "/nextdesk", Text: "digest " + args, UserID: user, ChannelID: general})
	if err := h.bot.DigestCommand(context.Background(), in, user, lang, args); err != nil {
		h.t.Fatalf("DigestCommand(%q): %v", args, err)
	}
	// A redelivery of the same command does nothing more.
	if err := h.bot.DigestCommand(context.Background(), in, user, lang, args); err != nil {
		h.t.Fatalf("DigestCommand(%q) again: %v", args, err)
	}
	h.deliver()
	rs := h.srv.Responses(url)
	if len(rs) != 1 {
		h.t.Fatalf("digest %s: %d replies, want 1", args, len(rs))
	}
	return rs[0].Text
}

func TestDigestCommand(t *testing.T) {
	h := newHarness(t, nil)
	ctx := context.Background()
	for _, c := range []struct{ user, lang, args, want string }{
		{asker, i18n.EN, "on", "You'll get a personal digest every week"},
		{french, i18n.FR, "on", "Vous recevrez chaque semaine"},
		{expert1, i18n.EN, "", "You don't get the personal weekly digest"},
		{french, i18n.FR, "off", "Vous ne recevrez plus"},
		{expert1, i18n.EN, "sometimes", "Use `/nextdesk digest on`"},
	} {
		if got := h.digestCommand(c.user, c.lang, c.args); !strings.HasPrefix(got, c.want) {
			t.Errorf("digest %s by %s = %q, want it to start with %q", c.args, c.user, got, c.want)
		}
	}
	subs, err := h.db.DigestSubscribers(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(subs, []string{asker}); diff != "" {
		t.Errorf("subscribers (-got +want):\n%s", diff)
	}
}

func TestDigestTaskAndHandOffs(t *testing.T) {
	h := newHarness(t, nil)
	ctx := context.Background()
	h.srv.AddChannel(fakeslack.Channel{ID: "C0DIGEST01", Name: "digest", Members: []string{fakeslack.BotUserID}})
	pub, err := digest.NewPublisher(digest.Config{Channel: "C0DIGEST01", Location: time.UTC}, h.db, h.api, nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	task := h.bot.DigestTask(pub)
	if task.Name != "digest" {
		t.Errorf("task name %q", task.Name)
	}
	if err := task.Run(ctx, true); err != nil || len(h.srv.CallsTo("chat.postMessage")) != 0 {
		t.Fatalf("dry run: %v, %d posts", err, len(h.srv.CallsTo("chat.postMessage")))
	}
	for range 2 {
		if err := task.Run(ctx, false); err != nil {
			t.Fatal(err)
		}
	}
	if n := len(h.srv.Messages("C0DIGEST01")); n != 1 {
		t.Errorf("two runs posted %d digests, want 1", n)
	}

	// In the harness's history bob answered four questions first: three
	// of frank's and one of élodie's, each four hand-offs away through
	// their managers and the CEO.
	if got, err := h.bot.HandOffsText(ctx, expert1, i18n.EN); err != nil || got != "" {
		t.Errorf("without an org chart: %q, %v; want nothing", got, err)
	}
	chart := map[string]string{other: "U0MGR0001", french: "U0MGR0001", expert1: "U0MGR0002", "U0MGR0001": "U0CEO0001", "U0MGR0002": "U0CEO0001"}
	if err := h.db.ReplaceOrgChart(ctx, chart); err != nil {
		t.Fatal(err)
	}
	got, err := h.bot.HandOffsText(ctx, expert1, i18n.EN)
	if err != nil {
		t.Fatal(err)
	}
	if want := "You answered 4 questions directly, saving 16 hand-offs between managers."; got != want {
		t.Errorf("HandOffsText = %q, want %q", got, want)
	}
}
