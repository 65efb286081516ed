package store

import (
	"context"
	"errors"
	"net/mail"
	"strings"
	"time"

	"gorm.io/gorm"
	"gorm.io/gorm/clause"
)

// User is a person with an account.
type User struct {
	ID           int64     `gorm:"primaryKey" json:"id"`
	Email        string    `json:"email"`
	Name         string    `json:"name"`
	PasswordHash string    `json:"-"`
	IsAdmin      bool      `json:"is_admin"`
	Disabled     bool      `json:"disabled"`
	Version      int       `json:"version"`
	CreatedAt    time.Time `json:"created_at"`
	UpdatedAt    time.Time `json:"-"`
}

// NewUser is the input of CreateUser. Password is the plain text; it is hashed here.
type NewUser struct {
	Email    string
	Name     string
	Password string
	IsAdmin  bool
}

// NormalizeEmail trims and lower-cases an address, the form stored and compared.
func NormalizeEmail(s string) string { return strings.ToLower(strings.TrimSpace(s)) }

func validEmail(s string) bool {
	a, err := mail.ParseAddress(s)
	return err == nil && a.Address == s && strings.Contains(s, "@")
}

// CheckPasswordRules validates a new password.
func CheckPasswordRules(v Validator, field, password string) {
	v.Check(len(password) >= MinPasswordLength, field, "must be at least 10 characters")
	v.Check(len(password) <= 256, field, "must be at most 256 characters")
}

// CreateUser adds an account.
func (s *Store) CreateUser(ctx context.Context, a Actor, in NewUser) (User, error) {
	in.Email = NormalizeEmail(in.Email)
	in.Name = strings.TrimSpace(in.Name)
	v := Validator{}
	v.Check(validEmail(in.Email), "email", "must be a valid address")
	v.Check(len(in.Name) <= 200, "name", "must be at most 200 characters")
	CheckPasswordRules(v, "password", in.Password)
	if err := v.Err(); err != nil {
		return User{}, err
	}
	hash, err := HashPassword(in.Password)
	if err != nil {
		return User{}, err
	}
	u := User{Email: in.Email, Name: in.Name, PasswordHash: hash, IsAdmin: in.IsAdmin, Version: 1}
	err = s.tx(ctx, "create user", func(tx *gorm.DB) error {
		if err := tx.Omit("CreatedAt", "UpdatedAt").Create(&u).Error; err != nil {
			if uniqueViolation(err) {
				return &ConflictError{Msg: "a user with email " + in.Email + " already exists"}
			}
			return err
		}
		if err := tx.First(&u, u.ID).Error; err != nil {
			return err
		}
		return audit(tx, a, "user.create", "user", u.ID, nil, nil, u)
	})
	return u, err
}

// User returns the account with id.
func (s *Store) User(ctx context.Context, id int64) (User, error) {
	return first[User](s.db.WithContext(ctx), "get user", id)
}

// UserByEmail returns the account with that email (case-insensitive).
func (s *Store) UserByEmail(ctx context.Context, email string) (User, error) {
	return first[User](s.db.WithContext(ctx).Where("email = ?", NormalizeEmail(email)), "get user by email")
}

// ListUsers returns every account by email.
func (s *Store) ListUsers(ctx context.Context) ([]User, error) {
	out := []User{} // an empty list, never JSON null
	if err := s.db.WithContext(ctx).Order("email").Find(&out).Error; err != nil {
		return nil, classify(err, "list users")
	}
	return out, nil
}

// CountUsers tells whether the installation has any account yet.
func (s *Store) CountUsers(ctx context.Context) (int64, error) {
	var n int64
	err := s.db.WithContext(ctx).Model(&User{}).Count(&n).Error
	return n, classify(err, "count users")
}

// UserPatch changes some fields of a user; nil fields stay.
type UserPatch struct {
	Version  int
	Name     *string
	Disabled *bool
	IsAdmin  *bool
}

// UpdateUser applies p if the user is still at p.Version. An admin cannot disable or demote the last
// enabled admin, which would lock everyone out.
func (s *Store) UpdateUser(ctx context.Context, a Actor, id int64, p UserPatch) (User, error) {
	var out User
	err := s.tx(ctx, "update user", func(tx *gorm.DB) error {
		// A demotion locks every enabled admin, in id order, before its own row: two admins demoting
		// each other at once then take turns, and the second sees the first's change when it counts
		// who is left (without it, each counts the other and both go).
		if (p.IsAdmin != nil && !*p.IsAdmin) || (p.Disabled != nil && *p.Disabled) {
			var admins []int64
			if err := tx.Model(&User{}).Clauses(clause.Locking{Strength: "UPDATE"}).
				Where("is_admin AND NOT disabled").Order("id").Pluck("id", &admins).Error; err != nil {
				return err
			}
		}
		var before User
		if err := tx.Clauses(clause.Locking{Strength: "UPDATE"}).First(&before, id).Error; err != nil {
			if errors.Is(err, gorm.ErrRecordNotFound) {
				return ErrNotFound
			}
			return err
		}
		if before.Version != p.Version {
			return &StaleVersionError{Object: "user", Current: before.Version}
		}
		after := before
		if p.Name != nil {
			after.Name = strings.TrimSpace(*p.Name)
			v := Validator{}
			v.Check(len(after.Name) <= 200, "name", "must be at most 200 characters")
			if err := v.Err(); err != nil {
				return err
			}
		}
		if p.Disabled != nil {
			after.Disabled = *p.Disabled
		}
		if p.IsAdmin != nil {
			after.IsAdmin = *p.IsAdmin
		}
		if before.IsAdmin && !before.Disabled && (!after.IsAdmin || after.Disabled) {
			var admins int64
			if err := tx.Model(&User{}).Where("is_admin AND NOT disabled AND id <> ?", id).Count(&admins).Error; err != nil {
				return err
			}
			if admins == 0 {
				return &ConflictError{Msg: "this is the last enabled admin; make someone else admin first"}
			}
		}
		res := tx.Model(&User{}).Where("id = ? AND version = ?", id, p.Version).Updates(map[string]any{
			"name": after.Name, "disabled": after.Disabled, "is_admin": after.IsAdmin,
			"version": gorm.Expr("version + 1"), "updated_at": gorm.Expr("now()"),
		})
		if res.Error != nil {
			return res.Error
		}
		if after.Disabled && !before.Disabled {
			// A disabled account loses its sessions at once; its tokens stop working by the disabled check.
			if err := tx.Where("user_id = ?", id).Delete(&Session{}).Error; err != nil {
				return err
			}
		}
		if err := tx.First(&out, id).Error; err != nil {
			return err
		}
		return audit(tx, a, "user.update", "user", id, nil, before, out)
	})
	return out, err
}

// PasswordChange says what else ends with the old password. The user's other sessions always do.
type PasswordChange struct {
	KeepSession  int64 // the session that made the change stays signed in; 0 ends every session
	RevokeTokens bool  // also revoke every live API token of the user
}

// SetPassword replaces a user's password and ends their sessions except opt.KeepSession; with
// opt.RevokeTokens it also revokes their live API tokens, in the same transaction, and returns how many.
func (s *Store) SetPassword(ctx context.Context, a Actor, id int64, password string, opt PasswordChange) (tokensRevoked int, err error) {
	v := Validator{}
	CheckPasswordRules(v, "password", password)
	if err := v.Err(); err != nil {
		return 0, err
	}
	hash, err := HashPassword(password)
	if err != nil {
		return 0, err
	}
	err = s.tx(ctx, "set password", func(tx *gorm.DB) error {
		res := tx.Model(&User{}).Where("id = ?", id).Updates(map[string]any{
			"password_hash": hash, "version": gorm.Expr("version + 1"), "updated_at": gorm.Expr("now()"),
		})
		if res.Error != nil {
			return res.Error
		}
		if res.RowsAffected == 0 {
			return ErrNotFound
		}
		if err := tx.Where("user_id = ? AND id <> ?", id, opt.KeepSession).Delete(&Session{}).Error; err != nil {
			return err
		}
		if opt.RevokeTokens {
			if tokensRevoked, err = revokeLiveTokens(tx, id); err != nil {
				return err
			}
		}
		return audit(tx, a, "user.set_password", "user", id, nil, nil,
			map[string]any{"sessions_ended": true, "tokens_revoked": tokensRevoked})
	})
	return tokensRevoked, err
}

// Authenticate checks email and password. Unknown email, wrong password and a disabled account all
// return ErrBadCredentials, after the same amount of work.
func (s *Store) Authenticate(ctx context.Context, email, password string) (User, error) {
	u, err := s.UserByEmail(ctx, email)
	if errors.Is(err, ErrNotFound) {
		BurnPasswordCheck(password)
		return User{}, ErrBadCredentials
	}
	if err != nil {
		return User{}, err
	}
	if !CheckPassword(u.PasswordHash, password) || u.Disabled {
		return User{}, ErrBadCredentials
	}
	return u, nil
}
