package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"path/filepath"
	"strings"

	"github.com/goldset/goldset/pipelines/ingest"
	"github.com/goldset/goldset/pipelines/ingest/spider"
	"github.com/goldset/goldset/pipelines/ingest/upload"
	"github.com/goldset/goldset/sqlexec"
	"github.com/goldset/goldset/store"
)

const importHelp = `Import target databases and questions into a project (created when absent).

  goldset import csv PATH... --project P [--database NAME]   CSV/TSV files, folders of them, or zips
  goldset import sqlite FILE --project P [--database NAME]   every table of a SQLite file
  goldset import sqlite FILE.zip --project P                 every SQLite file in a zip, one database each
  goldset import spider DIR|ZIP --project P [--questions dev.json]
        a Spider folder (dev.json, tables.json, database/<db_id>/<db_id>.sqlite): databases and
        questions, the gold SQL translated to PostgreSQL and verified by execution
  goldset import bird DIR --project P [--questions dev.json]
        a BIRD folder (dev.json, dev_databases/<db>/<db>.sqlite and database_description/*.csv):
        databases with their column descriptions, questions with evidence and difficulty, the gold
        SQL translated to PostgreSQL and verified by execution; train.json reads train_databases/

A zip of SQLite files and a Spider folder import each database on its own: the others are
imported when one fails, the failures are listed and the command exits non-zero; run it again
to import what is missing (databases imported from the same files are skipped).
  goldset import wtq DIR|ZIP --project P [--questions FILE]
        a WikiTableQuestions folder: csv/<folder>/*.csv and questions.tsv, or the official release
        as it is (csv/ and data/*.tsv: training.tsv, pristine-unseen-tables.tsv, random-split-*.tsv,
        each question id once); questions whose table is not under csv/ are skipped and counted
  goldset import questions FILE --project P [--database NAME]
        a CSV with columns question[, sql][, db][, table] (table: the tables the question is about)

--json prints the summary: tables, rows, warnings and, for question sets, the gold-translation match rate.`

// tools is what the import and sql commands work with.
type tools struct {
	db       *database
	exec     *sqlexec.Executor
	importer *ingest.Importer
}

func openTools(ctx context.Context, cfg *config, log *slog.Logger) (*tools, error) {
	// Every process that imports (serve, worker, import) starts here: remove what crashed ones left.
	if n, err := upload.Clean(); err != nil || n > 0 {
		log.Info("removed leftover upload folders", "count", n, "err", err)
	}
	db, err := openDatabase(ctx, cfg, log, true)
	if err != nil {
		return nil, err
	}
	exec, err := sqlexec.NewExecutor(ctx, db.url, cfg.execOptions())
	if err != nil {
		db.Close(ctx)
		return nil, err
	}
	db.closers = append(db.closers, exec.Close)
	im, err := ingest.NewImporter(ctx, db.store, exec, log)
	if err != nil {
		db.Close(ctx)
		return nil, err
	}
	im.Limits = cfg.uploadLimits()
	return &tools{db: db, exec: exec, importer: im}, nil
}

// openCommandTools opens the tools as a one-shot command does: the configuration resolved, logging
// warnings and errors only (toolLogger).
func openCommandTools(ctx context.Context, cfg *config) (*tools, error) {
	if err := cfg.resolve(); err != nil {
		return nil, err
	}
	return openTools(ctx, cfg, cfg.toolLogger())
}

// project finds the project called name; with dbName, also its latest database of that name.
func (t *tools) project(ctx context.Context, name, dbName string) (store.Project, store.Database, error) {
	p, err := projectByName(ctx, t.db.store, name)
	if err != nil {
		return p, store.Database{}, err
	}
	if dbName == "" {
		return p, store.Database{}, nil
	}
	d, err := t.db.store.DatabaseByName(ctx, p.ID, dbName)
	return p, d, err
}

// projectNamed finds the project called (or numbered) name as projectByName does, creating one
// called name when there is none.
func projectNamed(ctx context.Context, st *store.Store, name string) (store.Project, error) {
	if strings.TrimSpace(name) == "" {
		return store.Project{}, fmt.Errorf("%w: --project is required", errUsage)
	}
	p, err := projectByName(ctx, st, name)
	if errors.Is(err, store.ErrNotFound) {
		return st.CreateProject(ctx, store.System, name, "", 0)
	}
	return p, err
}

func runImport(ctx context.Context, args []string, out io.Writer) error {
	fs := newFlagSet("import csv|sqlite|spider|bird|wtq|questions PATH... --project P", importHelp)
	cfg := newConfig(fs, append(append(dbOptions, sqlOptions...), uploadOptions...)...)
	project := fs.String("project", "", "project name or number (created, with that name, when there is none)")
	dbName := fs.String("database", "", "target database name (default: from the file or folder name)")
	questions := fs.String("questions", "", "questions file: spider or bird split (default dev.json) or WTQ TSV (default questions.tsv)")
	asJSON := fs.Bool("json", false, "print the summary as JSON")
	whatAndWhere := func(pos []string) bool { return len(pos) >= 2 }
	pos, err := parseArgsFitting(fs, args, whatAndWhere, "say what to import and from where")
	if err != nil {
		return err
	}
	t, err := openCommandTools(ctx, cfg)
	if err != nil {
		return err
	}
	defer t.db.Close(ctx)
	p, err := projectNamed(ctx, t.db.store, *project)
	if err != nil {
		return err
	}
	im, a := t.importer, store.System
	var sum ingest.ImportSummary
	switch kind, paths := pos[0], pos[1:]; kind {
	case "csv":
		ds, err := im.ImportCSV(ctx, a, p.ID, paths, *dbName)
		if err != nil {
			return err
		}
		sum.Databases = append(sum.Databases, ds)
	case "sqlite":
		if err := needArgs(paths, 1, "one SQLite FILE"); err != nil {
			return err
		}
		if ingest.IsZip(paths[0]) {
			if *dbName != "" {
				return fmt.Errorf("%w: --database does not apply to a zip of SQLite files: each database is named after its file", errUsage)
			}
			if sum, err = im.ImportSQLiteZip(ctx, a, p.ID, paths[0], filepath.Base(paths[0])); err != nil {
				return err
			}
			break
		}
		ds, err := im.ImportSQLite(ctx, a, p.ID, paths[0], *dbName)
		if err != nil {
			return err
		}
		sum.Databases = append(sum.Databases, ds)
	case "spider":
		if err := needArgs(paths, 1, "one Spider DIR or zip"); err != nil {
			return err
		}
		sum, err = importDataset(ctx, im, paths[0], "spider", func(dir string) (ingest.ImportSummary, error) {
			return im.ImportSpider(ctx, a, p.ID, dir, spider.DatasetOptions{QuestionsFile: *questions})
		})
		if err != nil {
			return err
		}
	case "bird":
		if err := needArgs(paths, 1, "one BIRD DIR"); err != nil {
			return err
		}
		return importBIRD(ctx, im, a, p, paths[0], *questions, *asJSON, out)
	case "wtq":
		if err := needArgs(paths, 1, "one WikiTableQuestions DIR or zip"); err != nil {
			return err
		}
		sum, err = importDataset(ctx, im, paths[0], "wtq", func(dir string) (ingest.ImportSummary, error) {
			return im.ImportWTQ(ctx, a, p.ID, dir, *questions)
		})
		if err != nil {
			return err
		}
	case "questions":
		if err := needArgs(paths, 1, "one questions CSV FILE"); err != nil {
			return err
		}
		if sum.Questions, err = im.ImportQuestionsCSV(ctx, a, p.ID, paths[0], *dbName); err != nil {
			return err
		}
	default:
		return fmt.Errorf("%w: cannot import %q; say csv, sqlite, spider, bird, wtq or questions", errUsage, kind)
	}
	if *asJSON {
		if err := printJSON(out, importReport(p, sum)); err != nil {
			return err
		}
	} else {
		printImport(out, p, sum)
	}
	// Some databases failed: the summary above says what was imported, the exit status that the
	// command did not do all it was asked.
	return sum.Err()
}

// importDataset imports the dataset folder at path with imp, or, for a zip (as released, or as the
// API takes it), the folder it expands to within the importer's limits, removed once imp returns.
func importDataset(ctx context.Context, im *ingest.Importer, path, kind string, imp func(dir string) (ingest.ImportSummary, error)) (ingest.ImportSummary, error) {
	if !ingest.IsZip(path) {
		return imp(path)
	}
	up, err := upload.NewDir()
	if err != nil {
		return ingest.ImportSummary{}, err
	}
	defer up.Close()
	dir, err := im.ExtractDataset(ctx, path, filepath.Base(path), up.Path, kind)
	if err != nil {
		return ingest.ImportSummary{}, err
	}
	return imp(dir)
}

// importReport is the --json shape: one line per database, the question summary, every warning.
func importReport(p store.Project, sum ingest.ImportSummary) map[string]any {
	type dbReport struct {
		Name      string                `json:"name"`
		ID        int64                 `json:"id"`
		Version   int                   `json:"version"`
		Unchanged bool                  `json:"unchanged"`
		Tables    []sqlexec.TableReport `json:"tables"`
		Rows      int64                 `json:"rows"`
		Warnings  []string              `json:"warnings"`
	}
	dbs := []dbReport{}
	var tables int
	var rows int64
	warnings := []string{}
	for _, d := range sum.Databases {
		w := d.Warnings()
		if w == nil {
			w = []string{}
		}
		dbs = append(dbs, dbReport{Name: d.Database.Name, ID: d.Database.ID, Version: d.Database.Version, Unchanged: d.Unchanged,
			Tables: d.Tables, Rows: d.Database.RowCount, Warnings: w})
		tables += d.Database.TableCount
		rows += d.Database.RowCount
		warnings = append(warnings, w...)
	}
	failed := sum.Failed
	if failed == nil {
		failed = []ingest.DatabaseFailure{}
	}
	out := map[string]any{"project": p.Name, "databases": dbs, "tables": tables, "rows": rows, "warnings": warnings, "failed": failed}
	if sum.Questions != nil {
		out["questions"] = sum.Questions
	}
	return out
}

func printImport(out io.Writer, p store.Project, sum ingest.ImportSummary) {
	for _, d := range sum.Databases {
		if d.Unchanged {
			fmt.Fprintf(out, "Database %s is unchanged since version %d (same files); nothing imported.\n", d.Database.Name, d.Database.Version)
			continue
		}
		fmt.Fprintf(out, "Imported database %s (version %d) into project %s: %d tables, %d rows.\n",
			d.Database.Name, d.Database.Version, p.Name, d.Database.TableCount, d.Database.RowCount)
		for _, w := range d.Warnings() {
			fmt.Fprintf(out, "  warning: %s\n", w)
		}
	}
	for _, f := range sum.Failed {
		fmt.Fprintf(out, "Database %s was not imported: %s\n", f.Name, f.Reason)
	}
	if q := sum.Questions; q != nil {
		fmt.Fprintf(out, "Questions: %d read, %d imported, %d already present.\n", q.Total, q.Imported, q.Existing)
		if q.Skipped > 0 {
			fmt.Fprintf(out, "%d questions skipped: their database or table is not imported.\n", q.Skipped)
		}
		if q.GoldTranslated > 0 {
			fmt.Fprintf(out, "Gold SQL translated to PostgreSQL: %d of %d match the original by execution (%.1f%%); the rest are marked for review.\n",
				q.GoldMatched, q.GoldTranslated, 100*q.GoldMatchRate)
			for _, m := range q.Mismatches {
				fmt.Fprintf(out, "  #%d (%s): %s\n", m.Index, m.DBID, m.Reason)
			}
		}
		if q.SQLFailed > 0 {
			fmt.Fprintf(out, "%d SQL queries failed on PostgreSQL; they are kept with their errors.\n", q.SQLFailed)
		}
	}
}
