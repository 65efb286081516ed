package pipelines

import (
	"log/slog"
	"slices"

	"github.com/goldset/goldset/agent"
	"github.com/goldset/goldset/llm/llmconf"
	"github.com/goldset/goldset/pipelines/pipelinetest"
	"github.com/goldset/goldset/pipelines/runs"
	"github.com/goldset/goldset/pipelines/schemas"
)

// wired is what cmd/goldset's App builds from these packages, on a fixture.
type wired struct {
	agents *Agents
	gen    *Generators
	eval   *Evaluator
	runner *runs.Runner
}

func wire(f *pipelinetest.Fixture, models *llmconf.Models, opts agent.Options, log *slog.Logger) wired {
	r := runs.NewRunner(f.St, log)
	sc := schemas.New(f.St, f.Exec)
	w := wired{runner: r,
		agents: NewAgents(f.St, f.Exec, models, sc, r, opts, log),
		gen:    NewGenerators(f.St, f.Exec, models, sc, r, nil),
		eval:   NewEvaluator(f.St, f.Exec, models, sc, r, log)}
	for _, k := range slices.Concat(w.agents.Kinds(), w.gen.Kinds(), w.eval.Kinds()) {
		r.Register(k)
	}
	return w
}
