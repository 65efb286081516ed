package server

import (
	"encoding/json"
	"fmt"
	"io/fs"
	"os"
	"strings"
	"testing"

	"github.com/goldset/goldset/store"
)

// birdZip zips the made-up BIRD dataset of package bird's tests under a top folder, as BIRD's
// release wraps it.
func birdZip(t *testing.T) []byte {
	t.Helper()
	root := "../pipelines/ingest/bird/testdata/bird"
	files := map[string]string{}
	err := fs.WalkDir(os.DirFS(root), ".", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := os.ReadFile(root + "/" + p)
		files["dev_20240627/"+p] = string(b)
		return err
	})
	noError(t, err)
	return zipOf(t, files)
}

func TestImports_BIRDUploadKeepsEvidenceAndDescriptions(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	bad := e.upload("lead", map[string]string{"kind": "bird"}, map[string][]byte{"b.zip": zipOf(t, map[string]string{"dev/dev.json": "[]"})})
	if bad.Code != 400 || !strings.Contains(bad.Body.String(), "does not look like a BIRD dataset") {
		t.Fatalf("a zip without databases: %d %s", bad.Code, bad.Body)
	}
	rec := e.upload("lead", map[string]string{"kind": "bird"}, map[string][]byte{"dev.zip": birdZip(t)})
	if rec.Code != 201 {
		t.Fatalf("%d %s", rec.Code, rec.Body)
	}
	var sum struct {
		Questions struct {
			Imported    int `json:"imported"`
			GoldMatched int `json:"gold_matched"`
		} `json:"questions"`
		Descriptions struct {
			Columns  int      `json:"columns"`
			Warnings []string `json:"warnings"`
		} `json:"descriptions"`
	}
	noError(t, json.Unmarshal(rec.Body.Bytes(), &sum))
	if sum.Questions.Imported != 13 || sum.Questions.GoldMatched != 12 || sum.Descriptions.Columns != 19 || len(sum.Descriptions.Warnings) != 2 {
		t.Fatalf("summary %s", rec.Body)
	}
	nlqs, err := e.store.ListNLQs(e.ctx, store.NLQQuery{ProjectID: e.project.ID, Origin: "bird", Text: "key-account"})
	if err != nil || len(nlqs) != 1 {
		t.Fatalf("%d questions: %v", len(nlqs), err)
	}
	d := fmt.Sprintf("/api/v1/projects/%d/databases/%d", e.project.ID, *nlqs[0].DatabaseID)
	e.run(t, []scenario{
		{Name: "an annotator reads the question's evidence and difficulty", Method: "GET",
			URL: fmt.Sprintf("/api/v1/projects/%d/nlqs/%d", e.project.ID, nlqs[0].ID), As: "annotator", ExpectedStatus: 200,
			ExpectedContent: []string{`"evidence":"key-account refers to segment = 'KAM'; in 2023 refers to order_date LIKE '2023%'"`, `"difficulty":"challenging"`}},
		{Name: "the schema carries the column descriptions", Method: "GET", URL: d, As: "annotator", ExpectedStatus: 200,
			ExpectedContent: []string{`"name":"client segment"`, `"values":"KAM: key account; SME: small and medium enterprise; LAM: large account"`}},
	})
}
