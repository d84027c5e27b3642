package desk_test

import (
	"context"
	"slices"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/nextdesk/nextdesk/knowledge"
	"github.com/nextdesk/nextdesk/knowledge/desk"
)

// stored is a conversation as the store holds it now.
func (w *world) stored(id string) knowledge.Conversation {
	w.store.mu.Lock()
	defer w.store.mu.Unlock()
	return w.store.st.conversations[id]
}

// reads empties and returns the conversations read from the chat tool.
func (w *world) reads() []string {
	w.chat.mu.Lock()
	defer w.chat.mu.Unlock()
	r := w.chat.reads
	w.chat.reads = nil
	return r
}

func TestLeavingTakesAccessAwayAtOnceWithoutReading(t *testing.T) {
	w := newWorld(t, nil)
	w.chat.keep = w.store
	ctx := context.Background()
	w.must(w.desk.Membership(ctx, desk.MembershipChange{Key: "Ev1", Conversation: infra, Person: bob, What: desk.Left}))
	if got := w.stored(infra).Members; !slices.Equal(got, []string{alice}) {
		t.Errorf("members after bob left = %v, want [alice]", got)
	}
	if r := w.reads(); len(r) != 0 {
		t.Errorf("read %v after someone left, want nothing: the rest of the list stands", r)
	}
	// The same event again, or a join delivered late, gives nothing back:
	// only a read of the chat tool, which knows bob left, can.
	w.chat.conversations[infra] = knowledge.Conversation{ID: infra, Name: "infra", Kind: knowledge.KindPrivate, Members: []string{alice}}
	w.must(w.desk.Membership(ctx, desk.MembershipChange{Key: "Ev1", Conversation: infra, Person: bob, What: desk.Left}))
	w.must(w.desk.Membership(ctx, desk.MembershipChange{Key: "Ev0", Conversation: infra, Person: bob, What: desk.Joined}))
	if got := w.stored(infra).Members; !slices.Equal(got, []string{alice}) {
		t.Errorf("members after a late join = %v, want [alice]", got)
	}
	if err := w.desk.Membership(ctx, desk.MembershipChange{Key: "Ev2", Conversation: infra, What: desk.Left}); knowledge.ErrorCode(err) != knowledge.EINVALID {
		t.Errorf("a leave without a person: err = %v, want EINVALID", err)
	}
}

func TestMadePrivateHidesAtOnceThenReadsTheMembers(t *testing.T) {
	w := newWorld(t, nil)
	w.chat.keep = w.store
	ctx := context.Background()
	w.chat.conversations[general] = knowledge.Conversation{ID: general, Name: "general", Kind: knowledge.KindPrivate, Members: []string{alice, frank}}
	w.must(w.desk.Membership(ctx, desk.MembershipChange{Key: "Ev1", Conversation: general, What: desk.MadePrivate}))
	got := w.stored(general)
	want := knowledge.Conversation{ID: general, Name: "general", Kind: knowledge.KindPrivate, Members: []string{alice, frank}, Read: w.Now()}
	if diff := cmp.Diff(got, want); diff != "" {
		t.Errorf("#general after it was made private (-got +want):\n%s", diff)
	}

	// When the chat tool no longer shows it to the bot, nobody is known to
	// be in it: it is private to nobody.
	delete(w.chat.conversations, general)
	w.must(w.desk.Membership(ctx, desk.MembershipChange{Key: "Ev2", Conversation: general, What: desk.MadePrivate}))
	got = w.stored(general)
	if got.Kind != knowledge.KindPrivate || len(got.Members) != 0 {
		t.Errorf("#general the bot cannot read = %+v, want private to nobody", got)
	}
}

func TestLostConversationsArePrivateToNobodyButDMsKeepTheirMembers(t *testing.T) {
	w := newWorld(t, nil)
	ctx := context.Background()
	w.store.st.conversations["D1"] = knowledge.Conversation{ID: "D1", Kind: knowledge.KindDM, Members: []string{alice}}
	for _, id := range []string{infra, general, "D1"} {
		w.must(w.desk.Membership(ctx, desk.MembershipChange{Key: "lost:" + id, Conversation: id, What: desk.Lost}))
	}
	for _, id := range []string{infra, general} {
		if c := w.stored(id); c.Kind != knowledge.KindPrivate || len(c.Members) != 0 || c.Read.IsZero() {
			t.Errorf("%s lost by the bot = %+v, want private to nobody, read now", id, c)
		}
	}
	if c := w.stored("D1"); !slices.Equal(c.Members, []string{alice}) {
		t.Errorf("a DM lost by the bot = %+v, want alice still in it", c)
	}
}

func TestSharedChannelsShowOnlyTheirOwnKnowledge(t *testing.T) {
	const partners = "C9"
	w := newWorld(t, nil)
	w.chat.keep = w.store
	ctx := context.Background()
	shared := knowledge.Conversation{ID: partners, Name: "partners", Kind: knowledge.KindPublic, Shared: true, Members: []string{alice, "UEXT"}}
	w.chat.conversations[partners] = shared
	w.store.st.conversations[partners] = knowledge.Conversation{ID: partners, Name: "partners", Kind: knowledge.KindPublic}
	w.must(w.desk.Membership(ctx, desk.MembershipChange{Key: "Ev1", Conversation: partners, What: desk.Shared}))
	if c := w.stored(partners); !c.Shared || !slices.Equal(c.Members, shared.Members) {
		t.Errorf("#partners after it was shared = %+v, want shared with its members", c)
	}

	pub := knowledge.Match{
		Question: knowledge.Question{ID: "q-pub", Conversation: general, Thread: "1.000001"},
		Answer:   knowledge.Answer{ID: "a-pub", Answerer: bob, Text: "kubectl rollout undo"}, Confidence: 0.95, Sure: true,
	}
	own := knowledge.Match{
		Question: knowledge.Question{ID: "q-own", Conversation: partners, Thread: "1.000009"},
		Answer:   knowledge.Answer{ID: "a-own", Answerer: alice, Text: "ask the partner desk"}, Confidence: 0.9, Sure: true,
	}
	ask := func(key string) desk.Question {
		return desk.Question{
			Key: key, ID: "slack:C9:" + key, Asker: alice, Text: "roll back?", Plain: "roll back?",
			Where: w.stored(partners), Channel: partners, Thread: key,
		}
	}
	w.engine.matches = []knowledge.Match{pub}
	w.must(w.desk.Ask(ctx, ask("1.000100")))
	for _, s := range w.saidSince(1) {
		if _, ok := s.Body.(desk.InstantAnswer); ok {
			t.Fatalf("offered %+v from #general in a channel shared with another organisation", s.Body)
		}
	}
	n := w.noticeCount()
	w.engine.matches = []knowledge.Match{pub, own}
	w.must(w.desk.Ask(ctx, ask("1.000200")))
	var offered []string
	for _, s := range w.saidSince(n + 1) {
		if ia, ok := s.Body.(desk.InstantAnswer); ok {
			offered = append(offered, ia.Answer.ID)
		}
	}
	if !slices.Equal(offered, []string{"a-own"}) {
		t.Errorf("offered %v in #partners, want its own answer a-own", offered)
	}
}

func TestRestrictedPeopleAreNeverAsked(t *testing.T) {
	w := newWorld(t, nil)
	w.chat.people[bob] = knowledge.Person{ID: bob, Name: bob, Restricted: true}
	w.must(w.desk.Ask(context.Background(), inGeneral("1.000100", "How do I roll back?")))
	if diff := cmp.Diff(w.routes("slack:C1:1.000100"), []string{carol + ":pending"}); diff != "" {
		t.Errorf("routes (-got +want): a guest or a person of another organisation was asked\n%s", diff)
	}
}

func TestRefreshReadsWhatIsDueOldestFirst(t *testing.T) {
	const (
		fresh   = "G2" // private, read a minute ago
		foreign = "se:ai"
		gone    = "G3" // private, the bot was removed
		public  = "C3" // public, read two hours ago
	)
	w := newWorld(t, nil)
	w.chat.keep = w.store
	ctx := context.Background()
	now := w.Now()
	st := w.store.st
	st.conversations[infra] = knowledge.Conversation{ID: infra, Name: "infra", Kind: knowledge.KindPrivate, Members: []string{alice, bob}, Read: now.Add(-3 * time.Minute)}
	st.conversations[fresh] = knowledge.Conversation{ID: fresh, Kind: knowledge.KindPrivate, Members: []string{alice}, Read: now.Add(-time.Minute)}
	st.conversations[gone] = knowledge.Conversation{ID: gone, Kind: knowledge.KindPrivate, Members: []string{alice}, Read: now.Add(-4 * time.Minute)}
	st.conversations[foreign] = knowledge.Conversation{ID: foreign, Kind: knowledge.KindPublic}
	st.conversations[public] = knowledge.Conversation{ID: public, Kind: knowledge.KindPublic, Read: now.Add(-2 * time.Hour)}
	st.conversations[general] = knowledge.Conversation{ID: general, Kind: knowledge.KindPublic, Read: now.Add(-time.Minute)}
	st.conversations["C4"] = knowledge.Conversation{ID: "C4", Kind: knowledge.KindPrivate, Members: []string{alice}} // holds no question
	for _, id := range []string{fresh, gone, foreign, public} {
		st.questions["q-"+id] = knowledge.Question{ID: "q-" + id, Conversation: id, Text: "x"}
	}
	w.chat.conversations[fresh] = st.conversations[fresh]
	w.chat.conversations[public] = knowledge.Conversation{ID: public, Kind: knowledge.KindPublic}

	w.must(w.desk.Refresh(ctx, true))
	if r := w.reads(); len(r) != 0 {
		t.Errorf("a dry run read %v", r)
	}
	w.must(w.desk.Refresh(ctx, false))
	// Never read first, then oldest first; #general and G2 are fresh, C4
	// holds nothing.
	if diff := cmp.Diff(w.reads(), []string{foreign, public, gone, infra}); diff != "" {
		t.Errorf("read (-got +want):\n%s", diff)
	}
	if c := w.stored(gone); c.Kind != knowledge.KindPrivate || len(c.Members) != 0 || !c.Read.Equal(now) {
		t.Errorf("a channel the bot cannot read = %+v, want private to nobody, read now", c)
	}
	if c := w.stored(foreign); !c.Read.Equal(now) || !c.Public() {
		t.Errorf("a public conversation of another source = %+v, want public, not due again for a while", c)
	}
	if c := w.stored(infra); !c.Read.Equal(now) {
		t.Errorf("#infra = %+v, want read now", c)
	}
	w.must(w.desk.Refresh(ctx, false))
	if r := w.reads(); len(r) != 0 {
		t.Errorf("a second round at once read %v, want nothing", r)
	}
	// Half the TTL later, the private lists are due again; the
	// lost channel, which gives nobody access, is not.
	w.advance(knowledge.DefaultMembershipTTL/2 + time.Second)
	w.must(w.desk.Refresh(ctx, false))
	if diff := cmp.Diff(w.reads(), []string{fresh, infra}); diff != "" {
		t.Errorf("read half a TTL later (-got +want):\n%s", diff)
	}
}
