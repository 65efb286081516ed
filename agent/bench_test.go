package agent_test

import (
	"context"
	"sync/atomic"
	"testing"
	"time"

	"github.com/sashabaranov/go-openai"

	"github.com/goldset/goldset/agent"
	"github.com/goldset/goldset/llm/llmtest"
	"github.com/goldset/goldset/sqlexec"
)

// timedRunner times every query the agent sends through the sandbox.
type timedRunner struct {
	exec    *sqlexec.Executor
	elapsed atomic.Int64
	queries atomic.Int64
}

func (r *timedRunner) Run(ctx context.Context, t sqlexec.Target, sql string) *sqlexec.Result {
	start := time.Now()
	res := r.exec.Run(ctx, t, sql)
	r.elapsed.Add(int64(time.Since(start)))
	r.queries.Add(1)
	return res
}

// BenchmarkAgentStepOverhead measures what the platform adds per step of a run, SQL excluded: a
// zero-latency fake model (llmtest on loopback) lists tables, writes a note and gives a final
// answer; every query is timed by a wrapper around the executor and subtracted.
//
//	platform-µs/step: wall time minus SQL time, per step (model turns and tool calls), including
//	                  the HTTP round trip to the fake model and the llm client
//	agent-µs/step:    the same minus the model calls' latency: the loop, tools, prompt and rules
//	sql-µs/step:      the SQL time per step, for reference
func BenchmarkAgentStepOverhead(b *testing.B) {
	e := newEnv(b, "concert_singer")
	srv := llmtest.New(b)
	srv.Respond(func(req openai.ChatCompletionRequest) llmtest.Reply {
		switch turns := countAssistant(req); turns {
		case 0:
			return explore(args{"action": "list_tables"})
		case 1:
			return llmtest.Call("scratchpad", args{"note": "singer has name and country"})
		default:
			return final(franceSQL, "names of the singers from France")
		}
	})
	runner := &timedRunner{exec: e.exec}
	a := &agent.Agent{LLM: newClient(srv), Exec: runner}
	q := e.question("concert_singer", franceQ)
	ctx := context.Background()
	var steps int
	var model time.Duration
	b.ResetTimer()
	start := time.Now()
	for i := 0; i < b.N; i++ {
		out, err := a.Run(ctx, q, meta, nil)
		if err != nil || out.StopReason != agent.StopAnswered {
			b.Fatalf("%v: %s (%s)", err, out.StopReason, out.StopDetail)
		}
		steps += len(out.Steps)
		for _, s := range out.Steps {
			if s.Kind == agent.StepModel {
				model += s.Latency
			}
		}
	}
	total := time.Since(start)
	b.StopTimer()
	sql := time.Duration(runner.elapsed.Load())
	perStep := func(d time.Duration) float64 { return float64(d.Microseconds()) / float64(steps) }
	b.ReportMetric(perStep(total-sql), "platform-µs/step")
	b.ReportMetric(perStep(total-sql-model), "agent-µs/step")
	b.ReportMetric(perStep(sql), "sql-µs/step")
	b.ReportMetric(float64(runner.queries.Load())/float64(b.N), "queries/run")
}

func countAssistant(req openai.ChatCompletionRequest) int {
	n := 0
	for _, m := range req.Messages {
		if m.Role == openai.ChatMessageRoleAssistant {
			n++
		}
	}
	return n
}
