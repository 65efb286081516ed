package export

import (
	"archive/zip"
	"cmp"
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"regexp"
	"slices"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"
	_ "modernc.org/sqlite" // registers the "sqlite" database/sql driver

	"github.com/goldset/goldset/pipelines/golden"
	"github.com/goldset/goldset/pipelines/ingest/spider"
	"github.com/goldset/goldset/pipelines/schemas"
	"github.com/goldset/goldset/sqlexec"
	"github.com/goldset/goldset/store"
)

// FormatSpider is one zip in the layout of Spider's release, which ImportSpider and Spider's
// evaluators read: the questions of each split, tables.json, a gold SQL file per split and every
// database the pairs use as a SQLite file.
const FormatSpider = "spider"

// spiderFiles names each split's questions file and gold SQL file as Spider's release does, so the
// val split is dev.json, the file ImportSpider reads when no other is named.
var spiderFiles = map[string]struct{ questions, gold string }{
	golden.SplitTrain: {"train_spider.json", "train_gold.sql"},
	golden.SplitVal:   {"dev.json", "dev_gold.sql"},
	golden.SplitTest:  {"test.json", "test_gold.sql"},
}

// SpiderReportFile is the zip's account of what could not be exported faithfully.
const SpiderReportFile = "goldset_export_report.json"

// spiderQuestion is one entry of a Spider questions file. Spider's query_toks, question_toks and
// sql (a parse tree) are left out: neither ImportSpider nor Spider's evaluators (evaluation.py,
// the test-suite evaluator), which read the gold SQL file and the SQLite files, need them.
type spiderQuestion struct {
	DBID     string `json:"db_id"`
	Question string `json:"question"`
	Query    string `json:"query"`
}

// SpiderReport is the head of goldset_export_report.json; the problems follow it in the file.
type SpiderReport struct {
	SnapshotID int64             `json:"snapshot_id"`
	Split      string            `json:"split"`
	Files      map[string]string `json:"files"` // split → questions file
	Databases  []string          `json:"databases"`
	Counts     SpiderCounts      `json:"counts"`
	// ErrorRate is the snapshot's estimated error rate from its audits when the file was written.
	ErrorRate golden.ErrorRate `json:"error_rate"`
}

// SpiderCounts add up the pairs of the split: Pairs = Exported + Skipped, and the exported ones
// each ran the same (SameResult), failed on SQLite, gave another result, or could not be compared
// because their gold fails in PostgreSQL.
type SpiderCounts struct {
	Pairs           int `json:"pairs"`
	Exported        int `json:"exported"`
	Skipped         int `json:"skipped"` // no database, or it was deleted since the cut
	SameResult      int `json:"same_result"`
	FailsOnSQLite   int `json:"fails_on_sqlite"`
	DifferentResult int `json:"different_result"`
	GoldFails       int `json:"gold_fails"`
}

// SpiderProblem is one pair the report lists.
type SpiderProblem struct {
	NLQID    int64  `json:"nlq_id"`
	DBID     string `json:"db_id"`
	Question string `json:"question"`
	Kind     string `json:"kind"` // skipped, fails_on_sqlite, different_result, gold_fails
	Reason   string `json:"reason"`
}

// spiderDatabase is one database version the pairs use, once written as SQLite.
type spiderDatabase struct {
	id     int64
	name   string // the pair's database name
	dbID   string // its db_id in the zip: a file name, unique in the zip
	db     *store.Database
	tables []spiderTable
	schema spider.SchemaJSON
	path   string
	conn   *sql.DB // the written file, read-only, for checking the queries
}

// spiderTable is a table with the names it gets in SQLite.
type spiderTable struct {
	pg, name string // the target's name; the SQLite one
	cols     []sqlexec.ColumnDef
	colNames []string // SQLite names, by column
	t        store.DBTable
}

// writeSpider writes the zip: the databases first (so the queries can be checked on them as the
// questions stream), then tables.json, each split's questions and gold SQL, and the report. It
// walks the snapshot's pairs once to find the databases, and twice per split; per database it
// keeps the schema and a SQLite file on disk, never the pairs.
func (x *Exports) writeSpider(ctx context.Context, projectID, snapshotID int64, p ExportParams, w io.Writer) (int, error) {
	return x.writeZip(ctx, FormatSpider, projectID, snapshotID, p, w, func(e *zipExport) error {
		schemas := []spider.SchemaJSON{}
		for _, d := range sortedDatabases(e.dbs) {
			if d.db == nil {
				continue
			}
			if err := zipFile(e.zw, "database/"+d.dbID+"/"+d.dbID+".sqlite", d.path); err != nil {
				return err
			}
			schemas = append(schemas, d.schema)
			e.rep.Databases = append(e.rep.Databases, d.dbID)
		}
		if err := zipJSON(e.zw, "tables.json", schemas); err != nil {
			return err
		}
		for _, split := range e.splits {
			files := spiderFiles[split]
			e.rep.Files[split] = files.questions
			err := e.writeQuestions(ctx, split, files.questions, func(_ int, d *spiderDatabase, pr *store.SnapshotPair, query string) any {
				return spiderQuestion{DBID: d.dbID, Question: pr.Question, Query: query}
			})
			if err != nil {
				return err
			}
			if err := e.writeGold(ctx, split, files.gold); err != nil {
				return err
			}
		}
		return nil
	})
}

// spiderQuery is the SQL a pair's Spider entry gets: the SQLite original of a pair imported from
// Spider, else the gold PostgreSQL SQL; on one line, as the gold SQL file needs.
func spiderQuery(pr *store.SnapshotPair) string {
	q := pr.OriginalSQL
	if q == "" {
		q = pr.SQL
	}
	return strings.TrimSpace(strings.NewReplacer("\r\n", " ", "\n", " ", "\r", " ", "\t", " ").Replace(q))
}

// checkSpiderQuery runs query on the exported SQLite file and gold on the pair's database in the
// sandbox, and compares them as the Spider import verifies a translation (spider.VerifyFull). It
// returns "" when they agree, else the kind of problem and why.
func (x *Exports) checkSpiderQuery(ctx context.Context, d *spiderDatabase, query, gold string) (kind, reason string) {
	target := d.db.Target()
	// On full results, as the import verifies: the sandbox's display cap must not make a long
	// result a difference.
	v := spider.VerifyFull(ctx, d.conn, query, gold, func(ctx context.Context, sql string, fn func([]any)) *sqlexec.Result {
		return x.Exec.RunStream(ctx, target, sql, spider.FullMaxRows, fn)
	})
	switch {
	case v.Match:
		return "", ""
	case !v.SQLite.OK():
		return "fails_on_sqlite", v.SQLite.Error
	case !v.Postgres.OK():
		return "gold_fails", "the gold SQL fails in PostgreSQL: " + v.Postgres.Error
	}
	return "different_result", v.Reason
}

// spiderDatabases walks the pairs of the split for the database versions they use, and gives each
// a db_id: its name made a safe file name, with "_v<version>" when the snapshot holds two versions
// of it. A database deleted since the cut is kept with db nil, so its pairs are reported.
func (x *Exports) spiderDatabases(ctx context.Context, projectID, snapshotID int64, split string) (map[int64]*spiderDatabase, error) {
	if split == golden.SplitAll {
		split = ""
	}
	type seen struct {
		name    string
		version int
	}
	ids := map[int64]seen{}
	err := x.Store.EachSnapshotPair(ctx, snapshotID, split, func(pr *store.SnapshotPair) error {
		if pr.DatabaseID != nil {
			if _, ok := ids[*pr.DatabaseID]; !ok {
				v := 0
				if pr.DatabaseVersion != nil {
					v = *pr.DatabaseVersion
				}
				ids[*pr.DatabaseID] = seen{pr.DatabaseName, v}
			}
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	dbs := map[int64]*spiderDatabase{}
	for id, s := range ids {
		dbs[id] = &spiderDatabase{id: id, name: s.name, dbID: spiderName(s.name, id)}
	}
	used := map[string]bool{}
	for _, d := range sortedDatabases(dbs) {
		if used[strings.ToLower(d.dbID)] {
			d.dbID = fmt.Sprintf("%s_v%d", d.dbID, ids[d.id].version)
		}
		for used[strings.ToLower(d.dbID)] { // two versions numbered alike, or a name that ends in _vN
			d.dbID = fmt.Sprintf("%s_%d", d.dbID, d.id)
		}
		used[strings.ToLower(d.dbID)] = true
		db, err := x.Store.Database(ctx, projectID, d.id)
		switch {
		case errors.Is(err, store.ErrNotFound):
			continue
		case err != nil:
			return nil, err
		}
		d.db = &db
	}
	return dbs, nil
}

// sortedDatabases orders the databases by id, so that the zip is the same for the same snapshot.
func sortedDatabases(dbs map[int64]*spiderDatabase) []*spiderDatabase {
	out := make([]*spiderDatabase, 0, len(dbs))
	for _, d := range dbs {
		out = append(out, d)
	}
	slices.SortFunc(out, func(a, b *spiderDatabase) int { return cmp.Compare(a.id, b.id) })
	return out
}

var unsafeFileChars = regexp.MustCompile(`[^A-Za-z0-9_-]+`)

// spiderName makes a database name a db_id: it names a folder and a file in the zip.
func spiderName(name string, id int64) string {
	s := strings.Trim(unsafeFileChars.ReplaceAllString(name, "_"), "_")
	if s == "" {
		s = fmt.Sprintf("db%d", id)
	}
	return s
}

// spiderSQLite writes the database version as a SQLite file at path, table by table, rows streamed
// from PostgreSQL into one transaction per table, fills in d's schema for tables.json, and opens
// the file read-only for the checks. A database imported from SQLite gets its original table and
// column names back, so that the SQLite-dialect gold it came with runs as written; any other keeps
// the names it has in PostgreSQL, which its gold SQL uses.
func (x *Exports) spiderSQLite(ctx context.Context, d *spiderDatabase, path string) error {
	tables, err := x.Store.Tables(ctx, d.id)
	if err != nil {
		return err
	}
	originals := d.db.Kind == "sqlite"
	byPG := map[string]*spiderTable{}
	for _, t := range tables {
		st := spiderTable{pg: t.Name, name: t.Name, cols: schemas.Columns(t), t: t}
		if originals && t.Original != "" {
			st.name = t.Original
		}
		for _, c := range st.cols {
			name := c.Name
			if originals && c.Original != "" {
				name = c.Original
			}
			st.colNames = append(st.colNames, name)
		}
		d.tables = append(d.tables, st)
	}
	for i := range d.tables {
		byPG[d.tables[i].pg] = &d.tables[i]
	}
	d.schema = spiderSchema(d.dbID, d.tables, byPG)

	db, err := sql.Open("sqlite", path)
	if err != nil {
		return err
	}
	defer db.Close()
	db.SetMaxOpenConns(1)
	// The file is written once and copied; a crash leaves only a temporary file to delete.
	for _, pragma := range []string{"PRAGMA journal_mode = OFF", "PRAGMA synchronous = OFF"} {
		if _, err := db.ExecContext(ctx, pragma); err != nil {
			return err
		}
	}
	for i := range d.tables {
		if err := x.spiderTable(ctx, db, d, &d.tables[i], byPG); err != nil {
			return fmt.Errorf("table %s: %w", d.tables[i].pg, err)
		}
	}
	if err := db.Close(); err != nil {
		return err
	}
	d.path = path
	d.conn, err = spider.OpenSQLite(path)
	return err
}

// sqliteTypes declares each target type as the type that ReadSQLite reads back as the same one
// (dates and timestamps, which SQLite does not have, come back as text).
var sqliteTypes = map[sqlexec.ColumnType]string{
	sqlexec.TypeInteger:   "INTEGER",
	sqlexec.TypeNumeric:   "NUMERIC",
	sqlexec.TypeFloat:     "REAL",
	sqlexec.TypeDate:      "DATE",
	sqlexec.TypeTimestamp: "DATETIME",
	sqlexec.TypeBoolean:   "BOOLEAN",
	sqlexec.TypeText:      "TEXT",
}

// spiderTable creates one table and copies its rows, read from PostgreSQL as they arrive: numbers
// of type numeric, dates and timestamps as their text, booleans as 1 and 0, as SQLite keeps them.
func (x *Exports) spiderTable(ctx context.Context, db *sql.DB, d *spiderDatabase, t *spiderTable, byPG map[string]*spiderTable) error {
	var defs, sel, marks []string
	for i, c := range t.cols {
		def := quoteSQLite(t.colNames[i]) + " " + cmp.Or(sqliteTypes[c.Type], "TEXT")
		if c.NotNull {
			def += " NOT NULL"
		}
		defs = append(defs, def)
		col := pgx.Identifier{c.Name}.Sanitize()
		switch c.Type {
		case sqlexec.TypeNumeric, sqlexec.TypeDate, sqlexec.TypeTimestamp:
			col += "::text"
		case sqlexec.TypeBoolean:
			col += "::int"
		}
		sel = append(sel, col)
		marks = append(marks, "?")
	}
	if pk := t.t.PrimaryKey; len(pk) > 0 {
		defs = append(defs, "PRIMARY KEY ("+quoteSQLites(t.sqliteCols(pk))+")")
	}
	for _, fk := range schemas.ForeignKeys(t.t) {
		ref := byPG[fk.RefTable]
		if ref == nil {
			continue
		}
		defs = append(defs, fmt.Sprintf("FOREIGN KEY (%s) REFERENCES %s (%s)", quoteSQLites(t.sqliteCols(fk.Columns)), quoteSQLite(ref.name),
			quoteSQLites(ref.sqliteCols(fk.RefColumns))))
	}
	if _, err := db.ExecContext(ctx, "CREATE TABLE "+quoteSQLite(t.name)+" (\n  "+strings.Join(defs, ",\n  ")+"\n)"); err != nil {
		return err
	}
	if len(t.cols) == 0 {
		return nil
	}
	tx, err := db.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	ins, err := tx.PrepareContext(ctx, "INSERT INTO "+quoteSQLite(t.name)+" VALUES ("+strings.Join(marks, ", ")+")")
	if err != nil {
		return err
	}
	defer ins.Close()
	rows, err := x.Store.Pool().Query(ctx, "SELECT "+strings.Join(sel, ", ")+" FROM "+pgx.Identifier{d.db.SchemaName, t.pg}.Sanitize())
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		vals, err := rows.Values()
		if err != nil {
			return err
		}
		if _, err := ins.ExecContext(ctx, vals...); err != nil {
			return err
		}
	}
	if err := rows.Err(); err != nil {
		return err
	}
	return tx.Commit()
}

// sqliteCols maps target column names to the table's SQLite names.
func (t *spiderTable) sqliteCols(names []string) []string {
	out := make([]string, len(names))
	for k, n := range names {
		out[k] = n
		for i, c := range t.cols {
			if c.Name == n {
				out[k] = t.colNames[i]
			}
		}
	}
	return out
}

// spiderSchema is the database's tables.json entry: columns numbered across tables after "*",
// natural names as Spider writes them (lower case, spaces for underscores), keys by column number.
func spiderSchema(dbID string, tables []spiderTable, byPG map[string]*spiderTable) spider.SchemaJSON {
	s := spider.SchemaJSON{DBID: dbID, TableNames: []string{}, TableNamesOriginal: []string{},
		ColumnNames: [][2]any{{-1, "*"}}, ColumnNamesOriginal: [][2]any{{-1, "*"}}, ColumnTypes: []string{"text"},
		PrimaryKeys: []any{}, ForeignKeys: [][2]int{}}
	natural := func(name string) string { return strings.ToLower(strings.ReplaceAll(name, "_", " ")) }
	first := map[string]int{} // table's target name → its first column's number
	for ti, t := range tables {
		first[t.pg] = len(s.ColumnNames)
		s.TableNames = append(s.TableNames, natural(t.pg))
		s.TableNamesOriginal = append(s.TableNamesOriginal, t.name)
		for i, c := range t.cols {
			s.ColumnNames = append(s.ColumnNames, [2]any{ti, natural(c.Name)})
			s.ColumnNamesOriginal = append(s.ColumnNamesOriginal, [2]any{ti, t.colNames[i]})
			s.ColumnTypes = append(s.ColumnTypes, spiderType(c.Type))
		}
	}
	column := func(table, col string) int {
		t := byPG[table]
		if t == nil {
			return -1
		}
		for i, c := range t.cols {
			if c.Name == col {
				return first[table] + i
			}
		}
		return -1
	}
	for _, t := range tables {
		switch pk := t.t.PrimaryKey; len(pk) {
		case 0:
		case 1:
			s.PrimaryKeys = append(s.PrimaryKeys, column(t.pg, pk[0]))
		default:
			key := make([]int, len(pk))
			for k, c := range pk {
				key[k] = column(t.pg, c)
			}
			s.PrimaryKeys = append(s.PrimaryKeys, key)
		}
		for _, fk := range schemas.ForeignKeys(t.t) {
			for k := range fk.Columns {
				from, to := column(t.pg, fk.Columns[k]), column(fk.RefTable, fk.RefColumns[k])
				if from >= 0 && to >= 0 {
					s.ForeignKeys = append(s.ForeignKeys, [2]int{from, to})
				}
			}
		}
	}
	return s
}

// spiderType is a column type as tables.json names it.
func spiderType(t sqlexec.ColumnType) string {
	switch t {
	case sqlexec.TypeInteger, sqlexec.TypeNumeric, sqlexec.TypeFloat:
		return "number"
	case sqlexec.TypeDate, sqlexec.TypeTimestamp:
		return "time"
	case sqlexec.TypeBoolean:
		return "boolean"
	}
	return "text"
}

func quoteSQLite(name string) string { return `"` + strings.ReplaceAll(name, `"`, `""`) + `"` }

func quoteSQLites(names []string) string {
	q := make([]string, len(names))
	for i, n := range names {
		q[i] = quoteSQLite(n)
	}
	return strings.Join(q, ", ")
}

// zipFile copies the file at path into the zip as name.
func zipFile(zw *datedZip, name, path string) error {
	f, err := os.Open(path)
	if err != nil {
		return err
	}
	defer f.Close()
	w, err := zw.create(name)
	if err != nil {
		return err
	}
	_, err = io.Copy(w, f)
	return err
}

// zipJSON writes v into the zip as name, indented as Spider's files are.
func zipJSON(zw *datedZip, name string, v any) error {
	w, err := zw.create(name)
	if err != nil {
		return err
	}
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	return enc.Encode(v)
}

// datedZip writes the archive's entries compressed and dated by the snapshot's cut, so the same
// snapshot exports to the same bytes (and sha256) each time.
type datedZip struct {
	*zip.Writer
	modified time.Time
}

func (z *datedZip) create(name string) (io.Writer, error) {
	return z.CreateHeader(&zip.FileHeader{Name: name, Method: zip.Deflate, Modified: z.modified.UTC()})
}
