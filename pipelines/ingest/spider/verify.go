package spider

import (
	"context"
	"database/sql"
	"fmt"

	"github.com/goldset/goldset/sqlexec"
)

// Verification is the outcome of checking a translation by execution.
type Verification struct {
	Match    bool
	Reason   string // why they differ (or a hint about how they agree); "" for a plain match
	SQLite   *sqlexec.Result
	Postgres *sqlexec.Result
}

// VerifyMaxRows caps the SQLite side like the sandbox caps the PostgreSQL side.
const VerifyMaxRows = 100_000

// Verify runs original on SQLite and translated on PostgreSQL (through run, which callers bind to
// sqlexec.Executor.Run with the target) and compares the results with sqlexec.Match: order
// matters only when the original has a top-level ORDER BY (decided on the translation when the
// original does not parse as PostgreSQL), numbers stored as text are not equal to numbers.
//
// When the strict comparison fails but a lenient one (NumericText) passes, Match stays false and
// Reason says so: the difference is real (a reader of the result sees "1" and 1), but the hint
// tells a reviewer it is a storage-type difference, not a wrong answer.
func Verify(ctx context.Context, sqliteDB *sql.DB, original, translated string, run func(ctx context.Context, sql string) *sqlexec.Result) Verification {
	v := Verification{
		SQLite:   RunSQLite(ctx, sqliteDB, original, VerifyMaxRows),
		Postgres: run(ctx, translated),
	}
	if !v.SQLite.OK() {
		v.Reason = "the original fails on SQLite: " + v.SQLite.Error
		return v
	}
	if !v.Postgres.OK() {
		v.Reason = "the translation fails on PostgreSQL: " + v.Postgres.Error
		return v
	}
	ordered, err := sqlexec.HasTopLevelOrderBy(original)
	if err != nil {
		ordered, err = sqlexec.HasTopLevelOrderBy(translated)
		if err != nil {
			ordered = false
		}
	}
	opt := sqlexec.MatchOptions{OrderMatters: ordered}
	m := sqlexec.Match(v.SQLite, v.Postgres, opt)
	if m.Match {
		v.Match = true
		return v
	}
	v.Reason = m.Reason
	opt.NumericText = true
	if lenient := sqlexec.Match(v.SQLite, v.Postgres, opt); lenient.Match {
		v.Reason = fmt.Sprintf("%s (they match when numbers stored as text count as numbers)", m.Reason)
	}
	return v
}
