package server

import (
	"fmt"
	"net/http"
	"testing"

	"github.com/goldset/goldset/pipelines/agentbatch"
	"github.com/goldset/goldset/store"
)

// A question that went around the loop (agent SQL, a disagreeing annotator, a reviewer's decision)
// is found by the reviewer's error type, counted in the facets, and its history tells the whole story.
func TestNLQs_FiltersFacetsAndHistory(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	e.drainReviews(t)
	p := e.projectAPI
	got, nlq := e.claimNew(t, "annotator")
	other := e.nlq(t) // untouched: must not match the error-type filter
	sub := e.do(scenario{Method: "POST", URL: fmt.Sprintf("%s/annotation/items/%d/submit", p, got.Item.ID), As: "annotator",
		Body: jsonBody(map[string]any{"version": got.Item.Version, "sql": disagreeSQL})})
	if sub.Code != http.StatusOK {
		t.Fatalf("submit: %d %s", sub.Code, sub.Body.String())
	}
	claimed := decode[struct{ Item store.ReviewItemView }](t, e.do(scenario{Method: "POST", URL: p + "/review/next", As: "reviewer"})).Item
	if claimed.NLQID != nlq {
		t.Fatalf("reviewer claimed %+v", claimed)
	}
	dec := e.do(scenario{Method: "POST", URL: fmt.Sprintf("%s/review/items/%d/decision", p, claimed.ID), As: "reviewer",
		Body: jsonBody(map[string]any{"version": claimed.Version, "decision": "accept_a", "error_type": "ordering_limit",
			"comment": "ties are broken by net worth"})})
	if dec.Code != http.StatusOK {
		t.Fatalf("decision: %d %s", dec.Code, dec.Body.String())
	}

	ids := func(url string) map[int64]bool {
		t.Helper()
		rec := e.do(scenario{Method: "GET", URL: url, As: "annotator"})
		if rec.Code != http.StatusOK {
			t.Fatalf("%s: %d %s", url, rec.Code, rec.Body.String())
		}
		out := map[int64]bool{}
		for _, n := range decode[struct{ NLQs []store.NLQWithSQL }](t, rec).NLQs {
			out[n.ID] = true
		}
		return out
	}
	if got := ids(p + "/nlqs?error_type=ordering_limit"); !got[nlq] || got[other] {
		t.Errorf("error_type=ordering_limit: %v (want %d, not %d)", got, nlq, other)
	}
	if got := ids(p + "/nlqs?error_type=join"); got[nlq] {
		t.Errorf("error_type=join selects %d", nlq)
	}
	if got := ids(p + "/nlqs?status=accepted&q=RICHEST"); !got[nlq] || got[other] {
		t.Errorf("status=accepted&q=RICHEST: %v", got)
	}
	if got := ids(p + "/nlqs?q=nobody+asked+this"); len(got) != 0 {
		t.Errorf("q matching nothing: %v", got)
	}
	if got := ids(p + "/nlqs?origin=spider"); len(got) != 0 {
		t.Errorf("origin=spider in a project without Spider questions: %v", got)
	}
	e.run(t, []scenario{
		{Name: "an unknown error type", Method: "GET", URL: p + "/nlqs?error_type=typo", As: "annotator",
			ExpectedStatus: http.StatusBadRequest, ExpectedContent: []string{`"error_type"`}},
		{Name: "a question of another project", Method: "GET", URL: fmt.Sprintf("%s/nlqs/%d", p, nlq+1_000_000), As: "annotator",
			ExpectedStatus: http.StatusNotFound},
	})

	f := decode[store.NLQFacets](t, e.do(scenario{Method: "GET", URL: p + "/nlqs/facets", As: "annotator"}))
	if f.ErrorTypes["ordering_limit"] != 1 || f.Statuses[store.NLQNew] < 1 || f.Statuses["accepted"] != 1 || f.Stages["human-seed"] < 2 {
		t.Errorf("facets: %+v", f)
	}

	h := decode[store.NLQHistory](t, e.do(scenario{Method: "GET", URL: fmt.Sprintf("%s/nlqs/%d", p, nlq), As: "annotator"}))
	if h.NLQ.Status != "accepted" || h.NLQ.GoldID == nil {
		t.Fatalf("history nlq: %+v", h.NLQ)
	}
	sources := []string{}
	for _, c := range h.Candidates {
		sources = append(sources, c.Source)
	}
	if fmt.Sprint(sources) != "[import agent human]" {
		t.Errorf("candidates: %v", sources)
	}
	human := h.Candidates[2]
	if human.AuthorEmail == nil || *human.AuthorEmail != e.users["annotator"].Email || human.SQL != disagreeSQL {
		t.Errorf("the annotator's candidate: %+v", human)
	}
	if *h.NLQ.GoldID != h.Candidates[1].ID {
		t.Errorf("gold %d, want the agent's candidate %d (accept_a)", *h.NLQ.GoldID, h.Candidates[1].ID)
	}
	if len(h.Annotations) != 1 || h.Annotations[0].Email == nil || *h.Annotations[0].Email != e.users["annotator"].Email {
		t.Errorf("annotations: %+v", h.Annotations)
	}
	if len(h.Comparisons) != 1 || h.Comparisons[0].Match || h.Comparisons[0].CandidateB != human.ID {
		t.Errorf("comparisons: %+v", h.Comparisons)
	}
	if len(h.ReviewItems) != 1 || len(h.ReviewItems[0].Reviews) != 1 {
		t.Fatalf("review items: %+v", h.ReviewItems)
	}
	r := h.ReviewItems[0].Reviews[0]
	if r.ErrorType != "ordering_limit" || r.Comment != "ties are broken by net worth" || r.ReviewerEmail == nil || *r.ReviewerEmail != e.users["reviewer"].Email {
		t.Errorf("review: %+v", r)
	}
	actions := map[string]bool{}
	for _, ev := range h.Events {
		actions[ev.Action] = true
	}
	for _, want := range []string{"annotation.claim", "annotation.submit", "review.create", "review.claim", "review.decide", "nlq.decide"} {
		if !actions[want] {
			t.Errorf("events lack %s: %v", want, actions)
		}
	}
}

// A person writes a question with SQL about a database: the SQL is run and stored as the question's
// first annotation, and the agent's answer is compared with it when it comes.
func TestNLQs_WriteAQuestionWithItsSQL(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	e.drainReviews(t)
	p := e.projectAPI
	body := func(question, sql string) string {
		return jsonBody(map[string]any{"database_id": e.database.ID, "question": question, "sql": sql})
	}
	const question = "How many singers are from France?"
	rec := e.do(scenario{Method: "POST", URL: p + "/nlqs", As: "annotator", Body: body(question, "SELECT count(*) FROM singer WHERE country = 'France'")})
	if rec.Code != http.StatusCreated {
		t.Fatalf("write: %d %s", rec.Code, rec.Body.String())
	}
	written := decode[struct {
		NLQ    store.NLQ
		Result struct {
			RowCount int `json:"row_count"`
		}
	}](t, rec)
	if written.NLQ.Stage != "human-seed" || written.Result.RowCount != 1 {
		t.Fatalf("written: %+v", written)
	}
	e.run(t, []scenario{
		{Name: "the same question again, in other case and spacing", Method: "POST", URL: p + "/nlqs", As: "reviewer",
			Body: body("how many  singers are from FRANCE?", ""), ExpectedStatus: http.StatusConflict,
			ExpectedContent: []string{fmt.Sprintf("already asked about this database (question %d)", written.NLQ.ID)}},
		{Name: "SQL that does not run", Method: "POST", URL: p + "/nlqs", As: "annotator", Body: body("Who sang?", "SELECT nope FROM singer"),
			ExpectedStatus: http.StatusBadRequest, ExpectedContent: []string{`"sql"`, "does not run"}},
		{Name: "a write is refused", Method: "POST", URL: p + "/nlqs", As: "annotator", Body: body("Drop it?", "DELETE FROM singer"),
			ExpectedStatus: http.StatusBadRequest, ExpectedContent: []string{`"sql"`}},
		{Name: "no question", Method: "POST", URL: p + "/nlqs", As: "annotator", Body: body("  ", ""),
			ExpectedStatus: http.StatusBadRequest, ExpectedContent: []string{`"question"`}},
		{Name: "a database of another project", Method: "POST", URL: p + "/nlqs", As: "annotator",
			Body: jsonBody(map[string]any{"database_id": e.database.ID + 1000, "question": "Anyone?"}), ExpectedStatus: http.StatusNotFound},
		{Name: "a question without SQL", Method: "POST", URL: p + "/nlqs", As: "annotator", Body: body("Which singer is the oldest?", ""),
			ExpectedStatus: http.StatusCreated, NotExpected: []string{`"result"`}},
	})
	if n := e.count(t, `SELECT count(*) FROM nlqs WHERE project_id = $1 AND question ILIKE 'how many%singers are from france?'`, e.project.ID); n != 1 {
		t.Fatalf("%d copies of the question", n)
	}
	// The agent (the fixture's fake model answers count(*) of all singers: 3, not 1) disagrees: review.
	run, err := e.srv.cfg.Agents.StartBatch(e.ctx, store.System, e.project.ID, agentbatch.Params{Stage: "human-seed"})
	noError(t, err)
	noError(t, e.srv.cfg.Runner.Execute(e.ctx, run))
	e.wantStatus(t, written.NLQ.ID, store.NLQNeedsReview, "after the agent disagreed with the writer")
	if n := e.count(t, `SELECT count(*) FROM review_items WHERE nlq_id = $1 AND reason = 'disagreement' AND $2 = ANY(authors)`,
		written.NLQ.ID, e.users["annotator"].ID); n != 1 {
		t.Fatalf("%d disagreement items with the writer as author", n)
	}
}
