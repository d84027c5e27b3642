// Package mrkdwn turns Slack's message markup ("mrkdwn") into plain text, the
// form in which a message is indexed, compared and shown outside Slack.
//
// The conversion is deliberately lossy and predictable: references become the
// names a reader would see (@alice, #general), links become their labels,
// formatting markers disappear, and everything else — emoji codes, block
// quotes, punctuation — is kept as written.
package mrkdwn

import (
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/nextdesk/nextdesk/knowledge"
)

// Resolver names the users and channels that Slack markup refers to by id.
type Resolver interface {
	// UserName returns the name to show for user id, or "" when unknown.
	UserName(id string) string
	// ChannelName returns the name of channel id, or "" when unknown.
	ChannelName(id string) string
}

// Names is a Resolver backed by maps from id to name, for callers that hold
// the workspace's names in memory. A nil map resolves nothing.
type Names struct {
	Users    map[string]string
	Channels map[string]string
}

// UserName returns the name of user id, or "" when the map lacks it.
func (n Names) UserName(id string) string { return n.Users[id] }

// ChannelName returns the name of channel id, or "" when the map lacks it.
func (n Names) ChannelName(id string) string { return n.Channels[id] }

// entities are the only three characters Slack escapes in message text.
var entities = strings.NewReplacer("&amp;", "&", "&lt;", "<", "&gt;", ">")

// ToPlain converts Slack markup to plain text:
//
//   - <@U123> and <@U123|name> become @name, using names (which may be nil)
//     first because it knows the current name, then the label, then the id;
//   - <#C123|general> becomes #general, likewise;
//   - <!here>, <!channel>, <!everyone> become @here, @channel, @everyone, and
//     <!subteam^S1|@team> becomes @team;
//   - <https://x|label> becomes label, <https://x> becomes https://x, and
//     <mailto:a@b> becomes a@b;
//   - ``` fences and ` inline code markers are removed and their content kept
//     verbatim (formatting markers inside code are not touched);
//   - paired *bold*, _italic_ and ~strike~ markers are removed; a marker
//     inside a word (snake_case, 2*3) or a doubled one (**) is not
//     formatting and is kept;
//   - &amp; &lt; &gt; are decoded; emoji codes such as :+1: are kept.
//
// Invalid UTF-8 is repaired and control characters dropped, as by
// knowledge.CleanText; surrounding space is trimmed. Text that is not valid
// markup (an unclosed <, a lone backtick) is kept literally. ToPlain runs in
// time linear in the length of text and never panics.
func ToPlain(text string, names Resolver) string {
	c := converter{s: knowledge.CleanText(text), names: names, nextGT: -2, nextLT: -2, nextNL: -2}
	c.run()
	return knowledge.CleanText(c.result())
}

// converter holds the state of one ToPlain call. The next* fields cache the
// position of the next '>', '<' and '\n' so that scanning for a token's end
// stays linear however many unbalanced brackets the text holds; -2 means not
// yet searched, -1 means none left.
type converter struct {
	s     string
	names Resolver
	out   strings.Builder
	// open holds, per formatting marker, the output offset and input offset
	// of a marker that may still be closed on this line, or -1.
	open   [3]struct{ out, in int }
	remove []int // output offsets of opening markers that found their closer

	nextGT, nextLT, nextNL int
}

const markers = "*_~"

func (c *converter) run() {
	c.resetMarkers()
	s := c.s
	c.out.Grow(len(s))
	for i := 0; i < len(s); {
		switch b := s[i]; {
		case strings.HasPrefix(s[i:], "```"):
			i = c.fence(i)
		case b == '`':
			i = c.inlineCode(i)
		case b == '<':
			i = c.angle(i)
		case b == '&':
			i = c.entity(i)
		case b == '\n':
			c.resetMarkers()
			c.out.WriteByte(b)
			i++
		case strings.IndexByte(markers, b) >= 0:
			c.marker(i)
			i++
		default:
			c.out.WriteByte(b)
			i++
		}
	}
}

// fence copies a ``` block's content verbatim (bar tokens and entities) and
// returns the position after its closing fence. An unclosed fence runs to the
// end of the text, as Slack renders it.
func (c *converter) fence(i int) int {
	c.resetMarkers()
	start := i + 3
	end := len(c.s)
	next := end
	if j := strings.Index(c.s[start:], "```"); j >= 0 {
		end = start + j
		next = end + 3
	}
	c.verbatim(start, end)
	c.resetMarkers()
	return next
}

// inlineCode copies `code` verbatim when the backtick is closed on the same
// line, and otherwise keeps the lone backtick as a character.
func (c *converter) inlineCode(i int) int {
	j := strings.IndexAny(c.s[i+1:], "`\n")
	if j <= 0 || c.s[i+1+j] != '`' {
		c.out.WriteByte('`')
		return i + 1
	}
	c.verbatim(i+1, i+1+j)
	return i + 1 + j + 1
}

// verbatim copies s[start:end] resolving tokens and entities only: Slack
// links references even inside code, and escapes &, < and > everywhere.
func (c *converter) verbatim(start, end int) {
	for i := start; i < end; {
		switch c.s[i] {
		case '<':
			if j, ok := c.token(i, end); ok {
				i = j
				continue
			}
		case '&':
			i = c.entity(i)
			continue
		}
		c.out.WriteByte(c.s[i])
		i++
	}
}

// angle renders the <…> token at i, or keeps '<' literally when no token
// starts there.
func (c *converter) angle(i int) int {
	if j, ok := c.token(i, len(c.s)); ok {
		return j
	}
	c.out.WriteByte('<')
	return i + 1
}

// token renders the token starting at s[i] == '<' and ending before limit,
// returning the position after it. ok is false when s[i:] holds no token: no
// closing '>' on the same line, an empty body, one that starts with a space
// or '|', or a nested '<'.
func (c *converter) token(i, limit int) (next int, ok bool) {
	gt := c.next(&c.nextGT, '>', i+1)
	if gt < 0 || gt >= limit || gt == i+1 {
		return 0, false
	}
	if nl := c.next(&c.nextNL, '\n', i+1); nl >= 0 && nl < gt {
		return 0, false
	}
	if lt := c.next(&c.nextLT, '<', i+1); lt >= 0 && lt < gt {
		return 0, false
	}
	body := c.s[i+1 : gt]
	if body[0] == ' ' || body[0] == '|' {
		return 0, false
	}
	c.out.WriteString(c.render(body))
	return gt + 1, true
}

// next returns the index of the first b at or after from, caching it in
// *cache so that successive calls with increasing from scan s once.
func (c *converter) next(cache *int, b byte, from int) int {
	if *cache == -1 || (*cache >= from) {
		return *cache
	}
	j := strings.IndexByte(c.s[from:], b)
	if j < 0 {
		*cache = -1
	} else {
		*cache = from + j
	}
	return *cache
}

// render returns the plain text of a token body (what is between < and >).
func (c *converter) render(body string) string {
	target, label, _ := strings.Cut(body, "|")
	label = entities.Replace(label)
	switch target[0] {
	case '@':
		id := target[1:]
		return "@" + c.name(id, strings.TrimPrefix(label, "@"), c.userName)
	case '#':
		id := target[1:]
		return "#" + c.name(id, strings.TrimPrefix(label, "#"), c.channelName)
	case '!':
		return special(target[1:], label)
	}
	if label != "" {
		return label
	}
	target = entities.Replace(target)
	if rest, ok := strings.CutPrefix(target, "mailto:"); ok {
		return rest
	}
	return target
}

func (c *converter) userName(id string) string {
	if c.names == nil {
		return ""
	}
	return c.names.UserName(id)
}

func (c *converter) channelName(id string) string {
	if c.names == nil {
		return ""
	}
	return c.names.ChannelName(id)
}

// name prefers the resolver's current name, then the label written in the
// message, then the bare id, so a reference always renders as something.
func (c *converter) name(id, label string, resolve func(string) string) string {
	if n := resolve(id); n != "" {
		return n
	}
	if label != "" {
		return label
	}
	return id
}

// special renders <!command|label> tokens: broadcasts, user groups and dates.
func special(command, label string) string {
	if strings.HasPrefix(command, "subteam^") {
		if label == "" {
			return "@" + strings.TrimPrefix(command, "subteam^")
		}
		if !strings.HasPrefix(label, "@") {
			return "@" + label
		}
		return label
	}
	if label != "" {
		// <!date^…|fallback> and any future command carry a readable fallback.
		return label
	}
	switch command {
	case "here", "channel", "everyone", "group":
		return "@" + command
	}
	return ""
}

// entity decodes the Slack entity at s[i] == '&', or keeps '&' literally.
func (c *converter) entity(i int) int {
	for _, e := range [...]struct{ from, to string }{{"&amp;", "&"}, {"&lt;", "<"}, {"&gt;", ">"}} {
		if strings.HasPrefix(c.s[i:], e.from) {
			c.out.WriteString(e.to)
			return i + len(e.from)
		}
	}
	c.out.WriteByte('&')
	return i + 1
}

// marker handles a formatting character at i. It writes it, and when it
// closes an earlier opener on the same line, it drops both: the opener by
// recording its output offset for removal, the closer by not writing it.
func (c *converter) marker(i int) {
	b := c.s[i]
	k := strings.IndexByte(markers, b)
	doubled := (i > 0 && c.s[i-1] == b) || (i+1 < len(c.s) && c.s[i+1] == b)
	if doubled {
		c.open[k].out = -1
		c.out.WriteByte(b)
		return
	}
	prev, hasPrev := runeBefore(c.s, i)
	next, hasNext := runeAfter(c.s, i+1)
	op := c.open[k]
	canClose := op.out >= 0 && op.in < i-1 && hasPrev && !unicode.IsSpace(prev) && (!hasNext || !isWord(next))
	if canClose {
		c.remove = append(c.remove, op.out)
		c.open[k].out = -1
		return
	}
	if (!hasPrev || !isWord(prev)) && hasNext && !unicode.IsSpace(next) {
		c.open[k].out, c.open[k].in = c.out.Len(), i
	}
	c.out.WriteByte(b)
}

func (c *converter) resetMarkers() {
	for k := range c.open {
		c.open[k].out = -1
	}
}

// result returns the output without the opening markers that were closed.
func (c *converter) result() string {
	s := c.out.String()
	if len(c.remove) == 0 {
		return s
	}
	slices.Sort(c.remove)
	var b strings.Builder
	b.Grow(len(s))
	last := 0
	for _, at := range c.remove {
		b.WriteString(s[last:at])
		last = at + 1
	}
	b.WriteString(s[last:])
	return b.String()
}

func runeBefore(s string, i int) (rune, bool) {
	if i <= 0 {
		return 0, false
	}
	r, _ := utf8.DecodeLastRuneInString(s[:i])
	return r, true
}

func runeAfter(s string, i int) (rune, bool) {
	if i >= len(s) {
		return 0, false
	}
	r, _ := utf8.DecodeRuneInString(s[i:])
	return r, true
}

func isWord(r rune) bool { return unicode.IsLetter(r) || unicode.IsDigit(r) }
