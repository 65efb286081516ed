package ingest_test

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/goldset/goldset/pipelines/ingest/csvtable"
	"github.com/goldset/goldset/pipelines/ingest/spider"
	"github.com/goldset/goldset/pipelines/pipelinetest"
	"github.com/goldset/goldset/sqlexec"
	"github.com/goldset/goldset/store"
)

// BenchmarkImportAll imports every WikiTableQuestions table and all 10 Spider databases (read,
// type, load with COPY, keys, registry) and compares the wall time with a bare COPY of the same rows
// from Go into plain tables, measured in the same run.
func BenchmarkImportAll(b *testing.B) {
	wtq := pipelinetest.BenchData(b, "wtq", "csv")
	spiderDir := pipelinetest.BenchData(b, "spider")
	f := pipelinetest.New(b)
	ds, err := spider.ReadDataset(spiderDir)
	if err != nil {
		b.Fatal(err)
	}
	var paths []string
	for _, id := range ds.DatabaseIDs() {
		paths = append(paths, ds.SQLitePath(id))
	}
	var importTime, copyTime time.Duration
	var rows int64
	for i := 0; i < b.N; i++ {
		start := time.Now()
		for _, sub := range []string{"200-csv", "201-csv"} {
			s, err := f.Im.ImportCSV(f.Ctx, store.System, f.Project.ID, []string{filepath.Join(wtq, sub)}, fmt.Sprintf("wtq_%s_%d", sub, i))
			if err != nil {
				b.Fatal(err)
			}
			rows += s.Rows
		}
		rows += importSQLite(b, f, paths, i)
		importTime += time.Since(start)

		// The baseline: the same rows, already in memory, COPYed into plain tables.
		var tables []*sqlexec.TableData
		for _, sub := range []string{"200-csv", "201-csv"} {
			ts, _, err := csvtable.ReadDir(filepath.Join(wtq, sub), csvtable.Options{})
			if err != nil {
				b.Fatal(err)
			}
			tables = append(tables, ts...)
		}
		tables = append(tables, readSQLite(b, f, paths)...)
		start = time.Now()
		bareCopy(b, f, tables, i)
		copyTime += time.Since(start)
	}
	b.ReportMetric(float64(importTime.Milliseconds())/float64(b.N), "import-ms/op")
	b.ReportMetric(float64(copyTime.Milliseconds())/float64(b.N), "bare-copy-ms/op")
	b.ReportMetric(float64(importTime)/float64(copyTime), "import/bare-copy")
	b.ReportMetric(float64(rows)/float64(b.N), "rows/op")
}

// BenchmarkImportSpiderAll imports every shared Spider database, the 10 of the dev split and the 72
// training ones (read the SQLite file, infer types from the values, COPY, keys, registry), one
// database at a time as a lead's import does, and compares the wall time with a bare COPY of the
// same rows from Go into all-text tables, measured in the same run. GOLDSET_BENCH_SMOKE=1 (make test)
// imports three of them.
func BenchmarkImportSpiderAll(b *testing.B) {
	var paths []string
	for _, set := range []struct{ dir, file string }{{"spider", "dev.json"}, {"spider-train", "train_gold.json"}} {
		dir := pipelinetest.BenchData(b, set.dir)
		ds, err := spider.ReadDataset(dir, spider.DatasetOptions{QuestionsFile: set.file})
		if err != nil {
			b.Fatal(err)
		}
		for _, id := range ds.DatabaseIDs() {
			paths = append(paths, ds.SQLitePath(id))
		}
	}
	if os.Getenv("GOLDSET_BENCH_SMOKE") != "" {
		paths = paths[:3]
	}
	f := pipelinetest.New(b)
	var importTime, copyTime time.Duration
	var rows int64
	for i := 0; i < b.N; i++ {
		start := time.Now()
		rows += importSQLite(b, f, paths, i)
		importTime += time.Since(start)

		tables := readSQLite(b, f, paths)
		start = time.Now()
		bareCopy(b, f, tables, i)
		copyTime += time.Since(start)
	}
	b.ReportMetric(float64(len(paths)), "databases")
	b.ReportMetric(float64(importTime.Milliseconds())/float64(b.N), "import-ms/op")
	b.ReportMetric(float64(copyTime.Milliseconds())/float64(b.N), "bare-copy-ms/op")
	b.ReportMetric(float64(importTime)/float64(copyTime), "import/bare-copy")
	b.ReportMetric(float64(rows)/float64(b.N), "rows/op")
}

// importSQLite imports the SQLite files at paths one at a time, each as a database named for its
// file and iteration i, and returns the rows imported.
func importSQLite(b *testing.B, f *pipelinetest.Fixture, paths []string, i int) int64 {
	var rows int64
	for _, p := range paths {
		s, err := f.Im.ImportSQLite(f.Ctx, store.System, f.Project.ID, p, fmt.Sprintf("%s_%d", strings.TrimSuffix(filepath.Base(p), ".sqlite"), i))
		if err != nil {
			b.Fatal(err)
		}
		rows += s.Rows
	}
	return rows
}

// readSQLite reads the tables of the SQLite files at paths: the bare copy's rows.
func readSQLite(b *testing.B, f *pipelinetest.Fixture, paths []string) []*sqlexec.TableData {
	var tables []*sqlexec.TableData
	for _, p := range paths {
		ts, err := spider.ReadSQLite(f.Ctx, p)
		if err != nil {
			b.Fatal(err)
		}
		tables = append(tables, ts...)
	}
	return tables
}

func bareCopy(b *testing.B, f *pipelinetest.Fixture, tables []*sqlexec.TableData, i int) {
	ctx := f.Ctx
	conn, err := pgx.Connect(ctx, f.St.URL())
	if err != nil {
		b.Fatal(err)
	}
	defer conn.Close(ctx)
	schema := fmt.Sprintf("bare_%d", i)
	if _, err := conn.Exec(ctx, "CREATE SCHEMA "+schema); err != nil {
		b.Fatal(err)
	}
	for j, td := range tables {
		cols, names := "", make([]string, len(td.Def.Columns))
		for k, c := range td.Def.Columns {
			if k > 0 {
				cols += ", "
			}
			// Every value as text: the cheapest COPY there is, no typing at all.
			cols += pgx.Identifier{c.Name}.Sanitize() + " text"
			names[k] = c.Name
		}
		ident := pgx.Identifier{schema, fmt.Sprintf("t%d", j)}
		if _, err := conn.Exec(ctx, fmt.Sprintf("CREATE TABLE %s (%s)", ident.Sanitize(), cols)); err != nil {
			b.Fatal(err)
		}
		rows := make([][]any, len(td.Rows))
		for r, row := range td.Rows {
			rows[r] = make([]any, len(row))
			for k, v := range row {
				if v != nil {
					rows[r][k] = fmt.Sprint(v)
				}
			}
		}
		if _, err := conn.CopyFrom(ctx, ident, names, pgx.CopyFromRows(rows)); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkSandboxSpiderGold runs the 499 translated Spider gold queries through the sandbox
// (parse and check, read-only transaction, role, timeout, cursor with caps, fingerprint) and the same
// SQL directly on a plain connection with only search_path set, one client each, same run.
func BenchmarkSandboxSpiderGold(b *testing.B) {
	f := pipelinetest.NewSpider(b)
	nlqs, err := f.St.ListNLQs(f.Ctx, store.NLQQuery{ProjectID: f.Project.ID, Limit: 500})
	if err != nil {
		b.Fatal(err)
	}
	type query struct {
		sql    string
		target sqlexec.Target
	}
	dbs := map[int64]store.Database{}
	all, _ := f.St.ListDatabases(f.Ctx, f.Project.ID, false)
	for _, d := range all {
		dbs[d.ID] = d
	}
	var qs []query
	for _, n := range nlqs {
		if n.Candidate != nil && n.Candidate.Error == nil {
			qs = append(qs, query{sql: n.Candidate.SQL, target: dbs[*n.DatabaseID].Target()})
		}
	}
	conn, err := pgx.Connect(f.Ctx, f.St.URL())
	if err != nil {
		b.Fatal(err)
	}
	defer conn.Close(f.Ctx)
	current := ""
	// direct runs the query as a client that trusts it would: prepared and cached (mode
	// CacheStatement), or parsed and planned anew each time like the sandbox, whose DISCARD ALL
	// forgets prepared statements (mode Exec).
	direct := func(q query, mode pgx.QueryExecMode) {
		if q.target.Schema != current { // the questions come grouped by database
			if _, err := conn.Exec(f.Ctx, "SET search_path = "+q.target.Schema); err != nil {
				b.Fatal(err)
			}
			current = q.target.Schema
		}
		rows, err := conn.Query(f.Ctx, q.sql, mode)
		if err != nil {
			b.Fatal(err)
		}
		for rows.Next() {
			if _, err := rows.Values(); err != nil {
				b.Fatal(err)
			}
		}
		if rows.Err() != nil {
			b.Fatal(rows.Err())
		}
	}
	// "Cold" checks every statement anew (no verdict cache): the cost of SQL never seen before.
	cold, err := sqlexec.NewExecutor(f.Ctx, f.St.URL(), sqlexec.ExecOptions{CheckCache: -1})
	if err != nil {
		b.Fatal(err)
	}
	defer cold.Close()
	sandbox := func(e *sqlexec.Executor) {
		for _, q := range qs {
			if r := e.Run(f.Ctx, q.target, q.sql); !r.OK() {
				b.Fatal(r.Error)
			}
		}
	}
	// Warm every path (server plans, statement cache, connections) before measuring.
	for _, q := range qs {
		direct(q, pgx.QueryExecModeCacheStatement)
	}
	sandbox(f.Im.Exec)
	sandbox(cold)
	var warmTime, coldTime, directTime, unpreparedTime time.Duration
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		// Interleaved, so a busy moment of the machine hurts all three alike.
		start := time.Now()
		sandbox(f.Im.Exec)
		warmTime += time.Since(start)
		start = time.Now()
		sandbox(cold)
		coldTime += time.Since(start)
		start = time.Now()
		for _, q := range qs {
			direct(q, pgx.QueryExecModeCacheStatement)
		}
		directTime += time.Since(start)
		start = time.Now()
		for _, q := range qs {
			direct(q, pgx.QueryExecModeExec)
		}
		unpreparedTime += time.Since(start)
	}
	n := float64(len(qs) * b.N)
	b.ReportMetric(n/warmTime.Seconds(), "sandbox-q/s")
	b.ReportMetric(n/coldTime.Seconds(), "sandbox-cold-q/s")
	b.ReportMetric(n/directTime.Seconds(), "direct-q/s")
	b.ReportMetric(directTime.Seconds()/warmTime.Seconds(), "sandbox/direct")
	b.ReportMetric(directTime.Seconds()/coldTime.Seconds(), "sandbox-cold/direct")
	b.ReportMetric(n/unpreparedTime.Seconds(), "direct-unprepared-q/s")
	b.ReportMetric(unpreparedTime.Seconds()/warmTime.Seconds(), "sandbox/direct-unprepared")
}
