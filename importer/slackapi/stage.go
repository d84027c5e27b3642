package slackapi

import (
	"archive/zip"
	"bufio"
	"cmp"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"log/slog"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"time"
)

// stage is what a backfill has fetched so far, kept on disk so that an
// interrupted run resumes: state.json records how far each conversation
// got, and <id>.jsonl holds its messages, one JSON object a line.
type stage struct {
	dir               string
	Key               stageKey              `json:"key"`
	UsersDone         bool                  `json:"users_done"`
	ConversationsDone bool                  `json:"conversations_done"`
	Conversations     []*stagedConversation `json:"conversations"`
}

// stageKey identifies a backfill: a stage left by another workspace, bot
// or choice of channels and date is not resumed but started afresh.
type stageKey struct {
	Team     string `json:"team"`
	Bot      string `json:"bot"`
	Since    string `json:"since"` // unix seconds, "" for all history
	Channels string `json:"channels"`
}

// stagedConversation is one conversation to fetch and how far it got.
type stagedConversation struct {
	ID      string   `json:"id"`
	Name    string   `json:"name"`
	Private bool     `json:"private"`
	Members []string `json:"members,omitempty"`
	// Before is the ts of the oldest message fetched: the next page asks
	// for what is older. Empty until the first page.
	Before   string `json:"before,omitempty"`
	Done     bool   `json:"done"`
	Skipped  string `json:"skipped,omitempty"` // why it could not be read
	Messages int    `json:"messages"`
	Threads  int    `json:"threads"`
}

const stateFile = "state.json"

// openStage resumes the stage in dir if it was left by a backfill with the
// same key, and starts a new one otherwise.
func openStage(dir string, key stageKey, log *slog.Logger) (*stage, error) {
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return nil, fmt.Errorf("slackapi: stage directory: %w", err)
	}
	if err := os.Chmod(dir, 0o700); err != nil {
		return nil, fmt.Errorf("slackapi: stage directory: %w", err)
	}
	st := &stage{dir: dir}
	data, err := os.ReadFile(filepath.Join(dir, stateFile))
	switch {
	case errors.Is(err, fs.ErrNotExist):
	case err != nil:
		return nil, fmt.Errorf("slackapi: stage: %w", err)
	case json.Unmarshal(data, st) != nil || st.Key != key:
		log.Info("slack api: the stage left by another backfill is discarded", "dir", dir)
		if err := clearDir(dir); err != nil {
			return nil, err
		}
		st = &stage{dir: dir}
	default:
		done := 0
		for _, c := range st.Conversations {
			if c.Done {
				done++
			}
		}
		log.Info("slack api: resuming an interrupted backfill", "conversations_done", done, "conversations", len(st.Conversations))
		return st, nil
	}
	st.Key = key
	return st, st.save()
}

func clearDir(dir string) error {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return err
	}
	for _, e := range entries {
		if err := os.RemoveAll(filepath.Join(dir, e.Name())); err != nil {
			return err
		}
	}
	return nil
}

// save records the state, atomically: a crash leaves the old record or
// the new one, never half of one.
func (st *stage) save() error {
	data, err := json.MarshalIndent(st, "", "  ")
	if err != nil {
		return err
	}
	return st.writeFile(stateFile, data)
}

func (st *stage) writeJSON(name string, v any) error {
	data, err := json.Marshal(v)
	if err != nil {
		return err
	}
	return st.writeFile(name, data)
}

func (st *stage) writeFile(name string, data []byte) error {
	tmp, err := os.CreateTemp(st.dir, "."+name+".tmp-*")
	if err != nil {
		return fmt.Errorf("slackapi: stage: %w", err)
	}
	_, err = tmp.Write(data)
	if err == nil {
		err = tmp.Sync()
	}
	if cerr := tmp.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Rename(tmp.Name(), filepath.Join(st.dir, name))
	}
	if err != nil {
		os.Remove(tmp.Name())
		return fmt.Errorf("slackapi: stage: %w", err)
	}
	return nil
}

// appendTo opens c's message file for appending.
func (st *stage) appendTo(c *stagedConversation) (*stageWriter, error) {
	f, err := os.OpenFile(filepath.Join(st.dir, c.ID+".jsonl"), os.O_WRONLY|os.O_CREATE|os.O_APPEND, 0o600)
	if err != nil {
		return nil, fmt.Errorf("slackapi: stage: %w", err)
	}
	return &stageWriter{f: f, enc: json.NewEncoder(f), messages: c.Messages, threads: c.Threads}, nil
}

// listEntry is a conversation as an export's channels.json and groups.json
// list it.
type listEntry struct {
	ID      string   `json:"id"`
	Name    string   `json:"name"`
	Members []string `json:"members,omitempty"`
}

// writeExport assembles the stage into a Slack export at path: users.json,
// channels.json, groups.json (private channels, with members) and one day
// file per conversation and UTC day. A message fetched twice (a page
// fetched again after a crash, a reply also sent to the channel) is
// written once. Each conversation's messages are held in memory while its
// day files are written.
func (st *stage) writeExport(path string) (err error) {
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_TRUNC, 0o600)
	if err != nil {
		return err
	}
	defer func() {
		if cerr := f.Close(); err == nil {
			err = cerr
		}
	}()
	zw := zip.NewWriter(f)
	users, err := os.ReadFile(filepath.Join(st.dir, "users.json"))
	if err != nil {
		return err
	}
	if err := writeEntry(zw, "users.json", users); err != nil {
		return err
	}
	public, private := []listEntry{}, []listEntry{}
	for _, c := range st.Conversations {
		e := listEntry{ID: c.ID, Name: c.Name}
		if c.Private {
			e.Members = c.Members
			private = append(private, e)
		} else {
			public = append(public, e)
		}
	}
	for name, list := range map[string][]listEntry{"channels.json": public, "groups.json": private} {
		data, err := json.Marshal(list)
		if err != nil {
			return err
		}
		if err := writeEntry(zw, name, data); err != nil {
			return err
		}
	}
	for _, c := range st.Conversations {
		if err := writeDays(zw, filepath.Join(st.dir, c.ID+".jsonl"), c); err != nil {
			return err
		}
	}
	return zw.Close()
}

// writeDays writes c's staged messages as day files of the folder an
// export gives it: its name.
func writeDays(zw *zip.Writer, path string, c *stagedConversation) error {
	f, err := os.Open(path)
	if errors.Is(err, fs.ErrNotExist) {
		return nil // nothing fetched: an empty channel
	}
	if err != nil {
		return err
	}
	defer f.Close()
	type staged struct {
		micros int64
		raw    json.RawMessage
	}
	days := make(map[string][]staged)
	seen := make(map[string]bool)
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 0, 64<<10), 64<<20)
	for sc.Scan() {
		var m struct {
			TS string `json:"ts"`
		}
		line := slices.Clone(sc.Bytes())
		if json.Unmarshal(line, &m) != nil || seen[m.TS] {
			continue // a line cut by a crash, or a message fetched twice
		}
		micros, ok := parseTS(m.TS)
		if !ok {
			continue
		}
		seen[m.TS] = true
		day := time.UnixMicro(micros).UTC().Format(time.DateOnly)
		days[day] = append(days[day], staged{micros, line})
	}
	if err := sc.Err(); err != nil {
		return fmt.Errorf("read %s: %w", path, err)
	}
	folder := cmp.Or(c.Name, c.ID)
	for _, day := range slices.Sorted(maps.Keys(days)) {
		msgs := days[day]
		slices.SortFunc(msgs, func(a, b staged) int { return cmp.Compare(a.micros, b.micros) })
		raws := make([]json.RawMessage, len(msgs))
		for i, m := range msgs {
			raws[i] = m.raw
		}
		data, err := json.Marshal(raws)
		if err != nil {
			return err
		}
		if err := writeEntry(zw, strings.Join([]string{folder, day + ".json"}, "/"), data); err != nil {
			return err
		}
	}
	return nil
}

func writeEntry(zw *zip.Writer, name string, data []byte) error {
	w, err := zw.Create(name)
	if err != nil {
		return err
	}
	_, err = w.Write(data)
	return err
}

// parseTS reads a Slack ts ("1609908678.405900") as microseconds.
func parseTS(ts string) (int64, bool) {
	sec, frac, _ := strings.Cut(ts, ".")
	if len(frac) > 6 {
		return 0, false
	}
	s, err := strconv.ParseInt(sec, 10, 64)
	if err != nil || s < 0 || s > 1<<40 {
		return 0, false
	}
	var us int64
	if frac != "" {
		if us, err = strconv.ParseInt(frac+strings.Repeat("0", 6-len(frac)), 10, 64); err != nil || us < 0 {
			return 0, false
		}
	}
	return s*1_000_000 + us, true
}
