package server

import (
	"io/fs"
	"net/http"
	"path"
	"strings"

	"github.com/labstack/echo/v4"
)

// ui serves the embedded single-page app. A path that names a built file gets the file; any other
// path gets index.html so the client router can show it (HTML5 history routing). /api/ paths never
// fall back: an unknown API path is a JSON 404.
func (s *Server) ui(c echo.Context) error {
	p := c.Request().URL.Path
	if strings.HasPrefix(p, "/api/") || p == "/api" {
		return errorf(http.StatusNotFound, "not_found", "no such endpoint")
	}
	if s.cfg.UI == nil {
		return c.HTML(http.StatusOK, uiMissing)
	}
	name := strings.TrimPrefix(path.Clean("/"+p), "/")
	if name != "" && name != "index.html" {
		if st, err := fs.Stat(s.cfg.UI, name); err == nil && !st.IsDir() {
			if strings.HasPrefix(name, "assets/") { // content-hashed by Vite
				c.Response().Header().Set("Cache-Control", "public, max-age=31536000, immutable")
			}
			http.ServeFileFS(c.Response(), c.Request(), s.cfg.UI, name)
			return nil
		}
	}
	index, err := fs.ReadFile(s.cfg.UI, "index.html")
	if err != nil {
		return c.HTML(http.StatusOK, uiMissing)
	}
	c.Response().Header().Set("Cache-Control", "no-cache")
	return c.HTMLBlob(http.StatusOK, index)
}

const uiMissing = `<!doctype html><meta charset="utf-8"><title>Goldset</title>
<body style="font-family:system-ui;max-width:40rem;margin:4rem auto">
<h1>Goldset</h1><p>This binary was built without the web UI. Build it with <code>make build</code>
(or <code>make ui</code>, then rebuild); the API under <code>/api/v1</code> works meanwhile.</p></body>`
