package server

import (
	"context"
	"net/http"
	"strconv"

	"github.com/labstack/echo/v4"

	"github.com/goldset/goldset/loop"
	"github.com/goldset/goldset/store"
)

// listGuidelines answers the version list and the current version in full (null before the first save).
func (s *Server) listGuidelines(c echo.Context) error {
	pid, err := idParam(c, "project")
	if err != nil {
		return err
	}
	ctx := c.Request().Context()
	if _, err := s.store.Project(ctx, pid); err != nil {
		return err
	}
	versions, err := s.store.ListGuidelines(ctx, pid)
	if err != nil {
		return err
	}
	cur, ok, err := s.store.CurrentGuideline(ctx, pid)
	if err != nil {
		return err
	}
	var current *store.Guideline
	if ok {
		current = &cur
	}
	return c.JSON(http.StatusOK, map[string]any{"current": current, "versions": versions})
}

func (s *Server) getGuideline(c echo.Context) error {
	pid, err := idParam(c, "project")
	if err != nil {
		return err
	}
	version, err := strconv.Atoi(c.Param("version"))
	if err != nil || version <= 0 {
		return errorf(http.StatusNotFound, "not_found", "no such guideline version")
	}
	g, err := s.store.Guideline(c.Request().Context(), pid, version)
	return respond(c, http.StatusOK, "guideline", g, err)
}

// diffGuidelines compares versions from and to (from=0 is the empty document before version 1).
func (s *Server) diffGuidelines(c echo.Context) error {
	pid, err := idParam(c, "project")
	if err != nil {
		return err
	}
	v := store.Validator{}
	version := func(name string) int {
		n, err := strconv.Atoi(c.QueryParam(name))
		v.Check(err == nil && n >= 0, name, "is required: a version number (0 for the empty document)")
		return n
	}
	from, to := version("from"), version("to")
	if err := v.Err(); err != nil {
		return err
	}
	d, err := s.store.GuidelineDiff(c.Request().Context(), pid, from, to)
	return respond(c, http.StatusOK, "diff", d, err)
}

type saveGuidelineRequest struct {
	edit
	Markdown string `json:"markdown"`
	Summary  string `json:"summary"`
}

func (s *Server) saveGuideline(c echo.Context) error {
	pid, req, err := projectEdit[saveGuidelineRequest](c, "the version you edited; 0 before the first save")
	if err != nil {
		return err
	}
	g, err := s.store.SaveGuideline(c.Request().Context(), currentPrincipal(c).actor(c), pid, req.Markdown, req.Summary, *req.Version)
	return respond(c, http.StatusCreated, "guideline", g, err)
}

type proposeRequest struct {
	Limit int `json:"limit"`
}

// proposeGuidelines asks the model to read the latest disagreements and draft revised guidelines,
// returned with its diff against the current version; saving it is the lead's call (PUT).
func (s *Server) proposeGuidelines(c echo.Context) error {
	return actInProject(c, http.StatusOK, "proposal", func(ctx context.Context, a store.Actor, pid int64, req proposeRequest) (loop.Proposal, error) {
		return loop.ProposeGuidelineEdits(ctx, s.store, s.cfg.Models, a, pid, req.Limit)
	})
}
