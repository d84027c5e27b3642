package digest_test

import (
	"context"
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/nextdesk/nextdesk/digest"
	"github.com/nextdesk/nextdesk/i18n"
	"github.com/nextdesk/nextdesk/knowledge"
)

// The fixture's week 47, as public channels show it:
//
//	q1  Mon 10:00 #help  Erin: déployer l'API   Bob 10:30 (accepted), Carol 11:00
//	q8  Tue 09:00 #help  Dave: billing export   bot: Carol expired, Bob answered 12:00
//	q2  Tue 14:00 #dev   Dave: Vault token      Alice 16:00, thanked twice
//	q3  Wed 09:00 #help  Erin: Grafana billing  Bob 09:05
//	q7  Thu 09:00 #help  Erin: token Vault      bot: instant answer q2a, solved
//	q5  Thu 11:00 #help  Dave: Terraform plan   no answer
//	q9  Thu 14:00 #dev   Dave: Kafka billing    bot: Carol, answered 14:45
//	q6  Fri 15:00 #dev   Erin: Terraform lock   bot: Alice expired, Bob passed, Carol expired: unanswered
//
// plus, hidden from public digests, q4 in a private channel and dm1 in a
// DM; and four answered questions in the weeks before.

func composePublic(t *testing.T, withChart bool) *digest.Digest {
	t.Helper()
	db := mustFixture(t)
	if withChart {
		if err := db.ReplaceOrgChart(context.Background(), orgChart); err != nil {
			t.Fatal(err)
		}
	}
	d, err := digest.Compose(context.Background(), db, digest.Options{
		Week: week47, Location: mustParis(t), Viewer: knowledge.Anonymous, Links: fakeLinks{},
	})
	if err != nil {
		t.Fatal(err)
	}
	return d
}

func TestComposeFigures(t *testing.T) {
	d := composePublic(t, true)
	want := digest.Figures{
		Asked:          8,
		Answered:       6, // five by people, one by an instant answer
		MedianToAnswer: 45 * time.Minute,
		Bot:            &digest.BotFigures{Instant: 1, Straight: 1, Escalations: 4},
		HandOffs:       &digest.HandOffs{Questions: 4, HandOffs: 16},
	}
	if diff := cmp.Diff(d.Figures, want); diff != "" {
		t.Errorf("figures (-got +want):\n%s", diff)
	}
	if !d.Public || d.Personal || d.Week != week47 {
		t.Errorf("digest of %v, public %v, personal %v", d.Week, d.Public, d.Personal)
	}
	if got, want := d.From.Format(time.RFC3339), "2026-11-16T00:00:00+01:00"; got != want {
		t.Errorf("From = %s, want %s", got, want)
	}
}

func TestComposeWithoutOrgChartLeavesHandOffsOut(t *testing.T) {
	if d := composePublic(t, false); d.Figures.HandOffs != nil {
		t.Errorf("hand-offs without an org chart: %+v, want none", d.Figures.HandOffs)
	}
}

func TestComposeLists(t *testing.T) {
	d := composePublic(t, false)
	type item struct {
		ID, Answerer string
		Accepted     bool
		Thanks       int
		Reuses       int
		Fallback     bool
		Link         string
	}
	project := func(items []digest.Item) []item {
		var out []item
		for _, it := range items {
			out = append(out, item{it.QuestionID, it.Answerer.ID, it.Accepted, it.Thanks, it.Reuses, it.Fallback, it.Link})
		}
		return out
	}
	link := func(conv string, day, h, m int) string {
		return "https://fakecorp.slack.com/archives/" + conv + "/p" + strings.ReplaceAll(ts(in47(t, day, h, m)), ".", "")
	}
	wantKnowledge := []item{
		{"q1", "UB", true, 0, 0, false, link("CHELP", 0, 10, 0)},
		{"q2", "UA", false, 2, 1, false, link("CDEV", 1, 14, 0)},
		{"q8", "UB", false, 0, 0, false, link("CHELP", 1, 9, 0)},
		{"q3", "UB", false, 0, 0, false, link("CHELP", 2, 9, 0)},
		{"q9", "UC", false, 0, 0, false, link("CDEV", 3, 14, 0)},
	}
	if diff := cmp.Diff(project(d.Knowledge), wantKnowledge); diff != "" {
		t.Errorf("knowledge (-got +want):\n%s", diff)
	}
	wantUnanswered := []item{
		{"q5", "", false, 0, 0, false, link("CHELP", 3, 11, 0)},
		{"q6", "", false, 0, 0, true, link("CDEV", 4, 15, 0)},
	}
	if diff := cmp.Diff(project(d.Unanswered), wantUnanswered); diff != "" {
		t.Errorf("unanswered (-got +want):\n%s", diff)
	}
	if d.Knowledge[0].Channel != "help" || d.Knowledge[0].Asker.Name != "Erin" {
		t.Errorf("first item: channel %q, asker %+v", d.Knowledge[0].Channel, d.Knowledge[0].Asker)
	}
	type helper struct {
		ID     string
		N      int
		Median time.Duration
	}
	var helpers []helper
	for _, h := range d.Helpers {
		helpers = append(helpers, helper{h.Person.ID, h.Questions, h.MedianFirst})
	}
	wantHelpers := []helper{{"UB", 3, 30 * time.Minute}, {"UC", 2, 52*time.Minute + 30*time.Second}, {"UA", 1, 2 * time.Hour}}
	if diff := cmp.Diff(helpers, wantHelpers); diff != "" {
		t.Errorf("helpers (-got +want):\n%s", diff)
	}
	wantUncovered := []digest.Topic{{Term: "terraform", Questions: 2}}
	if diff := cmp.Diff(d.Uncovered, wantUncovered); diff != "" {
		t.Errorf("uncovered topics (-got +want):\n%s", diff)
	}
	wantRising := []digest.Topic{{Term: "billing", Questions: 4, Before: 0.5}}
	if diff := cmp.Diff(d.Rising, wantRising); diff != "" {
		t.Errorf("rising topics (-got +want):\n%s", diff)
	}
}

func TestComposeLimitCountsTheRest(t *testing.T) {
	db := mustFixture(t)
	d, err := digest.Compose(context.Background(), db, digest.Options{Week: week47, Location: mustParis(t), Limit: 2})
	if err != nil {
		t.Fatal(err)
	}
	got := []int{len(d.Knowledge), d.MoreKnowledge, len(d.Unanswered), d.MoreUnanswered, len(d.Helpers), d.MoreHelpers}
	if diff := cmp.Diff(got, []int{2, 3, 2, 0, 2, 1}); diff != "" {
		t.Errorf("shown and left out (-got +want):\n%s", diff)
	}
}

// TestPublicDigestShowsNoPrivateKnowledge renders the public digest in
// every form and looks for the words of the private channel's and the
// DM's questions and answers, and of the people only they involve.
func TestPublicDigestShowsNoPrivateKnowledge(t *testing.T) {
	d := composePublic(t, true)
	blocks, err := json.Marshal(digest.Blocks(d, i18n.EN))
	if err != nil {
		t.Fatal(err)
	}
	raw, err := json.Marshal(d)
	if err != nil {
		t.Fatal(err)
	}
	for _, form := range []string{string(blocks), digest.Text(d, i18n.EN), digest.Text(d, i18n.FR), digest.Summary(d, i18n.EN), string(raw)} {
		for _, secret := range []string{"alary", "promotion", "payslip", "confidential", "GPRIV", "DIM", "q4", "dm1"} {
			if strings.Contains(form, secret) {
				t.Errorf("the public digest shows %q:\n%s", secret, form)
			}
		}
	}
	// A member of the private channel sees it in a digest composed for
	// them: the filter is the viewer, not the words.
	private, err := digest.Compose(context.Background(), mustFixture(t), digest.Options{Week: week47, Location: mustParis(t), Viewer: knowledge.Viewer{PersonID: "UB"}})
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(digest.Text(private, i18n.EN), "Salary grid") {
		t.Error("a digest composed for a member of the private channel lacks its question")
	}
}

func TestComposeEmptyWeek(t *testing.T) {
	db := mustFixture(t)
	d, err := digest.Compose(context.Background(), db, digest.Options{Week: mustWeek("2026-W50"), Location: mustParis(t)})
	if err != nil {
		t.Fatal(err)
	}
	if !d.Empty() || d.Figures.Asked != 0 || len(d.Knowledge) != 0 {
		t.Errorf("week 50: empty %v, %+v", d.Empty(), d.Figures)
	}
	blocks := digest.Blocks(d, i18n.EN)
	if len(blocks) != 1 {
		t.Errorf("an empty week renders as %d blocks, want one short message", len(blocks))
	}
	if got, want := digest.Text(d, i18n.EN), "Weekly digest, 7–13 Dec 2026: no question was asked this week.\n"; got != want {
		t.Errorf("Text = %q, want %q", got, want)
	}
}

func TestComposePersonal(t *testing.T) {
	db := mustFixture(t)
	ctx := context.Background()
	opts := digest.Options{Week: week47, Location: mustParis(t)}
	for _, c := range []struct {
		person string
		want   []string
	}{
		// Dave asked about billing, Kafka, Vault and Terraform: Erin's
		// Grafana billing question is for him; his own are not.
		{"UD", []string{"q3"}},
		// Alice asked about Grafana alerts before: Erin's Grafana question
		// is for her. The Vault question again (q7) has no answer of its
		// own, and the question she answered in private is hers.
		{"UA", []string{"q3"}},
		// Nobody: no history, no topics.
		{"UZ", nil},
	} {
		d, err := digest.ComposePersonal(ctx, db, c.person, opts)
		if err != nil {
			t.Fatal(err)
		}
		var got []string
		for _, it := range d.Knowledge {
			got = append(got, it.QuestionID)
		}
		if diff := cmp.Diff(got, c.want); diff != "" {
			t.Errorf("personal digest of %s (-got +want):\n%s", c.person, diff)
		}
		if !d.Personal || d.Empty() != (len(c.want) == 0) {
			t.Errorf("personal digest of %s: personal %v, empty %v", c.person, d.Personal, d.Empty())
		}
		if text := digest.Text(d, i18n.EN); d.Empty() && text != "Your weekly digest, 16–22 Nov 2026: no new answer in your topics this week.\n" {
			t.Errorf("empty personal digest of %s: %q", c.person, text)
		}
	}
}

func TestHandOffsOf(t *testing.T) {
	db := mustFixture(t)
	ctx := context.Background()
	if _, ok, err := digest.HandOffsOf(ctx, db, "UB"); err != nil || ok {
		t.Fatalf("without an org chart: ok %v, err %v; want the figure left out", ok, err)
	}
	if err := db.ReplaceOrgChart(ctx, orgChart); err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		person string
		want   digest.HandOffs
	}{
		// Bob answered first h1 (Alice, same manager: 2), h3 (Dave: 4), q1
		// and q3 (Erin: 4 each), q4 (his own private question's answer is
		// Alice's); q8 was routed to Carol first.
		{"UB", digest.HandOffs{Questions: 4, HandOffs: 14}},
		// Carol: h2 (Erin), h4 (Dave), q9 (Dave, routed to her first).
		{"UC", digest.HandOffs{Questions: 3, HandOffs: 12}},
		{"UM1", digest.HandOffs{}},
	} {
		got, ok, err := digest.HandOffsOf(ctx, db, c.person)
		if err != nil || !ok {
			t.Fatalf("HandOffsOf(%s): ok %v, err %v", c.person, ok, err)
		}
		if diff := cmp.Diff(got, c.want); diff != "" {
			t.Errorf("HandOffsOf(%s) (-got +want):\n%s", c.person, diff)
		}
	}
	h := digest.HandOffs{Questions: 27, HandOffs: 81}
	for _, c := range []struct{ got, want string }{
		{h.Text(i18n.EN), "27 questions went straight to the person who knew, saving 81 hand-offs between managers."},
		{h.Text(i18n.FR), "27 questions sont allées directement à la personne qui savait, soit 81 relais entre managers évités."},
		{h.TextForAnswerer(i18n.EN), "You answered 27 questions directly, saving 81 hand-offs between managers."},
	} {
		if c.got != c.want {
			t.Errorf("got %q, want %q", c.got, c.want)
		}
	}
}
