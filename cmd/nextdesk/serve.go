package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
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
)

// ShutdownTimeout bounds a graceful shutdown, within the 30 seconds
// container runtimes give between SIGTERM and SIGKILL.
const ShutdownTimeout = 25 * time.Second

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
// server for /healthz, /metrics and (in HTTP mode) Slack's request URLs.
// Tests run it whole, on port 0 and a temporary data directory.
type Server struct {
	main     *Main
	cfg      Config
	settings ServeSettings
	log      *slog.Logger

	// now is the one clock of the desk, the store, the engine, delivery
	// and the digest's schedule.
	now func() time.Time

	ready chan struct{} // closed once Addr is known and Slack is reachable
	done  chan struct{} // closed when Run returns

	mu     sync.Mutex
	cancel context.CancelFunc
	err    error // Run's result

	// Set by open, before anything is served.
	ln       net.Listener
	client   *http.Client // the Slack Web API's, closed at shutdown
	api      *slack.Client
	kb       *knowledgeBase
	desk     *desk.Desk
	bot      *bot.Bot
	tasks    []desk.Task // the background work, run by desk.RunTasks
	dispatch *bot.Dispatcher
	socket   *bot.SocketTransport
	http     *http.Server

	// Set by serve.
	httpRun, tasksRun, socketRun *running
	stopTasks, stopSocket        context.CancelFunc
}

// NewServer returns a Server taking its settings from m and logging to
// m.Stderr.
func (m *Main) NewServer() *Server {
	return &Server{main: m, now: time.Now, ready: make(chan struct{}), done: make(chan struct{})}
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
	s.log = s.main.logger(s.cfg)
	return nil
}

// Ready is closed once the Server listens and Slack has accepted its bot
// token; Addr is valid from then on.
func (s *Server) Ready() <-chan struct{} { return s.ready }

// Addr is the address the HTTP server listens on, useful with port 0. It is
// nil before Ready.
func (s *Server) Addr() net.Addr {
	select {
	case <-s.ready:
		return s.ln.Addr()
	default:
		return nil
	}
}

// Run serves until ctx ends or Close is called, then shuts down gracefully:
// it stops taking events, finishes the work already acknowledged, lets the
// bot persist what it holds, and closes Slack, the index and the store, in
// that order. It returns an error if start-up fails (a refused token is a
// usage error naming the setting) or if a part stops on its own.
func (s *Server) Run(ctx context.Context) error {
	ctx, cancel := context.WithCancel(ctx)
	s.mu.Lock()
	s.cancel = cancel
	s.mu.Unlock()
	defer close(s.done)
	defer cancel()

	err := s.open(ctx)
	if err == nil {
		close(s.ready)
		s.log.Info("nextdesk serving", "mode", s.mode(), "addr", s.ln.Addr().String(), "data", s.cfg.DataDir)
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

// open builds every part, cheapest checks first, so that a wrong setting
// fails before the data directory is touched. What it opened, shutdown
// closes.
func (s *Server) open(ctx context.Context) error {
	ln, err := net.Listen("tcp", s.settings.Addr)
	if err != nil {
		return fmt.Errorf("listen on NEXTDESK_ADDR %s: %w", s.settings.Addr, err)
	}
	s.ln = ln
	metrics, reg, err := s.openBot(ctx)
	if err != nil {
		return err
	}
	s.dispatch = bot.NewDispatcher(s.bot, bot.DispatchOptions{}, metrics, s.log)

	mux := http.NewServeMux()
	mux.HandleFunc("GET /healthz", s.healthz)
	mux.Handle("GET /metrics", promhttp.HandlerFor(reg, promhttp.HandlerOpts{}))
	if s.settings.SocketMode() {
		if s.socket, err = bot.NewSocketTransport(s.api, s.dispatch, metrics, s.log); err != nil {
			return err
		}
	} else {
		t, err := bot.NewHTTPTransport(string(s.settings.SigningSecret), s.dispatch, metrics, s.log)
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

// openBot connects to Slack, opens the knowledge base and builds the bot:
// what both serve and tasks need. It returns the metrics and the registry
// they are on.
func (s *Server) openBot(ctx context.Context) (*bot.Metrics, *prometheus.Registry, error) {
	s.client = &http.Client{Timeout: 30 * time.Second, Transport: http.DefaultTransport.(*http.Transport).Clone()}
	opts := []slack.Option{slack.OptionHTTPClient(s.client)}
	if s.settings.APIURL != "" {
		opts = append(opts, slack.OptionAPIURL(s.settings.APIURL))
	}
	if s.settings.SocketMode() {
		opts = append(opts, slack.OptionAppLevelToken(string(s.settings.AppToken)))
	}
	// slack-go's own retries stay off: the bot's outbox retries every
	// message durably, honouring Retry-After; retrying underneath it too
	// would hold handler workers for minutes during a Slack outage.
	s.api = slack.New(string(s.settings.BotToken), opts...)
	auth, err := s.whoAmI(ctx)
	if err != nil {
		return nil, nil, err
	}

	kb, err := openKnowledge(ctx, s.cfg, s.log)
	if errors.Is(err, index.ErrInUse) {
		return nil, nil, fmt.Errorf("the index in NEXTDESK_DATA_DIR %s is open in another nextdesk process; stop it first: %w", s.cfg.DataDir, err)
	}
	if err != nil {
		return nil, nil, err
	}
	s.kb = kb

	reg := prometheus.NewRegistry()
	reg.MustRegister(collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}), buildInfoCollector())
	metrics := bot.NewMetrics(reg)
	if err := s.wire(kb, auth, metrics); err != nil {
		return nil, nil, err
	}
	return metrics, reg, nil
}

// wire builds the desk and its Slack side on kb: the workspace (Slack
// reads), the desk (the workflow), the outbox (delivery), the bot (what
// Slack sends) and the digest's schedule, all on one clock, and lists the
// background tasks. It returns a usage error naming a wrong setting.
func (s *Server) wire(kb *knowledgeBase, auth *slack.AuthTestResponse, metrics *bot.Metrics) error {
	now := s.now
	kb.DB.Now, kb.Engine.Now = now, now
	ws, err := bot.NewWorkspace(s.api, kb.DB, auth.UserID, now, s.log,
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
	outbox, err := bot.NewOutbox(bot.OutboxConfig{Lang: s.cfg.Lang, Now: now, Wake: s.desk.Notified(), Placed: s.desk.Sync, Terms: kb.Index.Terms}, kb.DB, s.api, ws, metrics, s.log)
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
	s.tasks = append([]desk.Task{outbox.Task()}, s.desk.Tasks()...)
	s.tasks = append(s.tasks, digests.Task())
	return nil
}

// whoAmI asks Slack whose the bot token is: the bot must know its own user
// id to ignore itself and spot mentions, and its workspace's team to tell
// people of other organisations apart; a wrong token is best reported now,
// naming the setting.
func (s *Server) whoAmI(ctx context.Context) (*slack.AuthTestResponse, error) {
	ctx, cancel := context.WithTimeout(ctx, 20*time.Second)
	defer cancel()
	auth, err := s.api.AuthTestContext(ctx)
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
func (r *running) wait(ctx context.Context) bool {
	select {
	case <-r.done:
		return true
	case <-ctx.Done():
		return false
	}
}

// serve runs the parts until ctx ends or one of them stops on its own,
// which is fatal: a server that cannot hear Slack or deliver its messages
// must not look alive.
func (s *Server) serve(ctx context.Context) error {
	s.httpRun = start(func() error { return s.http.Serve(s.ln) })
	// The background tasks outlive ctx: they must keep delivering while
	// the dispatcher drains, and stop last (shutdown cancels them).
	tasksCtx, stopTasks := context.WithCancel(context.WithoutCancel(ctx))
	s.stopTasks = stopTasks
	s.tasksRun = start(func() error {
		desk.RunTasks(tasksCtx, s.log, s.tasks...)
		return tasksCtx.Err()
	})
	var socketDone <-chan struct{}
	if s.socket != nil {
		socketCtx, stopSocket := context.WithCancel(ctx)
		s.stopSocket = stopSocket
		s.socketRun = start(func() error { return s.socket.Run(socketCtx) })
		socketDone = s.socketRun.done
	}
	select {
	case <-ctx.Done():
		return nil
	case <-s.httpRun.done:
		return fmt.Errorf("http server on %s stopped: %w", s.ln.Addr(), s.httpRun.err)
	case <-s.tasksRun.done:
		return fmt.Errorf("the background tasks stopped: %w", s.tasksRun.err)
	case <-socketDone:
		var serr slack.SlackErrorResponse
		if errors.As(s.socketRun.err, &serr) {
			return usagef("settings: SLACK_APP_TOKEN was refused by Slack (%s); create an app-level token with the connections:write scope on the app's Basic Information page", serr.Err)
		}
		return fmt.Errorf("the Socket Mode connection stopped: %w", s.socketRun.err)
	}
}

// shutdown stops what open and serve started, in an order that loses
// nothing: no new events, then the acknowledged ones handled, then the
// background tasks (which finish the deliveries under way), then Slack,
// the index and the store.
func (s *Server) shutdown() error {
	ctx, cancel := context.WithTimeout(context.Background(), ShutdownTimeout)
	defer cancel()
	var errs []error
	if s.socketRun != nil {
		s.stopSocket()
		if !s.socketRun.wait(ctx) {
			errs = append(errs, errors.New("shutdown: the Socket Mode connection did not close in time"))
		}
	}
	switch {
	case s.httpRun != nil:
		if err := s.http.Shutdown(ctx); err != nil {
			errs = append(errs, fmt.Errorf("shutdown: http server: %w", err))
		}
	case s.ln != nil:
		s.ln.Close()
	}
	if s.dispatch != nil {
		if err := s.dispatch.Close(ctx); err != nil {
			errs = append(errs, fmt.Errorf("shutdown: %w", err))
		}
	}
	if s.tasksRun != nil {
		s.stopTasks()
		if !s.tasksRun.wait(ctx) {
			errs = append(errs, errors.New("shutdown: the background tasks did not stop in time"))
		}
	}
	if s.client != nil {
		s.client.CloseIdleConnections()
	}
	if s.kb != nil {
		if err := s.kb.Close(); err != nil {
			errs = append(errs, fmt.Errorf("shutdown: %w", err))
		}
	}
	if len(errs) == 0 && s.log != nil {
		s.log.Info("nextdesk stopped")
	}
	return errors.Join(errs...)
}

// healthz answers 200 only when the store and the index answer and, in
// Socket Mode, Slack is connected; otherwise 503 with the reason, in one
// line, for whoever is paged.
func (s *Server) healthz(w http.ResponseWriter, r *http.Request) {
	ctx, cancel := context.WithTimeout(r.Context(), 3*time.Second)
	defer cancel()
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	storeRev, err := s.kb.DB.Rev(ctx)
	if err != nil {
		s.log.Warn("health check: store", "err", err)
		http.Error(w, "store unavailable", http.StatusServiceUnavailable)
		return
	}
	docs, err := s.kb.Index.DocCount()
	if err != nil {
		s.log.Warn("health check: index", "err", err)
		http.Error(w, "index unavailable", http.StatusServiceUnavailable)
		return
	}
	if s.socket != nil && !s.socket.Connected() {
		http.Error(w, "not connected to Slack (Socket Mode)", http.StatusServiceUnavailable)
		return
	}
	fmt.Fprintf(w, "ok mode=%s store_rev=%d index_rev=%d docs=%d\n", s.mode(), storeRev, s.kb.Index.Rev(), docs)
}
