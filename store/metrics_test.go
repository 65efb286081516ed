package store_test

import (
	"encoding/json"
	"fmt"
	"testing"

	"github.com/goldset/goldset/store"
)

// The SQL that stands for a question is its gold, else its best candidate that ran; rejected
// questions are left out; stages come in the order of their first question.
func TestMetrics_InputsAndRuns(t *testing.T) {
	t.Parallel()
	q := newQueue(t, 1)
	ctx, st := q.ctx, q.st
	add := func(stage, status, question string, cands ...[2]string) (int64, []int64) {
		t.Helper()
		nlq := insertID(t, st, `INSERT INTO nlqs (project_id, question, stage, status) VALUES ($1, $2, $3, $4) RETURNING id`,
			q.project, question, stage, status)
		ids := []int64{}
		for _, c := range cands {
			var errText *string
			if c[1] == "error" {
				e := "relation does not exist"
				errText = &e
			}
			id := insertID(t, st, `INSERT INTO sql_candidates (nlq_id, source, sql, error) VALUES ($1, $2, $3, $4) RETURNING id`,
				nlq, c[0], fmt.Sprintf("SELECT %d -- %s", len(ids), c[0]), errText)
			ids = append(ids, id)
		}
		return nlq, ids
	}
	seed, seedC := add("human-seed", "new", "How many?", [2]string{"import", ""}, [2]string{"agent", ""})
	paraphrase, parC := add("+paraphrase", "new", "Count them", [2]string{"generator", ""}, [2]string{"human", "error"}, [2]string{"agent", ""})
	gold, goldC := add("human-seed", "new", "Which one?", [2]string{"agent", ""}, [2]string{"human", ""})
	mustExec(t, st, `UPDATE nlqs SET status = 'accepted', gold_candidate_id = $2 WHERE id = $1`, gold, goldC[0])
	add("human-seed", "rejected", "Nonsense", [2]string{"agent", ""})
	bare, _ := add("+complexity", "new", "No SQL yet")

	in, err := st.MetricInputs(ctx, q.project, "")
	if err != nil {
		t.Fatal(err)
	}
	type row struct {
		nlq  int64
		cand *int64
		st   string
	}
	want := []row{{seed, &seedC[0], "human-seed"}, {gold, &goldC[0], "human-seed"}, {paraphrase, &parC[2], "+paraphrase"}, {bare, nil, "+complexity"}}
	if len(in) != len(want) {
		t.Fatalf("inputs %+v", in)
	}
	for i, w := range want {
		g := in[i]
		if g.NLQID != w.nlq || g.Stage != w.st || (w.cand == nil) != (g.CandidateID == nil) || (w.cand != nil && *w.cand != *g.CandidateID) {
			t.Errorf("input %d: %+v, want nlq %d stage %s candidate %v", i, g, w.nlq, w.st, w.cand)
		}
	}
	one, err := st.MetricInputs(ctx, q.project, "+paraphrase")
	if err != nil || len(one) != 1 || one[0].NLQID != paraphrase {
		t.Fatalf("one stage: %+v %v", one, err)
	}

	stage := "+paraphrase"
	r := store.MetricRun{ProjectID: q.project, Trigger: store.MetricsManual, Stage: &stage}
	if err := st.StartMetricRun(ctx, store.Actor{UserID: q.author}, &r); err != nil {
		t.Fatal(err)
	}
	if _, err := st.MetricRunResults(ctx, q.project, 0); err == nil {
		t.Fatal("a running run counts as the latest results")
	}
	results := []store.MetricResult{{Position: 0, Stage: stage, NLQs: 1, Report: json.RawMessage(`{"nlqs": 1}`)}}
	if err := st.FinishMetricRun(ctx, r.ID, "lexical-char-ngram-v1", "abc", one, results); err != nil {
		t.Fatal(err)
	}
	got, err := st.MetricRunResults(ctx, q.project, 0)
	if err != nil {
		t.Fatal(err)
	}
	if got.ID != r.ID || got.Status != "succeeded" || got.NLQs != 1 || got.Embedding != "lexical-char-ngram-v1" || len(got.Results) != 1 ||
		string(got.Results[0].Report) != `{"nlqs": 1}` {
		t.Fatalf("results %+v", got)
	}
	inputs, err := st.MetricRunInputs(ctx, r.ID)
	if err != nil || len(inputs) != 1 || inputs[paraphrase] == nil || *inputs[paraphrase] != parC[2] {
		t.Fatalf("recorded inputs %v %v", inputs, err)
	}
	failed := store.MetricRun{ProjectID: q.project, Trigger: store.MetricsCLI}
	if err := st.StartMetricRun(ctx, store.System, &failed); err != nil {
		t.Fatal(err)
	}
	if err := st.FailMetricRun(ctx, failed.ID, "the embeddings endpoint answered 401"); err != nil {
		t.Fatal(err)
	}
	if got, _ := st.MetricRunResults(ctx, q.project, 0); got.ID != r.ID {
		t.Fatalf("a failed run hides the last good one: %+v", got)
	}
	runs, err := st.ListMetricRuns(ctx, q.project, 10)
	if err != nil || len(runs) != 2 || runs[0].Status != "failed" || runs[0].Error == "" {
		t.Fatalf("runs %+v %v", runs, err)
	}
	if _, err := st.MetricRunResults(ctx, q.project+1000, r.ID); err == nil {
		t.Fatal("a run of another project")
	}
}
