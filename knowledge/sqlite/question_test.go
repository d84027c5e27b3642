package sqlite

import (
	"context"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
	"github.com/nextdesk/nextdesk/knowledge"
)

func TestVisibility(t *testing.T) {
	ctx := context.Background()
	db := MustOpen(t)
	mustImport(t, db, fixture())
	all := []string{"q-pub", "q-priv", "q-mpim", "q-dm", "q-lost", "q-none"}
	// The private channel's list came from an export: until the chat tool
	// is read, it gives nobody access.
	if qs, err := db.Questions(ctx, knowledge.Viewer{PersonID: "U1"}, []string{"q-priv"}); err != nil || len(qs) != 0 {
		t.Errorf("a member sees a private channel whose members were never read: %d questions, err %v", len(qs), err)
	}
	mustRead(t, db, "G1")

	tests := []struct {
		viewer knowledge.Viewer
		want   []string
	}{
		{knowledge.Anonymous, []string{"q-pub"}},
		{knowledge.Viewer{PersonID: "U1"}, []string{"q-pub", "q-priv", "q-mpim", "q-dm"}}, // member of all
		{knowledge.Viewer{PersonID: "U2"}, []string{"q-pub", "q-priv", "q-mpim"}},         // not in the DM
		{knowledge.Viewer{PersonID: "U3"}, []string{"q-pub", "q-mpim"}},                   // group DM only
		{knowledge.Viewer{PersonID: "U4"}, []string{"q-pub", "q-dm"}},                     // DM only
		{knowledge.Viewer{PersonID: "U9"}, nil},                                           // unknown: maybe a guest, or of another organisation
	}
	for _, tt := range tests {
		t.Run("viewer "+tt.viewer.PersonID, func(t *testing.T) {
			qs, err := db.Questions(ctx, tt.viewer, all)
			if err != nil {
				t.Fatal(err)
			}
			var got []string
			for _, q := range qs {
				got = append(got, q.ID)
			}
			if diff := cmp.Diff(got, tt.want); diff != "" {
				t.Errorf("Questions (-got +want):\n%s", diff)
			}
			for _, id := range all {
				_, err := db.Question(ctx, tt.viewer, id)
				if slices.Contains(tt.want, id) {
					if err != nil {
						t.Errorf("Question(%s): %v", id, err)
					}
					continue
				}
				wantCode(t, err, knowledge.ENOTFOUND)
				if got, want := knowledge.ErrorMessage(err), "That question does not exist."; got != want {
					t.Errorf("Question(%s) says %q, want %q whether it exists or is hidden", id, got, want)
				}
			}
		})
	}

	changes, err := db.ChangesSince(ctx, 0, 100)
	if err != nil {
		t.Fatal(err)
	}
	public := map[string]bool{}
	for _, c := range changes {
		public[c.Question.ID] = c.Public
	}
	want := map[string]bool{"q-pub": true, "q-priv": false, "q-mpim": false, "q-dm": false, "q-lost": false}
	if diff := cmp.Diff(public, want); diff != "" {
		t.Errorf("ChangesSince Public (-got +want):\n%s", diff)
	}
}

func TestScopeAndConversations(t *testing.T) {
	ctx := context.Background()
	db := MustOpen(t)
	mustImport(t, db, fixture())
	mustRead(t, db, "G1")

	tests := []struct {
		person string
		want   knowledge.Scope
	}{
		{"U1", knowledge.Scope{Conversations: []string{"D1", "G1", "M1"}}}, // not C1: public conversations keep no members
		{"U2", knowledge.Scope{Conversations: []string{"G1", "M1"}}},
		{"U4", knowledge.Scope{Conversations: []string{"D1"}}},
		{"U9", knowledge.Scope{Restricted: true}}, // unknown: maybe a guest, or of another organisation
		{"", knowledge.Scope{}},
	}
	for _, tt := range tests {
		got, err := db.Scope(ctx, knowledge.Viewer{PersonID: tt.person})
		if err != nil {
			t.Fatal(err)
		}
		if diff := cmp.Diff(got, tt.want, cmpopts.EquateEmpty()); diff != "" {
			t.Errorf("Scope(%q) (-got +want):\n%s", tt.person, diff)
		}
	}

	// A member list read later replaces it, dropping U1 from G1.
	later := db.now().Add(time.Second)
	if err := db.upsertConversation(ctx, knowledge.Conversation{ID: "G1", Name: "infra-private", Kind: knowledge.KindPrivate, Members: []string{"U2", "U3", "", "U3"}, Read: later}); err != nil {
		t.Fatal(err)
	}
	got, err := db.Conversation(ctx, "G1")
	if err != nil {
		t.Fatal(err)
	}
	want := knowledge.Conversation{ID: "G1", Name: "infra-private", Kind: knowledge.KindPrivate, Members: []string{"U2", "U3"}, Read: later}
	if diff := cmp.Diff(got, want); diff != "" {
		t.Errorf("Conversation (-got +want):\n%s", diff)
	}
	if _, err := db.Question(ctx, knowledge.Viewer{PersonID: "U1"}, "q-priv"); knowledge.ErrorCode(err) != knowledge.ENOTFOUND {
		t.Errorf("U1 removed from G1 still sees q-priv (err %v)", err)
	}
	_, err = db.Conversation(ctx, "C404")
	wantCode(t, err, knowledge.ENOTFOUND)
	err = db.upsertConversation(ctx, knowledge.Conversation{ID: "X1", Kind: "channel"})
	wantCode(t, err, knowledge.EINVALID)
}

func TestPeople(t *testing.T) {
	ctx := context.Background()
	db := MustOpen(t)
	p := knowledge.Person{ID: "U1", Name: " Zoë\x00 ", Email: "zoe@example.com", TZ: "Europe/Paris", TZOffset: 3600, Locale: "fr-FR"}
	if err := db.UpsertPerson(ctx, p); err != nil {
		t.Fatal(err)
	}
	got, err := db.Person(ctx, "U1")
	if err != nil {
		t.Fatal(err)
	}
	p.Name = "Zoë"
	if diff := cmp.Diff(got, p); diff != "" {
		t.Errorf("Person (-got +want):\n%s", diff)
	}
	p.Deleted = true
	if err := db.UpsertPerson(ctx, p); err != nil {
		t.Fatal(err)
	}
	if got, _ := db.Person(ctx, "U1"); !got.Deleted {
		t.Error("UpsertPerson did not update Deleted")
	}
	_, err = db.Person(ctx, "U2")
	wantCode(t, err, knowledge.ENOTFOUND)
	wantCode(t, db.UpsertPerson(ctx, knowledge.Person{Name: "nobody"}), knowledge.EINVALID)
	people, err := db.People(ctx, nil)
	if err != nil || len(people) != 0 {
		t.Errorf("People(nil) = %v, %v; want empty", people, err)
	}
}

// TestEmptyEmailKeepsTheKnownOne: users.info without users:read.email
// gives no address; caching that must not erase the one an export gave,
// which `import org` resolves people by.
func TestEmptyEmailKeepsTheKnownOne(t *testing.T) {
	ctx := context.Background()
	db := MustOpen(t)
	mustImport(t, db, knowledge.Batch{People: []knowledge.Person{{ID: "U1", Name: "Zoë", Email: "Zoe@Example.com"}}})
	seen := knowledge.Person{ID: "U1", Name: "Zoë Martin", Locale: "fr-FR"}
	if err := db.CachePerson(ctx, seen, time.Now()); err != nil {
		t.Fatal(err)
	}
	got, err := db.Person(ctx, "U1")
	if err != nil {
		t.Fatal(err)
	}
	seen.Email = "Zoe@Example.com"
	if diff := cmp.Diff(got, seen); diff != "" {
		t.Errorf("person after the bot saw them (-got +want):\n%s", diff)
	}
	ids, err := db.ResolvePeople(ctx, []string{"zoe@example.com"})
	if err != nil || ids["zoe@example.com"] != "U1" {
		t.Errorf("ResolvePeople = %v, %v; want zoe@example.com → U1", ids, err)
	}
	// A new address replaces the old one.
	seen.Email = "zoe.martin@example.com"
	if err := db.UpsertPerson(ctx, seen); err != nil {
		t.Fatal(err)
	}
	if got, _ := db.Person(ctx, "U1"); got.Email != seen.Email {
		t.Errorf("e-mail = %q, want the new %q", got.Email, seen.Email)
	}
}

func TestChangesSince(t *testing.T) {
	ctx := context.Background()
	db := MustOpen(t)
	mustImport(t, db, fixture())

	// Every question once, in import order, with its answers.
	changes, err := db.ChangesSince(ctx, 0, 100)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for i, c := range changes {
		got = append(got, c.Question.ID)
		if c.Rev != int64(i+1) {
			t.Errorf("change %d has Rev %d, want %d", i, c.Rev, i+1)
		}
	}
	if diff := cmp.Diff(got, []string{"q-pub", "q-priv", "q-mpim", "q-dm", "q-lost"}); diff != "" {
		t.Errorf("ChangesSince(0) (-got +want):\n%s", diff)
	}
	if diff := cmp.Diff(changes[0].Question, fixture().Questions[0]); diff != "" {
		t.Errorf("first change (-got +want):\n%s", diff)
	}

	// Limits page through in order.
	var paged []int64
	for rev := int64(0); ; {
		page, err := db.ChangesSince(ctx, rev, 2)
		if err != nil {
			t.Fatal(err)
		}
		if len(page) == 0 {
			break
		}
		for _, c := range page {
			paged = append(paged, c.Rev)
		}
		rev = page[len(page)-1].Rev
	}
	if diff := cmp.Diff(paged, []int64{1, 2, 3, 4, 5}); diff != "" {
		t.Errorf("paged revisions (-got +want):\n%s", diff)
	}

	// Touching questions moves them to the end, once each; a deletion is a
	// tombstone with nothing but the id.
	if err := db.addThanks(ctx, "a-pub-2"); err != nil {
		t.Fatal(err)
	}
	if err := db.DeleteQuestion(ctx, "q-priv"); err != nil {
		t.Fatal(err)
	}
	if err := db.addThanks(ctx, "a-pub-1"); err != nil {
		t.Fatal(err)
	}
	changes, err = db.ChangesSince(ctx, 5, 100)
	if err != nil {
		t.Fatal(err)
	}
	type change struct {
		Rev     int64
		ID      string
		Deleted bool
		Public  bool
		Answers int
	}
	var summary []change
	for _, c := range changes {
		summary = append(summary, change{c.Rev, c.Question.ID, c.Deleted, c.Public, len(c.Question.Answers)})
	}
	want := []change{
		{7, "q-priv", true, false, 0},
		{8, "q-pub", false, true, 2},
	}
	if diff := cmp.Diff(summary, want); diff != "" {
		t.Errorf("ChangesSince(5) (-got +want):\n%s", diff)
	}
	if diff := cmp.Diff(changes[0].Question, knowledge.Question{ID: "q-priv"}); diff != "" {
		t.Errorf("tombstone (-got +want):\n%s", diff)
	}
	if got := mustRev(t, db); got != 8 {
		t.Errorf("Rev = %d, want 8", got)
	}

	_, err = db.ChangesSince(ctx, 0, 0)
	wantCode(t, err, knowledge.EINVALID)
}

// TestConversationKindChange checks that a conversation turning private
// (or its kind becoming known) gives its questions new revisions, since
// the index stores whether each is public.
func TestConversationKindChange(t *testing.T) {
	ctx := context.Background()
	db := MustOpen(t)
	mustImport(t, db, fixture())
	rev := mustRev(t, db)

	steps := []struct {
		conversation knowledge.Conversation
		wantPublic   map[string]bool // changes expected, by question id
	}{
		{knowledge.Conversation{ID: "C1", Name: "general-renamed", Kind: knowledge.KindPublic}, map[string]bool{}},
		{knowledge.Conversation{ID: "C1", Name: "general", Kind: knowledge.KindPrivate, Members: []string{"U1"}}, map[string]bool{"q-pub": false}},
		{knowledge.Conversation{ID: "G1", Kind: knowledge.KindGroupDM, Members: []string{"U1"}}, map[string]bool{}},
		{knowledge.Conversation{ID: "C404", Name: "found", Kind: knowledge.KindPublic}, map[string]bool{"q-lost": true}},
	}
	for i, s := range steps {
		if err := db.upsertConversation(ctx, s.conversation); err != nil {
			t.Fatal(err)
		}
		changes, err := db.ChangesSince(ctx, rev, 100)
		if err != nil {
			t.Fatal(err)
		}
		got := map[string]bool{}
		for _, c := range changes {
			got[c.Question.ID] = c.Public
		}
		if diff := cmp.Diff(got, s.wantPublic); diff != "" {
			t.Errorf("step %d: changes (-got +want):\n%s", i, diff)
		}
		rev = mustRev(t, db)
	}
	if _, err := db.Question(ctx, knowledge.Anonymous, "q-lost"); err != nil {
		t.Errorf("q-lost not public once its conversation is: %v", err)
	}
}

func TestLiveCapture(t *testing.T) {
	ctx := context.Background()
	db := MustOpen(t)
	mustImport(t, db, knowledge.Batch{Conversations: []knowledge.Conversation{{ID: "C1", Kind: knowledge.KindPublic}}})
	q := knowledge.Question{ID: "slack:C1:1.0", Asker: "U1", Conversation: "C1", Thread: "1.0", Text: "How do I reset my password?", Lang: "en", Time: at(0)}
	a := knowledge.Answer{ID: "slack:C1:2.0", Answerer: "U2", Text: "Use the portal.", Time: at(3)}

	// Each step is one call, the revision it must leave, and the question
	// as the anonymous viewer then sees it (nil: not found).
	type step struct {
		name    string
		do      func() error
		code    string // expected error code, "" for success
		wantRev int64
		want    *knowledge.Question
	}
	with := func(q knowledge.Question, as ...knowledge.Answer) *knowledge.Question {
		q.Answers = as
		return &q
	}
	accepted := a
	accepted.Accepted = true
	thanked := accepted
	thanked.Thanks = 1
	edited := thanked
	edited.Text = "Use the portal at id.example.com."
	unaccepted := edited
	unaccepted.Accepted = false
	steps := []step{
		{"add empty question", func() error { return db.addQuestion(ctx, knowledge.Question{ID: "q", Text: " \n\t"}) }, knowledge.EINVALID, 0, nil},
		{"add question without id", func() error { return db.addQuestion(ctx, knowledge.Question{Text: "x"}) }, knowledge.EINVALID, 0, nil},
		{"answer unknown question", func() error { return db.upsertAnswer(ctx, q.ID, a) }, knowledge.ENOTFOUND, 0, nil},
		{"add question", func() error { return db.addQuestion(ctx, q) }, "", 1, with(q)},
		{"add it again", func() error { return db.addQuestion(ctx, q) }, "", 1, with(q)},
		{"empty answer", func() error { return db.upsertAnswer(ctx, q.ID, knowledge.Answer{ID: "x", Text: " "}) }, knowledge.EINVALID, 1, with(q)},
		{"answer", func() error { return db.upsertAnswer(ctx, q.ID, a) }, "", 2, with(q, a)},
		{"same answer again", func() error { return db.upsertAnswer(ctx, q.ID, a) }, "", 2, with(q, a)},
		{"accept", func() error { return db.setAccepted(ctx, a.ID, true) }, "", 3, with(q, accepted)},
		{"accept again", func() error { return db.setAccepted(ctx, a.ID, true) }, "", 3, with(q, accepted)},
		{"thank", func() error { return db.addThanks(ctx, a.ID) }, "", 4, with(q, thanked)},
		{"edit answer keeps signals", func() error {
			e := a
			e.Text = edited.Text
			return db.upsertAnswer(ctx, q.ID, e)
		}, "", 5, with(q, edited)},
		{"unaccept", func() error { return db.setAccepted(ctx, a.ID, false) }, "", 6, with(q, unaccepted)},
		{"thank unknown", func() error { return db.addThanks(ctx, "nope") }, knowledge.ENOTFOUND, 6, with(q, unaccepted)},
		{"accept unknown", func() error { return db.setAccepted(ctx, "nope", true) }, knowledge.ENOTFOUND, 6, with(q, unaccepted)},
		{"delete answer", func() error { return db.deleteAnswer(ctx, a.ID) }, "", 7, with(q)},
		{"delete it again", func() error { return db.deleteAnswer(ctx, a.ID) }, knowledge.ENOTFOUND, 7, with(q)},
		{"edit question", func() error {
			e := q
			e.Text = "How do I reset my password on the VPN?"
			return db.addQuestion(ctx, e)
		}, "", 8, func() *knowledge.Question { e := q; e.Text = "How do I reset my password on the VPN?"; return &e }()},
		{"delete question", func() error { return db.DeleteQuestion(ctx, q.ID) }, "", 9, nil},
		{"delete it again", func() error { return db.DeleteQuestion(ctx, q.ID) }, knowledge.ENOTFOUND, 9, nil},
		{"answer deleted question", func() error { return db.upsertAnswer(ctx, q.ID, a) }, knowledge.ENOTFOUND, 9, nil},
	}
	for _, s := range steps {
		err := s.do()
		if got := knowledge.ErrorCode(err); got != s.code {
			t.Fatalf("%s: error %v (code %q), want code %q", s.name, err, got, s.code)
		}
		if got := mustRev(t, db); got != s.wantRev {
			t.Errorf("%s: Rev = %d, want %d", s.name, got, s.wantRev)
		}
		got, err := db.Question(ctx, knowledge.Anonymous, q.ID)
		if s.want == nil {
			if knowledge.ErrorCode(err) != knowledge.ENOTFOUND {
				t.Errorf("%s: Question error %v, want ENOTFOUND", s.name, err)
			}
			continue
		}
		if err != nil {
			t.Fatalf("%s: Question: %v", s.name, err)
		}
		if diff := cmp.Diff(got, *s.want); diff != "" {
			t.Errorf("%s: question (-got +want):\n%s", s.name, diff)
		}
	}
}

func TestTextStoredWhole(t *testing.T) {
	ctx := context.Background()
	db := MustOpen(t)
	long := strings.Repeat("Le déploiement échoue: \"connection refused\" 🙂\n", 100<<10/47+1)
	if len(long) < 100<<10 {
		t.Fatalf("test text is only %d bytes", len(long))
	}
	tests := []struct {
		name, in, want string
	}{
		{"invalid UTF-8", "caf\xe9 cr\xe8me\x00\x07 ok", "caf\uFFFD cr\uFFFDme ok"},
		{"surrounding space", "  \n question \t ", "question"},
		{"100 KB", long, strings.TrimSpace(long)},
	}
	mustImport(t, db, knowledge.Batch{Conversations: []knowledge.Conversation{{ID: "C1", Kind: knowledge.KindPublic}}})
	for i, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			q := knowledge.Question{
				ID: "q" + string(rune('a'+i)), Conversation: "C1", Text: tt.in, Title: tt.in, Tags: []string{tt.in},
				Answers: []knowledge.Answer{{ID: "a" + string(rune('a'+i)), Text: tt.in}},
			}
			mustImport(t, db, knowledge.Batch{Questions: []knowledge.Question{q}})
			got, err := db.Question(ctx, knowledge.Anonymous, q.ID)
			if err != nil {
				t.Fatal(err)
			}
			for field, s := range map[string]string{"Text": got.Text, "Title": got.Title, "Tag": got.Tags[0], "Answer": got.Answers[0].Text} {
				if s != tt.want {
					t.Errorf("%s: got %d bytes %.40q…, want %d bytes %.40q…", field, len(s), s, len(tt.want), tt.want)
				}
			}
		})
	}
}

// TestTimesExact checks that times come back as the same instants, in UTC,
// to the nanosecond, and that answers come back in time order.
func TestTimesExact(t *testing.T) {
	ctx := context.Background()
	db := MustOpen(t)
	paris, err := time.LoadLocation("Europe/Paris")
	if err != nil {
		t.Skip("no time zone database:", err)
	}
	base := time.Date(2021, 3, 28, 2, 30, 0, 123456789, paris)
	q := knowledge.Question{ID: "q", Conversation: "C1", Text: "x", Time: base,
		Answers: []knowledge.Answer{
			{ID: "a3", Text: "third", Time: base.Add(2 * time.Nanosecond)},
			{ID: "a1", Text: "first", Time: base.Add(time.Nanosecond)},
			{ID: "a0", Text: "unknown time"},
			{ID: "a2", Text: "tie, later id", Time: base.Add(time.Nanosecond)},
			{ID: "old", Text: "before 1970", Time: time.Date(1969, 7, 20, 20, 17, 40, 5, time.UTC)},
		}}
	mustImport(t, db, knowledge.Batch{
		Conversations: []knowledge.Conversation{{ID: "C1", Kind: knowledge.KindPublic}},
		Questions:     []knowledge.Question{q},
	})
	got, err := db.Question(ctx, knowledge.Anonymous, "q")
	if err != nil {
		t.Fatal(err)
	}
	if got.Time.Location() != time.UTC || !got.Time.Equal(base) {
		t.Errorf("Time = %v, want %v in UTC", got.Time, base)
	}
	var order []string
	for _, a := range got.Answers {
		order = append(order, a.ID)
	}
	if diff := cmp.Diff(order, []string{"a0", "old", "a1", "a2", "a3"}); diff != "" {
		t.Errorf("answer order (-got +want):\n%s", diff)
	}
	if !got.Answers[1].Time.Equal(q.Answers[4].Time) {
		t.Errorf("pre-1970 time = %v, want %v", got.Answers[1].Time, q.Answers[4].Time)
	}
}
