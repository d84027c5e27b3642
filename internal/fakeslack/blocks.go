package fakeslack

import (
	"encoding/json"
	"fmt"
	"regexp"
	"strings"
	"unicode/utf8"
)

// Block Kit limits Slack enforces on messages. A bot that builds blocks from
// user text (long French answers, many experts) hits them in production; the
// fake refuses such blocks with invalid_blocks so that tests hit them first.
const (
	maxBlocks          = 50
	maxBlockID         = 255
	maxSectionText     = 3000
	maxSectionFields   = 10
	maxFieldText       = 2000
	maxHeaderText      = 150
	maxContextElements = 10
	maxActionElements  = 25
	maxActionID        = 255
	maxButtonText      = 75
	maxButtonValue     = 2000
	maxMarkdownText    = 12000
)

var knownBlocks = map[string]bool{
	"actions": true, "context": true, "divider": true, "file": true, "header": true,
	"image": true, "input": true, "markdown": true, "rich_text": true, "section": true,
	"table": true, "video": true, "call": true, "context_actions": true,
}

// ValidateBlocks checks a message's blocks against the limits above and
// returns Slack-style problems ("must be less than 3001 characters
// [json-pointer:/blocks/0/text/text]"); none means the blocks are accepted.
func ValidateBlocks(raw json.RawMessage) []string {
	var blocks []map[string]any
	if err := json.Unmarshal(raw, &blocks); err != nil {
		return []string{"must be a JSON array of objects [json-pointer:/blocks]"}
	}
	v := &blockCheck{}
	if len(blocks) > maxBlocks {
		v.fail("/blocks", "must have at most %d items", maxBlocks)
	}
	ids := map[string]bool{}
	for i, b := range blocks {
		at := fmt.Sprintf("/blocks/%d", i)
		typ, _ := b["type"].(string)
		if !knownBlocks[typ] {
			v.fail(at+"/type", "unknown block type %q", typ)
			continue
		}
		if id, ok := b["block_id"].(string); ok {
			v.maxLen(at+"/block_id", id, maxBlockID)
			if ids[id] {
				v.fail(at+"/block_id", "duplicate block_id %q", id)
			}
			ids[id] = true
		}
		switch typ {
		case "section":
			text, hasText := b["text"]
			fields, _ := b["fields"].([]any)
			if !hasText && len(fields) == 0 {
				v.fail(at, "must provide text or fields")
			}
			if hasText {
				v.text(at+"/text", text, maxSectionText)
			}
			if len(fields) > maxSectionFields {
				v.fail(at+"/fields", "must have at most %d items", maxSectionFields)
			}
			for j, f := range fields {
				v.text(fmt.Sprintf("%s/fields/%d", at, j), f, maxFieldText)
			}
			if acc, ok := b["accessory"].(map[string]any); ok {
				v.element(at+"/accessory", acc, map[string]bool{})
			}
		case "header":
			v.text(at+"/text", b["text"], maxHeaderText)
			v.plain(at+"/text", b["text"])
		case "markdown":
			s, _ := b["text"].(string)
			v.nonEmpty(at+"/text", s)
			v.maxLen(at+"/text", s, maxMarkdownText)
		case "context":
			elems, _ := b["elements"].([]any)
			v.count(at+"/elements", len(elems), maxContextElements)
		case "actions":
			elems, _ := b["elements"].([]any)
			v.count(at+"/elements", len(elems), maxActionElements)
			actionIDs := map[string]bool{}
			for j, e := range elems {
				if el, ok := e.(map[string]any); ok {
					v.element(fmt.Sprintf("%s/elements/%d", at, j), el, actionIDs)
				}
			}
		}
	}
	return v.problems
}

type blockCheck struct{ problems []string }

func (v *blockCheck) fail(at, format string, args ...any) {
	v.problems = append(v.problems, fmt.Sprintf(format, args...)+" [json-pointer:"+at+"]")
}

func (v *blockCheck) maxLen(at, s string, n int) {
	if utf8.RuneCountInString(s) > n {
		v.fail(at, "must be less than %d characters", n+1)
	}
}

func (v *blockCheck) nonEmpty(at, s string) {
	if s == "" {
		v.fail(at, "must be more than 0 characters")
	}
}

func (v *blockCheck) count(at string, n, most int) {
	if n == 0 || n > most {
		v.fail(at, "must have between 1 and %d items", most)
	}
}

// text checks a text object: plain_text or mrkdwn, not empty, at most n
// characters.
func (v *blockCheck) text(at string, t any, n int) {
	obj, ok := t.(map[string]any)
	if !ok {
		v.fail(at, "must be a text object")
		return
	}
	if typ := obj["type"]; typ != "plain_text" && typ != "mrkdwn" {
		v.fail(at+"/type", "must be plain_text or mrkdwn")
	}
	s, _ := obj["text"].(string)
	v.nonEmpty(at+"/text", s)
	v.maxLen(at+"/text", s, n)
}

func (v *blockCheck) plain(at string, t any) {
	if obj, ok := t.(map[string]any); ok && obj["type"] != "plain_text" {
		v.fail(at+"/type", "must be plain_text")
	}
}

// element checks an interactive element; actionIDs collects the action ids of
// its block, which must be unique.
func (v *blockCheck) element(at string, el map[string]any, actionIDs map[string]bool) {
	if id, ok := el["action_id"].(string); ok {
		v.maxLen(at+"/action_id", id, maxActionID)
		if actionIDs[id] {
			v.fail(at+"/action_id", "duplicate action_id %q", id)
		}
		actionIDs[id] = true
	}
	if el["type"] != "button" {
		return
	}
	v.text(at+"/text", el["text"], maxButtonText)
	v.plain(at+"/text", el["text"])
	if s, ok := el["value"].(string); ok {
		v.maxLen(at+"/value", s, maxButtonValue)
	}
	if style, ok := el["style"].(string); ok && style != "primary" && style != "danger" {
		v.fail(at+"/style", "must be primary or danger")
	}
}

// Readable re-encodes JSON (blocks, metadata) without the HTML escaping
// (\u003c for <) that slack-go applies, so tests can look for Slack markup
// in it. What is not JSON comes back as it is.
func Readable(raw []byte) string {
	var v any
	if json.Unmarshal(raw, &v) != nil {
		return string(raw)
	}
	var buf strings.Builder
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if enc.Encode(v) != nil {
		return string(raw)
	}
	return strings.TrimSpace(buf.String())
}

// broadcast matches a mention that notifies a whole channel, with or
// without a label (<!here>, <!channel|@channel>).
var broadcast = regexp.MustCompile(`<!(here|channel|everyone)(\|[^>]*)?>`)

// Broadcasts returns the mentions that would notify a whole channel in a
// message of text and blocks (as JSON, or nil): Slack reads mentions in
// the message's text and in mrkdwn text objects, and shows plain_text as
// it is. It returns an error if blocks is not JSON.
func Broadcasts(text string, blocks json.RawMessage) ([]string, error) {
	texts := []string{text}
	if blocks != nil {
		var tree any
		if err := json.Unmarshal(blocks, &tree); err != nil {
			return nil, fmt.Errorf("blocks are not JSON: %w", err)
		}
		texts = append(texts, mrkdwnTexts(tree)...)
	}
	var found []string
	for _, s := range texts {
		found = append(found, broadcast.FindAllString(s, -1)...)
	}
	return found, nil
}

// mrkdwnTexts returns the texts of the mrkdwn text objects in v, decoded
// JSON.
func mrkdwnTexts(v any) []string {
	var out []string
	switch v := v.(type) {
	case map[string]any:
		if s, ok := v["text"].(string); ok && v["type"] == "mrkdwn" {
			out = append(out, s)
		}
		for _, x := range v {
			out = append(out, mrkdwnTexts(x)...)
		}
	case []any:
		for _, x := range v {
			out = append(out, mrkdwnTexts(x)...)
		}
	}
	return out
}
