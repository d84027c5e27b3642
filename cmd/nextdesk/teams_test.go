package main

import (
	"context"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/nextdesk/nextdesk/internal/fakeslack"
	"github.com/nextdesk/nextdesk/knowledge"
	"github.com/nextdesk/nextdesk/knowledge/sqlite"
)

func readTeams(t *testing.T, dataDir string) knowledge.Teams {
	t.Helper()
	db, err := sqlite.Open(storePath(dataDir))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	teams, err := db.Teams(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	return teams
}

// TestImportTeams imports a teams file whose members include a Slack user
// group, read from the fake Slack; imports again, which replaces the
// teams; and refuses a file with no usable team, keeping the teams.
func TestImportTeams(t *testing.T) {
	srv := fakeslack.New(t)
	for _, id := range []string{"UA1", "UA2", "UA3", "UI1"} {
		srv.AddUser(fakeslack.User{ID: id, Name: strings.ToLower(id)})
	}
	srv.AddUser(fakeslack.User{ID: "UGONE", Name: "gone", Deleted: true})
	srv.AddUserGroup(fakeslack.UserGroup{ID: "S0COMPTA", Handle: "compta", Name: "Comptabilité", Users: []string{"UA2", "UA3"}})
	dir := t.TempDir()
	env := map[string]string{
		"NEXTDESK_DATA_DIR": filepath.Join(dir, "data"), "NEXTDESK_TZ": "Europe/Paris",
		"SLACK_BOT_TOKEN": fakeslack.BotToken, "SLACK_API_URL": srv.URL(),
	}
	file := writeFile(t, "teams.yaml", `teams:
  - name: Comptabilité
    channel: "#compta"
    members: [UA1, "@compta", UGONE, U0NOBODY, "@nobody"]
    topics:
      - name: notes de frais
        words: [note de frais, expense report]
    promises:
      - topic: notes de frais
        first_response: 4h
        resolution: 2j
  - name: IT
    channel: C0IT
    members: [UI1]
    hours: {mon-fri: "8h-19h"}
    escalate: never
    topics:
      - name: accounts
        words: [mot de passe, password]
`)
	out, err := run(t, env, "import", "teams", file)
	if err != nil {
		t.Fatalf("import teams: %v\n%s", err, out)
	}
	for _, want := range []string{
		"2 teams imported (the previous teams are replaced)",
		"Comptabilité: 3 members, 1 topic, 1 promise, channel #compta",
		"IT: 1 member, 1 topic, 0 promises, channel C0IT",
		"4 problems:",
		"line 4: team Comptabilité: Slack has no active user UGONE; left out",
		"line 4: team Comptabilité: Slack has no active user U0NOBODY; left out",
		"line 4: team Comptabilité: Slack has no user group @nobody; left out",
		"line 16: unknown key \"escalate\"",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("the import's report lacks %q:\n%s", want, out)
		}
	}
	// The file's problems and its members' come in the order of their
	// lines, as someone fixing the file reads it.
	if strings.Index(out, "line 16:") < strings.Index(out, "line 4:") {
		t.Errorf("the problems are not in the order of their lines:\n%s", out)
	}
	teams := readTeams(t, env["NEXTDESK_DATA_DIR"])
	if len(teams) != 2 {
		t.Fatalf("teams stored: %+v", teams)
	}
	if diff := cmp.Diff(teams[0].Members, []string{"UA1", "UA2", "UA3"}); diff != "" {
		t.Errorf("Comptabilité's members, with the group's (-got +want):\n%s", diff)
	}
	if p := teams[0].Promises; len(p) != 1 || p[0].Resolution != 18*60*60*1e9 {
		// 2j of a 09:00–18:00 day is 18 working hours.
		t.Errorf("Comptabilité's promise: %+v", p)
	}
	if z := teams[1].Hours.Zone().String(); z != "Europe/Paris" {
		t.Errorf("IT's zone is %s, want NEXTDESK_TZ's", z)
	}
	if len(srv.CallsTo("usergroups.list")) != 1 || len(srv.CallsTo("usergroups.users.list")) != 1 {
		t.Errorf("user groups read %d and %d times, want once each", len(srv.CallsTo("usergroups.list")), len(srv.CallsTo("usergroups.users.list")))
	}

	// Importing again replaces the teams.
	again := writeFile(t, "again.yaml", `teams:
  - name: RH
    members: [UA1]
    topics: [{name: congés, words: [congés, leave]}]
`)
	if out, err := run(t, env, "import", "teams", again); err != nil {
		t.Fatalf("import teams again: %v\n%s", err, out)
	}
	if got := readTeams(t, env["NEXTDESK_DATA_DIR"]); len(got) != 1 || got[0].Name != "RH" {
		t.Errorf("after a re-import: %+v, want RH only", got)
	}

	// A file with no usable team is refused; the teams stay.
	bad := writeFile(t, "bad.yaml", "teams:\n  - members: [UA1]\n")
	out, err = run(t, env, "import", "teams", bad)
	if exitCode(err) != 2 || !strings.Contains(err.Error(), "has no usable team") || !strings.Contains(err.Error(), "line 2: a team without a name") {
		t.Errorf("a file with no usable team: %v\n%s", err, out)
	}
	if got := readTeams(t, env["NEXTDESK_DATA_DIR"]); len(got) != 1 || got[0].Name != "RH" {
		t.Errorf("a refused import changed the teams: %+v", got)
	}

	// Without Slack, a user group is reported and left out.
	delete(env, "SLACK_BOT_TOKEN")
	out, err = run(t, env, "import", "teams", file)
	if err != nil {
		t.Fatalf("import teams without Slack: %v\n%s", err, out)
	}
	if !strings.Contains(out, "user group @compta left out: reading it needs Slack") || !strings.Contains(out, "SLACK_BOT_TOKEN is not set") {
		t.Errorf("without Slack, the report does not say what was left out:\n%s", out)
	}
}
