package server

import (
	"net/http"
	"strings"
	"unicode/utf8"

	"github.com/labstack/echo/v4"

	"github.com/goldset/goldset/store"
)

// searchSchema finds the tables, columns and values of a database that hold the words of ?q=,
// from the same retrieval index the agent's prompts come from.
func (s *Server) searchSchema(c echo.Context) error {
	pid, did, err := projectAnd(c, "database")
	if err != nil {
		return err
	}
	q := strings.TrimSpace(c.QueryParam("q"))
	limit := 20
	v := store.Validator{}
	v.Check(q != "", "q", "is required: the words or values to look for")
	v.Check(utf8.RuneCountInString(q) <= 200, "q", "must be at most 200 characters")
	queryLimit(c, &v, &limit, 100)
	if err := v.Err(); err != nil {
		return err
	}
	ix, err := s.cfg.Schemas.Index(c.Request().Context(), pid, did)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, map[string]any{"query": q, "tables": ix.Len(), "hits": ix.Search(q, limit)})
}

func (s *Server) getRetrievalSettings(c echo.Context) error {
	pid, err := idParam(c, "project")
	if err != nil {
		return err
	}
	rs, err := s.store.RetrievalSettings(c.Request().Context(), pid)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, map[string]any{"retrieval": rs})
}

type retrievalRequest struct {
	Version *int    `json:"version"`
	TopK    *int    `json:"top_k"`
	Scope   *string `json:"scope"`
}

// putRetrievalSettings saves the project's schema retrieval settings; fields left out keep theirs.
func (s *Server) putRetrievalSettings(c echo.Context) error {
	pid, err := idParam(c, "project")
	if err != nil {
		return err
	}
	var req retrievalRequest
	if err := bind(c, &req); err != nil {
		return err
	}
	if req.Version == nil {
		return invalid("version", "is required (the settings version you edited; 0 for the defaults)")
	}
	ctx := c.Request().Context()
	rs, err := s.store.RetrievalSettings(ctx, pid)
	if err != nil {
		return err
	}
	rs.Version = *req.Version
	if req.TopK != nil {
		rs.TopK = *req.TopK
	}
	if req.Scope != nil {
		rs.Scope = *req.Scope
	}
	rs, err = s.store.SetRetrievalSettings(ctx, currentPrincipal(c).actor(c), pid, rs)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, map[string]any{"retrieval": rs})
}
