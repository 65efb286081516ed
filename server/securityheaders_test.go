package server

import (
	"strings"
	"testing"
)

func TestSecurityHeaders_OnPagesAssetsAndAPIAnswers(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	everywhere := map[string]string{
		"X-Content-Type-Options":       "nosniff",
		"X-Frame-Options":              "DENY",
		"Referrer-Policy":              "same-origin",
		"Cross-Origin-Opener-Policy":   "same-origin",
		"Cross-Origin-Resource-Policy": "same-origin",
	}
	for _, tc := range []struct {
		name   string
		sc     scenario
		status int
		csp    string
		cache  string // "" when this test does not care
	}{
		{"the UI's start page", scenario{Method: "GET", URL: "/"}, 200, uiPolicy, "no-cache"},
		{"a page of the UI", scenario{Method: "GET", URL: "/projects/1/members"}, 200, uiPolicy, "no-cache"},
		{"a built asset", scenario{Method: "GET", URL: "/assets/app.js"}, 200, uiPolicy, ""},
		{"an API answer", scenario{Method: "GET", URL: "/api/v1/auth/me", As: "annotator"}, 200, apiPolicy, "no-store"},
		{"an API error", scenario{Method: "GET", URL: "/api/v1/projects"}, 401, apiPolicy, "no-store"},
		{"an unknown API path", scenario{Method: "GET", URL: "/api/v1/nothing-here", As: "admin"}, 404, apiPolicy, "no-store"},
		{"a body over the limit", scenario{Method: "POST", URL: "/api/v1/projects", As: "admin", Body: `{"name":"` + strings.Repeat("x", 2<<20) + `"}`}, 413, apiPolicy, "no-store"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			rec := e.do(tc.sc)
			if rec.Code != tc.status {
				t.Fatalf("status %d, want %d; body %s", rec.Code, tc.status, rec.Body)
			}
			h := rec.Header()
			for k, want := range everywhere {
				if got := h.Get(k); got != want {
					t.Errorf("%s = %q, want %q", k, got, want)
				}
			}
			if got := h.Get("Content-Security-Policy"); got != tc.csp {
				t.Errorf("Content-Security-Policy = %q, want %q", got, tc.csp)
			}
			if tc.cache != "" && h.Get("Cache-Control") != tc.cache {
				t.Errorf("Cache-Control = %q, want %q", h.Get("Cache-Control"), tc.cache)
			}
		})
	}
}

// TestSecurityHeaders_UIPolicyRefusesInlineScriptAndFraming states the properties a reviewer checks in
// the policy, whatever else it grows to allow.
func TestSecurityHeaders_UIPolicyRefusesInlineScriptAndFraming(t *testing.T) {
	t.Parallel()
	directives := map[string]string{}
	for _, d := range strings.Split(uiPolicy, ";") {
		name, value, _ := strings.Cut(strings.TrimSpace(d), " ")
		directives[name] = value
	}
	for name, want := range map[string]string{
		"script-src":      "'self'",
		"object-src":      "'none'",
		"base-uri":        "'none'",
		"frame-ancestors": "'none'",
		"default-src":     "'self'",
	} {
		if directives[name] != want {
			t.Errorf("%s is %q, want %q", name, directives[name], want)
		}
	}
	if strings.Contains(uiPolicy, "unsafe-eval") {
		t.Error("the UI policy must not allow eval")
	}
}
