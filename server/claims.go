package server

import (
	"context"
	"errors"
	"net/http"

	"github.com/labstack/echo/v4"

	"github.com/goldset/goldset/store"
)

// The annotation queue and the review queue hand out work the same way: the caller claims their
// next item, and may give a claimed item back before they answer it.

// claimNext answers the caller's next item of one of the project's queues, which claim takes for
// them: 200 with it, 204 when there is nothing to do.
func claimNext[T any](c echo.Context, key string, claim func(ctx context.Context, a store.Actor, pid, uid int64) (T, error)) error {
	pid, err := idParam(c, "project")
	if err != nil {
		return err
	}
	p := currentPrincipal(c)
	item, err := claim(c.Request().Context(), p.actor(c), pid, p.user.ID)
	if errors.Is(err, store.ErrNoWork) {
		return c.NoContent(http.StatusNoContent)
	}
	return respond(c, http.StatusOK, key, item, err)
}

// releaseClaim gives the caller's claim on the project's item of :item back to its queue: 204.
func releaseClaim(c echo.Context, release func(ctx context.Context, a store.Actor, pid, id, uid int64) error) error {
	pid, id, err := projectAnd(c, "item")
	if err != nil {
		return err
	}
	p := currentPrincipal(c)
	if err := release(c.Request().Context(), p.actor(c), pid, id, p.user.ID); err != nil {
		return err
	}
	return c.NoContent(http.StatusNoContent)
}
