package agentbatch

import (
	"errors"
	"log/slog"
	"sync"
	"testing"
	"time"

	"github.com/sashabaranov/go-openai"

	"github.com/goldset/goldset/agent"
	"github.com/goldset/goldset/llm"
	"github.com/goldset/goldset/llm/llmconf"
	"github.com/goldset/goldset/llm/llmtest"
	"github.com/goldset/goldset/pipelines/candidate"
	"github.com/goldset/goldset/pipelines/pipelinetest"
	"github.com/goldset/goldset/pipelines/runs"
	"github.com/goldset/goldset/pipelines/schemas"
	"github.com/goldset/goldset/store"
)

// spiderBatch is a project with the shared Spider data imported and an agent whose fake model answers
// each question with the SQL answer(question) gives.
type spiderBatch struct {
	*pipelinetest.Fixture
	agents *Agents
	runner *runs.Runner
	model  *llmtest.Server
	gold   map[string]store.NLQWithSQL // by question text
}

func newSpiderBatch(t testing.TB) *spiderBatch {
	t.Helper()
	f := pipelinetest.NewSpider(t)
	b := &spiderBatch{Fixture: f, model: llmtest.New(t), gold: map[string]store.NLQWithSQL{}}
	nlqs, err := f.St.ListNLQs(f.Ctx, store.NLQQuery{ProjectID: f.Project.ID, Limit: 500})
	if err != nil {
		t.Fatal(err)
	}
	for _, n := range nlqs {
		b.gold[n.Question] = n
	}
	log := pipelinetest.QuietLog()
	models := f.Models(t, pipelinetest.FakeModel(b.model), log)
	// Spider schemas are small: the whole schema, no embeddings.
	b.agents, b.runner = wire(f, models, agent.Options{TopKTables: -1}, log)
	return b
}

// wire makes the agent's runs on a fixture, with a runner that processes them.
func wire(f *pipelinetest.Fixture, models *llmconf.Models, opts agent.Options, log *slog.Logger) (*Agents, *runs.Runner) {
	r := runs.NewRunner(f.St, log)
	a := New(f.St, f.Exec, models, schemas.New(f.St, f.Exec), r, opts, log)
	for _, k := range a.Kinds() {
		r.Register(k)
	}
	return a, r
}

// answerWith makes the fake model call give_final_answer with sqlFor(the question's NLQ).
func (b *spiderBatch) answerWith(sqlFor func(n store.NLQWithSQL) string) {
	b.model.Respond(func(req openai.ChatCompletionRequest) llmtest.Reply {
		q := llmtest.FirstUserMessage(req)
		n, ok := b.gold[q]
		if !ok {
			return llmtest.Text("I do not know this question")
		}
		return llmtest.Call("give_final_answer", map[string]string{"sql": sqlFor(n), "explanation": "scripted"})
	})
}

func (b *spiderBatch) run(t *testing.T) (store.PipelineRun, Accuracy) {
	t.Helper()
	run, err := b.agents.StartBatch(b.Ctx, store.System, b.Project.ID, Params{Concurrency: 16})
	if err != nil {
		t.Fatal(err)
	}
	if err := b.runner.Execute(b.Ctx, run); err != nil {
		t.Fatal(err)
	}
	run, err = b.St.PipelineRun(b.Ctx, b.Project.ID, run.ID)
	if err != nil {
		t.Fatal(err)
	}
	acc, err := b.agents.Accuracy(b.Ctx, run)
	if err != nil {
		t.Fatal(err)
	}
	return run, acc
}

// The plumbing proof: a model that answers every question with its (translated) gold SQL scores 100%
// on the questions whose gold was verified; one that answers 20% of them wrongly scores 80%.
func TestAgentBatch_SpiderGoldAnswersScoreByExecution(t *testing.T) {
	t.Parallel()
	b := newSpiderBatch(t)
	gold := func(n store.NLQWithSQL) string { return n.Candidate.SQL }

	b.answerWith(gold)
	start := time.Now()
	run, acc := b.run(t)
	t.Logf("499 questions at concurrency 16 in %v; accuracy %+v", time.Since(start).Round(time.Millisecond), acc)
	if run.Status != store.RunSucceeded || run.Done != 499 || run.Succeeded != 499 {
		t.Fatalf("run: %+v", run)
	}
	if acc.Evaluated < 485 || acc.Matched != acc.Evaluated || acc.Accuracy != 1 {
		t.Fatalf("gold answers must score 100%% on verified questions: %+v", acc)
	}

	// Every fifth verified question answered wrongly.
	wrong := map[int64]bool{}
	i := 0
	for _, n := range b.gold {
		if candidate.Verified(n.Candidate) {
			if i%5 == 0 {
				wrong[n.ID] = true
			}
			i++
		}
	}
	// The same requests again would be answered from the response cache (that is what makes a resumed
	// run free); this scenario is a different model's answers, so forget the first one's.
	if _, err := b.St.Pool().Exec(b.Ctx, "DELETE FROM llm_cache"); err != nil {
		t.Fatal(err)
	}
	b.answerWith(func(n store.NLQWithSQL) string {
		if wrong[n.ID] {
			return "SELECT 'scripted wrong answer' AS answer"
		}
		return n.Candidate.SQL
	})
	_, acc = b.run(t)
	t.Logf("with %d of %d verified answers wrong: %+v", len(wrong), acc.Evaluated, acc)
	if acc.Matched != acc.Evaluated-len(wrong) || acc.Accuracy < 0.795 || acc.Accuracy > 0.805 {
		t.Fatalf("20%% wrong answers must measure 80%%: %+v, %d wrong", acc, len(wrong))
	}
}

// A batch cancelled midway keeps what it finished; resumed, it does every other question exactly once.
func TestAgentBatch_CancelAndResumeDoEachQuestionOnce(t *testing.T) {
	t.Parallel()
	b := newSpiderBatch(t)
	var mu sync.Mutex
	calls := 0
	b.model.Respond(func(req openai.ChatCompletionRequest) llmtest.Reply {
		mu.Lock()
		calls++
		mu.Unlock()
		n := b.gold[llmtest.FirstUserMessage(req)]
		return llmtest.Reply{Delay: 50 * time.Millisecond, ToolCalls: []openai.ToolCall{llmtest.ToolCall("give_final_answer",
			map[string]string{"sql": n.Candidate.SQL, "explanation": "scripted"})}}
	})
	run, err := b.agents.StartBatch(b.Ctx, store.System, b.Project.ID, Params{Concurrency: 4, Limit: 60})
	if err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { done <- b.runner.Execute(b.Ctx, run) }()
	for { // cancel once some, not all, are done
		r, _ := b.St.PipelineRun(b.Ctx, b.Project.ID, run.ID)
		if r.Done >= 8 {
			break
		}
		time.Sleep(10 * time.Millisecond)
	}
	if _, err := b.St.CancelRun(b.Ctx, store.System, b.Project.ID, run.ID); err != nil {
		t.Fatal(err)
	}
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	mid, _ := b.St.PipelineRun(b.Ctx, b.Project.ID, run.ID)
	if mid.Status != store.RunCancelled || mid.Done >= 60 || mid.Done < 8 {
		t.Fatalf("after cancel: %+v", mid)
	}
	if _, err := b.St.ResumeRun(b.Ctx, store.System, b.Project.ID, run.ID, false); err != nil {
		t.Fatal(err)
	}
	if err := b.runner.Execute(b.Ctx, run); err != nil {
		t.Fatal(err)
	}
	final, _ := b.St.PipelineRun(b.Ctx, b.Project.ID, run.ID)
	answers, _ := b.St.AgentCandidates(b.Ctx, run.ID)
	if final.Status != store.RunSucceeded || final.Done != 60 || len(answers) != 60 {
		runs, _ := b.St.ListAgentRuns(b.Ctx, store.AgentRunQuery{ProjectID: b.Project.ID, Limit: 3})
		for _, r := range runs {
			t.Logf("agent run %d: %s %s", r.ID, r.Status, r.StopDetail)
			full, _ := b.St.AgentRunWithSteps(b.Ctx, b.Project.ID, r.ID)
			for _, st := range full.Steps {
				t.Logf("  step %d %s %s %s → %.300s", st.Index, st.Kind, st.Tool, st.Args, st.Result)
			}
		}
		events, _ := b.St.Events(b.Ctx, run.ID, 0, 1000)
		for _, e := range events {
			if e.Level != "info" {
				t.Logf("run log: %s %s", e.Level, e.Message)
			}
		}
		t.Fatalf("after resume: %+v, %d answers", final, len(answers))
	}
	var dup int
	b.St.Pool().QueryRow(b.Ctx, `SELECT count(*) - count(DISTINCT nlq_id) FROM sql_candidates WHERE pipeline_run_id = $1`, run.ID).Scan(&dup)
	if dup != 0 {
		t.Fatalf("%d questions got two answers", dup)
	}
}

func TestAgentBatch_WithoutAModelSaysWhatToSet(t *testing.T) {
	t.Parallel()
	f := pipelinetest.New(t)
	models, err := llmconf.NewModels(f.Ctx, f.St, llm.Settings{}, "", nil)
	if err != nil {
		t.Fatal(err)
	}
	a, _ := wire(f, models, agent.Options{}, nil)
	if _, err := a.StartBatch(f.Ctx, store.System, f.Project.ID, Params{}); !errors.Is(err, llm.ErrNotConfigured) {
		t.Fatalf("batch: %v", err)
	}
	if _, err := a.Ask(f.Ctx, store.System, f.Project.ID, 1, "how many?", 1); !errors.Is(err, llm.ErrNotConfigured) {
		t.Fatalf("ask: %v", err)
	}
}

// A batch whose worker process died mid-question (it holds no lock any more) is taken over by the
// next worker: the trajectory the dead one left half-way ends as cancelled, and the question is
// answered again, once.
func TestAgentBatch_DeadWorkersQuestionIsTakenOver(t *testing.T) {
	t.Parallel()
	b := newSpiderBatch(t)
	b.answerWith(func(n store.NLQWithSQL) string { return n.Candidate.SQL })
	run, err := b.agents.StartBatch(b.Ctx, store.System, b.Project.ID, Params{Limit: 3})
	if err != nil {
		t.Fatal(err)
	}
	// What a killed worker leaves: its registration without its lock, the run running, a question
	// claimed by its job, a trajectory mid-way.
	var dead int32
	var nlq int64
	pool := b.St.Pool()
	if err := pool.QueryRow(b.Ctx, `INSERT INTO pipeline_workers (host, pid) VALUES ('gone', 1) RETURNING id`).Scan(&dead); err != nil {
		t.Fatal(err)
	}
	if err := pool.QueryRow(b.Ctx, `UPDATE pipeline_items SET queued = true, gen = 1, job_id = 424242, worker_id = $2, attempts = 1
		WHERE (run_id, item_key) = (SELECT run_id, min(item_key) FROM pipeline_items WHERE run_id = $1 GROUP BY run_id) RETURNING item_key::bigint`,
		run.ID, dead).Scan(&nlq); err != nil {
		t.Fatal(err)
	}
	if _, err := pool.Exec(b.Ctx, `UPDATE pipeline_runs SET status = 'running' WHERE id = $1`, run.ID); err != nil {
		t.Fatal(err)
	}
	left := store.AgentRun{ProjectID: b.Project.ID, DatabaseID: *b.goldByID(t, nlq).DatabaseID, NLQID: &nlq, PipelineRunID: &run.ID, Question: "left behind"}
	if err := b.St.CreateAgentRun(b.Ctx, store.System, &left); err != nil {
		t.Fatal(err)
	}
	if err := b.runner.Execute(b.Ctx, run); err != nil {
		t.Fatal(err)
	}
	r, _ := b.St.PipelineRun(b.Ctx, b.Project.ID, run.ID)
	answers, _ := b.St.AgentCandidates(b.Ctx, run.ID)
	if r.Status != store.RunSucceeded || r.Succeeded != 3 || len(answers) != 3 {
		t.Fatalf("taken-over run: %+v, %d answers", r, len(answers))
	}
	got, _ := b.St.AgentRunWithSteps(b.Ctx, b.Project.ID, left.ID)
	if got.Status != "cancelled" || got.FinishedAt == nil {
		t.Fatalf("abandoned trajectory: %+v", got)
	}
	var attempts int
	pool.QueryRow(b.Ctx, `SELECT attempts FROM pipeline_items WHERE run_id = $1 AND item_key = $2`, run.ID, runs.QuestionKey(nlq)).Scan(&attempts)
	if attempts != 2 {
		t.Fatalf("the dead worker's question was started %d times, want 2 (its attempt and the new one)", attempts)
	}
}

func (b *spiderBatch) goldByID(t *testing.T, id int64) store.NLQWithSQL {
	t.Helper()
	for _, n := range b.gold {
		if n.ID == id {
			return n
		}
	}
	t.Fatalf("no question %d", id)
	return store.NLQWithSQL{}
}
