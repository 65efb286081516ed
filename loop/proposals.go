package loop

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"text/template"

	"github.com/sashabaranov/go-openai"

	"github.com/goldset/goldset/llm"
	"github.com/goldset/goldset/llm/llmconf"
	"github.com/goldset/goldset/pipelines/prompts"
	"github.com/goldset/goldset/store"
)

// ProposalPromptVersion names the guideline-proposal prompt (prompts/guideline_proposal.tmpl).
const ProposalPromptVersion = "guideline-proposal-v1"

var proposalPrompt = prompts.Template("guideline_proposal", template.FuncMap{
	"json": func(v any) string { b, _ := json.Marshal(v); return string(b) },
})

// Proposal is an LLM's reading of recent disagreements and its draft of revised guidelines, shown to
// a lead as a diff against the current version; nothing changes until the lead saves it.
type Proposal struct {
	Summary       string              `json:"summary"`
	Causes        []ProposalCause     `json:"causes"`
	Markdown      string              `json:"markdown"` // the revised guidelines, new rules with their IDs assigned
	BaseVersion   int                 `json:"base_version"`
	Diff          store.GuidelineDiff `json:"diff"`
	Disagreements int                 `json:"disagreements"` // how many cases the model read
	Prompt        string              `json:"prompt_version"`
}

// ProposalCause is one recurring cause of disagreement.
type ProposalCause struct {
	Cause       string `json:"cause"`
	Count       int    `json:"count"`
	Explanation string `json:"explanation"`
	Rule        string `json:"rule"`
}

// ErrNothingToLearn: the project has no disagreement to learn from yet.
var ErrNothingToLearn = errors.New("no disagreements yet: agent and annotators have to disagree before there is anything to learn from")

// ProposeGuidelineEdits asks the model (purpose editor) to summarise the recurring causes of the
// project's latest disagreements and to draft revised guidelines.
func ProposeGuidelineEdits(ctx context.Context, st *store.Store, models *llmconf.Models, a store.Actor, projectID int64, limit int) (Proposal, error) {
	client := models.Client()
	if !client.Configured() {
		return Proposal{}, llm.ErrNotConfigured
	}
	cases, err := st.RecentDisagreements(ctx, projectID, limit)
	if err != nil {
		return Proposal{}, err
	}
	if len(cases) == 0 {
		return Proposal{}, &store.ValidationError{Fields: map[string]string{"disagreements": ErrNothingToLearn.Error()}}
	}
	current, ok, err := st.CurrentGuideline(ctx, projectID)
	if err != nil {
		return Proposal{}, err
	}
	var prompt bytes.Buffer
	if err := proposalPrompt.Execute(&prompt, map[string]any{"Version": current.Version, "Markdown": current.Markdown, "Disagreements": cases}); err != nil {
		return Proposal{}, err
	}
	resp, err := client.Chat(ctx, llm.CallMeta{Purpose: llm.PurposeEditor, ProjectID: projectID, RunKind: "guideline_proposal", UserID: a.UserID},
		openai.ChatCompletionRequest{Messages: []openai.ChatCompletionMessage{{Role: openai.ChatMessageRoleUser, Content: prompt.String()}}})
	if err != nil {
		return Proposal{}, err
	}
	var p Proposal
	if err := json.Unmarshal([]byte(jsonObject(resp.Choices[0].Message.Content)), &p); err != nil || strings.TrimSpace(p.Markdown) == "" {
		return Proposal{}, fmt.Errorf("%w: the model's proposal is not the JSON object asked for (summary, causes, markdown)", llm.ErrBadResponse)
	}
	maxUsed := 0
	if ok {
		maxUsed = maxRuleNumber(current.Rules)
	}
	parsed, err := store.ParseGuideline(p.Markdown, maxUsed)
	if err != nil {
		return Proposal{}, fmt.Errorf("%w: the proposed guidelines do not parse: %v", llm.ErrBadResponse, err)
	}
	// New rules keep "R:" in the proposal: the save assigns their IDs, never reusing a deleted rule's.
	// The rule summary below shows them with the IDs they would probably get.
	p.BaseVersion, p.Disagreements, p.Prompt = current.Version, len(cases), ProposalPromptVersion
	p.Diff = store.GuidelineDiff{From: current.Version, To: current.Version + 1,
		Hunks: store.DiffLines(strings.Split(current.Markdown, "\n"), strings.Split(p.Markdown, "\n")),
		Rules: store.DiffRules(current.Rules, parsed.Rules)}
	if p.Causes == nil {
		p.Causes = []ProposalCause{}
	}
	return p, nil
}

// jsonObject is the JSON object in a reply, without the markdown fences models like to add.
func jsonObject(s string) string {
	s = strings.TrimSpace(s)
	if i, j := strings.Index(s, "{"), strings.LastIndex(s, "}"); i >= 0 && j > i {
		return s[i : j+1]
	}
	return s
}

func maxRuleNumber(rules []store.Rule) int {
	n := 0
	for _, r := range rules {
		var k int
		if _, err := fmt.Sscanf(r.ID, "R%d", &k); err == nil && k > n {
			n = k
		}
	}
	return n
}
