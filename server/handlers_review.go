package server

import (
	"context"
	"net/http"
	"slices"
	"strings"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/goldset/goldset/store"
)

// reviewLease is how long a claimed item stays with its reviewer before anyone may take it.
const reviewLease = 15 * time.Minute

// nextReviewItem claims the caller's next item: 200 with it, 204 when there is nothing to do.
func (s *Server) nextReviewItem(c echo.Context) error {
	return claimNext(c, "item", func(ctx context.Context, a store.Actor, pid, uid int64) (store.ReviewItemView, error) {
		return s.store.ClaimReviewItem(ctx, a, pid, uid, reviewLease)
	})
}

func (s *Server) releaseReviewItem(c echo.Context) error {
	return releaseClaim(c, s.store.ReleaseReviewItem)
}

type decisionRequest struct {
	edit
	store.Decision
}

func (s *Server) decideReviewItem(c echo.Context) error {
	pid, id, req, err := projectAndEdit[decisionRequest](c, "item", "the item's version you were given")
	if err != nil {
		return err
	}
	p := currentPrincipal(c)
	// Through the loop: an edit's SQL is run in the sandbox first, and the decision takes effect on the question.
	r, err := s.loop.Decide(c.Request().Context(), p.actor(c), pid, id, p.user.ID, *req.Version, req.Decision)
	return respond(c, http.StatusOK, "review", r, err)
}

func (s *Server) reviewStats(c echo.Context) error {
	return getInProject(c, bare, s.store.ReviewStats)
}

// cycles reports each guideline version's annotation, agreement and review figures (the dashboard's
// per-cycle view).
func (s *Server) cycles(c echo.Context) error {
	return getInProject(c, "cycles", s.store.Cycles)
}

// progress is the lead's view: questions per stage and status, each annotator's output and agreement
// with the agent, and the queues.
func (s *Server) progress(c echo.Context) error {
	return getInProject(c, bare, s.store.ProjectProgress)
}

// reviewQueue lists the project's review items (?state=pending|claimed|expired|resolved, reason,
// database, before, limit) with the queue's counts by state, reason and database. Who holds a
// claim, and since when, is shown to leads; others see only their own.
func (s *Server) reviewQueue(c echo.Context) error {
	pid, err := idParam(c, "project")
	if err != nil {
		return err
	}
	q := store.ReviewQueueQuery{State: c.QueryParam("state"), Reason: c.QueryParam("reason")}
	v := store.Validator{}
	v.Check(q.State == "" || slices.Contains(store.ReviewStates, q.State), "state", "must be one of "+strings.Join(store.ReviewStates, ", "))
	v.Check(q.Reason == "" || slices.Contains(store.ReviewReasons, q.Reason), "reason", "must be one of "+strings.Join(store.ReviewReasons, ", "))
	queryID(c, &v, "database", &q.DatabaseID, false)
	queryID(c, &v, "before", &q.Before, false)
	queryLimit(c, &v, &q.Limit, 500)
	if err := v.Err(); err != nil {
		return err
	}
	ctx := c.Request().Context()
	p := currentPrincipal(c)
	items, err := s.store.ReviewQueue(ctx, pid, p.user.ID, q)
	if err != nil {
		return err
	}
	lead, err := s.authz.allowed(p.user.ID, projectDomain(pid), "review", "manage")
	if err != nil {
		return err
	}
	if !lead {
		for i := range items {
			if !items[i].Mine {
				items[i].ClaimedBy, items[i].ClaimedEmail, items[i].ClaimedAt = nil, nil, nil
			}
		}
	}
	stats, err := s.store.ReviewStats(ctx, pid)
	if err != nil {
		return err
	}
	byDB, err := s.store.ReviewCountsByDatabase(ctx, pid)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, map[string]any{"items": items, "stats": stats, "by_database": byDB})
}

// claimReviewItem opens one particular item of the queue (claiming it).
func (s *Server) claimReviewItem(c echo.Context) error {
	pid, id, err := projectAnd(c, "item")
	if err != nil {
		return err
	}
	p := currentPrincipal(c)
	item, err := s.store.ClaimReviewItemByID(c.Request().Context(), p.actor(c), pid, id, p.user.ID, reviewLease)
	return respond(c, http.StatusOK, "item", item, err)
}

// unclaimReviewItem gives a claimed item back to the queue, whoever holds it (leads).
func (s *Server) unclaimReviewItem(c echo.Context) error {
	pid, id, err := projectAnd(c, "item")
	if err != nil {
		return err
	}
	if err := s.store.UnclaimReviewItem(c.Request().Context(), currentPrincipal(c).actor(c), pid, id); err != nil {
		return err
	}
	return c.NoContent(http.StatusNoContent)
}

type assignRequest struct {
	UserID int64 `json:"user_id"`
}

// assignReviewItem hands an item to a reviewer of the project (leads).
func (s *Server) assignReviewItem(c echo.Context) error {
	pid, id, req, err := projectAndBody[assignRequest](c, "item")
	if err != nil {
		return err
	}
	ok, err := s.authz.allowed(req.UserID, projectDomain(pid), "review", "work")
	if err != nil {
		return err
	}
	if req.UserID <= 0 || !ok {
		return invalid("user_id", "must be a reviewer (or lead) of this project")
	}
	item, err := s.store.AssignReviewItem(c.Request().Context(), currentPrincipal(c).actor(c), pid, id, req.UserID, reviewLease)
	return respond(c, http.StatusOK, "item", item, err)
}
