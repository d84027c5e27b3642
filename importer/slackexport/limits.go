package slackexport

import (
	"archive/zip"
	"fmt"
)

// Limits on what one file of the archive may expand to, so that memory and
// time follow the size of the export rather than what its headers claim.
// Go's archive/zip fails a file that expands past its declared size, so
// checking the declared size bounds the real one.
const (
	// maxDayFile bounds a day file, which is read whole: a busy channel
	// writes a few megabytes a day.
	maxDayFile = 64 << 20
	// maxListFile bounds users.json and the conversation lists, which are
	// streamed: 50,000 people take about 80 MB.
	maxListFile = 256 << 20
	// maxRatio bounds how many times its compressed size a file may
	// expand to. Real exports stay under 16 (pretty-printed JSON, users.json
	// the most repetitive); a zip bomb of whitespace reaches 1,000.
	maxRatio = 100
	// ratioSlack lets small files expand more: a few kilobytes of zeros
	// cost nothing whatever their ratio.
	ratioSlack = 4 << 10
)

// checkSize returns the reason to skip f ("oversized_file" or
// "suspicious_file") with its description, or "" when f may be read whole
// within limit bytes.
func checkSize(f *zip.File, limit uint64) (reason, detail string) {
	switch size := f.UncompressedSize64; {
	case size > limit:
		return "oversized_file", fmt.Sprintf("%s: expands to %d bytes, more than the %d allowed", f.Name, size, limit)
	case size > ratioSlack && size > maxRatio*f.CompressedSize64:
		return "suspicious_file", fmt.Sprintf("%s: expands %d times (%d bytes from %d), more than the %d times of any real export: a corrupt or hostile archive", f.Name, size/max(1, f.CompressedSize64), size, f.CompressedSize64, maxRatio)
	}
	return "", ""
}
