package ingest

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
	"path"
	"path/filepath"
	"strings"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"

	"github.com/goldset/goldset/pipelines/ingest/csvtable"
	"github.com/goldset/goldset/pipelines/ingest/spider"
	"github.com/goldset/goldset/pipelines/ingest/upload"
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
	// Limits bound what an import reads: uploads, files, archives (zero fields: upload.DefaultLimits).
	Limits upload.Limits
}

// maxColumns is PostgreSQL's limit on the columns of a table (MaxHeapAttributeNumber).
const maxColumns = 1600

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
	for _, td := range tables {
		if n := len(td.Def.Columns); n > maxColumns {
			where := td.Def.Original
			if kind == "sqlite" && len(src.Files) == 1 {
				where = src.Files[0] + ": table " + where
			}
			return DatabaseSummary{}, &store.ValidationError{Fields: map[string]string{"files": fmt.Sprintf(
				"%s has %d columns: PostgreSQL allows at most %d in a table", where, n, maxColumns)}}
		}
	}
	if prev, ok, err := im.unchanged(ctx, projectID, name, src); err != nil || ok {
		return prev, err
	}
	var d store.Database
	var rep sqlexec.LoadReport
	err := im.Store.InTx(ctx, "import "+name, func(tx pgx.Tx) error {
		id, err := store.NextDatabaseID(ctx, tx)
		if err != nil {
			return err
		}
		target := sqlexec.TargetFor(im.PGDatabase, id)
		if rep, err = sqlexec.Load(ctx, tx, target, tables); err != nil {
			return loadError(name, err)
		}
		meta := make([]store.DBTable, len(tables))
		defs := make([]sqlexec.TableDef, len(tables))
		for i, td := range tables {
			cols, _ := json.Marshal(td.Def.Columns)
			fks, _ := json.Marshal(td.Def.ForeignKeys)
			meta[i] = store.DBTable{Position: i, Name: td.Def.Name, Original: td.Def.Original, Summary: td.Def.Summary,
				RowCount: rep.Tables[i].Rows, Columns: cols, PrimaryKey: td.Def.PrimaryKey, ForeignKeys: fks, Warnings: rep.Tables[i].Warnings,
				ScanOrder: sqlexec.RowOrderKey(td)}
			defs[i] = td.Def
		}
		schemaJSON, _ := json.Marshal(defs)
		sum := sha256.Sum256(schemaJSON)
		srcJSON, _ := json.Marshal(src)
		repJSON, _ := json.Marshal(rep)
		d = store.Database{ID: id, ProjectID: projectID, Name: name, Kind: kind, Source: srcJSON, SchemaName: target.Schema,
			ReaderRole: target.Reader, SchemaHash: hex.EncodeToString(sum[:8]), TableCount: len(tables), RowCount: rep.Rows(), Report: repJSON}
		return store.InsertDatabase(ctx, tx, a, &d, meta)
	})
	if err != nil {
		return DatabaseSummary{}, err
	}
	d.Latest = true
	im.Log.Info("imported database", "project", projectID, "name", name, "version", d.Version, "tables", len(tables), "rows", d.RowCount)
	return DatabaseSummary{Database: d, Tables: rep.Tables, Rows: rep.Rows()}, nil
}

// unchanged finds the latest database called name when it was imported from the same files (src's
// hash): importing them again would make nothing new.
func (im *Importer) unchanged(ctx context.Context, projectID int64, name string, src source) (DatabaseSummary, bool, error) {
	if src.Hash == "" {
		return DatabaseSummary{}, false, nil
	}
	prev, err := im.Store.DatabaseByName(ctx, projectID, name)
	if errors.Is(err, store.ErrNotFound) {
		return DatabaseSummary{}, false, nil
	}
	if err != nil {
		return DatabaseSummary{}, false, err
	}
	var ps source
	if json.Unmarshal(prev.Source, &ps) == nil && ps.Hash == src.Hash {
		return DatabaseSummary{Database: prev, Rows: prev.RowCount, Unchanged: true}, true, nil
	}
	return DatabaseSummary{}, false, nil
}

// loadError says why PostgreSQL refused the data itself (a data exception, a program limit such as
// a row too wide for a page) as the user's input error, naming the database; anything else is
// the server's failure.
func loadError(name string, err error) error {
	var pe *pgconn.PgError
	if errors.As(err, &pe) && (strings.HasPrefix(pe.Code, "22") || strings.HasPrefix(pe.Code, "54")) {
		return &store.ValidationError{Fields: map[string]string{"files": fmt.Sprintf("%s cannot be loaded into PostgreSQL: %s", name, pe.Message)}}
	}
	return fmt.Errorf("import %s: %w", name, err)
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
// cannot be read fails the whole import, naming each bad file as the user named it (its base
// name; a folder's or zip's name and the path inside): nothing is half-imported, and no path of
// this machine appears. Zips are expanded within im.Limits into an upload folder first.
func (im *Importer) ImportCSV(ctx context.Context, a store.Actor, projectID int64, paths []string, name string) (DatabaseSummary, error) {
	lim := im.Limits.OrDefault()
	var tables []*sqlexec.TableData
	var files []string
	var bad []string
	for _, p := range paths {
		st, err := os.Stat(p)
		if err != nil {
			return DatabaseSummary{}, fmt.Errorf("import csv: %w", err)
		}
		base := filepath.Base(p)
		switch {
		case st.IsDir():
			ts, errs, err := csvtable.ReadDir(p, csvtable.Options{})
			if err != nil {
				return DatabaseSummary{}, err
			}
			for _, t := range ts {
				t.Def.Original = base + "/" + t.Def.Original
			}
			tables = append(tables, ts...)
			for _, fe := range errs {
				bad = append(bad, base+"/"+fe.Error())
			}
			entries, _ := filepath.Glob(filepath.Join(p, "*"))
			files = append(files, entries...)
		case strings.EqualFold(filepath.Ext(p), ".zip"):
			ts, errs, err := im.readCSVZip(ctx, p, base, lim)
			if err != nil {
				return DatabaseSummary{}, err
			}
			tables = append(tables, ts...)
			for _, fe := range errs {
				bad = append(bad, base+": "+fe.Error())
			}
			files = append(files, p)
		case st.Size() > lim.File:
			bad = append(bad, lim.FileTooLarge(base).Error())
		default:
			t, err := readCSVFile(p, base)
			if err != nil {
				bad = append(bad, err.Error())
				continue
			}
			t.Def.Original = base
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

// readCSVFile reads one CSV/TSV file, naming it name in errors and warnings.
func readCSVFile(path, name string) (*sqlexec.TableData, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	defer f.Close()
	return csvtable.Read(f, name, csvtable.Options{})
}

// readCSVZip expands a zip of CSV/TSV files into an upload folder within lim, and reads every
// table in it (see csvtable.ReadTree); a table's Original is its path inside the archive.
func (im *Importer) readCSVZip(ctx context.Context, path, name string, lim upload.Limits) ([]*sqlexec.TableData, []csvtable.FileError, error) {
	dir, err := upload.NewDir()
	if err != nil {
		return nil, nil, err
	}
	defer dir.Close()
	if _, err := upload.Extract(ctx, path, name, dir.Path, lim); err != nil {
		return nil, nil, inputError("files", err)
	}
	return csvtable.ReadTree(dir.Path, csvtable.Options{})
}

// inputError turns a refusal of the upload package (a file too large, an archive that cannot be
// expanded safely) into a validation error on field; other errors pass through.
func inputError(field string, err error) error {
	if errors.Is(err, upload.ErrTooLarge) || errors.Is(err, upload.ErrInvalid) {
		return &store.ValidationError{Fields: map[string]string{field: err.Error()}}
	}
	return err
}

// ExtractDataset expands a dataset zip (named name by its owner) into dir within im.Limits and
// returns the dataset's folder in it, for ImportSpider (kind "spider": the folder holding
// tables.json) or ImportWTQ ("wtq": the folder holding csv/). The zip may or may not wrap the
// dataset in a top folder.
func (im *Importer) ExtractDataset(ctx context.Context, zipPath, name, dir, kind string) (string, error) {
	files, err := upload.Extract(ctx, zipPath, name, dir, im.Limits)
	if err != nil {
		return "", inputError("files", err)
	}
	root, found := "", false
	for _, f := range files {
		cand, ok := "", false
		switch kind {
		case "spider":
			cand, ok = path.Dir(f), path.Base(f) == "tables.json"
		case "wtq":
			if i := strings.Index("/"+f, "/csv/"); i >= 0 {
				cand, ok = path.Clean("/" + f[:i])[1:], true
			}
		}
		if ok && (!found || len(cand) < len(root)) {
			root, found = cand, true
		}
	}
	if !found {
		marker := map[string]string{"spider": "tables.json", "wtq": "csv folder"}[kind]
		return "", &store.ValidationError{Fields: map[string]string{"files": fmt.Sprintf("%s has no %s: it does not look like the dataset's folder", name, marker)}}
	}
	return filepath.Join(dir, filepath.FromSlash(root)), nil
}

// ImportSQLite imports every table of a SQLite file as one database.
// A file already imported under the same name is recognised by its hash before it is read.
func (im *Importer) ImportSQLite(ctx context.Context, a store.Actor, projectID int64, path, name string) (DatabaseSummary, error) {
	if name == "" {
		name = defaultName(path)
	}
	src, err := hashFiles([]string{path})
	if err != nil {
		var pe *os.PathError
		if errors.As(err, &pe) {
			err = pe.Err // no path: it may be a temporary copy
		}
		return DatabaseSummary{}, &store.ValidationError{Fields: map[string]string{"file": filepath.Base(path) + ": " + err.Error()}}
	}
	if prev, ok, err := im.unchanged(ctx, projectID, name, src); err != nil || ok {
		return prev, err
	}
	tables, err := spider.ReadSQLite(ctx, path)
	if err != nil {
		// Named as the user named it: path may be a temporary copy of an upload.
		return DatabaseSummary{}, &store.ValidationError{Fields: map[string]string{"file": filepath.Base(path) + ": " + strings.TrimPrefix(err.Error(), "spider: ")}}
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

// schemaInfo describes loaded tables (with the names they had in the source, their keys and row
// order) for the SQLite → PostgreSQL translator.
func schemaInfo(tables []store.DBTable) *sqlexec.SchemaInfo {
	defs := make([]*sqlexec.TableData, len(tables))
	for i, t := range tables {
		defs[i] = &sqlexec.TableData{Def: sqlexec.TableDef{Name: t.Name, Original: t.Original, PrimaryKey: t.PrimaryKey}}
		// The importer wrote the columns from sqlexec.ColumnDef: unreadable ones cannot happen.
		_ = json.Unmarshal(t.Columns, &defs[i].Def.Columns)
	}
	info := sqlexec.SchemaInfoFromTables(defs)
	for _, t := range tables {
		if len(t.ScanOrder) > 0 {
			info.ScanOrder[strings.ToLower(t.Name)] = t.ScanOrder
		}
	}
	return info
}
