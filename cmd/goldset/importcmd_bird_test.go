package main

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/goldset/goldset/store/storetest"
)

func TestCLI_ImportBIRDPrintsTheGoldCheckAndWhatTheDescriptionsLost(t *testing.T) {
	url := storetest.URL(t)
	const dir = "../../pipelines/ingest/bird/testdata/bird"
	out := mustCLI(t, "import", "bird", dir, "--project", "bird", "--database-url", url)
	for _, want := range []string{
		"Imported database school_meals", "Imported database bike_shop",
		"Questions: 13 read, 13 imported, 0 already present.",
		"12 of 13 match the original by execution",
		"Column descriptions: 19 columns described.",
		`warning: school_meals: database_description/frpm.csv: line 7: table frpm has no column "District Code"; the description is dropped`,
	} {
		if !strings.Contains(out, want) {
			t.Errorf("output lacks %q:\n%s", want, out)
		}
	}
	out = mustCLI(t, "import", "bird", dir, "--project", "bird", "--database-url", url, "--json")
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
}
