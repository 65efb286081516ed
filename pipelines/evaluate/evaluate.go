package evaluate

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net/url"
	"os"
	"regexp"
	"slices"
	"strings"
	"sync"

	"github.com/jackc/pgx/v5"
	"github.com/sashabaranov/go-openai"

	"github.com/goldset/goldset/llm"
	"github.com/goldset/goldset/llm/llmconf"
	"github.com/goldset/goldset/pipelines/golden"
	"github.com/goldset/goldset/pipelines/prompts"
	"github.com/goldset/goldset/pipelines/runs"
	"github.com/goldset/goldset/pipelines/schemas"
	"github.com/goldset/goldset/sqlexec"
	"github.com/goldset/goldset/store"
)

// Kind is the run kind of evaluations.
const Kind = "evaluate"

// EnvTargetAPIKey is the API key sent to an evaluated model's own endpoint (base_url): the
// configured key is never sent to another host.
const EnvTargetAPIKey = "GOLDSET_TARGET_API_KEY"

// Budget caps a run's model calls; zero fields are no cap. It is checked before each call, against
// the calls logged for the run that were not answered from the cache: calls already in flight when
// a cap is reached still finish, so a run may pass a cap by at most its concurrency less one call.
type Budget struct {
	MaxCalls   int     `json:"max_calls,omitempty"`
	MaxTokens  int64   `json:"max_tokens,omitempty"`
	MaxCostUSD float64 `json:"max_cost_usd,omitempty"`
}

// Check reports the budget's field errors, named with prefix (e.g. "budget.").
func (b Budget) Check(v *store.Validator, prefix string) {
	v.Check(b.MaxCalls >= 0, prefix+"max_calls", "must not be negative (0: no cap)")
	v.Check(b.MaxTokens >= 0, prefix+"max_tokens", "must not be negative (0: no cap)")
	v.Check(b.MaxCostUSD >= 0, prefix+"max_cost_usd", "must not be negative (0: no cap)")
}

// reached says which cap spend has reached ("" when none).
func (b Budget) reached(s store.RunSpend) string {
	switch {
	case b.MaxCalls > 0 && s.Calls >= b.MaxCalls:
		return fmt.Sprintf("budget reached: %d of %d model calls", s.Calls, b.MaxCalls)
	case b.MaxTokens > 0 && s.Tokens >= b.MaxTokens:
		return fmt.Sprintf("budget reached: %d of %d tokens", s.Tokens, b.MaxTokens)
	case b.MaxCostUSD > 0 && s.Cost >= b.MaxCostUSD:
		return fmt.Sprintf("budget reached: $%.4f of $%.4f", s.Cost, b.MaxCostUSD)
	}
	return ""
}

// Target is the model under evaluation: a model name on the configured endpoint, or on its own
// OpenAI-compatible endpoint (BaseURL, with the key from GOLDSET_TARGET_API_KEY).
type Target struct {
	Model   string `json:"model"`
	BaseURL string `json:"base_url,omitempty"`
}

// Check reports the target's field errors.
func (t Target) Check(v *store.Validator) {
	if t.BaseURL != "" {
		u, err := url.Parse(t.BaseURL)
		v.Check(err == nil && (u.Scheme == "http" || u.Scheme == "https") && u.Host != "", "base_url", "must be an http:// or https:// URL")
	}
}

// Params are an evaluation's parameters, stored with its run.
type Params struct {
	SnapshotID    int64  `json:"snapshot_id"`
	Split         string `json:"split"`
	Target               // model, base_url
	Prompt        string `json:"prompt"`
	PromptVersion int    `json:"prompt_version"` // of the project's template it came from; -1 when given
	Judge         bool   `json:"judge"`
	JudgeModel    string `json:"judge_model,omitempty"`
	Limit         int    `json:"limit,omitempty"`
	Concurrency   int    `json:"concurrency"`
	Budget        Budget `json:"budget"`
}

// Evaluator evaluates models on snapshot splits by execution match.
type Evaluator struct {
	st      *store.Store
	exec    *sqlexec.Executor
	models  *llmconf.Models
	schemas *schemas.Cache
	runner  *runs.Runner
	log     *slog.Logger

	mu      sync.Mutex
	clients map[string]*llm.Client // own endpoints of evaluated models, by base URL
}

// New makes the evaluations: sc gives the databases' schemas; runner, woken when a run is
// queued, may be nil.
func New(st *store.Store, exec *sqlexec.Executor, models *llmconf.Models, sc *schemas.Cache, runner *runs.Runner, log *slog.Logger) *Evaluator {
	if log == nil {
		log = slog.Default()
	}
	return &Evaluator{st: st, exec: exec, models: models, schemas: sc, runner: runner, log: log}
}

// Kinds are the run kinds this package processes: evaluations.
func (e *Evaluator) Kinds() []runs.Kind {
	return []runs.Kind{{Name: Kind, Item: e.evalItem, Concurrency: func(run store.PipelineRun) int {
		var p Params
		// Unreadable parameters give a concurrency of 1; each item fails the run with them.
		_ = json.Unmarshal(run.Params, &p)
		return max(p.Concurrency, 1)
	}}}
}

func (e *Evaluator) store() *store.Store { return e.st }

// Configured says whether a language model is configured (runs that need one refuse to start without).
func (e *Evaluator) Configured() bool { return e.models.Client().Configured() }

// CurrentPrompt is the project's template in force: its newest saved version, or the built-in one.
func CurrentPrompt(ctx context.Context, st *store.Store, projectID int64) (store.PromptTemplate, error) {
	p, ok, err := st.CurrentPromptTemplate(ctx, projectID)
	if err != nil || ok {
		return p, err
	}
	return store.PromptTemplate{ProjectID: projectID, Body: prompts.BuiltinTemplate, Source: "builtin",
		Note: "LlamaIndex's Text-to-SQL prompt, built in"}, nil
}

// SavePrompt saves a new version of the project's template written by a person.
func SavePrompt(ctx context.Context, st *store.Store, a store.Actor, projectID int64, body, note string) (store.PromptTemplate, error) {
	v := store.Validator{}
	if msg := prompts.CheckTemplate(body); msg != "" {
		v.Check(false, "body", msg)
	}
	v.Check(len(note) <= 2000, "note", "must be at most 2,000 characters")
	if err := v.Err(); err != nil {
		return store.PromptTemplate{}, err
	}
	return st.CreatePromptTemplate(ctx, a, projectID, store.PromptTemplate{Body: body, Note: note, Source: "manual"})
}

// ResolvePrompt fills in the project's template when none is given (and its version); given, it
// must be valid, and its version is -1.
func (e *Evaluator) ResolvePrompt(ctx context.Context, projectID int64, prompt *string, version *int, v *store.Validator, field string) error {
	if strings.TrimSpace(*prompt) == "" {
		cur, err := CurrentPrompt(ctx, e.store(), projectID)
		if err != nil {
			return err
		}
		*prompt, *version = cur.Body, cur.Version
		return nil
	}
	*version = -1
	if msg := prompts.CheckTemplate(*prompt); msg != "" {
		v.Check(false, field, msg)
	}
	return nil
}

// pairKeys returns the item keys of a snapshot split's pairs (at most limit; 0 for all).
func (e *Evaluator) pairKeys(ctx context.Context, snapshotID int64, split string, limit int) ([]string, error) {
	if split == golden.SplitAll {
		split = ""
	}
	pairs, err := e.store().SnapshotPairs(ctx, snapshotID, split, 0, 0)
	if err != nil {
		return nil, err
	}
	if limit > 0 && len(pairs) > limit {
		pairs = pairs[:limit]
	}
	keys := make([]string, len(pairs))
	for i, p := range pairs {
		keys[i] = runs.QuestionKey(p.NLQID)
	}
	return keys, nil
}

// StartEvaluation validates the parameters and queues the run.
func (e *Evaluator) StartEvaluation(ctx context.Context, a store.Actor, projectID int64, p Params) (store.PipelineRun, error) {
	if !e.models.Client().Configured() {
		return store.PipelineRun{}, llm.ErrNotConfigured
	}
	if p.Split == "" {
		p.Split = "test"
	}
	if p.Concurrency == 0 {
		p.Concurrency = 8
	}
	v := store.Validator{}
	v.Check(p.SnapshotID > 0, "snapshot_id", "is required")
	v.Check(p.Split == golden.SplitAll || slices.Contains(golden.SplitNames, p.Split), "split", `must be "train", "val", "test" or "all"`)
	v.Check(p.Concurrency >= 1 && p.Concurrency <= 64, "concurrency", "must be between 1 and 64")
	v.Check(p.Limit >= 0, "limit", "must not be negative (0: all)")
	p.Target.Check(&v)
	p.Budget.Check(&v, "budget.")
	if err := e.ResolvePrompt(ctx, projectID, &p.Prompt, &p.PromptVersion, &v, "prompt"); err != nil {
		return store.PipelineRun{}, err
	}
	if err := v.Err(); err != nil {
		return store.PipelineRun{}, err
	}
	if _, err := e.store().GetSnapshot(ctx, projectID, p.SnapshotID); err != nil {
		return store.PipelineRun{}, err
	}
	keys, err := e.pairKeys(ctx, p.SnapshotID, p.Split, p.Limit)
	if err != nil {
		return store.PipelineRun{}, err
	}
	if len(keys) == 0 {
		return store.PipelineRun{}, &store.ValidationError{Fields: map[string]string{"split": "the snapshot has no pairs in this split"}}
	}
	return runs.Queue(ctx, e.store(), e.runner, a, projectID, Kind, p, keys)
}

// evalItem answers one pair with the run's prompt and scores it.
func (e *Evaluator) evalItem(ctx context.Context, run store.PipelineRun, key string) (store.ItemOutcome, runs.ItemSaver, error) {
	var p Params
	if err := runs.DecodeParams(run, &p); err != nil {
		return store.ItemOutcome{}, nil, err
	}
	nlqID, err := runs.ParseQuestionKey(key)
	if err != nil {
		return store.ItemOutcome{}, nil, err
	}
	pair, err := e.store().SnapshotPair(ctx, p.SnapshotID, nlqID)
	if err != nil {
		return store.ItemOutcome{}, nil, err
	}
	s := e.Scorer(run, Scoring{Kind: Kind, Target: p.Target, Budget: p.Budget, Judge: p.Judge, JudgeModel: p.JudgeModel, TestSuite: true})
	r, err := s.Score(ctx, 0, p.Prompt, pair)
	if err != nil {
		return store.ItemOutcome{}, nil, err
	}
	out := store.ItemOutcome{Key: key, OK: true, PromptTokens: r.PromptTokens, CompletionTokens: r.CompletionTokens,
		Detail: map[string]any{"correct": r.Correct, "reason": r.Reason}}
	if r.Correct {
		out.Kept = 1
	}
	return out, func(ctx context.Context, tx pgx.Tx) error { return store.SaveEvalResult(ctx, tx, r) }, nil
}

// Scoring says how to answer and score pairs within one run.
type Scoring struct {
	Kind       string // the run's kind, under which its model calls are logged and its budget counted
	Target     Target
	Budget     Budget
	Judge      bool
	JudgeModel string
	// KeepGold keeps each pair's gold result for the scorer's lifetime: an optimization step scores
	// many prompts on the same pairs.
	KeepGold bool
	// TestSuite also runs a correct answer and its gold on the database's neighbours
	// (sqlexec.Distinguish): test-suite accuracy, after Zhong, Yu and Klein (EMNLP 2020).
	TestSuite bool
}

// Scorer answers and scores pairs within one run.
type Scorer struct {
	e    *Evaluator
	run  store.PipelineRun
	s    Scoring
	gold *goldResults // nil unless KeepGold
}

// Scorer makes a scorer for a run.
func (e *Evaluator) Scorer(run store.PipelineRun, s Scoring) *Scorer {
	sc := &Scorer{e: e, run: run, s: s}
	if s.KeepGold {
		sc.gold = &goldResults{m: map[int64]*sqlexec.Result{}}
	}
	return sc
}

// goldResults are gold SQL results by question.
type goldResults struct {
	mu sync.Mutex
	m  map[int64]*sqlexec.Result
}

// goldResult runs a pair's gold SQL, or returns the result kept from an earlier run in this scoring.
func (s *Scorer) goldResult(ctx context.Context, target sqlexec.Target, pair store.SnapshotPair) *sqlexec.Result {
	if s.gold != nil {
		s.gold.mu.Lock()
		r, ok := s.gold.m[pair.NLQID]
		s.gold.mu.Unlock()
		if ok {
			return r
		}
	}
	r := s.e.exec.Run(ctx, target, pair.SQL)
	if s.gold != nil && r.OK() && ctx.Err() == nil {
		s.gold.mu.Lock()
		s.gold.m[pair.NLQID] = r
		s.gold.mu.Unlock()
	}
	return r
}

// Score answers one pair with a template and checks the answer by execution match against the
// gold SQL's result (and with the judge when asked). The result is returned, not stored. A model
// call that fails after the client's retries is an ItemError; a reached budget a RunError.
func (s *Scorer) Score(ctx context.Context, candidateID int64, template string, pair store.SnapshotPair) (store.EvalResult, error) {
	e := s.e
	r := store.EvalResult{RunID: s.run.ID, CandidateID: candidateID, NLQID: pair.NLQID, Split: pair.Split,
		DatabaseName: pair.DatabaseName, Hardness: pair.Hardness, Question: pair.Question, GoldSQL: pair.SQL}
	if pair.DatabaseID == nil {
		r.Error = "the question's database is not in the project any more"
		return r, nil
	}
	d, err := e.schemas.Database(ctx, s.run.ProjectID, *pair.DatabaseID)
	if errors.Is(err, store.ErrNotFound) {
		r.Error = fmt.Sprintf("database %q was deleted since the snapshot was cut", pair.DatabaseName)
		return r, nil
	}
	if err != nil {
		return r, err
	}
	schema, err := e.schemas.Rendered(ctx, d)
	if err != nil {
		return r, err
	}
	reply, usage, err := s.Chat(ctx, llm.PurposeTarget, s.s.Target, runs.QuestionKey(pair.NLQID), prompts.Fill(template, prompts.Dialect, schema, prompts.WithEvidence(pair.Question, pair.Evidence)), 0)
	r.PromptTokens, r.CompletionTokens = usage.PromptTokens, usage.CompletionTokens
	if err != nil {
		return r, err
	}
	r.SQL = ExtractSQL(reply)
	if r.SQL == "" {
		r.Error = "the reply has no SQL"
		return r, nil
	}
	target := d.DB.Target()
	gold := s.goldResult(ctx, target, pair)
	if ctx.Err() != nil {
		return r, ctx.Err()
	}
	if !gold.OK() {
		r.Error = "the gold SQL fails now: " + gold.Error
		return r, nil
	}
	pred := e.exec.Run(ctx, target, r.SQL)
	if ctx.Err() != nil {
		return r, ctx.Err()
	}
	ordered, _ := sqlexec.HasTopLevelOrderBy(pair.SQL)
	opt := sqlexec.MatchOptions{OrderMatters: ordered}
	m := sqlexec.Match(gold, pred, opt)
	r.Correct, r.Reason = m.Match, m.Reason
	if !pred.OK() {
		r.Error = pred.Error
	}
	if s.s.TestSuite {
		suite := m.Match
		if m.Match {
			dist := e.exec.Distinguish(ctx, target, schemas.TableDefs(d.Tables), pair.SQL, r.SQL, opt)
			if ctx.Err() != nil {
				return r, ctx.Err()
			}
			if !dist.Same {
				suite = false
				r.Reason = fmt.Sprintf("equal on the database, but not on its %q neighbour: %s", dist.Neighbour, dist.Reason)
				r.Diff = resultDiff(dist.A, dist.B, opt)
			}
		}
		r.SuiteCorrect = &suite
	}
	if !m.Match {
		r.Diff = resultDiff(gold, pred, opt)
	}
	if s.s.Judge {
		if err := s.judgeResult(ctx, &r, gold, pred); err != nil {
			return r, err
		}
	}
	return r, nil
}

// diffRows is how many rows of each side a stored diff lists.
const diffRows = 5

// resultDiff is what a person (and the critic) sees of two results that differ.
func resultDiff(gold, pred *sqlexec.Result, opt sqlexec.MatchOptions) json.RawMessage {
	d := sqlexec.Diff(gold, pred, opt, diffRows)
	b, err := json.Marshal(map[string]any{"gold_rows": len(gold.Rows), "pred_rows": len(pred.Rows),
		"only_gold": nonNil(d.OnlyInGold), "only_pred": nonNil(d.OnlyInPred),
		"only_gold_count": d.OnlyInGoldCount, "only_pred_count": d.OnlyInPredCount})
	if err != nil {
		return nil
	}
	return b
}

func nonNil(rows [][]any) [][]any {
	if rows == nil {
		return [][]any{}
	}
	return rows
}

var judgePrompt = prompts.Load("judge")

// judgeRows is how many rows of each result the judge sees.
const judgeRows = 50

// judgeResult asks the judge whether the predicted result answers the question given the gold one.
func (s *Scorer) judgeResult(ctx context.Context, r *store.EvalResult, gold, pred *sqlexec.Result) error {
	show := func(res *sqlexec.Result) string {
		if !res.OK() {
			return "error: " + res.Error
		}
		rows := res.Rows[:min(len(res.Rows), judgeRows)]
		b, _ := json.Marshal(map[string]any{"columns": res.Columns, "rows": nonNil(rows)})
		out := string(b)
		if len(res.Rows) > judgeRows {
			out += fmt.Sprintf("\n(%d rows in all; the first %d shown)", len(res.Rows), judgeRows)
		}
		return out
	}
	prompt, err := judgePrompt.Render(map[string]string{"Question": r.Question, "Answer": show(gold), "Response": show(pred)})
	if err != nil {
		return err
	}
	reply, usage, err := s.Chat(ctx, llm.PurposeJudge, Target{Model: s.s.JudgeModel}, runs.QuestionKey(r.NLQID)+"-judge", prompt, 0)
	r.PromptTokens += usage.PromptTokens
	r.CompletionTokens += usage.CompletionTokens
	if err != nil {
		return err
	}
	verdict, ok := ParseVerdict(reply)
	if !ok {
		r.JudgeReason = "unreadable judge reply: " + truncate(reply, 200)
		return nil
	}
	r.Judge = &verdict
	r.JudgeReason = truncate(strings.TrimSpace(reply), 500)
	return nil
}

var verdictWord = regexp.MustCompile(`(?i)\b(true|false)\b`)

// ParseVerdict reads a judge's "True" or "False": the reply's first word when it is one, else its
// last such word (after the reasoning).
func ParseVerdict(reply string) (verdict, ok bool) {
	s := strings.Trim(strings.TrimSpace(reply), `"'*.`)
	switch first, _, _ := strings.Cut(strings.ToLower(s), "\n"); strings.Trim(strings.TrimSpace(first), `"'*.`) {
	case "true":
		return true, true
	case "false":
		return false, true
	}
	words := verdictWord.FindAllString(reply, -1)
	if len(words) == 0 {
		return false, false
	}
	return strings.EqualFold(words[len(words)-1], "true"), true
}

func truncate(s string, n int) string {
	if r := []rune(s); len(r) > n {
		return string(r[:n]) + "…"
	}
	return s
}

var (
	sqlFence     = regexp.MustCompile("(?is)```(?:sql|postgresql|postgres)?[ \t]*\n(.*?)```")
	sqlQueryLine = regexp.MustCompile(`(?is)SQLQuery:\s*(.*?)(?:\n\s*SQLResult:|\z)`)
)

// ExtractSQL takes the SQL out of a model's reply: the last ```sql fence, else what follows
// "SQLQuery:", else the whole reply; without a trailing semicolon.
func ExtractSQL(reply string) string {
	sql := strings.TrimSpace(reply)
	if m := sqlFence.FindAllStringSubmatch(reply, -1); len(m) > 0 {
		sql = m[len(m)-1][1]
	} else if m := sqlQueryLine.FindStringSubmatch(reply); m != nil {
		sql = m[1]
	}
	return strings.TrimRight(strings.TrimSpace(sql), "; \n\t")
}

// client is the client that calls a target: the configured one, or one for the target's own endpoint.
func (e *Evaluator) client(t Target) *llm.Client {
	base := e.models.Client()
	if t.BaseURL == "" {
		return base
	}
	e.mu.Lock()
	defer e.mu.Unlock()
	if c, ok := e.clients[t.BaseURL]; ok {
		return c
	}
	set := base.Settings()
	set.BaseURL, set.APIKey, set.Purposes = t.BaseURL, os.Getenv(EnvTargetAPIKey), nil
	c := llm.New(set, e.store(), e.store(), e.log)
	if e.clients == nil {
		e.clients = map[string]*llm.Client{}
	}
	e.clients[t.BaseURL] = c
	return c
}

// Chat makes one model call of the run after checking its budget: the target for
// llm.PurposeTarget, else the configured model for the purpose (t.Model overriding it when set).
// Temperature 0 is answered from the cache when the same request was answered before (a resumed
// run pays nothing twice).
func (s *Scorer) Chat(ctx context.Context, purpose llm.Purpose, t Target, item, prompt string, temperature float32) (string, openai.Usage, error) {
	e := s.e
	if s.s.Budget != (Budget{}) {
		spend, err := e.store().RunSpend(ctx, s.s.Kind, s.run.ID)
		if err != nil {
			return "", openai.Usage{}, err
		}
		if why := s.s.Budget.reached(spend); why != "" {
			return "", openai.Usage{}, &runs.RunError{Reason: why + "; what was scored is kept"}
		}
	}
	c := e.models.Client()
	if purpose == llm.PurposeTarget {
		c = e.client(t)
	}
	resp, err := c.Chat(ctx, llm.CallMeta{Purpose: purpose, ProjectID: s.run.ProjectID, RunKind: s.s.Kind, RunID: s.run.ID, ItemKey: item},
		openai.ChatCompletionRequest{Model: t.Model, Temperature: temperature,
			Messages: []openai.ChatCompletionMessage{{Role: openai.ChatMessageRoleUser, Content: prompt}}})
	switch {
	case errors.Is(err, llm.ErrNotConfigured):
		return "", resp.Usage, &runs.RunError{Reason: err.Error()}
	case err != nil && ctx.Err() == nil:
		return "", resp.Usage, &runs.ItemError{Err: fmt.Errorf("%s model: %w", purpose, err)}
	case err != nil:
		return "", resp.Usage, err
	case len(resp.Choices) == 0:
		return "", resp.Usage, &runs.ItemError{Err: fmt.Errorf("%s model: the reply has no choices", purpose)}
	}
	return resp.Choices[0].Message.Content, resp.Usage, nil
}

// Report is an evaluation with its figures.
type Report struct {
	Run     store.PipelineRun `json:"run"`
	Params  Params            `json:"params"`
	Summary Summary           `json:"summary"`
}

// Summary adds the run's totals and spend to the store's counts.
type Summary struct {
	store.EvalSummary
	Total            int     `json:"total"`
	Calls            int     `json:"calls"`
	PromptTokens     int64   `json:"prompt_tokens"`
	CompletionTokens int64   `json:"completion_tokens"`
	CostUSD          float64 `json:"cost_usd"`
}

// Evaluation returns an evaluation run with its summary.
func (e *Evaluator) Evaluation(ctx context.Context, projectID, runID int64) (Report, error) {
	run, err := runs.OfKind(ctx, e.store(), projectID, runID, Kind, "an evaluation")
	if err != nil {
		return Report{}, err
	}
	return e.evalReport(ctx, run)
}

func (e *Evaluator) evalReport(ctx context.Context, run store.PipelineRun) (Report, error) {
	return e.report(ctx, run, e.store().EvalSummary)
}

// report is an evaluation's report with the summary that summarize makes of its results.
func (e *Evaluator) report(ctx context.Context, run store.PipelineRun, summarize func(context.Context, int64, int64) (store.EvalSummary, error)) (Report, error) {
	rep := Report{Run: run}
	if err := json.Unmarshal(run.Params, &rep.Params); err != nil {
		return rep, fmt.Errorf("evaluation %d: parameters: %w", run.ID, err)
	}
	sum, err := summarize(ctx, run.ID, 0)
	if err != nil {
		return rep, err
	}
	spend, err := e.store().RunSpend(ctx, Kind, run.ID)
	if err != nil {
		return rep, err
	}
	rep.Summary = Summary{EvalSummary: sum, Total: run.Total, Calls: spend.Calls, PromptTokens: run.PromptTokens,
		CompletionTokens: run.CompletionTokens, CostUSD: spend.Cost}
	return rep, nil
}

// Evaluations lists a project's evaluations, newest first, each with its totals (accuracy, judge, test
// suite, errors) but not the breakdowns by hardness, database and difficulty, which Evaluation gives:
// those join the snapshot's pairs, ~60 ms an evaluation of 20,000 items.
func (e *Evaluator) Evaluations(ctx context.Context, projectID int64) ([]Report, error) {
	return runs.Reports(ctx, e.store(), projectID, Kind, func(run store.PipelineRun) (Report, error) {
		return e.report(ctx, run, e.store().EvalTotals)
	})
}

// EvalResults pages through an evaluation's per-item results.
func (e *Evaluator) EvalResults(ctx context.Context, projectID, runID int64, outcome string, after int64, limit int) ([]store.EvalResult, error) {
	if outcome != "" && outcome != store.OutcomeCorrect && outcome != store.OutcomeWrong && outcome != store.OutcomeError {
		return nil, &store.ValidationError{Fields: map[string]string{"outcome": `must be "correct", "wrong" or "error"`}}
	}
	// The run and its parameters only: the summary (a pass over every result) is not needed for a page.
	run, err := runs.OfKind(ctx, e.store(), projectID, runID, Kind, "an evaluation")
	if err != nil {
		return nil, err
	}
	var p Params
	if err := json.Unmarshal(run.Params, &p); err != nil {
		return nil, fmt.Errorf("evaluation %d: parameters: %w", run.ID, err)
	}
	return e.store().EvalResults(ctx, runID, 0, p.SnapshotID, outcome, after, limit)
}
