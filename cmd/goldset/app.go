package main

import (
	"context"
	"log/slog"
	"slices"
	"strconv"

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
	"github.com/goldset/goldset/server"
)

// App is the application wired once, for every command that runs pipelines or serves: each
// component is built here with exactly what it needs, and every run kind is registered with the
// runner here.
type App struct {
	*tools // the database, the sandbox executor and the importer

	Models     *llmconf.Models
	Runner     *runs.Runner
	Schemas    *schemas.Cache
	Agents     *agentbatch.Agents
	Generators *augment.Generators
	Evaluator  *evaluate.Evaluator
	Optimizer  *optimize.Optimizer
	Metrics    *measure.Metrics
	Loop       *loop.Loop
}

// newApp wires the application on open tools.
func newApp(ctx context.Context, cfg *config, t *tools, log *slog.Logger) (*App, error) {
	st := t.db.store
	m, err := models(ctx, cfg, st, log)
	if err != nil {
		return nil, err
	}
	r := runs.NewRunner(st, log)
	r.Version = version
	if n, ok := cfg.values["workers"]; ok {
		r.Workers, _ = strconv.Atoi(*n) // validated when the configuration was resolved
	}
	sc := schemas.New(st, t.exec)
	a := &App{tools: t, Models: m, Runner: r, Schemas: sc}
	a.Metrics = measure.New(st, m, r, log)
	a.Agents = agentbatch.New(st, t.exec, m, sc, r, agent.Options{}, log)
	// A generating run that kept questions recomputes the project's metrics when it ends.
	a.Generators = augment.New(st, t.exec, m, sc, r, a.Metrics)
	a.Evaluator = evaluate.New(st, t.exec, m, sc, r, log)
	a.Optimizer = optimize.New(st, a.Evaluator, r)
	a.Loop = &loop.Loop{Store: st, Exec: t.exec}

	// Every run kind the runner processes.
	for _, k := range slices.Concat(a.Agents.Kinds(), a.Generators.Kinds(), a.Evaluator.Kinds(), a.Optimizer.Kinds(), a.Metrics.Kinds()) {
		r.Register(k)
	}
	return a, nil
}

// serverConfig gives the server the components it uses.
func (a *App) serverConfig() server.Config {
	return server.Config{Exec: a.exec, Importer: a.importer, Models: a.Models, Schemas: a.Schemas, Runner: a.Runner,
		Agents: a.Agents, Generators: a.Generators, Evaluator: a.Evaluator, Optimizer: a.Optimizer, Metrics: a.Metrics, Loop: a.Loop}
}
