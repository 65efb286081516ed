package server

import (
	"context"
	"errors"
	"net/http"

	"github.com/labstack/echo/v4"

	"github.com/goldset/goldset/store"
)

func (s *Server) getPolicy(c echo.Context) error {
	return getInProject(c, "policy", s.store.Policy)
}

type policyRequest struct {
	Version           *int     `json:"version"`
	DualShare         *float64 `json:"dual_share"`
	AnnotatorsPerItem *int     `json:"annotators_per_item"`
	AuditRate         *float64 `json:"audit_rate"`
	Blind             *bool    `json:"blind"`
	LeaseSeconds      *int     `json:"lease_seconds"`
}

// putPolicy saves the policy; fields left out keep their current values.
func (s *Server) putPolicy(c echo.Context) error {
	pid, req, err := projectBody[policyRequest](c)
	if err != nil {
		return err
	}
	if req.Version == nil {
		return invalid("version", "is required (the policy version you edited; 0 for the defaults)")
	}
	ctx := c.Request().Context()
	pol, err := s.store.Policy(ctx, pid)
	if err != nil {
		return err
	}
	pol.Version = *req.Version
	keepOrSet(&pol.DualShare, req.DualShare)
	keepOrSet(&pol.AnnotatorsPerItem, req.AnnotatorsPerItem)
	keepOrSet(&pol.AuditRate, req.AuditRate)
	keepOrSet(&pol.Blind, req.Blind)
	keepOrSet(&pol.LeaseSeconds, req.LeaseSeconds)
	saved, err := s.store.SavePolicy(ctx, currentPrincipal(c).actor(c), pid, pol)
	return respond(c, http.StatusOK, "policy", saved, err)
}

func (s *Server) planAnnotation(c echo.Context) error {
	return actInProject(c, http.StatusOK, bare, s.loop.PlanSelection)
}

// nextAnnotationItem claims the caller's next item: 200 with it, 204 when there is nothing to do.
func (s *Server) nextAnnotationItem(c echo.Context) error {
	pid, err := idParam(c, "project")
	if err != nil {
		return err
	}
	p := currentPrincipal(c)
	task, err := s.loop.Next(c.Request().Context(), p.actor(c), pid, p.user.ID)
	if errors.Is(err, store.ErrNoWork) {
		return c.NoContent(http.StatusNoContent)
	}
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, task)
}

type submitRequest struct {
	Version   *int   `json:"version"`
	SQL       string `json:"sql"`
	ElapsedMS *int64 `json:"elapsed_ms"`
	Comment   string `json:"comment"`
}

func (s *Server) submitAnnotation(c echo.Context) error {
	pid, id, req, err := projectAndBody[submitRequest](c, "item")
	if err != nil {
		return err
	}
	if req.Version == nil {
		return invalid("version", "is required (the item's version you were given)")
	}
	p := currentPrincipal(c)
	res, err := s.loop.Submit(c.Request().Context(), p.actor(c), pid, id, p.user.ID, *req.Version, req.SQL, req.ElapsedMS, req.Comment)
	return respond(c, http.StatusOK, bare, res, err)
}

type skipRequest struct {
	Version *int   `json:"version"`
	Reason  string `json:"reason"`
	Comment string `json:"comment"`
}

func (s *Server) skipAnnotation(c echo.Context) error {
	pid, id, req, err := projectAndBody[skipRequest](c, "item")
	if err != nil {
		return err
	}
	if req.Version == nil {
		return invalid("version", "is required (the item's version you were given)")
	}
	p := currentPrincipal(c)
	an, err := s.store.SkipAnnotationItem(c.Request().Context(), p.actor(c), pid, id, p.user.ID, *req.Version, req.Reason, req.Comment)
	return respond(c, http.StatusOK, "annotation", an, err)
}

func (s *Server) releaseAnnotation(c echo.Context) error {
	pid, id, err := projectAnd(c, "item")
	if err != nil {
		return err
	}
	p := currentPrincipal(c)
	if err := s.store.ReleaseAnnotationItem(c.Request().Context(), p.actor(c), pid, id, p.user.ID); err != nil {
		return err
	}
	return c.NoContent(http.StatusNoContent)
}

// annotatorStatus is the caller's view of the annotation work: the project's progress ("x of N
// done"), what they did, and their recent answers, with those they may still reopen.
func (s *Server) annotatorStatus(c echo.Context) error {
	return getInProject(c, bare, func(ctx context.Context, pid int64) (store.AnnotatorStatus, error) {
		return s.store.AnnotatorStatus(ctx, pid, currentPrincipal(c).user.ID)
	})
}

// reopenAnnotation takes back the caller's answer to an item while nobody has acted on it; the item
// is their claim again.
func (s *Server) reopenAnnotation(c echo.Context) error {
	pid, id, err := projectAnd(c, "item")
	if err != nil {
		return err
	}
	p := currentPrincipal(c)
	it, err := s.store.ReopenAnnotation(c.Request().Context(), p.actor(c), pid, id, p.user.ID)
	return respond(c, http.StatusOK, "item", it, err)
}
