// Package slackexport imports a Slack workspace export: the zip file an
// admin downloads from Slack, with users.json, the conversation lists
// (channels.json, groups.json, mpims.json, dms.json, each when present) and
// one folder of day files (<YYYY-MM-DD>.json) per conversation.
//
// A thread started by a person, with at least one reply by another person,
// becomes a Question ("slack:<channel id>:<root ts>"); those replies become
// its Answers ("slack:<channel id>:<reply ts>"). The asker's own replies are
// not answers, but they say which answer helped: a check-mark reaction by
// the asker, or the asker's thanks right after a reply, marks it accepted
// (see thanks.go). Ids are stable, so importing an export again, or a later
// export of the same workspace, updates rather than duplicates.
//
// Conversations are read one at a time, in two passes over their day files:
// the first keeps only the shape of each thread (who replied when, who
// thanked, who reacted) and decides the questions and accepted answers; the
// second reads the texts and writes each question as soon as its last
// answer is read. Memory thus holds one day file, one conversation's thread
// shapes and the texts of the questions still open, never a whole export.
//
// Messages are skipped and counted in Report.Skipped under these reasons:
//
//   - "bad_record": not a message object, or without a valid ts;
//   - "subtype": joins, topic changes, bot messages and every other subtype
//     but thread_broadcast (a reply also sent to the channel) and file_share
//     (a person sharing a file with a comment);
//   - "bot": a message by a bot or an app (bot_id set, a user marked is_bot
//     or is_app_user, USLACKBOT, or an id starting with B);
//   - "no_user": a person's message without a user id;
//   - "empty": a thread root or reply with no text, shared message or file;
//   - "reply_to_skipped_root": a person's reply in a thread whose root was
//     skipped (a bot's post, a join, a deleted message);
//   - "malformed_file", "oversized_file", "suspicious_file": a whole day or
//     list file that could not be read, expands past its limit, or expands
//     more times its compressed size than any real export (a zip bomb);
//     Report.Problems names it, with the line and byte offset when its
//     JSON is broken;
//   - "bad_list_entry", "bad_user": an entry of a conversation list or of
//     users.json that is not an object with an id.
//
// Replies whose thread root is not in the export are counted in
// Report.Orphans.
package slackexport

import (
	"archive/zip"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"maps"
	"path"
	"slices"
	"strings"

	"github.com/nextdesk/nextdesk/importer"
	"github.com/nextdesk/nextdesk/knowledge"
)

// Options tunes an import.
type Options struct {
	// Channels restricts the import to these conversations, named by name
	// (with or without '#') or id. Empty means all. People are imported
	// whatever the filter, since messages may mention anyone.
	Channels []string
	// BatchSize is the number of records per batch; 0 means
	// importer.DefaultBatchSize.
	BatchSize int
	// Logger receives progress and problems (file names, offsets and
	// counts, never message text); nil discards them.
	Logger *slog.Logger
}

// Import reads the Slack export zip at path and writes it to sink in
// batches.
//
// A file that is not a readable zip archive, or an Options.Channels entry
// that names no conversation of the export, is an error of code
// knowledge.EINVALID, returned before anything is written. A malformed file
// inside the archive is not: a real export has thousands of files, and one
// bad day should not cost the rest, so the file is skipped, counted and
// described in Report.Problems. Import also returns the sink's error if
// writing fails, and ctx's; batches written before stay written, and
// running the import again resumes.
func Import(ctx context.Context, path string, sink importer.Sink, opts Options) (importer.Report, error) {
	var rep importer.Report
	log := opts.Logger
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	zr, err := zip.OpenReader(path)
	if err != nil {
		return rep, knowledge.Errorf(knowledge.EINVALID, "%s is not a readable zip archive: %v.", path, err)
	}
	defer zr.Close()

	ex := &export{
		log:    log,
		rep:    &rep,
		w:      importer.NewWriter(sink, opts.BatchSize, &rep, log),
		people: make(map[string]*personInfo),
		byID:   make(map[string]*conversation),
		byName: make(map[string]string),
	}
	ex.index(zr.File)
	if err := ex.readLists(ctx); err != nil {
		return rep, err
	}
	selected, err := ex.selectConversations(opts.Channels)
	if err != nil {
		return rep, err
	}
	log.Info("slack export: import starting", "file", path, "conversations", len(selected), "of", len(ex.conversations))
	if err := ex.readUsers(ctx); err != nil {
		return rep, err
	}
	for _, c := range selected {
		if err := ex.addConversation(ctx, c); err != nil {
			return rep, err
		}
	}
	for _, c := range selected {
		if err := ex.importConversation(ctx, c); err != nil {
			return rep, err
		}
	}
	if err := ex.w.Flush(ctx); err != nil {
		return rep, err
	}
	log.Info("slack export: import done", "file", path, "report", rep)
	return rep, nil
}

// export is the state of one import.
type export struct {
	log *slog.Logger
	rep *importer.Report
	w   *importer.Writer

	lists map[string]*zip.File   // top-level files by base name
	days  map[string][]*zip.File // day files by folder, in date order

	conversations []*conversation // in list order, then unlisted folders
	byID          map[string]*conversation
	people        map[string]*personInfo
	byName        map[string]string // lower-case user names → id, for mentions by name
}

// conversation is a conversation of the export and where its days are.
type conversation struct {
	knowledge.Conversation
	folder string // "" when the export has no messages for it
}

type personInfo struct {
	name string
	bot  bool
}

// index sorts the archive's files into top-level lists and day files. An
// export zipped from its parent folder has every path under one extra
// directory: the lists' location tells where the export's root is.
func (ex *export) index(files []*zip.File) {
	ex.lists = make(map[string]*zip.File)
	ex.days = make(map[string][]*zip.File)
	var kept []*zip.File
	for _, f := range files {
		name := f.Name
		if strings.HasSuffix(name, "/") || strings.HasPrefix(name, "__MACOSX/") || strings.HasPrefix(path.Base(name), "._") {
			continue
		}
		kept = append(kept, f)
	}
	root := exportRoot(kept)
	for _, f := range kept {
		rel, ok := strings.CutPrefix(f.Name, root)
		if !ok || !strings.HasSuffix(rel, ".json") {
			continue
		}
		switch dir, base, nested := strings.Cut(rel, "/"); {
		case !nested:
			ex.lists[rel] = f
		case dir != "" && isDayFile(base):
			ex.days[dir] = append(ex.days[dir], f)
		}
	}
	for _, days := range ex.days {
		slices.SortFunc(days, func(a, b *zip.File) int { return strings.Compare(a.Name, b.Name) })
	}
}

// isDayFile reports whether name is a day file's, YYYY-MM-DD.json: other
// files a folder may hold (canvases, attachments) are not messages.
func isDayFile(name string) bool {
	date, ok := strings.CutSuffix(name, ".json")
	if !ok || len(date) != len("2006-01-02") {
		return false
	}
	for i := 0; i < len(date); i++ {
		if c := date[i]; (i == 4 || i == 7) != (c == '-') || (c != '-' && (c < '0' || c > '9')) {
			return false
		}
	}
	return true
}

// exportRoot returns the directory prefix ("" or "dir/") under which the
// export's lists and folders are.
func exportRoot(files []*zip.File) string {
	root, depth := "", -1
	for _, f := range files {
		switch path.Base(f.Name) {
		case "users.json", "channels.json", "groups.json", "mpims.json", "dms.json":
			d := strings.Count(f.Name, "/")
			if depth < 0 || d < depth {
				depth = d
				root = strings.TrimSuffix(f.Name, path.Base(f.Name))
			}
		}
	}
	if depth >= 0 {
		return root
	}
	// No list at all: the root is the one directory every file is under,
	// when day files sit two levels below it.
	first := ""
	for _, f := range files {
		dir, _, ok := strings.Cut(f.Name, "/")
		if !ok || (first != "" && dir != first) || strings.Count(f.Name, "/") != 2 {
			return ""
		}
		first = dir
	}
	if first == "" {
		return ""
	}
	return first + "/"
}

// listKinds gives the kind of conversation each list file holds.
var listKinds = []struct {
	file string
	kind knowledge.ConversationKind
}{
	{"channels.json", knowledge.KindPublic},
	{"groups.json", knowledge.KindPrivate},
	{"mpims.json", knowledge.KindGroupDM},
	{"dms.json", knowledge.KindDM},
}

type listEntry struct {
	ID      string   `json:"id"`
	Name    string   `json:"name"`
	Members []string `json:"members"`
}

// readLists reads the conversation lists, then gives a conversation to
// every folder that no list claims.
func (ex *export) readLists(ctx context.Context) error {
	claimed := make(map[string]bool)
	for _, l := range listKinds {
		f := ex.lists[l.file]
		if f == nil {
			continue
		}
		err := ex.readArray(ctx, f, "bad_list_entry", func(raw json.RawMessage) bool {
			var e listEntry
			if json.Unmarshal(raw, &e) != nil || e.ID == "" || ex.byID[e.ID] != nil {
				return false
			}
			c := &conversation{Conversation: knowledge.Conversation{ID: e.ID, Name: e.Name, Kind: l.kind}}
			if l.kind != knowledge.KindPublic {
				c.Members = slices.DeleteFunc(e.Members, func(m string) bool { return m == "" })
			}
			// Public and private channels and group DMs have their folder
			// named after the conversation, DMs after their id; match
			// both, so exports of every vintage line up.
			for _, folder := range []string{e.Name, e.ID} {
				if folder != "" && ex.days[folder] != nil && !claimed[folder] {
					c.folder = folder
					claimed[folder] = true
					break
				}
			}
			ex.conversations = append(ex.conversations, c)
			ex.byID[c.ID] = c
			return true
		})
		if err != nil {
			return err
		}
	}
	// A folder no list names is public only in an export that has no
	// channels.json at all: early exports listed nothing, and everything
	// in them was public. Otherwise the lists are authoritative, and an
	// unlisted folder may be a private conversation whose list is missing:
	// it is kept as private with no members, visible to nobody, rather
	// than risk showing private messages to the whole workspace.
	unlistedKind := knowledge.KindPrivate
	if ex.lists["channels.json"] == nil {
		unlistedKind = knowledge.KindPublic
	}
	for _, folder := range slices.Sorted(maps.Keys(ex.days)) {
		if claimed[folder] || ex.byID[folder] != nil {
			continue
		}
		c := &conversation{Conversation: knowledge.Conversation{ID: folder, Name: folder, Kind: unlistedKind}, folder: folder}
		if unlistedKind != knowledge.KindPublic {
			ex.log.Warn("slack export: folder in no conversation list, imported as private with no members", "folder", folder)
		}
		ex.conversations = append(ex.conversations, c)
		ex.byID[c.ID] = c
	}
	return nil
}

// selectConversations returns the conversations that filter names (all
// when it is empty), in export order. It returns an error of code
// knowledge.EINVALID naming the first entry that matches nothing.
func (ex *export) selectConversations(filter []string) ([]*conversation, error) {
	if len(filter) == 0 {
		return ex.conversations, nil
	}
	want := make(map[*conversation]bool)
	for _, name := range filter {
		name = strings.TrimPrefix(strings.TrimSpace(name), "#")
		if name == "" {
			continue
		}
		found := false
		for _, c := range ex.conversations {
			if c.ID == name || c.Name == name || c.folder == name {
				want[c] = true
				found = true
			}
		}
		if !found {
			return nil, knowledge.Errorf(knowledge.EINVALID, "The export has no conversation named %q (it has: %s).", name, ex.conversationNames())
		}
	}
	var selected []*conversation
	for _, c := range ex.conversations {
		if want[c] {
			selected = append(selected, c)
		}
	}
	return selected, nil
}

// conversationNames lists up to twenty names, for an error message.
func (ex *export) conversationNames() string {
	var names []string
	for _, c := range ex.conversations {
		if c.Kind == knowledge.KindDM || c.Kind == knowledge.KindGroupDM {
			continue
		}
		if len(names) == 20 {
			names = append(names, "…")
			break
		}
		names = append(names, c.Name)
	}
	if len(names) == 0 {
		return "no channel"
	}
	return strings.Join(names, ", ")
}

type userRecord struct {
	ID        string `json:"id"`
	Name      string `json:"name"`
	RealName  string `json:"real_name"`
	Deleted   bool   `json:"deleted"`
	IsBot     bool   `json:"is_bot"`
	IsAppUser bool   `json:"is_app_user"`
	TZ        string `json:"tz"`
	TZOffset  int    `json:"tz_offset"`
	Locale    string `json:"locale"`
	Profile   struct {
		DisplayName string `json:"display_name"`
		RealName    string `json:"real_name"`
		Email       string `json:"email"`
	} `json:"profile"`
}

// readUsers writes the people of users.json, when the export has it.
func (ex *export) readUsers(ctx context.Context) error {
	f := ex.lists["users.json"]
	if f == nil {
		ex.log.Info("slack export: no users.json, people are named by id")
		return nil
	}
	var werr error
	err := ex.readArray(ctx, f, "bad_user", func(raw json.RawMessage) bool {
		var u userRecord
		if json.Unmarshal(raw, &u) != nil || u.ID == "" {
			return false
		}
		if ex.people[u.ID] != nil {
			return true
		}
		p := knowledge.Person{
			ID:       u.ID,
			Name:     firstNonEmpty(u.Profile.DisplayName, u.Profile.RealName, u.RealName, u.Name, u.ID),
			TZ:       u.TZ,
			TZOffset: u.TZOffset,
			Locale:   u.Locale,
			Bot:      u.IsBot || u.IsAppUser || isBotID(u.ID),
			Deleted:  u.Deleted,
		}
		// Exports made for sharing replace emails with "REDACTED" or
		// similar: only keep something that can be an address.
		if strings.Contains(u.Profile.Email, "@") {
			p.Email = u.Profile.Email
		}
		ex.people[p.ID] = &personInfo{name: p.Name, bot: p.Bot}
		for _, name := range []string{u.Name, u.Profile.DisplayName, u.Profile.RealName, u.RealName} {
			if name = strings.ToLower(strings.TrimSpace(name)); name != "" {
				if _, taken := ex.byName[name]; !taken {
					ex.byName[name] = u.ID
				}
			}
		}
		if werr == nil {
			werr = ex.w.AddPerson(ctx, p)
		}
		return true
	})
	if err != nil {
		return err
	}
	return werr
}

// isBotID reports whether a user id is a bot's by its form: Slackbot, or a
// bot id (B…) where a user id was expected.
func isBotID(id string) bool { return id == "USLACKBOT" || strings.HasPrefix(id, "B") }

func firstNonEmpty(s ...string) string {
	for _, v := range s {
		if v = strings.TrimSpace(v); v != "" {
			return v
		}
	}
	return ""
}

// addConversation writes c, after naming it if it is a DM and making sure
// its members are known people.
func (ex *export) addConversation(ctx context.Context, c *conversation) error {
	for _, m := range c.Members {
		if err := ex.ensurePerson(ctx, m); err != nil {
			return err
		}
	}
	if c.Name == "" {
		// DMs have no name: call them after their members, as Slack does.
		names := make([]string, 0, len(c.Members))
		for _, m := range c.Members {
			names = append(names, ex.people[m].name)
		}
		c.Name = strings.Join(names, ", ")
		if c.Name == "" {
			c.Name = c.ID
		}
	}
	return ex.w.AddConversation(ctx, c.Conversation)
}

// ensurePerson writes a person named by id when users.json did not have
// them, so every question and answer points at a known person.
func (ex *export) ensurePerson(ctx context.Context, id string) error {
	if id == "" || ex.people[id] != nil {
		return nil
	}
	p := knowledge.Person{ID: id, Name: id, Bot: isBotID(id)}
	ex.people[id] = &personInfo{name: p.Name, bot: p.Bot}
	return ex.w.AddPerson(ctx, p)
}

// UserName implements mrkdwn.Resolver with the names of users.json.
func (ex *export) UserName(id string) string {
	if p := ex.people[id]; p != nil {
		return p.name
	}
	return ""
}

// ChannelName implements mrkdwn.Resolver with the conversation lists.
func (ex *export) ChannelName(id string) string {
	if c := ex.byID[id]; c != nil {
		return c.Name
	}
	return ""
}

// readFile returns the content of f. A file that cannot be read (bad
// compression, checksum, or too large) is counted, described in the report
// and logged, and ok is false.
func (ex *export) readFile(f *zip.File) (data []byte, ok bool) {
	if reason, detail := checkSize(f, maxDayFile); reason != "" {
		ex.problem(f, reason, "%s", detail)
		return nil, false
	}
	rc, err := f.Open()
	if err == nil {
		// The declared size is exact (archive/zip fails a file that
		// differs), so one allocation holds the file.
		buf := bytes.NewBuffer(make([]byte, 0, f.UncompressedSize64+1))
		_, err = buf.ReadFrom(rc)
		data = buf.Bytes()
		rc.Close()
	}
	if err != nil {
		ex.problem(f, "malformed_file", "%s: cannot be read: %v", f.Name, err)
		return nil, false
	}
	return data, true
}

// problem counts a file skipped for reason and says why in the report and
// the log.
func (ex *export) problem(f *zip.File, reason, format string, args ...any) {
	ex.rep.Skip(reason)
	ex.rep.Problem(format, args...)
	ex.log.Warn("slack export: file skipped", "file", f.Name, "reason", reason, "detail", fmt.Sprintf(format, args...))
}

// syntaxProblem describes a JSON error in data with its line and offset.
func (ex *export) syntaxProblem(f *zip.File, data []byte, err error) {
	var syn *json.SyntaxError
	if errors.As(err, &syn) {
		off := min(int(syn.Offset), len(data))
		line := 1 + bytes.Count(data[:off], []byte("\n"))
		ex.problem(f, "malformed_file", "%s: line %d (byte %d): %v", f.Name, line, syn.Offset, err)
		return
	}
	ex.problem(f, "malformed_file", "%s: not a JSON array of objects: %v", f.Name, err)
}

// readArray calls fn with each element of the JSON array in f, counting
// under reason the elements for which fn returns false. It streams, since
// users.json may list tens of thousands of people. A file that is not a
// JSON array is a problem, counted and skipped (the elements read before
// the error are kept). readArray returns only ctx's error.
func (ex *export) readArray(ctx context.Context, f *zip.File, reason string, fn func(json.RawMessage) bool) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	if reason, detail := checkSize(f, maxListFile); reason != "" {
		ex.problem(f, reason, "%s", detail)
		return nil
	}
	rc, err := f.Open()
	if err != nil {
		ex.problem(f, "malformed_file", "%s: cannot be read: %v", f.Name, err)
		return nil
	}
	defer rc.Close()
	d := json.NewDecoder(rc)
	fail := func(err error) {
		var syn *json.SyntaxError
		off := d.InputOffset()
		if errors.As(err, &syn) {
			off = syn.Offset
		}
		ex.problem(f, "malformed_file", "%s: byte %d: %v", f.Name, off, err)
	}
	if tok, err := d.Token(); err != nil || tok != json.Delim('[') {
		if err == nil {
			err = fmt.Errorf("found %v where a JSON array should start", tok)
		}
		fail(err)
		return nil
	}
	for n := 0; d.More(); n++ {
		if n%1024 == 0 {
			if err := ctx.Err(); err != nil {
				return err
			}
		}
		var raw json.RawMessage
		if err := d.Decode(&raw); err != nil {
			fail(err)
			return nil
		}
		if !fn(raw) {
			ex.rep.Skip(reason)
		}
	}
	if _, err := d.Token(); err != nil {
		fail(err)
		return nil
	}
	// Read to the end, so that the archive checks the file's checksum.
	if _, err := io.Copy(io.Discard, rc); err != nil {
		fail(err)
	}
	return nil
}
