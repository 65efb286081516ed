package server

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"sync"
	"testing"
	"testing/fstest"
	"time"

	"github.com/goldset/goldset/llm"
	"github.com/goldset/goldset/pipelines"
	"github.com/goldset/goldset/sqlexec"
	"github.com/goldset/goldset/store"
	"github.com/goldset/goldset/store/storetest"
)

const pgbenchPath = "/usr/lib/postgresql/15/bin/pgbench"

// BenchmarkReviewQueue measures the review queue at 1,000,000 pending items in one project, in one run:
// (a) pgbench running the store's own claim statement (bench/claim.pgbench: claim, then resolve) at 16
// clients; (b) the next-item API over loopback HTTP at 16 concurrent reviewers, each looping next +
// decision as a person would, with token auth, casbin, the claim and the JSON; (c) the claim statement
// alone, one client: EXPLAIN (ANALYZE, BUFFERS) and 1,000 timed claims. Targets (issue 5): API claims/s ≥
// 0.40 × pgbench tps with p99 ≤ 50 ms; the claim SQL p99 ≤ 1 ms.
func BenchmarkReviewQueue(b *testing.B) {
	if _, err := os.Stat(pgbenchPath); err != nil {
		b.Skipf("skipping: pgbench is not installed at %s (apt-get install postgresql-15 or postgresql-contrib)", pgbenchPath)
	}
	const (
		items     = 1_000_000
		nlqs      = 5_000
		clients   = 16
		poolSize  = 10_000 // reviewers pgbench draws from
		duration  = 10 * time.Second
		leaseSecs = 300
	)
	ctx := context.Background()
	dbURL := storetest.URL(b)
	st, err := store.Open(ctx, dbURL, store.Options{})
	if err != nil {
		b.Fatal(err)
	}
	defer st.Close()
	pool := st.Pool()
	exec1 := func(sql string, args ...any) {
		b.Helper()
		if _, err := pool.Exec(ctx, sql, args...); err != nil {
			b.Fatalf("%s: %v", sql, err)
		}
	}

	// Seed: a project, reviewers (16 with API tokens and memberships, a pool for pgbench), 5,000
	// questions with two candidates each, and 1,000,000 items over them.
	start := time.Now()
	var project int64
	if err := pool.QueryRow(ctx, `INSERT INTO projects (name) VALUES ('Review bench') RETURNING id`).Scan(&project); err != nil {
		b.Fatal(err)
	}
	exec1(`INSERT INTO users (email, name, password_hash) SELECT 'r' || g || '@bench.example', 'Reviewer ' || g, 'x'
		FROM generate_series(1, $1) g`, poolSize+clients+1)
	var firstUser int64
	if err := pool.QueryRow(ctx, `SELECT min(id) FROM users WHERE email LIKE '%@bench.example'`).Scan(&firstUser); err != nil {
		b.Fatal(err)
	}
	author := firstUser           // wrote candidate B of every item: never gets one
	apiReviewers := firstUser + 1 // clients reviewers with tokens
	pgbenchFirst, pgbenchLast := firstUser+1+clients, firstUser+clients+poolSize
	exec1(`INSERT INTO memberships (project_id, user_id, role) SELECT $1, g, 'reviewer' FROM generate_series($2::bigint, $3::bigint) g`,
		project, apiReviewers, apiReviewers+clients-1)
	tokens := make([]string, clients)
	for i := range tokens {
		if _, tokens[i], err = st.CreateToken(ctx, store.System, apiReviewers+int64(i), "bench", 0); err != nil {
			b.Fatal(err)
		}
	}
	exec1(`INSERT INTO nlqs (project_id, question) SELECT $1, 'Question ' || g || '?' FROM generate_series(1, $2) g`, project, nlqs)
	exec1(`INSERT INTO sql_candidates (nlq_id, source, sql, result_fingerprint, row_count, created_by)
		SELECT n.id, s.source, 'SELECT ' || n.id || ' AS answer', md5(n.id::text || s.source), 1, CASE WHEN s.source = 'human' THEN $2::bigint END
		FROM nlqs n, (VALUES ('agent'), ('human')) s(source) WHERE n.project_id = $1`, project, author)
	// The references are right by construction: skip the four foreign-key checks per row.
	tx, err := pool.Begin(ctx)
	if err != nil {
		b.Fatal(err)
	}
	if _, err := tx.Exec(ctx, `SET LOCAL session_replication_role = replica`); err != nil {
		b.Fatal(err)
	}
	if _, err := tx.Exec(ctx, `INSERT INTO review_items (project_id, nlq_id, reason, candidate_a, candidate_b, authors)
		SELECT $1, c.nlq_id, 'disagreement', c.a, c.b, ARRAY[$3::bigint]
		FROM generate_series(1, $2) g
		JOIN (SELECT nlq_id, min(id) AS a, max(id) AS b, row_number() OVER (ORDER BY nlq_id) AS k FROM sql_candidates GROUP BY nlq_id) c
			ON c.k = 1 + g % $4
		ORDER BY g`, project, items, author, nlqs); err != nil {
		b.Fatal(err)
	}
	if err := tx.Commit(ctx); err != nil {
		b.Fatal(err)
	}
	vacuum := func() { exec1(`VACUUM ANALYZE review_items`) }
	vacuum()
	exec1(`VACUUM ANALYZE`)
	b.Logf("seeded %d items in %v", items, time.Since(start).Round(time.Millisecond))

	// The server, wired as in production but with no language model.
	sx, err := sqlexec.NewExecutor(ctx, dbURL, sqlexec.ExecOptions{})
	if err != nil {
		b.Fatal(err)
	}
	defer sx.Close()
	imp, err := pipelines.NewImporter(ctx, st, sx, nil)
	if err != nil {
		b.Fatal(err)
	}
	models, agents := agentsFor(b, st, sx, llm.Settings{}, false)
	srv, err := New(ctx, st, Config{Version: "bench", Logger: slog.New(slog.NewTextHandler(io.Discard, nil)), Exec: sx, Importer: imp,
		Models: models, Agents: agents, UI: fstest.MapFS{"index.html": {Data: []byte("<!doctype html>")}}})
	if err != nil {
		b.Fatal(err)
	}
	web := httptest.NewServer(srv.Handler()) // a real net/http server on 127.0.0.1:0
	defer web.Close()

	b.ResetTimer()
	for n := 0; n < b.N; n++ {
		// (c) The claim statement alone, one client, each claim resolved (untimed) so the queue's head stays
		// as it would under steady review.
		var plan strings.Builder
		rows, err := pool.Query(ctx, `EXPLAIN (ANALYZE, BUFFERS) `+store.ClaimSQL, project, pgbenchFirst, float64(leaseSecs), "explain")
		if err != nil {
			b.Fatal(err)
		}
		for rows.Next() {
			var line string
			rows.Scan(&line)
			plan.WriteString(line + "\n")
		}
		rows.Close()
		exec1(`UPDATE review_items SET status = 'resolved' WHERE status = 'claimed'`)
		b.Logf("EXPLAIN (ANALYZE, BUFFERS) of the claim at %d items:\n%s", items, plan.String())
		sqlLat := make([]time.Duration, 0, 1000)
		for i := 0; i < 1000; i++ {
			reviewer := pgbenchFirst + int64(i)
			t0 := time.Now()
			var id int64
			var rest [27]any
			dest := []any{&id}
			for j := range rest {
				dest = append(dest, &rest[j])
			}
			if err := pool.QueryRow(ctx, store.ClaimSQL, project, reviewer, float64(leaseSecs), "bench").Scan(dest...); err != nil {
				b.Fatal(err)
			}
			sqlLat = append(sqlLat, time.Since(t0))
			exec1(`UPDATE review_items SET status = 'resolved', resolved_at = now(), lease_until = NULL, version = version + 1 WHERE id = $1`, id)
		}

		// (a) pgbench, 16 clients, on a freshly vacuumed table.
		vacuum()
		out, err := exec.CommandContext(ctx, pgbenchPath, "-n", "-M", "prepared", "-c", strconv.Itoa(clients), "-j", "2",
			"-T", strconv.Itoa(int(duration.Seconds())), "-f", "../bench/claim.pgbench",
			"-D", fmt.Sprintf("project=%d", project), "-D", fmt.Sprintf("first_reviewer=%d", pgbenchFirst),
			"-D", fmt.Sprintf("last_reviewer=%d", pgbenchLast), "-D", fmt.Sprintf("lease=%d", leaseSecs), "-D", "request=pgbench",
			dbURL).CombinedOutput()
		if err != nil {
			b.Fatalf("pgbench: %v\n%s", err, out)
		}
		m := regexp.MustCompile(`tps = ([0-9.]+) \(without initial connection time\)`).FindSubmatch(out)
		if m == nil {
			b.Fatalf("pgbench: no tps in its output:\n%s", out)
		}
		pgTPS, _ := strconv.ParseFloat(string(m[1]), 64)
		if fails := regexp.MustCompile(`number of failed transactions: ([1-9][0-9]*)`).FindSubmatch(out); fails != nil {
			b.Fatalf("pgbench: %s failed transactions:\n%s", fails[1], out)
		}
		b.Logf("pgbench:\n%s", lastLines(string(out), 8))

		// (b) The API: 16 reviewers, each looping next + decision over loopback HTTP.
		vacuum()
		claims, lat, err := reviewLoad(web.URL, project, tokens, duration)
		if err != nil {
			b.Fatal(err)
		}
		apiRate := float64(claims) / duration.Seconds()

		b.ReportMetric(pgTPS, "pgbench-tps")
		b.ReportMetric(apiRate, "api-claims/s")
		b.ReportMetric(apiRate/pgTPS, "api/pgbench")
		b.ReportMetric(ms(percentile(lat, 0.50)), "api-p50-ms")
		b.ReportMetric(ms(percentile(lat, 0.99)), "api-p99-ms")
		b.ReportMetric(ms(percentile(sqlLat, 0.50)), "claim-sql-p50-ms")
		b.ReportMetric(ms(percentile(sqlLat, 0.99)), "claim-sql-p99-ms")
	}
}

// reviewLoad runs one client per token for d, each looping POST next (timed: the claim latency) and
// POST decision, and returns the number of claims and their latencies.
func reviewLoad(base string, project int64, tokens []string, d time.Duration) (int, []time.Duration, error) {
	client := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: len(tokens) * 2}, Timeout: 30 * time.Second}
	post := func(token, url, body string) (int, []byte, error) {
		req, _ := http.NewRequest("POST", url, strings.NewReader(body))
		req.Header.Set("Authorization", "Bearer "+token)
		if body != "" {
			req.Header.Set("Content-Type", "application/json")
		}
		resp, err := client.Do(req)
		if err != nil {
			return 0, nil, err
		}
		defer resp.Body.Close()
		data, err := io.ReadAll(resp.Body)
		return resp.StatusCode, data, err
	}
	p := fmt.Sprintf("%s/api/v1/projects/%d/review", base, project)
	deadline := time.Now().Add(d)
	var mu sync.Mutex
	var all []time.Duration
	var firstErr error
	var wg sync.WaitGroup
	for _, tok := range tokens {
		wg.Add(1)
		go func(tok string) {
			defer wg.Done()
			var lat []time.Duration
			fail := func(err error) {
				mu.Lock()
				if firstErr == nil {
					firstErr = err
				}
				mu.Unlock()
			}
			for time.Now().Before(deadline) {
				t0 := time.Now()
				code, body, err := post(tok, p+"/next", "")
				if err != nil || code != http.StatusOK {
					fail(fmt.Errorf("next: %d %s %v", code, body, err))
					break
				}
				lat = append(lat, time.Since(t0))
				var got struct {
					Item struct {
						ID      int64 `json:"id"`
						Version int   `json:"version"`
					} `json:"item"`
				}
				if err := json.Unmarshal(body, &got); err != nil {
					fail(err)
					break
				}
				var dec bytes.Buffer
				fmt.Fprintf(&dec, `{"version":%d,"decision":"accept_a","error_type":"other"}`, got.Item.Version)
				if code, body, err := post(tok, fmt.Sprintf("%s/items/%d/decision", p, got.Item.ID), dec.String()); err != nil || code != http.StatusOK {
					fail(fmt.Errorf("decision: %d %s %v", code, body, err))
					break
				}
			}
			mu.Lock()
			all = append(all, lat...)
			mu.Unlock()
		}(tok)
	}
	wg.Wait()
	return len(all), all, firstErr
}

func percentile(d []time.Duration, p float64) time.Duration {
	if len(d) == 0 {
		return 0
	}
	s := append([]time.Duration(nil), d...)
	sort.Slice(s, func(i, j int) bool { return s[i] < s[j] })
	return s[int(p*float64(len(s)-1))]
}

func ms(d time.Duration) float64 { return float64(d.Microseconds()) / 1000 }

func lastLines(s string, n int) string {
	lines := strings.Split(strings.TrimSpace(s), "\n")
	if len(lines) > n {
		lines = lines[len(lines)-n:]
	}
	return strings.Join(lines, "\n")
}
