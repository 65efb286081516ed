package pipelines

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"log/slog"
	"strconv"
	"sync"
	"time"

	"github.com/goldset/goldset/llm"
	"github.com/goldset/goldset/llm/llmconf"
	"github.com/goldset/goldset/metrics"
	"github.com/goldset/goldset/pipelines/schemas"
	"github.com/goldset/goldset/store"
)

// Metrics feeds the metrics package with a project's questions, stage by stage (issue 7): each
// stage's own questions and the dataset up to it, as in seed 003's table. A computation reads every
// question once, embeds the questions with the configured embeddings model (or the lexical fallback)
// and stores its reports with exactly what it read.
type Metrics struct {
	Store  *store.Store
	Models *llmconf.Models
	Log    *slog.Logger

	mu      sync.Mutex
	running map[int64]bool // projects being computed in this process
	wg      sync.WaitGroup // background computations
}

// Wait returns when every background computation has ended.
func (m *Metrics) Wait() { m.wg.Wait() }

// MetricsParams choose what a computation measures.
type MetricsParams struct {
	Stage string `json:"stage,omitempty"` // one stage's questions only ("": every stage, and the dataset up to each)
	// Embedding is "auto" (the configured embeddings model, else the lexical fallback) or "lexical".
	Embedding string `json:"embedding,omitempty"`
}

func (p MetricsParams) validate() error {
	v := store.Validator{}
	v.Check(p.Embedding == "" || p.Embedding == "auto" || p.Embedding == "lexical", "embedding", `must be "auto" or "lexical"`)
	v.Check(len(p.Stage) <= 200, "stage", "is longer than 200 bytes")
	return v.Err()
}

// abandonedAfter is how long a computation may stay "running" before it is taken for the work of a
// stopped process (a computation of 100,000 questions takes seconds, plus the embeddings calls).
const abandonedAfter = 30 * time.Minute

// Start records a computation and runs it in the background until it ends or ctx does (the server's
// lifetime); the run's status says when it is done. One computation per project at a time: asking
// again while one runs answers 409.
func (m *Metrics) Start(ctx context.Context, a store.Actor, projectID int64, trigger string, pipelineRunID *int64, p MetricsParams) (store.MetricRun, error) {
	if err := p.validate(); err != nil {
		return store.MetricRun{}, err
	}
	if !m.claim(projectID) {
		return store.MetricRun{}, &store.ConflictError{Msg: "the metrics of this project are being computed; wait for that run to finish"}
	}
	run, err := m.begin(ctx, a, projectID, trigger, pipelineRunID, p)
	if err != nil {
		m.release(projectID)
		return run, err
	}
	m.wg.Add(1)
	go func() {
		defer m.wg.Done()
		// The project is free again before the run's end is written: whoever sees it finished may
		// start the next one at once.
		if err := m.record(ctx, run, p, func() { m.release(projectID) }); err != nil {
			m.Log.Warn("metrics failed", "project", projectID, "run", run.ID, "err", err)
		}
	}()
	return run, nil
}

// Compute runs a computation to its end in the caller's goroutine (the CLI) and returns it with its
// results.
func (m *Metrics) Compute(ctx context.Context, a store.Actor, projectID int64, trigger string, p MetricsParams) (store.MetricRun, error) {
	if err := p.validate(); err != nil {
		return store.MetricRun{}, err
	}
	run, err := m.begin(ctx, a, projectID, trigger, nil, p)
	if err != nil {
		return run, err
	}
	return m.compute(ctx, run, p)
}

func (m *Metrics) claim(projectID int64) bool {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.running == nil {
		m.running = map[int64]bool{}
	}
	if m.running[projectID] {
		return false
	}
	m.running[projectID] = true
	return true
}

func (m *Metrics) release(projectID int64) {
	m.mu.Lock()
	delete(m.running, projectID)
	m.mu.Unlock()
}

func (m *Metrics) begin(ctx context.Context, a store.Actor, projectID int64, trigger string, pipelineRunID *int64, p MetricsParams) (store.MetricRun, error) {
	if n, err := m.Store.AbandonMetricRuns(ctx, projectID, abandonedAfter); err != nil {
		return store.MetricRun{}, err
	} else if n > 0 {
		m.Log.Warn("metric runs of a stopped process marked failed", "project", projectID, "runs", n)
	}
	params, _ := json.Marshal(p)
	run := store.MetricRun{ProjectID: projectID, Trigger: trigger, PipelineRunID: pipelineRunID, Params: params}
	if p.Stage != "" {
		run.Stage = &p.Stage
	}
	return run, m.Store.StartMetricRun(ctx, a, &run)
}

// compute measures and stores, and returns the run with its results.
func (m *Metrics) compute(ctx context.Context, run store.MetricRun, p MetricsParams) (store.MetricRun, error) {
	if err := m.record(ctx, run, p, func() {}); err != nil {
		return run, err
	}
	return m.Store.MetricRunResults(ctx, run.ProjectID, run.ID)
}

// record measures and stores the results, or the failure with its reason; ending is called just
// before either is written.
func (m *Metrics) record(ctx context.Context, run store.MetricRun, p MetricsParams, ending func()) error {
	embedding, hash, inputs, results, err := m.measure(ctx, run, p)
	ending()
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

func (m *Metrics) measure(ctx context.Context, run store.MetricRun, p MetricsParams) (string, string, []store.MetricInput, []store.MetricResult, error) {
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
func (m *Metrics) embed(ctx context.Context, run store.MetricRun, p MetricsParams, items []metrics.Item) (string, error) {
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
	vecs, err := client.Embed(ctx, llm.CallMeta{Purpose: llm.PurposeEmbeddings, ProjectID: run.ProjectID, RunKind: "metrics", RunID: run.ID,
		UserID: deref(run.StartedBy)}, texts)
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
