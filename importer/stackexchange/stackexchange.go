// Package stackexchange imports a Stack Exchange data dump: the questions
// and answers of DIR/Posts.xml, and the people of DIR/Users.xml when the
// dump has it.
//
// The whole site is one public conversation, "se:<site>", where <site> is
// the base name of DIR (e.g. "ai"). Ids are "se:<site>:<Id>" for posts and
// "se:<site>:<OwnerUserId>" for people, so importing a dump again, or a
// newer dump of the same site, updates records rather than duplicating them.
//
// Posts.xml is read with xml.Decoder row by row; besides the current batch,
// the importer keeps only compressed bitmaps of post ids and the few answers
// that come before their question in the file. Rows are skipped and counted in
// Report.Skipped under these reasons:
//
//   - "bad_row": an Id, PostTypeId, ParentId, OwnerUserId, AcceptedAnswerId
//     or Score that is not a number, an Id out of range, or an unreadable
//     CreationDate;
//   - "other_post_type": wiki, tag wiki and other posts that are neither
//     questions nor answers;
//   - "no_owner": a question or answer without an OwnerUserId (a deleted
//     account, or the Community user): nobody can be routed to or credited;
//   - "question_skipped": an answer to a question skipped for one of the
//     reasons above;
//   - "bad_user": a Users.xml row whose Id is not a number.
package stackexchange

import (
	"context"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"log/slog"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/RoaringBitmap/roaring/v2"

	"github.com/nextdesk/nextdesk/importer"
	"github.com/nextdesk/nextdesk/knowledge"
)

// Options tunes an import.
type Options struct {
	// Site names the site in ids; empty means the base name of the
	// dump's directory.
	Site string
	// BatchSize is the number of records per batch; 0 means
	// importer.DefaultBatchSize.
	BatchSize int
	// Logger receives progress and problems; nil discards them.
	Logger *slog.Logger
}

// maxID bounds post and user ids, which are 32-bit in every dump.
const maxID = 1<<31 - 1

// Import reads the dump in dir and writes it to sink in batches.
//
// It returns an error of code knowledge.EINVALID when dir has no Posts.xml
// or a file is not well-formed XML (the message names the file, line and
// byte offset), and the sink's error if writing fails. Batches written
// before an error stay written: running the import again resumes, since
// every record has a stable id. The report counts what was read, written
// and skipped, also when an error stops the import.
func Import(ctx context.Context, dir string, sink importer.Sink, opts Options) (importer.Report, error) {
	var rep importer.Report
	log := opts.Logger
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	site := opts.Site
	if site == "" {
		site = filepath.Base(filepath.Clean(dir))
	}
	if site == "" || site == "." || site == string(filepath.Separator) {
		return rep, knowledge.Errorf(knowledge.EINVALID, "Cannot tell the site name from directory %q: pass it explicitly.", dir)
	}
	postsPath := filepath.Join(dir, "Posts.xml")
	posts, err := os.Open(postsPath)
	if errors.Is(err, fs.ErrNotExist) {
		return rep, knowledge.Errorf(knowledge.EINVALID, "%s has no Posts.xml: is it an unpacked Stack Exchange dump?", dir)
	}
	if err != nil {
		return rep, fmt.Errorf("open %s: %w", postsPath, err)
	}
	defer posts.Close()

	im := &siteImport{
		site:  site,
		conv:  "se:" + site,
		w:     importer.NewWriter(sink, opts.BatchSize, &rep, log),
		rep:   &rep,
		early: make(map[int][]earlyAnswer),
	}
	if err := im.w.AddConversation(ctx, knowledge.Conversation{ID: im.conv, Name: site, Kind: knowledge.KindPublic}); err != nil {
		return rep, err
	}
	usersPath := filepath.Join(dir, "Users.xml")
	switch users, err := os.Open(usersPath); {
	case errors.Is(err, fs.ErrNotExist):
		log.Info("stackexchange: no Users.xml, people are named by id", "site", site)
	case err != nil:
		return rep, fmt.Errorf("open %s: %w", usersPath, err)
	default:
		err := readRows(ctx, usersPath, users, im.user)
		users.Close()
		if err != nil {
			return rep, err
		}
	}
	if err := readRows(ctx, postsPath, posts, im.post); err != nil {
		return rep, err
	}
	if err := im.finish(ctx); err != nil {
		return rep, err
	}
	if err := im.w.Flush(ctx); err != nil {
		return rep, err
	}
	log.Info("stackexchange: import done", "site", site, "report", rep)
	return rep, nil
}

// siteImport is the state of one import.
type siteImport struct {
	site, conv string
	w          *importer.Writer
	rep        *importer.Report

	people    idSet // people emitted
	questions idSet // questions seen, whether kept or skipped
	skipped   idSet // questions skipped: their answers are skipped too
	accepted  idSet // answers some question names as accepted
	// early holds, by question id, the answers met before their question.
	early map[int][]earlyAnswer
}

type earlyAnswer struct {
	id     int
	answer knowledge.Answer
}

// key returns the id of a post or person: "se:<site>:<id>". Posts and
// people are kept apart by the record they identify, not by their id.
func (im *siteImport) key(id int) string { return "se:" + im.site + ":" + strconv.Itoa(id) }

// user handles one Users.xml row.
func (im *siteImport) user(ctx context.Context, attrs []xml.Attr) error {
	im.rep.Records++
	var id int
	var name string
	var err error
	for _, a := range attrs {
		switch a.Name.Local {
		case "Id":
			id, err = parseID(a.Value)
		case "DisplayName":
			name = a.Value
		}
	}
	if err != nil || id == 0 {
		im.rep.Skip("bad_user")
		return nil
	}
	if im.people.has(id) {
		return nil
	}
	im.people.add(id)
	if name == "" {
		name = "user " + strconv.Itoa(id)
	}
	// Id -1 is the Community user, which owns wikis and bumps posts.
	return im.w.AddPerson(ctx, knowledge.Person{ID: im.key(id), Name: name, Bot: id < 0})
}

// row is what the importer uses of a Posts.xml row.
type row struct {
	id, typ, parent, accepted, owner, score int
	created                                 time.Time
	title, body, tags                       string
}

// post handles one Posts.xml row.
func (im *siteImport) post(ctx context.Context, attrs []xml.Attr) error {
	im.rep.Records++
	r, ok := parseRow(attrs)
	if !ok {
		im.rep.Skip("bad_row")
		return nil
	}
	switch r.typ {
	case 1:
		return im.question(ctx, r)
	case 2:
		return im.answer(ctx, r)
	}
	im.rep.Skip("other_post_type")
	return nil
}

func (im *siteImport) question(ctx context.Context, r row) error {
	im.questions.add(r.id)
	if r.owner <= 0 {
		im.skipped.add(r.id)
		im.rep.Skip("no_owner")
		im.rep.SkipN("question_skipped", len(im.early[r.id]))
		delete(im.early, r.id)
		return nil
	}
	if err := im.person(ctx, r.owner); err != nil {
		return err
	}
	if r.accepted > 0 {
		im.accepted.add(r.accepted)
	}
	q := knowledge.Question{
		ID:           im.key(r.id),
		Asker:        im.key(r.owner),
		Conversation: im.conv,
		Thread:       strconv.Itoa(r.id),
		Title:        knowledge.CleanText(r.title),
		Text:         plainHTML(r.body),
		Tags:         parseTags(r.tags),
		Time:         r.created,
	}
	for _, e := range im.early[r.id] {
		e.answer.Accepted = e.id == r.accepted
		q.Answers = append(q.Answers, e.answer)
	}
	delete(im.early, r.id)
	return im.w.AddQuestion(ctx, q)
}

func (im *siteImport) answer(ctx context.Context, r row) error {
	switch {
	case r.parent <= 0:
		im.rep.Skip("bad_row")
		return nil
	case im.skipped.has(r.parent):
		im.rep.Skip("question_skipped")
		return nil
	case r.owner <= 0:
		im.rep.Skip("no_owner")
		return nil
	}
	if err := im.person(ctx, r.owner); err != nil {
		return err
	}
	a := knowledge.Answer{
		ID:       im.key(r.id),
		Answerer: im.key(r.owner),
		Text:     plainHTML(r.body),
		Time:     r.created,
		Accepted: im.accepted.has(r.id),
		Score:    r.score,
	}
	if !im.questions.has(r.parent) {
		// Dumps are sorted by Id and an answer comes after its question,
		// except for posts merged or migrated from elsewhere: hold those
		// until their question is read.
		im.early[r.parent] = append(im.early[r.parent], earlyAnswer{r.id, a})
		return nil
	}
	return im.w.AddAnswer(ctx, im.key(r.parent), a)
}

// person makes sure the owner of a post is written before the post, named
// by id when Users.xml did not name them.
func (im *siteImport) person(ctx context.Context, id int) error {
	if im.people.has(id) {
		return nil
	}
	im.people.add(id)
	return im.w.AddPerson(ctx, knowledge.Person{ID: im.key(id), Name: "user " + strconv.Itoa(id)})
}

// finish sends the answers whose question never came. They are orphans of
// this dump, but their question may be in the store from an earlier import,
// so the sink decides.
func (im *siteImport) finish(ctx context.Context) error {
	for _, parent := range slices.Sorted(maps.Keys(im.early)) {
		for _, e := range im.early[parent] {
			im.rep.Orphans++
			if err := im.w.AddAnswer(ctx, im.key(parent), e.answer); err != nil {
				return err
			}
		}
	}
	clear(im.early)
	return nil
}

// parseRow reads the attributes of a Posts.xml row. ok is false when a
// number or the date does not parse, or the Id is out of range.
func parseRow(attrs []xml.Attr) (r row, ok bool) {
	var err error
	num := func(s string) int {
		n, e := strconv.Atoi(strings.TrimSpace(s))
		if e != nil && err == nil {
			err = e
		}
		return n
	}
	created := ""
	for _, a := range attrs {
		switch a.Name.Local {
		case "Id":
			r.id = num(a.Value)
		case "PostTypeId":
			r.typ = num(a.Value)
		case "ParentId":
			r.parent = num(a.Value)
		case "AcceptedAnswerId":
			r.accepted = num(a.Value)
		case "OwnerUserId":
			r.owner = num(a.Value)
		case "Score":
			r.score = num(a.Value)
		case "CreationDate":
			created = a.Value
		case "Title":
			r.title = a.Value
		case "Body":
			r.body = a.Value
		case "Tags":
			r.tags = a.Value
		}
	}
	if err != nil || r.id <= 0 || r.id > maxID || r.parent > maxID || r.accepted > maxID || r.owner > maxID {
		return r, false
	}
	if r.typ == 1 || r.typ == 2 {
		// Dumps write UTC without a zone, with or without milliseconds.
		t, err := time.Parse("2006-01-02T15:04:05.999999999", created)
		if err != nil {
			return r, false
		}
		r.created = t
	}
	return r, true
}

func parseID(s string) (int, error) {
	n, err := strconv.Atoi(strings.TrimSpace(s))
	if err != nil {
		return 0, err
	}
	if n > maxID || n < -maxID {
		return 0, fmt.Errorf("id %d out of range", n)
	}
	return n, nil
}

// parseTags splits "<a><b>" (dumps until 2023) or "|a|b|" (later ones).
func parseTags(s string) []string {
	var tags []string
	for _, t := range strings.FieldsFunc(s, func(r rune) bool { return r == '<' || r == '>' || r == '|' }) {
		if t = strings.TrimSpace(t); t != "" {
			tags = append(tags, t)
		}
	}
	return tags
}

// readRows calls fn with the attributes of every <row> element of the XML
// document r, read from path. It returns an error of code
// knowledge.EINVALID naming path, the line and the byte offset when the
// document is not well-formed (a truncated file, for one), fn's error, or
// ctx's.
func readRows(ctx context.Context, path string, r io.Reader, fn func(context.Context, []xml.Attr) error) error {
	d := xml.NewDecoder(r)
	for n := 0; ; n++ {
		if n%1024 == 0 {
			if err := ctx.Err(); err != nil {
				return err
			}
		}
		tok, err := d.Token()
		if err == io.EOF {
			return nil
		}
		if err != nil {
			var syn *xml.SyntaxError
			if errors.As(err, &syn) {
				return knowledge.Errorf(knowledge.EINVALID, "%s is not well-formed XML: line %d, byte %d: %s.", path, syn.Line, d.InputOffset(), syn.Msg)
			}
			return fmt.Errorf("read %s at byte %d: %w", path, d.InputOffset(), err)
		}
		if start, ok := tok.(xml.StartElement); ok && start.Name.Local == "row" {
			if err := fn(ctx, start.Attr); err != nil {
				return err
			}
		}
	}
}

// idSet is a set of non-negative ids. A compressed bitmap keeps it small
// both for dense dump ids (a million posts in about 130 KB) and for a few
// ids near 2³¹, where a plain bit set would take 256 MiB whatever the
// dump's size: memory follows how many ids there are, not their values.
// Negative ids (the Community user) are never members. The zero idSet is
// empty and ready to use.
type idSet struct{ bits *roaring.Bitmap }

func (s *idSet) add(id int) {
	if id < 0 || id > maxID {
		return
	}
	if s.bits == nil {
		s.bits = roaring.New()
	}
	s.bits.Add(uint32(id))
}

func (s idSet) has(id int) bool {
	return id >= 0 && id <= maxID && s.bits != nil && s.bits.Contains(uint32(id))
}
