package knowledge_test

import (
	"testing"

	"github.com/nextdesk/nextdesk/index"
	"github.com/nextdesk/nextdesk/knowledge"
)

// companyTeams are three service teams with topics in both languages, as
// a French company would write them.
func companyTeams() knowledge.Teams {
	return knowledge.Teams{
		{Name: "IT", Topics: []knowledge.Topic{
			{Name: "accounts", Words: []string{"mot de passe", "password", "VPN", "compte bloqué", "locked account"},
				Examples: []string{"Comment réinitialiser mon mot de passe ?", "My VPN keeps disconnecting, what can I do?"}},
			{Name: "hardware", Words: []string{"ordinateur portable", "laptop", "écran", "screen", "imprimante", "printer"},
				Examples: []string{"Mon écran ne s'allume plus", "How do I get a new laptop?"}},
		}},
		{Name: "Comptabilité", Topics: []knowledge.Topic{
			{Name: "expenses", Words: []string{"note de frais", "expense report", "remboursement", "reimbursement"},
				Examples: []string{"Comment me faire rembourser un déplacement ?", "How do I submit an expense report?"}},
			{Name: "invoices", Words: []string{"facture", "invoice", "fournisseur", "supplier"},
				Examples: []string{"Une facture fournisseur est en retard de paiement"}},
			{Name: "travel", Words: []string{"déplacement professionnel", "business travel"},
				Examples: []string{"Qui valide un voyage à l'étranger ?", "Who approves trips abroad?"}},
		}},
		{Name: "RH", Topics: []knowledge.Topic{
			{Name: "leave", Words: []string{"congés", "leave", "vacances", "vacation", "RTT"},
				Examples: []string{"Combien de jours de congés me reste-t-il ?", "How many vacation days do I have left?"}},
			{Name: "pay", Words: []string{"fiche de paie", "payslip", "salaire", "salary", "mutuelle"},
				Examples: []string{"Quand la paie est-elle versée ?"}},
		}},
	}
}

func mustAnalyzer(tb testing.TB) *index.Analyzer {
	tb.Helper()
	a, err := index.NewAnalyzer()
	if err != nil {
		tb.Fatal(err)
	}
	return a
}

func TestTopicMatcherRoutes(t *testing.T) {
	m := knowledge.NewTopicMatcher(companyTeams(), mustAnalyzer(t).Terms)
	tests := []struct {
		question    string
		team, topic string // "" when no team should take it
	}{
		// French, with inflections the words do not have.
		{"Bonjour, comment changer mes mots de passe Windows ?", "IT", "accounts"},
		{"Où envoyer mes notes de frais du salon ?", "Comptabilité", "expenses"},
		{"J'ai été remboursé deux fois, que faire ?", "Comptabilité", "expenses"},
		{"Il me reste combien de jours de congé ?", "RH", "leave"},
		{"Ma fiche de paie de novembre est fausse", "RH", "pay"},
		{"Les factures du fournisseur Acme sont-elles payées ?", "Comptabilité", "invoices"},
		// English.
		{"My laptop screen flickers, who can fix it?", "IT", "hardware"},
		{"Where do I send my expense reports?", "Comptabilité", "expenses"},
		{"Has the supplier invoice from Acme been paid?", "Comptabilité", "invoices"},
		{"I cannot connect to the VPN from home", "IT", "accounts"},
		{"How many vacation days are left for me?", "RH", "leave"},
		// Close to an example question, though no word of the topic.
		{"Who needs to approve my trip abroad?", "Comptabilité", "travel"},
		{"Qui doit valider mon voyage en Espagne ?", "Comptabilité", "travel"},
		// Nobody's topic: routed as today.
		{"Quelle est la meilleure méthode pour moudre le café ?", "", ""},
		{"What is the best way to deploy a Julia package?", "", ""},
		{"Comment ça va ?", "", ""},
		{"Comment faire ?", "", ""},
		{"", "", ""},
	}
	for _, tc := range tests {
		t.Run(tc.question, func(t *testing.T) {
			got, ok := m.Best(tc.question)
			if tc.team == "" {
				if ok {
					t.Errorf("Best = %+v, want no team (all: %+v)", got, m.Match(tc.question))
				}
				return
			}
			if !ok || got.Team != tc.team || got.Topic != tc.topic {
				t.Errorf("Best = %+v, %v, want %s/%s (all: %+v)", got, ok, tc.team, tc.topic, m.Match(tc.question))
			}
			if got.Score < knowledge.MinTopicScore || got.Score > 1 {
				t.Errorf("score %v outside [%v, 1]", got.Score, knowledge.MinTopicScore)
			}
		})
	}
}

// TestTopicMatcherAmbiguous leaves to the usual routing a question that
// two teams could take equally.
func TestTopicMatcherAmbiguous(t *testing.T) {
	m := knowledge.NewTopicMatcher(companyTeams(), mustAnalyzer(t).Terms)
	q := "Qui s'occupe des congés et des notes de frais des stagiaires ?"
	matches := m.Match(q)
	if len(matches) < 2 {
		t.Fatalf("Match = %+v, want both Comptabilité and RH", matches)
	}
	if got, ok := m.Best(q); ok {
		t.Errorf("Best = %+v, want no team for a question two teams match alike (%+v)", got, matches)
	}
}

// TestTopicMatcherSpecificity checks that a word every team lists weighs
// less than one only a team lists.
func TestTopicMatcherSpecificity(t *testing.T) {
	teams := knowledge.Teams{
		{Name: "A", Topics: []knowledge.Topic{{Name: "a", Words: []string{"access", "badge"}}}},
		{Name: "B", Topics: []knowledge.Topic{{Name: "b", Words: []string{"access", "contract"}}}},
		{Name: "C", Topics: []knowledge.Topic{{Name: "c", Words: []string{"access", "parking"}}}},
	}
	m := knowledge.NewTopicMatcher(teams, mustAnalyzer(t).Terms)
	shared := m.Match("I need access")
	if len(shared) != 3 || shared[0].Score >= knowledge.MinTopicScore {
		t.Errorf("a word every team lists: %+v, want three weak matches", shared)
	}
	if _, ok := m.Best("I need access"); ok {
		t.Error("a word every team lists routed the question to one of them")
	}
	own, ok := m.Best("My badge does not open the door")
	if !ok || own.Team != "A" || own.Score != 1 {
		t.Errorf("a word only A lists: %+v, %v, want A with score 1", own, ok)
	}
}

func TestTopicMatcherNoTeams(t *testing.T) {
	m := knowledge.NewTopicMatcher(nil, mustAnalyzer(t).Terms)
	if got := m.Match("mot de passe"); got != nil {
		t.Errorf("Match with no teams = %+v", got)
	}
}
