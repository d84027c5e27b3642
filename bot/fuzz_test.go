package bot

import (
	"math"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/nextdesk/nextdesk/internal/badinput"
	"github.com/nextdesk/nextdesk/knowledge"
	"github.com/nextdesk/nextdesk/knowledge/desk"
	"github.com/nextdesk/nextdesk/mrkdwn"
)

// snoozeSpan is the grammar parseSpan reads: numbers, each with its unit.
var (
	snoozeSpan = regexp.MustCompile(`^([0-9]+[mhdjws])+$`)
	snoozePart = regexp.MustCompile(`([0-9]+)([mhdjws])`)
)

// FuzzCommandText reads any text as the bot reads what people write to
// it: a mention is taken out, "anon:" and --anon are read as asking
// without one's name and nothing else is, the question is what is left,
// and a snooze length or a date is read exactly as written, or refused.
func FuzzCommandText(f *testing.F) {
	for _, s := range badinput.Texts() {
		f.Add(s)
	}
	for _, s := range []string{"<@UBOT> anon: why?", "<@UBOT|nextdesk>--anon <@UBOT>", "<@U<@UBOT>BOT>", "5m", "1w2d3h4m", "366d", "367d", "0m", "10001m",
		"10000w10000w10000w501w", "٠m", "2026-02-29", "2028-02-29", "0000-01-01", "2026-1-5"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, text string) {
		stripped := withoutMention(text, "UBOT")
		if stripped != strings.TrimSpace(stripped) || len(stripped) > len(text) {
			t.Fatalf("withoutMention(%q) = %q", text, stripped)
		}
		if !strings.Contains(text, "<@UBOT") && stripped != strings.TrimSpace(text) {
			t.Fatalf("withoutMention(%q) = %q, without a mention of the bot to take out", text, stripped)
		}

		question, anon := anonymously(stripped)
		switch {
		case !anon && question != stripped:
			t.Fatalf("anonymously(%q) = %q, false: changed a question not asked anonymously", stripped, question)
		case anon && (question != strings.TrimSpace(question) || !strings.HasSuffix(stripped, question) || len(question) >= len(stripped)):
			t.Fatalf("anonymously(%q) = %q, true: not what follows the flag", stripped, question)
		case anon && !strings.Contains(strings.ToLower(stripped[:len(stripped)-len(question)]), "anon"):
			t.Fatalf("anonymously(%q) = %q, true, without the word", stripped, question)
		}
		plain := mrkdwn.ToPlain(question, nil)
		if desk.Asks(plain) && knowledge.CleanText(plain) == "" {
			t.Fatalf("%q asks a question the store would refuse as empty", plain)
		}

		// A snooze: /nextdesk snooze 1w2d.
		d, ok := parseSpan(text)
		var want float64
		valid := snoozeSpan.MatchString(text)
		for _, m := range snoozePart.FindAllStringSubmatch(text, -1) {
			n, _ := strconv.ParseFloat(m[1], 64)
			valid = valid && n <= 10000
			want += n * float64(map[string]time.Duration{"m": time.Minute, "h": time.Hour, "d": 24 * time.Hour, "j": 24 * time.Hour, "w": 7 * 24 * time.Hour, "s": 7 * 24 * time.Hour}[m[2]])
		}
		valid = valid && want >= float64(time.Minute) && want <= float64(desk.MaxSnooze)
		if ok != valid || ok && math.Abs(float64(d)-want) > 0.5 {
			t.Fatalf("parseSpan(%q) = %v, %v; want %v, %v", text, d, ok, time.Duration(want), valid)
		}

		// A date: /nextdesk team review IT 2026-01-01.
		if date, err := knowledge.ParseDate(text); err == nil && (date.String() != text || !looksLikeDate(text)) {
			t.Fatalf("ParseDate(%q) = %v, which reads %q", text, date, date.String())
		}
	})
}
