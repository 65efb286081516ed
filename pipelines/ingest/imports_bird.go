package ingest

import (
	"context"
	"encoding/json"
	"fmt"
	"path"
	"path/filepath"
	"sort"
	"strings"

	"golang.org/x/sync/errgroup"

	"github.com/goldset/goldset/pipelines/candidate"
	"github.com/goldset/goldset/pipelines/ingest/bird"
	"github.com/goldset/goldset/pipelines/ingest/spider"
	"github.com/goldset/goldset/pipelines/ingest/upload"
	"github.com/goldset/goldset/sqlexec"
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
	nlqs := make([]store.NLQ, len(qs))
	for i, q := range qs {
		golds[i] = goldQuery{index: q.Index, dbID: q.DBID, sql: q.SQL}
		nlqs[i] = birdNLQ(projectID, dsum.Database.ID, ds.File, q)
	}
	qsum, err := im.importGold(ctx, a, dsum.Database, ds.SQLitePath(id), golds, nlqs)
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

// goldQuery is a benchmark question's SQLite gold SQL, to translate and verify.
type goldQuery struct {
	index int
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

// importGold imports the questions nlqs of database db, just imported from the SQLite file at
// path, each with its gold (golds[i] is nlqs[i]'s) translated, verified and stored as its
// imported candidate.
func (im *Importer) importGold(ctx context.Context, a store.Actor, db store.Database, path string, golds []goldQuery, nlqs []store.NLQ) (*QuestionSummary, error) {
	// The database is committed from here on: a failure now leaves it without its questions, which
	// the same import run again adds.
	tables, err := im.Store.Tables(ctx, db.ID)
	var verified []verifiedGold
	if err == nil {
		verified, err = im.verifyGold(ctx, db, tables, path, golds)
	}
	var qsum *QuestionSummary
	if err == nil {
		qsum, err = im.insertGold(ctx, a, nlqs, golds, verified)
	}
	if err != nil {
		return nil, fmt.Errorf("the database was imported (version %d) but not its questions; import again to add them: %w", db.Version, err)
	}
	return qsum, nil
}

// insertGold writes the questions nlqs in one transaction, each with its gold (golds[i], verified
// as verified[i]) as its imported candidate; a question whose translation does not match is
// marked needs_review and counted a mismatch. A question already present (by its origin key) is
// left as it is.
func (im *Importer) insertGold(ctx context.Context, a store.Actor, nlqs []store.NLQ, golds []goldQuery, verified []verifiedGold) (*QuestionSummary, error) {
	sum := &QuestionSummary{Total: len(verified)}
	tx, err := im.Store.Pool().Begin(ctx)
	if err != nil {
		return sum, err
	}
	defer tx.Rollback(context.WithoutCancel(ctx))
	for i, vg := range verified {
		n, q := nlqs[i], golds[i]
		sum.GoldTranslated++
		if vg.v.Match {
			sum.GoldMatched++
		} else {
			n.Status = store.NLQNeedsReview
			sum.Mismatches = append(sum.Mismatches, Mismatch{Index: q.index, DBID: q.dbID, Query: q.sql, Reason: vg.reason()})
		}
		inserted, err := sum.insert(ctx, tx, a, &n)
		if err != nil {
			return sum, err
		}
		if !inserted {
			continue
		}
		if err := store.InsertCandidate(ctx, tx, a, importedCandidate(n.ID, q.sql, vg)); err != nil {
			return sum, err
		}
	}
	if err := tx.Commit(ctx); err != nil {
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
