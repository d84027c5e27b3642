package digest_test

import (
	"context"
	"fmt"
	"math/rand/v2"
	"os"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/nextdesk/nextdesk/digest"
	"github.com/nextdesk/nextdesk/knowledge"
	"github.com/nextdesk/nextdesk/knowledge/sqlite"
	"github.com/nextdesk/nextdesk/knowledge/sqlite/sqlitetest"
)

// benchQuestions is the size of the history BenchmarkCompose reads:
// NEXTDESK_BENCH_DIGEST_QUESTIONS, default 20,000 (about a year of a
// 2,000-person company's questions).
func benchQuestions(b *testing.B) int {
	if s := os.Getenv("NEXTDESK_BENCH_DIGEST_QUESTIONS"); s != "" {
		n, err := strconv.Atoi(s)
		if err != nil || n <= 0 {
			b.Fatalf("NEXTDESK_BENCH_DIGEST_QUESTIONS=%q is not a positive number", s)
		}
		return n
	}
	return 20_000
}

// mustBenchStore writes n questions spread over the 52 weeks up to week
// 47 of 2026, about four in five answered, in words drawn from a
// vocabulary of a thousand; in week 47, a few questions are about gaps
// nobody answered.
func mustBenchStore(b *testing.B, n int) *sqlite.DB {
	b.Helper()
	db := sqlitetest.MustOpen(b)
	rng := rand.New(rand.NewPCG(1, 2))
	vocab := make([]string, 1000)
	for i := range vocab {
		vocab[i] = fmt.Sprintf("term%03d", i)
	}
	words := func(k int) string {
		var s strings.Builder
		for range k {
			s.WriteString(vocab[int(rng.ExpFloat64()*100)%len(vocab)] + " ")
		}
		return s.String()
	}
	end := week47.End(time.UTC)
	ctx := context.Background()
	batch := knowledge.Batch{Conversations: []knowledge.Conversation{{ID: "CHELP", Name: "help", Kind: knowledge.KindPublic}}}
	for i := range n {
		t := end.Add(-time.Duration(rng.Int64N(int64(52 * 7 * 24 * time.Hour))))
		q := knowledge.Question{ID: fmt.Sprintf("q%d", i), Asker: fmt.Sprintf("U%d", rng.IntN(2000)), Conversation: "CHELP",
			Thread: fmt.Sprintf("%d.%06d", t.Unix(), i%1e6), Text: words(20), Time: t}
		switch {
		case i%500 == 0:
			// A gap in week 47: a term nobody answered about, which makes
			// the coverage check read every answered text.
			q.Time = end.Add(-time.Duration(rng.Int64N(int64(7 * 24 * time.Hour))))
			q.Text += fmt.Sprintf(" gap%d", i%3)
		case rng.IntN(5) > 0:
			q.Answers = []knowledge.Answer{{ID: fmt.Sprintf("a%d", i), Answerer: fmt.Sprintf("U%d", rng.IntN(2000)), Text: words(40), Time: t.Add(time.Hour)}}
		}
		batch.Questions = append(batch.Questions, q)
		if len(batch.Questions) == 2000 || i == n-1 {
			if _, err := db.Import(ctx, batch); err != nil {
				b.Fatal(err)
			}
			batch = knowledge.Batch{}
		}
	}
	return db
}

// BenchmarkCompose composes the public digest of one week of a year of
// history: the week's questions, the four weeks before, and one pass over
// every answered question and answer to find the topics nobody covers.
func BenchmarkCompose(b *testing.B) {
	n := benchQuestions(b)
	db := mustBenchStore(b, n)
	ctx := context.Background()
	b.ResetTimer()
	for b.Loop() {
		d, err := digest.Compose(ctx, db, digest.Options{Week: week47})
		if err != nil {
			b.Fatal(err)
		}
		if d.Figures.Asked == 0 || len(d.Uncovered) == 0 {
			b.Fatalf("week 47: %d questions, %d uncovered topics; the benchmark needs both", d.Figures.Asked, len(d.Uncovered))
		}
	}
	b.ReportMetric(float64(n), "questions")
}
