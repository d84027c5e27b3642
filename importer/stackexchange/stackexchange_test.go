package stackexchange_test

import (
	"context"
	"encoding/xml"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/nextdesk/nextdesk/importer"
	"github.com/nextdesk/nextdesk/importer/stackexchange"
	"github.com/nextdesk/nextdesk/knowledge"
)

const dataDir = "../../../shared/data/stackexchange"

// MustSiteDir returns the directory of a shared dump, skipping the test when
// the shared data is not there.
func MustSiteDir(tb testing.TB, site string) string {
	tb.Helper()
	dir := filepath.Join(dataDir, site)
	if _, err := os.Stat(filepath.Join(dir, "Posts.xml")); err != nil {
		tb.Skipf("shared data missing: %v", err)
	}
	return dir
}

// MustDump writes files into a new directory named site and returns it.
func MustDump(tb testing.TB, site string, files map[string]string) string {
	tb.Helper()
	dir := filepath.Join(tb.TempDir(), site)
	if err := os.Mkdir(dir, 0o755); err != nil {
		tb.Fatal(err)
	}
	for name, content := range files {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(content), 0o644); err != nil {
			tb.Fatal(err)
		}
	}
	return dir
}

// rawCounts is what a plain reading of Posts.xml says the import must give:
// questions and answers that have an owner, answers to kept questions only,
// and accepted answers among those.
type rawCounts struct {
	AllQuestions, AllAnswers, AllAccepted int // before dropping rows with no owner
	Questions, Answers, Accepted          int
}

func countRaw(tb testing.TB, path string) rawCounts {
	tb.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		tb.Fatal(err)
	}
	var doc struct {
		Rows []struct {
			ID       string `xml:"Id,attr"`
			Type     string `xml:"PostTypeId,attr"`
			Parent   string `xml:"ParentId,attr"`
			Owner    string `xml:"OwnerUserId,attr"`
			Accepted string `xml:"AcceptedAnswerId,attr"`
		} `xml:"row"`
	}
	if err := xml.Unmarshal(data, &doc); err != nil {
		tb.Fatal(err)
	}
	var c rawCounts
	keptQ := map[string]string{} // question id → accepted answer id
	for _, r := range doc.Rows {
		if r.Type == "1" {
			c.AllQuestions++
			if r.Accepted != "" {
				c.AllAccepted++
			}
			if r.Owner != "" {
				keptQ[r.ID] = r.Accepted
				c.Questions++
			}
		}
	}
	for _, r := range doc.Rows {
		if r.Type != "2" {
			continue
		}
		c.AllAnswers++
		acc, ok := keptQ[r.Parent]
		if r.Owner == "" || !ok {
			continue
		}
		c.Answers++
		if acc == r.ID {
			c.Accepted++
		}
	}
	return c
}

func TestImportSharedDumps(t *testing.T) {
	tests := []struct {
		site string
		// From the data README, which counted the dumps independently.
		questions, answers, accepted int
	}{
		{"ai", 421, 749, 212},
		{"coffee", 225, 327, -1}, // the README does not say
	}
	for _, tt := range tests {
		t.Run(tt.site, func(t *testing.T) {
			dir := MustSiteDir(t, tt.site)
			raw := countRaw(t, filepath.Join(dir, "Posts.xml"))
			if raw.AllQuestions != tt.questions || raw.AllAnswers != tt.answers || (tt.accepted >= 0 && raw.AllAccepted != tt.accepted) {
				t.Fatalf("raw dump has %d questions, %d answers, %d accepted; README says %d, %d, %d",
					raw.AllQuestions, raw.AllAnswers, raw.AllAccepted, tt.questions, tt.answers, tt.accepted)
			}
			var c importer.Collector
			rep, err := stackexchange.Import(context.Background(), dir, &c, stackexchange.Options{})
			if err != nil {
				t.Fatal(err)
			}
			got := rawCounts{
				AllQuestions: raw.AllQuestions, AllAnswers: raw.AllAnswers, AllAccepted: raw.AllAccepted,
				Questions: len(c.Questions), Answers: countAnswers(c.Questions), Accepted: countAccepted(c.Questions),
			}
			if diff := cmp.Diff(got, raw); diff != "" {
				t.Errorf("collected counts mismatch (-got +want):\n%s", diff)
			}
			if rep.Questions != raw.Questions || rep.Answers != raw.Answers || rep.Accepted != raw.Accepted {
				t.Errorf("report says %d questions, %d answers, %d accepted; want %d, %d, %d",
					rep.Questions, rep.Answers, rep.Accepted, raw.Questions, raw.Answers, raw.Accepted)
			}
			if rep.Written.Orphans != 0 || rep.Orphans != 0 {
				t.Errorf("report has %d orphans, sink %d; want none", rep.Orphans, rep.Written.Orphans)
			}
			conv, ok := c.Conversation("se:" + tt.site)
			if !ok || conv.Kind != knowledge.KindPublic || conv.Name != tt.site {
				t.Errorf("conversation se:%s = %+v, %v; want a public one named after the site", tt.site, conv, ok)
			}
			for _, q := range c.Questions {
				if q.Title == "" || q.Text == "" || strings.Contains(q.Text, "<p>") {
					t.Errorf("question %s has title %q, text %.60q; want both, as plain text", q.ID, q.Title, q.Text)
				}
			}

			// A second run finds everything in place.
			rep2, err := stackexchange.Import(context.Background(), dir, &c, stackexchange.Options{})
			if err != nil {
				t.Fatal(err)
			}
			if rep2.Written != (knowledge.ImportResult{}) || len(c.Questions) != raw.Questions {
				t.Errorf("re-import wrote %+v and left %d questions; want nothing written and %d questions",
					rep2.Written, len(c.Questions), raw.Questions)
			}
		})
	}
}

// TestImportBatchSizeDoesNotMatter imports with batches so small that most
// answers arrive loose, after their question was written, and checks that
// the result is the same as with one batch.
func TestImportBatchSizeDoesNotMatter(t *testing.T) {
	dir := MustSiteDir(t, "coffee")
	var small, large importer.Collector
	for _, run := range []struct {
		c    *importer.Collector
		size int
	}{{&small, 3}, {&large, 1 << 20}} {
		if _, err := stackexchange.Import(context.Background(), dir, run.c, stackexchange.Options{BatchSize: run.size}); err != nil {
			t.Fatal(err)
		}
	}
	if diff := cmp.Diff(small.Questions, large.Questions); diff != "" {
		t.Errorf("small batches mismatch (-got +want):\n%s", diff)
	}
}

func TestImportSpecificQuestion(t *testing.T) {
	var c importer.Collector
	if _, err := stackexchange.Import(context.Background(), MustSiteDir(t, "ai"), &c, stackexchange.Options{}); err != nil {
		t.Fatal(err)
	}
	// Row Id="1" of ai/Posts.xml, read by eye.
	q, ok := c.Question("se:ai:1")
	if !ok {
		t.Fatal("question se:ai:1 missing")
	}
	var accepted []string
	for _, a := range q.Answers {
		if a.Accepted {
			accepted = append(accepted, a.ID)
		}
	}
	got := struct {
		Title, Asker, Thread string
		Tags, Accepted       []string
		Time                 time.Time
		TextStart            string
	}{q.Title, q.Asker, q.Thread, q.Tags, accepted, q.Time, q.Text[:min(len(q.Text), 35)]}
	want := struct {
		Title, Asker, Thread string
		Tags, Accepted       []string
		Time                 time.Time
		TextStart            string
	}{`What is "backprop"?`, "se:ai:8", "1", []string{"neural-networks", "definitions"}, []string{"se:ai:3"},
		time.Date(2016, 8, 2, 15, 39, 14, 947e6, time.UTC), `What does "backprop" mean? I've Goo`}
	if diff := cmp.Diff(got, want); diff != "" {
		t.Errorf("question se:ai:1 mismatch (-got +want):\n%s", diff)
	}
}

func TestImportSmallDump(t *testing.T) {
	const posts = `<?xml version="1.0" encoding="utf-8"?>
<posts>
  <row Id="2" PostTypeId="2" ParentId="3" CreationDate="2015-01-02T10:00:00.000" Score="4" Body="&lt;p&gt;Early &amp;amp; accepted.&lt;/p&gt;" OwnerUserId="20" />
  <row Id="3" PostTypeId="1" AcceptedAnswerId="2" CreationDate="2015-01-01T09:00:00" Score="1" Title="Grind size?" Body="&lt;p&gt;How fine?&lt;/p&gt;" Tags="&lt;grinding&gt;&lt;espresso&gt;" OwnerUserId="10" />
  <row Id="4" PostTypeId="2" ParentId="3" CreationDate="2015-01-03T10:00:00.123" Score="-1" Body="&lt;pre&gt;&lt;code&gt;fine&#xA;  finer&lt;/code&gt;&lt;/pre&gt;" OwnerUserId="30" />
  <row Id="x" PostTypeId="1" CreationDate="2015-01-03T10:00:00" Title="Bad id" Body="b" OwnerUserId="10" />
  <row Id="5" PostTypeId="1" CreationDate="2015-01-03T10:00:00" Title="Orphaned" Body="b" OwnerDisplayName="gone" />
  <row Id="6" PostTypeId="2" ParentId="5" CreationDate="2015-01-03T11:00:00" Body="answer to nobody's question" OwnerUserId="20" />
  <row Id="7" PostTypeId="2" ParentId="3" CreationDate="2015-01-03T11:00:00" Body="no owner" />
  <row Id="8" PostTypeId="4" CreationDate="2015-01-03T11:00:00" Body="tag wiki" OwnerUserId="-1" />
  <row Id="9" PostTypeId="2" ParentId="99" CreationDate="2015-01-04T11:00:00" Body="parent not in dump" OwnerUserId="20" />
  <row Id="10" PostTypeId="1" CreationDate="yesterday" Title="Bad date" Body="b" OwnerUserId="10" />
</posts>`
	const users = `<?xml version="1.0" encoding="utf-8"?>
<users>
  <row Id="-1" DisplayName="Community" />
  <row Id="10" DisplayName="Amélie" Location="Lyon" />
  <row Id="20" DisplayName="Bob" />
  <row Id="zz" DisplayName="Broken" />
</users>`
	dir := MustDump(t, "coffee", map[string]string{"Posts.xml": posts, "Users.xml": users})
	var c importer.Collector
	rep, err := stackexchange.Import(context.Background(), dir, &c, stackexchange.Options{})
	if err != nil {
		t.Fatal(err)
	}
	at := func(day, h, ms int) time.Time { return time.Date(2015, 1, day, h, 0, 0, ms*1e6, time.UTC) }
	wantQuestions := []knowledge.Question{{
		ID: "se:coffee:3", Asker: "se:coffee:10", Conversation: "se:coffee", Thread: "3",
		Title: "Grind size?", Text: "How fine?", Tags: []string{"grinding", "espresso"}, Time: at(1, 9, 0),
		Answers: []knowledge.Answer{
			{ID: "se:coffee:2", Answerer: "se:coffee:20", Text: "Early & accepted.", Time: at(2, 10, 0), Accepted: true, Score: 4},
			{ID: "se:coffee:4", Answerer: "se:coffee:30", Text: "fine\n  finer", Time: at(3, 10, 123), Score: -1},
		},
	}}
	if diff := cmp.Diff(c.Questions, wantQuestions); diff != "" {
		t.Errorf("questions mismatch (-got +want):\n%s", diff)
	}
	wantPeople := []knowledge.Person{
		{ID: "se:coffee:-1", Name: "Community", Bot: true},
		{ID: "se:coffee:10", Name: "Amélie"},
		{ID: "se:coffee:20", Name: "Bob"},
		{ID: "se:coffee:30", Name: "user 30"},
	}
	if diff := cmp.Diff(c.People, wantPeople); diff != "" {
		t.Errorf("people mismatch (-got +want):\n%s", diff)
	}
	wantSkipped := map[string]int{"bad_row": 2, "no_owner": 2, "question_skipped": 1, "other_post_type": 1, "bad_user": 1}
	if diff := cmp.Diff(rep.Skipped, wantSkipped); diff != "" {
		t.Errorf("skipped mismatch (-got +want):\n%s", diff)
	}
	if rep.Orphans != 1 || rep.Written.Orphans != 1 || rep.Records != 14 {
		t.Errorf("report: %d orphans, sink %d, %d records; want 1, 1, 14", rep.Orphans, rep.Written.Orphans, rep.Records)
	}
}

func TestImportErrors(t *testing.T) {
	whole := `<?xml version="1.0" encoding="utf-8"?>
<posts>
  <row Id="1" PostTypeId="1" CreationDate="2015-01-01T09:00:00" Title="t" Body="b" OwnerUserId="10" />
  <row Id="2" PostTypeId="2" ParentId="1" CreationDate="2015-01-01T09:00:00" Body="b" OwnerUserId="10" />
</posts>`
	tests := []struct {
		name     string
		files    map[string]string
		wantText []string // parts of the error message
	}{
		{"no Posts.xml", map[string]string{"Users.xml": "<users/>"}, []string{"has no Posts.xml"}},
		{"truncated in a row", map[string]string{"Posts.xml": whole[:strings.Index(whole, `Body="b" OwnerUserId="10" />
  <row Id="2"`)+6]},
			[]string{"Posts.xml is not well-formed XML", "line 3"}},
		{"truncated between rows", map[string]string{"Posts.xml": strings.TrimSuffix(whole, "</posts>")},
			[]string{"Posts.xml is not well-formed XML", "line 5"}},
		{"malformed Users.xml", map[string]string{"Posts.xml": whole, "Users.xml": "<users><row Id=1/></users>"},
			[]string{"Users.xml is not well-formed XML", "line 1", "byte"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := MustDump(t, "ai", tt.files)
			var c importer.Collector
			_, err := stackexchange.Import(context.Background(), dir, &c, stackexchange.Options{})
			if knowledge.ErrorCode(err) != knowledge.EINVALID {
				t.Fatalf("Import: error %v, want one of code %q", err, knowledge.EINVALID)
			}
			for _, part := range tt.wantText {
				if !strings.Contains(err.Error(), part) {
					t.Errorf("error %q does not say %q", err, part)
				}
			}
		})
	}
}

func TestImportCancelled(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	var c importer.Collector
	if _, err := stackexchange.Import(ctx, MustSiteDir(t, "coffee"), &c, stackexchange.Options{}); err == nil {
		t.Error("Import with a cancelled context succeeded")
	}
}

func countAnswers(qs []knowledge.Question) (n int) {
	for _, q := range qs {
		n += len(q.Answers)
	}
	return n
}

func countAccepted(qs []knowledge.Question) (n int) {
	for _, q := range qs {
		for _, a := range q.Answers {
			if a.Accepted {
				n++
			}
		}
	}
	return n
}

// discard is a Sink that keeps nothing, so benchmarks measure the importer.
type discard struct{}

func (discard) Import(context.Context, knowledge.Batch) (knowledge.ImportResult, error) {
	return knowledge.ImportResult{}, nil
}

func BenchmarkImportAI(b *testing.B) {
	dir := MustSiteDir(b, "ai")
	info, err := os.Stat(filepath.Join(dir, "Posts.xml"))
	if err != nil {
		b.Fatal(err)
	}
	b.SetBytes(info.Size())
	var rows int
	for b.Loop() {
		rep, err := stackexchange.Import(context.Background(), dir, discard{}, stackexchange.Options{})
		if err != nil {
			b.Fatal(err)
		}
		rows = rep.Records
	}
	b.ReportMetric(float64(rows*b.N)/b.Elapsed().Seconds(), "rows/s")
}
