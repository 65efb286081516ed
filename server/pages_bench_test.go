package server

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/goldset/goldset/store"
)

// BenchmarkPageAPIs times the GET call behind every screen of the web UI for a project of 100,000
// questions (target: each ≤ 300 ms), one request at a time over loopback HTTP with token
// authentication and casbin, as a browser makes them. Each route's median is reported in ms and as a
// ratio against a bare baseline in the same run: GET /auth/me, the same HTTP stack around one
// primary-key lookup.
//
// The project is seeded in bulk (INSERT … SELECT generate_series, foreign-key triggers off where the
// references are right by construction): 100,000 questions with two candidates each, three agent
// batches whose items and trajectories cover every question (the largest 50,000), a call log row per
// trajectory, two paraphrase runs, annotation items and annotations, review items and reviews, three
// snapshots of 30,000 pairs, two evaluations of 20,000 results, an optimization, a metric run and the
// audit log those actions would write. GOLDSET_BENCH_SMOKE=1 seeds 500 questions.
func BenchmarkPageAPIs(b *testing.B) {
	nlqs, reps := 100_000, 5
	if smoke() {
		nlqs, reps = 500, 1
	}
	e := newBenchProject(b, "Pages bench")
	ctx, st, lead, token, project, db := e.ctx, e.st, e.lead, e.token, e.project, e.db
	admin, err := st.CreateUser(ctx, store.System, store.NewUser{Email: "admin@example.com", Name: "Admin", Password: "bench bench bench", IsAdmin: true})
	if err != nil {
		b.Fatal(err)
	}
	_, adminToken, err := st.CreateToken(ctx, store.System, admin.ID, "bench", 0)
	if err != nil {
		b.Fatal(err)
	}
	start := time.Now()
	ids := seedPages(b, st, project.ID, db.ID, lead.ID, nlqs)
	b.Logf("seeded a project of %d questions in %v", nlqs, time.Since(start).Round(time.Millisecond))

	srv := e.server(b)
	web := httptest.NewServer(srv.Handler())
	defer web.Close()
	client := &http.Client{Timeout: time.Minute}
	call := func(method, path string) (time.Duration, error) {
		req, _ := http.NewRequest(method, web.URL+path, nil)
		if strings.HasPrefix(path, "/api/v1/audit") { // the whole platform's activity is for administrators
			req.Header.Set("Authorization", "Bearer "+adminToken)
		} else {
			req.Header.Set("Authorization", "Bearer "+token)
		}
		t0 := time.Now()
		resp, err := client.Do(req)
		if err != nil {
			return 0, err
		}
		defer resp.Body.Close()
		body, err := io.ReadAll(resp.Body)
		d := time.Since(t0)
		if err != nil {
			return 0, err
		}
		if resp.StatusCode >= 300 {
			return 0, fmt.Errorf("%s %s: %d %s", method, path, resp.StatusCode, body)
		}
		return d, nil
	}
	median := func(method, path string, n int) (time.Duration, error) {
		if _, err := call(method, path); err != nil { // warm: the plan cache, the connection
			return 0, err
		}
		ds := make([]time.Duration, n)
		for i := range ds {
			d, err := call(method, path)
			if err != nil {
				return 0, err
			}
			ds[i] = d
		}
		slices.Sort(ds)
		return ds[len(ds)/2], nil
	}

	p := fmt.Sprintf("/api/v1/projects/%d", project.ID)
	pages := []struct{ screen, method, path string }{
		{"projects list", "GET", "/api/v1/projects"},
		{"project overview", "GET", p},
		{"project members", "GET", p + "/members"},
		{"databases list", "GET", p + "/databases?all_versions=true"},
		{"database detail", "GET", fmt.Sprintf("%s/databases/%d", p, db.ID)},
		{"database SQL history", "GET", fmt.Sprintf("%s/databases/%d/history", p, db.ID)},
		{"questions list", "GET", p + "/nlqs"},
		{"questions list, filtered (status)", "GET", p + "/nlqs?status=needs_review"},
		{"questions list, filtered (stage+database)", "GET", fmt.Sprintf("%s/nlqs?stage=%%2Bparaphrase&database=%d", p, db.ID)},
		{"questions list, error type", "GET", p + "/nlqs?error_type=join"},
		{"questions list, text search", "GET", p + "/nlqs?q=capacity%20above%2099"},
		{"questions list, page 50", "GET", fmt.Sprintf("%s/nlqs?before=%d", p, ids.nlqMid)},
		{"question facets", "GET", p + "/nlqs/facets"},
		{"question history", "GET", fmt.Sprintf("%s/nlqs/%d", p, ids.nlqBusy)},
		{"translation report", "GET", p + "/translation-report"},
		{"annotate: my work", "GET", p + "/annotation/status"},
		{"annotate: next", "POST", p + "/annotation/next"},
		{"review queue", "GET", p + "/review/items"},
		{"review queue, resolved", "GET", p + "/review/items?state=resolved"},
		{"review stats", "GET", p + "/review/stats"},
		{"review: next item", "POST", p + "/review/next"},
		{"dashboard progress", "GET", p + "/progress"},
		{"dashboard cycles", "GET", p + "/cycles"},
		{"metrics latest", "GET", p + "/metrics"},
		{"metric runs", "GET", p + "/metrics/runs"},
		{"guidelines", "GET", p + "/guidelines"},
		{"pipelines list", "GET", p + "/runs"},
		{"batches list", "GET", p + "/runs?kind=agent"},
		{"batch page: run", "GET", fmt.Sprintf("%s/runs/%d", p, ids.bigBatch)},
		{"batch page: trajectories", "GET", fmt.Sprintf("%s/agent/runs?batch=%d", p, ids.bigBatch)},
		{"batch page: failed trajectories", "GET", fmt.Sprintf("%s/agent/runs?batch=%d&status=error", p, ids.bigBatch)},
		{"batch page: items", "GET", fmt.Sprintf("%s/runs/%d/items", p, ids.bigBatch)},
		{"batch page: items, failed", "GET", fmt.Sprintf("%s/runs/%d/items?outcome=error", p, ids.bigBatch)},
		{"batch page: items, middle page", "GET", fmt.Sprintf("%s/runs/%d/items?after=%d", p, ids.bigBatch, ids.batchMid)},
		{"batch page: model calls", "GET", fmt.Sprintf("%s/llm-calls?run_kind=agent&run_id=%d", p, ids.bigBatch)},
		{"agent runs (all)", "GET", p + "/agent/runs"},
		{"agent trajectory", "GET", fmt.Sprintf("%s/agent/runs/%d", p, ids.agentRun)},
		{"pipeline run page", "GET", fmt.Sprintf("%s/runs/%d", p, ids.paraphrase)},
		{"LLM calls (project)", "GET", p + "/llm-calls"},
		{"evaluations list", "GET", p + "/evaluations"},
		{"evaluation page", "GET", fmt.Sprintf("%s/evaluations/%d", p, ids.evaluation)},
		{"evaluation results", "GET", fmt.Sprintf("%s/evaluations/%d/results", p, ids.evaluation)},
		{"evaluation results, wrong", "GET", fmt.Sprintf("%s/evaluations/%d/results?outcome=wrong", p, ids.evaluation)},
		{"optimizations list", "GET", p + "/optimizations"},
		{"optimization page", "GET", fmt.Sprintf("%s/optimizations/%d", p, ids.optimization)},
		{"prompts", "GET", p + "/prompts"},
		{"snapshots list", "GET", p + "/snapshots"},
		{"snapshot detail", "GET", fmt.Sprintf("%s/snapshots/%d", p, ids.snapshot)},
		{"snapshot pairs", "GET", fmt.Sprintf("%s/snapshots/%d/pairs", p, ids.snapshot)},
		{"snapshot pairs, test split", "GET", fmt.Sprintf("%s/snapshots/%d/pairs?split=test", p, ids.snapshot)},
		{"snapshot error rate", "GET", fmt.Sprintf("%s/snapshots/%d/error-rate", p, ids.snapshot)},
		{"exports", "GET", p + "/exports"},
		{"activity (project audit)", "GET", p + "/audit"},
		{"activity (all, admin)", "GET", "/api/v1/audit"},
	}
	b.ResetTimer()
	for n := 0; n < b.N; n++ {
		base1, err := median("GET", "/api/v1/auth/me", 4*reps)
		if err != nil {
			b.Fatal(err)
		}
		times := make([]time.Duration, len(pages))
		for i, pg := range pages {
			if times[i], err = median(pg.method, pg.path, reps); err != nil {
				b.Fatal(err)
			}
		}
		base2, err := median("GET", "/api/v1/auth/me", 4*reps)
		if err != nil {
			b.Fatal(err)
		}
		base := min(base1, base2)
		var report strings.Builder
		fmt.Fprintf(&report, "baseline GET /auth/me: %.2f ms (%.2f before, %.2f after)\n", ms(base), ms(base1), ms(base2))
		fmt.Fprintf(&report, "| screen | route | ms | × baseline |\n|---|---|---|---|\n")
		var worst time.Duration
		for i, pg := range pages {
			route := strings.Replace(pg.path, p, "…", 1)
			fmt.Fprintf(&report, "| %s | `%s %s` | %.1f | %.0f |\n", pg.screen, pg.method, route, ms(times[i]), float64(times[i])/float64(base))
			worst = max(worst, times[i])
		}
		b.Log("\n" + report.String())
		b.ReportMetric(ms(base), "baseline-ms")
		b.ReportMetric(ms(worst), "slowest-ms")
		b.ReportMetric(float64(worst)/float64(base), "slowest/baseline")
	}
}

// pageIDs are the objects of the seeded project that the pages are opened on.
type pageIDs struct {
	nlqMid, nlqBusy, agentRun, batchMid int64
	bigBatch, paraphrase                int64
	evaluation, optimization, snapshot  int64
}

// seedPages fills the project with n questions and what a year of work on them leaves behind.
func seedPages(b *testing.B, st *store.Store, project, database, lead int64, n int) pageIDs {
	ctx := context.Background()
	tx, err := st.Pool().Begin(ctx)
	if err != nil {
		b.Fatal(err)
	}
	defer tx.Rollback(ctx)
	exec := func(sql string, args ...any) {
		b.Helper()
		if _, err := tx.Exec(ctx, sql, args...); err != nil {
			b.Fatalf("%s: %v", strings.TrimSpace(strings.SplitN(sql, "\n", 2)[0]), err)
		}
	}
	one := func(sql string, args ...any) int64 {
		b.Helper()
		var id int64
		if err := tx.QueryRow(ctx, sql, args...).Scan(&id); err != nil {
			b.Fatalf("%s: %v", strings.TrimSpace(strings.SplitN(sql, "\n", 2)[0]), err)
		}
		return id
	}
	// Every reference below is right by construction: skip the foreign-key triggers.
	exec(`SET LOCAL session_replication_role = replica`)

	// People: 10 annotators and 5 reviewers.
	exec(`INSERT INTO users (email, name, password_hash) SELECT 'p' || g || '@bench.example', 'Person ' || g, 'x' FROM generate_series(1, 15) g`)
	exec(`INSERT INTO memberships (project_id, user_id, role) SELECT $1, id, CASE WHEN email ~ '^p([1-9]|10)@' THEN 'annotator' ELSE 'reviewer' END
		FROM users WHERE email LIKE 'p%@bench.example'`, project)
	exec(`INSERT INTO guidelines (project_id, version, markdown, rules, author_id) SELECT $1, v, '# Guidelines v' || v || E'\n\n## R1 Joins\nUse explicit joins.',
		'[{"id":"R1","title":"Joins","text":"Use explicit joins."}]', $2 FROM generate_series(1, 3) v`, project, lead)

	// Questions in four stages and four statuses; a tenth are paraphrases of an earlier one.
	exec(`INSERT INTO nlqs (project_id, database_id, question, stage, status, origin, origin_key, created_by, created_at)
		SELECT $1, $2, 'How many rows of ' || (ARRAY['singer','concert','stadium','ticket'])[1 + g % 4] || ' have capacity above ' || g || '?',
			(ARRAY['human-seed', '+complexity', '+semantic', '+paraphrase'])[1 + g * 4 / ($3 + 1)],
			(ARRAY['new', 'needs_review', 'accepted', 'accepted', 'rejected', 'accepted'])[1 + g % 6],
			jsonb_build_object('kind', CASE WHEN g * 4 / ($3 + 1) = 0 THEN 'import' ELSE 'generator' END, 'file', 'questions.csv'),
			'bench-' || g, CASE WHEN g % 3 = 0 THEN $4::bigint END, now() - make_interval(secs => $3 - g)
		FROM generate_series(1, $3) g`, project, database, n, lead)
	first := one(`SELECT min(id) FROM nlqs WHERE project_id = $1`, project)
	exec(`UPDATE nlqs SET parent_id = id - $2 WHERE project_id = $1 AND stage = '+paraphrase' AND id % 10 = 0`, project, n/2)
	// Two candidates each: the imported gold and the agent's answer.
	exec(`INSERT INTO sql_candidates (nlq_id, source, sql, result_fingerprint, row_count, elapsed_ms, created_at)
		SELECT id, s.source, 'SELECT count(*) FROM singer WHERE capacity > ' || (id % 100), md5((id % 100)::text), 1, 0.4, created_at
		FROM nlqs, (VALUES ('import'), ('agent')) s(source) WHERE project_id = $1`, project)
	exec(`UPDATE nlqs n SET gold_candidate_id = c.id FROM sql_candidates c
		WHERE n.project_id = $1 AND c.nlq_id = n.id AND c.source = 'import' AND n.status = 'accepted'`, project)

	// Three agent batches over every question (10%, 40%, 50%), each question's item, trajectory (two
	// steps) and model call; one in twenty failed, with a log line.
	batches := []struct{ from, to int }{{0, n / 10}, {n / 10, n / 2}, {n / 2, n}}
	var bigBatch int64
	for i, bt := range batches {
		size := bt.to - bt.from
		run := one(`INSERT INTO pipeline_runs (project_id, kind, number, params, status, total, done, succeeded, failed, prompt_tokens,
			completion_tokens, cost_usd, started_by, started_at, finished_at)
			VALUES ($1, 'agent', $2, '{"concurrency":16}', 'succeeded', $3, $3, $3 - $3 / 20, $3 / 20, $3 * 1200, $3 * 80, $3 * 0.001, $4,
				now() - interval '1 hour', now()) RETURNING id`, project, i+1, size, lead)
		bigBatch = run
		exec(`INSERT INTO pipeline_items (run_id, item_key, status, detail, gen)
			SELECT $1, id::text, CASE WHEN id % 20 = 0 THEN 'failed' ELSE 'done' END,
				CASE WHEN id % 20 = 0 THEN '{"error":"the model gave no answer"}'::jsonb ELSE '{}'::jsonb END, 1
			FROM nlqs WHERE project_id = $2 AND id >= $3 AND id < $4`, run, project, first+int64(bt.from), first+int64(bt.to))
		exec(`INSERT INTO agent_runs (project_id, database_id, nlq_id, pipeline_run_id, question, status, sql, explanation, confidence,
				prompt_version, model, prompt_tokens, completion_tokens, started_by, started_at, finished_at)
			SELECT $1, database_id, id, $2, question, CASE WHEN id % 20 = 0 THEN 'error' WHEN id % 7 = 0 THEN 'budget' ELSE 'answered' END,
				'SELECT count(*) FROM singer WHERE capacity > ' || (id % 100), 'Counts the rows.', 0.9, 'agent-system-v5', 'gpt-4o-mini',
				1200, 80, $3, now() - interval '1 hour', now()
			FROM nlqs WHERE project_id = $1 AND id >= $4 AND id < $5 ORDER BY id`, project, run, lead, first+int64(bt.from), first+int64(bt.to))
		exec(`INSERT INTO agent_steps (run_id, idx, kind, content, tool, args, result, sql, prompt_tokens, completion_tokens, latency_ms)
			SELECT r.id, s.idx, s.kind, s.content, s.tool, s.args::jsonb, s.result, s.sql, 600, 40, 350
			FROM agent_runs r, (VALUES (0, 'tool', '', 'list_tables', '{}', 'singer, concert, stadium, ticket', ''),
				(1, 'final', 'The count.', 'give_final_answer', '{"sql":"SELECT 1"}', '', 'SELECT count(*) FROM singer')) s(idx, kind, content, tool, args, result, sql)
			WHERE r.pipeline_run_id = $1`, run)
		exec(`INSERT INTO llm_calls (at, purpose, model, project_id, run_kind, run_id, item_key, user_id, request, response,
				prompt_tokens, completion_tokens, latency_ms, error, cost_usd)
			SELECT now(), 'agent', 'gpt-4o-mini', $1, 'agent', $2, nlq_id::text, $3,
				jsonb_build_object('messages', jsonb_build_array(jsonb_build_object('role', 'user', 'content', question))),
				'{"choices":[{"message":{"content":"SELECT 1"}}]}', 1200, 80, 900, CASE WHEN status = 'error' THEN 'timeout' ELSE '' END, 0.001
			FROM agent_runs WHERE pipeline_run_id = $2 ORDER BY id`, project, run, lead)
		exec(`INSERT INTO pipeline_events (run_id, level, message) VALUES ($1, 'info', 'started')`, run)
		exec(`INSERT INTO pipeline_events (run_id, level, message) SELECT $1, 'error', 'item ' || item_key || ': the model gave no answer'
			FROM pipeline_items WHERE run_id = $1 AND status = 'failed' ORDER BY item_key`, run)
		exec(`INSERT INTO pipeline_events (run_id, level, message) VALUES ($1, 'info', 'finished')`, run)
	}
	exec(`UPDATE sql_candidates c SET agent_run_id = r.id FROM agent_runs r WHERE r.nlq_id = c.nlq_id AND c.source = 'agent' AND r.project_id = $1`, project)

	// Two paraphrase runs that made the +paraphrase stage.
	var paraphrase int64
	for i := 1; i <= 2; i++ {
		paraphrase = one(`INSERT INTO pipeline_runs (project_id, kind, number, params, status, total, done, succeeded, kept, started_by,
			started_at, finished_at) VALUES ($1, 'paraphrase', $2, '{"stage":"+semantic","limit":2000}', 'succeeded', $3, $3, $3, $3, $4,
			now() - interval '2 hours', now() - interval '1 hour') RETURNING id`, project, i, n/8, lead)
		exec(`INSERT INTO pipeline_items (run_id, item_key, status, detail, gen) SELECT $1, id::text, 'done', '{"kept":1}', 1
			FROM nlqs WHERE project_id = $2 AND stage = '+paraphrase' AND id % 2 = $3`, paraphrase, project, i-1)
		exec(`INSERT INTO llm_calls (purpose, model, project_id, run_kind, run_id, item_key, prompt_tokens, completion_tokens, latency_ms)
			SELECT 'generate', 'gpt-4o-mini', $1, 'paraphrase', $2, item_key, 500, 60, 700 FROM pipeline_items WHERE run_id = $2`, project, paraphrase)
		exec(`INSERT INTO pipeline_events (run_id, level, message) VALUES ($1, 'info', 'started'), ($1, 'info', 'finished')`, paraphrase)
	}
	exec(`INSERT INTO run_numbers (project_id, kind, last) VALUES ($1, 'agent', 3), ($1, 'paraphrase', 2), ($1, 'evaluate', 2), ($1, 'optimize', 1)`, project)

	// Annotation: two slots for every question of the first half; most of them done.
	exec(`INSERT INTO annotation_items (project_id, nlq_id, slot, status, claimed_by, created_at, done_at)
		SELECT $1, q.id, s.slot, CASE WHEN q.id % 4 = 0 THEN 'pending' ELSE 'submitted' END,
			CASE WHEN q.id % 4 <> 0 THEN (SELECT min(id) FROM users WHERE email LIKE 'p%@bench.example') + (q.id + s.slot) % 10 END,
			q.created_at, CASE WHEN q.id % 4 <> 0 THEN now() END
		FROM nlqs q, (VALUES (1), (2)) s(slot) WHERE q.project_id = $1 AND q.id < $2 ORDER BY q.id, s.slot`, project, first+int64(n/2))
	// Each submission is the annotator's SQL (a human candidate), compared with the agent's and, where
	// both slots are done, with the other annotator's; one comparison in five disagrees.
	exec(`INSERT INTO sql_candidates (nlq_id, source, sql, result_fingerprint, row_count, created_by, created_at)
		SELECT i.nlq_id, 'human', 'SELECT count(*) FROM singer WHERE capacity > ' || (i.nlq_id % 100), md5((i.nlq_id % 100)::text), 1,
			i.claimed_by, i.done_at
		FROM annotation_items i WHERE i.project_id = $1 AND i.status = 'submitted' ORDER BY i.id`, project)
	exec(`INSERT INTO annotations (item_id, nlq_id, user_id, candidate_id, guideline_version, elapsed_ms, created_at)
		SELECT i.id, i.nlq_id, i.claimed_by, c.id, 1 + i.nlq_id % 3, 20000 + i.id % 60000, i.done_at FROM annotation_items i
		JOIN sql_candidates c ON c.nlq_id = i.nlq_id AND c.source = 'human' AND c.created_by = i.claimed_by
		WHERE i.project_id = $1 AND i.status = 'submitted'`, project)
	// The foreign-key triggers are off, so is the one that copies the project and sides: set them here.
	exec(`INSERT INTO comparisons (nlq_id, candidate_a, candidate_b, match, reason, guideline_version, project_id, source_a, author_a, source_b, author_b)
		SELECT h.nlq_id, h.id, o.id, (h.id + o.id) % 5 <> 0, CASE WHEN (h.id + o.id) % 5 = 0 THEN 'different results' ELSE '' END, 1 + h.nlq_id % 3,
			q.project_id, h.source, h.created_by, o.source, o.created_by
		FROM sql_candidates h JOIN nlqs q ON q.id = h.nlq_id
		JOIN sql_candidates o ON o.nlq_id = h.nlq_id AND (o.source = 'agent' OR (o.source = 'human' AND o.id > h.id))
		WHERE q.project_id = $1 AND h.source = 'human'`, project)

	// Review: an item for every fifth question; three in four resolved with a review.
	exec(`INSERT INTO review_items (project_id, nlq_id, reason, status, candidate_a, candidate_b, created_at, resolved_at)
		SELECT $1, q.id, (ARRAY['disagreement', 'agent_failed', 'low_confidence', 'checker_warning'])[1 + q.id % 4],
			CASE WHEN q.id % 20 < 15 THEN 'resolved' ELSE 'pending' END, min(c.id), max(c.id), q.created_at,
			CASE WHEN q.id % 20 < 15 THEN now() END
		FROM nlqs q JOIN sql_candidates c ON c.nlq_id = q.id WHERE q.project_id = $1 AND q.id % 5 = 0 GROUP BY q.id ORDER BY q.id`, project)
	exec(`INSERT INTO reviews (review_item_id, reviewer_id, decision, error_type, rule_ids, guideline_version, created_at)
		SELECT i.id, (SELECT min(id) FROM users WHERE email LIKE 'p%@bench.example') + 10 + i.id % 5,
			(ARRAY['accept_a', 'accept_b', 'edit', 'reject'])[1 + i.id % 4],
			(ARRAY['join', 'aggregation', 'filter_value', 'schema_linking', 'other'])[1 + i.id % 5], '{R1}', 1 + i.id % 3, i.resolved_at
		FROM review_items i WHERE i.project_id = $1 AND i.status = 'resolved'`, project)

	// Snapshots: three cuts of 30,000 accepted pairs (or what there is).
	var snapshot int64
	for i := 1; i <= 3; i++ {
		snapshot = one(`INSERT INTO snapshots (project_id, name, params, content_hash, pairs, manifest, created_by)
			VALUES ($1, 'golden-v' || $2::int, '{"seed":1,"ratios":{"train":0.8,"val":0.1,"test":0.1}}', md5($2::int::text), 0,
				'{"counts":{"train":0,"val":0,"test":0}}', $3) RETURNING id`, project, i, lead)
		exec(`INSERT INTO snapshot_pairs (snapshot_id, nlq_id, candidate_id, split, stage, question, sql, database_id, database_name,
				database_version, schema_hash, result_fingerprint, hardness, guideline_version, accepted_by)
			SELECT $1, q.id, q.gold_candidate_id, CASE WHEN q.id % 10 < 8 THEN 'train' WHEN q.id % 10 = 8 THEN 'val' ELSE 'test' END,
				q.stage, q.question, c.sql, q.database_id, 'venues', 1, 'h', c.result_fingerprint,
				(ARRAY['easy', 'medium', 'hard', 'extra'])[1 + q.id % 4], 3, 'reviewed'
			FROM nlqs q JOIN sql_candidates c ON c.id = q.gold_candidate_id
			WHERE q.project_id = $2 AND q.status = 'accepted' ORDER BY q.id LIMIT $3`, snapshot, project, 30_000)
		exec(`UPDATE snapshots SET pairs = (SELECT count(*) FROM snapshot_pairs WHERE snapshot_id = $1) WHERE id = $1`, snapshot)
	}
	exec(`INSERT INTO exports (project_id, snapshot_id, format, split, status, rows, bytes, created_by, finished_at)
		SELECT $1, id, 'eval_jsonl', 'all', 'done', pairs, pairs * 200, $2, now() FROM snapshots WHERE project_id = $1`, project, lead)

	// Evaluations: two runs over the last snapshot's 20,000 first pairs; an optimization with 12 candidates.
	exec(`INSERT INTO prompt_templates (project_id, version, body, source, created_by) VALUES ($1, 1, 'Write SQL for {{.Question}}', 'manual', $2)`, project, lead)
	var evaluation int64
	for i := 1; i <= 2; i++ {
		evaluation = one(`INSERT INTO pipeline_runs (project_id, kind, number, params, status, total, done, succeeded, started_by, started_at, finished_at)
			VALUES ($1, 'evaluate', $2, jsonb_build_object('snapshot_id', $3::bigint, 'split', 'all', 'prompt_version', 1), 'succeeded',
				20000, 20000, 20000, $4, now() - interval '1 hour', now()) RETURNING id`, project, i, snapshot, lead)
		exec(`INSERT INTO eval_results (run_id, nlq_id, split, database_name, hardness, sql, correct, reason, prompt_tokens, completion_tokens)
			SELECT $1, nlq_id, split, database_name, hardness, sql, nlq_id % 4 <> 0, CASE WHEN nlq_id % 4 = 0 THEN 'different rows' ELSE '' END, 900, 50
			FROM snapshot_pairs WHERE snapshot_id = $2 ORDER BY nlq_id LIMIT 20000`, evaluation, snapshot)
	}
	optimization := one(`INSERT INTO pipeline_runs (project_id, kind, number, params, status, total, done, succeeded, started_by, started_at, finished_at)
		VALUES ($1, 'optimize', 1, jsonb_build_object('snapshot_id', $2::bigint, 'steps', 3), 'succeeded', 12, 12, 12, $3,
			now() - interval '1 hour', now()) RETURNING id`, project, snapshot, lead)
	exec(`INSERT INTO prompt_candidates (run_id, step, ordinal, origin, prompt, score, scored, val_score, val_n)
		SELECT $1, g / 4, g % 4, CASE WHEN g = 0 THEN 'baseline' ELSE 'opro' END, 'Prompt ' || g, 0.5 + g / 100.0, 50, 0.5 + g / 100.0, 200
		FROM generate_series(0, 11) g`, optimization)

	// A metric run over everything, with a report per stage.
	metricRun := one(`INSERT INTO metric_runs (project_id, status, trigger, embedding, nlqs, started_by, finished_at)
		VALUES ($1, 'succeeded', 'manual', 'lexical', $2, $3, now()) RETURNING id`, project, n, lead)
	exec(`INSERT INTO metric_results (run_id, position, stage, cumulative, nlqs, report)
		SELECT $1, p, (ARRAY['human-seed', '+complexity', '+semantic', '+paraphrase'])[p], c, $2 / 4 * (CASE WHEN c THEN p ELSE 1 END), '{}'
		FROM generate_series(1, 4) p, (VALUES (false), (true)) v(c)`, metricRun, n)
	exec(`INSERT INTO metric_run_inputs (run_id, nlq_id, candidate_id) SELECT $1, id, gold_candidate_id FROM nlqs WHERE project_id = $2`, metricRun, project)

	// The audit log those actions write: a few entries per question.
	exec(`INSERT INTO audit_log (at, actor_id, action, object_type, object_id, project_id, after)
		SELECT now() - make_interval(secs => g), $2, (ARRAY['create', 'submit', 'decide', 'update'])[1 + g % 4],
			(ARRAY['nlq', 'annotation', 'review_item', 'nlq'])[1 + g % 4], (g / 4)::text, $1, '{"status":"accepted"}'
		FROM generate_series(1, $3) g`, project, lead, 3*n)
	exec(`INSERT INTO sql_history (user_id, database_id, sql, row_count, elapsed_ms) SELECT $1, $2, 'SELECT ' || g, 1, 0.3
		FROM generate_series(1, 2000) g`, lead, database)
	if err := tx.Commit(ctx); err != nil {
		b.Fatal(err)
	}
	if _, err := st.Pool().Exec(ctx, `VACUUM ANALYZE`); err != nil {
		b.Fatal(err)
	}
	var ids pageIDs
	ids.bigBatch, ids.paraphrase, ids.evaluation, ids.optimization, ids.snapshot = bigBatch, paraphrase, evaluation, optimization, snapshot
	ids.nlqMid = first + int64(n/2)
	if err := st.Pool().QueryRow(ctx, `SELECT i.nlq_id FROM review_items i JOIN annotation_items a ON a.nlq_id = i.nlq_id
		WHERE i.project_id = $1 AND i.status = 'resolved' ORDER BY i.id LIMIT 1`, project).Scan(&ids.nlqBusy); err != nil {
		b.Fatal(err)
	}
	if err := st.Pool().QueryRow(ctx, `SELECT id FROM agent_runs WHERE nlq_id = $1 LIMIT 1`, ids.nlqBusy).Scan(&ids.agentRun); err != nil {
		b.Fatal(err)
	}
	if err := st.Pool().QueryRow(ctx, `SELECT percentile_disc(0.5) WITHIN GROUP (ORDER BY id) FROM agent_runs WHERE pipeline_run_id = $1`,
		ids.bigBatch).Scan(&ids.batchMid); err != nil {
		b.Fatal(err)
	}
	return ids
}
