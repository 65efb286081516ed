package server

import (
	"context"
	"fmt"
	"net/http"
	"testing"
	"time"

	"github.com/goldset/goldset/metrics"
	"github.com/goldset/goldset/pipelines/measure"
	"github.com/goldset/goldset/store"
)

// metricRun computes the fixture project's metrics (lexical) and returns the run.
func (e *env) metricRun(t *testing.T) int64 {
	t.Helper()
	e.metricsIdle(t)
	run, err := e.srv.stats.Compute(e.ctx, store.System, e.project.ID, store.MetricsCLI, measure.Params{Embedding: "lexical"})
	noError(t, err)
	return run.ID
}

// metricsIdle runs the fixture project's queued metrics runs (the fixture's runner works no items by
// itself) and waits until no computation of the project runs.
func (e *env) metricsIdle(t *testing.T) {
	t.Helper()
	queued, err := e.store.ListPipelineRuns(e.ctx, e.project.ID, measure.Kind, 100)
	noError(t, err)
	for _, r := range queued {
		if !r.Finished() {
			ctx, cancel := context.WithTimeout(e.ctx, time.Minute)
			err := e.srv.cfg.Runner.Execute(ctx, r)
			cancel()
			if err != nil {
				t.Fatalf("metrics run %d: %v", r.ID, err)
			}
		}
	}
	deadline := time.Now().Add(time.Minute)
	for {
		runs, err := e.store.ListMetricRuns(e.ctx, e.project.ID, 1)
		noError(t, err)
		if len(runs) == 0 || runs[0].Status != "running" {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("metrics still running after a minute: %+v", runs[0])
		}
		time.Sleep(20 * time.Millisecond)
	}
}

type metricRunBody struct{ Run store.MetricRun }

func TestMetricsAPI_ComputeInTheBackgroundThenRead(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	e.nlq(t)
	p := e.projectAPI
	e.run(t, []scenario{
		{Name: "nothing computed yet", Method: "GET", URL: p + "/metrics", As: "reviewer", ExpectedStatus: http.StatusNotFound,
			ExpectedContent: []string{"no metrics computed"}},
		{Name: "an unknown embedding", Method: "POST", URL: p + "/metrics/runs", As: "lead", Body: `{"embedding":"word2vec"}`,
			ExpectedStatus: http.StatusBadRequest, ExpectedContent: []string{`"embedding"`}},
	})
	rec := e.do(scenario{Method: "POST", URL: p + "/metrics/runs", As: "lead", Body: `{}`})
	if rec.Code != http.StatusAccepted {
		t.Fatalf("compute: %d %s", rec.Code, rec.Body.String())
	}
	started := decode[metricRunBody](t, rec).Run
	if started.Status != "running" || started.Trigger != store.MetricsManual {
		t.Fatalf("started: %+v", started)
	}
	e.metricsIdle(t)
	got := decode[metricRunBody](t, e.do(scenario{Method: "GET", URL: fmt.Sprintf("%s/metrics/runs/%d", p, started.ID), As: "reviewer"})).Run
	// The fixture's model has no embeddings model: the lexical fallback, labelled as such.
	if got.Status != "succeeded" || got.Embedding != metrics.LexicalModel || got.NLQs != 1 || len(got.Results) != 2 {
		t.Fatalf("finished: %+v", got)
	}
	latest := decode[metricRunBody](t, e.do(scenario{Method: "GET", URL: p + "/metrics", As: "reviewer"})).Run
	if latest.ID != started.ID {
		t.Fatalf("latest %d, want %d", latest.ID, started.ID)
	}
	e.run(t, []scenario{
		{Name: "the stage's report", Method: "GET", URL: p + "/metrics", As: "reviewer", ExpectedStatus: 200,
			ExpectedContent: []string{`"stage":"human-seed"`, `"tables_used":1`, `"tables_total":1`, `"unique_patterns":1`, `"embedding":"` + metrics.LexicalModel}},
		{Name: "a run of another project", Method: "GET", URL: fmt.Sprintf("%s/metrics/runs/%d", p, started.ID+1000), As: "reviewer",
			ExpectedStatus: http.StatusNotFound},
	})
}
