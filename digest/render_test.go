package digest_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/slack-go/slack"

	"github.com/nextdesk/nextdesk/digest"
	"github.com/nextdesk/nextdesk/i18n"
	"github.com/nextdesk/nextdesk/internal/fakeslack"
	"github.com/nextdesk/nextdesk/knowledge"
	"github.com/nextdesk/nextdesk/knowledge/sqlite/sqlitetest"
)

// mustSlack starts a fake Slack with a channel for digests and returns a
// client on it.
func mustSlack(tb testing.TB, opts ...fakeslack.Option) (*fakeslack.Server, *slack.Client) {
	tb.Helper()
	srv := fakeslack.New(tb, opts...)
	srv.AddChannel(fakeslack.Channel{ID: "CDIGEST", Name: "digest", Members: []string{fakeslack.BotUserID}})
	for _, id := range []string{"UA", "UB", "UC", "UD", "UE"} {
		srv.AddUser(fakeslack.User{ID: id, Name: strings.ToLower(id)})
	}
	return srv, slack.New(fakeslack.BotToken, slack.OptionAPIURL(srv.URL()))
}

// mustPost posts blocks as the fake Slack would take them from the bot,
// failing the test if Slack would refuse them.
func mustPost(tb testing.TB, api *slack.Client, text string, blocks []slack.Block) {
	tb.Helper()
	_, _, err := api.PostMessageContext(context.Background(), "CDIGEST", slack.MsgOptionText(text, false), slack.MsgOptionBlocks(blocks...))
	if err != nil {
		tb.Fatalf("Slack refuses the digest: %v", err)
	}
}

func TestGoldenBlocks(t *testing.T) {
	_, api := mustSlack(t)
	public := composePublic(t, true)
	db := mustFixture(t)
	personal, err := digest.ComposePersonal(context.Background(), db, "UD", digest.Options{Week: week47, Location: mustParis(t), Links: fakeLinks{}})
	if err != nil {
		t.Fatal(err)
	}
	empty, err := digest.Compose(context.Background(), db, digest.Options{Week: mustWeek("2026-W50"), Location: mustParis(t)})
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		name string
		d    *digest.Digest
		lang string
	}{
		{"week47_en", public, i18n.EN},
		{"week47_fr", public, i18n.FR},
		{"personal_en", personal, i18n.EN},
		{"personal_fr", personal, i18n.FR},
		{"empty_en", empty, i18n.EN},
		{"empty_fr", empty, i18n.FR},
	} {
		blocks := digest.Blocks(c.d, c.lang)
		var got bytes.Buffer
		enc := json.NewEncoder(&got)
		enc.SetEscapeHTML(false) // readable golden files; the same JSON to Slack
		enc.SetIndent("", "  ")
		if err := enc.Encode(blocks); err != nil {
			t.Fatal(err)
		}
		golden(t, c.name+".json", got.Bytes())
		golden(t, c.name+".txt", []byte(digest.Text(c.d, c.lang)))
		mustPost(t, api, digest.Summary(c.d, c.lang), blocks)
	}
}

// TestBlocksStayWithinSlackLimits renders a week far larger than any
// digest shows, with long texts and names in both languages, and has the
// fake Slack (which enforces Block Kit's limits) accept it.
func TestBlocksStayWithinSlackLimits(t *testing.T) {
	ctx := context.Background()
	db := sqlitetest.MustOpen(t)
	long := strings.Repeat("très long texte <b>&amp; ", 300) // 7,500 characters with markup to escape
	b := knowledge.Batch{Conversations: []knowledge.Conversation{{ID: "CHELP", Name: strings.Repeat("canal", 40), Kind: knowledge.KindPublic}}}
	for i := range 80 {
		b.People = append(b.People, knowledge.Person{ID: fmt.Sprintf("U%03d", i), Name: strings.Repeat("Nom ", 100)})
	}
	start := week47.Start(time.UTC)
	for i := range 400 {
		q := knowledge.Question{
			ID: fmt.Sprintf("q%d", i), Asker: fmt.Sprintf("U%03d", i%80), Conversation: "CHELP",
			Thread: fmt.Sprintf("%d.000100", start.Unix()+int64(i)), Text: fmt.Sprintf("sujet%d %s", i%7, long),
			Time: start.Add(time.Duration(i) * 20 * time.Minute),
		}
		if i%3 != 0 {
			q.Answers = []knowledge.Answer{{ID: fmt.Sprintf("a%d", i), Answerer: fmt.Sprintf("U%03d", (i+1)%80), Text: long, Time: q.Time.Add(time.Hour), Accepted: i%5 == 0, Thanks: i % 4}}
		}
		b.Questions = append(b.Questions, q)
	}
	if _, err := db.Import(ctx, b); err != nil {
		t.Fatal(err)
	}
	_, api := mustSlack(t)
	for _, limit := range []int{10, 40} { // 40 per list would exceed 50 blocks
		d, err := digest.Compose(ctx, db, digest.Options{Week: week47, Links: fakeLinks{}, Limit: limit})
		if err != nil {
			t.Fatal(err)
		}
		for _, lang := range []string{i18n.EN, i18n.FR} {
			blocks := digest.Blocks(d, lang)
			if len(blocks) > 50 {
				t.Errorf("limit %d, %s: %d blocks", limit, lang, len(blocks))
			}
			raw, _ := json.Marshal(blocks)
			var parsed []struct {
				Type string `json:"type"`
				Text struct {
					Text string `json:"text"`
				} `json:"text"`
			}
			if err := json.Unmarshal(raw, &parsed); err != nil {
				t.Fatal(err)
			}
			for i, p := range parsed {
				if n := utf8.RuneCountInString(p.Text.Text); (p.Type == "section" && n > 3000) || (p.Type == "header" && n > 150) {
					t.Errorf("limit %d, %s: block %d (%s) has %d characters", limit, lang, i, p.Type, n)
				}
			}
			mustPost(t, api, digest.Summary(d, lang), blocks)
		}
	}
}
