package server

import (
	"fmt"
	"net/http"
	"strings"
	"testing"

	"github.com/jackc/pgx/v5"

	"github.com/goldset/goldset/store"
)

// TestBlind_AnnotatorWithALiveClaimReadsNoOneElsesSQL: a question with an imported reference, the
// agent's SQL and another annotator's submitted SQL; a blind annotator holds a live claim on its
// second slot and calls every GET route of the API (and the SQL check) with the question, its
// database and a table filled in. None of the three SQLs appears in any answer. After the annotator
// submits, the question's history shows them all; a reviewer sees them throughout.
func TestBlind_AnnotatorWithALiveClaimReadsNoOneElsesSQL(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	e.setPolicy(t, map[string]any{"annotators_per_item": 2, "blind": true, "audit_rate": 0.0})
	peer := e.newUser("peer", false)
	if _, err := e.store.AddMember(e.ctx, store.System, e.project.ID, peer.Email, "annotator"); err != nil {
		t.Fatal(err)
	}
	e.users["peer"] = peer
	noError(t, e.srv.authz.reload(e.ctx))
	markers := []string{"ref_marker", "agent_marker", "peer_marker"}
	dbID := e.database.ID
	n := store.NLQ{ProjectID: e.project.ID, DatabaseID: &dbID, Question: "Which singers are there?"}
	e.inTx(t, func(tx pgx.Tx) {
		if _, err := store.InsertNLQ(e.ctx, tx, store.System, &n); err != nil {
			t.Fatal(err)
		}
		for src, sql := range map[string]string{"import": "SELECT name AS ref_marker FROM singer", "agent": "SELECT name AS agent_marker FROM singer"} {
			c := store.Candidate{NLQID: n.ID, Source: src, SQL: sql}
			noError(t, store.InsertCandidate(e.ctx, tx, store.System, &c))
		}
		if _, err := store.CreateAnnotationItems(e.ctx, tx, e.project.ID, n.ID, 2); err != nil {
			t.Fatal(err)
		}
	})
	ann := e.projectAPI + "/annotation"
	peerTask := e.nextTask(t, "peer")
	rec := e.do(scenario{Method: "POST", URL: fmt.Sprintf("%s/items/%d/submit", ann, peerTask.Item.ID), As: "peer",
		Body: jsonBody(map[string]any{"version": peerTask.Item.Version, "sql": "SELECT name AS peer_marker FROM singer"})})
	if rec.Code != 200 {
		t.Fatalf("peer submit: %d %s", rec.Code, rec.Body)
	}
	mine := e.nextTask(t, "annotator")
	if mine.Item.NLQID != n.ID {
		t.Fatalf("the annotator claimed question %d, want %d", mine.Item.NLQID, n.ID)
	}

	fill := strings.NewReplacer(":project", fmt.Sprint(e.project.ID), ":nlq", fmt.Sprint(n.ID), ":database", fmt.Sprint(dbID),
		":table", "singer", ":version", "1", ":run", "1", ":snapshot", "1", ":user", fmt.Sprint(e.users["annotator"].ID),
		":item", fmt.Sprint(mine.Item.ID), ":member", fmt.Sprint(e.users["annotator"].ID), ":token", "1", ":candidate", "1")
	walked := 0
	for _, r := range e.srv.routes() {
		if r.Method != http.MethodGet || r.Path == "/*" || strings.HasSuffix(r.Path, "/stream") || strings.HasSuffix(r.Path, "/export") {
			continue
		}
		url := fill.Replace(r.Path)
		for _, q := range []string{"", "?q=singers", "?database=" + fmt.Sprint(dbID)} {
			rec := e.do(scenario{Method: "GET", URL: url + q, As: "annotator"})
			walked++
			for _, m := range markers {
				if strings.Contains(rec.Body.String(), m) {
					t.Errorf("GET %s%s (%d) shows %s: %s", url, q, rec.Code, m, rec.Body)
				}
			}
		}
	}
	check := e.do(scenario{Method: "POST", URL: fmt.Sprintf("/api/v1/projects/%d/nlqs/%d/check", e.project.ID, n.ID), As: "annotator",
		Body: `{"sql":"SELECT name FROM singer"}`})
	if check.Code != 200 || strings.Contains(check.Body.String(), "execution_match") {
		t.Errorf("check tells the answer: %d %s", check.Code, check.Body)
	}
	t.Logf("%d GET requests walked", walked)

	history := fmt.Sprintf("/api/v1/projects/%d/nlqs/%d", e.project.ID, n.ID)
	e.run(t, []scenario{
		{Name: "a reviewer sees every SQL", Method: "GET", URL: history, As: "reviewer", ExpectedStatus: 200, ExpectedContent: markers},
		{Name: "the list says the answers are hidden", Method: "GET", URL: e.projectAPI + "/nlqs", As: "annotator",
			ExpectedStatus: 200, ExpectedContent: []string{`"answers_hidden":true`}},
	})
	rec = e.do(scenario{Method: "POST", URL: fmt.Sprintf("%s/items/%d/submit", ann, mine.Item.ID), As: "annotator",
		Body: jsonBody(map[string]any{"version": mine.Item.Version, "sql": "SELECT name FROM singer"})})
	if rec.Code != 200 {
		t.Fatalf("submit: %d %s", rec.Code, rec.Body)
	}
	e.run(t, []scenario{{Name: "after submitting, the annotator sees them", Method: "GET", URL: history, As: "annotator",
		ExpectedStatus: 200, ExpectedContent: markers}})
}
