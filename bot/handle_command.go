package bot

import (
	"context"
	"slices"
	"strings"
	"time"
	"unicode"

	"github.com/nextdesk/nextdesk/blockkit"
	"github.com/nextdesk/nextdesk/i18n"
	"github.com/nextdesk/nextdesk/knowledge"
	"github.com/nextdesk/nextdesk/knowledge/sqlite"
)

// command handles the slash commands: /ask and /nextdesk. Replies go to
// the command's response_url, visible to the person only, in their
// language.
func (b *Bot) command(ctx context.Context, in Inbound) error {
	switch strings.ToLower(in.Command.Command) {
	case "/ask":
		return b.askCommand(ctx, in)
	case "/nextdesk":
		return b.deskCommand(ctx, in)
	}
	b.log.Debug("ignoring an unknown command", "key", in.Key, "command", in.Command.Command)
	lang := b.langOf(b.person(ctx, in.Command.UserID))
	return b.respond(ctx, in, in.Command.ResponseURL, i18n.Tr(lang, "desk.help"), nil, false)
}

// deskCommand handles /nextdesk me, snooze, optout, optin and help.
func (b *Bot) deskCommand(ctx context.Context, in Inbound) error {
	cmd := in.Command
	user := b.person(ctx, cmd.UserID)
	lang := b.langOf(user)
	args := strings.Fields(strings.ToLower(cmd.Text))
	sub := ""
	if len(args) > 0 {
		sub = args[0]
	}
	switch sub {
	case "", "help", "aide":
		return b.respond(ctx, in, cmd.ResponseURL, i18n.Tr(lang, "desk.help"), nil, false)
	case "me", "moi":
		return b.deskMe(ctx, in, user.ID, lang)
	case "digest", "recap":
		return b.DigestCommand(ctx, in, user.ID, lang, strings.Join(args[1:], " "))
	case "optout", "optin":
		out := sub == "optout"
		return b.setPreferences(ctx, in, user.ID, i18n.Tr(lang, "desk."+sub), func(p *knowledge.Preferences) { p.OptedOut = out })
	case "snooze", "pause":
		arg := strings.Join(args[1:], "")
		if arg == "off" || arg == "stop" || arg == "end" || arg == "fin" {
			return b.setPreferences(ctx, in, user.ID, i18n.Tr(lang, "desk.snooze_off"), func(p *knowledge.Preferences) { p.SnoozedUntil = time.Time{} })
		}
		d, ok := parseSpan(arg)
		if !ok {
			return b.respond(ctx, in, cmd.ResponseURL, i18n.Tr(lang, "desk.snooze_bad", blockkit.Clip(arg, 30)), nil, false)
		}
		until := b.now().Add(d)
		return b.setPreferences(ctx, in, user.ID, i18n.Tr(lang, "desk.snoozed", slackDate(until)), func(p *knowledge.Preferences) { p.SnoozedUntil = until })
	}
	return b.respond(ctx, in, cmd.ResponseURL, i18n.Tr(lang, "desk.unknown", blockkit.Clip(sub, 30))+"\n"+i18n.Tr(lang, "desk.help"), nil, false)
}

// setPreferences changes a person's preferences and confirms it.
func (b *Bot) setPreferences(ctx context.Context, in Inbound, person, confirm string, change func(*knowledge.Preferences)) error {
	return b.commit(ctx, in.Key, func(tx *sqlite.BotTx, _ *tally) error {
		p, err := tx.Preferences(ctx, person)
		if err != nil {
			return err
		}
		change(&p)
		if err := tx.SetPreferences(ctx, person, p); err != nil {
			return err
		}
		_, err = enqueue(ctx, tx, in.Key+"/respond", methodRespond, outgoing{ResponseURL: in.Command.ResponseURL, Text: confirm}, 0, sqlite.Place{})
		return err
	})
}

// maxSnooze bounds a snooze: longer than that is an opt-out.
const maxSnooze = 366 * 24 * time.Hour

// parseSpan reads a snooze length such as "2w", "3d", "8h", "90m" or
// "1w2d" (French "j" for days is accepted), between a minute and a year.
func parseSpan(s string) (time.Duration, bool) {
	units := map[rune]time.Duration{'m': time.Minute, 'h': time.Hour, 'd': 24 * time.Hour, 'j': 24 * time.Hour, 'w': 7 * 24 * time.Hour, 's': 7 * 24 * time.Hour}
	var total time.Duration
	n, digits := 0, false
	for _, r := range s {
		switch {
		case unicode.IsDigit(r):
			n = n*10 + int(r-'0')
			digits = true
			if n > 10000 {
				return 0, false
			}
		case digits && units[r] != 0:
			total += time.Duration(n) * units[r]
			n, digits = 0, false
		default:
			return 0, false
		}
	}
	if digits || total < time.Minute || total > maxSnooze {
		return 0, false
	}
	return total, true
}

// meLimit bounds the questions /nextdesk me lists.
const meLimit = 5

// deskMe shows what a person is known for, and the questions waiting for
// them, as they may see them.
func (b *Bot) deskMe(ctx context.Context, in Inbound, person, lang string) error {
	p := profile{Now: b.now()}
	stats, err := b.store.AnswererStats(ctx, []string{person})
	if err != nil {
		return err
	}
	p.Stats = stats[person]
	viewer := knowledge.Viewer{PersonID: person}
	answered, err := b.store.AnsweredBy(ctx, viewer, person, 50)
	if err != nil {
		return err
	}
	p.Topics = topics(answered, meLimit)
	p.Answered = answered[:min(len(answered), meLimit)]
	routes, err := b.store.WaitingRoutes(ctx, person)
	if err != nil {
		return err
	}
	for _, r := range routes[:min(len(routes), meLimit)] {
		qs, err := b.store.Questions(ctx, viewer, []string{r.QuestionID})
		if err != nil {
			return err
		}
		if len(qs) == 0 {
			continue
		}
		w := waiting{Text: qs[0].Text}
		if a, err := b.store.Ask(ctx, r.QuestionID); err == nil && a.Thread != "" {
			w.Link = b.permalink(ctx, a.Channel, a.Thread)
		}
		p.Waiting = append(p.Waiting, w)
	}
	prefs, err := b.store.Preferences(ctx, []string{person})
	if err != nil {
		return err
	}
	p.Prefs = prefs[person]
	if p.HandOffs, err = b.HandOffsText(ctx, person, lang); err != nil {
		return err
	}
	text := i18n.Tr(lang, "desk.me_text", p.Stats.Answers, len(routes))
	return b.respond(ctx, in, in.Command.ResponseURL, text, blocksJSON(profileBlocks(lang, p)), false)
}

// topics are the tags most common among questions, most common first.
func topics(qs []knowledge.Question, n int) []string {
	count := map[string]int{}
	for _, q := range qs {
		for _, t := range q.Tags {
			count[t]++
		}
	}
	tags := make([]string, 0, len(count))
	for t := range count {
		tags = append(tags, t)
	}
	slices.SortFunc(tags, func(a, b string) int {
		if count[a] != count[b] {
			return count[b] - count[a]
		}
		return strings.Compare(a, b)
	})
	return tags[:min(len(tags), n)]
}
