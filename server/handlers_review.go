package server

import (
	"errors"
	"net/http"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/goldset/goldset/store"
)

// reviewLease is how long a claimed item stays with its reviewer before anyone may take it.
const reviewLease = 15 * time.Minute

// nextReviewItem claims the caller's next item: 200 with it, 204 when there is nothing to do.
func (s *Server) nextReviewItem(c echo.Context) error {
	pid, err := idParam(c, "project")
	if err != nil {
		return err
	}
	p := currentPrincipal(c)
	item, err := s.store.ClaimReviewItem(c.Request().Context(), p.actor(c), pid, p.user.ID, reviewLease)
	if errors.Is(err, store.ErrNoWork) {
		return c.NoContent(http.StatusNoContent)
	}
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, map[string]any{"item": item})
}

func (s *Server) releaseReviewItem(c echo.Context) error {
	pid, id, err := projectAnd(c, "item")
	if err != nil {
		return err
	}
	p := currentPrincipal(c)
	if err := s.store.ReleaseReviewItem(c.Request().Context(), p.actor(c), pid, id, p.user.ID); err != nil {
		return err
	}
	return c.NoContent(http.StatusNoContent)
}

type decisionRequest struct {
	Version *int `json:"version"`
	store.Decision
}

func (s *Server) decideReviewItem(c echo.Context) error {
	pid, id, err := projectAnd(c, "item")
	if err != nil {
		return err
	}
	var req decisionRequest
	if err := bind(c, &req); err != nil {
		return err
	}
	if req.Version == nil {
		return invalid("version", "is required (the item's version you were given)")
	}
	p := currentPrincipal(c)
	// Through the loop: an edit's SQL is run in the sandbox first, and the decision takes effect on the question.
	r, err := s.loop.Decide(c.Request().Context(), p.actor(c), pid, id, p.user.ID, *req.Version, req.Decision)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, map[string]any{"review": r})
}

func (s *Server) reviewStats(c echo.Context) error {
	pid, err := idParam(c, "project")
	if err != nil {
		return err
	}
	st, err := s.store.ReviewStats(c.Request().Context(), pid)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, st)
}

// cycles reports each guideline version's annotation, agreement and review figures (the dashboard's
// per-cycle view).
func (s *Server) cycles(c echo.Context) error {
	pid, err := idParam(c, "project")
	if err != nil {
		return err
	}
	cs, err := s.store.Cycles(c.Request().Context(), pid)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, map[string]any{"cycles": cs})
}

// progress is the lead's view: questions per stage and status, each annotator's output and agreement
// with the agent, and the queues.
func (s *Server) progress(c echo.Context) error {
	pid, err := idParam(c, "project")
	if err != nil {
		return err
	}
	p, err := s.store.ProjectProgress(c.Request().Context(), pid)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, p)
}
