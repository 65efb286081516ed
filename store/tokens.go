package store

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"
	"gorm.io/gorm"
)

// TokenPrefix starts every API token, so a leaked one is easy to recognise in logs and by secret scanners.
const TokenPrefix = "gst_"

// APIToken is a personal token for scripts. Only the hash of the secret is stored.
type APIToken struct {
	ID         int64      `gorm:"primaryKey" json:"id"`
	UserID     int64      `json:"-"`
	Name       string     `json:"name"`
	Prefix     string     `json:"prefix"`
	TokenHash  []byte     `json:"-"`
	CreatedAt  time.Time  `json:"created_at"`
	ExpiresAt  *time.Time `json:"expires_at"`
	LastUsedAt *time.Time `json:"last_used_at"`
	RevokedAt  *time.Time `json:"revoked_at"`
}

// CreateToken issues a token for user; the secret is returned once and never again.
func (s *Store) CreateToken(ctx context.Context, a Actor, userID int64, name string, ttl time.Duration) (APIToken, string, error) {
	name = strings.TrimSpace(name)
	v := Validator{}
	v.Check(name != "", "name", "is required")
	v.Check(len(name) <= 100, "name", "must be at most 100 characters")
	v.Check(ttl >= 0 && ttl <= 5*366*24*time.Hour, "expires_in_days", "must be between 0 (never) and 1830 days")
	if err := v.Err(); err != nil {
		return APIToken{}, "", err
	}
	secret := NewSecret(TokenPrefix)
	t := APIToken{UserID: userID, Name: name, Prefix: secret[:len(TokenPrefix)+6], TokenHash: HashSecret(secret)}
	if ttl > 0 {
		exp := time.Now().Add(ttl).UTC()
		t.ExpiresAt = &exp
	}
	err := s.tx(ctx, "create token", func(tx *gorm.DB) error {
		if err := tx.Omit("CreatedAt").Create(&t).Error; err != nil {
			return err
		}
		if err := tx.First(&t, t.ID).Error; err != nil {
			return err
		}
		return audit(tx, a, "token.create", "api_token", t.ID, nil, nil, t)
	})
	return t, secret, err
}

// TokenUser resolves a bearer secret to its live token and enabled user. It runs on every API call, so
// it is one query (token and user joined) on the pgx pool.
func (s *Store) TokenUser(ctx context.Context, secret string) (APIToken, User, error) {
	var t APIToken
	var u User
	err := s.pool.QueryRow(ctx, `SELECT t.id, t.user_id, t.name, t.prefix, t.created_at, t.expires_at, t.last_used_at,
			u.id, u.email, u.name, u.password_hash, u.is_admin, u.disabled, u.version, u.created_at, u.updated_at
		FROM api_tokens t JOIN users u ON u.id = t.user_id
		WHERE t.token_hash = $1 AND t.revoked_at IS NULL AND (t.expires_at IS NULL OR t.expires_at > now())`, HashSecret(secret)).
		Scan(&t.ID, &t.UserID, &t.Name, &t.Prefix, &t.CreatedAt, &t.ExpiresAt, &t.LastUsedAt,
			&u.ID, &u.Email, &u.Name, &u.PasswordHash, &u.IsAdmin, &u.Disabled, &u.Version, &u.CreatedAt, &u.UpdatedAt)
	if errors.Is(err, pgx.ErrNoRows) || (err == nil && u.Disabled) {
		return APIToken{}, User{}, ErrBadCredentials
	}
	if err != nil {
		return APIToken{}, User{}, classify(err, "get token")
	}
	if t.LastUsedAt == nil || time.Since(*t.LastUsedAt) > time.Minute {
		// Best effort: when a token was last used is shown to its owner, and a failure to note it
		// must not fail the call it authenticates; the next call a minute on tries again.
		_, _ = s.pool.Exec(ctx, `UPDATE api_tokens SET last_used_at = now() WHERE id = $1`, t.ID)
	}
	return t, u, nil
}

// ListTokens returns a user's tokens, newest first, revoked ones included.
func (s *Store) ListTokens(ctx context.Context, userID int64) ([]APIToken, error) {
	out := []APIToken{} // an empty list, never JSON null
	err := s.db.WithContext(ctx).Where("user_id = ?", userID).Order("id DESC").Find(&out).Error
	return out, classify(err, "list tokens")
}

// RevokeToken ends a token of userID. Revoking twice is not an error.
func (s *Store) RevokeToken(ctx context.Context, a Actor, userID, tokenID int64) error {
	return s.tx(ctx, "revoke token", func(tx *gorm.DB) error {
		var t APIToken
		if err := tx.Where("id = ? AND user_id = ?", tokenID, userID).First(&t).Error; err != nil {
			if errors.Is(err, gorm.ErrRecordNotFound) {
				return ErrNotFound
			}
			return err
		}
		if t.RevokedAt != nil {
			return nil
		}
		if err := tx.Model(&t).Update("revoked_at", gorm.Expr("now()")).Error; err != nil {
			return err
		}
		return audit(tx, a, "token.revoke", "api_token", t.ID, nil, map[string]any{"name": t.Name}, map[string]any{"revoked": true})
	})
}

// RevokeAllTokens revokes every live API token of a user, as an administrator does for an account
// that may be compromised, and returns how many were live.
func (s *Store) RevokeAllTokens(ctx context.Context, a Actor, userID int64) (int, error) {
	var n int
	err := s.tx(ctx, "revoke all tokens", func(tx *gorm.DB) error {
		var exists bool
		if err := tx.Raw(`SELECT EXISTS (SELECT 1 FROM users WHERE id = ?)`, userID).Scan(&exists).Error; err != nil {
			return err
		}
		if !exists {
			return fmt.Errorf("store: revoke tokens of user %d: no such user: %w", userID, ErrNotFound)
		}
		var err error
		if n, err = revokeLiveTokens(tx, userID); err != nil {
			return err
		}
		return audit(tx, a, "user.revoke_tokens", "user", userID, nil, nil, map[string]any{"tokens_revoked": n})
	})
	return n, err
}

// revokeLiveTokens revokes a user's tokens that still work (neither revoked nor expired).
func revokeLiveTokens(tx *gorm.DB, userID int64) (int, error) {
	res := tx.Model(&APIToken{}).
		Where("user_id = ? AND revoked_at IS NULL AND (expires_at IS NULL OR expires_at > now())", userID).
		Update("revoked_at", gorm.Expr("now()"))
	return int(res.RowsAffected), res.Error
}
