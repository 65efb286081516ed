package server

import (
	"fmt"
	"net/http"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/goldset/goldset/store"
)

// reviewItem queues a disagreement about a new question of the fixture database: candidate A is
// imported, candidate B written by the given author (none: by the agent).
func (e *env) reviewItem(t *testing.T, author ...*fixtureUser) int64 {
	t.Helper()
	nlq := e.nlq(t)
	var it store.ReviewItem
	e.inTx(t, func(tx pgx.Tx) {
		var a int64
		noError(t, tx.QueryRow(e.ctx, `SELECT id FROM sql_candidates WHERE nlq_id = $1`, nlq).Scan(&a))
		by, source := store.System, "agent"
		if len(author) > 0 {
			by, source = store.Actor{UserID: author[0].ID}, "human"
		}
		b := store.Candidate{NLQID: nlq, Source: source, SQL: "SELECT name FROM singer ORDER BY net_worth_millions DESC LIMIT 1"}
		noError(t, store.InsertCandidate(e.ctx, tx, by, &b))
		it = store.ReviewItem{ProjectID: e.project.ID, NLQID: nlq, Reason: "disagreement", CandidateA: &a, CandidateB: &b.ID}
		noError(t, store.CreateReviewItem(e.ctx, tx, store.System, &it))
	})
	return it.ID
}

// claimed queues an item and claims it for the fixture user of role as (the reviewer for roles that
// may not claim), returning what that user holds.
func (e *env) claimed(t *testing.T, as string) store.ReviewItemView {
	t.Helper()
	e.reviewItem(t)
	u, ok := e.users[as]
	if !ok || rank(as) < rank("reviewer") {
		u = e.users["reviewer"]
	}
	it, err := e.store.ClaimReviewItem(e.ctx, store.System, e.project.ID, u.ID, time.Minute)
	noError(t, err)
	return it
}

func (e *env) drainReviews(t *testing.T) {
	t.Helper()
	if _, err := e.store.Pool().Exec(e.ctx, `UPDATE review_items SET status = 'resolved' WHERE project_id = $1`, e.project.ID); err != nil {
		t.Fatal(err)
	}
}

func TestReviewAPI_ClaimDecideRelease(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	p := e.projectAPI + "/review"
	e.run(t, []scenario{
		{Name: "empty queue answers 204", Method: "POST", URL: p + "/next", As: "reviewer", ExpectedStatus: http.StatusNoContent},
		{Name: "annotators do not review", Method: "POST", URL: p + "/next", As: "annotator", ExpectedStatus: http.StatusForbidden},
	})

	id := e.reviewItem(t)
	rec := e.do(scenario{Method: "POST", URL: p + "/next", As: "reviewer"})
	if rec.Code != http.StatusOK {
		t.Fatalf("next: %d %s", rec.Code, rec.Body.String())
	}
	got := decode[struct{ Item store.ReviewItemView }](t, rec).Item
	if got.ID != id || got.Question != "Who is the richest singer?" || got.A == nil || got.B == nil || got.DatabaseID == nil {
		t.Fatalf("next gave %s", rec.Body.String())
	}
	item := fmt.Sprintf("%s/items/%d", p, id)
	decision := func(v int, fields map[string]any) string {
		body := map[string]any{"version": v, "decision": "accept_b", "error_type": "ordering_limit"}
		for k, x := range fields {
			body[k] = x
		}
		return jsonBody(body)
	}
	e.run(t, []scenario{
		{Name: "someone else's claim cannot be decided", Method: "POST", URL: item + "/decision", As: "lead", Body: decision(got.Version, nil),
			ExpectedStatus: http.StatusConflict, ExpectedContent: []string{"claimed by someone else"}},
		{Name: "someone else's claim cannot be released", Method: "POST", URL: item + "/release", As: "lead", ExpectedStatus: http.StatusConflict},
		{Name: "version is required", Method: "POST", URL: item + "/decision", As: "reviewer", Body: `{"decision":"accept_a","error_type":"other"}`,
			ExpectedStatus: http.StatusBadRequest, ExpectedContent: []string{`"version"`}},
		{Name: "error type is required", Method: "POST", URL: item + "/decision", As: "reviewer", Body: decision(got.Version, map[string]any{"error_type": ""}),
			ExpectedStatus: http.StatusBadRequest, ExpectedContent: []string{`"error_type"`}},
		{Name: "an edit needs final SQL", Method: "POST", URL: item + "/decision", As: "reviewer", Body: decision(got.Version, map[string]any{"decision": "edit"}),
			ExpectedStatus: http.StatusBadRequest, ExpectedContent: []string{`"final_sql"`}},
		{Name: "a rewrite needs the question", Method: "POST", URL: item + "/decision", As: "reviewer",
			Body: decision(got.Version, map[string]any{"decision": "rewrite_question"}), ExpectedStatus: http.StatusBadRequest, ExpectedContent: []string{`"question"`}},
		{Name: "unknown fields are refused", Method: "POST", URL: item + "/decision", As: "reviewer", Body: decision(got.Version, map[string]any{"verdict": "x"}),
			ExpectedStatus: http.StatusBadRequest, ExpectedContent: []string{`"verdict"`}},
		{Name: "a stale version is 409", Method: "POST", URL: item + "/decision", As: "reviewer", Body: decision(got.Version-1, nil),
			ExpectedStatus: http.StatusConflict, ExpectedContent: []string{"stale_version", fmt.Sprintf(`"current_version":%d`, got.Version)}},
		{Name: "stats count the claim", Method: "GET", URL: p + "/stats", As: "reviewer", ExpectedStatus: http.StatusOK,
			ExpectedContent: []string{`"claimed":1`, `"total":1`, `"disagreement":1`}},
		{Name: "release puts it back", Method: "POST", URL: item + "/release", As: "reviewer", ExpectedStatus: http.StatusNoContent},
		{Name: "a released item cannot be decided", Method: "POST", URL: item + "/decision", As: "reviewer", Body: decision(got.Version+1, nil),
			ExpectedStatus: http.StatusConflict, ExpectedContent: []string{"not claimed"}},
		{Name: "another reviewer takes it", Method: "POST", URL: p + "/next", As: "lead", ExpectedStatus: http.StatusOK,
			ExpectedContent: []string{fmt.Sprintf(`"id":%d`, id), `"version":4`}},
		{Name: "and decides it", Method: "POST", URL: item + "/decision", As: "lead",
			Body:           decision(4, map[string]any{"decision": "edit", "final_sql": "SELECT 1", "rule_ids": []string{"R1"}, "comment": "ties"}),
			ExpectedStatus: http.StatusOK, ExpectedContent: []string{`"decision":"edit"`, `"final_sql":"SELECT 1"`, `"rule_ids":["R1"]`}},
		{Name: "a resolved item is not decided twice", Method: "POST", URL: item + "/decision", As: "lead", Body: decision(5, nil),
			ExpectedStatus: http.StatusConflict, ExpectedContent: []string{"already resolved"}},
		{Name: "an item of another project is not found", Method: "POST", URL: fmt.Sprintf("/api/v1/projects/%d/review/items/%d/release", e.project.ID+1000, id),
			As: "admin", ExpectedStatus: http.StatusNotFound},
		{Name: "the audit log has every step", Method: "GET", URL: e.projectAPI + "/audit", As: "lead", ExpectedStatus: http.StatusOK,
			ExpectedContent: []string{`"review.claim"`, `"review.release"`, `"review.decide"`}},
	})
}

func TestReviewAPI_AuthorsNeverReviewTheirOwnWork(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	e.drainReviews(t)
	p := e.projectAPI + "/review"
	e.reviewItem(t, e.users["reviewer"])
	e.run(t, []scenario{
		{Name: "the author's only item is not theirs to take", Method: "POST", URL: p + "/next", As: "reviewer", ExpectedStatus: http.StatusNoContent},
		{Name: "another reviewer gets it", Method: "POST", URL: p + "/next", As: "lead", ExpectedStatus: http.StatusOK, ExpectedContent: []string{`"source":"human"`}},
	})
}

// releaseClaims gives back every review item the fixture user of role as (the reviewer for roles
// that may not review) holds: a person holds one claim at a time.
func (e *env) releaseClaims(t *testing.T, as string) {
	t.Helper()
	e.freeHolder(t, "review_items", as, "reviewer")
}

// freeHolder is the fixture user of role as, or of role least when as ranks below it, after every
// item of table (annotation_items or review_items) they hold went back to the queue: a person holds
// one claim at a time, and an earlier scenario may have left one.
func (e *env) freeHolder(t *testing.T, table, as, least string) *fixtureUser {
	t.Helper()
	u, ok := e.users[as]
	if !ok || rank(as) < rank(least) {
		u = e.users[least]
	}
	q := `UPDATE ` + table + ` SET status = 'pending', claimed_by = NULL, lease_until = NULL WHERE claimed_by = $1 AND status = 'claimed'`
	if _, err := e.store.Pool().Exec(e.ctx, q, u.ID); err != nil {
		t.Fatal(err)
	}
	return u
}

// The queue a team can see and steer: counts and a filtered list; a reviewer opens a particular
// item; a lead sees who holds what since when, releases a stale claim and hands an item to someone.
func TestReviewAPI_QueueListOpenReleaseAssign(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	p := e.projectAPI + "/review"
	first := e.reviewItem(t)
	second := e.reviewItem(t)
	own := e.reviewItem(t, e.users["reviewer"]) // the reviewer wrote a candidate of it
	e.run(t, []scenario{
		{Name: "the queue with its counts", Method: "GET", URL: p + "/items", As: "reviewer", ExpectedStatus: 200,
			ExpectedContent: []string{fmt.Sprintf(`"id":%d`, first), `"state":"pending"`, `"own_work":true`, `"by_database":{"singers":{"pending":3}}`}},
		{Name: "bad state", Method: "GET", URL: p + "/items?state=lost", As: "reviewer", ExpectedStatus: 400, ExpectedContent: []string{`"state"`}},
		{Name: "open a particular item", Method: "POST", URL: fmt.Sprintf("%s/items/%d/claim", p, second), As: "reviewer", ExpectedStatus: 200,
			ExpectedContent: []string{fmt.Sprintf(`"id":%d`, second), `"candidates":[`}},
		{Name: "one claim at a time", Method: "POST", URL: fmt.Sprintf("%s/items/%d/claim", p, first), As: "reviewer", ExpectedStatus: 409,
			ExpectedContent: []string{fmt.Sprintf("holds review item %d", second)}},
		{Name: "never one's own work", Method: "POST", URL: fmt.Sprintf("%s/items/%d/claim", p, own), As: "lead", ExpectedStatus: 200},
		{Name: "the next item is the one opened", Method: "POST", URL: p + "/next", As: "reviewer", ExpectedStatus: 200,
			ExpectedContent: []string{fmt.Sprintf(`"id":%d`, second)}},
		{Name: "a lead sees who holds it", Method: "GET", URL: p + "/items?state=claimed", As: "lead", ExpectedStatus: 200,
			ExpectedContent: []string{`"claimed_by_email":"` + e.users["reviewer"].Email, `"claimed_at":`}},
		{Name: "a reviewer does not see who else holds what", Method: "GET", URL: p + "/items?state=claimed", As: "reviewer", ExpectedStatus: 200,
			NotExpected: []string{e.users["lead"].Email}},
		{Name: "a reviewer may not release another's claim", Method: "POST", URL: fmt.Sprintf("%s/items/%d/unclaim", p, own), As: "reviewer", ExpectedStatus: 403},
		{Name: "a lead releases a stale claim", Method: "POST", URL: fmt.Sprintf("%s/items/%d/unclaim", p, second), As: "lead", ExpectedStatus: 204},
		{Name: "and hands an item to the reviewer", Method: "POST", URL: fmt.Sprintf("%s/items/%d/assign", p, first), As: "lead",
			Body: jsonBody(map[string]any{"user_id": e.users["reviewer"].ID}), ExpectedStatus: 200},
		{Name: "not to someone who wrote it", Method: "POST", URL: fmt.Sprintf("%s/items/%d/assign", p, own), As: "lead",
			Body: jsonBody(map[string]any{"user_id": e.users["reviewer"].ID}), ExpectedStatus: 409},
		{Name: "nor to an annotator", Method: "POST", URL: fmt.Sprintf("%s/items/%d/assign", p, second), As: "lead",
			Body: jsonBody(map[string]any{"user_id": e.users["annotator"].ID}), ExpectedStatus: 400},
		{Name: "the reviewer's next is the assigned one", Method: "POST", URL: p + "/next", As: "reviewer", ExpectedStatus: 200,
			ExpectedContent: []string{fmt.Sprintf(`"id":%d`, first)}},
	})
}
