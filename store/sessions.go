package store

import (
	"context"
	"errors"
	"time"

	"github.com/jackc/pgx/v5"
	"gorm.io/gorm"
)

// Session is a signed-in browser. The cookie holds the secret; the table holds its hash.
type Session struct {
	ID         int64 `gorm:"primaryKey"`
	TokenHash  []byte
	CSRFToken  string `gorm:"column:csrf_token"`
	UserID     int64
	UserAgent  string
	IP         string
	CreatedAt  time.Time
	LastSeenAt time.Time
	ExpiresAt  time.Time
}

// SessionTTL is how long a session lives without use; each use extends it (sliding expiry).
const SessionTTL = 7 * 24 * time.Hour

// NewSession is what CreateSession returns: the secret goes to the cookie, and is never stored.
type NewSession struct {
	Session Session
	Secret  string
}

// CreateSession signs u in and records the login in the audit log.
func (s *Store) CreateSession(ctx context.Context, a Actor, u User, userAgent, ip string) (NewSession, error) {
	secret := NewSecret("")
	sess := Session{
		TokenHash: HashSecret(secret), CSRFToken: NewSecret(""), UserID: u.ID,
		UserAgent: truncate(userAgent, 300), IP: ip, ExpiresAt: time.Now().Add(SessionTTL),
	}
	err := s.tx(ctx, "create session", func(tx *gorm.DB) error {
		if err := tx.Omit("CreatedAt", "LastSeenAt").Create(&sess).Error; err != nil {
			return err
		}
		a.UserID = u.ID
		return audit(tx, a, "session.login", "user", u.ID, nil, nil, map[string]any{"ip": ip, "user_agent": sess.UserAgent})
	})
	return NewSession{Session: sess, Secret: secret}, err
}

// SessionUser resolves a cookie secret to its live session and enabled user (one query), extending
// the session.
func (s *Store) SessionUser(ctx context.Context, secret string) (Session, User, error) {
	var sess Session
	var u User
	err := s.pool.QueryRow(ctx, `SELECT s.id, s.token_hash, s.csrf_token, s.user_id, s.user_agent, s.ip, s.created_at, s.last_seen_at, s.expires_at,
			u.id, u.email, u.name, u.password_hash, u.is_admin, u.disabled, u.version, u.created_at, u.updated_at
		FROM sessions s JOIN users u ON u.id = s.user_id
		WHERE s.token_hash = $1 AND s.expires_at > now()`, HashSecret(secret)).
		Scan(&sess.ID, &sess.TokenHash, &sess.CSRFToken, &sess.UserID, &sess.UserAgent, &sess.IP, &sess.CreatedAt, &sess.LastSeenAt, &sess.ExpiresAt,
			&u.ID, &u.Email, &u.Name, &u.PasswordHash, &u.IsAdmin, &u.Disabled, &u.Version, &u.CreatedAt, &u.UpdatedAt)
	if errors.Is(err, pgx.ErrNoRows) || (err == nil && u.Disabled) {
		return Session{}, User{}, ErrBadCredentials
	}
	if err != nil {
		return Session{}, User{}, classify(err, "get session")
	}
	// Extend at most once a minute, so a busy browser does not write on every request. Best effort:
	// a failure to extend must not fail the request it authenticates; the next one tries again.
	if time.Since(sess.LastSeenAt) > time.Minute {
		_, _ = s.pool.Exec(ctx, `UPDATE sessions SET last_seen_at = now(), expires_at = $2 WHERE id = $1`, sess.ID, time.Now().Add(SessionTTL))
	}
	return sess, u, nil
}

// DeleteSession signs a browser out.
func (s *Store) DeleteSession(ctx context.Context, a Actor, sess Session) error {
	return s.tx(ctx, "delete session", func(tx *gorm.DB) error {
		if err := tx.Delete(&Session{}, sess.ID).Error; err != nil {
			return err
		}
		return audit(tx, a, "session.logout", "user", sess.UserID, nil, nil, nil)
	})
}

// PurgeExpiredSessions deletes sessions past their expiry and returns how many.
func (s *Store) PurgeExpiredSessions(ctx context.Context) (int64, error) {
	res := s.db.WithContext(ctx).Where("expires_at <= now()").Delete(&Session{})
	return res.RowsAffected, classify(res.Error, "purge sessions")
}

func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return s[:n]
}
