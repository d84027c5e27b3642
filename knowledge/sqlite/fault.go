package sqlite

import (
	"context"
	"fmt"
	"sync"
)

// RefuseWrites makes the store refuse writes until restore is called, as
// a fault would: how is "full" for a full disk (a write that needs room
// fails with SQLite's "database or disk is full") or "readonly" for a
// read-only mount (every write fails). It is for fault-injection tests,
// which must see the store fail the way a real disk makes it fail.
func (db *DB) RefuseWrites(ctx context.Context, how string) (restore func() error, err error) {
	var set, reset string
	switch how {
	case "full":
		var pages, limit int64
		if err := db.write.QueryRowContext(ctx, `PRAGMA page_count`).Scan(&pages); err != nil {
			return nil, fmt.Errorf("refuse writes: %w", err)
		}
		if err := db.write.QueryRowContext(ctx, `PRAGMA max_page_count`).Scan(&limit); err != nil {
			return nil, fmt.Errorf("refuse writes: %w", err)
		}
		set, reset = fmt.Sprintf(`PRAGMA max_page_count = %d`, pages), fmt.Sprintf(`PRAGMA max_page_count = %d`, limit)
	case "readonly":
		set, reset = `PRAGMA query_only = true`, `PRAGMA query_only = false`
	default:
		return nil, fmt.Errorf("refuse writes: how is full or readonly, not %q", how)
	}
	if _, err := db.write.ExecContext(ctx, set); err != nil {
		return nil, fmt.Errorf("refuse writes: %w", err)
	}
	var once sync.Once
	return func() (err error) {
		once.Do(func() {
			if _, e := db.write.ExecContext(context.WithoutCancel(ctx), reset); e != nil {
				err = fmt.Errorf("accept writes again: %w", e)
			}
		})
		return err
	}, nil
}
