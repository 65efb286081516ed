package main

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/sashabaranov/go-openai"

	"github.com/goldset/goldset/llm/llmtest"
	"github.com/goldset/goldset/store"
)

// buildGoldset builds this command into a temporary directory, for tests that need real processes.
func buildGoldset(t *testing.T) string {
	t.Helper()
	bin := filepath.Join(t.TempDir(), "goldset")
	cmd := exec.Command("go", "build", "-o", bin, ".")
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	return bin
}

// process is a goldset process started by a test, killed at the end if still running. Its output
// goes straight to a file, which the test reads while the process writes it.
type process struct {
	cmd    *exec.Cmd
	out    string // the file of its stdout and stderr
	exited chan struct{}
	err    error
}

// output is what the process has written so far.
func (p *process) output() string {
	b, _ := os.ReadFile(p.out)
	return string(b)
}

func startProcess(t *testing.T, bin string, args ...string) *process {
	t.Helper()
	out, err := os.Create(filepath.Join(t.TempDir(), "output"))
	if err != nil {
		t.Fatal(err)
	}
	defer out.Close() // the process has its own
	p := &process{cmd: exec.Command(bin, args...), out: out.Name(), exited: make(chan struct{})}
	p.cmd.Stdout, p.cmd.Stderr = out, out // inherits the environment: the fake model's settings
	if err := p.cmd.Start(); err != nil {
		t.Fatal(err)
	}
	go func() { p.err = p.cmd.Wait(); close(p.exited) }()
	t.Cleanup(func() {
		p.cmd.Process.Kill()
		<-p.exited
		if t.Failed() {
			t.Logf("output of goldset %s:\n%s", strings.Join(args, " "), p.output())
		}
	})
	return p
}

// kill sends SIGKILL to the process (no cleanup of any kind) and waits until it has exited.
func (p *process) kill(t *testing.T) {
	t.Helper()
	if err := p.cmd.Process.Kill(); err != nil {
		t.Fatal(err)
	}
	<-p.exited
}

// waitFor polls cond until it holds, failing the test at the deadline or if p exits.
func pollUntil(t *testing.T, what string, d time.Duration, p *process, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(d)
	for !cond() {
		select {
		case <-p.exited:
			t.Fatalf("waiting for %s: the process exited: %v\n%s", what, p.err, p.output())
		default:
		}
		if time.Now().After(deadline) {
			t.Fatalf("waiting for %s: not within %s", what, d)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// gate is for a fake model that answers a number of calls, then holds every further call until the
// gate opens (at the latest when the test ends, before the fake server closes).
type gate struct {
	answer       int32
	release      chan struct{}
	once         sync.Once
	served, held atomic.Int32
}

func newGate(t *testing.T, answer int) *gate {
	g := &gate{answer: int32(answer), release: make(chan struct{})}
	t.Cleanup(g.open)
	return g
}

// pass lets a call through, or holds it until the gate opens.
func (g *gate) pass() {
	if g.served.Add(1) > g.answer {
		g.held.Add(1)
		<-g.release
		g.held.Add(-1)
	}
}

func (g *gate) open() { g.once.Do(func() { close(g.release) }) }

// importCountQuestions imports n questions "How many singers are there? (Q00)", (Q01)… with the
// same gold SQL into project p's singers database.
func importCountQuestions(c *cli, n int) {
	t := c.t
	t.Helper()
	csv := "question,sql\n"
	for i := range n {
		csv += fmt.Sprintf("How many singers are there? (Q%02d),SELECT count(*) FROM singers\n", i)
	}
	qfile := filepath.Join(t.TempDir(), "q.csv")
	if err := os.WriteFile(qfile, []byte(csv), 0o644); err != nil {
		t.Fatal(err)
	}
	c.must("import", "questions", qfile, "--project", "p", "--database", "singers")
}

// openStore opens the store at url for the test to look into; it is closed when the test ends.
func openStore(t *testing.T, url string) *store.Store {
	t.Helper()
	st, err := store.Open(context.Background(), url, store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	return st
}

// runReader reads the run again, as it is now.
func runReader(t *testing.T, st *store.Store, run store.PipelineRun) func() store.PipelineRun {
	return func() store.PipelineRun {
		r, err := st.PipelineRun(context.Background(), run.ProjectID, run.ID)
		if err != nil {
			t.Fatal(err)
		}
		return r
	}
}

// The kill -9 proof: a worker process killed mid-run (some questions done, some waiting on the model)
// loses nothing and repeats nothing. Another worker finishes the run; every question is answered
// exactly once, and only the model calls that had not answered are made again.
func TestWorker_KillNineMidRunLosesAndRepeatsNothing(t *testing.T) {
	const (
		questions   = 20
		answered    = 12 // the model answers this many, then holds every request until released
		concurrency = 4
	)
	c := newSerialCLI(t).withSingers()
	model := modelServer(t)
	hold := newGate(t, answered)
	var (
		mu       sync.Mutex
		requests = map[string]int{} // by question tag
	)
	model.Respond(func(req openai.ChatCompletionRequest) llmtest.Reply {
		q := llmtest.FirstUserMessage(req)
		tag := q[strings.Index(q, "(")+1 : strings.Index(q, ")")]
		mu.Lock()
		requests[tag]++
		mu.Unlock()
		hold.pass()
		return llmtest.Call("give_final_answer", map[string]string{"sql": "SELECT count(*) FROM singers", "explanation": "answer to " + tag + "."})
	})

	importCountQuestions(c, questions)
	out := c.must("run", "agent", "--project", "p", "--concurrency", fmt.Sprint(concurrency), "--detach", "--json")
	var queued struct{ Run store.PipelineRun }
	if err := json.Unmarshal([]byte(out), &queued); err != nil || queued.Run.Total != questions || queued.Run.Status != store.RunQueued {
		t.Fatalf("queued run: %v %s", err, out)
	}
	run := queued.Run

	ctx := context.Background()
	st := openStore(t, c.url)
	reload := runReader(t, st, run)
	bin := buildGoldset(t)
	workerArgs := []string{"worker", "--database-url", c.url, "--workers", "8", "--log-level", "warn"}

	first := startProcess(t, bin, workerArgs...)
	// Kill once the answered questions are recorded and the next ones wait on the model.
	pollUntil(t, "the first answers and the held model calls", 2*time.Minute, first, func() bool {
		return reload().Done == answered && hold.held.Load() == concurrency
	})
	first.kill(t)
	var claimed int
	st.Pool().QueryRow(ctx, `SELECT count(*) FROM pipeline_items WHERE run_id = $1 AND status = 'pending' AND worker_id IS NOT NULL`, run.ID).Scan(&claimed)
	cachedAtKill := cachedTags(t, st)
	if claimed != concurrency || len(cachedAtKill) != answered {
		t.Fatalf("at the kill: %d questions claimed (want %d), %d answers cached (want %d)", claimed, concurrency, len(cachedAtKill), answered)
	}
	hold.open() // from now on the model answers at once

	second := startProcess(t, bin, workerArgs...)
	pollUntil(t, "the run to finish", 2*time.Minute, second, func() bool { return reload().Finished() })

	final := reload()
	if final.Status != store.RunSucceeded || final.Done != questions || final.Succeeded != questions || final.Failed != 0 {
		t.Fatalf("run: %+v", final)
	}
	var candidates, distinct, answeredRuns, leftRunning, nlqs, handedOver int
	pool := st.Pool()
	pool.QueryRow(ctx, `SELECT count(*), count(DISTINCT nlq_id) FROM sql_candidates WHERE pipeline_run_id = $1`, run.ID).Scan(&candidates, &distinct)
	pool.QueryRow(ctx, `SELECT count(*) FILTER (WHERE status = 'answered'), count(*) FILTER (WHERE status = 'running') FROM agent_runs
		WHERE pipeline_run_id = $1`, run.ID).Scan(&answeredRuns, &leftRunning)
	pool.QueryRow(ctx, `SELECT count(*) FROM nlqs WHERE project_id = $1`, run.ProjectID).Scan(&nlqs)
	pool.QueryRow(ctx, `SELECT count(*) FROM pipeline_items WHERE run_id = $1 AND attempts = 2`, run.ID).Scan(&handedOver)
	if candidates != questions || distinct != questions || answeredRuns != questions || leftRunning != 0 || nlqs != questions {
		t.Fatalf("each question must be answered once: %d candidates for %d questions, %d answered trajectories, %d left running, %d questions in the project",
			candidates, distinct, answeredRuns, leftRunning, nlqs)
	}
	if handedOver != concurrency {
		t.Fatalf("%d questions were started twice; want the %d the killed worker had", handedOver, concurrency)
	}
	// Answered calls came back from the cache; only the calls that were held when the worker died
	// were made again.
	mu.Lock()
	defer mu.Unlock()
	again := 0
	for i := range questions {
		tag := fmt.Sprintf("Q%02d", i)
		switch n := requests[tag]; {
		case cachedAtKill[tag] && n != 1:
			t.Errorf("%s was answered before the kill but asked %d times", tag, n)
		case n == 2:
			again++
		case n != 1:
			t.Errorf("%s asked %d times", tag, n)
		}
	}
	if again != concurrency {
		t.Errorf("%d questions asked again, want the %d whose calls were held at the kill", again, concurrency)
	}
	events, _ := st.Events(ctx, run.ID, 0, 100)
	var log strings.Builder
	for _, e := range events {
		log.WriteString(e.Message + "\n")
	}
	if !strings.Contains(log.String(), "the worker processing 4 item(s) stopped; they are handed to other workers") {
		t.Errorf("the run's log does not say what happened:\n%s", log.String())
	}
}

// cachedTags are the questions whose model answer is in the response cache.
func cachedTags(t *testing.T, st *store.Store) map[string]bool {
	t.Helper()
	rows, err := st.Pool().Query(context.Background(), `SELECT convert_from(response, 'UTF8') FROM llm_cache`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	out := map[string]bool{}
	for rows.Next() {
		var body string
		if err := rows.Scan(&body); err != nil {
			t.Fatal(err)
		}
		if i := strings.Index(body, "answer to Q"); i >= 0 {
			out[body[i+len("answer to "):i+len("answer to Q00")]] = true
		}
	}
	return out
}

// SIGTERM stops a worker gracefully: it exits cleanly and deregisters.
func TestWorker_SigtermStopsGracefully(t *testing.T) {
	c := newSerialCLI(t).withSingers()
	fakeModel(t)
	bin := buildGoldset(t)
	st := openStore(t, c.url)
	workers := func() (n int) {
		st.Pool().QueryRow(context.Background(), `SELECT count(*) FROM pipeline_workers`).Scan(&n)
		return n
	}
	w := startProcess(t, bin, "worker", "--database-url", c.url, "--workers", "2")
	pollUntil(t, "the worker to register", time.Minute, w, func() bool { return workers() == 1 })
	if err := w.cmd.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	select {
	case <-w.exited:
		if w.err != nil {
			t.Fatalf("worker exit: %v\n%s", w.err, w.output())
		}
	case <-time.After(time.Minute):
		t.Fatal("the worker did not stop on SIGTERM")
	}
	if n := workers(); n != 0 {
		t.Fatalf("a stopped worker must deregister: %d left", n)
	}
}
