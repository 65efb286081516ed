package store

import (
	"errors"
	"fmt"
	"testing"

	"github.com/jackc/pgx/v5/pgconn"
)

// A commit the database refuses because it would break one of its invariants is the conflict the
// store's own checks give; another check violation stays what it is.
func TestClassify_InvariantViolationsAreConflicts(t *testing.T) {
	t.Parallel()
	for name, want := range invariants {
		err := classify(fmt.Errorf("commit: %w", &pgconn.PgError{Code: "23514", ConstraintName: name}), "save")
		var ce *ConflictError
		if !errors.As(err, &ce) || ce.Msg != want || !errors.Is(err, ErrConflict) {
			t.Errorf("%s: %v, want the conflict %q", name, err, want)
		}
	}
	err := classify(&pgconn.PgError{Code: "23514", ConstraintName: "nlqs_status_check"}, "save")
	if errors.Is(err, ErrConflict) {
		t.Errorf("another check violation became a conflict: %v", err)
	}
}
