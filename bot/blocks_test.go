package bot

import (
	"bytes"
	"context"
	"encoding/json"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/google/go-cmp/cmp"
	"github.com/slack-go/slack"

	"github.com/nextdesk/nextdesk/blockkit"
	"github.com/nextdesk/nextdesk/knowledge"
	"github.com/nextdesk/nextdesk/knowledge/desk"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata/")

func TestBlocksGolden(t *testing.T) {
	when := time.Date(2026, 3, 2, 9, 30, 0, 0, time.UTC)
	match := knowledge.Match{
		Question: knowledge.Question{ID: "slack:C1:1.000001", Text: "How do I reset my VPN password?"},
		Answer:   knowledge.Answer{ID: "slack:C1:1.000002", Answerer: "U0BOB0001", Text: "Go to vpn.example.com/reset & follow <the> steps.", Time: when},
	}
	// An expert may also have asked similar questions that others answered.
	answeredAndAsked := []evidence{
		{Text: "annuler un déploiement helm", Link: "https://fakecorp.slack.com/archives/C1/p1000005"},
		{Text: "kubectl rollout undo ne fait rien", Asked: true},
	}
	askedOnly := []evidence{{Text: "helm rollback <fails>", Asked: true}}
	evidence := []evidence{
		{Text: "kubernetes deployment rollback\nstuck on the old replica set", Link: "https://fakecorp.slack.com/archives/C1/p1000003"},
		{Text: "helm rollback <fails>"},
	}
	expert := func(route int64, text string) desk.ExpertAsked {
		return desk.ExpertAsked{Route: route, Asker: "U0ALICE01", Text: desk.Quote{Typed: text}}
	}
	for _, c := range []struct {
		name   string
		blocks []slack.Block
	}{
		{"question_en", questionBlocks("en", "U0ALICE01", "How can I roll back a *kubernetes* deployment? <!channel>")},
		{"question_fr", questionBlocks("fr", "U0ELODIE1", "Comment annuler un déploiement ?\n```kubectl rollout undo```")},
		{"instant_en", instantBlocks("en", desk.InstantAnswer{Question: "ask:T1", Answer: match.Answer}, "https://fakecorp.slack.com/archives/C1/p1000001")},
		{"instant_fr_nolink", instantBlocks("fr", desk.InstantAnswer{Question: "ask:T1", Answer: match.Answer}, "")},
		{"instant_fr_picked", instantBlocks("fr", desk.InstantAnswer{Question: "ask:T1", Answer: match.Answer, PickedBy: "U0BOB0001"}, "https://fakecorp.slack.com/archives/C1/p1000001")},
		{"earlier_en", earlierBlocks("en", desk.Earlier{Route: 42, Asker: "U0ALICE01", Text: desk.Quote{Plain: "How can I roll back a deployment?"},
			Options: []desk.Option{
				{Question: "slack:C1:1.000003", Text: "kubernetes deployment rollback stuck", Answer: match.Answer},
				{Question: "slack:C1:1.000004", Text: "helm rollback <fails>", Answer: knowledge.Answer{Answerer: "U0CAROL01", Text: "helm rollback 12", Time: when}},
			}}, []string{"https://fakecorp.slack.com/archives/C1/p1000003", ""})},
		{"reminder_fr_last", reminderBlocks("fr", desk.Reminder{Route: 42, Asker: "U0ALICE01", Text: desk.Quote{Plain: "Comment annuler un déploiement ?"},
			Taken: when, Last: true, Next: when.Add(4 * time.Hour)}, "https://fakecorp.slack.com/archives/C1/p2000001")},
		{"reminder_en", reminderBlocks("en", desk.Reminder{Route: 42, Asker: "U0ALICE01", Text: desk.Quote{Plain: "How can I roll back?"}, Taken: when}, "")},
		{"expert_en", expertBlocks("en", expert(42, "How can I roll back a kubernetes deployment?"), evidence, "https://fakecorp.slack.com/archives/C1/p2000001")},
		{"expert_fr_groupdm", expertBlocks("fr", expert(43, "Comment annuler un déploiement ?"), nil, "")},
		{"expert_fr_asked", expertBlocks("fr", expert(44, "Comment annuler un déploiement ?"), answeredAndAsked, "https://fakecorp.slack.com/archives/C1/p2000002")},
		{"expert_en_asked_only", expertBlocks("en", expert(45, "How can I roll back?"), askedOnly, "")},
		{"accept_en", acceptBlocks("en", "U0BOB0001", "slack:C1:3.000001")},
		{"fallback_public", fallbackBlocks("en", "U0ALICE01", gapText("en", desk.GapTimedOut, 2), "Where do I park my bicycle?", "https://fakecorp.slack.com/archives/C1/p4000001", false)},
		{"fallback_private", fallbackBlocks("fr", "U0ALICE01", gapText("fr", desk.GapNobodyKnown, 0), "secret budget code", "", true)},
		{"profile_en", profileBlocks("en", profile{
			Stats:    knowledge.AnswererStats{Answers: 12, Accepted: 4, Thanks: 3},
			Topics:   []string{"kubernetes", "helm"},
			Answered: []string{"Rollback\nHow do I roll back?"},
			Waiting:  []waiting{{Text: "Where is the VPN config?", Link: "https://fakecorp.slack.com/archives/C1/p5000001"}},
			Prefs:    knowledge.Preferences{SnoozedUntil: when.Add(24 * time.Hour)},
			Now:      when,
		})},
		{"profile_fr_empty", profileBlocks("fr", profile{Prefs: knowledge.Preferences{OptedOut: true}, Now: when})},
	} {
		t.Run(c.name, func(t *testing.T) { golden(t, c.name, c.blocks) })
	}
}

// golden compares blocks with testdata/name.json, rewritten with -update.
func golden(t *testing.T, name string, blocks []slack.Block) {
	t.Helper()
	got := blocksJSON(t, blocks)
	var pretty strings.Builder
	enc := json.NewEncoder(&pretty)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	var v any
	if err := json.Unmarshal(got, &v); err != nil {
		t.Fatalf("blocks are not JSON: %v", err)
	}
	if err := enc.Encode(v); err != nil {
		t.Fatal(err)
	}
	path := filepath.Join("testdata", name+".json")
	if *update {
		if err := os.WriteFile(path, []byte(pretty.String()), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("read golden file (run go test ./bot -run Golden -update): %v", err)
	}
	if diff := cmp.Diff(pretty.String(), string(want)); diff != "" {
		t.Errorf("%s (-got +want):\n%s", path, diff)
	}
}

// TestBlocksStayWithinSlackLimits builds every message from huge input and
// checks Slack's limits: a message over them is refused whole.
func TestBlocksStayWithinSlackLimits(t *testing.T) {
	huge := strings.Repeat("é", 10000) + "\n" + strings.Repeat("x ", 5000)
	many := make([]evidence, 60)
	for i := range many {
		many[i] = evidence{Text: huge, Link: "https://x"}
	}
	long := make([]string, 60)
	for i := range long {
		long[i] = huge
	}
	a := knowledge.Answer{Answerer: "U1", Text: huge}
	for name, blocks := range map[string][]slack.Block{
		"question": questionBlocks("en", "U1", huge),
		"instant":  instantBlocks("fr", desk.InstantAnswer{Question: "q", Answer: a}, "https://x"),
		"expert":   expertBlocks("fr", desk.ExpertAsked{Route: 1, Asker: "U1", Text: desk.Quote{Plain: huge}}, many, "https://x"),
		"fallback": fallbackBlocks("en", "U1", huge, huge, "https://x", false),
		"earlier": earlierBlocks("en", desk.Earlier{Route: 1, Asker: "U1", Text: desk.Quote{Plain: huge},
			Options: []desk.Option{{Question: "q", Text: huge, Answer: a}, {Question: "r", Text: huge, Answer: a}}}, []string{"https://x", "https://x"}),
		"reminder": reminderBlocks("en", desk.Reminder{Route: 1, Asker: "U1", Text: desk.Quote{Plain: huge}}, "https://x"),
		"profile":  profileBlocks("en", profile{Answered: long, Topics: []string{huge}, Waiting: []waiting{{Text: huge}}}),
	} {
		withinLimits(t, name, blocks)
	}
}

// withinLimits fails the test if blocks break one of Slack's limits.
func withinLimits(t *testing.T, name string, blocks []slack.Block) {
	t.Helper()
	var items []map[string]any
	if err := json.Unmarshal(blocksJSON(t, blocks), &items); err != nil {
		t.Fatalf("%s: %v", name, err)
	}
	if len(items) > blockkit.MaxBlocks {
		t.Errorf("%s: %d blocks, want at most %d", name, len(items), blockkit.MaxBlocks)
	}
	for i, it := range items {
		limit := blockkit.MaxSectionText
		if it["type"] == "header" {
			limit = blockkit.MaxHeaderText
		}
		if n := utf8.RuneCountInString(textOf(it["text"])); n > limit {
			t.Errorf("%s: block %d (%s) has %d characters, want at most %d", name, i, it["type"], n, limit)
		}
		elems, _ := it["elements"].([]any)
		for _, e := range elems {
			el, _ := e.(map[string]any)
			limit := blockkit.MaxSectionText
			if el["type"] == "button" {
				limit = blockkit.MaxButtonText
			}
			if n := utf8.RuneCountInString(textOf(el["text"])); n > limit {
				t.Errorf("%s: a %s element has %d characters, want at most %d", name, el["type"], n, limit)
			}
		}
	}
}

// blocksJSON is blocks as the outbox sends them: capped to Slack's number,
// encoded without HTML escaping, so they read as Slack shows them.
func blocksJSON(t *testing.T, blocks []slack.Block) []byte {
	t.Helper()
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(capped(blocks)); err != nil {
		t.Fatal(err)
	}
	return bytes.TrimSpace(buf.Bytes())
}

// textOf is the text of a text object, or the text itself.
func textOf(v any) string {
	switch t := v.(type) {
	case string:
		return t
	case map[string]any:
		s, _ := t["text"].(string)
		return s
	}
	return ""
}

// TestMessageTextsNotifyNobodyElse: the text of a message, which
// notifications show, quotes what someone wrote without its broadcast
// mentions and without reading plain text as markup, as the blocks do.
// FuzzRender found each of these texts notifying a whole channel again.
func TestMessageTextsNotifyNobodyElse(t *testing.T) {
	o := &Outbox{cfg: OutboxConfig{Lang: "en"}}
	for _, c := range []struct {
		body desk.Body
		want string
	}{
		{desk.QuestionPosted{Asker: "U1", Text: desk.Quote{Typed: "<!channel> is the VPN down?"}}, "<@U1> asks: @channel is the VPN down?"},
		{desk.QuestionPosted{Text: desk.Quote{Typed: "<!here|here> is the VPN down?"}}, "Someone asks, anonymously: @here is the VPN down?"},
		{desk.InstantAnswer{Answer: knowledge.Answer{Text: "type <!everyone> & wait"}}, "This was answered before: type &lt;!everyone&gt; &amp; wait"},
		{desk.TeamsShown{Teams: []desk.TeamCard{{Name: "<!channel>"}}}, "Your teams: &lt;!channel&gt;"},
	} {
		got, err := o.render(context.Background(), desk.Outgoing{Notice: desk.Notice{Key: "k", To: desk.Address{Conversation: "#help"}, Body: c.body}})
		if err != nil || got.text != c.want {
			t.Errorf("render %+v: text %q, %v; want %q", c.body, got.text, err, c.want)
		}
	}
	// Found by FuzzRender: a team's review named the team as markup.
	review := &Outbox{cfg: o.cfg, store: teamAsks{}}
	now := time.Date(2026, 12, 1, 9, 0, 0, 0, time.UTC)
	got, err := review.render(context.Background(), desk.Outgoing{Notice: desk.Notice{Key: "k", To: desk.Address{Conversation: "#it"},
		Body: desk.TeamReview{Team: "<!channel>", Since: now.AddDate(0, -6, 0), Until: now}}})
	if want := "Service promises review of &lt;!channel&gt;"; err != nil || got.text != want {
		t.Errorf("render the review of <!channel>: text %q, %v; want %q", got.text, err, want)
	}
	if got := mention("#<!here>"); got != "#&lt;!here&gt;" {
		t.Errorf("mention = %q, want the name as plain text", got)
	}
}

func TestQuoteAndClip(t *testing.T) {
	for _, c := range []struct{ in, want string }{
		{"hello", "> hello"},
		{"two\nlines", "> two\n> lines"},
		{"<!channel> help <!here>", "> @channel help @here"},
		// Found by FuzzRender: the old form, with a label.
		{"<!here|here> and <!channel|@channel>", "> @here and @channel"},
		{"", ">"},
	} {
		if got := quote(c.in, 100); got != c.want {
			t.Errorf("quote(%q) = %q, want %q", c.in, got, c.want)
		}
	}
	if got := blockkit.Clip("ééééé", 3); got != "éé…" {
		t.Errorf("clip = %q, want éé…", got)
	}
	if got := blockkit.Escape("a < b & c > d"); got != "a &lt; b &amp; c &gt; d" {
		t.Errorf("escape = %q", got)
	}
}
