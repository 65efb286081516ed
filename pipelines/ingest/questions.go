package ingest

import (
	"context"
	"encoding/csv"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	"github.com/jackc/pgx/v5"

	"github.com/goldset/goldset/pipelines/candidate"
	"github.com/goldset/goldset/pipelines/ingest/spider"
	"github.com/goldset/goldset/sqlexec"
	"github.com/goldset/goldset/store"
)

// QuestionSummary is what a question import did.
type QuestionSummary struct {
	Total    int `json:"total"`
	Imported int `json:"imported"`
	Existing int `json:"existing"` // already imported earlier (same file and row): left as they were
	// Skipped questions were not imported: their database failed (Spider) or their table is not in
	// the release (WikiTableQuestions).
	Skipped int `json:"skipped,omitempty"`
	// Gold SQL translated from SQLite and checked by execution (Spider).
	GoldTranslated int        `json:"gold_translated,omitempty"`
	GoldMatched    int        `json:"gold_matched,omitempty"`
	GoldMatchRate  float64    `json:"gold_match_rate,omitempty"`
	Mismatches     []Mismatch `json:"mismatches,omitempty"`
	// SQL that came with the questions and failed on PostgreSQL (plain CSV).
	SQLFailed int `json:"sql_failed,omitempty"`
}

// Mismatch is a gold query whose translation does not give the original's result; the NLQ is kept
// and marked for review with both results.
type Mismatch struct {
	Index  int    `json:"index"`
	DBID   string `json:"db_id"`
	Query  string `json:"query"`
	Reason string `json:"reason"`
}

// ImportSummary is what an import of databases and questions did.
type ImportSummary struct {
	Databases []DatabaseSummary `json:"databases"`
	Questions *QuestionSummary  `json:"questions,omitempty"`
	// Failed lists the databases that were not imported, each with its reason (see Err).
	Failed []DatabaseFailure `json:"failed,omitempty"`
}

// ImportSpider imports a Spider-layout folder: every database its questions use (from
// database/<db_id>/<db_id>.sqlite) and every question, with its SQLite gold SQL translated to
// PostgreSQL and verified by execution match against the original on the SQLite file. A question
// whose translation does not match is kept, marked needs_review, with both results.
//
// Each database is its own unit: its tables in one transaction, then its questions in another. A
// database that cannot be imported (a damaged or missing SQLite file, a value PostgreSQL refuses)
// leaves nothing behind, is named in ImportSummary.Failed with its reason, and its questions are
// counted as skipped; the other databases are imported all the same. A database already imported
// from the same file is reported unchanged and its questions already present are left as they
// are, so running the same import again imports only what is missing. The error is reserved for
// a dataset that cannot be read at all and for cancellation.
func (im *Importer) ImportSpider(ctx context.Context, a store.Actor, projectID int64, dir string, opt spider.DatasetOptions) (ImportSummary, error) {
	opt.SkipMissing = true
	ds, err := spider.ReadDataset(dir, opt)
	if err != nil {
		return ImportSummary{}, &store.ValidationError{Fields: map[string]string{"dataset": err.Error()}}
	}
	file := "dev.json"
	if opt.QuestionsFile != "" {
		file = filepath.Base(opt.QuestionsFile)
	}
	byDB := map[string][]spider.Question{}
	for _, q := range ds.Questions {
		byDB[q.DBID] = append(byDB[q.DBID], q)
	}
	sum := ImportSummary{Questions: &QuestionSummary{Total: len(ds.Questions)}}
	err = sum.eachDatabase(ctx, ds.DatabaseIDs(), ds.Missing, func(id string) int { return len(byDB[id]) },
		func(id string) error { return im.importSpiderDatabase(ctx, a, projectID, ds, id, file, byDB[id], &sum) })
	return sum, err
}

// importSpiderDatabase imports database id of ds and its questions qs, adding what it did to sum.
func (im *Importer) importSpiderDatabase(ctx context.Context, a store.Actor, projectID int64, ds *spider.Dataset, id, file string, qs []spider.Question, sum *ImportSummary) error {
	path := ds.SQLitePath(id)
	rel := fmt.Sprintf("database/%s/%s.sqlite", id, id) // as the dataset names it: path may be a temporary copy
	if err := spider.CheckSQLite(ctx, path, maxColumns); err != nil {
		return &store.ValidationError{Fields: map[string]string{"dataset": fmt.Sprintf("%s: %v", rel, strings.TrimPrefix(err.Error(), "spider: "))}}
	}
	dbs, err := im.ImportSQLite(ctx, a, projectID, path, id)
	if err != nil {
		return err
	}
	golds := make([]goldQuery, len(qs))
	for i, q := range qs {
		golds[i] = goldQuery{nlq: spiderNLQ(projectID, dbs.Database.ID, file, q), index: q.Index, dbID: q.DBID, sql: q.Query}
	}
	qsum, err := im.importGold(ctx, a, dbs.Database, path, golds)
	if err != nil {
		return err
	}
	sum.Databases = append(sum.Databases, dbs)
	sum.Questions.addGold(qsum)
	return nil
}

// insert inserts question n in tx unless the project has one with its origin key, and counts it as
// imported or as existing.
func (q *QuestionSummary) insert(ctx context.Context, tx pgx.Tx, a store.Actor, n *store.NLQ) (inserted bool, err error) {
	if inserted, err = store.InsertNLQ(ctx, tx, a, n); err != nil {
		return false, err
	}
	if inserted {
		q.Imported++
	} else {
		q.Existing++
	}
	return inserted, nil
}

// addGold adds what a database's import of benchmark questions with gold SQL did (o) to q.
func (q *QuestionSummary) addGold(o *QuestionSummary) {
	q.Imported += o.Imported
	q.Existing += o.Existing
	q.GoldTranslated += o.GoldTranslated
	q.GoldMatched += o.GoldMatched
	q.Mismatches = append(q.Mismatches, o.Mismatches...)
}

// spiderNLQ is Spider question q of file, on database dbID. Its key is its file and position, so
// importing the file again adds nothing.
func spiderNLQ(projectID, dbID int64, file string, q spider.Question) store.NLQ {
	key := fmt.Sprintf("spider:%s:%d", file, q.Index)
	origin, _ := json.Marshal(map[string]any{"kind": "spider", "file": file, "index": q.Index, "db_id": q.DBID})
	return store.NLQ{ProjectID: projectID, DatabaseID: &dbID, Question: q.Question, Origin: origin, OriginKey: &key}
}

// ImportQuestionsCSV imports a plain CSV of questions with a header naming the columns question and,
// optionally, sql, db (the database's name; else defaultDB) and table (the tables the question is
// about, by name or by the file they were imported from; see knownTables). SQL given here is PostgreSQL, is run
// through the sandbox, and is stored with its result; SQL that fails is kept with its error.
//
// A NUL byte in any cell refuses the file, naming line and column: a question and its SQL are
// gold-set text people read and run, PostgreSQL text cannot hold NUL, and rewriting them silently
// would change what the gold set says; the author fixes the line named.
func (im *Importer) ImportQuestionsCSV(ctx context.Context, a store.Actor, projectID int64, path, defaultDB string) (*QuestionSummary, error) {
	file := filepath.Base(path) // the name the user gave it: path may be a temporary copy
	rows, err := im.readQuestionsCSV(ctx, projectID, path, file, defaultDB)
	if err != nil {
		return nil, err
	}
	sum := &QuestionSummary{Total: len(rows)}
	return sum, im.Store.InTx(ctx, "import questions", func(tx pgx.Tx) error {
		return insertQuestionRows(ctx, tx, a, projectID, file, rows, sum)
	})
}

// insertQuestionRows writes the questions of rows (read from file) and their SQL, in tx.
func insertQuestionRows(ctx context.Context, tx pgx.Tx, a store.Actor, projectID int64, file string, rows []questionRow, sum *QuestionSummary) error {
	for _, q := range rows {
		dbID := q.db.ID
		key := fmt.Sprintf("csv:%s:%d", file, q.line)
		o := map[string]any{"kind": "csv", "file": file, "line": q.line}
		if len(q.tables) > 0 {
			o["tables"] = q.tables
		}
		origin, _ := json.Marshal(o)
		n := store.NLQ{ProjectID: projectID, DatabaseID: &dbID, Question: q.question, Origin: origin, OriginKey: &key}
		inserted, err := sum.insert(ctx, tx, a, &n)
		if err != nil {
			return err
		}
		if !inserted {
			continue
		}
		if q.result == nil {
			continue
		}
		c := store.Candidate{NLQID: n.ID, Source: "import", SQL: q.sql}
		candidate.SetOutcome(&c, q.result)
		if !q.result.OK() {
			sum.SQLFailed++
		}
		if err := store.InsertCandidate(ctx, tx, a, &c); err != nil {
			return err
		}
	}
	return nil
}

// questionRow is one line of a questions CSV, checked and resolved.
type questionRow struct {
	line          int
	question, sql string
	db            store.Database
	result        *sqlexec.Result // the SQL's run, when the line gives SQL
	tables        []string        // the tables the question is about ("table" column), when given
}

// readQuestionsCSV reads and checks every line of a questions CSV (see ImportQuestionsCSV), named
// file in errors, resolving each line's database and tables and running its SQL; nothing is written.
func (im *Importer) readQuestionsCSV(ctx context.Context, projectID int64, path, file, defaultDB string) ([]questionRow, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("questions %s: %w", file, err)
	}
	defer f.Close()
	r := csv.NewReader(f)
	r.FieldsPerRecord = -1
	header, err := r.Read()
	if err != nil {
		return nil, &store.ValidationError{Fields: map[string]string{"file": file + " has no header row: " + err.Error()}}
	}
	col := map[string]int{}
	for i, h := range header {
		col[strings.ToLower(strings.TrimSpace(strings.TrimPrefix(h, "\ufeff")))] = i
	}
	if _, ok := col["question"]; !ok {
		return nil, &store.ValidationError{Fields: map[string]string{"file": "needs a column named question (and optionally sql and db)"}}
	}
	var rows []questionRow
	dbCache := map[string]store.Database{}
	tableCache := map[int64][]store.DBTable{}
	for line := 2; ; line++ {
		rec, err := r.Read()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return nil, &store.ValidationError{Fields: map[string]string{"file": fmt.Sprintf("%s: line %d: %v", file, line, err)}}
		}
		for i, cell := range rec {
			if strings.Contains(cell, "\x00") {
				return nil, &store.ValidationError{Fields: map[string]string{"file": fmt.Sprintf(
					"%s: line %d, column %d (%s): contains a NUL byte (U+0000), which PostgreSQL text cannot hold", file, line, i+1, columnName(header, i))}}
			}
		}
		get := func(name string) string {
			if i, ok := col[name]; ok && i < len(rec) {
				return strings.TrimSpace(rec[i])
			}
			return ""
		}
		q := questionRow{line: line, question: get("question"), sql: get("sql")}
		if q.question == "" {
			return nil, &store.ValidationError{Fields: map[string]string{"file": fmt.Sprintf("line %d: the question is empty", line)}}
		}
		dbName := get("db")
		if dbName == "" {
			dbName = defaultDB
		}
		if dbName == "" {
			return nil, &store.ValidationError{Fields: map[string]string{"database": fmt.Sprintf("line %d names no database: add a db column or pass a default database", line)}}
		}
		db, ok := dbCache[dbName]
		if !ok {
			if db, err = im.Store.DatabaseByName(ctx, projectID, dbName); err != nil {
				return nil, fmt.Errorf("line %d: %w", line, err)
			}
			dbCache[dbName] = db
		}
		q.db = db
		if cell := get("table"); cell != "" {
			if _, ok := tableCache[db.ID]; !ok {
				if tableCache[db.ID], err = im.Store.Tables(ctx, db.ID); err != nil {
					return nil, err
				}
			}
			if q.tables, err = knownTables(tableCache[db.ID], cell); err != nil {
				return nil, &store.ValidationError{Fields: map[string]string{"file": fmt.Sprintf("line %d %s", line, err)}}
			}
		}
		if q.sql != "" {
			q.result = im.Exec.Run(ctx, db.Target(), q.sql)
		}
		rows = append(rows, q)
	}
	return rows, nil
}

// columnName is header's name for column i, or its number when the header is shorter.
func columnName(header []string, i int) string {
	if i < len(header) && strings.TrimSpace(header[i]) != "" {
		return strings.TrimSpace(strings.ReplaceAll(header[i], "\x00", ""))
	}
	return fmt.Sprintf("column %d", i+1)
}
