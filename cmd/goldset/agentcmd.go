package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"time"

	"github.com/goldset/goldset/agent"
	"github.com/goldset/goldset/llm"
	"github.com/goldset/goldset/llm/llmconf"
	"github.com/goldset/goldset/pipelines/agentbatch"
	"github.com/goldset/goldset/store"
)

// models builds the language-model holder: GOLDSET_LLM_* from the environment, overlaid with what an
// admin saved; the key from the environment or the data dir's key file.
func models(ctx context.Context, cfg *config, st *store.Store, log *slog.Logger) (*llmconf.Models, error) {
	env, err := llm.SettingsFromEnv(os.Getenv)
	if err != nil {
		return nil, err
	}
	return llmconf.NewModels(ctx, st, env, filepath.Join(cfg.get("data-dir"), "llm-api-key"), log)
}

// agentSession is what a command that runs the agent, a pipeline, an evaluation or an optimization
// works with: the application and the project (and database, when named).
type agentSession struct {
	*App
	project  store.Project
	database store.Database
}

// openAgents resolves the configuration, opens the tools, wires the application and finds the
// project (required) and the database (dbName "" for none); the caller closes the session.
func openAgents(ctx context.Context, cfg *config, project, dbName string) (*agentSession, error) {
	if project == "" {
		return nil, fmt.Errorf("%w: --project is required", errUsage)
	}
	t, err := openCommandTools(ctx, cfg)
	if err != nil {
		return nil, err
	}
	s := &agentSession{}
	if s.App, err = newApp(ctx, cfg, t, t.db.log); err == nil {
		s.project, s.database, err = t.project(ctx, project, dbName)
	}
	if err != nil {
		t.db.Close(ctx)
		return nil, err
	}
	return s, nil
}

// openAgents opens the agent session in the project and database the flags name.
func (f projectFlags) openAgents(ctx context.Context, cfg *config) (*agentSession, error) {
	return openAgents(ctx, cfg, *f.project, *f.database)
}

func (s *agentSession) Close(ctx context.Context) { s.db.Close(ctx) }

const agentHelp = `Ask the SQL agent one question and print its trajectory and final SQL.

  goldset agent ask --project P --database D [--samples K] [--json] "QUESTION"
  goldset agent recall --project P [--database D]   (schema retrieval quality: 'agent recall --help')

The endpoint comes from the admin settings or from GOLDSET_LLM_BASE_URL, GOLDSET_LLM_API_KEY and
GOLDSET_LLM_MODEL (per purpose: GOLDSET_LLM_MODEL_AGENT, ...).`

func runAgent(ctx context.Context, args []string, out io.Writer) error {
	if len(args) > 0 && args[0] == "recall" {
		return runRecall(ctx, args[1:], out)
	}
	fs := newFlagSet("agent ask --project P --database D \"QUESTION\"", agentHelp)
	cfg := newConfig(fs, append(dbOptions, sqlOptions...)...)
	where := newProjectFlags(fs, "target database name")
	samples := fs.Int("samples", 1, "self-consistency samples (the share that agree is the confidence)")
	asJSON := fs.Bool("json", false, "print JSON")
	isQuestion := func(pos []string) bool { return len(pos) == 2 && pos[0] == "ask" }
	pos, err := parseArgsFitting(fs, args, isQuestion, "say 'agent ask \"QUESTION\"'")
	if err != nil {
		return err
	}
	if err := where.needBoth(); err != nil {
		return err
	}
	s, err := where.openAgents(ctx, cfg)
	if err != nil {
		return err
	}
	defer s.Close(ctx)
	t, p, d := s.tools, s.project, s.database
	run, err := s.Agents.Ask(ctx, store.System, p.ID, d.ID, pos[1], *samples)
	if err != nil {
		return err
	}
	// Follow the run as it is recorded, then print it.
	for {
		r, err := t.db.store.AgentRunWithSteps(ctx, p.ID, run.ID)
		if err != nil {
			return err
		}
		if r.FinishedAt != nil {
			run = r
			break
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(100 * time.Millisecond):
		}
	}
	if *asJSON {
		type step struct {
			Tool   string          `json:"tool,omitempty"`
			Args   json.RawMessage `json:"args,omitempty"`
			Result string          `json:"result,omitempty"`
			Text   string          `json:"text,omitempty"`
		}
		steps := []step{}
		for _, s := range run.Steps {
			steps = append(steps, step{Tool: s.Tool, Args: s.Args, Result: s.Result, Text: s.Content})
		}
		return printJSON(out, map[string]any{"run_id": run.ID, "sql": run.SQL, "explanation": run.Explanation, "stop_reason": run.Status,
			"stop_detail": run.StopDetail, "warnings": run.Warnings, "confidence": run.Confidence, "steps": steps,
			"tokens": run.PromptTokens + run.CompletionTokens})
	}
	for _, s := range run.Steps {
		switch {
		case s.Kind == string(agent.StepModel) && s.Content != "":
			fmt.Fprintf(out, "[%d] thought: %s\n", s.Index, s.Content)
		case s.Tool != "":
			fmt.Fprintf(out, "[%d] %s %s\n    → %s\n", s.Index, s.Tool, s.Args, indent(s.Result))
		}
	}
	fmt.Fprintf(out, "\nstop: %s %s\nSQL: %s\n%s\ntokens: %d\n", run.Status, run.StopDetail, run.SQL, run.Explanation, run.PromptTokens+run.CompletionTokens)
	if run.Status != agent.StopAnswered {
		return fmt.Errorf("the agent did not answer (%s)", run.Status)
	}
	return nil
}

func indent(s string) string {
	if len(s) > 600 {
		s = s[:600] + "…"
	}
	out := ""
	for i, r := range s {
		if r == '\n' && i < len(s)-1 {
			out += "\n      "
			continue
		}
		out += string(r)
	}
	return out
}

const runHelp = `Run a batch and follow its progress.

  goldset run agent --project P [--database D] [--stage S] [--status new|needs_review] [--limit N]
                    [--concurrency 16] [--samples 1] [--detach] [--json]
  goldset run augment|generate|describe-tables --project P ...   (see 'goldset run augment --help')

The run is recorded like a run started in the UI, and its items are River jobs: this command works on
them until the run has finished, and so does every 'goldset serve' and 'goldset worker' on the same
database. Stopped (Ctrl-C, or killed), it leaves the rest to them; with --detach it only queues the
run and prints it.`

func runBatch(ctx context.Context, args []string, out io.Writer) error {
	if len(args) > 0 && (args[0] == "augment" || args[0] == "generate" || args[0] == "describe-tables") {
		return runGeneration(ctx, args[0], args[1:], out)
	}
	fs := newFlagSet("run agent --project P [options]", runHelp)
	cfg := newConfig(fs, runOptions...)
	where := newProjectFlags(fs, "only questions about this database")
	stage := fs.String("stage", "", "only questions of this stage (e.g. human-seed)")
	status := fs.String("status", "", "only questions with this status")
	limit := fs.Int("limit", 0, "at most this many questions (0: all)")
	conc := fs.Int("concurrency", 16, "agents at once (across every worker)")
	samples := fs.Int("samples", 1, "self-consistency samples per question")
	detach := fs.Bool("detach", false, "queue the run and exit: 'goldset serve' and 'goldset worker' processes do it")
	asJSON := fs.Bool("json", false, "print the final run as JSON")
	if _, err := parseArgsFitting(fs, args, oneWordOf(agentbatch.Kind), "say 'run agent', 'run augment', 'run generate' or 'run describe-tables'"); err != nil {
		return err
	}
	s, err := where.openAgents(ctx, cfg)
	if err != nil {
		return err
	}
	defer s.Close(ctx)
	app, st, p, d := s.App, s.db.store, s.project, s.database
	params := agentbatch.Params{DatabaseID: d.ID, Stage: *stage, Status: *status, Limit: *limit, Concurrency: *conc, Samples: *samples}
	run, err := app.Agents.StartBatch(ctx, store.System, p.ID, params)
	if err != nil {
		return err
	}
	if *detach {
		return printQueued(out, *asJSON, run, fmt.Sprintf("Run %d queued: %d questions.", run.ID, run.Total))
	}
	fmt.Fprintf(os.Stderr, "run %d: %d questions\n", run.ID, run.Total)
	err = followRun(ctx, app.Runner, st, &run, func(run store.PipelineRun) {
		fmt.Fprintf(os.Stderr, "\r%d/%d done, %d answered, %d failed, %d tokens   ", run.Done, run.Total, run.Succeeded, run.Failed,
			run.PromptTokens+run.CompletionTokens)
	})
	if err != nil {
		return err
	}
	acc, err := app.Agents.Accuracy(ctx, run)
	if err != nil {
		return err
	}
	schema, err := app.Agents.Retrieval(ctx, run)
	if err != nil {
		return err
	}
	if *asJSON {
		return printJSON(out, map[string]any{"run": run, "accuracy": acc, "retrieval": schema})
	}
	fmt.Fprintf(out, "Run %d %s: %d of %d questions answered, %d failed; %d tokens, $%.4f.\n", run.ID, run.Status, run.Succeeded, run.Total,
		run.Failed, run.PromptTokens+run.CompletionTokens, run.CostUSD)
	if acc.Evaluated > 0 {
		fmt.Fprintf(out, "Execution accuracy against verified gold SQL: %d of %d (%.1f%%).\n", acc.Matched, acc.Evaluated, 100*acc.Accuracy)
	}
	if schema.Questions > 0 {
		fmt.Fprintf(out, "Schema recall: the prompt held every table the question needs for %d of %d (%.1f%%); %.1f tables and %d prompt tokens (median) a question.\n",
			schema.Complete, schema.Questions, 100*schema.Recall, schema.TablesMean, schema.TokensMedian)
	}
	return nil
}

func runLLM(ctx context.Context, args []string, out io.Writer) error {
	fs := newFlagSet("llm test [--json]", "Test the configured language-model endpoint: chat, tool calls and embeddings.")
	cfg := newConfig(fs, dbOptions...)
	asJSON := fs.Bool("json", false, "print JSON")
	if _, err := parseArgsFitting(fs, args, oneWordOf("test"), "say 'llm test'"); err != nil {
		return err
	}
	db, err := openCommandDatabase(ctx, cfg, true)
	if err != nil {
		return err
	}
	defer db.Close(ctx)
	m, err := models(ctx, cfg, db.store, db.log)
	if err != nil {
		return err
	}
	if !m.Client().Configured() {
		return llm.ErrNotConfigured
	}
	rep := m.Client().Test(ctx)
	if *asJSON {
		return printJSON(out, rep)
	}
	b, _ := json.MarshalIndent(rep, "", "  ")
	fmt.Fprintln(out, string(b))
	return nil
}
