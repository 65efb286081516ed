package golden

import (
	"errors"
	"math"
	"testing"
	"time"

	"github.com/goldset/goldset/store"
)

func TestWilsonAndSampleSize(t *testing.T) {
	t.Parallel()
	for _, c := range []struct {
		x, n      int
		low, high float64
	}{{0, 10, 0, 0.2775}, {5, 10, 0.2366, 0.7634}, {0, 0, 0, 1}, {10, 10, 0.7225, 1}} {
		lo, hi := wilson(c.x, c.n)
		if math.Abs(lo-c.low) > 1e-3 || math.Abs(hi-c.high) > 1e-3 {
			t.Errorf("wilson(%d, %d) = [%.4f, %.4f], want [%.4f, %.4f]", c.x, c.n, lo, hi, c.low, c.high)
		}
	}
	// One stratum, nothing wrong expected, at most 2% wrong: z²(1−u)/u ≈ 188.2 audits.
	if n := SampleSize(map[string]int{"agreed": 10_000}, nil, 0, 0.02); n != 189 {
		t.Errorf("sample size %d, want 189", n)
	}
	// A stratum that is never audited keeps the upper bound at its weight: not enough → every pair.
	if n := SampleSize(map[string]int{"agreed": 50, "imported": 50}, nil, 0, 0.02); n != 100 {
		t.Errorf("small snapshot: %d, want all 100", n)
	}
	// Proportional allocation, at most each stratum's pairs.
	if a := allocate(10, map[string]int{"agreed": 70, "reviewed": 20, "imported": 10}); a["agreed"] != 7 || a["reviewed"] != 2 || a["imported"] != 1 {
		t.Errorf("allocation %v", a)
	}
	e := EstimateErrorRate(map[string]int{"agreed": 80, "imported": 20}, []store.AuditVerdict{
		{AcceptedBy: "agreed", Correct: true, Source: "agent"}, {AcceptedBy: "agreed", Correct: false, ErrorType: "join", Source: "agent"},
		{AcceptedBy: "imported", Correct: true, Source: "import"}, {AcceptedBy: "imported", Correct: true, Source: "import"},
	})
	if e.Rate == nil || math.Abs(*e.Rate-0.4) > 1e-9 || !(e.Low < *e.Rate && *e.Rate < e.High) || e.ByError["join"] != 1 {
		t.Errorf("estimate %+v", e)
	}
	if e.BySource[0].Key != "agent" || e.BySource[0].Wrong != 1 {
		t.Errorf("by source %+v", e.BySource)
	}
}

// An audit draws its sample, queues it to reviewers who wrote none of it, never queues a pair twice,
// and each verdict moves the estimate.
func TestAudit_SampleQueueVerdictsEstimate(t *testing.T) {
	t.Parallel()
	g := newGoldSet(t)
	g.fill(t, 10) // 60 pairs
	// Half are an imported benchmark's gold.
	if _, err := g.St.Pool().Exec(g.Ctx, `UPDATE sql_candidates SET source = 'import' WHERE id % 2 = 0`); err != nil {
		t.Fatal(err)
	}
	var reviewer, author int64
	for _, u := range []*int64{&reviewer, &author} {
		if err := g.St.Pool().QueryRow(g.Ctx, `INSERT INTO users (email, name, password_hash) VALUES (gen_random_uuid() || '@example.com', 'u', 'x')
			RETURNING id`).Scan(u); err != nil {
			t.Fatal(err)
		}
	}
	// The author wrote every pair's gold of database alpha: those are never theirs to audit.
	if _, err := g.St.Pool().Exec(g.Ctx, `UPDATE sql_candidates c SET created_by = $1 FROM nlqs n WHERE n.id = c.nlq_id AND n.database_id = $2`,
		author, g.dbs["alpha"]); err != nil {
		t.Fatal(err)
	}
	snap, _, pairs := g.cut(t, SnapshotParams{Seed: 3})
	strata := map[string]int{}
	for _, p := range pairs {
		strata[p.AcceptedBy]++
	}
	if strata["imported"] != 30 || strata[""] != 30 {
		t.Fatalf("strata %v", strata)
	}
	est, err := g.snaps.ErrorRate(g.Ctx, g.Project.ID, snap.ID)
	if err != nil || est.Rate != nil || est.High != 1 {
		t.Fatalf("before any audit: %+v %v", est, err)
	}
	au, err := g.snaps.StartAudit(g.Ctx, store.System, g.Project.ID, snap.ID, AuditParams{TargetUpper: 0.3, Seed: 1})
	if err != nil || au.SampleSize == 0 || au.SampleSize >= 60 {
		t.Fatalf("audit: %+v %v", au, err)
	}
	again, err := g.snaps.StartAudit(g.Ctx, store.System, g.Project.ID, snap.ID, AuditParams{TargetUpper: 0.1, Seed: 2})
	if err != nil || again.SampleSize == 0 {
		t.Fatalf("second audit: %+v %v", again, err)
	}
	var queued, distinct int
	g.St.Pool().QueryRow(g.Ctx, `SELECT count(*), count(DISTINCT nlq_id) FROM review_items WHERE snapshot_id = $1`, snap.ID).Scan(&queued, &distinct)
	if queued != au.SampleSize+again.SampleSize || distinct != queued {
		t.Fatalf("%d queued (%d distinct) for %d + %d", queued, distinct, au.SampleSize, again.SampleSize)
	}
	// The reviewer works the queue: the first two verdicts say wrong, the rest right.
	decided := 0
	for {
		v, err := g.St.ClaimReviewItem(g.Ctx, store.Actor{UserID: reviewer}, g.Project.ID, reviewer, time.Hour)
		if errors.Is(err, store.ErrNoWork) {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		if v.Reason != "snapshot_audit" || v.A == nil || v.SnapshotID == nil || *v.SnapshotID != snap.ID {
			t.Fatalf("item %+v", v)
		}
		for _, a := range v.Authors {
			if a == reviewer {
				t.Fatal("the reviewer was given their own pair")
			}
		}
		d := store.Decision{Decision: "accept_a", ErrorType: "none"}
		if decided < 2 {
			d = store.Decision{Decision: "reject", ErrorType: "join", Comment: "the join is wrong"}
		}
		if _, err := g.St.DecideReviewItem(g.Ctx, store.Actor{UserID: reviewer}, g.Project.ID, v.ID, reviewer, v.Version, d); err != nil {
			t.Fatal(err)
		}
		decided++
	}
	// The reviewer wrote no pair, so they audited everything; the author could audit none of alpha's.
	if decided != queued {
		t.Fatalf("decided %d of %d", decided, queued)
	}
	est, err = g.snaps.ErrorRate(g.Ctx, g.Project.ID, snap.ID)
	if err != nil {
		t.Fatal(err)
	}
	if est.Audited != decided || est.Wrong != 2 || est.Rate == nil || !(est.Low <= *est.Rate && *est.Rate <= est.High) || est.ByError["join"] != 2 {
		t.Fatalf("estimate %+v", est)
	}
	t.Logf("%d audited, %d wrong: %.1f%% [%.1f%%, %.1f%%]", est.Audited, est.Wrong, 100**est.Rate, 100*est.Low, 100*est.High)
	if _, err := g.snaps.StartAudit(g.Ctx, store.System, g.Project.ID, snap.ID, AuditParams{TargetUpper: 1.5}); err == nil {
		t.Error("a target above 1 was accepted")
	}
}
