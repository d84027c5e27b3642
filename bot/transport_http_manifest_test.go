package bot_test

import (
	"os"
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/nextdesk/nextdesk/bot"
)

// manifestLists returns the YAML list items ("- x") of a manifest, in
// order, and its text. The manifests are flat enough that this is their
// scopes, events and command names.
func manifestLists(tb testing.TB, path string) ([]string, string) {
	tb.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		tb.Fatalf("read manifest: %v", err)
	}
	var items []string
	for line := range strings.Lines(string(b)) {
		if item, ok := strings.CutPrefix(strings.TrimSpace(line), "- "); ok {
			items = append(items, item)
		}
	}
	return items, string(b)
}

// TestManifestsAgree keeps the two manifests in step with each other and
// with the paths the HTTP transport serves.
func TestManifestsAgree(t *testing.T) {
	socket, socketText := manifestLists(t, "../slack/manifest.yaml")
	http, httpText := manifestLists(t, "../slack/manifest-http.yaml")
	if diff := cmp.Diff(http, socket); diff != "" {
		t.Errorf("scopes, events or commands differ between manifest-http.yaml and manifest.yaml (-http +socket):\n%s", diff)
	}
	for _, want := range []string{"command: /ask", "command: /nextdesk", "app_mentions:read", "commands", "chat:write", "reaction_added", "message.im",
		// Who is in a channel decides who sees what was said there.
		"channels:read", "groups:read", "member_joined_channel", "member_left_channel", "group_left",
		"channel_deleted", "group_deleted", "channel_shared", "channel_unshared"} {
		if !slices.Contains(socket, want) {
			t.Errorf("manifest.yaml lacks %q", want)
		}
	}
	// Every scope and event is justified in the setup guide.
	guide, err := os.ReadFile("../docs/slack-setup.md")
	if err != nil {
		t.Fatal(err)
	}
	for _, item := range socket {
		if strings.Contains(item, ":") && strings.Contains(item, " ") {
			continue // a command or a setting, not a scope or an event
		}
		if !strings.Contains(string(guide), "`"+item+"`") {
			t.Errorf("docs/slack-setup.md does not say why nextdesk asks for %s", item)
		}
	}
	for _, want := range []string{"socket_mode_enabled: true", "always_online: true", "is_enabled: true"} {
		if !strings.Contains(socketText, want) {
			t.Errorf("manifest.yaml lacks %q", want)
		}
	}
	for _, want := range []string{"socket_mode_enabled: false",
		"request_url: https://YOUR-HOST" + bot.EventsPath,
		"request_url: https://YOUR-HOST" + bot.InteractivityPath,
		"url: https://YOUR-HOST" + bot.CommandsPath} {
		if !strings.Contains(httpText, want) {
			t.Errorf("manifest-http.yaml lacks %q", want)
		}
	}
}
