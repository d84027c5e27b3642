package bot

import (
	"context"
	"regexp"
	"strings"

	"github.com/slack-go/slack"
	"github.com/slack-go/slack/slackevents"

	"github.com/nextdesk/nextdesk/knowledge"
	"github.com/nextdesk/nextdesk/knowledge/desk"
	"github.com/nextdesk/nextdesk/mrkdwn"
)

// event handles an Events API delivery: mentions ask, DMs to the bot ask
// privately, thread replies, edits, deletions and reactions are captured.
// Everything else is ignored with a debug log.
func (b *Bot) event(ctx context.Context, in Inbound, req desk.Request) error {
	switch ev := in.Event.InnerEvent.Data.(type) {
	case *slackevents.AppMentionEvent:
		return b.mention(ctx, in, ev)
	case *slackevents.MessageEvent:
		return b.message(ctx, in, ev)
	case *slackevents.ReactionAddedEvent:
		return b.reaction(ctx, in, req, ev)
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
	text := withoutMention(ev.Text, b.ws.botUser)
	return b.desk.Ask(ctx, desk.Question{
		Key: in.Key, ID: messageID(ev.Channel, ev.TimeStamp), Asker: ev.User,
		Text: text, Plain: mrkdwn.ToPlain(text, nil),
		Where: conv, Channel: conv.ID, Thread: thread, Time: tsTime(ev.TimeStamp),
	})
}

// message handles message events: a root message in a DM with the bot is a
// private question; a reply in a thread may be an answer; edits and
// deletions update what was captured.
func (b *Bot) message(ctx context.Context, in Inbound, ev *slackevents.MessageEvent) error {
	switch ev.SubType {
	case "", "thread_broadcast", "file_share":
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
		return b.desk.Answer(ctx, desk.Message{
			Key: in.Key, ID: messageID(ev.Channel, msg.Timestamp), Channel: ev.Channel, TS: msg.Timestamp,
			Thread: msg.ThreadTimestamp, Author: msg.User, Plain: mrkdwn.ToPlain(msg.Text, nil), Time: tsTime(msg.Timestamp),
		})
	}
	if ev.ChannelType == slackevents.ChannelTypeIM {
		text := withoutMention(msg.Text, b.ws.botUser)
		return b.desk.Ask(ctx, desk.Question{
			Key: in.Key, ID: messageID(ev.Channel, msg.Timestamp), Asker: msg.User,
			Text: text, Plain: mrkdwn.ToPlain(text, nil),
			Where:   knowledge.Conversation{ID: ev.Channel, Kind: knowledge.KindDM, Members: []string{msg.User}},
			Channel: ev.Channel, Thread: msg.Timestamp, Private: true, Time: tsTime(msg.Timestamp),
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

// withoutMention removes the mentions of user from text.
func withoutMention(text, user string) string {
	return strings.TrimSpace(mentionRE.ReplaceAllStringFunc(text, func(m string) string {
		if mentionRE.FindStringSubmatch(m)[1] == user {
			return ""
		}
		return m
	}))
}
