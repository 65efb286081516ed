package pipelines

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"strings"

	"github.com/goldset/goldset/pipelines/csvtable"
	"github.com/goldset/goldset/pipelines/spider"
	"github.com/goldset/goldset/sqlexec"
	"github.com/goldset/goldset/store"
)

// Importer turns files into target databases and questions.
type Importer struct {
	Store *store.Store
	Exec  *sqlexec.Executor
	// PGDatabase is the platform's PostgreSQL database name (reader roles are named after it).
	PGDatabase string
	Log        *slog.Logger
}

// NewImporter builds an importer on the platform store and a sandbox executor.
func NewImporter(ctx context.Context, st *store.Store, exec *sqlexec.Executor, log *slog.Logger) (*Importer, error) {
	name, err := sqlexec.CurrentDatabase(ctx, st.Pool())
	if err != nil {
		return nil, err
	}
	if log == nil {
		log = slog.New(slog.NewTextHandler(io.Discard, nil))
	}
	return &Importer{Store: st, Exec: exec, PGDatabase: name, Log: log}, nil
}

// DatabaseSummary is what one database import did.
type DatabaseSummary struct {
	Database  store.Database        `json:"database"`
	Tables    []sqlexec.TableReport `json:"tables"`
	Rows      int64                 `json:"rows"`
	Unchanged bool                  `json:"unchanged"` // the same source was already imported; nothing new was made
}

// Warnings lists every table warning, prefixed with its table.
func (s DatabaseSummary) Warnings() []string {
	var out []string
	for _, t := range s.Tables {
		for _, w := range t.Warnings {
			out = append(out, t.Name+": "+w)
		}
	}
	return out
}

type source struct {
	Files []string `json:"files"`
	Hash  string   `json:"hash"` // sha256 over the files' bytes, to recognise a repeated import
}

func hashFiles(paths []string) (source, error) {
	h := sha256.New()
	src := source{}
	for _, p := range paths {
		f, err := os.Open(p)
		if err != nil {
			return src, err
		}
		_, err = io.Copy(h, f)
		f.Close()
		if err != nil {
			return src, err
		}
		src.Files = append(src.Files, filepath.Base(p))
	}
	src.Hash = hex.EncodeToString(h.Sum(nil))
	return src, nil
}

// ImportTables creates a new version of the database called name in the project from tables, in one
// transaction: the schema, its reader role, the rows (COPY), the keys, the registry and the audit
// entry all appear together, or nothing does.
func (im *Importer) ImportTables(ctx context.Context, a store.Actor, projectID int64, name, kind string, src source, tables []*sqlexec.TableData) (DatabaseSummary, error) {
	if len(tables) == 0 {
		return DatabaseSummary{}, &store.ValidationError{Fields: map[string]string{"files": "hold no table to import"}}
	}
	if err := uniqueTableNames(tables); err != nil {
		return DatabaseSummary{}, err
	}
	if prev, err := im.Store.DatabaseByName(ctx, projectID, name); err == nil && src.Hash != "" {
		var ps source
		if json.Unmarshal(prev.Source, &ps) == nil && ps.Hash == src.Hash {
			return DatabaseSummary{Database: prev, Rows: prev.RowCount, Unchanged: true}, nil
		}
	} else if err != nil && !errors.Is(err, store.ErrNotFound) {
		return DatabaseSummary{}, err
	}
	tx, err := im.Store.Pool().Begin(ctx)
	if err != nil {
		return DatabaseSummary{}, fmt.Errorf("import %s: %w", name, err)
	}
	defer tx.Rollback(context.WithoutCancel(ctx))
	id, err := store.NextDatabaseID(ctx, tx)
	if err != nil {
		return DatabaseSummary{}, err
	}
	target := sqlexec.TargetFor(im.PGDatabase, id)
	rep, err := sqlexec.Load(ctx, tx, target, tables)
	if err != nil {
		return DatabaseSummary{}, fmt.Errorf("import %s: %w", name, err)
	}
	meta := make([]store.DBTable, len(tables))
	defs := make([]sqlexec.TableDef, len(tables))
	for i, td := range tables {
		cols, _ := json.Marshal(td.Def.Columns)
		fks, _ := json.Marshal(td.Def.ForeignKeys)
		meta[i] = store.DBTable{Position: i, Name: td.Def.Name, Original: td.Def.Original, Summary: td.Def.Summary,
			RowCount: rep.Tables[i].Rows, Columns: cols, PrimaryKey: td.Def.PrimaryKey, ForeignKeys: fks, Warnings: rep.Tables[i].Warnings}
		defs[i] = td.Def
	}
	schemaJSON, _ := json.Marshal(defs)
	sum := sha256.Sum256(schemaJSON)
	srcJSON, _ := json.Marshal(src)
	repJSON, _ := json.Marshal(rep)
	d := store.Database{ID: id, ProjectID: projectID, Name: name, Kind: kind, Source: srcJSON, SchemaName: target.Schema,
		ReaderRole: target.Reader, SchemaHash: hex.EncodeToString(sum[:8]), TableCount: len(tables), RowCount: rep.Rows(), Report: repJSON}
	if err := store.InsertDatabase(ctx, tx, a, &d, meta); err != nil {
		return DatabaseSummary{}, err
	}
	if err := tx.Commit(ctx); err != nil {
		return DatabaseSummary{}, fmt.Errorf("import %s: commit: %w", name, err)
	}
	d.Latest = true
	im.Log.Info("imported database", "project", projectID, "name", name, "version", d.Version, "tables", len(tables), "rows", d.RowCount)
	return DatabaseSummary{Database: d, Tables: rep.Tables, Rows: rep.Rows()}, nil
}

func uniqueTableNames(tables []*sqlexec.TableData) error {
	seen := map[string]string{}
	for _, t := range tables {
		if prev, ok := seen[t.Def.Name]; ok {
			return &store.ValidationError{Fields: map[string]string{"files": fmt.Sprintf("%s and %s would both become table %s; rename one", prev, t.Def.Original, t.Def.Name)}}
		}
		seen[t.Def.Name] = t.Def.Original
	}
	return nil
}

// ImportCSV imports CSV/TSV files, folders of them, or zips of them as one database. Any file that
// cannot be read fails the whole import, naming each bad file: nothing is half-imported.
func (im *Importer) ImportCSV(ctx context.Context, a store.Actor, projectID int64, paths []string, name string) (DatabaseSummary, error) {
	var tables []*sqlexec.TableData
	var files []string
	var bad []string
	for _, p := range paths {
		st, err := os.Stat(p)
		if err != nil {
			return DatabaseSummary{}, fmt.Errorf("import csv: %w", err)
		}
		switch {
		case st.IsDir():
			ts, errs, err := csvtable.ReadDir(p, csvtable.Options{})
			if err != nil {
				return DatabaseSummary{}, err
			}
			for _, t := range ts {
				// Where the table came from, as the user named it: not this machine's path.
				if rel, err := filepath.Rel(p, t.Def.Original); err == nil {
					t.Def.Original = filepath.ToSlash(filepath.Join(filepath.Base(p), rel))
				}
			}
			tables = append(tables, ts...)
			for _, fe := range errs {
				bad = append(bad, fe.Error())
			}
			entries, _ := filepath.Glob(filepath.Join(p, "*"))
			files = append(files, entries...)
		case strings.EqualFold(filepath.Ext(p), ".zip"):
			ts, errs, err := csvtable.ReadZip(p, csvtable.Options{})
			if err != nil {
				return DatabaseSummary{}, err
			}
			tables = append(tables, ts...)
			for _, fe := range errs {
				bad = append(bad, fe.Error())
			}
			files = append(files, p)
		default:
			t, err := csvtable.ReadFile(p, csvtable.Options{})
			if err != nil {
				bad = append(bad, err.Error())
				continue
			}
			t.Def.Original = filepath.Base(p)
			tables = append(tables, t)
			files = append(files, p)
		}
	}
	if len(bad) > 0 {
		return DatabaseSummary{}, &store.ValidationError{Fields: map[string]string{"files": "cannot be read: " + strings.Join(bad, "; ")}}
	}
	if name == "" {
		name = defaultName(paths[0])
	}
	src, err := hashFiles(regularFiles(files))
	if err != nil {
		return DatabaseSummary{}, err
	}
	return im.ImportTables(ctx, a, projectID, name, "csv", src, tables)
}

// ImportSQLite imports every table of a SQLite file as one database.
func (im *Importer) ImportSQLite(ctx context.Context, a store.Actor, projectID int64, path, name string) (DatabaseSummary, error) {
	tables, err := spider.ReadSQLite(ctx, path)
	if err != nil {
		return DatabaseSummary{}, &store.ValidationError{Fields: map[string]string{"file": err.Error()}}
	}
	if name == "" {
		name = defaultName(path)
	}
	src, err := hashFiles([]string{path})
	if err != nil {
		return DatabaseSummary{}, err
	}
	return im.ImportTables(ctx, a, projectID, name, "sqlite", src, tables)
}

func defaultName(path string) string {
	base := filepath.Base(filepath.Clean(path))
	return strings.TrimSuffix(base, filepath.Ext(base))
}

func regularFiles(paths []string) []string {
	var out []string
	for _, p := range paths {
		if st, err := os.Stat(p); err == nil && st.Mode().IsRegular() {
			out = append(out, p)
		}
	}
	return out
}

// schemaInfo describes loaded tables (with the names they had in the source) for the SQLite →
// PostgreSQL translator.
func schemaInfo(tables []store.DBTable) *sqlexec.SchemaInfo {
	defs := make([]*sqlexec.TableData, len(tables))
	for i, t := range tables {
		defs[i] = &sqlexec.TableData{Def: sqlexec.TableDef{Name: t.Name, Original: t.Original}}
		_ = json.Unmarshal(t.Columns, &defs[i].Def.Columns)
	}
	return sqlexec.SchemaInfoFromTables(defs)
}
