package evaluatetest

import (
	"hash/fnv"
	"log/slog"
	"regexp"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/sashabaranov/go-openai"

	"github.com/goldset/goldset/llm/llmconf"
	"github.com/goldset/goldset/llm/llmtest"
	"github.com/goldset/goldset/pipelines/golden"
	"github.com/goldset/goldset/pipelines/golden/goldentest"
	"github.com/goldset/goldset/pipelines/pipelinetest"
	"github.com/goldset/goldset/pipelines/prompts"
	"github.com/goldset/goldset/pipelines/runs"
	"github.com/goldset/goldset/store"
)

// MagicRule is the rule the scripted target model needs to answer every question: it answers only
// "easy" questions (half of them, by a hash of the text) correctly without it.
const MagicRule = "Qualify every column with its table name."

// WrongSQL is the scripted target's answer to what it cannot answer: no gold result equals it.
const WrongSQL = "SELECT 'no idea' AS answer"

// ReviewerComment is what a reviewer wrote on a question of the gold set; the critic must see it.
const ReviewerComment = "The model forgot to qualify the columns with their tables."

var (
	// AskedQuestion finds the question in a filled text-to-SQL prompt.
	AskedQuestion = regexp.MustCompile(`(?m)^Question: (.*)$`)
	// PromptBlock finds the prompt the editor is asked to rewrite.
	PromptBlock = regexp.MustCompile(`(?s)<PROMPT>\n(.*?)\n</PROMPT>`)
)

// Easy says whether the scripted target answers a question right without MagicRule.
func Easy(question string) bool {
	h := fnv.New32a()
	h.Write([]byte(question))
	return h.Sum32()%2 == 0
}

// Gold is the Spider data imported, its verified questions accepted, a snapshot cut, and the
// scripted model answering with Reply.
type Gold struct {
	*pipelinetest.Fixture
	Model    *llmtest.Server
	Models   *llmconf.Models // the fake model's settings in force
	Logger   *slog.Logger
	Snapshot store.Snapshot
	SQLOf    map[string]string // gold SQL by question (questions asked on two databases left out)
	Calls    atomic.Int64      // target calls
	// Stall, when set, is called before each target answer (a test stops a worker there).
	Stall func()
	// Runner processes the runs of the components a test wires with it (and registers).
	Runner *runs.Runner
}

// New makes a Gold on a database of its own (skipping the test without the Spider data).
func New(t *testing.T) *Gold {
	t.Helper()
	dir := pipelinetest.NeedData(t, "spider")
	f := pipelinetest.New(t)
	if err := f.ImportSpider(t, dir).Err(); err != nil {
		t.Fatal(err)
	}
	b := &Gold{Fixture: f, Model: llmtest.New(t), Logger: pipelinetest.QuietLog(), SQLOf: map[string]string{}}
	b.Runner = runs.NewRunner(f.St, b.Logger)
	b.Models = f.Models(t, pipelinetest.FakeModel(b.Model), b.Logger)
	f.AcceptVerified(t)
	// Pair by pair: the scripted model's figures were set on this split of the dev set, where
	// Spider's two questions per SQL fall on either side.
	b.Snapshot = goldentest.Cut(t, f, golden.SnapshotParams{Name: "gold", Seed: 7, AllowLeakage: true})
	twice := map[string]bool{}
	for _, p := range b.Pairs(t, "") {
		if _, ok := b.SQLOf[p.Question]; ok {
			twice[p.Question] = true
		}
		b.SQLOf[p.Question] = p.SQL
	}
	for q := range twice {
		delete(b.SQLOf, q)
	}
	b.Model.Respond(b.Reply)
	return b
}

// Execute processes the run with the Runner, within 5 minutes, and returns it as it ended.
func (b *Gold) Execute(t *testing.T, run store.PipelineRun) store.PipelineRun {
	t.Helper()
	return b.ExecuteRun(t, b.Runner, run, 5*time.Minute)
}

// Pairs are the snapshot's pairs of a split ("" for all).
func (b *Gold) Pairs(t *testing.T, split string) []store.SnapshotPair {
	t.Helper()
	p, err := b.St.SnapshotPairs(b.Ctx, b.Snapshot.ID, split, 0, 0)
	if err != nil {
		t.Fatal(err)
	}
	return p
}

// Reply is the scripted model. The optimizer and the critic only find the rule when they are shown
// why items failed (the wrong SQL); the editor applies a critique that names it, in its first
// rewrite only (the others add a useless sentence), so the search must choose.
func (b *Gold) Reply(req openai.ChatCompletionRequest) llmtest.Reply {
	prompt := llmtest.FirstUserMessage(req)
	switch {
	case strings.Contains(prompt, "I have some prompts along with their corresponding accuracies."):
		if !strings.Contains(prompt, "Predicted SQL: "+WrongSQL) {
			return llmtest.Text("[[" + prompts.BuiltinTemplate + "\nThink step by step.]]")
		}
		return llmtest.Text("The failures select constants.\n[[" + strings.TrimSpace(prompts.BuiltinTemplate) + "\n" + MagicRule + "]]")
	case strings.Contains(prompt, "Critique the prompt below"):
		if strings.Contains(prompt, "Predicted SQL: "+WrongSQL) && strings.Contains(prompt, ReviewerComment) {
			return llmtest.Text("The prompt never says how to name columns; reviewers say columns must be qualified.")
		}
		return llmtest.Text("The prompt is vague.")
	case strings.Contains(prompt, "Rewrite the prompt below"):
		parent := PromptBlock.FindStringSubmatch(prompt)[1]
		if strings.Contains(prompt, "must be qualified") && !strings.Contains(prompt, "This is variant") {
			return llmtest.Text("[[" + parent + "\n" + MagicRule + "]]")
		}
		return llmtest.Text("[[" + parent + "\nBe concise.]]")
	case strings.Contains(prompt, "Your job is to determine whether the model's response is correct"):
		return llmtest.Text("True")
	}
	b.Calls.Add(1)
	if b.Stall != nil {
		b.Stall()
	}
	m := AskedQuestion.FindAllStringSubmatch(prompt, -1)
	if len(m) == 0 {
		return llmtest.Text("I cannot tell what to answer.")
	}
	q := m[len(m)-1][1]
	sql, ok := b.SQLOf[q]
	if !ok || (!Easy(q) && !strings.Contains(prompt, MagicRule)) {
		return llmtest.Text("```sql\n" + WrongSQL + ";\n```")
	}
	return llmtest.Text("Here it is:\n```sql\n" + sql + "\n```")
}
