package server

import (
	"context"
	"net/http"

	"github.com/labstack/echo/v4"

	"github.com/goldset/goldset/store"
)

// Most handlers end the same way: the error of their last call, or its value as the answer. And
// many are nothing but three steps: read the ids of the path (and the body), make one call, answer
// with what it returned. The helpers below are those steps, so that such a handler names only what
// is its own: the call and the key its answer goes under. A handler that does more between the
// steps spells them out.

// bare is the key of an answer that is the value itself (a report, a page), not {key: value}.
const bare = ""

// respond answers with the outcome of a handler's last call: its error (which errorHandler writes),
// or status with v under key, or with v itself when key is bare.
func respond(c echo.Context, status int, key string, v any, err error) error {
	if err != nil {
		return err
	}
	if key == bare {
		return c.JSON(status, v)
	}
	return c.JSON(status, map[string]any{key: v})
}

// getInProject answers a read of what belongs to the project of :project: 200 with what load found.
func getInProject[T any](c echo.Context, key string, load func(ctx context.Context, pid int64) (T, error)) error {
	pid, err := idParam(c, "project")
	if err != nil {
		return err
	}
	v, err := load(c.Request().Context(), pid)
	return respond(c, http.StatusOK, key, v, err)
}

// getByID answers a read of one object of the project, named by :project and the path parameter
// name: 200 with what load found.
func getByID[T any](c echo.Context, name, key string, load func(ctx context.Context, pid, id int64) (T, error)) error {
	pid, id, err := projectAnd(c, name)
	if err != nil {
		return err
	}
	v, err := load(c.Request().Context(), pid, id)
	return respond(c, http.StatusOK, key, v, err)
}

// actInProject answers a request the caller makes of the project of :project with a JSON body (a
// P): status with what do made of it.
func actInProject[P, T any](c echo.Context, status int, key string, do func(ctx context.Context, a store.Actor, pid int64, p P) (T, error)) error {
	pid, p, err := projectBody[P](c)
	if err != nil {
		return err
	}
	v, err := do(c.Request().Context(), currentPrincipal(c).actor(c), pid, p)
	return respond(c, status, key, v, err)
}

// editSettings answers an edit of a project's settings (one object a project, which a request edits
// a few fields of): load reads the stored settings, apply sets the request's fields over them, and
// save stores them, unless someone saved them since the version the request edited.
func editSettings[T any](c echo.Context, pid int64, key string, load func(ctx context.Context, pid int64) (T, error), apply func(*T),
	save func(ctx context.Context, a store.Actor, pid int64, v T) (T, error)) error {
	ctx := c.Request().Context()
	v, err := load(ctx, pid)
	if err != nil {
		return err
	}
	apply(&v)
	saved, err := save(ctx, currentPrincipal(c).actor(c), pid, v)
	return respond(c, http.StatusOK, key, saved, err)
}
