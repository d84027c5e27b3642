package desk

import (
	"context"
	"slices"
	"strings"
	"time"

	"github.com/nextdesk/nextdesk/knowledge"
)

// MaxSnooze bounds a snooze: longer than that is an opt-out.
const MaxSnooze = 366 * 24 * time.Hour

// OptOut stops (out) or resumes sending questions to r's person, and
// tells them.
func (d *Desk) OptOut(ctx context.Context, r Request, out bool) error {
	say := SayOptedIn
	if out {
		say = SayOptedOut
	}
	return d.setPreferences(ctx, r, Reply{Say: say}, func(p *knowledge.Preferences) { p.OptedOut = out })
}

// Snooze holds questions back from r's person for span (at most MaxSnooze),
// or, with a span of zero, ends their snooze; and tells them. It refuses a
// negative or longer span.
func (d *Desk) Snooze(ctx context.Context, r Request, span time.Duration) error {
	if span == 0 {
		return d.setPreferences(ctx, r, Reply{Say: SaySnoozeEnded}, func(p *knowledge.Preferences) { p.SnoozedUntil = time.Time{} })
	}
	if span < 0 || span > MaxSnooze {
		return &Refusal{Code: knowledge.EINVALID, Reply: Reply{Say: SayBadDuration, Detail: span.String()}}
	}
	until := d.Now().Add(span)
	return d.setPreferences(ctx, r, Reply{Say: SaySnoozed, Until: until}, func(p *knowledge.Preferences) { p.SnoozedUntil = until })
}

// setPreferences changes r's person's preferences and tells them reply.
func (d *Desk) setPreferences(ctx context.Context, r Request, reply Reply, change func(*knowledge.Preferences)) error {
	if r.By == "" {
		return knowledge.Errorf(knowledge.EINVALID, "Preferences need a person.")
	}
	return d.commit(ctx, r.Key, func(tx Tx, _ *Counts) error {
		prefs, err := tx.Preferences(ctx, []string{r.By})
		if err != nil {
			return err
		}
		p := prefs[r.By]
		change(&p)
		if err := tx.SetPreferences(ctx, r.By, p); err != nil {
			return err
		}
		return d.reply(ctx, tx, r, reply)
	})
}

// Subscribe starts (on) or stops r's person's personal weekly digest (the
// new answers in the topics they asked about or answered), and tells them.
// Saying the same twice is harmless.
func (d *Desk) Subscribe(ctx context.Context, r Request, on bool) error {
	if r.By == "" {
		return knowledge.Errorf(knowledge.EINVALID, "A digest subscription needs a person.")
	}
	say := SayDigestOff
	if on {
		say = SayDigestOn
	}
	return d.commit(ctx, r.Key, func(tx Tx, _ *Counts) error {
		if err := tx.SetDigestSubscription(ctx, r.By, on); err != nil {
			return err
		}
		return d.reply(ctx, tx, r, Reply{Say: say})
	})
}

// SubscriptionStatus tells r's person whether they get the personal weekly
// digest.
func (d *Desk) SubscriptionStatus(ctx context.Context, r Request) error {
	var on bool
	err := d.view(ctx, func(rd Reader) (err error) {
		on, err = rd.DigestSubscribed(ctx, r.By)
		return err
	})
	if err != nil {
		return err
	}
	say := SayDigestIsOff
	if on {
		say = SayDigestIsOn
	}
	return d.Tell(ctx, r, Reply{Say: say})
}

// profileLimit bounds the questions a profile lists.
const profileLimit = 5

// ShowProfile tells r's person what they are known for (answers, topics,
// recent questions they answered) and the questions waiting for them, as
// they may see them.
func (d *Desk) ShowProfile(ctx context.Context, r Request) error {
	p := Profile{Person: r.By, Now: d.Now()}
	viewer := knowledge.Viewer{PersonID: r.By}
	err := d.view(ctx, func(rd Reader) error {
		stats, err := rd.AnswererStats(ctx, []string{r.By})
		if err != nil {
			return err
		}
		p.Stats = stats[r.By]
		answered, err := rd.AnsweredBy(ctx, viewer, r.By, 50)
		if err != nil {
			return err
		}
		p.Topics = topics(answered, profileLimit)
		for _, q := range answered[:min(len(answered), profileLimit)] {
			p.Answered = append(p.Answered, q.SearchText())
		}
		routes, err := rd.WaitingRoutes(ctx, r.By)
		if err != nil {
			return err
		}
		p.Routes = len(routes)
		for _, route := range routes[:min(len(routes), profileLimit)] {
			qs, err := rd.Questions(ctx, viewer, []string{route.QuestionID})
			if err != nil {
				return err
			}
			if len(qs) == 0 {
				continue
			}
			w := Waiting{Text: qs[0].Text}
			if a, err := rd.Ask(ctx, route.QuestionID); err == nil && a.Thread != "" {
				w.Thread = Link{Conversation: a.Channel, Thread: a.Thread}
			}
			p.Waiting = append(p.Waiting, w)
		}
		prefs, err := rd.Preferences(ctx, []string{r.By})
		p.Prefs = prefs[r.By]
		return err
	})
	if err != nil {
		return err
	}
	return d.commit(ctx, r.Key, func(tx Tx, _ *Counts) error {
		if r.To.Empty() {
			return nil
		}
		_, err := tx.Notify(ctx, Notice{Key: r.Key + "/reply", To: r.To, Reader: r.By, Body: p})
		return err
	})
}

// topics are the tags most common among questions, most common first.
func topics(qs []knowledge.Question, n int) []string {
	count := map[string]int{}
	for _, q := range qs {
		for _, t := range q.Tags {
			count[t]++
		}
	}
	if len(count) == 0 {
		return nil
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
