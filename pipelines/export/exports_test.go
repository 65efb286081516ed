package export

import (
	"bytes"
	"crypto/sha256"
	"encoding/csv"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"runtime"
	"strings"
	"testing"

	"github.com/goldset/goldset/pipelines/golden"
	"github.com/goldset/goldset/pipelines/golden/goldentest"
	"github.com/goldset/goldset/pipelines/pipelinetest"
	"github.com/goldset/goldset/store"
	"github.com/goldset/goldset/store/storetest"
)

// exportSet is a project with a real imported database and a snapshot of n accepted questions on it.
func TestMain(m *testing.M) { storetest.Main(m) }

type exportSet struct {
	*pipelinetest.Fixture
	x     *Exports
	snap  store.Snapshot
	pairs []store.SnapshotPair
}

func newExportSet(t *testing.T, n int) *exportSet {
	t.Helper()
	f := pipelinetest.New(t)
	imported := f.ImportCSVText(t, "singers", "singer.csv", "id,name,country\n1,Liliane,France\n2,Christy,United States\n3,Ann,\"Ireland, \"\"West\"\"\"\n")
	for i := range n {
		var nlq, cand int64
		if err := f.St.Pool().QueryRow(f.Ctx, `INSERT INTO nlqs (project_id, database_id, question, status) VALUES ($1, $2, $3, 'accepted')
			RETURNING id`, f.Project.ID, imported.Database.ID, fmt.Sprintf("Who is singer number %d, \"quoted\"?", i%3+1)).Scan(&nlq); err != nil {
			t.Fatal(err)
		}
		sql := fmt.Sprintf("SELECT name FROM singer WHERE id = %d AND %d < 1000", i%3+1, i)
		if err := f.St.Pool().QueryRow(f.Ctx, `INSERT INTO sql_candidates (nlq_id, source, sql, result_fingerprint) VALUES ($1, 'human', $2, 'fp')
			RETURNING id`, nlq, sql).Scan(&cand); err != nil {
			t.Fatal(err)
		}
		if _, err := f.St.Pool().Exec(f.Ctx, `UPDATE nlqs SET gold_candidate_id = $2 WHERE id = $1`, nlq, cand); err != nil {
			t.Fatal(err)
		}
	}
	snap, pairs := goldentest.CutWithPairs(t, f, golden.SnapshotParams{Name: "gold", Seed: 1})
	return &exportSet{Fixture: f, x: &Exports{Store: f.St, Exec: f.Im.Exec}, snap: snap, pairs: pairs}
}

func (s *exportSet) export(t *testing.T, format, split string) ([]byte, store.Export) {
	t.Helper()
	var b bytes.Buffer
	rec, err := s.x.Export(s.Ctx, store.System, s.Project.ID, s.snap.ID, ExportParams{Format: format, Split: split}, &b)
	if err != nil {
		t.Fatal(err)
	}
	return b.Bytes(), rec
}

// jsonLines decodes each line of a JSONL file on its own, as line-oriented readers do.
func jsonLines[T any](t *testing.T, b []byte) []T {
	t.Helper()
	var out []T
	for i, line := range strings.Split(strings.TrimSuffix(string(b), "\n"), "\n") {
		var v T
		if err := json.Unmarshal([]byte(line), &v); err != nil {
			t.Fatalf("line %d: %v: %s", i+1, err, line)
		}
		out = append(out, v)
	}
	return out
}

func TestExports_EveryFormatParsesWithStandardReadersAndIsRecordedWithItsHash(t *testing.T) {
	t.Parallel()
	s := newExportSet(t, 30)
	want := map[string]int{golden.SplitAll: len(s.pairs)}
	bySQL := map[string]store.SnapshotPair{}
	for _, p := range s.pairs {
		want[p.Split]++
		bySQL[p.SQL] = p
	}
	check := func(t *testing.T, b []byte, rec store.Export, format, split string, rows int) {
		t.Helper()
		sum := sha256.Sum256(b)
		if rows != want[split] || rec.Rows != rows || rec.Status != "done" || rec.SHA256 != hex.EncodeToString(sum[:]) ||
			rec.Bytes != int64(len(b)) || rec.Format != format || rec.Split != split {
			t.Fatalf("%d rows, want %d; record %+v", rows, want[split], rec)
		}
	}
	for _, split := range []string{golden.SplitAll, golden.SplitTrain, golden.SplitTest} {
		t.Run("openai/"+split, func(t *testing.T) {
			b, rec := s.export(t, FormatOpenAI, split)
			rows := jsonLines[struct {
				Messages []chatMessage `json:"messages"`
			}](t, b)
			check(t, b, rec, FormatOpenAI, split, len(rows))
			m := rows[0].Messages
			if len(m) != 3 || m[0].Role != "system" || m[1].Role != "user" || m[2].Role != "assistant" ||
				!strings.Contains(m[0].Content, "CREATE TABLE singer (") || !strings.Contains(m[0].Content, "'Liliane'") ||
				bySQL[m[2].Content].Question != m[1].Content {
				t.Fatalf("messages %+v", m)
			}
		})
		t.Run("trl/"+split, func(t *testing.T) {
			b, rec := s.export(t, FormatTRL, split)
			rows := jsonLines[trlRow](t, b)
			check(t, b, rec, FormatTRL, split, len(rows))
			if r := rows[0]; !strings.Contains(r.Prompt, "CREATE TABLE") || !strings.Contains(r.Prompt, bySQL[r.Completion].Question) {
				t.Fatalf("row %+v", r)
			}
		})
		t.Run("alpaca/"+split, func(t *testing.T) {
			b, rec := s.export(t, FormatAlpaca, split)
			var rows []alpacaRow
			if err := json.Unmarshal(b, &rows); err != nil {
				t.Fatalf("%v: %s", err, b)
			}
			check(t, b, rec, FormatAlpaca, split, len(rows))
			if r := rows[0]; !strings.Contains(r.Instruction, "CREATE TABLE") || bySQL[r.Output].Question != r.Input {
				t.Fatalf("row %+v", r)
			}
		})
		t.Run("eval_csv/"+split, func(t *testing.T) {
			b, rec := s.export(t, FormatEvalCSV, split)
			recs, err := csv.NewReader(bytes.NewReader(b)).ReadAll()
			if err != nil {
				t.Fatal(err)
			}
			if strings.Join(recs[0], ",") != "input,sql,target" {
				t.Fatalf("header %v", recs[0])
			}
			check(t, b, rec, FormatEvalCSV, split, len(recs)-1)
			names := map[string]string{"1": "Liliane", "2": "Christy", "3": "Ann"}
			for _, r := range recs[1:] {
				id := strings.Fields(r[1])[7]
				var target [][]string
				if err := json.Unmarshal([]byte(r[2]), &target); err != nil || len(target) != 1 || target[0][0] != names[id] ||
					bySQL[r[1]].Question != r[0] {
					t.Fatalf("row %q: target %v (%v)", r, target, err)
				}
			}
		})
		t.Run("eval_jsonl/"+split, func(t *testing.T) {
			b, rec := s.export(t, FormatEvalJSONL, split)
			rows := jsonLines[map[string]string](t, b)
			check(t, b, rec, FormatEvalJSONL, split, len(rows))
			for _, r := range rows {
				p := bySQL[r["sql"]]
				if len(r) != 5 || r["db_id"] != "singers" || r["question"] != p.Question || r["result_fingerprint"] != "fp" || r["hardness"] != p.Hardness {
					t.Fatalf("row %v, pair %+v", r, p)
				}
			}
		})
	}
	list, err := s.St.ListExports(s.Ctx, s.Project.ID)
	if err != nil || len(list) != 15 {
		t.Fatalf("%d exports recorded (%v), want 15", len(list), err)
	}
}

func TestExports_UnknownFormatOrSplitIsAValidationError(t *testing.T) {
	t.Parallel()
	for _, p := range []ExportParams{{Format: "parquet"}, {Format: FormatOpenAI, Split: "dev"}} {
		var ve *store.ValidationError
		if err := p.Validate(); !errors.As(err, &ve) {
			t.Errorf("%+v: %v, want a validation error", p, err)
		}
	}
}

// failAfter accepts n bytes, then fails, as a client that went away.
type failAfter struct{ n int }

func (w *failAfter) Write(b []byte) (int, error) {
	if len(b) > w.n {
		k := w.n
		w.n = 0
		return k, errors.New("connection reset")
	}
	w.n -= len(b)
	return len(b), nil
}

func TestExports_InterruptedExportIsRecordedAsFailed(t *testing.T) {
	t.Parallel()
	f := pipelinetest.New(t)
	snap := syntheticSnapshot(t, f, 5000, 0)
	x := &Exports{Store: f.St}
	rec, err := x.Export(f.Ctx, store.System, f.Project.ID, snap, ExportParams{Format: FormatEvalJSONL}, &failAfter{n: 100_000})
	if err == nil || rec.Status != "failed" || !strings.Contains(rec.Error, "connection reset") || rec.Bytes != 100_000 || rec.FinishedAt == nil {
		t.Fatalf("err %v, record %+v", err, rec)
	}
}

// syntheticSnapshot inserts a snapshot of n pairs straight into the tables, without a database,
// each question padded by pad bytes.
func syntheticSnapshot(t testing.TB, f *pipelinetest.Fixture, n, pad int) int64 {
	t.Helper()
	var id int64
	if err := f.St.Pool().QueryRow(f.Ctx, `INSERT INTO snapshots (project_id, name, params, content_hash, pairs, manifest)
		VALUES ($1, 'synthetic', '{}', 'synthetic', $2, '{}') RETURNING id`, f.Project.ID, n).Scan(&id); err != nil {
		t.Fatal(err)
	}
	if _, err := f.St.Pool().Exec(f.Ctx, `INSERT INTO snapshot_pairs (snapshot_id, nlq_id, candidate_id, split, stage, question, sql,
			database_name, result_fingerprint, hardness)
		SELECT $1, g, g, (ARRAY['train','train','train','train','train','train','train','train','val','test'])[g % 10 + 1], 'human-seed',
			'How many singers come from country ' || g || '? ' || repeat('x', $3), 'SELECT count(*) FROM singer WHERE country_id = ' || g,
			'concert_singer', md5(g::text), 'easy'
		FROM generate_series(1, $2::int) g`, id, n, pad); err != nil {
		t.Fatal(err)
	}
	return id
}

// peakHeap samples the heap every so many writes, as the export streams through it.
type peakHeap struct {
	writes int
	peak   uint64
}

func (w *peakHeap) Write(b []byte) (int, error) {
	if w.writes++; w.writes%64 == 0 {
		var m runtime.MemStats
		runtime.ReadMemStats(&m)
		w.peak = max(w.peak, m.HeapAlloc)
	}
	return len(b), nil
}

// 50,000 pairs of 2 KB questions are a 100 MB file; the heap must not grow with it. Not parallel:
// the heap it measures is the whole process's.
func TestExports_StreamInConstantMemory(t *testing.T) {
	if testing.Short() {
		t.Skip("inserts 50,000 pairs")
	}
	f := pipelinetest.New(t)
	snap := syntheticSnapshot(t, f, 50_000, 2000)
	x := &Exports{Store: f.St}
	for _, format := range []string{FormatOpenAI, FormatAlpaca, FormatEvalJSONL} {
		runtime.GC()
		var before runtime.MemStats
		runtime.ReadMemStats(&before)
		w := &peakHeap{peak: before.HeapAlloc}
		rec, err := x.Export(f.Ctx, store.System, f.Project.ID, snap, ExportParams{Format: format}, io.MultiWriter(io.Discard, w))
		if err != nil {
			t.Fatal(err)
		}
		growth := int64(w.peak) - int64(before.HeapAlloc)
		t.Logf("%s: %d rows, %d MB written, heap growth %.1f MB", format, rec.Rows, rec.Bytes>>20, float64(growth)/(1<<20))
		if rec.Rows != 50_000 || rec.Bytes < 100<<20 {
			t.Fatalf("record %+v", rec)
		}
		if growth > 50<<20 {
			t.Errorf("%s: heap grew by %d MB while streaming", format, growth>>20)
		}
	}
}

// peakRSS is the process's resident-set high-water mark (VmHWM), in MB; 0 where /proc is absent.
func peakRSS() float64 {
	b, err := os.ReadFile("/proc/self/status")
	if err != nil {
		return 0
	}
	for _, line := range strings.Split(string(b), "\n") {
		if f := strings.Fields(line); len(f) == 3 && f[0] == "VmHWM:" {
			var kb float64
			fmt.Sscan(f[1], &kb)
			return kb / 1024
		}
	}
	return 0
}

// BenchmarkExportJSONL exports a snapshot of 1,000,000 pairs (target: ≤ 15 s, ≤ 200 MB
// peak RSS). Run alone, so the peak is the export's:
//
//	go test -run '^$' -bench BenchmarkExportJSONL -benchtime 1x ./pipelines
func BenchmarkExportJSONL(b *testing.B) {
	f := pipelinetest.New(b)
	pairs := 1_000_000
	if benchSmoke() {
		pairs = 2_000
	}
	snap := syntheticSnapshot(b, f, pairs, 0)
	x := &Exports{Store: f.St}
	for _, format := range []string{FormatEvalJSONL, FormatOpenAI} {
		b.Run(format, func(b *testing.B) {
			var rec store.Export
			for b.Loop() {
				var err error
				if rec, err = x.Export(f.Ctx, store.System, f.Project.ID, snap, ExportParams{Format: format}, io.Discard); err != nil {
					b.Fatal(err)
				}
			}
			if rec.Rows != pairs {
				b.Fatalf("%d rows", rec.Rows)
			}
			b.ReportMetric(float64(rec.Bytes)/(1<<20), "MB-written")
			b.ReportMetric(peakRSS(), "peak-RSS-MB")
		})
	}
}

// benchSmoke: benchmarks run once at a tiny size (GOLDSET_BENCH_SMOKE=1, as make test runs them),
// so a change that breaks one turns the build red.
func benchSmoke() bool { return os.Getenv("GOLDSET_BENCH_SMOKE") != "" }
