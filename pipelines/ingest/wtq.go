package ingest

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"github.com/jackc/pgx/v5"

	"github.com/goldset/goldset/pipelines/ingest/csvtable"
	"github.com/goldset/goldset/sqlexec"
	"github.com/goldset/goldset/store"
)

// wtqFirstFiles come first among the official release's data/*.tsv, so that a question found in
// several split files is recorded with the most general one: every random-split-*-train/-dev file
// is a part of training.tsv (Pasupat and Liang 2015, the release's README).
var wtqFirstFiles = []string{"training.tsv", "pristine-unseen-tables.tsv"}

// ImportWTQ imports a WikiTableQuestions folder: every table under csv/ as one database named
// "wtq" (tables named after folder and file, e.g. t_200_csv_12; the agent retrieves the relevant
// ones, as the reference text-to-SQL pipeline does), and questions with their answers
// (targetValue), each pointing at its table.
//
// The questions come from questionsFile when it is given; else from questions.tsv when the folder
// has one; else from data/*.tsv, as the official release (Pasupat and Liang, ACL 2015) lays them
// out: training.tsv, pristine-unseen-tables.tsv, random-split-<n>-train.tsv and -dev.tsv, ... A
// question id found in several of those files is imported once, recorded with the first file that
// has it (training.tsv first) and every file in its origin's "files"; its key is its id, so a later
// import of another subset of the release finds it. The release's .tsv and .table siblings of each
// table are read only as the fallback for a .csv that fails (csvtable.ReadDir).
//
// Each table's summary is its page's title (with the section headers and caption when the folder
// has misc/table-metadata.tsv; else page/<n>-page/<i>.json's title), see wtqSummaries.
//
// A question whose table is not under csv/ is skipped and counted (QuestionSummary.Skipped): the
// release's question files cover its 2,108 tables, and a folder may hold only some of them. A table
// that cannot be read refuses the import, naming the file: the database is all its tables or none.
func (im *Importer) ImportWTQ(ctx context.Context, a store.Actor, projectID int64, dir, questionsFile string) (ImportSummary, error) {
	qfiles, official, err := wtqQuestionFiles(dir, questionsFile)
	if err != nil {
		return ImportSummary{}, err
	}
	qs, err := readWTQQuestions(qfiles, official)
	if err != nil {
		return ImportSummary{}, err
	}
	subdirs, err := filepath.Glob(filepath.Join(dir, "csv", "*"))
	if err != nil || len(subdirs) == 0 {
		return ImportSummary{}, &store.ValidationError{Fields: map[string]string{"dir": "has no csv/<folder>/*.csv tables (the WikiTableQuestions layout)"}}
	}
	sort.Strings(subdirs)
	var tables []*sqlexec.TableData
	var files, bad []string
	byContext := map[string]string{} // "csv/200-csv/12.csv" → table name
	for _, sub := range subdirs {
		if st, err := os.Stat(sub); err != nil || !st.IsDir() {
			continue
		}
		ts, errs, err := csvtable.ReadDir(sub, csvtable.Options{})
		if err != nil {
			return ImportSummary{}, err
		}
		for _, fe := range errs {
			bad = append(bad, "csv/"+filepath.Base(sub)+"/"+fe.Error())
		}
		for _, t := range ts {
			base := strings.TrimSuffix(filepath.Base(t.Def.Original), filepath.Ext(t.Def.Original))
			t.Def.Name = csvtable.TableNameFor(filepath.Base(sub) + "_" + base)
			ctxPath := "csv/" + filepath.Base(sub) + "/" + base + ".csv"
			t.Def.Original = ctxPath
			byContext[ctxPath] = t.Def.Name
			tables = append(tables, t)
			files = append(files, filepath.Join(sub, base+".csv"))
		}
	}
	if len(bad) > 0 {
		return ImportSummary{}, &store.ValidationError{Fields: map[string]string{"files": "cannot be read: " + strings.Join(bad, "; ")}}
	}
	contexts := make([]string, len(tables))
	for i, t := range tables {
		contexts[i] = t.Def.Original
	}
	summaries, pageFiles, err := wtqSummaries(dir, contexts)
	if err != nil {
		return ImportSummary{}, err
	}
	for _, t := range tables {
		t.Def.Summary = summaries[t.Def.Original]
	}
	src, err := hashFiles(regularFiles(append(append(files, qfiles...), pageFiles...)))
	if err != nil {
		return ImportSummary{}, err
	}
	dbs, err := im.ImportTables(ctx, a, projectID, "wtq", "csv", src, tables)
	if err != nil {
		return ImportSummary{}, err
	}
	sum := ImportSummary{Databases: []DatabaseSummary{dbs}, Questions: &QuestionSummary{Total: len(qs)}}
	dbID := dbs.Database.ID
	return sum, im.Store.InTx(ctx, "import wtq questions", func(tx pgx.Tx) error {
		return insertWTQQuestions(ctx, tx, a, projectID, dbID, qs, byContext, official, sum.Questions)
	})
}

// insertWTQQuestions writes the questions whose table the import has (byContext) in tx, counting
// the others skipped.
func insertWTQQuestions(ctx context.Context, tx pgx.Tx, a store.Actor, projectID, dbID int64, qs []*wtqQuestion,
	byContext map[string]string, official bool, sum *QuestionSummary) error {
	for _, q := range qs {
		table, ok := byContext[q.Context]
		if !ok {
			sum.Skipped++
			continue
		}
		key := "wtq:" + q.file + ":" + q.ID
		if official {
			key = "wtq:" + q.ID
		}
		origin := map[string]any{"kind": "wtq", "file": q.file, "id": q.ID, "context": q.Context, "table": table}
		if official {
			origin["files"] = q.files
		}
		originJSON, _ := json.Marshal(origin)
		n := store.NLQ{ProjectID: projectID, DatabaseID: &dbID, Question: q.Utterance, Origin: originJSON, OriginKey: &key, TargetValues: q.TargetValues}
		if _, err := sum.insert(ctx, tx, a, &n); err != nil {
			return err
		}
	}
	return nil
}

// wtqQuestion is a question with the files it was read from: the first, and all of them.
type wtqQuestion struct {
	csvtable.WTQQuestion
	file  string
	files []string
}

// wtqQuestionFiles says which question files a WikiTableQuestions folder has (see ImportWTQ), and
// whether they are the official release's data/*.tsv.
func wtqQuestionFiles(dir, questionsFile string) ([]string, bool, error) {
	if questionsFile != "" {
		return []string{questionsFile}, false, nil
	}
	if p := filepath.Join(dir, "questions.tsv"); fileExists(p) {
		return []string{p}, false, nil
	}
	found, _ := filepath.Glob(filepath.Join(dir, "data", "*.tsv"))
	if len(found) == 0 {
		return nil, false, &store.ValidationError{Fields: map[string]string{"questions": "the folder has neither questions.tsv nor data/*.tsv (the WikiTableQuestions release's question files); name the file with --questions"}}
	}
	rank := func(p string) int {
		for i, f := range wtqFirstFiles {
			if filepath.Base(p) == f {
				return i
			}
		}
		return len(wtqFirstFiles)
	}
	sort.SliceStable(found, func(i, j int) bool {
		if ri, rj := rank(found[i]), rank(found[j]); ri != rj {
			return ri < rj
		}
		return found[i] < found[j]
	})
	return found, true, nil
}

// readWTQQuestions reads the question files in order; with official, a question id seen before is
// merged into its first occurrence (its files listed), and a different question under the same id
// is refused, naming both files.
func readWTQQuestions(paths []string, official bool) ([]*wtqQuestion, error) {
	var out []*wtqQuestion
	byID := map[string]*wtqQuestion{}
	for _, p := range paths {
		file := filepath.Base(p)
		if official {
			file = "data/" + file
		}
		qs, err := csvtable.ReadWTQQuestions(p)
		if err != nil {
			return nil, &store.ValidationError{Fields: map[string]string{"questions": strings.TrimPrefix(err.Error(), "csvtable: ")}}
		}
		for _, q := range qs {
			if prev, ok := byID[q.ID]; ok && official {
				if prev.Utterance != q.Utterance || prev.Context != q.Context {
					return nil, &store.ValidationError{Fields: map[string]string{"questions": fmt.Sprintf(
						"question %s is %q on %s in %s but %q on %s in %s", q.ID, prev.Utterance, prev.Context, prev.file, q.Utterance, q.Context, file)}}
				}
				if prev.files[len(prev.files)-1] != file {
					prev.files = append(prev.files, file)
				}
				continue
			}
			wq := &wtqQuestion{WTQQuestion: q, file: file, files: []string{file}}
			byID[q.ID] = wq
			out = append(out, wq)
		}
	}
	return out, nil
}

// fileExists says whether p is there (something that cannot be read is, and fails clearly later).
func fileExists(p string) bool {
	_, err := os.Stat(p)
	return !errors.Is(err, os.ErrNotExist)
}
