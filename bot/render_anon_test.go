package bot

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/slack-go/slack"

	"github.com/nextdesk/nextdesk/i18n"
	"github.com/nextdesk/nextdesk/knowledge/desk"
)

func TestAnonymousBlocksGolden(t *testing.T) {
	when := time.Date(2026, 3, 2, 9, 30, 0, 0, time.UTC)
	blocks := func(_ string, b []slack.Block) []slack.Block { return b }
	anonymousCard := desk.ExpertAsked{Route: 44, Text: desk.Quote{Typed: "Is my manager allowed to read my mail?"}}
	for _, c := range []struct {
		name   string
		blocks []slack.Block
	}{
		{"anonymous_question_en", blocks(anonymousQuestion("en", "How can I roll back a *kubernetes* deployment? <!here>"))},
		{"anonymous_question_fr", blocks(anonymousQuestion("fr", "Comment annuler un déploiement ?"))},
		{"anonymous_receipt_en_channel", blocks(receiptBlocks("en", desk.AnonymousReceipt{Channel: "C1", Instant: true, KeepDays: 30}))},
		{"anonymous_receipt_fr_direct", blocks(receiptBlocks("fr", desk.AnonymousReceipt{Fallback: "ask-anyone", KeepDays: 30}))},
		{"anonymous_relayed_en", blocks(relayedBlocks("en", desk.Relayed{From: "U0CAROL01", Text: desk.Quote{Plain: "kubectl rollout undo <deployment>"}, Answer: "slack:C1:2.000001"}, "https://fakecorp.slack.com/archives/C1/p2000001"))},
		{"anonymous_relayed_fr_asker", blocks(relayedBlocks("fr", desk.Relayed{Text: desk.Quote{Plain: "Et pour un audit ?"}}, ""))},
		{"anonymous_expert_en_direct", expertBlocks("en", anonymousCard, nil, "")},
		{"anonymous_fallback_fr_thread", blocks(anonymousFallback("fr", gapText("fr", desk.GapTimedOut, 2), "Où signaler un harcèlement ?", false, ""))},
		{"anonymous_reminder_en", reminderBlocks("en", desk.Reminder{Route: 44, Text: desk.Quote{Plain: "Is my manager allowed to read my mail?"}, Taken: when}, "")},
	} {
		t.Run(c.name, func(t *testing.T) { golden(t, c.name, c.blocks) })
	}
}

// TestAnonymousMessagesNameNobody renders every message about an anonymous
// question, in both languages, and looks for a mention of anyone but the
// expert named on purpose.
func TestAnonymousMessagesNameNobody(t *testing.T) {
	huge := strings.Repeat("é", 10000)
	for _, lang := range []string{"en", "fr"} {
		text, question := anonymousQuestion(lang, huge)
		_, fallback := anonymousFallback(lang, "why", huge, true, "https://x")
		if _, hidden := anonymousFallback(lang, "why", "", true, ""); strings.Contains(string(blocksJSON(t, hidden)), `\n>`) {
			t.Errorf("%s: a fallback without the question's text quotes nothing: %s", lang, blocksJSON(t, hidden))
		}
		_, receipt := receiptBlocks(lang, desk.AnonymousReceipt{Channel: "C1", KeepDays: 30})
		_, relayed := relayedBlocks(lang, desk.Relayed{Text: desk.Quote{Plain: huge}}, "")
		for name, b := range map[string][]slack.Block{
			"question": question,
			"fallback": fallback,
			"receipt":  receipt,
			"relayed":  relayed,
			"expert":   expertBlocks(lang, desk.ExpertAsked{Route: 1, Text: desk.Quote{Plain: huge}}, nil, "https://x"),
			"earlier":  earlierBlocks(lang, desk.Earlier{Route: 1, Text: desk.Quote{Plain: "q"}}, nil),
			"reminder": reminderBlocks(lang, desk.Reminder{Route: 1, Text: desk.Quote{Plain: "q"}}, ""),
		} {
			withinLimits(t, lang+" "+name, b)
			if got := string(blocksJSON(t, b)) + text; strings.Contains(got, "<@") || strings.Contains(got, "<@>") {
				t.Errorf("%s %s mentions someone: %s", lang, name, got)
			}
		}
	}
}

// TestAnonymousRepliesSayTheRightCount: the limit reached is said with its
// count in the singular or the plural, and when the asker may ask again.
func TestAnonymousRepliesSayTheRightCount(t *testing.T) {
	until := time.Date(2026, 3, 3, 9, 30, 0, 0, time.UTC)
	for _, c := range []struct {
		lang  string
		count int
		want  string
	}{
		{"en", 1, "limit of 1 anonymous question in 24 hours"},
		{"en", 3, "limit of 3 anonymous questions in 24 hours"},
		{"fr", 1, "limite de 1 question anonyme par 24 heures"},
		{"fr", 3, "limite de 3 questions anonymes par 24 heures"},
	} {
		got, ok := anonymousReply(c.lang, desk.Reply{Say: desk.SayAnonymousLimit, Count: c.count, Until: until})
		if !ok || !strings.Contains(got, c.want) || !strings.Contains(got, "<!date^1772530200^") {
			t.Errorf("%s, %d: %q, want %q and the date", c.lang, c.count, got, c.want)
		}
	}
	for say, want := range map[desk.Say]string{desk.SayAnonymousOff: "turned off", desk.SayRelayNowhere: "Nobody is following", desk.SayNotInChannelAnonymous: "starting with `anon:`", desk.SayAnonymousInPublic: "shows your name here"} {
		if got, ok := anonymousReply("en", desk.Reply{Say: say}); !ok || !strings.Contains(got, want) {
			t.Errorf("%s: %q, want %q", say, got, want)
		}
	}
	if _, ok := anonymousReply("en", desk.Reply{Say: desk.SayHelp}); ok {
		t.Error("the help is no reply about anonymous questions")
	}
	if help := helpText("fr", false); !strings.Contains(help, "/ask --anon") || !strings.Contains(help, "anonyme :") {
		t.Errorf("the help does not say how to ask anonymously: %q", help)
	}
}

// TestAnonymousOffIsNotOffered: where anonymous questions are off, neither
// the help nor the usage tells people how to ask one, in either language.
func TestAnonymousOffIsNotOffered(t *testing.T) {
	for _, lang := range []string{"en", "fr"} {
		for _, off := range []bool{false, true} {
			o := &Outbox{cfg: OutboxConfig{Lang: lang, AnonymousOff: off}}
			for _, say := range []desk.Say{desk.SayHelp, desk.SayUsage, desk.SayUnknown} {
				text := o.replyText(context.Background(), lang, desk.Outgoing{}, desk.Reply{Say: say, Detail: "foo"})
				if offered := strings.Contains(text, "--anon"); offered == off {
					t.Errorf("%s, anonymous off %v, %s: %q offers anonymous questions: %v", lang, off, say, text, offered)
				}
				if say == desk.SayHelp && !strings.Contains(text, "/nextdesk team") {
					t.Errorf("%s, anonymous off %v: the help lost the team commands: %q", lang, off, text)
				}
			}
		}
	}
}

func TestAnonymously(t *testing.T) {
	for _, c := range []struct {
		in, want string
		anon     bool
	}{
		{"--anon How do I roll back?", "How do I roll back?", true},
		{"--ANONYMOUS  How do I roll back?", "How do I roll back?", true},
		{"—anon How do I roll back?", "How do I roll back?", true}, // a Mac's smart dash
		{"--anonyme Comment annuler ?", "Comment annuler ?", true},
		{"anon: How do I roll back?", "How do I roll back?", true},
		{"Anon:How do I roll back?", "How do I roll back?", true},
		{"anonyme : Comment annuler ?", "Comment annuler ?", true},
		{"Anonymement\u00a0: Comment annuler ?", "Comment annuler ?", true},
		{"--anon", "", true},
		{"How does anonymous voting work?", "How does anonymous voting work?", false},
		{"anonymous voting: how does it work?", "anonymous voting: how does it work?", false},
		{"--anonymize the logs?", "--anonymize the logs?", false},
		{"How do I roll back? --anon", "How do I roll back? --anon", false},
		{"--help", "--help", false},
	} {
		got, anon := anonymously(c.in)
		if got != c.want || anon != c.anon {
			t.Errorf("anonymously(%q) = %q, %v; want %q, %v", c.in, got, anon, c.want, c.anon)
		}
	}
}

// TestAnonymousChoiceRendering: the receipt of a question asked with one's
// name and the usage offer the button that asks the next one without it,
// unless anonymous questions are off; the reply to that click offers to
// cancel, and the cancel replaces the message clicked.
func TestAnonymousChoiceRendering(t *testing.T) {
	ctx := context.Background()
	until := time.Date(2026, 3, 2, 10, 30, 0, 0, time.UTC)
	render := func(lang string, off bool, to desk.Address, body desk.Body) call {
		t.Helper()
		o := &Outbox{cfg: OutboxConfig{Lang: lang, AnonymousOff: off}}
		c, err := o.render(ctx, desk.Outgoing{Notice: desk.Notice{Key: "k", To: to, Body: body}})
		if err != nil {
			t.Fatalf("render %+v: %v", body, err)
		}
		return c
	}
	thread := desk.Address{Conversation: "D1", Thread: "5.000001"}
	click := desk.Address{Reply: "https://hooks/1"}
	receipt := desk.AskerTold{What: desk.ToldAskedPrivately, Expert: "U0BOB", Choice: desk.ChoiceAnonymous}
	usage := desk.Reply{Say: desk.SayUsage, Choice: desk.ChoiceAnonymous}
	next := desk.Reply{Say: desk.SayAnonymousNext, Until: until, Count: 30, Choice: desk.ChoiceCancel}
	golden(t, "anonymous_choice_en_receipt", render("en", false, thread, receipt).blocks)
	golden(t, "anonymous_choice_fr_next", render("fr", false, click, next).blocks)

	for _, c := range []struct {
		lang, button, next, cancelled string
	}{
		{"en", "Ask my next question without my name", "Your next message here will be asked without your name (for the next 30 minutes).", "with your name"},
		{"fr", "Poser ma prochaine question sans mon nom", "Votre prochain message ici sera transmis sans votre nom (pendant les 30 prochaines minutes).", "avec votre nom"},
	} {
		for _, body := range []desk.Body{receipt, usage} {
			on := render(c.lang, false, thread, body)
			blocks := string(blocksJSON(t, on.blocks))
			if !strings.Contains(blocks, actionAskAnonymously) || !strings.Contains(blocks, c.button) || !strings.Contains(blocks, on.text) {
				t.Errorf("%s %T: %s, want the message and the button %q", c.lang, body, blocks, c.button)
			}
			withinLimits(t, c.lang, on.blocks)
			if off := render(c.lang, true, thread, body); off.blocks != nil || strings.Contains(off.text, "--anon") {
				t.Errorf("%s %T with anonymous questions off: %q %v, want the text alone, offering nothing", c.lang, body, off.text, off.blocks)
			}
		}
		n := render(c.lang, false, click, next)
		if n.text != c.next || n.replace || !strings.Contains(string(blocksJSON(t, n.blocks)), actionCancelAnonymous) {
			t.Errorf("%s: the choice made = %q (replace %v) %s, want %q with the cancel button", c.lang, n.text, n.replace, blocksJSON(t, n.blocks), c.next)
		}
		// The cancel button stays where anonymous questions were turned
		// off meanwhile: cancelling is always possible.
		if off := render(c.lang, true, click, next); !strings.Contains(string(blocksJSON(t, off.blocks)), actionCancelAnonymous) {
			t.Errorf("%s: the cancel button is gone with anonymous questions off", c.lang)
		}
		cancelled := render(c.lang, false, click, desk.Reply{Say: desk.SayAnonymousCancelled})
		if !cancelled.replace || !strings.Contains(cancelled.text, c.cancelled) || cancelled.blocks != nil {
			t.Errorf("%s: the cancel = %q (replace %v), want it replacing the message clicked, saying %q", c.lang, cancelled.text, cancelled.replace, c.cancelled)
		}
	}
	// The minute in the singular, should the time ever be one.
	if got := i18n.Trn("en", "anonymous.next", 1); !strings.Contains(got, "next 1 minute)") {
		t.Errorf("one minute: %q", got)
	}
}
