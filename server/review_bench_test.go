package server

import (
	"context"
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
	"testing"
	"testing/fstest"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/goldset/goldset/llm"
	"github.com/goldset/goldset/store"
	"github.com/goldset/goldset/store/storetest"
)

const pgbenchPath = "/usr/lib/postgresql/15/bin/pgbench"

// BenchmarkReviewQueue measures the review queue's claim at 1,000,000 pending items in one project, in
// one run, like for like: every call on both sides is exactly one claim, by a reviewer who holds none,
// so it takes a fresh pending item. (a) pgbench runs the store's own claim statement
// (bench/claim.pgbench = store.ClaimSQL) at 16 clients; (b) the next-item API (POST …/review/next: token
// authentication, casbin, the claim, the item with both candidates as JSON) over loopback HTTP at 16
// concurrent clients; (c) the claim statement alone on one pgx connection: EXPLAIN (ANALYZE, BUFFERS) and
// 1,000 timed claims. A reviewer with a live claim gets their own item back, so both sides walk through
// the same pool of reviewers (each with a membership and an API token), every client its own stride of
// it, never reusing one within a phase. Between phases the items claimed are resolved and the table
// vacuumed, so each phase starts from the same queue. Targets: API claims/s ≥ 0.40 × pgbench
// tps with p99 ≤ 50 ms; the claim SQL p99 ≤ 1 ms.
func BenchmarkReviewQueue(b *testing.B) {
	if _, err := os.Stat(pgbenchPath); err != nil {
		b.Skipf("skipping: pgbench is not installed at %s (apt-get install postgresql-15 or postgresql-contrib)", pgbenchPath)
	}
	const (
		clients   = 16
		leaseSecs = 1800 // the API's lease is reviewLease; both far outlast a phase
	)
	items, nlqs, reviewers, duration, sqlClaims := 1_000_000, 5_000, 60_000, 10*time.Second, 1_000
	if smoke() {
		items, nlqs, reviewers, duration, sqlClaims = 30_000, 100, 20_000, time.Second, 20
	}
	ctx := context.Background()
	dbURL := storetest.URL(b)
	st, err := store.Open(ctx, dbURL, store.Options{})
	if err != nil {
		b.Fatal(err)
	}
	defer st.Close()
	pool := st.Pool()
	exec1 := func(sql string, args ...any) int64 {
		b.Helper()
		tag, err := pool.Exec(ctx, sql, args...)
		if err != nil {
			b.Fatalf("%s: %v", sql, err)
		}
		return tag.RowsAffected()
	}

	// Seed: a project; an author and the reviewers (users with a dummy password hash, reviewer
	// memberships, one API token each with a known secret); 5,000 questions with two candidates each;
	// 1,000,000 items over them.
	start := time.Now()
	var project int64
	if err := pool.QueryRow(ctx, `INSERT INTO projects (name) VALUES ('Review bench') RETURNING id`).Scan(&project); err != nil {
		b.Fatal(err)
	}
	var author int64 // wrote candidate B of every item: never gets one
	if err := pool.QueryRow(ctx, `INSERT INTO users (email, name, password_hash) VALUES ('author@bench.example', 'Author', 'x') RETURNING id`).Scan(&author); err != nil {
		b.Fatal(err)
	}
	exec1(`INSERT INTO users (email, name, password_hash) SELECT 'r' || g || '@bench.example', 'Reviewer ' || g, 'x'
		FROM generate_series(1, $1) g`, reviewers)
	var firstReviewer int64
	if err := pool.QueryRow(ctx, `SELECT min(id) FROM users WHERE email LIKE 'r%@bench.example'`).Scan(&firstReviewer); err != nil {
		b.Fatal(err)
	}
	// Reviewer i (0-based) is user firstReviewer+i: ids are consecutive within the one INSERT.
	if n := exec1(`INSERT INTO memberships (project_id, user_id, role) SELECT $1, id, 'reviewer' FROM users
		WHERE id BETWEEN $2 AND $3 AND email LIKE 'r%@bench.example'`, project, firstReviewer, firstReviewer+int64(reviewers)-1); n != int64(reviewers) {
		b.Fatalf("%d reviewer memberships, want %d (user ids not consecutive?)", n, reviewers)
	}
	// Tokens: secrets known here, hashes as store.HashSecret makes them, copied in with one COPY. They
	// are marked used just now, as tokens in steady use are: TokenUser then skips its once-a-minute
	// last_used_at write, as it does for a client calling more than once a minute.
	tokens := make([]string, reviewers)
	rows := make([][]any, reviewers)
	now := time.Now()
	for i := range tokens {
		tokens[i] = fmt.Sprintf("%sbench%06d", store.TokenPrefix, i)
		rows[i] = []any{firstReviewer + int64(i), "bench", tokens[i][:len(store.TokenPrefix)+6], store.HashSecret(tokens[i]), now}
	}
	if _, err := pool.CopyFrom(ctx, pgx.Identifier{"api_tokens"}, []string{"user_id", "name", "prefix", "token_hash", "last_used_at"},
		pgx.CopyFromRows(rows)); err != nil {
		b.Fatal(err)
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
	exec1(`VACUUM ANALYZE`)
	b.Logf("seeded %d items, %d reviewers with tokens in %v", items, reviewers, time.Since(start).Round(time.Millisecond))

	// Items are taken in queue order (by id here), so a phase's claims are the items past the previous
	// phase's last one that are no longer pending. consumed checks that every claim took its own item
	// (as many items taken as claims made), logs which, resolves any still claimed and vacuums, so the
	// next phase starts at fresh items on a clean table.
	var taken int64 // the last item id taken by an earlier phase
	consumed := func(phase string, claims int64) {
		b.Helper()
		var n, lo, hi int64
		if err := pool.QueryRow(ctx, `SELECT count(*), coalesce(min(id), 0), coalesce(max(id), 0) FROM review_items
			WHERE project_id = $1 AND status <> 'pending' AND id > $2`, project, taken).Scan(&n, &lo, &hi); err != nil {
			b.Fatal(err)
		}
		b.Logf("%s: %d claims took %d distinct items, ids %d–%d", phase, claims, n, lo, hi)
		if n != claims {
			b.Errorf("%s: %d claims but %d items taken: some claims did not take a fresh item", phase, claims, n)
		}
		taken = hi
		exec1(`UPDATE review_items SET status = 'resolved', resolved_at = now(), lease_until = NULL, version = version + 1
			WHERE project_id = $1 AND status = 'claimed'`, project)
		exec1(`VACUUM ANALYZE review_items`)
	}
	// finishing stands for the reviewers finishing their items while a load phase runs: every 20 ms it
	// resolves the items claimed meanwhile (bare, one UPDATE), identically for pgbench and the API. Without
	// it every claim of a phase stays live at the head of the queue, which the claim must then walk past
	// (review_items_open holds claimed items; their lease is checked on the heap): claims get slower with
	// every claim made, and the faster side pays more (pgbench fell from 1,444 to 359 tps within 10 s).
	// A real queue has about one live claim per active reviewer.
	finishing := func() (stop func()) {
		done, exited := make(chan struct{}), make(chan struct{})
		go func() {
			defer close(exited)
			tick := time.NewTicker(20 * time.Millisecond)
			defer tick.Stop()
			for {
				select {
				case <-done:
					return
				case <-tick.C:
				}
				if _, err := pool.Exec(ctx, `UPDATE review_items SET status = 'resolved', resolved_at = now(), lease_until = NULL, version = version + 1
					WHERE id IN (SELECT id FROM review_items WHERE project_id = $1 AND status = 'claimed' FOR UPDATE SKIP LOCKED)`, project); err != nil {
					b.Error(err)
					return
				}
			}
		}()
		return func() { close(done); <-exited }
	}

	// The server, wired as in production but with no language model; built after the seeding, so its
	// authorizer starts with every membership loaded.
	sx, imp := sandboxTools(b, st)
	cfg := Config{Version: "bench", Logger: slog.New(slog.NewTextHandler(io.Discard, nil)), Exec: sx, Importer: imp,
		UI: fstest.MapFS{"index.html": {Data: []byte("<!doctype html>")}}}
	wire(b, st, &cfg, llm.Settings{}, false)
	srv, err := New(ctx, st, cfg)
	if err != nil {
		b.Fatal(err)
	}
	web := httptest.NewServer(srv.Handler()) // a real net/http server on 127.0.0.1:0
	defer web.Close()

	b.ResetTimer()
	for n := 0; n < b.N; n++ {
		// (c) The claim statement alone, one connection, a fresh reviewer each time.
		var plan strings.Builder
		rows, err := pool.Query(ctx, `EXPLAIN (ANALYZE, BUFFERS) `+store.ClaimSQL, project, firstReviewer, float64(leaseSecs), "explain")
		if err != nil {
			b.Fatal(err)
		}
		for rows.Next() {
			var line string
			rows.Scan(&line)
			plan.WriteString(line + "\n")
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			b.Fatal(err)
		}
		b.Logf("EXPLAIN (ANALYZE, BUFFERS) of the claim at %d items:\n%s", items, plan.String())
		sqlLat := claimLatencies(b, ctx, pool, project, firstReviewer, leaseSecs, sqlClaims)
		consumed("claim SQL", int64(sqlClaims)+1)

		// (a) pgbench, 16 clients.
		stop := finishing()
		out, err := exec.CommandContext(ctx, pgbenchPath, "-n", "-M", "prepared", "-c", strconv.Itoa(clients), "-j", "2",
			"-T", strconv.Itoa(int(duration.Seconds())), "-P", "2", "-f", "../bench/claim.pgbench",
			"-D", fmt.Sprintf("project=%d", project), "-D", fmt.Sprintf("first_reviewer=%d", firstReviewer),
			"-D", fmt.Sprintf("reviewers=%d", reviewers), "-D", fmt.Sprintf("clients=%d", clients), "-D", "k=0",
			"-D", fmt.Sprintf("lease=%d", leaseSecs), "-D", "request=pgbench", dbURL).CombinedOutput()
		stop()
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
		m = regexp.MustCompile(`number of transactions actually processed: ([0-9]+)`).FindSubmatch(out)
		if m == nil {
			b.Fatalf("pgbench: no transaction count in its output:\n%s", out)
		}
		pgClaims, _ := strconv.ParseInt(string(m[1]), 10, 64)
		b.Logf("pgbench:\n%s", strings.TrimSpace(string(out)))
		if pgClaims > int64(reviewers) {
			b.Errorf("pgbench made %d claims with %d reviewers: raise reviewers", pgClaims, reviewers)
		}
		consumed("pgbench", pgClaims)

		// (b) The API: 16 clients, each POSTing next with its own stride of the reviewers' tokens.
		stop = finishing()
		lat, err := reviewLoad(web.URL, project, tokens, clients, duration)
		stop()
		if err != nil {
			b.Fatal(err)
		}
		if len(lat) > reviewers {
			b.Errorf("the API made %d claims with %d reviewers: raise reviewers", len(lat), reviewers)
		}
		consumed("API", int64(len(lat)))
		apiRate := float64(len(lat)) / duration.Seconds()

		b.ReportMetric(pgTPS, "pgbench-tps")
		b.ReportMetric(apiRate, "api-claims/s")
		b.ReportMetric(apiRate/pgTPS, "api/pgbench")
		b.ReportMetric(ms(percentile(lat, 0.50)), "api-p50-ms")
		b.ReportMetric(ms(percentile(lat, 0.99)), "api-p99-ms")
		b.ReportMetric(ms(percentile(sqlLat, 0.50)), "claim-sql-p50-ms")
		b.ReportMetric(ms(percentile(sqlLat, 0.99)), "claim-sql-p99-ms")
	}
}

// reviewLoad runs clients concurrent clients for d, client c POSTing next as reviewer c, c+clients,
// c+2·clients, … (one token each, so every call is a fresh claim), and returns each claim's latency.
// The client does no more than it must (status check, body drained) since it shares the CPUs with the
// server and PostgreSQL.
func reviewLoad(base string, project int64, tokens []string, clients int, d time.Duration) ([]time.Duration, error) {
	client := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: clients * 2}, Timeout: 30 * time.Second}
	url := fmt.Sprintf("%s/api/v1/projects/%d/review/next", base, project)
	deadline := time.Now().Add(d)
	until := func(int) bool { return time.Now().Before(deadline) }
	return concurrently(clients, until, func(k int) error {
		return apiCall(client, "POST", url, tokens[k%len(tokens)])
	})
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

// smoke reports whether benchmarks run at a tiny size, as `make test` runs them once so a change that
// breaks one turns the build red.
func smoke() bool { return os.Getenv("GOLDSET_BENCH_SMOKE") != "" }

// claimLatencies times n claims of the store's claim statement on one connection, each by a fresh
// reviewer, resolving each item untimed so the head of the queue stays as under steady review. The
// connection is given back whatever happens, so a failure cannot leave the store's Close waiting.
func claimLatencies(b *testing.B, ctx context.Context, pool *pgxpool.Pool, project, firstReviewer int64, leaseSecs, n int) []time.Duration {
	b.Helper()
	conn, err := pool.Acquire(ctx)
	if err != nil {
		b.Fatal(err)
	}
	defer conn.Release()
	lat := make([]time.Duration, 0, n)
	for i := 1; i <= n; i++ { // reviewer 0 made the EXPLAIN's claim
		t0 := time.Now()
		// Read as values, not scanned into a fixed list, so a claim that returns more columns
		// does not break the benchmark.
		rows, err := conn.Query(ctx, store.ClaimSQL, project, firstReviewer+int64(i), float64(leaseSecs), "bench")
		if err != nil {
			b.Fatal(err)
		}
		var id int64
		for rows.Next() {
			vals, err := rows.Values()
			if err != nil {
				b.Fatal(err)
			}
			id = vals[0].(int64)
		}
		rows.Close()
		if err := rows.Err(); err != nil || id == 0 {
			b.Fatalf("claim %d: id %d, %v", i, id, err)
		}
		lat = append(lat, time.Since(t0))
		if _, err := conn.Exec(ctx, `UPDATE review_items SET status = 'resolved', resolved_at = now(), lease_until = NULL, version = version + 1
			WHERE id = $1`, id); err != nil {
			b.Fatal(err)
		}
	}
	return lat
}
