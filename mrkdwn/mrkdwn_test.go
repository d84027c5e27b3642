package mrkdwn_test

import (
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/google/go-cmp/cmp"

	"github.com/nextdesk/nextdesk/mrkdwn"
)

var names = mrkdwn.Names{
	Users:    map[string]string{"U123": "alice", "U456": "bob"},
	Channels: map[string]string{"C123": "general"},
}

func TestToPlain(t *testing.T) {
	tests := []struct {
		name  string
		in    string
		names mrkdwn.Resolver
		want  string
	}{
		{"plain", "How do I reset my VPN?", names, "How do I reset my VPN?"},
		{"user resolved", "ask <@U123> please", names, "ask @alice please"},
		{"user resolver wins over label", "ask <@U123|old-name>", names, "ask @alice"},
		{"user label when unresolved", "ask <@U999|carol>", names, "ask @carol"},
		{"user unresolved", "ask <@U999>", names, "ask @U999"},
		{"user nil resolver", "ask <@U123>", nil, "ask @U123"},
		{"channel with label", "see <#C999|random>", names, "see #random"},
		{"channel resolved", "see <#C123>", names, "see #general"},
		{"channel unresolved", "see <#C999>", nil, "see #C999"},
		{"here", "<!here> anyone?", nil, "@here anyone?"},
		{"channel broadcast", "<!channel|@channel> hi", nil, "@channel hi"},
		{"everyone", "<!everyone>", nil, "@everyone"},
		{"subteam with label", "ping <!subteam^S1|@team>", nil, "ping @team"},
		{"subteam without at", "ping <!subteam^S1|team>", nil, "ping @team"},
		{"subteam bare", "ping <!subteam^S1>", nil, "ping @S1"},
		{"date fallback", "at <!date^1392734382^{date}|Feb 18th>", nil, "at Feb 18th"},
		{"unknown command", "x <!foo> y", nil, "x  y"},
		{"link with label", "read <https://x.org/a_b|the doc>", nil, "read the doc"},
		{"bare link", "read <https://x.org/a_b_c>", nil, "read https://x.org/a_b_c"},
		{"link with escaped ampersand", "<https://x.org/?a=1&amp;b=2>", nil, "https://x.org/?a=1&b=2"},
		{"mailto with label", "<mailto:a@b.fr|a@b.fr>", nil, "a@b.fr"},
		{"mailto bare", "<mailto:a@b.fr>", nil, "a@b.fr"},
		{"entities", "a &lt;b&gt; &amp;&amp; c &amp;lt;", nil, "a <b> && c &lt;"},
		{"lone ampersand", "R&D & co", nil, "R&D & co"},
		{"escaped markup is not a token", "&lt;@U123&gt;", names, "<@U123>"},
		{"fence", "try\n```julia> x = 1```\nthen", nil, "try\njulia> x = 1\nthen"},
		{"fence keeps markers", "```a *b* _c_```", nil, "a *b* _c_"},
		{"fence resolves links", "```curl <https://x.org>```", nil, "curl https://x.org"},
		{"unclosed fence", "```x = *y*", nil, "x = *y*"},
		{"inline code", "run `make *all*` now", nil, "run make *all* now"},
		{"inline code entities", "`a &lt; b`", nil, "a < b"},
		{"lone backtick", "it's a ` here", nil, "it's a ` here"},
		{"backtick closed on next line only", "a `b\nc` d", nil, "a `b\nc` d"},
		{"bold", "this is *very* important", nil, "this is very important"},
		{"italic", "_really_ sure", nil, "really sure"},
		{"strike", "~wrong~ right", nil, "wrong right"},
		{"nested", "*_both_*", nil, "both"},
		{"bold around link", "*<https://x.org|MultiFloats.jl>* rocks", nil, "MultiFloats.jl rocks"},
		{"snake case", "call my_func_name now", nil, "call my_func_name now"},
		{"dunder", "def __init__(self)", nil, "def __init__(self)"},
		{"multiplication", "2*3*4 = 24", nil, "2*3*4 = 24"},
		{"spaced stars", "a * b * c", nil, "a * b * c"},
		{"bold does not cross lines", "*a\nb*", nil, "*a\nb*"},
		{"double stars", "**not slack**", nil, "**not slack**"},
		{"empty pair", "** and __", nil, "** and __"},
		{"emoji", "thanks :+1: :white_check_mark:", nil, "thanks :+1: :white_check_mark:"},
		{"accents", "ça marche, *merci* !", nil, "ça marche, merci !"},
		{"quote kept", "&gt; quoted\nreply", nil, "> quoted\nreply"},
		{"unbalanced lt", "if a < b and c", nil, "if a < b and c"},
		{"unclosed token", "<https://x.org", nil, "<https://x.org"},
		{"token across lines", "<a\nb>", nil, "<a\nb>"},
		{"nested lt", "<<@U123>>", names, "<@alice>"},
		{"empty token", "<>", nil, "<>"},
		{"pipe led token", "<|x>", nil, "<|x>"},
		{"invalid utf8", "caf\xe9 <@U123>", names, "caf\uFFFD @alice"},
		{"control characters", "a\x00b\x07c", nil, "abc"},
		{"trimmed", "  \n hi \n ", nil, "hi"},
		{"empty", "", nil, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := mrkdwn.ToPlain(tt.in, tt.names)
			if diff := cmp.Diff(got, tt.want); diff != "" {
				t.Errorf("ToPlain(%q) mismatch (-got +want):\n%s", tt.in, diff)
			}
		})
	}
}

// TestToPlainHuge checks that pathological input (many unclosed brackets and
// markers on one long line) is handled in linear time: a quadratic scan of
// 2 MB would take minutes and time the test out.
func TestToPlainHuge(t *testing.T) {
	for _, unit := range []string{"<a ", "*a ", "`a ", "<<<", "&am", "_x*"} {
		in := strings.Repeat(unit, 700_000)
		got := mrkdwn.ToPlain(in, nil)
		if len(got) == 0 || len(got) > len(in) {
			t.Errorf("ToPlain(%q × 700000) returned %d bytes from %d", unit, len(got), len(in))
		}
	}
}

func FuzzToPlain(f *testing.F) {
	for _, s := range []string{
		"<@U123|alice> *bold* _it_ ~s~ `code` ```fence```",
		"<https://x|label> <mailto:a@b> <!subteam^S1|@team> <#C1|gen>",
		"&amp;&lt;&gt; :+1: <", "```", "`", "<|>", "<@>", "<!>", "<#>",
		"\xff\xfe*a*", "*_~`<&\n",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, in string) {
		got := mrkdwn.ToPlain(in, names)
		if !utf8.ValidString(got) {
			t.Errorf("ToPlain(%q) = %q, not valid UTF-8", in, got)
		}
		if got != strings.TrimSpace(got) {
			t.Errorf("ToPlain(%q) = %q, not trimmed", in, got)
		}
		// Conversion only removes or shortens, except where names expand
		// an id: bound the growth by the longest resolved name per token.
		if limit := 3*len(in) + 8; len(got) > limit {
			t.Errorf("ToPlain(%q) grew to %d bytes", in, len(got))
		}
	})
}

func BenchmarkToPlain(b *testing.B) {
	msg := strings.Repeat("Hi <@U123>, see *<https://docs.example.org/a_b|the guide>* and run `make all` &amp; ```code```\n", 20)
	b.SetBytes(int64(len(msg)))
	for b.Loop() {
		mrkdwn.ToPlain(msg, names)
	}
}
