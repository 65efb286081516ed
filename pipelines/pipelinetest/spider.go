package pipelinetest

import (
	"archive/zip"
	"database/sql"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	_ "modernc.org/sqlite" // the driver the spider package reads SQLite files with
)

// SpiderDB is one database of a made-up Spider folder: the SQLite statements that build it (or Raw
// bytes, for a damaged file), and the gold SQL of its questions.
type SpiderDB struct {
	ID      string
	Stmts   []string
	Raw     []byte
	Queries []string
}

// GoodSpiderDB is a small database with two questions whose gold SQL verifies.
func GoodSpiderDB(id string) SpiderDB {
	return SpiderDB{ID: id,
		Stmts: []string{
			`CREATE TABLE singer (id INTEGER PRIMARY KEY, name TEXT, age INT)`,
			`INSERT INTO singer VALUES (1, 'Ann', 30), (2, 'Bo', 41), (3, 'Cy', 25)`,
		},
		Queries: []string{`SELECT count(*) FROM singer`, `SELECT name FROM singer WHERE age > 26 ORDER BY name`}}
}

// RefusedSpiderDB is a database whose first table loads and whose second holds a row PostgreSQL
// refuses (1100 bigint columns: "row is too big" for a page), so its import fails midway.
func RefusedSpiderDB(id string) SpiderDB {
	const n = 1100
	cols := make([]string, n)
	vals := make([]string, n)
	for i := range cols {
		cols[i] = fmt.Sprintf("c%d INTEGER", i)
		vals[i] = fmt.Sprint(i + 1)
	}
	return SpiderDB{ID: id,
		Stmts: []string{
			`CREATE TABLE fine (id INTEGER PRIMARY KEY, name TEXT)`,
			`INSERT INTO fine VALUES (1, 'loaded first')`,
			`CREATE TABLE wide (` + strings.Join(cols, ", ") + `)`,
			`INSERT INTO wide VALUES (` + strings.Join(vals, ", ") + `)`,
		},
		Queries: []string{`SELECT count(*) FROM fine`}}
}

// DamagedSpiderDB is a database whose SQLite file is not a SQLite file.
func DamagedSpiderDB(id string) SpiderDB {
	return SpiderDB{ID: id, Raw: []byte(strings.Repeat("this is not a SQLite file\n", 200)), Queries: []string{`SELECT 1`}}
}

// WriteSpider writes a Spider folder under dir: dev.json with the questions of dbs in order,
// tables.json, and database/<id>/<id>.sqlite for each.
func WriteSpider(t testing.TB, dir string, dbs ...SpiderDB) {
	t.Helper()
	type question struct {
		DBID     string `json:"db_id"`
		Question string `json:"question"`
		Query    string `json:"query"`
	}
	var qs []question
	var schemas []map[string]any
	for _, d := range dbs {
		schemas = append(schemas, map[string]any{"db_id": d.ID})
		for i, q := range d.Queries {
			qs = append(qs, question{DBID: d.ID, Question: fmt.Sprintf("%s question %d?", d.ID, i+1), Query: q})
		}
		WriteSQLite(t, filepath.Join(dir, "database", d.ID, d.ID+".sqlite"), d)
	}
	writeJSON(t, filepath.Join(dir, "dev.json"), qs)
	writeJSON(t, filepath.Join(dir, "tables.json"), schemas)
}

// WriteSQLite writes d's SQLite file at path, replacing what is there.
func WriteSQLite(t testing.TB, path string, d SpiderDB) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		t.Fatal(err)
	}
	os.Remove(path)
	if d.Raw != nil {
		if err := os.WriteFile(path, d.Raw, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	db, err := sql.Open("sqlite", path)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	for _, s := range d.Stmts {
		if _, err := db.Exec(s); err != nil {
			t.Fatalf("%s: %v", s, err)
		}
	}
}

// ZipFiles writes a zip at path holding the files of dir, by their paths relative to dir.
func ZipFiles(t testing.TB, path, dir string) {
	t.Helper()
	f, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	zw := zip.NewWriter(f)
	err = filepath.WalkDir(dir, func(p string, e os.DirEntry, err error) error {
		if err != nil || e.IsDir() {
			return err
		}
		rel, _ := filepath.Rel(dir, p)
		w, err := zw.Create(filepath.ToSlash(rel))
		if err != nil {
			return err
		}
		data, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		_, err = w.Write(data)
		return err
	})
	if err == nil {
		err = zw.Close()
	}
	if err != nil {
		t.Fatal(err)
	}
}

func writeJSON(t testing.TB, path string, v any) {
	t.Helper()
	data, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, data, 0o644); err != nil {
		t.Fatal(err)
	}
}
