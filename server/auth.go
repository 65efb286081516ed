package server

import (
	"crypto/subtle"
	"errors"
	"net"
	"net/http"
	"strconv"
	"strings"

	"github.com/labstack/echo/v4"

	"github.com/goldset/goldset/sqlexec"
	"github.com/goldset/goldset/store"
)

const (
	sessionCookie = "goldset_session"
	csrfCookie    = "goldset_csrf"
	csrfHeader    = "X-CSRF-Token"
	ctxPrincipal  = "goldset.principal"
)

// principal is who is calling: the user and how they proved it.
type principal struct {
	user    store.User
	session *store.Session // set for cookie authentication
	token   *store.APIToken
}

func (p *principal) actor(c echo.Context) store.Actor {
	return store.Actor{UserID: p.user.ID, RequestID: requestID(c)}
}

func currentPrincipal(c echo.Context) *principal {
	p, _ := c.Get(ctxPrincipal).(*principal)
	return p
}

// guard is the middleware every route gets from the route table: authenticate, check CSRF for cookie
// sessions on unsafe methods, then authorize the route's (object, action) in its domain.
func (s *Server) guard(r route) echo.MiddlewareFunc {
	return func(next echo.HandlerFunc) echo.HandlerFunc {
		if r.Public {
			return next
		}
		return func(c echo.Context) error {
			p, err := s.authenticate(c)
			if err != nil {
				return err
			}
			c.Set(ctxPrincipal, p)
			if p.session != nil && !safeMethod(c.Request().Method) {
				sent := c.Request().Header.Get(csrfHeader)
				if sent == "" || subtle.ConstantTimeCompare([]byte(sent), []byte(p.session.CSRFToken)) != 1 {
					return &apiError{Status: http.StatusForbidden, Code: "csrf_failed",
						Message: "missing or wrong " + csrfHeader + " header; reload the page"}
				}
			}
			domain := globalDomain
			// The SQL sandbox shares its slots fairly among people and projects.
			caller := sqlexec.Caller{User: p.user.ID}
			if r.projectScoped() {
				id, err := strconv.ParseInt(c.Param("project"), 10, 64)
				if err != nil || id <= 0 {
					return errorf(http.StatusNotFound, "not_found", "no such project")
				}
				domain = projectDomain(id)
				caller.Project = id
			}
			c.SetRequest(c.Request().WithContext(sqlexec.WithCaller(c.Request().Context(), caller)))
			ok, err := s.authz.allowed(p.user.ID, domain, r.Object, r.Action)
			if err != nil {
				return err
			}
			if !ok {
				return errorf(http.StatusForbidden, "forbidden", "your role does not allow %s on %s here", r.Action, r.Object)
			}
			return next(c)
		}
	}
}

func safeMethod(m string) bool {
	return m == http.MethodGet || m == http.MethodHead || m == http.MethodOptions
}

// authenticate accepts a bearer API token or a session cookie. Storage failures pass through as such
// (503), never as 401, so a database outage does not sign everyone out.
func (s *Server) authenticate(c echo.Context) (*principal, error) {
	unauth := errorf(http.StatusUnauthorized, "unauthenticated", "sign in, or send an API token as Authorization: Bearer")
	ctx := c.Request().Context()
	if h := c.Request().Header.Get(echo.HeaderAuthorization); h != "" {
		secret, ok := strings.CutPrefix(h, "Bearer ")
		if !ok || secret == "" {
			return nil, unauth
		}
		t, u, err := s.store.TokenUser(ctx, strings.TrimSpace(secret))
		if errors.Is(err, store.ErrBadCredentials) {
			return nil, errorf(http.StatusUnauthorized, "unauthenticated", "the API token is unknown, expired or revoked")
		}
		if err != nil {
			return nil, err
		}
		return &principal{user: u, token: &t}, nil
	}
	ck, err := c.Cookie(sessionCookie)
	if err != nil || ck.Value == "" {
		return nil, unauth
	}
	sess, u, err := s.store.SessionUser(ctx, ck.Value)
	if errors.Is(err, store.ErrBadCredentials) {
		s.clearCookies(c)
		return nil, errorf(http.StatusUnauthorized, "unauthenticated", "your session has ended; sign in again")
	}
	if err != nil {
		return nil, err
	}
	return &principal{user: u, session: &sess}, nil
}

func (s *Server) secureCookies(c echo.Context) bool {
	switch s.cfg.CookieSecure {
	case "always":
		return true
	case "never":
		return false
	}
	if c.Scheme() == "https" {
		return true
	}
	host, _, err := net.SplitHostPort(c.Request().Host)
	if err != nil {
		host = c.Request().Host
	}
	return host == "localhost" || host == "127.0.0.1" || host == "::1"
}

func (s *Server) setSessionCookies(c echo.Context, secret, csrf string) {
	secure := s.secureCookies(c)
	maxAge := int(store.SessionTTL.Seconds())
	c.SetCookie(&http.Cookie{Name: sessionCookie, Value: secret, Path: "/", MaxAge: maxAge,
		HttpOnly: true, Secure: secure, SameSite: http.SameSiteStrictMode})
	// Readable by the page's script, which echoes it in the header: a cross-site page cannot read it.
	c.SetCookie(&http.Cookie{Name: csrfCookie, Value: csrf, Path: "/", MaxAge: maxAge,
		Secure: secure, SameSite: http.SameSiteStrictMode})
}

func (s *Server) clearCookies(c echo.Context) {
	for _, name := range []string{sessionCookie, csrfCookie} {
		c.SetCookie(&http.Cookie{Name: name, Value: "", Path: "/", MaxAge: -1, HttpOnly: name == sessionCookie,
			Secure: s.secureCookies(c), SameSite: http.SameSiteStrictMode})
	}
}
