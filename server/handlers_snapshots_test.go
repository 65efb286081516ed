package server

import (
	"encoding/json"
	"fmt"
	"strings"
	"testing"

	"github.com/goldset/goldset/pipelines/golden"
	"github.com/goldset/goldset/store"
)

// acceptedNLQ adds a question about the fixture database and accepts its SQL as gold.
func (e *env) acceptedNLQ(t *testing.T) int64 {
	t.Helper()
	id := e.nlq(t)
	if _, err := e.store.Pool().Exec(e.ctx, `UPDATE nlqs SET status = 'accepted',
		gold_candidate_id = (SELECT max(id) FROM sql_candidates WHERE nlq_id = $1) WHERE id = $1`, id); err != nil {
		t.Fatal(err)
	}
	return id
}

// snapshot cuts a snapshot of the fixture project and returns its id.
func (e *env) snapshot(t *testing.T) int64 {
	t.Helper()
	e.acceptedNLQ(t)
	snap, _, err := (&golden.Snapshots{Store: e.store}).Cut(e.ctx, store.System, e.project.ID, golden.SnapshotParams{Name: unique("snap")})
	noError(t, err)
	return snap.ID
}

func TestSnapshotsAPI_CutListPageCompare(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	p := e.projectAPI
	e.run(t, []scenario{
		{Name: "nothing accepted yet is a conflict", Method: "POST", URL: p + "/snapshots", As: "lead", Body: `{"name":"v1"}`,
			ExpectedStatus: 409, ExpectedContent: []string{"nothing to snapshot"}},
		{Name: "ratios must sum to 1", Method: "POST", URL: p + "/snapshots", As: "lead",
			Body: `{"name":"v1","ratios":{"train":0.5,"val":0.1,"test":0.1}}`, ExpectedStatus: 400, ExpectedContent: []string{`"ratios":"must sum to 1"`}},
		{Name: "bad hardness filter", Method: "POST", URL: p + "/snapshots", As: "lead",
			Body: `{"name":"v1","filters":{"hardness":["trivial"]}}`, ExpectedStatus: 400, ExpectedContent: []string{`"filters.hardness"`}},
		{Name: "a reviewer may not cut", Method: "POST", URL: p + "/snapshots", As: "reviewer", Body: `{"name":"v1"}`, ExpectedStatus: 403},
	})
	first := e.acceptedNLQ(t)
	for range 9 {
		e.acceptedNLQ(t)
	}
	// Ten copies of one question with one SQL: by default they are one group, in one split.
	grouped := e.do(scenario{Method: "POST", URL: p + "/snapshots", As: "lead", Body: `{"name":"grouped","seed":4}`})
	if grouped.Code != 201 || !strings.Contains(grouped.Body.String(), `"groups":1`) || !strings.Contains(grouped.Body.String(), `"same_sql":0`) {
		t.Fatalf("grouped cut: %d %s", grouped.Code, grouped.Body)
	}
	rec := e.do(scenario{Method: "POST", URL: p + "/snapshots", As: "lead", Body: `{"name":"v1","seed":4,"allow_leakage":true}`})
	if rec.Code != 201 {
		t.Fatalf("cut: %d %s", rec.Code, rec.Body.String())
	}
	var cut struct {
		Snapshot struct {
			ID          int64           `json:"id"`
			Pairs       int             `json:"pairs"`
			ContentHash string          `json:"content_hash"`
			Manifest    golden.Manifest `json:"manifest"`
		} `json:"snapshot"`
	}
	noError(t, json.Unmarshal(rec.Body.Bytes(), &cut))
	m := cut.Snapshot.Manifest
	if cut.Snapshot.Pairs != 10 || m.Splits["train"] != 8 || m.Splits["val"] != 1 || m.Splits["test"] != 1 || len(cut.Snapshot.ContentHash) != 64 {
		t.Fatalf("cut %+v", cut.Snapshot)
	}
	// Split pair by pair, every pair across splits leaks, and the manifest says so.
	if m.Leakage.SameSQL == 0 || m.Leakage.NearDuplicates == 0 {
		t.Fatalf("leakage %+v", m.Leakage)
	}
	if n := e.count(t, `SELECT count(*) FROM audit_log WHERE action = 'snapshot.create' AND object_id = $1`, fmt.Sprint(cut.Snapshot.ID)); n != 1 {
		t.Fatalf("%d audit entries", n)
	}
	if _, err := e.store.Pool().Exec(e.ctx, `UPDATE nlqs SET question = 'Edited' WHERE id = $1`, first); err != nil {
		t.Fatal(err)
	}
	second := e.snapshot(t)
	s := fmt.Sprintf("%s/snapshots/%d", p, cut.Snapshot.ID)
	e.run(t, []scenario{
		{Name: "list with manifests", Method: "GET", URL: p + "/snapshots", As: "reviewer", ExpectedStatus: 200,
			ExpectedContent: []string{`"name":"v1"`, `"manifest":`, `"leakage":`}},
		{Name: "one with its manifest", Method: "GET", URL: s, As: "reviewer", ExpectedStatus: 200, ExpectedContent: []string{`"content_hash":"` + cut.Snapshot.ContentHash}},
		{Name: "another project's id is not found", Method: "GET", URL: fmt.Sprintf("%s/snapshots/%d", p, second+1000), As: "reviewer", ExpectedStatus: 404},
		{Name: "pairs of a split, paged", Method: "GET", URL: s + "/pairs?split=train&limit=5", As: "reviewer", ExpectedStatus: 200,
			ExpectedContent: []string{`"split":"train"`, `"next_after":`}, NotExpected: []string{`"split":"val"`, `"next_after":null`, "Edited"}},
		{Name: "bad split", Method: "GET", URL: s + "/pairs?split=dev", As: "reviewer", ExpectedStatus: 400},
		{Name: "compare", Method: "GET", URL: fmt.Sprintf("%s/snapshots/compare?a=%d&b=%d", p, cut.Snapshot.ID, second), As: "reviewer",
			ExpectedStatus: 200, ExpectedContent: []string{`"added":1`, `"removed":0`, `"changed":1`, `"question":"Edited"`}},
		{Name: "compare needs both", Method: "GET", URL: p + "/snapshots/compare?a=1", As: "reviewer", ExpectedStatus: 400,
			ExpectedContent: []string{`"b":`}},
		{Name: "no update route", Method: "PATCH", URL: s, As: "admin", Body: `{"name":"x"}`, ExpectedStatus: 405},
	})
}
