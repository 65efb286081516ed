package main

import (
	"context"
	"fmt"
	"io"
	"strings"
	"text/tabwriter"

	"github.com/goldset/goldset/sqlexec"
)

const sqlHelp = `Run SQL against a project's target database, through the same sandbox as the UI and the agent.

  goldset sql run --project P --database D [--json] "SQL"
  goldset sql compare --project P --database D [--json] GOLD_SQL PRED_SQL
        execution match (order matters only when the gold has a top-level ORDER BY)`

func runSQL(ctx context.Context, args []string, out io.Writer) error {
	fs := newFlagSet("sql run|compare --project P --database D SQL...", sqlHelp)
	cfg := newConfig(fs, append(dbOptions, sqlOptions...)...)
	where := newProjectFlags(fs, "target database name")
	asJSON := fs.Bool("json", false, "print JSON")
	isSub := func(pos []string) bool { return len(pos) > 0 && (pos[0] == "run" || pos[0] == "compare") }
	pos, err := parseArgsFitting(fs, args, isSub, "say 'sql run' or 'sql compare'")
	if err != nil {
		return err
	}
	if pos[0] == "run" {
		err = needArgs(pos[1:], 1, "one SQL string")
	} else {
		err = needArgs(pos[1:], 2, "GOLD_SQL and PRED_SQL")
	}
	if err != nil {
		return err
	}
	if err := where.needBoth(); err != nil {
		return err
	}
	t, err := openCommandTools(ctx, cfg)
	if err != nil {
		return err
	}
	defer t.db.Close(ctx)
	_, d, err := t.project(ctx, *where.project, *where.database)
	if err != nil {
		return err
	}
	target := d.Target()

	if pos[0] == "run" {
		res := t.exec.Run(ctx, target, pos[1])
		if *asJSON {
			return printJSON(out, res)
		}
		printResult(out, res)
		if !res.OK() {
			return fmt.Errorf("the query failed")
		}
		return nil
	}
	gold, pred := t.exec.Run(ctx, target, pos[1]), t.exec.Run(ctx, target, pos[2])
	ordered, _ := sqlexec.HasTopLevelOrderBy(pos[1])
	m := sqlexec.Match(gold, pred, sqlexec.MatchOptions{OrderMatters: ordered})
	if *asJSON {
		res := map[string]any{"match": m.Match, "reason": m.Reason, "gold_rows": gold.RowCount, "pred_rows": pred.RowCount, "order_matters": ordered}
		if !gold.OK() {
			res["gold_error"] = gold.Error
		}
		if !pred.OK() {
			res["pred_error"] = pred.Error
		}
		return printJSON(out, res)
	}
	verdict := "MATCH"
	if !m.Match {
		verdict = "NO MATCH"
	}
	fmt.Fprintf(out, "%s: %s (gold %d rows, predicted %d rows)\n", verdict, m.Reason, gold.RowCount, pred.RowCount)
	return nil
}

func printResult(out io.Writer, res *sqlexec.Result) {
	if !res.OK() {
		fmt.Fprintf(out, "error: %s\n", res.Error)
		return
	}
	tw := tabwriter.NewWriter(out, 0, 4, 2, ' ', 0)
	names := make([]string, len(res.Columns))
	for i, c := range res.Columns {
		names[i] = c.Name
	}
	fmt.Fprintln(tw, strings.Join(names, "\t"))
	for _, row := range res.Rows {
		cells := make([]string, len(row))
		for i, v := range row {
			cells[i] = sqlexec.Canonical(v).String()
		}
		fmt.Fprintln(tw, strings.Join(cells, "\t"))
	}
	tw.Flush()
	more := ""
	if res.Truncated {
		more = " (truncated at the row cap)"
	}
	fmt.Fprintf(out, "(%d rows%s, %s)\n", res.RowCount, more, res.Elapsed.Round(1000))
}
