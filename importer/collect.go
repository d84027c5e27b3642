package importer

import (
	"context"
	"reflect"
	"time"

	"github.com/nextdesk/nextdesk/knowledge"
)

// Collector is a Sink that keeps a whole import in memory, for callers that
// want the dataset itself (the eval command, tests). It behaves like the
// store: records are upserted by id, so importing twice changes nothing;
// loose answers are merged into their questions; an answer whose question is
// unknown is counted as an orphan and dropped.
//
// Like a store with foreign keys, it rejects a batch whose question refers to
// a conversation or person that no batch (this one included) has brought, so
// an importer that writes records out of order fails its tests. The zero
// Collector is ready to use; it is not safe for concurrent use.
type Collector struct {
	// People, Conversations and Questions hold the records in the order
	// they were first imported.
	People        []knowledge.Person
	Conversations []knowledge.Conversation
	Questions     []knowledge.Question

	people, conversations, questions map[string]int
}

// Import merges b into the collection and reports how many questions and
// answers were new or changed. It returns an error of code
// knowledge.EINVALID, and keeps nothing of b, when a record has an empty id
// or a question refers to an unknown person or conversation.
func (c *Collector) Import(ctx context.Context, b knowledge.Batch) (knowledge.ImportResult, error) {
	if err := ctx.Err(); err != nil {
		return knowledge.ImportResult{}, err
	}
	if err := c.check(b); err != nil {
		return knowledge.ImportResult{}, err
	}
	if c.people == nil {
		c.people = make(map[string]int)
		c.conversations = make(map[string]int)
		c.questions = make(map[string]int)
	}
	for _, p := range b.People {
		upsert(&c.People, c.people, p.ID, p)
	}
	for _, cv := range b.Conversations {
		upsert(&c.Conversations, c.conversations, cv.ID, cv)
	}
	var res knowledge.ImportResult
	for _, q := range b.Questions {
		answers := q.Answers
		q.Answers = nil
		i, ok := c.questions[q.ID]
		if !ok {
			c.questions[q.ID] = len(c.Questions)
			c.Questions = append(c.Questions, q)
			res.Questions++
			i = len(c.Questions) - 1
		} else {
			q.Answers = c.Questions[i].Answers
			if !reflect.DeepEqual(c.Questions[i], q) {
				c.Questions[i] = q
				res.Questions++
			}
		}
		for _, a := range answers {
			if mergeAnswer(&c.Questions[i], a) {
				res.Answers++
			}
		}
	}
	for _, qa := range b.Answers {
		i, ok := c.questions[qa.QuestionID]
		if !ok {
			res.Orphans++
			continue
		}
		if mergeAnswer(&c.Questions[i], qa.Answer) {
			res.Answers++
		}
	}
	return res, nil
}

// check validates b against what is already collected, before anything of
// it is kept, so a rejected batch leaves the collection as it was.
func (c *Collector) check(b knowledge.Batch) error {
	people := make(map[string]bool, len(b.People))
	for _, p := range b.People {
		if p.ID == "" {
			return knowledge.Errorf(knowledge.EINVALID, "A person has no id.")
		}
		people[p.ID] = true
	}
	conversations := make(map[string]bool, len(b.Conversations))
	for _, cv := range b.Conversations {
		if cv.ID == "" {
			return knowledge.Errorf(knowledge.EINVALID, "A conversation has no id.")
		}
		if !cv.Kind.Valid() {
			return knowledge.Errorf(knowledge.EINVALID, "Conversation %s has unknown kind %q.", cv.ID, cv.Kind)
		}
		conversations[cv.ID] = true
	}
	knownPerson := func(id string) bool { _, ok := c.people[id]; return ok || people[id] }
	for _, q := range b.Questions {
		if q.ID == "" {
			return knowledge.Errorf(knowledge.EINVALID, "A question has no id.")
		}
		if _, ok := c.conversations[q.Conversation]; !ok && !conversations[q.Conversation] {
			return knowledge.Errorf(knowledge.EINVALID, "Question %s is in unknown conversation %q.", q.ID, q.Conversation)
		}
		if !knownPerson(q.Asker) {
			return knowledge.Errorf(knowledge.EINVALID, "Question %s has unknown asker %q.", q.ID, q.Asker)
		}
		for _, a := range q.Answers {
			if a.ID == "" || !knownPerson(a.Answerer) {
				return knowledge.Errorf(knowledge.EINVALID, "Answer %q to %s has no id or unknown answerer %q.", a.ID, q.ID, a.Answerer)
			}
		}
	}
	for _, qa := range b.Answers {
		if qa.Answer.ID == "" || !knownPerson(qa.Answer.Answerer) {
			return knowledge.Errorf(knowledge.EINVALID, "Answer %q to %s has no id or unknown answerer %q.", qa.Answer.ID, qa.QuestionID, qa.Answer.Answerer)
		}
	}
	return nil
}

func upsert[T any](list *[]T, index map[string]int, id string, v T) {
	if i, ok := index[id]; ok {
		(*list)[i] = v
		return
	}
	index[id] = len(*list)
	*list = append(*list, v)
}

// mergeAnswer upserts a into q's answers by id and reports whether that
// changed anything.
func mergeAnswer(q *knowledge.Question, a knowledge.Answer) bool {
	for i := range q.Answers {
		if q.Answers[i].ID == a.ID {
			if sameAnswer(q.Answers[i], a) {
				return false
			}
			q.Answers[i] = a
			return true
		}
	}
	q.Answers = append(q.Answers, a)
	return true
}

func sameAnswer(x, y knowledge.Answer) bool {
	if !x.Time.Equal(y.Time) {
		return false
	}
	x.Time, y.Time = time.Time{}, time.Time{}
	return x == y
}

// Question returns the collected question with the given id.
func (c *Collector) Question(id string) (knowledge.Question, bool) {
	i, ok := c.questions[id]
	if !ok {
		return knowledge.Question{}, false
	}
	return c.Questions[i], true
}

// Person returns the collected person with the given id.
func (c *Collector) Person(id string) (knowledge.Person, bool) {
	i, ok := c.people[id]
	if !ok {
		return knowledge.Person{}, false
	}
	return c.People[i], true
}

// Conversation returns the collected conversation with the given id.
func (c *Collector) Conversation(id string) (knowledge.Conversation, bool) {
	i, ok := c.conversations[id]
	if !ok {
		return knowledge.Conversation{}, false
	}
	return c.Conversations[i], true
}
