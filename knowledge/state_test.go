package knowledge

import (
	"maps"
	"slices"
	"testing"
)

// TestStatesAndActions reads the states and the actions of texts: a
// participle after "be", "get" or "être", or ending a question asked by
// inverting its subject, and the verb a question asking how opens with;
// neither in a question asking how in the passive, how often, or where or
// when.
func TestStatesAndActions(t *testing.T) {
	for _, c := range []struct {
		text            string
		states, actions []string
	}{
		{"My Okta account is locked", []string{"lock", "locke"}, nil},
		{"I'm locked out, how do I unlock it?", []string{"lock", "locke"}, []string{"unlock"}},
		{"Why is my Slack channel archived?", []string{"archiv", "archive"}, nil},
		{"Has the invoice been paid?", []string{"pay"}, nil},
		{"The VPN got banned", []string{"bann", "banne", "ban"}, nil},
		{"Mon compte est-il bloqué ?", []string{"bloquer"}, nil},
		{"Comment puis-je supprimer un ticket ?", nil, []string{"supprimer"}},
		{"How is the Figma invoice paid?", nil, nil},
		{"How often do you go to the gym?", nil, nil},
		{"How to cancel the gym membership?", nil, []string{"cancel"}},
		{"Where was the licence bought?", nil, nil},
		{"Where should invoices be sent?", nil, nil},
		{"need to cancel a time off request", nil, []string{"cancel"}},
		{"hey, I need to delete a scheduled post", nil, []string{"delete"}},
		{"help me set up the VPN", nil, []string{"set"}},
		{"help me with the VPN", nil, nil},
		{"j'ai besoin de supprimer un post", nil, []string{"supprimer"}},
		{"j'ai besoin d'un badge", nil, nil},
		{"aide-moi à préparer mon entretien", nil, []string{"preparer"}},
		{"I need a new laptop", nil, nil},
	} {
		states, actions := statesAndActions(c.text)
		if got := slices.Sorted(maps.Keys(states)); !slices.Equal(got, sorted(c.states)) {
			t.Errorf("%q: states %q, want %q", c.text, got, sorted(c.states))
		}
		if got := slices.Sorted(maps.Keys(actions)); !slices.Equal(got, sorted(c.actions)) {
			t.Errorf("%q: actions %q, want %q", c.text, got, sorted(c.actions))
		}
	}
}

func sorted(s []string) []string { return slices.Sorted(slices.Values(s)) }

// TestStatedAgainstDone opposes a text saying something is so to one
// asking how to do it, unless either says it both ways or both ask how.
func TestStatedAgainstDone(t *testing.T) {
	for _, c := range []struct {
		a, b    string
		opposed bool
	}{
		{"My Okta account is locked", "How do I lock my Okta account?", true},
		{"Mon compte est verrouillé", "Comment verrouiller mon compte ?", true},
		{"My Okta account is locked, how do I unlock it?", "How do I unlock my Okta account?", false},
		{"Docker is installed: how do I install the plugin?", "How do I install Docker?", false},
		{"Docker is installed, how do I install the plugin?", "How do I install Docker?", false},
		{"How is the Figma invoice paid?", "How do I pay the Figma invoice?", false},
		{"Is the report approved?", "Is the report approved by finance?", false},
	} {
		if got := statedAgainstDone(polarityOf(c.a), polarityOf(c.b)); got != c.opposed {
			t.Errorf("%q against %q: opposed %v, want %v", c.a, c.b, got, c.opposed)
		}
	}
}

// TestParticlesTurnWords reads the particles after a word: different ones
// make different verbs, alike ones ("out" and "down" of a service) and a
// particle after the object the same.
func TestParticlesTurnWords(t *testing.T) {
	for _, c := range []struct {
		a, b    string
		opposed bool
	}{
		{"How do I roll back the deploy?", "How do I roll out the deploy?", true},
		{"How do I give back my badge?", "How do I give it away, my badge?", true},
		{"How do I scale the cluster up?", "How do I scale the cluster down?", true},
		{"How do I get into the building after hours?", "How do I get out of the building after hours?", true},
		{"How do I log into Okta?", "How do I log in to Okta?", false},
		{"Is the Wi-Fi out?", "Is the Wi-Fi down?", false},
		{"How do I log off?", "How do I log out?", false},
		{"How do I set up the printer?", "How do I set the printer up?", false},
		{"How do I turn it off?", "How do I turn off the screen?", false},
	} {
		if got := turnedOpposite(polarityOf(c.a), polarityOf(c.b)); got != c.opposed {
			t.Errorf("%q against %q: opposed %v, want %v", c.a, c.b, got, c.opposed)
		}
	}
}
