package main

import (
	"context"
	"encoding/csv"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/nextdesk/nextdesk/internal/fakeslack"
	"github.com/nextdesk/nextdesk/knowledge"
	"github.com/nextdesk/nextdesk/knowledge/desk"
	"github.com/nextdesk/nextdesk/knowledge/sqlite"
)

// Teams and their promises, end to end: the teams are imported with a
// Slack user group; questions on IT's topic go to IT's members, its
// channel hears of them, and the asker is told what IT promised; the
// promises task holds the promise on IT's clock across a weekend and a
// night, reminding the person holding a question, then the channel, then
// recording the breach; /nextdesk team shows the teams; /nextdesk team
// review posts the table, whose figures `nextdesk review` must give as the
// test computes them from what it made happen.

// itSupport is IT's channel.
const itSupport = "C0ITSUP"

// teamsFile is the teams of the workspace, their members given as Slack
// user groups: IT (@it-support: carol, dave and erin) takes questions on
// accounts, weekdays
// 09:00–18:00 in Paris, and promises a first answer within 4 working
// hours and a resolution within 2 working days (18 hours); Sales
// (@sales: alice and bruno) has no channel and promises nothing.
const teamsFile = `defaults:
  zone: Europe/Paris
  hours: {mon-fri: "09:00-18:00"}
teams:
  - name: IT
    channel: C0ITSUP
    members: ["@it-support"]
    topics:
      - name: accounts
        words: [password, mot de passe, VPN]
        examples: ["How do I reset my VPN password?"]
    promises:
      - topic: accounts
        first_response: 4h
        resolution: 2d
  - name: Sales
    members: ["@sales"]
    topics:
      - name: pricing
        words: [discount, remise, devis, quote]
`

// IT's promise, in working minutes.
const (
	itFirstResponse = 4 * 60
	itResolution    = 18 * 60
)

// teamRun is one language's run: who asks with their name, who asks
// anonymously, in which words, and what the bot says in that language.
type teamRun struct {
	lang  string
	asker string // in Sales, asks with their name in lang
	anon  anonAsker
	// manager matches IT's topic, is answered by no past answer for sure;
	// reset is answered for sure; anonymous is the anonymous asker's.
	manager, reset, anonymous string
	// What the asker, IT's channel and /nextdesk read in lang.
	promised, teamAnon, soon, broken, late        string
	teams, noChannel, reviewAnon, reviewHeaderTxt string
}

var teamRuns = []teamRun{{
	lang: "en", asker: alice, anon: anonAskers[1],
	manager:   "Which password manager are we allowed to use at work?",
	reset:     "How do I reset my VPN password?",
	anonymous: "Mon VPN se coupe toutes les heures dans le train, pourquoi ?",
	promised:  "IT answers within 4 working hours and resolves within 2 working days",
	teamAnon:  "Someone has a question for the team, anonymously.",
	soon:      "IT's promise runs out soon",
	broken:    "IT didn't keep its promise",
	late:      "IT promised you a first answer within 4 working hours",
	teams:     "Your teams", noChannel: "Sales has no channel to post the review in",
	reviewAnon: "anonymous questions → IT", reviewHeaderTxt: "Service promises review of IT",
}, {
	lang: "fr", asker: bruno, anon: anonAskers[0],
	manager:   "Quel gestionnaire de mots de passe avons-nous le droit d'utiliser ?",
	reset:     "Comment réinitialiser mon mot de passe VPN ?",
	anonymous: "My VPN keeps dropping every hour on the train, why?",
	promised:  "L'équipe IT répond sous 4 heures ouvrées et résout sous 2 jours ouvrés",
	teamAnon:  "Quelqu'un a une question pour l'équipe, anonymement.",
	soon:      "L'engagement de l'équipe IT arrive à échéance",
	broken:    "L'équipe IT n'a pas tenu son engagement",
	late:      "L'équipe IT s'est engagée à vous répondre sous 4 heures ouvrées",
	teams:     "Vos équipes", noChannel: "L'équipe Sales n'a pas de canal où publier le bilan",
	reviewAnon: "questions anonymes → IT", reviewHeaderTxt: "Bilan des engagements de service de l'équipe IT",
}}

// shiftClock is the server's clock in these tests: real time moved to
// where the test puts it, so that the weekend passes at once while Slack's
// retries and timestamps stay real.
type shiftClock struct {
	mu     sync.Mutex
	offset time.Duration
}

func (c *shiftClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return time.Now().Add(c.offset)
}

// Set makes it t now.
func (c *shiftClock) Set(t time.Time) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.offset = time.Until(t)
}

// itMinutes is the test's own count of IT's working minutes from a to b,
// independent of knowledge.WorkHours: the minutes, walked one by one, that
// fall on a weekday between 09:00 and 18:00 in Paris.
func itMinutes(a, b time.Time, paris *time.Location) int {
	n := 0
	for t := a; t.Before(b); t = t.Add(time.Minute) {
		l := t.In(paris)
		if l.Weekday() != time.Saturday && l.Weekday() != time.Sunday && l.Hour() >= 9 && l.Hour() < 18 {
			n++
		}
	}
	return n
}

// itAfter is when n working minutes have passed since a, on the test's
// own count.
func itAfter(a time.Time, n int, paris *time.Location) time.Time {
	t := a
	for itMinutes(a, t, paris) < n {
		t = t.Add(time.Minute)
	}
	return t
}

// fridayBefore is 16:00 in Paris on the last Friday before t.
func fridayBefore(t time.Time, paris *time.Location) time.Time {
	d := t.In(paris)
	for d.Weekday() != time.Friday {
		d = d.AddDate(0, 0, -1)
	}
	return time.Date(d.Year(), d.Month(), d.Day(), 16, 0, 0, 0, paris)
}

func TestE2ETeams(t *testing.T) {
	for _, tr := range e2eTransports {
		for _, r := range teamRuns {
			t.Run(tr.name+"/"+r.lang, func(t *testing.T) {
				t.Parallel()
				e2eTeams(t, tr, r)
			})
		}
	}
}

// teamEvent is a question IT took, as the test made it happen.
type teamEvent struct {
	requester        string // "" for the anonymous question
	asked            time.Time
	answered, solved time.Time // zero when it never happened
}

func e2eTeams(t *testing.T, tr e2eTransport, r teamRun) {
	ctx := context.Background()
	paris, err := time.LoadLocation("Europe/Paris")
	if err != nil {
		t.Fatal(err)
	}
	e := prepareE2E(t, tr, map[string]string{
		"NEXTDESK_LANG": r.lang, "NEXTDESK_TZ": "Europe/Paris",
		// The flows' own reminders and escalation stay out of the way:
		// the promise is what is held here.
		"NEXTDESK_ANSWER_TIMEOUT": "200h",
	})
	who := r.anon
	e.slack.AddUser(fakeslack.User{ID: who.id, Name: who.traces[1], RealName: who.traces[2], Email: who.email, Locale: map[string]string{"en": "en-US", "fr": "fr-FR"}[who.lang], TZ: "Europe/Paris"})
	e.slack.AddChannel(fakeslack.Channel{ID: itSupport, Name: "it-support", Members: []string{carol, dave, erin, fakeslack.BotUserID}})
	e.slack.AddUserGroup(fakeslack.UserGroup{ID: "S0ITSUP", Handle: "it-support", Name: "IT support", Users: []string{carol, dave, erin}})
	e.slack.AddUserGroup(fakeslack.UserGroup{ID: "S0SALES", Handle: "sales", Name: "Sales", Users: []string{alice, bruno}})

	// The import reads the user groups from Slack.
	out := mustRun(t, e.env, "import", "teams", writeFile(t, "teams.yaml", teamsFile))
	for _, want := range []string{"2 teams imported", "IT: 3 members, 1 topic, 1 promise, channel C0ITSUP", "Sales: 2 members"} {
		if !strings.Contains(out, want) {
			t.Fatalf("the import's report lacks %q:\n%s", want, out)
		}
	}

	// Friday, 16:00, more than a week ago: every deadline is past when
	// `nextdesk review` runs on the real clock.
	clock := &shiftClock{}
	friday := fridayBefore(time.Now().Add(-9*24*time.Hour), paris)
	clock.Set(friday)
	e.now = clock.Now
	e.start()
	task := func(name string) {
		t.Helper()
		for _, tk := range e.run.server.tasks {
			if tk.Name == name {
				if err := tk.Run(ctx, false); err != nil {
					t.Fatalf("task %s: %v", name, err)
				}
				return
			}
		}
		t.Fatalf("no task %s", name)
	}
	// with counts the bot's messages in channel (a user id: their DM)
	// that hold every one of words.
	with := func(channel string, words ...string) []botMessage {
		var out []botMessage
		for _, m := range e.botPosts(channel) {
			if !slices.ContainsFunc(words, func(w string) bool { return !strings.Contains(m.Text+" "+m.Blocks, w) }) {
				out = append(out, m)
			}
		}
		return out
	}
	var events []teamEvent

	// 1. The asker's question on IT's topic goes to an IT member; IT's
	// channel hears of it; the asker is told what IT promised.
	cmd := e.ask(r.asker, general, r.manager)
	q1 := "ask:" + cmd.TriggerID
	note := e.anyPost(general, "the asker told IT's promise", func(m botMessage) bool { return strings.Contains(m.Text, r.promised) })
	root := e.botPosts(general)[0]
	if note.Thread != root.TS {
		t.Errorf("the note %+v is not in the question's thread %s", note, root.TS)
	}
	e.anyPost(itSupport, "IT's channel told", func(m botMessage) bool {
		return strings.Contains(m.Blocks, r.manager) && strings.Contains(m.Blocks, "/archives/"+general+"/p")
	})
	var holder string
	var card botMessage
	e.eventually("an IT member's card", func() bool {
		for _, m := range []string{carol, dave, erin} {
			if cards := with(m, r.manager, actionTake); len(cards) > 0 {
				holder, card = m, cards[0]
				return true
			}
		}
		return false
	})
	if !strings.Contains(card.Blocks, "You're in IT, which takes questions on accounts.") {
		t.Errorf("the card %s does not say why its IT member is asked", card.Blocks)
	}
	e.slack.WaitResponses(t, e.click(holder, card, actionTake), 1, e2eWait)

	// 2. An anonymous question on IT's topic, straight to the experts.
	clock.Set(friday.Add(10 * time.Minute))
	im := e.imOf(who.id)
	e.posts(im, fakeslack.Message{User: who.id, Text: "anon: " + r.anonymous})
	e.anyPost(itSupport, "IT's channel told of the anonymous question", func(m botMessage) bool { return strings.Contains(m.Blocks, r.teamAnon) })
	e.waitIdle()
	events = append(events, teamEvent{requester: "Sales", asked: friday}, teamEvent{asked: friday.Add(10 * time.Minute)})

	// 3. The promise on IT's clock: 3 working hours after Friday 16:00
	// (Monday 10:00) the holder is reminded, at 3h30 the channel, and
	// past 4 hours (Monday 11:00) the breach is recorded and told.
	hold := func(at time.Time) {
		t.Helper()
		clock.Set(at)
		task(desk.TaskPromises)
		e.waitIdle()
	}
	held := func(at time.Time, holderN, soonN, brokenN, lateN int) {
		t.Helper()
		hold(at)
		got := []int{
			len(with(holder, "IT promised a first answer by", r.manager)),
			len(with(itSupport, r.soon, r.manager)),
			len(with(itSupport, r.broken, r.manager)),
			len(with(general, r.late)),
		}
		if want := []int{holderN, soonN, brokenN, lateN}; !slices.Equal(got, want) {
			t.Fatalf("at %s: reminders to the holder, the channel, breaches told to the channel and the asker: %v, want %v",
				at.In(paris).Format("Mon 15:04"), got, want)
		}
	}
	remindHolder := itAfter(friday, itFirstResponse*3/4, paris)
	remindChannel := itAfter(friday, itFirstResponse*7/8, paris)
	due := itAfter(friday, itFirstResponse, paris)
	for _, quiet := range []time.Time{friday.Add(119 * time.Minute), friday.Add(20 * time.Hour), friday.Add(52 * time.Hour), remindHolder.Add(-time.Minute)} {
		held(quiet, 0, 0, 0, 0)
	}
	// The server recorded each event a little after the test set its
	// clock: a step is looked for a little after it is due.
	const late = 30 * time.Second
	held(remindHolder.Add(late), 1, 0, 0, 0)
	held(remindChannel.Add(-time.Minute), 1, 0, 0, 0)
	held(remindChannel.Add(late), 1, 1, 0, 0)
	held(due.Add(-time.Minute), 1, 1, 0, 0)
	held(due.Add(time.Minute), 1, 1, 1, 1)
	held(due.Add(2*time.Minute), 1, 1, 1, 1)

	// The holder answers late; the asker accepts it after the night.
	answered := due.Add(3 * time.Hour)
	clock.Set(answered)
	reply, _ := e.posts(general, fakeslack.Message{User: holder, Text: "Use the company vault: vault.example.com.", ThreadTS: root.TS})
	e.waitIdle()
	events[0].answered = answered

	// 4. A question answered at once involves no team; "I still need
	// help" hands it to IT, whose promise runs from then.
	clock.Set(answered.Add(30 * time.Minute))
	reset := e.ask(r.asker, general, r.reset)
	q3 := "ask:" + reset.TriggerID
	offered := e.anyPost(general, "the answer given before", func(m botMessage) bool { return strings.Contains(m.Blocks, actionNeedHelp) })
	needHelp := answered.Add(40 * time.Minute)
	clock.Set(needHelp)
	e.slack.WaitResponses(t, e.click(r.asker, offered, actionNeedHelp), 1, e2eWait)
	e.anyPost(general, "the asker told IT has it now", func(m botMessage) bool { return m.Thread == offered.Thread && strings.Contains(m.Text, r.promised) })
	answered3 := needHelp.Add(30 * time.Minute)
	clock.Set(answered3)
	e.posts(general, fakeslack.Message{User: dave, Text: "Go to vpn.example.com/reset; if it fails, we reset it for you.", ThreadTS: offered.Thread})
	e.waitIdle()
	events = append(events, teamEvent{requester: "Sales", asked: needHelp, answered: answered3})

	// 5. The resolution, 18 working hours, across Monday night: nothing
	// at midnight nor at 09:00, the holder reminded at 13h30 of working
	// time (Tuesday 11:30), then the asker says it is solved.
	resolve := func(at time.Time, want int) {
		t.Helper()
		hold(at)
		if got := len(with(holder, "IT promised to resolve this question by", r.manager)); got != want {
			t.Fatalf("at %s: %d reminders of the resolution to the holder, want %d", at.In(paris).Format("Mon 15:04"), got, want)
		}
	}
	remindResolution := itAfter(friday, itResolution*3/4, paris)
	midnight := time.Date(answered.Year(), answered.Month(), answered.Day(), 23, 59, 0, 0, paris)
	resolve(midnight, 0)
	resolve(midnight.Add(9*time.Hour+time.Minute), 0)
	resolve(remindResolution.Add(-time.Minute), 0)
	resolve(remindResolution.Add(late), 1)
	solved := remindResolution.Add(30 * time.Minute)
	clock.Set(solved)
	e.reacts(r.asker, general, reply.TS, "white_check_mark")
	e.waitIdle()
	events[0].solved = solved

	// 6. /nextdesk team shows the asker Sales; the review is posted in
	// IT's channel by one of IT, and refused to Sales, which has none.
	teamsURL := e.command(fakeslack.SlashCommand{Command: "/nextdesk", Text: "team", UserID: r.asker, ChannelID: general}).ResponseURL
	if rs := e.slack.WaitResponses(t, teamsURL, 1, e2eWait); !strings.Contains(fakeslack.Readable(rs[0].Blocks), r.teams) || !strings.Contains(fakeslack.Readable(rs[0].Blocks), "Sales") {
		t.Errorf("/nextdesk team = %s, want the asker's team", fakeslack.Readable(rs[0].Blocks))
	}
	refused := e.command(fakeslack.SlashCommand{Command: "/nextdesk", Text: "team review", UserID: r.asker, ChannelID: general}).ResponseURL
	if rs := e.slack.WaitResponses(t, refused, 1, e2eWait); !strings.Contains(rs[0].Text, r.noChannel) {
		t.Errorf("/nextdesk team review by Sales = %q, want it refused: no channel", rs[0].Text)
	}
	posted := e.command(fakeslack.SlashCommand{Command: "/nextdesk", Text: "team review", UserID: holder, ChannelID: general}).ResponseURL
	if rs := e.slack.WaitResponses(t, posted, 1, e2eWait); !strings.Contains(rs[0].Text, "I've posted IT's service promises review in <#"+itSupport+">") {
		t.Errorf("/nextdesk team review by IT = %q, want it posted in IT's channel", rs[0].Text)
	}
	review := e.anyPost(itSupport, "the review in IT's channel", func(m botMessage) bool { return m.Text == r.reviewHeaderTxt })
	for _, want := range []string{"Sales → IT", r.reviewAnon} {
		if !strings.Contains(review.Blocks, want) {
			t.Errorf("the review posted lacks %q: %s", want, review.Blocks)
		}
	}
	e.waitIdle()
	e.wantNoTrace(who, im)
	db := e.finish()

	// What the store kept.
	asks, err := db.TeamAsks(ctx, friday.Add(-time.Hour), time.Now())
	if err != nil {
		t.Fatal(err)
	}
	byID := map[string]knowledge.TeamAsk{}
	var anonymous []knowledge.TeamAsk
	for _, a := range asks {
		byID[a.QuestionID] = a
		if a.Anonymous {
			anonymous = append(anonymous, a)
		}
	}
	if a := byID[q1]; a.Team != "IT" || a.Requester != "Sales" || a.FirstResponse.BreachedAt.IsZero() || !a.FirstResponse.Met() || a.Resolution.Outcome(solved) != knowledge.OutcomeKept {
		t.Errorf("the first question's record %+v: want IT's, for Sales, its first response breached then met, its resolution kept", a)
	}
	if len(anonymous) != 1 || anonymous[0].Requester != "" || anonymous[0].Topic != "accounts" {
		t.Errorf("anonymous team questions %+v, want one, of no requesting team", anonymous)
	}
	if a, ok := byID[q3]; !ok || a.AskedAt.Sub(needHelp).Abs() > time.Minute {
		t.Errorf("the question answered at once went to IT at %v, want when the asker still needed help (%v)", a.AskedAt, needHelp)
	}
	if n := len(asks); n != 3 {
		t.Errorf("%d team questions, want 3", n)
	}

	// The review's figures, from the test's own events.
	until := time.Now()
	out = mustRun(t, e.env, "review", "--since", friday.AddDate(0, 0, -1).Format(time.DateOnly), "--format", "csv")
	rows, err := csv.NewReader(strings.NewReader(out)).ReadAll()
	if err != nil {
		t.Fatalf("review CSV: %v\n%s", err, out)
	}
	want := expectedTeamReview(events, until, paris)
	if !slices.EqualFunc(rows[1:], want, slices.Equal[[]string]) {
		t.Errorf("review figures:\n got %q\nwant %q", rows[1:], want)
	}
	checkBreachStored(t, db, q1)
}

// checkBreachStored checks the breach of question id's first response was
// recorded past its due time, as the desk saw it.
func checkBreachStored(t *testing.T, db *sqlite.DB, id string) {
	t.Helper()
	var a knowledge.TeamAsk
	err := db.View(context.Background(), func(r desk.Reader) (err error) {
		a, err = r.TeamAsk(context.Background(), id)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	if d := a.FirstResponse; !d.BreachedAt.After(d.Due) || d.HolderReminded.IsZero() || d.ChannelReminded.IsZero() {
		t.Errorf("first response %+v, want reminded twice and breached after it fell due", d)
	}
}

// expectedTeamReview computes the review's CSV rows for IT from the
// events alone, as they stand at until: the questions of Sales, then the
// anonymous ones; working minutes on the test's own count; medians; the
// deadlines kept (met within the promise), broken (met late, or past and
// not met) and still running.
func expectedTeamReview(events []teamEvent, until time.Time, paris *time.Location) [][]string {
	var out [][]string
	for _, requester := range []string{"Sales", ""} {
		var (
			asked, kept, broken, pending int
			first, resolved              []int
		)
		for _, e := range events {
			if e.requester != requester {
				continue
			}
			asked++
			for _, d := range []struct {
				within int
				at     time.Time
				took   *[]int
			}{{itFirstResponse, e.answered, &first}, {itResolution, e.solved, &resolved}} {
				switch {
				case !d.at.IsZero():
					took := itMinutes(e.asked, d.at, paris)
					*d.took = append(*d.took, took)
					if took <= d.within {
						kept++
					} else {
						broken++
					}
				case itMinutes(e.asked, until, paris) > d.within:
					broken++
				default:
					pending++
				}
			}
		}
		if asked == 0 {
			continue
		}
		hours := func(ms []int) string {
			if len(ms) == 0 {
				return ""
			}
			slices.Sort(ms)
			m := float64(ms[len(ms)/2])
			if len(ms)%2 == 0 {
				m = float64(ms[len(ms)/2-1]+ms[len(ms)/2]) / 2
			}
			return strconv.FormatFloat(m/60, 'f', 2, 64)
		}
		share := ""
		if kept+broken > 0 {
			share = strconv.FormatFloat(float64(kept)/float64(kept+broken), 'f', 3, 64)
		}
		out = append(out, []string{
			requester, "IT", strconv.FormatBool(requester == ""), strconv.Itoa(asked), fmt.Sprintf("accounts:%d", asked),
			strconv.Itoa(len(first)), hours(first), strconv.Itoa(len(resolved)), hours(resolved),
			strconv.Itoa(kept), strconv.Itoa(broken), strconv.Itoa(pending), share,
			promisedColumn(map[[2]int]int{{itFirstResponse, itResolution}: asked}),
		})
	}
	return out
}
