package knowledge

import (
	"slices"
	"testing"
)

// TestRestrictions reads the phrases a question restricts itself with:
// each opens with a restricting word and ends at the next one, at a
// period, or where its clause ends.
func TestRestrictions(t *testing.T) {
	// Each phrase as one word, to see where it begins and ends; the
	// analysis gives nothing for no words.
	whole := func(phrase string) []Word {
		if phrase == "" {
			return nil
		}
		return []Word{{Text: phrase, Terms: []string{phrase}}}
	}
	for _, c := range []struct {
		text string
		want []string
	}{
		{"How long is parental leave for fathers?", []string{"fathers"}},
		{"Who approves expense reports over $5,000?", []string{"$5,000"}},
		{"How do I restart the cluster after an outage, in staging?", []string{"an outage", "staging"}},
		// A period ends a restriction.
		{"Are we having a fire drill at the Lyon site this month?", []string{"the lyon site"}},
		{"On fait une fête pour l'équipe cette année ?", []string{"l'équipe"}},
		// English's "on" restricts; French's is a pronoun.
		{"Can I log on from home?", []string{"home"}},
		{"On a droit à combien de jours pour un déménagement ?", []string{"un déménagement"}},
		// French's "à" says where before a name or a number, and
		// elsewhere completes a verb or a noun.
		{"Comment obtenir une place de parking à Lyon ?", []string{"lyon"}},
		{"Comment réserver une salle au 5e étage ?", []string{"5e étage"}},
		{"Comment adhérer à la mutuelle ?", nil},
		// "De" says whose or where before a name, and elsewhere makes a
		// compound.
		{"Qui gère l'accès à la salle serveur de Nantes ?", []string{"nantes"}},
		{"Comment réserver une salle de réunion ?", nil},
		{"Comment se connecter au wifi dans les locaux de Paris ?", []string{"les locaux de paris"}},
		{"Comment poser un jour de RTT ?", nil},
		// What an English possessive owns restricts of its own.
		{"Does the company pay for French classes for foreign employees' spouses?", []string{"french classes", "foreign employees'", "spouses"}},
		{"Who signs off on my manager's leave?", []string{"my manager's", "leave"}},
		{"Can I come in with what's left of my badge?", []string{"what's left", "my badge"}},
		// French says the day or the time of day with an article.
		{"Est-ce qu'on a le droit de déployer en prod le vendredi ?", []string{"prod", "vendredi"}},
		{"Le parking est ouvert la nuit ?", []string{"nuit"}},
		{"Je peux poser le vendredi en RTT ?", []string{"vendredi", "rtt"}},
		// A condition restricts as a complement does.
		{"Does the referral bonus apply if I refer an intern?", []string{"i refer an intern"}},
		{"La prime marche aussi si je recommande un stagiaire ?", []string{"je recommande un stagiaire"}},
		// Typed on a phone, with the typographic apostrophe.
		{"La prime marche aussi s’il est stagiaire ?", []string{"est stagiaire"}},
		// The "to" of an infinitive restricts nothing; the preposition does.
		{"How much notice do I have to give if I resign?", []string{"i resign"}},
		{"Do I need to send it to the Lyon office?", []string{"the lyon office"}},
	} {
		var got []string
		for _, phrase := range restrictions(c.text, whole) {
			got = append(got, phrase[0].Text)
		}
		if !slices.Equal(got, c.want) {
			t.Errorf("restrictions(%q) = %q, want %q", c.text, got, c.want)
		}
	}
}
