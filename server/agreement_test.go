package server

import (
	"encoding/json"
	"fmt"
	"net/http"
	"slices"
	"sync"
	"testing"

	"github.com/jackc/pgx/v5"

	"github.com/goldset/goldset/pipelines/agentbatch"
	"github.com/goldset/goldset/store"
)

// sameAsAgreeSQL gives agreeSQL's result with other SQL.
const sameAsAgreeSQL = "SELECT s.name FROM singer AS s ORDER BY s.net_worth_millions DESC NULLS LAST LIMIT 1"

// dualItem adds a question of the fixture database with slots annotation items and, unless agentSQL
// is empty, the agent's SQL.
func (e *env) dualItem(t *testing.T, agentSQL string, slots int) int64 {
	t.Helper()
	nlq := e.nlq(t)
	e.inTx(t, func(tx pgx.Tx) {
		if agentSQL != "" {
			c := store.Candidate{NLQID: nlq, Source: "agent", SQL: agentSQL}
			noError(t, store.InsertCandidate(e.ctx, tx, store.System, &c))
		}
		if _, err := store.CreateAnnotationItems(e.ctx, tx, e.project.ID, nlq, slots); err != nil {
			t.Fatal(err)
		}
	})
	return nlq
}

type submitted struct {
	Result      string
	Comparisons []store.Comparison
	ReviewItem  *int64 `json:"review_item_id"`
	Awaiting    int
	Candidate   store.Candidate
}

// annotate claims the next item as the fixture user as and submits sql for it.
func (e *env) annotate(t *testing.T, as, sql string, nlq int64) submitted {
	t.Helper()
	p := e.projectAPI + "/annotation"
	got := e.nextTask(t, as)
	if got.Item.NLQID != nlq {
		t.Fatalf("%s was given question %d, want %d", as, got.Item.NLQID, nlq)
	}
	rec := e.do(scenario{Method: "POST", URL: fmt.Sprintf("%s/items/%d/submit", p, got.Item.ID), As: as,
		Body: jsonBody(map[string]any{"version": got.Item.Version, "sql": sql})})
	if rec.Code != http.StatusOK {
		t.Fatalf("%s submits: %d %s", as, rec.Code, rec.Body.String())
	}
	return decode[submitted](t, rec)
}

func TestAnnotationAPI_TwoAnnotatorsAgreeingAcceptOnceBothAreDone(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	e.setPolicy(t, map[string]any{"annotators_per_item": 2, "audit_rate": 0.0})
	nlq := e.dualItem(t, agreeSQL, 2)
	first := e.annotate(t, "annotator", sameAsAgreeSQL, nlq)
	if first.Result != store.ResultAgreed || first.Awaiting != 1 || len(first.Comparisons) != 1 {
		t.Fatalf("first annotator: %+v", first)
	}
	e.wantStatus(t, nlq, store.NLQNew, "accepted before the second annotator")
	second := e.annotate(t, "reviewer", agreeSQL, nlq)
	if second.Result != store.ResultAgreed || second.Awaiting != 0 || len(second.Comparisons) != 2 {
		t.Fatalf("second annotator (compared with the agent and the first annotator): %+v", second)
	}
	if second.Comparisons[0].Against != "agent" || second.Comparisons[1].Against != "person" {
		t.Fatalf("what each comparison was against: %+v", second.Comparisons)
	}
	if st := e.nlqState(t, nlq); st.Status != store.NLQAccepted || st.Gold == nil || *st.Gold != second.Candidate.ID {
		t.Fatalf("after both agreed: %+v (want gold %d)", st, second.Candidate.ID)
	}
	// The lead's view: each agreed with the agent once and with the other person once.
	prog := decode[store.Progress](t, e.do(scenario{Method: "GET", URL: e.projectAPI + "/progress", As: "lead"}))
	seen := 0
	for _, ap := range prog.Annotators {
		if ap.UserID != e.users["annotator"].ID && ap.UserID != e.users["reviewer"].ID {
			continue
		}
		seen++
		if ap.Compared != 1 || ap.AgreedAgent != 1 || ap.ComparedPeople != 1 || ap.AgreedPeople != 1 || ap.PeopleAgreement == nil || *ap.PeopleAgreement != 1 {
			t.Errorf("progress of %s: %+v", ap.Email, ap)
		}
	}
	if seen != 2 {
		t.Fatalf("progress lists %d of the 2 annotators: %+v", seen, prog.Annotators)
	}
}

func TestAnnotationAPI_TwoAnnotatorsDisagreeingWithoutAnAgent(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	e.drainReviews(t)
	e.setPolicy(t, map[string]any{"annotators_per_item": 2})
	nlq := e.dualItem(t, "", 2)
	if first := e.annotate(t, "annotator", agreeSQL, nlq); first.Result != store.ResultNoAgent || first.Awaiting != 0 {
		t.Fatalf("first annotator, nothing to compare with: %+v", first)
	}
	second := e.annotate(t, "lead", disagreeSQL, nlq)
	if second.Result != store.ResultDisagreed || second.ReviewItem == nil || len(second.Comparisons) != 1 || second.Comparisons[0].Match {
		t.Fatalf("second annotator: %+v", second)
	}
	var authors []int64
	noError(t, e.store.Pool().QueryRow(e.ctx, `SELECT authors FROM review_items WHERE id = $1`, *second.ReviewItem).Scan(&authors))
	if !slices.Contains(authors, e.users["annotator"].ID) || !slices.Contains(authors, e.users["lead"].ID) {
		t.Fatalf("both annotators must be the item's authors: %v", authors)
	}
	p := e.projectAPI
	e.run(t, []scenario{
		{Name: "neither annotator reviews it", Method: "POST", URL: p + "/review/next", As: "lead", ExpectedStatus: http.StatusNoContent},
		{Name: "a third person gets both people's SQL", Method: "POST", URL: p + "/review/next", As: "reviewer", ExpectedStatus: 200,
			ExpectedContent: []string{`"reason":"disagreement"`, agreeSQL, disagreeSQL}},
	})
	e.wantStatus(t, nlq, store.NLQNeedsReview, "after the disagreement")
}

// Two annotators submitting at the same moment are still compared with each other: the comparison is
// made with the question locked.
func TestAnnotationAPI_SimultaneousSubmissionsAreCompared(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	e.setPolicy(t, map[string]any{"annotators_per_item": 2})
	nlq := e.dualItem(t, "", 2)
	p := e.projectAPI + "/annotation"
	claims := map[string]task{}
	for _, as := range []string{"annotator", "reviewer"} {
		claims[as] = e.nextTask(t, as)
	}
	var wg sync.WaitGroup
	results := make(chan submitted, 2)
	for as, got := range claims {
		wg.Go(func() {
			rec := e.do(scenario{Method: "POST", URL: fmt.Sprintf("%s/items/%d/submit", p, got.Item.ID), As: as,
				Body: jsonBody(map[string]any{"version": got.Item.Version, "sql": agreeSQL})})
			if rec.Code != http.StatusOK {
				t.Errorf("%s: %d %s", as, rec.Code, rec.Body.String())
				return
			}
			var s submitted
			if err := json.Unmarshal(rec.Body.Bytes(), &s); err != nil {
				t.Errorf("%s: %v", as, err)
			}
			results <- s
		})
	}
	wg.Wait()
	close(results)
	got := []string{}
	for r := range results {
		got = append(got, r.Result)
	}
	slices.Sort(got)
	if fmt.Sprint(got) != "[agreed no_agent]" {
		t.Fatalf("results %v, want one no_agent (first) and one agreed (compared with it)", got)
	}
	if n := e.count(t, `SELECT count(*) FROM comparisons WHERE nlq_id = $1`, nlq); n != 1 {
		t.Fatalf("%d comparisons, want 1", n)
	}
	e.wantStatus(t, nlq, store.NLQAccepted, "after two agreeing annotators")
}

// SQL annotated before the agent answered is compared with the agent's answer when it comes.
func TestAnnotationAPI_AgentAnswerIsComparedWithEarlierAnnotations(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name, sql, status string
		review            bool
	}{
		{"agreeing", "SELECT count(name) FROM singer", store.NLQAccepted, false},
		{"disagreeing", "SELECT count(DISTINCT country) FROM singer", store.NLQNeedsReview, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			e := newEnv(t)
			e.setPolicy(t, map[string]any{"dual_share": 1.0, "audit_rate": 0.0})
			nlq := e.dualItem(t, "", 1)
			mine := e.annotate(t, "annotator", tc.sql, nlq)
			if mine.Result != store.ResultNoAgent {
				t.Fatalf("before the agent: %+v", mine)
			}
			run, err := e.srv.cfg.Agents.StartBatch(e.ctx, store.System, e.project.ID, agentbatch.Params{Limit: 1})
			noError(t, err)
			noError(t, e.srv.cfg.Runner.Execute(e.ctx, run))
			st := e.nlqState(t, nlq)
			if st.Status != tc.status {
				t.Fatalf("after the agent answered: %+v, want %s", st, tc.status)
			}
			if !tc.review && (st.Gold == nil || *st.Gold != mine.Candidate.ID) {
				t.Fatalf("gold %v, want the annotator's candidate %d", st.Gold, mine.Candidate.ID)
			}
			var a, b int64
			var match bool
			if err := e.store.Pool().QueryRow(e.ctx, `SELECT m.candidate_a, m.candidate_b, m.match FROM comparisons m
				JOIN sql_candidates c ON c.id = m.candidate_a AND c.source = 'agent' WHERE m.nlq_id = $1`, nlq).Scan(&a, &b, &match); err != nil {
				t.Fatalf("no comparison with the agent as A: %v", err)
			}
			if b != mine.Candidate.ID || match == tc.review {
				t.Fatalf("comparison %d vs %d match=%v", a, b, match)
			}
			items := e.count(t, `SELECT count(*) FROM review_items WHERE nlq_id = $1 AND reason = 'disagreement'
				AND candidate_a = $2 AND candidate_b = $3 AND $4 = ANY(authors)`, nlq, a, b, e.users["annotator"].ID)
			if (items == 1) != tc.review {
				t.Fatalf("%d disagreement review items", items)
			}
		})
	}
}

// With audit_rate 1, every accepted agreement is also queued for review ("audit"), whatever the
// number of annotators: one audit item per question, once the last annotator is done, judged by
// someone who wrote none of its SQL.
func TestAnnotationAPI_AuditRateOneAuditsEveryAgreement(t *testing.T) {
	t.Parallel()
	for _, slots := range []int{1, 2} {
		e := newEnv(t)
		e.setPolicy(t, map[string]any{"annotators_per_item": slots, "audit_rate": 1.0})
		nlq := e.dualItem(t, agreeSQL, slots)
		last := e.annotate(t, "annotator", sameAsAgreeSQL, nlq)
		if slots == 2 {
			if n := e.count(t, `SELECT count(*) FROM review_items WHERE nlq_id = $1`, nlq); n != 0 {
				t.Fatalf("audited before the second annotator: %d items", n)
			}
			last = e.annotate(t, "reviewer", agreeSQL, nlq)
		}
		if last.Result != store.ResultAgreed || last.ReviewItem == nil {
			t.Fatalf("%d slots: %+v", slots, last)
		}
		if n := e.count(t, `SELECT count(*) FROM review_items WHERE nlq_id = $1 AND reason = 'audit'`, nlq); n != 1 {
			t.Fatalf("%d slots: %d audit items", slots, n)
		}
		var authors []int64
		e.store.Pool().QueryRow(e.ctx, `SELECT authors FROM review_items WHERE nlq_id = $1`, nlq).Scan(&authors)
		if len(authors) != slots {
			t.Fatalf("%d slots: the audit's authors %v", slots, authors)
		}
	}
}
