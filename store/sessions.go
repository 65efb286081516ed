package store

import (
	"context"
	"errors"
	"time"

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

// SessionUser resolves a cookie secret to its live session and enabled user, extending the session.
func (s *Store) SessionUser(ctx context.Context, secret string) (Session, User, error) {
	var sess Session
	err := s.db.WithContext(ctx).Where("token_hash = ? AND expires_at > now()", HashSecret(secret)).First(&sess).Error
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return Session{}, User{}, ErrBadCredentials
	}
	if err != nil {
		return Session{}, User{}, classify(err, "get session")
	}
	u, err := s.User(ctx, sess.UserID)
	if errors.Is(err, ErrNotFound) || (err == nil && u.Disabled) {
		return Session{}, User{}, ErrBadCredentials
	}
	if err != nil {
		return Session{}, User{}, err
	}
	// Extend at most once a minute, so a busy browser does not write on every request.
	if time.Since(sess.LastSeenAt) > time.Minute {
		s.db.WithContext(ctx).Model(&Session{}).Where("id = ?", sess.ID).
			Updates(map[string]any{"last_seen_at": gorm.Expr("now()"), "expires_at": time.Now().Add(SessionTTL)})
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
