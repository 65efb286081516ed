package server

import (
	"context"
	"net/http"

	"github.com/labstack/echo/v4"

	"github.com/goldset/goldset/pipelines/measure"
	"github.com/goldset/goldset/store"
)

// latestMetrics answers the dashboard: the newest computation that succeeded, with its reports.
func (s *Server) latestMetrics(c echo.Context) error {
	return getInProject(c, "run", func(ctx context.Context, pid int64) (store.MetricRun, error) {
		return s.store.MetricRunResults(ctx, pid, 0)
	})
}

func (s *Server) listMetricRuns(c echo.Context) error {
	return getInProject(c, "runs", func(ctx context.Context, pid int64) ([]store.MetricRun, error) {
		return s.store.ListMetricRuns(ctx, pid, 50)
	})
}

func (s *Server) getMetricRun(c echo.Context) error {
	return getByID(c, "run", "run", s.store.MetricRunResults)
}

// computeMetrics queues a computation; the run's status tells when it is done.
func (s *Server) computeMetrics(c echo.Context) error {
	return actInProject(c, http.StatusAccepted, "run", func(ctx context.Context, a store.Actor, pid int64, p measure.Params) (store.MetricRun, error) {
		return s.stats.Start(ctx, a, pid, store.MetricsManual, nil, p)
	})
}
