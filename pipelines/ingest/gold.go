package ingest

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"sync"

	"golang.org/x/sync/errgroup"

	"github.com/jackc/pgx/v5"

	"github.com/goldset/goldset/pipelines/candidate"
	"github.com/goldset/goldset/pipelines/ingest/spider"
	"github.com/goldset/goldset/sqlexec"
	"github.com/goldset/goldset/store"
)

// Spider and BIRD questions come with gold SQL written for SQLite: it is translated to PostgreSQL,
// verified by execution against the original on the SQLite file, and stored as each question's
// imported candidate.

// goldQuery is a benchmark question with its SQLite gold SQL, to translate and verify.
type goldQuery struct {
	nlq   store.NLQ // the question as it is stored
	index int       // its position in the dataset's questions file
	dbID  string
	sql   string
}

// verifiedGold is a gold query translated to PostgreSQL and checked by execution.
type verifiedGold struct {
	db          store.Database
	translation sqlexec.Translation
	translErr   error
	v           spider.Verification
}

// reason says why a translation does not stand for its original ("" when it matches).
func (g verifiedGold) reason() string {
	if g.translErr != nil {
		return "cannot translate: " + g.translErr.Error()
	}
	return g.v.Reason
}

// verifyGold translates the gold queries, all on database db loaded from the SQLite file at path,
// to PostgreSQL over its loaded schema and verifies each by execution against the original on the
// SQLite file, on full results whatever the sandbox's display cap (spider.VerifyFull), as many at
// once as the sandbox runs. The SQLite file is opened once.
func (im *Importer) verifyGold(ctx context.Context, db store.Database, tables []store.DBTable, path string, golds []goldQuery) ([]verifiedGold, error) {
	sdb := &spiderDB{path: path}
	defer sdb.close()
	target := db.Target()
	stream := func(ctx context.Context, sql string, fn func([]any)) *sqlexec.Result {
		return im.Exec.RunStream(ctx, target, sql, spider.FullMaxRows, fn)
	}
	out := make([]verifiedGold, len(golds))
	g, gctx := errgroup.WithContext(ctx)
	g.SetLimit(im.Exec.Options().MaxConcurrent)
	for i, q := range golds {
		g.Go(func() error {
			conn, err := sdb.open()
			if err != nil {
				return err
			}
			vg := verifiedGold{db: db}
			// A schema per query: the translator is not promised to leave it as it was.
			vg.translation, vg.translErr = sqlexec.TranslateSQLite(q.sql, schemaInfo(tables))
			if vg.translErr == nil {
				vg.v = spider.VerifyFull(gctx, conn, q.sql, vg.translation.SQL, stream)
			}
			out[i] = vg
			return gctx.Err()
		})
	}
	return out, g.Wait()
}

// importGold imports the questions of database db, just imported from the SQLite file at path,
// each with its gold translated, verified and stored as its imported candidate.
func (im *Importer) importGold(ctx context.Context, a store.Actor, db store.Database, path string, golds []goldQuery) (*QuestionSummary, error) {
	// The database is committed from here on: a failure now leaves it without its questions, which
	// the same import run again adds.
	tables, err := im.Store.Tables(ctx, db.ID)
	var verified []verifiedGold
	if err == nil {
		verified, err = im.verifyGold(ctx, db, tables, path, golds)
	}
	var qsum *QuestionSummary
	if err == nil {
		qsum, err = im.insertGold(ctx, a, golds, verified)
	}
	if err != nil {
		return nil, fmt.Errorf("the database was imported (version %d) but not its questions; import again to add them: %w", db.Version, err)
	}
	return qsum, nil
}

// insertGold writes the questions of golds in one transaction, each with its gold (verified as
// verified[i]) as its imported candidate; a question whose translation does not match is marked
// needs_review and counted a mismatch. A question already present (by its origin key) is left as
// it is.
func (im *Importer) insertGold(ctx context.Context, a store.Actor, golds []goldQuery, verified []verifiedGold) (*QuestionSummary, error) {
	sum := &QuestionSummary{Total: len(verified)}
	err := im.Store.InTx(ctx, "import gold", func(tx pgx.Tx) error {
		for i, vg := range verified {
			q := golds[i]
			n := q.nlq
			sum.GoldTranslated++
			if vg.v.Match {
				sum.GoldMatched++
			} else {
				n.Status = store.NLQNeedsReview
				sum.Mismatches = append(sum.Mismatches, Mismatch{Index: q.index, DBID: q.dbID, Query: q.sql, Reason: vg.reason()})
			}
			inserted, err := sum.insert(ctx, tx, a, &n)
			if err != nil {
				return err
			}
			if !inserted {
				continue
			}
			if err := store.InsertCandidate(ctx, tx, a, importedCandidate(n.ID, q.sql, vg)); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return sum, err
	}
	if sum.GoldTranslated > 0 {
		sum.GoldMatchRate = float64(sum.GoldMatched) / float64(sum.GoldTranslated)
	}
	return sum, nil
}

// importedCandidate is a benchmark's gold SQL as the question's imported candidate: the
// translation (or the original, when it could not be translated), the SQLite original, and the
// verification with both results.
func importedCandidate(nlqID int64, original string, vg verifiedGold) *store.Candidate {
	dialect := "sqlite"
	c := &store.Candidate{NLQID: nlqID, Source: "import", SQL: vg.translation.SQL, OriginalSQL: &original, OriginalDialect: &dialect}
	if c.SQL == "" {
		c.SQL = original
	}
	c.Translation, _ = json.Marshal(map[string]any{"changes": vg.translation.Changes})
	ver := map[string]any{"match": vg.v.Match, "reason": vg.reason()}
	if vg.v.SQLite != nil {
		ver["sqlite"] = candidate.Preview(vg.v.SQLite)
	}
	if pg := vg.v.Postgres; pg != nil {
		ver["postgres"] = candidate.Preview(pg)
		candidate.SetOutcome(c, pg)
	}
	c.Verification, _ = json.Marshal(ver)
	return c
}

// spiderDB opens a dataset's SQLite file once, on first use, for every question that needs it.
type spiderDB struct {
	path string
	once sync.Once
	db   *sql.DB
	err  error
}

func (s *spiderDB) open() (*sql.DB, error) {
	s.once.Do(func() { s.db, s.err = spider.OpenSQLite(s.path) })
	return s.db, s.err
}

func (s *spiderDB) close() {
	if s.db != nil {
		s.db.Close()
	}
}
