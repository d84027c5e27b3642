package synth

import (
	"math/rand/v2"
	"strconv"
	"strings"
	"unicode"
)

// Names by culture, so a person in Montréal is called like one.
var (
	frenchFirst  = strings.Fields("Camille Léa Chloé Manon Inès Jade Louise Zoé Hélène Élodie Margaux Clémence Anaïs Maëlle Océane Amélie Sophie Julie Nathalie Isabelle Céline Aurélie Thomas Lucas Hugo Théo Louis Nathan Mathis Raphaël Jérôme Stéphane François Benoît Gaël Loïc Sébastien Frédéric Éric Nicolas Julien Antoine Maxime Alexandre Guillaume Olivier Mathieu Rémi Cédric Aurélien Quentin Baptiste Noémie Agnès")
	frenchLast   = strings.Fields("Martin Bernard Dubois Thomas Robert Richard Petit Durand Leroy Moreau Simon Laurent Lefèvre Michel Garcia David Bertrand Roux Vincent Fournier Morel Girard André Lefebvre Mercier Dupont Lambert Bonnet François Martinez Legrand Garnier Faure Rousseau Blanc Guérin Muller Henry Roussel Perrin Morin Clément Gauthier Dumont Fontaine Chevalier Robin Benoît Lemaître Brûlé")
	quebecLast   = strings.Fields("Tremblay Gagnon Roy Côté Bouchard Gauthier Morin Lavoie Fortin Gagné Ouellet Pelletier Bélanger Lévesque Bergeron Leblanc Paquette Girard Simard Boucher Caron Beaulieu Cloutier Dubé Poirier")
	englishFirst = strings.Fields("James Mary John Patricia Robert Jennifer Michael Linda William Elizabeth David Barbara Richard Susan Joseph Jessica Oliver Amelia Harry Isla George Ava Jack Emily Charlie Sophie Daniel Grace Samuel Chloe Ethan Hannah Noah Olivia Liam Megan")
	englishLast  = strings.Fields("Smith Johnson Williams Brown Jones Miller Davis Wilson Taylor Anderson Thomas Moore Jackson White Harris Clark Lewis Walker Hall Young Evans Roberts Wright Hughes Green Edwards Cooper O'Brien Murphy Kelly Price Bennett")
	asianFirst   = strings.Fields("Wei Ming Jia Hui Siew Ling Rajesh Priya Nurul Muhammad Arjun Mei Kenji Yuki Hui Min Jun Jie Aisha Farah Kavya Ravi")
	asianLast    = strings.Fields("Tan Lim Lee Ng Wong Chen Goh Chua Ong Koh Teo Kumar Singh Patel Rahman Ismail Nair")
	botNames     = strings.Fields("jira deploybot pagerduty standup-bot github helpdesk sentry zapier polly workflow-builder")
)

// person is what the generator knows of someone beyond their knowledge.Person.
type person struct {
	zone     *zone
	lang     int
	bot      bool
	deleted  bool
	left     int64   // unix time from which a deleted person no longer speaks
	activity float64 // how much they answer, relative to others
	asks     float64 // how much they ask
	// Topics of expertise and how much of their answering goes to each.
	topics  [4]int32
	weights [4]float32
	ntopics int
}

// expertise returns how much p knows topic t, from 0 to 1.
func (p *person) expertise(t int) float64 {
	for k := range p.ntopics {
		if int(p.topics[k]) == t {
			return float64(p.weights[k])
		}
	}
	return 0
}

// speaks reports whether p can ask or answer at unix time t.
func (p *person) speaks(t int64) bool {
	return !p.bot && (!p.deleted || t < p.left)
}

// slackID returns a Slack-like id: a prefix and ten base32 characters.
func slackID(r *rand.PCG, prefix byte) string {
	const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567"
	var b [11]byte
	b[0] = prefix
	x := r.Uint64()
	for i := 1; i < len(b); i++ {
		b[i] = alphabet[x&31]
		x >>= 5
	}
	return string(b[:])
}

// uniqueID draws Slack-like ids until one is new.
func uniqueID(r *rand.PCG, prefix byte, seen map[string]bool) string {
	for {
		id := slackID(r, prefix)
		if !seen[id] {
			seen[id] = true
			return id
		}
	}
}

// personName draws a name fitting a locale and zone.
func personName(r *rand.PCG, locale string, z *zone) string {
	first, last := englishFirst, englishLast
	switch {
	case locale == "fr-CA":
		first, last = frenchFirst, quebecLast
	case strings.HasPrefix(locale, "fr"):
		first, last = frenchFirst, frenchLast
	case z.name == "Asia/Singapore":
		first, last = asianFirst, asianLast
	}
	return first[intn(r, len(first))] + " " + last[intn(r, len(last))]
}

// emailLocal turns a name into the local part of an address: lower case,
// accents dropped ("Hélène Lefèvre" becomes "helene.lefevre").
func emailLocal(name string) string {
	var b strings.Builder
	for _, r := range unaccent.Replace(name) {
		switch {
		case r == ' ':
			b.WriteByte('.')
		case r < unicode.MaxASCII && (unicode.IsLetter(r) || unicode.IsDigit(r) || r == '-'):
			b.WriteRune(unicode.ToLower(r))
		}
	}
	return b.String()
}

// unaccent folds the accented letters of the name lists to ASCII.
var unaccent = strings.NewReplacer("é", "e", "è", "e", "ê", "e", "ë", "e", "É", "E", "à", "a", "â", "a", "ï", "i", "î", "i", "ô", "o", "û", "u", "ü", "u", "ç", "c")

// uniqueEmail returns local@domain, numbered when the name is taken.
func uniqueEmail(local string, taken map[string]int) string {
	taken[local]++
	if n := taken[local]; n > 1 {
		local += strconv.Itoa(n)
	}
	return local + "@example.com"
}
