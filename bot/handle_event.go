package bot

import (
	"context"

	"github.com/slack-go/slack"
	"github.com/slack-go/slack/slackevents"

	"github.com/nextdesk/nextdesk/i18n"
	"github.com/nextdesk/nextdesk/knowledge"
	"github.com/nextdesk/nextdesk/knowledge/sqlite"
)

// event handles an Events API delivery: mentions ask, DMs to the bot ask
// privately, thread replies, edits, deletions and reactions are captured.
// Everything else is ignored with a debug log.
func (b *Bot) event(ctx context.Context, in Inbound) error {
	switch ev := in.Event.InnerEvent.Data.(type) {
	case *slackevents.AppMentionEvent:
		return b.mention(ctx, in, ev)
	case *slackevents.MessageEvent:
		return b.message(ctx, in, ev)
	case *slackevents.ReactionAddedEvent:
		return b.reaction(ctx, in, ev)
	}
	b.log.Debug("ignoring an event", "type", in.Event.InnerEvent.Type, "key", in.Key)
	return nil
}

// fromBot reports whether a message was written by this or another bot,
// which the bot never treats as a question or an answer.
func (b *Bot) fromBot(user, botID string) bool {
	return user == "" || user == b.cfg.BotUserID || botID != ""
}

// mention handles @nextdesk in a channel: the question is the message
// without the mention, answered in the message's thread.
func (b *Bot) mention(ctx context.Context, in Inbound, ev *slackevents.AppMentionEvent) error {
	if b.fromBot(ev.User, ev.BotID) || ev.Channel == "" || !validTS(ev.TimeStamp) {
		b.log.Debug("ignoring a mention", "key", in.Key, "reason", "from a bot or incomplete")
		return nil
	}
	thread := ev.ThreadTimeStamp
	if thread == "" {
		thread = ev.TimeStamp
	}
	if _, err := b.store.AskByThread(ctx, ev.Channel, thread); err == nil {
		// A mention in a thread the bot already follows is a reply, which
		// the message event captures.
		b.log.Debug("ignoring a mention in a followed thread", "key", in.Key)
		return nil
	} else if knowledge.ErrorCode(err) != knowledge.ENOTFOUND {
		return err
	}
	conv, _, err := b.conversation(ctx, ev.Channel, false)
	if knowledge.ErrorCode(err) == knowledge.ENOTFOUND {
		b.log.Debug("ignoring a mention in a conversation the bot cannot see", "key", in.Key, "channel", ev.Channel)
		return nil
	}
	if err != nil {
		return err
	}
	asker := b.person(ctx, ev.User)
	qs, ok := b.newQuestion(asker, withoutMention(ev.Text, b.cfg.BotUserID))
	if !ok {
		return b.commit(ctx, in.Key, func(tx *sqlite.BotTx, _ *tally) error {
			return target{channel: ev.Channel, ts: thread}.post(ctx, tx, in.Key+"/usage", i18n.Tr(b.langOf(asker), "ask.usage"), nil)
		})
	}
	qs.conv = conv
	qs.q.ID = messageID(ev.Channel, ev.TimeStamp)
	qs.q.Conversation, qs.q.Thread, qs.q.Time = conv.ID, thread, tsTime(ev.TimeStamp)
	qs.ask.QuestionID, qs.ask.Channel, qs.ask.Thread = qs.q.ID, conv.ID, thread
	return b.askQuestion(ctx, in, qs)
}

// messageID is the id of a question or answer written as a Slack message.
func messageID(channel, ts string) string { return "slack:" + channel + ":" + ts }

// message handles message events: a root message in a DM with the bot is a
// private question; a reply in a followed thread (or a help channel's) is
// captured; edits and deletions update what was captured.
func (b *Bot) message(ctx context.Context, in Inbound, ev *slackevents.MessageEvent) error {
	switch ev.SubType {
	case "", "thread_broadcast", "file_share":
	case "message_changed":
		return b.edited(ctx, in, ev)
	case "message_deleted":
		return b.deleted(ctx, in, ev)
	default:
		b.log.Debug("ignoring a message", "key", in.Key, "subtype", ev.SubType)
		return nil
	}
	msg := ev.Message
	if msg == nil {
		msg = &slack.Msg{User: ev.User, Text: ev.Text, Timestamp: ev.TimeStamp, ThreadTimestamp: ev.ThreadTimeStamp, BotID: ev.BotID}
	}
	if b.fromBot(msg.User, msg.BotID) || ev.Channel == "" || !validTS(msg.Timestamp) {
		b.log.Debug("ignoring a message", "key", in.Key, "reason", "from a bot or incomplete")
		return nil
	}
	if msg.ThreadTimestamp != "" && msg.ThreadTimestamp != msg.Timestamp {
		return b.capture(ctx, in, ev.Channel, msg)
	}
	if ev.ChannelType == slackevents.ChannelTypeIM {
		return b.direct(ctx, in, ev.Channel, msg)
	}
	// Root messages in channels: mentions come as app_mention, and a help
	// channel's questions are captured once someone replies.
	return nil
}

// direct handles a message sent to the bot in a DM: a private question.
func (b *Bot) direct(ctx context.Context, in Inbound, channel string, msg *slack.Msg) error {
	asker := b.person(ctx, msg.User)
	qs, ok := b.newQuestion(asker, withoutMention(msg.Text, b.cfg.BotUserID))
	if !ok {
		return b.commit(ctx, in.Key, func(tx *sqlite.BotTx, _ *tally) error {
			return target{channel: channel, ts: msg.Timestamp}.post(ctx, tx, in.Key+"/usage", i18n.Tr(b.langOf(asker), "ask.usage"), nil)
		})
	}
	qs.conv = knowledge.Conversation{ID: channel, Kind: knowledge.KindDM, Members: []string{asker.ID}}
	qs.q.ID = messageID(channel, msg.Timestamp)
	qs.q.Conversation, qs.q.Thread, qs.q.Time = channel, msg.Timestamp, tsTime(msg.Timestamp)
	qs.ask.QuestionID, qs.ask.Channel, qs.ask.Thread, qs.ask.Private = qs.q.ID, channel, msg.Timestamp, true
	return b.askQuestion(ctx, in, qs)
}
