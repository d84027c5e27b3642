package digest

import (
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/nextdesk/nextdesk/blockkit"
	"github.com/nextdesk/nextdesk/i18n"
)

func TestTerms(t *testing.T) {
	for _, c := range []struct {
		text string
		want map[string]string
	}{
		{"How do I deploy the Kubernetes cluster?", map[string]string{"deploy": "deploy", "kubernete": "kubernetes", "cluster": "cluster"}},
		{"Comment déployer l'API sur le serveur de l'équipe ?", map[string]string{"deployer": "déployer", "api": "api", "serveur": "serveur", "equipe": "équipe"}},
		{"Servers and server's logs", map[string]string{"server": "servers", "log": "logs"}},
		{"@user-abc1 see https://example.com/x and a@b.fr :white_check_mark: :+1:", map[string]string{}},
		{"node.js vs c++ and c# in 2021, v1.6", map[string]string{"node.js": "node.js", "c++": "c++", "c#": "c#", "v1.6": "v1.6"}},
		{"Merci, ça marche pas. Quelqu'un sait ?", map[string]string{}},
		{"Le déploiement échoue sur le cluster", map[string]string{"deploiement": "déploiement", "echoue": "échoue", "cluster": "cluster"}},
		{"don't it's qu'il jusqu'à", map[string]string{}},
		{"I’ve tried, it’s l’équipe’s", map[string]string{"equipe": "équipe"}},
		{"PostgreSQL — postgresql, POSTGRESQL", map[string]string{"postgresql": "postgresql"}},
		{"class glass access", map[string]string{"class": "class", "glass": "glass", "access": "access"}},
	} {
		got := terms(c.text)
		if diff := cmp.Diff(got, c.want); diff != "" {
			t.Errorf("terms(%q) (-got +want):\n%s", c.text, diff)
		}
	}
}

func TestTopicCounts(t *testing.T) {
	c := newTopicCounts()
	for _, s := range []string{"Docker docker DOCKER", "docker compose", "Docker build", "compose file"} {
		c.add(s)
	}
	if diff := cmp.Diff(c.recurring(2), []string{"docker", "compose"}); diff != "" {
		t.Errorf("recurring (-got +want):\n%s", diff)
	}
	if c.questions["docker"] != 3 {
		t.Errorf("docker counted in %d questions, want 3 (once per question)", c.questions["docker"])
	}
	// Two questions write "Docker", one "docker": the form shown is the
	// most frequent.
	if got := c.form("docker"); got != "docker" {
		t.Errorf("form(docker) = %q", got)
	}
}

func TestDurationAndDates(t *testing.T) {
	for _, c := range []struct {
		lang string
		d    time.Duration
		want string
	}{
		{i18n.EN, 30 * time.Second, "under a minute"},
		{i18n.EN, 42 * time.Minute, "42 min"},
		{i18n.EN, 2 * time.Hour, "2 h"},
		{i18n.EN, 2*time.Hour + 5*time.Minute, "2 h 5 min"},
		{i18n.FR, 2*time.Hour + 5*time.Minute, "2 h 05"},
		{i18n.EN, 47 * time.Hour, "47 h"},
		{i18n.EN, 36 * time.Hour * 2, "3 days"},
		{i18n.FR, 60 * time.Hour, "3 jours"},
		{i18n.FR, 30 * time.Hour * 2, "3 jours"},
	} {
		if got := duration(c.lang, c.d); got != c.want {
			t.Errorf("duration(%s, %v) = %q, want %q", c.lang, c.d, got, c.want)
		}
	}
	day := func(y int, m time.Month, d int) time.Time { return time.Date(y, m, d, 0, 0, 0, 0, time.UTC) }
	for _, c := range []struct {
		lang        string
		first, last time.Time
		want        string
	}{
		{i18n.EN, day(2026, 11, 16), day(2026, 11, 22), "16–22 Nov 2026"},
		{i18n.FR, day(2026, 11, 30), day(2026, 12, 6), "30 nov. – 6 déc. 2026"},
		{i18n.EN, day(2026, 12, 28), day(2027, 1, 3), "28 Dec 2026 – 3 Jan 2027"},
	} {
		if got := dateRange(c.lang, c.first, c.last); got != c.want {
			t.Errorf("dateRange = %q, want %q", got, c.want)
		}
	}
	if got := i18n.Trn(i18n.FR, "figures.asked", 0); got != "*0* question posée" {
		t.Errorf("French zero = %q", got)
	}
	if got := i18n.Trn(i18n.EN, "figures.asked", 0); got != "*0* questions asked" {
		t.Errorf("English zero = %q", got)
	}
}

func TestClipAndEscape(t *testing.T) {
	if got := blockkit.Clip("ééééé", 3); got != "éé…" {
		t.Errorf("clip = %q", got)
	}
	if got := blockkit.Escape("a < b && c > d"); got != "a &lt; b &amp;&amp; c &gt; d" {
		t.Errorf("escape = %q", got)
	}
	if got := blockkit.OneLine("  a\n\n b\tc ", 10); got != "a b c" {
		t.Errorf("oneLine = %q", got)
	}
}
