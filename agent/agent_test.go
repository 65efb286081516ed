package agent_test

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/sashabaranov/go-openai"

	"github.com/goldset/goldset/agent"
	"github.com/goldset/goldset/agent/retrieve"
	"github.com/goldset/goldset/llm"
	"github.com/goldset/goldset/llm/llmtest"
	"github.com/goldset/goldset/store/storetest"
)

const franceQ = "What are the names of the singers from France?"
const franceSQL = "SELECT name FROM singer WHERE country = 'France' ORDER BY name"

func TestRun_FullLoopWithEveryToolAnswersAndRecordsEachStep(t *testing.T) {
	t.Parallel()
	e, srv := concertSinger(t)
	srv.Script(map[string][]llmtest.Reply{franceQ: {
		{Content: "I need the singer table.", ToolCalls: []openai.ToolCall{llmtest.ToolCall("explore_db", args{"action": "list_tables"})}},
		explore(args{"action": "describe_table", "table": "singer"}),
		explore(args{"action": "find_value", "value": "france"}),
		llmtest.Call("scratchpad", args{"note": "country holds 'France' with a capital F"}),
		query(franceSQL),
		final(franceSQL, "Filters singers by country."),
	}})
	log := &stepLog{}
	out, err := e.agent(srv, agent.Options{}).Run(context.Background(), e.question("concert_singer", franceQ), meta, log)
	if err != nil {
		t.Fatal(err)
	}
	if out.StopReason != agent.StopAnswered || out.SQL != franceSQL || out.Explanation != "Filters singers by country." {
		t.Fatalf("outcome: %s (%s) %q", out.StopReason, out.StopDetail, out.SQL)
	}
	if out.Result == nil || out.Result.RowCount != 4 || len(out.Warnings) != 0 {
		t.Fatalf("result %+v, warnings %+v", out.Result, out.Warnings)
	}
	want := []string{"explore_db", "explore_db", "explore_db", "scratchpad", "run_sql_query", "give_final_answer"}
	if got := toolSteps(out); strings.Join(got, ",") != strings.Join(want, ",") {
		t.Fatalf("tool steps %v, want %v", got, want)
	}
	// Steps alternate model turn, tool call; indexes count up; the recorder saw each, in order.
	rec := log.all()
	if len(rec) != len(out.Steps) || len(rec) != 12 {
		t.Fatalf("recorded %d steps, outcome has %d, want 12", len(rec), len(out.Steps))
	}
	var prompt, completion int
	for i, s := range rec {
		if s.Index != i || s.Kind != out.Steps[i].Kind || s.Tool != out.Steps[i].Tool {
			t.Fatalf("step %d recorded as %+v, outcome has %+v", i, s, out.Steps[i])
		}
		wantKind := agent.StepModel
		if i%2 == 1 {
			wantKind = agent.StepTool
		}
		if s.Kind != wantKind {
			t.Fatalf("step %d is %s, want %s", i, s.Kind, wantKind)
		}
		if s.Kind == agent.StepModel {
			if s.PromptTokens <= 0 || s.CompletionTokens <= 0 || s.Latency <= 0 {
				t.Fatalf("model step %d lacks tokens or latency: %+v", i, s)
			}
			prompt += s.PromptTokens
			completion += s.CompletionTokens
		}
	}
	if prompt != out.PromptTokens || completion != out.CompletionTokens {
		t.Fatalf("tokens %d+%d, steps sum to %d+%d", out.PromptTokens, out.CompletionTokens, prompt, completion)
	}
	if rec[0].Content != "I need the singer table." {
		t.Fatalf("model thought not kept: %q", rec[0].Content)
	}
	for _, c := range []struct {
		step int
		want []string
	}{
		{1, []string{"4 tables", "singer_in_concert", "stadium (9 rows"}},
		{3, []string{"CREATE TABLE singer", "PRIMARY KEY (singer_id)", "Sample rows:", "Joe Sharp"}},
		{5, []string{"singer.country = 'France' (4 rows) — exact match"}},
		{7, []string{"Noted (1 note so far)"}},
		{9, []string{"name", "Justin Brown", "(4 rows)"}},
		{11, []string{"Final answer accepted (4 rows)"}},
	} {
		for _, w := range c.want {
			if !strings.Contains(rec[c.step].Result, w) {
				t.Errorf("step %d (%s) result lacks %q:\n%s", c.step, rec[c.step].Tool, w, rec[c.step].Result)
			}
		}
	}
	if rec[9].SQL != franceSQL || rec[9].SQLResult == nil || rec[9].SQLResult.RowCount != 4 {
		t.Fatalf("run_sql_query step lacks its SQL and result: %+v", rec[9])
	}
	// The model saw each tool's result, answering its call.
	reqs := srv.Requests()
	last := reqs[len(reqs)-1].Messages
	var toolMsgs int
	for _, m := range last {
		if m.Role == openai.ChatMessageRoleTool {
			toolMsgs++
			if m.ToolCallID == "" {
				t.Fatal("tool message without its call id")
			}
		}
	}
	if toolMsgs != 5 {
		t.Fatalf("the last request carries %d tool results, want 5", toolMsgs)
	}
	if out.PromptVersion != agent.PromptVersion || out.Model != llmtest.FakeModel || out.Retrieval != "all" {
		t.Fatalf("outcome metadata: %q %q %q", out.PromptVersion, out.Model, out.Retrieval)
	}
}

func TestRun_WrongSQLIsFixedAfterTheError(t *testing.T) {
	t.Parallel()
	e, srv := concertSinger(t)
	srv.Sequence(
		query("SELECT nme FROM singer WHERE country = 'France'"),
		query(franceSQL),
		final(franceSQL, "names of French singers"),
	)
	out, err := e.askFrance(srv, agent.Options{})
	wantStop(t, out, err, agent.StopAnswered, "")
	bad := out.Steps[1]
	if !strings.Contains(bad.Error, `column "nme" does not exist`) || !strings.HasPrefix(bad.Result, "ERROR: ") {
		t.Fatalf("failed query step: %+v", bad)
	}
	// The error reached the model in the next request.
	if m := lastMessage(srv, 1); m.Role != openai.ChatMessageRoleTool || !strings.Contains(m.Content, "nme") {
		t.Fatalf("the model did not see the error: %+v", m)
	}
}

func TestRun_HallucinatedColumnIsRecoveredThroughDescribeTable(t *testing.T) {
	t.Parallel()
	e, srv := concertSinger(t)
	srv.Sequence(
		final("SELECT singer_name FROM singer WHERE country = 'France' ORDER BY singer_name", "guessed the column"),
		explore(args{"action": "describe_table", "table": "Singer"}),
		final(franceSQL, "the column is name"),
	)
	out, err := e.askFrance(srv, agent.Options{})
	if err != nil || out.StopReason != agent.StopAnswered || out.SQL != franceSQL {
		t.Fatalf("%v: %s (%s) %q", err, out.StopReason, out.StopDetail, out.SQL)
	}
	refused := out.Steps[1]
	if !strings.Contains(refused.Result, "Final answer refused") || !strings.Contains(refused.Error, "singer_name") || refused.SQLResult == nil {
		t.Fatalf("hallucinated final answer: %+v", refused)
	}
	if !strings.Contains(out.Steps[3].Result, "  name text, -- \"Name\"") {
		t.Fatalf("describe_table did not show the real column:\n%s", out.Steps[3].Result)
	}
}

func TestRun_UnknownToolsAndInvalidArgumentsAreExplainedNotFatal(t *testing.T) {
	t.Parallel()
	e, srv := concertSinger(t)
	srv.Sequence(
		llmtest.Call("drop_table", args{"table": "singer"}),
		llmtest.RawToolCall("run_sql_query", `{"sql": "SELECT name FROM singer"`),
		explore(args{"action": "destroy"}),
		llmtest.Call("run_sql_query", args{"sql": "SELECT 1", "timeout": 5}),
		llmtest.Call("run_sql_query", args{"sql": 42}),
		llmtest.Call("give_final_answer", args{"sql": franceSQL}),
		explore(args{"action": "describe_table"}),
		explore(args{"action": "describe_table", "table": "singers_table"}),
		explore(args{"action": "find_value", "value": "x", "table": "singer", "column": "nationality"}),
		final(franceSQL, "ok"),
	)
	out, err := e.askFrance(srv, agent.Options{MaxSteps: 20})
	wantStop(t, out, err, agent.StopAnswered, "")
	wants := []string{
		"there is no tool named `drop_table`. The tools are: explore_db, run_sql_query, scratchpad, give_final_answer",
		"the arguments of `run_sql_query` are invalid: they are not a JSON object",
		`property "action" must be one of list_tables, describe_table, find_value, search, not "destroy"`,
		`unknown property "timeout" (allowed: sql)`,
		`property "sql" must be a string`,
		`property "explanation" is required`,
		`describe_table needs "table"`,
		`there is no table "singers_table". The tables are: stadium, singer, concert, singer_in_concert.`,
		`table singer has no column "nationality". Its columns are: singer_id, name, country`,
	}
	for i, w := range wants {
		s := out.Steps[2*i+1]
		if !strings.Contains(s.Result, w) {
			t.Errorf("step %d (%s): result lacks %q:\n%s", 2*i+1, s.Tool, w, s.Result)
		}
	}
	if got := string(out.Steps[3].Args); got != `"{\"sql\": \"SELECT name FROM singer\""` {
		t.Errorf("malformed arguments are kept verbatim as a JSON string, got %s", got)
	}
	if out.Steps[1].Error != "unknown tool" || !strings.HasPrefix(out.Steps[3].Error, "invalid arguments") {
		t.Errorf("step errors: %q, %q", out.Steps[1].Error, out.Steps[3].Error)
	}
}

func TestRun_FindValueQuotesHostileValues(t *testing.T) {
	t.Parallel()
	e, srv := concertSinger(t)
	srv.Sequence(
		explore(args{"action": "find_value", "value": "stark's"}),
		explore(args{"action": "find_value", "value": "'; DROP TABLE singer; --"}),
		explore(args{"action": "find_value", "value": "%"}),
		explore(args{"action": "find_value", "value": "2014", "table": "concert", "column": "Year"}),
		final(franceSQL, "ok"),
	)
	out, err := e.askFrance(srv, agent.Options{})
	wantStop(t, out, err, agent.StopAnswered, "")
	for i, want := range []string{
		"stadium.name = 'Stark''s Park' (1 row)",
		`No column contains "'; DROP TABLE singer; --"`,
		`No column contains "%"`, // a wildcard is searched for literally
		"concert.year = '2014' (3 rows) — exact match",
	} {
		if s := out.Steps[2*i+1]; !strings.Contains(s.Result, want) {
			t.Errorf("find_value %d: result lacks %q:\n%s", i, want, s.Result)
		}
	}
	if r := e.run("concert_singer", "SELECT count(*) FROM singer"); !r.OK() || r.Rows[0][0] != int64(6) {
		t.Fatalf("singer table damaged: %+v", r)
	}
}

// A model that never answers, only takes notes, is stopped by whichever budget its turns exhaust:
// model turns, tokens or wall time.
func TestRun_BudgetsStopAModelThatNeverAnswers(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name   string
		opt    agent.Options
		turn   func(*llmtest.Reply) // what each model turn costs beyond the default
		detail string
		check  func(t *testing.T, srv *llmtest.Server, out agent.Outcome, took time.Duration)
	}{
		{
			name: "max steps", opt: agent.Options{MaxSteps: 4}, turn: func(*llmtest.Reply) {}, detail: "steps: 4 model turns",
			check: func(t *testing.T, srv *llmtest.Server, out agent.Outcome, _ time.Duration) {
				if srv.ChatCount() != 4 || len(out.Steps) != 8 || out.SQL != "" {
					t.Fatalf("%d calls, %d steps, sql %q", srv.ChatCount(), len(out.Steps), out.SQL)
				}
			},
		},
		{
			name: "tokens", opt: agent.Options{MaxTokens: 10_000},
			turn:   func(r *llmtest.Reply) { r.PromptTokens, r.CompletionTokens = 4000, 100 },
			detail: "tokens: 12300 used, the budget is 10000",
			check:  func(*testing.T, *llmtest.Server, agent.Outcome, time.Duration) {},
		},
		{
			name: "wall time", opt: agent.Options{WallTime: 400 * time.Millisecond},
			turn: func(r *llmtest.Reply) { r.Delay = 150 * time.Millisecond }, detail: "wall time",
			check: func(t *testing.T, _ *llmtest.Server, _ agent.Outcome, took time.Duration) {
				if took > 2*time.Second {
					t.Fatalf("took %v", took)
				}
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			e, srv := concertSinger(t)
			var n atomic.Int64
			srv.Respond(func(openai.ChatCompletionRequest) llmtest.Reply {
				r := llmtest.Call("scratchpad", args{"note": fmt.Sprintf("note %d", n.Add(1))})
				tt.turn(&r)
				return r
			})
			start := time.Now()
			out, err := e.askFrance(srv, tt.opt)
			wantStop(t, out, err, agent.StopBudget, tt.detail)
			tt.check(t, srv, out, time.Since(start))
		})
	}
}

func TestRun_SameCallThreeTimesIsALoop(t *testing.T) {
	t.Parallel()
	e, srv := concertSinger(t)
	srv.Sequence(
		explore(args{"action": "describe_table", "table": "singer"}),
		llmtest.RawToolCall("explore_db", `{ "table": "singer",  "action": "describe_table" }`), // same call, other spelling
		llmtest.Call("scratchpad", args{"note": "hmm"}),
		explore(args{"action": "describe_table", "table": "singer"}),
		final(franceSQL, "never reached"),
	)
	out, err := e.askFrance(srv, agent.Options{})
	wantStop(t, out, err, agent.StopLoop, "the same explore_db call was made 3 times")
	if !strings.Contains(out.Steps[3].Result, "you already made this exact call") {
		t.Fatalf("the second repeat should warn the model:\n%s", out.Steps[3].Result)
	}
	if len(out.Steps) != 8 || out.Steps[7].Error != "repeated call" {
		t.Fatalf("steps: %d, last %+v", len(out.Steps), out.Steps[len(out.Steps)-1])
	}
}

func TestRun_PlainTextModelIsNudgedOnceThenStopped(t *testing.T) {
	t.Parallel()
	e, srv := concertSinger(t)
	srv.Respond(func(openai.ChatCompletionRequest) llmtest.Reply {
		return llmtest.Text("The answer is SELECT name FROM singer WHERE country = 'France'.")
	})
	out, err := e.askFrance(srv, agent.Options{})
	wantStop(t, out, err, agent.StopLoop, "no progress")
	if srv.ChatCount() != 2 {
		t.Fatalf("%d model calls, want 2", srv.ChatCount())
	}
	if m := lastMessage(srv, 1); m.Role != openai.ChatMessageRoleUser || !strings.Contains(m.Content, "did not call a tool") {
		t.Fatalf("no nudge before the second turn: %+v", m)
	}
}

func TestRun_RateLimitStormStillCompletes(t *testing.T) {
	t.Parallel()
	e, srv := concertSinger(t)
	script := []llmtest.Reply{query(franceSQL), final(franceSQL, "ok")}
	var n, served atomic.Int64
	srv.Respond(func(openai.ChatCompletionRequest) llmtest.Reply {
		if n.Add(1)%4 != 0 { // three of every four requests are refused
			return llmtest.Reply{Fault: llmtest.FaultRateLimit, RetryAfter: 0}
		}
		return script[min(int(served.Add(1))-1, len(script)-1)]
	})
	out, err := e.askFrance(srv, agent.Options{})
	wantStop(t, out, err, agent.StopAnswered, "")
	if srv.ChatCount() != 8 {
		t.Fatalf("%d requests, want 8 (2 turns × 4 attempts)", srv.ChatCount())
	}
}

func TestRun_ModelThatKeepsFailingStopsWithError(t *testing.T) {
	t.Parallel()
	e, srv := concertSinger(t)
	srv.Respond(func(openai.ChatCompletionRequest) llmtest.Reply {
		return llmtest.Reply{Fault: llmtest.FaultServerError, ErrorMessage: "the GPU is on fire"}
	})
	out, err := e.askFrance(srv, agent.Options{})
	wantStop(t, out, err, agent.StopError, "the GPU is on fire")
	if len(out.Steps) != 1 || out.Steps[0].Error == "" {
		t.Fatalf("the failed turn is a step with its error: %+v", out.Steps)
	}
}

func TestRun_CancellationMidRunReturnsPromptly(t *testing.T) {
	t.Parallel()
	e, srv := concertSinger(t)
	var n atomic.Int64
	srv.Respond(func(openai.ChatCompletionRequest) llmtest.Reply {
		if n.Add(1) == 1 {
			return llmtest.Call("scratchpad", args{"note": "start"})
		}
		return llmtest.Reply{Content: "slow", Delay: 30 * time.Second}
	})
	ctx, cancel := context.WithCancel(context.Background())
	log := &stepLog{}
	done := make(chan struct{})
	var out agent.Outcome
	var err error
	go func() {
		defer close(done)
		out, err = e.agent(srv, agent.Options{}).Run(ctx, e.question("concert_singer", franceQ), meta, log)
	}()
	for srv.ChatCount() < 2 {
		time.Sleep(5 * time.Millisecond)
	}
	time.Sleep(50 * time.Millisecond)
	cancel()
	// The model answers after 30 s: returning within a third of that is returning on cancellation,
	// however busy the machine is.
	select {
	case <-done:
	case <-time.After(10 * time.Second):
		t.Fatal("Run did not return within 10 s of cancellation, while the model takes 30 s to answer")
	}
	wantStop(t, out, err, agent.StopCancelled, "")
	if len(out.Steps) != 3 || len(log.all()) != 3 || out.Steps[2].Error == "" {
		t.Fatalf("steps so far (2 + the cancelled turn) should be kept and recorded: %d / %d", len(out.Steps), len(log.all()))
	}
}

func TestRun_RuleWarningsGiveOneChanceToFix(t *testing.T) {
	t.Parallel()
	e := newEnv(t, "concert_singer")
	star := "SELECT * FROM singer WHERE country = 'France'"

	t.Run("fixed", func(t *testing.T) {
		srv := llmtest.New(t)
		srv.Sequence(final(star, "all columns"), final(franceSQL, "only names"))
		out, err := e.askFrance(srv, agent.Options{})
		if err != nil || out.StopReason != agent.StopAnswered || out.SQL != franceSQL || len(out.Warnings) != 0 {
			t.Fatalf("%v: %s (%s) %q %+v", err, out.StopReason, out.StopDetail, out.SQL, out.Warnings)
		}
		if s := out.Steps[1]; !strings.Contains(s.Result, "[select_star]") || !strings.Contains(s.Result, "one chance") && !strings.Contains(s.Result, "accepted as it is") {
			t.Fatalf("warnings not shown to the model:\n%s", s.Result)
		}
	})
	t.Run("justified", func(t *testing.T) {
		srv := llmtest.New(t)
		srv.Sequence(final(star, "all columns"), final(star, "the question wants every detail of the singers"))
		out, err := e.askFrance(srv, agent.Options{})
		if err != nil || out.StopReason != agent.StopAnswered || out.SQL != star {
			t.Fatalf("%v: %s (%s)", err, out.StopReason, out.StopDetail)
		}
		if len(out.Warnings) != 1 || out.Warnings[0].Rule != agent.RuleSelectStar || !strings.Contains(out.StopDetail, "1 warning") {
			t.Fatalf("warnings stored with the answer: %+v (%s)", out.Warnings, out.StopDetail)
		}
	})
}

func TestRun_SystemPromptHasGuidelineSchemaKeysAndSampleRows(t *testing.T) {
	t.Parallel()
	e, srv := concertSinger(t)
	srv.Sequence(final(franceSQL, "ok"))
	q := e.question("concert_singer", franceQ)
	q.Guideline = "- Order lists of names alphabetically.\n- Count distinct singers, not rows."
	q.GuidelineVersion = 3
	q.Instructions, q.InstructionsVersion = "Qualify every column with its table name.", 2
	if _, err := e.agent(srv, agent.Options{SampleRows: 2}).Run(context.Background(), q, meta, nil); err != nil {
		t.Fatal(err)
	}
	req := srv.Requests()[0]
	if req.Messages[0].Role != openai.ChatMessageRoleSystem || req.Messages[1].Content != franceQ {
		t.Fatalf("messages: %+v", req.Messages[:2])
	}
	system := req.Messages[0].Content
	for _, want := range []string{
		"PostgreSQL",
		"## Project guideline (version 3)",
		"- Order lists of names alphabetically.",
		"## Project instructions (prompt template version 2)",
		"Qualify every column with its table name.\n\n## Database schema",
		"The database has 4 tables, all shown below.",
		"CREATE TABLE singer (\n  singer_id bigint NOT NULL, -- \"Singer_ID\"\n  name text, -- \"Name\"",
		"  PRIMARY KEY (concert_id, singer_id),\n  FOREIGN KEY (concert_id) REFERENCES concert (concert_id)\n);",
		"/* 2 sample rows:\nsinger_id | name | country | song_name | song_release_year | age | is_male\n1 | Joe Sharp | Netherlands | You | 1992 | 52 | F\n2 | Timbaland |",
	} {
		if !strings.Contains(system, want) {
			t.Errorf("system prompt lacks %q", want)
		}
	}
	if strings.Contains(system, "Tribal King") {
		t.Error("more sample rows than SampleRows")
	}
	var names []string
	for _, tl := range req.Tools {
		names = append(names, tl.Function.Name)
		if tl.Function.Description == "" || tl.Function.Parameters == nil {
			t.Errorf("tool %s lacks a description or parameters", tl.Function.Name)
		}
	}
	if strings.Join(names, ",") != "explore_db,run_sql_query,scratchpad,give_final_answer" {
		t.Fatalf("tools offered: %v", names)
	}
}

func TestRun_SchemaRetrievalKeepsTheTablesTheQuestionNeeds(t *testing.T) {
	t.Parallel()
	e := newEnv(t, "car_1")
	q := e.question("car_1", "Which car makers are in which countries? Give the maker and the country name.")
	check := func(t *testing.T, srv *llmtest.Server, out agent.Outcome, how string) {
		t.Helper()
		// The two tables ranked best, and one a foreign key joins them to.
		got := strings.Join(out.Tables, ",")
		if out.Retrieval != how || len(out.Tables) != 3 || !strings.Contains(got, "countries") || !strings.Contains(got, "car_makers") {
			t.Fatalf("retrieval %s chose %v", out.Retrieval, out.Tables)
		}
		system := srv.Requests()[0].Messages[0].Content
		if !strings.Contains(system, "CREATE TABLE car_makers") || strings.Contains(system, "CREATE TABLE cars_data") {
			t.Fatalf("prompt tables wrong:\n%s", system)
		}
		if !strings.Contains(system, "The database has 6 tables; the 3 most relevant") || !strings.Contains(system, "cars_data") {
			t.Fatal("the prompt does not name the omitted tables")
		}
		if out.FirstPromptTokens <= 0 {
			t.Error("the first prompt's tokens are not recorded")
		}
	}
	t.Run("hybrid", func(t *testing.T) {
		srv := llmtest.New(t)
		srv.Sequence(explore(args{"action": "list_tables"}))
		out, _ := e.agent(srv, agent.Options{TopKTables: 2, MaxSteps: 1}).Run(context.Background(), q, meta, nil)
		check(t, srv, out, "hybrid")
		inputs := 0
		for _, r := range srv.EmbedRequests() {
			inputs += len(r.Input)
		}
		if inputs != 7 {
			t.Fatalf("embeddings: %d texts in %d requests, want the 6 tables and the question", inputs, srv.EmbedCount())
		}
		// list_tables still shows every table.
		if !strings.Contains(out.Steps[1].Result, "cars_data (406 rows") {
			t.Fatalf("list_tables: %s", out.Steps[1].Result)
		}
	})
	t.Run("lexical fallback", func(t *testing.T) {
		srv := llmtest.New(t)
		srv.EmbedFault(llmtest.FaultBadRequest)
		srv.Sequence(explore(args{"action": "list_tables"}))
		out, _ := e.agent(srv, agent.Options{TopKTables: 2, MaxSteps: 1}).Run(context.Background(), q, meta, nil)
		check(t, srv, out, "lexical")
		if !strings.Contains(srv.Requests()[0].Messages[0].Content, "because embeddings were unavailable") {
			t.Fatal("the prompt does not say that embeddings were unavailable")
		}
	})
}

func TestRun_PastTheListLimitThePromptCountsTheOtherTablesAndSearchFindsThem(t *testing.T) {
	t.Parallel()
	e := newEnv(t, "car_1")
	q := e.question("car_1", "Which car makers are in which countries?")
	srv := llmtest.New(t)
	srv.EmbedFault(llmtest.FaultBadRequest)
	srv.Sequence(explore(args{"action": "search", "query": "horsepower"}), explore(args{"action": "search", "query": "nation"}),
		explore(args{"action": "describe_table", "table": "nope"}))
	pool := storetest.Pool(t, e.url)
	a := e.agent(srv, agent.Options{TopKTables: 1, OmittedListChars: 10, MaxSteps: 3})
	a.Indexes = retrieve.NewIndexes(pool) // with the values, as the product's agent has them
	out, _ := a.Run(context.Background(), q, meta, nil)
	system := srv.Requests()[0].Messages[0].Content
	if strings.Contains(system, "The others are:") || !strings.Contains(system, "others are too many to list") {
		t.Fatalf("the prompt lists the other tables:\n%s", system)
	}
	steps := toolSteps(out)
	if len(steps) != 3 {
		t.Fatalf("steps: %v", steps)
	}
	search := out.Steps[1].Result
	if !strings.Contains(search, "cars_data") || !strings.Contains(search, "horsepower") {
		t.Fatalf("search: %s", search)
	}
	// A column found by what its values are says so.
	if kind := out.Steps[3].Result; !strings.Contains(kind, "countries: column countryname holds countries") {
		t.Fatalf("search by a kind of values: %s", kind)
	}
}

func TestRun_KnownTablesInScopeAreAllThePromptShows(t *testing.T) {
	t.Parallel()
	e := newEnv(t, "car_1")
	q := e.question("car_1", "How many cars are there?")
	q.KnownTables, q.ScopeOnly = []string{"cars_data"}, true
	srv := llmtest.New(t)
	srv.Sequence(explore(args{"action": "list_tables"}))
	out, _ := e.agent(srv, agent.Options{TopKTables: 2, MaxSteps: 1}).Run(context.Background(), q, meta, nil)
	if out.Retrieval != "scope" || strings.Join(out.Tables, ",") != "car_names,cars_data" {
		t.Fatalf("retrieval %s chose %v", out.Retrieval, out.Tables)
	}
	if system := srv.Requests()[0].Messages[0].Content; !strings.Contains(system, "comes with its own tables") {
		t.Fatalf("the prompt does not say the tables are the question's own:\n%s", system)
	}
	// The tools see the scope only.
	if list := out.Steps[1].Result; !strings.HasPrefix(list, "2 tables:") || strings.Contains(list, "continents") {
		t.Fatalf("list_tables in scope: %s", list)
	}
}

func TestRun_RecorderFailureIsAPlatformError(t *testing.T) {
	t.Parallel()
	e, srv := concertSinger(t)
	srv.Sequence(final(franceSQL, "ok"))
	out, err := e.agent(srv, agent.Options{}).Run(context.Background(), e.question("concert_singer", franceQ), meta, failingRecorder{})
	if err == nil || !strings.Contains(err.Error(), "disk full") || out.StopReason != agent.StopError {
		t.Fatalf("%v: %s", err, out.StopReason)
	}
}

type failingRecorder struct{}

func (failingRecorder) Step(context.Context, agent.Step) error { return errors.New("disk full") }

func TestRun_WithoutAModelSaysSo(t *testing.T) {
	t.Parallel()
	e := newEnv(t, "concert_singer")
	a := &agent.Agent{LLM: llm.New(llm.Settings{}, nil, nil, nil), Exec: e.exec}
	out, err := a.Run(context.Background(), e.question("concert_singer", franceQ), meta, nil)
	if !errors.Is(err, llm.ErrNotConfigured) || out.StopReason != agent.StopError {
		t.Fatalf("%v: %s", err, out.StopReason)
	}
}

func TestSelfConsistency_MajorityByExecutionMatchWins(t *testing.T) {
	t.Parallel()
	e, srv := concertSinger(t)
	answers := []string{
		"SELECT name FROM singer WHERE country = 'France'",
		"SELECT name FROM singer WHERE country = 'Netherlands'",
		"SELECT singer.name FROM singer WHERE singer.country IN ('France')", // other SQL, same result as the first
	}
	var n atomic.Int64
	srv.Respond(func(openai.ChatCompletionRequest) llmtest.Reply {
		i := int(n.Add(1)) - 1
		return final(answers[i%len(answers)], fmt.Sprintf("sample %d", i))
	})
	logs := map[int]*stepLog{0: {}, 1: {}, 2: {}}
	out, conf, err := e.agent(srv, agent.Options{}).SelfConsistency(context.Background(), e.question("concert_singer", franceQ), 3, meta,
		func(i int) agent.Recorder { return logs[i] })
	wantStop(t, out, err, agent.StopAnswered, "")
	if conf < 0.666 || conf > 0.667 {
		t.Fatalf("confidence %v, want 2/3", conf)
	}
	if out.SQL != answers[0] && out.SQL != answers[2] {
		t.Fatalf("chose the minority answer %q", out.SQL)
	}
	for i, l := range logs {
		if len(l.all()) != 2 {
			t.Fatalf("sample %d recorded %d steps, want 2", i, len(l.all()))
		}
	}
	if srv.EmbedCount() != 0 || srv.ChatCount() != 3 {
		t.Fatalf("%d chat calls, %d embedding calls", srv.ChatCount(), srv.EmbedCount())
	}
}

func TestRun_PastThePromptBudgetTheLastChosenTablesLeaveButNotTheQuestionsOwn(t *testing.T) {
	t.Parallel()
	e := newEnv(t, "car_1")
	q := e.question("car_1", "Which car makers are in which countries?")
	q.KnownTables = []string{"cars_data"}
	srv := llmtest.New(t)
	srv.EmbedFault(llmtest.FaultBadRequest)
	srv.Sequence(explore(args{"action": "list_tables"}))
	out, _ := e.agent(srv, agent.Options{TopKTables: 3, PromptTokens: 1, MaxSteps: 1}).Run(context.Background(), q, meta, nil)
	if strings.Join(out.Tables, ",") != "cars_data" {
		t.Fatalf("tables left in the prompt: %v", out.Tables)
	}
	system := srv.Requests()[0].Messages[0].Content
	if !strings.Contains(system, "more tables matched the question but were left out to keep this prompt short") ||
		!strings.Contains(system, "CREATE TABLE cars_data") || strings.Contains(system, "CREATE TABLE car_makers") {
		t.Fatalf("prompt:\n%s", system)
	}
}

// wantStop fails the test unless the run ended without a platform error, for reason, with detail in
// its stop detail.
func wantStop(t *testing.T, out agent.Outcome, err error, reason, detail string) {
	t.Helper()
	if err != nil || out.StopReason != reason || !strings.Contains(out.StopDetail, detail) {
		t.Fatalf("%v: %s (%s), want %s (%q)", err, out.StopReason, out.StopDetail, reason, detail)
	}
}
