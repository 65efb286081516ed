package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"slices"
	"strconv"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/goldset/goldset/pipelines/evaluate"
	"github.com/goldset/goldset/pipelines/optimize"
	"github.com/goldset/goldset/pipelines/prompts"
	"github.com/goldset/goldset/pipelines/runs"
	"github.com/goldset/goldset/store"
)

const evalHelp = `Evaluate a model on a snapshot split by execution match, and follow it.

  goldset eval --project P --snapshot ID [--split test] [--model M] [--base-url U] [--prompt-file F]
               [--judge] [--judge-model M] [--limit N] [--concurrency 8]
               [--max-calls N] [--max-tokens N] [--max-cost USD] [--detach] [--json]
  goldset eval resume --project P --run ID [--retry-failed] [--json]

Each pair's question is put in the prompt template (default: the project's current version, see
'goldset prompts'), the SQL is taken from the model's reply, run in the sandbox and compared with the
gold SQL's result. The model is --model on the configured endpoint, or on its own OpenAI-compatible
endpoint with --base-url (its key from GOLDSET_TARGET_API_KEY). --judge also asks a second model
whether each result answers the question; its accuracy is reported apart, never mixed in.

The table gives accuracy overall, by hardness and by database; --json prints the report (run, params,
summary). A run that stops early (a budget reached) prints what it scored and exits non-zero.`

const optimizeHelp = `Optimize the text-to-SQL prompt on a snapshot, and follow it.

  goldset optimize --project P --snapshot ID --method opro|apo [--prompt-file F] [--model M]
                   [--iterations 5] [--candidates 2] [--temperature 0.7]                 (opro)
                   [--beam-width 4] [--branch-factor 4] [--rounds 3] [--gradient-batch 4]
                   [--validation-batch 16]                                                (apo)
                   [--val-limit N] [--test-limit N] [--concurrency 8]
                   [--max-calls N] [--max-tokens N] [--max-cost USD] [--adopt] [--detach] [--json]
  goldset optimize resume --project P --run ID [--retry-failed] [--adopt] [--json]

Prompts are scored on the snapshot's val split; the last step scores the baseline and the best prompt
on test and compares them (McNemar's exact test, 95% interval of the difference). The best validation
score is printed after each step; at the end, the test report, the best prompt and its diff from the
baseline. --adopt saves the best prompt as a new version of the project's template. A killed run is
taken up again, where it was, by 'goldset optimize resume'.`

const promptsHelp = `List, show or save versions of the project's text-to-SQL prompt template.

  goldset prompts --project P [--json]                       the versions, newest first
  goldset prompts --project P --show VERSION [--json]         one version (0: the built-in template)
  goldset prompts --project P --save FILE [--note TEXT]       save FILE as a new version

A template contains {dialect}, {schema} and {query_str}. The newest version is what evaluations and
optimizations start from, and what the agent is given as the project's instructions.`

// runFlags are the options eval and optimize share: the project and snapshot, the model and its
// prompt, the run's concurrency and spending caps, resuming, detaching and JSON.
type runFlags struct {
	project, model, baseURL, promptFile *string
	snapshot, runID                     *int64
	conc, calls                         *int
	tokens                              *int64
	cost                                *float64
	retry, detach, asJSON               *bool
}

// newRunFlags defines them; what names the run ("evaluation", "optimization"), snapshotHelp and
// modelHelp say what those two are for in this command.
func newRunFlags(fs *flag.FlagSet, what, snapshotHelp, modelHelp, promptHelp, concHelp string) *runFlags {
	return &runFlags{
		project:    fs.String("project", "", "project name or number"),
		snapshot:   fs.Int64("snapshot", 0, snapshotHelp),
		model:      fs.String("model", "", modelHelp+" (default the configured target model)"),
		baseURL:    fs.String("base-url", "", "that model's own OpenAI-compatible endpoint (key from "+evaluate.EnvTargetAPIKey+")"),
		promptFile: fs.String("prompt-file", "", promptHelp+" (default the project's current version)"),
		conc:       fs.Int("concurrency", 0, concHelp+" (default 8)"),
		calls:      fs.Int("max-calls", 0, "stop after this many model calls (0: no cap)"),
		tokens:     fs.Int64("max-tokens", 0, "stop after this many tokens (0: no cap)"),
		cost:       fs.Float64("max-cost", 0, "stop after this many US dollars (0: no cap)"),
		runID:      fs.Int64("run", 0, "resume: the "+what+"'s run id"),
		retry:      fs.Bool("retry-failed", false, "resume: work on the failed items again"),
		detach:     fs.Bool("detach", false, "queue the run and exit: 'goldset serve' and 'goldset worker' processes do it"),
		asJSON:     fs.Bool("json", false, "print the report as JSON"),
	}
}

// cutResume tells 'eval resume' and 'optimize resume' from a new run: it reports whether args start
// with "resume", and returns the args after it.
func cutResume(args []string) (bool, []string) {
	if len(args) > 0 && args[0] == "resume" {
		return true, args[1:]
	}
	return false, args
}

// check says what is missing; resume needs --run, a new run --snapshot.
func (f *runFlags) check(resume bool) error {
	switch {
	case *f.project == "":
		return fmt.Errorf("%w: --project is required", errUsage)
	case resume && *f.runID <= 0:
		return fmt.Errorf("%w: --run is required", errUsage)
	case !resume && *f.snapshot <= 0:
		return fmt.Errorf("%w: --snapshot is required", errUsage)
	}
	return nil
}

// start opens the database and the agents, then resumes the run of kind (--run) or starts one with
// begin (given the project and the prompt file's template, "" for the project's). With --detach it
// prints the queued run (what, e.g. "Evaluation", and its items' noun) and returns a nil session.
func (f *runFlags) start(ctx context.Context, cfg *config, out io.Writer, resume bool, kind, what, items string,
	begin func(app *App, projectID int64, prompt string) (store.PipelineRun, error)) (*agentSession, store.PipelineRun, error) {
	var run store.PipelineRun
	prompt, err := readPrompt(*f.promptFile)
	if err != nil {
		return nil, run, err
	}
	s, err := openAgents(ctx, cfg, *f.project, "")
	if err != nil {
		return nil, run, err
	}
	if resume {
		run, err = resumeRun(ctx, s.db.store, s.project.ID, *f.runID, kind, *f.retry)
	} else {
		run, err = begin(s.App, s.project.ID, prompt)
	}
	if err == nil && *f.detach {
		err = printQueued(out, *f.asJSON, run, fmt.Sprintf("%s %d queued: %d %s.", what, run.ID, run.Total, items))
		s.Close(ctx)
		return nil, run, err
	}
	if err != nil {
		s.Close(ctx)
		return nil, run, usageOnInvalid(err)
	}
	return s, run, nil
}

func (f *runFlags) budget() evaluate.Budget {
	return evaluate.Budget{MaxCalls: *f.calls, MaxTokens: *f.tokens, MaxCostUSD: *f.cost}
}

func (f *runFlags) target() evaluate.Target {
	return evaluate.Target{Model: *f.model, BaseURL: *f.baseURL}
}

// readPrompt reads a template file ("" when no file is named).
func readPrompt(file string) (string, error) {
	if file == "" {
		return "", nil
	}
	b, err := os.ReadFile(file)
	if err != nil {
		return "", fmt.Errorf("%w: --prompt-file: %v", errUsage, err)
	}
	return string(b), nil
}

// usageOnInvalid makes a parameter the pipeline rejects a usage error, so it exits 2 like a bad flag.
func usageOnInvalid(err error) error {
	var verr *store.ValidationError
	if errors.As(err, &verr) {
		return fmt.Errorf("%w: %v", errUsage, err)
	}
	return err
}

func runEval(ctx context.Context, args []string, out io.Writer) error {
	resume, args := cutResume(args)
	fs := newFlagSet("eval --project P --snapshot ID [options]", evalHelp)
	cfg := newConfig(fs, runOptions...)
	f := newRunFlags(fs, "evaluation", "snapshot id", "the model to evaluate", "a prompt template file", "pairs at once, across every worker")
	split := fs.String("split", "test", "train, val, test or all")
	judge := fs.Bool("judge", false, "also ask an LLM judge whether each result answers the question")
	judgeModel := fs.String("judge-model", "", "the judge's model (default the configured judge model)")
	limit := fs.Int("limit", 0, "at most this many pairs (0: all of the split)")
	if err := parseOptions(fs, args, "no positional arguments (or 'eval resume')"); err != nil {
		return err
	}
	if err := f.check(resume); err != nil {
		return err
	}
	s, run, err := f.start(ctx, cfg, out, resume, evaluate.Kind, "Evaluation", "pairs",
		func(app *App, projectID int64, prompt string) (store.PipelineRun, error) {
			return app.Evaluator.StartEvaluation(ctx, store.System, projectID, evaluate.Params{SnapshotID: *f.snapshot, Split: *split,
				Target: f.target(), Prompt: prompt, Judge: *judge, JudgeModel: *judgeModel, Limit: *limit, Concurrency: *f.conc, Budget: f.budget()})
		})
	if s == nil {
		return err
	}
	defer s.Close(ctx)
	ev, runner, p := s.Evaluator, s.Runner, s.project
	fmt.Fprintf(os.Stderr, "evaluation %d: %d pairs\n", run.ID, run.Total)
	err = follow(ctx, runner, run, func(ctx context.Context) {
		if rep, err := ev.Evaluation(ctx, p.ID, run.ID); err == nil {
			s := rep.Summary
			fmt.Fprintf(os.Stderr, "\r%d/%d done, %d correct (%.1f%%), %d errors, %d calls, %d tokens   ", rep.Run.Done, rep.Run.Total,
				s.Correct, 100*s.Accuracy, s.Errors, s.Calls, s.PromptTokens+s.CompletionTokens)
		}
	})
	if err != nil {
		return err
	}
	rep, err := ev.Evaluation(ctx, p.ID, run.ID)
	if err != nil {
		return err
	}
	if *f.asJSON {
		if err := printJSON(out, rep); err != nil {
			return err
		}
	} else if err := printEvalReport(out, rep); err != nil {
		return err
	}
	return runOutcome("evaluation", rep.Run)
}

// resumeRun takes up a finished run of the given kind again.
func resumeRun(ctx context.Context, st *store.Store, projectID, runID int64, kind string, retryFailed bool) (store.PipelineRun, error) {
	run, err := st.PipelineRun(ctx, projectID, runID)
	if err != nil {
		return run, err
	}
	if run.Kind != kind {
		return run, fmt.Errorf("%w: run %d is a %s run, not %s", errUsage, runID, run.Kind, kind)
	}
	return st.ResumeRun(ctx, store.System, projectID, runID, retryFailed)
}

// follow works on the run until it has finished, calling progress every second and at the end.
func follow(ctx context.Context, runner *runs.Runner, run store.PipelineRun, progress func(context.Context)) error {
	done := make(chan error, 1)
	go func() { done <- runner.Execute(ctx, run) }()
	tick := time.NewTicker(time.Second)
	defer tick.Stop()
	for finished := false; !finished; {
		select {
		case err := <-done:
			if err != nil {
				return err
			}
			finished = true
		case <-tick.C:
		}
		progress(context.WithoutCancel(ctx))
	}
	fmt.Fprintln(os.Stderr)
	return nil
}

// printQueued says that run was queued (--detach): the run as JSON, or line.
func printQueued(out io.Writer, asJSON bool, run store.PipelineRun, line string) error {
	if asJSON {
		return printJSON(out, map[string]any{"run": run})
	}
	fmt.Fprintln(out, line)
	return nil
}

// followRun follows the run like follow, reading it again into *run every second and printing
// progress with each run read. A read that fails leaves in *run what PipelineRun returned.
func followRun(ctx context.Context, runner *runs.Runner, st *store.Store, run *store.PipelineRun, progress func(store.PipelineRun)) error {
	return follow(ctx, runner, *run, func(ctx context.Context) {
		// A failed read keeps the run as last read; the next tick reads it again.
		if r, err := st.PipelineRun(ctx, run.ProjectID, run.ID); err == nil {
			*run = r
			progress(r)
		}
	})
}

// runOutcome is the command's error when the run did not succeed (its report is printed already).
func runOutcome(what string, run store.PipelineRun) error {
	if run.Status == store.RunSucceeded {
		return nil
	}
	if run.Error != "" {
		return fmt.Errorf("%s %d %s: %s", what, run.ID, run.Status, run.Error)
	}
	return fmt.Errorf("%s %d %s", what, run.ID, run.Status)
}

// printEvalReport prints an evaluation's accuracy overall, by hardness and by database; the LLM
// judge's on a line of its own.
func printEvalReport(out io.Writer, rep evaluate.Report) error {
	s, pr := rep.Summary, rep.Params
	model := pr.Model
	if model == "" {
		model = "the configured target model"
	}
	if pr.BaseURL != "" {
		model += " at " + pr.BaseURL
	}
	version := "given in a file"
	if pr.PromptVersion >= 0 {
		version = "version " + strconv.Itoa(pr.PromptVersion)
	}
	fmt.Fprintf(out, "Evaluation %d %s: %d of %d pairs scored on snapshot %d (%s split); model %s, prompt %s.\n\n", rep.Run.ID,
		rep.Run.Status, s.Scored, s.Total, pr.SnapshotID, pr.Split, model, version)
	w := tabwriter.NewWriter(out, 0, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(w, "execution accuracy\tcorrect\tscored\taccuracy\ttest-suite\t")
	row := func(label string, b store.EvalBucket) {
		suite := "–"
		if b.SuiteN > 0 {
			suite = fmt.Sprintf("%.1f%%", 100*b.SuiteAccuracy)
		}
		fmt.Fprintf(w, "%s\t%d\t%d\t%.1f%%\t%s\t\n", label, b.Correct, b.N, 100*b.Accuracy, suite)
	}
	all := s.Suite
	all.N, all.Correct, all.Accuracy = s.Scored, s.Correct, s.Accuracy
	row("overall", all)
	levels := sortedKeys(s.ByHardness)
	slices.SortStableFunc(levels, func(a, b string) int { return hardnessRank(a) - hardnessRank(b) })
	for _, h := range levels {
		row("hardness "+h, *s.ByHardness[h])
	}
	for _, d := range sortedKeys(s.ByDatabase) {
		row("database "+d, *s.ByDatabase[d])
	}
	if err := w.Flush(); err != nil {
		return err
	}
	fmt.Fprintf(out, "\n%d of the wrong answers are errors (SQL that failed, or no SQL).\n", s.Errors)
	fmt.Fprintln(out, "Test-suite accuracy counts an answer correct only when it also matches the gold on the database's neighbours (the same tables with other rows).")
	if s.Judge != nil {
		fmt.Fprintf(out, "LLM judge (its own verdict, not execution match): %d of %d judged correct (%.1f%%).\n", s.Judge.Correct, s.Judge.N,
			100*s.Judge.Accuracy)
	}
	fmt.Fprintf(out, "%d model calls, %d tokens (%d prompt, %d completion), $%.4f.\n", s.Calls, s.PromptTokens+s.CompletionTokens,
		s.PromptTokens, s.CompletionTokens, s.CostUSD)
	if rep.Run.Error != "" {
		fmt.Fprintf(out, "Error: %s\n", rep.Run.Error)
	}
	return nil
}

func runOptimize(ctx context.Context, args []string, out io.Writer) error {
	resume, args := cutResume(args)
	fs := newFlagSet("optimize --project P --snapshot ID --method opro|apo [options]", optimizeHelp)
	cfg := newConfig(fs, runOptions...)
	f := newRunFlags(fs, "optimization", "snapshot id (it needs val and test pairs; apo also train)", "the model the prompt is for",
		"the baseline template file", "model calls at once while scoring")
	method := fs.String("method", "", "opro or apo")
	iterations := fs.Int("iterations", 0, "opro: iterations (default 5)")
	candidates := fs.Int("candidates", 0, "opro: proposals per iteration (default 2)")
	temperature := fs.Float64("temperature", 0, "opro: the optimizer's temperature; apo: the editor's (default 0.7)")
	beam := fs.Int("beam-width", 0, "apo: prompts kept per round (default 4)")
	branch := fs.Int("branch-factor", 0, "apo: rewrites per kept prompt (default 4)")
	rounds := fs.Int("rounds", 0, "apo: rounds (default 3)")
	gradient := fs.Int("gradient-batch", 0, "apo: failing items the critic sees (default 4)")
	validation := fs.Int("validation-batch", 0, "apo: validation items per round (default 16)")
	valLimit := fs.Int("val-limit", 0, "at most this many val pairs (0: all)")
	testLimit := fs.Int("test-limit", 0, "at most this many test pairs (0: all)")
	adopt := fs.Bool("adopt", false, "save the best prompt as a new version of the project's template")
	if err := parseOptions(fs, args, "no positional arguments (or 'optimize resume')"); err != nil {
		return err
	}
	if err := f.check(resume); err != nil {
		return err
	}
	switch {
	case !resume && *method != optimize.MethodOPRO && *method != optimize.MethodAPO:
		return fmt.Errorf("%w: --method must be opro or apo", errUsage)
	case *f.detach && *adopt:
		return fmt.Errorf("%w: --adopt needs the run's end: drop --detach", errUsage)
	}
	s, run, err := f.start(ctx, cfg, out, resume, optimize.Kind, "Optimization", "steps",
		func(app *App, projectID int64, prompt string) (store.PipelineRun, error) {
			return app.Optimizer.StartOptimization(ctx, store.System, projectID, optimize.Params{Method: *method, SnapshotID: *f.snapshot,
				Prompt: prompt, Target: f.target(), Concurrency: *f.conc, Budget: f.budget(), ValLimit: *valLimit, TestLimit: *testLimit,
				OPRO: optimize.OPROParams{Iterations: *iterations, Candidates: *candidates, Temperature: *temperature},
				APO: optimize.APOParams{BeamWidth: *beam, BranchFactor: *branch, Rounds: *rounds, GradientBatch: *gradient,
					ValidationBatch: *validation, Temperature: *temperature}})
		})
	if s == nil {
		return err
	}
	defer s.Close(ctx)
	t, opt, runner, p := s.tools, s.Optimizer, s.Runner, s.project
	fmt.Fprintf(os.Stderr, "optimization %d: %d steps (baseline, search, test)\n", run.ID, run.Total)
	printed := map[string]bool{}
	err = follow(ctx, runner, run, func(ctx context.Context) {
		rep, err := opt.Optimization(ctx, p.ID, run.ID)
		if err != nil {
			return
		}
		for _, s := range rep.Steps {
			if s.Status == "pending" || printed[s.Key] {
				continue
			}
			printed[s.Key] = true
			fmt.Fprintf(os.Stderr, "step %d (%s) %s: %d candidates; best validation %s\n", s.Step, s.Key, s.Status, s.Candidates,
				score(s.BestScore, s.BestCandidateID))
		}
	})
	if err != nil {
		return err
	}
	rep, err := opt.Optimization(ctx, p.ID, run.ID)
	if err != nil {
		return err
	}
	spend, err := t.db.store.RunSpend(ctx, optimize.Kind, run.ID)
	if err != nil {
		return err
	}
	var adopted *store.PromptTemplate
	outcome := runOutcome("optimization", rep.Run)
	if *adopt && outcome == nil {
		pt, err := opt.Adopt(ctx, store.System, p.ID, run.ID, 0)
		if err != nil {
			return fmt.Errorf("adopt: %w", err)
		}
		adopted = &pt
	}
	if *f.asJSON {
		err = printJSON(out, struct {
			optimize.Report
			Spend   store.RunSpend        `json:"spend"`
			Adopted *store.PromptTemplate `json:"adopted,omitempty"`
		}{rep, spend, adopted})
	} else {
		printOptReport(out, rep, spend)
		if adopted != nil {
			fmt.Fprintf(out, "\nAdopted as prompt version %d (%s).\n", adopted.Version, adopted.Note)
		}
	}
	if err != nil {
		return err
	}
	if *adopt && outcome != nil {
		fmt.Fprintln(os.Stderr, "not adopted: the run did not succeed")
	}
	return outcome
}

// score is "62.5% (candidate 12)", or "–" before any prompt was scored.
func score(s *float64, candidate *int64) string {
	if s == nil {
		return "–"
	}
	if candidate == nil {
		return fmt.Sprintf("%.1f%%", 100**s)
	}
	return fmt.Sprintf("%.1f%% (candidate %d)", 100**s, *candidate)
}

// printOptReport prints the steps, the test comparison, the best prompt and its diff from the baseline.
func printOptReport(out io.Writer, rep optimize.Report, spend store.RunSpend) {
	r := rep.Run
	fmt.Fprintf(out, "Optimization %d (%s) %s: %d candidates over %d steps; %d model calls, %d tokens, $%.4f.\n\n", r.ID, rep.Params.Method,
		r.Status, len(rep.Candidates), len(rep.Steps), spend.Calls, spend.Tokens, spend.Cost)
	w := tabwriter.NewWriter(out, 0, 0, 2, ' ', 0)
	fmt.Fprintln(w, "step\tkey\tstatus\tcandidates\tbest validation")
	for _, s := range rep.Steps {
		fmt.Fprintf(w, "%d\t%s\t%s\t%d\t%s\n", s.Step, s.Key, s.Status, s.Candidates, score(s.BestScore, s.BestCandidateID))
	}
	w.Flush()
	if t := rep.Test; t != nil {
		verdict := "not significant at 0.05"
		if t.McNemarP < 0.05 {
			verdict = "significant at 0.05"
		}
		fmt.Fprintf(out, "\nTest split, %d pairs: baseline %d correct (%.1f%%), best %d correct (%.1f%%).\n", t.N, t.BaselineCorrect,
			100*t.BaselineAccuracy, t.BestCorrect, 100*t.BestAccuracy)
		fmt.Fprintf(out, "Both correct %d, only baseline %d, only best %d, both wrong %d.\n", t.BothCorrect, t.OnlyBaseline, t.OnlyBest, t.BothWrong)
		fmt.Fprintf(out, "Difference %+.1f points, 95%% CI [%+.1f, %+.1f]; McNemar exact p = %.4f: %s.\n", 100*t.Difference, 100*t.CILow,
			100*t.CIHigh, t.McNemarP, verdict)
	}
	if b := rep.Best; b != nil {
		which := fmt.Sprintf("candidate %d, %s, step %d", b.ID, b.Origin, b.Step)
		if b.Origin == "baseline" {
			which += ": no proposal beat the baseline"
		}
		fmt.Fprintf(out, "\nBest prompt (%s; validation %s):\n%s\n", which, score(b.ValScore, nil), strings.TrimRight(b.Prompt, "\n"))
		fmt.Fprintf(out, "\nDiff from the baseline:\n")
		for _, h := range rep.Diff {
			mark := "  "
			switch h.Op {
			case "insert":
				mark = "+ "
			case "delete":
				mark = "- "
			}
			for _, l := range h.Lines {
				fmt.Fprintln(out, strings.TrimRight(mark+l, " "))
			}
		}
	}
	if r.Error != "" {
		fmt.Fprintf(out, "Error: %s\n", r.Error)
	}
}

func runPrompts(ctx context.Context, args []string, out io.Writer) error {
	fs := newFlagSet("prompts --project P [--show VERSION] [--save FILE --note TEXT] [--json]", promptsHelp)
	cfg := newConfig(fs, dbOptions...)
	project := fs.String("project", "", "project name or number")
	show := fs.Int("show", -1, "print this version (0: the built-in template)")
	save := fs.String("save", "", "save this file as a new version")
	note := fs.String("note", "", "save: what changed")
	asJSON := fs.Bool("json", false, "print JSON")
	if err := parseOptions(fs, args, "no positional arguments"); err != nil {
		return err
	}
	switch {
	case *project == "":
		return fmt.Errorf("%w: --project is required", errUsage)
	case *show >= 0 && *save != "":
		return fmt.Errorf("%w: --show and --save do not go together", errUsage)
	case *note != "" && *save == "":
		return fmt.Errorf("%w: --note goes with --save", errUsage)
	}
	var body []byte
	if *save != "" {
		var err error
		if body, err = os.ReadFile(*save); err != nil {
			return fmt.Errorf("%w: --save: %v", errUsage, err)
		}
	}
	db, p, err := openProject(ctx, cfg, *project)
	if err != nil {
		return err
	}
	defer db.Close(ctx)
	// Prompt versions need neither the sandbox nor a model.
	if *save != "" {
		pt, err := evaluate.SavePrompt(ctx, db.store, store.System, p.ID, string(body), *note)
		var verr *store.ValidationError
		if errors.As(err, &verr) {
			return fmt.Errorf("%w: %s: %v", errUsage, *save, err)
		}
		if err != nil {
			return err
		}
		return printOutcome(out, *asJSON, map[string]any{"prompt": pt}, "Saved prompt version %d.\n", pt.Version)
	}
	cur, err := evaluate.CurrentPrompt(ctx, db.store, p.ID)
	if err != nil {
		return err
	}
	versions, err := db.store.PromptTemplates(ctx, p.ID)
	if err != nil {
		return err
	}
	if *show >= 0 {
		var pt *store.PromptTemplate
		if *show == 0 {
			builtin := store.PromptTemplate{ProjectID: p.ID, Body: prompts.BuiltinTemplate, Source: "builtin", Note: "LlamaIndex's Text-to-SQL prompt, built in"}
			pt = &builtin
		}
		for i := range versions {
			if versions[i].Version == *show {
				pt = &versions[i]
			}
		}
		if pt == nil {
			return fmt.Errorf("project %s has no prompt version %d: %w", p.Name, *show, store.ErrNotFound)
		}
		if *asJSON {
			return printJSON(out, map[string]any{"prompt": pt})
		}
		fmt.Fprintf(out, "Prompt version %d (%s%s)%s:\n\n%s\n", pt.Version, pt.Source, created(pt.CreatedAt), noteOf(pt.Note),
			strings.TrimRight(pt.Body, "\n"))
		return nil
	}
	if *asJSON {
		return printJSON(out, map[string]any{"current": cur, "versions": versions})
	}
	if len(versions) == 0 {
		fmt.Fprintf(out, "No saved versions: the built-in template (version 0) is in force. 'goldset prompts --show 0' prints it.\n")
		return nil
	}
	w := tabwriter.NewWriter(out, 0, 0, 2, ' ', 0)
	fmt.Fprintln(w, "version\tsource\tcreated\tnote")
	for _, v := range versions {
		when := ""
		if v.CreatedAt != nil {
			when = v.CreatedAt.Local().Format("2006-01-02 15:04")
		}
		fmt.Fprintf(w, "%d\t%s\t%s\t%s\n", v.Version, v.Source, when, oneLine(v.Note))
	}
	if err := w.Flush(); err != nil {
		return err
	}
	fmt.Fprintf(out, "Version %d is in force.\n", cur.Version)
	return nil
}

func created(t *time.Time) string {
	if t == nil {
		return ""
	}
	return ", " + t.Local().Format("2006-01-02 15:04")
}

func noteOf(note string) string {
	if note == "" {
		return ""
	}
	return ": " + note
}
