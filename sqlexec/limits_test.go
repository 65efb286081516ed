package sqlexec

import (
	"context"
	"runtime"
	"strings"
	"sync"
	"testing"
	"time"
)

// flood is a query that runs until something stops it.
const flood = "select count(*) from generate_series(1, 1e10::bigint)"

// TestSandbox_DeadlineHoldsFromOutside: with the session's own statement_timeout out of the way
// (as if the query had lifted it), the outside deadline still stops the query within a second of
// the limit — by a cancel request, and when the backend ignores that, by terminating it.
func TestSandbox_DeadlineHoldsFromOutside(t *testing.T) {
	t.Parallel()
	for _, noCancel := range []bool{false, true} {
		s := newSandbox(t, ExecOptions{Timeout: time.Second, serverTimeout: time.Hour})
		s.exec.noCancelRequest = noCancel
		start := time.Now()
		res := s.exec.Run(context.Background(), s.a, flood)
		elapsed := time.Since(start)
		if res.OK() || !strings.Contains(res.Error, "longer than the 1s limit") {
			t.Errorf("noCancel=%v: %+v", noCancel, res)
		}
		if elapsed > 2*time.Second {
			t.Errorf("noCancel=%v: the query ran %v, more than the limit + 1 s", noCancel, elapsed)
		}
		// The backend is gone or idle: nothing of the query runs on.
		deadline := time.Now().Add(5 * time.Second)
		for {
			n := s.count(t, "SELECT count(*) FROM pg_stat_activity WHERE usename = '"+s.a.Reader+"' AND state = 'active'")
			if n == 0 {
				break
			}
			if time.Now().After(deadline) {
				t.Fatalf("noCancel=%v: %d sandbox queries still active", noCancel, n)
			}
			time.Sleep(50 * time.Millisecond)
		}
		if res := s.exec.Run(context.Background(), s.a, "select count(*) from singer"); !res.OK() {
			t.Errorf("after the deadline: %s", res.Error)
		}
	}
}

// TestSandbox_OnePersonCannotStallOthers: one person sends eight endless queries at once; another
// member of the same project still gets an answer to a small query within a second, and so does
// someone of another project.
func TestSandbox_OnePersonCannotStallOthers(t *testing.T) {
	t.Parallel()
	s := newSandbox(t, ExecOptions{Timeout: 20 * time.Second, MaxConcurrent: 8})
	ctx, cancel := context.WithCancel(context.Background())
	flooder := WithCaller(ctx, Caller{User: 1, Project: 1})
	var wg sync.WaitGroup
	for range 8 {
		wg.Add(1)
		go func() { defer wg.Done(); s.exec.Run(flooder, s.a, flood) }()
	}
	defer func() { cancel(); wg.Wait() }()
	// Wait until the flood holds every slot it may have.
	deadline := time.Now().Add(10 * time.Second)
	for s.count(t, "SELECT count(*) FROM pg_stat_activity WHERE usename = '"+s.a.Reader+"' AND state = 'active'") < int64(s.exec.opt.MaxPerUser) {
		if time.Now().After(deadline) {
			t.Fatal("the flood never started")
		}
		time.Sleep(20 * time.Millisecond)
	}
	for _, c := range []Caller{{User: 2, Project: 1}, {User: 3, Project: 2}, {}} {
		start := time.Now()
		res := s.exec.Run(WithCaller(context.Background(), c), s.a, "select count(*) from singer")
		if !res.OK() || time.Since(start) > time.Second {
			t.Errorf("%+v during the flood: %v after %v", c, res.Error, time.Since(start))
		}
	}
	if n := s.count(t, "SELECT count(*) FROM pg_stat_activity WHERE usename = '"+s.a.Reader+"' AND state = 'active'"); n > int64(s.exec.opt.MaxPerUser) {
		t.Errorf("the flood runs %d queries at once, more than its %d", n, s.exec.opt.MaxPerUser)
	}
}

// TestSandbox_MemoryStaysBounded: results far larger than the byte cap are cut before this
// process reads them, and a sort larger than the reader's temporary-file limit fails early.
func TestSandbox_MemoryStaysBounded(t *testing.T) {
	t.Parallel()
	s := newSandbox(t, ExecOptions{Timeout: 30 * time.Second})
	ctx := context.Background()
	for _, q := range []string{
		"select repeat('x', 100000000)",
		"select string_agg(a.name || b.name || g::text, ',') from singer a, singer b, generate_series(1, 300000) g",
		"select repeat(name, 100000) from singer, generate_series(1, 100000)",
	} {
		var before, after runtime.MemStats
		runtime.ReadMemStats(&before)
		res := s.exec.Run(ctx, s.a, q)
		runtime.ReadMemStats(&after)
		t.Logf("%s: %v truncated=%v %s", q, res.Elapsed, res.Truncated, res.Error)
		if res.OK() && !res.Truncated {
			t.Errorf("%s: returned whole (%d rows)", q, res.RowCount)
		}
		if alloc := after.TotalAlloc - before.TotalAlloc; alloc > 64<<20 {
			t.Errorf("%s: this process allocated %d MB", q, alloc>>20)
		}
		if res := s.exec.Run(ctx, s.a, "select count(*) from singer"); !res.OK() {
			t.Errorf("after %s: %s", q, res.Error)
		}
	}
	res := s.exec.Run(ctx, s.a, "select g from generate_series(1, 200000000) g order by g desc")
	t.Logf("sort: %v %s", res.Elapsed, res.Error)
	if res.OK() || !strings.Contains(res.Error, "temp_file_limit") {
		t.Errorf("a sort past the temporary-file limit: ok=%v %q", res.OK(), res.Error)
	}
}
