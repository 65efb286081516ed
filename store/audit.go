package store

import (
	"context"
	"encoding/json"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"
	"gorm.io/gorm"
)

// AuditEntry is one recorded change.
type AuditEntry struct {
	ID         int64           `gorm:"primaryKey" json:"id"`
	At         time.Time       `json:"at"`
	ActorID    *int64          `json:"-"`
	ActorEmail *string         `gorm:"->;-:migration" json:"-"`
	Action     string          `json:"action"`
	ObjectType string          `json:"object_type"`
	ObjectID   string          `json:"object_id"`
	ProjectID  *int64          `json:"project_id"`
	Before     json.RawMessage `gorm:"type:jsonb" json:"before"`
	After      json.RawMessage `gorm:"type:jsonb" json:"after"`
	RequestID  string          `json:"request_id"`
}

func (AuditEntry) TableName() string { return "audit_log" }

// audit writes one entry inside tx. before/after are marshalled as JSON (nil stays NULL).
func audit(tx *gorm.DB, a Actor, action, objectType string, objectID any, projectID *int64, before, after any) error {
	e := AuditEntry{
		ActorID: a.id(), Action: action, ObjectType: objectType, ObjectID: fmt.Sprint(objectID),
		ProjectID: projectID, RequestID: a.RequestID,
	}
	var err error
	if e.Before, err = marshalOrNil(before); err != nil {
		return err
	}
	if e.After, err = marshalOrNil(after); err != nil {
		return err
	}
	return tx.Omit("At", "ActorEmail").Create(&e).Error
}

// auditTx writes an audit entry on a pgx transaction (imports run on pgx, not GORM).
func auditTx(ctx context.Context, tx pgx.Tx, a Actor, action, objectType string, objectID any, projectID *int64, before, after any) error {
	b, err := marshalOrNil(before)
	if err != nil {
		return err
	}
	af, err := marshalOrNil(after)
	if err != nil {
		return err
	}
	_, err = tx.Exec(ctx, `INSERT INTO audit_log (actor_id, action, object_type, object_id, project_id, before, after, request_id)
		VALUES ($1,$2,$3,$4,$5,$6,$7,$8)`, a.id(), action, objectType, fmt.Sprint(objectID), projectID, nullJSON(b), nullJSON(af), a.RequestID)
	return classify(err, "audit")
}

// AuditTx writes an audit entry inside tx (for work outside store that changes several objects).
func AuditTx(ctx context.Context, tx pgx.Tx, a Actor, action, objectType string, objectID any, projectID *int64, before, after any) error {
	return auditTx(ctx, tx, a, action, objectType, objectID, projectID, before, after)
}

func marshalOrNil(v any) (json.RawMessage, error) {
	if v == nil {
		return nil, nil
	}
	b, err := json.Marshal(v)
	if err != nil {
		return nil, fmt.Errorf("audit: %w", err)
	}
	return b, nil
}

// AuditQuery selects entries, newest first.
type AuditQuery struct {
	ProjectID *int64 // nil: all projects and global changes
	Before    int64  // only entries with id < Before (paging); 0 for the newest
	Limit     int    // 1..500, default 100
}

// ListAudit returns entries with the actor's email joined.
func (s *Store) ListAudit(ctx context.Context, q AuditQuery) ([]AuditEntry, error) {
	if q.Limit <= 0 || q.Limit > 500 {
		q.Limit = 100
	}
	db := s.db.WithContext(ctx).Table("audit_log a").
		Select("a.*, u.email AS actor_email").
		Joins("LEFT JOIN users u ON u.id = a.actor_id").
		Order("a.id DESC").Limit(q.Limit)
	if q.ProjectID != nil {
		db = db.Where("a.project_id = ?", *q.ProjectID)
	}
	if q.Before > 0 {
		db = db.Where("a.id < ?", q.Before)
	}
	out := []AuditEntry{} // an empty list, never JSON null
	if err := db.Scan(&out).Error; err != nil {
		return nil, classify(err, "list audit")
	}
	return out, nil
}
