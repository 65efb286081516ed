package server

import (
	"errors"
	"net/http"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/goldset/goldset/store"
)

type loginRequest struct {
	Email    string `json:"email"`
	Password string `json:"password"`
}

func (s *Server) login(c echo.Context) error {
	var req loginRequest
	if err := bind(c, &req); err != nil {
		return err
	}
	v := store.Validator{}
	v.Check(req.Email != "", "email", "is required")
	v.Check(req.Password != "", "password", "is required")
	if err := v.Err(); err != nil {
		return err
	}
	addr, email := c.RealIP(), store.NormalizeEmail(req.Email)
	if wait := s.limiter.attempt(addr, email); wait > 0 {
		secs := int((wait + time.Second - 1) / time.Second)
		c.Response().Header().Set("Retry-After", itoa(secs))
		return &apiError{Status: http.StatusTooManyRequests, Code: "rate_limited",
			Message: "too many failed sign-ins; wait " + itoa(secs) + " seconds", Details: map[string]any{"retry_after_seconds": secs}}
	}
	u, err := s.store.Authenticate(c.Request().Context(), req.Email, req.Password)
	if errors.Is(err, store.ErrBadCredentials) {
		return errorf(http.StatusUnauthorized, "unauthenticated", "wrong email or password, or the account is disabled")
	}
	if err != nil {
		s.limiter.abandoned(addr, email)
		return err
	}
	s.limiter.succeeded(addr, email)
	ns, err := s.store.CreateSession(c.Request().Context(), store.Actor{RequestID: requestID(c)}, u, c.Request().UserAgent(), c.RealIP())
	if err != nil {
		return err
	}
	s.setSessionCookies(c, ns.Secret, ns.Session.CSRFToken)
	return c.JSON(http.StatusOK, map[string]any{"user": u, "csrf_token": ns.Session.CSRFToken})
}

func (s *Server) logout(c echo.Context) error {
	p := currentPrincipal(c)
	if p.session != nil {
		if err := s.store.DeleteSession(c.Request().Context(), p.actor(c), *p.session); err != nil {
			return err
		}
	}
	s.clearCookies(c)
	return c.NoContent(http.StatusNoContent)
}

func (s *Server) me(c echo.Context) error {
	p := currentPrincipal(c)
	ms, err := s.store.UserMemberships(c.Request().Context(), p.user.ID)
	if err != nil {
		return err
	}
	out := map[string]any{"user": p.user, "memberships": ms}
	if p.session != nil {
		out["csrf_token"] = p.session.CSRFToken
	}
	return c.JSON(http.StatusOK, out)
}

type passwordRequest struct {
	CurrentPassword string `json:"current_password"`
	NewPassword     string `json:"new_password"`
	// RevokeTokens defaults to true: a password is most often changed because someone else may know
	// it, and whoever knew it could have made API tokens with it.
	RevokeTokens *bool `json:"revoke_tokens"`
}

func (s *Server) changePassword(c echo.Context) error {
	var req passwordRequest
	if err := bind(c, &req); err != nil {
		return err
	}
	p := currentPrincipal(c)
	if !store.CheckPassword(p.user.PasswordHash, req.CurrentPassword) {
		return invalid("current_password", "is not your current password")
	}
	opt := store.PasswordChange{RevokeTokens: req.RevokeTokens == nil || *req.RevokeTokens}
	if p.session != nil {
		opt.KeepSession = p.session.ID
	}
	n, err := s.store.SetPassword(c.Request().Context(), p.actor(c), p.user.ID, req.NewPassword, opt)
	if err != nil {
		if ve := new(store.ValidationError); errors.As(err, &ve) {
			return invalid("new_password", ve.Fields["password"])
		}
		return err
	}
	return c.JSON(http.StatusOK, map[string]any{"tokens_revoked": n})
}

func (s *Server) listTokens(c echo.Context) error {
	ts, err := s.store.ListTokens(c.Request().Context(), currentPrincipal(c).user.ID)
	return respond(c, http.StatusOK, "tokens", ts, err)
}

type tokenRequest struct {
	Name          string `json:"name"`
	ExpiresInDays int    `json:"expires_in_days"`
}

func (s *Server) createToken(c echo.Context) error {
	var req tokenRequest
	if err := bind(c, &req); err != nil {
		return err
	}
	p := currentPrincipal(c)
	t, secret, err := s.store.CreateToken(c.Request().Context(), p.actor(c), p.user.ID, req.Name, time.Duration(req.ExpiresInDays)*24*time.Hour)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusCreated, map[string]any{"token": t, "secret": secret})
}

func (s *Server) revokeToken(c echo.Context) error {
	id, err := idParam(c, "token")
	if err != nil {
		return err
	}
	p := currentPrincipal(c)
	if err := s.store.RevokeToken(c.Request().Context(), p.actor(c), p.user.ID, id); err != nil {
		return err
	}
	return c.NoContent(http.StatusNoContent)
}
