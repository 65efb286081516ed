package server

import (
	"strings"

	"github.com/labstack/echo/v4"
)

// uiPolicy is the Content-Security-Policy of the web UI (MDN, "Content-Security-Policy"). The built
// UI is script files from this origin only: Vite emits no inline script, and nothing evaluates strings
// as code. style-src needs 'unsafe-inline' because CodeMirror (through style-mod) mounts its themes as
// <style> elements in the document, which CSP counts as inline styles; a nonce instead would mean
// rewriting index.html on every response and handing the nonce to EditorView.cspNonce. Injected CSS
// is a far smaller risk than injected script, which this policy still refuses. img-src allows data:
// URLs for the small SVG images CodeMirror draws in its CSS (lint underlines, tab markers).
// frame-ancestors 'none' forbids framing (clickjacking); X-Frame-Options says the same to browsers
// older than CSP level 2.
const uiPolicy = "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; " +
	"font-src 'self'; connect-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'"

// apiPolicy is for responses that are data, never a page: should one be opened as a document, it may
// load and run nothing (OWASP REST Security Cheat Sheet, "Security Headers").
const apiPolicy = "default-src 'none'; frame-ancestors 'none'"

// securityHeaders sets the headers every response carries. API answers are also marked no-store, as
// they hold users' data (a handler may say otherwise, as a stream does).
func securityHeaders(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		h := c.Response().Header()
		h.Set("X-Content-Type-Options", "nosniff")
		h.Set("X-Frame-Options", "DENY")
		h.Set("Referrer-Policy", "same-origin")
		h.Set("Cross-Origin-Opener-Policy", "same-origin")
		h.Set("Cross-Origin-Resource-Policy", "same-origin")
		if p := c.Request().URL.Path; strings.HasPrefix(p, "/api/") || p == "/api" {
			h.Set("Content-Security-Policy", apiPolicy)
			h.Set("Cache-Control", "no-store")
		} else {
			h.Set("Content-Security-Policy", uiPolicy)
		}
		return next(c)
	}
}
