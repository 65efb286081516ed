package main

import (
	"encoding/json"
	"strings"
	"testing"
)

func TestCLI_SampleImportsOnceAndSaysWhatNext(t *testing.T) {
	c := newCLI(t)
	out := c.must("sample")
	wantAll(t, "output", out,
		"Imported database concert_singer", "Imported database wtq",
		"Gold SQL translated to PostgreSQL: 127 of 127",
		"Sample questions: 182 imported; 182 annotation items planned.",
		`Open the project "Sample: Spider and WikiTableQuestions"`, "need a model endpoint",
	)
	var rep struct {
		Databases []struct {
			Name      string `json:"name"`
			Unchanged bool   `json:"unchanged"`
		} `json:"databases"`
		QuestionsImported int `json:"questions_imported"`
		Plan              struct {
			Items int `json:"items"`
		} `json:"plan"`
	}
	if err := json.Unmarshal([]byte(c.must("sample", "--json")), &rep); err != nil {
		t.Fatal(err)
	}
	if len(rep.Databases) != 4 || rep.QuestionsImported != 0 || rep.Plan.Items != 0 {
		t.Fatalf("second run %+v; want the 4 databases unchanged and nothing new", rep)
	}
	for _, d := range rep.Databases {
		if !d.Unchanged {
			t.Errorf("%s imported again", d.Name)
		}
	}
	if _, err := c.run("sample", "extra"); err == nil || !strings.Contains(err.Error(), "sample takes no arguments") {
		t.Errorf("sample extra: %v", err)
	}
}
