package server

import (
	"log/slog"
	"slices"

	"github.com/goldset/goldset/agent"
	"github.com/goldset/goldset/llm/llmconf"
	"github.com/goldset/goldset/loop"
	"github.com/goldset/goldset/pipelines/agentbatch"
	"github.com/goldset/goldset/pipelines/augment"
	"github.com/goldset/goldset/pipelines/evaluate"
	"github.com/goldset/goldset/pipelines/measure"
	"github.com/goldset/goldset/pipelines/optimize"
	"github.com/goldset/goldset/pipelines/runs"
	"github.com/goldset/goldset/pipelines/schemas"
	"github.com/goldset/goldset/store"
)

// Wire fills in c's components on the store, c's sandbox executor (Exec), the language models and
// the runner, each with exactly what it needs, and registers every run kind with the runner: the
// one wiring of the binary (cmd/goldset's App) and of the tests. The rest of c (the importer, the
// UI, the cookie policy) is the caller's.
func (c *Config) Wire(st *store.Store, m *llmconf.Models, r *runs.Runner, log *slog.Logger) {
	exec := c.Exec
	sc := schemas.New(st, exec)
	c.Models, c.Schemas, c.Runner = m, sc, r
	c.Metrics = measure.New(st, m, r, log)
	c.Agents = agentbatch.New(st, exec, m, sc, r, agent.Options{}, log)
	// A generating run that kept questions recomputes the project's metrics when it ends.
	c.Generators = augment.New(st, exec, m, sc, r, c.Metrics)
	c.Evaluator = evaluate.New(st, exec, m, sc, r, log)
	c.Optimizer = optimize.New(st, c.Evaluator, r)
	c.Loop = &loop.Loop{Store: st, Exec: exec}
	for _, k := range slices.Concat(c.Agents.Kinds(), c.Generators.Kinds(), c.Evaluator.Kinds(), c.Optimizer.Kinds(), c.Metrics.Kinds()) {
		r.Register(k)
	}
}
