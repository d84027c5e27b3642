package knowledge

// Batch is a unit of imported history, written in one transaction so that an
// interrupted import leaves whole batches behind and a re-run resumes.
// Writing the same batch twice changes nothing: every record has a stable id.
type Batch struct {
	People        []Person
	Conversations []Conversation
	Questions     []Question
	// Answers adds answers to questions written in an earlier batch (or
	// earlier in this one), for sources such as Stack Exchange where an
	// answer may come long after its question.
	Answers []QuestionAnswer
}

// QuestionAnswer is an answer together with the question it answers.
type QuestionAnswer struct {
	QuestionID string
	Answer     Answer
}

// Len returns the number of records in b.
func (b Batch) Len() int {
	return len(b.People) + len(b.Conversations) + len(b.Questions) + len(b.Answers)
}

// ImportResult counts what a Batch write did.
type ImportResult struct {
	Questions int // questions written (new or changed)
	Answers   int // answers written (new or changed)
	// Orphans counts answers whose question is unknown; they are skipped.
	Orphans int
}
