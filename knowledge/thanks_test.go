package knowledge

import "testing"

func TestThanks(t *testing.T) {
	for _, c := range []struct {
		text string
		want bool
	}{
		{"Thanks!", true},
		{"merci beaucoup", true},
		{"Ça marche, merci", true},
		{"That worked, cheers", true},
		{"thanks in advance", false},
		{"thanks, but it still fails", false},
		{"Merci mais ça ne marche pas", false},
		{"I am thankful for the weather", false},
		{"Any update?", false},
		{"", false},
	} {
		if got := Thanks(c.text); got != c.want {
			t.Errorf("Thanks(%q) = %v, want %v", c.text, got, c.want)
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
