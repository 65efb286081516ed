package llmtest_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	openai "github.com/sashabaranov/go-openai"

	"github.com/goldset/goldset/llm/llmtest"
)

func client(s *llmtest.Server) *openai.Client {
	cfg := openai.DefaultConfig("sk-test")
	cfg.BaseURL = s.URL
	return openai.NewClientWithConfig(cfg)
}

func ask(q string) openai.ChatCompletionRequest {
	return openai.ChatCompletionRequest{
		Model: "m1",
		Messages: []openai.ChatCompletionMessage{
			{Role: openai.ChatMessageRoleSystem, Content: "You are a test."},
			{Role: openai.ChatMessageRoleUser, Content: q},
		},
	}
}

// post sends a raw chat request and returns status, headers and the body.
func post(t *testing.T, s *llmtest.Server, path string, body any) (int, http.Header, []byte) {
	t.Helper()
	b, _ := json.Marshal(body)
	resp, err := http.Post(s.URL+path, "application/json", bytes.NewReader(b))
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	data, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, resp.Header, data
}

func TestChat_TextReplyHasTheRealWireFormat(t *testing.T) {
	s := llmtest.New(t)
	s.Respond(func(req openai.ChatCompletionRequest) llmtest.Reply {
		return llmtest.Reply{Content: "hello " + llmtest.FirstUserMessage(req), PromptTokens: 11, CompletionTokens: 7}
	})
	status, hdr, body := post(t, s, "/chat/completions", ask("world"))
	if status != 200 || hdr.Get("Content-Type") != "application/json" {
		t.Fatalf("status %d, content type %q", status, hdr.Get("Content-Type"))
	}
	var raw map[string]any
	if err := json.Unmarshal(body, &raw); err != nil {
		t.Fatal(err)
	}
	for _, k := range []string{"id", "object", "created", "model", "choices", "usage"} {
		if _, ok := raw[k]; !ok {
			t.Errorf("field %q missing in %s", k, body)
		}
	}
	if raw["object"] != "chat.completion" || raw["model"] != "m1" {
		t.Errorf("object/model: %s", body)
	}
	choice := raw["choices"].([]any)[0].(map[string]any)
	msg := choice["message"].(map[string]any)
	if msg["role"] != "assistant" || msg["content"] != "hello world" || choice["finish_reason"] != "stop" || choice["index"] != 0.0 {
		t.Errorf("choice: %s", body)
	}
	usage := raw["usage"].(map[string]any)
	if usage["prompt_tokens"] != 11.0 || usage["completion_tokens"] != 7.0 || usage["total_tokens"] != 18.0 {
		t.Errorf("usage: %v", usage)
	}

	resp, err := client(s).CreateChatCompletion(context.Background(), ask("go-openai"))
	if err != nil {
		t.Fatal(err)
	}
	if got := resp.Choices[0].Message.Content; got != "hello go-openai" {
		t.Errorf("content %q", got)
	}
	if s.ChatCount() != 2 || len(s.Requests()) != 2 || s.Requests()[1].Messages[1].Content != "go-openai" {
		t.Errorf("requests not recorded: %d", s.ChatCount())
	}
}

func TestChat_UsageIsEstimatedWhenNotSet(t *testing.T) {
	s := llmtest.New(t)
	s.Respond(func(openai.ChatCompletionRequest) llmtest.Reply { return llmtest.Text(strings.Repeat("x", 40)) })
	req := ask(strings.Repeat("q", 400))
	resp, err := client(s).CreateChatCompletion(context.Background(), req)
	if err != nil {
		t.Fatal(err)
	}
	if want := llmtest.EstimateTokens(req); resp.Usage.PromptTokens != want || want < 100 {
		t.Errorf("prompt tokens %d, want %d", resp.Usage.PromptTokens, want)
	}
	if resp.Usage.CompletionTokens != 10 || resp.Usage.TotalTokens != resp.Usage.PromptTokens+10 {
		t.Errorf("usage %+v", resp.Usage)
	}
}

func TestChat_ToolCallsGetUniqueIDsAndKeepArgumentsVerbatim(t *testing.T) {
	s := llmtest.New(t)
	s.Sequence(
		llmtest.Call("run_sql_query", map[string]string{"sql": "SELECT 1"}),
		llmtest.Calls(llmtest.ToolCall("explore_db", map[string]any{"table": "t"}), llmtest.ToolCall("scratchpad", "{\"note\":\"x\"}")),
		llmtest.RawToolCall("give_final_answer", "{not json"),
	)
	c := client(s)
	var ids []string
	var got [][]openai.ToolCall
	for range 3 {
		resp, err := c.CreateChatCompletion(context.Background(), ask("q"))
		if err != nil {
			t.Fatal(err)
		}
		ch := resp.Choices[0]
		if ch.FinishReason != openai.FinishReasonToolCalls || ch.Message.Content != "" {
			t.Errorf("finish %q content %q", ch.FinishReason, ch.Message.Content)
		}
		for _, tc := range ch.Message.ToolCalls {
			ids = append(ids, tc.ID)
			if tc.Type != openai.ToolTypeFunction {
				t.Errorf("type %q", tc.Type)
			}
		}
		got = append(got, ch.Message.ToolCalls)
	}
	if want := []string{"call_1", "call_2", "call_3", "call_4"}; fmt.Sprint(ids) != fmt.Sprint(want) {
		t.Errorf("ids %v, want %v", ids, want)
	}
	if a := got[0][0].Function; a.Name != "run_sql_query" || a.Arguments != `{"sql":"SELECT 1"}` {
		t.Errorf("call 1: %+v", a)
	}
	if a := got[1][1].Function; a.Name != "scratchpad" || a.Arguments != `{"note":"x"}` {
		t.Errorf("call 3: %+v", a)
	}
	if a := got[2][0].Function; a.Arguments != "{not json" {
		t.Errorf("raw arguments changed: %q", a.Arguments)
	}

	// The wire has content null next to tool calls, as OpenAI sends it.
	_, _, body := post(t, s, "/chat/completions", ask("q"))
	if !bytes.Contains(body, []byte(`"content":null`)) || !bytes.Contains(body, []byte(`"finish_reason":"tool_calls"`)) {
		t.Errorf("wire: %s", body)
	}
}

func TestChat_Faults(t *testing.T) {
	tests := []struct {
		name   string
		reply  llmtest.Reply
		status int // HTTP status an APIError must carry; 0: not an APIError
		check  func(t *testing.T, resp openai.ChatCompletionResponse, err error)
	}{
		{name: "rate limit", reply: llmtest.Reply{Fault: llmtest.FaultRateLimit}, status: 429},
		{name: "server error", reply: llmtest.Reply{Fault: llmtest.FaultServerError}, status: 500},
		{name: "unavailable", reply: llmtest.Reply{Fault: llmtest.FaultUnavailable}, status: 503},
		{name: "bad request", reply: llmtest.Reply{Fault: llmtest.FaultBadRequest, ErrorMessage: "context too long"}, status: 400,
			check: func(t *testing.T, _ openai.ChatCompletionResponse, err error) {
				if !strings.Contains(err.Error(), "context too long") {
					t.Errorf("message lost: %v", err)
				}
			}},
		{name: "unauthorized", reply: llmtest.Reply{Fault: llmtest.FaultUnauthorized}, status: 401},
		{name: "truncated json", reply: llmtest.Reply{Fault: llmtest.FaultTruncatedJSON, Content: "a long enough answer"},
			check: func(t *testing.T, _ openai.ChatCompletionResponse, err error) {
				if !errors.Is(err, io.ErrUnexpectedEOF) {
					t.Errorf("err = %v, want unexpected EOF", err)
				}
			}},
		{name: "malformed json", reply: llmtest.Reply{Fault: llmtest.FaultMalformedJSON},
			check: func(t *testing.T, _ openai.ChatCompletionResponse, err error) {
				var syn *json.SyntaxError
				if !errors.As(err, &syn) {
					t.Errorf("err = %v, want a JSON syntax error", err)
				}
			}},
		{name: "empty choices", reply: llmtest.Reply{Fault: llmtest.FaultEmptyChoices},
			check: func(t *testing.T, resp openai.ChatCompletionResponse, err error) {
				if err != nil || len(resp.Choices) != 0 || resp.Object != "chat.completion" {
					t.Errorf("resp %+v err %v", resp, err)
				}
			}},
		{name: "timeout", reply: llmtest.Reply{Fault: llmtest.FaultTimeout},
			check: func(t *testing.T, _ openai.ChatCompletionResponse, err error) {
				if !errors.Is(err, context.DeadlineExceeded) {
					t.Errorf("err = %v, want deadline exceeded", err)
				}
			}},
		{name: "delay honours disconnect", reply: llmtest.Reply{Delay: time.Hour},
			check: func(t *testing.T, _ openai.ChatCompletionResponse, err error) {
				if !errors.Is(err, context.DeadlineExceeded) {
					t.Errorf("err = %v, want deadline exceeded", err)
				}
			}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := llmtest.New(t)
			s.Respond(func(openai.ChatCompletionRequest) llmtest.Reply { return tt.reply })
			ctx, cancel := context.WithTimeout(context.Background(), 200*time.Millisecond)
			defer cancel()
			start := time.Now()
			resp, err := client(s).CreateChatCompletion(ctx, ask("q"))
			if time.Since(start) > 5*time.Second {
				t.Errorf("took %v", time.Since(start))
			}
			if tt.status != 0 {
				var apiErr *openai.APIError
				if !errors.As(err, &apiErr) || apiErr.HTTPStatusCode != tt.status || apiErr.Message == "" || apiErr.Type == "" || apiErr.Code == nil {
					t.Fatalf("err = %#v, want APIError with status %d, message, type, code", err, tt.status)
				}
			}
			if tt.check != nil {
				tt.check(t, resp, err)
			}
		})
	}
}

func TestChat_RetryAfterHeader(t *testing.T) {
	tests := []struct {
		reply llmtest.Reply
		want  string
	}{
		{llmtest.Reply{Fault: llmtest.FaultRateLimit}, "0"},
		{llmtest.Reply{Fault: llmtest.FaultRateLimit, RetryAfter: 1500 * time.Millisecond}, "2"},
		{llmtest.Reply{Fault: llmtest.FaultRateLimit, RetryAfter: 3 * time.Second}, "3"},
		{llmtest.Reply{Fault: llmtest.FaultRateLimit, RetryAfter: -1}, ""},
		{llmtest.Reply{Fault: llmtest.FaultUnavailable, RetryAfter: time.Second}, "1"},
		{llmtest.Reply{Fault: llmtest.FaultServerError, RetryAfter: time.Second}, ""},
	}
	for _, tt := range tests {
		t.Run(fmt.Sprintf("%v/%v", tt.reply.Fault, tt.reply.RetryAfter), func(t *testing.T) {
			s := llmtest.New(t)
			s.Sequence(tt.reply)
			status, hdr, body := post(t, s, "/chat/completions", ask("q"))
			if got := hdr.Get("Retry-After"); got != tt.want || (tt.want == "" && hdr.Values("Retry-After") != nil) {
				t.Errorf("Retry-After %q, want %q", got, tt.want)
			}
			var e struct {
				Error struct{ Message, Type, Code string }
			}
			if err := json.Unmarshal(body, &e); err != nil || e.Error.Message == "" || e.Error.Type == "" || e.Error.Code == "" || status < 400 {
				t.Errorf("status %d error body %s", status, body)
			}
		})
	}
}

func TestScript_PlaysPerConversationThenRepeatsLast(t *testing.T) {
	s := llmtest.New(t)
	s.Script(map[string][]llmtest.Reply{
		"a": {llmtest.Text("a1"), llmtest.Text("a2")},
		"b": {llmtest.Reply{Fault: llmtest.FaultRateLimit}, llmtest.Text("b2")},
	})
	c := client(s)
	say := func(q string) string {
		resp, err := c.CreateChatCompletion(context.Background(), ask(q))
		if err != nil {
			return "error"
		}
		return resp.Choices[0].Message.Content
	}
	got := []string{say("a"), say("b"), say("a"), say("b"), say("a"), say("b")}
	if want := "[a1 error a2 b2 a2 b2]"; fmt.Sprint(got) != want {
		t.Errorf("got %v, want %s", got, want)
	}
	_, err := c.CreateChatCompletion(context.Background(), ask("unknown question"))
	var apiErr *openai.APIError
	if !errors.As(err, &apiErr) || apiErr.HTTPStatusCode != 400 || !strings.Contains(apiErr.Message, "unknown question") {
		t.Errorf("unscripted question: %v", err)
	}
}

func TestRespond_IsSafeUnderConcurrency(t *testing.T) {
	s := llmtest.New(t)
	s.Respond(func(req openai.ChatCompletionRequest) llmtest.Reply {
		return llmtest.Reply{Content: "re: " + llmtest.FirstUserMessage(req), Delay: 5 * time.Millisecond}
	})
	c := client(s)
	var wg sync.WaitGroup
	errs := make(chan error, 32)
	for i := range 32 {
		wg.Go(func() {
			q := fmt.Sprint("q", i)
			resp, err := c.CreateChatCompletion(context.Background(), ask(q))
			if err == nil && resp.Choices[0].Message.Content != "re: "+q {
				err = fmt.Errorf("crossed replies: %q for %q", resp.Choices[0].Message.Content, q)
			}
			if err != nil {
				errs <- err
			}
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
	if s.ChatCount() != 32 || s.MaxInFlight() < 2 {
		t.Errorf("count %d, max in flight %d", s.ChatCount(), s.MaxInFlight())
	}
}

func TestEmbeddings(t *testing.T) {
	s := llmtest.New(t)
	c := client(s)
	ctx := context.Background()
	texts := []string{"How many singers are there?", "How many singers do we have?", "List all airports in Texas", ""}
	resp, err := c.CreateEmbeddings(ctx, openai.EmbeddingRequestStrings{Input: texts, Model: "emb-1"})
	if err != nil {
		t.Fatal(err)
	}
	if len(resp.Data) != len(texts) || resp.Model != "emb-1" || resp.Usage.PromptTokens == 0 {
		t.Fatalf("resp %+v", resp)
	}
	dot := func(a, b []float32) (d float64) {
		for i := range a {
			d += float64(a[i]) * float64(b[i])
		}
		return d
	}
	for i, d := range resp.Data {
		if d.Index != i || len(d.Embedding) != llmtest.EmbeddingDim || math.Abs(dot(d.Embedding, d.Embedding)-1) > 1e-5 {
			t.Errorf("embedding %d: index %d dim %d norm² %v", i, d.Index, len(d.Embedding), dot(d.Embedding, d.Embedding))
		}
		if fmt.Sprint(d.Embedding) != fmt.Sprint(llmtest.TrigramEmbedding(texts[i])) {
			t.Errorf("embedding %d is not deterministic", i)
		}
	}
	if near, far := dot(resp.Data[0].Embedding, resp.Data[1].Embedding), dot(resp.Data[0].Embedding, resp.Data[2].Embedding); near <= far {
		t.Errorf("paraphrases %.3f not closer than unrelated %.3f", near, far)
	}

	b64, err := c.CreateEmbeddings(ctx, openai.EmbeddingRequestStrings{Input: texts[:1], Model: "emb-1", EncodingFormat: openai.EmbeddingEncodingFormatBase64})
	if err != nil || fmt.Sprint(b64.Data[0].Embedding) != fmt.Sprint(resp.Data[0].Embedding) {
		t.Errorf("base64: %v %v", err, b64.Data)
	}

	s.Embed(func(in string) []float32 { return []float32{float32(len(in)), 0} })
	custom, err := c.CreateEmbeddings(ctx, openai.EmbeddingRequest{Input: "abc", Model: "emb-1"})
	if err != nil || fmt.Sprint(custom.Data[0].Embedding) != "[3 0]" {
		t.Errorf("custom: %v %+v", err, custom.Data)
	}
	if s.EmbedCount() != 3 || len(s.EmbedRequests()) != 3 || s.EmbedRequests()[2].Input[0] != "abc" {
		t.Errorf("embed requests: %d %+v", s.EmbedCount(), s.EmbedRequests())
	}
}

func TestEmbeddings_Faults(t *testing.T) {
	s := llmtest.New(t)
	c := client(s)
	ctx := context.Background()
	req := openai.EmbeddingRequestStrings{Input: []string{"x"}, Model: "emb"}

	s.EmbedFault(llmtest.FaultServerError)
	for range 2 {
		var apiErr *openai.APIError
		if _, err := c.CreateEmbeddings(ctx, req); !errors.As(err, &apiErr) || apiErr.HTTPStatusCode != 500 {
			t.Errorf("err = %v, want 500", err)
		}
	}
	s.EmbedFault(llmtest.FaultNone)
	if _, err := c.CreateEmbeddings(ctx, req); err != nil {
		t.Errorf("after clearing: %v", err)
	}

	s.EmbedFaultN(llmtest.FaultTruncatedJSON, 1)
	if _, err := c.CreateEmbeddings(ctx, req); err == nil {
		t.Error("truncated body decoded")
	}
	if _, err := c.CreateEmbeddings(ctx, req); err != nil {
		t.Errorf("EmbedFaultN(1) applied twice: %v", err)
	}

	s.EmbedFaultN(llmtest.FaultRateLimit, 1)
	status, hdr, _ := post(t, s, "/embeddings", req)
	if status != 429 || hdr.Get("Retry-After") != "0" {
		t.Errorf("status %d Retry-After %q", status, hdr.Get("Retry-After"))
	}

	s.EmbedFaultN(llmtest.FaultEmptyChoices, 1)
	resp, err := c.CreateEmbeddings(ctx, req)
	if err != nil || len(resp.Data) != 0 {
		t.Errorf("empty: %v %+v", err, resp)
	}

	tctx, cancel := context.WithTimeout(ctx, 100*time.Millisecond)
	defer cancel()
	s.EmbedFaultN(llmtest.FaultTimeout, 1)
	if _, err := c.CreateEmbeddings(tctx, req); !errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("timeout: %v", err)
	}
}

func TestModels_ListsSeenModelsAndFake(t *testing.T) {
	s := llmtest.New(t)
	c := client(s)
	if _, err := c.CreateChatCompletion(context.Background(), ask("q")); err != nil {
		t.Fatal(err)
	}
	if _, err := c.CreateEmbeddings(context.Background(), openai.EmbeddingRequest{Input: "x", Model: "emb-9"}); err != nil {
		t.Fatal(err)
	}
	list, err := c.ListModels(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	var ids []string
	for _, m := range list.Models {
		ids = append(ids, m.ID)
	}
	if want := "[fake-model emb-9 m1]"; fmt.Sprint(ids) != want {
		t.Errorf("models %v, want %s", ids, want)
	}
}

func TestRequireAPIKey(t *testing.T) {
	s := llmtest.New(t)
	s.RequireAPIKey("sk-right")
	_, err := client(s).CreateChatCompletion(context.Background(), ask("q"))
	var apiErr *openai.APIError
	if !errors.As(err, &apiErr) || apiErr.HTTPStatusCode != 401 {
		t.Errorf("wrong key: %v", err)
	}
	s.RequireAPIKey("sk-test")
	if _, err := client(s).CreateChatCompletion(context.Background(), ask("q")); err != nil {
		t.Errorf("right key: %v", err)
	}
	if h := s.AuthHeaders(); len(h) != 2 || h[1] != "Bearer sk-test" {
		t.Errorf("auth headers %v", h)
	}
}

func TestClose_ReleasesHangingRequests(t *testing.T) {
	s := llmtest.NewServer()
	s.Sequence(llmtest.Reply{Fault: llmtest.FaultTimeout})
	errc := make(chan error, 1)
	go func() {
		_, err := client(s).CreateChatCompletion(context.Background(), ask("q"))
		errc <- err
	}()
	for s.ChatCount() == 0 {
		time.Sleep(time.Millisecond)
	}
	closed := make(chan struct{})
	go func() { s.Close(); close(closed) }()
	select {
	case <-closed:
	case <-time.After(10 * time.Second):
		t.Fatal("Close hung on a FaultTimeout request")
	}
	if err := <-errc; err == nil {
		t.Error("hanging request succeeded")
	}
	s.Close() // idempotent
}

func TestUnknownPath_IsAnOpenAIError(t *testing.T) {
	s := llmtest.New(t)
	status, _, body := post(t, s, "/completions", map[string]string{})
	if status != 404 || !bytes.Contains(body, []byte(`"error"`)) {
		t.Errorf("status %d body %s", status, body)
	}
}
