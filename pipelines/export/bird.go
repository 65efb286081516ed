package export

import (
	"archive/zip"
	"cmp"
	"context"
	"encoding/csv"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"

	"github.com/goldset/goldset/pipelines/golden"
	"github.com/goldset/goldset/pipelines/ingest/spider"
	"github.com/goldset/goldset/sqlexec"
	"github.com/goldset/goldset/store"
)

// FormatBIRD is one zip in the layout of BIRD's release (Li et al., "Can LLM Already Serve as A
// Database Interface?", NeurIPS 2023), which ImportBIRD and BIRD's evaluation script read: per
// split, <stem>.json (question_id, db_id, question, evidence, SQL, difficulty), <stem>_gold.sql
// (SQL, a tab, db_id, one pair a line), <stem>_tables.json in Spider's tables.json format, and
// <stem>_databases/<db>/<db>.sqlite with database_description/<table>.csv describing each
// table's columns. The val split is "dev", as BIRD names it.
const FormatBIRD = "bird"

// birdStems names each split's files as BIRD's release does.
var birdStems = map[string]string{golden.SplitTrain: "train", golden.SplitVal: "dev", golden.SplitTest: "test"}

// birdQuestion is one entry of a BIRD questions file.
type birdQuestion struct {
	QuestionID int    `json:"question_id"`
	DBID       string `json:"db_id"`
	Question   string `json:"question"`
	Evidence   string `json:"evidence"`
	SQL        string `json:"SQL"`
	Difficulty string `json:"difficulty,omitempty"`
}

// birdDescriptionHeader is the header of BIRD's database_description files.
var birdDescriptionHeader = []string{"original_column_name", "column_name", "column_description", "data_format", "value_description"}

// writeBIRD writes the zip. Each database the snapshot uses is written once as SQLite (as for the
// Spider export, with the names it had in SQLite when it came from there) and copied into the
// folder of every split that uses it; each query is checked on it against the gold in the
// sandbox, and what does not run or differs is listed in goldset_export_report.json, as the
// Spider export does.
func (x *Exports) writeBIRD(ctx context.Context, projectID, snapshotID int64, p ExportParams, w io.Writer) (int, error) {
	if x.Exec == nil {
		return 0, errors.New("the bird format checks every query in the sandbox: no sandbox is configured")
	}
	splits := []string{p.Split}
	if p.Split == golden.SplitAll {
		splits = golden.SplitNames
	}
	dir, err := os.MkdirTemp("", "goldset-bird-*")
	if err != nil {
		return 0, err
	}
	defer os.RemoveAll(dir)
	dbs, err := x.spiderDatabases(ctx, projectID, snapshotID, p.Split)
	if err != nil {
		return 0, err
	}
	defer func() {
		for _, d := range dbs {
			if d.conn != nil {
				d.conn.Close()
			}
		}
	}()
	for _, d := range sortedDatabases(dbs) {
		if d.db == nil {
			continue
		}
		if err := x.spiderSQLite(ctx, d, filepath.Join(dir, d.dbID+".sqlite")); err != nil {
			return 0, fmt.Errorf("database %s: %w", d.name, err)
		}
	}
	snap, err := x.Store.GetSnapshot(ctx, projectID, snapshotID)
	if err != nil {
		return 0, err
	}
	est, err := (&golden.Snapshots{Store: x.Store}).ErrorRate(ctx, projectID, snapshotID)
	if err != nil {
		return 0, err
	}
	zw := &datedZip{Writer: zip.NewWriter(w), modified: snap.CreatedAt}
	rep := SpiderReport{SnapshotID: snapshotID, Split: p.Split, Files: map[string]string{}, Databases: []string{}, ErrorRate: est}
	spool, err := newProblemSpool(dir)
	if err != nil {
		return 0, err
	}
	defer spool.Close()
	n := 0
	exported := map[string]bool{}
	for _, split := range splits {
		stem := birdStems[split]
		rep.Files[split] = stem + ".json"
		qw, err := zw.create(stem + ".json")
		if err != nil {
			return n, err
		}
		enc := json.NewEncoder(qw)
		enc.SetEscapeHTML(false)
		used := map[int64]bool{}
		id := 0
		err = x.Store.EachSnapshotPair(ctx, snapshotID, split, func(pr *store.SnapshotPair) error {
			rep.Counts.Pairs++
			d := pairDatabase(dbs, pr)
			if d == nil || d.db == nil {
				rep.Counts.Skipped++
				why := "the pair names no database"
				if d != nil {
					why = fmt.Sprintf("database %s (id %d) was deleted after the snapshot was cut", d.name, d.id)
				}
				return spool.add(pr, pr.DatabaseName, "skipped", why)
			}
			used[d.id] = true
			sep := ",\n"
			if id == 0 {
				sep = "[\n"
			}
			if _, err := io.WriteString(qw, sep); err != nil {
				return err
			}
			query := spiderQuery(pr)
			if err := enc.Encode(birdQuestion{QuestionID: id, DBID: d.dbID, Question: pr.Question, Evidence: pr.Evidence, SQL: query,
				Difficulty: pr.Difficulty}); err != nil {
				return err
			}
			id++
			rep.Counts.Exported++
			n++
			kind, reason := x.checkSpiderQuery(ctx, d, query, pr.SQL)
			switch kind {
			case "":
				rep.Counts.SameResult++
				return nil
			case "fails_on_sqlite":
				rep.Counts.FailsOnSQLite++
			case "different_result":
				rep.Counts.DifferentResult++
			case "gold_fails":
				rep.Counts.GoldFails++
			}
			return spool.add(pr, d.dbID, kind, reason)
		})
		if err != nil {
			return n, err
		}
		end := "]\n"
		if id == 0 {
			end = "[]\n"
		}
		if _, err := io.WriteString(qw, end); err != nil {
			return n, err
		}

		gw, err := zw.create(stem + "_gold.sql")
		if err != nil {
			return n, err
		}
		err = x.Store.EachSnapshotPair(ctx, snapshotID, split, func(pr *store.SnapshotPair) error {
			if d := pairDatabase(dbs, pr); d != nil && d.db != nil {
				_, err := io.WriteString(gw, spiderQuery(pr)+"\t"+d.dbID+"\n")
				return err
			}
			return nil
		})
		if err != nil {
			return n, err
		}

		schemas := []spider.SchemaJSON{}
		for _, d := range sortedDatabases(dbs) {
			if !used[d.id] || d.db == nil {
				continue
			}
			schemas = append(schemas, d.schema)
			folder := stem + "_databases/" + d.dbID + "/"
			if err := zipFile(zw, folder+d.dbID+".sqlite", d.path); err != nil {
				return n, err
			}
			if err := writeBIRDDescriptions(zw, folder+"database_description/", d); err != nil {
				return n, fmt.Errorf("database %s: %w", d.name, err)
			}
			if !exported[d.dbID] {
				exported[d.dbID] = true
				rep.Databases = append(rep.Databases, d.dbID)
			}
		}
		if err := zipJSON(zw, stem+"_tables.json", schemas); err != nil {
			return n, err
		}
	}
	if err := writeReport(zw, rep, spool); err != nil {
		return n, err
	}
	return n, zw.Close()
}

// writeBIRDDescriptions writes one database_description/<table>.csv per table, named as the
// table is in the SQLite file, with a row per column: its SQLite name and what its doc says
// (sqlexec.ColumnDoc, kept from a BIRD import), the data format falling back to the column's
// type. UTF-8 without a byte-order mark, which ImportBIRD and Python's csv module read as written.
func writeBIRDDescriptions(zw *datedZip, folder string, d *spiderDatabase) error {
	for _, t := range d.tables {
		w, err := zw.create(folder + t.name + ".csv")
		if err != nil {
			return err
		}
		cw := csv.NewWriter(w)
		if err := cw.Write(birdDescriptionHeader); err != nil {
			return err
		}
		for i, c := range t.cols {
			row := []string{t.colNames[i], "", "", birdFormat(c.Type), ""}
			if doc := c.Doc; doc != nil {
				row[1], row[2], row[3], row[4] = doc.Name, doc.Description, cmp.Or(doc.Format, row[3]), doc.Values
			}
			if err := cw.Write(row); err != nil {
				return err
			}
		}
		cw.Flush()
		if err := cw.Error(); err != nil {
			return err
		}
	}
	return nil
}

// birdFormat is a column type as BIRD's data_format names it.
func birdFormat(t sqlexec.ColumnType) string {
	switch t {
	case sqlexec.TypeInteger, sqlexec.TypeBoolean:
		return "integer"
	case sqlexec.TypeNumeric, sqlexec.TypeFloat:
		return "real"
	case sqlexec.TypeDate, sqlexec.TypeTimestamp:
		return "date"
	}
	return "text"
}
