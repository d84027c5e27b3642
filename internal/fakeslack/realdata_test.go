package fakeslack_test

import (
	"archive/zip"
	"encoding/json"
	"errors"
	"io/fs"
	"path"
	"slices"
	"sort"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/slack-go/slack"

	"github.com/nextdesk/nextdesk/internal/fakeslack"
)

const juliaExport = "../../../shared/data/slack/julia-community-export.zip"

// exportMessage is a message of a Slack export, with the thread fields Slack
// computed when the export was made.
type exportMessage struct {
	TS       string          `json:"ts"`
	User     string          `json:"user"`
	Text     string          `json:"text"`
	ThreadTS string          `json:"thread_ts"`
	Blocks   json.RawMessage `json:"blocks"`
	Replies  []struct {
		TS string `json:"ts"`
	} `json:"replies"`
}

// readExportChannel returns the messages of one channel of a Slack export zip,
// oldest first, skipping the test when the data is not there.
func readExportChannel(t *testing.T, file, channel string) []exportMessage {
	t.Helper()
	zr, err := zip.OpenReader(file)
	if errors.Is(err, fs.ErrNotExist) {
		t.Skipf("%s is missing", file)
	}
	if err != nil {
		t.Fatalf("open %s: %v", file, err)
	}
	defer zr.Close()
	var msgs []exportMessage
	for _, f := range zr.File {
		if path.Dir(f.Name) != channel {
			continue
		}
		r, err := f.Open()
		if err != nil {
			t.Fatalf("open %s in %s: %v", f.Name, file, err)
		}
		var day []exportMessage
		err = json.NewDecoder(r).Decode(&day)
		r.Close()
		if err != nil {
			t.Fatalf("decode %s in %s: %v", f.Name, file, err)
		}
		msgs = append(msgs, day...)
	}
	sort.SliceStable(msgs, func(i, j int) bool { return msgs[i].TS < msgs[j].TS })
	return msgs
}

// TestRealExportThreads loads a real channel into the fake and checks that the
// threads the Web API rebuilds are the ones Slack recorded in the export.
func TestRealExportThreads(t *testing.T) {
	msgs := readExportChannel(t, juliaExport, "franklin")
	if len(msgs) < 500 {
		t.Fatalf("read %d messages of #franklin, the export has over a thousand", len(msgs))
	}
	srv := fakeslack.New(t)
	srv.AddChannel(fakeslack.Channel{ID: "CFRANKLIN", Name: "franklin", Members: []string{fakeslack.BotUserID}})
	loaded := map[string]bool{}
	var topLevel []string
	for _, m := range msgs {
		thread := m.ThreadTS
		if thread == m.TS {
			thread = ""
		}
		srv.AddMessage("CFRANKLIN", fakeslack.Message{TS: m.TS, User: m.User, Text: m.Text, ThreadTS: thread, Blocks: m.Blocks})
		loaded[m.TS] = true
		if thread == "" {
			topLevel = append(topLevel, m.TS)
		}
	}
	api := client(srv, fakeslack.BotToken)

	var history []string
	params := &slack.GetConversationHistoryParameters{ChannelID: "CFRANKLIN", Limit: 200}
	for {
		resp, err := api.GetConversationHistory(params)
		if err != nil {
			t.Fatalf("GetConversationHistory: %v", err)
		}
		for _, m := range resp.Messages {
			history = append(history, m.Timestamp)
		}
		if !resp.HasMore {
			break
		}
		params.Cursor = resp.ResponseMetaData.NextCursor
	}
	slices.Reverse(topLevel)
	if diff := cmp.Diff(history, topLevel); diff != "" {
		t.Errorf("history, newest first (-got +want):\n%s", diff)
	}

	checked := 0
	for _, m := range msgs {
		want := make([]string, 0, len(m.Replies))
		complete := len(m.Replies) > 0
		for _, r := range m.Replies {
			want = append(want, r.TS)
			complete = complete && loaded[r.TS]
		}
		if !complete {
			continue // some replies fall outside the export's dates
		}
		replies, _, _, err := api.GetConversationReplies(&slack.GetConversationRepliesParameters{ChannelID: "CFRANKLIN", Timestamp: m.TS})
		if err != nil {
			t.Fatalf("GetConversationReplies(%s): %v", m.TS, err)
		}
		var got []string
		for _, r := range replies[1:] {
			got = append(got, r.Timestamp)
		}
		if diff := cmp.Diff(got, want); diff != "" || replies[0].ReplyCount != len(want) {
			t.Errorf("thread %s: reply_count %d, replies (-got +want):\n%s", m.TS, replies[0].ReplyCount, diff)
		}
		checked++
	}
	if checked < 50 {
		t.Errorf("checked %d complete threads, the channel has more than 50", checked)
	}
}
