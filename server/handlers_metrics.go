package server

import (
	"net/http"

	"github.com/labstack/echo/v4"

	"github.com/goldset/goldset/pipelines/measure"
	"github.com/goldset/goldset/store"
)

// latestMetrics answers the dashboard: the newest computation that succeeded, with its reports.
func (s *Server) latestMetrics(c echo.Context) error {
	pid, err := idParam(c, "project")
	if err != nil {
		return err
	}
	run, err := s.store.MetricRunResults(c.Request().Context(), pid, 0)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, map[string]any{"run": run})
}

func (s *Server) listMetricRuns(c echo.Context) error {
	pid, err := idParam(c, "project")
	if err != nil {
		return err
	}
	runs, err := s.store.ListMetricRuns(c.Request().Context(), pid, 50)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, map[string]any{"runs": runs})
}

func (s *Server) getMetricRun(c echo.Context) error {
	pid, id, err := projectAnd(c, "run")
	if err != nil {
		return err
	}
	run, err := s.store.MetricRunResults(c.Request().Context(), pid, id)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, map[string]any{"run": run})
}

// computeMetrics queues a computation; the run's status tells when it is done.
func (s *Server) computeMetrics(c echo.Context) error {
	pid, p, err := projectBody[measure.Params](c)
	if err != nil {
		return err
	}
	run, err := s.stats.Start(c.Request().Context(), currentPrincipal(c).actor(c), pid, store.MetricsManual, nil, p)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusAccepted, map[string]any{"run": run})
}
