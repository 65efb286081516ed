package server

import (
	"errors"
	"net/http"

	"github.com/labstack/echo/v4"

	"github.com/goldset/goldset/store"
)

func (s *Server) listProjects(c echo.Context) error {
	ps, err := s.store.ListProjects(c.Request().Context(), currentPrincipal(c).user)
	return respond(c, http.StatusOK, "projects", ps, err)
}

type createProjectRequest struct {
	Name        string `json:"name"`
	Description string `json:"description"`
}

func (s *Server) createProject(c echo.Context) error {
	var req createProjectRequest
	if err := bind(c, &req); err != nil {
		return err
	}
	p, err := s.store.CreateProject(c.Request().Context(), currentPrincipal(c).actor(c), req.Name, req.Description, 0)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusCreated, map[string]any{"project": store.ProjectView{Project: p, MyRole: store.RoleAdmin}})
}

// projectView returns the project as the caller sees it, with their role.
func (s *Server) projectView(c echo.Context, p store.Project) (store.ProjectView, error) {
	u := currentPrincipal(c).user
	m, err := s.store.Member(c.Request().Context(), p.ID, u.ID)
	switch {
	case err == nil:
		return store.ProjectView{Project: p, MyRole: m.Role}, nil
	case errors.Is(err, store.ErrNotFound) && u.IsAdmin:
		return store.ProjectView{Project: p, MyRole: store.RoleAdmin}, nil
	}
	return store.ProjectView{}, err
}

func (s *Server) getProject(c echo.Context) error {
	id, err := idParam(c, "project")
	if err != nil {
		return err
	}
	p, err := s.store.Project(c.Request().Context(), id)
	if err != nil {
		return err
	}
	view, err := s.projectView(c, p)
	return respond(c, http.StatusOK, "project", view, err)
}

type updateProjectRequest struct {
	edit
	Name        *string `json:"name"`
	Description *string `json:"description"`
}

func (s *Server) updateProject(c echo.Context) error {
	id, req, err := projectEdit[updateProjectRequest](c, "the version you read")
	if err != nil {
		return err
	}
	p, err := s.store.UpdateProject(c.Request().Context(), currentPrincipal(c).actor(c), id, store.ProjectPatch{Version: *req.Version, Name: req.Name, Description: req.Description})
	if err != nil {
		return err
	}
	view, err := s.projectView(c, p)
	return respond(c, http.StatusOK, "project", view, err)
}

func (s *Server) listMembers(c echo.Context) error {
	id, err := idParam(c, "project")
	if err != nil {
		return err
	}
	if _, err := s.store.Project(c.Request().Context(), id); err != nil {
		return err
	}
	ms, err := s.store.ListMembers(c.Request().Context(), id)
	return respond(c, http.StatusOK, "members", ms, err)
}

type addMemberRequest struct {
	Email string `json:"email"`
	Role  string `json:"role"`
}

func (s *Server) addMember(c echo.Context) error {
	id, req, err := projectBody[addMemberRequest](c)
	if err != nil {
		return err
	}
	m, err := s.store.AddMember(c.Request().Context(), currentPrincipal(c).actor(c), id, req.Email, req.Role)
	return s.respondReloaded(c, http.StatusCreated, "member", m, err)
}

type updateMemberRequest struct {
	edit
	Role string `json:"role"`
}

func (s *Server) updateMember(c echo.Context) error {
	pid, uid, req, err := projectAndEdit[updateMemberRequest](c, "user", "the version you read")
	if err != nil {
		return err
	}
	m, err := s.store.UpdateMember(c.Request().Context(), currentPrincipal(c).actor(c), pid, uid, req.Role, *req.Version)
	return s.respondReloaded(c, http.StatusOK, "member", m, err)
}

func (s *Server) removeMember(c echo.Context) error {
	pid, uid, err := projectAnd(c, "user")
	if err != nil {
		return err
	}
	ctx := c.Request().Context()
	if err := s.store.RemoveMember(ctx, currentPrincipal(c).actor(c), pid, uid); err != nil {
		return err
	}
	if err := s.reloadAuthz(ctx); err != nil {
		return err
	}
	return c.NoContent(http.StatusNoContent)
}
