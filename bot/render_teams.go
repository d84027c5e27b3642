package bot

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/slack-go/slack"

	"github.com/nextdesk/nextdesk/blockkit"
	"github.com/nextdesk/nextdesk/digest"
	"github.com/nextdesk/nextdesk/i18n"
	"github.com/nextdesk/nextdesk/knowledge"
	"github.com/nextdesk/nextdesk/knowledge/desk"
)

// The messages of teams and their promises. A promise is said in working
// time ("4 working hours", "2 jours ouvrés") and its deadline as a date
// each reader's Slack shows in their own time zone.

// workTime says a working time promised: in working days when it is a
// whole number of the team's days (day), else in hours, or minutes.
func workTime(lang string, d, day time.Duration) string {
	switch {
	case day > 0 && d >= day && d%day == 0:
		return i18n.Trn(lang, "work.days", int(d/day))
	case d < time.Hour:
		return i18n.Trn(lang, "work.minutes", int(d/time.Minute))
	case d%time.Hour == 0:
		return i18n.Trn(lang, "work.hours", int(d/time.Hour))
	}
	return i18n.Tr(lang, "work.hours_minutes", int(d/time.Hour), int(d%time.Hour/time.Minute))
}

// promiseSentence tells the asker which team has their question and what
// it promised: "IT answers within 4 working hours (by …)."
func promiseSentence(lang string, p desk.Promised) string {
	p.Team = blockkit.Escape(p.Team)
	switch {
	case p.FirstResponse > 0 && p.Resolution > 0:
		return i18n.Tr(lang, "team.promise_both", p.Team, workTime(lang, p.FirstResponse, p.Day), workTime(lang, p.Resolution, p.Day), slackDateTime(p.FirstDue))
	case p.FirstResponse > 0:
		return i18n.Tr(lang, "team.promise_first", p.Team, workTime(lang, p.FirstResponse, p.Day), slackDateTime(p.FirstDue))
	case p.Resolution > 0:
		return i18n.Tr(lang, "team.promise_resolves", p.Team, workTime(lang, p.Resolution, p.Day), slackDateTime(p.ResolutionDue))
	}
	return i18n.Tr(lang, "team.has", p.Team)
}

// promiseTerms lists what was promised with when each falls due, for the
// team's channel: "a first answer within 4 working hours (by …), a
// resolution within …".
func promiseTerms(lang string, p desk.Promised) string {
	var terms []string
	if p.FirstResponse > 0 {
		terms = append(terms, i18n.Tr(lang, "team.first_within", workTime(lang, p.FirstResponse, p.Day), slackDateTime(p.FirstDue)))
	}
	if p.Resolution > 0 {
		terms = append(terms, i18n.Tr(lang, "team.resolve_within", workTime(lang, p.Resolution, p.Day), slackDateTime(p.ResolutionDue)))
	}
	if len(terms) == 0 {
		return i18n.Tr(lang, "team.asked_internal")
	}
	return i18n.Tr(lang, "team.asked_promise", strings.Join(terms, ", "))
}

// askedLine says who asks what, to people who may or may not read the
// question (private): "<@alice> asks:" and the question quoted, that they
// have a private question, or that someone asks anonymously.
func askedLine(lang, asker string, private bool, text string) string {
	switch {
	case asker == "" && private:
		return i18n.Tr(lang, "team.asked_anon")
	case private:
		return i18n.Tr(lang, "team.asked_private", asker)
	}
	return asks(lang, asker) + "\n" + quote(text, maxQuoted)
}

// teamAskedBlocks tells a team's channel it took a question: what, whom it
// went to or that someone there should answer, and what was promised.
func teamAskedBlocks(lang string, b desk.TeamAsked, link string) (string, []slack.Block) {
	// A header is plain text: the team's name as it is written.
	header := i18n.Tr(lang, "team.asked_header", b.Promise.Team)
	if b.Promise.Topic != "" {
		header = i18n.Tr(lang, "team.asked_topic", b.Promise.Team, b.Promise.Topic)
	}
	text := quoted(b.Text)
	blocks := []slack.Block{
		blockkit.Header(blockkit.OneLine(header, 150)),
		blockkit.Section(askedLine(lang, b.Asker, b.Private, text)),
	}
	var next string
	switch {
	case b.Expert != "":
		next = i18n.Tr(lang, "team.asked_expert", b.Expert)
	case b.Private && b.Asker != "":
		next = gapText(lang, b.Gap, b.Asked) + " " + i18n.Tr(lang, "team.asked_reach")
	default:
		next = gapText(lang, b.Gap, b.Asked) + " " + i18n.Tr(lang, "team.asked_help")
	}
	if link != "" {
		next += " " + i18n.Tr(lang, "expert.link", link)
	}
	blocks = append(blocks, blockkit.Section(next), blockkit.Context(promiseTerms(lang, b.Promise)))
	summary := i18n.Tr(lang, "team.asked_text", blockkit.Escape(b.Promise.Team), excerpt(text))
	if b.Private {
		summary = blockkit.Escape(header)
	}
	return summary, blocks
}

// expertTeam is why a member of a team is asked: their team takes the
// question's topic.
func expertTeam(lang string, b desk.ExpertAsked) string {
	return i18n.Tr(lang, "expert.team", blockkit.Escape(b.Team), blockkit.Escape(b.Topic))
}

// reminderPromise is what a team promised, on the reminder of the person
// who took its question.
func reminderPromise(lang string, p desk.Promised) string {
	p.Team = blockkit.Escape(p.Team)
	if p.FirstResponse > 0 {
		return i18n.Tr(lang, "reminder.promise", p.Team, slackDateTime(p.FirstDue))
	}
	return i18n.Tr(lang, "reminder.promise_resolution", p.Team, slackDateTime(p.ResolutionDue))
}

// promiseDueBlocks says a team's promise is about to run out, or was
// broken, to b.To.
func promiseDueBlocks(lang string, b desk.PromiseDue, link string) (string, []slack.Block) {
	p := b.Promise
	p.Team = blockkit.Escape(p.Team)
	within, due := p.FirstResponse, p.FirstDue
	if b.Deadline == knowledge.Resolution {
		within, due = p.Resolution, p.ResolutionDue
	}
	kind := string(b.Deadline)
	when := slackDateTime(due)
	switch b.To {
	case desk.ToAsker:
		text := i18n.Tr(lang, "promise.asker."+kind, p.Team, workTime(lang, within, p.Day), when)
		return text, []slack.Block{blockkit.Section(text)}
	case desk.ToHolder:
		intro := i18n.Tr(lang, "promise.holder."+kind, p.Team, when)
		blocks := []slack.Block{blockkit.Section(intro + "\n" + askedLine(lang, b.Asker, false, quoted(b.Text)))}
		if link != "" {
			blocks = append(blocks, blockkit.Section(i18n.Tr(lang, "expert.link", link)))
		}
		if b.Route != 0 {
			next := i18n.Tr(lang, "reminder.again")
			if b.Last {
				next = i18n.Tr(lang, "reminder.last", slackDateTime(b.Next))
			}
			blocks = append(blocks, blockkit.Context(next))
		}
		return i18n.Tr(lang, "promise.holder_text", p.Team, when), blocks
	}
	intro := i18n.Tr(lang, "promise.channel."+kind, p.Team, when)
	if b.Step == knowledge.StepBreach {
		intro = i18n.Tr(lang, "promise.breach."+kind, p.Team, workTime(lang, within, p.Day), when)
	}
	holder := i18n.Tr(lang, "promise.holder_none")
	if b.Holder != "" {
		holder = i18n.Tr(lang, "promise.holder_is", b.Holder)
	}
	if link != "" {
		holder += " " + i18n.Tr(lang, "expert.link", link)
	}
	return intro, []slack.Block{
		blockkit.Section(intro + "\n" + askedLine(lang, b.Asker, b.Private, quoted(b.Text))),
		blockkit.Section(holder),
	}
}

// weekdays are the days of a week in lang, Monday first.
func weekdays(lang string) []string { return strings.Split(i18n.Tr(lang, "teams.days"), ",") }

// hoursText says a team's working hours, days with the same spans
// together: "Mon–Fri 09:00–12:30, 14:00–18:00".
func hoursText(lang string, week [7][]knowledge.Span) string {
	names := weekdays(lang)
	same := func(a, b []knowledge.Span) bool {
		if len(a) != len(b) {
			return false
		}
		for i := range a {
			if a[i] != b[i] {
				return false
			}
		}
		return true
	}
	// Monday first: time.Weekday counts from Sunday.
	day := func(i int) []knowledge.Span { return week[(i+1)%7] }
	var parts []string
	for i := 0; i < 7; {
		j := i
		for j+1 < 7 && same(day(j+1), day(i)) {
			j++
		}
		if spans := day(i); len(spans) > 0 {
			days := names[i]
			if j > i {
				days += "–" + names[j]
			}
			times := make([]string, len(spans))
			for k, s := range spans {
				times[k] = strings.Replace(s.String(), "-", "–", 1)
			}
			parts = append(parts, days+" "+strings.Join(times, ", "))
		}
		i = j + 1
	}
	return strings.Join(parts, i18n.Tr(lang, "teams.hours_sep"))
}

// teamsBlocks shows a person their teams and what each promises, or, in
// none, the teams there are.
func teamsBlocks(lang string, b desk.TeamsShown) (string, []slack.Block) {
	if len(b.Teams) == 0 {
		blocks := []slack.Block{blockkit.Section(i18n.Tr(lang, "teams.none"))}
		if len(b.Others) > 0 {
			names := make([]string, len(b.Others))
			for i, t := range b.Others {
				names[i] = blockkit.Escape(t.Name)
				if t.Channel != "" {
					names[i] += " (" + mention(t.Channel) + ")"
				}
			}
			blocks = append(blocks, blockkit.Section(i18n.Tr(lang, "teams.others", strings.Join(names, ", "))))
		}
		return i18n.Tr(lang, "teams.none"), blocks
	}
	blocks := []slack.Block{blockkit.Header(i18n.Tr(lang, "teams.header"))}
	names := make([]string, len(b.Teams))
	for i, t := range b.Teams {
		names[i] = blockkit.Escape(t.Name)
		blocks = append(blocks, blockkit.Section(teamText(lang, t)))
	}
	return i18n.Tr(lang, "teams.text", strings.Join(names, ", ")), blocks
}

// teamText is one team: its channel and size, its topics, its hours, and
// its promises.
func teamText(lang string, t desk.TeamCard) string {
	channel := i18n.Tr(lang, "teams.no_channel")
	if t.Channel != "" {
		channel = mention(t.Channel)
	}
	lines := []string{i18n.Trn(lang, "teams.title", t.Members, blockkit.Escape(t.Name), channel)}
	if len(t.Topics) > 0 {
		lines = append(lines, i18n.Tr(lang, "teams.topics", blockkit.Escape(strings.Join(t.Topics, ", "))))
	}
	switch {
	case t.Zone == "":
		lines = append(lines, i18n.Tr(lang, "teams.wall_clock"))
	default:
		lines = append(lines, i18n.Tr(lang, "teams.hours_zone", hoursText(lang, t.Week), t.Zone))
	}
	if len(t.Promises) == 0 {
		return strings.Join(append(lines, i18n.Tr(lang, "teams.no_promise")), "\n")
	}
	lines = append(lines, i18n.Tr(lang, "teams.promises"))
	for _, p := range t.Promises {
		topic, to := i18n.Tr(lang, "teams.all_topics"), i18n.Tr(lang, "teams.everyone")
		if p.Topic != "" {
			topic = blockkit.Escape(p.Topic)
		}
		if p.From != "" {
			to = blockkit.Escape(p.From)
		}
		var terms []string
		if p.FirstResponse > 0 {
			terms = append(terms, i18n.Tr(lang, "teams.first", workTime(lang, p.FirstResponse, t.Day)))
		}
		if p.Resolution > 0 {
			terms = append(terms, i18n.Tr(lang, "teams.resolution", workTime(lang, p.Resolution, t.Day)))
		}
		lines = append(lines, i18n.Tr(lang, "teams.promise", topic, to, strings.Join(terms, ", ")))
	}
	return strings.Join(lines, "\n")
}

// renderReview composes team b.Team's part of the reciprocal commitments
// table now, from the store, in the workspace's language.
func (o *Outbox) renderReview(ctx context.Context, c call, b desk.TeamReview) (call, error) {
	src, ok := o.store.(digest.TeamSource)
	if !ok {
		return call{}, permanentError{fmt.Errorf("the review of %s cannot be composed: the store keeps no teams", b.Team)}
	}
	r, err := digest.ComposeReview(ctx, src, b.Since, b.Until)
	if err != nil {
		return call{}, err
	}
	lang := o.cfg.Lang
	c.text, c.blocks = i18n.Tr(lang, "review.posted_text", blockkit.Escape(b.Team)), digest.ReviewBlocks(r.Of(b.Team), lang)
	return c, nil
}

// teamReplies are the replies of the team commands, by what they say.
func teamReply(lang string, r desk.Reply) (string, bool) {
	switch r.Say {
	case desk.SayNoTeam:
		return i18n.Tr(lang, "teams.no_team"), true
	case desk.SayNotInTeam:
		return i18n.Tr(lang, "teams.not_in_team", blockkit.Escape(blockkit.Clip(r.Detail, 80)), blockkit.Escape(r.Teams)), true
	case desk.SayWhichTeam:
		first, _, _ := strings.Cut(r.Teams, ", ")
		return i18n.Tr(lang, "teams.which", blockkit.Escape(r.Teams), blockkit.Escape(strings.ToLower(first))), true
	case desk.SayTeamNoChannel:
		return i18n.Tr(lang, "teams.no_channel_set", blockkit.Escape(r.Detail)), true
	case desk.SayTeamNotInChannel:
		return i18n.Tr(lang, "teams.not_in_channel", mention(r.Channel), blockkit.Escape(r.Detail)), true
	case desk.SayReviewPosted:
		return i18n.Tr(lang, "teams.review_posted", blockkit.Escape(r.Detail), mention(r.Channel)), true
	case desk.SayBadDate:
		return i18n.Tr(lang, "teams.bad_date", blockkit.Escape(blockkit.Clip(r.Detail, 30))), true
	case desk.SayTeamUsage:
		return i18n.Tr(lang, "teams.usage"), true
	}
	return "", false
}
