package server

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
	"testing/fstest"

	"github.com/goldset/goldset/llm"
	"github.com/goldset/goldset/llm/llmconf"
	"github.com/goldset/goldset/llm/llmtest"
	"github.com/goldset/goldset/pipelines/agentbatch"
	"github.com/goldset/goldset/pipelines/ingest"
	"github.com/goldset/goldset/pipelines/runs"

	"github.com/goldset/goldset/sqlexec"
	"github.com/goldset/goldset/store"
	"github.com/goldset/goldset/store/storetest"
	"github.com/jackc/pgx/v5"
	"github.com/sashabaranov/go-openai"
)

var storeSystem = store.System

func TestMain(m *testing.M) { storetest.Main(m) }

// testPassword is every fixture user's password.
const testPassword = "correct horse battery"

var seq atomic.Int64

func unique(prefix string) string { return fmt.Sprintf("%s-%d", prefix, seq.Add(1)) }

// fixtureUser is a signed-up user with an API token and a browser session.
type fixtureUser struct {
	store.User
	token   string
	session string
	csrf    string
}

// env is a server on its own fresh database, with one project and a user for each role.
type env struct {
	t        *testing.T
	ctx      context.Context
	store    *store.Store
	srv      *Server
	project  store.Project
	database store.Database          // a small imported CSV table "singer" in project
	llm      *llmtest.Server         // the fake model the project's agent talks to
	users    map[string]*fixtureUser // "admin", "lead", "reviewer", "annotator", "outsider"

	// projectAPI and databaseAPI are the API paths of project and database, which most of a test's
	// requests start with.
	projectAPI, databaseAPI string
}

// singersCSV is the fixture target table: a header with an original name, numbers with thousand
// separators and an empty cell.
const singersCSV = "Singer ID,Name,Net Worth (millions),Country\n1,Liliane,\"30,000\",France\n2,Christy,28.8,United States\n3,Alice,,United States\n"

func newEnv(t *testing.T, mods ...func(*Config)) *env {
	t.Helper()
	ctx := context.Background()
	st, err := store.Open(ctx, storetest.URL(t), store.Options{})
	noError(t, err)
	t.Cleanup(func() { st.Close() })
	cfg := Config{
		Version: "test",
		Logger:  slog.New(slog.NewTextHandler(io.Discard, nil)),
		UI: fstest.MapFS{
			"index.html":    {Data: []byte("<!doctype html><title>Goldset</title><div id=root></div>")},
			"assets/app.js": {Data: []byte("console.log('goldset')")},
		},
	}
	for _, m := range mods {
		m(&cfg)
	}
	e := &env{t: t, ctx: ctx, store: st, users: map[string]*fixtureUser{}}
	e.users["admin"] = e.newUser("admin", true)
	for _, r := range []string{"lead", "reviewer", "annotator", "outsider"} {
		e.users[r] = e.newUser(r, false)
	}
	e.project, err = st.CreateProject(ctx, store.System, unique("Project"), "fixture", e.users["lead"].ID)
	noError(t, err)
	for _, r := range []string{"reviewer", "annotator"} {
		if _, err := st.AddMember(ctx, store.System, e.project.ID, e.users[r].Email, r); err != nil {
			t.Fatal(err)
		}
	}
	cfg.Exec, cfg.Importer = sandboxTools(t, st)
	if cfg.Models == nil {
		// A fake model that answers every question at once; batches stay queued unless a test runs them.
		e.llm = llmtest.New(t)
		e.llm.Respond(func(req openai.ChatCompletionRequest) llmtest.Reply {
			if strings.Contains(llmtest.FirstUserMessage(req), "recurring causes") { // a guideline proposal
				return llmtest.Text(proposalReply)
			}
			return llmtest.Call("give_final_answer", map[string]string{"sql": "SELECT count(*) FROM singer", "explanation": "counts the singers"})
		})
		wire(t, st, &cfg, llm.Settings{BaseURL: e.llm.URL, APIKey: "test-key", Model: llmtest.FakeModel}, false)
	}
	csvPath := filepath.Join(t.TempDir(), "singer.csv")
	noError(t, os.WriteFile(csvPath, []byte(singersCSV), 0o644))
	imported, err := cfg.Importer.ImportCSV(ctx, store.System, e.project.ID, []string{csvPath}, "singers")
	noError(t, err)
	e.database = imported.Database
	e.projectAPI = fmt.Sprintf("/api/v1/projects/%d", e.project.ID)
	e.databaseAPI = fmt.Sprintf("%s/databases/%d", e.projectAPI, e.database.ID)
	e.srv, err = New(ctx, st, cfg)
	noError(t, err)
	return e
}

// proposalReply is the fake model's guideline proposal: the current rule kept, one rule added.
const proposalReply = "```json\n" + `{"summary": "Annotators and the agent disagree on how to count.", "causes": [{"cause": "count vs count distinct", "count": 1, "explanation": "duplicates", "rule": "R1"}], "markdown": "# Guidelines\n\n## R1: Count rows\nUse count(*).\n\n## R: Say DISTINCT when the question says different\nUse count(DISTINCT x)."}` + "\n```"

// disagreement records an agent-vs-human disagreement about the fixture database, in the review queue.
func (e *env) disagreement(t *testing.T) {
	t.Helper()
	e.nlq(t)
	ctx := e.ctx
	var nlq, a, b int64
	noError(t, e.store.Pool().QueryRow(ctx, `SELECT max(id) FROM nlqs WHERE project_id = $1`, e.project.ID).Scan(&nlq))
	e.store.Pool().QueryRow(ctx, `INSERT INTO sql_candidates (nlq_id, source, sql) VALUES ($1, 'agent', 'SELECT count(*) FROM singer') RETURNING id`, nlq).Scan(&a)
	e.store.Pool().QueryRow(ctx, `INSERT INTO sql_candidates (nlq_id, source, sql) VALUES ($1, 'human', 'SELECT count(DISTINCT country) FROM singer') RETURNING id`, nlq).Scan(&b)
	if _, err := e.store.Pool().Exec(ctx, `INSERT INTO review_items (project_id, nlq_id, reason, candidate_a, candidate_b) VALUES ($1, $2, 'disagreement', $3, $4)`,
		e.project.ID, nlq, a, b); err != nil {
		t.Fatal(err)
	}
}

// agentRun records a finished agent trajectory about the fixture database (answered, with SQL).
func (e *env) agentRun(t *testing.T) int64 {
	t.Helper()
	r := store.AgentRun{ProjectID: e.project.ID, DatabaseID: e.database.ID, Question: unique("How many singers?")}
	noError(t, e.store.CreateAgentRun(e.ctx, store.System, &r))
	if err := e.store.AddAgentStep(e.ctx, r.ID, store.AgentStep{Index: 0, Kind: "tool", Tool: "give_final_answer", Args: []byte(`{"sql":"SELECT count(*) FROM singer"}`)}); err != nil {
		t.Fatal(err)
	}
	r.Status, r.SQL = "answered", "SELECT count(*) FROM singer"
	noError(t, e.store.FinishAgentRun(e.ctx, &r))
	return r.ID
}

// batch queues an agent batch over a new question; with cancelled it is cancelled at once (finished).
func (e *env) batch(t *testing.T, cancelled bool) int64 {
	t.Helper()
	e.nlq(t)
	run, err := e.srv.cfg.Agents.StartBatch(e.ctx, store.System, e.project.ID, agentbatch.Params{Limit: 1})
	noError(t, err)
	if cancelled {
		if _, err := e.store.CancelRun(e.ctx, store.System, e.project.ID, run.ID); err != nil {
			t.Fatal(err)
		}
	}
	return run.ID
}

// wire fills in the components of cfg after its Exec with Config.Wire, as cmd/goldset's App does: the
// language models (with settings, e.g. a fake server's URL, or none), the schema cache, the runner
// with every run kind, and the components on them. With serve, the runner works in the background
// until the test ends; without, runs stay queued unless a test executes them.
func wire(t testing.TB, st *store.Store, cfg *Config, set llm.Settings, serve bool) {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	t.Cleanup(cancel)
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	m, err := llmconf.NewModels(ctx, st, set, filepath.Join(t.TempDir(), "llm-api-key"), log)
	noError(t, err)
	r := runs.NewRunner(st, log)
	cfg.Wire(st, m, r, log)
	if serve {
		done := make(chan struct{})
		go func() { r.Serve(ctx); close(done) }()
		t.Cleanup(func() { cancel(); <-done })
	}
}

// sandboxTools opens the sandbox on st's database, closed when the test ends, and an importer that
// loads into it: what the server is given to run and import SQL.
func sandboxTools(t testing.TB, st *store.Store) (*sqlexec.Executor, *ingest.Importer) {
	t.Helper()
	ctx := context.Background()
	exec, err := sqlexec.NewExecutor(ctx, st.URL(), sqlexec.ExecOptions{})
	noError(t, err)
	t.Cleanup(exec.Close)
	im, err := ingest.NewImporter(ctx, st, exec, nil)
	noError(t, err)
	return exec, im
}

// inTx runs f in a transaction and commits it; f fails the test itself.
func (e *env) inTx(t *testing.T, f func(tx pgx.Tx)) {
	t.Helper()
	tx, err := e.store.Pool().Begin(e.ctx)
	noError(t, err)
	defer tx.Rollback(e.ctx)
	f(tx)
	noError(t, tx.Commit(e.ctx))
}

// nlq adds a question about the fixture database, with stored SQL and a WikiTableQuestions-style answer.
func (e *env) nlq(t *testing.T) int64 {
	t.Helper()
	dbID := e.database.ID
	n := store.NLQ{ProjectID: e.project.ID, DatabaseID: &dbID, Question: "Who is the richest singer?", TargetValues: []string{"Liliane"}}
	e.inTx(t, func(tx pgx.Tx) {
		if _, err := store.InsertNLQ(e.ctx, tx, store.System, &n); err != nil {
			t.Fatal(err)
		}
		c := store.Candidate{NLQID: n.ID, Source: "import", SQL: "SELECT name FROM singer ORDER BY net_worth_millions DESC NULLS LAST LIMIT 1"}
		noError(t, store.InsertCandidate(e.ctx, tx, store.System, &c))
	})
	return n.ID
}

func (e *env) newUser(name string, admin bool) *fixtureUser {
	e.t.Helper()
	u, err := e.store.CreateUser(e.ctx, store.System, store.NewUser{Email: unique(name) + "@example.com", Name: name, Password: testPassword, IsAdmin: admin})
	if err != nil {
		e.t.Fatal(err)
	}
	_, secret, err := e.store.CreateToken(e.ctx, store.System, u.ID, "test", 0)
	if err != nil {
		e.t.Fatal(err)
	}
	ns, err := e.store.CreateSession(e.ctx, store.System, u, "test", "127.0.0.1")
	if err != nil {
		e.t.Fatal(err)
	}
	return &fixtureUser{User: u, token: secret, session: ns.Secret, csrf: ns.Session.CSRFToken}
}

// scenario is one API request and what must come back.
type scenario struct {
	Name            string
	Method          string
	URL             string
	Body            string
	Headers         map[string]string
	As              string // a fixture user authenticated by token; "" for anonymous
	Cookie          string // a fixture user authenticated by session cookie (with CSRF header unless NoCSRF)
	NoCSRF          bool
	RemoteAddr      string // the client's "ip:port"; httptest's 192.0.2.1:1234 when empty
	ExpectedStatus  int
	ExpectedContent []string
	NotExpected     []string
}

func (e *env) do(sc scenario) *httptest.ResponseRecorder {
	e.t.Helper()
	var body io.Reader
	contentType := "application/json"
	if name, ok := strings.CutPrefix(sc.Body, "multipart:"); ok {
		// A one-file CSV import named name, as the UI sends it.
		var b bytes.Buffer
		w := multipart.NewWriter(&b)
		w.WriteField("kind", "csv")
		w.WriteField("name", name)
		f, _ := w.CreateFormFile("files", name+".csv")
		f.Write([]byte(singersCSV))
		w.Close()
		body, contentType = &b, w.FormDataContentType()
	} else if sc.Body != "" {
		body = strings.NewReader(sc.Body)
	}
	req := httptest.NewRequest(sc.Method, sc.URL, body)
	if sc.Body != "" {
		req.Header.Set("Content-Type", contentType)
	}
	if sc.As != "" {
		req.Header.Set("Authorization", "Bearer "+e.users[sc.As].token)
	}
	if sc.Cookie != "" {
		u := e.users[sc.Cookie]
		req.AddCookie(&http.Cookie{Name: sessionCookie, Value: u.session})
		if !sc.NoCSRF {
			req.Header.Set(csrfHeader, u.csrf)
		}
	}
	for k, v := range sc.Headers {
		req.Header.Set(k, v)
	}
	if sc.RemoteAddr != "" {
		req.RemoteAddr = sc.RemoteAddr
	}
	rec := httptest.NewRecorder()
	e.srv.Handler().ServeHTTP(rec, req)
	return rec
}

func (e *env) run(t *testing.T, scenarios []scenario) {
	for _, sc := range scenarios {
		t.Run(sc.Name, func(t *testing.T) {
			rec := e.do(sc)
			if rec.Code != sc.ExpectedStatus {
				t.Fatalf("%s %s: status %d, want %d; body %s", sc.Method, sc.URL, rec.Code, sc.ExpectedStatus, rec.Body.String())
			}
			for _, want := range sc.ExpectedContent {
				if !strings.Contains(rec.Body.String(), want) {
					t.Errorf("body lacks %q: %s", want, rec.Body.String())
				}
			}
			for _, bad := range sc.NotExpected {
				if strings.Contains(rec.Body.String(), bad) {
					t.Errorf("body has %q: %s", bad, rec.Body.String())
				}
			}
		})
	}
}

// noError fails the test at once on an error that no step of it expects (a fixture's, a setup's).
func noError(t testing.TB, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

func decode[T any](t *testing.T, rec *httptest.ResponseRecorder) T {
	t.Helper()
	var v T
	if err := json.Unmarshal(rec.Body.Bytes(), &v); err != nil {
		t.Fatalf("decode %s: %v", rec.Body.String(), err)
	}
	return v
}

func jsonBody(v any) string {
	var b bytes.Buffer
	_ = json.NewEncoder(&b).Encode(v)
	return b.String()
}
