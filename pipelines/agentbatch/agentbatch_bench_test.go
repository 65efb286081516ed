package agentbatch

import (
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/goldset/goldset/store"
)

// BenchmarkAgentBatchSpider runs the agent over all 499 Spider questions at concurrency 16 with a
// zero-latency fake model that answers each with its gold SQL, and compares the wall time with the
// sum of the bare execution times of the same gold queries on a plain connection (same run).
func BenchmarkAgentBatchSpider(b *testing.B) {
	sb := newSpiderBatch(b)
	sb.answerWith(func(n store.NLQWithSQL) string { return n.Candidate.SQL })
	conn, err := pgx.Connect(sb.Ctx, sb.St.URL())
	if err != nil {
		b.Fatal(err)
	}
	defer conn.Close(sb.Ctx)
	dbs := map[int64]string{}
	all, _ := sb.St.ListDatabases(sb.Ctx, sb.Project.ID, false)
	for _, d := range all {
		dbs[d.ID] = d.SchemaName
	}
	var batchTime, bareTime time.Duration
	for i := 0; i < b.N; i++ {
		// Every iteration pays for its model calls: no answer comes from the response cache.
		if _, err := sb.St.Pool().Exec(sb.Ctx, "DELETE FROM llm_cache"); err != nil {
			b.Fatal(err)
		}
		run, err := sb.agents.StartBatch(sb.Ctx, store.System, sb.Project.ID, Params{Concurrency: 16})
		if err != nil {
			b.Fatal(err)
		}
		start := time.Now()
		if err := sb.runner.Execute(sb.Ctx, run); err != nil {
			b.Fatal(err)
		}
		batchTime += time.Since(start)
		if r, _ := sb.St.PipelineRun(sb.Ctx, sb.Project.ID, run.ID); r.Succeeded != r.Total {
			b.Fatalf("batch: %+v", r)
		}
		for _, n := range sb.gold {
			if _, err := conn.Exec(sb.Ctx, "SET search_path = "+dbs[*n.DatabaseID]); err != nil {
				b.Fatal(err)
			}
			start := time.Now()
			rows, err := conn.Query(sb.Ctx, n.Candidate.SQL)
			if err != nil {
				b.Fatal(err)
			}
			for rows.Next() {
			}
			rows.Close()
			bareTime += time.Since(start)
		}
	}
	b.ReportMetric(batchTime.Seconds()/float64(b.N), "batch-s")
	b.ReportMetric(bareTime.Seconds()/float64(b.N), "bare-sql-s")
	b.ReportMetric(batchTime.Seconds()/bareTime.Seconds(), "batch/bare-sql")
}
