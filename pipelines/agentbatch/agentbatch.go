package agentbatch

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/goldset/goldset/agent"
	"github.com/goldset/goldset/llm"
	"github.com/goldset/goldset/llm/llmconf"
	"github.com/goldset/goldset/loop"
	"github.com/goldset/goldset/pipelines/candidate"
	"github.com/goldset/goldset/pipelines/prompts"
	"github.com/goldset/goldset/pipelines/runs"
	"github.com/goldset/goldset/pipelines/schemas"
	"github.com/goldset/goldset/sqlexec"
	"github.com/goldset/goldset/store"
)

// Kind is the run kind of agent batches (and of their model calls in the log).
const Kind = "agent"

// RunKindTry is the run kind, in the model-call log, of one question tried by a person; the
// run id is then the agent run's.
const RunKindTry = "agent_try"

// Params select the questions of a batch and how to run it.
type Params struct {
	DatabaseID  int64  `json:"database_id,omitempty"`
	Stage       string `json:"stage,omitempty"`
	Status      string `json:"status,omitempty"`
	Limit       int    `json:"limit,omitempty"`
	Concurrency int    `json:"concurrency"`        // agents at once (default 16)
	Samples     int    `json:"samples"`            // self-consistency samples per question (default 1)
	FromRun     int64  `json:"from_run,omitempty"` // the generating run whose new questions these are (queued when it ended)
}

// Agents runs the SQL agent: one question at a time for people ("Try the agent"), and batches.
type Agents struct {
	store   *store.Store
	exec    *sqlexec.Executor
	models  *llmconf.Models
	schemas *schemas.Cache
	runner  *runs.Runner
	options agent.Options
	log     *slog.Logger
}

// New makes the agent's runs: sc gives the databases' schemas; runner, woken when a batch is
// queued, may be nil (the dispatcher then finds the batch at its next sweep).
func New(st *store.Store, exec *sqlexec.Executor, models *llmconf.Models, sc *schemas.Cache, runner *runs.Runner, opts agent.Options, log *slog.Logger) *Agents {
	if log == nil {
		log = slog.Default()
	}
	return &Agents{store: st, exec: exec, models: models, schemas: sc, runner: runner, options: opts, log: log}
}

// Kinds are the run kinds this package processes: agent batches.
func (w *Agents) Kinds() []runs.Kind {
	return []runs.Kind{{Name: Kind, Item: w.item, Abandon: w.abandonItem, Concurrency: func(run store.PipelineRun) int {
		var p Params
		// Unreadable parameters give the default concurrency; each item reports them.
		_ = json.Unmarshal(run.Params, &p)
		return p.normalized().Concurrency
	}}}
}

func (p Params) normalized() Params {
	if p.Concurrency <= 0 {
		p.Concurrency = 16
	}
	p.Concurrency = min(p.Concurrency, 64)
	if p.Samples <= 0 {
		p.Samples = 1
	}
	p.Samples = min(p.Samples, 10)
	return p
}

// StartBatch queues a batch over the questions p selects.
func (w *Agents) StartBatch(ctx context.Context, a store.Actor, projectID int64, p Params) (store.PipelineRun, error) {
	if !w.models.Client().Configured() {
		return store.PipelineRun{}, llm.ErrNotConfigured
	}
	p = p.normalized()
	v := store.Validator{}
	v.Check(p.Limit >= 0, "limit", "must not be negative")
	if err := v.Err(); err != nil {
		return store.PipelineRun{}, err
	}
	ids, err := w.store.NLQIDs(ctx, store.NLQQuery{ProjectID: projectID, DatabaseID: p.DatabaseID, Stage: p.Stage, Status: p.Status, Limit: p.Limit})
	if err != nil {
		return store.PipelineRun{}, err
	}
	if len(ids) == 0 {
		return store.PipelineRun{}, &store.ValidationError{Fields: map[string]string{"questions": "no question matches these filters"}}
	}
	keys := make([]string, len(ids))
	for i, id := range ids {
		keys[i] = runs.QuestionKey(id)
	}
	return runs.Queue(ctx, w.store, w.runner, a, projectID, Kind, p, keys)
}

// item runs the agent on one question of a batch and stores its SQL as an agent candidate.
func (w *Agents) item(ctx context.Context, run store.PipelineRun, key string) (store.ItemOutcome, runs.ItemSaver, error) {
	var p Params
	if err := runs.DecodeParams(run, &p); err != nil {
		return store.ItemOutcome{}, nil, err
	}
	p = p.normalized()
	nlqID, err := runs.ParseQuestionKey(key)
	if err != nil {
		return store.ItemOutcome{}, nil, err
	}
	n, err := w.store.NLQ(ctx, run.ProjectID, nlqID)
	if err != nil {
		return store.ItemOutcome{}, nil, err
	}
	if n.DatabaseID == nil {
		return store.ItemOutcome{}, nil, errors.New("the question has no database")
	}
	t, err := w.begin(ctx, store.Actor{UserID: runs.StartedBy(run)}, run.ProjectID, *n.DatabaseID, n.Question, &nlqID, &run.ID, p.Samples)
	if err != nil {
		return store.ItemOutcome{}, nil, err
	}
	// A question that came with its tables keeps them in the prompt, and keeps to them if the
	// project says so.
	known, wtq := store.KnownTables(n.Origin)
	t.q.KnownTables, t.q.ScopeOnly = known, t.retrieval.ScopeOnly(known, wtq)
	t.q.Evidence = n.Evidence
	outcome, confidence, err := w.finish(ctx, t)
	if err != nil {
		return store.ItemOutcome{}, nil, err
	}
	if ctx.Err() != nil { // cancelled or stopping: the item stays pending
		return store.ItemOutcome{}, nil, ctx.Err()
	}
	ar := t.rec
	// What the item cost is what the call log says: answers replayed from the response cache are free.
	spent, err := w.store.CallTotals(ctx, Kind, run.ID, key)
	if err != nil {
		return store.ItemOutcome{}, nil, err
	}
	res := store.ItemOutcome{
		OK:               outcome.StopReason == agent.StopAnswered,
		Detail:           map[string]any{"agent_run_id": ar.ID, "stop_reason": outcome.StopReason, "confidence": confidence},
		PromptTokens:     int(spent.PromptTokens),
		CompletionTokens: int(spent.CompletionTokens),
		CostUSD:          spent.CostUSD,
	}
	by := store.Actor{UserID: runs.StartedBy(run)}
	ans := loop.AgentAnswer{Confidence: confidence, Samples: p.Samples, Warnings: len(outcome.Warnings)}
	if !res.OK {
		// No answer: the question goes to review (agent_failed) with the item's completion.
		return res, func(ctx context.Context, tx pgx.Tx) error {
			return loop.RouteAgentAnswer(ctx, tx, by, run.ProjectID, nlqID, ans)
		}, nil
	}
	c := store.Candidate{NLQID: nlqID, Source: "agent", SQL: outcome.SQL, AgentRunID: &ar.ID, PipelineRunID: &run.ID}
	c.Warnings, _ = json.Marshal(outcome.Warnings)
	if outcome.Result != nil {
		candidate.SetOutcome(&c, outcome.Result)
	}
	ans.Candidate = &c
	save := func(ctx context.Context, tx pgx.Tx) error {
		inserted, err := store.InsertCandidateOnce(ctx, tx, by, &c)
		if err != nil || !inserted {
			return err
		}
		// Dual annotation or review, decided with the answer's storage (see loop.RouteAgentAnswer); SQL
		// annotators wrote before the agent answered is compared with it now.
		ans.Compare = loop.ExecutionVerdicts(ctx, w.exec, t.q.Database.Target(), schemas.TableDefs(t.q.Tables), "the agent", c.SQL, outcome.Result)
		return loop.RouteAgentAnswer(ctx, tx, by, run.ProjectID, nlqID, ans)
	}
	return res, save, nil
}

func deref(p *int64) int64 {
	if p == nil {
		return 0
	}
	return *p
}

// trajectory is an agent run recorded and ready to go.
type trajectory struct {
	rec       store.AgentRun
	retrieval store.RetrievalSettings
	agent     *agent.Agent
	q         agent.Question
	meta      llm.CallMeta
	samples   int
}

// begin records a trajectory for a question about a database.
func (w *Agents) begin(ctx context.Context, a store.Actor, projectID, databaseID int64, question string, nlqID, batchID *int64, samples int) (*trajectory, error) {
	d, err := w.schemas.Database(ctx, projectID, databaseID)
	if err != nil {
		return nil, err
	}
	client := w.models.Client()
	rs, err := w.store.RetrievalSettings(ctx, projectID)
	if err != nil {
		return nil, err
	}
	opts := w.options
	if opts.TopKTables >= 0 { // negative: the caller wants every table, whatever the project says
		opts.TopKTables = rs.TopK
	}
	t := &trajectory{
		retrieval: rs,
		rec: store.AgentRun{ProjectID: projectID, DatabaseID: databaseID, NLQID: nlqID, PipelineRunID: batchID, Question: question,
			Samples: samples, PromptVersion: agent.PromptVersion, Model: llmconf.ModelFor(client.Settings(), llm.PurposeAgent)},
		agent:   &agent.Agent{LLM: client, Exec: w.exec, Options: opts, Indexes: w.schemas.Indexes()},
		q:       agent.Question{Text: question, Database: d.DB, Tables: d.Tables},
		samples: samples,
	}
	// The agent follows the project's current guideline; its run records which version that was.
	g, ok, err := w.store.CurrentGuideline(ctx, projectID)
	if err != nil {
		return nil, err
	}
	if ok {
		t.q.Guideline, t.q.GuidelineVersion = g.Markdown, g.Version
		t.rec.GuidelineVersion = &g.Version
	}
	// And the project's tuned prompt template, when one was saved (adopted from an optimization).
	pt, ok, err := w.store.CurrentPromptTemplate(ctx, projectID)
	if err != nil {
		return nil, err
	}
	if ok {
		t.q.Instructions = prompts.Fill(pt.Body, prompts.Dialect, "(the database schema below)", question)
		t.q.InstructionsVersion = pt.Version
		t.rec.PromptVersion += fmt.Sprintf("+project-prompt-v%d", pt.Version)
	}
	if err := w.store.CreateAgentRun(ctx, a, &t.rec); err != nil {
		return nil, err
	}
	// A try is logged under its own trajectory; a batch's calls under the batch, by question.
	t.meta = llm.CallMeta{Purpose: llm.PurposeAgent, ProjectID: projectID, RunKind: RunKindTry, RunID: t.rec.ID, UserID: a.UserID}
	if batchID != nil {
		t.meta.RunKind, t.meta.RunID, t.meta.ItemKey = Kind, *batchID, runs.QuestionKey(deref(nlqID))
	}
	return t, nil
}

// finish runs the agent (k samples with self-consistency when samples > 1), every step persisted as
// it happens, and records how it ended.
func (w *Agents) finish(ctx context.Context, t *trajectory) (agent.Outcome, float64, error) {
	var outcome agent.Outcome
	var err error
	confidence := 1.0
	if t.samples > 1 {
		outcome, confidence, err = t.agent.SelfConsistency(ctx, t.q, t.samples, t.meta, func(sample int) agent.Recorder {
			return &stepRecorder{store: w.store, runID: t.rec.ID, sample: sample}
		})
	} else {
		outcome, err = t.agent.Run(ctx, t.q, t.meta, &stepRecorder{store: w.store, runID: t.rec.ID})
	}
	if err != nil && outcome.StopReason == "" {
		outcome.StopReason, outcome.StopDetail = agent.StopError, err.Error()
	}
	r := &t.rec
	r.Status, r.StopDetail, r.SQL, r.Explanation = outcome.StopReason, outcome.StopDetail, outcome.SQL, outcome.Explanation
	r.Warnings, _ = json.Marshal(outcome.Warnings)
	r.PromptTokens, r.CompletionTokens = outcome.PromptTokens, outcome.CompletionTokens
	if t.samples > 1 {
		r.Confidence = &confidence
	}
	if outcome.Retrieval != "" { // empty when the run failed before its prompt was made
		pt := promptTables(outcome)
		r.Retrieval = &pt
	}
	if ferr := w.store.FinishAgentRun(ctx, r); ferr != nil {
		return outcome, confidence, ferr
	}
	return outcome, confidence, nil
}

// stepRecorder persists each agent step as it happens.
type stepRecorder struct {
	store  *store.Store
	runID  int64
	sample int
}

func (r *stepRecorder) Step(ctx context.Context, s agent.Step) error {
	st := store.AgentStep{Sample: r.sample, Index: s.Index, Kind: string(s.Kind), Content: s.Content, Tool: s.Tool, Args: s.Args,
		Result: s.Result, SQL: s.SQL, PromptTokens: s.PromptTokens, CompletionTokens: s.CompletionTokens,
		LatencyMS: float64(s.Latency.Microseconds()) / 1000, Error: s.Error}
	if s.SQLResult != nil {
		st.SQLResult, _ = json.Marshal(candidate.Preview(s.SQLResult))
	}
	return r.store.AddAgentStep(ctx, r.runID, st)
}

// Ask starts the agent on one question in the background and returns its run record at once; the
// steps appear as they happen (the UI streams them). The run stops on its own budgets.
func (w *Agents) Ask(ctx context.Context, a store.Actor, projectID, databaseID int64, question string, samples int) (store.AgentRun, error) {
	v := store.Validator{}
	v.Check(len(question) > 0 && len(question) <= 2000, "question", "is required (at most 2000 characters)")
	v.Check(samples >= 0 && samples <= 10, "samples", "must be from 1 to 10")
	if err := v.Err(); err != nil {
		return store.AgentRun{}, err
	}
	if !w.models.Client().Configured() {
		return store.AgentRun{}, llm.ErrNotConfigured
	}
	t, err := w.begin(ctx, a, projectID, databaseID, question, nil, nil, max(samples, 1))
	if err != nil {
		return store.AgentRun{}, err
	}
	go func() {
		// Detached from the request: the person watches the steps stream in another request.
		runCtx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 10*time.Minute)
		defer cancel()
		if _, _, err := w.finish(runCtx, t); err != nil {
			w.log.Error("agent run failed", "run", t.rec.ID, "err", err)
		}
	}()
	return t.rec, nil
}

// SaveAsNLQ keeps a tried question as an NLQ with the agent's SQL as its first candidate.
func (w *Agents) SaveAsNLQ(ctx context.Context, a store.Actor, projectID, agentRunID int64, question string) (store.NLQ, error) {
	ar, err := w.store.AgentRunWithSteps(ctx, projectID, agentRunID)
	if err != nil {
		return store.NLQ{}, err
	}
	if ar.Status != agent.StopAnswered || ar.SQL == "" {
		return store.NLQ{}, &store.ConflictError{Msg: fmt.Sprintf("this run ended with %q and has no answer to keep", ar.Status)}
	}
	if question == "" {
		question = ar.Question
	}
	d, err := w.schemas.Database(ctx, projectID, ar.DatabaseID)
	if err != nil {
		return store.NLQ{}, err
	}
	res := w.exec.Run(ctx, d.DB.Target(), ar.SQL)
	dbID := ar.DatabaseID
	key := fmt.Sprintf("agent-run:%d", ar.ID)
	origin, _ := json.Marshal(map[string]any{"kind": "agent-try", "agent_run_id": ar.ID})
	n := store.NLQ{ProjectID: projectID, DatabaseID: &dbID, Question: question, Origin: origin, OriginKey: &key}
	err = w.store.InTx(ctx, "save agent run as question", func(tx pgx.Tx) error {
		inserted, err := store.InsertNLQ(ctx, tx, a, &n)
		if err != nil {
			return err
		}
		if !inserted {
			return &store.ConflictError{Msg: "this run was already saved as a question"}
		}
		c := store.Candidate{NLQID: n.ID, Source: "agent", SQL: ar.SQL, AgentRunID: &ar.ID, Warnings: ar.Warnings}
		candidate.SetOutcome(&c, res)
		return store.InsertCandidate(ctx, tx, a, &c)
	})
	return n, err
}

// Accuracy is how an agent batch did against the questions' verified gold SQL, by execution match.
type Accuracy struct {
	Items     int     `json:"items"`     // questions in the batch
	Answered  int     `json:"answered"`  // the agent gave a final answer
	Evaluated int     `json:"evaluated"` // answered questions with verified gold SQL
	Matched   int     `json:"matched"`   // of those, the agent's result equals the gold's
	Accuracy  float64 `json:"accuracy"`  // Matched / Evaluated
}

// Accuracy compares each answer of a batch with its question's imported gold SQL, where the gold was
// verified (its translation gave the original's result). Questions without verified gold are not
// evaluated.
func (w *Agents) Accuracy(ctx context.Context, run store.PipelineRun) (Accuracy, error) {
	acc := Accuracy{Items: run.Total}
	answers, err := w.store.AgentCandidates(ctx, run.ID)
	if err != nil {
		return acc, err
	}
	acc.Answered = len(answers)
	for nlqID, ans := range answers {
		n, err := w.store.NLQ(ctx, run.ProjectID, nlqID)
		if err != nil {
			return acc, err
		}
		gold := n.Candidate
		if gold == nil || gold.Source != "import" || !candidate.Verified(gold) || n.DatabaseID == nil {
			continue
		}
		d, err := w.schemas.Database(ctx, run.ProjectID, *n.DatabaseID)
		if err != nil {
			return acc, err
		}
		target := d.DB.Target()
		ordered, _ := sqlexec.HasTopLevelOrderBy(gold.SQL)
		m := sqlexec.Match(w.exec.Run(ctx, target, gold.SQL), w.exec.Run(ctx, target, ans.SQL), sqlexec.MatchOptions{OrderMatters: ordered})
		acc.Evaluated++
		if m.Match {
			acc.Matched++
		}
	}
	if acc.Evaluated > 0 {
		acc.Accuracy = float64(acc.Matched) / float64(acc.Evaluated)
	}
	return acc, nil
}
