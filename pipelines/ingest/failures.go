package ingest

import (
	"context"
	"errors"
	"fmt"
	"sort"
	"strings"

	"github.com/jackc/pgx/v5/pgconn"

	"github.com/goldset/goldset/store"
)

// DatabaseFailure is one database of a multi-database import (a Spider folder, a zip of SQLite
// files) that was not imported, and why. Nothing of it was written; the others were imported.
type DatabaseFailure struct {
	Name   string `json:"name"`
	Reason string `json:"reason"`
}

// FailedError says which databases of an import failed. The summary beside it holds what was
// imported: running the same import again imports only what is missing.
type FailedError struct {
	Failed   []DatabaseFailure
	Imported int // databases imported or found unchanged
}

func (e *FailedError) Error() string {
	parts := make([]string, len(e.Failed))
	for i, f := range e.Failed {
		parts[i] = f.Name + ": " + f.Reason
	}
	return fmt.Sprintf("%d of %d databases could not be imported: %s",
		len(e.Failed), len(e.Failed)+e.Imported, strings.Join(parts, "; "))
}

// Err is a *FailedError when some database of the import failed, else nil.
func (s ImportSummary) Err() error {
	if len(s.Failed) == 0 {
		return nil
	}
	return &FailedError{Failed: s.Failed, Imported: len(s.Databases)}
}

// eachDatabase imports the databases ids of a dataset one at a time with importOne. One that
// missing says cannot be read, or that importOne fails, is recorded in Failed and its questions
// (how many: questions) counted as skipped; the others go on. Then the gold match rate is computed
// over what was imported. It returns an error only when the import as a whole must stop.
func (s *ImportSummary) eachDatabase(ctx context.Context, ids []string, missing map[string]error, questions func(id string) int, importOne func(id string) error) error {
	for _, id := range ids {
		err := missing[id]
		if err == nil {
			err = importOne(id)
		}
		if err != nil {
			s.Questions.Skipped += questions(id)
			if err := s.fail(ctx, id, err); err != nil {
				return err
			}
		}
	}
	if q := s.Questions; q.GoldTranslated > 0 {
		q.GoldMatchRate = float64(q.GoldMatched) / float64(q.GoldTranslated)
	}
	return nil
}

// fail records that database name was not imported. It returns err itself when the import as a
// whole must stop: the caller gave up, so no later database would fare better.
func (s *ImportSummary) fail(ctx context.Context, name string, err error) error {
	if ctx.Err() != nil {
		return ctx.Err()
	}
	s.Failed = append(s.Failed, DatabaseFailure{Name: name, Reason: failureReason(err)})
	return nil
}

// failureReason is err as the person who brought the files reads it: a validation's messages, or
// PostgreSQL's own message for what it refused, without the driver's decoration.
func failureReason(err error) string {
	var ve *store.ValidationError
	if errors.As(err, &ve) {
		keys := make([]string, 0, len(ve.Fields))
		for k := range ve.Fields {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		msgs := make([]string, len(keys))
		for i, k := range keys {
			msgs[i] = ve.Fields[k]
		}
		return strings.Join(msgs, "; ")
	}
	var pe *pgconn.PgError
	if errors.As(err, &pe) {
		msg := "PostgreSQL refused it: " + pe.Message
		if pe.Detail != "" {
			msg += " (" + pe.Detail + ")"
		}
		return msg
	}
	return strings.TrimPrefix(err.Error(), "spider: ")
}
