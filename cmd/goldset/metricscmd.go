package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"text/tabwriter"

	"github.com/goldset/goldset/metrics"
	"github.com/goldset/goldset/pipelines/measure"
	"github.com/goldset/goldset/store"
)

const metricsHelp = `Compute a project's diversity and complexity metrics (the dashboard's figures) and store them.

  goldset metrics --project P [--stage S] [--lexical] [--json]

Without --stage: one row per stage (its own questions) and the dataset up to it. --json prints the
report of the whole dataset (or of the stage): nlqs, embedding, mean_cosine, tables_used/total,
columns_used/total, unique_patterns, entropy_bits, hardness, and more. Embeddings come from the
configured embeddings model (GOLDSET_LLM_EMBEDDING_MODEL), else the lexical fallback; --lexical
forces the fallback.`

func runMetrics(ctx context.Context, args []string, out io.Writer) error {
	fs := newFlagSet("metrics --project P [--stage S] [--lexical] [--json]", metricsHelp)
	cfg := newConfig(fs, dbOptions...)
	project := fs.String("project", "", "project name or number")
	stage := fs.String("stage", "", "one stage only")
	lexical := fs.Bool("lexical", false, "use the lexical fallback even when an embeddings model is configured")
	asJSON := fs.Bool("json", false, "print the report as JSON")
	if err := parseOptions(fs, args, "no positional arguments"); err != nil {
		return err
	}
	if *project == "" {
		return fmt.Errorf("%w: --project is required", errUsage)
	}
	db, p, err := openProject(ctx, cfg, *project)
	if err != nil {
		return err
	}
	defer db.Close(ctx)
	mods, err := models(ctx, cfg, db.store, db.log)
	if err != nil {
		return err
	}
	params := measure.Params{Stage: *stage}
	if *lexical {
		params.Embedding = "lexical"
	}
	m := measure.New(db.store, mods, nil, db.log)
	run, err := m.Compute(ctx, store.System, p.ID, store.MetricsCLI, params)
	if err != nil {
		return err
	}
	if len(run.Results) == 0 {
		return fmt.Errorf("project %s has no questions%s", *project, map[bool]string{true: " in stage " + *stage}[*stage != ""])
	}
	if *asJSON {
		// The whole dataset is the last cumulative row (or the one stage asked for).
		return printJSON(out, json.RawMessage(run.Results[len(run.Results)-1].Report))
	}
	return printMetricsTable(out, run)
}

// printMetricsTable prints the table of Turing's human-in-the-loop Text2SQL study: a row per stage (the dataset up to it), with the change
// against the first stage.
func printMetricsTable(out io.Writer, run store.MetricRun) error {
	w := tabwriter.NewWriter(out, 0, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(w, "stage\tNLQs\tmean cosine\ttables\tcolumns\tpatterns\tentropy (bits)\teasy/medium/hard/extra\t")
	var first *metrics.Report
	for _, r := range run.Results {
		if !r.Cumulative && run.Stage == nil {
			continue
		}
		var rep metrics.Report
		if err := json.Unmarshal(r.Report, &rep); err != nil {
			return err
		}
		if first == nil {
			first = &rep
		}
		h := rep.Hardness
		fmt.Fprintf(w, "%s\t%d\t%.4f%s\t%d/%d%s\t%d/%d%s\t%d%s\t%.3f%s\t%d/%d/%d/%d\t\n", r.Stage, rep.NLQs,
			rep.MeanCosine, change(rep.MeanCosine, first.MeanCosine),
			rep.TablesUsed, rep.TablesTotal, change(float64(rep.TablesUsed), float64(first.TablesUsed)),
			rep.ColumnsUsed, rep.ColumnsTotal, change(float64(rep.ColumnsUsed), float64(first.ColumnsUsed)),
			rep.UniquePatterns, change(float64(rep.UniquePatterns), float64(first.UniquePatterns)),
			rep.EntropyBits, change(rep.EntropyBits, first.EntropyBits),
			h.Easy, h.Medium, h.Hard, h.Extra)
	}
	if err := w.Flush(); err != nil {
		return err
	}
	fmt.Fprintf(out, "embedding: %s · metric run %d · inputs %s\n", run.Embedding, run.ID, run.InputsHash[:12])
	return nil
}

// change is " (+4.3%)" against the first stage; empty for the first stage itself.
func change(v, first float64) string {
	if v == first || first == 0 {
		return ""
	}
	return fmt.Sprintf(" (%+.1f%%)", 100*(v-first)/first)
}
