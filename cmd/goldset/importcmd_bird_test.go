package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestCLI_ImportBIRDPrintsTheGoldCheckAndWhatTheDescriptionsLost(t *testing.T) {
	c := newCLI(t)
	const dir = "../../pipelines/ingest/bird/testdata/bird"
	out := c.must("import", "bird", dir, "--project", "bird")
	wantAll(t, "output", out,
		"Imported database school_meals", "Imported database bike_shop",
		"Questions: 13 read, 13 imported, 0 already present.",
		"12 of 13 match the original by execution",
		"Column descriptions: 19 columns described.",
		`warning: school_meals: database_description/frpm.csv: line 7: table frpm has no column "District Code"; the description is dropped`,
	)
	out = c.must("import", "bird", dir, "--project", "bird", "--json")
	var rep struct {
		Questions    struct{ Existing int }
		Descriptions struct {
			Columns  int
			Warnings []string
		}
	}
	if err := json.Unmarshal([]byte(out), &rep); err != nil {
		t.Fatalf("%v\n%s", err, out)
	}
	if rep.Questions.Existing != 13 || rep.Descriptions.Columns != 19 || len(rep.Descriptions.Warnings) != 2 {
		t.Fatalf("--json: %s", out)
	}

	// Cut and shown, the snapshot counts its pairs by difficulty; exported as BIRD, it is a zip.
	c.must("snapshot", "accept-imported", "--project", "bird")
	c.must("snapshot", "create", "--project", "bird", "--name", "dev")
	out = c.must("snapshot", "show", "--project", "bird", "--snapshot", "1")
	simple := strings.Index(out, "difficulty simple")
	if simple < 0 || strings.Index(out, "difficulty challenging") < simple {
		t.Fatalf("show lacks the difficulties in order:\n%s", out)
	}
	zip := filepath.Join(t.TempDir(), "bird.zip")
	c.must("export", "--project", "bird", "--snapshot", "1", "--format", "bird", "--out", zip)
	if b, err := os.ReadFile(zip); err != nil || !strings.HasPrefix(string(b), "PK") {
		t.Fatalf("export: %v", err)
	}
}
