package sqlite

import (
	"context"
	"flag"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/nextdesk/nextdesk/knowledge"
)

var large = flag.Bool("large", false, "run the read benchmarks on a store of 1,000,000 questions (slow to build)")

// benchPeople is the number of people in benchmark stores, the size of a
// large company's answering population.
const benchPeople = 2000

var (
	benchDir    string
	benchStores sync.Map // store size → *benchStore
)

type benchStore struct {
	once sync.Once
	db   *DB
	err  error
}

func TestMain(m *testing.M) {
	code := m.Run()
	if benchDir != "" {
		os.RemoveAll(benchDir)
	}
	os.Exit(code)
}

// benchSize is the number of questions of the read benchmarks' store.
func benchSize() int {
	if *large {
		return 1_000_000
	}
	return 20_000
}

// openBenchStore returns a store of n generated questions, built once per
// process: a benchmark function runs several times while Go sizes b.N.
func openBenchStore(b *testing.B, n int) *DB {
	b.Helper()
	v, _ := benchStores.LoadOrStore(n, &benchStore{})
	s := v.(*benchStore)
	s.once.Do(func() {
		if benchDir == "" {
			if benchDir, s.err = os.MkdirTemp("", "nextdesk-bench-"); s.err != nil {
				return
			}
		}
		s.db, s.err = Open(filepath.Join(benchDir, fmt.Sprintf("store-%d.db", n)))
		if s.err != nil {
			return
		}
		ctx := context.Background()
		start := time.Now()
		if _, s.err = s.db.Import(ctx, benchConversations()); s.err != nil {
			return
		}
		for i := 0; i < n && s.err == nil; i += 1000 {
			_, s.err = s.db.Import(ctx, benchBatch(i, min(1000, n-i)))
		}
		b.Logf("built a store of %d questions in %v", n, time.Since(start).Round(time.Millisecond))
	})
	if s.err != nil {
		b.Fatal(s.err)
	}
	return s.db
}

// benchConversations is the workspace's people, a public channel and fifty
// private ones, each with forty members.
func benchConversations() knowledge.Batch {
	b := knowledge.Batch{Conversations: []knowledge.Conversation{{ID: "C0", Name: "general", Kind: knowledge.KindPublic}}}
	for p := range benchPeople {
		b.People = append(b.People, knowledge.Person{ID: fmt.Sprintf("U%d", p), TZ: "Europe/Paris"})
	}
	for c := 1; c <= 50; c++ {
		conv := knowledge.Conversation{ID: fmt.Sprintf("G%d", c), Kind: knowledge.KindPrivate}
		for m := range 40 {
			conv.Members = append(conv.Members, fmt.Sprintf("U%d", (c*40+m)%benchPeople))
		}
		b.Conversations = append(b.Conversations, conv)
	}
	return b
}

// benchBatch is n questions with two answers each, one in five in a
// private conversation.
func benchBatch(from, n int) knowledge.Batch {
	b := generated(from, n, benchPeople)
	b.Conversations = nil
	for i := range b.Questions {
		if i%5 == 0 {
			b.Questions[i].Conversation = fmt.Sprintf("G%d", 1+(from+i)%50)
		} else {
			b.Questions[i].Conversation = "C0"
		}
	}
	return b
}

// BenchmarkImport measures bulk import in batches of 1,000 questions with
// two answers each, into a store that grows with b.N.
func BenchmarkImport(b *testing.B) {
	ctx := context.Background()
	db, err := Open(filepath.Join(b.TempDir(), "import.db"))
	if err != nil {
		b.Fatal(err)
	}
	defer db.Close()
	if _, err := db.Import(ctx, benchConversations()); err != nil {
		b.Fatal(err)
	}
	const batch = 1000
	batches := make([]knowledge.Batch, 0, 8)
	b.ResetTimer()
	for i := 0; b.Loop(); i++ {
		b.StopTimer()
		if len(batches) == cap(batches) {
			batches = batches[:0]
		}
		batches = append(batches, benchBatch(i*batch, batch))
		b.StartTimer()
		if _, err := db.Import(ctx, batches[len(batches)-1]); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(b.N*batch)/b.Elapsed().Seconds(), "questions/s")
}

// BenchmarkQuestions measures reading 50 questions with their answers, as
// after a search, for a viewer who belongs to one private conversation.
func BenchmarkQuestions(b *testing.B) {
	ctx := context.Background()
	n := benchSize()
	db := openBenchStore(b, n)
	rng := rand.New(rand.NewPCG(3, 4))
	viewer := knowledge.Viewer{PersonID: "U40"}
	ids := make([]string, 50)
	got := 0
	for b.Loop() {
		for i := range ids {
			ids[i] = fmt.Sprintf("q%d", rng.IntN(n))
		}
		qs, err := db.Questions(ctx, viewer, ids)
		if err != nil {
			b.Fatal(err)
		}
		got += len(qs)
	}
	if got == 0 {
		b.Fatal("no question was visible")
	}
}

// BenchmarkConsult measures the one read a question costs the engine: 50
// questions found with their answers, and the signals around the asker
// and the conversation.
func BenchmarkConsult(b *testing.B) {
	ctx := context.Background()
	n := benchSize()
	db := openBenchStore(b, n)
	rng := rand.New(rand.NewPCG(7, 8))
	ids := make([]string, 50)
	at := epoch.Add(time.Duration(n) * 17 * time.Minute) // just after the last question: the conversation is busy
	people := 0
	for b.Loop() {
		for i := range ids {
			ids[i] = fmt.Sprintf("q%d", rng.IntN(n))
		}
		asker := fmt.Sprintf("U%d", rng.IntN(benchPeople))
		r, err := db.Consult(ctx, knowledge.Viewer{PersonID: asker}, knowledge.Consultation{
			IDs: ids, Asker: asker, Conversation: "C0", At: at, Recent: 30 * 24 * time.Hour,
		})
		if err != nil {
			b.Fatal(err)
		}
		people += len(r.People)
	}
	if people == 0 {
		b.Fatal("no answerer was read")
	}
}

// BenchmarkAnswererStats measures the histories of 100 candidates.
func BenchmarkAnswererStats(b *testing.B) {
	ctx := context.Background()
	db := openBenchStore(b, benchSize())
	rng := rand.New(rand.NewPCG(5, 6))
	ids := make([]string, 100)
	for b.Loop() {
		for i := range ids {
			ids[i] = fmt.Sprintf("U%d", rng.IntN(benchPeople))
		}
		stats, err := db.AnswererStats(ctx, ids)
		if err != nil {
			b.Fatal(err)
		}
		if len(stats) == 0 {
			b.Fatal("no stats")
		}
	}
}

// BenchmarkChangesSince measures reading changes in the pages Sync uses,
// as when the index is rebuilt.
func BenchmarkChangesSince(b *testing.B) {
	ctx := context.Background()
	db := openBenchStore(b, benchSize())
	rev := int64(0)
	for b.Loop() {
		changes, err := db.ChangesSince(ctx, rev, 2000)
		if err != nil {
			b.Fatal(err)
		}
		if len(changes) == 0 {
			rev = 0
			continue
		}
		rev = changes[len(changes)-1].Rev
	}
}
