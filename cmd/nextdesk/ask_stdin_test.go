package main

import (
	"bytes"
	"context"
	"encoding/json"
	"strings"
	"testing"
)

// TestAskFromStdin: `nextdesk ask -` takes a question far too long for a
// command line from standard input, and refuses an endless one.
func TestAskFromStdin(t *testing.T) {
	env := map[string]string{"NEXTDESK_DATA_DIR": t.TempDir()}
	mustRun(t, env, "import", "stackexchange", needShared(t, "stackexchange/coffee"))
	ask := func(stdin string) (string, error) {
		var out, errOut bytes.Buffer
		m := &Main{Stdin: strings.NewReader(stdin), Stdout: &out, Stderr: &errOut, Env: env}
		err := m.Run(context.Background(), []string{"ask", "--json", "-"})
		return out.String(), err
	}

	long := "How much caffeine is in an espresso shot?\n" + strings.Repeat("log line that says nothing useful at all\n", 1<<20/40)
	out, err := ask(long)
	if err != nil {
		t.Fatal(err)
	}
	var a answerView
	if err := json.Unmarshal([]byte(out), &a); err != nil {
		t.Fatal(err)
	}
	if a.Question != long || len(a.Similar) == 0 {
		t.Errorf("a %d-byte question read from stdin: asked %d bytes, found %d similar questions", len(long), len(a.Question), len(a.Similar))
	}

	if _, err := ask(strings.Repeat("x", maxQuestion+1)); err == nil || exitCode(err) != 2 {
		t.Errorf("a question over the limit: err = %v, want a usage error", err)
	}
	if _, err := ask("  \n"); err == nil || exitCode(err) != 2 || !strings.Contains(err.Error(), "no question on standard input") {
		t.Errorf("an empty question: err = %v, want a usage error saying standard input held none", err)
	}
}
