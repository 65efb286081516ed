package ingest

import (
	"context"
	"fmt"
	"path"
	"path/filepath"
	"strings"

	"github.com/goldset/goldset/pipelines/ingest/upload"
	"github.com/goldset/goldset/store"
)

// IsZip reports whether a file is named as a zip archive.
func IsZip(name string) bool { return strings.EqualFold(filepath.Ext(name), ".zip") }

// sqliteExts are the names a SQLite file goes by inside a zip.
var sqliteExts = map[string]bool{".sqlite": true, ".sqlite3": true, ".db": true}

// ImportSQLiteZip imports every SQLite file (.sqlite, .sqlite3, .db) of the zip at zipPath (named
// name by its owner) as a database of its own, named after the file, wherever it sits in the
// archive (database/<db_id>/<db_id>.sqlite as in Spider, or flat). The zip is expanded within
// im.Limits into an upload folder first.
//
// Like ImportSpider, each database is its own unit: one that cannot be imported (a damaged file, a
// value PostgreSQL refuses, a second file of the same name) leaves nothing behind and is named in
// ImportSummary.Failed with its reason while the others are imported; a file already imported under
// its name is reported unchanged, so the same zip imported again imports only what is missing. The
// error is reserved for an archive that cannot be read or holds no SQLite file, and cancellation.
func (im *Importer) ImportSQLiteZip(ctx context.Context, a store.Actor, projectID int64, zipPath, name string) (ImportSummary, error) {
	dir, err := upload.NewDir()
	if err != nil {
		return ImportSummary{}, err
	}
	defer dir.Close()
	files, err := upload.Extract(ctx, zipPath, name, dir.Path, im.Limits)
	if err != nil {
		return ImportSummary{}, inputError("files", err)
	}
	sum := ImportSummary{Databases: []DatabaseSummary{}}
	seen := map[string]string{} // database name → entry
	for _, f := range files {
		if !sqliteExts[strings.ToLower(path.Ext(f))] {
			continue
		}
		db := defaultName(f)
		if prev, dup := seen[db]; dup {
			dupErr := fmt.Errorf("%s: %s and %s would both be database %s; rename one", name, prev, f, db)
			if err := sum.fail(ctx, db+" ("+f+")", dupErr); err != nil {
				return sum, err
			}
			continue
		}
		seen[db] = f
		ds, err := im.ImportSQLite(ctx, a, projectID, filepath.Join(dir.Path, filepath.FromSlash(f)), db)
		if err != nil {
			if err := sum.fail(ctx, db, fmt.Errorf("%s: %w", name, err)); err != nil {
				return sum, err
			}
			continue
		}
		sum.Databases = append(sum.Databases, ds)
	}
	if len(seen) == 0 {
		return ImportSummary{}, &store.ValidationError{Fields: map[string]string{"files": name + " holds no SQLite file (.sqlite, .sqlite3 or .db)"}}
	}
	return sum, nil
}
