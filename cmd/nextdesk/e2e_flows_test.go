package main

import (
	"context"
	"database/sql"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/nextdesk/nextdesk/internal/fakeslack"
	"github.com/nextdesk/nextdesk/knowledge"
	"github.com/nextdesk/nextdesk/knowledge/desk"
	"github.com/nextdesk/nextdesk/knowledge/sqlite"
)

// The flows of issue 9 §4, end to end: each runs in TestE2E, once per
// transport.

// actionPick is the button that picks an earlier thread.
const actionPick = "nextdesk_pick"

// e2eTakeRemindsInsteadOfPassingOn: "I'll take it" tells the asker who
// took it, and the timeout then reminds the taker instead of passing the
// question on.
func e2eTakeRemindsInsteadOfPassingOn(t *testing.T, e *e2e) {
	cmd := e.ask(alice, general, rollback)
	qid := "ask:" + cmd.TriggerID
	card := e.waitPosts(carol, 1)[0]
	url := e.click(carol, card, actionTake)
	rs := e.slack.WaitResponses(t, url, 1, e2eWait)
	if blocks := fakeslack.Readable(rs[0].Blocks); strings.Contains(blocks, actionTake) || !strings.Contains(blocks, actionPass) {
		t.Errorf("carol's card after taking it = %s, want only the button that hands it back", blocks)
	}
	e.eventually("alice told who took it", func() bool {
		posts := e.botPosts(general)
		return strings.Contains(posts[len(posts)-1].Text, "<@"+carol+"> is on it")
	})
	// The 1s timeout passes: carol is reminded, nobody else is asked.
	e.eventuallyWithin(30*time.Second, "a reminder to carol", func() bool { return len(e.botPosts(carol)) >= 2 })
	reminder := e.botPosts(carol)[1]
	if !strings.Contains(reminder.Text, "Reminder") || !strings.Contains(reminder.Blocks, "/archives/"+general+"/p") {
		t.Errorf("reminder = %+v, want a reminder linking to the thread", reminder)
	}
	if dms := e.botPosts(dave); len(dms) != 0 {
		t.Errorf("dave got %d DMs, want none: carol took the question", len(dms))
	}
	// Carol answers: the question is answered, her route too.
	e.posts(general, fakeslack.Message{User: carol, Text: "kubectl rollout undo deployment/web", ThreadTS: e.botPosts(general)[0].TS})
	e.waitIdle()
	db := e.finish()
	if diff := cmp.Diff(routesOf(t, db, qid), []string{carol + ":answered"}); diff != "" {
		t.Errorf("routes (-got +want):\n%s", diff)
	}
}

// e2eAlreadyAnsweredPicks: "Already answered" offers the earlier threads;
// the one picked goes to the asker, and is recorded.
func e2eAlreadyAnsweredPicks(t *testing.T, e *e2e) {
	cmd := e.ask(alice, general, rollback)
	qid := "ask:" + cmd.TriggerID
	card := e.waitPosts(carol, 1)[0]
	url := e.click(carol, card, actionAlready)
	e.slack.WaitResponses(t, url, 1, e2eWait)
	var picker botMessage
	e.eventually("the card replaced by the earlier threads", func() bool {
		picker = e.botPosts(carol)[0]
		return strings.Contains(picker.Blocks, actionPick)
	})
	values := fakeslack.ButtonValues(picker.Blocks, actionPick)
	if len(values) == 0 || strings.Contains(picker.Blocks, secretAnswer) {
		t.Fatalf("picker = %s, want earlier public threads only", picker.Blocks)
	}
	want := e.past("kubernetes deployment rollback stuck on the old replica set")
	var value string
	for _, v := range values {
		if strings.HasSuffix(v, ":"+want) {
			value = v
		}
	}
	if value == "" {
		t.Fatalf("picker values %q lack the rollback thread %s", values, want)
	}
	e.clickValue(carol, picker, actionPick, value)
	e.eventually("the earlier answer handed to alice", func() bool {
		posts := e.botPosts(general)
		last := posts[len(posts)-1]
		return strings.Contains(last.Blocks, "<@"+carol+"> says this earlier answer") && strings.Contains(last.Blocks, "kubectl rollout undo") && strings.Contains(last.Blocks, actionSolved)
	})
	e.waitIdle()
	if card := e.botPosts(carol)[0].Blocks; strings.Contains(card, actionPick) || strings.Contains(card, actionTake) {
		t.Errorf("carol's card after her pick = %s, want no buttons", card)
	}
	db := e.finish()
	if diff := cmp.Diff(routesOf(t, db, qid), []string{carol + ":duplicate"}); diff != "" {
		t.Errorf("routes (-got +want):\n%s", diff)
	}
	if a := askOf(t, db, qid); a.Status != knowledge.StatusOffered || a.Offered == "" {
		t.Errorf("ask = %+v, want offered the picked answer", a)
	}
	if o := offerOf(t, e.env["NEXTDESK_DATA_DIR"], qid); o.outcome != string(desk.OfferAlreadyAnswered) || o.picked != want {
		t.Errorf("offer = %+v, want already_answered with %s picked", o, want)
	}
}

// e2eThreadMentionAsksTheThreadsQuestion: "@nextdesk can you help with
// this?" in a thread asks the thread's question, with what its author
// added; an answer by someone else closes the expert's card.
func e2eThreadMentionAsksTheThreadsQuestion(t *testing.T, e *e2e) {
	root, _ := e.posts(general, fakeslack.Message{User: alice, Text: rollback})
	e.posts(general, fakeslack.Message{User: alice, Text: "It is the payments service; its pods keep restarting.", ThreadTS: root.TS})
	e.posts(general, fakeslack.Message{User: frank, Text: "<@" + fakeslack.BotUserID + "> can you help with this?", ThreadTS: root.TS})
	card := e.waitPosts(carol, 1)[0]
	for _, want := range []string{"roll back a kubernetes deployment", "payments service", "<@" + alice + "> asks"} {
		if !strings.Contains(card.Blocks, want) {
			t.Errorf("carol's card lacks %q: %s", want, card.Blocks)
		}
	}
	if strings.Contains(card.Blocks, "can you help") {
		t.Errorf("carol's card asks the mention's words: %s", card.Blocks)
	}
	// Dave answers in the thread: carol's card no longer waits for her.
	e.posts(general, fakeslack.Message{User: dave, Text: "helm rollback payments 12", ThreadTS: root.TS})
	e.eventually("carol's card updated", func() bool {
		return strings.Contains(e.botPosts(carol)[0].Blocks, "<@"+dave+"> answered it")
	})
	e.waitIdle()
	updated := e.botPosts(carol)[0]
	if strings.Contains(updated.Blocks, actionTake) || len(e.slack.CallsTo("chat.update")) == 0 {
		t.Errorf("carol's card = %s, want it changed by chat.update, without buttons", updated.Blocks)
	}
	db := e.finish()
	qid := "slack:" + general + ":" + root.TS
	a := askOf(t, db, qid)
	if a.Asker != alice || a.Thread != root.TS {
		t.Errorf("ask = %+v, want alice's, in her thread", a)
	}
	q, err := db.Question(context.Background(), knowledge.Anonymous, qid)
	if err != nil || !strings.Contains(q.Text, "payments service") || strings.Contains(q.Text, "can you help") {
		t.Errorf("question kept = %q (%v), want the root and alice's detail", q.Text, err)
	}
}

// e2eThreadMentionIsNoAnswer: Slack sends a reply that calls the bot as
// a message and as an app_mention, in either order. Read after the
// mention asked the thread's question, the message must not answer it:
// frank called the bot, he did not answer.
func e2eThreadMentionIsNoAnswer(t *testing.T, e *e2e) {
	root, _ := e.posts(general, fakeslack.Message{User: alice, Text: rollback})
	ch, _ := e.slack.Channel(general)
	call := e.slack.AddMessage(general, fakeslack.Message{User: frank, Text: "<@" + fakeslack.BotUserID + "> can you help with this?", ThreadTS: root.TS})
	e.deliverPayload(fakeslack.EventCallback(fakeslack.TeamID, e.nextID("EvE2E"), fakeslack.AppMentionEvent(ch, call)))
	e.waitPosts(carol, 1)
	e.waitIdle()
	e.deliverPayload(fakeslack.EventCallback(fakeslack.TeamID, e.nextID("EvE2E"), fakeslack.MessageEvent(ch, call)))
	e.waitIdle()
	if card := e.botPosts(carol)[0].Blocks; !strings.Contains(card, actionTake) || strings.Contains(card, "answered it") {
		t.Errorf("carol's card after the mention's message = %s, want it still asking her", card)
	}
	e.posts(general, fakeslack.Message{User: dave, Text: "helm rollback payments 12", ThreadTS: root.TS})
	e.eventually("carol's card says dave answered", func() bool {
		return strings.Contains(e.botPosts(carol)[0].Blocks, "<@"+dave+"> answered it")
	})
	e.waitIdle()
	db := e.finish()
	q, err := db.Question(context.Background(), knowledge.Anonymous, "slack:"+general+":"+root.TS)
	if err != nil {
		t.Fatal(err)
	}
	var answerers []string
	for _, a := range q.Answers {
		answerers = append(answerers, a.Answerer)
	}
	if diff := cmp.Diff(answerers, []string{dave}); diff != "" {
		t.Errorf("answerers (-got +want):\n%s", diff)
	}
}

// e2eGivenUpSaysWhatHappened: nobody known to be around and a fallback
// channel: both the channel and the asker hear that nobody could be
// asked, not that those asked could not answer.
func e2eGivenUpSaysWhatHappened(t *testing.T, e *e2e) {
	for _, id := range []string{carol, dave} {
		u := fakeslack.User{ID: id, Name: id, Presence: fakeslack.Away}
		e.slack.AddUser(u)
	}
	e.ask(alice, general, rollback)
	fb := e.waitPosts(askAnyone, 1)[0]
	if !strings.Contains(fb.Text, "away or busy") || strings.Contains(fb.Text, "I asked") {
		t.Errorf("fallback channel told %q, want that nobody could be asked", fb.Text)
	}
	thread := e.waitPosts(general, 2)
	if note := thread[1].Text; !strings.Contains(note, "away or busy") || !strings.Contains(note, "#ask-anyone") {
		t.Errorf("alice told %q, want that nobody could be asked and #ask-anyone was", note)
	}
	e.waitIdle()
	e.finish()
}

// e2eReactivatedPersonIsRoutable: carol, deactivated, is not asked; once
// Slack says she is back (user_change), she is again.
func e2eReactivatedPersonIsRoutable(t *testing.T, e *e2e) {
	carolUser := fakeslack.User{ID: carol, Name: "carol", RealName: "Carol Dupont", Locale: "en-GB", TZ: "Europe/London"}
	gone := carolUser
	gone.Deleted = true
	e.slack.AddUser(gone)
	e.ask(alice, general, rollback)
	e.waitPosts(dave, 1)
	e.waitIdle()
	e.deliver(e.slack.UserChanges(t, carolUser))
	e.waitIdle()
	e.ask(frank, general, "How do I roll back a kubernetes deployment in production?")
	e.waitPosts(carol, 1)
	e.waitIdle()
	e.finish()
}

// e2eRateLimitedPresenceIsUnknown: Slack's 429 on users.getPresence makes
// presence unknown, not present, and users.getPresence rests until
// Retry-After passes: with nobody known to be around, the best ranked
// expert is still asked, and the next question makes no presence call.
func e2eRateLimitedPresenceIsUnknown(t *testing.T, e *e2e) {
	e.slack.FailNext("users.getPresence", 1, 429, 30*time.Second)
	e.ask(alice, general, rollback)
	e.waitPosts(carol, 1)
	e.ask(frank, general, "How do I roll back a kubernetes deployment that is stuck?")
	e.waitPosts(carol, 2)
	e.waitIdle()
	if n := len(e.slack.CallsTo("users.getPresence")); n != 1 {
		t.Errorf("%d users.getPresence calls, want 1: the 429 says to wait", n)
	}
	if !strings.Contains(e.run.log.String(), "presence unknown") {
		t.Error("the log does not say that presence was unknown")
	}
	e.finish()
}

// e2eImportedEmailsOutliveTheBot: the e-mails an export gave are kept
// when the bot reads people without users:read.email, so `import org` by
// e-mail finds them.
func e2eImportedEmailsOutliveTheBot(t *testing.T, e *e2e) {
	db, err := sqlite.Open(storePath(e.env["NEXTDESK_DATA_DIR"]))
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	for id, mail := range map[string]string{alice: "alice@corp.fr", carol: "Carol.Dupont@corp.fr", dave: "dave@corp.fr"} {
		if err := db.UpsertPerson(ctx, knowledge.Person{ID: id, Name: id, Email: mail}); err != nil {
			t.Fatal(err)
		}
	}
	db.Close()
	// The bot reads alice, carol and dave from Slack, which gives no
	// e-mail.
	e.ask(alice, general, rollback)
	e.waitPosts(carol, 1)
	e.waitIdle()
	e.finish()
	if n := len(e.slack.CallsTo("users.info")); n == 0 {
		t.Fatal("the bot read nobody from Slack")
	}
	out := mustRun(t, e.env, "import", "org", writeFile(t, "org.csv", "person,manager\nalice@corp.fr,dave@corp.fr\ncarol.dupont@corp.fr,dave@corp.fr\n"))
	if !strings.Contains(out, "2 reporting lines imported") || strings.Contains(out, "unknown") {
		t.Errorf("import org = %q, want both lines imported, nobody unknown", out)
	}
}

// clickValue has user click the button actionID with value value of a
// message the bot posted, through the transport.
func (e *e2e) clickValue(user string, m botMessage, actionID, value string) string {
	e.t.Helper()
	b := fakeslack.BlockActions{
		User: user, Channel: m.Channel, MessageTS: m.TS,
		Actions:     []fakeslack.Action{{ActionID: actionID, BlockID: "e2e", Value: value}},
		ResponseURL: e.slack.ResponseURL(e.nextID("click-")),
		TriggerID:   e.nextID("trigger-click-"),
	}
	e.sendClick(b)
	return b.ResponseURL
}

// offerRow is what the offers table holds of a question.
type offerRow struct {
	outcome, picked string
}

// offerOf reads the offer of a question straight from the store's file:
// nothing in nextdesk reads the offers table back yet.
func offerOf(tb testing.TB, dataDir, questionID string) offerRow {
	tb.Helper()
	db := openStoreFile(tb, dataDir)
	defer db.Close()
	var o offerRow
	err := db.QueryRow(`SELECT outcome, picked_match FROM offers WHERE question_id = ?`, questionID).Scan(&o.outcome, &o.picked)
	if err != nil {
		tb.Fatalf("offer of %s: %v", questionID, err)
	}
	return o
}

// openStoreFile opens the store's file in dataDir read-only, for what
// nextdesk has no method to read; the caller closes it.
func openStoreFile(tb testing.TB, dataDir string) *sql.DB {
	tb.Helper()
	db, err := sql.Open("sqlite3", "file:"+storePath(dataDir)+"?mode=ro")
	if err != nil {
		tb.Fatal(err)
	}
	return db
}
