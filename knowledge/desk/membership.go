package desk

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"time"

	"github.com/nextdesk/nextdesk/knowledge"
)

// Who may read what follows who is in each conversation now. The chat tool
// tells of changes as events (Membership); the "membership" task re-reads
// the member lists before they are too old to be trusted (Refresh). What
// is shown to a person is always filtered by the store's rule of the
// moment: a channel's member list read longer ago than the membership TTL
// gives nobody access, so a lost event or a failed read hides knowledge
// instead of leaking it.

// Change is what happened to a conversation's membership.
type Change string

// Membership changes, as the chat tool reports them.
const (
	// Joined: Person joined the conversation (or the bot did, when the
	// adapter says so with Person empty).
	Joined Change = "joined"
	// Left: Person left it, or was removed.
	Left Change = "left"
	// MadePrivate: a public channel was made private.
	MadePrivate Change = "private"
	// MadePublic: a private channel was made public.
	MadePublic Change = "public"
	// Shared: the channel was shared with another organisation.
	Shared Change = "shared"
	// Unshared: another organisation was taken out of the channel.
	Unshared Change = "unshared"
	// Lost: the bot can no longer read the conversation (it was removed
	// from it, or the conversation was deleted).
	Lost Change = "lost"
)

// MembershipChange is a change in who may read a conversation, as the chat
// adapter read it from an event.
type MembershipChange struct {
	// Key is the delivery's key.
	Key          string
	Conversation string
	// Person is who joined or left; empty for the other changes.
	Person string
	What   Change
}

// Membership brings the store up to date with a change in who may read a
// conversation. A change that takes access away (someone left, the channel
// was made private, shared with another organisation, or lost to the bot)
// is recorded at once under the delivery's key, before anything is read,
// so a failed read afterwards leaks nothing; then the conversation is read
// again from the chat tool (not after Left: the rest of the list stands,
// and is re-read when it is due). A change that gives access (a join, made
// public, unshared) is only ever believed from a fresh read of the chat
// tool: an event delivered late or twice cannot give anyone back what a
// later event took away. It returns EINVALID for an unknown change, and
// the store's or the chat tool's errors; a read that fails after a
// restriction was recorded is logged instead, the membership task reading
// the conversation again soon.
func (d *Desk) Membership(ctx context.Context, c MembershipChange) error {
	if c.Conversation == "" {
		return knowledge.Errorf(knowledge.EINVALID, "A membership change needs a conversation.")
	}
	var restrict func(Tx) error
	switch c.What {
	case Joined, MadePublic, Unshared:
	case Left:
		if c.Person == "" {
			return knowledge.Errorf(knowledge.EINVALID, "Who left %s?", c.Conversation)
		}
		restrict = func(tx Tx) error { return tx.RemoveMember(ctx, c.Conversation, c.Person) }
	case MadePrivate:
		restrict = func(tx Tx) error { return tx.MakePrivate(ctx, c.Conversation) }
	case Shared:
		restrict = func(tx Tx) error { return tx.MakeShared(ctx, c.Conversation) }
	case Lost:
		return d.lose(ctx, c.Key, knowledge.Conversation{ID: c.Conversation})
	default:
		return knowledge.Errorf(knowledge.EINVALID, "Unknown membership change %q.", c.What)
	}
	if restrict == nil {
		return d.reread(ctx, c.Key, c.Conversation)
	}
	err := d.commit(ctx, c.Key, func(tx Tx, _ *Counts) error { return restrict(tx) })
	if err != nil || c.What == Left {
		return err
	}
	if err := d.reread(ctx, c.Key, c.Conversation); err != nil {
		d.log.Warn("could not read a conversation again after a change; the membership task will", "channel", c.Conversation, "change", c.What, "err", err)
	}
	return nil
}

// reread reads a conversation again from the chat tool, which keeps what
// it reads; one the chat tool no longer shows is lost (see lose). The
// search index then learns whether the conversation is public now.
func (d *Desk) reread(ctx context.Context, key, conversation string) error {
	_, _, err := d.chat.Conversation(ctx, conversation, true)
	if knowledge.ErrorCode(err) == knowledge.ENOTFOUND {
		return d.lose(ctx, key+"/lost", knowledge.Conversation{ID: conversation})
	}
	if err == nil {
		d.Sync(ctx)
	}
	return err
}

// lose records that the bot cannot read a conversation any more: its
// members are unknown, so it is private to nobody until the bot reads it
// again. A direct message or a group DM keeps its members, who never
// change.
func (d *Desk) lose(ctx context.Context, key string, c knowledge.Conversation) error {
	return d.commit(ctx, key, func(tx Tx, _ *Counts) error {
		stored, err := tx.Conversation(ctx, c.ID)
		switch knowledge.ErrorCode(err) {
		case "":
			if stored.Kind == knowledge.KindDM || stored.Kind == knowledge.KindGroupDM {
				return nil
			}
			c.Name = stored.Name
		case knowledge.ENOTFOUND:
		default:
			return err
		}
		return tx.UpsertConversation(ctx, knowledge.Conversation{ID: c.ID, Name: c.Name, Kind: knowledge.KindPrivate, Read: tx.Now()})
	})
}

// TaskMembership names the task that reads member lists again.
const TaskMembership = "membership"

// TaskPeople names the task that reads deactivated people again.
const TaskPeople = "people"

// peopleEvery and peopleReads pace the people task: a few users.info
// calls an hour, far below Slack's tier, are enough for what it catches.
const (
	peopleEvery = time.Hour
	peopleReads = 20
	// peopleAfter is how long a deactivated person is trusted to stay so
	// before the chat tool is asked again.
	peopleAfter = 24 * time.Hour
)

// RecheckDeactivated asks the chat tool again about people last seen
// deactivated, a day after they were last read: a person reactivated while
// the event that says so was lost (the bot down longer than Slack retries)
// would otherwise never be routed to again, since routing skips them
// before reading them. Dry, it logs whom it would read.
func (d *Desk) RecheckDeactivated(ctx context.Context, dryRun bool) error {
	var ids []string
	err := d.view(ctx, func(r Reader) (err error) {
		ids, err = r.Deactivated(ctx, d.Now().Add(-peopleAfter), peopleReads)
		return err
	})
	if err != nil {
		return fmt.Errorf("people: %w", err)
	}
	for _, id := range ids {
		if ctx.Err() != nil {
			break
		}
		if dryRun {
			d.log.Info("people (dry run): would read a deactivated person again", "person", id)
			continue
		}
		// Presence reads the person as the chat tool has them now and
		// keeps what it read.
		if p, _ := d.chat.Presence(ctx, id); p.Routable() {
			d.log.InfoContext(ctx, "people: a person seen deactivated is active again", "person", id)
		}
	}
	return nil
}

// kindTTL is how long what the chat tool said of a conversation that gives
// nobody access by its member list (a public channel, one the bot lost) is
// kept before it is read again: a public channel made private without an
// event reaching the bot is hidden within that time.
const kindTTL = time.Hour

// membershipReads bounds the conversations one round reads, to stay well
// within the chat tool's rate limits (Slack allows conversations.info about
// 50 calls a minute): at most 40 a minute.
func membershipReads(every time.Duration) int {
	return max(1, int(40*every/time.Minute))
}

// membershipEvery is how often the membership task runs: a member list is
// read again once it is half its TTL old, so it is re-read, a round later at
// most, well before it stops being trusted.
func membershipEvery(ttl time.Duration) time.Duration {
	return max(ttl/4, 5*time.Second)
}

// Refresh reads again from the chat tool the conversations whose member
// list will soon be too old to be trusted (half the membership TTL old),
// and those whose kind was read over an hour ago, oldest first, within the
// chat tool's rate limits. A conversation the chat tool no longer shows is
// lost (private to nobody); one it does not hold (imported from another
// source) keeps what its source said. Dry, it logs what it would read. A
// read that fails is retried at the next round; after three failures in a
// row the round stops, the chat tool being unwell or limiting the bot.
func (d *Desk) Refresh(ctx context.Context, dryRun bool) error {
	now := d.Now()
	every := membershipEvery(d.cfg.MembershipTTL)
	var due []knowledge.Conversation
	err := d.view(ctx, func(r Reader) (err error) {
		due, err = r.StaleConversations(ctx, now.Add(-d.cfg.MembershipTTL/2), now.Add(-kindTTL), membershipReads(every))
		return err
	})
	if err != nil {
		return fmt.Errorf("membership: %w", err)
	}
	var (
		errs   []error
		failed int
	)
	for _, c := range due {
		if ctx.Err() != nil || failed == 3 {
			break
		}
		if dryRun {
			d.log.Info("membership (dry run): would read the conversation again", "channel", c.ID, "kind", c.Kind, "read", c.Read)
			continue
		}
		key := "membership:" + c.ID + ":" + strconv.FormatInt(now.UnixNano(), 10)
		_, _, err := d.chat.Conversation(ctx, c.ID, true)
		switch knowledge.ErrorCode(err) {
		case "":
			failed = 0
			continue
		case knowledge.EINTERNAL:
			// The chat tool is down or refuses the bot for now. Nothing
			// leaks meanwhile: a member list not read again stops giving
			// access when it expires. So it is a warning, and the next
			// round tries again.
			failed++
			d.log.WarnContext(ctx, "membership: could not read a conversation again; its members are trusted no longer than the TTL", "channel", c.ID, "err", err)
			continue
		case knowledge.ENOTFOUND:
			err = d.lose(ctx, key, c)
		case knowledge.EINVALID:
			// Not the chat tool's: what its source said stands, and a
			// public one need not be asked about again for a while.
			if c.Public() && !c.Shared {
				c.Read = now
				err = d.commit(ctx, key, func(tx Tx, _ *Counts) error { return tx.UpsertConversation(ctx, c) })
			} else {
				err = nil
			}
		}
		if err != nil {
			failed++
			errs = append(errs, fmt.Errorf("read %s again: %w", c.ID, err))
			continue
		}
		failed = 0
	}
	if len(due) > 0 && !dryRun {
		// A conversation read public or private anew changes who may
		// find its questions.
		d.Sync(ctx)
	}
	return errors.Join(errs...)
}
