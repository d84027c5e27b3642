package sqlite

import (
	"context"
	"errors"
	"fmt"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/nextdesk/nextdesk/knowledge"
	"github.com/nextdesk/nextdesk/knowledge/desk"
)

// mustRead records the stored conversations ids as just read from the chat
// tool, as they are: their member lists are then trusted.
func mustRead(tb testing.TB, db *DB, ids ...string) {
	tb.Helper()
	ctx := context.Background()
	for _, id := range ids {
		c, err := db.Conversation(ctx, id)
		if err != nil {
			tb.Fatal(err)
		}
		if err := db.CacheConversation(ctx, c, db.now()); err != nil {
			tb.Fatal(err)
		}
	}
}

// membershipWorld is a store on a clock the test moves, with one question
// in each of a public channel (C1), a private one (G1: U1 and U2), a DM
// (D1: U1) and a channel shared with another organisation (CS: U1 and the
// outsider UX), each answered by U1.
type membershipWorld struct {
	t   *testing.T
	db  *DB
	now time.Time
}

func newMembershipWorld(t *testing.T) *membershipWorld {
	w := &membershipWorld{t: t, now: epoch}
	w.db = mustOpenTemp(t)
	w.db.Now = func() time.Time { return w.now }
	b := knowledge.Batch{
		People: []knowledge.Person{{ID: "U1"}, {ID: "U2"}, {ID: "U3"}},
		Conversations: []knowledge.Conversation{
			{ID: "C1", Kind: knowledge.KindPublic},
			{ID: "G1", Kind: knowledge.KindPrivate, Members: []string{"U1", "U2"}},
			{ID: "D1", Kind: knowledge.KindDM, Members: []string{"U1"}},
		},
	}
	for _, c := range []string{"C1", "G1", "D1", "CS"} {
		b.Questions = append(b.Questions, knowledge.Question{
			ID: "q-" + c, Asker: "U3", Conversation: c, Text: "question in " + c, Time: epoch.Add(-time.Hour),
			Answers: []knowledge.Answer{{ID: "a-" + c, Answerer: "U1", Text: "answer in " + c, Time: epoch.Add(-time.Minute)}},
		})
	}
	mustImport(t, w.db, b)
	w.cache(knowledge.Conversation{ID: "G1", Kind: knowledge.KindPrivate, Members: []string{"U1", "U2"}}, epoch)
	w.cache(knowledge.Conversation{ID: "CS", Kind: knowledge.KindPublic, Shared: true, Members: []string{"U1", "UX"}}, epoch)
	if err := w.db.CachePerson(context.Background(), knowledge.Person{ID: "UX", Restricted: true}, epoch); err != nil {
		t.Fatal(err)
	}
	return w
}

func (w *membershipWorld) cache(c knowledge.Conversation, at time.Time) {
	w.t.Helper()
	if err := w.db.CacheConversation(context.Background(), c, at); err != nil {
		w.t.Fatal(err)
	}
}

// sees lists, in order, the questions person sees through every read that
// can reach a person; it fails the test if the reads disagree.
func (w *membershipWorld) sees(person string) []string {
	w.t.Helper()
	ctx := context.Background()
	v := knowledge.Viewer{PersonID: person}
	all := []string{"q-C1", "q-CS", "q-D1", "q-G1"}
	ids := func(qs []knowledge.Question) []string {
		out := []string{}
		for _, q := range qs {
			out = append(out, q.ID)
		}
		slices.Sort(out)
		return out
	}
	qs, err := w.db.Questions(ctx, v, all)
	if err != nil {
		w.t.Fatal(err)
	}
	got := ids(qs)
	viewed, err := read(w.t, w.db, func(r desk.Reader) ([]knowledge.Question, error) { return r.Questions(ctx, v, all) })
	if err != nil {
		w.t.Fatal(err)
	}
	answered, err := read(w.t, w.db, func(r desk.Reader) ([]knowledge.Question, error) { return r.AnsweredBy(ctx, v, "U1", 10) })
	if err != nil {
		w.t.Fatal(err)
	}
	asked, err := w.db.QuestionsAsked(ctx, v, epoch.Add(-2*time.Hour), epoch)
	if err != nil {
		w.t.Fatal(err)
	}
	of, err := w.db.QuestionsOf(ctx, v, "U3", 10)
	if err != nil {
		w.t.Fatal(err)
	}
	var texts []string
	err = w.db.EachAnsweredText(ctx, v, func(text string) error {
		if id, ok := strings.CutPrefix(text, "answer in "); ok {
			texts = append(texts, "q-"+id)
		}
		return nil
	})
	if err != nil {
		w.t.Fatal(err)
	}
	slices.Sort(texts)
	for name, other := range map[string][]string{
		"View": ids(viewed), "AnsweredBy": ids(answered), "QuestionsAsked": ids(asked), "QuestionsOf": ids(of),
		"EachAnsweredText": append([]string{}, texts...),
	} {
		if diff := cmp.Diff(other, got); diff != "" {
			w.t.Errorf("%s disagrees with Questions for %q (-%s +Questions):\n%s", name, person, name, diff)
		}
	}
	return got
}

func TestMembershipIsTrustedOnlyWhileFresh(t *testing.T) {
	w := newMembershipWorld(t)
	check := func(when string, want map[string][]string) {
		t.Helper()
		for person, ids := range want {
			if diff := cmp.Diff(w.sees(person), ids); diff != "" {
				t.Errorf("%s, %s sees (-got +want):\n%s", when, person, diff)
			}
		}
	}
	check("just read", map[string][]string{
		"U1": {"q-C1", "q-CS", "q-D1", "q-G1"}, "U2": {"q-C1", "q-CS", "q-G1"}, "U3": {"q-C1", "q-CS"},
		"UX": {"q-CS"}, "": {"q-C1", "q-CS"},
	})
	w.now = epoch.Add(knowledge.DefaultMembershipTTL - time.Nanosecond)
	check("just before the TTL", map[string][]string{"U2": {"q-C1", "q-CS", "q-G1"}, "UX": {"q-CS"}})
	w.now = epoch.Add(knowledge.DefaultMembershipTTL)
	check("once the TTL passed", map[string][]string{
		"U1": {"q-C1", "q-CS", "q-D1"}, "U2": {"q-C1", "q-CS"}, "UX": {}, "": {"q-C1", "q-CS"},
	})
	if got, err := w.db.Scope(context.Background(), knowledge.Viewer{PersonID: "U1"}); err != nil || !slices.Equal(got.Conversations, []string{"D1"}) || got.Restricted {
		t.Errorf("Scope(U1) once the TTL passed = %+v, %v; want only the DM, unrestricted", got, err)
	}
	if got, err := w.db.Scope(context.Background(), knowledge.Viewer{PersonID: "UX"}); err != nil || !got.Restricted {
		t.Errorf("Scope(UX) = %+v, %v; want restricted to the conversations they are in", got, err)
	}
	w.cache(knowledge.Conversation{ID: "G1", Kind: knowledge.KindPrivate, Members: []string{"U2"}}, w.now)
	check("read again", map[string][]string{"U1": {"q-C1", "q-CS", "q-D1"}, "U2": {"q-C1", "q-CS", "q-G1"}})

	w.db.MembershipTTL = time.Second
	w.now = w.now.Add(time.Second)
	check("with a TTL of a second, a second later", map[string][]string{"U2": {"q-C1", "q-CS"}})
}

func TestAReadFromBeforeAnEventOnlyTakesAccessAway(t *testing.T) {
	w := newMembershipWorld(t)
	ctx := context.Background()
	w.now = epoch.Add(time.Minute)
	if err := w.db.do(ctx, func(tx *deskTx) error { return tx.RemoveMember(ctx, "G1", "U2") }); err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(w.sees("U2"), []string{"q-C1", "q-CS"}); diff != "" {
		t.Errorf("U2 after leaving (-got +want):\n%s", diff)
	}
	// A read that began before U2 left, finishing after: it neither brings
	// U2 back nor adds U3, but its removal of U1 stands.
	w.cache(knowledge.Conversation{ID: "G1", Kind: knowledge.KindPrivate, Members: []string{"U2", "U3"}}, epoch.Add(30*time.Second))
	got, err := w.db.Conversation(ctx, "G1")
	if err != nil {
		t.Fatal(err)
	}
	if want := (knowledge.Conversation{ID: "G1", Kind: knowledge.KindPrivate, Read: epoch}); !cmp.Equal(got, want) {
		t.Errorf("G1 after a read from before the event = %+v, want %+v", got, want)
	}
	// A read older than the stored one changes nothing; an export never
	// overrides the chat tool.
	w.cache(knowledge.Conversation{ID: "G1", Kind: knowledge.KindPublic, Members: []string{"U2"}}, epoch.Add(-time.Minute))
	mustImport(t, w.db, knowledge.Batch{Conversations: []knowledge.Conversation{{ID: "G1", Kind: knowledge.KindPublic}}})
	if diff := cmp.Diff(w.sees("U2"), []string{"q-C1", "q-CS"}); diff != "" {
		t.Errorf("U2 after stale copies (-got +want):\n%s", diff)
	}
	// A read after the event is believed whole.
	w.cache(knowledge.Conversation{ID: "G1", Kind: knowledge.KindPrivate, Members: []string{"U2", "U3"}}, w.now.Add(time.Second))
	for _, p := range []string{"U2", "U3"} {
		if diff := cmp.Diff(w.sees(p), []string{"q-C1", "q-CS", "q-G1"}); diff != "" {
			t.Errorf("%s after a read following the event (-got +want):\n%s", p, diff)
		}
	}
}

func TestMadePrivateHidesAChannelFromEveryoneUntilRead(t *testing.T) {
	w := newMembershipWorld(t)
	ctx := context.Background()
	w.cache(knowledge.Conversation{ID: "C1", Kind: knowledge.KindPublic}, epoch)
	rev, err := w.db.Rev(ctx)
	if err != nil {
		t.Fatal(err)
	}
	w.now = epoch.Add(time.Minute)
	if err := w.db.do(ctx, func(tx *deskTx) error { return tx.MakePrivate(ctx, "C1") }); err != nil {
		t.Fatal(err)
	}
	for _, p := range []string{"", "U1", "U3"} {
		if slices.Contains(w.sees(p), "q-C1") {
			t.Errorf("%q still sees #C1 once it was made private", p)
		}
	}
	changes, err := w.db.ChangesSince(ctx, rev, 10)
	if err != nil || len(changes) != 1 || changes[0].Public {
		t.Errorf("changes for the index = %+v, %v; want q-C1 no longer public", changes, err)
	}
	// A read that began before still says public: it may not undo it.
	w.cache(knowledge.Conversation{ID: "C1", Kind: knowledge.KindPublic}, epoch.Add(30*time.Second))
	if slices.Contains(w.sees(""), "q-C1") {
		t.Error("a read from before the conversion made #C1 public again")
	}
	w.cache(knowledge.Conversation{ID: "C1", Kind: knowledge.KindPrivate, Members: []string{"U3"}}, w.now.Add(time.Second))
	if !slices.Contains(w.sees("U3"), "q-C1") || slices.Contains(w.sees("U1"), "q-C1") {
		t.Errorf("after reading #C1's members: U3 sees %v, U1 sees %v; want only U3 to see q-C1", w.sees("U3"), w.sees("U1"))
	}
	// DMs and unknown conversations are left alone.
	if err := w.db.do(ctx, func(tx *deskTx) error {
		return errors.Join(tx.MakePrivate(ctx, "D1"), tx.MakePrivate(ctx, "C404"), tx.MakeShared(ctx, "C404"))
	}); err != nil {
		t.Fatal(err)
	}
	if !slices.Contains(w.sees("U1"), "q-D1") {
		t.Error("making a DM private lost its member")
	}
}

func TestRestrictedPeopleSeeOnlyTheirConversations(t *testing.T) {
	w := newMembershipWorld(t)
	ctx := context.Background()
	// UX in the private channel too.
	w.cache(knowledge.Conversation{ID: "G1", Kind: knowledge.KindPrivate, Members: []string{"U1", "UX"}}, epoch.Add(time.Second))
	if diff := cmp.Diff(w.sees("UX"), []string{"q-CS", "q-G1"}); diff != "" {
		t.Errorf("UX (-got +want):\n%s", diff)
	}
	// Someone the store never met may be a guest or of another
	// organisation: nothing public until the chat tool says who they are.
	if diff := cmp.Diff(w.sees("U404"), []string{}); diff != "" {
		t.Errorf("an unknown person (-got +want):\n%s", diff)
	}
	if err := w.db.CachePerson(ctx, knowledge.Person{ID: "U404"}, epoch); err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(w.sees("U404"), []string{"q-C1", "q-CS"}); diff != "" {
		t.Errorf("a person of the organisation, once read (-got +want):\n%s", diff)
	}
	// An import knows nothing of it and leaves it as the chat tool said.
	mustImport(t, w.db, knowledge.Batch{People: []knowledge.Person{{ID: "UX", Name: "Xavier"}}})
	if p, err := w.db.Person(ctx, "UX"); err != nil || !p.Restricted || p.Name != "Xavier" {
		t.Errorf("UX after an import = %+v, %v; want restricted still", p, err)
	}
	// A guest made a full member sees the public channels.
	if err := w.db.CachePerson(ctx, knowledge.Person{ID: "UX"}, epoch); err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(w.sees("UX"), []string{"q-C1", "q-CS", "q-G1"}); diff != "" {
		t.Errorf("UX made a full member (-got +want):\n%s", diff)
	}
	// Unshared, a public channel keeps no members.
	w.now = epoch.Add(time.Minute)
	w.cache(knowledge.Conversation{ID: "CS", Kind: knowledge.KindPublic, Members: []string{"U1", "UX"}}, w.now)
	if c, err := w.db.Conversation(ctx, "CS"); err != nil || c.Shared || len(c.Members) != 0 {
		t.Errorf("CS unshared = %+v, %v; want public without members", c, err)
	}
}

func TestStaleConversations(t *testing.T) {
	w := newMembershipWorld(t)
	ctx := context.Background()
	w.cache(knowledge.Conversation{ID: "C1", Kind: knowledge.KindPublic}, epoch.Add(-2*time.Hour))
	stale := func(membersBefore, kindBefore time.Time) []string {
		t.Helper()
		cs, err := read(t, w.db, func(r desk.Reader) ([]knowledge.Conversation, error) {
			return r.StaleConversations(ctx, membersBefore, kindBefore, 10)
		})
		if err != nil {
			t.Fatal(err)
		}
		var ids []string
		for _, c := range cs {
			ids = append(ids, c.ID)
		}
		return ids
	}
	// Not D1 (a DM), nor anything without a question.
	if diff := cmp.Diff(stale(epoch.Add(time.Second), epoch.Add(-time.Hour)), []string{"C1", "CS", "G1"}); diff != "" {
		t.Errorf("stale (-got +want):\n%s", diff)
	}
	if diff := cmp.Diff(stale(epoch, epoch.Add(-3*time.Hour)), []string(nil)); diff != "" {
		t.Errorf("nothing due (-got +want):\n%s", diff)
	}
	// A private channel nobody is in is read at the slower pace.
	w.cache(knowledge.Conversation{ID: "G1", Kind: knowledge.KindPrivate}, epoch.Add(time.Millisecond))
	if diff := cmp.Diff(stale(epoch.Add(time.Second), epoch.Add(-time.Hour)), []string{"C1", "CS"}); diff != "" {
		t.Errorf("with G1 lost (-got +want):\n%s", diff)
	}
}

func TestMigrationKeepsWhenConversationsWereRead(t *testing.T) {
	path := filepath.Join(t.TempDir(), "nextdesk.db")
	old, err := openMigrated(path, embedded(t)[:5])
	if err != nil {
		t.Fatal(err)
	}
	for _, stmt := range []string{
		`INSERT INTO conversations (id, name, kind) VALUES ('G1', 'infra', 'private'), ('G2', 'ops', 'private')`,
		`INSERT INTO members (person_id, conversation_id) VALUES ('U1', 'G1'), ('U1', 'G2')`,
		fmt.Sprintf(`INSERT INTO fetched (what, id, at) VALUES ('conversation', 'G1', %d), ('person', 'U1', 1)`, epoch.UnixNano()),
	} {
		if _, err := old.write.Exec(stmt); err != nil {
			t.Fatal(err)
		}
	}
	old.Close()
	db, err := Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	for id, want := range map[string]time.Time{"G1": epoch, "G2": {}} {
		c, err := db.Conversation(context.Background(), id)
		if err != nil || !c.Read.Equal(want) {
			t.Errorf("%s after the migration: read %v (%v), want %v", id, c.Read, err, want)
		}
	}
	if at, err := db.Fetched(context.Background(), "person", "U1"); err != nil || at.IsZero() {
		t.Errorf("a person's fetch time was lost: %v, %v", at, err)
	}
}
