package main

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/goldset/goldset/pipelines/pipelinetest"
)

func TestCLI_AgentRecallReportsSchemaRecallAgainstABaseline(t *testing.T) {
	c := newCLI(t)
	dir := pipelinetest.NeedData(t, "wtq")
	c.must("import", "wtq", dir, "--project", "p")
	out := c.must("agent", "recall", "--project", "p", "--json")
	var rep struct {
		K      int    `json:"k"`
		Method string `json:"method"`
		Report struct {
			Questions  int     `json:"questions"`
			Recall     float64 `json:"recall"`
			Larger     int     `json:"larger"`
			TablesMean float64 `json:"tables_mean"`
		} `json:"report"`
		Baseline struct {
			Recall float64 `json:"recall"`
		} `json:"baseline"`
	}
	if err := json.Unmarshal([]byte(out), &rep); err != nil {
		t.Fatalf("%v: %s", err, out)
	}
	if rep.K != 8 || rep.Method != "lexical" || rep.Report.Questions != 256 || rep.Report.Larger != 256 || rep.Report.TablesMean != 8 {
		t.Fatalf("report: %+v", rep)
	}
	if rep.Report.Recall < 0.93 || rep.Report.Recall <= rep.Baseline.Recall {
		t.Fatalf("recall %.3f, baseline %.3f", rep.Report.Recall, rep.Baseline.Recall)
	}
	text := c.must("agent", "recall", "--project", "p", "--k", "4")
	if !strings.Contains(text, "Schema recall at k=4 (lexical), over 256 questions") || !strings.Contains(text, "Baseline (names and columns, no values)") {
		t.Fatalf("text report:\n%s", text)
	}
	t.Logf("\n%s", text)
	for _, bad := range []string{"-1", "65"} {
		if out, err := c.run("agent", "recall", "--project", "p", "--k", bad); err == nil || !strings.Contains(err.Error(), "--k must be from 1 to 64") {
			t.Errorf("--k %s: %v\n%s", bad, err, out)
		}
	}
}
