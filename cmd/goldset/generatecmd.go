package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/goldset/goldset/pipelines/augment"
	"github.com/goldset/goldset/pipelines/measure"
	"github.com/goldset/goldset/pipelines/runs"
	"github.com/goldset/goldset/store"
)

const generateHelp = `Run a generating pipeline and follow its progress.

  goldset run augment --project P --pipeline complexity|semantic|paraphrase [--from-stage human-seed]
                      [--stage S] [--n 150] [--methods m1,m2] [--columns 2] [--database D]
  goldset run generate --project P --database D [--tables-per-chunk 3] [--num 5] [--sample-rows 3] [--no-validate]
  goldset run describe-tables --project P --database D

  common: [--near-duplicate 0.97] [--max-length 400] [--concurrency 16] [--no-annotate] [--preview] [--detach] [--json]

augment rewrites the questions of a stage (complexity: add a constraint, a more specific requirement or
a reasoning step; paraphrase: imperative, interrogative, lexical, morphological) or, with semantic,
writes --n new questions over columns the project's SQL does not use yet, in the style of the stage's
questions. generate writes question + SQL pairs per chunk of tables, runs the SQL and keeps what the
validator model accepts. describe-tables proposes a clean name and a summary for each CSV table; apply
one with the API's table update (PATCH …/databases/:database/tables/:table).

The new questions go to the output stage (default <from-stage>+<pipeline>, or qagen) with their lineage,
and an agent batch over them is queued when the run ends (unless --no-annotate). --preview prints the
first item's prompt and stores nothing.`

// runGeneration starts a generating run (augment, generate, describe-tables) and follows it like
// 'run agent'.
func runGeneration(ctx context.Context, sub string, args []string, out io.Writer) error {
	fs := newFlagSet("run "+sub+" --project P [options]", generateHelp)
	cfg := newConfig(fs, runOptions...)
	where := newProjectFlags(fs, "target database (generate, describe-tables: required)")
	pipeline := fs.String("pipeline", "", "augment: complexity, semantic or paraphrase")
	fromStage := fs.String("from-stage", "", "augment: the stage to rewrite or imitate (default human-seed)")
	stage := fs.String("stage", "", "the new questions' stage (default <from-stage>+<pipeline>, or qagen)")
	n := fs.Int("n", 0, "augment: questions to rewrite (0: all of the stage); semantic: questions to write (default 50)")
	seed := fs.Int64("seed", 0, "augment: which questions when --n is less than the stage")
	methods := fs.String("methods", "", "augment: comma-separated methods (default all of the pipeline's)")
	columns := fs.Int("columns", 0, "semantic: columns per question (default 2)")
	tpc := fs.Int("tables-per-chunk", 0, "generate: tables per chunk (default 3)")
	num := fs.Int("num", 0, "generate: questions per chunk (default 5)")
	sampleRows := fs.Int("sample-rows", 0, "generate: sample rows per table in the prompt (default 3)")
	noValidate := fs.Bool("no-validate", false, "generate: keep pairs whose SQL runs without asking the validator model")
	nearDup := fs.Float64("near-duplicate", 0, "drop outputs whose embedding cosine with a project question reaches this (default 0.97)")
	maxLen := fs.Int("max-length", 0, "drop questions longer than this many characters (default 400)")
	conc := fs.Int("concurrency", 0, "items at once, across every worker (default 16)")
	noAnnotate := fs.Bool("no-annotate", false, "do not queue an agent batch over the new questions when the run ends")
	preview := fs.Bool("preview", false, "print the first item's prompt; store nothing")
	detach := fs.Bool("detach", false, "queue the run and exit: 'goldset serve' and 'goldset worker' processes do it")
	asJSON := fs.Bool("json", false, "print JSON")
	pos, err := parseArgs(fs, args)
	if err != nil {
		return err
	}
	if len(pos) != 0 {
		return usageErrorf(fs, "unexpected %q", strings.Join(pos, " "))
	}
	if *where.project == "" {
		return fmt.Errorf("%w: --project is required", errUsage)
	}
	kind := augment.KindAugment
	switch sub {
	case "augment":
		if *pipeline == "" {
			return fmt.Errorf("%w: --pipeline is required (complexity, semantic or paraphrase)", errUsage)
		}
	case "generate":
		kind = augment.KindQAGen
	case "describe-tables":
		kind = augment.KindTableMetadata
	}
	if kind != augment.KindAugment && *where.database == "" {
		return fmt.Errorf("%w: --database is required", errUsage)
	}
	s, err := where.openAgents(ctx, cfg)
	if err != nil {
		return err
	}
	defer s.Close(ctx)
	t, runner, p, d := s.tools, s.Runner, s.project, s.database
	params := augment.Params{Pipeline: *pipeline, DatabaseID: d.ID, FromStage: *fromStage, Stage: *stage, N: *n, Seed: *seed,
		Columns: *columns, TablesPerChunk: *tpc, Num: *num, SampleRows: *sampleRows, NearDuplicate: *nearDup, MaxLength: *maxLen, Concurrency: *conc}
	if *methods != "" {
		params.Methods = strings.Split(*methods, ",")
	}
	if *noValidate {
		params.Validate = new(bool)
	}
	if *noAnnotate {
		params.Annotate = new(bool)
	}
	gen := s.Generators
	if *preview {
		pv, err := gen.Preview(ctx, p.ID, kind, params)
		if err != nil {
			return err
		}
		return printPreview(out, *asJSON, pv)
	}
	run, err := gen.Start(ctx, store.System, p.ID, kind, params)
	if err != nil {
		return err
	}
	if *detach {
		return printQueued(out, *asJSON, run, fmt.Sprintf("Run %d (%s) queued: %d items.", run.ID, run.Kind, run.Total))
	}
	fmt.Fprintf(os.Stderr, "run %d (%s): %d items\n", run.ID, run.Kind, run.Total)
	err = followRun(ctx, runner, t.db.store, &run, func(run store.PipelineRun) {
		fmt.Fprintf(os.Stderr, "\r%d/%d done, %d kept, %d dropped, %d failed, %d tokens   ", run.Done, run.Total, run.Kept, sum(run.Dropped),
			run.Failed, run.PromptTokens+run.CompletionTokens)
	})
	if err != nil {
		return err
	}
	// The metrics recomputation queued at the run's end finishes before the process does.
	if err := computeQueuedMetrics(ctx, runner, t.db.store, p.ID); err != nil {
		return err
	}
	return printGenerationRun(ctx, out, *asJSON, t.db.store, run)
}

// printPreview prints what a generating run would send first: its first item's prompt.
func printPreview(out io.Writer, asJSON bool, pv augment.PromptPreview) error {
	if asJSON {
		return printJSON(out, pv)
	}
	fmt.Fprintf(out, "%s run: %d items; prompt %s, model %s; first item %s\n", pv.Pipeline, pv.Items, pv.PromptVersion, pv.Model, pv.Item)
	if pv.Note != "" {
		fmt.Fprintf(out, "(%s)\n", pv.Note)
	}
	for _, m := range pv.Messages {
		fmt.Fprintf(out, "\n--- %s ---\n%s\n", m.Role, m.Content)
	}
	return nil
}

// printGenerationRun prints how a finished generating run went (with its items for table
// metadata, whose output is the items), and fails when the run failed.
func printGenerationRun(ctx context.Context, out io.Writer, asJSON bool, st *store.Store, run store.PipelineRun) error {
	if asJSON {
		res := map[string]any{"run": run}
		if run.Kind == augment.KindTableMetadata {
			items, err := st.RunItems(ctx, run.ID, 0)
			if err != nil {
				return err
			}
			res["items"] = items
		}
		return printJSON(out, res)
	}
	fmt.Fprintf(out, "%s #%d (run %d) %s: %s.\n", run.Kind, run.Number, run.ID, run.Status, run.Outcome().Text)
	fmt.Fprintf(out, "%d of %d items done, %d failed; %d kept, %d dropped%s; %d tokens, $%.4f.\n", run.Succeeded,
		run.Total, run.Failed, run.Kept, sum(run.Dropped), reasons(run.Dropped), run.PromptTokens+run.CompletionTokens, run.CostUSD)
	if run.Error != "" {
		fmt.Fprintf(out, "Error: %s\n", run.Error)
	}
	if run.Status == store.RunFailed {
		return fmt.Errorf("run %d failed", run.ID)
	}
	return nil
}

func sum(m map[string]int) int {
	n := 0
	for _, v := range m {
		n += v
	}
	return n
}

// reasons lists dropped counts by reason: " (duplicate 3, refusal 1)".
func reasons(m map[string]int) string {
	if len(m) == 0 {
		return ""
	}
	keys := sortedKeys(m)
	parts := make([]string, len(keys))
	for i, k := range keys {
		parts[i] = fmt.Sprintf("%s %d", k, m[k])
	}
	return " (" + strings.Join(parts, ", ") + ")"
}

// computeQueuedMetrics works the project's queued metrics run, if any, to its end.
func computeQueuedMetrics(ctx context.Context, runner *runs.Runner, st *store.Store, projectID int64) error {
	queued, err := st.ListPipelineRuns(ctx, projectID, measure.Kind, 1)
	if err != nil || len(queued) == 0 || queued[0].Finished() {
		return err
	}
	return runner.Execute(ctx, queued[0])
}
