package server

import (
	"context"
	"log/slog"
	"net/http"
	"strconv"
	"time"

	"github.com/labstack/echo/v4"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"

	"github.com/goldset/goldset/store"
)

// httpMetrics are the server's Prometheus series, in a registry of its own so several servers can live
// in one test process.
type httpMetrics struct {
	registry *prometheus.Registry
	requests *prometheus.CounterVec
	latency  *prometheus.HistogramVec
}

func newHTTPMetrics(st *store.Store) *httpMetrics {
	m := &httpMetrics{
		registry: prometheus.NewRegistry(),
		requests: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "goldset_http_requests_total", Help: "HTTP requests by method, route and status.",
		}, []string{"method", "route", "status"}),
		latency: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name: "goldset_http_request_duration_seconds", Help: "HTTP request latency by method and route.",
			Buckets: []float64{.001, .0025, .005, .01, .025, .05, .1, .25, .5, 1, 2.5, 5, 10},
		}, []string{"method", "route"}),
	}
	m.registry.MustRegister(m.requests, m.latency,
		collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}),
		collectors.NewDBStatsCollector(st.SQL(), "goldset"))
	return m
}

// observe logs each request and counts it by route pattern (never by raw path, which would explode the
// series with ids).
func (s *Server) observe(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		start := time.Now()
		err := next(c)
		if err != nil {
			c.Error(err)
		}
		route := c.Path()
		if route == "" {
			route = "unmatched"
		}
		status := c.Response().Status
		elapsed := time.Since(start)
		s.metrics.requests.WithLabelValues(c.Request().Method, route, strconv.Itoa(status)).Inc()
		s.metrics.latency.WithLabelValues(c.Request().Method, route).Observe(elapsed.Seconds())
		level := slog.LevelInfo
		if status >= 500 {
			level = slog.LevelError
		}
		attrs := []any{"request_id", requestID(c), "method", c.Request().Method, "route", route,
			"path", c.Request().URL.Path, "status", status, "duration_ms", float64(elapsed.Microseconds()) / 1000}
		if p, ok := c.Get(ctxPrincipal).(*principal); ok {
			attrs = append(attrs, "user_id", p.user.ID)
		}
		s.log.Log(c.Request().Context(), level, "request", attrs...)
		return nil
	}
}

func (s *Server) healthz(c echo.Context) error {
	return c.JSON(http.StatusOK, map[string]any{"status": "ok", "version": s.cfg.Version})
}

func (s *Server) readyz(c echo.Context) error {
	ctx, cancel := context.WithTimeout(c.Request().Context(), 2*time.Second)
	defer cancel()
	if err := s.store.Ping(ctx); err != nil {
		// The driver's error names the socket path and the database user: the log gets it, the
		// anonymous caller only the verdict.
		s.log.Warn("readiness: the database does not answer", "err", err)
		return &apiError{Status: http.StatusServiceUnavailable, Code: "unavailable", Message: "the database does not answer"}
	}
	return c.JSON(http.StatusOK, map[string]any{"status": "ready"})
}

func (s *Server) metricsHandler(c echo.Context) error {
	promhttp.HandlerFor(s.metrics.registry, promhttp.HandlerOpts{}).ServeHTTP(c.Response(), c.Request())
	return nil
}
