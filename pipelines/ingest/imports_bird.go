package ingest

import (
	"context"
	"encoding/json"
	"fmt"
	"path"
	"path/filepath"
	"sort"
	"strings"

	"github.com/goldset/goldset/pipelines/ingest/bird"
	"github.com/goldset/goldset/pipelines/ingest/spider"
	"github.com/goldset/goldset/pipelines/ingest/upload"
	"github.com/goldset/goldset/store"
)

// BIRDSummary is what a BIRD import did: the databases and questions, as for Spider, and the
// column descriptions.
type BIRDSummary struct {
	ImportSummary
	Descriptions DescriptionSummary `json:"descriptions"`
}

// DescriptionSummary says how many columns got a description, and what was repaired or dropped
// from the description files, each warning naming the database and file.
type DescriptionSummary struct {
	Columns  int      `json:"columns"`
	Warnings []string `json:"warnings"`
}

// ImportBIRD imports a BIRD-layout folder (see package bird): every database its questions use,
// from <split>_databases/<db>/<db>.sqlite, with the columns described by its
// database_description CSVs; and every question with its evidence and difficulty, its SQLite
// gold SQL translated to PostgreSQL and verified by execution as ImportSpider does. A question
// whose translation does not match is kept, marked needs_review, with both results.
//
// The questions file is checked before anything is written (a question without SQL refuses the
// dataset, naming the question). Then each database is imported on its own, as ImportSpider does:
// one whose SQLite file is missing or unreadable, whose description folder cannot be read, or whose
// data PostgreSQL refuses is named in Failed with its reason and its questions are skipped; the
// others are imported, and the same import run again imports only what is missing. A description
// file that cannot be used is not a failure: what it loses is listed in Descriptions.Warnings.
func (im *Importer) ImportBIRD(ctx context.Context, a store.Actor, projectID int64, dir string, opt bird.Options) (BIRDSummary, error) {
	var sum BIRDSummary
	sum.Descriptions.Warnings = []string{}
	opt.SkipMissing = true
	ds, err := bird.ReadDataset(dir, opt)
	if err != nil {
		return sum, &store.ValidationError{Fields: map[string]string{"dataset": strings.TrimPrefix(err.Error(), "bird: ")}}
	}
	byDB := map[string][]bird.Question{}
	for _, q := range ds.Questions {
		byDB[q.DBID] = append(byDB[q.DBID], q)
	}
	sum.Questions = &QuestionSummary{Total: len(ds.Questions)}
	missing := map[string]error{}
	for id, err := range ds.Missing {
		missing[id] = &store.ValidationError{Fields: map[string]string{"dataset": strings.TrimPrefix(err.Error(), "bird: ")}}
	}
	err = sum.eachDatabase(ctx, ds.DatabaseIDs(), missing, func(id string) int { return len(byDB[id]) },
		func(id string) error { return im.importBIRDOne(ctx, a, projectID, ds, id, byDB[id], &sum) })
	return sum, err
}

// importBIRDOne imports database id of ds with its descriptions, then its questions qs, adding what
// it did to sum.
func (im *Importer) importBIRDOne(ctx context.Context, a store.Actor, projectID int64, ds *bird.Dataset, id string, qs []bird.Question, sum *BIRDSummary) error {
	folder := bird.DatabasesFolder(ds.File)
	if err := spider.CheckSQLite(ctx, ds.SQLitePath(id), maxColumns); err != nil {
		return &store.ValidationError{Fields: map[string]string{"dataset": fmt.Sprintf("%s/%s/%s.sqlite: %v", folder, id, id, err)}}
	}
	docs, warnings, err := bird.ReadDescriptions(ds.DescriptionDir(id))
	if err != nil {
		return &store.ValidationError{Fields: map[string]string{"dataset": fmt.Sprintf("%s/%s/%s", folder, id, strings.TrimPrefix(err.Error(), "bird: "))}}
	}
	dsum, described, more, err := im.importBIRDDatabase(ctx, a, projectID, ds, id, docs)
	if err != nil {
		return err
	}
	golds := make([]goldQuery, len(qs))
	for i, q := range qs {
		golds[i] = goldQuery{nlq: birdNLQ(projectID, dsum.Database.ID, ds.File, q), index: q.Index, dbID: q.DBID, sql: q.SQL}
	}
	qsum, err := im.importGold(ctx, a, dsum.Database, ds.SQLitePath(id), golds)
	if err != nil {
		return err
	}
	sum.Databases = append(sum.Databases, dsum)
	sum.Descriptions.Columns += described
	for _, w := range append(warnings, more...) {
		sum.Descriptions.Warnings = append(sum.Descriptions.Warnings, id+": "+w)
	}
	sum.Questions.addGold(qsum)
	return nil
}

// importBIRDDatabase imports one database as ImportSQLite does, with its columns' descriptions.
// The description files count in the source's hash: a folder whose descriptions changed makes a
// new version, one whose files are all the same makes nothing new.
func (im *Importer) importBIRDDatabase(ctx context.Context, a store.Actor, projectID int64, ds *bird.Dataset, id string, docs []bird.TableDoc) (DatabaseSummary, int, []string, error) {
	path := ds.SQLitePath(id)
	tables, err := spider.ReadSQLite(ctx, path)
	if err != nil {
		return DatabaseSummary{}, 0, nil, &store.ValidationError{Fields: map[string]string{
			"dataset": fmt.Sprintf("%s/%s/%s.sqlite: %s", bird.DatabasesFolder(ds.File), id, id, strings.TrimPrefix(err.Error(), "spider: "))}}
	}
	described, warnings := bird.Apply(tables, docs)
	files := []string{path}
	for _, d := range docs {
		files = append(files, filepath.Join(ds.DescriptionDir(id), d.File))
	}
	src, err := hashFiles(files)
	if err != nil {
		return DatabaseSummary{}, 0, nil, err
	}
	sum, err := im.ImportTables(ctx, a, projectID, id, "sqlite", src, tables)
	return sum, described, warnings, err
}

// birdNLQ is BIRD question q of file, on database dbID, with its evidence and difficulty. Its key
// is its file and position, so importing the file again adds nothing.
func birdNLQ(projectID, dbID int64, file string, q bird.Question) store.NLQ {
	key := fmt.Sprintf("bird:%s:%d", file, q.Index)
	o := map[string]any{"kind": "bird", "file": file, "index": q.Index, "db_id": q.DBID}
	if q.QuestionID != nil {
		o["question_id"] = *q.QuestionID
	}
	origin, _ := json.Marshal(o)
	return store.NLQ{ProjectID: projectID, DatabaseID: &dbID, Question: q.Question, Evidence: q.Evidence, Difficulty: q.Difficulty,
		Origin: origin, OriginKey: &key}
}

// ExtractBIRD expands a BIRD zip (named name by its owner) into dir within im.Limits and returns
// the dataset's folder in it and its questions file: the folder holding a <split>_databases
// folder, and <split>.json (dev.json when the zip holds several splits). The zip may or may not
// wrap the dataset in a top folder. BIRD's own release packs the databases as a zip inside the
// zip (dev_20240627/dev_databases.zip): when the zip has no <split>_databases folder, such inner
// zips are expanded where they are, each within the same limits as the upload.
func (im *Importer) ExtractBIRD(ctx context.Context, zipPath, name, dir string) (root, questionsFile string, err error) {
	files, err := upload.Extract(ctx, zipPath, name, dir, im.Limits)
	if err != nil {
		return "", "", inputError("files", err)
	}
	type found struct{ root, split string }
	var cands []found
	find := func(files []string) {
		for _, f := range files {
			parts := strings.Split(f, "/")
			for i, p := range parts[:len(parts)-1] {
				if split, ok := strings.CutSuffix(p, "_databases"); ok && split != "" {
					cands = append(cands, found{path.Join(parts[:i]...), split})
					break
				}
			}
		}
	}
	find(files)
	if len(cands) == 0 {
		for _, f := range files {
			if !strings.HasSuffix(f, "_databases.zip") {
				continue
			}
			at := path.Dir(f)
			inner, err := upload.Extract(ctx, filepath.Join(dir, filepath.FromSlash(f)), name+": "+f, filepath.Join(dir, filepath.FromSlash(at)), im.Limits)
			if err != nil {
				return "", "", inputError("files", err)
			}
			for i := range inner {
				inner[i] = path.Join(at, inner[i])
			}
			find(inner)
		}
	}
	if len(cands) == 0 {
		return "", "", &store.ValidationError{Fields: map[string]string{"files": fmt.Sprintf(
			"%s has no <split>_databases folder (such as dev_databases): it does not look like a BIRD dataset", name)}}
	}
	sort.SliceStable(cands, func(i, j int) bool {
		if len(cands[i].root) != len(cands[j].root) {
			return len(cands[i].root) < len(cands[j].root)
		}
		return cands[i].split == "dev" && cands[j].split != "dev"
	})
	return filepath.Join(dir, filepath.FromSlash(cands[0].root)), cands[0].split + ".json", nil
}
