package slackexport

import (
	"archive/zip"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/nextdesk/nextdesk/knowledge"
)

// threadFields are the message fields that make a thread.
var threadFields = []string{"thread_ts", "reply_count", "reply_users", "reply_users_count", "latest_reply", "replies", "parent_user_id", "subscribed", "last_read"}

// Flatten writes to dst a copy of the export at src with its threads
// removed, as an export from before threads would hold the same messages:
// every reply becomes a message of the channel, at its own time. It is how
// `nextdesk eval reconstruct` measures the reconstruction of threads
// against the threads people really made. Day files that are not JSON
// arrays, and records that are not objects, are copied as they are.
func Flatten(src, dst string) (err error) {
	zr, err := zip.OpenReader(src)
	if err != nil {
		return knowledge.Errorf(knowledge.EINVALID, "%s is not a readable zip archive: %v.", src, err)
	}
	defer zr.Close()
	out, err := os.OpenFile(dst, os.O_WRONLY|os.O_CREATE|os.O_TRUNC, 0o600)
	if err != nil {
		return err
	}
	defer func() {
		if cerr := out.Close(); err == nil {
			err = cerr
		}
	}()
	zw := zip.NewWriter(out)
	for _, f := range zr.File {
		if strings.HasSuffix(f.Name, "/") {
			continue
		}
		if reason, detail := checkSize(f, maxListFile); reason != "" {
			return knowledge.Errorf(knowledge.EINVALID, "%s.", detail)
		}
		if err := flattenFile(zw, f); err != nil {
			return fmt.Errorf("flatten %s: %w", f.Name, err)
		}
	}
	return zw.Close()
}

func flattenFile(zw *zip.Writer, f *zip.File) error {
	rc, err := f.Open()
	if err != nil {
		return err
	}
	defer rc.Close()
	data, err := io.ReadAll(rc)
	if err != nil {
		return err
	}
	if _, base, nested := strings.Cut(f.Name, "/"); nested && isDayFile(base) {
		var records []json.RawMessage
		if json.Unmarshal(data, &records) == nil {
			for i, raw := range records {
				var m map[string]json.RawMessage
				if json.Unmarshal(raw, &m) != nil || m == nil {
					continue // not a message: left for the importer to count
				}
				for _, k := range threadFields {
					delete(m, k)
				}
				if string(m["subtype"]) == `"thread_broadcast"` {
					delete(m, "subtype")
				}
				if records[i], err = json.Marshal(m); err != nil {
					return err
				}
			}
			if data, err = json.Marshal(records); err != nil {
				return err
			}
		}
	}
	w, err := zw.Create(f.Name)
	if err != nil {
		return err
	}
	_, err = w.Write(data)
	return err
}
