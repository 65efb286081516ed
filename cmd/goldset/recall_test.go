package main

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/goldset/goldset/pipelines/pipelinetest"
	"github.com/goldset/goldset/store/storetest"
)

func TestCLI_AgentRecallReportsSchemaRecallAgainstABaseline(t *testing.T) {
	t.Parallel()
	dir := pipelinetest.NeedData(t, "wtq")
	url := storetest.URL(t)
	mustCLI(t, "import", "wtq", dir, "--project", "p", "--database-url", url)
	out := mustCLI(t, "agent", "recall", "--project", "p", "--database-url", url, "--json")
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
	text := mustCLI(t, "agent", "recall", "--project", "p", "--k", "4", "--database-url", url)
	if !strings.Contains(text, "Schema recall at k=4 (lexical), over 256 questions") || !strings.Contains(text, "Baseline (names and columns, no values)") {
		t.Fatalf("text report:\n%s", text)
	}
	t.Logf("\n%s", text)
	for _, bad := range []string{"-1", "65"} {
		if out, err := runCLI(t, "agent", "recall", "--project", "p", "--k", bad, "--database-url", url); err == nil || !strings.Contains(err.Error(), "--k must be from 1 to 64") {
			t.Errorf("--k %s: %v\n%s", bad, err, out)
		}
	}
}
