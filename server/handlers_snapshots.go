package server

import (
	"context"
	"net/http"
	"strconv"

	"github.com/labstack/echo/v4"

	"github.com/goldset/goldset/pipelines/golden"
	"github.com/goldset/goldset/store"
)

func (s *Server) snapshots() *golden.Snapshots { return &golden.Snapshots{Store: s.store} }

// createSnapshot cuts an immutable snapshot of the project's accepted pairs; the answer carries its
// manifest.
func (s *Server) createSnapshot(c echo.Context) error {
	return actInProject(c, http.StatusCreated, "snapshot", func(ctx context.Context, a store.Actor, pid int64, p golden.SnapshotParams) (store.Snapshot, error) {
		snap, _, err := s.snapshots().Cut(ctx, a, pid, p)
		return snap, err
	})
}

func (s *Server) listSnapshots(c echo.Context) error {
	return getInProject(c, "snapshots", s.store.ListSnapshots)
}

func (s *Server) getSnapshot(c echo.Context) error {
	pid, id, err := projectAnd(c, "snapshot")
	if err != nil {
		return err
	}
	snap, err := s.store.GetSnapshot(c.Request().Context(), pid, id)
	if err != nil {
		return err
	}
	// The manifest is as cut; the error rate is as the audits stand now.
	est, err := s.snapshots().ErrorRate(c.Request().Context(), pid, id)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, map[string]any{"snapshot": snap, "error_rate": est})
}

// snapshotPairs pages through a snapshot's pairs by question id (?split=&after=&limit=).
func (s *Server) snapshotPairs(c echo.Context) error {
	pid, id, err := projectAnd(c, "snapshot")
	if err != nil {
		return err
	}
	split, after, limit := c.QueryParam("split"), int64(0), 100
	v := store.Validator{}
	v.Check(split == "" || split == golden.SplitTrain || split == golden.SplitVal || split == golden.SplitTest,
		"split", `must be "train", "val" or "test"`)
	queryID(c, &v, "after", &after, true)
	queryLimit(c, &v, &limit, 1000)
	if err := v.Err(); err != nil {
		return err
	}
	ctx := c.Request().Context()
	if _, err := s.store.GetSnapshot(ctx, pid, id); err != nil {
		return err
	}
	pairs, err := s.store.SnapshotPairs(ctx, id, split, after, limit)
	if err != nil {
		return err
	}
	var next *int64
	if len(pairs) == limit {
		next = &pairs[len(pairs)-1].NLQID
	}
	return c.JSON(http.StatusOK, map[string]any{"pairs": pairs, "next_after": next})
}

// compareSnapshots reports what changed from snapshot a to snapshot b (?a=&b=).
func (s *Server) compareSnapshots(c echo.Context) error {
	pid, err := idParam(c, "project")
	if err != nil {
		return err
	}
	v := store.Validator{}
	a, errA := strconv.ParseInt(c.QueryParam("a"), 10, 64)
	v.Check(errA == nil && a > 0, "a", "must be a snapshot id")
	b, errB := strconv.ParseInt(c.QueryParam("b"), 10, 64)
	v.Check(errB == nil && b > 0, "b", "must be a snapshot id")
	if err := v.Err(); err != nil {
		return err
	}
	diff, err := s.snapshots().Compare(c.Request().Context(), pid, a, b)
	return respond(c, http.StatusOK, "diff", diff, err)
}

type acceptImportedRequest struct {
	DatabaseID int64 `json:"database_id"`
}

// acceptImported accepts the new questions whose imported gold SQL was verified by execution (of one
// database with "database_id"), so an existing benchmark can be snapshotted without re-annotation.
func (s *Server) acceptImported(c echo.Context) error {
	pid, req, err := projectBody[acceptImportedRequest](c)
	if err != nil {
		return err
	}
	n, err := s.store.AcceptVerifiedImports(c.Request().Context(), currentPrincipal(c).actor(c), pid, req.DatabaseID)
	return respond(c, http.StatusOK, "accepted", n, err)
}

// snapshotErrorRate is the snapshot's estimated error rate from its audits, with the audits asked
// and how far the reviewers got.
func (s *Server) snapshotErrorRate(c echo.Context) error {
	pid, id, err := projectAnd(c, "snapshot")
	if err != nil {
		return err
	}
	ctx := c.Request().Context()
	est, err := s.snapshots().ErrorRate(ctx, pid, id)
	if err != nil {
		return err
	}
	audits, err := s.store.SnapshotAudits(ctx, id)
	if err != nil {
		return err
	}
	status, err := s.store.AuditStatus(ctx, id)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, map[string]any{"error_rate": est, "audits": audits, "queue": status})
}

// auditSnapshot draws the sample an error-rate target needs and queues it to reviewers.
func (s *Server) auditSnapshot(c echo.Context) error {
	pid, id, p, err := projectAndBody[golden.AuditParams](c, "snapshot")
	if err != nil {
		return err
	}
	au, err := s.snapshots().StartAudit(c.Request().Context(), currentPrincipal(c).actor(c), pid, id, p)
	return respond(c, http.StatusCreated, "audit", au, err)
}
