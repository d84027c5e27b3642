package index

import (
	"context"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/nextdesk/nextdesk/knowledge"
)

// Benchmarks run on a synthetic corpus (corpus_test.go) of
// NEXTDESK_BENCH_DOCS questions, 20,000 by default. For the large run:
//
//	NEXTDESK_BENCH_DOCS=1000000 NEXTDESK_BENCH_DIR=/tmp/nextdesk-bench \
//	  go test ./index -run '^$' -bench . -benchtime 1x -timeout 2h
//
// NEXTDESK_BENCH_DIR keeps the search corpus between runs (it is rebuilt
// when it holds another number of questions); NEXTDESK_BENCH_COMPACT=1
// compacts it before searching.

// benchBatch is the size of knowledge.Sync's batches.
const benchBatch = 2000

func benchDocs(b *testing.B) int {
	s := os.Getenv("NEXTDESK_BENCH_DOCS")
	if s == "" {
		return 20000
	}
	n, err := strconv.Atoi(s)
	if err != nil || n <= 0 {
		b.Fatalf("NEXTDESK_BENCH_DOCS=%q: want a positive number", s)
	}
	return n
}

// build indexes n generated questions in batches, as Sync does.
func build(b *testing.B, ix *Index, n int) {
	b.Helper()
	g := newCorpusGen(1)
	for first := 0; first < n; first += benchBatch {
		if err := ix.Apply(context.Background(), g.changes(first, min(benchBatch, n-first))); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkApply measures indexing throughput, from an empty index to one
// closed (flushed to disk) with NEXTDESK_BENCH_DOCS questions.
func BenchmarkApply(b *testing.B) {
	n := benchDocs(b)
	cpu := cpuTime(b)
	for i := 0; i < b.N; i++ {
		dir := filepath.Join(b.TempDir(), "index")
		ix, err := Open(dir)
		if err != nil {
			b.Fatal(err)
		}
		build(b, ix, n)
		if err := ix.Close(); err != nil {
			b.Fatal(err)
		}
		if i == b.N-1 {
			b.ReportMetric(float64(dirSize(b, dir))/(1<<20), "MB-on-disk")
		}
	}
	b.ReportMetric(float64(b.N*n)/b.Elapsed().Seconds(), "docs/s")
	// CPU time per question says what 2 idle cores could do, whatever
	// else the machine was running.
	b.ReportMetric(float64(cpuTime(b)-cpu)/float64(time.Microsecond)/float64(b.N*n), "cpu-µs/doc")
	b.ReportMetric(float64(peakRSS(b))/(1<<20), "MB-peak-RSS")
}

// BenchmarkSearch measures search latency on NEXTDESK_BENCH_DOCS questions
// for the engine's uses: finding the same question asked before, and
// finding who knows (answers count, more hits, with and without private
// conversations). The known-item case also measures what the postings
// budget costs in quality: each query is 60% of an indexed question's
// words in random order, and found@1 and found@10 say how often that
// question came first and among the top 10.
func BenchmarkSearch(b *testing.B) {
	ix := benchIndex(b)
	g := newCorpusGen(2)
	random := make([]benchQuery, 1000)
	for i := range random {
		random[i] = benchQuery{text: g.query()}
	}
	private := make([]string, 20)
	for i := range private {
		private[i] = benchConversation(i)
	}
	for _, bc := range []struct {
		name    string
		q       knowledge.SearchQuery
		queries []benchQuery
	}{
		{"similar", knowledge.SearchQuery{Limit: 10}, random},
		{"known-item", knowledge.SearchQuery{Limit: 10}, knownItems(b)},
		{"experts", knowledge.SearchQuery{Limit: 200, AnswerWeight: 0.5}, random},
		{"experts-private", knowledge.SearchQuery{Limit: 200, AnswerWeight: 0.5, Conversations: private}, random},
	} {
		b.Run(bc.name, func(b *testing.B) {
			var took []time.Duration
			var found1, found10 int
			cpu := cpuTime(b)
			for b.Loop() {
				bq := bc.queries[len(took)%len(bc.queries)]
				q := bc.q
				q.Text = bq.text
				start := time.Now()
				hits, err := ix.Search(context.Background(), q)
				if err != nil {
					b.Fatal(err)
				}
				took = append(took, time.Since(start))
				for k, h := range hits {
					if h.QuestionID == bq.want {
						found10++
						if k == 0 {
							found1++
						}
					}
				}
			}
			b.ReportMetric(ms(cpuTime(b)-cpu)/float64(len(took)), "cpu-ms/op")
			if bc.queries[0].want != "" {
				b.ReportMetric(float64(found1)/float64(len(took)), "found@1")
				b.ReportMetric(float64(found10)/float64(len(took)), "found@10")
			}
			slices.Sort(took)
			b.ReportMetric(ms(took[len(took)/2]), "ms-p50")
			b.ReportMetric(ms(took[len(took)*99/100]), "ms-p99")
			b.ReportMetric(float64(peakRSS(b))/(1<<20), "MB-peak-RSS")
		})
	}
}

// benchQuery is a search text, and the question it should find if any.
type benchQuery struct{ text, want string }

// knownItems returns 60% of the words of some public questions of the
// benchmark corpus, shuffled, with the question each should find.
func knownItems(b *testing.B) []benchQuery {
	g := newCorpusGen(1)
	changes := g.changes(0, min(benchDocs(b), 20000))
	var qs []benchQuery
	for i := 0; i < len(changes); i += 37 {
		c := changes[i]
		if !c.Public {
			continue
		}
		words := strings.Fields(c.Question.Text)
		g.r.Shuffle(len(words), func(i, j int) { words[i], words[j] = words[j], words[i] })
		qs = append(qs, benchQuery{strings.Join(words[:max(1, len(words)*6/10)], " "), c.Question.ID})
	}
	return qs
}

// benchIndex opens the search corpus, building it if needed, and compacts
// it if NEXTDESK_BENCH_COMPACT is set, as after a rebuild.
func benchIndex(b *testing.B) *Index {
	n := benchDocs(b)
	dir := os.Getenv("NEXTDESK_BENCH_DIR")
	if dir == "" {
		dir = filepath.Join(b.TempDir(), "index")
	}
	ix, err := Open(dir)
	if err != nil {
		b.Fatal(err)
	}
	if count, err := ix.DocCount(); err != nil || count != uint64(n) || ix.Rev() != int64(n) {
		b.Logf("building a search corpus of %d questions in %s", n, dir)
		ix.Close()
		if err := Remove(dir); err != nil {
			b.Fatal(err)
		}
		if ix, err = Open(dir); err != nil {
			b.Fatal(err)
		}
		build(b, ix, n)
	}
	if os.Getenv("NEXTDESK_BENCH_COMPACT") != "" {
		start := time.Now()
		if err := ix.Compact(context.Background()); err != nil {
			b.Fatal(err)
		}
		b.Logf("compacted in %v; peak RSS %d MB", time.Since(start), peakRSS(b)>>20)
	}
	b.Cleanup(func() { ix.Close() })
	return ix
}

func ms(d time.Duration) float64 { return float64(d) / float64(time.Millisecond) }

func dirSize(b *testing.B, dir string) int64 {
	var size int64
	err := filepath.WalkDir(dir, func(_ string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		info, err := d.Info()
		size += info.Size()
		return err
	})
	if err != nil {
		b.Fatal(err)
	}
	return size
}

// cpuTime returns the CPU time the process has used, in user and system
// mode.
func cpuTime(b *testing.B) time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		b.Fatal(err)
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// peakRSS returns the process's peak resident memory (Linux), or 0.
func peakRSS(b testing.TB) int64 {
	status, err := os.ReadFile("/proc/self/status")
	if err != nil {
		return 0
	}
	for line := range strings.Lines(string(status)) {
		if rest, ok := strings.CutPrefix(line, "VmHWM:"); ok {
			kb, err := strconv.ParseInt(strings.TrimSuffix(strings.TrimSpace(rest), " kB"), 10, 64)
			if err != nil {
				b.Fatalf("parse VmHWM %q: %v", rest, err)
			}
			return kb << 10
		}
	}
	return 0
}

// BenchmarkMarks rewrites a question of a few sentences, with hyphens and
// inclusive writing: every text indexed and every question asked goes
// through it.
func BenchmarkMarks(b *testing.B) {
	text := []byte(strings.Repeat("Bonjour, y a-t-il quelqu'un qui sait configurer l'e-mail des salarié·e·s sur le portable depuis la mise à jour ? ", 10))
	b.SetBytes(int64(len(text)))
	for b.Loop() {
		marks{}.Filter(text)
	}
}
