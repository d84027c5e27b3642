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
// when it holds another number of questions).

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
// for the engine's two uses: finding the same question asked before, and
// finding who knows (answers count, more hits).
func BenchmarkSearch(b *testing.B) {
	ix := benchIndex(b)
	g := newCorpusGen(2)
	queries := make([]string, 1000)
	for i := range queries {
		queries[i] = g.query()
	}
	private := make([]string, 20)
	for i := range private {
		private[i] = benchConversation(i)
	}
	for _, bc := range []struct {
		name string
		q    knowledge.SearchQuery
	}{
		{"similar", knowledge.SearchQuery{Limit: 10}},
		{"experts", knowledge.SearchQuery{Limit: 200, AnswerWeight: 0.5}},
		{"experts-private", knowledge.SearchQuery{Limit: 200, AnswerWeight: 0.5, Conversations: private}},
	} {
		b.Run(bc.name, func(b *testing.B) {
			var took []time.Duration
			i := 0
			cpu := cpuTime(b)
			for b.Loop() {
				q := bc.q
				q.Text = queries[i%len(queries)]
				i++
				start := time.Now()
				if _, err := ix.Search(context.Background(), q); err != nil {
					b.Fatal(err)
				}
				took = append(took, time.Since(start))
			}
			b.ReportMetric(ms(cpuTime(b)-cpu)/float64(len(took)), "cpu-ms/op")
			slices.Sort(took)
			b.ReportMetric(ms(took[len(took)/2]), "ms-p50")
			b.ReportMetric(ms(took[len(took)*99/100]), "ms-p99")
			b.ReportMetric(float64(peakRSS(b))/(1<<20), "MB-peak-RSS")
		})
	}
}

// benchIndex opens the search corpus, building it if needed.
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
