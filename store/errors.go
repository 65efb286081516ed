package store

import (
	"context"
	"database/sql/driver"
	"errors"
	"fmt"
	"net"
	"sort"
	"strings"
	"syscall"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
)

var (
	// ErrNotFound: the object does not exist (or is not visible to the caller).
	ErrNotFound = errors.New("not found")
	// ErrConflict: the change collides with existing data (a duplicate email, a second membership, the last lead).
	ErrConflict = errors.New("conflict")
	// ErrUnavailable: the database cannot be reached; the request may succeed later.
	ErrUnavailable = errors.New("database unavailable")
)

// StaleVersionError reports an optimistic-concurrency failure: the caller edited an old version.
type StaleVersionError struct {
	Object  string
	Current int
}

func (e *StaleVersionError) Error() string {
	return fmt.Sprintf("%s was changed by someone else (now at version %d); reload and try again", e.Object, e.Current)
}

// ConflictError carries a human message for ErrConflict.
type ConflictError struct{ Msg string }

func (e *ConflictError) Error() string        { return e.Msg }
func (e *ConflictError) Is(target error) bool { return target == ErrConflict }

// notFoundError carries a human message for ErrNotFound.
type notFoundError struct{ msg string }

func (e *notFoundError) Error() string        { return e.msg }
func (e *notFoundError) Is(target error) bool { return target == ErrNotFound }

// NotFound is an error that the API answers with 404 and msg.
func NotFound(msg string) error { return &notFoundError{msg: msg} }

// ValidationError lists invalid input fields with a message each.
type ValidationError struct{ Fields map[string]string }

func (e *ValidationError) Error() string {
	keys := make([]string, 0, len(e.Fields))
	for k := range e.Fields {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	parts := make([]string, 0, len(keys))
	for _, k := range keys {
		parts = append(parts, k+": "+e.Fields[k])
	}
	return strings.Join(parts, "; ")
}

// Validator collects field errors.
type Validator map[string]string

// Check records msg for field when ok is false (keeping the first message per field).
func (v Validator) Check(ok bool, field, msg string) {
	if !ok {
		if _, seen := v[field]; !seen {
			v[field] = msg
		}
	}
}

// Err returns a *ValidationError, or nil when every check passed.
func (v Validator) Err() error {
	if len(v) == 0 {
		return nil
	}
	return &ValidationError{Fields: v}
}

// invariants are the checks the database makes when a transaction commits (the triggers of the
// migration keep_an_admin_and_a_lead), by constraint name, with what a refused edit is told.
var invariants = map[string]string{
	"users_keep_an_admin":     "this is the last enabled admin; make someone else admin first",
	"memberships_keep_a_lead": "a project needs at least one lead; make someone else lead first",
}

// classify turns driver errors into the package's sentinel errors where one applies.
func classify(err error, what string) error {
	if err == nil {
		return nil
	}
	var pe *pgconn.PgError
	if errors.As(err, &pe) && pe.Code == "23514" { // check_violation
		if msg, ok := invariants[pe.ConstraintName]; ok {
			return &ConflictError{Msg: msg}
		}
	}
	if isUnavailable(err) {
		return fmt.Errorf("store: %s: %w: %v", what, ErrUnavailable, err)
	}
	return fmt.Errorf("store: %s: %w", what, err)
}

// classifyRow classifies the error of a query for one row under what; no row at all is ErrNotFound
// with the message format and args make, which the API shows.
func classifyRow(err error, what, format string, args ...any) error {
	if errors.Is(err, pgx.ErrNoRows) {
		return &notFoundError{msg: fmt.Sprintf(format, args...)}
	}
	return classify(err, what)
}

// found reports whether a query for one row found it: no row at all is false with no error; other
// errors are classified under what.
func found(err error, what string) (bool, error) {
	if errors.Is(err, pgx.ErrNoRows) {
		return false, nil
	}
	return err == nil, classify(err, what)
}

func isUnavailable(err error) bool {
	if errors.Is(err, ErrUnavailable) || errors.Is(err, driver.ErrBadConn) {
		return true
	}
	if errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) {
		return false
	}
	var ce *pgconn.ConnectError
	if errors.As(err, &ce) {
		return true
	}
	var pe *pgconn.PgError
	if errors.As(err, &pe) {
		// Class 08: connection exception; 57P01-57P03: the server is shutting down or starting.
		return strings.HasPrefix(pe.Code, "08") || pe.Code == "57P01" || pe.Code == "57P02" || pe.Code == "57P03"
	}
	var ne net.Error
	if errors.As(err, &ne) {
		return true
	}
	if errors.Is(err, syscall.ECONNREFUSED) || errors.Is(err, syscall.ENOENT) || errors.Is(err, syscall.ECONNRESET) || errors.Is(err, syscall.EPIPE) {
		return true
	}
	msg := err.Error()
	return strings.Contains(msg, "conn closed") || strings.Contains(msg, "unexpected EOF") || strings.Contains(msg, "failed to connect")
}

func uniqueViolation(err error) bool {
	var pe *pgconn.PgError
	return errors.As(err, &pe) && pe.Code == "23505"
}
