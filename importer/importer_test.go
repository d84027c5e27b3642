package importer_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/nextdesk/nextdesk/importer"
	"github.com/nextdesk/nextdesk/knowledge"
)

var t0 = time.Date(2021, 1, 6, 10, 0, 0, 0, time.UTC)

func person(id string) knowledge.Person { return knowledge.Person{ID: id, Name: "name " + id} }

func answer(id, by string, accepted bool) knowledge.Answer {
	return knowledge.Answer{ID: id, Answerer: by, Text: "answer " + id, Time: t0, Accepted: accepted}
}

func question(id string, answers ...knowledge.Answer) knowledge.Question {
	return knowledge.Question{ID: id, Asker: "p1", Conversation: "c1", Text: "question " + id, Time: t0, Answers: answers}
}

// recorder is a Sink that keeps the batches it is given, and fails from the
// failAt-th on when failAt > 0.
type recorder struct {
	batches []knowledge.Batch
	failAt  int
}

func (r *recorder) Import(_ context.Context, b knowledge.Batch) (knowledge.ImportResult, error) {
	if r.failAt > 0 && len(r.batches)+1 >= r.failAt {
		return knowledge.ImportResult{}, errors.New("disk full")
	}
	r.batches = append(r.batches, b)
	return knowledge.ImportResult{Questions: len(b.Questions), Answers: len(b.Answers)}, nil
}

func TestWriterBatches(t *testing.T) {
	ctx := context.Background()
	var sink recorder
	var rep importer.Report
	w := importer.NewWriter(&sink, 3, &rep, nil)
	steps := []func() error{
		func() error { return w.AddPerson(ctx, person("p1")) },
		func() error {
			return w.AddConversation(ctx, knowledge.Conversation{ID: "c1", Kind: knowledge.KindPublic})
		},
		func() error { return w.AddQuestion(ctx, question("q1")) },
		// q1 was written with the first batch: this answer goes loose.
		func() error { return w.AddAnswer(ctx, "q1", answer("a1", "p1", true)) },
		func() error { return w.AddQuestion(ctx, question("q2")) },
		// q2 is still pending: this answer is attached to it.
		func() error { return w.AddAnswer(ctx, "q2", answer("a2", "p1", false)) },
	}
	for i, step := range steps {
		if err := step(); err != nil {
			t.Fatalf("step %d: %v", i, err)
		}
	}
	if err := w.Flush(ctx); err != nil {
		t.Fatal(err)
	}
	want := []knowledge.Batch{
		{
			People:        []knowledge.Person{person("p1")},
			Conversations: []knowledge.Conversation{{ID: "c1", Kind: knowledge.KindPublic}},
			Questions:     []knowledge.Question{question("q1")},
		},
		{
			Questions: []knowledge.Question{question("q2", answer("a2", "p1", false))},
			Answers:   []knowledge.QuestionAnswer{{QuestionID: "q1", Answer: answer("a1", "p1", true)}},
		},
	}
	if diff := cmp.Diff(sink.batches, want); diff != "" {
		t.Errorf("batches mismatch (-got +want):\n%s", diff)
	}
	wantRep := importer.Report{People: 1, Conversations: 1, Questions: 2, Answers: 2, Accepted: 1, Batches: 2,
		Written: knowledge.ImportResult{Questions: 2, Answers: 1}}
	if diff := cmp.Diff(rep, wantRep); diff != "" {
		t.Errorf("report mismatch (-got +want):\n%s", diff)
	}
}

func TestWriterSinkError(t *testing.T) {
	sink := recorder{failAt: 1}
	var rep importer.Report
	w := importer.NewWriter(&sink, 1, &rep, nil)
	err := w.AddPerson(context.Background(), person("p1"))
	if err == nil || rep.Batches != 0 {
		t.Fatalf("AddPerson with a failing sink: err = %v, batches = %d; want an error and no batch", err, rep.Batches)
	}
}

func TestCollector(t *testing.T) {
	ctx := context.Background()
	first := knowledge.Batch{
		People:        []knowledge.Person{person("p1"), person("p2")},
		Conversations: []knowledge.Conversation{{ID: "c1", Kind: knowledge.KindPublic}},
		Questions:     []knowledge.Question{question("q1", answer("a1", "p2", false))},
	}
	second := knowledge.Batch{
		Answers: []knowledge.QuestionAnswer{
			{QuestionID: "q1", Answer: answer("a2", "p2", true)},
			{QuestionID: "q1", Answer: answer("a1", "p2", false)}, // unchanged
			{QuestionID: "nope", Answer: answer("a3", "p2", false)},
		},
	}
	var c importer.Collector
	tests := []struct {
		batch knowledge.Batch
		want  knowledge.ImportResult
	}{
		{first, knowledge.ImportResult{Questions: 1, Answers: 1}},
		{second, knowledge.ImportResult{Answers: 1, Orphans: 1}},
		// Importing everything again changes nothing, and must not drop
		// the loose answer merged in by the second batch.
		{first, knowledge.ImportResult{}},
		{second, knowledge.ImportResult{Orphans: 1}},
	}
	for i, tt := range tests {
		got, err := c.Import(ctx, tt.batch)
		if err != nil {
			t.Fatalf("import %d: %v", i, err)
		}
		if diff := cmp.Diff(got, tt.want); diff != "" {
			t.Errorf("import %d result mismatch (-got +want):\n%s", i, diff)
		}
	}
	want := []knowledge.Question{question("q1", answer("a1", "p2", false), answer("a2", "p2", true))}
	if diff := cmp.Diff(c.Questions, want); diff != "" {
		t.Errorf("questions mismatch (-got +want):\n%s", diff)
	}
	if p, ok := c.Person("p2"); !ok || p.Name != "name p2" {
		t.Errorf("Person(p2) = %+v, %v; want it collected", p, ok)
	}
}

func TestCollectorRejectsDanglingReferences(t *testing.T) {
	tests := []struct {
		name  string
		batch knowledge.Batch
	}{
		{"unknown conversation", knowledge.Batch{People: []knowledge.Person{person("p1")}, Questions: []knowledge.Question{question("q1")}}},
		{"unknown asker", knowledge.Batch{
			Conversations: []knowledge.Conversation{{ID: "c1", Kind: knowledge.KindPublic}},
			Questions:     []knowledge.Question{question("q1")},
		}},
		{"unknown answerer", knowledge.Batch{
			People:        []knowledge.Person{person("p1")},
			Conversations: []knowledge.Conversation{{ID: "c1", Kind: knowledge.KindPublic}},
			Questions:     []knowledge.Question{question("q1", answer("a1", "p9", false))},
		}},
		{"bad kind", knowledge.Batch{Conversations: []knowledge.Conversation{{ID: "c1", Kind: "channel"}}}},
		{"empty person id", knowledge.Batch{People: []knowledge.Person{{Name: "x"}}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var c importer.Collector
			_, err := c.Import(context.Background(), tt.batch)
			if got := knowledge.ErrorCode(err); got != knowledge.EINVALID {
				t.Errorf("Import: error %v (code %q), want code %q", err, got, knowledge.EINVALID)
			}
			if len(c.People)+len(c.Conversations)+len(c.Questions) != 0 {
				t.Errorf("a rejected batch left records behind: %+v", c)
			}
		})
	}
}

func TestReportSkipAndProblems(t *testing.T) {
	var r importer.Report
	r.Skip("bot")
	r.SkipN("bot", 2)
	r.SkipN("subtype", 0)
	for i := range 150 {
		r.Problem("file %d is broken", i)
	}
	if diff := cmp.Diff(r.Skipped, map[string]int{"bot": 3}); diff != "" {
		t.Errorf("Skipped mismatch (-got +want):\n%s", diff)
	}
	if len(r.Problems) != 100 || r.Problems[99] != "file 99 is broken" {
		t.Errorf("Problems kept %d, last %q; want the first 100", len(r.Problems), r.Problems[len(r.Problems)-1])
	}
}
