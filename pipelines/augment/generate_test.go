package augment

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/sashabaranov/go-openai"

	"github.com/goldset/goldset/agent"
	"github.com/goldset/goldset/llm"
	"github.com/goldset/goldset/llm/llmconf"
	"github.com/goldset/goldset/llm/llmtest"
	"github.com/goldset/goldset/pipelines/agentbatch"
	"github.com/goldset/goldset/pipelines/measure"
	"github.com/goldset/goldset/pipelines/pipelinetest"
	"github.com/goldset/goldset/pipelines/runs"
	"github.com/goldset/goldset/pipelines/schemas"
	"github.com/goldset/goldset/store"
)

// genFixture is a project with Spider's concert_singer database and some of its questions as the
// human-seed stage (with their gold SQL), and a generator whose fake model the test scripts.
type genFixture struct {
	*pipelinetest.Fixture
	db     store.Database
	seeds  map[string]int64 // question → id
	model  *llmtest.Server
	models *llmconf.Models
	agents *agentbatch.Agents
	gen    *Generators
	runner *runs.Runner
	log    *slog.Logger
}

var concertSeeds = []struct{ q, sql string }{
	{"How many singers do we have?", "SELECT count(*) FROM singer"},
	{"Show name, country, age for all singers ordered by age from the oldest to the youngest.", "SELECT name, country, age FROM singer ORDER BY age DESC"},
	{"What is the average, minimum, and maximum age of all singers from France?", "SELECT avg(age), min(age), max(age) FROM singer WHERE country = 'France'"},
	{"Show the name and the release year of the song by the youngest singer.", "SELECT song_name, song_release_year FROM singer ORDER BY age LIMIT 1"},
	{"What are all distinct countries where singers above age 20 are from?", "SELECT DISTINCT country FROM singer WHERE age > 20"},
	{"Show all countries and the number of singers in each country.", "SELECT country, count(*) FROM singer GROUP BY country"},
}

func newGenFixture(t testing.TB, set llm.Settings) *genFixture {
	t.Helper()
	dir := pipelinetest.Sample("spider", "database", "concert_singer")
	f := pipelinetest.New(t)
	sum, err := f.Im.ImportSQLite(f.Ctx, store.System, f.Project.ID, filepath.Join(dir, "concert_singer.sqlite"), "concert_singer")
	if err != nil {
		t.Fatal(err)
	}
	g := &genFixture{Fixture: f, db: sum.Database, seeds: map[string]int64{}, model: llmtest.New(t)}
	tx, err := f.St.Pool().Begin(f.Ctx)
	if err != nil {
		t.Fatal(err)
	}
	for i, s := range concertSeeds {
		key := fmt.Sprintf("seed:%d", i)
		n := store.NLQ{ProjectID: f.Project.ID, DatabaseID: &g.db.ID, Question: s.q, OriginKey: &key, Origin: json.RawMessage(`{"kind":"spider"}`)}
		if _, err := store.InsertNLQ(f.Ctx, tx, store.System, &n); err != nil {
			t.Fatal(err)
		}
		if err := store.InsertCandidate(f.Ctx, tx, store.System, &store.Candidate{NLQID: n.ID, Source: "import", SQL: s.sql}); err != nil {
			t.Fatal(err)
		}
		g.seeds[s.q] = n.ID
	}
	if err := tx.Commit(f.Ctx); err != nil {
		t.Fatal(err)
	}
	g.log = pipelinetest.QuietLog()
	if set.BaseURL == "" {
		set.BaseURL = g.model.URL
	}
	set.APIKey, set.Model = "test-key", llmtest.FakeModel
	set.Backoff = llm.Backoff{Base: time.Millisecond, Max: 5 * time.Millisecond, RetryAfterMax: 10 * time.Millisecond}
	models := f.Models(t, set, g.log)
	w := wire(f, models, agent.Options{TopKTables: -1}, g.log)
	g.models, g.agents, g.gen, g.runner = models, w.agents, w.gen, w.runner
	return g
}

// wired is the generating pipelines and the agent batches that follow them, as cmd/goldset's App
// builds them, with a runner that processes both.
type wired struct {
	agents *agentbatch.Agents
	gen    *Generators
	runner *runs.Runner
}

func wire(f *pipelinetest.Fixture, models *llmconf.Models, opts agent.Options, log *slog.Logger) wired {
	r := runs.NewRunner(f.St, log)
	sc := schemas.New(f.St, f.Exec)
	w := wired{runner: r, agents: agentbatch.New(f.St, f.Exec, models, sc, r, opts, log), gen: New(f.St, f.Exec, models, sc, r, nil)}
	for _, k := range slices.Concat(w.agents.Kinds(), w.gen.Kinds()) {
		r.Register(k)
	}
	return w
}

// promptKind tells which pipeline's prompt a request carries, and the question in it.
func promptKind(req openai.ChatCompletionRequest) (kind, question string) {
	text := llmtest.FirstUserMessage(req)
	switch {
	case len(req.Tools) > 0:
		return agentbatch.Kind, text
	case strings.Contains(text, "into a MORE COMPLEX one"):
		return KindComplexity, between(text, "Original question:\n", "\n\nAnswer with")
	case strings.Contains(text, "Paraphrase the question below"):
		return KindParaphrase, between(text, "Original question:\n", "\n\nAnswer with")
	case strings.Contains(text, "Imitate the style of this question"):
		return KindSemantic, between(text, "but ask\nabout the columns above instead of its own subject:\n\"", "\"\n")
	case strings.Contains(text, "natural language questions a user might ask"):
		return KindQAGen, text
	case strings.Contains(text, "You check a Text-to-SQL dataset"):
		return "validate", text
	case strings.Contains(text, "Give the table below"):
		return KindTableMetadata, between(text, "The table is now called ", " ")
	}
	return "", text
}

func between(s, from, to string) string {
	i := strings.Index(s, from)
	if i < 0 {
		return ""
	}
	s = s[i+len(from):]
	if j := strings.Index(s, to); j >= 0 {
		s = s[:j]
	}
	return s
}

func jsonQuestion(q string) llmtest.Reply { return llmtest.Text(`{"question": ` + quoteJSON(q) + `}`) }

func quoteJSON(s string) string { b, _ := json.Marshal(s); return string(b) }

// answerAgent makes the agent's calls answer every question with one valid query.
func answerAgent() llmtest.Reply {
	return llmtest.Call("give_final_answer", map[string]string{"sql": "SELECT count(*) FROM singer", "explanation": "scripted"})
}

func (g *genFixture) start(t *testing.T, kind string, p Params) store.PipelineRun {
	t.Helper()
	run, err := g.gen.Start(g.Ctx, store.System, g.Project.ID, kind, p)
	if err != nil {
		t.Fatal(err)
	}
	return run
}

func (g *genFixture) execute(t *testing.T, run store.PipelineRun) store.PipelineRun {
	t.Helper()
	ctx, cancel := context.WithTimeout(g.Ctx, 15*time.Second)
	defer cancel()
	if err := g.runner.Execute(ctx, run); err != nil {
		items, _ := g.St.RunItems(g.Ctx, run.ID, 0)
		t.Fatalf("run %d did not finish: %v\n%s\nitems: %+v", run.ID, err, g.Log(t, run), items)
	}
	return g.Run(t, run)
}

// expectDropped checks that the run dropped as many outputs as want says for each of its reasons.
func expectDropped(t *testing.T, run store.PipelineRun, want map[string]int) {
	t.Helper()
	for reason, n := range want {
		if run.Dropped[reason] != n {
			t.Errorf("dropped %s: %d, want %d (all: %v)", reason, run.Dropped[reason], n, run.Dropped)
		}
	}
}

// generated returns the questions a run made, by origin key.
func (g *genFixture) generated(t *testing.T, runID int64) map[string]store.NLQWithSQL {
	t.Helper()
	ns, err := g.St.ListNLQs(g.Ctx, store.NLQQuery{ProjectID: g.Project.ID, Limit: 500})
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]store.NLQWithSQL{}
	for _, n := range ns {
		if n.OriginKey != nil && strings.HasPrefix(*n.OriginKey, fmt.Sprintf("gen:%d:", runID)) {
			out[*n.OriginKey] = n
		}
	}
	return out
}

// A complexity run rewrites each seed question once; replies that are fenced keep their question,
// and every broken or useless reply is dropped with its reason. Each kept question records its
// parent, pipeline, method, prompt version, model, run and stage, and when the run ends an agent
// batch over the new questions is queued: answered, they enter the annotation flow.
func TestGenerate_ComplexityKeepsLineageDropsByReasonAndFeedsAnnotation(t *testing.T) {
	t.Parallel()
	g := newGenFixture(t, llm.Settings{})
	if _, err := g.St.SavePolicy(g.Ctx, store.System, g.Project.ID, store.Policy{DualShare: 1, AnnotatorsPerItem: 1, AuditRate: 0.1, Blind: true, LeaseSeconds: 600}); err != nil {
		t.Fatal(err)
	}
	replies := map[string]llmtest.Reply{
		concertSeeds[0].q: llmtest.Text("```json\n{\"question\": \"How many singers from France do we have?\"}\n```"),
		concertSeeds[1].q: jsonQuestion(concertSeeds[1].q), // the input, verbatim
		concertSeeds[2].q: llmtest.Text("I'm sorry, but as an AI I cannot make this question harder."),
		concertSeeds[3].q: jsonQuestion("¿Cuál es el nombre de la canción del cantante más joven de los que son de Francia?"),
		concertSeeds[4].q: llmtest.Text(`{"question": "What are all distinct countries where singers above age 20`), // cut short
		concertSeeds[5].q: llmtest.Text(`{"rewritten": "Show all countries with more than two singers."}`),          // wrong field
	}
	g.model.Respond(func(req openai.ChatCompletionRequest) llmtest.Reply {
		kind, q := promptKind(req)
		switch kind {
		case KindComplexity:
			return replies[q]
		case agentbatch.Kind:
			return answerAgent()
		}
		return llmtest.Reply{Fault: llmtest.FaultBadRequest, ErrorMessage: "unexpected prompt"}
	})
	run := g.execute(t, g.start(t, KindAugment, Params{Pipeline: KindComplexity, FromStage: "human-seed"}))
	if run.Status != store.RunSucceeded || run.Done != 6 || run.Failed != 0 || run.Kept != 1 {
		t.Fatalf("run: %+v\n%s", run, g.Log(t, run))
	}
	want := map[string]int{DropDuplicate: 1, DropRefusal: 1, DropWrongLanguage: 1, DropInvalidJSON: 2}
	expectDropped(t, run, want)
	out := g.generated(t, run.ID)
	if len(out) != 1 {
		t.Fatalf("generated: %v", out)
	}
	for key, n := range out {
		parent := g.seeds[concertSeeds[0].q]
		if n.Question != "How many singers from France do we have?" || n.ParentID == nil || *n.ParentID != parent ||
			n.Stage != "human-seed+complexity" || n.Status != store.NLQNew || key != fmt.Sprintf("gen:%d:%s:0", run.ID, runs.QuestionKey(parent)) {
			t.Fatalf("question: %+v (key %s)", n, key)
		}
		var origin map[string]any
		if err := json.Unmarshal(n.Origin, &origin); err != nil {
			t.Fatal(err)
		}
		if origin["kind"] != KindComplexity || origin["pipeline"] != KindComplexity || origin["model"] != llmtest.FakeModel ||
			origin["run_id"] != float64(run.ID) || !regexp.MustCompile(`^complexity-[0-9a-f]{8}$`).MatchString(fmt.Sprint(origin["prompt_version"])) ||
			!strings.Contains(strings.Join(ComplexityMethods, " "), fmt.Sprint(origin["method"])) {
			t.Fatalf("origin: %v", origin)
		}
	}
	// The annotation flow: an agent batch over exactly the new question, queued with the run's end.
	runs, err := g.St.ListPipelineRuns(g.Ctx, g.Project.ID, agentbatch.Kind, 10)
	if err != nil {
		t.Fatal(err)
	}
	if len(runs) != 1 || runs[0].Total != 1 {
		t.Fatalf("agent batches: %+v\n%s", runs, g.Log(t, run))
	}
	var bp agentbatch.Params
	_ = json.Unmarshal(runs[0].Params, &bp)
	if bp.FromRun != run.ID || bp.Stage != "human-seed+complexity" {
		t.Fatalf("batch params: %+v", bp)
	}
	batch := g.execute(t, runs[0])
	if batch.Status != store.RunSucceeded || batch.Succeeded != 1 {
		t.Fatalf("batch: %+v\n%s", batch, g.Log(t, batch))
	}
	var items int
	for _, n := range out {
		if err := g.St.Pool().QueryRow(g.Ctx, `SELECT count(*) FROM annotation_items WHERE nlq_id = $1`, n.ID).Scan(&items); err != nil {
			t.Fatal(err)
		}
	}
	if items != 1 {
		t.Fatalf("the new question was not sampled for annotation under dual_share 1: %d items", items)
	}
}

// Schema-chunk QA generation: each chunk's pairs are filtered, their SQL runs in the sandbox
// (failures dropped with the database's message), the validator model checks the results, and the
// rest are stored with a generator candidate that carries the result's fingerprint and row count.
func TestGenerate_QAGenExecutesValidatesAndStoresGeneratorSQL(t *testing.T) {
	t.Parallel()
	g := newGenFixture(t, llm.Settings{})
	var chunks atomic.Int32
	g.model.Respond(func(req openai.ChatCompletionRequest) llmtest.Reply {
		kind, text := promptKind(req)
		switch kind {
		case KindQAGen:
			chunks.Add(1)
			if !strings.Contains(text, "CREATE TABLE singer (") {
				return llmtest.Text(`{"items": []}`)
			}
			return llmtest.Text("Here you go:\n```json\n" + `{"items": [
				{"question": "Which singers are older than 40?", "sql": "SELECT name FROM singer WHERE age > 40"},
				{"question": "Which singers are older than 40?", "sql": "SELECT name FROM singer WHERE age >= 41"},
				{"question": "What is the average age of singers?", "sql": "SELECT avg(agee) FROM singer"},
				{"question": "What is the capital of Peru?", "sql": "SELECT 'Lima'"},
				{"question": "List the names of singers who are from France.", "sql": "SELECT name FROM singer WHERE country = 'France'"},
				{"question": "How many singers are there?"}
			]}` + "\n```")
		case "validate":
			if !strings.Contains(text, "Item 2") || strings.Contains(text, "Item 3") {
				return llmtest.Text(`not what was asked`)
			}
			return llmtest.Text(`{"verdicts": [{"item": 1, "answers": true}, {"item": 2, "answers": false, "reason": "missing the country"}]}`)
		case agentbatch.Kind:
			return answerAgent()
		}
		return llmtest.Reply{Fault: llmtest.FaultBadRequest, ErrorMessage: "unexpected prompt"}
	})
	run := g.start(t, KindQAGen, Params{DatabaseID: g.db.ID, TablesPerChunk: 2, Num: 6})
	if run.Total != 2 { // stadium, singer | concert, singer_in_concert
		t.Fatalf("chunks: %d", run.Total)
	}
	run = g.execute(t, run)
	if run.Status != store.RunSucceeded || run.Kept != 1 {
		t.Fatalf("run: %+v\n%s", run, g.Log(t, run))
	}
	want := map[string]int{DropDuplicate: 1, DropSQLFailed: 1, DropOffSchema: 1, DropInvalidJSON: 1, DropNotValidated: 1, DropEmpty: 1}
	expectDropped(t, run, want)
	out := g.generated(t, run.ID)
	if len(out) != 1 {
		t.Fatalf("generated: %v", out)
	}
	for _, n := range out {
		c := n.Candidate
		if n.Question != "Which singers are older than 40?" || n.Stage != "qagen" || n.ParentID != nil || c == nil || c.Source != "generator" ||
			c.SQL != "SELECT name FROM singer WHERE age > 40" || c.RowCount == nil || c.ResultFingerprint == nil || c.Error != nil {
			t.Fatalf("question: %+v, candidate %+v", n, c)
		}
	}
	// The failed SQL's reason is in the item's detail, for people.
	items, err := g.St.RunItems(g.Ctx, run.ID, 0)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(items[0].Detail), "agee") {
		t.Fatalf("item detail: %s", items[0].Detail)
	}
}

// Transport faults: a 429 storm and a slow start are ridden out by the client's retries; a model
// that keeps failing (500s, timeouts, truncated bodies) fails only its item, with the reason, and
// the run goes on.
func TestGenerate_FaultsFailOnlyTheirItemWithTheReason(t *testing.T) {
	t.Parallel()
	g := newGenFixture(t, llm.Settings{MaxRetries: 2, Timeout: 300 * time.Millisecond})
	var mu sync.Mutex
	calls := map[string]int{}
	g.model.Respond(func(req openai.ChatCompletionRequest) llmtest.Reply {
		kind, q := promptKind(req)
		if kind == agentbatch.Kind {
			return answerAgent()
		}
		mu.Lock()
		calls[q]++
		n := calls[q]
		mu.Unlock()
		switch q {
		case concertSeeds[0].q: // 429 twice, then fine
			if n <= 2 {
				return llmtest.Reply{Fault: llmtest.FaultRateLimit, RetryAfter: 0}
			}
		case concertSeeds[1].q:
			return llmtest.Reply{Fault: llmtest.FaultServerError}
		case concertSeeds[2].q:
			return llmtest.Reply{Fault: llmtest.FaultTimeout}
		case concertSeeds[3].q:
			return llmtest.Reply{Fault: llmtest.FaultTruncatedJSON}
		}
		return jsonQuestion("Tell me, " + strings.ToLower(q[:1]) + q[1:])
	})
	run := g.execute(t, g.start(t, KindParaphrase, Params{Methods: []string{"imperative"}}))
	if run.Status != store.RunSucceeded || run.Succeeded != 3 || run.Failed != 3 || run.Kept != 3 {
		t.Fatalf("run: %+v\n%s", run, g.Log(t, run))
	}
	items, err := g.St.RunItems(g.Ctx, run.ID, 0)
	if err != nil {
		t.Fatal(err)
	}
	reasons := map[int64]string{}
	for _, it := range items {
		var id int64
		fmt.Sscan(it.Key, &id)
		if it.Status == "failed" {
			reasons[id] = string(it.Detail)
		}
	}
	for i, want := range map[int]string{1: "HTTP 500", 2: "no answer from the language model in time", 3: "bad response"} {
		if got := reasons[g.seeds[concertSeeds[i].q]]; !strings.Contains(got, want) || !strings.Contains(got, "3 attempt") {
			t.Errorf("seed %d failed with %q, want %q after 3 attempts", i, got, want)
		}
	}
	if calls[concertSeeds[0].q] != 3 {
		t.Errorf("the rate-limited question was asked %d times", calls[concertSeeds[0].q])
	}
}

// With an embeddings model configured, a reply too close to a question of the project is dropped as
// a near-duplicate; embeddings that keep failing fail the item with the reason.
func TestGenerate_NearDuplicatesByEmbeddingsAndEmbeddingFaults(t *testing.T) {
	t.Parallel()
	g := newGenFixture(t, llm.Settings{EmbeddingModel: "fake-embed", MaxRetries: 1})
	g.model.Respond(func(req openai.ChatCompletionRequest) llmtest.Reply {
		kind, q := promptKind(req)
		switch {
		case kind == agentbatch.Kind:
			return answerAgent()
		case q == concertSeeds[0].q:
			return jsonQuestion("How many singers do we have here?") // one word more than the seed
		}
		return jsonQuestion("Give me the stadiums with a capacity above " + fmt.Sprint(len(q)) + " that hosted a concert of " + q)
	})
	run := g.execute(t, g.start(t, KindParaphrase, Params{NearDuplicate: 0.8, Annotate: new(bool)}))
	if run.Status != store.RunSucceeded || run.Dropped[DropNearDuplicate] == 0 || run.Kept == 0 {
		t.Fatalf("run: %+v\n%s", run, g.Log(t, run))
	}
	items, err := g.St.RunItems(g.Ctx, run.ID, 0)
	if err != nil {
		t.Fatal(err)
	}
	for _, it := range items {
		if it.Key == runs.QuestionKey(g.seeds[concertSeeds[0].q]) && !strings.Contains(string(it.Detail), "near_duplicate") {
			t.Fatalf("a question one word away from a seed was kept: %s", it.Detail)
		}
	}
	if g.model.EmbedCount() == 0 {
		t.Fatal("the embeddings model was not used")
	}
	g.model.EmbedFault(llmtest.FaultServerError)
	g.model.Respond(func(req openai.ChatCompletionRequest) llmtest.Reply {
		return jsonQuestion("Which stadiums hosted no concert in 2014?") // a text never embedded (and cached) before
	})
	run = g.execute(t, g.start(t, KindParaphrase, Params{Stage: "again", N: 1, Seed: 7}))
	if run.Status != store.RunFailed || !strings.Contains(run.Error, "embedding") || !strings.Contains(run.Error, "HTTP 500") {
		t.Fatalf("run: %+v", run)
	}
}

// Semantic variety: every item takes a seed question as its style reference and asks about columns
// chosen at random, the columns no SQL of the project uses yet far more often; the choices depend
// only on the run and the item.
func TestGenerate_SemanticImitatesAStyleOverUnusedColumnsFirst(t *testing.T) {
	t.Parallel()
	g := newGenFixture(t, llm.Settings{})
	var mu sync.Mutex
	var prompts []string
	g.model.Respond(func(req openai.ChatCompletionRequest) llmtest.Reply {
		kind, ref := promptKind(req)
		if kind == agentbatch.Kind {
			return answerAgent()
		}
		text := llmtest.FirstUserMessage(req)
		mu.Lock()
		prompts = append(prompts, text)
		n := len(prompts)
		mu.Unlock()
		if _, ok := g.seeds[ref]; !ok {
			return llmtest.Reply{Fault: llmtest.FaultBadRequest, ErrorMessage: "no style reference in " + text}
		}
		cols := between(text, "needs these columns:\n", "\n\n")
		return jsonQuestion(fmt.Sprintf("Which %s are listed for case %d?", strings.ReplaceAll(strings.ReplaceAll(cols, "- ", ""), "\n", " and "), n))
	})
	// The fake model's questions differ by a number only: no near-duplicate filter here. Two items that
	// happen to choose the same reference and columns send the same prompt and, at temperature 0, get
	// the same (cached) answer: a duplicate.
	run := g.execute(t, g.start(t, KindSemantic, Params{N: 40, Columns: 2, NearDuplicate: 1, Annotate: new(bool)}))
	if run.Status != store.RunSucceeded || run.Kept < 30 || run.Kept+run.Dropped[DropDuplicate] != 40 {
		t.Fatalf("run: %+v\n%s", run, g.Log(t, run))
	}
	out := g.generated(t, run.ID)
	usedBySeeds := map[string]bool{"singer.name": true, "singer.country": true, "singer.age": true, "singer.song_name": true, "singer.song_release_year": true}
	unused, used := 0, 0
	for _, n := range out {
		var origin struct {
			StyleRef int64    `json:"style_ref_id"`
			Columns  []string `json:"columns"`
		}
		_ = json.Unmarshal(n.Origin, &origin)
		if origin.StyleRef == 0 || len(origin.Columns) == 0 || n.ParentID != nil || n.Stage != "human-seed+semantic" {
			t.Fatalf("question: %+v", n)
		}
		for _, c := range origin.Columns {
			if usedBySeeds[c] {
				used++
			} else {
				unused++
			}
		}
	}
	if unused < 4*used {
		t.Fatalf("columns no SQL uses were not preferred: %d unused, %d used", unused, used)
	}
	// Deterministic: the same run and item ask the same.
	w1, err := g.gen.prepare(g.Ctx, run, "new-000003")
	if err != nil {
		t.Fatal(err)
	}
	w2, _ := g.gen.prepare(g.Ctx, run, "new-000003")
	if w1.messages[0].Content != w2.messages[0].Content {
		t.Fatal("the same item asked differently")
	}
}

// A database whose tables vanish mid-run fails the run with a clear reason; what earlier items
// generated is kept.
func TestGenerate_DatabaseDroppedMidRunFailsTheRunAndKeepsItems(t *testing.T) {
	t.Parallel()
	g := newGenFixture(t, llm.Settings{})
	var once sync.Once
	g.model.Respond(func(req openai.ChatCompletionRequest) llmtest.Reply {
		kind, text := promptKind(req)
		switch kind {
		case KindQAGen:
			if strings.Contains(text, "CREATE TABLE singer") {
				once.Do(func() {
					if _, err := g.St.Pool().Exec(context.Background(), "DROP SCHEMA "+pgx.Identifier{g.db.SchemaName}.Sanitize()+" CASCADE"); err != nil {
						t.Error(err)
					}
				})
				return llmtest.Text(`{"items": [{"question": "Which singers are older than 40?", "sql": "SELECT name FROM singer WHERE age > 40"}]}`)
			}
			return llmtest.Text(`{"items": [{"question": "Which stadiums hold more than 5000 people?", "sql": "SELECT name FROM stadium WHERE capacity > 5000"}]}`)
		case "validate":
			return llmtest.Text(`{"verdicts": [{"item": 1, "answers": true}]}`)
		}
		return answerAgent()
	})
	run := g.execute(t, g.start(t, KindQAGen, Params{DatabaseID: g.db.ID, TablesPerChunk: 1, Concurrency: 1}))
	if run.Status != store.RunFailed || !strings.Contains(run.Error, "concert_singer") || !strings.Contains(run.Error, "is gone") {
		t.Fatalf("run: %+v\n%s", run, g.Log(t, run))
	}
	out := g.generated(t, run.ID)
	if len(out) != 1 || run.Kept != 1 || run.Dropped[DropSQLFailed] != 1 {
		t.Fatalf("kept %v; run %+v", out, run)
	}
	if run.Done >= run.Total {
		t.Fatalf("the remaining items should stay pending: %+v", run)
	}
}

// A run stopped midway (its worker stopped) and finished by another runner stores every item's
// questions exactly once: the origin keys are unique and each item's are there.
func TestGenerate_ResumedByAnotherWorkerWithoutDuplicates(t *testing.T) {
	t.Parallel()
	g := newGenFixture(t, llm.Settings{})
	var answered atomic.Int32
	release := make(chan struct{})
	g.model.Respond(func(req openai.ChatCompletionRequest) llmtest.Reply {
		kind, q := promptKind(req)
		if kind != KindParaphrase {
			return answerAgent()
		}
		if answered.Add(1) > 3 {
			<-release
		}
		return jsonQuestion("List for me: " + q)
	})
	run := g.start(t, KindParaphrase, Params{Concurrency: 2, Annotate: new(bool)})
	ctx, cancel := context.WithCancel(g.Ctx)
	done := make(chan error, 1)
	go func() { done <- g.runner.Execute(ctx, run) }()
	deadline := time.Now().Add(time.Minute)
	for g.Run(t, run).Done < 2 && time.Now().Before(deadline) {
		time.Sleep(20 * time.Millisecond)
	}
	cancel() // the worker stops: its items in progress go back to the queue
	<-done
	close(release)
	if got := g.Run(t, run); got.Done < 2 || got.Done == got.Total {
		t.Fatalf("after the stop: %+v", got)
	}
	// Another process (a fresh runner and generators, nothing shared in memory) finishes the run.
	r2 := wire(g.Fixture, g.models, agent.Options{}, g.log).runner
	pipelinetest.ExecuteWithin(t, r2, run, time.Minute)
	run = g.Run(t, run)
	if run.Status != store.RunSucceeded || run.Done != 6 || run.Kept != 6 {
		t.Fatalf("run: %+v\n%s", run, g.Log(t, run))
	}
	var rows, keys int
	if err := g.St.Pool().QueryRow(g.Ctx, `SELECT count(*), count(DISTINCT origin_key) FROM nlqs WHERE origin->>'run_id' = $1`,
		fmt.Sprint(run.ID)).Scan(&rows, &keys); err != nil {
		t.Fatal(err)
	}
	if rows != 6 || keys != 6 {
		t.Fatalf("%d questions with %d origin keys, want 6 and 6", rows, keys)
	}
}

// Cancel stops a generating run midway, keeping what it finished; resumed, it does the rest once.
func TestGenerate_CancelMidRunThenResume(t *testing.T) {
	t.Parallel()
	g := newGenFixture(t, llm.Settings{})
	g.model.Respond(func(req openai.ChatCompletionRequest) llmtest.Reply {
		kind, q := promptKind(req)
		if kind != KindParaphrase {
			return answerAgent()
		}
		return llmtest.Reply{Content: `{"question": ` + quoteJSON("Please list: "+q) + `}`, Delay: 150 * time.Millisecond}
	})
	run := g.start(t, KindParaphrase, Params{Concurrency: 1, Annotate: new(bool)})
	go func() {
		for g.Run(t, run).Done < 2 {
			time.Sleep(10 * time.Millisecond)
		}
		if _, err := g.St.CancelRun(g.Ctx, store.System, g.Project.ID, run.ID); err != nil {
			t.Error(err)
		}
	}()
	run = g.execute(t, run)
	if run.Status != store.RunCancelled || run.Done < 2 || run.Done >= 6 {
		t.Fatalf("cancelled run: %+v", run)
	}
	if len(g.generated(t, run.ID)) != run.Done {
		t.Fatalf("kept %d questions for %d done items", len(g.generated(t, run.ID)), run.Done)
	}
	if _, err := g.St.ResumeRun(g.Ctx, store.System, g.Project.ID, run.ID, false); err != nil {
		t.Fatal(err)
	}
	run = g.execute(t, run)
	if run.Status != store.RunSucceeded || run.Done != 6 || len(g.generated(t, run.ID)) != 6 {
		t.Fatalf("resumed run: %+v", run)
	}
}

// Table metadata for CSV tables: the model proposes a clean name and a summary per table, kept in
// the item's detail; a lead applies one with the table update (renaming is refused once SQL was
// written against the database).
func TestGenerate_TableMetadataProposesNamesALeadApplies(t *testing.T) {
	t.Parallel()
	g := newGenFixture(t, llm.Settings{})
	dir := t.TempDir()
	csv := filepath.Join(dir, "204_56.csv")
	writeFile(t, csv, "Year,Competition,Venue,Position\n2001,World Championships,Edmonton,3rd\n2003,World Championships,Paris,1st\n")
	sum, err := g.Im.ImportCSV(g.Ctx, store.System, g.Project.ID, []string{csv}, "wtq_tables")
	if err != nil {
		t.Fatal(err)
	}
	g.model.Respond(func(req openai.ChatCompletionRequest) llmtest.Reply {
		if kind, _ := promptKind(req); kind != KindTableMetadata {
			return llmtest.Reply{Fault: llmtest.FaultBadRequest}
		}
		return llmtest.Text("```json\n{\"table_name\": \"Athlete Competition Results\", \"table_summary\": \"An athlete's placings at championships, by year.\"}\n```")
	})
	if _, err := g.gen.Start(g.Ctx, store.System, g.Project.ID, KindTableMetadata, Params{DatabaseID: g.db.ID}); err == nil ||
		!strings.Contains(err.Error(), "CSV") {
		t.Fatalf("a SQLite database's tables: %v", err)
	}
	run := g.execute(t, g.start(t, KindTableMetadata, Params{DatabaseID: sum.Database.ID}))
	if run.Status != store.RunSucceeded || run.Kept != 1 {
		t.Fatalf("run: %+v\n%s", run, g.Log(t, run))
	}
	items, err := g.St.RunItems(g.Ctx, run.ID, 0)
	if err != nil {
		t.Fatal(err)
	}
	var d struct{ Proposal TableProposal }
	if err := json.Unmarshal(items[0].Detail, &d); err != nil || d.Proposal.Name != "athlete_competition_results" || d.Proposal.Table != items[0].Key {
		t.Fatalf("proposal: %s (%v)", items[0].Detail, err)
	}
	tbl, err := g.St.UpdateTable(g.Ctx, store.System, sum.Database, d.Proposal.Table, store.TablePatch{Name: &d.Proposal.Name, Summary: &d.Proposal.Summary})
	if err != nil || tbl.Name != "athlete_competition_results" || tbl.Summary == "" {
		t.Fatalf("applied: %+v, %v", tbl, err)
	}
	if runs, _ := g.St.ListPipelineRuns(g.Ctx, g.Project.ID, agentbatch.Kind, 10); len(runs) != 0 {
		t.Fatalf("table metadata queued an agent batch: %+v", runs)
	}
}

// The preview renders the first item's prompt and stores nothing.
func TestGenerate_PreviewRendersTheFirstPromptAndStoresNothing(t *testing.T) {
	t.Parallel()
	g := newGenFixture(t, llm.Settings{})
	pv, err := g.gen.Preview(g.Ctx, g.Project.ID, KindAugment, Params{Pipeline: KindComplexity, Methods: []string{"reasoning"}})
	if err != nil {
		t.Fatal(err)
	}
	text := pv.Messages[0].Content
	if pv.Items != 6 || pv.Model != llmtest.FakeModel || !strings.HasPrefix(pv.PromptVersion, "complexity-") ||
		!strings.Contains(text, "Add one reasoning step") || !strings.Contains(text, concertSeeds[0].q) || !strings.Contains(text, "CREATE TABLE singer") ||
		!strings.Contains(text, "-- sample rows:") {
		t.Fatalf("preview: %+v\n%s", pv, text)
	}
	pv, err = g.gen.Preview(g.Ctx, g.Project.ID, KindQAGen, Params{DatabaseID: g.db.ID, Num: 7})
	if err != nil || !strings.Contains(pv.Messages[0].Content, "Generate 7 natural language questions") || pv.Items != 2 {
		t.Fatalf("qagen preview: %+v, %v", pv, err)
	}
	if runs, _ := g.St.ListPipelineRuns(g.Ctx, g.Project.ID, "", 10); len(runs) != 0 || g.model.ChatCount() != 0 {
		t.Fatalf("a preview stored runs %v or called the model %d times", runs, g.model.ChatCount())
	}
}

// Parameters are checked field by field.
func TestGenerate_ParamsAreValidatedWithFieldErrors(t *testing.T) {
	t.Parallel()
	g := newGenFixture(t, llm.Settings{})
	cases := []struct {
		name  string
		kind  string
		p     Params
		field string
	}{
		{"unknown pipeline", KindAugment, Params{Pipeline: "poetry"}, "pipeline"},
		{"qagen is not an augmentation", KindAugment, Params{Pipeline: KindQAGen}, "pipeline"},
		{"kind and pipeline disagree", KindParaphrase, Params{Pipeline: KindComplexity}, "pipeline"},
		{"unknown method", KindComplexity, Params{Methods: []string{"imperative"}}, "methods"},
		{"n out of range", KindParaphrase, Params{N: -1}, "n"},
		{"a stage with no question", KindComplexity, Params{FromStage: "nothing-here"}, "from_stage"},
		{"same stage in and out", KindComplexity, Params{Stage: "human-seed"}, "stage"},
		{"qagen without a database", KindQAGen, Params{}, "database_id"},
		{"qagen on an unknown database", KindQAGen, Params{DatabaseID: 999999}, "database_id"},
		{"too many questions per chunk", KindQAGen, Params{DatabaseID: g.db.ID, Num: 51}, "num"},
		{"threshold", KindSemantic, Params{NearDuplicate: 0.2}, "near_duplicate"},
		{"concurrency", KindSemantic, Params{Concurrency: 65}, "concurrency"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, err := g.gen.Start(g.Ctx, store.System, g.Project.ID, c.kind, c.p)
			var ve *store.ValidationError
			if !errors.As(err, &ve) || ve.Fields[c.field] == "" {
				t.Fatalf("got %v, want a field error on %s", err, c.field)
			}
		})
	}
}

// When a metrics holder is set, a generating run that kept questions recomputes the project's
// metrics, linked to the run.
func TestGenerate_RunEndRecomputesMetrics(t *testing.T) {
	t.Parallel()
	g := newGenFixture(t, llm.Settings{})
	m := measure.New(g.St, g.models, g.runner, g.log)
	g.gen = New(g.St, g.Exec, g.models, schemas.New(g.St, g.Exec), g.runner, m)
	for _, k := range slices.Concat(g.gen.Kinds(), m.Kinds()) {
		g.runner.Register(k)
	}
	g.model.Respond(func(req openai.ChatCompletionRequest) llmtest.Reply {
		_, q := promptKind(req)
		return jsonQuestion("Please list: " + q)
	})
	run := g.execute(t, g.start(t, KindParaphrase, Params{N: 2, Annotate: new(bool)}))
	var n int
	if err := g.St.Pool().QueryRow(g.Ctx, `SELECT count(*) FROM metric_runs WHERE pipeline_run_id = $1 AND trigger = $2`, run.ID, store.MetricsPipeline).Scan(&n); err != nil {
		t.Fatal(err)
	}
	if n != 1 {
		t.Fatalf("%d metric runs for run %d\n%s", n, run.ID, g.Log(t, run))
	}
}

func writeFile(t *testing.T, path, content string) {
	t.Helper()
	if err := os.WriteFile(path, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
}
