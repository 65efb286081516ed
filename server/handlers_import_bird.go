package server

import (
	"net/http"
	"path/filepath"

	"github.com/labstack/echo/v4"

	"github.com/goldset/goldset/pipelines/ingest"
	"github.com/goldset/goldset/pipelines/ingest/bird"
)

// importBIRD imports an uploaded BIRD zip (kind "bird" of POST …/imports), expanded into dir:
// the summary of a Spider import plus the column descriptions kept and what was dropped.
func (s *Server) importBIRD(c echo.Context, pid int64, zipPath, dir string) error {
	ctx := c.Request().Context()
	im := s.cfg.Importer
	root, questions, err := im.ExtractBIRD(ctx, zipPath, filepath.Base(zipPath), dir)
	if err != nil {
		return err
	}
	sum, err := im.ImportBIRD(ctx, currentPrincipal(c).actor(c), pid, root, bird.Options{QuestionsFile: questions})
	if err != nil {
		return err
	}
	if sum.Databases == nil {
		sum.Databases = []ingest.DatabaseSummary{}
	}
	return c.JSON(http.StatusCreated, sum)
}
