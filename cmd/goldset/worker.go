package main

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"strconv"
)

const workerHelp = `Work on pipeline runs (agent batches and the other pipelines) without serving the web UI.

'goldset serve' works on runs itself; start workers on other machines, against the same database
(--database-url), to scale out. Every run's items are River jobs shared by all of them; a run's
concurrency holds across all workers together. Ctrl-C (SIGINT) or SIGTERM stops a worker gracefully:
the items it was working on go back to the queue for the others. A worker that is killed loses
nothing either: the others take its items back within seconds, and model calls that had answered
come from the response cache.

The language model comes from the admin settings in the database and the GOLDSET_LLM_* environment;
the API key is not in the database: give each worker GOLDSET_LLM_API_KEY (or _FILE).`

func runWorker(ctx context.Context, args []string, out io.Writer) error {
	fs := newFlagSet("worker [options]", workerHelp)
	cfg := newConfig(fs, runOptions...)
	if _, err := parseArgs(fs, args); err != nil {
		return err
	}
	if err := cfg.resolve(); err != nil {
		return err
	}
	if n, _ := strconv.Atoi(cfg.get("workers")); n < 1 {
		return fmt.Errorf("%w: a worker needs --workers of at least 1", errUsage)
	}
	log := cfg.logger()
	slog.SetDefault(log)
	t, err := openTools(ctx, cfg, log)
	if err != nil {
		return err
	}
	defer t.db.Close(ctx)
	t.db.supervise(ctx)
	app, err := newApp(ctx, cfg, t, log)
	if err != nil {
		return err
	}
	if !app.Models.Client().Configured() {
		log.Warn("no language model is configured: items that need one will fail; set GOLDSET_LLM_BASE_URL and GOLDSET_LLM_API_KEY")
	}
	go followSettings(ctx, app.Models, log)
	fmt.Fprintf(out, "Goldset %s worker: up to %d pipeline items at once, on %s. Press Ctrl-C to stop.\n", version, app.Runner.Workers, describeDB(cfg, t.db))
	err = app.Runner.Serve(ctx)
	log.Info("worker stopped; its items in progress went back to the queue")
	return err
}
