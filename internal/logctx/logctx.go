// Package logctx carries log attributes in a context: what a piece of work
// is about (the Slack delivery, the question, the route) is set once where
// it becomes known, and every line logged with that context says it, so an
// operator can follow one event or one question through the logs.
package logctx

import (
	"context"
	"log/slog"
	"strconv"
)

// Attribute keys, stable for log queries.
const (
	EventKey    = "event_id"
	QuestionKey = "question_id"
	RouteKey    = "route_id"
)

type ctxKey struct{}

// With returns ctx carrying attrs as well as those it carried already; an
// attribute replaces an earlier one of the same key.
func With(ctx context.Context, attrs ...slog.Attr) context.Context {
	prev := attrsOf(ctx)
	merged := make([]slog.Attr, 0, len(prev)+len(attrs))
	for _, a := range prev {
		if !has(attrs, a.Key) {
			merged = append(merged, a)
		}
	}
	merged = append(merged, attrs...)
	return context.WithValue(ctx, ctxKey{}, merged)
}

// Event returns ctx about the Slack delivery with the given key.
func Event(ctx context.Context, key string) context.Context {
	if key == "" {
		return ctx
	}
	return With(ctx, slog.String(EventKey, key))
}

// Question returns ctx about the question with the given id.
func Question(ctx context.Context, id string) context.Context {
	if id == "" {
		return ctx
	}
	return With(ctx, slog.String(QuestionKey, id))
}

// Route returns ctx about the route with the given id.
func Route(ctx context.Context, id int64) context.Context {
	if id == 0 {
		return ctx
	}
	return With(ctx, slog.String(RouteKey, strconv.FormatInt(id, 10)))
}

func attrsOf(ctx context.Context) []slog.Attr {
	if ctx == nil {
		return nil
	}
	attrs, _ := ctx.Value(ctxKey{}).([]slog.Attr)
	return attrs
}

func has(attrs []slog.Attr, key string) bool {
	for _, a := range attrs {
		if a.Key == key {
			return true
		}
	}
	return false
}

// Handler adds the attributes of a record's context to the record, then
// passes it to the handler it wraps.
type Handler struct {
	slog.Handler
}

// NewHandler returns h adding the attributes of each record's context.
func NewHandler(h slog.Handler) Handler { return Handler{h} }

// Handle adds ctx's attributes to r and hands it on.
func (h Handler) Handle(ctx context.Context, r slog.Record) error {
	if attrs := attrsOf(ctx); len(attrs) > 0 {
		r = r.Clone()
		r.AddAttrs(attrs...)
	}
	return h.Handler.Handle(ctx, r)
}

// WithAttrs returns the wrapped handler with attrs, still adding the
// context's.
func (h Handler) WithAttrs(attrs []slog.Attr) slog.Handler {
	return Handler{h.Handler.WithAttrs(attrs)}
}

// WithGroup returns the wrapped handler in group name, still adding the
// context's.
func (h Handler) WithGroup(name string) slog.Handler {
	return Handler{h.Handler.WithGroup(name)}
}
