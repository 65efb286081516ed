package export

import (
	"archive/zip"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"path/filepath"

	"github.com/goldset/goldset/pipelines/golden"
	"github.com/goldset/goldset/store"
)

// zipExport is a Spider or BIRD zip as it is written: the databases its pairs use, each written
// once as a SQLite file in a temporary folder, the report's head and the spool of its problems.
type zipExport struct {
	x          *Exports
	snapshotID int64
	splits     []string // the splits written: the one asked for, or all of them
	dbs        map[int64]*spiderDatabase
	zw         *datedZip
	rep        SpiderReport
	spool      *problemSpool
	n          int // pairs exported
}

// writeZip writes a zip of the given format (FormatSpider or FormatBIRD): it writes the databases
// the pairs use as SQLite, lets body write the format's files, then the report. It returns the
// number of pairs exported.
func (x *Exports) writeZip(ctx context.Context, format string, projectID, snapshotID int64, p ExportParams, w io.Writer,
	body func(e *zipExport) error) (int, error) {
	if x.Exec == nil {
		return 0, fmt.Errorf("the %s format checks every query in the sandbox: no sandbox is configured", format)
	}
	e := &zipExport{x: x, snapshotID: snapshotID, splits: []string{p.Split}}
	if p.Split == golden.SplitAll {
		e.splits = golden.SplitNames
	}
	dir, err := os.MkdirTemp("", "goldset-"+format+"-*")
	if err != nil {
		return 0, err
	}
	defer os.RemoveAll(dir)
	e.dbs, err = x.spiderDatabases(ctx, projectID, snapshotID, p.Split)
	if err != nil {
		return 0, err
	}
	defer func() {
		for _, d := range e.dbs {
			if d.conn != nil {
				d.conn.Close()
			}
		}
	}()
	for _, d := range sortedDatabases(e.dbs) {
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
	e.zw = &datedZip{Writer: zip.NewWriter(w), modified: snap.CreatedAt}
	e.rep = SpiderReport{SnapshotID: snapshotID, Split: p.Split, Files: map[string]string{}, Databases: []string{}, ErrorRate: est}
	if e.spool, err = newProblemSpool(dir); err != nil {
		return 0, err
	}
	defer e.spool.Close()
	if err := body(e); err != nil {
		return e.n, err
	}
	if err := writeReport(e.zw, e.rep, e.spool); err != nil {
		return e.n, err
	}
	return e.n, e.zw.Close()
}

// writeQuestions writes the questions file of split as a JSON array, entry giving the i-th entry
// from a pair whose database was exported and its query (spiderQuery). Each query is checked on
// the SQLite file against the gold in the sandbox; the report counts what the checks found and
// lists the pairs skipped or not the same.
func (e *zipExport) writeQuestions(ctx context.Context, split, name string,
	entry func(i int, d *spiderDatabase, pr *store.SnapshotPair, query string) any) error {
	qw, err := e.zw.create(name)
	if err != nil {
		return err
	}
	enc := json.NewEncoder(qw)
	enc.SetEscapeHTML(false)
	written := 0
	err = e.x.Store.EachSnapshotPair(ctx, e.snapshotID, split, func(pr *store.SnapshotPair) error {
		e.rep.Counts.Pairs++
		d := pairDatabase(e.dbs, pr)
		if d == nil || d.db == nil {
			e.rep.Counts.Skipped++
			why := "the pair names no database"
			if d != nil {
				why = fmt.Sprintf("database %s (id %d) was deleted after the snapshot was cut", d.name, d.id)
			}
			return e.spool.add(pr, pr.DatabaseName, "skipped", why)
		}
		sep := ",\n"
		if written == 0 {
			sep = "[\n"
		}
		if _, err := io.WriteString(qw, sep); err != nil {
			return err
		}
		query := spiderQuery(pr)
		if err := enc.Encode(entry(written, d, pr, query)); err != nil {
			return err
		}
		written++
		e.rep.Counts.Exported++
		e.n++
		kind, reason := e.x.checkSpiderQuery(ctx, d, query, pr.SQL)
		switch kind {
		case "":
			e.rep.Counts.SameResult++
			return nil
		case "fails_on_sqlite":
			e.rep.Counts.FailsOnSQLite++
		case "different_result":
			e.rep.Counts.DifferentResult++
		case "gold_fails":
			e.rep.Counts.GoldFails++
		}
		return e.spool.add(pr, d.dbID, kind, reason)
	})
	if err != nil {
		return err
	}
	end := "]\n"
	if written == 0 {
		end = "[]\n"
	}
	_, err = io.WriteString(qw, end)
	return err
}

// writeGold writes the gold SQL file of split: a pair a line, its query, a tab and its db_id, for
// the pairs whose database was exported.
func (e *zipExport) writeGold(ctx context.Context, split, name string) error {
	gw, err := e.zw.create(name)
	if err != nil {
		return err
	}
	return e.x.Store.EachSnapshotPair(ctx, e.snapshotID, split, func(pr *store.SnapshotPair) error {
		if d := pairDatabase(e.dbs, pr); d != nil && d.db != nil {
			_, err := io.WriteString(gw, spiderQuery(pr)+"\t"+d.dbID+"\n")
			return err
		}
		return nil
	})
}
