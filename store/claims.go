package store

import (
	"context"
	"errors"
	"time"

	"github.com/jackc/pgx/v5"
)

// The annotation and review queues are claimed and released the same way: an item is pending,
// claimed by one person under a lease, then done; see ClaimSQL and claimAnnotationSQL.

// claimWithRetry runs a one-statement claim. A claim that breaks a uniqueness rule lost a race with
// the same person's other claim, and one that found nothing may have found every open row locked by
// claims in progress (SKIP LOCKED): both try again, so "no work" is answered only when open says
// nothing is claimable.
func claimWithRetry(ctx context.Context, claim func() error, open func() (bool, error)) error {
	const attempts = 8
	for i := 1; ; i++ {
		err := claim()
		switch {
		case err == nil:
			return nil
		case uniqueViolation(err) && i < attempts:
		case errors.Is(err, pgx.ErrNoRows):
			more, oerr := open()
			if oerr != nil {
				return oerr
			}
			if !more || i >= attempts {
				return ErrNoWork
			}
		default:
			return err
		}
		select {
		case <-time.After(time.Duration(i) * time.Millisecond):
		case <-ctx.Done():
			return ctx.Err()
		}
	}
}

// releaseItem puts a claimed item of a queue ("annotation" or "review": the table <queue>_items)
// back to pending, audited as <queue>.release with the status and version it had. The caller
// locked the item and checked that the releaser holds its claim.
func releaseItem(ctx context.Context, tx pgx.Tx, a Actor, queue string, projectID, itemID int64, status string, version int) error {
	if _, err := tx.Exec(ctx, `UPDATE `+queue+`_items SET status = 'pending', claimed_by = NULL, lease_until = NULL, version = version + 1
		WHERE id = $1`, itemID); err != nil {
		return classify(err, "release "+queue+" item")
	}
	return auditTx(ctx, tx, a, queue+".release", queue+"_item", itemID, &projectID,
		map[string]any{"status": status, "version": version}, map[string]any{"status": "pending", "version": version + 1})
}
