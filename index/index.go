// Package index finds past questions by their text with a bleve v2 index.
//
// The index is derived from the store: it holds no text that is not also in
// SQLite, only what search needs (analysed terms and a visibility keyword),
// and it can be removed and rebuilt at any time with knowledge.Sync from
// revision 0. Every question's text is analysed once into the stems of
// both languages (see analysis.go), so a question is found whatever
// language it was written in, without guessing that language.
package index

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"log/slog"
	"os"
	"path/filepath"
	"strconv"
	"sync"
	"sync/atomic"
	"time"

	"github.com/blevesearch/bleve/v2"
	"github.com/blevesearch/bleve/v2/analysis"
	"github.com/blevesearch/bleve/v2/index/scorch"
	"github.com/blevesearch/bleve/v2/mapping"
	bleveapi "github.com/blevesearch/bleve_index_api"
	bolt "go.etcd.io/bbolt"
	bolterrors "go.etcd.io/bbolt/errors"

	// Every binary that opens the index needs bleve's English and French
	// analysis registered, or bleve refuses to open it; importing them here
	// makes that automatic.
	_ "github.com/blevesearch/bleve/v2/analysis/lang/en"
	_ "github.com/blevesearch/bleve/v2/analysis/lang/fr"

	"github.com/nextdesk/nextdesk/knowledge"
)

// schemaVersion names the mapping and analysis the documents were indexed
// with. Bump it whenever newMapping or the indexed text changes: Open then
// rebuilds an index of another version instead of searching it wrongly.
const schemaVersion = "14"

// Internal keys, stored by bleve beside the documents.
var (
	revKey    = []byte("nextdesk.rev")
	schemaKey = []byte("nextdesk.schema")
)

// Document type and field names; changing one needs a new schemaVersion.
const (
	docType   = "question"
	fieldQ    = "q" // question text
	fieldA    = "a" // answer texts
	fieldVis  = "v" // visibility: visPublic for a public question, and its conversation id
	visPublic = "public"
)

// Files of an index directory.
const (
	metaFile = "index_meta.json" // written by bleve in every index directory
	rootBolt = "store/root.bolt" // scorch's root file, which bolt locks
	// tempPattern names the sibling directory an index is created in.
	tempPattern = ".new-*"
)

// lockTimeout bounds how long Open waits for another process to release
// the index; bolt would otherwise wait forever. Tests shorten it.
var lockTimeout = time.Second

// ErrInUse is matched (with errors.Is) by the error Open and Remove return
// when another process, or another Index in this process, holds the index.
var ErrInUse = errors.New("index in use")

type inUseError struct{ dir string }

func (e *inUseError) Error() string {
	return fmt.Sprintf("index %s is in use by another nextdesk process", e.dir)
}

func (e *inUseError) Is(target error) bool { return target == ErrInUse }

// Index is a bleve index of questions. It implements knowledge.Index and
// knowledge.IndexWriter, and is safe for use by many goroutines.
type Index struct {
	dir   string
	bleve bleve.Index
	text  analysis.Analyzer

	applyMu sync.Mutex   // serialises Apply, so Rev and documents move together
	rev     atomic.Int64 // highest applied store revision
	dfs     dfCache

	// bleve panics when a closed index is used, so every use holds life
	// for reading, and Close holds it for writing.
	life   sync.RWMutex
	closed bool
}

var (
	_ knowledge.Index       = (*Index)(nil)
	_ knowledge.IndexWriter = (*Index)(nil)
)

// Open opens the index in dir, creating it (and dir) if dir does not exist
// or is empty. An index built with another schema version is removed and
// recreated empty, with Rev 0, so that knowledge.Sync rebuilds it.
//
// Open returns an error matching ErrInUse if another process (or another
// open Index) holds dir, and an error if dir holds something that is not a
// nextdesk index, which it never removes.
func Open(dir string) (*Index, error) {
	if dir == "" {
		return nil, errors.New("open index: no directory given")
	}
	ix, err := open(dir)
	switch {
	case errors.Is(err, bleve.ErrorIndexPathDoesNotExist) || errors.Is(err, bleve.ErrorIndexMetaMissing) && isEmptyDir(dir):
		if err := create(dir); err != nil {
			return nil, err
		}
		ix, err = open(dir)
	case errors.Is(err, bleve.ErrorIndexMetaMissing):
		return nil, fmt.Errorf("open index %s: the directory holds files that are not a search index; remove them or choose another directory", dir)
	}
	if err != nil {
		return nil, err
	}
	schema, err := ix.bleve.GetInternal(schemaKey)
	if err != nil {
		ix.bleve.Close()
		return nil, fmt.Errorf("open index %s: read schema: %w", dir, err)
	}
	switch string(schema) {
	case schemaVersion:
	case "":
		ix.bleve.Close()
		return nil, fmt.Errorf("open index %s: a search index not made by nextdesk is there; remove it or choose another directory", dir)
	default:
		slog.Warn("index has another schema version; rebuilding it from the store",
			"dir", dir, "version", string(schema), "want", schemaVersion)
		if err := ix.bleve.Close(); err != nil {
			return nil, fmt.Errorf("close index %s: %w", dir, err)
		}
		if err := Remove(dir); err != nil {
			return nil, err
		}
		return Open(dir)
	}
	if err := ix.loadRev(); err != nil {
		ix.bleve.Close()
		return nil, err
	}
	return ix, nil
}

// open opens the existing bleve index in dir, without checking its schema.
func open(dir string) (*Index, error) {
	b, err := bleve.OpenUsing(dir, map[string]any{"bolt_timeout": lockTimeout.String()})
	if errors.Is(err, bolterrors.ErrTimeout) {
		return nil, &inUseError{dir: dir}
	}
	if err != nil {
		return nil, fmt.Errorf("open index %s: %w", dir, err)
	}
	ix := &Index{dir: dir, bleve: b}
	ix.text = b.Mapping().AnalyzerNamed(analyzerName)
	if ix.text == nil {
		b.Close()
		return nil, fmt.Errorf("open index %s: its mapping lacks the %s analyzer", dir, analyzerName)
	}
	return ix, nil
}

// create builds an empty index in a sibling directory and renames it to
// dir, so that a crash never leaves a half-made index where Open looks.
func create(dir string) error {
	parent := filepath.Dir(dir)
	if err := os.MkdirAll(parent, 0o700); err != nil {
		return fmt.Errorf("create index %s: %w", dir, err)
	}
	tmp, err := os.MkdirTemp(parent, filepath.Base(dir)+tempPattern)
	if err != nil {
		return fmt.Errorf("create index %s: %w", dir, err)
	}
	defer os.RemoveAll(tmp)
	m, err := newMapping()
	if err != nil {
		return fmt.Errorf("create index %s: %w", dir, err)
	}
	path := filepath.Join(tmp, "index")
	b, err := bleve.NewUsing(path, m, bleve.Config.DefaultIndexType, bleve.Config.DefaultKVStore, nil)
	if err != nil {
		return fmt.Errorf("create index %s: %w", dir, err)
	}
	err = b.SetInternal(schemaKey, []byte(schemaVersion))
	if cerr := b.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return fmt.Errorf("create index %s: %w", dir, err)
	}
	// Only an empty dir can be removed; if the rename still fails, another
	// process created the index first, which is as good.
	if err := os.Remove(dir); err != nil && !errors.Is(err, fs.ErrNotExist) {
		return fmt.Errorf("create index %s: %w", dir, err)
	}
	if err := os.Rename(path, dir); err != nil && !isIndexDir(dir) {
		return fmt.Errorf("create index %s: %w", dir, err)
	}
	return nil
}

// newMapping describes the only document type: a question. It keeps the
// index slim: nothing is stored (text stays in SQLite), no _all field, no
// term vectors (no phrase queries or highlighting), no doc values (no
// sorting or faceting), and no dynamic fields.
func newMapping() (*mapping.IndexMappingImpl, error) {
	text := func(name, analyzer string) *mapping.FieldMapping {
		f := bleve.NewTextFieldMapping()
		f.Name = name
		f.Analyzer = analyzer
		f.Store = false
		f.IncludeTermVectors = false
		f.IncludeInAll = false
		f.DocValues = false
		return f
	}
	vis := bleve.NewKeywordFieldMapping()
	vis.Store = false
	vis.IncludeTermVectors = false
	vis.IncludeInAll = false
	vis.DocValues = false
	vis.SkipFreqNorm = true // a filter: never scored

	doc := bleve.NewDocumentStaticMapping()
	doc.AddFieldMappingsAt(fieldQ, text(fieldQ, analyzerName))
	doc.AddFieldMappingsAt(fieldA, text(fieldA, analyzerName))
	doc.AddFieldMappingsAt("v", vis)
	doc.AddSubDocumentMapping("_all", bleve.NewDocumentDisabledMapping())

	m := bleve.NewIndexMapping()
	if err := addAnalyzers(m); err != nil {
		return nil, err
	}
	m.AddDocumentMapping(docType, doc)
	m.DefaultMapping = bleve.NewDocumentDisabledMapping()
	m.ScoringModel = bleveapi.BM25Scoring
	m.IndexDynamic = false
	m.StoreDynamic = false
	m.DocValuesDynamic = false
	return m, nil
}

func (ix *Index) loadRev() error {
	b, err := ix.bleve.GetInternal(revKey)
	if err != nil {
		return fmt.Errorf("open index %s: read rev: %w", ix.dir, err)
	}
	if b == nil {
		return nil
	}
	rev, err := strconv.ParseInt(string(b), 10, 64)
	if err != nil {
		return fmt.Errorf("open index %s: bad rev %q: %w", ix.dir, b, err)
	}
	ix.rev.Store(rev)
	return nil
}

// Close waits for running searches and Apply, flushes the index to disk
// and releases it for other processes. It returns bleve's error if the
// flush fails. Closing a closed Index does nothing (bleve itself would
// panic).
func (ix *Index) Close() error {
	ix.life.Lock()
	defer ix.life.Unlock()
	if ix.closed {
		return nil
	}
	ix.closed = true
	if err := ix.bleve.Close(); err != nil {
		return fmt.Errorf("close index %s: %w", ix.dir, err)
	}
	return nil
}

// Compact merges the index into as few segments as bleve allows, which
// makes searches faster (a term is looked up once per segment) and the
// index smaller. It is worth running after a rebuild, which leaves many
// segments, and when the index has taken many changes; Apply and Search
// keep working meanwhile. On a million questions it takes tens of seconds.
//
// Compact returns an error wrapping bleve.ErrorIndexClosed after Close,
// and an error if ctx ends first or bleve refuses the merge.
func (ix *Index) Compact(ctx context.Context) error {
	// The merge may take long: it runs without holding life, which is
	// safe because scorch abandons it when closed.
	ix.life.RLock()
	closed := ix.closed
	ix.life.RUnlock()
	if closed {
		return fmt.Errorf("compact index %s: %w", ix.dir, bleve.ErrorIndexClosed)
	}
	adv, err := ix.bleve.Advanced()
	if err != nil {
		return fmt.Errorf("compact index %s: %w", ix.dir, err)
	}
	s, ok := adv.(*scorch.Scorch)
	if !ok {
		return fmt.Errorf("compact index %s: not a scorch index but %T", ix.dir, adv)
	}
	if err := s.ForceMerge(ctx, nil); err != nil {
		return fmt.Errorf("compact index %s: %w", ix.dir, err)
	}
	if err := ctx.Err(); err != nil {
		return fmt.Errorf("compact index %s: %w", ix.dir, err)
	}
	return nil
}

// DocCount returns the number of questions in the index. It returns an
// error wrapping bleve.ErrorIndexClosed after Close.
func (ix *Index) DocCount() (uint64, error) {
	ix.life.RLock()
	defer ix.life.RUnlock()
	if ix.closed {
		return 0, fmt.Errorf("count index %s: %w", ix.dir, bleve.ErrorIndexClosed)
	}
	n, err := ix.bleve.DocCount()
	if err != nil {
		return 0, fmt.Errorf("count index %s: %w", ix.dir, err)
	}
	return n, nil
}

// Remove deletes the index in dir, so that the next Open starts empty and
// knowledge.Sync rebuilds it from revision 0 (what `nextdesk reindex` does).
// A missing dir is not an error.
//
// Remove returns an error matching ErrInUse if an open Index holds dir, and
// an error, removing nothing, if dir holds something other than an index.
func Remove(dir string) error {
	if dir == "" {
		return errors.New("remove index: no directory given")
	}
	if _, err := os.Stat(dir); errors.Is(err, fs.ErrNotExist) {
		return nil
	}
	if !isIndexDir(dir) && !isEmptyDir(dir) {
		return fmt.Errorf("remove index %s: not a search index; not removing it", dir)
	}
	if err := checkUnlocked(dir); err != nil {
		return err
	}
	if err := os.RemoveAll(dir); err != nil {
		return fmt.Errorf("remove index %s: %w", dir, err)
	}
	return nil
}

// checkUnlocked returns an in-use error if a process holds dir's bolt lock.
// A shared (read-only) lock conflicts with the writer's exclusive one
// without changing the file, and a damaged file (the usual reason to
// remove an index) does not stop its removal.
func checkUnlocked(dir string) error {
	path := filepath.Join(dir, rootBolt)
	if _, err := os.Stat(path); err != nil {
		return nil
	}
	db, err := bolt.Open(path, 0o600, &bolt.Options{ReadOnly: true, Timeout: lockTimeout})
	if errors.Is(err, bolterrors.ErrTimeout) {
		return &inUseError{dir: dir}
	}
	if err == nil {
		db.Close()
	}
	return nil
}

func isIndexDir(dir string) bool {
	_, err := os.Stat(filepath.Join(dir, metaFile))
	return err == nil
}

func isEmptyDir(dir string) bool {
	entries, err := os.ReadDir(dir)
	return err == nil && len(entries) == 0
}
