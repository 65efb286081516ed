package augment

import (
	"encoding/json"
	"fmt"
	"regexp"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/sashabaranov/go-openai"

	"github.com/goldset/goldset/agent"
	"github.com/goldset/goldset/llm"
	"github.com/goldset/goldset/llm/llmtest"
	"github.com/goldset/goldset/pipelines/pipelinetest"
	"github.com/goldset/goldset/store"
)

// BenchmarkGenerate runs each generating pipeline over the Spider dev set at concurrency 16 with a
// zero-latency fake model (every reply a fresh question, so nothing is a duplicate or cached), and
// in the same run a bare baseline: the same model calls through a client with no call log and no
// cache, the same SQL run in the sandbox (qagen), and the same questions (and candidates) inserted,
// one transaction per item, 16 at a time. platform-ms/NLQ is the difference per kept question: what
// the run machinery, the prompts, the filters (exact and near-duplicate, lexical embedding) and the
// lineage cost beyond the work itself.
func BenchmarkGenerate(b *testing.B) {
	f := pipelinetest.NewSpider(b)
	model := llmtest.New(b)
	var seq atomic.Int64
	model.Respond(func(req openai.ChatCompletionRequest) llmtest.Reply { return benchReply(req, seq.Add(1)) })
	log := pipelinetest.QuietLog()
	hot := 0.7 // a generator with a temperature: no answer comes from the response cache
	set := llm.Settings{BaseURL: model.URL, APIKey: "k", Model: llmtest.FakeModel, MaxConcurrency: 32,
		Purposes: map[llm.Purpose]llm.PurposeSettings{llm.PurposeGenerator: {Temperature: &hot}, llm.PurposeValidator: {Temperature: &hot}}}
	models := f.Models(b, set, log)
	w := wire(f, models, agent.Options{}, log)
	gen, runner := w.gen, w.runner
	bare := llm.New(set, nil, nil, nil)
	dbs, err := f.St.ListDatabases(f.Ctx, f.Project.ID, false)
	if err != nil {
		b.Fatal(err)
	}
	no := false
	for _, c := range []struct {
		name string
		kind string
		p    Params
	}{
		{"complexity", KindComplexity, Params{N: 200, Annotate: &no}},
		{"paraphrase", KindParaphrase, Params{N: 200, Annotate: &no}},
		{"semantic", KindSemantic, Params{N: 200, Annotate: &no}},
		{"qagen", KindQAGen, Params{TablesPerChunk: 1, Num: 5, Annotate: &no}},
	} {
		b.Run(c.name, func(b *testing.B) {
			var runTime, bareTime time.Duration
			var items, kept int
			for i := 0; i < b.N; i++ {
				// The run (for qagen: one per database, all at once).
				var runs []store.PipelineRun
				targets := []store.Database{{}}
				if c.kind == KindQAGen {
					targets = dbs
				}
				start := time.Now()
				for _, d := range targets {
					p := c.p
					p.DatabaseID, p.Seed, p.Stage = d.ID, int64(i), fmt.Sprintf("bench-%s-%d", c.name, benchKeys.Add(1))
					run, err := gen.Start(f.Ctx, store.System, f.Project.ID, c.kind, p)
					if err != nil {
						b.Fatal(err)
					}
					runs = append(runs, run)
				}
				var prompts []string
				for _, run := range runs {
					if err := runner.Execute(f.Ctx, run); err != nil {
						b.Fatal(err)
					}
				}
				runTime += time.Since(start)
				for _, run := range runs {
					r, _ := f.St.PipelineRun(f.Ctx, f.Project.ID, run.ID)
					if r.Status != store.RunSucceeded || r.Failed > 0 {
						b.Fatalf("run: %+v", r)
					}
					items += r.Total
					kept += r.Kept
					prompts = append(prompts, benchPrompts(b, f, r)...)
				}
				// The baseline: the same calls, SQL and inserts, without the pipeline.
				bareTime += benchBaseline(b, f, bare, c.kind, prompts, dbs)
			}
			b.ReportMetric(float64(items)/runTime.Seconds(), "items/s")
			b.ReportMetric(float64(kept)/runTime.Seconds(), "NLQ/s")
			b.ReportMetric((runTime-bareTime).Seconds()*1000/float64(max(kept, 1)), "platform-ms/NLQ")
			b.ReportMetric(runTime.Seconds()/bareTime.Seconds(), "run/bare")
		})
	}
}

// benchKeys makes the baseline's origin keys unique across iterations and runs of a benchmark.
var benchKeys atomic.Int64

var benchTable = regexp.MustCompile(`CREATE TABLE ("?[A-Za-z_][A-Za-z0-9_]*"?) \(`)

// benchReply answers every pipeline's prompt with a fresh question (n makes it unique).
func benchReply(req openai.ChatCompletionRequest, n int64) llmtest.Reply {
	kind, text := promptKind(req)
	words := []string{"oldest", "newest", "largest", "smallest", "cheapest", "busiest", "quietest", "longest"}
	suffix := fmt.Sprintf(", counting only the %s %d of them from year %d", words[n%8], n%97+2, 1900+n%125)
	switch kind {
	case KindComplexity, KindParaphrase:
		return llmtest.Text(`{"question": ` + quoteJSON(strings.TrimRight(text, "?.")+suffix+"?") + `}`)
	case KindSemantic:
		cols := between(llmtest.FirstUserMessage(req), "needs these columns:\n", "\n\n")
		return llmtest.Text(`{"question": ` + quoteJSON("Which "+strings.ReplaceAll(strings.ReplaceAll(cols, "- ", ""), "\n", " and ")+suffix+"?") + `}`)
	case KindQAGen:
		m := benchTable.FindStringSubmatch(text)
		if m == nil {
			return llmtest.Text(`{"items": []}`)
		}
		var items []map[string]string
		name := strings.Trim(m[1], `"`)
		for k := range 5 {
			items = append(items, map[string]string{"question": fmt.Sprintf("How many %s rows are there%s (%d)?", name, suffix, k),
				"sql": "SELECT count(*) FROM " + m[1]})
		}
		out, _ := json.Marshal(map[string]any{"items": items})
		return llmtest.Text(string(out))
	case "validate":
		var v []string
		for k := 1; strings.Contains(text, fmt.Sprintf("Item %d\n", k)); k++ {
			v = append(v, fmt.Sprintf(`{"item": %d, "answers": true}`, k))
		}
		return llmtest.Text(`{"verdicts": [` + strings.Join(v, ",") + `]}`)
	}
	return llmtest.Text(`{"question": "?"}`)
}

// benchPrompts returns the prompts a run's items sent, from the call log, for the baseline to send
// again: the same requests, the same sizes.
func benchPrompts(b *testing.B, f *pipelinetest.Fixture, run store.PipelineRun) []string {
	rows, err := f.St.Pool().Query(f.Ctx, `SELECT request->'messages'->0->>'content' FROM llm_calls WHERE run_kind = $1 AND run_id = $2
		AND purpose IN ('generator', 'validator') ORDER BY id`, run.Kind, run.ID)
	if err != nil {
		b.Fatal(err)
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var s string
		if err := rows.Scan(&s); err != nil {
			b.Fatal(err)
		}
		out = append(out, s)
	}
	return out
}

// benchBaseline sends the prompts through a bare client, 16 at a time, runs the SQL of qagen's
// replies in the sandbox and inserts each reply's questions (and candidates) in one transaction.
func benchBaseline(b *testing.B, f *pipelinetest.Fixture, client *llm.Client, kind string, prompts []string, dbs []store.Database) time.Duration {
	byTable := map[string]store.Database{}
	for _, d := range dbs {
		tables, _ := f.St.Tables(f.Ctx, d.ID)
		for _, t := range tables {
			byTable[t.Name] = d
		}
	}
	dbID := dbs[0].ID
	return pipelinetest.Timed(len(prompts), 16, func(i int) bool {
		resp, err := client.Chat(f.Ctx, llm.CallMeta{Purpose: llm.PurposeGenerator}, openai.ChatCompletionRequest{
			Messages: []openai.ChatCompletionMessage{{Role: openai.ChatMessageRoleUser, Content: prompts[i]}}})
		if err != nil {
			b.Error(err)
			return false
		}
		reply := resp.Choices[0].Message.Content
		var qs []string
		var sqls []string
		target := dbs[0]
		if kind == KindQAGen {
			var r struct {
				Items []struct{ Question, SQL string }
			}
			if replyJSON(reply, &r) != nil {
				return true // a validator's reply: nothing to insert
			}
			for _, it := range r.Items {
				if m := benchTable.FindStringSubmatch("CREATE TABLE " + strings.TrimPrefix(it.SQL, "SELECT count(*) FROM ") + " ("); m != nil {
					target = byTable[strings.Trim(m[1], `"`)]
				}
				f.Im.Exec.Run(f.Ctx, target.Target(), it.SQL)
				qs, sqls = append(qs, it.Question), append(sqls, it.SQL)
			}
		} else {
			var r struct{ Question string }
			_ = replyJSON(reply, &r)
			qs = []string{r.Question}
		}
		tx, err := f.St.Pool().Begin(f.Ctx)
		if err != nil {
			b.Error(err)
			return false
		}
		for k, q := range qs {
			key := fmt.Sprintf("bare:%d", benchKeys.Add(1))
			n := store.NLQ{ProjectID: f.Project.ID, DatabaseID: &dbID, Question: q, Stage: "bare", OriginKey: &key}
			if _, err := store.InsertNLQ(f.Ctx, tx, store.System, &n); err != nil {
				b.Error(err)
			}
			if kind == KindQAGen {
				if err := store.InsertCandidate(f.Ctx, tx, store.System, &store.Candidate{NLQID: n.ID, Source: "generator", SQL: sqls[k]}); err != nil {
					b.Error(err)
				}
			}
		}
		if err := tx.Commit(f.Ctx); err != nil {
			b.Error(err)
		}
		return true
	})
}
