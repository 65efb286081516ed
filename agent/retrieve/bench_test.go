package retrieve_test

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/sashabaranov/go-openai"

	"github.com/goldset/goldset/agent"
	"github.com/goldset/goldset/agent/retrieve"
	"github.com/goldset/goldset/llm"
	"github.com/goldset/goldset/llm/llmtest"
	"github.com/goldset/goldset/pipelines/pipelinetest"
	"github.com/goldset/goldset/store"
)

// manyTables writes n CSV tables into a folder: the shared WikiTableQuestions tables again and
// again under new names (each .csv with its .tsv twin, which the reader falls back on).
func manyTables(b *testing.B, n int) string {
	b.Helper()
	src := pipelinetest.BenchData(b, "wtq", "csv")
	var bases []string
	for _, sub := range []string{"200-csv", "201-csv"} {
		files, _ := filepath.Glob(filepath.Join(src, sub, "*.csv"))
		sort.Strings(files)
		bases = append(bases, files...)
	}
	dir := b.TempDir()
	for i := 0; i < n; i++ {
		f := bases[i%len(bases)]
		name := fmt.Sprintf("c%04d_%s_%s", i, filepath.Base(filepath.Dir(f)), strings.TrimSuffix(filepath.Base(f), ".csv"))
		name = strings.ReplaceAll(name, "-", "_")
		for _, ext := range []string{".csv", ".tsv"} {
			copyFile(b, strings.TrimSuffix(f, ".csv")+ext, filepath.Join(dir, name+ext))
		}
	}
	return dir
}

func copyFile(b *testing.B, from, to string) {
	in, err := os.Open(from)
	if err != nil {
		b.Fatal(err)
	}
	defer in.Close()
	out, err := os.Create(to)
	if err != nil {
		b.Fatal(err)
	}
	if _, err := io.Copy(out, in); err != nil {
		b.Fatal(err)
	}
	if err := out.Close(); err != nil {
		b.Fatal(err)
	}
}

// BenchmarkRetrieval2000 imports 2,000 tables with `goldset import csv`'s importer, then measures,
// in the same run:
//
//	build-2000:        building the version's index (reading the text columns' values and indexing
//	                   them) against the import's own time (build/import);
//	first-prompt-2000: the agent's first prompt on that database (median over questions), against the
//	                   baseline that lists every other table's name as the prompt did before.
func BenchmarkRetrieval2000(b *testing.B) {
	const n = 2000
	dir := manyTables(b, n)
	f := pipelinetest.New(b)
	start := time.Now()
	sum, err := f.Im.ImportCSV(f.Ctx, store.System, f.Project.ID, []string{dir}, "many")
	if err != nil {
		b.Fatal(err)
	}
	imported := time.Since(start)
	db := sum.Database
	tables, err := f.St.Tables(f.Ctx, db.ID)
	if err != nil || len(tables) != n {
		b.Fatalf("%d tables: %v", len(tables), err)
	}
	b.Run("build-2000", func(b *testing.B) {
		var stats retrieve.BuildStats
		for i := 0; i < b.N; i++ {
			ixs := retrieve.NewIndexes(f.St.Pool())
			if _, err := ixs.For(f.Ctx, db, tables); err != nil {
				b.Fatal(err)
			}
			stats, _ = ixs.Stats(db.ID)
		}
		per := b.Elapsed() / time.Duration(b.N)
		b.ReportMetric(imported.Seconds(), "import-s")
		b.ReportMetric(per.Seconds(), "build-s")
		b.ReportMetric(stats.ReadValues.Seconds(), "values-s")
		b.ReportMetric(per.Seconds()/imported.Seconds(), "build/import")
		b.ReportMetric(float64(stats.Values), "values")
	})
	b.Run("first-prompt-2000", func(b *testing.B) {
		srv := llmtest.New(b)
		srv.Respond(func(openai.ChatCompletionRequest) llmtest.Reply {
			return llmtest.Call("give_final_answer", map[string]string{"sql": "SELECT 1 AS one", "explanation": "benchmark"})
		})
		client := llm.New(llm.Settings{BaseURL: srv.URL, APIKey: "k", Model: llmtest.FakeModel, MaxRetries: 1}, nil, nil, nil)
		ixs := retrieve.NewIndexes(f.St.Pool())
		questions := benchQuestions(b)
		toolTokens := toolDefTokens(b, srv, client, f, db, tables, ixs)
		measure := func(opts agent.Options) (median, max int) {
			var tokens []int
			for _, q := range questions {
				a := &agent.Agent{LLM: client, Exec: f.Exec, Options: opts, Indexes: ixs}
				out, err := a.Run(f.Ctx, agent.Question{Text: q, Database: db, Tables: tables}, llm.CallMeta{Purpose: llm.PurposeAgent}, nil)
				if err != nil {
					b.Fatal(err)
				}
				tokens = append(tokens, out.FirstPromptTokens+toolTokens)
			}
			sort.Ints(tokens)
			return tokens[len(tokens)/2], tokens[len(tokens)-1]
		}
		var med, most, baseMed int
		for i := 0; i < b.N; i++ {
			med, most = measure(agent.Options{MaxSteps: 2})
			baseMed, _ = measure(agent.Options{MaxSteps: 2, OmittedListChars: 1 << 30, PromptTokens: 1 << 30}) // every other table listed, no budget
		}
		b.ReportMetric(float64(med), "tokens-median")
		b.ReportMetric(float64(most), "tokens-max")
		b.ReportMetric(float64(baseMed), "baseline-tokens-median")
		b.ReportMetric(float64(med)/float64(baseMed), "tokens/baseline")
	})
}

// benchQuestions are the first 30 shared WikiTableQuestions questions.
func benchQuestions(b *testing.B) []string {
	raw, err := os.ReadFile(filepath.Join(pipelinetest.BenchData(b, "wtq"), "questions.tsv"))
	if err != nil {
		b.Fatal(err)
	}
	var out []string
	for i, line := range strings.Split(string(raw), "\n") {
		if i == 0 || line == "" {
			continue
		}
		if cols := strings.Split(line, "\t"); len(cols) > 1 {
			out = append(out, cols[1])
		}
		if len(out) == 30 {
			break
		}
	}
	return out
}

// toolDefTokens is the size of the tools' definitions sent with every request (characters / 4, as
// llmtest counts the messages).
func toolDefTokens(b *testing.B, srv *llmtest.Server, client *llm.Client, f *pipelinetest.Fixture, db store.Database, tables []store.DBTable, ixs *retrieve.Indexes) int {
	a := &agent.Agent{LLM: client, Exec: f.Exec, Options: agent.Options{MaxSteps: 1}, Indexes: ixs}
	if _, err := a.Run(f.Ctx, agent.Question{Text: "warm up", Database: db, Tables: tables}, llm.CallMeta{Purpose: llm.PurposeAgent}, nil); err != nil {
		b.Fatal(err)
	}
	reqs := srv.Requests()
	raw, _ := json.Marshal(reqs[len(reqs)-1].Tools)
	return len(raw) / 4
}

// BenchmarkQuery10000 ranks the tables of a 10,000-table index for each shared WikiTableQuestions
// question (the 83 tables, values included, repeated under new names), as the agent's prompt and
// explore_db's search do; also the same questions against the 83 tables alone.
func BenchmarkQuery10000(b *testing.B) {
	w := importWTQ(b)
	values, err := retrieve.ReadValues(w.f.Ctx, w.f.St.Pool(), w.db.SchemaName, w.tables, 0)
	if err != nil {
		b.Fatal(err)
	}
	const n = 10_000
	big := make([]store.DBTable, n)
	bigValues := make(map[int]retrieve.Values, n)
	for i := range big {
		t := w.tables[i%len(w.tables)]
		t.Position, t.Name = i, fmt.Sprintf("%s_%d", t.Name, i)
		big[i] = t
		bigValues[i] = values[i%len(w.tables)]
	}
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	start := time.Now()
	ix, err := retrieve.Build(big, bigValues)
	if err != nil {
		b.Fatal(err)
	}
	built := time.Since(start)
	runtime.GC()
	runtime.ReadMemStats(&after)
	ctx := context.Background()
	var lat []time.Duration
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		q := w.questions[i%len(w.questions)].text
		t0 := time.Now()
		ix.Select(ctx, retrieve.Request{Question: q, K: 8})
		lat = append(lat, time.Since(t0))
	}
	b.StopTimer()
	sort.Slice(lat, func(i, j int) bool { return lat[i] < lat[j] })
	b.ReportMetric(float64(lat[len(lat)/2].Microseconds())/1000, "ms-median")
	b.ReportMetric(float64(lat[len(lat)*95/100].Microseconds())/1000, "ms-p95")
	b.ReportMetric(built.Seconds(), "index-build-s")
	b.ReportMetric(float64(after.HeapAlloc-before.HeapAlloc)/(1<<20), "index-MiB")
	runtime.KeepAlive(ix)
}

// BenchmarkRecallWithDistractors ranks the 83 WikiTableQuestions tables among the tables of the 72
// shared Spider training databases (one index over all of them, as if one database held them) for
// the 256 questions, lexically at k = 8, against the bare baseline (names and columns, no values)
// in the same run.
func BenchmarkRecallWithDistractors(b *testing.B) {
	w := importWTQ(b)
	ctx := w.f.Ctx
	all := append([]store.DBTable(nil), w.tables...)
	values, err := retrieve.ReadValues(ctx, w.f.St.Pool(), w.db.SchemaName, w.tables, 0)
	if err != nil {
		b.Fatal(err)
	}
	files, _ := filepath.Glob(filepath.Join(pipelinetest.BenchData(b, "spider-train", "database"), "*", "*.sqlite"))
	for _, file := range files {
		sum, err := w.f.Im.ImportSQLite(ctx, store.System, w.f.Project.ID, file, strings.TrimSuffix(filepath.Base(file), ".sqlite"))
		if err != nil {
			b.Logf("skipped %s: %v", filepath.Base(file), err)
			continue
		}
		tables, err := w.f.St.Tables(ctx, sum.Database.ID)
		if err != nil {
			b.Fatal(err)
		}
		vs, err := retrieve.ReadValues(ctx, w.f.St.Pool(), sum.Database.SchemaName, tables, 0)
		if err != nil {
			b.Fatal(err)
		}
		for _, t := range tables {
			v := vs[t.Position]
			t.Position = len(all)
			t.Name = sum.Database.Name + "__" + t.Name
			t.ForeignKeys = nil // their names no longer match; joins are not what is measured here
			all = append(all, t)
			values[t.Position] = v
		}
	}
	ix, err := retrieve.Build(all, values)
	if err != nil {
		b.Fatal(err)
	}
	bare, err := retrieve.Build(all, nil)
	if err != nil {
		b.Fatal(err)
	}
	var found, base int
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		found, base = 0, 0
		for _, q := range w.questions {
			if contains(ix.Select(ctx, retrieve.Request{Question: q.text, K: 8}).Tables, q.table) {
				found++
			}
			if contains(bare.Select(ctx, retrieve.Request{Question: q.text, K: 8}).Tables, q.table) {
				base++
			}
		}
	}
	b.StopTimer()
	n := float64(len(w.questions))
	b.ReportMetric(float64(len(all)), "tables")
	b.ReportMetric(float64(found)/n, "recall@8")
	b.ReportMetric(float64(base)/n, "baseline-recall@8")
	b.ReportMetric(float64(found)/float64(max(base, 1)), "recall/baseline")
}
