package desk_test

import (
	"context"
	"slices"
	"time"

	"github.com/nextdesk/nextdesk/knowledge"
	"github.com/nextdesk/nextdesk/knowledge/desk"
)

// The fake store's side of anonymous questions.

// placeRelay records the thread a delivered relay receipt started.
func (s *state) placeRelay(m *desk.Outgoing) {
	a, ok := s.anonymous[m.Place.QuestionID]
	if !ok || a.Asker == "" || a.Relay.Thread != "" {
		return
	}
	a.Relay = desk.Link{Conversation: m.Channel, Thread: m.TS}
	s.anonymous[a.QuestionID] = a
}

func (t *tx) Anonymous(_ context.Context, id string) (desk.Anonymous, error) {
	a, ok := t.st.anonymous[id]
	if !ok {
		return a, notFound("anonymous question")
	}
	return a, nil
}

func (t *tx) AnonymousByRelay(_ context.Context, channel, thread string) (desk.Anonymous, error) {
	for _, a := range t.st.anonymous {
		if thread != "" && a.Relay.Conversation == channel && a.Relay.Thread == thread {
			return a, nil
		}
	}
	return desk.Anonymous{}, notFound("anonymous question")
}

func (t *tx) AnonymousAsked(_ context.Context, person string, since time.Time) ([]time.Time, error) {
	var out []time.Time
	for _, a := range t.st.anonymous {
		if person != "" && a.Asker == person && a.AskedAt.After(since) {
			out = append(out, a.AskedAt)
		}
	}
	slices.SortFunc(out, time.Time.Compare)
	return out, nil
}

func (t *tx) AskedQuestion(_ context.Context, id string) (knowledge.Question, error) {
	q, ok := t.st.questions[id]
	if !ok {
		return q, notFound("question")
	}
	return q, nil
}

func (t *tx) AddAnonymous(_ context.Context, a desk.Anonymous) error {
	if a.QuestionID == "" || a.Asker == "" {
		return knowledge.Errorf(knowledge.EINVALID, "An anonymous question needs an id and an asker.")
	}
	if _, ok := t.st.anonymous[a.QuestionID]; ok {
		return knowledge.Errorf(knowledge.ECONFLICT, "That question is already asked.")
	}
	t.st.anonymous[a.QuestionID] = a
	return nil
}

func (t *tx) ForgetAnonymous(_ context.Context, before time.Time) (int64, error) {
	var n int64
	for id, a := range t.st.anonymous {
		if a.Asker != "" && a.AskedAt.Before(before) {
			a.Asker, a.Relay = "", desk.Link{}
			t.st.anonymous[id] = a
			n++
		}
	}
	return n, nil
}

func (t *tx) AnonymousChoice(_ context.Context, person string) (time.Time, error) {
	return t.st.choices[person], nil
}

func (t *tx) SetAnonymousChoice(_ context.Context, person string, until time.Time) error {
	if person == "" {
		return knowledge.Errorf(knowledge.EINVALID, "A choice to ask anonymously needs a person.")
	}
	if until.IsZero() {
		delete(t.st.choices, person)
	} else {
		t.st.choices[person] = until
	}
	return nil
}

func (t *tx) ForgetAnonymousChoices(_ context.Context, before time.Time) (int64, error) {
	return deleteBefore(t.st.choices, before), nil
}
