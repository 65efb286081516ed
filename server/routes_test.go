package server

import (
	"fmt"
	"net/http"
	"sort"
	"testing"
	"time"

	"github.com/goldset/goldset/pipelines/prompts"
)

// roles from weakest to strongest; a route allowed to one is allowed to every later one.
var roleOrder = []string{"anonymous", "outsider", "annotator", "reviewer", "lead", "admin"}

func rank(role string) int {
	for i, r := range roleOrder {
		if r == role {
			return i
		}
	}
	panic("unknown role " + role)
}

// routeSpec is this test's own statement of who may call a route (independent of authz.go, so a
// policy change must be made in both places on purpose), and how to make a valid call.
type routeSpec struct {
	Min     string // weakest role that may call it: "anonymous" means public
	Success int
	// prepare makes what the call needs (fresh objects, so every role's call is independent) and
	// returns the URL and body.
	prepare func(e *env, as string) (url, body string)
}

func fixed(url, body string) func(*env, string) (string, string) {
	return func(*env, string) (string, string) { return url, body }
}

// routeSpecs must list every route of the server: adding a route without saying here who may call it
// fails TestRoutes_EveryRouteDeclaredAndTested.
func routeSpecs(t *testing.T, e *env) map[string]routeSpec {
	p := e.projectAPI
	d := e.databaseAPI
	newMember := func(role string) func(*env, string) (string, string) {
		return func(e *env, _ string) (string, string) {
			u := e.newUser("member", false)
			if role != "" {
				if _, err := e.store.AddMember(e.ctx, storeSystem, e.project.ID, u.Email, role); err != nil {
					e.t.Fatal(err)
				}
			}
			return fmt.Sprintf("%s/members/%d", p, u.ID), u.Email
		}
	}
	return map[string]routeSpec{
		"GET /healthz": {Min: "anonymous", Success: 200, prepare: fixed("/healthz", "")},
		"GET /readyz":  {Min: "anonymous", Success: 200, prepare: fixed("/readyz", "")},
		"GET /metrics": {Min: "anonymous", Success: 200, prepare: fixed("/metrics", "")},
		"GET /*":       {Min: "anonymous", Success: 200, prepare: fixed("/projects/1/members", "")},
		"POST /api/v1/auth/login": {Min: "anonymous", Success: 200, prepare: func(e *env, _ string) (string, string) {
			return "/api/v1/auth/login", jsonBody(map[string]string{"email": e.users["annotator"].Email, "password": testPassword})
		}},
		"POST /api/v1/auth/logout": {Min: "outsider", Success: 204, prepare: fixed("/api/v1/auth/logout", "")},
		"GET /api/v1/auth/me":      {Min: "outsider", Success: 200, prepare: fixed("/api/v1/auth/me", "")},
		// revoke_tokens false: the walk goes on with each role's token.
		"PUT /api/v1/account/password": {Min: "outsider", Success: 200, prepare: fixed("/api/v1/account/password",
			jsonBody(map[string]any{"current_password": testPassword, "new_password": testPassword, "revoke_tokens": false}))},
		"GET /api/v1/account/tokens":  {Min: "outsider", Success: 200, prepare: fixed("/api/v1/account/tokens", "")},
		"POST /api/v1/account/tokens": {Min: "outsider", Success: 201, prepare: fixed("/api/v1/account/tokens", `{"name":"ci"}`)},
		"DELETE /api/v1/account/tokens/:token": {Min: "outsider", Success: 204, prepare: func(e *env, as string) (string, string) {
			owner := e.users["outsider"]
			if as != "anonymous" {
				owner = e.users[as]
			}
			tok, _, err := e.store.CreateToken(e.ctx, storeSystem, owner.ID, "to revoke", time.Hour)
			if err != nil {
				e.t.Fatal(err)
			}
			return fmt.Sprintf("/api/v1/account/tokens/%d", tok.ID), ""
		}},
		"GET /api/v1/users": {Min: "admin", Success: 200, prepare: fixed("/api/v1/users", "")},
		"POST /api/v1/users": {Min: "admin", Success: 201, prepare: func(*env, string) (string, string) {
			return "/api/v1/users", jsonBody(map[string]string{"email": unique("new") + "@example.com", "name": "New"})
		}},
		"PATCH /api/v1/users/:user": {Min: "admin", Success: 200, prepare: func(e *env, _ string) (string, string) {
			u := e.newUser("patched", false)
			return fmt.Sprintf("/api/v1/users/%d", u.ID), `{"version":1,"name":"Renamed"}`
		}},
		"DELETE /api/v1/users/:user/tokens": {Min: "admin", Success: 200, prepare: func(e *env, _ string) (string, string) {
			u := e.newUser("compromised", false)
			return fmt.Sprintf("/api/v1/users/%d/tokens", u.ID), ""
		}},
		"GET /api/v1/audit":    {Min: "admin", Success: 200, prepare: fixed("/api/v1/audit", "")},
		"GET /api/v1/projects": {Min: "outsider", Success: 200, prepare: fixed("/api/v1/projects", "")},
		"POST /api/v1/projects": {Min: "admin", Success: 201, prepare: func(*env, string) (string, string) {
			return "/api/v1/projects", jsonBody(map[string]string{"name": unique("Created")})
		}},
		"POST /api/v1/sample":           {Min: "admin", Success: 200, prepare: fixed("/api/v1/sample", "")},
		"GET /api/v1/projects/:project": {Min: "annotator", Success: 200, prepare: fixed(p, "")},
		"PATCH /api/v1/projects/:project": {Min: "lead", Success: 200, prepare: func(e *env, _ string) (string, string) {
			cur, err := e.store.Project(e.ctx, e.project.ID)
			if err != nil {
				e.t.Fatal(err)
			}
			return p, jsonBody(map[string]any{"version": cur.Version, "description": unique("described")})
		}},
		"GET /api/v1/projects/:project/members": {Min: "lead", Success: 200, prepare: fixed(p+"/members", "")},
		"POST /api/v1/projects/:project/members": {Min: "lead", Success: 201, prepare: func(e *env, _ string) (string, string) {
			_, email := newMember("")(e, "")
			return p + "/members", jsonBody(map[string]string{"email": email, "role": "annotator"})
		}},
		"PATCH /api/v1/projects/:project/members/:user": {Min: "lead", Success: 200, prepare: func(e *env, _ string) (string, string) {
			url, _ := newMember("annotator")(e, "")
			return url, `{"version":1,"role":"reviewer"}`
		}},
		"DELETE /api/v1/projects/:project/members/:user": {Min: "lead", Success: 204, prepare: func(e *env, _ string) (string, string) {
			url, _ := newMember("annotator")(e, "")
			return url, ""
		}},
		"GET /api/v1/projects/:project/audit":                                  {Min: "lead", Success: 200, prepare: fixed(p+"/audit", "")},
		"GET /api/v1/projects/:project/databases":                              {Min: "annotator", Success: 200, prepare: fixed(p+"/databases", "")},
		"GET /api/v1/projects/:project/databases/:database":                    {Min: "annotator", Success: 200, prepare: fixed(d, "")},
		"GET /api/v1/projects/:project/databases/:database/tables/:table/rows": {Min: "annotator", Success: 200, prepare: fixed(d+"/tables/singer/rows", "")},
		"POST /api/v1/projects/:project/databases/:database/query":             {Min: "annotator", Success: 200, prepare: fixed(d+"/query", `{"sql":"SELECT count(*) FROM singer"}`)},
		"GET /api/v1/projects/:project/databases/:database/search":             {Min: "annotator", Success: 200, prepare: fixed(d+"/search?q=singer", "")},
		"POST /api/v1/projects/:project/databases/:database/compare": {Min: "annotator", Success: 200, prepare: fixed(d+"/compare",
			`{"gold_sql":"SELECT name FROM singer","pred_sql":"SELECT name FROM singer"}`)},
		"PATCH /api/v1/projects/:project/databases/:database/tables/:table": {Min: "lead", Success: 200, prepare: func(e *env, _ string) (string, string) {
			return d + "/tables/singer", jsonBody(map[string]string{"summary": unique("Singers and their net worth")})
		}},
		"POST /api/v1/projects/:project/nlqs": {Min: "annotator", Success: 201, prepare: func(e *env, _ string) (string, string) {
			return p + "/nlqs", jsonBody(map[string]any{"database_id": e.database.ID, "question": unique("Which singers are from France?"),
				"sql": "SELECT name FROM singer WHERE country = 'France'"})
		}},
		"GET /api/v1/projects/:project/nlqs/facets": {Min: "annotator", Success: 200, prepare: fixed(p+"/nlqs/facets", "")},
		"GET /api/v1/projects/:project/nlqs/:nlq": {Min: "annotator", Success: 200, prepare: func(e *env, _ string) (string, string) {
			return fmt.Sprintf("%s/nlqs/%d", p, e.nlq(t)), ""
		}},
		"POST /api/v1/projects/:project/nlqs/:nlq/check": {Min: "annotator", Success: 200, prepare: func(e *env, _ string) (string, string) {
			return fmt.Sprintf("%s/nlqs/%d/check", p, e.nlq(t)), `{"sql":"SELECT name FROM singer"}`
		}},
		"GET /api/v1/settings/llm":       {Min: "admin", Success: 200, prepare: fixed("/api/v1/settings/llm", "")},
		"POST /api/v1/settings/llm/test": {Min: "admin", Success: 200, prepare: fixed("/api/v1/settings/llm/test", "")},
		"PUT /api/v1/settings/llm": {Min: "admin", Success: 200, prepare: func(e *env, _ string) (string, string) {
			v, err := e.srv.cfg.Models.View(e.ctx)
			if err != nil {
				e.t.Fatal(err)
			}
			return "/api/v1/settings/llm", jsonBody(map[string]any{"version": v.Version, "settings": map[string]any{"base_url": e.llm.URL, "model": "fake-model"}})
		}},
		"POST /api/v1/projects/:project/agent/ask": {Min: "lead", Success: 201, prepare: func(e *env, _ string) (string, string) {
			return p + "/agent/ask", jsonBody(map[string]any{"database_id": e.database.ID, "question": "How many singers are there?"})
		}},
		"GET /api/v1/projects/:project/agent/runs": {Min: "reviewer", Success: 200, prepare: fixed(p+"/agent/runs", "")},
		"GET /api/v1/projects/:project/agent/runs/:run": {Min: "reviewer", Success: 200, prepare: func(e *env, _ string) (string, string) {
			return fmt.Sprintf("%s/agent/runs/%d", p, e.agentRun(t)), ""
		}},
		"GET /api/v1/projects/:project/agent/runs/:run/stream": {Min: "reviewer", Success: 200, prepare: func(e *env, _ string) (string, string) {
			return fmt.Sprintf("%s/agent/runs/%d/stream", p, e.agentRun(t)), ""
		}},
		"POST /api/v1/projects/:project/agent/runs/:run/save": {Min: "lead", Success: 201, prepare: func(e *env, _ string) (string, string) {
			return fmt.Sprintf("%s/agent/runs/%d/save", p, e.agentRun(t)), `{}`
		}},
		"POST /api/v1/projects/:project/guidelines/propose": {Min: "lead", Success: 200, prepare: func(e *env, _ string) (string, string) {
			e.disagreement(t)
			return p + "/guidelines/propose", `{}`
		}},
		"GET /api/v1/projects/:project/progress": {Min: "lead", Success: 200, prepare: fixed(p+"/progress", "")},
		"GET /api/v1/projects/:project/cycles":   {Min: "reviewer", Success: 200, prepare: fixed(p+"/cycles", "")},
		"GET /api/v1/projects/:project/metrics": {Min: "reviewer", Success: 200, prepare: func(e *env, _ string) (string, string) {
			e.metricRun(t)
			return p + "/metrics", ""
		}},
		"GET /api/v1/projects/:project/metrics/runs": {Min: "reviewer", Success: 200, prepare: fixed(p+"/metrics/runs", "")},
		"GET /api/v1/projects/:project/metrics/runs/:run": {Min: "reviewer", Success: 200, prepare: func(e *env, _ string) (string, string) {
			return fmt.Sprintf("%s/metrics/runs/%d", p, e.metricRun(t)), ""
		}},
		"POST /api/v1/projects/:project/metrics/runs": {Min: "lead", Success: 202, prepare: func(e *env, _ string) (string, string) {
			e.metricsIdle(t) // one computation per project at a time
			return p + "/metrics/runs", `{"embedding":"lexical"}`
		}},
		"GET /api/v1/projects/:project/llm-calls": {Min: "lead", Success: 200, prepare: fixed(p+"/llm-calls", "")},
		"GET /api/v1/projects/:project/runs":      {Min: "lead", Success: 200, prepare: fixed(p+"/runs", "")},
		"POST /api/v1/projects/:project/runs": {Min: "lead", Success: 201, prepare: func(e *env, _ string) (string, string) {
			e.nlq(t)
			return p + "/runs", `{"kind":"agent","params":{"limit":1}}`
		}},
		"POST /api/v1/projects/:project/runs/preview": {Min: "lead", Success: 200, prepare: func(e *env, _ string) (string, string) {
			e.nlq(t)
			return p + "/runs/preview", `{"kind":"paraphrase","params":{"methods":["lexical"]}}`
		}},
		"GET /api/v1/projects/:project/runs/:run": {Min: "lead", Success: 200, prepare: func(e *env, _ string) (string, string) {
			return fmt.Sprintf("%s/runs/%d", p, e.batch(t, false)), ""
		}},
		"GET /api/v1/projects/:project/runs/:run/items": {Min: "lead", Success: 200, prepare: func(e *env, _ string) (string, string) {
			return fmt.Sprintf("%s/runs/%d/items?outcome=answered&limit=10", p, e.batch(t, false)), ""
		}},
		"GET /api/v1/projects/:project/runs/:run/events": {Min: "lead", Success: 200, prepare: func(e *env, _ string) (string, string) {
			return fmt.Sprintf("%s/runs/%d/events", p, e.batch(t, true)), ""
		}},
		"POST /api/v1/projects/:project/runs/:run/cancel": {Min: "lead", Success: 200, prepare: func(e *env, _ string) (string, string) {
			return fmt.Sprintf("%s/runs/%d/cancel", p, e.batch(t, false)), ""
		}},
		"POST /api/v1/projects/:project/runs/:run/resume": {Min: "lead", Success: 200, prepare: func(e *env, _ string) (string, string) {
			return fmt.Sprintf("%s/runs/%d/resume", p, e.batch(t, true)), `{}`
		}},
		"GET /api/v1/projects/:project/databases/:database/history": {Min: "annotator", Success: 200, prepare: fixed(d+"/history", "")},
		"GET /api/v1/projects/:project/nlqs":                        {Min: "annotator", Success: 200, prepare: fixed(p+"/nlqs", "")},
		"GET /api/v1/projects/:project/translation-report":          {Min: "annotator", Success: 200, prepare: fixed(p+"/translation-report", "")},
		"GET /api/v1/projects/:project/guidelines":                  {Min: "annotator", Success: 200, prepare: fixed(p+"/guidelines", "")},
		"PUT /api/v1/projects/:project/guidelines": {Min: "lead", Success: 201, prepare: func(e *env, _ string) (string, string) {
			return p + "/guidelines", jsonBody(map[string]any{"markdown": "## R: " + unique("Rule"), "summary": "route test", "version": e.guidelineVersion(t)})
		}},
		"GET /api/v1/projects/:project/guidelines/:version": {Min: "annotator", Success: 200, prepare: func(e *env, _ string) (string, string) {
			return fmt.Sprintf("%s/guidelines/%d", p, e.guideline(t)), ""
		}},
		"GET /api/v1/projects/:project/guidelines/diff": {Min: "annotator", Success: 200, prepare: func(e *env, _ string) (string, string) {
			return fmt.Sprintf("%s/guidelines/diff?from=0&to=%d", p, e.guideline(t)), ""
		}},
		"POST /api/v1/projects/:project/review/next": {Min: "reviewer", Success: 200, prepare: func(e *env, _ string) (string, string) {
			e.reviewItem(t)
			return p + "/review/next", ""
		}},
		"POST /api/v1/projects/:project/review/items/:item/release": {Min: "reviewer", Success: 204, prepare: func(e *env, as string) (string, string) {
			it := e.claimed(t, as)
			return fmt.Sprintf("%s/review/items/%d/release", p, it.ID), ""
		}},
		"GET /api/v1/projects/:project/review/items": {Min: "reviewer", Success: 200, prepare: fixed(p+"/review/items?state=pending", "")},
		"POST /api/v1/projects/:project/review/items/:item/claim": {Min: "reviewer", Success: 200, prepare: func(e *env, as string) (string, string) {
			e.releaseClaims(t, as)
			return fmt.Sprintf("%s/review/items/%d/claim", p, e.reviewItem(t)), ""
		}},
		"POST /api/v1/projects/:project/review/items/:item/unclaim": {Min: "lead", Success: 204, prepare: func(e *env, _ string) (string, string) {
			e.releaseClaims(t, "reviewer")
			it := e.claimed(t, "reviewer")
			return fmt.Sprintf("%s/review/items/%d/unclaim", p, it.ID), ""
		}},
		"POST /api/v1/projects/:project/review/items/:item/assign": {Min: "lead", Success: 200, prepare: func(e *env, _ string) (string, string) {
			e.releaseClaims(t, "reviewer")
			return fmt.Sprintf("%s/review/items/%d/assign", p, e.reviewItem(t)), jsonBody(map[string]any{"user_id": e.users["reviewer"].ID})
		}},
		"POST /api/v1/projects/:project/review/items/:item/decision": {Min: "reviewer", Success: 200, prepare: func(e *env, as string) (string, string) {
			it := e.claimed(t, as)
			return fmt.Sprintf("%s/review/items/%d/decision", p, it.ID), jsonBody(map[string]any{"version": it.Version, "decision": "accept_a", "error_type": "other"})
		}},
		"GET /api/v1/projects/:project/review/stats":      {Min: "reviewer", Success: 200, prepare: fixed(p+"/review/stats", "")},
		"GET /api/v1/projects/:project/policy":            {Min: "reviewer", Success: 200, prepare: fixed(p+"/policy", "")},
		"GET /api/v1/projects/:project/retrieval":         {Min: "reviewer", Success: 200, prepare: fixed(p+"/retrieval", "")},
		"GET /api/v1/projects/:project/retrieval/batches": {Min: "lead", Success: 200, prepare: fixed(p+"/retrieval/batches", "")},
		"PUT /api/v1/projects/:project/retrieval": {Min: "lead", Success: 200, prepare: func(e *env, _ string) (string, string) {
			rs, err := e.store.RetrievalSettings(e.ctx, e.project.ID)
			if err != nil {
				e.t.Fatal(err)
			}
			return p + "/retrieval", jsonBody(map[string]any{"version": rs.Version, "top_k": 6})
		}},
		"PUT /api/v1/projects/:project/policy": {Min: "lead", Success: 200, prepare: func(e *env, _ string) (string, string) {
			pol, err := e.store.Policy(e.ctx, e.project.ID)
			if err != nil {
				e.t.Fatal(err)
			}
			return p + "/policy", jsonBody(map[string]any{"version": pol.Version, "audit_rate": 0.25})
		}},
		"POST /api/v1/projects/:project/annotation/plan": {Min: "lead", Success: 200, prepare: func(e *env, _ string) (string, string) {
			e.nlq(t)
			return p + "/annotation/plan", `{"share":1}`
		}},
		"POST /api/v1/projects/:project/annotation/next": {Min: "annotator", Success: 200, prepare: func(e *env, _ string) (string, string) {
			e.annotationItem(t, agreeSQL)
			return p + "/annotation/next", ""
		}},
		"POST /api/v1/projects/:project/annotation/items/:item/submit": {Min: "annotator", Success: 200, prepare: func(e *env, as string) (string, string) {
			id, v := e.claimedAnnotation(t, as)
			return fmt.Sprintf("%s/annotation/items/%d/submit", p, id), jsonBody(map[string]any{"version": v, "sql": agreeSQL, "elapsed_ms": 1200})
		}},
		"POST /api/v1/projects/:project/annotation/items/:item/skip": {Min: "annotator", Success: 200, prepare: func(e *env, as string) (string, string) {
			id, v := e.claimedAnnotation(t, as)
			return fmt.Sprintf("%s/annotation/items/%d/skip", p, id), jsonBody(map[string]any{"version": v, "reason": "ambiguous"})
		}},
		"POST /api/v1/projects/:project/annotation/items/:item/release": {Min: "annotator", Success: 204, prepare: func(e *env, as string) (string, string) {
			id, _ := e.claimedAnnotation(t, as)
			return fmt.Sprintf("%s/annotation/items/%d/release", p, id), ""
		}},
		"GET /api/v1/projects/:project/annotation/status": {Min: "annotator", Success: 200, prepare: fixed(p+"/annotation/status", "")},
		"POST /api/v1/projects/:project/annotation/items/:item/reopen": {Min: "annotator", Success: 200, prepare: func(e *env, as string) (string, string) {
			id := e.submittedAnnotation(t, as)
			return fmt.Sprintf("%s/annotation/items/%d/reopen", p, id), ""
		}},
		"GET /api/v1/projects/:project/snapshots": {Min: "reviewer", Success: 200, prepare: fixed(p+"/snapshots", "")},
		"POST /api/v1/projects/:project/snapshots": {Min: "lead", Success: 201, prepare: func(e *env, _ string) (string, string) {
			e.acceptedNLQ(t)
			return p + "/snapshots", jsonBody(map[string]any{"name": unique("snap"), "seed": 1})
		}},
		"GET /api/v1/projects/:project/snapshots/:snapshot": {Min: "reviewer", Success: 200, prepare: func(e *env, _ string) (string, string) {
			return fmt.Sprintf("%s/snapshots/%d", p, e.snapshot(t)), ""
		}},
		"GET /api/v1/projects/:project/snapshots/:snapshot/pairs": {Min: "reviewer", Success: 200, prepare: func(e *env, _ string) (string, string) {
			return fmt.Sprintf("%s/snapshots/%d/pairs?split=train", p, e.snapshot(t)), ""
		}},
		"GET /api/v1/projects/:project/snapshots/:snapshot/error-rate": {Min: "reviewer", Success: 200, prepare: func(e *env, _ string) (string, string) {
			return fmt.Sprintf("%s/snapshots/%d/error-rate", p, e.snapshot(t)), ""
		}},
		"POST /api/v1/projects/:project/snapshots/:snapshot/audits": {Min: "lead", Success: 201, prepare: func(e *env, _ string) (string, string) {
			return fmt.Sprintf("%s/snapshots/%d/audits", p, e.snapshot(t)), `{"target_upper":0.5,"seed":1}`
		}},
		"GET /api/v1/projects/:project/snapshots/:snapshot/export": {Min: "lead", Success: 200, prepare: func(e *env, _ string) (string, string) {
			return fmt.Sprintf("%s/snapshots/%d/export?format=eval_jsonl&split=all", p, e.snapshot(t)), ""
		}},
		"GET /api/v1/projects/:project/exports": {Min: "lead", Success: 200, prepare: fixed(p+"/exports", "")},
		"POST /api/v1/projects/:project/nlqs/accept-imported": {Min: "lead", Success: 200, prepare: func(e *env, _ string) (string, string) {
			return p + "/nlqs/accept-imported", fmt.Sprintf(`{"database_id":%d}`, e.database.ID)
		}},
		"GET /api/v1/projects/:project/prompts": {Min: "reviewer", Success: 200, prepare: fixed(p+"/prompts", "")},
		"POST /api/v1/projects/:project/prompts": {Min: "lead", Success: 201, prepare: fixed(p+"/prompts",
			jsonBody(map[string]string{"body": prompts.BuiltinTemplate + "\nBe brief."}))},
		"GET /api/v1/projects/:project/evaluations": {Min: "lead", Success: 200, prepare: fixed(p+"/evaluations", "")},
		"POST /api/v1/projects/:project/evaluations": {Min: "lead", Success: 201, prepare: func(e *env, _ string) (string, string) {
			return p + "/evaluations", fmt.Sprintf(`{"snapshot_id":%d,"split":"all"}`, e.snapshot(t))
		}},
		"GET /api/v1/projects/:project/evaluations/:run": {Min: "lead", Success: 200, prepare: func(e *env, _ string) (string, string) {
			return fmt.Sprintf("%s/evaluations/%d", p, e.evaluation(t)), ""
		}},
		"GET /api/v1/projects/:project/evaluations/:run/results": {Min: "lead", Success: 200, prepare: func(e *env, _ string) (string, string) {
			return fmt.Sprintf("%s/evaluations/%d/results?outcome=wrong", p, e.evaluation(t)), ""
		}},
		"GET /api/v1/projects/:project/optimizations": {Min: "lead", Success: 200, prepare: fixed(p+"/optimizations", "")},
		"POST /api/v1/projects/:project/optimizations": {Min: "lead", Success: 201, prepare: func(e *env, _ string) (string, string) {
			return p + "/optimizations", fmt.Sprintf(`{"method":"apo","snapshot_id":%d,"apo":{"rounds":1}}`, e.splitSnapshot(t))
		}},
		"GET /api/v1/projects/:project/optimizations/:run": {Min: "lead", Success: 200, prepare: func(e *env, _ string) (string, string) {
			return fmt.Sprintf("%s/optimizations/%d", p, e.finishedOptimization(t)), ""
		}},
		"POST /api/v1/projects/:project/optimizations/:run/adopt": {Min: "lead", Success: 201, prepare: func(e *env, _ string) (string, string) {
			return fmt.Sprintf("%s/optimizations/%d/adopt", p, e.finishedOptimization(t)), "{}"
		}},
		"GET /api/v1/projects/:project/snapshots/compare": {Min: "reviewer", Success: 200, prepare: func(e *env, _ string) (string, string) {
			return fmt.Sprintf("%s/snapshots/compare?a=%d&b=%d", p, e.snapshot(t), e.snapshot(t)), ""
		}},
		"POST /api/v1/projects/:project/imports": {Min: "lead", Success: 201, prepare: func(*env, string) (string, string) {
			return p + "/imports", "multipart:" + unique("t")
		}},
	}
}

// TestRoutes_EveryRouteDeclaredAndTested walks every route with every role (and anonymous): a role at
// or above the route's minimum gets the success status, a weaker signed-in role 403, anonymous 401.
func TestRoutes_EveryRouteDeclaredAndTested(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	specs := routeSpecs(t, e)

	var registered []string
	for _, r := range e.srv.echo.Routes() {
		registered = append(registered, r.Method+" "+r.Path)
	}
	sort.Strings(registered)
	seen := map[string]bool{}
	for _, key := range registered {
		seen[key] = true
		if _, ok := specs[key]; !ok {
			t.Errorf("route %s has no entry in routeSpecs: say who may call it", key)
		}
	}
	for key := range specs {
		if !seen[key] {
			t.Errorf("routeSpecs lists %s, which the server does not have", key)
		}
	}
	for _, r := range e.srv.routes() {
		if !r.Public && (r.Object == "" || r.Action == "") {
			t.Errorf("route %s %s declares no permission", r.Method, r.Path)
		}
		if spec := specs[r.Method+" "+r.Path]; r.Public != (spec.Min == "anonymous") {
			t.Errorf("route %s %s: Public=%v but the spec says minimum role %q", r.Method, r.Path, r.Public, spec.Min)
		}
	}

	for _, key := range registered {
		spec := specs[key]
		var method string
		fmt.Sscan(key, &method)
		for _, role := range roleOrder {
			t.Run(key+" as "+role, func(t *testing.T) {
				url, body := spec.prepare(e, role)
				as := role
				if role == "anonymous" {
					as = ""
				}
				rec := e.do(scenario{Method: method, URL: url, Body: body, As: as})
				want := spec.Success
				switch {
				case rank(role) >= rank(spec.Min):
				case role == "anonymous":
					want = http.StatusUnauthorized
				default:
					want = http.StatusForbidden
				}
				if rec.Code != want {
					t.Fatalf("%s %s as %s: status %d, want %d; body %s", method, url, role, rec.Code, want, rec.Body.String())
				}
			})
		}
	}
}
