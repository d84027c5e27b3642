package stackexchange_test

import (
	"context"
	"runtime"
	"strings"
	"testing"

	"github.com/nextdesk/nextdesk/importer"
	"github.com/nextdesk/nextdesk/importer/stackexchange"
	"github.com/nextdesk/nextdesk/knowledge"
)

// hugeIDs is two rows whose ids are near 2³¹: importing it once took
// 814 MB, the importer's id sets being sized by the largest id.
const hugeIDs = `<?xml version="1.0" encoding="utf-8"?>
<posts>
  <row Id="2147483600" PostTypeId="1" AcceptedAnswerId="2147483646" CreationDate="2015-01-01T00:00:00.000" OwnerUserId="2147483000" Title="Big ids?" Body="&lt;p&gt;Why?&lt;/p&gt;" />
  <row Id="2147483646" PostTypeId="2" ParentId="2147483600" CreationDate="2015-01-02T00:00:00.000" OwnerUserId="2147483001" Body="&lt;p&gt;Because.&lt;/p&gt;" />
</posts>`

// TestImportMemoryFollowsRows: ids near 2³¹ cost what two rows cost.
func TestImportMemoryFollowsRows(t *testing.T) {
	dir := MustDump(t, "big", map[string]string{"Posts.xml": hugeIDs})
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	var c importer.Collector
	_, err := stackexchange.Import(context.Background(), dir, &c, stackexchange.Options{})
	runtime.ReadMemStats(&after)
	if err != nil {
		t.Fatal(err)
	}
	if allocated := after.TotalAlloc - before.TotalAlloc; allocated > 4<<20 {
		t.Errorf("importing two rows allocated %d MB", allocated>>20)
	}
	q, ok := c.Question("se:big:2147483600")
	if !ok || len(q.Answers) != 1 || !q.Answers[0].Accepted {
		t.Errorf("question with huge ids = %+v, want it with its accepted answer", q)
	}
}

// FuzzImport feeds arbitrary Posts.xml and Users.xml to the importer: it
// must not panic, must refuse malformed XML with an EINVALID error, and
// must keep only well-formed questions. The seeds under testdata/fuzz
// include the rows with ids near 2³¹.
func FuzzImport(f *testing.F) {
	f.Add(hugeIDs, "")
	f.Add(`<posts><row Id="1" PostTypeId="1" CreationDate="2015-01-01T00:00:00" OwnerUserId="5" Title="t" Body="&lt;b&gt;x" Tags="&lt;a&gt;&lt;b&gt;"/><row Id="2" PostTypeId="2" ParentId="1" CreationDate="2015-01-01T00:00:01.5" OwnerUserId="6" Body="y"/></posts>`,
		`<users><row Id="5" DisplayName="Ana"/><row Id="-1" DisplayName="Community"/><row Id="x"/></users>`)
	f.Add(`<posts><row Id="3" PostTypeId="2" ParentId="9" OwnerUserId="1" CreationDate="2015-01-01T00:00:00"/><row Id="9" PostTypeId="1" AcceptedAnswerId="3" OwnerUserId="2" CreationDate="2015-01-01T00:00:00"/></posts>`, "")
	f.Fuzz(func(t *testing.T, posts, users string) {
		files := map[string]string{"Posts.xml": posts}
		if users != "" {
			files["Users.xml"] = users
		}
		dir := MustDump(t, "fuzz", files)
		var c importer.Collector
		rep, err := stackexchange.Import(context.Background(), dir, &c, stackexchange.Options{})
		if err != nil {
			if knowledge.ErrorCode(err) != knowledge.EINVALID {
				t.Fatalf("Import: %v, want an EINVALID error or none", err)
			}
			return
		}
		if rep.Questions != len(c.Questions) {
			t.Errorf("report counts %d questions, %d written", rep.Questions, len(c.Questions))
		}
		for _, q := range c.Questions {
			if !strings.HasPrefix(q.ID, "se:fuzz:") || q.Asker == "" {
				t.Errorf("question %+v: bad id or no asker", q)
			}
			accepted := 0
			for _, a := range q.Answers {
				if a.Accepted {
					accepted++
				}
			}
			if accepted > 1 {
				t.Errorf("question %s has %d accepted answers", q.ID, accepted)
			}
		}
	})
}
