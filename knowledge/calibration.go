package knowledge

// calibrate sets each match's Confidence and Sure from its sameness.
func (e *Engine) calibrate(matches []Match) {
	for i := range matches {
		m := &matches[i]
		m.Confidence = m.Sameness
		// An answer nobody confirmed is a weaker promise than one the
		// asker accepted or thanked for.
		if !m.Answer.Accepted && m.Answer.Thanks == 0 {
			m.Confidence *= 0.9
		}
		m.Sure = m.Confidence >= e.Policy.SureConfidence
	}
}
