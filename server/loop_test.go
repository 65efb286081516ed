package server

import (
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"sync"
	"testing"

	"github.com/jackc/pgx/v5"

	"github.com/goldset/goldset/pipelines/agentbatch"
	"github.com/goldset/goldset/store"
)

// agreeSQL is the agent's answer in these tests; disagreeSQL gives another result.
const (
	agreeSQL    = "SELECT name FROM singer ORDER BY net_worth_millions DESC NULLS LAST LIMIT 1"
	disagreeSQL = "SELECT name FROM singer ORDER BY name LIMIT 1"
)

// annotationItem adds a question of the fixture database with the agent's SQL and one annotation
// item for it; it returns the item and the question.
func (e *env) annotationItem(t *testing.T, agentSQL string) (item, nlq int64) {
	t.Helper()
	nlq = e.nlq(t)
	e.inTx(t, func(tx pgx.Tx) {
		c := store.Candidate{NLQID: nlq, Source: "agent", SQL: agentSQL}
		noError(t, store.InsertCandidate(e.ctx, tx, store.System, &c))
		if _, err := store.CreateAnnotationItems(e.ctx, tx, e.project.ID, nlq, 1); err != nil {
			t.Fatal(err)
		}
		noError(t, tx.QueryRow(e.ctx, `SELECT id FROM annotation_items WHERE nlq_id = $1`, nlq).Scan(&item))
	})
	return item, nlq
}

// claimedAnnotation makes an item claimed by the fixture user of role as (the annotator for roles
// that may not annotate) and returns it with its version.
func (e *env) claimedAnnotation(t *testing.T, as string) (int64, int) {
	t.Helper()
	id, _ := e.annotationItem(t, agreeSQL)
	u := e.freeHolder(t, "annotation_items", as, "annotator")
	var v int
	if err := e.store.Pool().QueryRow(e.ctx, `UPDATE annotation_items SET status = 'claimed', claimed_by = $2,
		lease_until = now() + interval '10 minutes', version = version + 1 WHERE id = $1 RETURNING version`, id, u.ID).Scan(&v); err != nil {
		t.Fatal(err)
	}
	return id, v
}

func (e *env) setPolicy(t *testing.T, fields map[string]any) {
	t.Helper()
	pol, err := e.store.Policy(e.ctx, e.project.ID)
	noError(t, err)
	fields["version"] = pol.Version
	rec := e.do(scenario{Method: "PUT", URL: e.projectAPI + "/policy", As: "lead", Body: jsonBody(fields)})
	if rec.Code != http.StatusOK {
		t.Fatalf("policy: %d %s", rec.Code, rec.Body.String())
	}
}

type nlqState struct {
	Status   string
	Gold     *int64
	Question string
}

func (e *env) nlqState(t *testing.T, id int64) nlqState {
	t.Helper()
	var s nlqState
	if err := e.store.Pool().QueryRow(e.ctx, `SELECT status, gold_candidate_id, question FROM nlqs WHERE id = $1`, id).
		Scan(&s.Status, &s.Gold, &s.Question); err != nil {
		t.Fatal(err)
	}
	return s
}

// wantStatus fails the test unless the question's status is want; when says at what point.
func (e *env) wantStatus(t *testing.T, nlq int64, want, when string) {
	t.Helper()
	if st := e.nlqState(t, nlq); st.Status != want {
		t.Fatalf("%s: %+v", when, st)
	}
}

func (e *env) count(t *testing.T, sql string, args ...any) int {
	t.Helper()
	var n int
	noError(t, e.store.Pool().QueryRow(e.ctx, sql, args...).Scan(&n))
	return n
}

type task struct {
	Item     store.AnnotationItem
	Question string
	AgentSQL *string `json:"agent_sql"`
}

// nextTask claims the next annotation item as the fixture user of role as.
func (e *env) nextTask(t *testing.T, as string) task {
	t.Helper()
	return decode[task](t, e.do(scenario{Method: "POST", URL: e.projectAPI + "/annotation/next", As: as}))
}

// claimNew adds an annotation item (the agent's answer agreeSQL) and claims it as the fixture user of
// role as; it returns the claimed task and the item's question.
func (e *env) claimNew(t *testing.T, as string) (task, int64) {
	t.Helper()
	item, nlq := e.annotationItem(t, agreeSQL)
	got := e.nextTask(t, as)
	if got.Item.ID != item {
		t.Fatalf("%s claimed %+v, want item %d", as, got, item)
	}
	return got, nlq
}

func TestAnnotationAPI_Policy(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	p := e.projectAPI + "/policy"
	e.run(t, []scenario{
		{Name: "defaults until saved", Method: "GET", URL: p, As: "reviewer", ExpectedStatus: 200,
			ExpectedContent: []string{`"dual_share":0.2`, `"annotators_per_item":1`, `"audit_rate":0.1`, `"blind":true`, `"version":0`}},
		{Name: "annotators do not read it", Method: "GET", URL: p, As: "annotator", ExpectedStatus: http.StatusForbidden},
		{Name: "version is required", Method: "PUT", URL: p, As: "lead", Body: `{"dual_share":0.5}`, ExpectedStatus: 400, ExpectedContent: []string{`"version"`}},
		{Name: "ranges are checked", Method: "PUT", URL: p, As: "lead", Body: `{"version":0,"dual_share":1.5,"annotators_per_item":9}`,
			ExpectedStatus: 400, ExpectedContent: []string{`"dual_share"`, `"annotators_per_item"`}},
		{Name: "a lead saves it", Method: "PUT", URL: p, As: "lead", Body: `{"version":0,"dual_share":0.5,"blind":false}`,
			ExpectedStatus: 200, ExpectedContent: []string{`"dual_share":0.5`, `"blind":false`, `"audit_rate":0.1`, `"version":1`}},
		{Name: "a stale version is 409", Method: "PUT", URL: p, As: "lead", Body: `{"version":0,"dual_share":0.3}`,
			ExpectedStatus: 409, ExpectedContent: []string{"stale_version", `"current_version":1`}},
		{Name: "a reviewer may not write it", Method: "PUT", URL: p, As: "reviewer", Body: `{"version":1}`, ExpectedStatus: http.StatusForbidden},
	})
}

// Blind mode hides the agent's SQL until the annotator submits; an agreement accepts the question with
// the person's SQL as gold, and with audit_rate 1 every agreement also goes to review.
func TestAnnotationAPI_BlindAgreementIsAcceptedAndAudited(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	e.setPolicy(t, map[string]any{"audit_rate": 1.0})
	p := e.projectAPI + "/annotation"
	item, nlq := e.annotationItem(t, agreeSQL)

	rec := e.do(scenario{Method: "POST", URL: p + "/next", As: "annotator"})
	if rec.Code != 200 || strings.Contains(rec.Body.String(), "agent_sql") || strings.Contains(rec.Body.String(), "net_worth") {
		t.Fatalf("blind next: %d %s", rec.Code, rec.Body.String())
	}
	got := decode[task](t, rec)
	if got.Item.ID != item || got.Question != "Who is the richest singer?" {
		t.Fatalf("next gave %s", rec.Body.String())
	}
	e.run(t, []scenario{
		{Name: "asking again gives the same item", Method: "POST", URL: p + "/next", As: "annotator", ExpectedStatus: 200,
			ExpectedContent: []string{fmt.Sprintf(`"id":%d`, item)}},
		{Name: "the SQL is required", Method: "POST", URL: fmt.Sprintf("%s/items/%d/submit", p, item), As: "annotator",
			Body: jsonBody(map[string]any{"version": got.Item.Version + 1}), ExpectedStatus: 400, ExpectedContent: []string{`"sql"`}},
		{Name: "a stale submit is 409", Method: "POST", URL: fmt.Sprintf("%s/items/%d/submit", p, item), As: "annotator",
			Body: jsonBody(map[string]any{"version": got.Item.Version - 1, "sql": agreeSQL}), ExpectedStatus: 409, ExpectedContent: []string{"stale_version"}},
		{Name: "someone else cannot submit it", Method: "POST", URL: fmt.Sprintf("%s/items/%d/submit", p, item), As: "reviewer",
			Body: jsonBody(map[string]any{"version": got.Item.Version, "sql": agreeSQL}), ExpectedStatus: 409, ExpectedContent: []string{"claimed by someone else"}},
		// Same query, written differently: execution match (and the neighbours) say they agree. After submitting, the agent's SQL is shown.
		{Name: "an agreeing submit", Method: "POST", URL: fmt.Sprintf("%s/items/%d/submit", p, item), As: "annotator",
			Body:           jsonBody(map[string]any{"version": got.Item.Version, "sql": "SELECT s.name FROM singer AS s ORDER BY s.net_worth_millions DESC NULLS LAST LIMIT 1", "elapsed_ms": 4200}),
			ExpectedStatus: 200, ExpectedContent: []string{`"result":"agreed"`, `"match":true`, `"audited":true`, `"agent_sql":"SELECT name FROM singer ORDER BY`, `"elapsed_ms":4200`}},
		{Name: "a submitted item cannot be submitted again", Method: "POST", URL: fmt.Sprintf("%s/items/%d/submit", p, item), As: "annotator",
			Body: jsonBody(map[string]any{"version": got.Item.Version + 1, "sql": agreeSQL}), ExpectedStatus: 409, ExpectedContent: []string{"already submitted"}},
		{Name: "nothing left", Method: "POST", URL: p + "/next", As: "annotator", ExpectedStatus: http.StatusNoContent},
	})
	st := e.nlqState(t, nlq)
	var human int64
	noError(t, e.store.Pool().QueryRow(e.ctx, `SELECT candidate_id FROM annotations WHERE item_id = $1`, item).Scan(&human))
	if st.Status != store.NLQAccepted || st.Gold == nil || *st.Gold != human {
		t.Fatalf("after agreement: %+v, human candidate %d", st, human)
	}
	if n := e.count(t, `SELECT count(*) FROM review_items WHERE nlq_id = $1 AND reason = 'audit' AND candidate_b = $2`, nlq, human); n != 1 {
		t.Fatalf("audit items: %d", n)
	}
	if n := e.count(t, `SELECT count(*) FROM sql_candidates WHERE id = $1 AND source = 'human' AND created_by = $2`, human, e.users["annotator"].ID); n != 1 {
		t.Fatal("the human candidate is not the annotator's")
	}
}

func TestAnnotationAPI_NotBlindShowsTheAgentsSQL(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	e.setPolicy(t, map[string]any{"blind": false, "audit_rate": 0.0})
	e.annotationItem(t, agreeSQL)
	e.run(t, []scenario{{Name: "next carries the agent's SQL", Method: "POST", URL: e.projectAPI + "/annotation/next",
		As: "annotator", ExpectedStatus: 200, ExpectedContent: []string{`"blind":false`, `"agent_sql":"SELECT name FROM singer ORDER BY`}}})
}

// A disagreement goes to review with both candidates; the annotator who wrote one never reviews it.
func TestAnnotationAPI_DisagreementGoesToReview(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	e.drainReviews(t)
	p := e.projectAPI
	got, nlq := e.claimNew(t, "reviewer")
	e.run(t, []scenario{
		{Name: "a disagreeing submit", Method: "POST", URL: fmt.Sprintf("%s/annotation/items/%d/submit", p, got.Item.ID), As: "reviewer",
			Body: jsonBody(map[string]any{"version": got.Item.Version, "sql": disagreeSQL}), ExpectedStatus: 200,
			ExpectedContent: []string{`"result":"disagreed"`, `"match":false`, `"review_item_id"`}},
		{Name: "the annotator is not handed it for review", Method: "POST", URL: p + "/review/next", As: "reviewer", ExpectedStatus: http.StatusNoContent},
		{Name: "another reviewer gets both candidates", Method: "POST", URL: p + "/review/next", As: "lead", ExpectedStatus: 200,
			ExpectedContent: []string{`"reason":"disagreement"`, `"source":"agent"`, `"source":"human"`, disagreeSQL}},
	})
	if st := e.nlqState(t, nlq); st.Status != store.NLQNeedsReview || st.Gold != nil {
		t.Fatalf("after disagreement: %+v", st)
	}
	if n := e.count(t, `SELECT count(*) FROM comparisons WHERE nlq_id = $1 AND NOT match`, nlq); n != 1 {
		t.Fatalf("comparisons: %d", n)
	}
	// The lead's progress view counts it: one annotation by the reviewer, disagreeing with the agent,
	// and the review item claimed by the lead above.
	prog := decode[store.Progress](t, e.do(scenario{Method: "GET", URL: p + "/progress", As: "lead"}))
	var mine *store.AnnotatorProgress
	for i := range prog.Annotators {
		if prog.Annotators[i].Email == e.users["reviewer"].Email {
			mine = &prog.Annotators[i]
		}
	}
	if mine == nil || mine.Annotated != 1 || mine.Compared != 1 || mine.AgreedAgent != 0 || mine.AgreementRate == nil || *mine.AgreementRate != 0 {
		t.Fatalf("progress annotators: %+v", prog.Annotators)
	}
	if prog.Queues.ReviewClaimed != 1 || len(prog.Stages) == 0 || prog.Stages[0].ByStatus[store.NLQNeedsReview] < 1 {
		t.Fatalf("progress: %+v", prog)
	}
}

func TestAnnotationAPI_SkipReleaseAndLeaseExpiry(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	p := e.projectAPI + "/annotation"
	item, _ := e.annotationItem(t, agreeSQL)
	got := e.nextTask(t, "annotator")
	url := fmt.Sprintf("%s/items/%d", p, item)
	e.run(t, []scenario{
		{Name: "release gives it back", Method: "POST", URL: url + "/release", As: "annotator", ExpectedStatus: 204},
		{Name: "a released item cannot be submitted", Method: "POST", URL: url + "/submit", As: "annotator",
			Body: jsonBody(map[string]any{"version": got.Item.Version + 1, "sql": agreeSQL}), ExpectedStatus: 409, ExpectedContent: []string{"not claimed"}},
		{Name: "claimed again", Method: "POST", URL: p + "/next", As: "annotator", ExpectedStatus: 200, ExpectedContent: []string{`"version":4`}},
	})
	// The lease runs out: the claimer may no longer submit, and the next annotator takes the item over.
	if _, err := e.store.Pool().Exec(e.ctx, `UPDATE annotation_items SET lease_until = now() - interval '1 second' WHERE id = $1`, item); err != nil {
		t.Fatal(err)
	}
	e.run(t, []scenario{
		{Name: "an expired claim cannot submit", Method: "POST", URL: url + "/submit", As: "annotator",
			Body: jsonBody(map[string]any{"version": 4, "sql": agreeSQL}), ExpectedStatus: 409, ExpectedContent: []string{"expired"}},
		{Name: "another annotator takes it over", Method: "POST", URL: p + "/next", As: "reviewer", ExpectedStatus: 200, ExpectedContent: []string{`"version":5`}},
		{Name: "the first is told it is someone else's", Method: "POST", URL: url + "/release", As: "annotator", ExpectedStatus: 409,
			ExpectedContent: []string{"claimed by someone else"}},
		{Name: "a skip needs a known reason", Method: "POST", URL: url + "/skip", As: "reviewer", Body: `{"version":5,"reason":"boring"}`,
			ExpectedStatus: 400, ExpectedContent: []string{`"reason"`}},
		{Name: "skip", Method: "POST", URL: url + "/skip", As: "reviewer", Body: `{"version":5,"reason":"ambiguous","comment":"which year?"}`,
			ExpectedStatus: 200, ExpectedContent: []string{`"skipped_reason":"ambiguous"`, `"comment":"which year?"`}},
		{Name: "a skipped question is not handed back to who skipped it", Method: "POST", URL: p + "/next", As: "reviewer", ExpectedStatus: 204},
		{Name: "the audit log has every step", Method: "GET", URL: e.projectAPI + "/audit", As: "lead", ExpectedStatus: 200,
			ExpectedContent: []string{`"annotation.claim"`, `"annotation.release"`, `"annotation.skip"`}},
	})
}

// Two annotators asking at once for the only item: exactly one gets it.
func TestAnnotationAPI_TwoAnnotatorsRaceForOneItem(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	p := e.projectAPI + "/annotation/next"
	e.annotationItem(t, agreeSQL)
	for round := 0; round < 5; round++ {
		codes := make([]int, 2)
		var wg sync.WaitGroup
		for i, who := range []string{"annotator", "reviewer"} {
			wg.Add(1)
			go func() {
				defer wg.Done()
				codes[i] = e.do(scenario{Method: "POST", URL: p, As: who}).Code
			}()
		}
		wg.Wait()
		if codes[0]+codes[1] != 200+204 {
			t.Fatalf("round %d: statuses %v, want one 200 and one 204", round, codes)
		}
		// Back to pending for the next round.
		if _, err := e.store.Pool().Exec(e.ctx, `UPDATE annotation_items SET status = 'pending', claimed_by = NULL, lease_until = NULL
			WHERE project_id = $1`, e.project.ID); err != nil {
			t.Fatal(err)
		}
	}
}

// Every review decision takes effect on its question.
func TestReviewAPI_DecisionsTakeEffect(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	p := e.projectAPI + "/review"
	for _, tc := range []struct {
		decision string
		extra    map[string]any
		status   string
		check    func(t *testing.T, it store.ReviewItemView, st nlqState)
	}{
		{"accept_a", nil, store.NLQAccepted, func(t *testing.T, it store.ReviewItemView, st nlqState) {
			if st.Gold == nil || *st.Gold != *it.CandidateA {
				t.Fatalf("gold %v, want A %d", st.Gold, *it.CandidateA)
			}
		}},
		{"accept_b", nil, store.NLQAccepted, func(t *testing.T, it store.ReviewItemView, st nlqState) {
			if st.Gold == nil || *st.Gold != *it.CandidateB {
				t.Fatalf("gold %v, want B %d", st.Gold, *it.CandidateB)
			}
		}},
		{"edit", map[string]any{"final_sql": "SELECT name FROM singer WHERE singer_id = 1"}, store.NLQAccepted, func(t *testing.T, it store.ReviewItemView, st nlqState) {
			var src, sql string
			var by int64
			var rows int
			if err := e.store.Pool().QueryRow(e.ctx, `SELECT source, sql, created_by, row_count FROM sql_candidates WHERE id = $1`, *st.Gold).
				Scan(&src, &sql, &by, &rows); err != nil {
				t.Fatal(err)
			}
			if src != "human" || by != e.users["reviewer"].ID || rows != 1 || !strings.Contains(sql, "singer_id = 1") {
				t.Fatalf("edited gold: %s %q by %d, %d rows", src, sql, by, rows)
			}
		}},
		{"rewrite_question", map[string]any{"question": "Which singer is worth the most?"}, store.NLQNew, func(t *testing.T, it store.ReviewItemView, st nlqState) {
			if st.Question != "Which singer is worth the most?" || st.Gold != nil {
				t.Fatalf("rewritten: %+v", st)
			}
			if n := e.count(t, `SELECT count(*) FROM audit_log WHERE action = 'nlq.decide' AND object_id = $1
				AND before->>'question' = 'Who is the richest singer?'`, fmt.Sprint(it.NLQID)); n != 1 {
				t.Fatal("the old question is not in the audit log")
			}
		}},
		{"ambiguous", nil, store.NLQAmbiguous, nil},
		{"reject", nil, store.NLQRejected, nil},
	} {
		t.Run(tc.decision, func(t *testing.T) {
			e.drainReviews(t)
			it := e.claimed(t, "reviewer")
			body := map[string]any{"version": it.Version, "decision": tc.decision, "error_type": "other"}
			for k, v := range tc.extra {
				body[k] = v
			}
			rec := e.do(scenario{Method: "POST", URL: fmt.Sprintf("%s/items/%d/decision", p, it.ID), As: "reviewer", Body: jsonBody(body)})
			if rec.Code != 200 {
				t.Fatalf("decision: %d %s", rec.Code, rec.Body.String())
			}
			st := e.nlqState(t, it.NLQID)
			if st.Status != tc.status {
				t.Fatalf("status %q, want %q", st.Status, tc.status)
			}
			if tc.check != nil {
				tc.check(t, it, st)
			}
		})
	}

	t.Run("an edit whose SQL fails is refused", func(t *testing.T) {
		e.drainReviews(t)
		it := e.claimed(t, "reviewer")
		e.run(t, []scenario{{Name: "400 with the error", Method: "POST", URL: fmt.Sprintf("%s/items/%d/decision", p, it.ID), As: "reviewer",
			Body:           jsonBody(map[string]any{"version": it.Version, "decision": "edit", "error_type": "other", "final_sql": "SELECT nope FROM singer"}),
			ExpectedStatus: 400, ExpectedContent: []string{`"final_sql"`, "nope"}}})
		e.wantStatus(t, it.NLQID, store.NLQNew, "a refused edit changed the question")
	})
}

// dual_share 0 plans no annotation, 1 plans every new question; planning twice adds nothing.
func TestAnnotationAPI_PlanSamplesByShare(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	for i := 0; i < 10; i++ {
		e.nlq(t)
	}
	url := e.projectAPI + "/annotation/plan"
	e.setPolicy(t, map[string]any{"dual_share": 0.0, "annotators_per_item": 2})
	e.run(t, []scenario{
		{Name: "share 0", Method: "POST", URL: url, As: "lead", Body: `{}`, ExpectedStatus: 200, ExpectedContent: []string{`"selected":10`, `"sampled":0`, `"items":0`}},
		{Name: "share 1", Method: "POST", URL: url, As: "lead", Body: `{"share":1}`, ExpectedStatus: 200, ExpectedContent: []string{`"sampled":10`, `"items":20`}},
		{Name: "again: nothing new", Method: "POST", URL: url, As: "lead", Body: `{"share":1}`, ExpectedStatus: 200, ExpectedContent: []string{`"items":0`}},
		{Name: "share out of range", Method: "POST", URL: url, As: "lead", Body: `{"share":2}`, ExpectedStatus: 400},
		{Name: "reviewers do not plan", Method: "POST", URL: url, As: "reviewer", Body: `{}`, ExpectedStatus: http.StatusForbidden},
	})
}

// The loop end to end through a batch: with dual_share 1, the agent's answer gets an annotation item,
// and an annotator who writes the same query agrees with it.
func TestAnnotationAPI_BatchThenAnnotation(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	e.setPolicy(t, map[string]any{"dual_share": 1.0, "audit_rate": 0.0})
	nlq := e.nlq(t)
	run, err := e.srv.cfg.Agents.StartBatch(e.ctx, store.System, e.project.ID, agentbatch.Params{Limit: 1})
	noError(t, err)
	noError(t, e.srv.cfg.Runner.Execute(e.ctx, run))
	p := e.projectAPI + "/annotation"
	got := e.nextTask(t, "annotator")
	if got.Item.NLQID != nlq {
		t.Fatalf("annotation item for %d, want %d", got.Item.NLQID, nlq)
	}
	e.run(t, []scenario{{Name: "agrees with the agent", Method: "POST", URL: fmt.Sprintf("%s/items/%d/submit", p, got.Item.ID), As: "annotator",
		Body:           jsonBody(map[string]any{"version": got.Item.Version, "sql": "SELECT count(name) FROM singer"}),
		ExpectedStatus: 200, ExpectedContent: []string{`"result":"agreed"`, `"audited":false`, `"agent_sql":"SELECT count(*) FROM singer"`}}})
	e.wantStatus(t, nlq, store.NLQAccepted, "after agreement")
}

// Eight parallel "next" calls of one annotator, with two slots of every question open, answer one
// item eight times; eight of one reviewer, one review item.
func TestAnnotationAPI_ParallelNextGivesOnePersonOneItem(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	e.setPolicy(t, map[string]any{"annotators_per_item": 2})
	for range 4 {
		e.annotationItem(t, agreeSQL)
	}
	for range 3 {
		e.disagreement(t)
	}
	for _, c := range []struct{ as, url string }{
		{"annotator", e.projectAPI + "/annotation/next"},
		{"reviewer", e.projectAPI + "/review/next"},
	} {
		bodies := make([]string, 8)
		var wg sync.WaitGroup
		for i := range bodies {
			wg.Add(1)
			go func() {
				defer wg.Done()
				rec := e.do(scenario{Method: "POST", URL: c.url, As: c.as})
				bodies[i] = fmt.Sprint(rec.Code, " ", rec.Body.String())
			}()
		}
		wg.Wait()
		ids := map[string]bool{}
		for _, b := range bodies {
			if !strings.HasPrefix(b, "200 ") {
				t.Fatalf("%s: %s", c.as, b)
			}
			var v struct {
				ID   int64 `json:"id"`
				Item struct {
					ID int64 `json:"id"`
				} `json:"item"`
			}
			json.Unmarshal([]byte(b[4:]), &v)
			ids[fmt.Sprint(v.ID, "/", v.Item.ID)] = true
		}
		if len(ids) != 1 {
			t.Errorf("%s got %d different items at once: %v", c.as, len(ids), ids)
		}
	}
}

// Equal rows today are not agreement: the richest singer by LIMIT 1 and by max() are the same person
// on the fixture's rows, but not when two singers tie. The comparison says which neighbour told
// them apart and shows its rows, and the question goes to review.
func TestAnnotationAPI_ACoincidentalAgreementIsADisagreement(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	p := e.projectAPI + "/annotation"
	got, nlq := e.claimNew(t, "annotator")
	e.run(t, []scenario{{Name: "max() instead of LIMIT 1", Method: "POST", URL: fmt.Sprintf("%s/items/%d/submit", p, got.Item.ID), As: "annotator",
		Body:           jsonBody(map[string]any{"version": got.Item.Version, "sql": "SELECT name FROM singer WHERE net_worth_millions = (SELECT max(net_worth_millions) FROM singer)"}),
		ExpectedStatus: 200, ExpectedContent: []string{`"result":"disagreed"`, `"match":false`, `equal on the database, but not on its \"doubled\" neighbour`,
			`row count differs (the agent 1, this annotator 2)`, `"only_in_pred":[["Liliane"]]`}}})
	e.wantStatus(t, nlq, "needs_review", "question")
}

// submittedAnnotation gives the fixture user of role as (the annotator for roles that may not
// annotate) an answered item that nobody acted on yet (a two-slot question, the agent not yet
// answered), and returns it.
func (e *env) submittedAnnotation(t *testing.T, as string) int64 {
	t.Helper()
	u := e.freeHolder(t, "annotation_items", as, "annotator")
	nlq := e.dualItem(t, "", 2)
	var item int64
	var version int
	if err := e.store.Pool().QueryRow(e.ctx, `UPDATE annotation_items SET status = 'claimed', claimed_by = $2, claimed_at = now(),
		lease_until = now() + interval '10 minutes', version = version + 1 WHERE nlq_id = $1 AND slot = 1 RETURNING id, version`,
		nlq, u.ID).Scan(&item, &version); err != nil {
		t.Fatal(err)
	}
	if _, err := e.srv.cfg.Loop.Submit(e.ctx, store.System, e.project.ID, item, u.ID, version, agreeSQL, nil, ""); err != nil {
		t.Fatal(err)
	}
	return item
}

// An annotator sees how far the work has come and their recent answers; one nobody acted on yet can
// be reopened (and answered again, with a comment); one a review or a later SQL acted on cannot.
func TestAnnotationAPI_StatusReopenAndComment(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	p := e.projectAPI + "/annotation"
	item := e.submittedAnnotation(t, "annotator")
	e.run(t, []scenario{
		{Name: "x of N done, and the recent answer", Method: "GET", URL: p + "/status", As: "annotator", ExpectedStatus: 200,
			ExpectedContent: []string{`"total":2`, `"done":1`, `"submitted":1`, `"reopenable":true`, fmt.Sprintf(`"item_id":%d`, item)}},
		{Name: "someone else cannot reopen it", Method: "POST", URL: fmt.Sprintf("%s/items/%d/reopen", p, item), As: "reviewer", ExpectedStatus: 404},
		{Name: "reopen", Method: "POST", URL: fmt.Sprintf("%s/items/%d/reopen", p, item), As: "annotator", ExpectedStatus: 200,
			ExpectedContent: []string{`"status":"claimed"`}},
		{Name: "nothing to reopen twice", Method: "POST", URL: fmt.Sprintf("%s/items/%d/reopen", p, item), As: "annotator", ExpectedStatus: 404},
	})
	mine := e.nextTask(t, "annotator")
	if mine.Item.ID != item {
		t.Fatalf("the reopened item is not the annotator's claim: %+v", mine)
	}
	e.run(t, []scenario{{Name: "answer again, with a comment", Method: "POST", URL: fmt.Sprintf("%s/items/%d/submit", p, item), As: "annotator",
		Body: jsonBody(map[string]any{"version": mine.Item.Version, "sql": agreeSQL, "comment": "R2 says NULLS LAST"}), ExpectedStatus: 200,
		ExpectedContent: []string{`"comment":"R2 says NULLS LAST"`}}})
	// The second annotator's SQL is compared with it: no reopening after that.
	other := e.nextTask(t, "reviewer")
	e.do(scenario{Method: "POST", URL: fmt.Sprintf("%s/items/%d/submit", p, other.Item.ID), As: "reviewer",
		Body: jsonBody(map[string]any{"version": other.Item.Version, "sql": disagreeSQL})})
	e.run(t, []scenario{
		{Name: "acted on: not reopenable", Method: "POST", URL: fmt.Sprintf("%s/items/%d/reopen", p, item), As: "annotator", ExpectedStatus: 409},
		{Name: "the status says so", Method: "GET", URL: p + "/status", As: "annotator", ExpectedStatus: 200,
			ExpectedContent: []string{`"reopenable":false`}, NotExpected: []string{`"reopenable":true`}},
	})
}
