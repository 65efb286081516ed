package main

import (
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/sashabaranov/go-openai"

	"github.com/goldset/goldset/llm"
	"github.com/goldset/goldset/llm/llmtest"
	"github.com/goldset/goldset/pipelines/evaluate"
	"github.com/goldset/goldset/pipelines/prompts"
	"github.com/goldset/goldset/store"
)

// magicRule is what the scripted model needs in its prompt to answer the harder questions.
const magicRule = "Read the question twice."

var askedQuestion = regexp.MustCompile(`(?m)^Question: (.*)$`)

// goldModel is a scripted endpoint: the target answers the gold SQL of the questions without
// "oldest" or "average", and of every question once the prompt holds magicRule; the judge says
// True; OPRO's optimizer proposes the built-in prompt with magicRule.
func goldModel(t *testing.T) {
	t.Helper()
	srv := fakeModel(t)
	gold := map[string]string{}
	for _, q := range goldQuestions {
		gold[q[0]] = q[1]
	}
	srv.Respond(func(req openai.ChatCompletionRequest) llmtest.Reply {
		prompt := llmtest.FirstUserMessage(req)
		switch {
		case strings.Contains(prompt, "I have some prompts along with their corresponding accuracies."):
			return llmtest.Text("[[" + strings.TrimSpace(prompts.BuiltinTemplate) + "\n" + magicRule + "]]")
		case strings.Contains(prompt, "Your job is to determine whether the model's response is correct"):
			return llmtest.Text("True")
		}
		m := askedQuestion.FindAllStringSubmatch(prompt, -1)
		if len(m) == 0 {
			return llmtest.Reply{Fault: llmtest.FaultBadRequest}
		}
		q := m[len(m)-1][1]
		if (strings.Contains(q, "oldest") || strings.Contains(q, "average")) && !strings.Contains(prompt, magicRule) {
			return llmtest.Text("```sql\nSELECT 1;\n```")
		}
		return llmtest.Text("Here it is:\n```sql\n" + gold[q] + "\n```")
	})
}

func TestCLI_EvalPrintsAccuracyByHardnessDatabaseAndJudgeApart(t *testing.T) {
	c := newSerialCLI(t)
	st, p := c.withGoldPairs()
	goldModel(t)
	snap := splitSnapshot(t, st, p)

	// A budget stops the run: what was scored is printed, and the command fails. (First, while no
	// answer is cached: cached calls are free.)
	out, err := c.run("eval", "--project", "p", "--snapshot", snap, "--split", "all", "--concurrency", "1", "--max-calls", "1")
	if err == nil || !strings.Contains(err.Error(), "budget reached") || !strings.Contains(out, "Error: budget reached: 1 of 1 model calls") ||
		!strings.Contains(out, "overall") {
		t.Fatalf("a budget: %v\n%s", err, out)
	}

	out = c.must("eval", "--project", "p", "--snapshot", snap, "--split", "all", "--judge")
	wantAll(t, "eval", out, "succeeded: 4 of 4 pairs scored", "(all split)", "prompt version 0", "overall", "hardness easy",
		"database singers", "LLM judge (its own verdict, not execution match): 4 of 4 judged correct (100.0%)", "model calls")
	if !regexp.MustCompile(`overall\s+2\s+4\s+50\.0%`).MatchString(out) {
		t.Errorf("overall accuracy:\n%s", out)
	}

	js := c.must("eval", "--project", "p", "--snapshot", snap, "--limit", "1", "--json")
	var rep evaluate.Report
	if err := json.Unmarshal([]byte(js), &rep); err != nil || rep.Params.Split != "test" || rep.Summary.Scored != 1 ||
		rep.Summary.ByDatabase["singers"] == nil || rep.Summary.Judge != nil || rep.Run.Status != store.RunSucceeded {
		t.Fatalf("eval --json: %v %s", err, js)
	}

	bad := filepath.Join(t.TempDir(), "bad.tmpl")
	os.WriteFile(bad, []byte("Answer {query_str}."), 0o644)
	if _, err := c.run("eval", "--project", "p", "--snapshot", snap, "--prompt-file", bad); !errors.Is(err, errUsage) ||
		!strings.Contains(err.Error(), "{dialect}") {
		t.Errorf("a prompt without placeholders: %v", err)
	}
	// --detach queues the run and says so; nothing works on it here.
	if out := c.must("eval", "--project", "p", "--snapshot", snap, "--split", "all", "--detach"); !regexp.MustCompile(`^Evaluation \d+ queued: 4 pairs\.\n$`).MatchString(out) {
		t.Errorf("detached: %q", out)
	}
	var queued struct{ Run store.PipelineRun }
	if js := c.must("optimize", "--project", "p", "--snapshot", snap, "--method", "apo", "--rounds", "2", "--detach", "--json"); json.Unmarshal([]byte(js), &queued) != nil ||
		queued.Run.Status != store.RunQueued || queued.Run.Total != 4 || queued.Run.Kind != "optimize" {
		t.Errorf("detached optimization: %s", js)
	}
	if _, err := c.run("eval", "--project", "p", "--snapshot", snap, "--split", "dev"); !errors.Is(err, errUsage) {
		t.Errorf("an unknown split: %v", err)
	}
}

// One OPRO iteration finds the rule, the test split shows it, and --adopt makes it version 1.
func TestCLI_OptimizeAdoptsTheBestPromptAndPromptsListsIt(t *testing.T) {
	c := newSerialCLI(t)
	st, p := c.withGoldPairs()
	goldModel(t)
	snap := splitSnapshot(t, st, p)

	out := c.must("optimize", "--project", "p", "--snapshot", snap, "--method", "opro", "--iterations", "1", "--candidates", "1",
		"--adopt")
	wantAll(t, "optimize", out, "(opro) succeeded: 2 candidates over 3 steps", "000-baseline", "001-step", "zz-test",
		"Test split, 2 pairs: baseline 1 correct (50.0%), best 2 correct (100.0%).",
		"Both correct 1, only baseline 0, only best 1, both wrong 0.", "Difference +50.0 points, 95% CI [",
		"McNemar exact p = 1.0000: not significant at 0.05.", "validation 100.0%", "+ "+magicRule, "  Question: {query_str}",
		"Adopted as prompt version 1")
	if !regexp.MustCompile(`(?m)^0\s+000-baseline\s+done\s+1\s+0\.0% \(candidate \d+\)$`).MatchString(out) {
		t.Errorf("the baseline step:\n%s", out)
	}

	runID := regexp.MustCompile(`Optimization (\d+) `).FindStringSubmatch(out)

	out = c.must("prompts", "--project", "p")
	if !regexp.MustCompile(`(?m)^1\s+optimization\s+.*OPRO run \d+`).MatchString(out) || !strings.Contains(out, "Version 1 is in force.") {
		t.Fatalf("prompts: %s", out)
	}
	if out := c.must("prompts", "--project", "p", "--show", "1"); !strings.Contains(out, magicRule) {
		t.Fatalf("prompts --show 1: %s", out)
	}
	if out := c.must("prompts", "--project", "p", "--show", "0"); !strings.Contains(out, "builtin") ||
		strings.Contains(out, magicRule) {
		t.Fatalf("prompts --show 0: %s", out)
	}
	file := filepath.Join(t.TempDir(), "mine.tmpl")
	os.WriteFile(file, []byte("Write {dialect} SQL.\n{schema}\nQuestion: {query_str}\n"), 0o644)
	c.must("prompts", "--project", "p", "--save", file, "--note", "shorter")
	var list struct {
		Current  store.PromptTemplate
		Versions []store.PromptTemplate
	}
	js := c.must("prompts", "--project", "p", "--json")
	if err := json.Unmarshal([]byte(js), &list); err != nil || list.Current.Version != 2 || list.Current.Source != "manual" ||
		len(list.Versions) != 2 || list.Versions[1].Source != "optimization" {
		t.Fatalf("prompts --json: %v %s", err, js)
	}
	os.WriteFile(file, []byte("Write SQL."), 0o644)
	if _, err := c.run("prompts", "--project", "p", "--save", file); !errors.Is(err, errUsage) ||
		!strings.Contains(err.Error(), "{schema}") {
		t.Errorf("saving a template without placeholders: %v", err)
	}

	if _, err := c.run("optimize", "--project", "p", "--snapshot", snap, "--method", "gradient"); !errors.Is(err, errUsage) {
		t.Errorf("an unknown method: %v", err)
	}
	if _, err := c.run("optimize", "--project", "p", "--snapshot", snap, "--method", "opro", "--iterations", "99"); !errors.Is(err, errUsage) ||
		!strings.Contains(err.Error(), "opro.iterations") {
		t.Errorf("too many iterations: %v", err)
	}
	// A finished run resumed ends again at once, and prints its report.
	out = c.must("optimize", "resume", "--project", "p", "--run", runID[1])
	if !strings.Contains(out, "Optimization "+runID[1]+" (opro) succeeded") {
		t.Errorf("resume: %s", out)
	}
}

func TestCLI_EvalAndOptimizeWithoutAnEndpointSaySo(t *testing.T) {
	c := newSerialCLI(t)
	st, p := c.withGoldPairs()
	snap := splitSnapshot(t, st, p)
	for _, k := range []string{"GOLDSET_LLM_BASE_URL", "GOLDSET_LLM_API_KEY", "GOLDSET_LLM_MODEL"} {
		t.Setenv(k, "")
	}
	if _, err := c.run("eval", "--project", "p", "--snapshot", snap); !errors.Is(err, llm.ErrNotConfigured) ||
		!strings.Contains(err.Error(), "no language model is configured") {
		t.Errorf("eval: %v", err)
	}
	if _, err := c.run("optimize", "--project", "p", "--snapshot", snap, "--method", "apo"); !errors.Is(err, llm.ErrNotConfigured) {
		t.Errorf("optimize: %v", err)
	}
}
