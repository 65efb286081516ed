package augment

import (
	"cmp"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"hash/fnv"
	"slices"
	"strings"

	"github.com/jackc/pgx/v5"
	"github.com/sashabaranov/go-openai"

	"github.com/goldset/goldset/llm"
	"github.com/goldset/goldset/llm/llmconf"
	"github.com/goldset/goldset/pipelines/agentbatch"
	"github.com/goldset/goldset/pipelines/measure"
	"github.com/goldset/goldset/pipelines/prompts"
	"github.com/goldset/goldset/pipelines/runs"
	"github.com/goldset/goldset/pipelines/schemas"
	"github.com/goldset/goldset/sqlexec"
	"github.com/goldset/goldset/store"
)

// The generating pipelines: run kinds, and the pipeline named in each output's origin.
const (
	KindComplexity    = "complexity"     // Evol-Instruct-style rewrites of a stage's questions (Xu et al. 2023)
	KindSemantic      = "semantic"       // new questions over chosen columns, in a person's style
	KindParaphrase    = "paraphrase"     // syntactic variation
	KindQAGen         = "qagen"          // question + SQL per schema chunk (LlamaIndex's Text-to-SQL tutorial's build_eval_dataset)
	KindTableMetadata = "table_metadata" // a clean name and a summary per CSV table (LlamaIndex's Text-to-SQL tutorial's TableInfo)
	// KindAugment is accepted when starting a run, with the pipeline in params.pipeline.
	KindAugment = "augment"
)

// GenerationKinds are the run kinds of the generating pipelines.
var GenerationKinds = []string{KindComplexity, KindSemantic, KindParaphrase, KindQAGen, KindTableMetadata}

// Methods of the pipelines that rewrite one question per call; an item uses one, chosen from the
// run's list by a hash of the run and the item.
var (
	ComplexityMethods = []string{"constraint", "specific", "reasoning"}
	ParaphraseMethods = []string{"imperative", "interrogative", "lexical", "morphological"}
)

// Params are the parameters of a generating run; each pipeline reads its own.
type Params struct {
	Pipeline   string `json:"pipeline"`
	DatabaseID int64  `json:"database_id,omitempty"` // qagen, table_metadata: required; others: only questions about it
	// FromStage is the stage whose questions are rewritten (complexity, paraphrase) or imitated
	// (semantic): default human-seed.
	FromStage string `json:"from_stage,omitempty"`
	// Stage is the stage of the new questions: default FromStage + "+" + pipeline (qagen: "qagen").
	Stage string `json:"stage,omitempty"`
	// N is how many questions to rewrite (0: all of the stage) or, for semantic, to write (default 50).
	N       int      `json:"n,omitempty"`
	Seed    int64    `json:"seed,omitempty"`    // which questions when N is less than the stage
	Methods []string `json:"methods,omitempty"` // default: all of the pipeline's
	Columns int      `json:"columns,omitempty"` // semantic: columns per question (default 2)
	// qagen: tables per chunk (3), questions per chunk (5), sample rows per table (3), and whether the
	// validator model checks that each result answers its question (true).
	TablesPerChunk int   `json:"tables_per_chunk,omitempty"`
	Num            int   `json:"num,omitempty"`
	SampleRows     int   `json:"sample_rows,omitempty"`
	Validate       *bool `json:"validate,omitempty"`
	// NearDuplicate is the embedding cosine at or above which an output is a near-duplicate of a
	// question of the project (default 0.97; 1 turns the filter off).
	NearDuplicate float64 `json:"near_duplicate,omitempty"`
	MaxLength     int     `json:"max_length,omitempty"`  // characters of a question (default 400)
	Concurrency   int     `json:"concurrency,omitempty"` // items at once (default 16)
	// Annotate queues an agent batch over the new questions when the run ends (default true), so they
	// enter the annotation flow under the project's policy.
	Annotate *bool `json:"annotate,omitempty"`
}

func boolOr(b *bool, def bool) bool {
	if b == nil {
		return def
	}
	return *b
}

// normalized fills the defaults.
func (p Params) normalized() Params {
	if p.Pipeline != KindQAGen && p.Pipeline != KindTableMetadata && p.FromStage == "" {
		p.FromStage = "human-seed"
	}
	if p.Stage == "" {
		switch p.Pipeline {
		case KindQAGen:
			p.Stage = "qagen"
		case KindTableMetadata:
		default:
			p.Stage = p.FromStage + "+" + p.Pipeline
		}
	}
	if len(p.Methods) == 0 {
		switch p.Pipeline {
		case KindComplexity:
			p.Methods = ComplexityMethods
		case KindParaphrase:
			p.Methods = ParaphraseMethods
		}
	}
	if p.Pipeline == KindSemantic && p.N == 0 {
		p.N = 50
	}
	def := func(v *int, d int) {
		if *v == 0 {
			*v = d
		}
	}
	def(&p.Columns, 2)
	def(&p.TablesPerChunk, 3)
	def(&p.Num, 5)
	def(&p.SampleRows, 3)
	def(&p.MaxLength, 400)
	def(&p.Concurrency, 16)
	if p.NearDuplicate == 0 {
		p.NearDuplicate = 0.97
	}
	return p
}

// validate reports the parameters' field errors (after normalized).
func (p Params) validate() error {
	v := store.Validator{}
	v.Check(slices.Contains(GenerationKinds, p.Pipeline), "pipeline", "must be one of "+strings.Join(GenerationKinds, ", "))
	v.Check(p.N >= 0 && p.N <= 100000, "n", "must be from 0 to 100000")
	var known []string
	switch p.Pipeline {
	case KindComplexity:
		known = ComplexityMethods
	case KindParaphrase:
		known = ParaphraseMethods
	}
	for _, m := range p.Methods {
		v.Check(slices.Contains(known, m), "methods", fmt.Sprintf("unknown method %q; %s has: %s", m, p.Pipeline, strings.Join(known, ", ")))
	}
	if p.Pipeline == KindSemantic {
		v.Check(p.N >= 1, "n", "must be at least 1")
	}
	v.Check(p.Columns >= 1 && p.Columns <= 8, "columns", "must be from 1 to 8")
	v.Check(p.TablesPerChunk >= 1 && p.TablesPerChunk <= 20, "tables_per_chunk", "must be from 1 to 20")
	v.Check(p.Num >= 1 && p.Num <= 50, "num", "must be from 1 to 50")
	v.Check(p.SampleRows >= 0 && p.SampleRows <= 20, "sample_rows", "must be from 0 to 20")
	v.Check(p.NearDuplicate >= 0.5 && p.NearDuplicate <= 1, "near_duplicate", "must be a cosine from 0.5 to 1 (1: no near-duplicate filter)")
	v.Check(p.MaxLength >= 20 && p.MaxLength <= 5000, "max_length", "must be from 20 to 5000 characters")
	v.Check(p.Concurrency >= 1 && p.Concurrency <= 64, "concurrency", "must be from 1 to 64")
	v.Check(len(p.Stage) <= 100 && len(p.FromStage) <= 100, "stage", "must be at most 100 characters")
	switch p.Pipeline {
	case KindQAGen, KindTableMetadata:
		v.Check(p.DatabaseID > 0, "database_id", "is required")
	default:
		v.Check(p.Stage != p.FromStage, "stage", "must differ from from_stage")
	}
	return v.Err()
}

// Generators runs the generating pipelines on the run machinery: each item is one model call (or a
// few: qagen also validates) whose outputs pass the filters (filters.go) and are stored, with their
// lineage, in the transaction that completes the item. When a run ends, its new questions get an
// agent batch (and so enter the annotation flow) and, when Metrics is set, the project's metrics are
// recomputed.
type Generators struct {
	store   *store.Store
	exec    *sqlexec.Executor
	models  *llmconf.Models
	schemas *schemas.Cache
	runner  *runs.Runner
	// metrics, when set, recomputes the project's metrics after each generating run that kept
	// something.
	metrics *measure.Metrics

	indexes  indexCache
	coverage coverageCache
	rendered ttlCache[string] // rendered tables with sample rows, by database, table and rows
}

// New makes the generating pipelines: sc gives the databases' schemas; runner, woken when
// a run (or the agent batch that follows one) is queued, may be nil; metrics may be nil (no
// recomputation after a run).
func New(st *store.Store, exec *sqlexec.Executor, models *llmconf.Models, sc *schemas.Cache, runner *runs.Runner, metrics *measure.Metrics) *Generators {
	return &Generators{store: st, exec: exec, models: models, schemas: sc, runner: runner, metrics: metrics}
}

// Kinds are the run kinds this package processes: the generating pipelines.
func (g *Generators) Kinds() []runs.Kind {
	var ks []runs.Kind
	for _, kind := range GenerationKinds {
		ks = append(ks, runs.Kind{Name: kind, Item: g.item, Finish: g.finish, AfterFinish: g.afterFinish,
			Concurrency: func(run store.PipelineRun) int { return runParams(run).Concurrency }})
	}
	return ks
}

// runParams are a run's parameters with their defaults. Start stored them from a Params that
// passed validate, so they always decode; were they unreadable, the run would go on with the
// defaults of its kind.
func runParams(run store.PipelineRun) Params {
	var p Params
	_ = json.Unmarshal(run.Params, &p)
	p.Pipeline = run.Kind
	return p.normalized()
}

// pipelineOf is the pipeline a start request names: its kind, or params.pipeline for "augment".
func pipelineOf(kind string, p Params) string {
	if kind == KindAugment {
		return p.Pipeline
	}
	return kind
}

// prepareStart validates a start request and lists the run's items.
func (g *Generators) prepareStart(ctx context.Context, projectID int64, kind string, p Params) (Params, []string, error) {
	pipeline := pipelineOf(kind, p)
	if kind != KindAugment && p.Pipeline != "" && p.Pipeline != kind {
		return p, nil, &store.ValidationError{Fields: map[string]string{"pipeline": fmt.Sprintf("is %q but the run's kind is %q", p.Pipeline, kind)}}
	}
	if kind == KindAugment && pipeline != KindComplexity && pipeline != KindSemantic && pipeline != KindParaphrase {
		return p, nil, &store.ValidationError{Fields: map[string]string{"pipeline": "must be complexity, semantic or paraphrase"}}
	}
	p.Pipeline = pipeline
	p = p.normalized()
	if err := p.validate(); err != nil {
		return p, nil, err
	}
	st := g.store
	if p.DatabaseID != 0 {
		if _, err := st.Database(ctx, projectID, p.DatabaseID); err != nil {
			if errors.Is(err, store.ErrNotFound) {
				return p, nil, &store.ValidationError{Fields: map[string]string{"database_id": err.Error()}}
			}
			return p, nil, err
		}
	}
	var keys []string
	switch p.Pipeline {
	case KindComplexity, KindParaphrase:
		qs, err := st.Questions(ctx, projectID, p.DatabaseID, p.FromStage)
		if err != nil {
			return p, nil, err
		}
		if len(qs) == 0 {
			return p, nil, &store.ValidationError{Fields: map[string]string{"from_stage": fmt.Sprintf("no question of stage %q%s", p.FromStage, aboutDatabase(p))}}
		}
		keys = sampleKeys(qs, p.N, p.Seed)
	case KindSemantic:
		qs, err := st.Questions(ctx, projectID, p.DatabaseID, p.FromStage)
		if err != nil {
			return p, nil, err
		}
		if len(qs) == 0 {
			return p, nil, &store.ValidationError{Fields: map[string]string{"from_stage": fmt.Sprintf("no question of stage %q%s to take the style from", p.FromStage, aboutDatabase(p))}}
		}
		for i := range p.N {
			keys = append(keys, fmt.Sprintf("new-%06d", i))
		}
	case KindQAGen:
		tables, err := st.Tables(ctx, p.DatabaseID)
		if err != nil {
			return p, nil, err
		}
		for i := 0; i*p.TablesPerChunk < len(tables); i++ {
			keys = append(keys, fmt.Sprintf("chunk-%04d", i))
		}
	case KindTableMetadata:
		d, err := st.Database(ctx, projectID, p.DatabaseID)
		if err != nil {
			return p, nil, err
		}
		if d.Kind != "csv" {
			return p, nil, &store.ValidationError{Fields: map[string]string{"database_id": fmt.Sprintf("database %s was imported from %s: table metadata is proposed for CSV-imported tables", d.Name, d.Kind)}}
		}
		tables, err := st.Tables(ctx, p.DatabaseID)
		if err != nil {
			return p, nil, err
		}
		for _, t := range tables {
			keys = append(keys, t.Name)
		}
	}
	if len(keys) == 0 {
		return p, nil, &store.ValidationError{Fields: map[string]string{"database_id": "the database has no tables"}}
	}
	return p, keys, nil
}

func aboutDatabase(p Params) string {
	if p.DatabaseID != 0 {
		return fmt.Sprintf(" about database %d", p.DatabaseID)
	}
	return ""
}

// sampleKeys picks n of the questions (all when n is 0 or more than there are), the same ones for
// the same seed, as item keys in id order.
func sampleKeys(qs []store.QuestionText, n int, seed int64) []string {
	picked := slices.Clone(qs)
	if n > 0 && n < len(qs) {
		slices.SortFunc(picked, func(a, b store.QuestionText) int {
			return cmp.Compare(hash64(seed, a.ID), hash64(seed, b.ID))
		})
		picked = picked[:n]
		slices.SortFunc(picked, func(a, b store.QuestionText) int { return cmp.Compare(uint64(a.ID), uint64(b.ID)) })
	}
	keys := make([]string, len(picked))
	for i, q := range picked {
		keys[i] = runs.QuestionKey(q.ID)
	}
	return keys
}

func hash64(parts ...any) uint64 {
	h := fnv.New64a()
	for _, p := range parts {
		fmt.Fprint(h, p, "\x00")
	}
	return h.Sum64()
}

// Start queues a generating run. kind is a pipeline, or "augment" with the pipeline in p.
func (g *Generators) Start(ctx context.Context, a store.Actor, projectID int64, kind string, p Params) (store.PipelineRun, error) {
	p, keys, err := g.prepareStart(ctx, projectID, kind, p)
	if err != nil {
		return store.PipelineRun{}, err
	}
	if !g.models.Client().Configured() {
		return store.PipelineRun{}, llm.ErrNotConfigured
	}
	return runs.Queue(ctx, g.store, g.runner, a, projectID, p.Pipeline, p, keys)
}

// PromptPreview is what the first item of a run would send to the model.
type PromptPreview struct {
	Pipeline      string                         `json:"pipeline"`
	PromptVersion string                         `json:"prompt_version"`
	Model         string                         `json:"model"`
	Item          string                         `json:"item"`
	Items         int                            `json:"items"`
	Params        Params                         `json:"params"`
	Messages      []openai.ChatCompletionMessage `json:"messages"`
	Note          string                         `json:"note,omitempty"`
}

// Preview renders the prompt of a run's first item, storing nothing (no model is called).
func (g *Generators) Preview(ctx context.Context, projectID int64, kind string, p Params) (PromptPreview, error) {
	p, keys, err := g.prepareStart(ctx, projectID, kind, p)
	if err != nil {
		return PromptPreview{}, err
	}
	run := store.PipelineRun{ProjectID: projectID, Kind: p.Pipeline}
	run.Params, _ = json.Marshal(p)
	w, err := g.prepare(ctx, run, keys[0])
	if err != nil {
		var re *runs.RunError
		if errors.As(err, &re) {
			return PromptPreview{}, &store.ValidationError{Fields: map[string]string{"database_id": re.Reason}}
		}
		return PromptPreview{}, err
	}
	pv := PromptPreview{Pipeline: p.Pipeline, PromptVersion: w.prompt.Version, Model: llmconf.ModelFor(g.models.Client().Settings(), llm.PurposeGenerator),
		Item: keys[0], Items: len(keys), Params: p, Messages: w.messages}
	switch p.Pipeline {
	case KindSemantic:
		pv.Note = "the tables, columns and style reference are chosen at random per item, seeded by the run's id: the run's first item may choose others"
	case KindComplexity, KindParaphrase:
		pv.Note = "each item's method is chosen from the run's methods by a hash of the run and the item"
	}
	return pv, nil
}

var (
	complexityPrompt    = prompts.Load("complexity")
	paraphrasePrompt    = prompts.Load("paraphrase")
	semanticPrompt      = prompts.Load("semantic")
	qagenPrompt         = prompts.Load("qagen")
	qagenValidatePrompt = prompts.Load("qagen_validate")
	tableMetadataPrompt = prompts.Load("table_metadata")
)

// work is one item ready to send: its prompt and what its outputs are checked and stored with.
type work struct {
	run      store.PipelineRun
	p        Params
	key      string
	prompt   prompts.Prompt
	messages []openai.ChatCompletionMessage
	db       store.Database
	filter   filterOptions
	parentID *int64
	origin   map[string]any // what every output's origin adds (method, style reference, tables, …)
	tables   []store.DBTable
}

// prepare builds an item's prompt and filters.
func (g *Generators) prepare(ctx context.Context, run store.PipelineRun, key string) (*work, error) {
	p := runParams(run)
	switch p.Pipeline {
	case KindComplexity, KindParaphrase:
		return g.prepareRewrite(ctx, run, p, key)
	case KindSemantic:
		return g.prepareSemantic(ctx, run, p, key)
	case KindQAGen:
		return g.prepareQAGen(ctx, run, p, key)
	case KindTableMetadata:
		return g.prepareTableMetadata(ctx, run, p, key)
	}
	return nil, fmt.Errorf("unknown pipeline %q", p.Pipeline)
}

// database reads a run's database, or fails the run when it is gone.
func (g *Generators) database(ctx context.Context, projectID, id int64) (schemas.Database, error) {
	d, err := g.schemas.Database(ctx, projectID, id)
	if errors.Is(err, store.ErrNotFound) {
		return d, &runs.RunError{Reason: fmt.Sprintf("database %d was deleted during the run; what finished items generated is kept", id)}
	}
	return d, err
}

// chat sends an item's prompt (or another) for a purpose and returns the reply's text.
func (g *Generators) chat(ctx context.Context, run store.PipelineRun, key string, purpose llm.Purpose, messages []openai.ChatCompletionMessage) (string, error) {
	client := g.models.Client()
	resp, err := client.Chat(ctx, llm.CallMeta{Purpose: purpose, ProjectID: run.ProjectID, RunKind: run.Kind, RunID: run.ID, ItemKey: key,
		UserID: runs.StartedBy(run)}, openai.ChatCompletionRequest{Messages: messages})
	if err != nil {
		if ctx.Err() != nil {
			return "", ctx.Err()
		}
		return "", modelError(err)
	}
	return resp.Choices[0].Message.Content, nil
}

// modelError is a model call that failed after the client's own retries: the item fails with it,
// and the runner never takes it for the database's transient failure (a reply cut short says
// "unexpected EOF", as a lost connection does) to retry it for minutes.
func modelError(err error) error { return &runs.ItemError{Err: err} }

// output is one generated question that passed the filters, about to be stored.
type output struct {
	n        int // its position in the model's reply: part of its origin key
	question string
	sql      *store.Candidate // qagen: the generator's SQL with its result
	extra    map[string]any
}

// item processes one item of a generating run.
func (g *Generators) item(ctx context.Context, run store.PipelineRun, key string) (store.ItemOutcome, runs.ItemSaver, error) {
	w, err := g.prepare(ctx, run, key)
	if err != nil {
		return store.ItemOutcome{}, nil, err
	}
	reply, err := g.chat(ctx, run, key, llm.PurposeGenerator, w.messages)
	if err != nil {
		return store.ItemOutcome{}, nil, err
	}
	var tally dropTally
	var outs []output
	var detail map[string]any
	switch w.p.Pipeline {
	case KindQAGen:
		outs, err = g.qaOutputs(ctx, w, reply, &tally)
	case KindTableMetadata:
		detail, err = g.tableProposal(w, reply, &tally)
	default:
		outs = g.rewriteOutputs(w, reply, &tally)
	}
	if err != nil {
		return store.ItemOutcome{}, nil, err
	}
	if len(outs) > 0 {
		if outs, err = g.dedupe(ctx, w, outs, &tally); err != nil {
			return store.ItemOutcome{}, nil, err
		}
	}
	if ctx.Err() != nil {
		return store.ItemOutcome{}, nil, ctx.Err()
	}
	// What the item cost is what the call log says: answers replayed from the response cache are free.
	spent, err := g.store.CallTotals(ctx, run.Kind, run.ID, key)
	if err != nil {
		return store.ItemOutcome{}, nil, err
	}
	if detail == nil {
		detail = map[string]any{}
	}
	kept := make([]string, len(outs))
	for i, o := range outs {
		kept[i] = o.question
	}
	detail["prompt_version"] = w.prompt.Version
	if len(kept) > 0 {
		detail["kept"] = kept
	}
	if len(tally.examples) > 0 {
		detail["dropped"] = tally.examples
	}
	if m, ok := w.origin["method"]; ok {
		detail["method"] = m
	}
	res := store.ItemOutcome{OK: true, Detail: detail, Kept: len(outs), Dropped: tally.counts,
		PromptTokens: int(spent.PromptTokens), CompletionTokens: int(spent.CompletionTokens), CostUSD: spent.CostUSD}
	if w.p.Pipeline == KindTableMetadata {
		if _, ok := detail["proposal"]; ok {
			res.Kept = 1
		}
		return res, nil, nil
	}
	if len(outs) == 0 {
		return res, nil, nil
	}
	return res, g.saver(w, outs), nil
}

// dedupe drops the outputs that repeat a question of the project, of the run or of each other,
// exactly or nearly (embedding cosine at or above the run's threshold).
func (g *Generators) dedupe(ctx context.Context, w *work, outs []output, tally *dropTally) ([]output, error) {
	client := g.models.Client()
	model, embed := embedder(client, llm.CallMeta{ProjectID: w.run.ProjectID, RunKind: w.run.Kind, RunID: w.run.ID, ItemKey: w.key,
		UserID: runs.StartedBy(w.run)})
	ix := g.indexes.get(w.run.ProjectID, model)
	if err := ix.sync(ctx, g.store, embed); err != nil {
		return nil, err
	}
	texts := make([]string, len(outs))
	for i, o := range outs {
		texts[i] = o.question
	}
	vecs, err := embed(ctx, texts)
	if err != nil {
		return nil, fmt.Errorf("embedding the outputs: %w", modelError(err))
	}
	var kept []output
	for i, o := range outs {
		reason, cos := ix.admit(fmt.Sprintf("%d:%s:%d", w.run.ID, w.key, o.n), w.db.ID, o.question, vecs[i], w.p.NearDuplicate)
		if reason != "" {
			tally.drop(reason, o.question, fmt.Sprintf("cosine %.3f (%s)", cos, model))
			continue
		}
		kept = append(kept, o)
	}
	return kept, nil
}

// saver stores an item's outputs as questions with their lineage (and qagen's SQL as a generator
// candidate), in the item's completion. Origin keys make it idempotent.
func (g *Generators) saver(w *work, outs []output) runs.ItemSaver {
	by := store.Actor{UserID: runs.StartedBy(w.run)}
	model := llmconf.ModelFor(g.models.Client().Settings(), llm.PurposeGenerator)
	return func(ctx context.Context, tx pgx.Tx) error {
		for _, o := range outs {
			origin := map[string]any{"kind": w.p.Pipeline, "pipeline": w.p.Pipeline, "prompt_version": w.prompt.Version, "model": model,
				"run_id": w.run.ID, "item": w.key}
			for k, v := range w.origin {
				origin[k] = v
			}
			for k, v := range o.extra {
				origin[k] = v
			}
			raw, err := json.Marshal(origin)
			if err != nil {
				return err
			}
			okey := fmt.Sprintf("gen:%d:%s:%d", w.run.ID, w.key, o.n)
			dbID := w.db.ID
			n := store.NLQ{ProjectID: w.run.ProjectID, DatabaseID: &dbID, Question: o.question, Stage: w.p.Stage, Status: store.NLQNew,
				Origin: raw, OriginKey: &okey, ParentID: w.parentID}
			inserted, err := store.InsertNLQ(ctx, tx, by, &n)
			if err != nil {
				return err
			}
			if !inserted || o.sql == nil {
				continue
			}
			c := *o.sql
			c.NLQID, c.PipelineRunID = n.ID, &w.run.ID
			if err := store.InsertCandidate(ctx, tx, by, &c); err != nil {
				return err
			}
		}
		return nil
	}
}

// finish queues an agent batch over the run's new questions, in the transaction that ends the run,
// so that they enter the annotation flow (agent SQL, then dual annotation or review by the project's
// policy) exactly once.
func (g *Generators) finish(ctx context.Context, tx pgx.Tx, run store.PipelineRun) error {
	p := runParams(run)
	if run.Status != store.RunSucceeded || p.Pipeline == KindTableMetadata || !boolOr(p.Annotate, true) || run.Kept == 0 {
		return nil
	}
	ids, err := store.RunQuestionIDs(ctx, tx, run.ProjectID, run.ID)
	if err != nil || len(ids) == 0 {
		return err
	}
	keys := make([]string, len(ids))
	for i, id := range ids {
		keys[i] = runs.QuestionKey(id)
	}
	params, _ := json.Marshal(agentbatch.Params{DatabaseID: p.DatabaseID, Stage: p.Stage, Status: store.NLQNew, Concurrency: 16, Samples: 1, FromRun: run.ID})
	batch, err := store.CreatePipelineRunTx(ctx, tx, store.Actor{UserID: runs.StartedBy(run)}, run.ProjectID, agentbatch.Kind, params, keys)
	if err != nil {
		return err
	}
	return store.AddEventTx(ctx, tx, run.ID, "info", fmt.Sprintf("agent batch %d queued over the %d new questions of stage %q", batch.ID, len(ids), p.Stage))
}

// afterFinish wakes the dispatcher for the agent batch and recomputes the project's metrics.
func (g *Generators) afterFinish(ctx context.Context, run store.PipelineRun) {
	if g.runner != nil {
		g.runner.Wake()
	}
	if g.metrics == nil || run.Kept == 0 || run.Kind == KindTableMetadata {
		return
	}
	mr, err := g.metrics.Start(ctx, store.Actor{UserID: runs.StartedBy(run)}, run.ProjectID, store.MetricsPipeline, &run.ID, measure.Params{})
	if err != nil {
		g.store.AddEvent(ctx, run.ID, "warn", "metrics not recomputed: "+err.Error())
		return
	}
	g.store.AddEvent(ctx, run.ID, "info", fmt.Sprintf("metrics recomputation %d started", mr.ID))
}
