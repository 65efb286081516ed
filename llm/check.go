package llm

import (
	"context"
	"encoding/json"
	"errors"
	"time"

	openai "github.com/sashabaranov/go-openai"
	"github.com/sashabaranov/go-openai/jsonschema"
)

// CheckResult is the outcome of one part of a connection test.
type CheckResult struct {
	OK        bool   `json:"ok"`
	Skipped   bool   `json:"skipped,omitempty"` // not tried: nothing configured for it
	Error     string `json:"error,omitempty"`
	LatencyMS int64  `json:"latency_ms"`
	Model     string `json:"model,omitempty"`
	Dimension int    `json:"dimension,omitempty"` // embeddings only
}

// TestReport is the result of "Test connection".
type TestReport struct {
	Chat       CheckResult `json:"chat"`
	ToolCalls  CheckResult `json:"tool_calls"`
	Embeddings CheckResult `json:"embeddings"`
}

// OK reports whether every part that was tried succeeded.
func (r TestReport) OK() bool {
	return (r.Chat.OK || r.Chat.Skipped) && (r.ToolCalls.OK || r.ToolCalls.Skipped) && (r.Embeddings.OK || r.Embeddings.Skipped)
}

// Test checks the endpoint: a chat reply, a tool-call round trip (the model must call a given
// function with JSON arguments) and an embedding. Each is one attempt, never answered from the cache,
// and logged like any call (RunKind "test").
func (c *Client) Test(ctx context.Context) TestReport {
	meta := CallMeta{Purpose: PurposeAgent, RunKind: "test"}
	var r TestReport
	model := c.settings.forPurpose(PurposeAgent).model
	r.Chat.Model, r.ToolCalls.Model = model, model

	start := time.Now()
	resp, err := c.chat(ctx, meta, openai.ChatCompletionRequest{
		Messages: []openai.ChatCompletionMessage{{Role: openai.ChatMessageRoleUser, Content: "Reply with the single word: OK"}},
	}, 0, false)
	r.Chat = check(r.Chat, start, err)
	if err == nil {
		r.Chat.Model = resp.Model
	}

	start = time.Now()
	resp, err = c.chat(ctx, meta, openai.ChatCompletionRequest{
		Messages: []openai.ChatCompletionMessage{{Role: openai.ChatMessageRoleUser,
			Content: `Call the function "ping" with the argument value set to "pong".`}},
		Tools: []openai.Tool{{Type: openai.ToolTypeFunction, Function: &openai.FunctionDefinition{
			Name:        "ping",
			Description: "Answers pong; used to test that tool calling works.",
			Parameters: jsonschema.Definition{Type: jsonschema.Object,
				Properties: map[string]jsonschema.Definition{"value": {Type: jsonschema.String}},
				Required:   []string{"value"}},
		}}},
		ToolChoice: openai.ToolChoice{Type: openai.ToolTypeFunction, Function: openai.ToolFunction{Name: "ping"}},
	}, 0, false)
	if err == nil {
		err = checkPing(resp)
	}
	r.ToolCalls = check(r.ToolCalls, start, err)

	r.Embeddings.Model = c.settings.forPurpose(PurposeEmbeddings).model
	if c.Configured() && r.Embeddings.Model == "" {
		r.Embeddings.Skipped = true
		r.Embeddings.Error = "no embedding model is configured (set " + EnvEmbeddingModel + "); metrics use the lexical fallback"
		return r
	}
	start = time.Now()
	vecs, err := c.embedUncached(ctx, "Goldset connection test")
	r.Embeddings = check(r.Embeddings, start, err)
	if err == nil {
		r.Embeddings.Dimension = len(vecs[0])
	}
	return r
}

func (c *Client) embedUncached(ctx context.Context, text string) ([][]float32, error) {
	d := *c // shares the limits; only the cache is left out
	d.cache = nil
	return d.embed(ctx, CallMeta{Purpose: PurposeEmbeddings, RunKind: "test"}, []string{text}, 0)
}

func checkPing(resp openai.ChatCompletionResponse) error {
	calls := resp.Choices[0].Message.ToolCalls
	if len(calls) == 0 {
		return errors.New("the model answered in text instead of calling the function: tool calling is not supported or not enabled on this endpoint")
	}
	if calls[0].Function.Name != "ping" {
		return errors.New("the model called " + calls[0].Function.Name + " instead of ping")
	}
	if !json.Valid([]byte(calls[0].Function.Arguments)) {
		return errors.New("the tool call's arguments are not JSON: " + snippet([]byte(calls[0].Function.Arguments)))
	}
	return nil
}

func check(r CheckResult, start time.Time, err error) CheckResult {
	r.LatencyMS = time.Since(start).Milliseconds()
	r.OK = err == nil
	if err != nil {
		r.Error = err.Error()
	}
	return r
}
