package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	"github.com/goldset/goldset/pipelines/export"
	"github.com/goldset/goldset/pipelines/golden"
	"github.com/goldset/goldset/store"
)

var exportHelp = `Export a golden snapshot as a file for fine-tuning or evaluation, streamed in constant memory.

  goldset export --project P --snapshot ID --format F [--split S] [--out FILE]

Formats: ` + strings.Join(export.ExportFormats, ", ") + `. The split is train, val, test or all
(default). The file goes to stdout unless --out names one (written beside it and renamed when
complete, so an interrupted export leaves no file). The export is recorded with its sha256, which
is printed to stderr with the row count.

The spider format is one zip (Spider's layout: train_spider.json, dev.json and test.json with their
*_gold.sql files, tables.json, database/<db_id>/<db_id>.sqlite, and goldset_export_report.json
listing the pairs whose query does not run or gives another result on SQLite). The bird format is
one zip in BIRD's layout: per split (train, dev for val, test) <split>.json with each question's
evidence and difficulty, <split>_gold.sql, <split>_tables.json and <split>_databases/<db>/ with the
SQLite file and database_description/<table>.csv, plus the same report. Being binary, the zips
are not written to a terminal: give --out FILE.zip or redirect stdout.`

func runExport(ctx context.Context, args []string, out io.Writer) error {
	fs := newFlagSet("export --project P --snapshot ID --format F [--split S] [--out FILE]", exportHelp)
	cfg := newConfig(fs, append(dbOptions, sqlOptions...)...)
	project := fs.String("project", "", "project name or number")
	snapshot := fs.Int64("snapshot", 0, "snapshot id")
	format := fs.String("format", "", "one of "+strings.Join(export.ExportFormats, ", "))
	split := fs.String("split", golden.SplitAll, "train, val, test or all")
	file := fs.String("out", "", "write to this file instead of stdout")
	if err := parseOptions(fs, args, "no positional arguments"); err != nil {
		return err
	}
	if *project == "" || *snapshot <= 0 || *format == "" {
		return fmt.Errorf("%w: --project, --snapshot and --format are required", errUsage)
	}
	p := export.ExportParams{Format: *format, Split: *split}
	if err := p.Validate(); err != nil {
		return fmt.Errorf("%w: %v", errUsage, err)
	}
	if *file == "" && (p.Format == export.FormatSpider || p.Format == export.FormatBIRD) && isTerminal(out) {
		return fmt.Errorf("%w: the %s format is a zip: give --out FILE.zip or redirect stdout", errUsage, p.Format)
	}
	t, err := openCommandTools(ctx, cfg)
	if err != nil {
		return err
	}
	defer t.db.Close(ctx)
	proj, _, err := t.project(ctx, *project, "")
	if err != nil {
		return err
	}
	x := &export.Exports{Store: t.db.store, Exec: t.exec}
	w, commit := out, func() error { return nil }
	if *file != "" {
		f, err := os.CreateTemp(filepath.Dir(*file), ".goldset-export-*") // beside it, so the rename is atomic
		if err != nil {
			return err
		}
		defer os.Remove(f.Name()) // a no-op once renamed
		defer f.Close()
		w = f
		commit = func() error {
			if err := f.Close(); err != nil {
				return err
			}
			return os.Rename(f.Name(), *file)
		}
	}
	rec, err := x.Export(ctx, store.System, proj.ID, *snapshot, p, w)
	if err == nil {
		err = commit()
	}
	if err != nil {
		return err
	}
	fmt.Fprintf(os.Stderr, "export %d: %d rows, %d bytes, sha256 %s\n", rec.ID, rec.Rows, rec.Bytes, rec.SHA256)
	return nil
}

// isTerminal reports whether w is a terminal (a character device), where binary output would only
// garble the screen.
func isTerminal(w io.Writer) bool {
	f, ok := w.(*os.File)
	if !ok {
		return false
	}
	st, err := f.Stat()
	return err == nil && st.Mode()&os.ModeCharDevice != 0
}
