package llmtest_test

import (
	"context"
	"fmt"

	openai "github.com/sashabaranov/go-openai"

	"github.com/goldset/goldset/llm/llmtest"
)

// An agent test scripts each conversation by its question: a tool call, a rate limit, then the answer.
func ExampleServer_Script() {
	s := llmtest.NewServer() // in a test: llmtest.New(t)
	defer s.Close()
	s.Script(map[string][]llmtest.Reply{
		"How many singers are there?": {
			llmtest.Call("run_sql_query", map[string]string{"sql": "SELECT count(*) FROM singer"}),
			{Fault: llmtest.FaultRateLimit, RetryAfter: 0},
			llmtest.Call("give_final_answer", map[string]string{"sql": "SELECT count(*) FROM singer"}),
		},
	})

	cfg := openai.DefaultConfig("sk-test")
	cfg.BaseURL = s.URL
	c := openai.NewClientWithConfig(cfg)
	req := openai.ChatCompletionRequest{Model: "m", Messages: []openai.ChatCompletionMessage{
		{Role: openai.ChatMessageRoleUser, Content: "How many singers are there?"},
	}}
	for range 3 {
		resp, err := c.CreateChatCompletion(context.Background(), req)
		if err != nil {
			fmt.Println("error:", err)
			continue
		}
		tc := resp.Choices[0].Message.ToolCalls[0]
		fmt.Println(tc.ID, tc.Function.Name, tc.Function.Arguments)
	}
	fmt.Println(s.ChatCount(), "requests")
	// Output:
	// call_1 run_sql_query {"sql":"SELECT count(*) FROM singer"}
	// error: error, status code: 429, status: 429 Too Many Requests, message: llmtest: injected rate-limit
	// call_2 give_final_answer {"sql":"SELECT count(*) FROM singer"}
	// 3 requests
}
