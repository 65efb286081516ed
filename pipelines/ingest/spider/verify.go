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

// Full verification (VerifyFull) streams both results and never holds more than KeepRows rows or
// KeepBytes of them: a result within both is compared by sqlexec.Match with all its rules; a
// larger one by a hash of every row (sqlexec.CompareDigests), up to FullMaxRows rows a side.
const (
	FullMaxRows = 1_000_000
	KeepRows    = 10_000
	KeepBytes   = 8 << 20
)

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
	v.compare(original, translated, nil, nil)
	return v
}

// VerifyFull is Verify on the full results, independent of the sandbox's interactive row cap: both
// queries stream (stream binds sqlexec.Executor.RunStream to the target, with FullMaxRows), each
// row is hashed as it arrives and at most KeepRows of them are held. Results that fit are compared
// by sqlexec.Match as in Verify; larger ones by sqlexec.CompareDigests, and then the Verification's
// results hold only their first rows (sqlexec.DigestHeadRows, for a preview) beside their columns
// and counts. A side past FullMaxRows is truncated and cannot match.
func VerifyFull(ctx context.Context, sqliteDB *sql.DB, original, translated string, stream func(ctx context.Context, sql string, fn func([]any)) *sqlexec.Result) Verification {
	sd, pd := sqlexec.NewResultDigest(KeepRows, KeepBytes), sqlexec.NewResultDigest(KeepRows, KeepBytes)
	v := Verification{
		SQLite:   StreamSQLite(ctx, sqliteDB, original, FullMaxRows, sd.Add),
		Postgres: stream(ctx, translated, pd.Add),
	}
	// Results that fit are held whole and compared by Match; larger ones keep their first rows.
	whole := sd.Complete() && pd.Complete()
	for _, side := range []struct {
		r *sqlexec.Result
		d *sqlexec.ResultDigest
	}{{v.SQLite, sd}, {v.Postgres, pd}} {
		switch {
		case !side.r.OK():
		case whole:
			side.r.Rows = side.d.Rows()
		default:
			side.r.Rows = side.d.Head()
		}
	}
	if whole {
		v.Postgres.Fingerprint = sqlexec.Fingerprint(v.Postgres)
		sd, pd = nil, nil
	}
	v.compare(original, translated, sd, pd)
	return v
}

// compare sets Match and Reason from the two results: by sqlexec.Match, or by their digests when
// given (results too large to hold).
func (v *Verification) compare(original, translated string, sd, pd *sqlexec.ResultDigest) {
	if !v.SQLite.OK() {
		v.Reason = "the original fails on SQLite: " + v.SQLite.Error
		return
	}
	if !v.Postgres.OK() {
		v.Reason = "the translation fails on PostgreSQL: " + v.Postgres.Error
		return
	}
	ordered, err := sqlexec.HasTopLevelOrderBy(original)
	if err != nil {
		ordered, err = sqlexec.HasTopLevelOrderBy(translated)
		if err != nil {
			ordered = false
		}
	}
	opt := sqlexec.MatchOptions{OrderMatters: ordered}
	if sd != nil {
		m := sqlexec.CompareDigests(v.SQLite, v.Postgres, sd, pd, opt)
		v.Match, v.Reason = m.Match, m.Reason
		if m.Match {
			v.Reason = ""
		}
		return
	}
	m := sqlexec.Match(v.SQLite, v.Postgres, opt)
	if m.Match {
		v.Match = true
		return
	}
	v.Reason = m.Reason
	opt.NumericText = true
	if lenient := sqlexec.Match(v.SQLite, v.Postgres, opt); lenient.Match {
		v.Reason = fmt.Sprintf("%s (they match when numbers stored as text count as numbers)", m.Reason)
	}
}
