package server

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/goldset/goldset/sqlexec/sandboxtest"
	"github.com/goldset/goldset/store"
)

// TestSandbox_AttackCorpusThroughTheAPI: an annotator sends every statement of the attack corpus
// to the SQL runner. Each comes back as an error in the result (never a 500), none shows the
// platform's data, and the runner still answers an ordinary query correctly afterwards.
func TestSandbox_AttackCorpusThroughTheAPI(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	// Another project's database: the attacks try to read it too.
	other, err := e.store.CreateProject(e.ctx, store.System, unique("Other"), "", e.users["lead"].ID)
	noError(t, err)
	csv := filepath.Join(t.TempDir(), "secret.csv")
	noError(t, os.WriteFile(csv, []byte("name,code\nhidden,4242-other-project\n"), 0o644))
	imp, err := e.srv.cfg.Importer.ImportCSV(e.ctx, store.System, other.ID, []string{csv}, "secret")
	noError(t, err)
	var platformRole string
	noError(t, e.store.Pool().QueryRow(e.ctx, "SELECT current_user").Scan(&platformRole))
	url := fmt.Sprintf("/api/v1/projects/%d/databases/%d/query", e.project.ID, e.database.ID)
	secrets := []string{"4242-other-project", "$argon2", platformRole + "@"}
	for _, u := range e.users {
		secrets = append(secrets, u.Email)
	}
	for _, a := range sandboxtest.Attacks(e.database.SchemaName, imp.Database.SchemaName, platformRole) {
		rec := e.do(scenario{Method: "POST", URL: url, As: "annotator", Body: jsonBody(map[string]string{"sql": a.SQL})})
		if rec.Code != 200 {
			t.Errorf("%s: %d %s", a.Name, rec.Code, rec.Body)
			continue
		}
		var res struct {
			Error string `json:"error"`
			Rows  [][]any
		}
		noError(t, json.Unmarshal(rec.Body.Bytes(), &res))
		if res.Error == "" {
			t.Errorf("%s: ran: %v", a.Name, res.Rows)
		}
		for _, s := range secrets {
			if strings.Contains(rec.Body.String(), s) {
				t.Errorf("%s: the answer shows %q: %s", a.Name, s, rec.Body)
			}
		}
	}
	e.run(t, []scenario{{Name: "the runner still works", Method: "POST", URL: url, As: "annotator",
		Body: `{"sql":"SELECT name FROM singer WHERE net_worth_millions > 29"}`, ExpectedStatus: 200,
		ExpectedContent: []string{`"rows":[["Liliane"]]`}}})
}
