//go:build !cgo

package sqlite

// causeOf: without cgo, go-sqlite3 is a stub whose every call fails.
func causeOf(error) error { return ErrNoSQLite }
