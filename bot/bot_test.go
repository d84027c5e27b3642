package bot

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/slack-go/slack"

	"github.com/nextdesk/nextdesk/knowledge"
	"github.com/nextdesk/nextdesk/knowledge/desk"
)

// nocache is a Cache that knows nobody, for tests that need a Workspace
// but read nothing through it.
type nocache struct{}

func (nocache) Person(context.Context, string) (knowledge.Person, error) {
	return knowledge.Person{}, knowledge.Errorf(knowledge.ENOTFOUND, "nobody")
}

func (nocache) Conversation(context.Context, string) (knowledge.Conversation, error) {
	return knowledge.Conversation{}, knowledge.Errorf(knowledge.ENOTFOUND, "nowhere")
}
func (nocache) Fetched(context.Context, string, string) (time.Time, error) { return time.Time{}, nil }
func (nocache) CachePerson(context.Context, knowledge.Person, time.Time) error {
	return nil
}

func (nocache) CacheConversation(context.Context, knowledge.Conversation, time.Time) error {
	return nil
}

func TestConstructorsCheckWhatTheyAreGiven(t *testing.T) {
	api := slack.New("xoxb-test")
	ws, err := NewWorkspace(api, nocache{}, "UBOT", nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	for name, err := range map[string]error{
		"workspace without a bot user": second(NewWorkspace(api, nocache{}, "", nil, nil)),
		"workspace without a cache":    second(NewWorkspace(api, nil, "UBOT", nil, nil)),
		"outbox without a store":       second(NewOutbox(OutboxConfig{}, nil, api, ws, nil, nil)),
		"bot without a desk":           second(New(nil, ws, nil, nil)),
	} {
		if err == nil {
			t.Errorf("%s: no error", name)
		}
	}
}

func second[T any](_ T, err error) error { return err }

func TestParseSpan(t *testing.T) {
	day := 24 * time.Hour
	for _, c := range []struct {
		in   string
		want time.Duration
		ok   bool
	}{
		{"2w", 14 * day, true},
		{"3d", 3 * day, true},
		{"3j", 3 * day, true},
		{"8h", 8 * time.Hour, true},
		{"90m", 90 * time.Minute, true},
		{"1w2d", 9 * day, true},
		{"", 0, false},
		{"2", 0, false},
		{"w", 0, false},
		{"2x", 0, false},
		{"-2d", 0, false},
		{"400d", 0, false},
		{"99999999999999999999d", 0, false},
		// Found by FuzzCommandText: a sum that wrapped around was read
		// as three days, and an Arabic-Indic zero as 1,584.
		{"10000w10000w10000w501w", 0, false},
		{"٠m", 0, false},
	} {
		got, ok := parseSpan(c.in)
		if got != c.want || ok != c.ok {
			t.Errorf("parseSpan(%q) = %v, %v; want %v, %v", c.in, got, ok, c.want, c.ok)
		}
	}
}

func TestSlackChannelAndMention(t *testing.T) {
	for _, c := range []struct{ in, channel, mention string }{
		{"C0FALLBCK1", "C0FALLBCK1", "<#C0FALLBCK1>"},
		{"ask-anyone", "#ask-anyone", "#ask-anyone"},
		{"#ask-anyone", "#ask-anyone", "#ask-anyone"},
		{"U0BOB0001", "U0BOB0001", "#U0BOB0001"},
	} {
		if got := slackChannel(c.in); got != c.channel {
			t.Errorf("slackChannel(%q) = %q, want %q", c.in, got, c.channel)
		}
		if got := mention(c.in); got != c.mention {
			t.Errorf("mention(%q) = %q, want %q", c.in, got, c.mention)
		}
	}
}

// oneNotice is an outbox holding one notice; the methods it does not
// override are never called by Send.
type oneNotice struct {
	Notices
	m      desk.Outgoing
	failed string
}

func (s *oneNotice) Outgoing(context.Context, string) (desk.Outgoing, error) { return s.m, nil }
func (s *oneNotice) Claim(context.Context, int64, time.Time, time.Time) (bool, error) {
	return true, nil
}
func (s *oneNotice) PendingOutgoing(context.Context) (int, error) { return 1, nil }
func (s *oneNotice) MarkFailed(_ context.Context, _ int64, reason string) (int64, error) {
	s.failed = reason
	s.m.State = desk.OutboxFailed
	return 0, nil
}

// outboxOn returns an outbox delivering from store through api.
func outboxOn(t *testing.T, store Notices, api SlackAPI) *Outbox {
	t.Helper()
	ws, err := NewWorkspace(api, nocache{}, "UBOT", nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	o, err := NewOutbox(OutboxConfig{}, store, api, ws, nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	return o
}

// panicky is a Slack client that panics when asked to post.
type panicky struct{ SlackAPI }

func (panicky) PostMessageContext(context.Context, string, ...slack.MsgOption) (string, string, error) {
	panic("boom")
}

func TestANoticeWhoseDeliveryPanicsFailsForGood(t *testing.T) {
	store := &oneNotice{m: desk.Outgoing{ID: 1, State: desk.OutboxPending, Notice: desk.Notice{
		Key: "k", To: desk.Address{Reply: "https://hooks.example/1"}, Body: desk.Reply{Say: desk.SayHelp},
	}}}
	o := outboxOn(t, store, panicky{})
	m, err := o.Send(context.Background(), "k")
	if err == nil || m.State != desk.OutboxFailed || !strings.Contains(store.failed, "panicked: boom") {
		t.Errorf("Send = %+v, %v; failed with %q; want the notice failed for good, saying it panicked", m, err, store.failed)
	}
}

// refusingNotice is an outbox holding one notice whose store refuses to
// record its delivery refusals times, as a full disk does, then takes it.
type refusingNotice struct {
	oneNotice
	refusals int
	sent     bool
}

func (s *refusingNotice) MarkSent(context.Context, int64, string, string) (bool, error) {
	if s.refusals > 0 {
		s.refusals--
		return false, errors.New("database or disk is full")
	}
	s.sent = true
	s.m.State = desk.OutboxSent
	return false, nil
}

// poster is a Slack client that counts the messages it posts.
type poster struct {
	SlackAPI
	posts int
}

func (p *poster) PostMessageContext(_ context.Context, channel string, _ ...slack.MsgOption) (string, string, error) {
	p.posts++
	return channel, "1700000000.000100", nil
}

func TestADeliveredNoticeIsRecordedOnceTheStoreTakesWrites(t *testing.T) {
	store := &refusingNotice{refusals: 3, oneNotice: oneNotice{m: desk.Outgoing{ID: 1, State: desk.OutboxPending, Notice: desk.Notice{
		Key: "k", To: desk.Address{Conversation: "C1"}, Body: desk.Reply{Say: desk.SayHelp},
	}}}}
	api := &poster{}
	o := outboxOn(t, store, api)
	m, err := o.Send(context.Background(), "k")
	if err != nil || !store.sent || m.State != desk.OutboxSent || api.posts != 1 {
		t.Errorf("Send = %+v, %v; recorded %v after %d posts; want it posted once and recorded once the store takes writes", m, err, store.sent, api.posts)
	}
}

// unclaimable is an outbox whose store lists one due notice but refuses to
// claim it, as a read-only store does; it counts the reads.
type unclaimable struct {
	oneNotice
	reads int
}

func (s *unclaimable) DueOutgoing(context.Context, time.Time, int) ([]desk.Outgoing, error) {
	s.reads++
	return []desk.Outgoing{s.m}, nil
}

func (s *unclaimable) Claim(context.Context, int64, time.Time, time.Time) (bool, error) {
	return false, errors.New("attempt to write a readonly database")
}

func TestARoundEndsWhenTheStoreRefusesEveryClaim(t *testing.T) {
	store := &unclaimable{oneNotice: oneNotice{m: desk.Outgoing{ID: 1, State: desk.OutboxPending, Notice: desk.Notice{
		Key: "k", To: desk.Address{Conversation: "C1"}, Body: desk.Reply{Say: desk.SayHelp},
	}}}}
	api := &poster{}
	o := outboxOn(t, store, api)
	err := o.Deliver(context.Background(), false)
	if err == nil || !strings.Contains(err.Error(), "readonly") || store.reads != 1 || api.posts != 0 {
		t.Errorf("Deliver = %v after %d reads and %d posts; want the store's refusal after one read and no post", err, store.reads, api.posts)
	}
}
