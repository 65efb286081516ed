package server

import (
	"context"
	"errors"
	"io/fs"
	"log/slog"
	"net"
	"net/http"
	"strings"
	"time"

	"github.com/labstack/echo/v4"
	"github.com/labstack/echo/v4/middleware"

	"github.com/goldset/goldset/llm/llmconf"
	"github.com/goldset/goldset/loop"
	"github.com/goldset/goldset/pipelines/agentbatch"
	"github.com/goldset/goldset/pipelines/augment"
	"github.com/goldset/goldset/pipelines/evaluate"
	"github.com/goldset/goldset/pipelines/ingest"
	"github.com/goldset/goldset/pipelines/measure"
	"github.com/goldset/goldset/pipelines/optimize"
	"github.com/goldset/goldset/pipelines/runs"
	"github.com/goldset/goldset/pipelines/schemas"
	"github.com/goldset/goldset/sqlexec"
	"github.com/goldset/goldset/store"
)

const bodyLimit = "1M"

// Config is what the server needs besides the store.
type Config struct {
	// CookieSecure: "auto" marks cookies Secure on HTTPS and on localhost (browsers treat it as secure),
	// "always" or "never" force it.
	CookieSecure string
	Version      string
	UI           fs.FS // the built web UI; nil or without index.html serves a notice instead
	Logger       *slog.Logger
	// Exec runs target-database SQL in the sandbox; Importer turns uploads into databases and questions.
	Exec     *sqlexec.Executor
	Importer *ingest.Importer
	// Models holds the language-model client in force; Schemas caches the databases' schemas (a
	// renamed or described table is forgotten); Runner is woken when a run is resumed.
	Models  *llmconf.Models
	Schemas *schemas.Cache
	Runner  *runs.Runner
	// Agents runs the SQL agent and its batches; Generators the generating pipelines; Evaluator
	// evaluations; Optimizer prompt optimizations; Metrics projects' metrics as runs; Loop
	// annotation, agreement and the effect of review decisions.
	Agents     *agentbatch.Agents
	Generators *augment.Generators
	Evaluator  *evaluate.Evaluator
	Optimizer  *optimize.Optimizer
	Metrics    *measure.Metrics
	Loop       *loop.Loop
	// Login slows failed sign-ins (see LoginThrottle); the zero value takes the defaults.
	Login LoginThrottle
}

// Server is the HTTP application.
type Server struct {
	cfg     Config
	store   *store.Store
	log     *slog.Logger
	echo    *echo.Echo
	authz   *authorizer
	limiter *loginLimiter
	metrics *httpMetrics
	loop    *loop.Loop // annotation, agreement and the effect of review decisions
	stats   *measure.Metrics
}

// New builds the server and loads the access policy.
func New(ctx context.Context, st *store.Store, cfg Config) (*Server, error) {
	if cfg.Logger == nil {
		cfg.Logger = slog.Default()
	}
	if cfg.CookieSecure == "" {
		cfg.CookieSecure = "auto"
	}
	if cfg.Exec == nil || cfg.Importer == nil || cfg.Models == nil || cfg.Schemas == nil || cfg.Runner == nil || cfg.Agents == nil ||
		cfg.Generators == nil || cfg.Evaluator == nil || cfg.Optimizer == nil || cfg.Metrics == nil || cfg.Loop == nil {
		return nil, errors.New("server: Config.Exec, Importer, Models, Schemas, Runner, Agents, Generators, Evaluator, Optimizer, Metrics and Loop are required")
	}
	az, err := newAuthorizer(ctx, st, cfg.Logger)
	if err != nil {
		return nil, err
	}
	s := &Server{
		cfg: cfg, store: st, log: cfg.Logger, authz: az,
		limiter: newLoginLimiter(cfg.Login),
		metrics: newHTTPMetrics(st),
		loop:    cfg.Loop,
		stats:   cfg.Metrics,
	}
	e := echo.New()
	e.HideBanner = true
	e.HidePort = true
	e.HTTPErrorHandler = s.errorHandler
	e.IPExtractor = echo.ExtractIPDirect()
	e.Use(middleware.RequestIDWithConfig(middleware.RequestIDConfig{
		Generator: func() string { return store.NewSecret("")[:16] },
	}))
	e.Use(securityHeaders) // before anything that can answer, so that every answer has them
	e.Use(s.observe)
	e.Use(middleware.RecoverWithConfig(middleware.RecoverConfig{LogErrorFunc: func(c echo.Context, err error, stack []byte) error {
		s.log.Error("panic", "request_id", requestID(c), "err", err, "stack", string(stack))
		return err
	}}))
	e.Use(middleware.BodyLimitWithConfig(middleware.BodyLimitConfig{
		Limit: bodyLimit,
		// Uploads have their own, larger limit (see importFiles).
		Skipper: func(c echo.Context) bool { return strings.HasSuffix(c.Path(), "/imports") },
	}))
	e.Use(refuseNUL)
	for _, r := range s.routes() {
		e.Add(r.Method, r.Path, r.Handler(s), s.guard(r))
	}
	s.echo = e
	return s, nil
}

// Handler is the whole application as an http.Handler (tests use it with httptest).
func (s *Server) Handler() http.Handler { return s.echo }

// Run serves on ln until ctx ends, then drains in-flight requests for up to 10 s. The authorization
// listener runs alongside.
func (s *Server) Run(ctx context.Context, ln net.Listener) error {
	lctx, stop := context.WithCancel(ctx)
	defer stop()
	go s.authz.listen(lctx)
	go s.purgeSessions(lctx)

	srv := &http.Server{
		Handler:           s.echo,
		ReadHeaderTimeout: 10 * time.Second,
		IdleTimeout:       2 * time.Minute,
		ErrorLog:          slog.NewLogLogger(s.log.Handler(), slog.LevelWarn),
	}
	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(ln) }()
	select {
	case err := <-errc:
		return err
	case <-ctx.Done():
	}
	sctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 10*time.Second)
	defer cancel()
	if err := srv.Shutdown(sctx); err != nil {
		return err
	}
	if err := <-errc; !errors.Is(err, http.ErrServerClosed) {
		return err
	}
	return nil
}

func (s *Server) purgeSessions(ctx context.Context) {
	t := time.NewTicker(time.Hour)
	defer t.Stop()
	for {
		if n, err := s.store.PurgeExpiredSessions(ctx); err == nil && n > 0 {
			s.log.Info("purged expired sessions", "count", n)
		}
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}

func requestID(c echo.Context) string {
	return c.Response().Header().Get(echo.HeaderXRequestID)
}
