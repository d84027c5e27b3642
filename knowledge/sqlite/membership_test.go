package sqlite

import (
	"context"
	"testing"
)

// mustRead records the stored conversations ids as just read from the chat
// tool, as they are: their member lists are then trusted.
func mustRead(tb testing.TB, db *DB, ids ...string) {
	tb.Helper()
	ctx := context.Background()
	for _, id := range ids {
		c, err := db.Conversation(ctx, id)
		if err != nil {
			tb.Fatal(err)
		}
		if err := db.CacheConversation(ctx, c, db.now()); err != nil {
			tb.Fatal(err)
		}
	}
}
