package integration_test

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/nextdesk/nextdesk/i18n"
	"github.com/nextdesk/nextdesk/internal/fakeslack"
	"github.com/nextdesk/nextdesk/knowledge"
	"github.com/nextdesk/nextdesk/knowledge/desk"
)

func TestUnavailableExpertsAreSkipped(t *testing.T) {
	bob := fakeslack.User{ID: expert1, Name: "bob", RealName: "Bob", TZ: "Europe/London"}
	with := func(change func(*fakeslack.User)) func(*harness) {
		return func(h *harness) {
			u := bob
			change(&u)
			h.srv.AddUser(u)
		}
	}
	prefs := func(p knowledge.Preferences) func(*harness) {
		return func(h *harness) {
			_, err := h.store.Once(context.Background(), "prefs", func(tx desk.Tx) error {
				return tx.SetPreferences(context.Background(), expert1, p)
			})
			if err != nil {
				h.t.Fatal(err)
			}
		}
	}
	for _, c := range []struct {
		name  string
		setup func(*harness)
		want  string
	}{
		{"available", func(*harness) {}, expert1},
		{"away", with(func(u *fakeslack.User) { u.Presence = fakeslack.Away }), expert2},
		{"do not disturb", with(func(u *fakeslack.User) { u.DND = true }), expert2},
		{"on holiday (emoji)", with(func(u *fakeslack.User) { u.StatusEmoji = ":palm_tree:" }), expert2},
		{"ill (emoji)", with(func(u *fakeslack.User) { u.StatusEmoji = ":face_with_thermometer:" }), expert2},
		{"OOO (text)", with(func(u *fakeslack.User) { u.StatusText = "OOO until Monday" }), expert2},
		{"en congés (text)", with(func(u *fakeslack.User) { u.StatusText = "En CONGÉS" }), expert2},
		{"deleted", with(func(u *fakeslack.User) { u.Deleted = true }), expert2},
		{"opted out", prefs(knowledge.Preferences{OptedOut: true}), expert2},
		{"snoozed", prefs(knowledge.Preferences{SnoozedUntil: time.Now().Add(14 * 24 * time.Hour)}), expert2},
		{"snooze over", prefs(knowledge.Preferences{SnoozedUntil: time.Now().Add(-time.Hour)}), expert1},
		{"over the cap", func(h *harness) {
			for i := range 3 {
				qid := fmt.Sprintf("load%d", i)
				_, err := h.store.Once(context.Background(), qid, func(tx desk.Tx) error {
					ctx := context.Background()
					if err := tx.AddQuestion(ctx, knowledge.Question{ID: qid, Asker: other, Conversation: general, Text: "load " + qid}); err != nil {
						return err
					}
					if err := tx.AddAsk(ctx, knowledge.Ask{QuestionID: qid, Asker: other, Channel: general}); err != nil {
						return err
					}
					_, err := tx.AddRoute(ctx, knowledge.Route{QuestionID: qid, Expert: expert1})
					return err
				})
				if err != nil {
					h.t.Fatal(err)
				}
			}
		}, expert2},
	} {
		t.Run(c.name, func(t *testing.T) {
			h := newHarness(t, nil)
			c.setup(h)
			qid := h.routed()
			if diff := cmp.Diff(h.routes(qid), []string{c.want + ":pending"}); diff != "" {
				t.Errorf("routes (-got +want):\n%s", diff)
			}
		})
	}
}

func TestNobodyAvailableRecordsAGap(t *testing.T) {
	h := newHarness(t, nil)
	for _, u := range []fakeslack.User{
		{ID: expert1, Name: "bob", Presence: fakeslack.Away},
		{ID: expert2, Name: "carol", StatusText: "vacances"},
		{ID: expert3, Name: "dave", DND: true},
	} {
		h.srv.AddUser(u)
	}
	qid := h.routed()
	if routes := h.routes(qid); len(routes) != 0 {
		t.Errorf("routes = %v, want none", routes)
	}
	if a := h.askOf(qid); a.Status != knowledge.StatusUnanswered {
		t.Errorf("status = %s, want unanswered", a.Status)
	}
	thread := h.botPosts(general)
	if want := i18n.Tr(i18n.EN, "gap.nobody_available") + " " + i18n.Tr(i18n.EN, "route.gap_noted"); len(thread) != 2 || thread[1].Text != want {
		t.Errorf("thread = %q, want the question and the note that nobody was found", texts(thread))
	}
}

func TestExpertSeesOnlyEvidenceTheyMaySee(t *testing.T) {
	// The asker sees #secret; expert2 does not. The evidence shown to
	// expert2 must leave out #secret's question.
	h := newHarness(t, nil)
	ctx := context.Background()
	b := knowledge.Batch{Questions: []knowledge.Question{{
		ID: "slack:G0SECRET01:1700000011.000100", Asker: asker, Conversation: secret, Thread: "1700000011.000100",
		Text: "kubernetes rollback of the nightingale deployment", Time: time.Now().Add(-2 * time.Hour),
		Answers: []knowledge.Answer{{ID: "slack:G0SECRET01:1700000012.000100", Answerer: expert2, Text: "rollout undo", Time: time.Now().Add(-time.Hour)}},
	}}}
	if _, err := h.store.Import(ctx, b); err != nil {
		t.Fatal(err)
	}
	if _, err := knowledge.Sync(ctx, h.store, h.ix); err != nil {
		t.Fatal(err)
	}
	h.srv.AddUser(fakeslack.User{ID: expert1, Name: "bob", Presence: fakeslack.Away})
	h.routed()
	dms := h.botPosts(expert2)
	if len(dms) != 1 {
		t.Fatalf("expert2 got %d DMs, want 1", len(dms))
	}
	if got := dms[0].Blocks; strings.Contains(got, "nightingale") || !strings.Contains(got, "replica set") {
		t.Errorf("expert2's evidence = %s, want the public questions they answered only", got)
	}
}

// TestAPersonReactivatedWithoutAnEventIsRoutableAgain: a person seen
// deactivated is skipped by routing without being read again; if the
// event that says they are back was lost, the people task's daily re-read
// finds them active, and routing asks them again.
func TestAPersonReactivatedWithoutAnEventIsRoutableAgain(t *testing.T) {
	h := newHarness(t, nil)
	bob := fakeslack.User{ID: expert1, Name: "bob", RealName: "Bob", TZ: "Europe/London"}
	gone := bob
	gone.Deleted = true
	h.srv.AddUser(gone)
	if qid := h.routed(); !slices.Equal(h.routes(qid), []string{expert2 + ":pending"}) {
		t.Fatalf("routes while bob is deactivated = %v, want carol asked", h.routes(qid))
	}
	h.srv.AddUser(bob) // reactivated; no user_change reaches nextdesk
	ask := func(text string) []string {
		in, _ := h.ask(other, general, text)
		h.handle(in)
		h.deliver()
		return h.routes("ask:" + in.Key)
	}
	if got := ask("How do I roll back a kubernetes deployment in staging?"); slices.Contains(got, expert1+":pending") {
		t.Fatalf("bob asked (%v) before nextdesk could know he is back", got)
	}
	h.clock.Advance(25 * time.Hour)
	if err := h.desk.RecheckDeactivated(context.Background(), false); err != nil {
		t.Fatal(err)
	}
	if got := ask("Rolling back a kubernetes deployment that failed?"); !slices.Contains(got, expert1+":pending") {
		t.Errorf("routes after the daily re-read = %v, want bob asked again", got)
	}
}

// TestTheNamedExpertIsAskedFirst: a question that names someone among the
// experts goes to them first, whether asked with /ask, without one's name
// or by mentioning the bot; the bot's own mention names nobody.
func TestTheNamedExpertIsAskedFirst(t *testing.T) {
	const question = "How can I roll back a kubernetes deployment without downtime?"
	// slash asks text with /ask; id names the question from the command's key.
	slash := func(text string, id func(key string) string) func(*harness) string {
		return func(h *harness) string {
			in, _ := h.ask(asker, general, text)
			h.handle(in)
			return id(in.Key)
		}
	}
	named := func(key string) string { return "ask:" + key }
	for _, c := range []struct {
		name string
		ask  func(h *harness) string // asks and returns the question's id
		want string
	}{
		{"no name", slash(question, named), expert1},
		{"/ask naming carol", slash("<@"+expert2+"|carol> "+question, named), expert2},
		{"/ask --anon naming carol", slash("--anon <@"+expert2+"|carol> "+question, desk.AnonymousID), expert2},
		{"a mention naming carol", func(h *harness) string {
			msg, envs := h.srv.UserPosts(t, general, fakeslack.Message{User: asker, Text: "<@" + fakeslack.BotUserID + "> " + question + " <@" + expert2 + ">"})
			for _, id := range envs {
				h.handle(h.eventFromEnvelope(id))
			}
			return "slack:" + general + ":" + msg.TS
		}, expert2},
	} {
		t.Run(c.name, func(t *testing.T) {
			h := newHarness(t, nil)
			qid := c.ask(h)
			h.deliver()
			if diff := cmp.Diff(h.routes(qid), []string{c.want + ":pending"}); diff != "" {
				t.Errorf("routes (-got +want):\n%s", diff)
			}
		})
	}
}
