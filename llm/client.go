package llm

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"math"
	"math/rand/v2"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"

	openai "github.com/sashabaranov/go-openai"
)

// ErrBadResponse: the endpoint answered 2xx with something that is not a valid reply (a body that is
// not JSON or is cut short, no choices, wrong number of embeddings). It is wrapped with the detail and
// retried like a 5xx.
var ErrBadResponse = errors.New("bad response from the language model")

// ErrTimeout: one attempt got no complete answer within Settings.Timeout. Retried.
var ErrTimeout = errors.New("no answer from the language model in time")

// StatusError is an HTTP error answer from the endpoint, with the server's own message.
// 429, 408 and 5xx are retried; other statuses (400, 401, 403, 404, ...) are returned at once.
type StatusError struct {
	StatusCode int
	Message    string // the server's error message, or the start of its body
	Type       string // OpenAI error type, when given
	Code       string // OpenAI error code, when given
}

func (e *StatusError) Error() string {
	msg := e.Message
	if msg == "" {
		msg = "(no message)"
	}
	return fmt.Sprintf("HTTP %d %s: %s", e.StatusCode, http.StatusText(e.StatusCode), msg)
}

// Temperature zero is sent as ZeroTemperature: go-openai omits a zero temperature from the request
// (omitempty), and the server would then use its default (often 0.7 or 1). A value this small is
// greedy decoding for every server we know of, and it is what makes a call deterministic and cacheable.
const ZeroTemperature float32 = 1e-9

// maxEmbedBatch is how many inputs go in one embeddings request.
const maxEmbedBatch = 256

// Client sends chat and embeddings calls to one OpenAI-compatible endpoint. It is safe for concurrent
// use, and its limits (concurrency, tokens per minute) are shared by all its callers: make one per
// process.
type Client struct {
	given    Settings
	settings Settings // with defaults
	oa       *openai.Client
	rec      Recorder
	cache    Cache
	log      *slog.Logger

	sem semaphore
	tpm *tokenBucket // nil: unlimited

	jitter func(limit time.Duration) time.Duration // uniform in [0, limit)
	sleep  func(ctx context.Context, d time.Duration) error
}

// New returns a client for settings (validate them first: New does not). rec and cache may be nil;
// log nil discards. With an empty BaseURL every call fails with ErrNotConfigured.
func New(settings Settings, rec Recorder, cache Cache, log *slog.Logger) *Client {
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	s := settings.withDefaults()
	c := &Client{
		given:    settings,
		settings: s,
		rec:      rec,
		cache:    cache,
		log:      log,
		sem:      make(semaphore, s.MaxConcurrency),
		jitter: func(limit time.Duration) time.Duration {
			if limit <= 0 {
				return 0
			}
			return time.Duration(rand.Int64N(int64(limit)))
		},
		sleep: sleepCtx,
	}
	if s.TokensPerMinute > 0 {
		c.tpm = newTokenBucket(s.TokensPerMinute, s.RateWindow)
	}
	if s.Configured() {
		transport := http.DefaultTransport.(*http.Transport).Clone()
		transport.MaxIdleConnsPerHost = s.MaxConcurrency
		cfg := openai.DefaultConfig(s.APIKey)
		cfg.BaseURL = strings.TrimRight(s.BaseURL, "/")
		cfg.HTTPClient = exchangeDoer{hc: &http.Client{Transport: transport}}
		c.oa = openai.NewClientWithConfig(cfg)
	}
	return c
}

// Settings returns the settings the client was made with (the key included: use Redacted to show them).
func (c *Client) Settings() Settings { return c.given }

// Configured reports whether an endpoint is set.
func (c *Client) Configured() bool { return c.settings.Configured() }

// Chat sends one chat completion for meta.Purpose. Fields of req left zero are filled from the
// purpose's settings (model, temperature, max tokens); fields the caller set win. A temperature of 0
// is sent as ZeroTemperature. Calls whose temperature is 0 are deterministic: with a cache, the
// response is looked up by the exact request first and stored after. The reply is returned as the
// model sent it; tool calls are not interpreted. Errors: ErrNotConfigured, *StatusError, ErrBadResponse,
// ErrTimeout, or the context's error, wrapped with the purpose, model and attempts.
func (c *Client) Chat(ctx context.Context, meta CallMeta, req openai.ChatCompletionRequest) (openai.ChatCompletionResponse, error) {
	return c.chat(ctx, meta, req, c.settings.MaxRetries, true)
}

func (c *Client) chat(ctx context.Context, meta CallMeta, req openai.ChatCompletionRequest, maxRetries int, useCache bool) (openai.ChatCompletionResponse, error) {
	var zero openai.ChatCompletionResponse
	if !c.Configured() {
		return zero, fmt.Errorf("llm: %w", ErrNotConfigured)
	}
	r := c.settings.forPurpose(meta.Purpose)
	if req.Model == "" {
		req.Model = r.model
	}
	if req.Model == "" {
		return zero, fmt.Errorf("llm: no model is configured for %s (set %s): %w", meta.Purpose, EnvModel, ErrNotConfigured)
	}
	temperature := float64(req.Temperature)
	if temperature == 0 {
		temperature = r.temperature
	}
	deterministic := temperature == 0
	req.Temperature = float32(temperature)
	if deterministic {
		req.Temperature = ZeroTemperature
	}
	if req.MaxTokens == 0 && req.MaxCompletionTokens == 0 && r.maxTokens > 0 {
		req.MaxTokens = r.maxTokens
	}
	adaptToReasoningModel(&req)

	start := time.Now()
	reqJSON, err := json.Marshal(req)
	if err != nil {
		return zero, fmt.Errorf("llm: encode %s request: %w", meta.Purpose, err)
	}
	var key string
	if deterministic && useCache && c.cache != nil {
		if key, err = chatCacheKey(req); err != nil {
			key = ""
		}
	}
	if key != "" {
		if resp, ok := c.cachedChat(ctx, key); ok {
			body, _ := json.Marshal(resp)
			c.record(ctx, Call{Meta: meta, Model: req.Model, Request: reqJSON, Response: body,
				Latency: time.Since(start), Cached: true})
			return resp, nil
		}
	}

	var resp openai.ChatCompletionResponse
	attempts, err := c.retry(ctx, meta, req.Model, chatEstimate(req), maxRetries, func(actx context.Context) (int, error) {
		got, err := c.oa.CreateChatCompletion(actx, req)
		if err != nil {
			return 0, err
		}
		if len(got.Choices) == 0 {
			return got.Usage.TotalTokens, fmt.Errorf("%w: the reply has no choices", ErrBadResponse)
		}
		resp = got
		return got.Usage.TotalTokens, nil
	})
	call := Call{Meta: meta, Model: req.Model, Request: reqJSON, Latency: time.Since(start), Attempts: attempts}
	if err != nil {
		err = fmt.Errorf("llm: %s call to %s failed after %d attempt(s): %w", meta.Purpose, req.Model, attempts, err)
		call.Error = c.redact(err.Error())
		c.record(ctx, call)
		return zero, err
	}
	body, _ := json.Marshal(resp)
	call.Response = body
	call.PromptTokens, call.CompletionTokens = resp.Usage.PromptTokens, resp.Usage.CompletionTokens
	call.CostUSD = c.cost(req.Model, call.PromptTokens, call.CompletionTokens)
	c.record(ctx, call)
	if key != "" {
		if err := c.cache.PutResponse(context.WithoutCancel(ctx), key, req.Model, body); err != nil {
			c.log.WarnContext(ctx, "llm: store response in cache", "purpose", meta.Purpose, "model", req.Model, "error", err)
		}
	}
	return resp, nil
}

// cachedChat returns a usable cached response; a lookup error or an unreadable entry is a miss.
func (c *Client) cachedChat(ctx context.Context, key string) (openai.ChatCompletionResponse, bool) {
	var resp openai.ChatCompletionResponse
	b, ok, err := c.cache.GetResponse(ctx, key)
	if err != nil {
		c.log.WarnContext(ctx, "llm: read response cache", "error", err)
		return resp, false
	}
	if !ok || json.Unmarshal(b, &resp) != nil || len(resp.Choices) == 0 {
		return resp, false
	}
	return resp, true
}

// adaptToReasoningModel moves the completion cap to max_completion_tokens and drops the temperature
// for models that refuse them (o1, o3, o4, gpt-5, ...), as go-openai's validator would reject the call.
func adaptToReasoningModel(req *openai.ChatCompletionRequest) {
	v := openai.NewReasoningValidator()
	if v.Validate(*req) == nil {
		return
	}
	if req.MaxTokens > 0 {
		req.MaxCompletionTokens, req.MaxTokens = req.MaxTokens, 0
	}
	if v.Validate(*req) != nil {
		req.Temperature = 0 // fixed by the model
	}
}

// chatEstimate is the tokens reserved before a call: prompt characters / 4 + the completion cap.
func chatEstimate(req openai.ChatCompletionRequest) int {
	n := 0
	for _, m := range req.Messages {
		n += len(m.Content)
		for _, p := range m.MultiContent {
			n += len(p.Text)
		}
		for _, tc := range m.ToolCalls {
			n += len(tc.Function.Name) + len(tc.Function.Arguments)
		}
	}
	if len(req.Tools) > 0 {
		b, _ := json.Marshal(req.Tools)
		n += len(b)
	}
	return n/4 + req.MaxTokens + req.MaxCompletionTokens
}

// Embed returns the L2-normalised embeddings of texts, in order, with the embeddings model.
// Each (model, text) is looked up in the cache first; the rest are sent in batches of up to 256.
func (c *Client) Embed(ctx context.Context, meta CallMeta, texts []string) ([][]float32, error) {
	return c.embed(ctx, meta, texts, c.settings.MaxRetries)
}

func (c *Client) embed(ctx context.Context, meta CallMeta, texts []string, maxRetries int) ([][]float32, error) {
	if !c.Configured() {
		return nil, fmt.Errorf("llm: %w", ErrNotConfigured)
	}
	meta.Purpose = PurposeEmbeddings
	model := c.settings.forPurpose(PurposeEmbeddings).model
	if model == "" {
		return nil, fmt.Errorf("llm: no embedding model is configured (set %s): %w", EnvEmbeddingModel, ErrNotConfigured)
	}
	start := time.Now()
	out := make([][]float32, len(texts))
	need := map[string][]int{} // text → positions still without a vector
	var order []string         // the texts to send, once each
	hits := 0
	for i, t := range texts {
		if idx, ok := need[t]; ok {
			need[t] = append(idx, i)
			continue
		}
		if v, ok := c.cachedEmbedding(ctx, model, t); ok {
			out[i] = v
			hits++
			continue
		}
		need[t] = []int{i}
		order = append(order, t)
	}
	if hits > 0 {
		req, _ := json.Marshal(map[string]any{"model": model, "inputs": hits})
		c.record(ctx, Call{Meta: meta, Model: model, Request: req, Latency: time.Since(start), Cached: true})
	}
	for lo := 0; lo < len(order); lo += maxEmbedBatch {
		batch := order[lo:min(lo+maxEmbedBatch, len(order))]
		vecs, err := c.embedBatch(ctx, meta, model, batch, maxRetries)
		if err != nil {
			return nil, err
		}
		for j, t := range batch {
			for k, i := range need[t] {
				if k == 0 {
					out[i] = vecs[j]
				} else {
					out[i] = slices.Clone(vecs[j])
				}
			}
			if c.cache != nil {
				b, _ := json.Marshal(vecs[j])
				if err := c.cache.PutResponse(context.WithoutCancel(ctx), embedCacheKey(model, t), model, b); err != nil {
					c.log.WarnContext(ctx, "llm: store embedding in cache", "model", model, "error", err)
				}
			}
		}
	}
	return out, nil
}

func (c *Client) cachedEmbedding(ctx context.Context, model, text string) ([]float32, bool) {
	if c.cache == nil {
		return nil, false
	}
	b, ok, err := c.cache.GetResponse(ctx, embedCacheKey(model, text))
	if err != nil {
		c.log.WarnContext(ctx, "llm: read embeddings cache", "error", err)
		return nil, false
	}
	var v []float32
	if !ok || json.Unmarshal(b, &v) != nil || len(v) == 0 {
		return nil, false
	}
	return v, true
}

func (c *Client) embedBatch(ctx context.Context, meta CallMeta, model string, batch []string, maxRetries int) ([][]float32, error) {
	start := time.Now()
	req := openai.EmbeddingRequestStrings{Input: batch, Model: openai.EmbeddingModel(model)}
	reqJSON, _ := json.Marshal(req)
	estimate := 0
	for _, t := range batch {
		estimate += len(t)
	}
	estimate /= 4
	var vecs [][]float32
	var usage openai.Usage
	attempts, err := c.retry(ctx, meta, model, estimate, maxRetries, func(actx context.Context) (int, error) {
		resp, err := c.oa.CreateEmbeddings(actx, req)
		if err != nil {
			return 0, err
		}
		v, err := normalisedVectors(resp, len(batch))
		if err != nil {
			return resp.Usage.TotalTokens, err
		}
		vecs, usage = v, resp.Usage
		return resp.Usage.TotalTokens, nil
	})
	call := Call{Meta: meta, Model: model, Request: reqJSON, Latency: time.Since(start), Attempts: attempts}
	if err != nil {
		err = fmt.Errorf("llm: embeddings call to %s failed after %d attempt(s): %w", model, attempts, err)
		call.Error = c.redact(err.Error())
		c.record(ctx, call)
		return nil, err
	}
	// The vectors themselves are not logged: a batch of them is megabytes and worth nothing in a log.
	call.Response, _ = json.Marshal(map[string]any{"object": "list", "model": model, "embeddings": len(vecs),
		"dimension": len(vecs[0]), "usage": usage})
	call.PromptTokens = usage.PromptTokens
	call.CostUSD = c.cost(model, usage.PromptTokens, 0)
	c.record(ctx, call)
	return vecs, nil
}

// normalisedVectors checks an embeddings reply (one vector per input, by index, all of one dimension)
// and returns the vectors scaled to unit length.
func normalisedVectors(resp openai.EmbeddingResponse, n int) ([][]float32, error) {
	if len(resp.Data) != n {
		return nil, fmt.Errorf("%w: %d embeddings for %d inputs", ErrBadResponse, len(resp.Data), n)
	}
	out := make([][]float32, n)
	for _, d := range resp.Data {
		if d.Index < 0 || d.Index >= n || out[d.Index] != nil {
			return nil, fmt.Errorf("%w: embedding index %d out of range or repeated", ErrBadResponse, d.Index)
		}
		if len(d.Embedding) == 0 || len(d.Embedding) != len(resp.Data[0].Embedding) {
			return nil, fmt.Errorf("%w: embedding %d has dimension %d", ErrBadResponse, d.Index, len(d.Embedding))
		}
		var sum float64
		for _, x := range d.Embedding {
			sum += float64(x) * float64(x)
		}
		if sum == 0 || math.IsNaN(sum) || math.IsInf(sum, 0) {
			return nil, fmt.Errorf("%w: embedding %d has no direction", ErrBadResponse, d.Index)
		}
		norm := math.Sqrt(sum)
		v := make([]float32, len(d.Embedding))
		for i, x := range d.Embedding {
			v[i] = float32(float64(x) / norm)
		}
		out[d.Index] = v
	}
	return out, nil
}

// retry runs one call with up to maxRetries retries. Each attempt reserves tokens, takes a
// concurrency slot, and has Settings.Timeout; between attempts it waits (Retry-After or backoff)
// holding neither. It returns the attempts made and the last error, or the context's error at once
// when ctx ends.
func (c *Client) retry(ctx context.Context, meta CallMeta, model string, estimate, maxRetries int,
	attempt func(ctx context.Context) (used int, err error)) (int, error) {
	for n := 1; ; n++ {
		var x exchange
		err := c.attempt(ctx, &x, estimate, attempt)
		if err == nil {
			return n, nil
		}
		if ctx.Err() != nil {
			return n, ctx.Err()
		}
		wait, retryable := c.retryWait(&x, err, n)
		if !retryable || n > maxRetries {
			return n, err
		}
		c.log.DebugContext(ctx, "llm: retrying", "purpose", meta.Purpose, "model", model, "attempt", n,
			"wait", wait, "status", x.status, "error", c.redact(err.Error()))
		if err := c.sleep(ctx, wait); err != nil {
			return n, err
		}
	}
}

func (c *Client) attempt(ctx context.Context, x *exchange, estimate int, fn func(context.Context) (int, error)) error {
	reserved, err := c.tpm.reserve(ctx, estimate)
	if err != nil {
		return err
	}
	used := 0
	defer func() { c.tpm.settle(reserved, used) }()
	if err := c.sem.acquire(ctx); err != nil {
		return err
	}
	defer c.sem.release()
	actx, cancel := context.WithTimeout(context.WithValue(ctx, exchangeKey{}, x), c.settings.Timeout)
	defer cancel()
	used, err = fn(actx)
	switch {
	case err == nil || ctx.Err() != nil:
		return err
	case errors.Is(actx.Err(), context.DeadlineExceeded):
		return fmt.Errorf("%w (timeout %v)", ErrTimeout, c.settings.Timeout)
	}
	var apiErr *openai.APIError
	var reqErr *openai.RequestError
	switch {
	case errors.As(err, &apiErr) && apiErr.HTTPStatusCode > 0:
		code := ""
		if apiErr.Code != nil {
			code = fmt.Sprint(apiErr.Code)
		}
		return &StatusError{StatusCode: apiErr.HTTPStatusCode, Message: apiErr.Message, Type: apiErr.Type, Code: code}
	case errors.As(err, &reqErr):
		return &StatusError{StatusCode: reqErr.HTTPStatusCode, Message: snippet(reqErr.Body)}
	case x.transportErr == nil && x.status >= 200 && x.status < 300 && !errors.Is(err, ErrBadResponse):
		// The server answered 2xx but the body did not decode: not JSON, or cut short.
		return fmt.Errorf("%w: %v (body starts %q)", ErrBadResponse, err, snippet(x.head.Bytes()))
	}
	return err
}

// retryWait says whether err is worth another attempt and how long to wait first.
func (c *Client) retryWait(x *exchange, err error, attempt int) (time.Duration, bool) {
	var se *StatusError
	switch {
	case errors.As(err, &se):
		if se.StatusCode != http.StatusTooManyRequests && se.StatusCode != http.StatusRequestTimeout && se.StatusCode < 500 {
			return 0, false
		}
		if se.StatusCode == http.StatusTooManyRequests || se.StatusCode == http.StatusServiceUnavailable {
			if d, ok := parseRetryAfter(x.retryAfter, time.Now()); ok {
				return min(d, c.settings.Backoff.RetryAfterMax), true
			}
		}
	case errors.Is(err, ErrBadResponse), errors.Is(err, ErrTimeout), x.transportErr != nil:
	default:
		return 0, false
	}
	return c.backoff(attempt), true
}

// backoff is full jitter: uniform in [0, min(Max, Base·2^(attempt-1))).
func (c *Client) backoff(attempt int) time.Duration {
	limit := c.settings.Backoff.Max
	if attempt-1 < 40 {
		limit = min(limit, c.settings.Backoff.Base<<(attempt-1))
	}
	return c.jitter(limit)
}

// parseRetryAfter reads a Retry-After header: delay seconds or an HTTP date.
func parseRetryAfter(v string, now time.Time) (time.Duration, bool) {
	v = strings.TrimSpace(v)
	if v == "" {
		return 0, false
	}
	if secs, err := strconv.ParseFloat(v, 64); err == nil {
		if secs < 0 || math.IsNaN(secs) {
			return 0, false
		}
		return time.Duration(min(secs, 1e6) * float64(time.Second)), true
	}
	if t, err := http.ParseTime(v); err == nil {
		return max(0, t.Sub(now)), true
	}
	return 0, false
}

func (c *Client) cost(model string, prompt, completion int) float64 {
	p, ok := c.settings.Prices[model]
	if !ok {
		return 0
	}
	return (float64(prompt)*p.Prompt + float64(completion)*p.Completion) / 1e6
}

// record logs a call; a failing recorder is logged, never fatal to the call.
func (c *Client) record(ctx context.Context, call Call) {
	call.Request = c.redactJSON(call.Request)
	call.Response = c.redactJSON(call.Response)
	call.Error = c.redact(call.Error)
	if c.rec == nil {
		return
	}
	if err := c.rec.RecordCall(context.WithoutCancel(ctx), call); err != nil {
		c.log.WarnContext(ctx, "llm: record call", "purpose", call.Meta.Purpose, "model", call.Model, "error", err)
	}
}

// minRedactLen: shorter "keys" (placeholders such as "x" for local servers) are not scrubbed, as
// replacing them would mangle the text around them.
const minRedactLen = 8

func (c *Client) redact(s string) string {
	if k := c.settings.APIKey; len(k) >= minRedactLen {
		s = strings.ReplaceAll(s, k, "[redacted]")
	}
	return s
}

func (c *Client) redactJSON(b json.RawMessage) json.RawMessage {
	if k := c.settings.APIKey; len(k) >= minRedactLen && bytes.Contains(b, []byte(k)) {
		return bytes.ReplaceAll(b, []byte(k), []byte("[redacted]"))
	}
	return b
}

func snippet(b []byte) string {
	const n = 300
	s := strings.TrimSpace(string(b))
	if len(s) > n {
		s = s[:n] + "…"
	}
	return s
}

// exchange is what the transport saw of one attempt: go-openai's errors do not carry the
// Retry-After header or the body that failed to decode.
type exchange struct {
	status       int
	retryAfter   string
	transportErr error
	head         headBuffer
}

type exchangeKey struct{}

// exchangeDoer is the HTTP client given to go-openai; it notes each response in the attempt's exchange.
type exchangeDoer struct{ hc *http.Client }

func (d exchangeDoer) Do(req *http.Request) (*http.Response, error) {
	resp, err := d.hc.Do(req)
	x, _ := req.Context().Value(exchangeKey{}).(*exchange)
	if x == nil {
		return resp, err
	}
	if err != nil {
		x.transportErr = err
		return resp, err
	}
	x.status = resp.StatusCode
	x.retryAfter = resp.Header.Get("Retry-After")
	resp.Body = teeBody{ReadCloser: resp.Body, head: &x.head}
	return resp, nil
}

// headBuffer keeps the first bytes written to it.
type headBuffer struct{ bytes.Buffer }

func (h *headBuffer) Write(p []byte) (int, error) {
	if room := 512 - h.Len(); room > 0 {
		h.Buffer.Write(p[:min(room, len(p))])
	}
	return len(p), nil
}

type teeBody struct {
	io.ReadCloser
	head *headBuffer
}

func (t teeBody) Read(p []byte) (int, error) {
	n, err := t.ReadCloser.Read(p)
	_, _ = t.head.Write(p[:n])
	return n, err
}
