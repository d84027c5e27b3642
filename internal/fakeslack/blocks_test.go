package fakeslack_test

import (
	"encoding/json"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/nextdesk/nextdesk/internal/fakeslack"
)

// postForm calls a Web API method with raw form values, to send what slack-go
// would not build.
func postForm(t *testing.T, srv *fakeslack.Server, method string, form url.Values) map[string]any {
	t.Helper()
	form.Set("token", fakeslack.BotToken)
	resp, err := http.PostForm(srv.URL()+method, form)
	if err != nil {
		t.Fatalf("POST %s: %v", method, err)
	}
	defer resp.Body.Close()
	var out map[string]any
	if err := json.NewDecoder(resp.Body).Decode(&out); err != nil {
		t.Fatalf("decode the answer of %s: %v", method, err)
	}
	return out
}

func TestBlockLimits(t *testing.T) {
	section := func(text string) string {
		return `{"type":"section","text":{"type":"mrkdwn","text":` + quote(text) + `}}`
	}
	button := func(id, label string) string {
		return `{"type":"button","action_id":"` + id + `","text":{"type":"plain_text","text":` + quote(label) + `}}`
	}
	tests := []struct {
		name   string
		blocks string
		want   []string // problems; none means accepted
	}{
		{"french answer within limits", `[` + section(strings.Repeat("é", 3000)) + `]`, nil},
		{"section text too long", `[` + section(strings.Repeat("é", 3001)) + `]`,
			[]string{"must be less than 3001 characters [json-pointer:/blocks/0/text/text]"}},
		{"empty section text", `[` + section("") + `]`,
			[]string{"must be more than 0 characters [json-pointer:/blocks/0/text/text]"}},
		{"not an array", `{"type":"divider"}`, []string{"must be a JSON array of objects [json-pointer:/blocks]"}},
		{"unknown type", `[{"type":"sektion"}]`, []string{`unknown block type "sektion" [json-pointer:/blocks/0/type]`}},
		{"too many blocks", `[` + strings.TrimSuffix(strings.Repeat(`{"type":"divider"},`, 51), ",") + `]`,
			[]string{"must have at most 50 items [json-pointer:/blocks]"}},
		{"duplicate block ids", `[{"type":"divider","block_id":"a"},{"type":"divider","block_id":"a"}]`,
			[]string{`duplicate block_id "a" [json-pointer:/blocks/1/block_id]`}},
		{"button label too long", `[{"type":"actions","elements":[` + button("take", strings.Repeat("x", 76)) + `]}]`,
			[]string{"must be less than 76 characters [json-pointer:/blocks/0/elements/0/text/text]"}},
		{"duplicate action ids", `[{"type":"actions","elements":[` + button("take", "Oui") + `,` + button("take", "Non") + `]}]`,
			[]string{`duplicate action_id "take" [json-pointer:/blocks/0/elements/1/action_id]`}},
		{"empty actions", `[{"type":"actions","elements":[]}]`,
			[]string{"must have between 1 and 25 items [json-pointer:/blocks/0/elements]"}},
		{"mrkdwn header", `[{"type":"header","text":{"type":"mrkdwn","text":"Titre"}}]`,
			[]string{"must be plain_text [json-pointer:/blocks/0/text/type]"}},
		{"too many fields", `[{"type":"section","fields":[` + strings.TrimSuffix(strings.Repeat(`{"type":"mrkdwn","text":"f"},`, 11), ",") + `]}]`,
			[]string{"must have at most 10 items [json-pointer:/blocks/0/fields]"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv, _ := mustOpenWorkspace(t)
			got := postForm(t, srv, "chat.postMessage", url.Values{"channel": {"C1"}, "text": {"fallback"}, "blocks": {tt.blocks}})
			var problems []string
			if errs, ok := got["errors"].([]any); ok {
				for _, e := range errs {
					problems = append(problems, e.(string))
				}
			}
			if diff := cmp.Diff(problems, tt.want); diff != "" {
				t.Errorf("problems (-got +want):\n%s", diff)
			}
			if ok := got["ok"] == true; ok != (tt.want == nil) {
				t.Errorf("ok = %v with error %v", got["ok"], got["error"])
			}
		})
	}
}

func quote(s string) string {
	b, _ := json.Marshal(s)
	return string(b)
}

func TestJSONBodyParams(t *testing.T) {
	srv, _ := mustOpenWorkspace(t)
	req, _ := http.NewRequest(http.MethodPost, srv.URL()+"chat.postMessage",
		strings.NewReader(`{"channel":"C1","text":"en JSON","unfurl_links":false,"blocks":[{"type":"divider"}]}`))
	req.Header.Set("Content-Type", "application/json; charset=utf-8")
	req.Header.Set("Authorization", "Bearer "+fakeslack.BotToken)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatalf("POST: %v", err)
	}
	resp.Body.Close()
	want := map[string]string{"channel": "C1", "text": "en JSON", "unfurl_links": "false", "blocks": `[{"type":"divider"}]`}
	if diff := cmp.Diff(srv.CallsTo("chat.postMessage")[0].Params, want); diff != "" {
		t.Errorf("params of a JSON call (-got +want):\n%s", diff)
	}
	if got := srv.Messages("C1"); len(got) != 1 || string(got[0].Blocks) != `[{"type":"divider"}]` {
		t.Errorf("stored = %+v", got)
	}
}
