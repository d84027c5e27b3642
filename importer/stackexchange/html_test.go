package stackexchange

import (
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/google/go-cmp/cmp"
)

func TestPlainHTML(t *testing.T) {
	tests := []struct {
		name, in, want string
	}{
		{"paragraphs", "<p>One.</p>\n\n<p>Two.</p>\n", "One.\n\nTwo."},
		{"entities", "<p>&quot;Backprop&quot; &amp; &lt;BP&gt; &eacute;t&#233; &#x263A;</p>", `"Backprop" & <BP> été ☺`},
		{"inline tags join words", "<p>use <code>numpy</code> or <em>pandas</em>, <a href=\"https://x.org?a=1&amp;b=2\" rel=\"nofollow\">see</a>.</p>", "use numpy or pandas, see."},
		{"whitespace collapsed", "<p>a   b\n\tc</p>", "a b c"},
		{"pre keeps lines", "<p>Try:</p>\n\n<pre><code>for x in y:\n    print(x)\n</code></pre>\n\n<p>Done.</p>", "Try:\n\nfor x in y:\n    print(x)\n\nDone."},
		{"list", "<ul>\n<li>one</li>\n<li>two</li>\n</ul>", "one\n\ntwo"},
		{"br", "a<br>b<br/>c", "a\nb\nc"},
		{"quoted gt in attribute", `<a title="x > y">link</a>`, "link"},
		{"comment", "a<!-- hidden > still -->b", "ab"},
		{"unclosed comment", "a<!-- hidden", "a"},
		{"lone lt is text", "<p>if a < b</p>", "if a < b"},
		{"unclosed tag kept as text", "text <a href=\"x", "text <a href=\"x"},
		{"uppercase tags", "<P>One</P><P>Two</P>", "One\n\nTwo"},
		{"image dropped", `<p><img src="x.png" alt="enter image description here"></p>`, ""},
		{"invalid utf8", "<p>caf\xe9</p>", "caf\uFFFD"},
		{"empty", "", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if diff := cmp.Diff(plainHTML(tt.in), tt.want); diff != "" {
				t.Errorf("plainHTML(%q) mismatch (-got +want):\n%s", tt.in, diff)
			}
		})
	}
}

// TestPlainHTMLHuge checks linear time on hostile input: a quadratic scan
// of these 2 MB would time the test out.
func TestPlainHTMLHuge(t *testing.T) {
	for _, unit := range []string{"<a '", "<!--", "<p>x ", "< < ", "&amp"} {
		in := strings.Repeat(unit, 500_000)
		if got := plainHTML(in); len(got) > len(in) {
			t.Errorf("plainHTML(%q × 500000) grew to %d bytes", unit, len(got))
		}
	}
}

func FuzzPlainHTML(f *testing.F) {
	for _, s := range []string{"<p>a &amp; b</p>", "<pre><code>x\n y</code></pre>", "<a href='>'>x</a>", "<!--", "<", "&#xFFFFFFFF;", "<p>\xff</p>"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, in string) {
		got := plainHTML(in)
		if !utf8.ValidString(got) {
			t.Errorf("plainHTML(%q) = %q, not valid UTF-8", in, got)
		}
		if got != strings.TrimSpace(got) {
			t.Errorf("plainHTML(%q) = %q, not trimmed", in, got)
		}
	})
}
