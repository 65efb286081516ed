package server

import (
	"context"
	"net/http"

	"github.com/labstack/echo/v4"

	"github.com/goldset/goldset/store"
)

func (s *Server) getPolicy(c echo.Context) error {
	return getInProject(c, "policy", s.store.Policy)
}

type policyRequest struct {
	edit
	DualShare         *float64 `json:"dual_share"`
	AnnotatorsPerItem *int     `json:"annotators_per_item"`
	AuditRate         *float64 `json:"audit_rate"`
	Blind             *bool    `json:"blind"`
	LeaseSeconds      *int     `json:"lease_seconds"`
}

// apply sets the fields the request gives over the stored policy, with the version it edited.
func (r policyRequest) apply(pol *store.Policy) {
	pol.Version = *r.Version
	keepOrSet(&pol.DualShare, r.DualShare)
	keepOrSet(&pol.AnnotatorsPerItem, r.AnnotatorsPerItem)
	keepOrSet(&pol.AuditRate, r.AuditRate)
	keepOrSet(&pol.Blind, r.Blind)
	keepOrSet(&pol.LeaseSeconds, r.LeaseSeconds)
}

// putPolicy saves the policy; fields left out keep their current values.
func (s *Server) putPolicy(c echo.Context) error {
	pid, req, err := projectEdit[policyRequest](c, "the policy version you edited; 0 for the defaults")
	if err != nil {
		return err
	}
	return editSettings(c, pid, "policy", s.store.Policy, req.apply, s.store.SavePolicy)
}

func (s *Server) planAnnotation(c echo.Context) error {
	return actInProject(c, http.StatusOK, bare, s.loop.PlanSelection)
}

// nextAnnotationItem claims the caller's next item: 200 with it, 204 when there is nothing to do.
func (s *Server) nextAnnotationItem(c echo.Context) error {
	return claimNext(c, bare, s.loop.Next)
}

type submitRequest struct {
	edit
	SQL       string `json:"sql"`
	ElapsedMS *int64 `json:"elapsed_ms"`
	Comment   string `json:"comment"`
}

func (s *Server) submitAnnotation(c echo.Context) error {
	pid, id, req, err := projectAndEdit[submitRequest](c, "item", "the item's version you were given")
	if err != nil {
		return err
	}
	p := currentPrincipal(c)
	res, err := s.loop.Submit(c.Request().Context(), p.actor(c), pid, id, p.user.ID, *req.Version, req.SQL, req.ElapsedMS, req.Comment)
	return respond(c, http.StatusOK, bare, res, err)
}

type skipRequest struct {
	edit
	Reason  string `json:"reason"`
	Comment string `json:"comment"`
}

func (s *Server) skipAnnotation(c echo.Context) error {
	pid, id, req, err := projectAndEdit[skipRequest](c, "item", "the item's version you were given")
	if err != nil {
		return err
	}
	p := currentPrincipal(c)
	an, err := s.store.SkipAnnotationItem(c.Request().Context(), p.actor(c), pid, id, p.user.ID, *req.Version, req.Reason, req.Comment)
	return respond(c, http.StatusOK, "annotation", an, err)
}

func (s *Server) releaseAnnotation(c echo.Context) error {
	return releaseClaim(c, s.store.ReleaseAnnotationItem)
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
