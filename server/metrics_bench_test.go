package server

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/goldset/goldset/pipelines/measure"
	"github.com/goldset/goldset/store"
)

// BenchmarkMetricsDashboard measures the metrics dashboard's API for a project with 100,000 questions
// in four stages (target: p95 ≤ 300 ms, cached metric runs): GET …/metrics (token authentication,
// casbin, the newest run with every stage's report) at 16 concurrent clients over loopback HTTP,
// against a bare baseline in the same run: the same rows read with one pgx query per request at 16
// clients. It also times the computation that fills the cache (lexical embeddings).
func BenchmarkMetricsDashboard(b *testing.B) {
	const clients = 16
	nlqs, requests := 100_000, 2_000
	if smoke() {
		nlqs, requests = 2_000, 100
	}
	e := newBenchProject(b, "Metrics bench")
	ctx, st, token, project, db := e.ctx, e.st, e.token, e.project, e.db
	start := time.Now()
	if _, err := st.Pool().Exec(ctx, `
		WITH q AS (
			INSERT INTO nlqs (project_id, database_id, question, stage, origin_key)
			SELECT $1, $2, 'How many rows of ' || t || ' have ' || c || ' above ' || g || '?',
				(ARRAY['human-seed', '+complexity', '+semantic', '+paraphrase'])[1 + g * 4 / ($3 + 1)], 'bench-' || g
			FROM generate_series(1, $3) g,
				LATERAL (SELECT (ARRAY['singer', 'concert', 'stadium', 'ticket'])[1 + g % 4] AS t,
					(ARRAY['capacity', 'year', 'id'])[1 + g % 3] AS c) x
			RETURNING id, question)
		INSERT INTO sql_candidates (nlq_id, source, sql)
		SELECT id, 'import', CASE id % 5
			WHEN 0 THEN 'SELECT count(*) FROM singer WHERE capacity > ' || id
			WHEN 1 THEN 'SELECT name, year FROM concert ORDER BY year DESC LIMIT ' || (id % 10 + 1)
			WHEN 2 THEN 'SELECT country, avg(capacity) FROM stadium GROUP BY country HAVING count(*) > ' || (id % 3)
			WHEN 3 THEN 'SELECT s.name FROM singer s JOIN ticket t ON t.id = s.id WHERE t.year = ' || (2000 + id % 20)
			ELSE 'SELECT name FROM stadium WHERE id IN (SELECT id FROM concert WHERE country = ''Peru'') OR capacity < ' || id END
		FROM q`, project.ID, db.ID, nlqs); err != nil {
		b.Fatal(err)
	}
	b.Logf("seeded %d questions in %v", nlqs, time.Since(start).Round(time.Millisecond))

	srv := e.server(b)
	start = time.Now()
	run, err := srv.stats.Compute(ctx, store.System, project.ID, store.MetricsCLI, measure.Params{Embedding: "lexical"})
	if err != nil {
		b.Fatal(err)
	}
	compute := time.Since(start)
	b.Logf("computed the metrics of %d questions (4 stages, each alone and cumulative) in %v", run.NLQs, compute.Round(time.Millisecond))
	web := httptest.NewServer(srv.Handler())
	defer web.Close()
	url := fmt.Sprintf("%s/api/v1/projects/%d/metrics", web.URL, project.ID)
	client := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: clients * 2}, Timeout: 30 * time.Second}

	b.ResetTimer()
	for n := 0; n < b.N; n++ {
		api, err := concurrently(clients, upTo(requests), func(int) error {
			return apiCall(client, "GET", url, token)
		})
		if err != nil {
			b.Fatal(err)
		}
		bare, err := concurrently(clients, upTo(requests), func(int) error {
			rows, err := st.Pool().Query(ctx, `SELECT position, stage, cumulative, nlqs, report FROM metric_results WHERE run_id = $1
				ORDER BY position, cumulative`, run.ID)
			if err != nil {
				return err
			}
			for rows.Next() {
				var pos, count int
				var stage string
				var cum bool
				var report []byte
				if err := rows.Scan(&pos, &stage, &cum, &count, &report); err != nil {
					return err
				}
			}
			return rows.Err()
		})
		if err != nil {
			b.Fatal(err)
		}
		b.ReportMetric(ms(percentile(api, 0.50)), "api-p50-ms")
		b.ReportMetric(ms(percentile(api, 0.95)), "api-p95-ms")
		b.ReportMetric(ms(percentile(bare, 0.95)), "bare-p95-ms")
		b.ReportMetric(float64(percentile(api, 0.95))/float64(percentile(bare, 0.95)), "api/bare-p95")
		b.ReportMetric(compute.Seconds(), "compute-s")
	}
}
