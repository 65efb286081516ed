package llm

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"math"
	"net"
	"net/http"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	openai "github.com/sashabaranov/go-openai"

	"github.com/goldset/goldset/llm/llmtest"
)

const testKey = "sk-goldset-secret-test-key-0123456789"

type memRecorder struct {
	mu    sync.Mutex
	calls []Call
}

func (r *memRecorder) RecordCall(_ context.Context, c Call) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.calls = append(r.calls, c)
	return nil
}

func (r *memRecorder) all() []Call {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]Call(nil), r.calls...)
}

func (r *memRecorder) last(t *testing.T) Call {
	t.Helper()
	calls := r.all()
	if len(calls) == 0 {
		t.Fatal("no call recorded")
	}
	return calls[len(calls)-1]
}

type fixture struct {
	srv   *llmtest.Server
	c     *Client
	rec   *memRecorder
	cache *MemoryCache
	logs  *syncBuffer
}

type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// newFixture is a client on a fresh llmtest server with fast backoff, a recorder, a cache and debug logs.
func newFixture(t *testing.T, mod func(*Settings)) *fixture {
	t.Helper()
	f := &fixture{srv: llmtest.New(t), rec: &memRecorder{}, cache: NewMemoryCache(), logs: &syncBuffer{}}
	f.srv.RequireAPIKey(testKey)
	s := Settings{
		BaseURL:        f.srv.URL,
		APIKey:         testKey,
		Model:          "m-default",
		EmbeddingModel: "emb-1",
		MaxRetries:     3,
		Timeout:        5 * time.Second,
		Backoff:        Backoff{Base: time.Millisecond, Max: 5 * time.Millisecond, RetryAfterMax: 50 * time.Millisecond},
	}
	if mod != nil {
		mod(&s)
	}
	if err := s.Validate(); err != nil {
		t.Fatal(err)
	}
	log := slog.New(slog.NewTextHandler(f.logs, &slog.HandlerOptions{Level: slog.LevelDebug}))
	f.c = New(s, f.rec, f.cache, log)
	return f
}

func userReq(q string) openai.ChatCompletionRequest {
	return openai.ChatCompletionRequest{Messages: []openai.ChatCompletionMessage{
		{Role: openai.ChatMessageRoleSystem, Content: "system prompt"},
		{Role: openai.ChatMessageRoleUser, Content: q},
	}}
}

var agentMeta = CallMeta{Purpose: PurposeAgent, RunKind: "agent", RunID: 7, ItemKey: "nlq-1"}

func ptr[T any](v T) *T { return &v }

func TestNotConfigured_EveryCallFailsAtOnce(t *testing.T) {
	t.Parallel()
	c := New(Settings{}, nil, nil, nil)
	ctx := context.Background()
	if c.Configured() {
		t.Fatal("configured without a base URL")
	}
	if _, err := c.Chat(ctx, agentMeta, userReq("q")); !errors.Is(err, ErrNotConfigured) {
		t.Errorf("Chat: %v", err)
	}
	if _, err := c.Embed(ctx, agentMeta, []string{"x"}); !errors.Is(err, ErrNotConfigured) {
		t.Errorf("Embed: %v", err)
	}
	r := c.Test(ctx)
	if r.OK() || r.Chat.OK || !strings.Contains(r.Chat.Error, "GOLDSET_LLM_BASE_URL") || r.Embeddings.OK {
		t.Errorf("Test: %+v", r)
	}
}

func TestChat_NoModelOrEmbeddingModelIsNotConfigured(t *testing.T) {
	t.Parallel()
	f := newFixture(t, func(s *Settings) { s.Model, s.EmbeddingModel = "", "" })
	if _, err := f.c.Chat(context.Background(), agentMeta, userReq("q")); !errors.Is(err, ErrNotConfigured) || !strings.Contains(err.Error(), EnvModel) {
		t.Errorf("Chat: %v", err)
	}
	if _, err := f.c.Embed(context.Background(), agentMeta, []string{"x"}); !errors.Is(err, ErrNotConfigured) || !strings.Contains(err.Error(), EnvEmbeddingModel) {
		t.Errorf("Embed: %v", err)
	}
	if f.srv.ChatCount()+f.srv.EmbedCount() != 0 {
		t.Error("a request was sent")
	}
}

func TestChat_SendsPurposeModelTemperatureAndMaxTokens(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name     string
		settings func(*Settings)
		meta     CallMeta
		req      openai.ChatCompletionRequest
		wantTemp float32
		model    string
		maxTok   int
	}{
		{name: "zero temperature is sent as a tiny non-zero value", meta: agentMeta,
			wantTemp: ZeroTemperature, model: "m-default"},
		{name: "configured temperature exactly", settings: func(s *Settings) { s.Temperature = 0.7; s.MaxTokens = 300 }, meta: agentMeta,
			wantTemp: 0.7, model: "m-default", maxTok: 300},
		{name: "purpose overrides", meta: CallMeta{Purpose: PurposeJudge},
			settings: func(s *Settings) {
				s.Temperature = 0.7
				s.Purposes = map[Purpose]PurposeSettings{PurposeJudge: {Model: "judge-m", Temperature: ptr(0.0), MaxTokens: 64}}
			},
			wantTemp: ZeroTemperature, model: "judge-m", maxTok: 64},
		{name: "purpose temperature", meta: CallMeta{Purpose: PurposeGenerator},
			settings: func(s *Settings) {
				s.Purposes = map[Purpose]PurposeSettings{PurposeGenerator: {Temperature: ptr(0.9)}}
			},
			wantTemp: 0.9, model: "m-default"},
		{name: "fields the caller sets win", meta: agentMeta, settings: func(s *Settings) { s.MaxTokens = 300 },
			req:      openai.ChatCompletionRequest{Model: "caller-m", Temperature: 0.2, MaxTokens: 10},
			wantTemp: 0.2, model: "caller-m", maxTok: 10},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := newFixture(t, tt.settings)
			req := tt.req
			req.Messages = userReq("q").Messages
			if _, err := f.c.Chat(context.Background(), tt.meta, req); err != nil {
				t.Fatal(err)
			}
			got := f.srv.Requests()[0]
			if got.Temperature != tt.wantTemp || got.Temperature == 0 || got.Model != tt.model || got.MaxTokens != tt.maxTok {
				t.Errorf("server got temperature %v model %q max tokens %d; want %v %q %d",
					got.Temperature, got.Model, got.MaxTokens, tt.wantTemp, tt.model, tt.maxTok)
			}
		})
	}
}

func TestChat_ReasoningModelsGetMaxCompletionTokensAndNoTemperature(t *testing.T) {
	t.Parallel()
	f := newFixture(t, func(s *Settings) { s.Model = "o3-mini"; s.MaxTokens = 500 })
	if _, err := f.c.Chat(context.Background(), agentMeta, userReq("q")); err != nil {
		t.Fatal(err)
	}
	got := f.srv.Requests()[0]
	if got.MaxTokens != 0 || got.MaxCompletionTokens != 500 || got.Temperature != 0 {
		t.Errorf("sent max_tokens %d max_completion_tokens %d temperature %v", got.MaxTokens, got.MaxCompletionTokens, got.Temperature)
	}
}

func TestChat_Retries(t *testing.T) {
	t.Parallel()
	rateLimit := llmtest.Reply{Fault: llmtest.FaultRateLimit}
	storm := make([]llmtest.Reply, 0, 11)
	for range 10 {
		storm = append(storm, rateLimit)
	}
	tests := []struct {
		name       string
		maxRetries int
		replies    []llmtest.Reply
		wantErr    func(error) bool // nil: success
		wantErrMsg string
		attempts   int
	}{
		{name: "429 storm with Retry-After 0 then success", maxRetries: 10, replies: append(storm, llmtest.Text("ok")), attempts: 11},
		{name: "500 then success", replies: []llmtest.Reply{{Fault: llmtest.FaultServerError}, llmtest.Text("ok")}, attempts: 2},
		{name: "503 then success", replies: []llmtest.Reply{{Fault: llmtest.FaultUnavailable, RetryAfter: -1}, llmtest.Text("ok")}, attempts: 2},
		{name: "timeout then success", replies: []llmtest.Reply{{Fault: llmtest.FaultTimeout}, llmtest.Text("ok")}, attempts: 2},
		{name: "truncated JSON then success", replies: []llmtest.Reply{{Fault: llmtest.FaultTruncatedJSON, Content: "a long answer"}, llmtest.Text("ok")}, attempts: 2},
		{name: "malformed JSON then success", replies: []llmtest.Reply{{Fault: llmtest.FaultMalformedJSON}, llmtest.Text("ok")}, attempts: 2},
		{name: "empty choices then success", replies: []llmtest.Reply{{Fault: llmtest.FaultEmptyChoices}, llmtest.Text("ok")}, attempts: 2},
		{name: "400 is not retried", replies: []llmtest.Reply{{Fault: llmtest.FaultBadRequest, ErrorMessage: "maximum context length exceeded"}, llmtest.Text("ok")},
			wantErr: isStatus(400), wantErrMsg: "HTTP 400 Bad Request: maximum context length exceeded", attempts: 1},
		{name: "401 is not retried", replies: []llmtest.Reply{{Fault: llmtest.FaultUnauthorized, ErrorMessage: "Incorrect API key"}, llmtest.Text("ok")},
			wantErr: isStatus(401), wantErrMsg: "HTTP 401 Unauthorized: Incorrect API key", attempts: 1},
		{name: "500 forever gives up after MaxRetries", replies: []llmtest.Reply{{Fault: llmtest.FaultServerError, ErrorMessage: "boom"}},
			wantErr: isStatus(500), wantErrMsg: "after 4 attempt(s): HTTP 500 Internal Server Error: boom", attempts: 4},
		{name: "malformed forever is a bad response", replies: []llmtest.Reply{{Fault: llmtest.FaultMalformedJSON}},
			wantErr: func(err error) bool { return errors.Is(err, ErrBadResponse) }, wantErrMsg: "<html>", attempts: 4},
		{name: "timeout forever", replies: []llmtest.Reply{{Fault: llmtest.FaultTimeout}},
			wantErr: func(err error) bool { return errors.Is(err, ErrTimeout) }, attempts: 4},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := newFixture(t, func(s *Settings) {
				if tt.maxRetries != 0 {
					s.MaxRetries = tt.maxRetries
				}
				s.Timeout = 300 * time.Millisecond
			})
			f.srv.Sequence(tt.replies...)
			resp, err := f.c.Chat(context.Background(), agentMeta, userReq("q"))
			if tt.wantErr == nil {
				if err != nil || resp.Choices[0].Message.Content != "ok" {
					t.Fatalf("err %v resp %+v", err, resp)
				}
			} else if err == nil || !tt.wantErr(err) || !strings.Contains(err.Error(), tt.wantErrMsg) {
				t.Fatalf("err = %v, want one containing %q", err, tt.wantErrMsg)
			}
			if f.srv.ChatCount() != tt.attempts {
				t.Errorf("server saw %d requests, want %d", f.srv.ChatCount(), tt.attempts)
			}
			call := f.rec.last(t)
			if call.Attempts != tt.attempts || (err == nil) != (call.Error == "") || (err == nil) != (call.Response != nil) {
				t.Errorf("recorded attempts %d error %q response %d bytes", call.Attempts, call.Error, len(call.Response))
			}
			if tt.attempts > 1 && !strings.Contains(f.logs.String(), "llm: retrying") {
				t.Error("no debug line for the retries")
			}
		})
	}
}

func isStatus(code int) func(error) bool {
	return func(err error) bool {
		var se *StatusError
		return errors.As(err, &se) && se.StatusCode == code
	}
}

func TestChat_ConnectionErrorsAreRetried(t *testing.T) {
	t.Parallel()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := l.Addr().String()
	l.Close() // nothing listens: connection refused
	rec := &memRecorder{}
	c := New(Settings{BaseURL: "http://" + addr + "/v1", Model: "m", MaxRetries: 2,
		Backoff: Backoff{Base: time.Millisecond, Max: time.Millisecond}}, rec, nil, nil)
	_, err = c.Chat(context.Background(), agentMeta, userReq("q"))
	if err == nil || rec.last(t).Attempts != 3 {
		t.Errorf("err %v, attempts %d", err, rec.last(t).Attempts)
	}
}

func TestChat_RetryAfterIsHonouredAndCapped(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name  string
		reply llmtest.Reply
		want  time.Duration
	}{
		{"Retry-After 0", llmtest.Reply{Fault: llmtest.FaultRateLimit}, 0},
		{"Retry-After above the cap", llmtest.Reply{Fault: llmtest.FaultRateLimit, RetryAfter: 30 * time.Second}, 50 * time.Millisecond},
		{"503 Retry-After", llmtest.Reply{Fault: llmtest.FaultUnavailable, RetryAfter: 30 * time.Second}, 50 * time.Millisecond},
		{"no header: backoff", llmtest.Reply{Fault: llmtest.FaultRateLimit, RetryAfter: -1}, time.Millisecond - 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := newFixture(t, nil)
			f.c.jitter = func(limit time.Duration) time.Duration { return limit - 1 }
			var waits []time.Duration
			f.c.sleep = func(ctx context.Context, d time.Duration) error { waits = append(waits, d); return nil }
			f.srv.Sequence(tt.reply, llmtest.Text("ok"))
			if _, err := f.c.Chat(context.Background(), agentMeta, userReq("q")); err != nil {
				t.Fatal(err)
			}
			if len(waits) != 1 || waits[0] != tt.want {
				t.Errorf("waits %v, want [%v]", waits, tt.want)
			}
		})
	}
}

func TestParseRetryAfter(t *testing.T) {
	t.Parallel()
	now := time.Date(2025, 1, 2, 3, 4, 5, 0, time.UTC)
	tests := []struct {
		in   string
		want time.Duration
		ok   bool
	}{
		{"0", 0, true},
		{"3", 3 * time.Second, true},
		{"1.5", 1500 * time.Millisecond, true},
		{now.Add(10 * time.Second).Format(http.TimeFormat), 10 * time.Second, true},
		{now.Add(-time.Hour).Format(http.TimeFormat), 0, true},
		{"", 0, false},
		{"-1", 0, false},
		{"soon", 0, false},
	}
	for _, tt := range tests {
		got, ok := parseRetryAfter(tt.in, now)
		if got != tt.want || ok != tt.ok {
			t.Errorf("parseRetryAfter(%q) = %v, %v; want %v, %v", tt.in, got, ok, tt.want, tt.ok)
		}
	}
}

func TestBackoff_IsExponentialFullJitterCapped(t *testing.T) {
	t.Parallel()
	c := New(Settings{Backoff: Backoff{Base: 250 * time.Millisecond, Max: 20 * time.Second}}, nil, nil, nil)
	var limits []time.Duration
	c.jitter = func(limit time.Duration) time.Duration { limits = append(limits, limit); return limit / 2 }
	for attempt := 1; attempt <= 9; attempt++ {
		c.backoff(attempt)
	}
	want := "[250ms 500ms 1s 2s 4s 8s 16s 20s 20s]"
	if fmt.Sprint(limits) != want {
		t.Errorf("limits %v, want %s", limits, want)
	}
	d := New(Settings{}, nil, nil, nil)
	for range 100 {
		if w := d.backoff(3); w < 0 || w >= time.Second {
			t.Fatalf("jitter %v outside [0, 1s)", w)
		}
	}
	if d.backoff(100) >= DefaultBackoffMax {
		t.Error("backoff above the cap")
	}
}

func TestChat_CancellationMidBackoffReturnsPromptly(t *testing.T) {
	t.Parallel()
	f := newFixture(t, func(s *Settings) { s.Backoff = Backoff{Base: time.Hour, Max: time.Hour} })
	f.srv.Sequence(llmtest.Reply{Fault: llmtest.FaultServerError})
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	inBackoff := make(chan struct{})
	f.c.sleep = func(ctx context.Context, d time.Duration) error {
		close(inBackoff)
		return sleepCtx(ctx, d)
	}
	go func() { <-inBackoff; cancel() }()
	start := time.Now()
	_, err := f.c.Chat(ctx, agentMeta, userReq("q"))
	if !errors.Is(err, context.Canceled) {
		t.Errorf("err = %v, want context.Canceled", err)
	}
	if el := time.Since(start); el > 5*time.Second {
		t.Errorf("took %v", el)
	}
	if f.srv.ChatCount() != 1 {
		t.Errorf("%d requests", f.srv.ChatCount())
	}
}

func TestChat_CancellationDuringRequest(t *testing.T) {
	t.Parallel()
	f := newFixture(t, nil)
	ctx, cancel := context.WithCancel(context.Background())
	f.srv.Respond(func(openai.ChatCompletionRequest) llmtest.Reply {
		cancel()
		return llmtest.Reply{Fault: llmtest.FaultTimeout}
	})
	_, err := f.c.Chat(ctx, agentMeta, userReq("q"))
	if !errors.Is(err, context.Canceled) || f.srv.ChatCount() != 1 {
		t.Errorf("err = %v after %d requests", err, f.srv.ChatCount())
	}
}

func TestChat_ToolCallsComeBackUntouched(t *testing.T) {
	t.Parallel()
	f := newFixture(t, nil)
	f.srv.Sequence(
		llmtest.RawToolCall("give_final_answer", "{not json"),
		llmtest.Calls(llmtest.ToolCall("run_sql_query", map[string]string{"sql": "SELECT 1"}), llmtest.ToolCall("scratchpad", `{"note":"n"}`)),
	)
	resp, err := f.c.Chat(context.Background(), agentMeta, userReq("q"))
	if err != nil {
		t.Fatal(err)
	}
	tc := resp.Choices[0].Message.ToolCalls
	if resp.Choices[0].FinishReason != openai.FinishReasonToolCalls || len(tc) != 1 || tc[0].Function.Arguments != "{not json" || tc[0].ID == "" {
		t.Errorf("tool calls %+v", tc)
	}
	resp, err = f.c.Chat(context.Background(), agentMeta, userReq("q2"))
	if err != nil {
		t.Fatal(err)
	}
	tc = resp.Choices[0].Message.ToolCalls
	if len(tc) != 2 || tc[0].Function.Arguments != `{"sql":"SELECT 1"}` || tc[1].Function.Name != "scratchpad" || tc[0].ID == tc[1].ID {
		t.Errorf("tool calls %+v", tc)
	}
}

func TestChat_ConcurrencyLimitIsRespected(t *testing.T) {
	t.Parallel()
	for _, limit := range []int{1, 4, 0} {
		t.Run(fmt.Sprint("limit ", limit), func(t *testing.T) {
			f := newFixture(t, func(s *Settings) { s.MaxConcurrency = limit })
			want := limit
			if want == 0 {
				want = DefaultMaxConcurrency
			}
			f.srv.Respond(func(openai.ChatCompletionRequest) llmtest.Reply {
				return llmtest.Reply{Content: "ok", Delay: 10 * time.Millisecond}
			})
			var wg sync.WaitGroup
			var failed atomic.Int64
			for i := range 32 {
				wg.Go(func() {
					req := userReq(fmt.Sprint("q", i))
					req.Temperature = 1 // not cached
					if _, err := f.c.Chat(context.Background(), agentMeta, req); err != nil {
						failed.Add(1)
					}
				})
			}
			wg.Wait()
			if failed.Load() != 0 || f.srv.ChatCount() != 32 {
				t.Fatalf("%d failed, %d requests", failed.Load(), f.srv.ChatCount())
			}
			if got := f.srv.MaxInFlight(); got > want || got < 1 {
				t.Errorf("max in flight %d, limit %d", got, want)
			}
		})
	}
}

func TestTokenBucket_WaitsForTheWindow(t *testing.T) {
	t.Parallel()
	clock := time.Unix(0, 0)
	var waits []time.Duration
	b := newTokenBucket(1000, time.Minute)
	b.now = func() time.Time { return clock }
	b.sleep = func(ctx context.Context, d time.Duration) error {
		if err := ctx.Err(); err != nil {
			return err
		}
		waits = append(waits, d)
		clock = clock.Add(d)
		return nil
	}
	ctx := context.Background()
	mustReserve := func(n int) int {
		t.Helper()
		got, err := b.reserve(ctx, n)
		if err != nil {
			t.Fatal(err)
		}
		return got
	}
	mustReserve(600) // within the burst
	mustReserve(400) // exactly empties it
	if len(waits) != 0 {
		t.Fatalf("waited %v inside the budget", waits)
	}
	r := mustReserve(100) // 100 tokens short: 6 s at 1000/min
	if len(waits) != 1 || waits[0] != 6*time.Second {
		t.Fatalf("waits %v, want [6s]", waits)
	}
	b.settle(r, 10) // used far less: 90 back
	mustReserve(90)
	if len(waits) != 1 {
		t.Errorf("refund not honoured: waits %v", waits)
	}
	b.settle(0, 300) // a call used more than reserved: debt
	mustReserve(60)
	if len(waits) != 2 || waits[1] != 21600*time.Millisecond {
		t.Errorf("waits %v, want a 21.6s wait for a 360-token debt", waits)
	}
	if got := mustReserve(5000); got != 1000 {
		t.Errorf("a reservation above the capacity took %d, want the capacity", got)
	}
	cctx, cancel := context.WithCancel(ctx)
	cancel()
	b.settle(0, 0) // bring the bucket up to the clock
	before := b.tokens
	if _, err := b.reserve(cctx, 500); !errors.Is(err, context.Canceled) || b.tokens != before {
		t.Errorf("cancelled reservation: err %v, tokens %v → %v", err, before, b.tokens)
	}
}

func TestChat_TokensPerMinuteDelaysCalls(t *testing.T) {
	t.Parallel()
	// Each call reserves its whole estimate, 25 prompt + 75 max tokens = the full budget of 100 per
	// 100 ms, and reports exactly that usage: 5 calls need at least 4 refills.
	const window = 100 * time.Millisecond
	f := newFixture(t, func(s *Settings) { s.TokensPerMinute = 100; s.RateWindow = window; s.MaxTokens = 75 })
	f.srv.Respond(func(openai.ChatCompletionRequest) llmtest.Reply {
		return llmtest.Reply{Content: "ok", PromptTokens: 25, CompletionTokens: 75}
	})
	req := openai.ChatCompletionRequest{Messages: []openai.ChatCompletionMessage{{Role: "user", Content: strings.Repeat("x", 100)}}, Temperature: 1}
	if est := chatEstimate(func() openai.ChatCompletionRequest { r := req; r.MaxTokens = 75; return r }()); est != 100 {
		t.Fatalf("estimate %d", est)
	}
	start := time.Now()
	var wg sync.WaitGroup
	for range 5 {
		wg.Go(func() {
			if _, err := f.c.Chat(context.Background(), agentMeta, req); err != nil {
				t.Error(err)
			}
		})
	}
	wg.Wait()
	if el := time.Since(start); el < 4*window-10*time.Millisecond {
		t.Errorf("5 calls of a full budget each took %v, want at least %v", el, 4*window)
	}
	if f.srv.ChatCount() != 5 {
		t.Errorf("%d requests", f.srv.ChatCount())
	}

	// A caller waiting for the budget gives up with its context.
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Millisecond)
	defer cancel()
	f.c.tpm.reserve(context.Background(), 100) // empty the bucket
	if _, err := f.c.Chat(ctx, agentMeta, req); !errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("err = %v, want deadline exceeded while waiting for the budget", err)
	}
	if f.srv.ChatCount() != 5 {
		t.Error("a call was sent without budget")
	}
}

func TestChat_CacheDeterministicCalls(t *testing.T) {
	t.Parallel()
	f := newFixture(t, nil)
	ctx := context.Background()
	f.srv.Respond(func(req openai.ChatCompletionRequest) llmtest.Reply {
		return llmtest.Text(fmt.Sprint("answer ", len(f.srv.Requests())))
	})
	first, err := f.c.Chat(ctx, agentMeta, userReq("q"))
	if err != nil {
		t.Fatal(err)
	}
	second, err := f.c.Chat(ctx, agentMeta, userReq("q"))
	if err != nil {
		t.Fatal(err)
	}
	if f.srv.ChatCount() != 1 || second.Choices[0].Message.Content != first.Choices[0].Message.Content || f.cache.Len() != 1 {
		t.Fatalf("cache not used: %d requests, %q vs %q", f.srv.ChatCount(), first.Choices[0].Message.Content, second.Choices[0].Message.Content)
	}
	hit := f.rec.last(t)
	if !hit.Cached || hit.PromptTokens != 0 || hit.CompletionTokens != 0 || hit.CostUSD != 0 || hit.Response == nil || hit.Attempts != 0 {
		t.Errorf("cache hit recorded as %+v", hit)
	}
	if miss := f.rec.all()[0]; miss.Cached || miss.PromptTokens == 0 {
		t.Errorf("miss recorded as %+v", miss)
	}

	// A different request is a miss; a non-deterministic one is never cached.
	if _, err := f.c.Chat(ctx, agentMeta, userReq("other")); err != nil {
		t.Fatal(err)
	}
	hot := userReq("q")
	hot.Temperature = 0.8
	for range 2 {
		if _, err := f.c.Chat(ctx, agentMeta, hot); err != nil {
			t.Fatal(err)
		}
	}
	if f.srv.ChatCount() != 4 || f.cache.Len() != 2 {
		t.Errorf("%d requests, %d cached", f.srv.ChatCount(), f.cache.Len())
	}
	// Failures are not cached.
	f.srv.Sequence(llmtest.Reply{Fault: llmtest.FaultBadRequest})
	if _, err := f.c.Chat(ctx, agentMeta, userReq("fails")); err == nil {
		t.Fatal("no error")
	}
	if f.cache.Len() != 2 {
		t.Error("failure cached")
	}
}

func TestChatCacheKey_CoversTheRequest(t *testing.T) {
	t.Parallel()
	base := userReq("q")
	base.Model, base.Temperature = "m", ZeroTemperature
	k0, _ := chatCacheKey(base)
	variants := map[string]func(*openai.ChatCompletionRequest){
		"model":       func(r *openai.ChatCompletionRequest) { r.Model = "m2" },
		"message":     func(r *openai.ChatCompletionRequest) { r.Messages[1].Content = "q2" },
		"tools":       func(r *openai.ChatCompletionRequest) { r.Tools = []openai.Tool{{Type: "function"}} },
		"tool choice": func(r *openai.ChatCompletionRequest) { r.ToolChoice = "required" },
		"max tokens":  func(r *openai.ChatCompletionRequest) { r.MaxTokens = 5 },
		"temperature": func(r *openai.ChatCompletionRequest) { r.Temperature = 0.5 },
		"response format": func(r *openai.ChatCompletionRequest) {
			r.ResponseFormat = &openai.ChatCompletionResponseFormat{Type: "json_object"}
		},
	}
	for name, mod := range variants {
		r := base
		r.Messages = append([]openai.ChatCompletionMessage(nil), base.Messages...)
		mod(&r)
		if k, _ := chatCacheKey(r); k == k0 {
			t.Errorf("%s does not change the key", name)
		}
	}
	again := userReq("q")
	again.Model, again.Temperature = "m", ZeroTemperature
	if k, _ := chatCacheKey(again); k != k0 {
		t.Error("equal requests give different keys")
	}
}

func TestCalls_AreRecordedWithCostAndNeverTheKey(t *testing.T) {
	t.Parallel()
	f := newFixture(t, func(s *Settings) {
		s.Prices = map[string]Price{"m-default": {Prompt: 2, Completion: 10}}
	})
	ctx := context.Background()
	f.srv.Sequence(
		llmtest.Reply{Content: "ok", PromptTokens: 1000, CompletionTokens: 100},
		llmtest.Reply{Fault: llmtest.FaultServerError, ErrorMessage: "upstream rejected key " + testKey},
		llmtest.Reply{Fault: llmtest.FaultBadRequest, ErrorMessage: "Incorrect API key provided: " + testKey},
	)
	if _, err := f.c.Chat(ctx, agentMeta, userReq("q")); err != nil {
		t.Fatal(err)
	}
	ok := f.rec.last(t)
	if ok.Meta != agentMeta || ok.Model != "m-default" || ok.PromptTokens != 1000 || ok.CompletionTokens != 100 ||
		math.Abs(ok.CostUSD-0.003) > 1e-12 || ok.Attempts != 1 || ok.Latency <= 0 || !json.Valid(ok.Request) || !json.Valid(ok.Response) {
		t.Errorf("recorded %+v", ok)
	}
	if _, err := f.c.Chat(ctx, agentMeta, userReq("q2")); err == nil {
		t.Fatal("no error")
	}
	if _, err := f.c.Embed(ctx, agentMeta, []string{"x"}); err != nil {
		t.Fatal(err)
	}
	f.c.Test(ctx)
	if len(f.srv.AuthHeaders()) == 0 || f.srv.AuthHeaders()[0] != "Bearer "+testKey {
		t.Fatal("the key was not sent")
	}
	for _, c := range f.rec.all() {
		blob := fmt.Sprintf("%s %s %s %+v", c.Request, c.Response, c.Error, c)
		if strings.Contains(blob, testKey) {
			t.Errorf("key in recorded call: %s", blob)
		}
	}
	if strings.Contains(f.logs.String(), testKey) {
		t.Errorf("key in logs: %s", f.logs.String())
	}
	f.c.log.Info("settings", "llm", f.c.Settings())
	if strings.Contains(f.logs.String(), testKey) || !strings.Contains(f.logs.String(), "api_key=set") {
		t.Errorf("settings logged with the key: %s", f.logs.String())
	}
}

func TestEmbed(t *testing.T) {
	t.Parallel()
	f := newFixture(t, nil)
	ctx := context.Background()
	texts := make([]string, 600)
	for i := range texts {
		texts[i] = fmt.Sprintf("question number %d", i%550) // 50 repeats
	}
	vecs, err := f.c.Embed(ctx, CallMeta{RunKind: "metrics"}, texts)
	if err != nil {
		t.Fatal(err)
	}
	var sizes []int
	for _, r := range f.srv.EmbedRequests() {
		sizes = append(sizes, len(r.Input))
		if r.Model != "emb-1" {
			t.Errorf("model %q", r.Model)
		}
	}
	if fmt.Sprint(sizes) != "[256 256 38]" {
		t.Errorf("batches %v, want [256 256 38] (550 distinct texts)", sizes)
	}
	for i, v := range vecs {
		if fmt.Sprint(v) != fmt.Sprint(llmtest.TrigramEmbedding(texts[i])) {
			t.Fatalf("vector %d is not the embedding of its text", i)
		}
	}
	if c := f.rec.last(t); c.Meta.Purpose != PurposeEmbeddings || c.Model != "emb-1" || bytes.Contains(c.Response, []byte("0.")) {
		t.Errorf("recorded %+v", c)
	}

	// Cached per (model, text): only new texts are sent.
	before := f.srv.EmbedCount()
	if _, err := f.c.Embed(ctx, CallMeta{}, []string{texts[0], "brand new"}); err != nil {
		t.Fatal(err)
	}
	reqs := f.srv.EmbedRequests()
	if f.srv.EmbedCount() != before+1 || fmt.Sprint(reqs[len(reqs)-1].Input) != "[brand new]" {
		t.Errorf("sent %v", reqs[len(reqs)-1].Input)
	}
	var cachedCall bool
	for _, c := range f.rec.all() {
		cachedCall = cachedCall || c.Cached
	}
	if !cachedCall {
		t.Error("cache hits not recorded")
	}
}

func TestEmbed_NormalisesAndValidates(t *testing.T) {
	t.Parallel()
	f := newFixture(t, nil)
	ctx := context.Background()
	f.srv.Embed(func(string) []float32 { return []float32{3, 4} })
	v, err := f.c.Embed(ctx, CallMeta{}, []string{"a"})
	if err != nil || fmt.Sprint(v) != "[[0.6 0.8]]" {
		t.Errorf("got %v, %v", v, err)
	}
	f.srv.Embed(func(string) []float32 { return []float32{0, 0} })
	if _, err := f.c.Embed(ctx, CallMeta{}, []string{"zero"}); !errors.Is(err, ErrBadResponse) {
		t.Errorf("zero vector: %v", err)
	}
	f.srv.Embed(llmtest.TrigramEmbedding)
	f.srv.EmbedFaultN(llmtest.FaultEmptyChoices, 100)
	if _, err := f.c.Embed(ctx, CallMeta{}, []string{"b"}); !errors.Is(err, ErrBadResponse) || !strings.Contains(err.Error(), "0 embeddings for 1 inputs") {
		t.Errorf("no data: %v", err)
	}
	f.srv.EmbedFaultN(llmtest.FaultRateLimit, 2)
	if _, err := f.c.Embed(ctx, CallMeta{}, []string{"c"}); err != nil {
		t.Errorf("429 twice then success: %v", err)
	}
	f.srv.EmbedFaultN(llmtest.FaultBadRequest, 1)
	before := f.srv.EmbedCount()
	if _, err := f.c.Embed(ctx, CallMeta{}, []string{"d"}); !isStatus(400)(err) || f.srv.EmbedCount() != before+1 {
		t.Errorf("400: %v", err)
	}
}

func TestTest_ReportsEachPart(t *testing.T) {
	t.Parallel()
	f := newFixture(t, nil)
	ctx := context.Background()
	f.srv.Respond(func(req openai.ChatCompletionRequest) llmtest.Reply {
		if len(req.Tools) > 0 {
			return llmtest.Call(req.Tools[0].Function.Name, map[string]string{"value": "pong"})
		}
		return llmtest.Text("OK")
	})
	r := f.c.Test(ctx)
	if !r.OK() || !r.Chat.OK || r.Chat.Model != "m-default" || !r.ToolCalls.OK || !r.Embeddings.OK || r.Embeddings.Dimension != llmtest.EmbeddingDim {
		t.Fatalf("report %+v", r)
	}
	// Not cached: a second test reaches the server again.
	n := f.srv.ChatCount()
	f.c.Test(ctx)
	if f.srv.ChatCount() != n+2 || f.srv.EmbedCount() != 2 {
		t.Errorf("test answered from cache: %d chat, %d embed", f.srv.ChatCount(), f.srv.EmbedCount())
	}

	f.srv.Respond(func(openai.ChatCompletionRequest) llmtest.Reply { return llmtest.Text("I cannot call tools") })
	f.srv.EmbedFault(llmtest.FaultUnauthorized)
	r = f.c.Test(ctx)
	if r.OK() || !r.Chat.OK || r.ToolCalls.OK || !strings.Contains(r.ToolCalls.Error, "tool calling") || r.Embeddings.OK || !strings.Contains(r.Embeddings.Error, "401") {
		t.Errorf("report %+v", r)
	}

	g := newFixture(t, func(s *Settings) { s.EmbeddingModel = "" })
	r = g.c.Test(ctx)
	if !r.Embeddings.Skipped || r.Embeddings.OK || !strings.Contains(r.Embeddings.Error, EnvEmbeddingModel) {
		t.Errorf("no embedding model: %+v", r.Embeddings)
	}
}

func TestMemoryCache(t *testing.T) {
	t.Parallel()
	c := NewMemoryCache()
	ctx := context.Background()
	if _, ok, err := c.GetResponse(ctx, "k"); ok || err != nil {
		t.Fatal("hit on empty cache")
	}
	buf := []byte("v")
	_ = c.PutResponse(ctx, "k", "m", buf)
	buf[0] = 'x'
	if b, ok, _ := c.GetResponse(ctx, "k"); !ok || string(b) != "v" {
		t.Errorf("got %q %v", b, ok)
	}
}
