package server

import (
	"fmt"
	"strconv"

	"github.com/goldset/goldset/pipelines/export"
	"github.com/goldset/goldset/pipelines/golden"
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
	// The error rate travels with the file: in a header here, in the export's record, and in the
	// Spider zip's report.
	if est, err := s.snapshots().ErrorRate(ctx, pid, id); err == nil {
		res.Header().Set("X-Goldset-Error-Rate", errorRateHeader(est))
	}
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
	return getInProject(c, "exports", s.store.ListExports)
}

// errorRateHeader writes an estimate as "rate=0.033; low=0.009; high=0.163; audited=60; pairs=480"
// ("rate=unmeasured" before any audit).
func errorRateHeader(e golden.ErrorRate) string {
	rate := "unmeasured"
	if e.Rate != nil {
		rate = strconv.FormatFloat(*e.Rate, 'f', 4, 64)
	}
	return fmt.Sprintf("rate=%s; low=%.4f; high=%.4f; audited=%d; pairs=%d", rate, e.Low, e.High, e.Audited, e.Pairs)
}
