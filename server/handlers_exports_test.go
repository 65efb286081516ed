package server

import (
	"bufio"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"strings"
	"testing"
)

func TestExportsAPI_StreamsTheFileAndRecordsItsHash(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	snap := e.snapshot(t)
	for range 4 {
		e.acceptedNLQ(t)
	}
	e.run(t, []scenario{
		{Name: "unknown format", Method: "GET", URL: fmt.Sprintf("%s/snapshots/%d/export?format=parquet", e.projectAPI, snap), As: "lead",
			ExpectedStatus: 400, ExpectedContent: []string{`"format"`}},
		{Name: "unknown split", Method: "GET", URL: fmt.Sprintf("%s/snapshots/%d/export?format=trl&split=dev", e.projectAPI, snap), As: "lead",
			ExpectedStatus: 400, ExpectedContent: []string{`"split"`}},
		{Name: "another project's snapshot", Method: "GET", URL: fmt.Sprintf("%s/snapshots/%d/export?format=trl", e.projectAPI, snap+1000), As: "lead",
			ExpectedStatus: 404},
		{Name: "openai chat rows carry the schema", Method: "GET", URL: fmt.Sprintf("%s/snapshots/%d/export?format=openai&split=all", e.projectAPI, snap),
			As: "lead", ExpectedStatus: 200, ExpectedContent: []string{`"role":"system"`, "CREATE TABLE", `"role":"assistant"`}},
		{Name: "a reviewer may not export", Method: "GET", URL: fmt.Sprintf("%s/snapshots/%d/export?format=trl", e.projectAPI, snap), As: "reviewer",
			ExpectedStatus: 403},
	})

	rec := e.do(scenario{Method: "GET", URL: fmt.Sprintf("%s/snapshots/%d/export?format=eval_jsonl&split=all", e.projectAPI, snap), As: "lead"})
	if rec.Code != 200 {
		t.Fatalf("export: %d %s", rec.Code, rec.Body.String())
	}
	if ct, cd := rec.Header().Get("Content-Type"), rec.Header().Get("Content-Disposition"); ct != "application/x-ndjson" ||
		cd != fmt.Sprintf(`attachment; filename="snapshot-%d-eval_jsonl-all.jsonl"`, snap) {
		t.Fatalf("content type %q, disposition %q", ct, cd)
	}
	body := rec.Body.Bytes()
	lines := 0
	sc := bufio.NewScanner(strings.NewReader(string(body)))
	for sc.Scan() {
		var row map[string]any
		if err := json.Unmarshal(sc.Bytes(), &row); err != nil || row["question"] == nil || row["sql"] == nil || row["hardness"] == nil {
			t.Fatalf("line %d: %v %s", lines+1, err, sc.Text())
		}
		lines++
	}
	if lines != 1 {
		t.Fatalf("%d lines, want the snapshot's 1 pair", lines)
	}

	rec = e.do(scenario{Method: "GET", URL: e.projectAPI + "/exports", As: "lead"})
	var list struct {
		Exports []struct {
			SnapshotID int64  `json:"snapshot_id"`
			Format     string `json:"format"`
			Split      string `json:"split"`
			Status     string `json:"status"`
			Rows       int    `json:"rows"`
			SHA256     string `json:"sha256"`
			CreatedBy  *int64 `json:"created_by"`
		} `json:"exports"`
	}
	if err := json.Unmarshal(rec.Body.Bytes(), &list); err != nil || len(list.Exports) != 2 {
		t.Fatalf("exports: %v %s", err, rec.Body.String())
	}
	sum := sha256.Sum256(body)
	x := list.Exports[0]
	if x.SnapshotID != snap || x.Format != "eval_jsonl" || x.Split != "all" || x.Status != "done" || x.Rows != 1 ||
		x.SHA256 != hex.EncodeToString(sum[:]) || x.CreatedBy == nil || *x.CreatedBy != e.users["lead"].ID {
		t.Fatalf("record %+v", x)
	}
}

// Every export carries the snapshot's error rate: in a header and in its record.
func TestExportsAPI_CarryTheErrorRate(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	id := e.snapshot(t)
	rec := e.do(scenario{Method: "GET", URL: fmt.Sprintf("/api/v1/projects/%d/snapshots/%d/export?format=eval_jsonl", e.project.ID, id), As: "lead"})
	if rec.Code != 200 || rec.Header().Get("X-Goldset-Error-Rate") != "rate=unmeasured; low=0.0000; high=1.0000; audited=0; pairs=1" {
		t.Fatalf("%d %q", rec.Code, rec.Header().Get("X-Goldset-Error-Rate"))
	}
	e.run(t, []scenario{{Name: "the record has it", Method: "GET", URL: e.projectAPI + "/exports", As: "lead",
		ExpectedStatus: 200, ExpectedContent: []string{`"error_rate":{"low":0,"high":1,"rate":null,"pairs":1`}}})
}
