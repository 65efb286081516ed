package server

import (
	"encoding/json"
	"fmt"
	"testing"
	"time"

	"github.com/goldset/goldset/pipelines/evaluate"
	"github.com/goldset/goldset/pipelines/golden"
	"github.com/goldset/goldset/pipelines/optimize"
	"github.com/goldset/goldset/store"
)

// splitSnapshot stores a snapshot of three new accepted questions, one in each split (the cut's
// stratified split puts a stratum this small wholly in train).
func (e *env) splitSnapshot(t *testing.T) int64 {
	t.Helper()
	var ids []int64
	for range 3 {
		ids = append(ids, e.acceptedNLQ(t))
	}
	pairs, err := e.store.AcceptedPairs(e.ctx, e.project.ID, store.SnapshotSource{})
	noError(t, err)
	var mine []store.SnapshotPair
	for _, p := range pairs {
		for i, id := range ids {
			if p.NLQID == id {
				p.Split, p.Hardness = []string{"train", "val", "test"}[i], "easy"
				mine = append(mine, p)
			}
		}
	}
	snap := store.Snapshot{ProjectID: e.project.ID, Name: unique("split"), Params: json.RawMessage(`{}`), Manifest: json.RawMessage(`{}`),
		ContentHash: golden.ContentHash(mine)}
	noError(t, e.store.CreateSnapshot(e.ctx, store.System, &snap, mine))
	return snap.ID
}

func (e *env) evaluator() *evaluate.Evaluator { return e.srv.cfg.Evaluator }

// finishedOptimization runs a one-iteration OPRO on a split snapshot to its end. The fixture's
// model answers with a tool call, so every answer scores wrong and no proposal is usable: the
// baseline is the best prompt.
func (e *env) finishedOptimization(t *testing.T) int64 {
	t.Helper()
	run, err := e.srv.cfg.Optimizer.StartOptimization(e.ctx, store.System, e.project.ID, optimize.Params{Method: optimize.MethodOPRO,
		SnapshotID: e.splitSnapshot(t), OPRO: optimize.OPROParams{Iterations: 1, Candidates: 1}})
	noError(t, err)
	e.execute(t, run)
	return run.ID
}

func (e *env) execute(t *testing.T, run store.PipelineRun) {
	t.Helper()
	done := make(chan error, 1)
	go func() { done <- e.srv.cfg.Runner.Execute(e.ctx, run) }()
	select {
	case err := <-done:
		noError(t, err)
	case <-time.After(2 * time.Minute):
		t.Fatalf("run %d did not finish", run.ID)
	}
}

func (e *env) evaluation(t *testing.T) int64 {
	t.Helper()
	run, err := e.evaluator().StartEvaluation(e.ctx, store.System, e.project.ID, evaluate.Params{SnapshotID: e.snapshot(t), Split: "all"})
	noError(t, err)
	return run.ID
}

func TestPromptsAPI_VersionsAndValidation(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	p := e.projectAPI
	e.run(t, []scenario{
		{Name: "built-in template in force", Method: "GET", URL: p + "/prompts", As: "reviewer", ExpectedStatus: 200,
			ExpectedContent: []string{`"source":"builtin"`, `"version":0`, `Given an input question`, `"versions":[]`}},
		{Name: "a template must keep its placeholders", Method: "POST", URL: p + "/prompts", As: "lead",
			Body: `{"body":"Write SQL for {query_str}."}`, ExpectedStatus: 400, ExpectedContent: []string{`"body"`, `{dialect}, {schema}`}},
		{Name: "empty body", Method: "POST", URL: p + "/prompts", As: "lead", Body: `{"body":"  "}`, ExpectedStatus: 400,
			ExpectedContent: []string{"must not be empty"}},
		{Name: "unknown field", Method: "POST", URL: p + "/prompts", As: "lead", Body: `{"text":"x"}`, ExpectedStatus: 400},
		{Name: "saved as version 1", Method: "POST", URL: p + "/prompts", As: "lead",
			Body: `{"body":"Use {dialect}.\n{schema}\nQ: {query_str}","note":"terse"}`, ExpectedStatus: 201,
			ExpectedContent: []string{`"version":1`, `"source":"manual"`, `"note":"terse"`}},
		{Name: "version 1 in force", Method: "GET", URL: p + "/prompts", As: "lead", ExpectedStatus: 200,
			ExpectedContent: []string{`"current":{"id":`, `Q: {query_str}`}},
	})
}

func TestEvaluationsAPI_StartReadResultsAndRefusals(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	p := e.projectAPI
	snap := e.snapshot(t)
	e.run(t, []scenario{
		{Name: "snapshot required", Method: "POST", URL: p + "/evaluations", As: "lead", Body: `{}`, ExpectedStatus: 400,
			ExpectedContent: []string{`"snapshot_id"`}},
		{Name: "bad split, concurrency, budget", Method: "POST", URL: p + "/evaluations", As: "lead",
			Body: fmt.Sprintf(`{"snapshot_id":%d,"split":"dev","concurrency":100,"budget":{"max_calls":-1}}`, snap), ExpectedStatus: 400,
			ExpectedContent: []string{`"split"`, `"concurrency"`, `"budget.max_calls"`}},
		{Name: "unknown snapshot", Method: "POST", URL: p + "/evaluations", As: "lead", Body: `{"snapshot_id":999999}`, ExpectedStatus: 404},
		{Name: "empty split", Method: "POST", URL: p + "/evaluations", As: "lead", Body: fmt.Sprintf(`{"snapshot_id":%d,"split":"test"}`, snap),
			ExpectedStatus: 400, ExpectedContent: []string{"no pairs in this split"}},
		{Name: "wrong type", Method: "POST", URL: p + "/evaluations", As: "lead", Body: `{"snapshot_id":"one"}`, ExpectedStatus: 400},
	})
	rec := e.do(scenario{Method: "POST", URL: p + "/evaluations", As: "lead", Body: fmt.Sprintf(`{"snapshot_id":%d,"split":"all","judge":true}`, snap)})
	if rec.Code != 201 {
		t.Fatalf("start: %d %s", rec.Code, rec.Body)
	}
	var started struct{ Run store.PipelineRun }
	json.Unmarshal(rec.Body.Bytes(), &started)
	e.execute(t, started.Run)
	run := fmt.Sprintf("%s/evaluations/%d", p, started.Run.ID)
	e.run(t, []scenario{
		// The fixture's model answers with a tool call and no text: no SQL, an error, not a crash (and nothing to judge).
		{Name: "summary", Method: "GET", URL: run, As: "lead", ExpectedStatus: 200,
			ExpectedContent: []string{`"status":"succeeded"`, `"scored":1`, `"correct":0`, `"errors":1`, `"by_hardness"`, `"judge":null`}},
		{Name: "results with the error", Method: "GET", URL: run + "/results?outcome=error", As: "lead", ExpectedStatus: 200,
			ExpectedContent: []string{`"error":"the reply has no SQL"`, `"gold_sql":"SELECT name FROM singer`, `"next_after":null`}},
		{Name: "none correct", Method: "GET", URL: run + "/results?outcome=correct", As: "lead", ExpectedStatus: 200,
			ExpectedContent: []string{`"results":[]`}},
		{Name: "bad outcome", Method: "GET", URL: run + "/results?outcome=maybe", As: "lead", ExpectedStatus: 400,
			ExpectedContent: []string{`"outcome"`}},
		{Name: "bad limit", Method: "GET", URL: run + "/results?limit=0", As: "lead", ExpectedStatus: 400},
		{Name: "listed", Method: "GET", URL: p + "/evaluations", As: "lead", ExpectedStatus: 200,
			ExpectedContent: []string{fmt.Sprintf(`"id":%d`, started.Run.ID), `"summary"`}},
		{Name: "another kind of run is not an evaluation", Method: "GET", URL: fmt.Sprintf("%s/evaluations/%d", p, e.finishedOptimization(t)),
			As: "lead", ExpectedStatus: 404},
	})
}

func TestOptimizationsAPI_RunReportAdopt(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	p := e.projectAPI
	e.run(t, []scenario{
		{Name: "method and ranges", Method: "POST", URL: p + "/optimizations", As: "lead",
			Body: `{"method":"sgd","snapshot_id":1,"opro":{"iterations":99},"apo":{"beam_width":0,"branch_factor":-1}}`, ExpectedStatus: 400,
			ExpectedContent: []string{`"method"`, `"opro.iterations"`, `"apo.branch_factor"`}},
		{Name: "a snapshot without val or test pairs", Method: "POST", URL: p + "/optimizations", As: "lead",
			Body: fmt.Sprintf(`{"method":"opro","snapshot_id":%d}`, e.snapshot(t)), ExpectedStatus: 409, ExpectedContent: []string{"has no val pairs"}},
	})
	id := e.finishedOptimization(t)
	run := fmt.Sprintf("%s/optimizations/%d", p, id)
	e.run(t, []scenario{
		{Name: "report", Method: "GET", URL: run, As: "lead", ExpectedStatus: 200,
			ExpectedContent: []string{`"origin":"baseline"`, `"key":"000-baseline"`, `"key":"001-step"`, `"key":"zz-test"`, `"test":{"n":1`,
				`"mcnemar_p":1`, `"best":{"id"`}},
		{Name: "listed", Method: "GET", URL: p + "/optimizations", As: "lead", ExpectedStatus: 200, ExpectedContent: []string{`"best":{"id"`}},
		{Name: "unknown candidate", Method: "POST", URL: run + "/adopt", As: "lead", Body: `{"candidate_id":999999}`, ExpectedStatus: 404},
		{Name: "adopt the best", Method: "POST", URL: run + "/adopt", As: "lead", Body: `{}`, ExpectedStatus: 201,
			ExpectedContent: []string{`"version":1`, `"source":"optimization"`, fmt.Sprintf(`"run_id":%d`, id), "OPRO run"}},
		{Name: "the agent's template now", Method: "GET", URL: p + "/prompts", As: "reviewer", ExpectedStatus: 200,
			ExpectedContent: []string{`"source":"optimization"`}},
	})
}

func TestAcceptImportedAPI_AcceptsOnlyVerifiedGoldWithNoWorkOpen(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	p := e.projectAPI
	verify := func(id int64) {
		if _, err := e.store.Pool().Exec(e.ctx, `UPDATE sql_candidates SET verification = '{"match": true}' WHERE nlq_id = $1`, id); err != nil {
			t.Fatal(err)
		}
	}
	verified, unverified, busy := e.nlq(t), e.nlq(t), e.nlq(t)
	verify(verified)
	verify(busy)
	if _, err := e.store.Pool().Exec(e.ctx, `INSERT INTO annotation_items (project_id, nlq_id, slot) VALUES ($1, $2, 1)`, e.project.ID, busy); err != nil {
		t.Fatal(err)
	}
	e.run(t, []scenario{
		{Name: "an annotator may not", Method: "POST", URL: p + "/nlqs/accept-imported", As: "annotator", Body: `{}`, ExpectedStatus: 403},
		{Name: "one of three", Method: "POST", URL: p + "/nlqs/accept-imported", As: "lead", Body: `{}`, ExpectedStatus: 200,
			ExpectedContent: []string{`{"accepted":1}`}},
		{Name: "nothing twice", Method: "POST", URL: p + "/nlqs/accept-imported", As: "lead", Body: `{}`, ExpectedStatus: 200,
			ExpectedContent: []string{`{"accepted":0}`}},
		{Name: "the question's history says why", Method: "GET", URL: fmt.Sprintf("%s/nlqs/%d", p, verified), As: "lead", ExpectedStatus: 200,
			ExpectedContent: []string{`"status":"accepted"`, `verified import`}},
		{Name: "the unverified one stays new", Method: "GET", URL: fmt.Sprintf("%s/nlqs/%d", p, unverified), As: "lead", ExpectedStatus: 200,
			ExpectedContent: []string{`"status":"new"`}},
		{Name: "a snapshot of imported gold", Method: "POST", URL: p + "/snapshots", As: "lead",
			Body: `{"name":"imported","filters":{"review_status":["imported"]}}`, ExpectedStatus: 201, ExpectedContent: []string{`"pairs":1`}},
	})
}
