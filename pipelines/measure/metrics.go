package measure

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"log/slog"
	"strconv"

	"github.com/goldset/goldset/llm"
	"github.com/goldset/goldset/llm/llmconf"
	"github.com/goldset/goldset/metrics"
	"github.com/goldset/goldset/pipelines/runs"
	"github.com/goldset/goldset/pipelines/schemas"
	"github.com/goldset/goldset/store"
)

// Kind is the run kind of a metrics computation: one item, processed by a worker like any run's,
// and listed with the project's runs. Its figures are stored in metric_runs.
const Kind = "metrics"

// itemKey is the one item of a metrics run.
const itemKey = "metrics"

// Metrics feeds the metrics package with a project's questions, stage by stage: each stage's own
// questions and the dataset up to it. A computation reads every question once, embeds the questions
// with the configured embeddings model (or the lexical fallback) and stores its reports with exactly
// what it read.
type Metrics struct {
	Store  *store.Store
	Models *llmconf.Models
	Log    *slog.Logger
	// Runner is woken when a computation is queued (nil: the dispatcher finds it at its next sweep).
	Runner *runs.Runner
}

// New makes the metrics computations of an application.
func New(st *store.Store, models *llmconf.Models, runner *runs.Runner, log *slog.Logger) *Metrics {
	if log == nil {
		log = slog.Default()
	}
	return &Metrics{Store: st, Models: models, Runner: runner, Log: log}
}

// Kinds are the run kinds this package processes.
func (m *Metrics) Kinds() []runs.Kind {
	return []runs.Kind{{Name: Kind, Item: m.item, Concurrency: func(store.PipelineRun) int { return 1 }}}
}

// Params choose what a computation measures.
type Params struct {
	Stage string `json:"stage,omitempty"` // one stage's questions only ("": every stage, and the dataset up to each)
	// Embedding is "auto" (the configured embeddings model, else the lexical fallback) or "lexical".
	Embedding string `json:"embedding,omitempty"`
}

func (p Params) validate() error {
	v := store.Validator{}
	v.Check(p.Embedding == "" || p.Embedding == "auto" || p.Embedding == "lexical", "embedding", `must be "auto" or "lexical"`)
	v.Check(len(p.Stage) <= 200, "stage", "is longer than 200 bytes")
	return v.Err()
}

// runParams are a metrics run's parameters: the metric run it computes, and what it measures.
type runParams struct {
	MetricRunID int64 `json:"metric_run_id"`
	Params
}

// Start records a computation (status running) and queues its run; the metric run's status says
// when it is done. One computation per project at a time: asking again while one runs is a
// *store.ConflictError (409).
func (m *Metrics) Start(ctx context.Context, a store.Actor, projectID int64, trigger string, pipelineRunID *int64, p Params) (store.MetricRun, error) {
	if err := p.validate(); err != nil {
		return store.MetricRun{}, err
	}
	tx, err := m.Store.Pool().Begin(ctx)
	if err != nil {
		return store.MetricRun{}, err
	}
	defer tx.Rollback(context.WithoutCancel(ctx))
	// Starts of one project's computations take turns, so two cannot both find none running.
	if _, err := tx.Exec(ctx, `SELECT pg_advisory_xact_lock(hashtextextended('goldset.metrics', $1))`, projectID); err != nil {
		return store.MetricRun{}, err
	}
	// A computation runs while its metric run says so and its pipeline run is active; one whose
	// pipeline run ended without recording it (cancelled, failed) is over.
	var running bool
	if err := tx.QueryRow(ctx, `SELECT EXISTS (SELECT 1 FROM metric_runs m JOIN pipeline_runs r
		ON r.project_id = m.project_id AND r.kind = $2 AND (r.params->>'metric_run_id')::bigint = m.id
		WHERE m.project_id = $1 AND m.status = 'running' AND r.status IN ($3, $4))`,
		projectID, Kind, store.RunQueued, store.RunRunning).Scan(&running); err != nil {
		return store.MetricRun{}, err
	}
	if running {
		return store.MetricRun{}, &store.ConflictError{Msg: "the metrics of this project are being computed; wait for that run to finish"}
	}
	if n, err := m.Store.AbandonMetricRuns(ctx, projectID, 0); err != nil {
		return store.MetricRun{}, err
	} else if n > 0 {
		m.Log.Warn("metric runs whose run ended without them marked failed", "project", projectID, "runs", n)
	}
	mr, err := m.begin(ctx, a, projectID, trigger, pipelineRunID, p)
	if err != nil {
		return mr, err
	}
	params, err := json.Marshal(runParams{MetricRunID: mr.ID, Params: p})
	if err != nil {
		return mr, err
	}
	if _, err := store.CreatePipelineRunTx(ctx, tx, a, projectID, Kind, params, []string{itemKey}); err != nil {
		return mr, err
	}
	if err := tx.Commit(ctx); err != nil {
		return mr, err
	}
	if m.Runner != nil {
		m.Runner.Wake()
	}
	return mr, nil
}

// item computes a metrics run's metric run. A failure of the computation (an embeddings endpoint
// that fails) is recorded on the metric run, whose last good figures stay the project's; a database
// that does not answer is left to the runner to try again.
func (m *Metrics) item(ctx context.Context, run store.PipelineRun, key string) (store.ItemOutcome, runs.ItemSaver, error) {
	var p runParams
	if err := runs.DecodeParams(run, &p); err != nil {
		return store.ItemOutcome{}, nil, err
	}
	mr := store.MetricRun{ID: p.MetricRunID, ProjectID: run.ProjectID, StartedBy: run.StartedBy}
	embedding, hash, inputs, results, err := m.measure(ctx, mr, p.Params)
	if err == nil {
		err = m.Store.FinishMetricRun(ctx, mr.ID, embedding, hash, inputs, results)
	}
	if err != nil {
		if ctx.Err() != nil || store.Transient(err) {
			return store.ItemOutcome{}, nil, err
		}
		if ferr := m.Store.FailMetricRun(context.WithoutCancel(ctx), mr.ID, err.Error()); ferr != nil {
			return store.ItemOutcome{}, nil, ferr
		}
		m.Log.Warn("metrics failed", "project", run.ProjectID, "run", mr.ID, "err", err)
		return store.ItemOutcome{OK: false, Detail: map[string]any{"metric_run_id": mr.ID, "error": err.Error()}}, nil, nil
	}
	return store.ItemOutcome{OK: true, Detail: map[string]any{"metric_run_id": mr.ID, "nlqs": len(inputs)}}, nil, nil
}

// Compute runs a computation to its end in the caller's goroutine (the CLI) and returns it with its
// results.
func (m *Metrics) Compute(ctx context.Context, a store.Actor, projectID int64, trigger string, p Params) (store.MetricRun, error) {
	if err := p.validate(); err != nil {
		return store.MetricRun{}, err
	}
	run, err := m.begin(ctx, a, projectID, trigger, nil, p)
	if err != nil {
		return run, err
	}
	return m.compute(ctx, run, p)
}

func (m *Metrics) begin(ctx context.Context, a store.Actor, projectID int64, trigger string, pipelineRunID *int64, p Params) (store.MetricRun, error) {
	params, err := json.Marshal(p)
	if err != nil {
		return store.MetricRun{}, err
	}
	run := store.MetricRun{ProjectID: projectID, Trigger: trigger, PipelineRunID: pipelineRunID, Params: params}
	if p.Stage != "" {
		run.Stage = &p.Stage
	}
	return run, m.Store.StartMetricRun(ctx, a, &run)
}

// compute measures and stores, and returns the run with its results.
func (m *Metrics) compute(ctx context.Context, run store.MetricRun, p Params) (store.MetricRun, error) {
	if err := m.record(ctx, run, p); err != nil {
		return run, err
	}
	return m.Store.MetricRunResults(ctx, run.ProjectID, run.ID)
}

// record measures and stores the results, or the failure with its reason.
func (m *Metrics) record(ctx context.Context, run store.MetricRun, p Params) error {
	embedding, hash, inputs, results, err := m.measure(ctx, run, p)
	if err == nil {
		err = m.Store.FinishMetricRun(ctx, run.ID, embedding, hash, inputs, results)
	}
	if err != nil {
		if ferr := m.Store.FailMetricRun(context.WithoutCancel(ctx), run.ID, err.Error()); ferr != nil {
			m.Log.Error("metrics: recording a failure", "run", run.ID, "err", ferr)
		}
		return err
	}
	return nil
}

func (m *Metrics) measure(ctx context.Context, run store.MetricRun, p Params) (string, string, []store.MetricInput, []store.MetricResult, error) {
	inputs, err := m.Store.MetricInputs(ctx, run.ProjectID, p.Stage)
	if err != nil {
		return "", "", nil, nil, err
	}
	dbSchemas, names, err := schemas.ForMetrics(ctx, m.Store, run.ProjectID, inputs)
	if err != nil {
		return "", "", nil, nil, err
	}
	items := make([]metrics.Item, len(inputs))
	for i, in := range inputs {
		items[i] = metrics.Item{ID: strconv.FormatInt(in.NLQID, 10), Question: in.Question, SQL: in.SQL, OriginalSQL: in.OriginalSQL}
		if in.DatabaseID != nil {
			items[i].Database = names[*in.DatabaseID]
		}
	}
	model, err := m.embed(ctx, run, p, items)
	if err != nil {
		return "", "", nil, nil, err
	}
	opt := metrics.Options{EmbeddingModel: model}

	// Stages in order, each over its own questions and, unless one stage was asked for, over the
	// dataset up to it.
	var results []store.MetricResult
	report := func(position int, stage string, cumulative bool, set []metrics.Item) error {
		o := opt
		// Near-duplicates are searched in each stage's own questions and in the whole dataset; the
		// datasets in between would repeat the same search on growing sets.
		o.SkipNearDuplicates = cumulative && len(set) < len(items)
		r, err := metrics.Analyze(ctx, set, dbSchemas, o)
		if err != nil {
			return err
		}
		b, err := json.Marshal(r)
		if err != nil {
			return err
		}
		results = append(results, store.MetricResult{Position: position, Stage: stage, Cumulative: cumulative, NLQs: len(set), Report: b})
		return nil
	}
	start, position := 0, 0
	for i := 1; i <= len(inputs); i++ {
		if i < len(inputs) && inputs[i].Stage == inputs[start].Stage {
			continue
		}
		if err := report(position, inputs[start].Stage, false, items[start:i]); err != nil {
			return "", "", nil, nil, err
		}
		if p.Stage == "" {
			if err := report(position, inputs[start].Stage, true, items[:i]); err != nil {
				return "", "", nil, nil, err
			}
		}
		start, position = i, position+1
	}
	return model, inputsHash(inputs, model), inputs, results, nil
}

// embed fills the items' embeddings from the configured embeddings model, or from the lexical
// fallback (asked for, or no embeddings model configured), and returns the model's name. A configured
// model that fails fails the computation: figures from two kinds of vectors are never mixed.
func (m *Metrics) embed(ctx context.Context, run store.MetricRun, p Params, items []metrics.Item) (string, error) {
	// The lexical vectors are made once here, not once per stage and dataset analysed.
	lexical := func() (string, error) {
		for i := range items {
			items[i].Embedding = metrics.LexicalEmbed(items[i].Question)
		}
		return metrics.LexicalModel, nil
	}
	if p.Embedding == "lexical" || m.Models == nil || len(items) == 0 {
		return lexical()
	}
	client := m.Models.Client()
	model := llmconf.ModelFor(client.Settings(), llm.PurposeEmbeddings)
	if !client.Configured() || model == "" {
		return lexical()
	}
	texts := make([]string, len(items))
	for i, it := range items {
		texts[i] = it.Question
	}
	vecs, err := client.Embed(ctx, llm.CallMeta{Purpose: llm.PurposeEmbeddings, ProjectID: run.ProjectID, RunKind: Kind, RunID: run.ID,
		UserID: startedBy(run)}, texts)
	if err != nil {
		return "", fmt.Errorf("embeddings with %s: %w (compute with the lexical fallback instead, or fix the endpoint)", model, err)
	}
	if len(vecs) != len(items) {
		return "", fmt.Errorf("embeddings with %s: %d vectors for %d questions", model, len(vecs), len(items))
	}
	for i := range items {
		items[i].Embedding = vecs[i]
	}
	return model, nil
}

// inputsHash identifies what a computation read: each question, its text, the SQL that stood for
// it, and the embedding model.
func inputsHash(inputs []store.MetricInput, model string) string {
	h := sha256.New()
	fmt.Fprintf(h, "embedding\t%s\n", model)
	for _, in := range inputs {
		cand := int64(0)
		if in.CandidateID != nil {
			cand = *in.CandidateID
		}
		fmt.Fprintf(h, "%d\t%d\t%q\t%q\n", in.NLQID, cand, in.Question, in.SQL)
	}
	return hex.EncodeToString(h.Sum(nil))
}

func startedBy(run store.MetricRun) int64 {
	if run.StartedBy == nil {
		return 0
	}
	return *run.StartedBy
}
