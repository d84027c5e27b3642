package sqlite

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
)

// storeFileMode is the mode of the store and its WAL and shared-memory
// files: they hold private conversations, which no other user of the host
// may read.
const storeFileMode = 0o600

// secureFiles creates the store file at path if it is missing, and makes
// it and its -wal and -shm files readable and writable by their owner
// only, whatever they were. SQLite gives the -wal and -shm files it
// creates the store file's mode, so creating the store 0600 before SQLite
// opens it covers them. It fails when a file cannot be opened for writing
// (a read-only file system, a directory in its place) or is open to others
// and cannot be tightened.
func secureFiles(path string) error {
	f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE, storeFileMode)
	if err != nil {
		return err
	}
	if err := f.Close(); err != nil {
		return err
	}
	for _, name := range []string{path, path + "-wal", path + "-shm"} {
		info, err := os.Stat(name)
		if errors.Is(err, fs.ErrNotExist) {
			continue
		}
		if err != nil {
			return err
		}
		if info.Mode().Perm()&^storeFileMode == 0 {
			continue
		}
		if err := os.Chmod(name, storeFileMode); err != nil {
			return fmt.Errorf("%s is open to other users (mode %04o) and cannot be restricted to its owner: %w", name, info.Mode().Perm(), err)
		}
	}
	return nil
}
