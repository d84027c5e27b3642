package digest

import (
	"context"
	"encoding/csv"
	"fmt"
	"io"
	"math"
	"strconv"
	"strings"
	"time"

	"github.com/slack-go/slack"

	"github.com/nextdesk/nextdesk/blockkit"
	"github.com/nextdesk/nextdesk/i18n"
	"github.com/nextdesk/nextdesk/knowledge"
)

// TeamSource is what the review and the digest's promises read: the
// questions teams took; *sqlite.DB implements it.
type TeamSource interface {
	// TeamAsks returns the questions teams took that were asked in
	// [from, to), oldest first.
	TeamAsks(ctx context.Context, from, to time.Time) ([]knowledge.TeamAsk, error)
}

// Review is the reciprocal commitments table of a period, ready for the
// twice-yearly review: for each pair of teams, what the requesting team
// asked, how fast the serving team answered, and whether it kept its
// promise.
type Review struct {
	Since, Until time.Time
	Rows         []knowledge.Commitment
}

// ComposeReview reads the questions teams took from since to until and
// sums them up by pair of teams, as they stand at until. It returns the
// store's errors, wrapped.
func ComposeReview(ctx context.Context, src TeamSource, since, until time.Time) (*Review, error) {
	asks, err := src.TeamAsks(ctx, since, until)
	if err != nil {
		return nil, fmt.Errorf("review since %s: %w", since.Format(time.DateOnly), err)
	}
	return &Review{Since: since, Until: until, Rows: knowledge.Commitments(asks, until)}, nil
}

// Of returns the part of r about team: the rows where it served, and
// those where it asked, for its own review with the teams it works with.
func (r *Review) Of(team string) *Review {
	out := &Review{Since: r.Since, Until: r.Until}
	for _, c := range r.Rows {
		if strings.EqualFold(c.Team, team) || strings.EqualFold(c.Requester, team) {
			out.Rows = append(out.Rows, c)
		}
	}
	return out
}

// maxReviewRows bounds the pairs a Block Kit review shows: Slack takes 50
// blocks a message.
const maxReviewRows = blockkit.MaxBlocks - 3

// ReviewBlocks renders r as a Block Kit message in lang: a header, and a
// section per pair of teams.
func ReviewBlocks(r *Review, lang string) []slack.Block {
	blocks := []slack.Block{blockkit.Header(reviewHeader(r, lang))}
	if len(r.Rows) == 0 {
		return append(blocks, blockkit.Section(i18n.Tr(lang, "review.empty", dayOf(lang, r.Since))))
	}
	blocks = append(blocks, blockkit.Context(i18n.Tr(lang, "review.context")))
	for i, c := range r.Rows {
		if i == maxReviewRows {
			blocks = append(blocks, blockkit.Context(i18n.Trn(lang, "more", len(r.Rows)-i)))
			break
		}
		blocks = append(blocks, blockkit.Section(commitmentText(lang, c, true)))
	}
	return blocks
}

// ReviewText renders r as plain text for a terminal, in lang.
func ReviewText(r *Review, lang string) string {
	var b strings.Builder
	b.WriteString(reviewHeader(r, lang) + "\n")
	if len(r.Rows) == 0 {
		b.WriteString(i18n.Tr(lang, "review.empty", dayOf(lang, r.Since)) + "\n")
		return unbold(b.String())
	}
	b.WriteString(i18n.Tr(lang, "review.context") + "\n")
	for _, c := range r.Rows {
		b.WriteString("\n" + strings.ReplaceAll(commitmentText(lang, c, false), "\n", "\n  ") + "\n")
	}
	return unbold(b.String())
}

func reviewHeader(r *Review, lang string) string {
	return i18n.Tr(lang, "review.header", dateRange(lang, r.Since, r.Until.Add(-time.Nanosecond)))
}

// commitmentText is one pair of teams: who served whom, what was asked,
// how fast, and whether the promise held.
func commitmentText(lang string, c knowledge.Commitment, mrkdwn bool) string {
	requester := dataText(c.Requester, mrkdwn)
	switch {
	case c.Anonymous:
		requester = i18n.Tr(lang, "review.anonymous")
	case c.Requester == "":
		requester = i18n.Tr(lang, "review.no_team")
	}
	pairKey := "review.pair"
	if !mrkdwn {
		pairKey = "review.pair_text"
	}
	topics := make([]string, 0, len(c.Topics))
	for _, t := range c.Topics {
		topics = append(topics, fmt.Sprintf("%s %d", dataText(t.Topic, mrkdwn), t.Questions))
	}
	asked := i18n.Trn(lang, "review.asked", c.Asked)
	if len(topics) > 0 {
		asked += " (" + strings.Join(topics, ", ") + ")"
	}
	speed, kept := promiseFigures(lang, c)
	if c.Answered == 0 {
		speed = append([]string{i18n.Tr(lang, "review.unanswered")}, speed...)
	}
	if len(kept) == 0 {
		kept = append(kept, i18n.Tr(lang, "review.no_promise"))
	}
	lines := []string{i18n.Tr(lang, pairKey, requester, dataText(c.Team, mrkdwn)) + " · " + asked}
	if promised := promisedText(lang, c); promised != "" {
		lines = append(lines, promised)
	}
	lines = append(lines, strings.Join(speed, " · "), strings.Join(kept, " · "))
	return strings.Join(lines, "\n")
}

// promisedText says what the questions of c were promised, for the figures
// to be read against: "promised: a first response within 4 h, a
// resolution within 15 h", each promise with its questions when they were
// held to several; "" when nothing was promised.
func promisedText(lang string, c knowledge.Commitment) string {
	if len(c.Promised) == 0 {
		return ""
	}
	terms := make([]string, 0, len(c.Promised))
	for _, p := range c.Promised {
		var parts []string
		if p.FirstResponse > 0 {
			parts = append(parts, i18n.Tr(lang, "review.promise_first", workTime(lang, p.FirstResponse)))
		}
		if p.Resolution > 0 {
			parts = append(parts, i18n.Tr(lang, "review.promise_resolution", workTime(lang, p.Resolution)))
		}
		term := strings.Join(parts, ", ")
		if len(c.Promised) > 1 {
			term = i18n.Trn(lang, "review.promise_questions", p.Questions, term)
		}
		terms = append(terms, term)
	}
	return i18n.Tr(lang, "review.promised", strings.Join(terms, i18n.Tr(lang, "review.promise_sep")))
}

// promiseFigures says how a team served: how fast (median first response
// and resolution, when there were some), and how its promise held (share
// kept, breaches, deadlines still running, when there are some).
func promiseFigures(lang string, c knowledge.Commitment) (speed, kept []string) {
	if c.Answered > 0 {
		speed = append(speed, i18n.Trn(lang, "review.first", c.Answered, workTime(lang, c.MedianFirstResponse)))
	}
	if c.Resolved > 0 {
		speed = append(speed, i18n.Trn(lang, "review.resolution", c.Resolved, workTime(lang, c.MedianResolution)))
	}
	if share, ok := c.KeptShare(); ok {
		kept = append(kept, i18n.Trn(lang, "review.kept", c.Kept+c.Broken, percent(lang, share), c.Kept))
		if c.Broken > 0 {
			kept = append(kept, i18n.Trn(lang, "review.breaches", c.Broken))
		}
	}
	if c.Pending > 0 {
		kept = append(kept, i18n.Trn(lang, "review.pending", c.Pending))
	}
	return speed, kept
}

// workTime renders a working time: minutes under an hour, else hours and
// minutes. Never days: a working day is not 24 hours, and a team's is not
// another's.
func workTime(lang string, d time.Duration) string {
	switch {
	case d < time.Minute:
		return i18n.Tr(lang, "duration.under_minute")
	case d < time.Hour:
		return i18n.Tr(lang, "duration.minutes", int(d/time.Minute))
	}
	d = d.Round(time.Minute)
	h, m := int(d/time.Hour), int(d%time.Hour/time.Minute)
	if m == 0 {
		return i18n.Tr(lang, "duration.hours", h)
	}
	return i18n.Tr(lang, "duration.hours_minutes", h, m)
}

// percent renders a share as a whole percentage the way lang writes it:
// "83%", "83 %".
func percent(lang string, share float64) string {
	n := strconv.Itoa(int(math.Round(share * 100)))
	if lang == i18n.FR {
		return n + "\u00a0%"
	}
	return n + "%"
}

// reviewColumns are the CSV review's columns: durations in working hours,
// shares from 0 to 1, empty when unknown. promised lists the promises the
// questions were held to, "first_response=4.00h resolution=15.00h:6" (on
// 6 questions), separated by "; ".
var reviewColumns = []string{
	"requesting_team", "serving_team", "anonymous", "asked", "topics",
	"answered", "median_first_response_hours", "resolved", "median_resolution_hours",
	"deadlines_kept", "deadlines_broken", "deadlines_pending", "kept_share", "promised",
}

// WriteReviewCSV writes r as CSV, one line per pair of teams after a
// header, for a spreadsheet.
func WriteReviewCSV(w io.Writer, r *Review) error {
	cw := csv.NewWriter(w)
	if err := cw.Write(reviewColumns); err != nil {
		return err
	}
	hours := func(n int, d time.Duration) string {
		if n == 0 {
			return ""
		}
		return strconv.FormatFloat(d.Hours(), 'f', 2, 64)
	}
	for _, c := range r.Rows {
		topics := make([]string, 0, len(c.Topics))
		for _, t := range c.Topics {
			topics = append(topics, fmt.Sprintf("%s:%d", t.Topic, t.Questions))
		}
		share := ""
		if s, ok := c.KeptShare(); ok {
			share = strconv.FormatFloat(s, 'f', 3, 64)
		}
		promised := make([]string, 0, len(c.Promised))
		for _, p := range c.Promised {
			var parts []string
			if p.FirstResponse > 0 {
				parts = append(parts, "first_response="+hours(1, p.FirstResponse)+"h")
			}
			if p.Resolution > 0 {
				parts = append(parts, "resolution="+hours(1, p.Resolution)+"h")
			}
			promised = append(promised, fmt.Sprintf("%s:%d", strings.Join(parts, " "), p.Questions))
		}
		err := cw.Write([]string{
			spreadsheetText(c.Requester), spreadsheetText(c.Team), strconv.FormatBool(c.Anonymous), strconv.Itoa(c.Asked), spreadsheetText(strings.Join(topics, "; ")),
			strconv.Itoa(c.Answered), hours(c.Answered, c.MedianFirstResponse),
			strconv.Itoa(c.Resolved), hours(c.Resolved, c.MedianResolution),
			strconv.Itoa(c.Kept), strconv.Itoa(c.Broken), strconv.Itoa(c.Pending), share,
			strings.Join(promised, "; "),
		})
		if err != nil {
			return err
		}
	}
	cw.Flush()
	return cw.Error()
}

// spreadsheetText keeps a name read from the teams file a name when the
// table is opened in a spreadsheet: a cell starting with =, +, - or @ is
// a formula there (OWASP's CSV injection), so it is prefixed with a quote.
func spreadsheetText(s string) string {
	if s != "" && strings.ContainsRune("=+-@\t\r", rune(s[0])) {
		return "'" + s
	}
	return s
}
