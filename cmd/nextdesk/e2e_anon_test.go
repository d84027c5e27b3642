package main

import (
	"context"
	"fmt"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/slack-go/slack"

	"github.com/nextdesk/nextdesk/internal/fakeslack"
	"github.com/nextdesk/nextdesk/knowledge"
	"github.com/nextdesk/nextdesk/knowledge/desk"
	"github.com/nextdesk/nextdesk/knowledge/sqlite"
)

// Asking without fear, end to end: each scenario runs through both
// transports, once with alice asking in English and once with bruno asking
// in French (the workspace then writes in French too).

// anonAsker is who asks anonymously in one run, in their language, with
// what the bot should say to them and to others there.
type anonAsker struct {
	lang  string
	id    string
	email string
	// traces are the strings that would betray them: their id, handle,
	// real name and e-mail.
	traces []string
	// rollback and printer are questions in their language that the
	// history routes to carol, and answers for sure from erin's answer.
	rollback, printer string
	// detail is a follow-up in their language; search finds the rollback
	// question once answered.
	detail, search string
	// The bot's words, in the workspace's language (posted, relayed,
	// fallback) and in theirs (the rest).
	posted, relayedAsker, fallback    string
	receipt, who, keep, replied, done string
	off, limit, notIn, inPublic       string
	digestFigure                      string
	// help asks the bot for help in a DM; choose is the button that asks
	// the next question without one's name, next and cancelled what the
	// bot says when it is clicked and cancelled.
	help, choose, next, cancelled string
}

var anonAskers = []anonAsker{{
	lang: "en", id: alice, email: "alice@corp.example",
	traces:   []string{alice, "alice", "Alice Martin", "alice@corp.example"},
	rollback: "How can I roll back a kubernetes deployment without downtime?",
	printer:  "The printer on the third floor jams with A3 paper",
	detail:   "It is the payments service; its pods keep restarting.",
	search:   "kubernetes deployment rollback without downtime",
	posted:   "Someone asks, anonymously:", relayedAsker: "The person who asked writes:",
	fallback: "Someone needs help, anonymously.",
	receipt:  "without your name", who: "Who can know it's you:", keep: "30 days",
	replied: "replied:", done: "Marked as solved",
	off:          "Anonymous questions are turned off here",
	notIn:        "a direct message starting with `anon:`",
	inPublic:     "Your message shows your name here",
	limit:        "You've reached the limit of 1 anonymous question in 24 hours",
	digestFigure: "1 asked anonymously",
	help:         "help", choose: "Ask my next question without my name",
	next:      "Your next message here will be asked without your name (for the next 30 minutes).",
	cancelled: "Cancelled: your next message here will be asked with your name",
}, {
	lang: "fr", id: bruno, email: "bruno@corp.example",
	traces:   []string{bruno, "bruno", "Bruno Petit", "bruno@corp.example"},
	rollback: "Comment faire un rollback d'un deployment kubernetes sans coupure ?",
	printer:  "The printer on the third floor jams with A3 paper",
	detail:   "C'est le service de paiement ; ses pods redémarrent sans cesse.",
	search:   "rollback d'un deployment kubernetes sans coupure",
	posted:   "Quelqu'un demande, anonymement :", relayedAsker: "La personne qui a posé la question écrit :",
	fallback: "Quelqu'un a besoin d'aide, anonymement.",
	receipt:  "sans votre nom", who: "Qui peut savoir que c'est vous :", keep: "30 jours",
	replied: "a répondu :", done: "Marquée comme résolue",
	off:          "Les questions anonymes sont désactivées ici",
	notIn:        "un message direct commençant par `anonyme :`",
	inPublic:     "Votre message affiche votre nom ici",
	limit:        "Vous avez atteint la limite de 1 question anonyme par 24 heures",
	digestFigure: "1 posée anonymement",
	help:         "aide", choose: "Poser ma prochaine question sans mon nom",
	next:      "Votre prochain message ici sera transmis sans votre nom (pendant les 30 prochaines minutes).",
	cancelled: "C'est annulé : votre prochain message ici sera transmis avec votre nom",
}}

func TestE2EAnonymous(t *testing.T) {
	scenarios := []struct {
		name string
		env  map[string]string
		run  func(*testing.T, *e2e, anonAsker)
	}{
		{name: "in a channel, relayed both ways, solved from the DM", run: e2eAnonymousInAChannel},
		{name: "straight to the expert from a DM", run: e2eAnonymousStraightToTheExpert},
		{name: "nobody around: the fallback channel", env: map[string]string{"NEXTDESK_FALLBACK_CHANNEL": "ask-anyone"}, run: e2eAnonymousToTheFallback},
		{name: "chosen with the button in the DM", run: e2eAnonymousChosenInTheDM},
		{name: "the choice used once, cancelled, run out", run: e2eAnonymousChoiceOnce},
		{name: "turned off", env: map[string]string{"NEXTDESK_ANONYMOUS": "off"}, run: e2eAnonymousOff},
		{name: "the daily limit and other refusals", env: map[string]string{"NEXTDESK_ANONYMOUS_PER_DAY": "1"}, run: e2eAnonymousLimit},
	}
	for _, sc := range scenarios {
		t.Run(sc.name, func(t *testing.T) {
			for _, tr := range e2eTransports {
				for _, who := range anonAskers {
					t.Run(tr.name+"/"+who.lang, func(t *testing.T) {
						t.Parallel()
						env := map[string]string{"NEXTDESK_LANG": who.lang, "NEXTDESK_TZ": "UTC"}
						for k, v := range sc.env {
							env[k] = v
						}
						e := newE2E(t, tr, env)
						// Their e-mail is known, from an import or Slack.
						e.slack.AddUser(fakeslack.User{ID: who.id, Name: who.traces[1], RealName: who.traces[2], Email: who.email, Locale: map[string]string{"en": "en-US", "fr": "fr-FR"}[who.lang], TZ: "Europe/Paris"})
						sc.run(t, e, who)
					})
				}
			}
		})
	}
}

// imOf returns the IM of user with the bot, opening it as Slack would
// when they first write to it.
func (e *e2e) imOf(user string) string {
	e.t.Helper()
	ch, _, _, err := e.api.OpenConversation(&slack.OpenConversationParameters{Users: []string{user}})
	if err != nil {
		e.t.Fatalf("open the IM of %s: %v", user, err)
	}
	return ch.ID
}

// anyPost waits until one of the bot's posts in channel satisfies ok, and
// returns it.
func (e *e2e) anyPost(channel, what string, ok func(botMessage) bool) botMessage {
	e.t.Helper()
	var found botMessage
	e.eventually(what, func() bool {
		for _, m := range e.botPosts(channel) {
			if ok(m) {
				found = m
				return true
			}
		}
		return false
	})
	return found
}

// lastPost waits until the bot's last post in channel satisfies ok, and
// returns it.
func (e *e2e) lastPost(channel, what string, ok func(botMessage) bool) botMessage {
	e.t.Helper()
	var last botMessage
	e.eventually(what, func() bool {
		posts := e.botPosts(channel)
		if len(posts) == 0 {
			return false
		}
		last = posts[len(posts)-1]
		return ok(last)
	})
	return last
}

// wantNoTrace fails the test if a message the bot sent anyone but the
// asker (channel posts, DMs to experts, ephemeral messages, chat.update,
// group DMs opened, the replies to others' clicks at responses), or a line
// it logged at info level or above, names the asker.
func (e *e2e) wantNoTrace(who anonAsker, im string, responses ...string) {
	e.t.Helper()
	messages := 0
	for _, c := range e.slack.Calls() {
		if c.Error != "" {
			continue
		}
		switch c.Method {
		case "chat.postMessage", "chat.update":
			if ch := c.Params["channel"]; ch == who.id || ch == im {
				continue
			}
		case "chat.postEphemeral":
			if c.Params["user"] == who.id {
				continue
			}
		case "conversations.open":
			if c.Params["users"] == who.id {
				continue
			}
		default:
			continue
		}
		messages++
		for k, v := range c.Params {
			e.wantNone(who, fmt.Sprintf("%s %s", c.Method, k), v+" "+fakeslack.Readable([]byte(v)))
		}
	}
	if messages == 0 {
		e.t.Error("the bot sent nobody but the asker anything: nothing was checked")
	}
	for _, url := range responses {
		for _, r := range e.slack.Responses(url) {
			e.wantNone(who, "response "+url, r.Text+" "+fakeslack.Readable(r.Blocks))
		}
	}
	for _, line := range strings.Split(e.run.log.String(), "\n") {
		if !strings.Contains(line, "level=DEBUG") {
			e.wantNone(who, "log", line)
		}
	}
}

// wantNone fails the test if text holds one of who's traces, as a word.
func (e *e2e) wantNone(who anonAsker, where, text string) {
	e.t.Helper()
	for _, trace := range who.traces {
		if regexp.MustCompile(`(?i)(^|[^A-Za-z0-9])` + regexp.QuoteMeta(trace) + `($|[^A-Za-z0-9])`).MatchString(text) {
			e.t.Errorf("%s names the asker (%q): %s", where, trace, text)
		}
	}
}

// wantNoTraceOffline checks what reads the store afterwards: the digest of
// this week in every format, and `ask --as` as the expert and as the
// asker, in text and JSON; none may name the asker. It returns the text
// digest.
func (e *e2e) wantNoTraceOffline(who anonAsker, question string) string {
	e.t.Helper()
	year, week := time.Now().UTC().ISOWeek()
	var text string
	for _, format := range []string{"text", "blocks", "json"} {
		out := mustRun(e.t, e.env, "digest", "--dry-run", "--week", fmt.Sprintf("%d-W%02d", year, week), "--format", format)
		e.wantNone(who, "digest --format "+format, out)
		if format == "text" {
			text = out
		}
	}
	for _, as := range []string{carol, erin, who.id, ""} {
		for _, asJSON := range []bool{false, true} {
			args := []string{"ask", "--as", as, question}
			if asJSON {
				args = []string{"ask", "--json", "--as", as, question}
			}
			e.wantNone(who, strings.Join(args, " "), mustRun(e.t, e.env, args...))
		}
	}
	return text
}

// anonymousAsk returns the bot's record of the anonymous question whose
// thread is thread in channel, with the question as the desk keeps it.
func anonymousAsk(tb testing.TB, db *sqlite.DB, channel, thread string) (knowledge.Ask, knowledge.Question) {
	tb.Helper()
	ctx := context.Background()
	var (
		a knowledge.Ask
		q knowledge.Question
	)
	err := db.View(ctx, func(r desk.Reader) (err error) {
		if a, err = r.AskByThread(ctx, channel, thread); err != nil {
			return err
		}
		q, err = r.AskedQuestion(ctx, a.QuestionID)
		return err
	})
	if err != nil {
		tb.Fatalf("the question of %s in %s: %v", thread, channel, err)
	}
	if a.Asker != "" || q.Asker != "" || !a.Anonymous {
		tb.Errorf("kept ask %+v and question asker %q: want anonymous, with no asker", a, q.Asker)
	}
	return a, q
}

// e2eAnonymousInAChannel: `/ask --anon` in #general. The bot posts the
// question there without its asker; carol, asked with the reasons why,
// takes it; the asker adds a detail from their DM, which the bot posts in
// the thread; carol's answer reaches them in their DM, where they say it
// solves the question. The answer is knowledge like any other.
func e2eAnonymousInAChannel(t *testing.T, e *e2e, who anonAsker) {
	im := e.imOf(who.id)
	cmd := e.ask(who.id, general, "--anon "+who.rollback)
	// The key of their command, which a post's metadata could carry, is
	// a trace too.
	who.traces = append(slices.Clone(who.traces), cmd.TriggerID)
	post := e.waitPosts(general, 1)[0]
	if !strings.Contains(post.Blocks, who.posted) || !strings.Contains(post.Blocks, "kubernetes") || post.Thread != "" {
		t.Errorf("the question posted = %+v, want it at the root of #general, anonymous", post)
	}
	receipt := e.waitPosts(im, 1)[0]
	for _, want := range []string{who.receipt, who.who, who.keep, "<#" + general + ">"} {
		if !strings.Contains(receipt.Blocks, want) {
			t.Errorf("the receipt lacks %q: %s", want, receipt.Blocks)
		}
	}
	card := e.waitPosts(carol, 1)[0]
	for _, want := range []string{"Someone asks, anonymously", "pass your answer on", "/archives/" + general + "/p", "Why you"} {
		if !strings.Contains(card.Blocks, want) {
			t.Errorf("carol's card lacks %q: %s", want, card.Blocks)
		}
	}
	took := e.click(carol, card, actionTake)
	if rs := e.slack.WaitResponses(t, took, 1, e2eWait); !strings.Contains(rs[0].Text, "You took the anonymous question") {
		t.Errorf("carol told %q, want that she took the anonymous question", rs[0].Text)
	}
	e.lastPost(im, "the asker told carol took it", func(m botMessage) bool {
		return m.Thread == receipt.TS && strings.Contains(m.Text, "<@"+carol+">")
	})

	// Carol's /nextdesk me lists the question waiting for her, asked by
	// nobody.
	me := e.command(fakeslack.SlashCommand{Command: "/nextdesk", Text: "me", UserID: carol, ChannelID: general})
	if rs := e.slack.WaitResponses(t, me.ResponseURL, 1, e2eWait); !strings.Contains(string(rs[0].Blocks), "kubernetes") {
		t.Errorf("carol's /nextdesk me does not list the question waiting for her: %s", rs[0].Blocks)
	}

	// A detail from the DM thread goes to the question's thread.
	e.posts(im, fakeslack.Message{User: who.id, Text: who.detail, ThreadTS: receipt.TS})
	e.lastPost(general, "the detail relayed to the thread", func(m botMessage) bool {
		return m.Thread == post.TS && strings.Contains(m.Blocks, who.relayedAsker) && strings.Contains(m.Blocks, "pods")
	})

	// Carol answers in the thread; the asker reads it in their DM.
	e.posts(general, fakeslack.Message{User: carol, Text: "kubectl rollout undo deployment/payments --to-revision=3", ThreadTS: post.TS})
	relayed := e.lastPost(im, "carol's answer relayed", func(m botMessage) bool {
		return m.Thread == receipt.TS && strings.Contains(m.Blocks, actionAccept)
	})
	for _, want := range []string{"<@" + carol + ">", who.replied, "to-revision=3", "/archives/" + general + "/p"} {
		if !strings.Contains(relayed.Blocks, want) {
			t.Errorf("the relayed answer lacks %q: %s", want, relayed.Blocks)
		}
	}
	solved := e.click(who.id, relayed, actionAccept)
	if rs := e.slack.WaitResponses(t, solved, 1, e2eWait); !rs[0].ReplaceOriginal || !strings.Contains(rs[0].Text, who.done) || strings.Contains(string(rs[0].Blocks), actionAccept) {
		t.Errorf("the reply to the asker's click = %+v, want their card settled, saying it is solved", rs[0])
	}
	e.eventually("carol's card closed", func() bool { return strings.Contains(e.botPosts(carol)[0].Blocks, "answered it") })
	e.waitIdle()
	e.wantNoTrace(who, im, took, me.ResponseURL)

	db := e.finish()
	a, q := anonymousAsk(t, db, general, post.TS)
	if a.Status != knowledge.StatusSolved || len(q.Answers) != 1 || !q.Answers[0].Accepted || q.Answers[0].Answerer != carol || !strings.Contains(q.Text, "pods") {
		t.Errorf("kept %+v and %+v: want solved, carol's answer accepted, the detail in the question", a, q)
	}
	digest := e.wantNoTraceOffline(who, who.search)
	if !strings.Contains(digest, who.digestFigure) {
		t.Errorf("the digest does not count the anonymous question (%q):\n%s", who.digestFigure, digest)
	}
	// The answer is knowledge like any other.
	if out := mustRun(t, e.env, "ask", "--as", frank, who.search); !strings.Contains(out, "to-revision=3") {
		t.Errorf("ask does not find carol's answer:\n%s", out)
	}
}

// e2eAnonymousStraightToTheExpert: a DM to the bot starting with "anon:"
// ("anonyme :") is answered at once in its thread from knowledge; "I still
// need help" sends it to erin, in her DM with the bot, without its asker;
// her reply and the asker's follow-up are relayed both ways. The answer is
// erin's alone to find.
func e2eAnonymousStraightToTheExpert(t *testing.T, e *e2e, who anonAsker) {
	im := e.imOf(who.id)
	prefix := map[string]string{"en": "anon: ", "fr": "Anonyme : "}[who.lang]
	msg, _ := e.posts(im, fakeslack.Message{User: who.id, Text: prefix + who.printer + " again, what can I do?"})
	offered := e.lastPost(im, "an earlier answer offered in the DM thread", func(m botMessage) bool {
		return m.Thread == msg.TS && strings.Contains(m.Blocks, actionNeedHelp)
	})
	receipt := e.botPosts(im)[0]
	if receipt.Thread != msg.TS || !strings.Contains(receipt.Blocks, who.receipt) || !strings.Contains(receipt.Blocks, who.who) {
		t.Errorf("the receipt = %+v, want it in the message's thread, saying who can know", receipt)
	}
	need := e.click(who.id, offered, actionNeedHelp)
	e.slack.WaitResponses(t, need, 1, e2eWait)
	card := e.waitPosts(erin, 1)[0]
	if !strings.Contains(card.Blocks, "Someone asks, anonymously") || !strings.Contains(card.Blocks, "Reply in this message's thread") {
		t.Errorf("erin's card = %s, want the anonymous question, answered in its own thread", card.Blocks)
	}
	e.lastPost(im, "the asker told erin was asked", func(m botMessage) bool {
		return m.Thread == msg.TS && strings.Contains(m.Text, "<@"+erin+">")
	})

	// Erin replies in her card's thread; the asker reads it in theirs.
	erinIM := card.Channel
	e.posts(erinIM, fakeslack.Message{User: erin, Text: "Use the manual feed tray; A3 jams the main one.", ThreadTS: card.TS})
	relayed := e.lastPost(im, "erin's reply relayed", func(m botMessage) bool {
		return m.Thread == msg.TS && strings.Contains(m.Blocks, "manual feed tray")
	})
	if !strings.Contains(relayed.Blocks, actionAccept) || strings.Contains(relayed.Blocks, "/archives/") {
		t.Errorf("relayed = %s, want the Solved button and no link to erin's DM", relayed.Blocks)
	}
	// The asker's follow-up reaches erin's thread.
	e.posts(im, fakeslack.Message{User: who.id, Text: "Does the manual tray take A4 too?", ThreadTS: msg.TS})
	e.lastPost(erinIM, "the follow-up relayed to erin", func(m botMessage) bool {
		return m.Thread == card.TS && strings.Contains(m.Blocks, "manual tray take A4")
	})
	e.waitIdle()
	e.wantNoTrace(who, im)

	db := e.finish()
	_, q := anonymousAsk(t, db, erinIM, card.TS)
	for viewer, want := range map[string]int{erin: 1, who.id: 0, frank: 0} {
		if qs, err := db.Questions(context.Background(), knowledge.Viewer{PersonID: viewer}, []string{q.ID}); err != nil || len(qs) != want {
			t.Errorf("%s sees %d of the question (%v), want %d: it lives in erin's DM", viewer, len(qs), err, want)
		}
	}
	e.wantNoTraceOffline(who, "printer jams with A3 paper")
}

// e2eAnonymousToTheFallback: nobody who knows is around; the fallback
// channel reads the question, without its asker, and the thread its post
// starts is relayed like an expert's.
func e2eAnonymousToTheFallback(t *testing.T, e *e2e, who anonAsker) {
	for _, id := range []string{carol, dave} {
		e.slack.AddUser(fakeslack.User{ID: id, Name: id, Presence: fakeslack.Away})
	}
	im := e.imOf(who.id)
	msg, _ := e.posts(im, fakeslack.Message{User: who.id, Text: "--anon " + who.rollback})
	fb := e.waitPosts(askAnyone, 1)[0]
	if !strings.Contains(fb.Blocks, who.fallback) || !strings.Contains(fb.Blocks, "kubernetes") {
		t.Errorf("the fallback channel read %s, want the anonymous question", fb.Blocks)
	}
	e.anyPost(im, "the asker told where it went", func(m botMessage) bool {
		return m.Thread == msg.TS && strings.Contains(m.Text, "#ask-anyone")
	})
	e.posts(askAnyone, fakeslack.Message{User: frank, Text: "helm rollback payments 12", ThreadTS: fb.TS})
	e.lastPost(im, "frank's answer relayed", func(m botMessage) bool {
		return m.Thread == msg.TS && strings.Contains(m.Blocks, "helm rollback payments 12") && strings.Contains(m.Blocks, "<@"+frank+">")
	})
	e.waitIdle()
	e.wantNoTrace(who, im)
	db := e.finish()
	if a, q := anonymousAsk(t, db, askAnyone, fb.TS); a.Status != knowledge.StatusAnswered || len(q.Answers) != 1 {
		t.Errorf("kept %+v, %+v: want answered by frank", a, q)
	}
}

// mentionRefused mentions the bot in #general asking anonymously, as who,
// and waits until they alone are told want.
func (e *e2e) mentionRefused(who anonAsker, want string) {
	e.t.Helper()
	e.posts(general, fakeslack.Message{User: who.id, Text: "<@" + fakeslack.BotUserID + "> anon: " + who.rollback})
	e.eventually("the mention refused to its author alone", func() bool {
		return slices.ContainsFunc(e.ephemerals(who.id), func(c fakeslack.Call) bool { return strings.Contains(c.Params["text"], want) })
	})
}

// askWhereTheBotIsNot runs /ask --anon as who in #random, which the bot is
// not in, and returns what they are told.
func (e *e2e) askWhereTheBotIsNot(who anonAsker) string {
	e.t.Helper()
	e.slack.AddChannel(fakeslack.Channel{ID: "C7", Name: "random", Members: []string{who.id, carol}})
	return e.slack.WaitResponses(e.t, e.ask(who.id, "C7", "--anon "+who.rollback).ResponseURL, 1, e2eWait)[0].Text
}

// e2eAnonymousOff: with NEXTDESK_ANONYMOUS=off, `/ask --anon` and "anon:"
// in a DM are refused, in the asker's language, and nothing is asked.
func e2eAnonymousOff(t *testing.T, e *e2e, who anonAsker) {
	cmd := e.ask(who.id, general, "--anon "+who.rollback)
	if rs := e.slack.WaitResponses(t, cmd.ResponseURL, 1, e2eWait); !strings.Contains(rs[0].Text, who.off) {
		t.Errorf("/ask --anon answered %q, want %q", rs[0].Text, who.off)
	}
	im := e.imOf(who.id)
	msg, _ := e.posts(im, fakeslack.Message{User: who.id, Text: "anon: " + who.rollback})
	e.lastPost(im, "the DM refused", func(m botMessage) bool { return m.Thread == msg.TS && strings.Contains(m.Text, who.off) })
	// Nowhere is anyone told how to ask one: a mention asking to be
	// anonymous, /ask --anon where the bot is not, the help.
	// Nor is the choice offered in the DM: not with the help, not with the
	// receipt of a question asked with their name; a click on a button
	// shown before they were turned off says they are.
	plea, _ := e.posts(im, fakeslack.Message{User: who.id, Text: who.help})
	usage := e.lastPost(im, "the usage in the DM", func(m botMessage) bool { return m.Thread == plea.TS })
	named, receipt := e.askInDM(who, overtime)
	if strings.Contains(usage.Text, "--anon") || strings.Contains(usage.Blocks+receipt.Blocks, actionAskAnonymously) {
		t.Errorf("the DM offers anonymous questions while they are off: %q %s %s", usage.Text, usage.Blocks, receipt.Blocks)
	}
	stale := e.clickValue(who.id, receipt, actionAskAnonymously, "")
	if rs := e.slack.WaitResponses(t, stale, 1, e2eWait); !strings.Contains(rs[0].Text, who.off) {
		t.Errorf("a stale click on the choice answered %q, want %q", rs[0].Text, who.off)
	}
	e.mentionRefused(who, who.off)
	if told := e.askWhereTheBotIsNot(who); !strings.Contains(told, who.off) {
		t.Errorf("/ask --anon where the bot is not answered %q, want %q", told, who.off)
	}
	help := e.command(fakeslack.SlashCommand{Command: "/nextdesk", Text: "help", UserID: who.id, ChannelID: general}).ResponseURL
	if rs := e.slack.WaitResponses(t, help, 1, e2eWait); strings.Contains(rs[0].Text, "--anon") || !strings.Contains(rs[0].Text, "/nextdesk team") {
		t.Errorf("/nextdesk help = %q, want the commands without anonymous questions", rs[0].Text)
	}
	for _, c := range e.ephemerals(who.id) {
		if strings.Contains(c.Params["text"], "--anon") {
			t.Errorf("told how to ask anonymously while it is off: %q", c.Params["text"])
		}
	}
	e.waitIdle()
	for _, ch := range []string{general, carol, dave} {
		if posts := e.botPosts(ch); len(posts) != 0 {
			t.Errorf("the bot posted %d messages to %s, want none", len(posts), ch)
		}
	}
	db := e.finish()
	if a := askOf(t, db, "slack:"+im+":"+named.TS); a.Asker != who.id || a.Anonymous {
		t.Errorf("the question in the DM = %+v, want it asked with their name", a)
	}
}

// e2eAnonymousLimit: with NEXTDESK_ANONYMOUS_PER_DAY=1, a second
// anonymous question the same day is refused, saying when they may ask
// again; a question with their name is not. One asked in a channel
// without the bot, or in a mention everyone reads with their name, is
// refused there, saying how to ask anonymously, and does not count.
func e2eAnonymousLimit(t *testing.T, e *e2e, who anonAsker) {
	e.mentionRefused(who, who.inPublic)
	if told := e.askWhereTheBotIsNot(who); !strings.Contains(told, who.notIn) {
		t.Errorf("/ask --anon in a channel without the bot answered %q, want %q", told, who.notIn)
	}
	e.ask(who.id, general, "--anon "+who.rollback)
	e.waitPosts(general, 1)
	cmd := e.ask(who.id, general, "--anon "+who.printer)
	rs := e.slack.WaitResponses(t, cmd.ResponseURL, 1, e2eWait)
	if !strings.Contains(rs[0].Text, who.limit) || !strings.Contains(rs[0].Text, "<!date^") {
		t.Errorf("the second anonymous question answered %q, want %q and when", rs[0].Text, who.limit)
	}
	e.ask(who.id, general, who.printer)
	e.waitPosts(general, 2)
	e.waitIdle()
	// Carol was asked the first; the printer, with a name, was answered
	// at once; the refused ones asked nobody.
	if n := len(e.botPosts(carol)) + len(e.botPosts(dave)) + len(e.botPosts(erin)); n != 1 {
		t.Errorf("the experts were sent %d questions, want 1", n)
	}
	e.finish()
}

// overtime is a question the history knows nothing of: asked in a DM, it
// gets a receipt saying so, and goes to no expert.
const overtime = "Who approves overtime on public holidays?"

// askInDM has who send text to the bot in their DM, and returns their
// message and the bot's first post in its thread: the receipt.
func (e *e2e) askInDM(who anonAsker, text string) (fakeslack.Message, botMessage) {
	e.t.Helper()
	im := e.imOf(who.id)
	msg, _ := e.posts(im, fakeslack.Message{User: who.id, Text: text})
	receipt := e.anyPost(im, "the receipt of "+text, func(m botMessage) bool { return m.Thread == msg.TS })
	return msg, receipt
}

// choose has who click the button that asks their next question without
// their name on m, and returns what they are told, as a message they can
// click on in turn.
func (e *e2e) choose(who anonAsker, m botMessage) botMessage {
	e.t.Helper()
	if !strings.Contains(m.Blocks, who.choose) {
		e.t.Errorf("the button reads otherwise than %q: %s", who.choose, m.Blocks)
	}
	rs := e.slack.WaitResponses(e.t, e.click(who.id, m, actionAskAnonymously), 1, e2eWait)
	if rs[0].Text != who.next || !strings.Contains(string(rs[0].Blocks), actionCancelAnonymous) || rs[0].ReplaceOriginal {
		e.t.Errorf("the choice answered %+v, want %q with the cancel button, in a message of its own", rs[0], who.next)
	}
	return botMessage{Channel: m.Channel, TS: m.TS, Text: rs[0].Text, Blocks: fakeslack.Readable(rs[0].Blocks)}
}

// e2eAnonymousChosenInTheDM: who asks the bot for help in their DM; the
// answer offers to ask their next question without their name; they
// click, then write their question as usual. It goes straight to carol,
// without them, exactly as "anon:" would have sent it, and her answer
// comes back to them; nobody else, and nothing read afterwards, names
// them.
func e2eAnonymousChosenInTheDM(t *testing.T, e *e2e, who anonAsker) {
	im := e.imOf(who.id)
	help, _ := e.posts(im, fakeslack.Message{User: who.id, Text: who.help})
	usage := e.lastPost(im, "the usage, with the choice", func(m botMessage) bool {
		return m.Thread == help.TS && strings.Contains(m.Blocks, actionAskAnonymously)
	})
	e.choose(who, usage)

	msg, _ := e.posts(im, fakeslack.Message{User: who.id, Text: who.rollback})
	receipt := e.anyPost(im, "the anonymous receipt", func(m botMessage) bool {
		return m.Thread == msg.TS && strings.Contains(m.Blocks, who.receipt)
	})
	for _, want := range []string{who.who, who.keep} {
		if !strings.Contains(receipt.Blocks, want) {
			t.Errorf("the receipt lacks %q: %s", want, receipt.Blocks)
		}
	}
	card := e.waitPosts(carol, 1)[0]
	if !strings.Contains(card.Blocks, "Someone asks, anonymously") || !strings.Contains(card.Blocks, "kubernetes") {
		t.Errorf("carol's card = %s, want the question, anonymous", card.Blocks)
	}
	e.lastPost(im, "the asker told carol was asked", func(m botMessage) bool {
		return m.Thread == msg.TS && strings.Contains(m.Text, "<@"+carol+">") && !strings.Contains(m.Blocks, actionAskAnonymously)
	})
	carolIM := card.Channel
	e.posts(carolIM, fakeslack.Message{User: carol, Text: "kubectl rollout undo deployment/payments", ThreadTS: card.TS})
	relayed := e.lastPost(im, "carol's answer relayed", func(m botMessage) bool {
		return m.Thread == msg.TS && strings.Contains(m.Blocks, "rollout undo deployment/payments")
	})
	solved := e.click(who.id, relayed, actionAccept)
	if rs := e.slack.WaitResponses(t, solved, 1, e2eWait); !strings.Contains(rs[0].Text, who.done) {
		t.Errorf("the asker's click answered %q, want %q", rs[0].Text, who.done)
	}
	e.waitIdle()
	e.wantNoTrace(who, im)

	db := e.finish()
	a, q := anonymousAsk(t, db, carolIM, card.TS)
	if a.Status != knowledge.StatusSolved || len(q.Answers) != 1 || q.Answers[0].Answerer != carol || !strings.Contains(q.Text, "kubernetes") {
		t.Errorf("kept %+v and %+v: want carol's answer, accepted", a, q)
	}
	if _, err := db.Question(context.Background(), knowledge.Viewer{PersonID: who.id}, "slack:"+im+":"+msg.TS); knowledge.ErrorCode(err) != knowledge.ENOTFOUND {
		t.Errorf("the question is kept under their message's id too (%v)", err)
	}
	// The choice is used.
	until, err := readStore(db, func(r desk.Reader) (time.Time, error) { return r.AnonymousChoice(context.Background(), who.id) })
	if err != nil || !until.IsZero() {
		t.Errorf("the choice after the question = %v (%v), want it used", until, err)
	}
	e.wantNoTraceOffline(who, who.search)
}

// e2eAnonymousChoiceOnce: the receipt of a question who asked with their
// name in their DM offers the choice; chosen, it makes the next question
// anonymous, and that one only; cancelled, or past 30 minutes, it makes
// none.
func e2eAnonymousChoiceOnce(t *testing.T, e *e2e, who anonAsker) {
	// A clock the test moves, for the choice to run out.
	e.stop()
	clock := &shiftClock{}
	e.now = clock.Now
	e.start()
	im := e.imOf(who.id)
	offered := func(what string, m botMessage) {
		t.Helper()
		if !strings.Contains(m.Blocks, actionAskAnonymously) || strings.Contains(m.Blocks, who.receipt) {
			t.Errorf("%s: the receipt = %s, want one of a question with their name, offering the choice", what, m.Blocks)
		}
	}
	var named []string // the messages asked with their name

	first, receipt := e.askInDM(who, overtime)
	offered("the first", receipt)
	named = append(named, first.TS)
	e.choose(who, receipt)
	chosen, receipt := e.askInDM(who, "How do I book the large meeting room?")
	if !strings.Contains(receipt.Blocks, who.receipt) || strings.Contains(receipt.Blocks, actionAskAnonymously) {
		t.Errorf("the question after the choice: receipt %s, want it asked anonymously", receipt.Blocks)
	}
	// Used once.
	after, receipt := e.askInDM(who, "What is the guest wifi password?")
	offered("the one after", receipt)
	named = append(named, after.TS)

	// Chosen, then cancelled: the message that said so says it no more.
	told := e.choose(who, receipt)
	rs := e.slack.WaitResponses(t, e.click(who.id, told, actionCancelAnonymous), 1, e2eWait)
	if !rs[0].ReplaceOriginal || !strings.Contains(rs[0].Text, who.cancelled) || strings.Contains(string(rs[0].Blocks), actionCancelAnonymous) {
		t.Errorf("the cancel answered %+v, want %q replacing the message clicked", rs[0], who.cancelled)
	}
	cancelled, receipt := e.askInDM(who, "How do I order a new laptop?")
	offered("after the cancel", receipt)
	named = append(named, cancelled.TS)

	// Chosen, then 31 minutes pass.
	e.choose(who, receipt)
	clock.Set(time.Now().Add(desk.AnonymousChoiceFor + time.Minute))
	late, receipt := e.askInDM(who, "Where do I file my expense report?")
	offered("after 31 minutes", receipt)
	named = append(named, late.TS)
	e.waitIdle()
	for _, ts := range named {
		for _, m := range e.botPosts(im) {
			if m.Thread == ts && strings.Contains(m.Blocks, who.receipt) {
				t.Errorf("the question at %s has an anonymous receipt: %s", ts, m.Blocks)
			}
		}
	}

	db := e.finish()
	for _, ts := range named {
		if a := askOf(t, db, "slack:"+im+":"+ts); a.Asker != who.id || a.Anonymous {
			t.Errorf("the question at %s = %+v, want it asked with their name", ts, a)
		}
	}
	asked, err := readStore(db, func(r desk.Reader) ([]time.Time, error) {
		return r.AnonymousAsked(context.Background(), who.id, time.Now().Add(-time.Hour))
	})
	if err != nil || len(asked) != 1 {
		t.Errorf("they asked %d anonymous questions (%v), want 1: the one after the first choice", len(asked), err)
	}
	if _, err := db.Question(context.Background(), knowledge.Viewer{PersonID: who.id}, "slack:"+im+":"+chosen.TS); knowledge.ErrorCode(err) != knowledge.ENOTFOUND {
		t.Errorf("the anonymous question is kept under their message's id too (%v)", err)
	}
}

// readStore reads db on one snapshot.
func readStore[T any](db *sqlite.DB, fn func(desk.Reader) (T, error)) (T, error) {
	var v T
	err := db.View(context.Background(), func(r desk.Reader) (err error) {
		v, err = fn(r)
		return err
	})
	return v, err
}
