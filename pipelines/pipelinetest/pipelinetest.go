package pipelinetest

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/goldset/goldset/llm"
	"github.com/goldset/goldset/llm/llmconf"
	"github.com/goldset/goldset/llm/llmtest"
	"github.com/goldset/goldset/pipelines/ingest"
	"github.com/goldset/goldset/pipelines/ingest/bird"
	"github.com/goldset/goldset/pipelines/ingest/spider"
	"github.com/goldset/goldset/pipelines/runs"
	"github.com/goldset/goldset/sqlexec"
	"github.com/goldset/goldset/store"
	"github.com/goldset/goldset/store/storetest"
)

// SharedData is the folder of shared data sets (Spider, WikiTableQuestions, …) beside the repository.
var SharedData = func() string {
	_, file, _, _ := runtime.Caller(0)
	return filepath.Join(filepath.Dir(file), "..", "..", "..", "shared", "data")
}()

// NeedData returns the path of a shared data set, skipping the test when it is absent (failing it
// on CI, which must have it).
func NeedData(t testing.TB, parts ...string) string {
	t.Helper()
	p := filepath.Join(append([]string{SharedData}, parts...)...)
	if _, err := os.Stat(p); err != nil {
		if os.Getenv("CI") != "" {
			t.Fatalf("CI must have the shared data sets (%s): %v", SharedData, err)
		}
		t.Skipf("needs %s: %v", p, err)
	}
	return p
}

// Sample is the path of a part of the repository's own sample dataset (testdata/sample: three
// Spider databases and six WikiTableQuestions tables), which every clone has.
func Sample(parts ...string) string {
	return filepath.Join(append([]string{sampleDir}, parts...)...)
}

var sampleDir = func() string {
	_, file, _, _ := runtime.Caller(0)
	return filepath.Join(filepath.Dir(file), "..", "..", "testdata", "sample")
}()

// BenchData is NeedData for benchmarks: they are skipped without the data, on CI too.
func BenchData(b *testing.B, parts ...string) string {
	p := filepath.Join(append([]string{SharedData}, parts...)...)
	if _, err := os.Stat(p); err != nil {
		b.Skipf("needs %s", p)
	}
	return p
}

// Fixture is a fresh database with a store, the sandbox, an importer and one project.
type Fixture struct {
	Ctx     context.Context
	Im      *ingest.Importer
	St      *store.Store
	Exec    *sqlexec.Executor
	Project store.Project
}

// New makes a Fixture on a database of its own, closed when the test ends.
func New(t testing.TB) *Fixture {
	t.Helper()
	ctx := context.Background()
	st, err := store.Open(ctx, storetest.URL(t), store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	exec, err := sqlexec.NewExecutor(ctx, st.URL(), sqlexec.ExecOptions{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(exec.Close)
	im, err := ingest.NewImporter(ctx, st, exec, nil)
	if err != nil {
		t.Fatal(err)
	}
	p, err := st.CreateProject(ctx, store.System, "imports", "", 0)
	if err != nil {
		t.Fatal(err)
	}
	return &Fixture{Ctx: ctx, Im: im, St: st, Exec: exec, Project: p}
}

// NewSpider makes a Fixture with the shared Spider dev set imported. Without the data set a test
// is skipped (failed on CI) as NeedData does, a benchmark skipped as BenchData does.
func NewSpider(t testing.TB) *Fixture {
	t.Helper()
	var dir string
	if b, ok := t.(*testing.B); ok {
		dir = BenchData(b, "spider")
	} else {
		dir = NeedData(t, "spider")
	}
	f := New(t)
	f.ImportSpider(t, dir)
	return f
}

// ImportSpider imports the Spider-layout folder dir into the project with the default options.
func (f *Fixture) ImportSpider(t testing.TB, dir string) ingest.ImportSummary {
	t.Helper()
	sum, err := f.Im.ImportSpider(f.Ctx, store.System, f.Project.ID, dir, spider.DatasetOptions{})
	if err != nil {
		t.Fatal(err)
	}
	return sum
}

// ImportCSVText imports one CSV file, named file and holding content, as database db of the project.
func (f *Fixture) ImportCSVText(t testing.TB, db, file, content string) ingest.DatabaseSummary {
	t.Helper()
	dir := filepath.Join(t.TempDir(), db)
	if err := os.Mkdir(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, file), []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
	sum, err := f.Im.ImportCSV(f.Ctx, store.System, f.Project.ID, []string{dir}, db)
	if err != nil {
		t.Fatal(err)
	}
	return sum
}

// ImportBIRD imports the BIRD-layout folder dir into the project with the default options.
func (f *Fixture) ImportBIRD(t testing.TB, dir string) ingest.BIRDSummary {
	t.Helper()
	sum, err := f.Im.ImportBIRD(f.Ctx, store.System, f.Project.ID, dir, bird.Options{})
	if err != nil {
		t.Fatal(err)
	}
	return sum
}

// AcceptVerified accepts every question of the project whose imported gold SQL was verified,
// with that gold.
func (f *Fixture) AcceptVerified(t testing.TB) {
	t.Helper()
	if _, err := f.St.Pool().Exec(f.Ctx, `UPDATE nlqs n SET status = 'accepted', gold_candidate_id = c.id
		FROM sql_candidates c WHERE c.nlq_id = n.id AND n.project_id = $1 AND c.verification->>'match' = 'true'`, f.Project.ID); err != nil {
		t.Fatal(err)
	}
}

// Models are the model settings set in force, kept in f's database with a secrets key of the
// test's own.
func (f *Fixture) Models(t testing.TB, set llm.Settings, log *slog.Logger) *llmconf.Models {
	t.Helper()
	models, err := llmconf.NewModels(f.Ctx, f.St, set, filepath.Join(t.TempDir(), "key"), log)
	if err != nil {
		t.Fatal(err)
	}
	return models
}

// FakeModel is the settings of the fake model server's model: its address, a key and its name.
func FakeModel(model *llmtest.Server) llm.Settings {
	return llm.Settings{BaseURL: model.URL, APIKey: "test-key", Model: llmtest.FakeModel}
}

// QuietLog is a logger that writes nowhere, for the components a test wires.
func QuietLog() *slog.Logger { return slog.New(slog.NewTextHandler(io.Discard, nil)) }

// Run is a run as it is now.
func (f *Fixture) Run(t testing.TB, run store.PipelineRun) store.PipelineRun {
	t.Helper()
	r, err := f.St.PipelineRun(f.Ctx, f.Project.ID, run.ID)
	if err != nil {
		t.Fatal(err)
	}
	return r
}

// Log is a run's events, one "level: message" a line.
func (f *Fixture) Log(t testing.TB, run store.PipelineRun) string {
	t.Helper()
	ev, err := f.St.Events(f.Ctx, run.ID, 0, 1000)
	if err != nil {
		t.Fatal(err)
	}
	var b strings.Builder
	for _, e := range ev {
		fmt.Fprintf(&b, "%s: %s\n", e.Level, e.Message)
	}
	return b.String()
}

// ExecuteRun executes the run as ExecuteWithin does and returns it as it is then.
func (f *Fixture) ExecuteRun(t testing.TB, r *runs.Runner, run store.PipelineRun, d time.Duration) store.PipelineRun {
	t.Helper()
	ExecuteWithin(t, r, run, d)
	return f.Run(t, run)
}

// Timed calls work(i) for every i from 0 to n-1 on workers goroutines, each taking the next i until
// none is left or work returns false, and returns the wall time they took: a benchmark's baseline.
func Timed(n, workers int, work func(i int) bool) time.Duration {
	var next atomic.Int64
	var wg sync.WaitGroup
	start := time.Now()
	for range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				i := int(next.Add(1)) - 1
				if i >= n || !work(i) {
					return
				}
			}
		}()
	}
	wg.Wait()
	return time.Since(start)
}

// ExecuteWithin runs r.Execute with a deadline, so a run that never ends fails the test instead of
// hanging it.
func ExecuteWithin(t testing.TB, r *runs.Runner, run store.PipelineRun, d time.Duration) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), d)
	defer cancel()
	if err := r.Execute(ctx, run); err != nil {
		t.Fatalf("execute run %d: %v", run.ID, err)
	}
}
