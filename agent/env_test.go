package agent_test

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/sashabaranov/go-openai"

	"github.com/goldset/goldset/agent"
	"github.com/goldset/goldset/llm"
	"github.com/goldset/goldset/llm/llmtest"
	"github.com/goldset/goldset/pipelines/ingest/spider"
	"github.com/goldset/goldset/pipelines/pipelinetest"
	"github.com/goldset/goldset/sqlexec"
	"github.com/goldset/goldset/store"
	"github.com/goldset/goldset/store/storetest"
)

func TestMain(m *testing.M) { storetest.Main(m) }

// spiderDB is a Spider database loaded into its own target schema.
type spiderDB struct {
	db     store.Database
	tables []store.DBTable
	target sqlexec.Target
}

// env is a fresh PostgreSQL database holding Spider databases, and a sandbox executor on it.
type env struct {
	url  string // the platform database, whose role owns the loaded schemas
	exec *sqlexec.Executor
	dbs  map[string]*spiderDB
}

// spiderPath is a Spider database's SQLite file: from the repository's sample when it has it, else
// from the shared data beside the repository (skipping the test, saying so, when that is absent).
func spiderPath(t testing.TB, name string) string {
	t.Helper()
	p := pipelinetest.Sample("spider", "database", name, name+".sqlite")
	if _, err := os.Stat(p); err == nil {
		return p
	}
	return filepath.Join(pipelinetest.NeedData(t, "spider", "database", name), name+".sqlite")
}

// sqliteCache keeps what ReadSQLite made of each file: every test loads the same data.
var sqliteCache sync.Map

func readSpider(t testing.TB, name string) []*sqlexec.TableData {
	t.Helper()
	if v, ok := sqliteCache.Load(name); ok {
		return v.([]*sqlexec.TableData)
	}
	tables, err := spider.ReadSQLite(context.Background(), spiderPath(t, name))
	if err != nil {
		t.Fatal(err)
	}
	sqliteCache.Store(name, tables)
	return tables
}

// newEnv loads the named Spider databases (concert_singer, car_1, ...) with sqlexec.Load, the way
// the importer does, and describes their tables as the store would.
func newEnv(t testing.TB, names ...string) *env {
	t.Helper()
	ctx := context.Background()
	url := storetest.URL(t)
	admin := storetest.Pool(t, url)
	pgdb, err := sqlexec.CurrentDatabase(ctx, admin)
	if err != nil {
		t.Fatal(err)
	}
	e := &env{url: url, dbs: map[string]*spiderDB{}}
	for i, name := range names {
		data := readSpider(t, name)
		target := sqlexec.TargetFor(pgdb, int64(100+i))
		if err := pgx.BeginFunc(ctx, admin, func(tx pgx.Tx) error {
			_, err := sqlexec.Load(ctx, tx, target, data)
			return err
		}); err != nil {
			t.Fatalf("load %s: %v", name, err)
		}
		sd := &spiderDB{target: target, db: store.Database{ID: int64(100 + i), Name: name, Kind: "sqlite", SchemaName: target.Schema, ReaderRole: target.Reader}}
		for pos, td := range data {
			cols, _ := json.Marshal(td.Def.Columns)
			fks, _ := json.Marshal(td.Def.ForeignKeys)
			if td.Def.ForeignKeys == nil {
				fks = []byte("[]")
			}
			sd.tables = append(sd.tables, store.DBTable{
				DatabaseID: sd.db.ID, Position: pos, Name: td.Def.Name, Original: td.Def.Original, Summary: td.Def.Summary,
				RowCount: int64(len(td.Rows)), Columns: cols, PrimaryKey: td.Def.PrimaryKey, ForeignKeys: fks,
			})
		}
		e.dbs[name] = sd
	}
	if e.exec, err = sqlexec.NewExecutor(ctx, url, sqlexec.ExecOptions{}); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(e.exec.Close)
	return e
}

// question asks text about the named database.
func (e *env) question(name, text string) agent.Question {
	d := e.dbs[name]
	return agent.Question{Text: text, Database: d.db, Tables: d.tables}
}

// run runs sql on the named database.
func (e *env) run(name, sql string) *sqlexec.Result {
	return e.exec.Run(context.Background(), e.dbs[name].target, sql)
}

// newClient is an llm client for the fake server, with retries that do not wait long.
func newClient(srv *llmtest.Server) *llm.Client {
	return llm.New(llm.Settings{
		BaseURL: srv.URL, APIKey: "test", Model: llmtest.FakeModel, EmbeddingModel: "fake-embed", MaxRetries: 5,
		Backoff: llm.Backoff{Base: time.Millisecond, Max: 5 * time.Millisecond, RetryAfterMax: 5 * time.Millisecond},
	}, nil, nil, nil)
}

func (e *env) agent(srv *llmtest.Server, opt agent.Options) *agent.Agent {
	return &agent.Agent{LLM: newClient(srv), Exec: e.exec, Options: opt}
}

// concertSinger is an env with the concert_singer database and a fake model server.
func concertSinger(t *testing.T) (*env, *llmtest.Server) {
	t.Helper()
	return newEnv(t, "concert_singer"), llmtest.New(t)
}

// lastMessage is the last message of the model's i-th request (from 0): what it was told last.
func lastMessage(srv *llmtest.Server, i int) openai.ChatCompletionMessage {
	msgs := srv.Requests()[i].Messages
	return msgs[len(msgs)-1]
}

// askFrance asks the agent on srv, with opt, which singers of concert_singer are French.
func (e *env) askFrance(srv *llmtest.Server, opt agent.Options) (agent.Outcome, error) {
	return e.agent(srv, opt).Run(context.Background(), e.question("concert_singer", franceQ), meta, nil)
}

var meta = llm.CallMeta{Purpose: llm.PurposeAgent, RunKind: "agent", ItemKey: "test"}

// stepLog records steps in the order the agent reports them.
type stepLog struct {
	mu    sync.Mutex
	steps []agent.Step
}

func (l *stepLog) Step(_ context.Context, s agent.Step) error {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.steps = append(l.steps, s)
	return nil
}

func (l *stepLog) all() []agent.Step {
	l.mu.Lock()
	defer l.mu.Unlock()
	return append([]agent.Step(nil), l.steps...)
}

// toolSteps lists the tool names of an outcome's tool steps, in order.
func toolSteps(o agent.Outcome) []string {
	var out []string
	for _, s := range o.Steps {
		if s.Kind == agent.StepTool {
			out = append(out, s.Tool)
		}
	}
	return out
}

// lastTool is the last tool step of an outcome.
func lastTool(t *testing.T, o agent.Outcome) agent.Step {
	t.Helper()
	for i := len(o.Steps) - 1; i >= 0; i-- {
		if o.Steps[i].Kind == agent.StepTool {
			return o.Steps[i]
		}
	}
	t.Fatal("no tool step")
	return agent.Step{}
}

type args = map[string]any

func final(sql, explanation string) llmtest.Reply {
	return llmtest.Call("give_final_answer", args{"sql": sql, "explanation": explanation})
}

func query(sql string) llmtest.Reply { return llmtest.Call("run_sql_query", args{"sql": sql}) }

func explore(a args) llmtest.Reply { return llmtest.Call("explore_db", a) }
