package integration_test

import (
	"bytes"
	"context"
	"fmt"
	"log/slog"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/nextdesk/nextdesk/eval"
	"github.com/nextdesk/nextdesk/internal/fakeslack"
	"github.com/nextdesk/nextdesk/knowledge"
	"github.com/nextdesk/nextdesk/knowledge/desk"
)

// actionPick is the button that picks an earlier thread.
const actionPick = "nextdesk_pick"

// instantAsk asks text in #general, which a past answer answers at once,
// and returns the question's id and the instant answer's card.
func (h *harness) instantAsk(text string) (string, posted) {
	h.t.Helper()
	in, _ := h.ask(asker, general, text)
	h.handle(in)
	h.deliver()
	qid := "ask:" + in.Key
	a := h.askOf(qid)
	if a.Status != knowledge.StatusOffered {
		h.t.Fatalf("%q: status %s, want an instant answer", text, a.Status)
	}
	for _, p := range h.botPosts(general) {
		if p.Thread == a.Thread && strings.Contains(p.Blocks, actionSolved) {
			return qid, p
		}
	}
	h.t.Fatalf("%q: no instant answer card in its thread", text)
	return "", posted{}
}

// routedAsk asks text in #general, which goes to an expert, and returns
// the question's id, the expert and their card.
func (h *harness) routedAsk(text string) (qid, expert string, card posted) {
	h.t.Helper()
	in, _ := h.ask(asker, general, text)
	h.handle(in)
	h.deliver()
	qid = "ask:" + in.Key
	routes := h.routes(qid)
	if len(routes) != 1 {
		h.t.Fatalf("%q: routes %v (%s), want one expert asked", text, routes, h.askOf(qid).Status)
	}
	expert, _, _ = strings.Cut(routes[0], ":")
	return qid, expert, h.latestCard(expert)
}

// latestCard is the last question card the bot sent expert.
func (h *harness) latestCard(expert string) posted {
	h.t.Helper()
	dms := h.botPosts(expert)
	for i := len(dms) - 1; i >= 0; i-- {
		if strings.Contains(dms[i].Blocks, actionTake) {
			return dms[i]
		}
	}
	h.t.Fatalf("%s has no question card", expert)
	return posted{}
}

// reply is who's answer in the thread of question qid.
func (h *harness) reply(qid, who, text string) {
	h.t.Helper()
	_, in := h.posts(general, fakeSlackReply(who, h.askOf(qid).Thread, text))
	h.handle(in)
	h.deliver()
}

// tally is what `nextdesk eval live` should count in one window.
type tally struct {
	eval.InstantFigures
	eval.RouteFigures
}

// TestLiveFiguresFromWhatPeopleDid drives questions, clicks and answers
// through the bot over two months, keeps its own count of what happened
// when, and checks eval live's figures against it.
func TestLiveFiguresFromWhatPeopleDid(t *testing.T) {
	h := newHarness(t, nil)
	ctx := context.Background()
	type event struct {
		at    time.Time
		count func(*tally)
	}
	var events []event
	happened := func(count func(*tally)) { events = append(events, event{h.clock.Now(), count}) }
	vpn := "How do I reset my VPN password?"

	// Forty days ago: an instant answer that solved it, and a question
	// the first expert passed on and the second answered.
	_, card := h.instantAsk(vpn)
	h.handle(h.clickButton(asker, card, actionSolved))
	h.deliver()
	happened(func(c *tally) { c.Offered++; c.Judged++; c.Solved++ })

	qid, first, card := h.routedAsk("How can I roll back a kubernetes deployment without downtime?")
	h.handle(h.clickButton(first, card, actionPass))
	h.deliver()
	routes := h.routes(qid)
	if len(routes) != 2 {
		t.Fatalf("routes after 'Not me': %v", routes)
	}
	second, _, _ := strings.Cut(routes[1], ":")
	h.reply(qid, second, "kubectl rollout undo, then check the replica sets.")
	happened(func(c *tally) { c.Routed++; c.LaterExpert++ })

	h.clock.Advance(40 * 24 * time.Hour)

	// Lately: an instant answer that did not help, whose question the
	// expert then asked answered; another nobody said anything of.
	qid, card = h.instantAsk(vpn)
	h.handle(h.clickButton(asker, card, actionNeedHelp))
	h.deliver()
	routes = h.routes(qid)
	if len(routes) != 1 {
		t.Fatalf("routes after 'I still need help': %v", routes)
	}
	expert, _, _ := strings.Cut(routes[0], ":")
	h.reply(qid, expert, "The reset page changed: vpn.example.com/v2/reset.")
	happened(func(c *tally) { c.Offered++; c.Judged++; c.NeedHelp++; c.Routed++; c.FirstExpert++ })

	h.instantAsk(vpn)
	happened(func(c *tally) { c.Offered++; c.Unjudged++ })

	// Three questions routed: the first expert of one says it was
	// answered before and picks the earlier thread (a miss of the
	// instant answers); one waits; someone nobody asked answers the
	// third.
	picked, pickedBy, card := h.routedAsk("How do I undo a kubernetes rollout?")
	waiting, _, _ := h.routedAsk("kubernetes replica set stuck after a failed release")
	byOther, _, _ := h.routedAsk("helm release stuck, how do I revert it?")

	h.handle(h.clickButton(pickedBy, card, actionAlready))
	h.deliver()
	picker := h.botPosts(pickedBy)[slices.IndexFunc(h.botPosts(pickedBy), func(p posted) bool { return p.TS == card.TS })]
	values := fakeslack.ButtonValues(picker.Blocks, actionPick)
	if len(values) == 0 {
		t.Fatalf("no earlier thread to pick: %s", picker.Blocks)
	}
	h.handle(h.click(fakeslack.BlockActions{
		User: pickedBy, Channel: picker.Channel, MessageTS: picker.TS,
		Actions: []fakeslack.Action{{ActionID: actionPick, BlockID: "x", Value: values[0]}},
	}))
	h.deliver()
	if got := h.routes(picked); len(got) != 1 || !strings.HasSuffix(got[0], ":"+string(knowledge.RouteDup)) {
		t.Fatalf("routes after the pick: %v", got)
	}
	happened(func(c *tally) { c.Misses++; c.Routed++; c.FirstExpert++ })
	happened(func(c *tally) { c.Routed++; c.NotAnswered++; c.Open++ })
	h.reply(byOther, other, "I had that last week: helm rollback did it.")
	happened(func(c *tally) { c.Routed++; c.NotAnswered++; c.AnsweredByOthers++ })
	if a := h.askOf(waiting); a.Status != knowledge.StatusOpen {
		t.Fatalf("the waiting question is %s", a.Status)
	}

	now := h.clock.Now()
	rep, err := eval.Live(ctx, h.store, now, h.engine.Policy.SureConfidence)
	if err != nil {
		t.Fatal(err)
	}
	for i, days := range eval.LiveWindows {
		var want tally
		since := now.AddDate(0, 0, -days)
		for _, e := range events {
			if !e.at.Before(since) {
				e.count(&want)
			}
		}
		want.InstantFigures.Precision = ratio(want.Solved, want.Judged)
		want.FirstExpertShare = ratio(want.FirstExpert, want.Routed)
		want.LaterExpertShare = ratio(want.LaterExpert, want.Routed)
		want.NotAnsweredShare = ratio(want.NotAnswered, want.Routed)
		got := rep.Windows[i]
		if got.Days != days {
			t.Fatalf("window %d is %d days, want %d", i, got.Days, days)
		}
		if diff := cmp.Diff(got.Instant, want.InstantFigures); diff != "" {
			t.Errorf("last %d days, instant answers (-got +want):\n%s", days, diff)
		}
		if diff := cmp.Diff(got.Routes, want.RouteFigures); diff != "" {
			t.Errorf("last %d days, routes (-got +want):\n%s", days, diff)
		}
	}
	// The two windows differ, or the test would not show they are kept
	// apart.
	if rep.Windows[0].Instant.Solved == rep.Windows[1].Instant.Solved {
		t.Errorf("both windows count %d solved; the first answer was solved 40 days ago", rep.Windows[0].Instant.Solved)
	}
	if th := rep.Threshold; th.InForce != 0.5 || th.Learned || th.Reason != "" {
		t.Errorf("threshold = %+v, want the shipped one, never calibrated", th)
	}
	var text bytes.Buffer
	if err := rep.WriteTable(&text); err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"last 30 days", "last 90 days", "I still need help", "answered by the first expert asked", "Threshold in force: 0.50, shipped"} {
		if !strings.Contains(text.String(), want) {
			t.Errorf("text report lacks %q:\n%s", want, text.String())
		}
	}
}

// ratio is n/of, or nil when of is 0, as eval live reports shares.
func ratio(n, of int) *float64 {
	if of == 0 {
		return nil
	}
	r := float64(n) / float64(of)
	return &r
}

// TestThresholdLearnedFromAskers drives instant answers through the bot
// until their askers judged enough, then runs the calibrate task: the
// threshold moves where their judgement says, the log says so, and a
// restart keeps it.
func TestThresholdLearnedFromAskers(t *testing.T) {
	h := newHarness(t, nil)
	ctx := context.Background()
	var logged bytes.Buffer
	cal, err := desk.NewCalibrator(h.store, h.engine, h.engine.Policy.SureConfidence, h.clock.Now, slog.New(slog.NewTextHandler(&logged, nil)))
	if err != nil {
		t.Fatal(err)
	}
	// Each asker's question, answered at once: solved 45 times, not 15.
	// Their word is what the store keeps; the clicks go through the desk
	// as the bot makes them.
	n := knowledge.MinOutcomes + 10
	var confidence float64
	for i := range n {
		in, _ := h.ask(asker, general, "How do I reset my VPN password?")
		h.handle(in)
		qid := "ask:" + in.Key
		r := desk.Request{Key: fmt.Sprintf("click-%d", i), By: asker}
		if i%4 == 3 {
			if err := h.desk.NeedHelp(ctx, r, qid); err != nil {
				t.Fatal(err)
			}
		} else if err := h.desk.Solved(ctx, r, qid); err != nil {
			t.Fatal(err)
		}
		if i == 0 {
			offers, err := h.store.Offers(ctx, time.Time{})
			if err != nil || len(offers) != 1 {
				t.Fatalf("offers: %v, %v", offers, err)
			}
			confidence = offers[0].Confidence
		}
	}
	if err := cal.Calibrate(ctx, false); err != nil {
		t.Fatal(err)
	}
	// 45 of 60 right at one confidence: 0.75, below the target at any
	// threshold.
	if got := h.engine.SureConfidence(); got != h.engine.Policy.SureConfidence {
		t.Errorf("threshold after a 0.75 precision = %v, want the shipped one kept", got)
	}
	if !strings.Contains(logged.String(), "no threshold keeps them right") {
		t.Errorf("log %q does not say the target was not reached", logged.String())
	}

	// Fifteen more that solved it: 60 of 75, 0.8 exactly.
	for i := range 15 {
		in, _ := h.ask(asker, general, "How do I reset my VPN password?")
		h.handle(in)
		if err := h.desk.Solved(ctx, desk.Request{Key: fmt.Sprintf("more-%d", i), By: asker}, "ask:"+in.Key); err != nil {
			t.Fatal(err)
		}
	}
	logged.Reset()
	if err := cal.Calibrate(ctx, false); err != nil {
		t.Fatal(err)
	}
	if got := h.engine.SureConfidence(); got != confidence {
		t.Errorf("threshold = %v, want the offers' confidence %v, the lowest at which they were right 80%% of the time", got, confidence)
	}
	for _, want := range []string{"threshold recalibrated", "from=0.5", "outcomes=75", "precision=0.8"} {
		if !strings.Contains(logged.String(), want) {
			t.Errorf("log %q does not say %s", logged.String(), want)
		}
	}

	// A restart: a new engine starts from what the store kept, and eval
	// live shows it.
	fresh := knowledge.NewEngine(h.store, h.ix)
	restored, err := desk.NewCalibrator(h.store, fresh, fresh.Policy.SureConfidence, h.clock.Now, nil)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := restored.Restore(ctx); err != nil {
		t.Fatal(err)
	}
	if got := fresh.SureConfidence(); got != confidence {
		t.Errorf("after a restart the threshold is %v, want %v", got, confidence)
	}
	rep, err := eval.Live(ctx, h.store, h.clock.Now(), fresh.Policy.SureConfidence)
	if err != nil {
		t.Fatal(err)
	}
	if th := rep.Threshold; !th.Learned || th.InForce != confidence || th.Outcomes != 75 || th.Judged != 75 || th.Precision == nil || *th.Precision != 0.8 {
		t.Errorf("eval live's threshold = %+v, want %v learned from 75 outcomes at 0.8", th, confidence)
	}
}
