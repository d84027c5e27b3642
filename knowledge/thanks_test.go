package knowledge

import "testing"

func TestThanks(t *testing.T) {
	tests := []struct {
		text string
		want bool
	}{
		{"thanks", true},
		{"Thanks!!", true},
		{"Thank you so much @Bob", true},
		{"thx, that did the trick", true},
		{"ty", true},
		{"Merci !", true},
		{"super merci", true},
		{"MERCI BEAUCOUP", true},
		{"Parfait.", true},
		{"ÇA MARCHE", true},
		{"ça marche, merci", true},
		{"c’est résolu", true},
		{"that worked, cheers", true},
		{"works now", true},
		{"solved", true},
		{"But thank you anyway", true},
		{"thanks, but it still fails", false},
		{"Thanks! However the second case crashes", false},
		{"merci mais ça ne marche toujours pas", false},
		{"ça marche pas", false},
		{"thanks, it doesn’t work though", false},
		{"Thanks in advance", false},
		{"merci d'avance", false},
		{"it works on 1.6 for me", false},
		{"I'm thankful for Julia", false},
		{"mercilessly slow", false},
		{"typo", false},
		{"", false},
	}
	for _, tt := range tests {
		if got := Thanks(tt.text); got != tt.want {
			t.Errorf("Thanks(%q) = %v, want %v", tt.text, got, tt.want)
		}
	}
}

func TestCheckMark(t *testing.T) {
	for _, c := range []struct {
		name string
		want bool
	}{
		{"white_check_mark", true},
		{"heavy_check_mark::skin-tone-3", true},
		{":ballot_box_with_check:", true},
		{"thumbsup", false},
		{"", false},
	} {
		if got := CheckMark(c.name); got != c.want {
			t.Errorf("CheckMark(%q) = %v, want %v", c.name, got, c.want)
		}
	}
}
