package bot

import (
	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/promauto"

	"github.com/nextdesk/nextdesk/knowledge/desk"
)

// Metrics are the figures /metrics exposes. Both transports, the
// dispatcher, the handler, the outbox and the Slack client share one set,
// registered on the registry given to NewMetrics. README's operations
// section lists them.
type Metrics struct {
	Questions       prometheus.Counter
	InstantAnswers  prometheus.Counter
	InstantAccepted prometheus.Counter
	Routes          prometheus.Counter
	AnswersCaptured prometheus.Counter
	Escalations     prometheus.Counter
	// SlackCalls times every Slack Web API call, by method and outcome
	// (see outcome); its _count is the number of calls.
	SlackCalls *prometheus.HistogramVec
	// SlackTokenOK is 1 while Slack accepts the bot token, 0 while it
	// refuses it and delivery is suspended.
	SlackTokenOK       prometheus.Gauge
	HandlerLatency     *prometheus.HistogramVec // by kind, from receipt to done
	InboundRejected    *prometheus.CounterVec   // by reason: signature, stale, too_large, malformed, duplicate, refused, panic, store, never_came
	InboxRecordSeconds prometheus.Histogram
	InboxPending       prometheus.Gauge
	InboxParked        prometheus.Gauge
	InboxParkedTotal   prometheus.Counter
	OutboxPending      prometheus.Gauge
	OutboxDelivered    prometheus.Counter
	OutboxFailed       prometheus.Counter
}

// NewMetrics creates the metrics and registers them on reg.
func NewMetrics(reg prometheus.Registerer) *Metrics {
	f := promauto.With(reg)
	m := &Metrics{
		Questions:       f.NewCounter(prometheus.CounterOpts{Name: "nextdesk_questions_total", Help: "Questions asked through the bot."}),
		InstantAnswers:  f.NewCounter(prometheus.CounterOpts{Name: "nextdesk_instant_answers_total", Help: "Past answers offered at once for a new question."}),
		InstantAccepted: f.NewCounter(prometheus.CounterOpts{Name: "nextdesk_instant_answers_accepted_total", Help: "Past answers offered at once that the asker said solve the question."}),
		Routes:          f.NewCounter(prometheus.CounterOpts{Name: "nextdesk_routes_total", Help: "Questions sent to an expert."}),
		AnswersCaptured: f.NewCounter(prometheus.CounterOpts{Name: "nextdesk_answers_captured_total", Help: "Answers captured from threads."}),
		Escalations:     f.NewCounter(prometheus.CounterOpts{Name: "nextdesk_escalations_total", Help: "Questions passed on to the next expert or the fallback channel."}),
		SlackCalls: f.NewHistogramVec(prometheus.HistogramOpts{
			Name: "nextdesk_slack_api_call_seconds", Help: "Slack Web API calls and how long they took, by method and outcome (ok, rate_limited, unavailable, token_refused, refused, canceled).",
			Buckets: prometheus.ExponentialBuckets(0.01, 2, 12),
		}, []string{"method", "outcome"}),
		SlackTokenOK: f.NewGauge(prometheus.GaugeOpts{Name: "nextdesk_slack_token_ok", Help: "1 while Slack accepts the bot token; 0 while it refuses it (revoked, app uninstalled) and delivery is suspended."}),
		HandlerLatency: f.NewHistogramVec(prometheus.HistogramOpts{
			Name: "nextdesk_handler_seconds", Help: "Time from receiving a Slack request to the end of its handling.",
			Buckets: prometheus.ExponentialBuckets(0.005, 2, 12),
		}, []string{"kind"}),
		InboundRejected: f.NewCounterVec(prometheus.CounterOpts{Name: "nextdesk_inbound_rejected_total", Help: "Slack requests refused or ignored."}, []string{"reason"}),
		InboxRecordSeconds: f.NewHistogram(prometheus.HistogramOpts{
			Name: "nextdesk_inbox_record_seconds", Help: "Time to record a Slack delivery in the inbox, synced to disk, before acknowledging it.",
			Buckets: prometheus.ExponentialBuckets(0.0005, 2, 12),
		}),
		InboxPending:     f.NewGauge(prometheus.GaugeOpts{Name: "nextdesk_inbox_pending", Help: "Slack deliveries acknowledged and not handled yet (waiting, retrying or being handled)."}),
		InboxParked:      f.NewGauge(prometheus.GaugeOpts{Name: "nextdesk_inbox_parked", Help: "Slack deliveries set aside after failing for too long or panicking; see nextdesk tasks --only inbox."}),
		InboxParkedTotal: f.NewCounter(prometheus.CounterOpts{Name: "nextdesk_inbox_parked_total", Help: "Slack deliveries parked by this process."}),
		OutboxPending:    f.NewGauge(prometheus.GaugeOpts{Name: "nextdesk_outbox_pending", Help: "Messages waiting to be delivered to Slack."}),
		OutboxDelivered:  f.NewCounter(prometheus.CounterOpts{Name: "nextdesk_outbox_delivered_total", Help: "Messages delivered to Slack."}),
		OutboxFailed:     f.NewCounter(prometheus.CounterOpts{Name: "nextdesk_outbox_failed_total", Help: "Messages given up for good (Slack refused them, or retries ran out), with those that waited on them."}),
	}
	m.SlackTokenOK.Set(1)
	return m
}

// Count adds what one handling of the desk did.
func (m *Metrics) Count(n desk.Counts) {
	m.Questions.Add(float64(n.Questions))
	m.InstantAnswers.Add(float64(n.Instant))
	m.InstantAccepted.Add(float64(n.InstantAccepted))
	m.Routes.Add(float64(n.Routes))
	m.AnswersCaptured.Add(float64(n.Captured))
	m.Escalations.Add(float64(n.Escalations))
	m.OutboxPending.Add(float64(n.Notices))
	if n.Duplicates > 0 {
		m.InboundRejected.WithLabelValues("duplicate").Add(float64(n.Duplicates))
	}
}
