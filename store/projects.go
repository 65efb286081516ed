package store

import (
	"context"
	"errors"
	"strings"
	"time"
	"unicode/utf8"

	"gorm.io/gorm"
	"gorm.io/gorm/clause"
)

// Project is a body of work: its databases, questions, guidelines and people.
type Project struct {
	ID          int64     `gorm:"primaryKey" json:"id"`
	Name        string    `json:"name"`
	Description string    `json:"description"`
	CreatedBy   *int64    `json:"-"`
	Version     int       `json:"version"`
	CreatedAt   time.Time `json:"created_at"`
	UpdatedAt   time.Time `json:"-"`
}

// ProjectView is a project as one user sees it, with their role in it.
type ProjectView struct {
	Project
	MyRole string `json:"my_role" tstype:"MyProjectRole"`
}

// Roles in a project, strongest first. An admin acts as lead everywhere.
const (
	RoleLead      = "lead"
	RoleReviewer  = "reviewer"
	RoleAnnotator = "annotator"
	RoleAdmin     = "admin"
)

// ValidRole reports whether r is a project role.
func ValidRole(r string) bool { return r == RoleLead || r == RoleReviewer || r == RoleAnnotator }

func checkProjectFields(v Validator, name, description string) {
	v.Check(name != "", "name", "is required")
	v.Check(utf8.RuneCountInString(name) <= 100, "name", "must be at most 100 characters")
	v.Check(utf8.RuneCountInString(description) <= 2000, "description", "must be at most 2000 characters")
}

// CreateProject adds a project. When leadID is not 0, that user becomes its first lead.
func (s *Store) CreateProject(ctx context.Context, a Actor, name, description string, leadID int64) (Project, error) {
	p := Project{Name: strings.TrimSpace(name), Description: strings.TrimSpace(description), CreatedBy: a.id(), Version: 1}
	v := Validator{}
	checkProjectFields(v, p.Name, p.Description)
	if err := v.Err(); err != nil {
		return Project{}, err
	}
	err := s.tx(ctx, "create project", func(tx *gorm.DB) error {
		if err := tx.Omit("CreatedAt", "UpdatedAt").Create(&p).Error; err != nil {
			if uniqueViolation(err) {
				return &ConflictError{Msg: "a project named " + p.Name + " already exists"}
			}
			return err
		}
		if err := tx.First(&p, p.ID).Error; err != nil {
			return err
		}
		if err := audit(tx, a, "project.create", "project", p.ID, &p.ID, nil, p); err != nil {
			return err
		}
		if leadID != 0 {
			return addMember(tx, a, p.ID, leadID, RoleLead)
		}
		return nil
	})
	return p, err
}

// Project returns one project.
func (s *Store) Project(ctx context.Context, id int64) (Project, error) {
	return first[Project](s.db.WithContext(ctx), "get project", id)
}

// ProjectByName finds a project by its name, case-insensitively.
func (s *Store) ProjectByName(ctx context.Context, name string) (Project, error) {
	return first[Project](s.db.WithContext(ctx).Where("lower(name) = lower(?)", strings.TrimSpace(name)), "get project by name")
}

// ListProjects returns the projects u may see: all for an admin, their memberships otherwise.
func (s *Store) ListProjects(ctx context.Context, u User) ([]ProjectView, error) {
	out := []ProjectView{} // an empty list, never JSON null
	db := s.db.WithContext(ctx).Table("projects p").Order("lower(p.name)")
	if u.IsAdmin {
		db = db.Select("p.*, COALESCE(m.role, 'admin') AS my_role").
			Joins("LEFT JOIN memberships m ON m.project_id = p.id AND m.user_id = ?", u.ID)
	} else {
		db = db.Select("p.*, m.role AS my_role").
			Joins("JOIN memberships m ON m.project_id = p.id AND m.user_id = ?", u.ID)
	}
	if err := db.Scan(&out).Error; err != nil {
		return nil, classify(err, "list projects")
	}
	return out, nil
}

// ProjectPatch changes some fields of a project; nil fields stay.
type ProjectPatch struct {
	Version     int
	Name        *string
	Description *string
}

// UpdateProject applies p if the project is still at p.Version.
func (s *Store) UpdateProject(ctx context.Context, a Actor, id int64, p ProjectPatch) (Project, error) {
	var out Project
	err := s.tx(ctx, "update project", func(tx *gorm.DB) error {
		var before Project
		if err := tx.Clauses(clause.Locking{Strength: "UPDATE"}).First(&before, id).Error; err != nil {
			if errors.Is(err, gorm.ErrRecordNotFound) {
				return ErrNotFound
			}
			return err
		}
		if before.Version != p.Version {
			return &StaleVersionError{Object: "project", Current: before.Version}
		}
		after := before
		if p.Name != nil {
			after.Name = strings.TrimSpace(*p.Name)
		}
		if p.Description != nil {
			after.Description = strings.TrimSpace(*p.Description)
		}
		v := Validator{}
		checkProjectFields(v, after.Name, after.Description)
		if err := v.Err(); err != nil {
			return err
		}
		err := tx.Model(&Project{}).Where("id = ?", id).Updates(map[string]any{
			"name": after.Name, "description": after.Description,
			"version": gorm.Expr("version + 1"), "updated_at": gorm.Expr("now()"),
		}).Error
		if uniqueViolation(err) {
			return &ConflictError{Msg: "a project named " + after.Name + " already exists"}
		}
		if err != nil {
			return err
		}
		if err := tx.First(&out, id).Error; err != nil {
			return err
		}
		return audit(tx, a, "project.update", "project", id, &id, before, out)
	})
	return out, err
}
