package server

import (
	"fmt"
	"net/http"
	"strconv"

	"github.com/labstack/echo/v4"

	"github.com/goldset/goldset/store"
)

// idParam reads a numeric path parameter; anything else is a 404, as no such object can exist.
func idParam(c echo.Context, name string) (int64, error) {
	id, err := strconv.ParseInt(c.Param(name), 10, 64)
	if err != nil || id <= 0 {
		return 0, errorf(http.StatusNotFound, "not_found", "no such %s", name)
	}
	return id, nil
}

// projectAnd reads :project and one more numeric path parameter.
func projectAnd(c echo.Context, name string) (int64, int64, error) {
	pid, err := idParam(c, "project")
	if err != nil {
		return 0, 0, err
	}
	id, err := idParam(c, name)
	return pid, id, err
}

// Query parameters of list routes, read one way: each reader leaves dst as it is when the parameter
// is absent and records a field error on v when it is malformed or out of range.

// queryLimit reads ?limit= as a number from 1 to most.
func queryLimit(c echo.Context, v *store.Validator, dst *int, most int) {
	raw := c.QueryParam("limit")
	if raw == "" {
		return
	}
	n, err := strconv.Atoi(raw)
	v.Check(err == nil && n >= 1 && n <= most, "limit", fmt.Sprintf("must be a number from 1 to %d", most))
	*dst = n
}

// queryID reads ?name= as an id: positive, or with zeroOK also 0 (an "after" cursor's start).
func queryID(c echo.Context, v *store.Validator, name string, dst *int64, zeroOK bool) {
	raw := c.QueryParam(name)
	if raw == "" {
		return
	}
	n, err := strconv.ParseInt(raw, 10, 64)
	ok := err == nil && (n > 0 || zeroOK && n == 0)
	v.Check(ok, name, "must be a positive id")
	*dst = n
}

// idBody reads the numeric path parameter name (see idParam) and binds the JSON body into a T (see
// bind).
func idBody[T any](c echo.Context, name string) (int64, T, error) {
	var req T
	id, err := idParam(c, name)
	if err != nil {
		return 0, req, err
	}
	return id, req, bind(c, &req)
}

// projectBody reads :project and binds the JSON body into a T (see bind).
func projectBody[T any](c echo.Context) (int64, T, error) { return idBody[T](c, "project") }

// projectAndBody reads :project and one more numeric path parameter (see projectAnd) and binds the
// JSON body into a T (see bind).
func projectAndBody[T any](c echo.Context, name string) (int64, int64, T, error) {
	var req T
	pid, id, err := projectAnd(c, name)
	if err != nil {
		return 0, 0, req, err
	}
	return pid, id, req, bind(c, &req)
}

// edit is the part of a request body that edits a stored object: the version of it the request
// edited. It must be given, as the store saves the edit over that version only, so that nobody
// overwrites a change they have not seen.
type edit struct {
	Version *int `json:"version"`
}

// required refuses an edit that does not say which version it edited; which tells the caller what
// that version is.
func (e edit) required(which string) error {
	if e.Version == nil {
		return invalid("version", "is required ("+which+")")
	}
	return nil
}

// editing is a request body that embeds edit.
type editing interface{ required(which string) error }

// idEdit reads the numeric path parameter name and binds a body that edits a stored object into a
// T (see idBody and edit); which tells a caller who left the version out what it is.
func idEdit[T editing](c echo.Context, name, which string) (int64, T, error) {
	id, req, err := idBody[T](c, name)
	if err == nil {
		err = req.required(which)
	}
	return id, req, err
}

// projectEdit is idEdit of :project.
func projectEdit[T editing](c echo.Context, which string) (int64, T, error) {
	return idEdit[T](c, "project", which)
}

// projectAndEdit is projectEdit for a path with one more numeric parameter (see projectAndBody).
func projectAndEdit[T editing](c echo.Context, name, which string) (int64, int64, T, error) {
	pid, id, req, err := projectAndBody[T](c, name)
	if err == nil {
		err = req.required(which)
	}
	return pid, id, req, err
}

// keepOrSet sets *dst to the value a request gave, if it gave one (fields left out keep theirs).
func keepOrSet[T any](dst *T, v *T) {
	if v != nil {
		*dst = *v
	}
}
