package spider

import (
	"context"
	"fmt"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/goldset/goldset/sqlexec"
)

// TestVerifyFull_ComparesResultsPastTheInteractiveCap verifies gold queries whose results are far
// past the sandbox's 1,000-row display cap: 3,000 rows (held, compared by Match) and 25,000 rows
// (past KeepRows: compared by a hash per row, never held), each matching as translated and
// mismatching when one value of row 1,500 alone differs, with and without ORDER BY.
func TestVerifyFull_ComparesResultsPastTheInteractiveCap(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	path := writeSQLite(t,
		`CREATE TABLE small (id INTEGER PRIMARY KEY, name TEXT, score REAL)`,
		`WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c WHERE x < 3000) INSERT INTO small SELECT x, 'name ' || x, x / 8.0 FROM c`,
		`CREATE TABLE big (id INTEGER PRIMARY KEY, name TEXT, score REAL)`,
		`WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c WHERE x < 25000) INSERT INTO big SELECT x, 'name ' || x, x / 8.0 FROM c`,
	)
	s := loadSideBySide(t, path, sqlexec.ExecOptions{}) // the interactive cap: 1,000 rows
	target, exec, lite := s.target, s.exec, s.lite
	stream := func(ctx context.Context, sql string, fn func([]any)) *sqlexec.Result {
		return exec.RunStream(ctx, target, sql, FullMaxRows, fn)
	}
	if r := exec.Run(ctx, target, "SELECT id FROM big"); !r.Truncated {
		t.Fatal("the interactive run is expected to be capped, which is why verification streams")
	}

	// row1500 changes one value of row 1,500 alone in the PostgreSQL side.
	const row1500 = "CASE WHEN id = 1500 THEN name || '!' ELSE name END"
	for _, table := range []string{"small", "big"} {
		for _, order := range []string{"", " ORDER BY id"} {
			gold := "SELECT id, name, score FROM " + table + order
			t.Run(table+order, func(t *testing.T) {
				v := VerifyFull(ctx, lite, gold, gold, stream)
				if !v.Match {
					t.Fatalf("the same query does not match itself: %s", v.Reason)
				}
				if held := len(v.SQLite.Rows) + len(v.Postgres.Rows); table == "big" && held != 2*sqlexec.DigestHeadRows {
					t.Errorf("%d rows held for a result past KeepRows; want the first %d of each side", held, sqlexec.DigestHeadRows)
				}
				if table == "small" && (len(v.Postgres.Rows) != 3000 || v.Postgres.Fingerprint == "") {
					t.Errorf("a result within KeepRows is held whole, with its fingerprint: %d rows", len(v.Postgres.Rows))
				}
				off := VerifyFull(ctx, lite, gold, "SELECT id, "+row1500+", score FROM "+table+order, stream)
				if off.Match {
					t.Fatal("row 1,500 differs but the results match")
				}
				if table == "big" && !strings.Contains(off.Reason, "1500") {
					t.Errorf("the reason does not name row 1500: %s", off.Reason)
				}
				t.Logf("%s: %s", gold, off.Reason)
			})
		}
	}

	// Floats of the same value (SQLite REAL against PostgreSQL numeric arithmetic) and a row order
	// that differs only by ORDER BY's direction.
	v := VerifyFull(ctx, lite, "SELECT id, score FROM big", "SELECT id, (id::numeric / 8) FROM big", stream)
	if !v.Match {
		t.Errorf("equal numbers of other types: %s", v.Reason)
	}
	v = VerifyFull(ctx, lite, "SELECT id FROM big ORDER BY id", "SELECT id FROM big ORDER BY id DESC", stream)
	if v.Match || !strings.Contains(v.Reason, "order differs") {
		t.Errorf("reversed order: %+v", v.Reason)
	}
	v = VerifyFull(ctx, lite, "SELECT id FROM big", "SELECT id FROM big WHERE id <> 1500", stream)
	if v.Match || v.Reason != fmt.Sprintf("row count differs (gold %d, pred %d)", 25000, 24999) {
		t.Errorf("a row missing: %s", v.Reason)
	}
}

// TestVerifyFull_AMillionRowsInBoundedMemory verifies a gold query of FullMaxRows rows (not in
// parallel, so that the heap it measures is its own) while sampling the heap: what it holds stays
// far below what the rows themselves take. One row more is past the cap and cannot match.
func TestVerifyFull_AMillionRowsInBoundedMemory(t *testing.T) {
	ctx := context.Background()
	path := writeSQLite(t, `CREATE TABLE one (x INTEGER)`, `INSERT INTO one VALUES (1)`)
	s := loadSideBySide(t, path, sqlexec.ExecOptions{Timeout: time.Minute})
	target, exec, lite := s.target, s.exec, s.lite

	runtime.GC()
	var base runtime.MemStats
	runtime.ReadMemStats(&base)
	var peak uint64
	rows := 0
	sample := func() {
		if rows++; rows%100_000 == 0 {
			var m runtime.MemStats
			runtime.ReadMemStats(&m)
			peak = max(peak, m.HeapAlloc)
		}
	}
	stream := func(ctx context.Context, sql string, fn func([]any)) *sqlexec.Result {
		return exec.RunStream(ctx, target, sql, FullMaxRows, func(r []any) { fn(r); sample() })
	}
	gold := func(n int) string {
		return fmt.Sprintf(`WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c WHERE x < %d) SELECT x, 'a value of some forty bytes, row ' || x FROM c`, n)
	}
	pg := func(n int) string {
		return fmt.Sprintf(`SELECT g::bigint, 'a value of some forty bytes, row ' || g FROM generate_series(1, %d) g`, n)
	}
	v := VerifyFull(ctx, lite, gold(FullMaxRows), pg(FullMaxRows), stream)
	if !v.Match || v.Postgres.RowCount != FullMaxRows || v.SQLite.RowCount != FullMaxRows {
		t.Fatalf("a million equal rows: %s (%d, %d rows)", v.Reason, v.SQLite.RowCount, v.Postgres.RowCount)
	}
	// Held, the rows would take well over 200 MB (2 × 1M rows of two values); hashed, 16 MB.
	if grew := int64(peak) - int64(base.HeapAlloc); grew > 100<<20 {
		t.Errorf("the heap grew by %d MB while verifying", grew>>20)
	}
	t.Logf("heap: %d MB before, %d MB at the peak", base.HeapAlloc>>20, peak>>20)

	v = VerifyFull(ctx, lite, gold(FullMaxRows+1), pg(FullMaxRows+1), stream)
	if v.Match || !strings.Contains(v.Reason, "more than 1000000 rows: past the cap of a full comparison") {
		t.Errorf("past the cap: %s", v.Reason)
	}
}
