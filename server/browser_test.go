package server

import (
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/sashabaranov/go-openai"

	annotatorui "github.com/goldset/goldset/annotator-ui"
	"github.com/goldset/goldset/llm"
	"github.com/goldset/goldset/llm/llmtest"
	"github.com/goldset/goldset/store"
	"github.com/goldset/goldset/store/storetest"
)

// TestBrowser_EndToEnd serves the real embedded UI on a random port over a fresh database, with a
// fake language model, and runs the browser tests in annotator-ui/e2e (Node's test runner,
// playwright-core, Debian's Chromium) against it. `make test` sets GOLDSET_E2E=1 after building the
// UI and installing Chromium.
func TestBrowser_EndToEnd(t *testing.T) {
	browserTests(t, fakeModelSettings(t), "1")
}

// fakeModelSettings starts the browser tests' fake model and returns the settings that use it.
func fakeModelSettings(t *testing.T) llm.Settings {
	model := llmtest.New(t)
	model.Respond(fakeModel)
	return llm.Settings{BaseURL: model.URL, APIKey: "e2e-key", Model: llmtest.FakeModel}
}

// TestBrowser_WithoutAModel runs the agent's browser tests on a server with no model configured:
// the product must say what to set, and everything else must work.
func TestBrowser_WithoutAModel(t *testing.T) {
	browserTests(t, llm.Settings{}, "", "e2e/agent.test.mjs")
}

// fakeModel drafts guideline proposals (proposeOneRule), answers the prompt optimizers' and the
// judge's prompts (optimize), the generating pipelines' prompts with the JSON they ask for
// (generate), an evaluation's text-to-SQL prompt (answerTextToSQL), and every question the agent is
// asked with the row count of the first table (answerCountOfFirstTable).
func fakeModel(req openai.ChatCompletionRequest) llmtest.Reply {
	prompt := llmtest.FirstUserMessage(req)
	if strings.Contains(prompt, proposalMarker) {
		return proposeOneRule(prompt)
	}
	if len(req.Tools) == 0 {
		if reply, ok := optimizationReply(allMessages(req)); ok {
			return reply
		}
		if reply, ok := generate(prompt); ok {
			return reply
		}
		if reply, ok := answerTextToSQL(prompt); ok {
			return reply
		}
	}
	return answerCountOfFirstTable(req)
}

// allMessages is every message of a request, so that a marker sentence is found in the system
// message as well as in the user's.
func allMessages(req openai.ChatCompletionRequest) string {
	var b strings.Builder
	for _, m := range req.Messages {
		b.WriteString(m.Content)
		b.WriteString("\n")
	}
	return b.String()
}

// countingPrompt is the prompt template the fake optimizer and editor propose: the built-in one
// (pipelines/prompts/text2sql.tmpl) with the rule the fake target model follows.
const countingPrompt = "Given an input question, create a syntactically correct {dialect} query to run. To answer how many, count the rows.\n\n" +
	"Schema:\n{schema}\n\nQuestion: {query_str}\n\nSQL query to run:"

// optimizationReply answers the prompts of the prompt optimization (pipelines/prompts/opro.tmpl, critic.tmpl,
// editor.tmpl) and of the evaluation's judge (judge.tmpl), each recognised by a sentence of it: the
// optimizer and the editor propose countingPrompt between [[ and ]], the critic says why counting
// fails, and the judge says every answer is right.
func optimizationReply(prompt string) (llmtest.Reply, bool) {
	switch {
	case strings.Contains(prompt, "I have some prompts along with their corresponding accuracies."):
		return llmtest.Text("The best prompts say how to answer each kind of question. A better one:\n[[" + countingPrompt + "]]"), true
	case strings.Contains(prompt, "Critique the prompt below"):
		return llmtest.Text("The prompt never says how to answer a question that asks how many: it should tell the model to count the rows of the table the question is about."), true
	case strings.Contains(prompt, "Rewrite the prompt below"):
		return llmtest.Text("Here is the rewritten prompt:\n[[" + countingPrompt + "]]"), true
	case strings.Contains(prompt, "Your job is to determine whether the model's response is correct"):
		return llmtest.Text("True"), true
	}
	return llmtest.Reply{}, false
}

var (
	textToSQLQuestion = regexp.MustCompile(`(?m)^Question: (.*)$`)
	createTable       = regexp.MustCompile(`(?i)CREATE TABLE\s+"?([a-z_][a-z0-9_]*)`)
)

// answerTextToSQL answers an evaluation's prompt (a filled prompt template: CREATE TABLE statements
// and "Question: ..."), as a model that counts rows only when its prompt tells it to: with the words
// "count the rows" it counts the rows of the table the question names (the first table when it names
// none), else it answers SELECT 1. So the built-in template scores low on "How many ..." questions
// and a prompt with that rule scores higher.
func answerTextToSQL(prompt string) (llmtest.Reply, bool) {
	tables := createTable.FindAllStringSubmatch(prompt, -1)
	questions := textToSQLQuestion.FindAllStringSubmatch(prompt, -1)
	if len(tables) == 0 || len(questions) == 0 {
		return llmtest.Reply{}, false
	}
	sql := "SELECT 1"
	if strings.Contains(strings.ToLower(prompt), "count the rows") {
		sql = "SELECT count(*) FROM " + tableNamed(strings.ToLower(questions[len(questions)-1][1]), tables)
	}
	return llmtest.Text("```sql\n" + sql + "\n```"), true
}

// tableNamed is the first table whose name is a word of the question (a plural counts), else the
// first table.
func tableNamed(question string, tables [][]string) string {
	words := regexp.MustCompile(`[a-z0-9_]+`).FindAllString(question, -1)
	for _, t := range tables {
		name := strings.ToLower(t[1])
		for _, w := range words {
			if w == name || w == name+"s" {
				return t[1]
			}
		}
	}
	return tables[0][1]
}

var (
	originalQuestion = regexp.MustCompile(`(?s)Original question:\n(.*?)\n\nAnswer with`)
	tableNowCalled   = regexp.MustCompile(`The table is now called (\S+)`)
	verdictItem      = regexp.MustCompile(`(?m)^Item (\d+)$`)
)

// generate answers a prompt of pipelines/prompts (recognised by a sentence of each template) with
// the reply shape it asks for. A rewrite of a question that ends with "?" repeats it verbatim, so a
// run over a stage drops some outputs as duplicates and keeps the others.
func generate(prompt string) (llmtest.Reply, bool) {
	question := func(q string) (llmtest.Reply, bool) {
		b, err := json.Marshal(map[string]string{"question": q})
		if err != nil {
			panic(err)
		}
		return llmtest.Text(string(b)), true
	}
	rewrite := func(q string) string { return strings.ToLower(q[:1]) + q[1:] }
	switch {
	case strings.Contains(prompt, "Paraphrase the question below"):
		q := strings.TrimSpace(originalQuestion.FindStringSubmatch(prompt + "\n\nAnswer with")[1])
		if strings.HasSuffix(q, "?") {
			return question(q)
		}
		return question("Could you tell me this, please: " + rewrite(q))
	case strings.Contains(prompt, "into a MORE COMPLEX one"):
		q := strings.TrimRight(strings.TrimSpace(originalQuestion.FindStringSubmatch(prompt + "\n\nAnswer with")[1]), "?.")
		return question(q + ", counting only the singers older than 30?")
	case strings.Contains(prompt, "Imitate the style of this question"):
		return question("Which singers are older than 30, and from which country is each?")
	case strings.Contains(prompt, "natural language questions a user might ask"):
		items := []map[string]string{}
		if g := firstTable.FindStringSubmatch(prompt); g != nil {
			items = append(items, map[string]string{"question": "How many rows does the " + g[1] + " table have?", "sql": "SELECT count(*) FROM " + g[1]})
		}
		b, _ := json.Marshal(map[string]any{"items": items})
		return llmtest.Text(string(b)), true
	case strings.Contains(prompt, "You check a Text-to-SQL dataset"):
		verdicts := []map[string]any{}
		for _, m := range verdictItem.FindAllStringSubmatch(prompt, -1) {
			verdicts = append(verdicts, map[string]any{"item": json.Number(m[1]), "answers": true})
		}
		b, _ := json.Marshal(map[string]any{"verdicts": verdicts})
		return llmtest.Text(string(b)), true
	case strings.Contains(prompt, "Give the table below"):
		name := "table"
		if g := tableNowCalled.FindStringSubmatch(prompt); g != nil {
			name = strings.Trim(g[1], ".,")
		}
		b, _ := json.Marshal(map[string]string{"table_name": name, "table_summary": "One row per " + name + "."})
		return llmtest.Text(string(b)), true
	}
	return llmtest.Reply{}, false
}

// proposalMarker is a sentence of pipelines/prompts/guideline_proposal.tmpl.
const proposalMarker = "Propose edits to the team's guidelines"

var currentGuideline = regexp.MustCompile(`(?s)Current guidelines \(version \d+\):\n-----\n(.*?)-----\n`)

// proposeOneRule answers a guideline proposal prompt as the template asks (one JSON object): one
// cause counting every disagreement it was shown, and the current guidelines with a new rule
// ("## R: …", for the save to number) appended.
func proposeOneRule(prompt string) llmtest.Reply {
	markdown := "# Annotation guidelines\n"
	if g := currentGuideline.FindStringSubmatch(prompt); g != nil && strings.TrimSpace(g[1]) != "" {
		markdown = g[1]
	}
	cases := 0
	if _, list, ok := strings.Cut(prompt, "Disagreements (JSON, newest first):\n"); ok {
		for _, line := range strings.Split(list, "\n") {
			if strings.HasPrefix(line, "{") {
				cases++
			}
		}
	}
	answer, err := json.Marshal(map[string]any{
		"summary": "The agent counts rows where the question asks for values.",
		"causes": []map[string]any{{"cause": "Counting instead of listing", "count": cases,
			"explanation": "The agent answers with count(*) when the question names columns to list.", "rule": ""}},
		"markdown": strings.TrimRight(markdown, "\n") + "\n\n## R: Answer with what the question asks for\n" +
			"List the values the question names; count only when it asks how many.\n",
	})
	if err != nil {
		panic(err)
	}
	return llmtest.Text(string(answer))
}

var firstTable = regexp.MustCompile(`(?i)CREATE TABLE\s+"?([a-z_][a-z0-9_]*)`)

// answerCountOfFirstTable is a fake model that answers any question with the row count of the first
// table of the schema in its system prompt.
func answerCountOfFirstTable(req openai.ChatCompletionRequest) llmtest.Reply {
	table := "unknown"
	for _, m := range req.Messages {
		if m.Role == openai.ChatMessageRoleSystem {
			if g := firstTable.FindStringSubmatch(m.Content); g != nil {
				table = g[1]
			}
			break
		}
	}
	return llmtest.Call("give_final_answer", map[string]string{"sql": "SELECT count(*) FROM " + table, "explanation": "counts the rows"})
}

func browserTests(t *testing.T, set llm.Settings, llmFlag string, specs ...string) {
	if os.Getenv("GOLDSET_E2E") != "1" {
		t.Skip("browser tests run with GOLDSET_E2E=1 (make test sets it)")
	}
	if !annotatorui.Built() {
		t.Fatal("the web UI is not built into annotator-ui/dist; run make ui")
	}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	st, err := store.Open(ctx, storetest.URL(t), store.Options{})
	noError(t, err)
	defer st.Close()
	const adminEmail, adminPassword = "admin@example.com", "e2e admin password"
	if _, err := st.CreateUser(ctx, store.System, store.NewUser{Email: adminEmail, Name: "Admin", Password: adminPassword, IsAdmin: true}); err != nil {
		t.Fatal(err)
	}
	sandbox, im := sandboxTools(t, st)
	cfg := Config{Version: "e2e", UI: annotatorui.Dist(), Logger: slog.New(slog.NewTextHandler(io.Discard, nil)), Exec: sandbox, Importer: im}
	wire(t, st, &cfg, set, true)
	srv, err := New(ctx, st, cfg)
	noError(t, err)
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	noError(t, err)
	done := make(chan error, 1)
	go func() { done <- srv.Run(ctx, ln) }()
	defer func() {
		cancel()
		if err := <-done; err != nil {
			t.Errorf("server: %v", err)
		}
	}()

	_, file, _, _ := runtime.Caller(0)
	uiDir := filepath.Join(filepath.Dir(file), "..", "annotator-ui")
	runCtx, stop := context.WithTimeout(ctx, 10*time.Minute)
	defer stop()
	if len(specs) == 0 {
		specs = []string{"e2e/"}
	}
	cmd := exec.CommandContext(runCtx, "node", append([]string{"--test", "--test-reporter=spec"}, specs...)...)
	cmd.Dir = uiDir
	cmd.Env = append(os.Environ(),
		"GOLDSET_E2E_URL=http://"+ln.Addr().String(),
		"GOLDSET_E2E_ADMIN_EMAIL="+adminEmail,
		"GOLDSET_E2E_ADMIN_PASSWORD="+adminPassword,
		"GOLDSET_E2E_LLM="+llmFlag,
	)
	cmd.WaitDelay = 10 * time.Second
	out, err := cmd.CombinedOutput()
	t.Logf("browser tests:\n%s", out)
	if err != nil {
		t.Fatalf("browser tests failed: %v", err)
	}
}
