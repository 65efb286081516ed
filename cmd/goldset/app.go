package main

import (
	"context"
	"log/slog"
	"strconv"

	"github.com/goldset/goldset/pipelines/runs"
	"github.com/goldset/goldset/server"
)

// App is the application wired once, for every command that runs pipelines or serves: the tools,
// the language models in force and the runner, and on them the components server.Config.Wire builds, with
// every run kind registered with the runner.
type App struct {
	*tools // the database, the sandbox executor and the importer
	server.Config
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
	a := &App{tools: t, Config: server.Config{Exec: t.exec, Importer: t.importer}}
	a.Wire(st, m, r, log)
	return a, nil
}

// serverConfig gives the server the components it uses.
func (a *App) serverConfig() server.Config { return a.Config }
