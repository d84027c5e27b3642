package slackexport_test

import (
	"archive/zip"
	"bytes"
	"compress/flate"
	"context"
	"hash/crc32"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"

	"github.com/nextdesk/nextdesk/importer"
	"github.com/nextdesk/nextdesk/importer/slackexport"
)

// bombZip writes an export whose day files are each n bytes of JSON
// whitespace, compressed once and stored raw under every name, so that
// building it costs one compression.
func bombZip(tb testing.TB, n int, days int) string {
	tb.Helper()
	content := append(append([]byte("["), bytes.Repeat([]byte(" "), n-2)...), ']')
	var compressed bytes.Buffer
	fw, _ := flate.NewWriter(&compressed, flate.BestCompression)
	fw.Write(content)
	fw.Close()
	var out bytes.Buffer
	zw := zip.NewWriter(&out)
	for name, body := range map[string]string{
		"users.json":    `[{"id": "U1", "name": "a"}, {"id": "U2", "name": "b"}]`,
		"channels.json": `[{"id": "C1", "name": "general"}]`,
		"general/2021-01-06.json": `[{"user": "U1", "ts": "1609891200.000100", "thread_ts": "1609891200.000100", "text": "a real question?"},
			{"user": "U2", "ts": "1609891201.000100", "thread_ts": "1609891200.000100", "text": "a real answer"}]`,
	} {
		w, _ := zw.Create(name)
		w.Write([]byte(body))
	}
	for d := range days {
		w, err := zw.CreateRaw(&zip.FileHeader{
			Name: "general/2021-02-" + string(rune('1'+d/9)) + string(rune('1'+d%9)) + ".json", Method: zip.Deflate,
			CRC32: crc32.ChecksumIEEE(content), CompressedSize64: uint64(compressed.Len()), UncompressedSize64: uint64(len(content)),
		})
		if err != nil {
			tb.Fatal(err)
		}
		w.Write(compressed.Bytes())
	}
	zw.Close()
	path := filepath.Join(tb.TempDir(), "bomb.zip")
	if err := os.WriteFile(path, out.Bytes(), 0o600); err != nil {
		tb.Fatal(err)
	}
	return path
}

// TestImportRefusesZipBombs: an export of about a megabyte whose day files
// expand to 60 MB of whitespace each took 1.6 GB and 9 s to import. Now
// memory follows the archive: the bombs are skipped, named, and the real
// thread beside them imported.
func TestImportRefusesZipBombs(t *testing.T) {
	path := bombZip(t, 60<<20, 16)
	info, _ := os.Stat(path)
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	var c importer.Collector
	rep, err := slackexport.Import(context.Background(), path, &c, slackexport.Options{})
	runtime.ReadMemStats(&after)
	if err != nil {
		t.Fatal(err)
	}
	if allocated := after.TotalAlloc - before.TotalAlloc; allocated > 32<<20 {
		t.Errorf("importing a %d KB archive allocated %d MB", info.Size()>>10, allocated>>20)
	}
	if rep.Skipped["suspicious_file"] != 16 || len(c.Questions) != 1 {
		t.Errorf("skipped %v, %d questions; want 16 suspicious files skipped and the real question kept", rep.Skipped, len(c.Questions))
	}
	if len(rep.Problems) == 0 || !strings.Contains(rep.Problems[0], "expands") {
		t.Errorf("problems %v do not say why", rep.Problems)
	}
}

// FuzzImportArchive feeds whole archives to the importer: whatever the
// bytes (headers that lie about sizes, broken compression, bombs), it must
// not panic, must return either an EINVALID error or a report, and must
// keep only well-formed questions. Seeds under testdata/fuzz include the
// whitespace bomb.
func FuzzImportArchive(f *testing.F) {
	files, _ := helpExport(f)
	valid, err := os.ReadFile(MustZip(f, files))
	if err != nil {
		f.Fatal(err)
	}
	f.Add(valid)
	f.Fuzz(func(t *testing.T, data []byte) {
		path := filepath.Join(t.TempDir(), "export.zip")
		if err := os.WriteFile(path, data, 0o600); err != nil {
			t.Fatal(err)
		}
		var c importer.Collector
		rep, err := slackexport.Import(context.Background(), path, &c, slackexport.Options{})
		if err != nil {
			return // refused as a whole: not a readable archive
		}
		if rep.Questions != len(c.Questions) {
			t.Errorf("report counts %d questions, %d written", rep.Questions, len(c.Questions))
		}
		for _, q := range c.Questions {
			if q.ID == "" || q.Asker == "" || len(q.Answers) == 0 {
				t.Errorf("question %+v: no id, no asker or no answer", q)
			}
			for _, a := range q.Answers {
				if a.Answerer == q.Asker {
					t.Errorf("question %s: the asker answers themselves", q.ID)
				}
			}
		}
	})
}
