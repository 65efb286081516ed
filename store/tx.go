package store

import (
	"context"
	"errors"

	"github.com/jackc/pgx/v5"
	"gorm.io/gorm"
)

// withTx runs fn in a transaction of the pool and commits it when fn returns nil. fn's error comes
// back as it is: fn classifies its own, so that not-found, conflict, stale-version and validation
// errors reach the caller unchanged. Beginning and committing are classified under what.
func (s *Store) withTx(ctx context.Context, what string, fn func(tx pgx.Tx) error) error {
	tx, err := s.pool.Begin(ctx)
	if err != nil {
		return classify(err, what)
	}
	// Without ctx's cancellation: a cancelled request still ends its transaction.
	defer tx.Rollback(context.WithoutCancel(ctx))
	if err := fn(tx); err != nil {
		return err
	}
	return classify(tx.Commit(ctx), what)
}

// InTx runs fn in a transaction of the platform database and commits it when fn returns nil, as
// withTx does: for the packages that write several tables through the store's tx functions at once.
func (s *Store) InTx(ctx context.Context, what string, fn func(tx pgx.Tx) error) error {
	return s.withTx(ctx, what, fn)
}

// inTx is withTx for an fn that leaves its errors to be classified: they are, under what.
func (s *Store) inTx(ctx context.Context, what string, fn func(tx pgx.Tx) error) error {
	return s.withTx(ctx, what, func(tx pgx.Tx) error { return classify(fn(tx), what) })
}

// tx runs fn in a GORM transaction; errors come back classified.
func (s *Store) tx(ctx context.Context, what string, fn func(tx *gorm.DB) error) error {
	err := s.db.WithContext(ctx).Transaction(fn)
	if err == nil {
		return nil
	}
	var se *StaleVersionError
	var ve *ValidationError
	if errors.As(err, &se) || errors.As(err, &ve) || errors.Is(err, ErrNotFound) || errors.Is(err, ErrConflict) {
		return err
	}
	return classify(err, what)
}
