package sqlexec

import (
	"context"
	"testing"
	"time"
)

// A query cancelled by its caller gets a cancel request, and its watchdog terminates the backend if
// the query has not ended terminateGrace later. The query ends at once (the server honours the
// cancel), but a watchdog the scheduler wakes late finds both its timer and the query's end ready.
// Its connection, back in the pool, must never be the one that gets terminated or cancelled: the
// next query on it would fail with the session gone ("terminating connection due to administrator
// command", or a write to a closed connection).
func TestSandbox_ACancelledQuerysConnectionIsNotReusedUnderALateWatchdog(t *testing.T) {
	t.Parallel()
	s := newSandbox(t, ExecOptions{MaxConcurrent: 1}) // one connection: the next query reuses it
	s.exec.watchLate = func() { time.Sleep(terminateGrace + 100*time.Millisecond) }
	// Without the fix the watchdog picks the terminate half the time: six tries all pass by chance
	// once in 64 runs.
	for i := range 6 {
		ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
		r := s.exec.Run(ctx, s.a, "SELECT count(*) FROM generate_series(1, 1000000000)")
		cancel()
		if r.OK() {
			t.Fatal("the runaway query was not cancelled")
		}
		// The next query, as the next verification of an import does, takes the connection at
		// once and runs while the late watchdog wakes.
		// A lock held for a second keeps it running without loading the machine.
		lock, err := s.admins.Begin(context.Background())
		if err != nil {
			t.Fatal(err)
		}
		if _, err := lock.Exec(context.Background(), "LOCK TABLE "+s.a.Schema+".singer IN ACCESS EXCLUSIVE MODE"); err != nil {
			t.Fatal(err)
		}
		go func() {
			time.Sleep(time.Second)
			lock.Rollback(context.Background())
		}()
		if r := s.exec.Run(context.Background(), s.a, "SELECT count(*) FROM singer"); !r.OK() {
			t.Fatalf("try %d: the query after a cancelled one failed: %s", i+1, r.Error)
		}
	}
}

// A query that comes after the executor was closed (a process shutting down while an import still
// verifies) is refused as such, and opens no connection that nothing would close.
func TestSandbox_AfterCloseQueriesAreRefusedAndOpenNothing(t *testing.T) {
	t.Parallel()
	s := newSandbox(t, ExecOptions{})
	if r := s.exec.Run(context.Background(), s.a, "SELECT 1"); !r.OK() {
		t.Fatal(r.Error)
	}
	s.exec.Close()
	r := s.exec.Run(context.Background(), s.a, "SELECT 1")
	if r.OK() || r.Error != "the database is unavailable: could not open a sandbox session" {
		t.Errorf("after Close: %+v", r)
	}
	// A closed session leaves pg_stat_activity as soon as its backend has exited.
	q := "SELECT count(*) FROM pg_stat_activity WHERE usename = '" + s.a.Reader + "'"
	for start := time.Now(); s.count(t, q) != 0; time.Sleep(20 * time.Millisecond) {
		if time.Since(start) > 5*time.Second {
			t.Fatalf("%d reader sessions left open after Close", s.count(t, q))
		}
	}
}
