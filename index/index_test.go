package index

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/blevesearch/bleve/v2"
	bleveapi "github.com/blevesearch/bleve_index_api"
	"github.com/google/go-cmp/cmp"

	"github.com/nextdesk/nextdesk/knowledge"
)

func init() {
	// Tests that hit a held lock should not wait a second each.
	lockTimeout = 50 * time.Millisecond
}

func TestOpenCreatesEmptyIndex(t *testing.T) {
	for _, tt := range []struct {
		name string
		dir  func(t *testing.T) string
	}{
		{"missing directory", func(t *testing.T) string { return filepath.Join(t.TempDir(), "a", "b", "index") }},
		{"empty directory", func(t *testing.T) string { return t.TempDir() }},
	} {
		t.Run(tt.name, func(t *testing.T) {
			ix := MustOpenIndexAt(t, tt.dir(t))
			n, err := ix.DocCount()
			if err != nil || n != 0 || ix.Rev() != 0 {
				t.Errorf("new index: DocCount() = %d, %v; Rev() = %d; want 0, nil; 0", n, err, ix.Rev())
			}
		})
	}
}

func TestOpenRefusesForeignDirectory(t *testing.T) {
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "notes.txt"), []byte("mine"), 0o600); err != nil {
		t.Fatal(err)
	}
	if ix, err := Open(dir); err == nil {
		ix.Close()
		t.Fatalf("Open(%s) of a directory holding other files succeeded", dir)
	}
	if err := Remove(dir); err == nil {
		t.Errorf("Remove(%s) of a directory holding other files succeeded", dir)
	}
	if _, err := os.Stat(filepath.Join(dir, "notes.txt")); err != nil {
		t.Errorf("a foreign file is gone: %v", err)
	}
}

func TestApplyRecordsRevAcrossReopen(t *testing.T) {
	dir := t.TempDir()
	ix, err := Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	MustApply(t, ix, publicQ(3, "a", "badge access"), publicQ(7, "b", "badge printer"))
	MustApply(t, ix, deleted(9, "a"))
	if err := ix.Close(); err != nil {
		t.Fatal(err)
	}

	ix = MustOpenIndexAt(t, dir)
	if got := ix.Rev(); got != 9 {
		t.Errorf("Rev() after reopen = %d, want 9", got)
	}
	if diff := cmp.Diff(searchIDs(t, ix, knowledge.SearchQuery{Text: "badge"}), []string{"b"}); diff != "" {
		t.Errorf("Search after reopen (-got +want):\n%s", diff)
	}
	if n, err := ix.DocCount(); err != nil || n != 1 {
		t.Errorf("DocCount() = %d, %v; want 1", n, err)
	}
}

func TestApply(t *testing.T) {
	for _, tt := range []struct {
		name    string
		batches [][]knowledge.Change
		rev     int64
		want    []string // hits for "laptop"
	}{
		{
			name:    "delete",
			batches: [][]knowledge.Change{{publicQ(1, "a", "laptop"), publicQ(2, "b", "laptop")}, {deleted(3, "a")}},
			rev:     3, want: []string{"b"},
		},
		{
			name:    "update replaces text",
			batches: [][]knowledge.Change{{publicQ(1, "a", "laptop")}, {publicQ(2, "a", "monitor")}},
			rev:     2, want: []string{},
		},
		{
			name:    "later change of a question in one batch wins",
			batches: [][]knowledge.Change{{publicQ(1, "a", "monitor"), publicQ(2, "a", "laptop"), deleted(3, "b"), publicQ(4, "b", "laptop")}},
			rev:     4, want: []string{"a", "b"},
		},
		{
			name:    "out of order batch is applied in rev order",
			batches: [][]knowledge.Change{{publicQ(5, "a", "laptop"), publicQ(4, "a", "monitor")}},
			rev:     5, want: []string{"a"},
		},
		{
			name:    "changes at or below Rev are skipped",
			batches: [][]knowledge.Change{{publicQ(5, "a", "laptop")}, {deleted(5, "a"), publicQ(4, "b", "laptop")}},
			rev:     5, want: []string{"a"},
		},
		{
			name:    "public question made private leaves public search",
			batches: [][]knowledge.Change{{publicQ(1, "a", "laptop")}, {privateQ(2, "a", "G1", "laptop")}},
			rev:     2, want: []string{},
		},
		{
			name:    "deleting an unknown question",
			batches: [][]knowledge.Change{{deleted(1, "nope")}},
			rev:     1, want: []string{},
		},
		{
			name:    "empty batch",
			batches: [][]knowledge.Change{{}},
			rev:     0, want: []string{},
		},
	} {
		t.Run(tt.name, func(t *testing.T) {
			ix := MustOpenIndex(t)
			for _, b := range tt.batches {
				MustApply(t, ix, b...)
			}
			if got := ix.Rev(); got != tt.rev {
				t.Errorf("Rev() = %d, want %d", got, tt.rev)
			}
			if diff := cmp.Diff(searchIDs(t, ix, knowledge.SearchQuery{Text: "laptop"}), tt.want); diff != "" {
				t.Errorf("Search (-got +want):\n%s", diff)
			}
		})
	}
}

func TestApplyRejectsChangeWithoutID(t *testing.T) {
	ix := MustOpenIndex(t)
	err := ix.Apply(context.Background(), []knowledge.Change{publicQ(1, "a", "vpn"), publicQ(2, "", "vpn")})
	if code := knowledge.ErrorCode(err); code != knowledge.EINVALID {
		t.Errorf("Apply error = %v, want code %s", err, knowledge.EINVALID)
	}
	if ix.Rev() != 0 {
		t.Errorf("Rev() after a failed Apply = %d, want 0", ix.Rev())
	}
	if got := searchIDs(t, ix, knowledge.SearchQuery{Text: "vpn"}); len(got) != 0 {
		t.Errorf("a failed Apply indexed %v", got)
	}
}

func TestApplyHonoursContext(t *testing.T) {
	ix := MustOpenIndex(t)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if err := ix.Apply(ctx, []knowledge.Change{publicQ(1, "a", "vpn")}); !errors.Is(err, context.Canceled) {
		t.Errorf("Apply with a cancelled context: error = %v, want context.Canceled", err)
	}
}

func TestAnswerTextSharesSpaceFairly(t *testing.T) {
	long := strings.Repeat("x", 3*knowledge.MaxIndexedText)
	for _, tt := range []struct {
		name    string
		answers []string
		want    []int // length of each answer's part
	}{
		{"all fit", []string{"short", "answer"}, []int{5, 6}},
		// Two separators and "the fix" leave 16375 bytes to share.
		{"short answers stay whole", []string{long, "the fix", long}, []int{8187, 7, 8188}},
		{"empty answers take nothing", []string{"", long, "  "}, []int{knowledge.MaxIndexedText}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			var answers []knowledge.Answer
			for _, a := range tt.answers {
				answers = append(answers, knowledge.Answer{Text: a})
			}
			text := answerText(answers)
			var got []int
			for _, part := range strings.Split(text, "\n") {
				got = append(got, len(part))
			}
			if diff := cmp.Diff(got, tt.want); diff != "" {
				t.Errorf("answerText part lengths (-got +want):\n%s", diff)
			}
			if len(text) > knowledge.MaxIndexedText {
				t.Errorf("answerText is %d bytes, more than %d", len(text), knowledge.MaxIndexedText)
			}
		})
	}
}

func TestRebuildGivesSameResults(t *testing.T) {
	// A store's history: questions written, edited, answered, deleted.
	g := newCorpusGen(7)
	var log changeLog
	for i := range 1200 {
		log = append(log, g.change(int64(len(log)+1), i%1000))
		if i%10 == 0 {
			log = append(log, deleted(int64(len(log)+1), "bench:"+strconv.Itoa(i/3)))
		}
	}
	// Live: applied as it happened, in small batches.
	liveDir := t.TempDir()
	live := MustOpenIndexAt(t, liveDir)
	for first := 0; first < len(log); first += 97 {
		MustApply(t, live, log[first:min(len(log), first+97)]...)
	}
	// Rebuilt: removed, reopened and synced from revision 0.
	dir := filepath.Join(t.TempDir(), "index")
	old := MustOpenIndexAt(t, dir)
	MustApply(t, old, publicQ(1, "stale", "stale question"))
	if err := old.Close(); err != nil {
		t.Fatal(err)
	}
	if err := Remove(dir); err != nil {
		t.Fatal(err)
	}
	rebuilt := MustOpenIndexAt(t, dir)
	n, err := knowledge.Sync(context.Background(), log, rebuilt)
	if err != nil || n != len(log) {
		t.Fatalf("Sync = %d, %v; want %d, nil", n, err, len(log))
	}
	// BM25's average field length counts replaced and deleted documents
	// until their segments are merged, so scores agree only once both
	// indexes are merged.
	live = mustCompact(t, live, liveDir)
	rebuilt = mustCompact(t, rebuilt, dir)

	if live.Rev() != rebuilt.Rev() {
		t.Errorf("Rev: live %d, rebuilt %d", live.Rev(), rebuilt.Rev())
	}
	liveN, _ := live.DocCount()
	rebuiltN, _ := rebuilt.DocCount()
	if liveN != rebuiltN || liveN == 0 {
		t.Errorf("DocCount: live %d, rebuilt %d", liveN, rebuiltN)
	}
	for range 20 {
		q := knowledge.SearchQuery{Text: g.query(), AnswerWeight: 0.5, Limit: 20, Conversations: []string{"G1", "G2"}}
		got, want := searchIDs(t, rebuilt, q), searchIDs(t, live, q)
		if len(want) == 0 {
			t.Errorf("live Search(%q) found nothing; the test is too weak", q.Text)
		}
		if diff := cmp.Diff(got, want); diff != "" {
			t.Errorf("Search(%q) rebuilt vs live (-got +want):\n%s", q.Text, diff)
		}
	}
}

// mustCompact closes ix, reopens it and merges it into one segment.
func mustCompact(tb testing.TB, ix *Index, dir string) *Index {
	tb.Helper()
	if err := ix.Close(); err != nil {
		tb.Fatal(err)
	}
	ix = MustOpenIndexAt(tb, dir)
	if err := ix.Compact(context.Background()); err != nil {
		tb.Fatal(err)
	}
	return ix
}

func TestCompact(t *testing.T) {
	dir := t.TempDir()
	ix := MustOpenIndexAt(t, dir)
	g := newCorpusGen(3)
	for first := 0; first < 500; first += 50 {
		MustApply(t, ix, g.changes(first, 50)...)
	}
	MustApply(t, ix, deleted(501, "bench:7"))
	// Every match, sorted: merging drops the deleted question from BM25's
	// statistics, which may reorder hits, but must find the same ones.
	found := func(q knowledge.SearchQuery) []string {
		return slices.Sorted(slices.Values(searchIDs(t, ix, q)))
	}
	var queries []knowledge.SearchQuery
	var before [][]string
	for range 10 {
		q := knowledge.SearchQuery{Text: g.query(), AnswerWeight: 1, Limit: maxLimit}
		queries = append(queries, q)
		before = append(before, found(q))
	}
	segments := func() uint64 { return ix.bleve.StatsMap()["index"].(map[string]any)["num_root_filesegments"].(uint64) }
	// Only persisted segments merge: reopen so that all of them are.
	if err := ix.Close(); err != nil {
		t.Fatal(err)
	}
	ix = MustOpenIndexAt(t, dir)
	was := segments()
	if err := ix.Compact(context.Background()); err != nil {
		t.Fatalf("Compact: %v", err)
	}
	if now := segments(); now >= was {
		t.Errorf("Compact left %d segments of %d", now, was)
	}
	for i, q := range queries {
		if diff := cmp.Diff(found(q), before[i]); diff != "" {
			t.Errorf("Search(%q) after Compact (-got +want):\n%s", q.Text, diff)
		}
	}
	if err := ix.Close(); err != nil {
		t.Fatal(err)
	}
	if err := ix.Compact(context.Background()); !errors.Is(err, bleve.ErrorIndexClosed) {
		t.Errorf("Compact after Close: error = %v, want bleve.ErrorIndexClosed", err)
	}
}

func TestOpenTwiceIsInUse(t *testing.T) {
	dir := t.TempDir()
	MustOpenIndexAt(t, dir)
	start := time.Now()
	ix, err := Open(dir)
	if err == nil {
		ix.Close()
		t.Fatal("second Open of an open index succeeded")
	}
	if !errors.Is(err, ErrInUse) || !strings.Contains(err.Error(), "in use by another nextdesk process") {
		t.Errorf("second Open error = %v, want ErrInUse saying the index is in use", err)
	}
	if took := time.Since(start); took > 5*time.Second {
		t.Errorf("second Open took %v to fail", took)
	}
	if err := Remove(dir); !errors.Is(err, ErrInUse) {
		t.Errorf("Remove of an open index: error = %v, want ErrInUse", err)
	}
}

func TestOpenRebuildsOtherSchema(t *testing.T) {
	dir := t.TempDir()
	ix, err := Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	MustApply(t, ix, publicQ(4, "a", "docker"))
	if err := ix.bleve.SetInternal(schemaKey, []byte("0")); err != nil {
		t.Fatal(err)
	}
	if err := ix.Close(); err != nil {
		t.Fatal(err)
	}
	ix = MustOpenIndexAt(t, dir)
	n, err := ix.DocCount()
	if err != nil || n != 0 || ix.Rev() != 0 {
		t.Errorf("index of another schema after Open: DocCount() = %d, %v; Rev() = %d; want 0, nil; 0", n, err, ix.Rev())
	}
}

func TestRemoveMissingIndex(t *testing.T) {
	if err := Remove(filepath.Join(t.TempDir(), "none")); err != nil {
		t.Errorf("Remove of a missing index: %v", err)
	}
}

func TestIndexHoldsNoText(t *testing.T) {
	ix := MustOpenIndex(t)
	MustApply(t, ix, publicQ(1, "q1", "secret payroll figures", "ask finance"))
	doc, err := ix.bleve.Document("q1")
	if err != nil {
		t.Fatal(err)
	}
	var stored []string
	doc.VisitFields(func(f bleveapi.Field) { stored = append(stored, f.Name()+"="+string(f.Value())) })
	if diff := cmp.Diff(stored, []string(nil)); diff != "" {
		t.Errorf("stored fields (-got +want):\n%s", diff)
	}
	fields, err := ix.bleve.Fields()
	if err != nil {
		t.Fatal(err)
	}
	slices.Sort(fields)
	if diff := cmp.Diff(fields, []string{"_id", fieldA, fieldQ, fieldVis}); diff != "" {
		t.Errorf("indexed fields (-got +want):\n%s", diff)
	}
}

func TestClosedIndex(t *testing.T) {
	ix := MustOpenIndex(t)
	MustApply(t, ix, publicQ(1, "a", "vpn"))
	if err := ix.Close(); err != nil {
		t.Fatal(err)
	}
	if err := ix.Close(); err != nil {
		t.Errorf("second Close: %v", err)
	}
	_, searchErr := ix.Search(context.Background(), knowledge.SearchQuery{Text: "vpn"})
	_, countErr := ix.DocCount()
	applyErr := ix.Apply(context.Background(), []knowledge.Change{publicQ(2, "b", "vpn")})
	for name, err := range map[string]error{"Search": searchErr, "DocCount": countErr, "Apply": applyErr} {
		if !errors.Is(err, bleve.ErrorIndexClosed) {
			t.Errorf("%s after Close: error = %v, want bleve.ErrorIndexClosed", name, err)
		}
	}
}

func TestConcurrentUse(t *testing.T) {
	ix := MustOpenIndex(t)
	g := newCorpusGen(5)
	MustApply(t, ix, g.changes(0, 200)...)
	queries := []string{g.query(), g.query(), g.query()}
	done := make(chan struct{})
	var wg sync.WaitGroup
	for _, text := range queries {
		wg.Go(func() {
			for {
				select {
				case <-done:
					return
				default:
				}
				if _, err := ix.Search(context.Background(), knowledge.SearchQuery{Text: text, AnswerWeight: 1}); err != nil {
					if !errors.Is(err, bleve.ErrorIndexClosed) {
						t.Errorf("Search: %v", err)
					}
					return
				}
			}
		})
	}
	for first := 200; first < 600; first += 100 {
		MustApply(t, ix, g.changes(first, 100)...)
	}
	if err := ix.Close(); err != nil {
		t.Errorf("Close while searching: %v", err)
	}
	close(done)
	wg.Wait()
}
