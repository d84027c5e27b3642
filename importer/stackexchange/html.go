package stackexchange

import (
	"html"
	"strings"

	"github.com/nextdesk/nextdesk/knowledge"
)

// blockTags break a line: their content reads as its own paragraph or item.
var blockTags = map[string]bool{
	"p": true, "div": true, "br": true, "hr": true, "li": true, "ul": true, "ol": true,
	"pre": true, "blockquote": true, "table": true, "tr": true, "dd": true, "dt": true,
	"h1": true, "h2": true, "h3": true, "h4": true, "h5": true, "h6": true,
}

// plainHTML returns the text of a Stack Exchange post body: tags removed,
// entities decoded, whitespace collapsed outside <pre> (whose code keeps its
// lines and indentation), one line break per block element and at most one
// blank line in a row.
//
// Bodies come from Stack Exchange's sanitiser, so a small scanner does: a
// '<' not followed by a letter, '/' or '!' is text, as in HTML, and a tag
// left open at the end of the body is kept as text rather than lost. It
// runs in linear time and never fails.
func plainHTML(body string) string {
	var p htmlText
	p.b.Grow(len(body))
	for i := 0; i < len(body); {
		lt := strings.IndexByte(body[i:], '<')
		if lt < 0 {
			p.text(body[i:])
			break
		}
		p.text(body[i : i+lt])
		i += lt
		if strings.HasPrefix(body[i:], "<!--") {
			end := strings.Index(body[i+4:], "-->")
			if end < 0 {
				break
			}
			i += 4 + end + 3
			continue
		}
		if i+1 >= len(body) || !startsTag(body[i+1]) {
			p.text("<")
			i++
			continue
		}
		end := tagEnd(body, i+1)
		if end < 0 {
			p.text(body[i:])
			break
		}
		p.tag(body[i+1 : end])
		i = end + 1
	}
	return p.String()
}

func startsTag(c byte) bool {
	return c == '/' || c == '!' || c == '?' || ('a' <= c && c <= 'z') || ('A' <= c && c <= 'Z')
}

// tagEnd returns the index of the '>' that ends the tag whose body starts at
// from, skipping quoted attribute values, or -1.
func tagEnd(s string, from int) int {
	var quote byte
	for j := from; j < len(s); j++ {
		switch c := s[j]; {
		case quote != 0:
			if c == quote {
				quote = 0
			}
		case c == '"' || c == '\'':
			quote = c
		case c == '>':
			return j
		}
	}
	return -1
}

// htmlText accumulates the text of a body as its tags are met.
type htmlText struct {
	b   strings.Builder
	pre int // depth of open <pre> elements
	// space records collapsed whitespace not yet written: it becomes one
	// space only if more text follows on the same line.
	space bool
}

func (p *htmlText) text(s string) {
	if s == "" {
		return
	}
	s = html.UnescapeString(s)
	if p.pre > 0 {
		p.b.WriteString(s)
		return
	}
	// Whitespace is ASCII, so walking bytes keeps UTF-8 sequences whole.
	for i := 0; i < len(s); i++ {
		switch c := s[i]; c {
		case ' ', '\t', '\n', '\r', '\f':
			p.space = true
		default:
			if p.space && !p.lineStart() {
				p.b.WriteByte(' ')
			}
			p.space = false
			p.b.WriteByte(c)
		}
	}
}

func (p *htmlText) lineStart() bool {
	s := p.b.String()
	return s == "" || s[len(s)-1] == '\n'
}

func (p *htmlText) tag(t string) {
	closing := strings.HasPrefix(t, "/")
	name := strings.TrimPrefix(t, "/")
	if i := strings.IndexAny(name, " \t\r\n/"); i >= 0 {
		name = name[:i]
	}
	name = strings.ToLower(name)
	if name == "pre" {
		if closing && p.pre > 0 {
			p.pre--
		} else if !closing {
			p.pre++
		}
	}
	if blockTags[name] {
		p.space = false
		p.newline()
	}
}

// newline ends the current line, allowing one blank line between blocks
// and none at the start.
func (p *htmlText) newline() {
	s := p.b.String()
	if s == "" || strings.HasSuffix(s, "\n\n") {
		return
	}
	p.b.WriteByte('\n')
}

func (p *htmlText) String() string {
	lines := strings.Split(p.b.String(), "\n")
	for i, l := range lines {
		lines[i] = strings.TrimRight(l, " \t\r")
	}
	return knowledge.CleanText(strings.Join(lines, "\n"))
}
