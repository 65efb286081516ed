package server

import (
	"fmt"
	"net/http"

	"github.com/goldset/goldset/pipelines/export"
	"github.com/labstack/echo/v4"
)

func (s *Server) exports() *export.Exports {
	return &export.Exports{Store: s.store, Exec: s.cfg.Exec}
}

// exportSnapshot streams a snapshot as a file (?format=&split=). Everything that can be refused is
// checked before the first byte; after it, a failure can only cut the file short, and the export's
// record says it failed.
func (s *Server) exportSnapshot(c echo.Context) error {
	pid, id, err := projectAnd(c, "snapshot")
	if err != nil {
		return err
	}
	p := export.ExportParams{Format: c.QueryParam("format"), Split: c.QueryParam("split")}
	if err := p.Validate(); err != nil {
		return err
	}
	ctx := c.Request().Context()
	if _, err := s.store.GetSnapshot(ctx, pid, id); err != nil {
		return err
	}
	res := c.Response()
	res.Header().Set(echo.HeaderContentType, p.ContentType())
	res.Header().Set(echo.HeaderContentDisposition, fmt.Sprintf("attachment; filename=%q", p.FileName(id)))
	res.Header().Set("Cache-Control", "no-store")
	rec, err := s.exports().Export(ctx, currentPrincipal(c).actor(c), pid, id, p, res)
	if err != nil && res.Committed {
		s.log.Warn("export cut short", "request_id", requestID(c), "export", rec.ID, "err", err)
		return nil
	}
	return err
}

func (s *Server) listExports(c echo.Context) error {
	pid, err := idParam(c, "project")
	if err != nil {
		return err
	}
	list, err := s.store.ListExports(c.Request().Context(), pid)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, map[string]any{"exports": list})
}
