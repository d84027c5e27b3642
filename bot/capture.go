package bot

import (
	"context"
	"fmt"

	"github.com/slack-go/slack"
	"github.com/slack-go/slack/slackevents"

	"github.com/nextdesk/nextdesk/i18n"
	"github.com/nextdesk/nextdesk/knowledge"
	"github.com/nextdesk/nextdesk/knowledge/sqlite"
	"github.com/nextdesk/nextdesk/mrkdwn"
)

// capture handles a reply in a thread. In the thread of a question the bot
// follows, a reply by someone other than the asker is an answer, and the
// asker's thanks count for the latest answer; in a help channel, the
// thread becomes a followed question at its first reply.
func (b *Bot) capture(ctx context.Context, in Inbound, channel string, msg *slack.Msg) error {
	a, err := b.store.AskByThread(ctx, channel, msg.ThreadTimestamp)
	if knowledge.ErrorCode(err) == knowledge.ENOTFOUND {
		if b.isHelpChannel(ctx, channel) {
			return b.captureHelp(ctx, in, channel, msg)
		}
		placing, err := b.store.PlacingThread(ctx, channel)
		if err != nil {
			return err
		}
		if placing {
			// The bot's own message that starts this thread may be in
			// Slack already but not yet recorded: failing lets the
			// dispatcher try again once it is, instead of losing an answer.
			return fmt.Errorf("reply %s in channel %s: its thread may be one the bot is still starting", msg.Timestamp, channel)
		}
		b.log.Debug("ignoring a reply in a thread the bot does not follow", "key", in.Key)
		return nil
	}
	if err != nil {
		return err
	}
	plain := mrkdwn.ToPlain(msg.Text, nil)
	if plain == "" {
		return nil
	}
	if msg.User == a.Asker {
		if !knowledge.Thanks(plain) {
			return nil
		}
		return b.commit(ctx, in.Key, func(tx *sqlite.BotTx, _ *tally) error {
			return thank(ctx, tx, a.QuestionID, a.Asker)
		})
	}
	answer := knowledge.Answer{ID: messageID(channel, msg.Timestamp), Answerer: msg.User, Text: plain, Time: tsTime(msg.Timestamp)}
	asker := b.person(ctx, a.Asker)
	return b.commit(ctx, in.Key, func(tx *sqlite.BotTx, t *tally) error {
		return b.answered(ctx, tx, in.Key, a.QuestionID, answer, b.langOf(asker), t)
	})
}

// answered records an answer in a followed thread: the question is
// answered, its routes are done, and on the first answer the asker is
// asked (privately) whether it solved the question.
func (b *Bot) answered(ctx context.Context, tx *sqlite.BotTx, key, questionID string, answer knowledge.Answer, askerLang string, t *tally) error {
	a, err := tx.Ask(ctx, questionID)
	if err != nil {
		return err
	}
	changed, err := tx.UpsertAnswer(ctx, questionID, answer)
	if knowledge.ErrorCode(err) == knowledge.ENOTFOUND {
		return nil // the question was deleted meanwhile
	}
	if err != nil {
		return err
	}
	if changed {
		t.captured++
	}
	if err := closeRoutes(ctx, tx, questionID, knowledge.RouteAnswered); err != nil {
		return err
	}
	if a.Status != knowledge.StatusOpen && a.Status != knowledge.StatusOffered && a.Status != knowledge.StatusUnanswered {
		return nil
	}
	if err := tx.SetAskStatus(ctx, questionID, knowledge.StatusAnswered, ""); err != nil {
		return err
	}
	_, err = enqueue(ctx, tx, key+"/accept", methodEphemeral, outgoing{
		Channel: a.Channel, User: a.Asker, Thread: a.Thread,
		Text:   i18n.Tr(askerLang, "route.solved_prompt", answer.Answerer),
		Blocks: blocksJSON(acceptBlocks(askerLang, answer.Answerer, answer.ID)),
	}, 0, sqlite.Place{})
	return err
}

// closeRoutes decides the routes of a question still waiting for their
// expert.
func closeRoutes(ctx context.Context, tx *sqlite.BotTx, questionID string, outcome knowledge.RouteOutcome) error {
	routes, err := tx.Routes(ctx, questionID)
	if err != nil {
		return err
	}
	for _, r := range routes {
		if r.Outcome.AwaitsExpert() {
			if err := tx.SetRouteOutcome(ctx, r.ID, outcome); err != nil {
				return err
			}
		}
	}
	return nil
}

// thank counts the asker's thanks for the latest answer by someone else,
// or for the past answer offered at once when nobody has answered.
func thank(ctx context.Context, tx *sqlite.BotTx, questionID, asker string) error {
	answers, err := tx.Answers(ctx, questionID)
	if err != nil {
		return err
	}
	for i := len(answers) - 1; i >= 0; i-- {
		if answers[i].Answerer != asker {
			return tx.AddThanks(ctx, answers[i].ID)
		}
	}
	a, err := tx.Ask(ctx, questionID)
	if err != nil || a.Offered == "" {
		return err
	}
	if err := tx.AddThanks(ctx, a.Offered); knowledge.ErrorCode(err) != knowledge.ENOTFOUND {
		return err
	}
	return nil
}

// captureHelp turns a help channel's thread into a followed question at
// its first reply by someone other than its author: the root (read from
// Slack) is the question, the reply its first answer. The bot says nothing
// in the thread: nobody called it.
func (b *Bot) captureHelp(ctx context.Context, in Inbound, channel string, reply *slack.Msg) error {
	msgs, _, _, err := b.api.GetConversationRepliesContext(ctx, &slack.GetConversationRepliesParameters{
		ChannelID: channel, Timestamp: reply.ThreadTimestamp, Limit: 1, Inclusive: true,
	})
	if err != nil {
		if code := slackCode(err); code == "thread_not_found" || code == "channel_not_found" || code == "not_in_channel" {
			b.log.Debug("ignoring a help channel reply whose thread is gone", "key", in.Key, "err", err)
			return nil
		}
		return fmt.Errorf("conversations.replies %s: %w", channel, err)
	}
	if len(msgs) == 0 || msgs[0].Timestamp != reply.ThreadTimestamp {
		return nil
	}
	root := msgs[0]
	plainRoot := mrkdwn.ToPlain(root.Text, nil)
	if b.fromBot(root.User, root.BotID) || root.SubType != "" || root.User == reply.User || plainRoot == "" {
		return nil
	}
	plain := mrkdwn.ToPlain(reply.Text, nil)
	if plain == "" {
		return nil
	}
	conv, _, err := b.conversation(ctx, channel, false)
	if err != nil {
		return err
	}
	q := knowledge.Question{
		ID: messageID(channel, root.Timestamp), Asker: root.User, Conversation: conv.ID, Thread: root.Timestamp,
		Text: plainRoot, Lang: knowledge.DetectLang(plainRoot), Time: tsTime(root.Timestamp),
	}
	answer := knowledge.Answer{ID: messageID(channel, reply.Timestamp), Answerer: reply.User, Text: plain, Time: tsTime(reply.Timestamp)}
	return b.commit(ctx, in.Key, func(tx *sqlite.BotTx, t *tally) error {
		if err := tx.UpsertConversation(ctx, conv); err != nil {
			return err
		}
		if err := tx.AddQuestion(ctx, q); err != nil {
			return err
		}
		err := tx.AddAsk(ctx, knowledge.Ask{QuestionID: q.ID, Asker: q.Asker, Channel: channel, Thread: q.Thread, Status: knowledge.StatusAnswered})
		if err != nil && knowledge.ErrorCode(err) != knowledge.ECONFLICT {
			return err
		}
		changed, err := tx.UpsertAnswer(ctx, q.ID, answer)
		if err != nil {
			return err
		}
		if changed {
			t.captured++
		}
		return nil
	})
}

// edited handles message_changed: an edited answer is updated; an edited
// question (the asker's message the bot answered) too.
func (b *Bot) edited(ctx context.Context, in Inbound, ev *slackevents.MessageEvent) error {
	msg := ev.Message
	if msg == nil || b.fromBot(msg.User, msg.BotID) || !validTS(msg.Timestamp) {
		return nil
	}
	plain := mrkdwn.ToPlain(withoutMention(msg.Text, b.cfg.BotUserID), nil)
	if plain == "" {
		return nil
	}
	id := messageID(ev.Channel, msg.Timestamp)
	return b.commit(ctx, in.Key, func(tx *sqlite.BotTx, t *tally) error {
		if qid, old, err := tx.Answer(ctx, id); err == nil {
			old.Text = plain
			_, err := tx.UpsertAnswer(ctx, qid, old)
			return err
		} else if knowledge.ErrorCode(err) != knowledge.ENOTFOUND {
			return err
		}
		if a, err := tx.Ask(ctx, id); err == nil && a.Asker == msg.User {
			return b.editQuestion(ctx, tx, id, plain)
		} else if err != nil && knowledge.ErrorCode(err) != knowledge.ENOTFOUND {
			return err
		}
		return nil
	})
}

// editQuestion replaces the text of a followed question, keeping the rest.
func (b *Bot) editQuestion(ctx context.Context, tx *sqlite.BotTx, id, plain string) error {
	qs, err := b.store.Questions(ctx, knowledge.Anonymous, []string{id})
	if err != nil {
		return err
	}
	var q knowledge.Question
	if len(qs) == 1 {
		q = qs[0]
	} else {
		// Not public: the asker may see it.
		a, err := tx.Ask(ctx, id)
		if err != nil {
			return err
		}
		if qs, err = b.store.Questions(ctx, knowledge.Viewer{PersonID: a.Asker}, []string{id}); err != nil || len(qs) != 1 {
			return err
		}
		q = qs[0]
	}
	q.Text, q.Lang, q.Answers = plain, knowledge.DetectLang(plain), nil
	return tx.AddQuestion(ctx, q)
}

// deleted handles message_deleted: a deleted answer is removed.
func (b *Bot) deleted(ctx context.Context, in Inbound, ev *slackevents.MessageEvent) error {
	if !validTS(ev.DeletedTimeStamp) {
		return nil
	}
	id := messageID(ev.Channel, ev.DeletedTimeStamp)
	return b.commit(ctx, in.Key, func(tx *sqlite.BotTx, _ *tally) error {
		_, err := tx.DeleteAnswer(ctx, id)
		return err
	})
}

// reaction handles reaction_added: the asker's check mark on an answer
// accepts it.
func (b *Bot) reaction(ctx context.Context, in Inbound, ev *slackevents.ReactionAddedEvent) error {
	if !knowledge.CheckMark(ev.Reaction) || ev.Item.Type != "message" || !validTS(ev.Item.Timestamp) {
		b.log.Debug("ignoring a reaction", "key", in.Key, "reaction", ev.Reaction)
		return nil
	}
	answerID := messageID(ev.Item.Channel, ev.Item.Timestamp)
	return b.commit(ctx, in.Key, func(tx *sqlite.BotTx, _ *tally) error {
		if err := accept(ctx, tx, answerID, ev.User); err != errNotAsker {
			return err
		}
		return nil
	})
}

// accept records that by, the asker, said an answer solved their
// question. Anyone else's check mark, or one on a message that is not an
// answer, changes nothing; it returns errNotAsker for the former.
func accept(ctx context.Context, tx *sqlite.BotTx, answerID, by string) error {
	qid, _, err := tx.Answer(ctx, answerID)
	if knowledge.ErrorCode(err) == knowledge.ENOTFOUND {
		return nil
	}
	if err != nil {
		return err
	}
	a, err := tx.Ask(ctx, qid)
	if knowledge.ErrorCode(err) == knowledge.ENOTFOUND {
		return nil
	}
	if err != nil {
		return err
	}
	if a.Asker != by {
		return errNotAsker
	}
	if err := tx.SetAccepted(ctx, answerID); err != nil {
		return err
	}
	if err := closeRoutes(ctx, tx, qid, knowledge.RouteAnswered); err != nil {
		return err
	}
	return tx.SetAskStatus(ctx, qid, knowledge.StatusSolved, "")
}

// errNotAsker says someone other than the asker tried to accept an answer.
var errNotAsker = knowledge.Errorf(knowledge.EINVALID, "Only the person who asked can mark an answer as solving it.")
