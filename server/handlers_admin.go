package server

import (
	"context"
	"net/http"
	"strconv"

	"github.com/labstack/echo/v4"

	"github.com/goldset/goldset/store"
)

func itoa(n int) string { return strconv.Itoa(n) }

// reloadAuthz makes a role change effective for this process's next request; other processes follow
// on the database notification.
func (s *Server) reloadAuthz(ctx context.Context) error {
	return s.authz.reload(ctx)
}

// respondReloaded is respond for a call that changed roles: the answer waits for the change to be
// in force (see reloadAuthz).
func (s *Server) respondReloaded(c echo.Context, status int, key string, v any, err error) error {
	if err == nil {
		err = s.reloadAuthz(c.Request().Context())
	}
	return respond(c, status, key, v, err)
}

func (s *Server) listUsers(c echo.Context) error {
	us, err := s.store.ListUsers(c.Request().Context())
	return respond(c, http.StatusOK, "users", us, err)
}

type createUserRequest struct {
	Email    string `json:"email"`
	Name     string `json:"name"`
	Password string `json:"password"`
	IsAdmin  bool   `json:"is_admin"`
}

func (s *Server) createUser(c echo.Context) error {
	var req createUserRequest
	if err := bind(c, &req); err != nil {
		return err
	}
	generated := req.Password == ""
	if generated {
		req.Password = store.NewPassword()
	}
	ctx := c.Request().Context()
	u, err := s.store.CreateUser(ctx, currentPrincipal(c).actor(c), store.NewUser{Email: req.Email, Name: req.Name, Password: req.Password, IsAdmin: req.IsAdmin})
	if err != nil {
		return err
	}
	if err := s.reloadAuthz(ctx); err != nil {
		return err
	}
	out := map[string]any{"user": u}
	if generated {
		out["password"] = req.Password
	}
	return c.JSON(http.StatusCreated, out)
}

type updateUserRequest struct {
	edit
	Name     *string `json:"name"`
	Disabled *bool   `json:"disabled"`
	IsAdmin  *bool   `json:"is_admin"`
}

func (s *Server) updateUser(c echo.Context) error {
	id, req, err := idEdit[updateUserRequest](c, "user", "the version you read")
	if err != nil {
		return err
	}
	u, err := s.store.UpdateUser(c.Request().Context(), currentPrincipal(c).actor(c), id, store.UserPatch{Version: *req.Version, Name: req.Name, Disabled: req.Disabled, IsAdmin: req.IsAdmin})
	return s.respondReloaded(c, http.StatusOK, "user", u, err)
}

// revokeUserTokens revokes every live API token of a user, for an account that may be compromised.
func (s *Server) revokeUserTokens(c echo.Context) error {
	id, err := idParam(c, "user")
	if err != nil {
		return err
	}
	n, err := s.store.RevokeAllTokens(c.Request().Context(), currentPrincipal(c).actor(c), id)
	return respond(c, http.StatusOK, "tokens_revoked", n, err)
}

type auditActor struct {
	ID    int64  `json:"id"`
	Email string `json:"email"`
}

type auditView struct {
	store.AuditEntry
	Actor *auditActor `json:"actor"`
}

func (s *Server) listAudit(c echo.Context, projectID *int64) error {
	q := store.AuditQuery{ProjectID: projectID}
	v := store.Validator{}
	queryLimit(c, &v, &q.Limit, 500)
	queryID(c, &v, "before", &q.Before, false)
	if err := v.Err(); err != nil {
		return err
	}
	es, err := s.store.ListAudit(c.Request().Context(), q)
	if err != nil {
		return err
	}
	out := make([]auditView, len(es))
	for i, e := range es {
		out[i] = auditView{AuditEntry: e}
		if e.ActorID != nil {
			out[i].Actor = &auditActor{ID: *e.ActorID}
			if e.ActorEmail != nil {
				out[i].Actor.Email = *e.ActorEmail
			}
		}
	}
	return c.JSON(http.StatusOK, map[string]any{"entries": out})
}

func (s *Server) listAllAudit(c echo.Context) error { return s.listAudit(c, nil) }

func (s *Server) listProjectAudit(c echo.Context) error {
	id, err := idParam(c, "project")
	if err != nil {
		return err
	}
	return s.listAudit(c, &id)
}
