package eval

import (
	"context"
	"encoding/xml"
	"errors"
	"html"
	"io"
	"io/fs"
	"math"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/nextdesk/nextdesk/knowledge"
)

// sharedData is /work/shared/data, reached from this package's directory.
const sharedData = "../../shared/data"

// reference holds the figures of /work/shared/data/README.md, computed
// outside the project on this protocol.
type reference struct {
	tests    int
	testsOff int                // how far the test count may be off
	mrr      map[string]float64 // by baseline name
	hit5     map[string]float64
	tol      float64 // how far MRR and hit@5 may be off
}

// tolerance is how far a baseline may land from the reference: the
// reference tokeniser differs slightly from ours.
const tolerance = 0.03

var stackExchangeReferences = map[string]reference{
	"ai": {
		tests: 43,
		mrr:   map[string]float64{"popularity": 0.262, "profile": 0.212, "documents": 0.270},
		hit5:  map[string]float64{"popularity": 0.372, "profile": 0.279, "documents": 0.372},
		tol:   tolerance,
	},
	"coffee": {
		tests: 21,
		mrr:   map[string]float64{"popularity": 0.085, "profile": 0.066, "documents": 0.098},
		hit5:  map[string]float64{"popularity": 0.048, "profile": 0.095, "documents": 0.095},
		tol:   tolerance,
	},
}

// TestStackExchangeReference checks the protocol and the baselines against
// the reference, on a minimal reading of Posts.xml independent of package
// importer: the figures are checked against the data, not against our
// importer.
func TestStackExchangeReference(t *testing.T) {
	for _, site := range []string{"ai", "coffee"} {
		t.Run(site, func(t *testing.T) {
			qs := loadStackExchange(t, filepath.Join(sharedData, "stackexchange", site, "Posts.xml"), site)
			h, cases := SplitStackExchange(qs)
			rep, err := Run(context.Background(), "stackexchange/"+site, h, cases, Baselines(h))
			if err != nil {
				t.Fatal(err)
			}
			checkReference(t, rep, stackExchangeReferences[site])
		})
	}
}

// checkReference compares rep with the reference figures.
func checkReference(t *testing.T, rep Report, want reference) {
	t.Helper()
	if rep.Tests < want.tests-want.testsOff || rep.Tests > want.tests+want.testsOff {
		t.Errorf("tests = %d, want %d ± %d", rep.Tests, want.tests, want.testsOff)
	}
	// One question more or less moves hit@5 by 1/tests, more than the
	// MRR tolerance on a small site; the reference is rounded.
	hit5Tol := max(want.tol, 1/float64(want.tests)+0.001)
	for name, mrr := range want.mrr {
		got, ok := rep.Rankers[name]
		if !ok {
			t.Errorf("no figures for %s", name)
			continue
		}
		if math.Abs(got.MRR-mrr) > want.tol {
			t.Errorf("%s MRR = %.3f, want %.3f ± %.3f", name, got.MRR, mrr, want.tol)
		}
		if hit5 := want.hit5[name]; math.Abs(got.Hit5-hit5) > hit5Tol {
			t.Errorf("%s hit@5 = %.3f, want %.3f ± %.3f", name, got.Hit5, hit5, hit5Tol)
		}
	}
	var out strings.Builder
	if err := rep.WriteTable(&out); err != nil {
		t.Fatal(err)
	}
	t.Logf("\n%s", out.String())
}

// loadStackExchange reads a Posts.xml the simplest way that gives the
// importer's questions: posts with no owner are skipped (nobody can be
// credited), the accepted answer is the one the question names, and HTML
// is stripped crudely. It is independent of package importer on purpose,
// so the protocol is checked against the data, not against our importer.
func loadStackExchange(tb testing.TB, path, site string) []knowledge.Question {
	tb.Helper()
	f, err := os.Open(path)
	if errors.Is(err, fs.ErrNotExist) {
		tb.Skipf("no shared data: %v", err)
	}
	if err != nil {
		tb.Fatal(err)
	}
	defer f.Close()

	type row struct {
		ID               string `xml:"Id,attr"`
		PostTypeID       string `xml:"PostTypeId,attr"`
		ParentID         string `xml:"ParentId,attr"`
		AcceptedAnswerID string `xml:"AcceptedAnswerId,attr"`
		OwnerUserID      string `xml:"OwnerUserId,attr"`
		CreationDate     string `xml:"CreationDate,attr"`
		Title            string `xml:"Title,attr"`
		Body             string `xml:"Body,attr"`
	}
	tag := regexp.MustCompile(`<[^>]*>`)
	plain := func(s string) string {
		return strings.Join(strings.Fields(html.UnescapeString(tag.ReplaceAllString(s, " "))), " ")
	}
	id := func(n string) string { return "se:" + site + ":" + n }

	var (
		questions []*knowledge.Question
		byID      = make(map[string]*knowledge.Question)
		accepted  = make(map[string]string) // question id → accepted answer post id
		answers   []struct {
			row
			created time.Time
		}
	)
	dec := xml.NewDecoder(f)
	for {
		tok, err := dec.Token()
		if err != nil {
			if errors.Is(err, io.EOF) {
				break
			}
			tb.Fatalf("read %s: %v", path, err)
		}
		start, ok := tok.(xml.StartElement)
		if !ok || start.Name.Local != "row" {
			continue
		}
		var r row
		if err := dec.DecodeElement(&r, &start); err != nil {
			tb.Fatalf("read %s: %v", path, err)
		}
		if r.OwnerUserID == "" {
			continue
		}
		created, err := time.Parse("2006-01-02T15:04:05.999", r.CreationDate)
		if err != nil {
			tb.Fatalf("post %s: %v", r.ID, err)
		}
		switch r.PostTypeID {
		case "1":
			q := &knowledge.Question{
				ID: id(r.ID), Asker: id(r.OwnerUserID), Conversation: "se:" + site,
				Thread: r.ID, Title: plain(r.Title), Text: plain(r.Body), Time: created,
			}
			questions = append(questions, q)
			byID[r.ID] = q
			accepted[r.ID] = r.AcceptedAnswerID
		case "2":
			answers = append(answers, struct {
				row
				created time.Time
			}{r, created})
		}
	}
	for _, r := range answers {
		q := byID[r.ParentID]
		if q == nil {
			continue
		}
		q.Answers = append(q.Answers, knowledge.Answer{
			ID: id(r.ID), Answerer: id(r.OwnerUserID), Text: plain(r.Body), Time: r.created,
			Accepted: accepted[r.ParentID] == r.ID,
		})
	}
	out := make([]knowledge.Question, len(questions))
	for i, q := range questions {
		out[i] = *q
	}
	return out
}

// BenchmarkStackExchange measures a whole evaluation of the three
// baselines on ai.stackexchange: building them on the history and ranking
// every test question.
func BenchmarkStackExchange(b *testing.B) {
	qs := loadStackExchange(b, filepath.Join(sharedData, "stackexchange", "ai", "Posts.xml"), "ai")
	h, cases := SplitStackExchange(qs)
	for b.Loop() {
		if _, err := Run(context.Background(), "ai", h, cases, Baselines(h)); err != nil {
			b.Fatal(err)
		}
	}
}
