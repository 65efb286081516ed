package agent

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/sashabaranov/go-openai"

	"github.com/goldset/goldset/agent/retrieve"
	"github.com/goldset/goldset/llm"
	"github.com/goldset/goldset/sqlexec"
	"github.com/goldset/goldset/store"
)

// Agent answers questions with SQL over a target database.
type Agent struct {
	LLM     *llm.Client
	Exec    SQLRunner // a *sqlexec.Executor: every query, the agent's own included, goes through its door
	Options Options
	// Indexes caches the retrieval index of each database version (values included); nil builds
	// one from the table registry alone for each run.
	Indexes *retrieve.Indexes
}

// SQLRunner runs SQL in the sandbox; *sqlexec.Executor is the one to use. It is an interface so a
// caller can observe the queries (the step-overhead benchmark times them).
type SQLRunner interface {
	Run(ctx context.Context, t sqlexec.Target, sql string) *sqlexec.Result
}

// Options bound a run and shape its context. Zero values take the defaults.
type Options struct {
	MaxSteps   int           // model turns (default 12)
	MaxTokens  int           // prompt + completion tokens over the run (default 60_000)
	WallTime   time.Duration // default 2 minutes
	SampleRows int           // rows per table in the schema context and in describe_table (default 3)
	ResultRows int           // rows of a query result shown to the model (default 20)
	// TopKTables: when the schema has more tables than this, only the k the retrieval index ranks
	// best for the question go into the prompt, with up to k/2 more that foreign keys join them to
	// (default 8; negative: always all of them).
	TopKTables int
	// OmittedListChars bounds the list of the tables not described: past it the prompt only counts
	// them and points at explore_db's search (default 2,000 characters, about 500 tokens).
	OmittedListChars int
	// PromptTokens bounds the system prompt (characters / 4, default 7,000): past it the last
	// chosen tables leave it, never the question's own, so the first request stays readable
	// whatever the tables' width.
	PromptTokens int
	// Parallel is how many self-consistency samples run at once (default 3).
	Parallel int
}

// DefaultTopKTables is Options.TopKTables when it is 0.
const DefaultTopKTables = 8

func (o Options) withDefaults() Options {
	if o.MaxSteps <= 0 {
		o.MaxSteps = 12
	}
	if o.MaxTokens <= 0 {
		o.MaxTokens = 60_000
	}
	if o.WallTime <= 0 {
		o.WallTime = 2 * time.Minute
	}
	if o.SampleRows <= 0 {
		o.SampleRows = 3
	}
	if o.ResultRows <= 0 {
		o.ResultRows = 20
	}
	if o.TopKTables == 0 {
		o.TopKTables = DefaultTopKTables
	}
	if o.OmittedListChars <= 0 {
		o.OmittedListChars = 2000
	}
	if o.PromptTokens <= 0 {
		o.PromptTokens = 7000
	}
	if o.Parallel <= 0 {
		o.Parallel = 3
	}
	return o
}

// Question is what to answer, over which database, under which guideline.
type Question struct {
	Text string
	// Evidence is external knowledge that comes with the question (BIRD's evidence: "eligible free
	// rate = Free Meal Count / Enrollment"); it follows the question in the user's message.
	Evidence         string
	Database         store.Database
	Tables           []store.DBTable
	Guideline        string // the project's current guideline (markdown); may be empty
	GuidelineVersion int
	// Instructions is the project's current text-to-SQL prompt template with its placeholders filled
	// in (empty when the project saved none); InstructionsVersion is its version.
	Instructions        string
	InstructionsVersion int
	// KnownTables are the tables the question came with (a WikiTableQuestions question's context
	// table, a CSV import's file): always in the prompt. With ScopeOnly the prompt describes only
	// them (and the tables they join to); else the rest is retrieved as for any question.
	KnownTables []string
	ScopeOnly   bool
}

// StepKind tells a model turn from a tool call.
type StepKind string

// The kinds of step.
const (
	StepModel StepKind = "model"
	StepTool  StepKind = "tool"
)

// Step is one entry of a trajectory: a model turn or one tool call.
type Step struct {
	Index   int      `json:"index"`
	Kind    StepKind `json:"kind"`
	Content string   `json:"content,omitempty"` // the model's text, for a model turn
	// For a tool step: the call and the text the tool returned to the model.
	Tool   string          `json:"tool,omitempty"`
	Args   json.RawMessage `json:"args,omitempty"`
	Result string          `json:"result,omitempty"`
	// For run_sql_query and give_final_answer: the SQL and what it produced.
	SQL              string          `json:"sql,omitempty"`
	SQLResult        *sqlexec.Result `json:"sql_result,omitempty"`
	PromptTokens     int             `json:"prompt_tokens,omitempty"`
	CompletionTokens int             `json:"completion_tokens,omitempty"`
	Latency          time.Duration   `json:"latency_ns"`
	Error            string          `json:"error,omitempty"`
}

// Recorder persists steps as they happen. A Recorder error stops the run: a trajectory with holes
// is worse than none.
type Recorder interface {
	Step(ctx context.Context, s Step) error
}

// The reasons a run stops.
const (
	StopAnswered  = "answered"
	StopBudget    = "budget"
	StopLoop      = "loop"
	StopError     = "error"
	StopCancelled = "cancelled"
)

// Outcome is how a run ended.
type Outcome struct {
	SQL              string          `json:"sql"`
	Explanation      string          `json:"explanation"`
	StopReason       string          `json:"stop_reason"`
	StopDetail       string          `json:"stop_detail"`
	Warnings         []Warning       `json:"warnings"` // the rules checker's findings on the accepted SQL
	Steps            []Step          `json:"steps"`
	PromptTokens     int             `json:"prompt_tokens"`
	CompletionTokens int             `json:"completion_tokens"`
	Result           *sqlexec.Result `json:"result,omitempty"` // the accepted SQL's result
	Model            string          `json:"model"`
	PromptVersion    string          `json:"prompt_version"`
	// Retrieval says how the tables of the prompt were chosen: "all", "scope", "lexical" or
	// "hybrid" (see agent/retrieve).
	Retrieval string   `json:"retrieval"`
	Tables    []string `json:"tables"`           // the tables shown in the prompt
	Known     []string `json:"known,omitempty"`  // of Tables, those the question came with
	Joined    []string `json:"joined,omitempty"` // of Tables, those added along foreign keys
	// TotalTables is how many tables the question's database has.
	TotalTables int `json:"total_tables"`
	// FirstPromptTokens is the first request's prompt tokens as the endpoint reported them (an
	// estimate, characters / 4 of the messages, until it answers).
	FirstPromptTokens int `json:"first_prompt_tokens"`
}

// Answered reports whether the run ended with an accepted answer.
func (o Outcome) Answered() bool { return o.StopReason == StopAnswered }

// Run answers q: a ReAct loop over tool calling until the model gives an accepted final answer or
// a budget, a loop, an error or cancellation stops it. Every stop has a reason in the outcome.
// The error is only for failures of the platform (a broken recorder, bad table metadata, no
// model configured), never for what the model does; the outcome is returned with it.
func (a *Agent) Run(ctx context.Context, q Question, meta llm.CallMeta, rec Recorder) (Outcome, error) {
	p, err := a.prepare(ctx, q, meta)
	if err != nil {
		out := Outcome{StopReason: StopError, StopDetail: err.Error(), PromptVersion: PromptVersion}
		if ctx.Err() != nil {
			out.StopReason, out.StopDetail = StopCancelled, "cancelled while preparing the schema context"
			return out, nil
		}
		return out, err
	}
	return a.loop(ctx, p, meta, rec)
}

// prepared is what every sample of a question shares: the schema and the system prompt.
type prepared struct {
	q         Question
	opt       Options
	target    sqlexec.Target
	tables    []*tableInfo
	system    string
	retrieval string
	shown     []string
	index     *retrieve.Index
	selection retrieve.Selection
}

// run is the state of one loop.
type run struct {
	a        *Agent
	p        *prepared
	ctx      context.Context // the caller's
	runCtx   context.Context // with the wall-time deadline
	meta     llm.CallMeta
	rec      Recorder
	out      Outcome
	messages []openai.ChatCompletionMessage

	turns     int
	plainText int            // consecutive turns without a tool call
	calls     map[string]int // tool call (name + canonical args) → times made
	notes     int
	warned    bool // the rules checker has had its say once
}

func (a *Agent) loop(ctx context.Context, p *prepared, meta llm.CallMeta, rec Recorder) (Outcome, error) {
	if meta.Purpose == "" {
		meta.Purpose = llm.PurposeAgent
	}
	runCtx, cancel := context.WithTimeout(ctx, p.opt.WallTime)
	defer cancel()
	r := &run{
		a: a, p: p, ctx: ctx, runCtx: runCtx, meta: meta, rec: rec, calls: map[string]int{},
		out: Outcome{PromptVersion: PromptVersion, Retrieval: p.retrieval, Tables: p.shown, Steps: []Step{},
			Known: p.selection.Known, Joined: p.selection.Joined, TotalTables: len(p.q.Tables),
			FirstPromptTokens: (len(p.system) + len(p.q.userMessage())) / 4},
		messages: []openai.ChatCompletionMessage{
			{Role: openai.ChatMessageRoleSystem, Content: p.system},
			{Role: openai.ChatMessageRoleUser, Content: p.q.userMessage()},
		},
	}
	err := r.iterate()
	if r.out.StopReason == "" { // never: every path sets a reason, but an outcome must carry one
		r.out.StopReason, r.out.StopDetail = StopError, "the run ended without a reason"
	}
	return r.out, err
}

func (r *run) stop(reason, format string, args ...any) {
	r.out.StopReason = reason
	r.out.StopDetail = fmt.Sprintf(format, args...)
}

// interrupted reports (and records as the stop) cancellation or an exhausted wall time.
func (r *run) interrupted() bool {
	switch {
	case r.ctx.Err() != nil:
		r.stop(StopCancelled, "the run was cancelled after %d model turn%s", r.turns, plural(r.turns))
		return true
	case r.runCtx.Err() != nil:
		r.stop(StopBudget, "wall time: the run took longer than %s", r.p.opt.WallTime)
		return true
	}
	return false
}

func (r *run) iterate() error {
	opt := r.p.opt
	for {
		if r.interrupted() {
			return nil
		}
		if r.turns >= opt.MaxSteps {
			r.stop(StopBudget, "steps: %d model turns without an accepted answer", r.turns)
			return nil
		}
		if used := r.out.PromptTokens + r.out.CompletionTokens; used >= opt.MaxTokens {
			r.stop(StopBudget, "tokens: %d used, the budget is %d", used, opt.MaxTokens)
			return nil
		}
		msg, err := r.turn()
		if err != nil {
			return err
		}
		if r.out.StopReason != "" {
			return nil
		}
		if len(msg.ToolCalls) == 0 {
			r.plainText++
			if r.plainText >= 2 {
				r.stop(StopLoop, "no progress: %d turns in a row without a tool call", r.plainText)
				return nil
			}
			r.messages = append(r.messages, openai.ChatCompletionMessage{Role: openai.ChatMessageRoleUser, Content: message("nudge", nil)})
			continue
		}
		r.plainText = 0
		for _, call := range msg.ToolCalls {
			if err := r.tool(call); err != nil {
				return err
			}
			if r.out.StopReason != "" {
				return nil
			}
		}
	}
}

// turn asks the model for its next move and records it. A failure of the model ends the run with
// a reason; only a recorder failure or a missing configuration is returned as an error.
func (r *run) turn() (openai.ChatCompletionMessage, error) {
	req := openai.ChatCompletionRequest{Messages: r.messages, Tools: toolDefs()}
	start := time.Now()
	resp, err := r.a.LLM.Chat(r.runCtx, r.meta, req)
	lat := time.Since(start)
	r.turns++
	step := Step{Kind: StepModel, Latency: lat}
	if err == nil && len(resp.Choices) == 0 {
		err = errors.New("the model returned no choices")
	}
	if err != nil {
		step.Error = err.Error()
		if rerr := r.record(step); rerr != nil {
			return openai.ChatCompletionMessage{}, rerr
		}
		if r.interrupted() {
			return openai.ChatCompletionMessage{}, nil
		}
		r.stop(StopError, "the model call failed: %v", err)
		if errors.Is(err, llm.ErrNotConfigured) {
			return openai.ChatCompletionMessage{}, err
		}
		return openai.ChatCompletionMessage{}, nil
	}
	if r.out.Model == "" {
		r.out.Model = resp.Model
	}
	msg := resp.Choices[0].Message
	step.Content = msg.Content
	step.PromptTokens, step.CompletionTokens = resp.Usage.PromptTokens, resp.Usage.CompletionTokens
	if r.turns == 1 && step.PromptTokens > 0 {
		r.out.FirstPromptTokens = step.PromptTokens // what the endpoint counted, rather than the estimate
	}
	r.out.PromptTokens += step.PromptTokens
	r.out.CompletionTokens += step.CompletionTokens
	if err := r.record(step); err != nil {
		return msg, err
	}
	// Tool calls need ids to be answered; a server that omits them still gets a coherent transcript.
	for i := range msg.ToolCalls {
		if msg.ToolCalls[i].ID == "" {
			msg.ToolCalls[i].ID = fmt.Sprintf("call_%d_%d", r.turns, i)
		}
		if msg.ToolCalls[i].Type == "" {
			msg.ToolCalls[i].Type = openai.ToolTypeFunction
		}
	}
	r.messages = append(r.messages, openai.ChatCompletionMessage{
		Role: openai.ChatMessageRoleAssistant, Content: msg.Content, ToolCalls: msg.ToolCalls,
	})
	return msg, nil
}

// record appends a step and hands it to the recorder. The recorder gets a context that survives
// cancellation, so the step that ends a cancelled run is still kept.
func (r *run) record(s Step) error {
	s.Index = len(r.out.Steps)
	r.out.Steps = append(r.out.Steps, s)
	if r.rec == nil {
		return nil
	}
	if err := r.rec.Step(context.WithoutCancel(r.ctx), s); err != nil {
		r.stop(StopError, "recording step %d failed: %v", s.Index, err)
		return fmt.Errorf("agent: record step %d: %w", s.Index, err)
	}
	return nil
}

// canonicalCall identifies a call for loop detection: the name and the arguments re-encoded with
// sorted keys, so whitespace and key order do not hide a repeat.
func canonicalCall(name, args string) string {
	var v any
	if err := json.Unmarshal([]byte(args), &v); err == nil {
		if b, err := json.Marshal(v); err == nil {
			args = string(b)
		}
	}
	return name + "\x00" + strings.TrimSpace(args)
}

// argsJSON is the call's arguments for the trajectory: as sent when they are JSON, else as a
// JSON string holding the raw text.
func argsJSON(raw string) json.RawMessage {
	if json.Valid([]byte(raw)) {
		return json.RawMessage(raw)
	}
	b, _ := json.Marshal(raw)
	return b
}
