package store_test

import (
	"context"
	"testing"

	"github.com/goldset/goldset/store"
)

func TestListLLMCalls_FiltersByRunPagesAndTotalsEverythingSelected(t *testing.T) {
	t.Parallel()
	st := open(t)
	ctx := context.Background()
	project := insertID(t, st, `INSERT INTO projects (name) VALUES ('calls') RETURNING id`)
	other := insertID(t, st, `INSERT INTO projects (name) VALUES ('other calls') RETURNING id`)
	// Run agent/1: 30 calls, every third cached, every fifth failed; run paraphrase/1: 10 calls; another
	// project's agent/1: 7 calls.
	mustExec(t, st, `INSERT INTO llm_calls (purpose, model, project_id, run_kind, run_id, prompt_tokens, completion_tokens, cost_usd, cached, error)
		SELECT 'agent', 'm', $1::bigint, 'agent', 1, 100, 10, 0.5, g % 3 = 0, CASE WHEN g % 5 = 0 THEN 'timeout' ELSE '' END FROM generate_series(1, 30) g
		UNION ALL SELECT 'generate', 'm', $1::bigint, 'paraphrase', 1, 50, 5, 0.25, false, '' FROM generate_series(1, 10)
		UNION ALL SELECT 'agent', 'm', $2::bigint, 'agent', 1, 1, 1, 1, false, '' FROM generate_series(1, 7)`, project, other)
	cases := []struct {
		name                        string
		q                           store.CallQuery
		page, calls, cached, failed int
		promptTokens                int64
		cost                        float64
	}{
		{"the project", store.CallQuery{ProjectID: project}, 40, 40, 10, 6, 3500, 17.5},
		{"one kind", store.CallQuery{ProjectID: project, RunKind: "paraphrase"}, 10, 10, 0, 0, 500, 2.5},
		{"one run", store.CallQuery{ProjectID: project, RunKind: "agent", RunID: 1}, 30, 30, 10, 6, 3000, 15},
		{"a page of a run", store.CallQuery{ProjectID: project, RunKind: "agent", RunID: 1, Limit: 12}, 12, 30, 10, 6, 3000, 15},
	}
	for _, c := range cases {
		calls, u, err := st.ListLLMCalls(ctx, c.q)
		if err != nil {
			t.Fatal(err)
		}
		if len(calls) != c.page || u.Calls != c.calls || u.CachedCalls != c.cached || u.FailedCalls != c.failed ||
			u.PromptTokens != c.promptTokens || u.CostUSD != c.cost {
			t.Errorf("%s: %d on the page, usage %+v; want %d, %d calls, %d cached, %d failed, %d prompt tokens, $%v",
				c.name, len(calls), u, c.page, c.calls, c.cached, c.failed, c.promptTokens, c.cost)
		}
	}
	// Newest first, and the next page starts before the last id shown.
	first, _, err := st.ListLLMCalls(ctx, store.CallQuery{ProjectID: project, RunKind: "agent", RunID: 1, Limit: 20})
	if err != nil {
		t.Fatal(err)
	}
	rest, _, err := st.ListLLMCalls(ctx, store.CallQuery{ProjectID: project, RunKind: "agent", RunID: 1, Limit: 20, Before: first[19].ID})
	if err != nil {
		t.Fatal(err)
	}
	if len(rest) != 10 || rest[0].ID >= first[19].ID || first[0].ID < first[1].ID {
		t.Fatalf("pages: %d then %d calls (ids %d… then %d…)", len(first), len(rest), first[0].ID, rest[0].ID)
	}
}
