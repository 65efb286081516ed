package export

import (
	"cmp"
	"context"
	"encoding/csv"
	"fmt"
	"io"

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
	return x.writeZip(ctx, FormatBIRD, projectID, snapshotID, p, w, func(e *zipExport) error {
		exported := map[string]bool{}
		for _, split := range e.splits {
			stem := birdStems[split]
			e.rep.Files[split] = stem + ".json"
			used := map[int64]bool{}
			err := e.writeQuestions(ctx, split, stem+".json", func(id int, d *spiderDatabase, pr *store.SnapshotPair, query string) any {
				used[d.id] = true
				return birdQuestion{QuestionID: id, DBID: d.dbID, Question: pr.Question, Evidence: pr.Evidence, SQL: query,
					Difficulty: pr.Difficulty}
			})
			if err != nil {
				return err
			}
			if err := e.writeGold(ctx, split, stem+"_gold.sql"); err != nil {
				return err
			}

			schemas := []spider.SchemaJSON{}
			for _, d := range sortedDatabases(e.dbs) {
				if !used[d.id] || d.db == nil {
					continue
				}
				schemas = append(schemas, d.schema)
				folder := stem + "_databases/" + d.dbID + "/"
				if err := zipFile(e.zw, folder+d.dbID+".sqlite", d.path); err != nil {
					return err
				}
				if err := writeBIRDDescriptions(e.zw, folder+"database_description/", d); err != nil {
					return fmt.Errorf("database %s: %w", d.name, err)
				}
				if !exported[d.dbID] {
					exported[d.dbID] = true
					e.rep.Databases = append(e.rep.Databases, d.dbID)
				}
			}
			if err := zipJSON(e.zw, stem+"_tables.json", schemas); err != nil {
				return err
			}
		}
		return nil
	})
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
