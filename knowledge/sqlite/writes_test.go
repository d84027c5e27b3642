package sqlite

import (
	"context"
	"fmt"
	"sync/atomic"

	"github.com/nextdesk/nextdesk/knowledge"
	"github.com/nextdesk/nextdesk/knowledge/desk"
)

// The store writes only in the desk's transactions (Once) and in imports.
// Tests that check one write at a time go through these, each a
// transaction of its own under a key of its own.

var testKeys atomic.Int64

// do runs fn in a desk transaction of its own.
func (db *DB) do(ctx context.Context, fn func(*deskTx) error) error {
	_, err := db.Once(ctx, fmt.Sprintf("test:%d", testKeys.Add(1)), func(tx desk.Tx) error { return fn(tx.(*deskTx)) })
	return err
}

func (db *DB) addQuestion(ctx context.Context, q knowledge.Question) error {
	return db.do(ctx, func(tx *deskTx) error { return tx.AddQuestion(ctx, q) })
}

func (db *DB) upsertConversation(ctx context.Context, c knowledge.Conversation) error {
	return db.do(ctx, func(tx *deskTx) error { return tx.UpsertConversation(ctx, c) })
}

func (db *DB) upsertAnswer(ctx context.Context, questionID string, a knowledge.Answer) error {
	return db.do(ctx, func(tx *deskTx) error {
		_, err := tx.UpsertAnswer(ctx, questionID, a)
		return err
	})
}

// deleteAnswer deletes an answer, and returns an ENOTFOUND error if there
// was none.
func (db *DB) deleteAnswer(ctx context.Context, answerID string) error {
	return db.do(ctx, func(tx *deskTx) error {
		found, err := tx.DeleteAnswer(ctx, answerID)
		if err == nil && !found {
			err = errAnswerNotFound()
		}
		return err
	})
}

// setAccepted sets or clears an answer's acceptance: the desk only sets
// it, but the triggers that keep the statistics must hold either way.
func (db *DB) setAccepted(ctx context.Context, answerID string, accepted bool) error {
	return db.do(ctx, func(tx *deskTx) error { return tx.t.setAccepted(ctx, answerID, accepted) })
}

func (db *DB) addThanks(ctx context.Context, answerID string) error {
	return db.do(ctx, func(tx *deskTx) error { return tx.AddThanks(ctx, answerID) })
}

func (db *DB) addRoute(ctx context.Context, r knowledge.Route) (id int64, err error) {
	err = db.do(ctx, func(tx *deskTx) (err error) {
		id, err = tx.AddRoute(ctx, r)
		return err
	})
	return id, err
}

func (db *DB) setRouteOutcome(ctx context.Context, id int64, o knowledge.RouteOutcome) error {
	return db.do(ctx, func(tx *deskTx) error { return tx.SetRouteOutcome(ctx, id, o) })
}

func (db *DB) routes(ctx context.Context, questionID string) (routes []knowledge.Route, err error) {
	err = db.View(ctx, func(r desk.Reader) (err error) {
		routes, err = r.Routes(ctx, questionID)
		return err
	})
	return routes, err
}
