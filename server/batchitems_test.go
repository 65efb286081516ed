package server

import (
	"encoding/json"
	"fmt"
	"testing"

	"github.com/goldset/goldset/store"
)

// batchWithTrajectories queues a batch and records n finished trajectories in it: every third an
// error, the others answered. It returns the batch's id and the trajectories' ids in order.
func (e *env) batchWithTrajectories(t *testing.T, n int) (int64, []int64) {
	t.Helper()
	batch := e.batch(t, false)
	ids := make([]int64, n)
	for i := range ids {
		r := store.AgentRun{ProjectID: e.project.ID, DatabaseID: e.database.ID, PipelineRunID: &batch, Question: fmt.Sprintf("Question %d?", i)}
		noError(t, e.store.CreateAgentRun(e.ctx, store.System, &r))
		r.Status = "answered"
		if i%3 == 2 {
			r.Status = "error"
		}
		noError(t, e.store.FinishAgentRun(e.ctx, &r))
		ids[i] = r.ID
	}
	return batch, ids
}

func TestBatchItems_PagesByKeysetWithOutcomeFilterAndCounts(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	batch, ids := e.batchWithTrajectories(t, 25)
	e.agentRun(t) // a trajectory of no batch: never on the batch's pages
	url := fmt.Sprintf("/api/v1/projects/%d/runs/%d/items", e.project.ID, batch)
	get := func(query string) store.BatchItems {
		t.Helper()
		rec := e.do(scenario{Method: "GET", URL: url + query, As: "lead"})
		if rec.Code != 200 {
			t.Fatalf("GET %s: %d %s", query, rec.Code, rec.Body)
		}
		var page store.BatchItems
		noError(t, json.Unmarshal(rec.Body.Bytes(), &page))
		return page
	}
	pageIDs := func(p store.BatchItems) []int64 {
		out := make([]int64, len(p.Items))
		for i, r := range p.Items {
			out[i] = r.ID
		}
		return out
	}

	// All 25 in pages of 10, in the order they started; the last page has no cursor.
	var seen []int64
	after := int64(0)
	for pages := 0; ; pages++ {
		p := get(fmt.Sprintf("?limit=10&after=%d", after))
		if p.Outcomes["answered"] != 17 || p.Outcomes["error"] != 8 {
			t.Fatalf("outcomes %v, want 17 answered and 8 errors", p.Outcomes)
		}
		seen = append(seen, pageIDs(p)...)
		if p.NextAfter == nil {
			if pages != 2 || len(p.Items) != 5 {
				t.Fatalf("ended after page %d with %d items, want page 2 with 5", pages, len(p.Items))
			}
			break
		}
		after = *p.NextAfter
	}
	if fmt.Sprint(seen) != fmt.Sprint(ids) {
		t.Fatalf("pages gave %v, want %v", seen, ids)
	}

	// A full last page says so: no cursor to an empty page.
	if p := get("?limit=25"); len(p.Items) != 25 || p.NextAfter != nil {
		t.Fatalf("limit 25: %d items, next %v; want 25 and none", len(p.Items), p.NextAfter)
	}

	// Only the failures, still in order, paged.
	errs := get("?outcome=error&limit=5")
	if len(errs.Items) != 5 || errs.NextAfter == nil {
		t.Fatalf("errors page: %d items, next %v", len(errs.Items), errs.NextAfter)
	}
	for i, r := range errs.Items {
		if r.Status != "error" || r.ID != ids[3*i+2] {
			t.Fatalf("error item %d: %d %s, want %d error", i, r.ID, r.Status, ids[3*i+2])
		}
	}
	if rest := get(fmt.Sprintf("?outcome=error&limit=5&after=%d", *errs.NextAfter)); len(rest.Items) != 3 || rest.NextAfter != nil {
		t.Fatalf("second errors page: %d items, next %v; want 3 and none", len(rest.Items), rest.NextAfter)
	}

	other, _ := e.batchWithTrajectories(t, 0)
	if p := get(fmt.Sprintf("?limit=10&after=%d", 0)); len(p.Items) != 10 {
		t.Fatalf("first page again: %d items", len(p.Items))
	}
	e.run(t, []scenario{
		{Name: "an empty batch has an empty page", Method: "GET", URL: fmt.Sprintf("/api/v1/projects/%d/runs/%d/items", e.project.ID, other),
			As: "lead", ExpectedStatus: 200, ExpectedContent: []string{`"items":[]`, `"next_after":null`, `"outcomes":{}`}},
		{Name: "an unknown outcome is refused", Method: "GET", URL: url + "?outcome=won", As: "lead", ExpectedStatus: 400,
			ExpectedContent: []string{"outcome"}},
		{Name: "a limit past 500 is refused", Method: "GET", URL: url + "?limit=501", As: "lead", ExpectedStatus: 400, ExpectedContent: []string{"limit"}},
		{Name: "a run of another project is not found", Method: "GET", URL: fmt.Sprintf("/api/v1/projects/%d/runs/%d/items", e.project.ID+1000, batch),
			As: "admin", ExpectedStatus: 404},
	})
}
