package server

import (
	"context"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/goldset/goldset/store"
)

func TestAPI_Authentication(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	ctx := e.ctx
	ann := e.users["annotator"]

	disabled := e.newUser("disabled", false)
	if _, err := e.store.UpdateUser(ctx, store.System, disabled.ID, store.UserPatch{Version: 1, Disabled: ptr(true)}); err != nil {
		t.Fatal(err)
	}
	revoked := e.newUser("revoked", false)
	tokens, _ := e.store.ListTokens(ctx, revoked.ID)
	noError(t, e.store.RevokeToken(ctx, store.System, revoked.ID, tokens[0].ID))
	expiring := e.newUser("expiring", false)
	_, expiredSecret, err := e.store.CreateToken(ctx, store.System, expiring.ID, "short", time.Hour)
	noError(t, err)
	// Age the token past its expiry as time would.
	if _, err := e.store.Pool().Exec(ctx, "UPDATE api_tokens SET expires_at = now() - interval '1 minute' WHERE token_hash = $1", store.HashSecret(expiredSecret)); err != nil {
		t.Fatal(err)
	}

	login := func(email, password string) string {
		return jsonBody(map[string]string{"email": email, "password": password})
	}
	e.run(t, []scenario{
		{Name: "no credentials", Method: "GET", URL: "/api/v1/projects", ExpectedStatus: 401, ExpectedContent: []string{`"code":"unauthenticated"`}},
		{Name: "login ok", Method: "POST", URL: "/api/v1/auth/login", Body: login(ann.Email, testPassword), ExpectedStatus: 200,
			ExpectedContent: []string{`"csrf_token"`, ann.Email}, NotExpected: []string{"password_hash", "argon2"}},
		{Name: "login is case-insensitive in the email", Method: "POST", URL: "/api/v1/auth/login", Body: login(strings.ToUpper(ann.Email), testPassword), ExpectedStatus: 200},
		{Name: "wrong password", Method: "POST", URL: "/api/v1/auth/login", Body: login(ann.Email, "wrong password!"), ExpectedStatus: 401,
			ExpectedContent: []string{"wrong email or password"}},
		{Name: "unknown email", Method: "POST", URL: "/api/v1/auth/login", Body: login("nobody@example.com", testPassword), ExpectedStatus: 401},
		{Name: "disabled user cannot log in", Method: "POST", URL: "/api/v1/auth/login", Body: login(disabled.Email, testPassword), ExpectedStatus: 401},
		{Name: "missing fields", Method: "POST", URL: "/api/v1/auth/login", Body: `{}`, ExpectedStatus: 400,
			ExpectedContent: []string{`"email":"is required"`, `"password":"is required"`}},
		{Name: "bearer token works", Method: "GET", URL: "/api/v1/auth/me", Headers: map[string]string{"Authorization": "Bearer " + ann.token}, ExpectedStatus: 200},
		{Name: "garbage token", Method: "GET", URL: "/api/v1/auth/me", Headers: map[string]string{"Authorization": "Bearer gst_nope"}, ExpectedStatus: 401},
		{Name: "not a bearer scheme", Method: "GET", URL: "/api/v1/auth/me", Headers: map[string]string{"Authorization": "Basic Zm9vOmJhcg=="}, ExpectedStatus: 401},
		{Name: "revoked token", Method: "GET", URL: "/api/v1/auth/me", Headers: map[string]string{"Authorization": "Bearer " + revoked.token}, ExpectedStatus: 401,
			ExpectedContent: []string{"unknown, expired or revoked"}},
		{Name: "expired token", Method: "GET", URL: "/api/v1/auth/me", Headers: map[string]string{"Authorization": "Bearer " + expiredSecret}, ExpectedStatus: 401},
		{Name: "disabled user's token", Method: "GET", URL: "/api/v1/auth/me", Headers: map[string]string{"Authorization": "Bearer " + disabled.token}, ExpectedStatus: 401},
		{Name: "disabled user's session was ended", Method: "GET", URL: "/api/v1/auth/me", Cookie: "annotator", Headers: map[string]string{"Cookie": sessionCookie + "=" + disabled.session}, ExpectedStatus: 401},
		{Name: "session cookie works", Method: "GET", URL: "/api/v1/auth/me", Cookie: "annotator", ExpectedStatus: 200, ExpectedContent: []string{ann.csrf}},
		{Name: "bogus session cookie", Method: "GET", URL: "/api/v1/auth/me", Headers: map[string]string{"Cookie": sessionCookie + "=forged"}, ExpectedStatus: 401},
	})
}

func TestAPI_LoginSetsHardenedCookies(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	rec := e.do(scenario{Method: "POST", URL: "http://localhost:8080/api/v1/auth/login",
		Body: jsonBody(map[string]string{"email": e.users["lead"].Email, "password": testPassword})})
	if rec.Code != 200 {
		t.Fatalf("login: %d %s", rec.Code, rec.Body)
	}
	cookies := map[string]*http.Cookie{}
	for _, c := range rec.Result().Cookies() {
		cookies[c.Name] = c
	}
	s, c := cookies[sessionCookie], cookies[csrfCookie]
	if s == nil || c == nil {
		t.Fatalf("cookies: %v", rec.Result().Cookies())
	}
	if !s.HttpOnly || !s.Secure || s.SameSite != http.SameSiteStrictMode {
		t.Errorf("session cookie not hardened: %+v", s)
	}
	if c.HttpOnly || c.SameSite != http.SameSiteStrictMode {
		t.Errorf("csrf cookie must be readable by the page and same-site: %+v", c)
	}
	if strings.Contains(s.Value, c.Value) || s.Value == "" {
		t.Errorf("session and csrf values must differ and be set")
	}
}

func TestAPI_CSRF(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	body := jsonBody(map[string]string{"name": "csrf"})
	e.run(t, []scenario{
		{Name: "cookie without CSRF header is refused", Method: "POST", URL: "/api/v1/account/tokens", Body: body, Cookie: "lead", NoCSRF: true,
			ExpectedStatus: 403, ExpectedContent: []string{`"code":"csrf_failed"`}},
		{Name: "cookie with a wrong CSRF header is refused", Method: "POST", URL: "/api/v1/account/tokens", Body: body, Cookie: "lead", NoCSRF: true,
			Headers: map[string]string{csrfHeader: "guess"}, ExpectedStatus: 403},
		{Name: "another session's CSRF token is refused", Method: "POST", URL: "/api/v1/account/tokens", Body: body, Cookie: "lead", NoCSRF: true,
			Headers: map[string]string{csrfHeader: e.users["admin"].csrf}, ExpectedStatus: 403},
		{Name: "cookie with CSRF header works", Method: "POST", URL: "/api/v1/account/tokens", Body: body, Cookie: "lead", ExpectedStatus: 201},
		{Name: "safe methods need no CSRF header", Method: "GET", URL: "/api/v1/account/tokens", Cookie: "lead", NoCSRF: true, ExpectedStatus: 200},
		{Name: "bearer tokens need no CSRF header", Method: "POST", URL: "/api/v1/account/tokens", Body: body, As: "lead", ExpectedStatus: 201},
	})
}

func TestAPI_LogoutEndsSessionServerSide(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	if rec := e.do(scenario{Method: "POST", URL: "/api/v1/auth/logout", Cookie: "reviewer"}); rec.Code != 204 {
		t.Fatalf("logout: %d %s", rec.Code, rec.Body)
	}
	// The same cookie, replayed, no longer works.
	if rec := e.do(scenario{Method: "GET", URL: "/api/v1/auth/me", Cookie: "reviewer"}); rec.Code != 401 {
		t.Fatalf("replayed cookie after logout: %d", rec.Code)
	}
}

func TestAPI_BadInput(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	huge := `{"name":"` + strings.Repeat("x", 2<<20) + `"}`
	e.run(t, []scenario{
		{Name: "malformed JSON", Method: "POST", URL: "/api/v1/projects", Body: `{"name": "x",`, As: "admin", ExpectedStatus: 400,
			ExpectedContent: []string{`"code":"invalid_input"`, "malformed JSON"}},
		{Name: "not JSON at all", Method: "POST", URL: "/api/v1/projects", Body: `name=x`, As: "admin", ExpectedStatus: 400},
		{Name: "unknown field", Method: "POST", URL: "/api/v1/projects", Body: `{"name":"x","owner":"me"}`, As: "admin", ExpectedStatus: 400,
			ExpectedContent: []string{`"owner":"is not a known field"`}},
		{Name: "wrong type", Method: "POST", URL: "/api/v1/projects", Body: `{"name":42}`, As: "admin", ExpectedStatus: 400,
			ExpectedContent: []string{`"name":"must be a string"`}},
		{Name: "two objects", Method: "POST", URL: "/api/v1/projects", Body: `{"name":"a"}{"name":"b"}`, As: "admin", ExpectedStatus: 400},
		{Name: "empty body", Method: "POST", URL: "/api/v1/projects", Headers: map[string]string{"Content-Type": "application/json"}, As: "admin", ExpectedStatus: 400,
			ExpectedContent: []string{"is empty"}},
		{Name: "wrong content type", Method: "POST", URL: "/api/v1/projects", Body: `{"name":"x"}`, Headers: map[string]string{"Content-Type": "text/plain"}, As: "admin",
			ExpectedStatus: 415, ExpectedContent: []string{"application/json"}},
		{Name: "oversized body", Method: "POST", URL: "/api/v1/projects", Body: huge, As: "admin", ExpectedStatus: 413,
			ExpectedContent: []string{`"code":"body_too_large"`}},
		{Name: "field errors", Method: "POST", URL: "/api/v1/projects", Body: `{"name":"   "}`, As: "admin", ExpectedStatus: 400,
			ExpectedContent: []string{`"name":"is required"`}},
		{Name: "invalid email", Method: "POST", URL: "/api/v1/users", Body: `{"email":"not-an-email","password":"short"}`, As: "admin", ExpectedStatus: 400,
			ExpectedContent: []string{`"email":"must be a valid address"`, `"password":"must be at least 10 characters"`}},
		{Name: "non-numeric project id", Method: "GET", URL: "/api/v1/projects/abc", As: "admin", ExpectedStatus: 404},
		{Name: "missing project", Method: "GET", URL: "/api/v1/projects/999999", As: "admin", ExpectedStatus: 404, ExpectedContent: []string{`"code":"not_found"`}},
		{Name: "a non-member cannot see a project", Method: "GET", URL: e.projectAPI, As: "outsider", ExpectedStatus: 403,
			ExpectedContent: []string{`"code":"forbidden"`}},
		{Name: "bad audit limit", Method: "GET", URL: "/api/v1/audit?limit=100000", As: "admin", ExpectedStatus: 400},
		{Name: "unknown API path is JSON", Method: "GET", URL: "/api/v1/nothing-here", As: "admin", ExpectedStatus: 404, ExpectedContent: []string{`"error"`}},
		{Name: "unknown method is JSON", Method: "PUT", URL: "/api/v1/projects", As: "admin", ExpectedStatus: 405, ExpectedContent: []string{`"code":"method_not_allowed"`}},
		{Name: "duplicate email", Method: "POST", URL: "/api/v1/users", Body: jsonBody(map[string]string{"email": strings.ToUpper(e.users["lead"].Email)}), As: "admin",
			ExpectedStatus: 409, ExpectedContent: []string{"already exists"}},
		{Name: "duplicate project name", Method: "POST", URL: "/api/v1/projects", Body: jsonBody(map[string]string{"name": strings.ToLower(e.project.Name)}), As: "admin",
			ExpectedStatus: 409},
	})
}

func TestAPI_SQLInjectionLookingNamesAreJustText(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	names := []string{`'; DROP TABLE users; --`, `Robert"); DELETE FROM projects;--`, `x' OR '1'='1`, `$$; SELECT pg_sleep(10); $$`}
	for _, n := range names {
		rec := e.do(scenario{Method: "POST", URL: "/api/v1/projects", As: "admin", Body: jsonBody(map[string]string{"name": n, "description": n})})
		if rec.Code != 201 {
			t.Fatalf("create %q: %d %s", n, rec.Code, rec.Body)
		}
		got := decode[struct{ Project store.Project }](t, rec)
		if got.Project.Name != n {
			t.Errorf("name stored as %q, want %q", got.Project.Name, n)
		}
	}
	users, err := e.store.ListUsers(context.Background())
	if err != nil || len(users) < 5 {
		t.Fatalf("users table damaged: %v, %d users", err, len(users))
	}
	rec := e.do(scenario{Method: "POST", URL: "/api/v1/auth/login", Body: jsonBody(map[string]string{"email": `' OR 1=1 --`, "password": `' OR 1=1 --`})})
	if rec.Code != 400 && rec.Code != 401 {
		t.Errorf("injection in login: %d", rec.Code)
	}
}

func TestAPI_StaleVersionConflicts(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	url := e.projectAPI
	first := e.do(scenario{Method: "PATCH", URL: url, As: "lead", Body: `{"version":1,"description":"first edit"}`})
	if first.Code != 200 {
		t.Fatalf("first edit: %d %s", first.Code, first.Body)
	}
	e.run(t, []scenario{
		{Name: "second edit from the same old version", Method: "PATCH", URL: url, As: "lead", Body: `{"version":1,"description":"second edit"}`,
			ExpectedStatus: 409, ExpectedContent: []string{`"code":"stale_version"`, `"current_version":2`}},
		{Name: "version is required", Method: "PATCH", URL: url, As: "lead", Body: `{"description":"x"}`, ExpectedStatus: 400},
	})
	p, _ := e.store.Project(e.ctx, e.project.ID)
	if p.Description != "first edit" {
		t.Errorf("the stale write changed the project: %q", p.Description)
	}
}

func TestAPI_MembersAndLastLead(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	base := e.projectAPI + "/members"
	lead := e.users["lead"]
	e.run(t, []scenario{
		{Name: "add unknown user", Method: "POST", URL: base, As: "lead", Body: `{"email":"ghost@example.com","role":"annotator"}`, ExpectedStatus: 404,
			ExpectedContent: []string{"no user with email ghost@example.com"}},
		{Name: "add twice", Method: "POST", URL: base, As: "lead", Body: jsonBody(map[string]string{"email": e.users["annotator"].Email, "role": "annotator"}),
			ExpectedStatus: 409, ExpectedContent: []string{"already a member"}},
		{Name: "bad role", Method: "POST", URL: base, As: "lead", Body: jsonBody(map[string]string{"email": e.users["outsider"].Email, "role": "owner"}),
			ExpectedStatus: 400, ExpectedContent: []string{`"role":"must be lead, reviewer or annotator"`}},
		{Name: "cannot remove the last lead", Method: "DELETE", URL: fmt.Sprintf("%s/%d", base, lead.ID), As: "admin", ExpectedStatus: 409,
			ExpectedContent: []string{"at least one lead"}},
		{Name: "cannot demote the last lead", Method: "PATCH", URL: fmt.Sprintf("%s/%d", base, lead.ID), As: "admin", Body: `{"version":1,"role":"reviewer"}`,
			ExpectedStatus: 409},
	})
}

// A role granted or taken away applies to the very next request.
func TestAPI_RoleChangesApplyImmediately(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	out := e.users["outsider"]
	projectURL := e.projectAPI
	if rec := e.do(scenario{Method: "GET", URL: projectURL, As: "outsider"}); rec.Code != 403 {
		t.Fatalf("before: %d", rec.Code)
	}
	add := e.do(scenario{Method: "POST", URL: projectURL + "/members", As: "lead", Body: jsonBody(map[string]string{"email": out.Email, "role": "annotator"})})
	if add.Code != 201 {
		t.Fatalf("add: %d %s", add.Code, add.Body)
	}
	if rec := e.do(scenario{Method: "GET", URL: projectURL, As: "outsider"}); rec.Code != 200 {
		t.Fatalf("after adding: %d", rec.Code)
	}
	rm := e.do(scenario{Method: "DELETE", URL: fmt.Sprintf("%s/members/%d", projectURL, out.ID), As: "lead"})
	if rm.Code != 204 {
		t.Fatalf("remove: %d %s", rm.Code, rm.Body)
	}
	if rec := e.do(scenario{Method: "GET", URL: projectURL, As: "outsider"}); rec.Code != 403 {
		t.Fatalf("after removal: %d", rec.Code)
	}
}

// Changes made by another process (the CLI, another server) reach this one through NOTIFY.
func TestAPI_RoleChangesFromAnotherProcess(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	ctx, cancel := context.WithCancel(e.ctx)
	defer cancel()
	go e.srv.authz.listen(ctx)

	other, err := store.Open(ctx, e.store.URL(), store.Options{})
	noError(t, err)
	defer other.Close()
	// Wait until the listener is subscribed: a change made before LISTEN would be missed, by design
	// covered by the reload the listener does right after subscribing.
	if _, err := other.AddMember(ctx, store.System, e.project.ID, e.users["outsider"].Email, store.RoleLead); err != nil {
		t.Fatal(err)
	}
	url := e.projectAPI + "/members"
	deadline := time.Now().Add(15 * time.Second)
	for {
		rec := e.do(scenario{Method: "GET", URL: url, As: "outsider"})
		if rec.Code == 200 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("the membership made by another process never took effect: %d", rec.Code)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

func TestAPI_TokensAreShownOnce(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	rec := e.do(scenario{Method: "POST", URL: "/api/v1/account/tokens", As: "annotator", Body: `{"name":"script","expires_in_days":30}`})
	if rec.Code != 201 {
		t.Fatalf("%d %s", rec.Code, rec.Body)
	}
	created := decode[struct {
		Token  store.APIToken
		Secret string
	}](t, rec)
	if !strings.HasPrefix(created.Secret, store.TokenPrefix) || created.Token.ExpiresAt == nil {
		t.Fatalf("token: %+v", created)
	}
	list := e.do(scenario{Method: "GET", URL: "/api/v1/account/tokens", As: "annotator"})
	if strings.Contains(list.Body.String(), created.Secret) {
		t.Fatal("the token list shows a secret")
	}
	req := scenario{Method: "GET", URL: "/api/v1/auth/me", Headers: map[string]string{"Authorization": "Bearer " + created.Secret}}
	if got := e.do(req); got.Code != 200 {
		t.Fatalf("new token: %d", got.Code)
	}
	if got := e.do(scenario{Method: "DELETE", URL: fmt.Sprintf("/api/v1/account/tokens/%d", created.Token.ID), As: "annotator"}); got.Code != 204 {
		t.Fatalf("revoke: %d", got.Code)
	}
	if got := e.do(req); got.Code != 401 {
		t.Fatalf("revoked token still works: %d", got.Code)
	}
	// Someone else's token cannot be revoked by id guessing.
	other := e.do(scenario{Method: "DELETE", URL: fmt.Sprintf("/api/v1/account/tokens/%d", created.Token.ID), As: "lead"})
	if other.Code != 404 {
		t.Fatalf("revoking another user's token: %d", other.Code)
	}
}

func TestAPI_AuditRecordsEveryChange(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	url := e.projectAPI
	rec := e.do(scenario{Method: "PATCH", URL: url, As: "lead", Body: `{"version":1,"name":"Renamed project"}`, Headers: map[string]string{"X-Request-ID": "req-audit-1"}})
	if rec.Code != 200 {
		t.Fatalf("%d %s", rec.Code, rec.Body)
	}
	if got := rec.Header().Get("X-Request-ID"); got != "req-audit-1" {
		t.Errorf("request id not echoed: %q", got)
	}
	log := e.do(scenario{Method: "GET", URL: url + "/audit", As: "lead"})
	entries := decode[struct {
		Entries []auditView
	}](t, log).Entries
	if len(entries) == 0 {
		t.Fatal("no audit entries")
	}
	last := entries[0]
	if last.Action != "project.update" || last.Actor == nil || last.Actor.Email != e.users["lead"].Email || last.RequestID != "req-audit-1" {
		t.Fatalf("latest entry: %+v", last)
	}
	if !strings.Contains(string(last.Before), e.project.Name) || !strings.Contains(string(last.After), "Renamed project") {
		t.Errorf("before/after: %s → %s", last.Before, last.After)
	}
}

func TestAPI_UIAndOperations(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	e.do(scenario{Method: "GET", URL: "/api/v1/projects", As: "admin"})
	e.run(t, []scenario{
		{Name: "SPA route falls back to index.html", Method: "GET", URL: "/projects/1/members", ExpectedStatus: 200, ExpectedContent: []string{"<div id=root>"}},
		{Name: "root serves index.html", Method: "GET", URL: "/", ExpectedStatus: 200, ExpectedContent: []string{"<title>Goldset</title>"}},
		{Name: "built asset", Method: "GET", URL: "/assets/app.js", ExpectedStatus: 200, ExpectedContent: []string{"console.log"}},
		{Name: "path traversal stays inside the UI", Method: "GET", URL: "/../../etc/passwd", ExpectedStatus: 200, NotExpected: []string{"root:"}},
		{Name: "healthz", Method: "GET", URL: "/healthz", ExpectedStatus: 200, ExpectedContent: []string{`"status":"ok"`}},
		{Name: "readyz", Method: "GET", URL: "/readyz", ExpectedStatus: 200},
		{Name: "metrics by route", Method: "GET", URL: "/metrics", ExpectedStatus: 200, ExpectedContent: []string{
			`goldset_http_requests_total{method="GET",route="/api/v1/projects",status="200"}`,
			`goldset_http_request_duration_seconds_bucket`, `go_sql_max_open_connections{db_name="goldset"}`}},
	})
}

func ptr[T any](v T) *T { return &v }
