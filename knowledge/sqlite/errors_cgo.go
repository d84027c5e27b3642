//go:build cgo

package sqlite

import (
	"errors"

	"github.com/mattn/go-sqlite3"
)

// causeOf says why SQLite refused to open or read a store, from its error
// code; nil when the code says nothing about the store itself.
func causeOf(err error) error {
	var serr sqlite3.Error
	if !errors.As(err, &serr) {
		return nil
	}
	switch serr.Code {
	case sqlite3.ErrCorrupt, sqlite3.ErrNotADB:
		return ErrCorrupt
	case sqlite3.ErrCantOpen, sqlite3.ErrPerm, sqlite3.ErrReadonly, sqlite3.ErrAuth:
		return ErrAccess
	}
	return nil
}
