package slackexport

import (
	"testing"

	"github.com/google/go-cmp/cmp"
)

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
		if got := thanks(tt.text); got != tt.want {
			t.Errorf("thanks(%q) = %v, want %v", tt.text, got, tt.want)
		}
	}
}

func TestMentions(t *testing.T) {
	got := mentions("thanks <@U1> and <@W2|bob>, and <@U1> again; not <#C3> nor <!here>")
	if diff := cmp.Diff(got, []string{"U1", "W2"}); diff != "" {
		t.Errorf("mentions mismatch (-got +want):\n%s", diff)
	}
}

func TestIsCheck(t *testing.T) {
	for name, want := range map[string]bool{
		"white_check_mark": true, "heavy_check_mark::skin-tone-3": true, "ballot_box_with_check": true,
		"check": true, "+1": false, "checkered_flag": false, "x": false,
	} {
		if got := isCheck(name); got != want {
			t.Errorf("isCheck(%q) = %v, want %v", name, got, want)
		}
	}
}

func TestParseTS(t *testing.T) {
	tests := []struct {
		ts     string
		micros int64
		ok     bool
	}{
		{"1609908678.405900", 1609908678405900, true},
		{"1609908678.4", 1609908678400000, true},
		{"1609908678", 1609908678000000, true},
		{"", 0, false},
		{"abc", 0, false},
		{"1609908678.x", 0, false},
		{"+1609908678.+5", 0, false},
		{"-1.000000", 0, false},
		{"1609908678.1234567", 0, false},
		{".5", 0, false},
		{"99999999999999999999.1", 0, false},
	}
	for _, tt := range tests {
		got, ok := parseTS(tt.ts)
		if ok != tt.ok || (ok && got.micros != tt.micros) {
			t.Errorf("parseTS(%q) = %d, %v; want %d, %v", tt.ts, got.micros, ok, tt.micros, tt.ok)
		}
	}
}
