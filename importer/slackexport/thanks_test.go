package slackexport

import (
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestMentions(t *testing.T) {
	got := mentions("thanks <@U1> and <@W2|bob>, and <@U1> again; not <#C3> nor <!here>")
	if diff := cmp.Diff(got, []string{"U1", "W2"}); diff != "" {
		t.Errorf("mentions mismatch (-got +want):\n%s", diff)
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
