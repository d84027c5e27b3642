package integration_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/nextdesk/nextdesk/internal/fakeslack"
	"github.com/nextdesk/nextdesk/knowledge"
	"github.com/nextdesk/nextdesk/knowledge/desk"
)

// nextdesk runs /nextdesk text as user and returns the reply.
func (h *harness) nextdesk(user, text string) string {
	h.t.Helper()
	in, url := h.command(fakeslack.SlashCommand{Command: "/nextdesk", Text: text, UserID: user, ChannelID: general})
	h.handle(in)
	h.deliver()
	rs := h.srv.Responses(url)
	if len(rs) != 1 {
		h.t.Fatalf("/nextdesk %s: %d replies, want 1", text, len(rs))
	}
	if rs[0].ResponseType != "ephemeral" {
		h.t.Errorf("/nextdesk %s replied %s, want ephemeral", text, rs[0].ResponseType)
	}
	return rs[0].Text + "\n" + fakeslack.Readable(rs[0].Blocks)
}

func (h *harness) prefsOf(user string) knowledge.Preferences {
	h.t.Helper()
	p := read(h, func(r desk.Reader) (map[string]knowledge.Preferences, error) {
		return r.Preferences(context.Background(), []string{user})
	})
	return p[user]
}

func TestNextdeskSnoozeOptOutAndIn(t *testing.T) {
	h := newHarness(t, nil)
	now := h.clock.Now()

	if reply := h.nextdesk(expert1, "snooze 2w"); !strings.Contains(reply, "No questions for you until") {
		t.Errorf("snooze reply = %q", reply)
	}
	if until := h.prefsOf(expert1).SnoozedUntil; until.Sub(now) < 14*24*time.Hour || until.Sub(now) > 14*24*time.Hour+time.Minute {
		t.Errorf("snoozed until %v, want two weeks from %v", until, now)
	}
	if reply := h.nextdesk(expert1, "snooze forever"); !strings.Contains(reply, "can't read `forever`") {
		t.Errorf("bad snooze reply = %q", reply)
	}
	h.nextdesk(expert1, "snooze off")
	if p := h.prefsOf(expert1); !p.SnoozedUntil.IsZero() {
		t.Errorf("after snooze off: %+v", p)
	}
	h.nextdesk(expert1, "optout")
	if p := h.prefsOf(expert1); !p.OptedOut {
		t.Errorf("after optout: %+v", p)
	}
	// Opted out, expert1 is not asked.
	qid := h.routed()
	if diff := cmp.Diff(h.routes(qid), []string{expert2 + ":pending"}); diff != "" {
		t.Errorf("routes while opted out (-got +want):\n%s", diff)
	}
	h.nextdesk(expert1, "optin")
	if p := h.prefsOf(expert1); p.OptedOut {
		t.Errorf("after optin: %+v", p)
	}
}

func TestNextdeskMe(t *testing.T) {
	h := newHarness(t, nil)
	h.routed() // one question waits for expert1
	reply := h.nextdesk(expert1, "me")
	for _, want := range []string{
		"You answered 4 questions: 3 accepted",
		"How do I reset my VPN password?",
		"Waiting for you",
		"How can I roll back a kubernetes deployment without downtime?",
	} {
		if !strings.Contains(reply, want) {
			t.Errorf("/nextdesk me lacks %q:\n%s", want, reply)
		}
	}
	// What expert1 answered in #secret is theirs to see, but a person who
	// never answered gets the empty profile.
	if reply := h.nextdesk(other, "me"); !strings.Contains(reply, "haven't answered any question") || !strings.Contains(reply, "No question is waiting") {
		t.Errorf("/nextdesk me for a newcomer = %q", reply)
	}
}

func TestNextdeskHelpAndUnknown(t *testing.T) {
	h := newHarness(t, nil)
	for _, c := range []struct{ text, want string }{
		{"", "/nextdesk snooze 2w"},
		{"help", "/nextdesk optout"},
		{"dance", "I don't know `dance`"},
	} {
		if reply := h.nextdesk(asker, c.text); !strings.Contains(reply, c.want) {
			t.Errorf("/nextdesk %q = %q, want it to contain %q", c.text, reply, c.want)
		}
	}
}

func TestAskUsageAndPlaces(t *testing.T) {
	h := newHarness(t, nil)
	h.srv.AddChannel(fakeslack.Channel{ID: "C0NOBOT001", Name: "no-bot", Members: []string{asker}})
	for _, c := range []struct {
		name, channel, text, want string
	}{
		{"no text", general, "", "/ask your question"},
		{"help", general, "help", "/ask your question"},
		{"a channel without the bot", "C0NOBOT001", "Where is the coffee?", "/invite @nextdesk"},
	} {
		in, url := h.ask(asker, c.channel, c.text)
		h.handle(in)
		h.deliver()
		rs := h.srv.Responses(url)
		if len(rs) != 1 || !strings.Contains(rs[0].Text, c.want) {
			t.Errorf("%s: replies %+v, want one saying %q", c.name, rs, c.want)
		}
	}
	if n := len(h.srv.CallsTo("chat.postMessage")); n != 0 {
		t.Errorf("%d posts for usage replies, want none", n)
	}

	// /ask in a DM is private: the instant answer comes through the
	// command's response_url, only to the asker.
	h.dmChannel("D0ALICE001", asker)
	in, url := h.ask(asker, "D0ALICE001", "How do I reset my VPN password?")
	h.handle(in)
	h.deliver()
	rs := h.srv.Responses(url)
	if len(rs) != 1 || !strings.Contains(fakeslack.Readable(rs[0].Blocks), "vpn.example.com/reset") || rs[0].ResponseType != "ephemeral" {
		t.Errorf("/ask in a DM replied %+v, want the past answer, ephemeral", rs)
	}
	if a := h.askOf("ask:" + in.Key); !a.Private {
		t.Errorf("ask = %+v, want private", a)
	}
}

// TestTeamCommands reads /nextdesk team and its review's arguments, in
// both languages: a team's name of several words, a date, and what is
// neither.
func TestTeamCommands(t *testing.T) {
	h := newHarness(t, nil)
	ctx := context.Background()
	h.srv.AddChannel(fakeslack.Channel{ID: "C0SERVICE", Name: "service-client", Members: []string{fakeslack.BotUserID, expert1, french}})
	teams := knowledge.Teams{
		{Name: "Service client", Channel: "C0SERVICE", Members: []string{expert1, french},
			Topics:   []knowledge.Topic{{Name: "retours", Words: []string{"retour", "return"}}},
			Promises: []knowledge.Promise{{FirstResponse: 2 * time.Hour}}},
		{Name: "Qualité", Channel: "#qualite", Members: []string{french}},
	}
	if err := h.store.ReplaceTeams(ctx, teams); err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct{ user, text, want string }{
		{asker, "team", "You're not in any team."},
		{french, "équipe", "Vos équipes"},
		{french, "équipe", "une première réponse sous 2 heures ouvrées"},
		{expert1, "team", "*Service client* · <#C0SERVICE> · 2 members"},
		{expert1, "team sometimes", "Use `/nextdesk team` to see your teams"},
		{french, "team review", "Vous êtes dans plusieurs équipes : Service client, Qualité."},
		{french, "team review Service Client 2999-01-01", "`2999-01-01` n'est pas une date passée"},
		{expert1, "team review 2026-13-45", "`2026-13-45` isn't a date in the past"},
		{expert1, "team review qualité", "You're not in qualité; your teams: Service client."},
		{asker, "team review", "You're not in any team, so there is no review to post."},
		{french, "team bilan service client", "J'ai publié le bilan des engagements de service de l'équipe Service client dans <#C0SERVICE>."},
		{expert1, "help", "`/nextdesk team`: your teams and what they promise"},
	} {
		if got := h.nextdesk(c.user, c.text); !strings.Contains(got, c.want) {
			t.Errorf("/nextdesk %s by %s = %q, want %q in it", c.text, c.user, got, c.want)
		}
	}
	var reviews int
	for _, m := range h.botPosts("C0SERVICE") {
		if strings.Contains(m.Text, "Service client") {
			reviews++
		}
	}
	if reviews != 1 {
		t.Errorf("%d reviews posted in #service-client, want 1", reviews)
	}
}
