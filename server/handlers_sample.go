package server

import (
	"net/http"

	"github.com/goldset/goldset/pipelines/ingest/sample"
	"github.com/labstack/echo/v4"
)

// loadSample imports the sample dataset into its own project, with the caller as its lead, and
// returns the project as the caller sees it with what was imported. Loading it again imports only
// what is missing.
func (s *Server) loadSample(c echo.Context) error {
	u := currentPrincipal(c).user
	res, err := sample.Load(c.Request().Context(), s.cfg.Importer, s.loop, currentPrincipal(c).actor(c), u.ID)
	if err != nil {
		return err
	}
	view, err := s.projectView(c, res.Project)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, map[string]any{"project": view, "databases": res.Databases,
		"questions_imported": res.Questions, "plan": res.Plan})
}
