package measure

import (
	"encoding/json"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/goldset/goldset/llm"
	"github.com/goldset/goldset/llm/llmtest"
	"github.com/goldset/goldset/metrics"
	"github.com/goldset/goldset/pipelines/pipelinetest"
	"github.com/goldset/goldset/pipelines/runs"
	"github.com/goldset/goldset/store"
	"github.com/goldset/goldset/store/storetest"
)

func TestMain(m *testing.M) { storetest.Main(m) }

// The metrics of the Spider dev set, split into two stages: each stage alone and the dataset up to
// it, reproducible from what the run recorded, with the configured embeddings model or the lexical
// fallback, and a failing embeddings endpoint failing the run with its reason.
func TestMetrics_SpiderStagesEmbeddingsAndFailures(t *testing.T) {
	t.Parallel()
	f := pipelinetest.NewSpider(t)
	// The second half of the questions make a later stage.
	if _, err := f.St.Pool().Exec(f.Ctx, `UPDATE nlqs SET stage = '+paraphrase' WHERE project_id = $1
		AND id > (SELECT percentile_disc(0.5) WITHIN GROUP (ORDER BY id) FROM nlqs WHERE project_id = $1)`, f.Project.ID); err != nil {
		t.Fatal(err)
	}
	model := llmtest.New(t)
	log := pipelinetest.QuietLog()
	models := f.Models(t, llm.Settings{BaseURL: model.URL, APIKey: "k", Model: llmtest.FakeModel, EmbeddingModel: "fake-embed"}, log)
	m := &Metrics{Store: f.St, Models: models, Log: log}

	lexical, err := m.Compute(f.Ctx, store.System, f.Project.ID, store.MetricsCLI, Params{Embedding: "lexical"})
	if err != nil {
		t.Fatal(err)
	}
	if lexical.Status != "succeeded" || lexical.NLQs != 499 || lexical.Embedding != metrics.LexicalModel || len(lexical.Results) != 4 {
		t.Fatalf("lexical run: %+v", lexical)
	}
	reports := map[string]metrics.Report{}
	for _, r := range lexical.Results {
		var rep metrics.Report
		if err := json.Unmarshal(r.Report, &rep); err != nil {
			t.Fatal(err)
		}
		key := r.Stage
		if r.Cumulative {
			key += "+"
		}
		reports[key] = rep
	}
	seed, par, upToPar := reports["human-seed"], reports["+paraphrase"], reports["+paraphrase+"]
	if seed.NLQs+par.NLQs != 499 || upToPar.NLQs != 499 || reports["human-seed+"].NLQs != seed.NLQs {
		t.Fatalf("stage sizes: seed %d, +paraphrase %d, up to +paraphrase %d", seed.NLQs, par.NLQs, upToPar.NLQs)
	}
	h := upToPar.Hardness
	if h.Unparsed != 0 || h.Easy+h.Medium+h.Hard+h.Extra != 499 || upToPar.TablesTotal != 36 || upToPar.WithoutSQL != 0 {
		t.Fatalf("whole set: hardness %+v, tables %d/%d, without SQL %d", h, upToPar.TablesUsed, upToPar.TablesTotal, upToPar.WithoutSQL)
	}
	if upToPar.TablesUsed < seed.TablesUsed || upToPar.UniquePatterns < seed.UniquePatterns || upToPar.MeanCosine <= 0 {
		t.Fatalf("the dataset up to a stage covers at least its first stage: %+v vs %+v", upToPar, seed)
	}
	again, err := m.Compute(f.Ctx, store.System, f.Project.ID, store.MetricsCLI, Params{Embedding: "lexical"})
	if err != nil {
		t.Fatal(err)
	}
	if again.InputsHash != lexical.InputsHash || string(again.Results[3].Report) != string(lexical.Results[3].Report) {
		t.Fatal("the same inputs gave other figures")
	}

	embedded, err := m.Compute(f.Ctx, store.System, f.Project.ID, store.MetricsCLI, Params{Stage: "+paraphrase"})
	if err != nil {
		t.Fatal(err)
	}
	if embedded.Embedding != "fake-embed" || len(embedded.Results) != 1 || embedded.NLQs != par.NLQs || model.EmbedCount() == 0 {
		t.Fatalf("one stage with the embeddings model: %+v (embedding requests %d)", embedded, model.EmbedCount())
	}
	if embedded.InputsHash == lexical.InputsHash {
		t.Fatal("the inputs hash ignores the embedding model or the stage")
	}

	model.EmbedFault(llmtest.FaultUnauthorized)
	failed, err := m.Compute(f.Ctx, store.System, f.Project.ID, store.MetricsCLI, Params{})
	if err == nil || !strings.Contains(err.Error(), "fake-embed") {
		t.Fatalf("a failing embeddings endpoint: %v", err)
	}
	runs, err := f.St.ListMetricRuns(f.Ctx, f.Project.ID, 10)
	if err != nil || runs[0].ID != failed.ID || runs[0].Status != "failed" || !strings.Contains(runs[0].Error, "lexical fallback") {
		t.Fatalf("the failed run: %+v %v", runs[0], err)
	}
	latest, err := f.St.MetricRunResults(f.Ctx, f.Project.ID, 0)
	if err != nil || latest.ID != embedded.ID {
		t.Fatalf("the latest good run: %+v %v", latest, err)
	}
}

// A computation is a "metrics" run of one item, listed with the project's runs: a second one asked
// for while it runs is refused, and once it has finished the next may start.
func TestMetrics_StartQueuesOneRunPerProject(t *testing.T) {
	t.Parallel()
	f := pipelinetest.New(t)
	f.ImportCSVText(t, "singers", "singer.csv", "name,country\nLiliane,France\n")
	log := pipelinetest.QuietLog()
	runner := runs.NewRunner(f.St, log)
	m := New(f.St, nil, runner, log)
	for _, k := range m.Kinds() {
		runner.Register(k)
	}
	started, err := m.Start(f.Ctx, store.System, f.Project.ID, store.MetricsManual, nil, Params{Embedding: "lexical"})
	if err != nil || started.Status != "running" {
		t.Fatalf("start: %+v %v", started, err)
	}
	if _, err := m.Start(f.Ctx, store.System, f.Project.ID, store.MetricsManual, nil, Params{}); !errors.Is(err, store.ErrConflict) {
		t.Fatalf("a second start while one runs: %v", err)
	}
	list, err := f.St.ListPipelineRuns(f.Ctx, f.Project.ID, Kind, 10)
	if err != nil || len(list) != 1 || list[0].Total != 1 {
		t.Fatalf("runs: %+v %v", list, err)
	}
	pipelinetest.ExecuteWithin(t, runner, list[0], time.Minute)
	if got := f.Run(t, list[0]); got.Status != store.RunSucceeded {
		t.Fatalf("run: %+v\n%s", got, f.Log(t, list[0]))
	}
	done, err := f.St.MetricRunResults(f.Ctx, f.Project.ID, started.ID)
	if err != nil || done.Status != "succeeded" || done.Embedding != metrics.LexicalModel {
		t.Fatalf("metric run: %+v %v", done, err)
	}
	if _, err := m.Start(f.Ctx, store.System, f.Project.ID, store.MetricsManual, nil, Params{}); err != nil {
		t.Fatalf("a start after the last one finished: %v", err)
	}
}
