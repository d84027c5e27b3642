package bot

import (
	"github.com/nextdesk/nextdesk/knowledge/desk"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/promauto"
)

// Metrics are the figures /metrics exposes. Both transports and the handler
// share one set, registered on the registry given to NewMetrics.
type Metrics struct {
	Questions        prometheus.Counter
	InstantAnswers   prometheus.Counter
	Routes           prometheus.Counter
	AnswersCaptured  prometheus.Counter
	Escalations      prometheus.Counter
	SlackAPIErrors   *prometheus.CounterVec   // by method
	HandlerLatency   *prometheus.HistogramVec // by kind, from receipt to done
	InboundRejected  *prometheus.CounterVec   // by reason: signature, stale, too_large, malformed, duplicate, refused, panic
	OutboxPending    prometheus.Gauge
	OutboxDelivered  prometheus.Counter
	QueueSaturations prometheus.Counter
}

// NewMetrics creates the metrics and registers them on reg.
func NewMetrics(reg prometheus.Registerer) *Metrics {
	f := promauto.With(reg)
	return &Metrics{
		Questions:       f.NewCounter(prometheus.CounterOpts{Name: "nextdesk_questions_total", Help: "Questions asked through the bot."}),
		InstantAnswers:  f.NewCounter(prometheus.CounterOpts{Name: "nextdesk_instant_answers_total", Help: "Questions answered at once from past knowledge."}),
		Routes:          f.NewCounter(prometheus.CounterOpts{Name: "nextdesk_routes_total", Help: "Questions sent to an expert."}),
		AnswersCaptured: f.NewCounter(prometheus.CounterOpts{Name: "nextdesk_answers_captured_total", Help: "Answers captured from threads."}),
		Escalations:     f.NewCounter(prometheus.CounterOpts{Name: "nextdesk_escalations_total", Help: "Questions passed on to the next expert or the fallback channel."}),
		SlackAPIErrors:  f.NewCounterVec(prometheus.CounterOpts{Name: "nextdesk_slack_api_errors_total", Help: "Slack Web API calls that failed."}, []string{"method"}),
		HandlerLatency: f.NewHistogramVec(prometheus.HistogramOpts{
			Name: "nextdesk_handler_seconds", Help: "Time from receiving a Slack request to the end of its handling.",
			Buckets: prometheus.ExponentialBuckets(0.005, 2, 12),
		}, []string{"kind"}),
		InboundRejected:  f.NewCounterVec(prometheus.CounterOpts{Name: "nextdesk_inbound_rejected_total", Help: "Slack requests refused or ignored."}, []string{"reason"}),
		OutboxPending:    f.NewGauge(prometheus.GaugeOpts{Name: "nextdesk_outbox_pending", Help: "Messages waiting to be delivered to Slack."}),
		OutboxDelivered:  f.NewCounter(prometheus.CounterOpts{Name: "nextdesk_outbox_delivered_total", Help: "Messages delivered to Slack."}),
		QueueSaturations: f.NewCounter(prometheus.CounterOpts{Name: "nextdesk_queue_saturations_total", Help: "Times the work queue was full when a request arrived."}),
	}
}

// Count adds what one handling of the desk did.
func (m *Metrics) Count(n desk.Counts) {
	m.Questions.Add(float64(n.Questions))
	m.InstantAnswers.Add(float64(n.Instant))
	m.Routes.Add(float64(n.Routes))
	m.AnswersCaptured.Add(float64(n.Captured))
	m.Escalations.Add(float64(n.Escalations))
	m.OutboxPending.Add(float64(n.Notices))
	if n.Duplicates > 0 {
		m.InboundRejected.WithLabelValues("duplicate").Add(float64(n.Duplicates))
	}
}
