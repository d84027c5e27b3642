package bot

import (
	"context"
	"regexp"
	"slices"
	"strings"

	"github.com/slack-go/slack"
	"github.com/slack-go/slack/slackevents"

	"github.com/nextdesk/nextdesk/knowledge"
	"github.com/nextdesk/nextdesk/knowledge/desk"
	"github.com/nextdesk/nextdesk/mrkdwn"
)

// event handles an Events API delivery: mentions ask, DMs to the bot ask
// privately, thread replies, edits, deletions and reactions are captured,
// and changes in who is in a conversation update who may see what was said
// there. Everything else is ignored with a debug log.
func (b *Bot) event(ctx context.Context, in Inbound, req desk.Request) error {
	switch ev := in.Event.InnerEvent.Data.(type) {
	case *slackevents.AppMentionEvent:
		return b.mention(ctx, in, ev)
	case *slackevents.MessageEvent:
		return b.message(ctx, in, ev)
	case *slackevents.ReactionAddedEvent:
		return b.reaction(ctx, in, req, ev)
	case *slackevents.UserChangeEvent:
		return b.ws.userChanged(ctx, ev.User)
	case *slackevents.TokensRevokedEvent:
		// A bot token revoked is this app's; should it not be the one in
		// use, the token check lifts the suspension at once.
		if len(ev.Tokens.Bot) > 0 {
			b.refused("tokens_revoked event")
		}
		return nil
	case *slackevents.AppUninstalledEvent:
		b.refused("app_uninstalled event")
		return nil
	}
	if c, ok := b.membershipChange(in); ok {
		return b.desk.Membership(ctx, c)
	}
	b.log.Debug("ignoring an event", "type", in.Event.InnerEvent.Type, "key", in.Key)
	return nil
}

// mention handles @nextdesk in a channel: the question is the message
// without the mention, answered in the message's thread.
func (b *Bot) mention(ctx context.Context, in Inbound, ev *slackevents.AppMentionEvent) error {
	if b.ws.fromBot(ev.User, ev.BotID) || ev.Channel == "" || !validTS(ev.TimeStamp) {
		b.log.Debug("ignoring a mention", "key", in.Key, "reason", "from a bot or incomplete")
		return nil
	}
	thread := ev.ThreadTimeStamp
	if thread == "" {
		thread = ev.TimeStamp
	}
	conv, _, err := b.ws.Conversation(ctx, ev.Channel, false)
	if knowledge.ErrorCode(err) == knowledge.ENOTFOUND {
		b.log.Debug("ignoring a mention in a conversation the bot cannot see", "key", in.Key, "channel", ev.Channel)
		return nil
	}
	if err != nil {
		return err
	}
	q := desk.Question{
		Key: in.Key, ID: messageID(ev.Channel, ev.TimeStamp), Asker: ev.User,
		Where: conv, Channel: conv.ID, Thread: thread, Time: tsTime(ev.TimeStamp),
	}
	q.Text = withoutMention(ev.Text, b.ws.botUser)
	if _, anon := anonymously(q.Text); anon {
		// Everyone here reads their name above the question: say so to
		// them alone, and how to ask without it, rather than ask it; or,
		// where anonymous questions are off, that they are.
		only := desk.Address{Conversation: ev.Channel, Thread: ev.ThreadTimeStamp, Only: ev.User}
		say := desk.SayAnonymousInPublic
		if b.desk.AnonymousOff() {
			say = desk.SayAnonymousOff
		}
		return b.desk.Tell(ctx, desk.Request{Key: in.Key, By: ev.User, To: only}, desk.Reply{Say: say})
	}
	if thread != ev.TimeStamp {
		// In a thread, "@nextdesk" (and whatever follows it: "can you
		// help with this?") is about the thread's question.
		found, err := b.threadQuestion(ctx, &q, ev.TimeStamp)
		if err != nil {
			return err
		}
		if !found {
			b.log.Debug("a mention in a thread without a person's question; asking its own words", "key", in.Key)
		}
	}
	q.Plain = mrkdwn.ToPlain(q.Text, nil)
	return b.ask(ctx, q)
}

// maxThreadRead bounds the messages of a thread read to find its question.
const maxThreadRead = 200

// threadQuestion makes q, a mention at ts in a thread, the thread's
// question: its first message, asked by its author, with what that author
// added in the thread before the mention as details. It reports false,
// leaving q as it is, when the thread does not start with a person's
// message (a bot's post, or one gone).
func (b *Bot) threadQuestion(ctx context.Context, q *desk.Question, ts string) (bool, error) {
	msgs, err := b.ws.thread(ctx, q.Channel, q.Thread, maxThreadRead)
	if knowledge.ErrorCode(err) == knowledge.ENOTFOUND {
		return false, nil
	}
	if err != nil {
		return false, err
	}
	root := msgs[0]
	if root.SubType != "" || b.ws.fromBot(root.User, root.BotID) || withoutMention(root.Text, b.ws.botUser) == "" {
		return false, nil
	}
	q.ID, q.Asker, q.Time = messageID(q.Channel, root.Timestamp), root.User, tsTime(root.Timestamp)
	typed := []string{withoutMention(root.Text, b.ws.botUser)}
	for _, m := range msgs[1:] {
		if m.User != root.User || m.SubType != "" || m.BotID != "" || m.Timestamp == ts || compareTS(m.Timestamp, ts) > 0 {
			continue
		}
		text := withoutMention(m.Text, b.ws.botUser)
		if plain := mrkdwn.ToPlain(text, nil); plain != "" {
			typed = append(typed, text)
			q.Details = append(q.Details, desk.Detail{ID: messageID(q.Channel, m.Timestamp), Text: plain, Time: tsTime(m.Timestamp)})
		}
	}
	// The root is the question; the desk adds the details to it.
	q.Text = typed[0]
	return true, nil
}

// compareTS orders two Slack timestamps.
func compareTS(a, b string) int { return tsTime(a).Compare(tsTime(b)) }

// message handles message events: a root message in a DM with the bot is a
// private question; a reply in a thread may be an answer; edits and
// deletions update what was captured.
func (b *Bot) message(ctx context.Context, in Inbound, ev *slackevents.MessageEvent) error {
	switch ev.SubType {
	case "", "thread_broadcast", "file_share":
	case "channel_convert_to_private", "channel_convert_to_public":
		c, _ := b.membershipChange(in)
		return b.desk.Membership(ctx, c)
	case "message_changed":
		return b.edited(ctx, in, ev)
	case "message_deleted":
		if !validTS(ev.DeletedTimeStamp) {
			return nil
		}
		return b.desk.Delete(ctx, in.Key, messageID(ev.Channel, ev.DeletedTimeStamp))
	default:
		b.log.Debug("ignoring a message", "key", in.Key, "subtype", ev.SubType)
		return nil
	}
	msg := ev.Message
	if msg == nil {
		msg = &slack.Msg{User: ev.User, Text: ev.Text, Timestamp: ev.TimeStamp, ThreadTimestamp: ev.ThreadTimeStamp, BotID: ev.BotID}
	}
	if b.ws.fromBot(msg.User, msg.BotID) || ev.Channel == "" || !validTS(msg.Timestamp) {
		b.log.Debug("ignoring a message", "key", in.Key, "reason", "from a bot or incomplete")
		return nil
	}
	if msg.ThreadTimestamp != "" && msg.ThreadTimestamp != msg.Timestamp {
		// A reply in a channel that calls the bot is the call: its
		// app_mention asks the thread's question. Slack sends it as a
		// message too, in either order, and read after the mention it
		// would answer the question it asks. (Slack sends no app_mention
		// for a direct message.)
		if ev.ChannelType != slackevents.ChannelTypeIM && mentions(msg.Text, b.ws.botUser) {
			b.log.Debug("ignoring a message", "key", in.Key, "reason", "it calls the bot, and its mention asks")
			return nil
		}
		return b.desk.Answer(ctx, desk.Message{
			Key: in.Key, ID: messageID(ev.Channel, msg.Timestamp), Channel: ev.Channel, TS: msg.Timestamp,
			Thread: msg.ThreadTimestamp, Author: msg.User, Plain: mrkdwn.ToPlain(msg.Text, nil), Time: tsTime(msg.Timestamp),
		})
	}
	if ev.ChannelType == slackevents.ChannelTypeIM {
		text := withoutMention(msg.Text, b.ws.botUser)
		if text, anon := anonymously(text); anon {
			// Straight to the experts, without the asker's name; replies
			// come back in this message's thread.
			return b.ask(ctx, desk.Question{
				Key: in.Key, ID: desk.AnonymousID(in.Key), Asker: msg.User,
				Text: text, Plain: mrkdwn.ToPlain(text, nil), Private: true, Anonymous: true, InDM: true,
				Relay: desk.Link{Conversation: ev.Channel, Thread: msg.Timestamp}, Time: tsTime(msg.Timestamp),
			})
		}
		// The desk asks it without their name if they chose so here.
		return b.ask(ctx, desk.Question{
			Key: in.Key, ID: messageID(ev.Channel, msg.Timestamp), Asker: msg.User,
			Text: text, Plain: mrkdwn.ToPlain(text, nil),
			Where:   knowledge.Conversation{ID: ev.Channel, Kind: knowledge.KindDM, Members: []string{msg.User}},
			Channel: ev.Channel, Thread: msg.Timestamp, Private: true, InDM: true, Time: tsTime(msg.Timestamp),
		})
	}
	// Root messages in channels: mentions come as app_mention, and a help
	// channel's questions are captured once someone replies.
	return nil
}

// edited handles message_changed: an edited answer is updated; an edited
// question (the asker's message the desk follows) too.
func (b *Bot) edited(ctx context.Context, in Inbound, ev *slackevents.MessageEvent) error {
	msg := ev.Message
	if msg == nil || b.ws.fromBot(msg.User, msg.BotID) || !validTS(msg.Timestamp) {
		return nil
	}
	return b.desk.Edit(ctx, desk.Message{
		Key: in.Key, ID: messageID(ev.Channel, msg.Timestamp), Channel: ev.Channel, TS: msg.Timestamp,
		Author: msg.User, Plain: mrkdwn.ToPlain(withoutMention(msg.Text, b.ws.botUser), nil),
	})
}

// reaction handles reaction_added: the asker's check mark on an answer
// accepts it.
func (b *Bot) reaction(ctx context.Context, in Inbound, req desk.Request, ev *slackevents.ReactionAddedEvent) error {
	if !knowledge.CheckMark(ev.Reaction) || ev.Item.Type != "message" || !validTS(ev.Item.Timestamp) {
		b.log.Debug("ignoring a reaction", "key", in.Key, "reaction", ev.Reaction)
		return nil
	}
	return b.desk.CheckMark(ctx, req, ev.Item.Channel, messageID(ev.Item.Channel, ev.Item.Timestamp))
}

// refused tells the Slack client, when it can hear it, that Slack revoked
// the bot token: it stops calling Slack until the token works again.
func (b *Bot) refused(why string) {
	if s, ok := b.ws.api.(interface{ Refuse(string) }); ok {
		s.Refuse(why)
	}
}

// mentionRE matches a user mention in Slack markup.
var mentionRE = regexp.MustCompile(`<@([UW][A-Z0-9]+)(?:\|[^>]*)?>`)

// mentions reports whether text mentions user.
func mentions(text, user string) bool {
	for _, m := range mentionRE.FindAllStringSubmatch(text, -1) {
		if m[1] == user {
			return true
		}
	}
	return false
}

// withoutMention removes the mentions of user from text.
func withoutMention(text, user string) string {
	return strings.TrimSpace(mentionRE.ReplaceAllStringFunc(text, func(m string) string {
		if mentionRE.FindStringSubmatch(m)[1] == user {
			return ""
		}
		return m
	}))
}

// ask asks the desk q, with the people q names as its addressees: the
// experts it asks first.
func (b *Bot) ask(ctx context.Context, q desk.Question) error {
	for _, m := range mentionRE.FindAllStringSubmatch(q.Text, -1) {
		if id := m[1]; id != b.ws.botUser && !slices.Contains(q.Addressed, id) {
			q.Addressed = append(q.Addressed, id)
		}
	}
	return b.desk.Ask(ctx, q)
}

// membershipChange reads a change in who may read a conversation from an
// event: someone joined or left (the bot itself leaving, or being removed,
// loses the conversation), the channel was made private or public, shared
// with another organisation or no longer, or deleted.
func (b *Bot) membershipChange(in Inbound) (desk.MembershipChange, bool) {
	c := desk.MembershipChange{Key: in.Key}
	switch ev := in.Event.InnerEvent.Data.(type) {
	case *slackevents.MemberJoinedChannelEvent:
		c.Conversation, c.Person, c.What = ev.Channel, ev.User, desk.Joined
	case *slackevents.MemberLeftChannelEvent:
		c.Conversation, c.Person, c.What = ev.Channel, ev.User, desk.Left
		if ev.User == b.ws.botUser {
			c.Person, c.What = "", desk.Lost
		}
	case *slackevents.GroupLeftEvent:
		c.Conversation, c.What = ev.Channel, desk.Lost
	case *slackevents.ChannelDeletedEvent:
		c.Conversation, c.What = ev.Channel, desk.Lost
	case *slackevents.GroupDeletedEvent:
		c.Conversation, c.What = ev.Channel, desk.Lost
	case *slackevents.ChannelSharedEvent:
		c.Conversation, c.What = ev.Channel, desk.Shared
	case *slackevents.ChannelUnsharedEvent:
		c.Conversation, c.What = ev.Channel, desk.Unshared
	case *slackevents.MessageEvent:
		c.Conversation, c.What = ev.Channel, desk.MadePublic
		if ev.SubType == "channel_convert_to_private" {
			c.What = desk.MadePrivate
		}
	default:
		return c, false
	}
	return c, true
}
