package blockkit

import (
	"encoding/json"
	"strings"
	"testing"
	"unicode"
	"unicode/utf8"

	"github.com/nextdesk/nextdesk/internal/badinput"
)

func TestClip(t *testing.T) {
	for _, c := range []struct {
		in   string
		n    int
		want string
	}{
		{"short", 10, "short"},
		{"exactly ten", 11, "exactly ten"},
		{"a longer sentence", 9, "a longer…"},
		{"éééééé", 4, "ééé…"},
	} {
		if got := Clip(c.in, c.n); got != c.want {
			t.Errorf("Clip(%q, %d) = %q, want %q", c.in, c.n, got, c.want)
		}
	}
}

func TestBlocksStayWithinLimits(t *testing.T) {
	long := strings.Repeat("é<&>", 5000)
	for name, b := range map[string]any{
		"section": Section(long), "header": Header(long), "context": Context(long),
		"button": Button("a", "v", long, "primary"),
	} {
		raw, err := json.Marshal(b)
		if err != nil {
			t.Fatal(err)
		}
		var v struct {
			Text     struct{ Text string }   `json:"text"`
			Elements []struct{ Text string } `json:"elements"`
		}
		if err := json.Unmarshal(raw, &v); err != nil {
			t.Fatal(err)
		}
		text := v.Text.Text
		if len(v.Elements) > 0 {
			text = v.Elements[0].Text
		}
		limit := map[string]int{"section": MaxSectionText, "header": MaxHeaderText, "context": MaxContextText, "button": MaxButtonText}[name]
		if n := utf8.RuneCountInString(text); n == 0 || n > limit {
			t.Errorf("%s text has %d characters, want 1 to %d", name, n, limit)
		}
	}
	if got := Escape("<@U1> & co"); got != "&lt;@U1&gt; &amp; co" {
		t.Errorf("Escape = %q", got)
	}
	if got := OneLine("a\n  b\tc", 10); got != "a b c" {
		t.Errorf("OneLine = %q", got)
	}
}

// FuzzClip: whatever text people wrote, Clip and OneLine keep within
// their bound (leaving text that fits as it is) and Escape leaves no
// character Slack would read as markup.
func FuzzClip(f *testing.F) {
	for _, s := range badinput.Texts() {
		f.Add(s, uint16(MaxButtonText))
		f.Add(s, uint16(MaxSectionText))
	}
	f.Fuzz(func(t *testing.T, s string, bound uint16) {
		n := int(bound) + 1
		clipped := Clip(s, n)
		if utf8.RuneCountInString(clipped) > n {
			t.Fatalf("Clip(%q, %d) = %q, too long", s, n, clipped)
		}
		if utf8.RuneCountInString(s) <= n && clipped != s {
			t.Fatalf("Clip(%q, %d) = %q, though it fits", s, n, clipped)
		}
		if line := OneLine(s, n); utf8.RuneCountInString(line) > n || strings.IndexFunc(line, func(r rune) bool { return unicode.IsSpace(r) && r != ' ' }) >= 0 {
			t.Fatalf("OneLine(%q, %d) = %q", s, n, line)
		}
		escaped := Escape(s)
		if strings.ContainsAny(escaped, "<>") || strings.Count(escaped, "&") != strings.Count(escaped, "&amp;")+strings.Count(escaped, "&lt;")+strings.Count(escaped, "&gt;") {
			t.Fatalf("Escape(%q) = %q", s, escaped)
		}
	})
}
