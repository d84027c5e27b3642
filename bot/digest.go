package bot

import (
	"context"
	"fmt"

	"github.com/nextdesk/nextdesk/digest"
	"github.com/nextdesk/nextdesk/knowledge"
)

// taskDigest names the digest's background task.
const taskDigest = "digest"

// DigestTask is the weekly digest as a background task, for runs alone
// (nextdesk tasks --only digest) and dry: it posts the digests due now
// and not posted yet (see digest.Publisher.PostDue); dry, it logs which
// week is due and posts nothing. The schedule itself is kept by
// digest.Publisher.Run, which the server runs beside the bot.
func (b *Bot) DigestTask(p *digest.Publisher) Task {
	return Task{Name: taskDigest, Every: digest.DefaultRetry, Run: func(ctx context.Context, dryRun bool) error {
		if dryRun {
			if w, due := p.Due(); due {
				b.log.Info("digest (dry run): would post the digests not yet posted", "week", w.String())
			} else {
				b.log.Info("digest (dry run): no digest is due")
			}
			return nil
		}
		res, err := p.PostDue(ctx)
		for _, r := range res {
			if r.Posted {
				b.log.Info("digest posted", "digest", r.Key, "channel", r.Channel)
			}
		}
		if err != nil {
			return fmt.Errorf("digest: %w", err)
		}
		return nil
	}}
}

// DigestCommand handles "/nextdesk digest ARGS" from person, replying in
// lang to the command's response_url: "on" starts their personal weekly
// digest (the new answers in the topics they asked about or answered),
// "off" stops it, nothing says where they stand. The preference is stored
// with the store's digest.Subscriptions methods. A retried delivery changes nothing more: setting the same preference
// twice is harmless, and the reply is sent once per delivery key. It
// returns the store's errors.
func (b *Bot) DigestCommand(ctx context.Context, in Inbound, person, lang, args string) error {
	if in.Command == nil {
		return fmt.Errorf("bot: digest command: delivery %s is not a slash command", in.Key)
	}
	reply, err := digest.Subscribe(ctx, b.store, person, args, lang)
	if knowledge.ErrorCode(err) == knowledge.EINVALID {
		reply, err = knowledge.ErrorMessage(err), nil
	}
	if err != nil {
		return err
	}
	return b.respond(ctx, in, in.Command.ResponseURL, reply, nil, false)
}

// HandOffsText says, for /nextdesk me, how many hand-offs between managers
// person's direct answers saved ("You answered 12 questions directly,
// saving 30 hand-offs between managers."), in lang. It returns "" when no
// org chart was imported or the person answered nothing directly: the
// figure is then left out, not invented. It returns the store's errors.
func (b *Bot) HandOffsText(ctx context.Context, person, lang string) (string, error) {
	h, known, err := digest.HandOffsOf(ctx, b.store, person)
	if err != nil || !known || h.Questions == 0 {
		return "", err
	}
	return h.TextForAnswerer(lang), nil
}
