package knowledge

import "testing"

// TestAskedAfterAComma reads what a question asks when chat puts it after
// a comma, behind the problem or the context it tells first; a clause
// after a comma that describes what came before asks nothing.
func TestAskedAfterAComma(t *testing.T) {
	for _, c := range []struct {
		text string
		want asked
	}{
		{"my badge isn't working anymore, who should i reach out to", askPerson | askOpen | askNegated | askFailing},
		{"My badge stopped working, who do I contact?", askPerson | askOpen | askFailing},
		{"hey, where is the canteen?", askPlace | askOpen},
		{"got a weird email, how do I report it as phishing?", askOpen},
		{"mon badge marche plus, comment je fais ?", askOpen | askFailing},
		{"mon badge marche plus, qui contacter ?", askPerson | askOpen | askFailing},
		{"I tried restarting, which didn't help.", 0},
		{"The Lyon office, where I work, is closing.", 0},
		{"Le bureau de Lyon, où je travaille, ferme.", 0},
		{"Quand je me connecte, ça plante.", askFailing},
	} {
		if got := askedOf(c.text); got != c.want {
			t.Errorf("askedOf(%q) = %b, want %b", c.text, got, c.want)
		}
	}
}
