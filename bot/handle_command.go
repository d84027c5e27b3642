package bot

import (
	"context"
	"strings"
	"time"
	"unicode"

	"github.com/nextdesk/nextdesk/knowledge"
	"github.com/nextdesk/nextdesk/knowledge/desk"
	"github.com/nextdesk/nextdesk/mrkdwn"
)

// command handles the slash commands: /ask and /nextdesk. Replies go to
// the command's response_url, visible to the person only, in their
// language.
func (b *Bot) command(ctx context.Context, in Inbound, req desk.Request) error {
	switch strings.ToLower(in.Command.Command) {
	case "/ask":
		return b.askCommand(ctx, in, req)
	case "/nextdesk":
		return b.deskCommand(ctx, in, req)
	}
	b.log.Debug("ignoring an unknown command", "key", in.Key, "command", in.Command.Command)
	return b.desk.Tell(ctx, req, desk.Reply{Say: desk.SayHelp})
}

// askCommand handles /ask: in a channel the bot is in, the question is
// posted there and answered in its thread; in a DM (or a group DM without
// the bot), it is a private question, answered privately. /ask --anon asks
// without the asker's name: posted there by the bot, or, in a DM, sent
// straight to the experts.
func (b *Bot) askCommand(ctx context.Context, in Inbound, req desk.Request) error {
	cmd := in.Command
	text, anon := anonymously(cmd.Text)
	q := desk.Question{
		Key: in.Key, ID: "ask:" + in.Key, Asker: cmd.UserID,
		Text: text, Plain: mrkdwn.ToPlain(text, nil), Time: b.desk.Now(),
		Anonymous: anon,
	}
	if anon {
		if b.desk.AnonymousOff() {
			// Before anything else: no advice on where to ask one.
			return desk.ErrAnonymousOff
		}
		q.ID = desk.AnonymousID(in.Key)
	}
	if !desk.Asks(q.Plain) {
		return desk.ErrUsage
	}
	private := isDM(cmd.ChannelID) || cmd.ChannelName == "directmessage"
	if !private {
		conv, member, err := b.ws.Conversation(ctx, cmd.ChannelID, true)
		switch {
		case knowledge.ErrorCode(err) == knowledge.ENOTFOUND && cmd.ChannelName == "mpdm":
			// A group DM without the bot: nowhere to post, so private.
			private = true
		case (knowledge.ErrorCode(err) == knowledge.ENOTFOUND || err == nil && !member) && anon:
			return desk.ErrNotInChannelAnonymous
		case knowledge.ErrorCode(err) == knowledge.ENOTFOUND || err == nil && !member:
			return desk.ErrNotInChannel
		case err != nil:
			return err
		default:
			q.Where, q.Channel, q.Post = conv, conv.ID, true
		}
	}
	switch {
	case private && anon:
		// Straight to the experts: the desk keeps it where nobody finds
		// it until one of them is asked.
		q.Private = true
	case private:
		// The question belongs to the asker alone until an expert joins
		// it in a group DM.
		q.Where = knowledge.Conversation{ID: "nextdesk:private:" + cmd.UserID, Kind: knowledge.KindDM, Members: []string{cmd.UserID}}
		q.Private, q.Reply = true, req.To
	}
	return b.ask(ctx, q)
}

// badInput refuses a command its person wrote wrong: say tells them how,
// about detail. Like every refusal, it becomes their reply in one place
// (Bot.settle) and is not retried.
func badInput(say desk.Say, detail string) error {
	return &desk.Refusal{Code: knowledge.EINVALID, Reply: desk.Reply{Say: say, Detail: detail}}
}

func isDM(channel string) bool { return len(channel) > 0 && channel[0] == 'D' }

// deskCommand handles /nextdesk me, snooze, optout, optin, digest, team
// and help.
func (b *Bot) deskCommand(ctx context.Context, in Inbound, req desk.Request) error {
	args := strings.Fields(strings.ToLower(in.Command.Text))
	sub := ""
	if len(args) > 0 {
		sub = args[0]
	}
	switch sub {
	case "", "help", "aide":
		return b.desk.Tell(ctx, req, desk.Reply{Say: desk.SayHelp})
	case "me", "moi":
		return b.desk.ShowProfile(ctx, req)
	case "digest", "recap":
		switch strings.Join(args[1:], " ") {
		case "on":
			return b.desk.Subscribe(ctx, req, true)
		case "off":
			return b.desk.Subscribe(ctx, req, false)
		case "", "status":
			return b.desk.SubscriptionStatus(ctx, req)
		}
		return badInput(desk.SayDigestUsage, "")
	case "optout", "optin":
		return b.desk.OptOut(ctx, req, sub == "optout")
	case "team", "teams", "équipe", "equipe", "équipes", "equipes":
		return b.teamCommand(ctx, req, args[1:])
	case "snooze", "pause":
		arg := strings.Join(args[1:], "")
		if arg == "off" || arg == "stop" || arg == "end" || arg == "fin" {
			return b.desk.Snooze(ctx, req, 0)
		}
		d, ok := parseSpan(arg)
		if !ok {
			return badInput(desk.SayBadDuration, arg)
		}
		return b.desk.Snooze(ctx, req, d)
	}
	return badInput(desk.SayUnknown, sub)
}

// teamCommand handles /nextdesk team (the person's teams and their
// promises) and /nextdesk team review [TEAM] [SINCE] (the review of one
// of their teams, posted in its channel, since a date written 2026-01-01
// or over the last six months).
func (b *Bot) teamCommand(ctx context.Context, req desk.Request, args []string) error {
	if len(args) == 0 {
		return b.desk.ShowTeams(ctx, req)
	}
	switch args[0] {
	case "review", "revue", "bilan":
	default:
		return badInput(desk.SayTeamUsage, "")
	}
	args = args[1:]
	var since knowledge.Date
	if n := len(args); n > 0 {
		if d, err := knowledge.ParseDate(args[n-1]); err == nil {
			since, args = d, args[:n-1]
		} else if looksLikeDate(args[n-1]) {
			return badInput(desk.SayBadDate, args[n-1])
		}
	}
	return b.desk.PostReview(ctx, req, strings.Join(args, " "), since)
}

// looksLikeDate reports whether s starts like a date, 2026-…: a team's name
// does not.
func looksLikeDate(s string) bool {
	return len(s) >= 5 && s[4] == '-' && strings.IndexFunc(s[:4], func(r rune) bool { return !unicode.IsDigit(r) }) < 0
}

// parseSpan reads a snooze length such as "2w", "3d", "8h", "90m" or
// "1w2d" (French "j" for days is accepted), between a minute and
// desk.MaxSnooze.
func parseSpan(s string) (time.Duration, bool) {
	units := map[rune]time.Duration{'m': time.Minute, 'h': time.Hour, 'd': 24 * time.Hour, 'j': 24 * time.Hour, 'w': 7 * 24 * time.Hour, 's': 7 * 24 * time.Hour}
	var total time.Duration
	n, digits := 0, false
	for _, r := range s {
		switch {
		case r >= '0' && r <= '9':
			n = n*10 + int(r-'0')
			digits = true
			if n > 10000 {
				return 0, false
			}
		case digits && units[r] != 0:
			// Refused as soon as it is too long: more parts of up to
			// 10000w each could wrap the sum around.
			if total += time.Duration(n) * units[r]; total > desk.MaxSnooze {
				return 0, false
			}
			n, digits = 0, false
		default:
			return 0, false
		}
	}
	if digits || total < time.Minute || total > desk.MaxSnooze {
		return 0, false
	}
	return total, true
}
