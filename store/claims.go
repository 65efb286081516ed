package store

import (
	"context"
	"errors"
	"time"

	"github.com/jackc/pgx/v5"
)

// The annotation and review queues are claimed and released the same way: an item is pending,
// claimed by one person under a lease, then done; see ClaimSQL and claimAnnotationSQL.

// ErrNoWork: the queue has nothing this person may take.
var ErrNoWork = errors.New("nothing in the queue this person may take")

// claimWithRetry runs a one-statement claim.
//
// A claim that breaks a uniqueness rule lost a race with the same person's other claim: it is tried
// again a few times, and then finds the claim the other one made.
//
// A claim that found nothing may have found every open row locked by claims in progress (SKIP
// LOCKED). Each of those claims either commits, and its row is no longer open, or rolls back, and
// the row is open again; neither takes long, but on a busy machine longer than a few retries. So the
// claim is tried again for as long as open says something is claimable, and "no work" is answered
// only when nothing is. A row held for longer than lockWait, which no claim takes, ends the wait as
// "no work" too.
func claimWithRetry(ctx context.Context, claim func() error, open func() (bool, error)) error {
	const (
		attempts = 8
		lockWait = 10 * time.Second
		maxPause = 20 * time.Millisecond
	)
	deadline := time.Now().Add(lockWait)
	conflicts := 0
	for i := 1; ; i++ {
		err := claim()
		switch {
		case err == nil:
			return nil
		case uniqueViolation(err) && conflicts < attempts:
			conflicts++
		case errors.Is(err, pgx.ErrNoRows):
			more, oerr := open()
			if oerr != nil {
				return oerr
			}
			if !more || time.Now().After(deadline) {
				return ErrNoWork
			}
		default:
			return err
		}
		select {
		case <-time.After(min(time.Duration(i)*time.Millisecond, maxPause)):
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
