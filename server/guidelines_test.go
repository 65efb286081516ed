package server

import (
	"strings"
	"testing"

	"github.com/goldset/goldset/store"
)

// guidelineVersion is the fixture project's current guideline version (0 before the first save).
func (e *env) guidelineVersion(t *testing.T) int {
	t.Helper()
	g, _, err := e.store.CurrentGuideline(e.ctx, e.project.ID)
	noError(t, err)
	return g.Version
}

// guideline saves a new guideline version for the fixture project and returns its number.
func (e *env) guideline(t *testing.T) int {
	t.Helper()
	g, err := e.store.SaveGuideline(e.ctx, store.System, e.project.ID, "## R: "+unique("Rule"), "fixture", e.guidelineVersion(t))
	noError(t, err)
	return g.Version
}

func TestGuidelines_SaveVersionsDiffAndPermissions(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	g := e.projectAPI + "/guidelines"
	v1 := "# Guidelines\n\n## R: Qualify ambiguous columns\nWrite table.column when two tables share a name.\n\n## R: Count distinct entities\nCount singers, not rows.\n"
	v2 := strings.Replace(v1, "## R: Qualify", "## R1: Qualify", 1)
	v2 = strings.Replace(v2, "## R: Count", "## R2: Count", 1) + "\n## R: Order names alphabetically\nUnless the question says otherwise.\n"
	e.run(t, []scenario{
		{Name: "before any save: no current version", Method: "GET", URL: g, As: "annotator", ExpectedStatus: 200,
			ExpectedContent: []string{`"current":null`, `"versions":[]`}},
		{Name: "an annotator cannot save", Method: "PUT", URL: g, As: "annotator", ExpectedStatus: 403,
			Body: jsonBody(map[string]any{"markdown": v1, "summary": "first", "version": 0})},
		{Name: "the version is required", Method: "PUT", URL: g, As: "lead", ExpectedStatus: 400,
			Body: jsonBody(map[string]any{"markdown": v1, "summary": "first"}), ExpectedContent: []string{`"version":"is required`}},
		{Name: "a summary is required", Method: "PUT", URL: g, As: "lead", ExpectedStatus: 400,
			Body: jsonBody(map[string]any{"markdown": v1, "summary": " ", "version": 0}), ExpectedContent: []string{`"summary":"is required`}},
		{Name: "first save numbers the rules", Method: "PUT", URL: g, As: "lead", ExpectedStatus: 201,
			Body:            jsonBody(map[string]any{"markdown": v1, "summary": "first version", "version": 0}),
			ExpectedContent: []string{`"version":1`, `"assigned":["R1","R2"]`, `## R1: Qualify ambiguous columns`, `"id":"R2","title":"Count distinct entities"`, `"rule_count":2`}},
		{Name: "duplicate IDs are a field error", Method: "PUT", URL: g, As: "lead", ExpectedStatus: 400,
			Body:            jsonBody(map[string]any{"markdown": "## R1: One\n## R1: Two", "summary": "dup", "version": 1}),
			ExpectedContent: []string{`"code":"invalid_input"`, `"markdown":"line 2: R1 is used twice (also on line 1)`}},
		{Name: "second save: a new rule gets the next ID", Method: "PUT", URL: g, Cookie: "lead", ExpectedStatus: 201,
			Body:            jsonBody(map[string]any{"markdown": v2, "summary": "order names", "version": 1}),
			ExpectedContent: []string{`"version":2`, `"assigned":["R3"]`, `## R3: Order names alphabetically`, `"summary":"order names"`}},
		{Name: "a save from an old version is stale", Method: "PUT", URL: g, As: "admin", ExpectedStatus: 409,
			Body:            jsonBody(map[string]any{"markdown": v1 + "\nmore", "summary": "late", "version": 1}),
			ExpectedContent: []string{`"code":"stale_version"`, `"current_version":2`}},
		{Name: "annotators read the current version and the list", Method: "GET", URL: g, As: "annotator", ExpectedStatus: 200,
			ExpectedContent: []string{`"current":{"version":2`, `"markdown":"# Guidelines`, `"versions":[{"version":2`, `{"version":1,"summary":"first version"`, `"author_email":"` + e.users["lead"].Email}},
		{Name: "an old version", Method: "GET", URL: g + "/1", As: "annotator", ExpectedStatus: 200,
			ExpectedContent: []string{`"version":1`, `"rule_count":2`}, NotExpected: []string{"Order names"}},
		{Name: "a missing version", Method: "GET", URL: g + "/9", As: "annotator", ExpectedStatus: 404},
		{Name: "diff: lines and rules", Method: "GET", URL: g + "/diff?from=1&to=2", As: "annotator", ExpectedStatus: 200,
			ExpectedContent: []string{`{"op":"insert","lines":["","## R3: Order names alphabetically","Unless the question says otherwise."]}`,
				`"added":[{"id":"R3","title":"Order names alphabetically"}]`, `"removed":[]`, `"changed":[]`}},
		{Name: "diff from the empty document", Method: "GET", URL: g + "/diff?from=0&to=1", As: "annotator", ExpectedStatus: 200,
			ExpectedContent: []string{`"hunks":[{"op":"insert"`, `"added":[{"id":"R1"`}},
		{Name: "diff needs both versions", Method: "GET", URL: g + "/diff?to=2", As: "annotator", ExpectedStatus: 400,
			ExpectedContent: []string{`"from":"is required`}},
		{Name: "diff with a missing version", Method: "GET", URL: g + "/diff?from=1&to=7", As: "annotator", ExpectedStatus: 404},
		{Name: "an outsider cannot read", Method: "GET", URL: g, As: "outsider", ExpectedStatus: 403},
		{Name: "the saves are audited", Method: "GET", URL: e.projectAPI + "/audit", As: "lead", ExpectedStatus: 200,
			ExpectedContent: []string{`"action":"guideline.save"`, `"assigned":["R3"]`}},
	})
}
