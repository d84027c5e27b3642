package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"
	"github.com/slack-go/slack"

	"github.com/nextdesk/nextdesk/bot"
	"github.com/nextdesk/nextdesk/digest"
	"github.com/nextdesk/nextdesk/index"
	"github.com/nextdesk/nextdesk/knowledge"
	"github.com/nextdesk/nextdesk/knowledge/desk"
	"github.com/nextdesk/nextdesk/knowledge/sqlite"
)

// DefaultShutdownTimeout is the graceful-shutdown budget by default
// (NEXTDESK_SHUTDOWN_TIMEOUT): under the 10 seconds `docker stop` waits
// between SIGTERM and SIGKILL, and Kubernetes' 30. Nothing needs more: what
// is not finished within it stays in the inbox and the outbox.
const DefaultShutdownTimeout = 8 * time.Second

// secret is a setting that must never reach a log line or an error: every
// way of printing it shows a placeholder.
type secret string

func (s secret) String() string {
	if s == "" {
		return ""
	}
	return "[redacted]"
}

func (s secret) GoString() string { return s.String() }

func (s secret) LogValue() slog.Value { return slog.StringValue(s.String()) }

// ServeSettings are the settings `nextdesk serve` reads on top of Config.
// Their names are part of nextdesk's interface (docs/slack-setup.md).
type ServeSettings struct {
	BotToken        secret        `env:"SLACK_BOT_TOKEN"`
	AppToken        secret        `env:"SLACK_APP_TOKEN"`
	SigningSecret   secret        `env:"SLACK_SIGNING_SECRET"`
	APIURL          string        `env:"SLACK_API_URL"`
	Addr            string        `env:"NEXTDESK_ADDR" envDefault:":3000"`
	AnswerTimeout   time.Duration `env:"NEXTDESK_ANSWER_TIMEOUT" envDefault:"4h"`
	FallbackChannel string        `env:"NEXTDESK_FALLBACK_CHANNEL"`
	HelpChannels    string        `env:"NEXTDESK_HELP_CHANNELS"`
	MaxOpen         int           `env:"NEXTDESK_MAX_OPEN" envDefault:"3"`
	Anonymous       string        `env:"NEXTDESK_ANONYMOUS" envDefault:"on"`
	AnonymousPerDay int           `env:"NEXTDESK_ANONYMOUS_PER_DAY" envDefault:"3"`
	// InboxMaxAge is how long a Slack delivery whose handling keeps
	// failing is tried again before it is parked.
	InboxMaxAge time.Duration `env:"NEXTDESK_INBOX_MAX_AGE" envDefault:"24h"`
	// ShutdownTimeout is the graceful-shutdown budget.
	ShutdownTimeout time.Duration `env:"NEXTDESK_SHUTDOWN_TIMEOUT" envDefault:"8s"`
}

// SocketMode reports whether the settings choose Socket Mode over the HTTP
// Events API.
func (s ServeSettings) SocketMode() bool { return s.AppToken != "" }

// serveSettings reads and checks ServeSettings, and says in one line which
// one to set or fix.
func (m *Main) serveSettings() (ServeSettings, error) {
	s, err := parseSettings[ServeSettings](m)
	if err != nil {
		return s, err
	}
	s.Anonymous = strings.ToLower(strings.TrimSpace(s.Anonymous))
	switch {
	case s.BotToken == "":
		return s, usagef("settings: SLACK_BOT_TOKEN is not set; set it to the app's Bot User OAuth Token (xoxb-…, on the OAuth & Permissions page)")
	case !strings.HasPrefix(string(s.BotToken), "xoxb-"):
		return s, usagef("settings: SLACK_BOT_TOKEN is not a bot token; use the Bot User OAuth Token, which starts with xoxb-")
	case s.AppToken != "" && !strings.HasPrefix(string(s.AppToken), "xapp-"):
		return s, usagef("settings: SLACK_APP_TOKEN is not an app-level token; use one starting with xapp- with the connections:write scope (Basic Information page), or unset it to use HTTP")
	case s.AppToken == "" && s.SigningSecret == "":
		return s, usagef("settings: set SLACK_APP_TOKEN (xapp-…) for Socket Mode, or SLACK_SIGNING_SECRET (Basic Information page) for the HTTP Events API")
	case s.AnswerTimeout <= 0:
		return s, usagef("settings: NEXTDESK_ANSWER_TIMEOUT must be a positive duration such as 4h, not %s", s.AnswerTimeout)
	case s.InboxMaxAge <= 0:
		return s, usagef("settings: NEXTDESK_INBOX_MAX_AGE must be a positive duration such as 24h, not %s", s.InboxMaxAge)
	case s.ShutdownTimeout <= 0:
		return s, usagef("settings: NEXTDESK_SHUTDOWN_TIMEOUT must be a positive duration such as 8s, not %s", s.ShutdownTimeout)
	case s.MaxOpen <= 0:
		return s, usagef("settings: NEXTDESK_MAX_OPEN must be at least 1, not %d", s.MaxOpen)
	case strings.TrimSpace(s.Addr) == "":
		return s, usagef("settings: NEXTDESK_ADDR is empty; set it to host:port, e.g. :3000")
	case s.Anonymous != "on" && s.Anonymous != "off":
		return s, usagef("settings: NEXTDESK_ANONYMOUS must be on or off, not %q", s.Anonymous)
	case s.AnonymousPerDay <= 0:
		return s, usagef("settings: NEXTDESK_ANONYMOUS_PER_DAY must be at least 1, not %d (NEXTDESK_ANONYMOUS=off turns anonymous questions off)", s.AnonymousPerDay)
	}
	if s.APIURL != "" {
		u, err := url.Parse(s.APIURL)
		if err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" {
			return s, usagef("settings: SLACK_API_URL must be an http(s) URL such as https://slack.com/api/, not %q", s.APIURL)
		}
		if !strings.HasSuffix(s.APIURL, "/") {
			s.APIURL += "/" // slack-go appends method names to it
		}
	}
	return s, nil
}

func (m *Main) serve(ctx context.Context, args []string) error {
	s := m.NewServer()
	if err := s.ParseFlags(args); err != nil {
		return err
	}
	return s.Run(ctx)
}

// Server is `nextdesk serve`: the bot, one Slack transport, and an HTTP
// server for the probes (/livez, /readyz, /healthz), /metrics and, in HTTP
// mode, Slack's request URLs. Tests run it whole, on port 0 and a temporary
// data directory.
type Server struct {
	main     *Main
	cfg      Config
	settings ServeSettings
	log      *slog.Logger

	// now is the one clock of the desk, the store, the engine, delivery,
	// the inbox and the digest's schedule.
	now func() time.Time

	listening chan struct{} // closed once Addr is known and the probes answer
	ready     chan struct{} // closed once Slack accepted the token and the bot runs
	done      chan struct{} // closed when Run returns

	mu       sync.Mutex
	cancel   context.CancelFunc
	err      error // Run's result
	connErr  error // why Slack could not be reached yet, while connecting
	stopping bool

	// Set by open, before anything is served.
	ln       net.Listener
	client   *http.Client // the Slack Web API's, closed at shutdown
	api      *slack.Client
	slack    *bot.Slack // api, instrumented and watched for a refused token
	metrics  *bot.Metrics
	registry *prometheus.Registry
	kb       *knowledgeBase
	dispatch *bot.Dispatcher
	http     *http.Server
	// damaged, when not nil, is why the store was refused: only the
	// probes are served, saying so, until the server is stopped.
	damaged error

	// Set once Slack answers (wire).
	desk   *desk.Desk
	bot    *bot.Bot
	tasks  []desk.Task // the background work, run by desk.RunTasks
	outbox *bot.Outbox
	socket *bot.SocketTransport

	// Set by serve.
	httpRun             *running
	stopParts           context.CancelFunc
	tasksRun, socketRun *running
	fatal               chan error // a part that stopped on its own
}

// NewServer returns a Server taking its settings from m and logging to
// m.Stderr.
func (m *Main) NewServer() *Server {
	return &Server{
		main: m, now: time.Now,
		listening: make(chan struct{}), ready: make(chan struct{}), done: make(chan struct{}),
		fatal: make(chan error, 4),
	}
}

// ParseFlags reads the command line (serve takes no arguments) and the
// settings. Missing or wrong settings are a usage error naming what to set.
func (s *Server) ParseFlags(args []string) error {
	fs := flag.NewFlagSet("serve", flag.ContinueOnError)
	rest, err := parseArgs(fs, args)
	if err != nil {
		return err
	}
	if len(rest) > 0 {
		return usagef("serve takes no arguments; its settings come from the environment (see docs/slack-setup.md)")
	}
	if s.cfg, err = s.main.config(); err != nil {
		return err
	}
	if s.settings, err = s.main.serveSettings(); err != nil {
		return err
	}
	// Checked now, not once Slack answers: a wrong setting must stop
	// serve at once, even while Slack is unreachable.
	if _, err := s.main.digestConfig(); err != nil {
		return err
	}
	s.log = s.main.logger(s.cfg)
	return nil
}

// Listening is closed once the Server listens and its probes answer, Slack
// reached or not; Addr is valid from then on.
func (s *Server) Listening() <-chan struct{} { return s.listening }

// Ready is closed once Slack has accepted the bot token and the bot
// handles what Slack sends.
func (s *Server) Ready() <-chan struct{} { return s.ready }

// Addr is the address the HTTP server listens on, useful with port 0. It is
// nil before Listening.
func (s *Server) Addr() net.Addr {
	select {
	case <-s.listening:
		return s.ln.Addr()
	default:
		return nil
	}
}

// Run serves until ctx ends or Close is called, then shuts down gracefully
// within NEXTDESK_SHUTDOWN_TIMEOUT: it stops taking events, lets the
// handlings under way finish (what does not stays in the inbox), lets the
// deliveries under way finish (what is not sent stays in the outbox), and
// closes Slack, the index and the store, in that order. When Slack cannot
// be reached at start it keeps serving (not ready) and tries again with
// backoff. It returns an error if start-up fails (a token Slack refuses is
// a usage error naming the setting) or if a part stops on its own.
func (s *Server) Run(ctx context.Context) error {
	ctx, cancel := context.WithCancel(ctx)
	s.mu.Lock()
	s.cancel = cancel
	s.mu.Unlock()
	defer close(s.done)
	defer cancel()

	err := s.open(ctx)
	if err == nil {
		err = s.serve(ctx)
	}
	err = errors.Join(err, s.shutdown())
	s.mu.Lock()
	s.err = err
	s.mu.Unlock()
	return err
}

// Close stops a running Server as a cancelled context would and returns
// what Run returned. It does nothing on a Server that was never run.
func (s *Server) Close() error {
	s.mu.Lock()
	cancel := s.cancel
	s.mu.Unlock()
	if cancel == nil {
		return nil
	}
	cancel()
	<-s.done
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.err
}

func (s *Server) mode() string {
	if s.settings.SocketMode() {
		return "socket"
	}
	return "http"
}

// open builds what serves before Slack is reached: the listener, the
// store and the index, the inbox, the probes and, in HTTP mode, Slack's
// request URLs, so that nothing Slack sends meanwhile is lost. Cheapest
// checks first, so a wrong setting fails before the data directory is
// touched; what it opened, shutdown closes.
func (s *Server) open(ctx context.Context) error {
	ln, err := net.Listen("tcp", s.settings.Addr)
	if err != nil {
		return fmt.Errorf("listen on NEXTDESK_ADDR %s: %w", s.settings.Addr, err)
	}
	s.ln = ln
	if err := s.openStore(ctx); errors.Is(err, sqlite.ErrCorrupt) || errors.Is(err, sqlite.ErrEmptied) {
		s.refuseStore(err)
		return nil
	} else if err != nil {
		return err
	}
	// This process owns the data directory (the index lock says so):
	// deliveries an earlier one was handling when it died are due again.
	if n, err := s.kb.DB.ReleaseInbound(ctx); err != nil {
		return fmt.Errorf("inbox: %w", err)
	} else if n > 0 {
		s.log.Info("inbox: deliveries left under way by the previous run are due again", "deliveries", n)
	}
	if s.dispatch, err = s.newDispatcher(); err != nil {
		return err
	}

	mux := http.NewServeMux()
	mux.HandleFunc("GET /livez", s.livez)
	mux.HandleFunc("GET /readyz", s.readyz)
	mux.HandleFunc("GET /healthz", s.readyz)
	mux.Handle("GET /metrics", promhttp.HandlerFor(s.registry, promhttp.HandlerOpts{}))
	if s.settings.SocketMode() {
		if s.socket, err = bot.NewSocketTransport(s.api, s.dispatch, s.metrics, s.log); err != nil {
			return err
		}
	} else {
		t, err := bot.NewHTTPTransport(string(s.settings.SigningSecret), s.dispatch, s.metrics, s.log)
		if err != nil {
			return err
		}
		t.Register(mux)
	}
	s.http = &http.Server{
		Handler:           mux,
		ReadHeaderTimeout: 5 * time.Second,
		ReadTimeout:       10 * time.Second,
		WriteTimeout:      10 * time.Second,
		IdleTimeout:       2 * time.Minute,
		MaxHeaderBytes:    64 << 10,
		ErrorLog:          slog.NewLogLogger(s.log.Handler(), slog.LevelDebug),
	}
	return nil
}

// openStore opens the knowledge base and the Slack client, and creates
// the metrics: what both serve and tasks need before Slack answers.
func (s *Server) openStore(ctx context.Context) error {
	kb, err := openKnowledge(ctx, s.cfg, s.log)
	if errors.Is(err, index.ErrInUse) {
		return fmt.Errorf("the index in NEXTDESK_DATA_DIR %s is open in another nextdesk process; stop it first: %w", s.cfg.DataDir, err)
	}
	if err != nil {
		return err
	}
	s.kb = kb
	s.kb.DB.Now, s.kb.Engine.Now = s.now, s.now

	s.registry = prometheus.NewRegistry()
	s.registry.MustRegister(collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}), buildInfoCollector())
	s.metrics = bot.NewMetrics(s.registry)

	s.client = &http.Client{Timeout: 30 * time.Second, Transport: http.DefaultTransport.(*http.Transport).Clone()}
	opts := []slack.Option{slack.OptionHTTPClient(s.client)}
	if s.settings.APIURL != "" {
		opts = append(opts, slack.OptionAPIURL(s.settings.APIURL))
	}
	if s.settings.SocketMode() {
		opts = append(opts, slack.OptionAppLevelToken(string(s.settings.AppToken)))
	}
	// slack-go's own retries stay off: the inbox and the outbox retry
	// durably, honouring Retry-After; retrying underneath them too would
	// hold workers for minutes during a Slack outage.
	s.api = slack.New(string(s.settings.BotToken), opts...)
	s.slack, err = bot.NewSlack(s.api, s.api.AuthTestContext, s.metrics, s.log)
	return err
}

// openBot connects to Slack, once, and builds the bot on the knowledge
// base: what the tasks command needs.
func (s *Server) openBot(ctx context.Context) error {
	if err := s.openStore(ctx); err != nil {
		return err
	}
	if _, err := s.kb.DB.ReleaseInbound(ctx); err != nil {
		return fmt.Errorf("inbox: %w", err)
	}
	var err error
	if s.dispatch, err = s.newDispatcher(); err != nil {
		return err
	}
	auth, err := s.whoAmI(ctx)
	if err != nil {
		return err
	}
	return s.wire(auth)
}

// newDispatcher returns the dispatcher on the store's inbox, held while
// Slack refuses the bot token.
func (s *Server) newDispatcher() (*bot.Dispatcher, error) {
	return bot.NewDispatcher(s.kb.DB, bot.DispatchOptions{
		MaxAge: s.settings.InboxMaxAge, Now: s.now, Hold: s.slack.Refused,
	}, s.metrics, s.log)
}

// wire builds the desk and its Slack side: the workspace (Slack reads),
// the desk (the workflow), the outbox (delivery), the bot (what Slack
// sends) and the digest's schedule, all on one clock, and lists the
// background tasks. It returns a usage error naming a wrong setting.
func (s *Server) wire(auth *slack.AuthTestResponse) error {
	now, kb, metrics := s.now, s.kb, s.metrics
	ws, err := bot.NewWorkspace(s.slack, kb.DB, auth.UserID, now, s.log,
		bot.WithMembershipTTL(s.cfg.MembershipTTL), bot.WithTeam(auth.TeamID, auth.EnterpriseID))
	if err != nil {
		return err
	}
	s.desk, err = desk.New(desk.Config{
		AnswerTimeout:   s.settings.AnswerTimeout,
		MembershipTTL:   s.cfg.MembershipTTL,
		FallbackChannel: s.settings.FallbackChannel,
		HelpChannels:    splitList(s.settings.HelpChannels),
		Policy:          knowledge.RoutingPolicy{MaxOpen: s.settings.MaxOpen},
		Now:             now,
		Index:           kb.Sync,
		Counted:         metrics.Count,
		Log:             s.log,
		AnonymousOff:    s.settings.Anonymous == "off",
		AnonymousPerDay: s.settings.AnonymousPerDay,
		Topics:          kb.Index,
	}, kb.DB, kb.Engine, ws)
	if err != nil {
		return fmt.Errorf("start the desk: %w", err)
	}
	s.outbox, err = bot.NewOutbox(bot.OutboxConfig{
		Lang: s.cfg.Lang, Now: now, Wake: s.desk.Notified(), Placed: s.desk.Sync, Hold: s.slack.Refused, Terms: kb.Index.Terms,
		AnonymousOff: s.settings.Anonymous == "off",
	}, kb.DB, s.slack, ws, metrics, s.log)
	if err != nil {
		return fmt.Errorf("start the bot: %w", err)
	}
	if s.bot, err = bot.New(s.desk, ws, metrics, s.log); err != nil {
		return fmt.Errorf("start the bot: %w", err)
	}
	dcfg, err := s.main.digestConfig()
	if err != nil {
		return err
	}
	digests, err := digest.NewScheduler(dcfg, kb.DB, now, s.log)
	if err != nil {
		return err
	}
	calibration, err := kb.calibrator(now, s.log)
	if err != nil {
		return err
	}
	s.tasks = append([]desk.Task{s.outbox.Task()}, s.desk.Tasks()...)
	s.tasks = append(s.tasks, digests.Task(), calibration.Task(), s.slack.Task())
	return nil
}

// whoAmI asks Slack whose the bot token is: the bot must know its own user
// id to ignore itself and spot mentions, and its workspace's team to tell
// people of other organisations apart; a wrong token is best reported now,
// naming the setting.
func (s *Server) whoAmI(ctx context.Context) (*slack.AuthTestResponse, error) {
	ctx, cancel := context.WithTimeout(ctx, 20*time.Second)
	defer cancel()
	auth, err := s.slack.AuthTestContext(ctx)
	var serr slack.SlackErrorResponse
	switch {
	case errors.As(err, &serr):
		return nil, usagef("settings: SLACK_BOT_TOKEN was refused by Slack (%s); copy the Bot User OAuth Token again from the app's OAuth & Permissions page", serr.Err)
	case err != nil:
		return nil, fmt.Errorf("reach Slack to check SLACK_BOT_TOKEN (is SLACK_API_URL right, or the network down?): %w", err)
	case auth.UserID == "":
		return nil, usagef("settings: SLACK_BOT_TOKEN belongs to no bot user; use the Bot User OAuth Token (xoxb-…)")
	}
	s.log.Info("connected to Slack", "team", auth.Team, "bot_user", auth.UserID, "bot_name", auth.User)
	return auth, nil
}

// running is a part of the server on its own goroutine.
type running struct {
	done chan struct{}
	err  error // valid once done is closed
}

func start(run func() error) *running {
	r := &running{done: make(chan struct{})}
	go func() {
		defer close(r.done)
		r.err = run()
	}()
	return r
}

// wait waits for r to finish, or for ctx; it reports whether r finished.
// A part never started counts as finished.
func (r *running) wait(ctx context.Context) bool {
	if r == nil {
		return true
	}
	select {
	case <-r.done:
		return true
	case <-ctx.Done():
		return false
	}
}

// refuseStore keeps a damaged or emptied store out of service without
// exiting: restarting cannot mend the file, and a crash loop buries the
// cause under restarts. /livez says the process runs; /readyz and /healthz
// answer 503 with the cause and what to do; nothing else is served, so
// Slack, refused, sends its deliveries again, and nothing is handled on a
// store that would lose it.
func (s *Server) refuseStore(err error) {
	s.damaged = err
	s.log.Error("the store is refused: nextdesk serves only its probes, not ready, until it is stopped and the store restored", "err", err)
	mux := http.NewServeMux()
	mux.HandleFunc("GET /livez", func(w http.ResponseWriter, _ *http.Request) { io.WriteString(w, "ok\n") })
	notReady := func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Cache-Control", "no-store")
		http.Error(w, "store refused: "+err.Error(), http.StatusServiceUnavailable)
	}
	mux.HandleFunc("GET /readyz", notReady)
	mux.HandleFunc("GET /healthz", notReady)
	s.http = &http.Server{Handler: mux, ReadHeaderTimeout: 5 * time.Second}
}

// serve runs the probes and the transports at once, then reaches Slack
// (trying again with backoff while it cannot) and starts the bot. It
// returns when ctx ends, or when a part stops on its own, which is fatal:
// a server that cannot hear Slack or deliver its messages must not look
// alive. A token Slack refuses is a usage error.
func (s *Server) serve(ctx context.Context) error {
	s.httpRun = start(func() error { return s.http.Serve(s.ln) })
	close(s.listening)
	s.log.Info("nextdesk listening", "mode", s.mode(), "addr", s.ln.Addr().String(), "data", s.cfg.DataDir)
	if s.damaged != nil {
		select {
		case <-ctx.Done():
			return s.damaged
		case <-s.httpRun.done:
			return errors.Join(s.damaged, fmt.Errorf("http server on %s stopped: %w", s.ln.Addr(), s.httpRun.err))
		}
	}

	// The parts outlive ctx: the tasks must keep delivering while the
	// dispatcher drains, and stop last (shutdown cancels them).
	partsCtx, stopParts := context.WithCancel(context.WithoutCancel(ctx))
	s.stopParts = stopParts
	connected := start(func() error { return s.connect(ctx, partsCtx) })
	select {
	case <-ctx.Done():
		return nil
	case <-s.httpRun.done:
		return fmt.Errorf("http server on %s stopped: %w", s.ln.Addr(), s.httpRun.err)
	case <-connected.done:
		if connected.err != nil {
			return connected.err
		}
	}
	select {
	case <-ctx.Done():
		return nil
	case <-s.httpRun.done:
		return fmt.Errorf("http server on %s stopped: %w", s.ln.Addr(), s.httpRun.err)
	case err := <-s.fatal:
		return err
	}
}

// connect reaches Slack, trying again with backoff while it cannot (a
// restart during a Slack outage must not crash-loop), then wires the bot
// and starts the dispatcher, the background tasks, the token watch and, in
// Socket Mode, the connection. It returns a usage error when Slack refuses
// the token, and nil when ctx ends first.
func (s *Server) connect(ctx, partsCtx context.Context) error {
	wait := time.Second
	var auth *slack.AuthTestResponse
	for {
		var err error
		auth, err = s.whoAmI(ctx)
		if err == nil {
			break
		}
		if _, usage := errors.AsType[*usageError](err); usage || ctx.Err() != nil {
			if ctx.Err() != nil {
				return nil
			}
			return err
		}
		s.mu.Lock()
		s.connErr = err
		s.mu.Unlock()
		s.log.Warn("Slack cannot be reached; serving not ready and trying again", "in", wait, "err", err)
		select {
		case <-ctx.Done():
			return nil
		case <-time.After(wait):
		}
		wait = min(2*wait, time.Minute)
	}
	if err := s.wire(auth); err != nil {
		return err
	}
	if err := s.dispatch.Start(s.bot); err != nil {
		return err
	}
	s.tasksRun = start(func() error {
		desk.RunTasks(partsCtx, s.log, s.tasks...)
		if partsCtx.Err() == nil {
			s.fatal <- errors.New("the background tasks stopped")
		}
		return nil
	})
	if s.socket != nil {
		socketCtx, stopSocket := context.WithCancel(ctx)
		s.socketRun = start(func() error {
			defer stopSocket()
			err := s.socket.Run(socketCtx)
			if ctx.Err() != nil {
				return err
			}
			var serr slack.SlackErrorResponse
			if errors.As(err, &serr) {
				s.fatal <- usagef("settings: SLACK_APP_TOKEN was refused by Slack (%s); create an app-level token with the connections:write scope on the app's Basic Information page", serr.Err)
			} else {
				s.fatal <- fmt.Errorf("the Socket Mode connection stopped: %w", err)
			}
			return err
		})
	}
	s.mu.Lock()
	s.connErr = nil
	s.mu.Unlock()
	close(s.ready)
	s.log.Info("nextdesk serving", "mode", s.mode())
	return nil
}

// shutdown stops what open and serve started, within the shutdown budget,
// in an order that loses nothing: no new events (the socket, then the HTTP
// server), then the handlings under way (for at most 60% of the budget:
// the rest stays in the inbox), then the background tasks (which finish
// the deliveries under way), then Slack, the index and the store. When a
// part does not stop in time, the index and the store are left open, not
// closed under it: everything is on disk already, and the process exits.
func (s *Server) shutdown() error {
	s.mu.Lock()
	s.stopping = true
	s.mu.Unlock()
	budget := s.settings.ShutdownTimeout
	if budget <= 0 {
		budget = DefaultShutdownTimeout
	}
	began := time.Now()
	by := func(share float64) (context.Context, context.CancelFunc) {
		return context.WithDeadline(context.Background(), began.Add(time.Duration(share*float64(budget))))
	}
	var errs []error
	intake, cancel := by(0.25)
	defer cancel()
	if !s.socketRun.wait(intake) {
		errs = append(errs, errors.New("shutdown: the Socket Mode connection did not close in time"))
	}
	switch {
	case s.httpRun != nil:
		if err := s.http.Shutdown(intake); err != nil {
			errs = append(errs, fmt.Errorf("shutdown: http server: %w", err))
		}
	case s.ln != nil:
		s.ln.Close()
	}
	if s.dispatch != nil {
		handlings, cancel := by(0.6)
		defer cancel()
		if err := s.dispatch.Close(handlings); err != nil {
			errs = append(errs, fmt.Errorf("shutdown: %w", err))
		}
	}
	stopped := true
	if s.stopParts != nil {
		s.stopParts()
		parts, cancel := by(0.95)
		defer cancel()
		stopped = s.tasksRun.wait(parts)
		if !stopped {
			errs = append(errs, errors.New("shutdown: the background tasks did not stop in time; what they did not deliver stays in the outbox"))
		}
	}
	if s.client != nil {
		s.client.CloseIdleConnections()
	}
	if s.kb != nil && stopped {
		if err := s.kb.Close(); err != nil {
			errs = append(errs, fmt.Errorf("shutdown: %w", err))
		}
	}
	if len(errs) == 0 && s.log != nil {
		s.log.Info("nextdesk stopped", "took", time.Since(began).Round(time.Millisecond))
	}
	return errors.Join(errs...)
}

// livez answers 200 while the process works: it serves, and once started
// its inbox loop turns. A 503 means only a restart will help.
func (s *Server) livez(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	if err := s.dispatch.Alive(); err != nil {
		http.Error(w, err.Error(), http.StatusServiceUnavailable)
		return
	}
	io.WriteString(w, "ok\n")
}

// readyz answers 200 when the server can take and handle what Slack sends:
// the store takes writes and reads, the index answers, Slack accepts the
// bot token (and, in Socket Mode, is connected), and the inbox is neither
// failing nor stuck. Otherwise 503 with every reason, in one line, for
// whoever is paged. /healthz answers the same.
func (s *Server) readyz(w http.ResponseWriter, r *http.Request) {
	ctx, cancel := context.WithTimeout(r.Context(), 3*time.Second)
	defer cancel()
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	var problems []string
	s.mu.Lock()
	stopping, connErr := s.stopping, s.connErr
	s.mu.Unlock()
	select {
	case <-s.ready:
	default:
		msg := "connecting to Slack"
		if connErr != nil {
			msg = "Slack not reachable: " + connErr.Error()
		}
		problems = append(problems, msg)
	}
	if stopping {
		problems = append(problems, "shutting down")
	}
	storeRev, err := s.kb.DB.Rev(ctx)
	if err == nil {
		err = s.kb.DB.Heartbeat(ctx)
	}
	if err != nil {
		s.log.Warn("readiness: store", "err", err)
		problems = append(problems, "store unavailable: "+err.Error())
	}
	docs, err := s.kb.Index.DocCount()
	if err != nil {
		s.log.Warn("readiness: index", "err", err)
		problems = append(problems, "index unavailable")
	}
	if err := s.slack.Refused(); err != nil {
		problems = append(problems, err.Error())
	}
	if s.socket != nil && !s.socket.Connected() {
		problems = append(problems, "not connected to Slack (Socket Mode)")
	}
	if err := s.dispatch.Ready(); err != nil {
		problems = append(problems, err.Error())
	}
	if len(problems) > 0 {
		http.Error(w, strings.Join(problems, "; "), http.StatusServiceUnavailable)
		return
	}
	fmt.Fprintf(w, "ok mode=%s store_rev=%d index_rev=%d docs=%d\n", s.mode(), storeRev, s.kb.Index.Rev(), docs)
}
