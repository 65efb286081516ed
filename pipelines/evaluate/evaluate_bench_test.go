package evaluate

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/sashabaranov/go-openai"

	"github.com/goldset/goldset/llm"
	"github.com/goldset/goldset/llm/llmtest"
	"github.com/goldset/goldset/pipelines/evaluate/evaluatetest"
	"github.com/goldset/goldset/pipelines/golden"
	"github.com/goldset/goldset/pipelines/golden/goldentest"
	"github.com/goldset/goldset/pipelines/pipelinetest"
	"github.com/goldset/goldset/pipelines/prompts"
	"github.com/goldset/goldset/pipelines/runs"
	"github.com/goldset/goldset/pipelines/schemas"
	"github.com/goldset/goldset/sqlexec"
	"github.com/goldset/goldset/store"
)

// BenchmarkEvaluate evaluates a zero-latency fake model (it answers every question with its gold
// SQL) on every verified Spider dev question at concurrency 16, and in the same run a bare baseline:
// the same prompts through a client with no call log and no cache, the same gold and predicted SQL
// run in the sandbox and compared, and one row inserted per item, 16 at a time. platform-ms/item is
// the difference per item: what the run machinery, the budget check, the call log and the stored
// result cost beyond the work itself. Each iteration changes the template by a word, so no answer
// comes from the response cache.
func BenchmarkEvaluate(b *testing.B) {
	f := pipelinetest.NewSpider(b)
	f.AcceptVerified(b)
	snap, pairs := goldentest.CutWithPairs(b, f, golden.SnapshotParams{Name: "bench", Seed: 1})
	goldOf := map[string]string{}
	for _, p := range pairs {
		goldOf[p.Question] = p.SQL
	}
	model := llmtest.New(b)
	model.Respond(func(req openai.ChatCompletionRequest) llmtest.Reply {
		m := evaluatetest.AskedQuestion.FindAllStringSubmatch(llmtest.FirstUserMessage(req), -1)
		return llmtest.Text("```sql\n" + goldOf[m[len(m)-1][1]] + "\n```")
	})
	log := pipelinetest.QuietLog()
	set := llm.Settings{BaseURL: model.URL, APIKey: "k", Model: llmtest.FakeModel, MaxConcurrency: 32}
	models := f.Models(b, set, log)
	runner := runs.NewRunner(f.St, log)
	ev := New(f.St, f.Exec, models, schemas.New(f.St, f.Exec), runner, log)
	for _, k := range ev.Kinds() {
		runner.Register(k)
	}
	bare := llm.New(set, nil, nil, nil)
	if _, err := f.St.Pool().Exec(f.Ctx, `CREATE TABLE bench_eval_results (run int, nlq bigint, correct bool, sql text, reason text)`); err != nil {
		b.Fatal(err)
	}

	var runTime, bareTime time.Duration
	var items int
	for i := 0; i < b.N; i++ {
		template := fmt.Sprintf("Iteration %d. %s", i, prompts.BuiltinTemplate)
		start := time.Now()
		run, err := ev.StartEvaluation(f.Ctx, store.System, f.Project.ID, Params{SnapshotID: snap.ID, Split: golden.SplitAll,
			Prompt: template, Concurrency: 16})
		if err != nil {
			b.Fatal(err)
		}
		if err := runner.Execute(f.Ctx, run); err != nil {
			b.Fatal(err)
		}
		runTime += time.Since(start)
		rep, err := ev.Evaluation(f.Ctx, f.Project.ID, run.ID)
		if err != nil || rep.Run.Status != store.RunSucceeded || rep.Summary.Correct != len(pairs) {
			b.Fatalf("run: %+v %v", rep.Summary, err)
		}
		items += len(pairs)
		bareTime += evalBaseline(b, f, ev, bare, template, pairs, i)
	}
	b.ReportMetric(float64(items)/runTime.Seconds(), "items/s")
	b.ReportMetric((runTime-bareTime).Seconds()*1000/float64(items), "platform-ms/item")
	b.ReportMetric(runTime.Seconds()/bareTime.Seconds(), "run/bare")
}

// evalBaseline does an evaluation's work without the platform: the prompts (schemas rendered
// beforehand, untimed), bare model calls, both SQL run and compared, a row inserted per item.
func evalBaseline(b *testing.B, f *pipelinetest.Fixture, e *Evaluator, client *llm.Client, template string, pairs []store.SnapshotPair, iteration int) time.Duration {
	ctx := context.Background()
	texts := make([]string, len(pairs))
	targets := make([]sqlexec.Target, len(pairs))
	for i, p := range pairs {
		d, err := e.schemas.Database(ctx, f.Project.ID, *p.DatabaseID)
		if err != nil {
			b.Fatal(err)
		}
		schema, err := e.schemas.Rendered(ctx, d)
		if err != nil {
			b.Fatal(err)
		}
		texts[i], targets[i] = prompts.Fill(template, prompts.Dialect, schema, p.Question), d.DB.Target()
	}
	return pipelinetest.Timed(len(pairs), 16, func(i int) bool {
		resp, err := client.Chat(ctx, llm.CallMeta{Purpose: llm.PurposeTarget}, openai.ChatCompletionRequest{
			Messages: []openai.ChatCompletionMessage{{Role: openai.ChatMessageRoleUser, Content: texts[i]}}})
		if err != nil {
			b.Error(err)
			return false
		}
		sql := ExtractSQL(resp.Choices[0].Message.Content)
		ordered, _ := sqlexec.HasTopLevelOrderBy(pairs[i].SQL)
		m := sqlexec.Match(e.exec.Run(ctx, targets[i], pairs[i].SQL), e.exec.Run(ctx, targets[i], sql),
			sqlexec.MatchOptions{OrderMatters: ordered})
		if _, err := f.St.Pool().Exec(ctx, `INSERT INTO bench_eval_results VALUES ($1, $2, $3, $4, $5)`,
			iteration, pairs[i].NLQID, m.Match, sql, m.Reason); err != nil {
			b.Error(err)
			return false
		}
		return true
	})
}
