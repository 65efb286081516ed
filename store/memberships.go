package store

import (
	"context"
	"errors"
	"time"

	"gorm.io/gorm"
	"gorm.io/gorm/clause"
)

// Membership gives a user a role in a project.
type Membership struct {
	ProjectID int64     `gorm:"primaryKey" json:"project_id"`
	UserID    int64     `gorm:"primaryKey" json:"user_id"`
	Role      string    `json:"role"`
	Version   int       `json:"version"`
	CreatedAt time.Time `json:"created_at"`
	UpdatedAt time.Time `json:"-"`
}

// Member is a membership with the person's details, as a lead sees it.
type Member struct {
	UserID    int64     `json:"user_id"`
	Email     string    `json:"email"`
	Name      string    `json:"name"`
	Role      string    `json:"role" tstype:"ProjectRole"`
	Version   int       `json:"version"`
	CreatedAt time.Time `json:"created_at"`
}

// UserMembership is one of a user's projects with the role held there.
type UserMembership struct {
	ProjectID   int64  `json:"project_id"`
	ProjectName string `json:"project_name"`
	Role        string `json:"role" tstype:"ProjectRole"`
}

// members selects memberships with the person's details, as Member holds them.
func (s *Store) members(ctx context.Context) *gorm.DB {
	return s.db.WithContext(ctx).Table("memberships m").
		Select("m.user_id, u.email, u.name, m.role, m.version, m.created_at").
		Joins("JOIN users u ON u.id = m.user_id")
}

// ListMembers returns a project's people, leads first.
func (s *Store) ListMembers(ctx context.Context, projectID int64) ([]Member, error) {
	out := []Member{} // an empty list, never JSON null
	err := s.members(ctx).
		Where("m.project_id = ?", projectID).
		Order("array_position(ARRAY['lead','reviewer','annotator'], m.role), u.email").
		Scan(&out).Error
	return out, classify(err, "list members")
}

// Member returns one membership with the person's details.
func (s *Store) Member(ctx context.Context, projectID, userID int64) (Member, error) {
	out := []Member{} // an empty list, never JSON null
	err := s.members(ctx).Where("m.project_id = ? AND m.user_id = ?", projectID, userID).Scan(&out).Error
	if err != nil {
		return Member{}, classify(err, "get member")
	}
	if len(out) == 0 {
		return Member{}, ErrNotFound
	}
	return out[0], nil
}

// UserMemberships lists the projects a user belongs to.
func (s *Store) UserMemberships(ctx context.Context, userID int64) ([]UserMembership, error) {
	out := []UserMembership{} // an empty list, never JSON null
	err := s.db.WithContext(ctx).Table("memberships m").
		Select("m.project_id, p.name AS project_name, m.role").
		Joins("JOIN projects p ON p.id = m.project_id").
		Where("m.user_id = ?", userID).Order("lower(p.name)").Scan(&out).Error
	return out, classify(err, "list user memberships")
}

// AllMemberships returns every membership (to build the authorization cache).
func (s *Store) AllMemberships(ctx context.Context) ([]Membership, error) {
	out := []Membership{} // an empty list, never JSON null
	err := s.db.WithContext(ctx).Find(&out).Error
	return out, classify(err, "list memberships")
}

// AdminIDs returns the ids of enabled admins.
func (s *Store) AdminIDs(ctx context.Context) ([]int64, error) {
	var ids []int64
	err := s.db.WithContext(ctx).Model(&User{}).Where("is_admin AND NOT disabled").Pluck("id", &ids).Error
	return ids, classify(err, "list admins")
}

// AddMember gives the user with email a role in a project.
func (s *Store) AddMember(ctx context.Context, a Actor, projectID int64, email, role string) (Member, error) {
	v := Validator{}
	v.Check(email != "", "email", "is required")
	v.Check(ValidRole(role), "role", "must be lead, reviewer or annotator")
	if err := v.Err(); err != nil {
		return Member{}, err
	}
	u, err := s.UserByEmail(ctx, email)
	if errors.Is(err, ErrNotFound) {
		return Member{}, &notFoundError{msg: "no user with email " + NormalizeEmail(email) + "; an admin must create the account first"}
	}
	if err != nil {
		return Member{}, err
	}
	if err := s.tx(ctx, "add member", func(tx *gorm.DB) error {
		var p Project
		if err := tx.First(&p, projectID).Error; err != nil {
			if errors.Is(err, gorm.ErrRecordNotFound) {
				return ErrNotFound
			}
			return err
		}
		return addMember(tx, a, projectID, u.ID, role)
	}); err != nil {
		return Member{}, err
	}
	return s.Member(ctx, projectID, u.ID)
}

func addMember(tx *gorm.DB, a Actor, projectID, userID int64, role string) error {
	m := Membership{ProjectID: projectID, UserID: userID, Role: role, Version: 1}
	if err := tx.Omit("CreatedAt", "UpdatedAt").Create(&m).Error; err != nil {
		if uniqueViolation(err) {
			return &ConflictError{Msg: "this user is already a member of the project"}
		}
		return err
	}
	return audit(tx, a, "member.add", "membership", userID, &projectID, nil, map[string]any{"user_id": userID, "role": role})
}

// UpdateMember changes a member's role if the membership is still at version.
func (s *Store) UpdateMember(ctx context.Context, a Actor, projectID, userID int64, role string, version int) (Member, error) {
	v := Validator{}
	v.Check(ValidRole(role), "role", "must be lead, reviewer or annotator")
	if err := v.Err(); err != nil {
		return Member{}, err
	}
	err := s.tx(ctx, "update member", func(tx *gorm.DB) error {
		before, err := lockMembership(tx, projectID, userID)
		if err != nil {
			return err
		}
		if before.Version != version {
			return &StaleVersionError{Object: "membership", Current: before.Version}
		}
		if before.Role == RoleLead && role != RoleLead {
			if err := ensureAnotherLead(tx, projectID, userID); err != nil {
				return err
			}
		}
		if err := tx.Model(&Membership{}).Where("project_id = ? AND user_id = ?", projectID, userID).Updates(map[string]any{
			"role": role, "version": gorm.Expr("version + 1"), "updated_at": gorm.Expr("now()"),
		}).Error; err != nil {
			return err
		}
		return audit(tx, a, "member.update", "membership", userID, &projectID,
			map[string]any{"user_id": userID, "role": before.Role}, map[string]any{"user_id": userID, "role": role})
	})
	if err != nil {
		return Member{}, err
	}
	return s.Member(ctx, projectID, userID)
}

// RemoveMember takes a user out of a project. The last lead cannot be removed.
func (s *Store) RemoveMember(ctx context.Context, a Actor, projectID, userID int64) error {
	return s.tx(ctx, "remove member", func(tx *gorm.DB) error {
		before, err := lockMembership(tx, projectID, userID)
		if err != nil {
			return err
		}
		if before.Role == RoleLead {
			if err := ensureAnotherLead(tx, projectID, userID); err != nil {
				return err
			}
		}
		if err := tx.Where("project_id = ? AND user_id = ?", projectID, userID).Delete(&Membership{}).Error; err != nil {
			return err
		}
		return audit(tx, a, "member.remove", "membership", userID, &projectID,
			map[string]any{"user_id": userID, "role": before.Role}, nil)
	})
}

func lockMembership(tx *gorm.DB, projectID, userID int64) (Membership, error) {
	// Lock every lead row of the project too, so two leads demoting each other at once cannot both
	// succeed; then the member's own row, so two edits of one version cannot both pass its check.
	var m Membership
	if err := tx.Exec("SELECT 1 FROM memberships WHERE project_id = ? AND role = 'lead' ORDER BY user_id FOR UPDATE", projectID).Error; err != nil {
		return m, err
	}
	err := tx.Clauses(clause.Locking{Strength: "UPDATE"}).Where("project_id = ? AND user_id = ?", projectID, userID).First(&m).Error
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return m, ErrNotFound
	}
	return m, err
}

func ensureAnotherLead(tx *gorm.DB, projectID, userID int64) error {
	var n int64
	if err := tx.Model(&Membership{}).Where("project_id = ? AND role = 'lead' AND user_id <> ?", projectID, userID).Count(&n).Error; err != nil {
		return err
	}
	if n == 0 {
		return &ConflictError{Msg: "a project needs at least one lead; make someone else lead first"}
	}
	return nil
}
