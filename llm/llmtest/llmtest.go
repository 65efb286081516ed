package llmtest

import (
	"context"
	"encoding/json"
	"fmt"
	"math"
	"net/http"
	"net/http/httptest"
	"sort"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	openai "github.com/sashabaranov/go-openai"
)

// FakeModel is always listed by GET /v1/models.
const FakeModel = "fake-model"

// Fault is a failure injected instead of a normal reply.
type Fault int

// The faults. Error faults answer with an OpenAI error body {"error":{"message","type","code"}}.
const (
	FaultNone          Fault = iota
	FaultRateLimit           // 429, with Retry-After from Reply.RetryAfter
	FaultServerError         // 500
	FaultTimeout             // never answers; the handler returns when the client gives up or the server closes
	FaultTruncatedJSON       // 200 with a valid reply cut in the middle of its JSON
	FaultMalformedJSON       // 200 with a body that is not JSON at all
	FaultEmptyChoices        // 200 with a well-formed reply whose choices are []
	FaultBadRequest          // 400 invalid_request_error (never worth retrying)
	FaultUnauthorized        // 401 invalid_api_key
	FaultUnavailable         // 503, with Retry-After from Reply.RetryAfter
)

func (f Fault) String() string {
	switch f {
	case FaultNone:
		return "none"
	case FaultRateLimit:
		return "rate-limit"
	case FaultServerError:
		return "server-error"
	case FaultTimeout:
		return "timeout"
	case FaultTruncatedJSON:
		return "truncated-json"
	case FaultMalformedJSON:
		return "malformed-json"
	case FaultEmptyChoices:
		return "empty-choices"
	case FaultBadRequest:
		return "bad-request"
	case FaultUnauthorized:
		return "unauthorized"
	case FaultUnavailable:
		return "unavailable"
	}
	return "fault(" + strconv.Itoa(int(f)) + ")"
}

// Reply is what the server answers to one chat completion request.
type Reply struct {
	Content   string
	ToolCalls []openai.ToolCall // a call without an ID gets "call_<n>", unique per server
	Fault     Fault             // injected failure instead of a normal reply
	// RetryAfter is the Retry-After header sent with FaultRateLimit and FaultUnavailable, in whole
	// seconds rounded up (0 sends "Retry-After: 0"); a negative value sends no header.
	RetryAfter time.Duration
	Delay      time.Duration // latency before answering; cut short when the client disconnects
	// PromptTokens and CompletionTokens are the usage reported; 0: estimated as characters/4.
	PromptTokens, CompletionTokens int
	FinishReason                   string // default "stop", or "tool_calls" when ToolCalls are set
	ErrorMessage                   string // message of an error fault; a default names the fault
}

// Text is a plain assistant message.
func Text(s string) Reply { return Reply{Content: s} }

// Call is a reply with one tool call; args are marshalled to JSON (a string or json.RawMessage
// is sent as is, so it may be invalid on purpose).
func Call(name string, args any) Reply { return Calls(ToolCall(name, args)) }

// Calls is a reply with several tool calls.
func Calls(calls ...openai.ToolCall) Reply { return Reply{ToolCalls: calls} }

// ToolCall builds one function tool call with args marshalled to JSON (strings and json.RawMessage
// are used as they are). Its ID is left empty: the server numbers it when it is sent.
func ToolCall(name string, args any) openai.ToolCall {
	var raw string
	switch a := args.(type) {
	case string:
		raw = a
	case json.RawMessage:
		raw = string(a)
	default:
		b, err := json.Marshal(args)
		if err != nil {
			panic(fmt.Sprintf("llmtest.ToolCall(%q): marshal arguments: %v", name, err))
		}
		raw = string(b)
	}
	return openai.ToolCall{Type: openai.ToolTypeFunction, Function: openai.FunctionCall{Name: name, Arguments: raw}}
}

// RawToolCall is a reply with one tool call whose arguments are sent verbatim, e.g. "{not json".
func RawToolCall(name, rawArgs string) Reply { return Calls(ToolCall(name, rawArgs)) }

// Server is a running fake endpoint. All methods are safe for concurrent use.
type Server struct {
	URL string // base URL including /v1, for openai.ClientConfig.BaseURL

	srv  *httptest.Server
	done chan struct{} // closed by Close so hanging handlers return

	closeOnce sync.Once
	respSeq   atomic.Int64 // ids of completions
	callSeq   atomic.Int64 // ids of tool calls

	mu          sync.Mutex
	respond     func(openai.ChatCompletionRequest) Reply
	embed       func(string) []float32
	embedFault  Fault
	embedFaultN int // > 0: embedFault applies to this many more requests; -1: until cleared
	apiKey      string
	requests    []openai.ChatCompletionRequest
	embedReqs   []openai.EmbeddingRequestStrings
	chatCount   int
	embedCount  int
	inFlight    int
	maxInFlight int
	models      map[string]bool
	authHeaders []string
}

// New starts a server on 127.0.0.1 that is closed when the test ends.
func New(t testing.TB) *Server {
	t.Helper()
	s := NewServer()
	t.Cleanup(s.Close)
	return s
}

// NewServer starts a server on 127.0.0.1; the caller closes it.
func NewServer() *Server {
	s := &Server{done: make(chan struct{}), models: map[string]bool{}}
	s.respond = func(openai.ChatCompletionRequest) Reply { return Text("ok") }
	s.embed = TrigramEmbedding
	mux := http.NewServeMux()
	mux.HandleFunc("POST /v1/chat/completions", s.handleChat)
	mux.HandleFunc("POST /v1/embeddings", s.handleEmbeddings)
	mux.HandleFunc("GET /v1/models", s.handleModels)
	mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		writeError(w, http.StatusNotFound, "invalid_request_error", "unknown_url",
			fmt.Sprintf("Unknown request URL: %s %s", r.Method, r.URL.Path))
	})
	s.srv = httptest.NewServer(mux)
	s.URL = s.srv.URL + "/v1"
	return s
}

// Close stops the server; requests still hanging are released first.
func (s *Server) Close() {
	s.closeOnce.Do(func() {
		close(s.done)
		s.srv.Close()
	})
}

// Respond sets the chat responder, called for each chat completion request with the decoded request
// (possibly from many goroutines at once); whatever it returns is sent. The default answers Text("ok").
func (s *Server) Respond(fn func(req openai.ChatCompletionRequest) Reply) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.respond = fn
}

// Script plays replies in order per conversation, keyed by the content of the first user message,
// then repeats the last reply of that conversation. A request whose first user message has no
// script is answered 400 with a message naming it.
func (s *Server) Script(byQuestion map[string][]Reply) {
	var mu sync.Mutex
	next := map[string]int{}
	s.Respond(func(req openai.ChatCompletionRequest) Reply {
		q := FirstUserMessage(req)
		replies := byQuestion[q]
		if len(replies) == 0 {
			return Reply{Fault: FaultBadRequest, ErrorMessage: fmt.Sprintf("llmtest: no script for first user message %q", q)}
		}
		mu.Lock()
		i := next[q]
		next[q]++
		mu.Unlock()
		return replies[min(i, len(replies)-1)]
	})
}

// Sequence plays replies in order across all requests, then repeats the last.
func (s *Server) Sequence(replies ...Reply) {
	if len(replies) == 0 {
		panic("llmtest.Sequence: no replies")
	}
	var n atomic.Int64
	s.Respond(func(openai.ChatCompletionRequest) Reply {
		i := int(n.Add(1) - 1)
		return replies[min(i, len(replies)-1)]
	})
}

// Embed sets the function that embeds one input; the default is TrigramEmbedding.
func (s *Server) Embed(fn func(input string) []float32) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.embed = fn
}

// EmbedFault makes every following embeddings request fail this way until EmbedFault(FaultNone).
func (s *Server) EmbedFault(f Fault) { s.EmbedFaultN(f, -1) }

// EmbedFaultN makes the next n embeddings requests fail this way (n < 0: until cleared).
func (s *Server) EmbedFaultN(f Fault, n int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.embedFault, s.embedFaultN = f, n
	if f == FaultNone {
		s.embedFaultN = 0
	}
}

// RequireAPIKey makes the server answer 401 to requests without "Authorization: Bearer <key>".
func (s *Server) RequireAPIKey(key string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.apiKey = key
}

// Requests returns every chat request received, in order of arrival.
func (s *Server) Requests() []openai.ChatCompletionRequest {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]openai.ChatCompletionRequest(nil), s.requests...)
}

// EmbedRequests returns every embeddings request received, in order of arrival.
func (s *Server) EmbedRequests() []openai.EmbeddingRequestStrings {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]openai.EmbeddingRequestStrings(nil), s.embedReqs...)
}

// ChatCount is the number of chat requests received.
func (s *Server) ChatCount() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.chatCount
}

// EmbedCount is the number of embeddings requests received.
func (s *Server) EmbedCount() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.embedCount
}

// MaxInFlight is the largest number of chat and embeddings requests the server was handling at once.
func (s *Server) MaxInFlight() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.maxInFlight
}

// AuthHeaders returns the Authorization header of every request received, in order.
func (s *Server) AuthHeaders() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]string(nil), s.authHeaders...)
}

// FirstUserMessage is the text of the first user message of a request ("" if none); Script keys on it.
func FirstUserMessage(req openai.ChatCompletionRequest) string {
	for _, m := range req.Messages {
		if m.Role != openai.ChatMessageRoleUser {
			continue
		}
		if m.Content != "" || len(m.MultiContent) == 0 {
			return m.Content
		}
		var parts []string
		for _, p := range m.MultiContent {
			if p.Type == openai.ChatMessagePartTypeText {
				parts = append(parts, p.Text)
			}
		}
		return strings.Join(parts, "\n")
	}
	return ""
}

// begin records a request's arrival and checks its key; it returns false when it answered 401.
func (s *Server) begin(w http.ResponseWriter, r *http.Request) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	auth := r.Header.Get("Authorization")
	s.authHeaders = append(s.authHeaders, auth)
	if s.apiKey != "" && auth != "Bearer "+s.apiKey {
		writeError(w, http.StatusUnauthorized, "invalid_request_error", "invalid_api_key", "Incorrect API key provided.")
		return false
	}
	s.inFlight++
	s.maxInFlight = max(s.maxInFlight, s.inFlight)
	return true
}

func (s *Server) end() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.inFlight--
}

// wait sleeps d, or less when the client goes away or the server closes; it reports whether d elapsed.
func (s *Server) wait(ctx context.Context, d time.Duration) bool {
	if d <= 0 {
		return true
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return true
	case <-ctx.Done():
	case <-s.done:
	}
	return false
}

func (s *Server) handleChat(w http.ResponseWriter, r *http.Request) {
	if !s.begin(w, r) {
		return
	}
	defer s.end()
	var req openai.ChatCompletionRequest
	if err := json.NewDecoder(r.Body).Decode(&req); err != nil {
		writeError(w, http.StatusBadRequest, "invalid_request_error", "invalid_json", "llmtest: request body is not valid JSON: "+err.Error())
		return
	}
	s.mu.Lock()
	s.requests = append(s.requests, req)
	s.chatCount++
	if req.Model != "" {
		s.models[req.Model] = true
	}
	respond := s.respond
	s.mu.Unlock()

	reply := respond(req)
	if !s.wait(r.Context(), reply.Delay) {
		return
	}
	if s.writeFault(w, r, reply) {
		return
	}
	resp := s.chatResponse(req, reply)
	body, _ := json.Marshal(resp)
	switch reply.Fault {
	case FaultTruncatedJSON:
		body = body[:len(body)/2]
	case FaultEmptyChoices:
		resp.Choices = []wireChoice{}
		body, _ = json.Marshal(resp)
	}
	w.Header().Set("Content-Type", "application/json")
	_, _ = w.Write(body)
}

// writeFault answers the error faults and FaultTimeout and FaultMalformedJSON; it reports whether it did.
func (s *Server) writeFault(w http.ResponseWriter, r *http.Request, reply Reply) bool {
	msg := reply.ErrorMessage
	if msg == "" {
		msg = "llmtest: injected " + reply.Fault.String()
	}
	retryAfter := func() {
		if reply.RetryAfter >= 0 {
			secs := int64(math.Ceil(reply.RetryAfter.Seconds()))
			w.Header().Set("Retry-After", strconv.FormatInt(secs, 10))
		}
	}
	switch reply.Fault {
	case FaultRateLimit:
		retryAfter()
		writeError(w, http.StatusTooManyRequests, "requests", "rate_limit_exceeded", msg)
	case FaultUnavailable:
		retryAfter()
		writeError(w, http.StatusServiceUnavailable, "server_error", "service_unavailable", msg)
	case FaultServerError:
		writeError(w, http.StatusInternalServerError, "server_error", "internal_error", msg)
	case FaultBadRequest:
		writeError(w, http.StatusBadRequest, "invalid_request_error", "invalid_request", msg)
	case FaultUnauthorized:
		writeError(w, http.StatusUnauthorized, "invalid_request_error", "invalid_api_key", msg)
	case FaultTimeout:
		s.wait(r.Context(), math.MaxInt64)
	case FaultMalformedJSON:
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(http.StatusOK)
		_, _ = w.Write([]byte("<html><body>502 Bad Gateway (llmtest: malformed body)</body></html>"))
	default:
		return false
	}
	return true
}

type wireResponse struct {
	ID                string       `json:"id"`
	Object            string       `json:"object"`
	Created           int64        `json:"created"`
	Model             string       `json:"model"`
	Choices           []wireChoice `json:"choices"`
	Usage             wireUsage    `json:"usage"`
	SystemFingerprint string       `json:"system_fingerprint"`
}

type wireChoice struct {
	Index        int         `json:"index"`
	Message      wireMessage `json:"message"`
	FinishReason string      `json:"finish_reason"`
}

type wireMessage struct {
	Role      string         `json:"role"`
	Content   *string        `json:"content"`
	ToolCalls []wireToolCall `json:"tool_calls,omitempty"`
}

type wireToolCall struct {
	ID       string       `json:"id"`
	Type     string       `json:"type"`
	Function wireFunction `json:"function"`
}

type wireFunction struct {
	Name      string `json:"name"`
	Arguments string `json:"arguments"`
}

// wireList is the API's envelope of a list (models, embeddings).
type wireList[T any] struct {
	Object string `json:"object"`
	Data   []T    `json:"data"`
}

type wireUsage struct {
	PromptTokens     int `json:"prompt_tokens"`
	CompletionTokens int `json:"completion_tokens"`
	TotalTokens      int `json:"total_tokens"`
}

func (s *Server) chatResponse(req openai.ChatCompletionRequest, reply Reply) wireResponse {
	msg := wireMessage{Role: openai.ChatMessageRoleAssistant}
	completionChars := len(reply.Content)
	if reply.Content != "" || len(reply.ToolCalls) == 0 {
		c := reply.Content
		msg.Content = &c
	}
	for _, tc := range reply.ToolCalls {
		id := tc.ID
		if id == "" {
			id = fmt.Sprintf("call_%d", s.callSeq.Add(1))
		}
		typ := string(tc.Type)
		if typ == "" {
			typ = string(openai.ToolTypeFunction)
		}
		msg.ToolCalls = append(msg.ToolCalls, wireToolCall{ID: id, Type: typ,
			Function: wireFunction{Name: tc.Function.Name, Arguments: tc.Function.Arguments}})
		completionChars += len(tc.Function.Name) + len(tc.Function.Arguments)
	}
	finish := reply.FinishReason
	if finish == "" {
		finish = "stop"
		if len(reply.ToolCalls) > 0 {
			finish = "tool_calls"
		}
	}
	prompt := reply.PromptTokens
	if prompt == 0 {
		prompt = EstimateTokens(req)
	}
	completion := reply.CompletionTokens
	if completion == 0 {
		completion = max(1, completionChars/4)
	}
	model := req.Model
	if model == "" {
		model = FakeModel
	}
	return wireResponse{
		ID:                fmt.Sprintf("chatcmpl-llmtest-%d", s.respSeq.Add(1)),
		Object:            "chat.completion",
		Created:           time.Now().Unix(),
		Model:             model,
		Choices:           []wireChoice{{Index: 0, Message: msg, FinishReason: finish}},
		Usage:             wireUsage{PromptTokens: prompt, CompletionTokens: completion, TotalTokens: prompt + completion},
		SystemFingerprint: "fp_llmtest",
	}
}

// EstimateTokens is the prompt usage the server reports when a Reply does not set it:
// the characters of every message (content, tool call names and arguments) divided by 4, at least 1.
func EstimateTokens(req openai.ChatCompletionRequest) int {
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
	return max(1, n/4)
}

func (s *Server) handleEmbeddings(w http.ResponseWriter, r *http.Request) {
	if !s.begin(w, r) {
		return
	}
	defer s.end()
	var raw struct {
		Input          json.RawMessage `json:"input"`
		Model          string          `json:"model"`
		EncodingFormat string          `json:"encoding_format"`
	}
	if err := json.NewDecoder(r.Body).Decode(&raw); err != nil {
		writeError(w, http.StatusBadRequest, "invalid_request_error", "invalid_json", "llmtest: request body is not valid JSON: "+err.Error())
		return
	}
	var inputs []string
	var one string
	if err := json.Unmarshal(raw.Input, &one); err == nil {
		inputs = []string{one}
	} else if err := json.Unmarshal(raw.Input, &inputs); err != nil {
		writeError(w, http.StatusBadRequest, "invalid_request_error", "invalid_input", "llmtest: input must be a string or an array of strings")
		return
	}

	s.mu.Lock()
	s.embedCount++
	s.embedReqs = append(s.embedReqs, openai.EmbeddingRequestStrings{Input: inputs, Model: openai.EmbeddingModel(raw.Model),
		EncodingFormat: openai.EmbeddingEncodingFormat(raw.EncodingFormat)})
	if raw.Model != "" {
		s.models[raw.Model] = true
	}
	fault := s.embedFault
	if s.embedFaultN > 0 {
		s.embedFaultN--
		if s.embedFaultN == 0 {
			s.embedFault = FaultNone
		}
	}
	embed := s.embed
	s.mu.Unlock()

	if s.writeFault(w, r, Reply{Fault: fault}) {
		return
	}
	type item struct {
		Object    string `json:"object"`
		Index     int    `json:"index"`
		Embedding any    `json:"embedding"`
	}
	resp := struct {
		wireList[item]
		Model string    `json:"model"`
		Usage wireUsage `json:"usage"`
	}{wireList: wireList[item]{Object: "list", Data: []item{}}, Model: raw.Model}
	tokens := 0
	for i, in := range inputs {
		v := embed(in)
		var e any = v
		if raw.EncodingFormat == string(openai.EmbeddingEncodingFormatBase64) {
			e = base64Floats(v)
		}
		resp.Data = append(resp.Data, item{Object: "embedding", Index: i, Embedding: e})
		tokens += max(1, len(in)/4)
	}
	resp.Usage = wireUsage{PromptTokens: tokens, TotalTokens: tokens}
	body, _ := json.Marshal(resp)
	switch fault {
	case FaultTruncatedJSON:
		body = body[:len(body)/2]
	case FaultEmptyChoices:
		body = []byte(`{"object":"list","data":[],"model":` + strconv.Quote(raw.Model) + `,"usage":{"prompt_tokens":0,"total_tokens":0}}`)
	}
	w.Header().Set("Content-Type", "application/json")
	_, _ = w.Write(body)
}

func (s *Server) handleModels(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	names := []string{FakeModel}
	for m := range s.models {
		if m != FakeModel {
			names = append(names, m)
		}
	}
	s.mu.Unlock()
	sort.Strings(names[1:])
	type model struct {
		ID      string `json:"id"`
		Object  string `json:"object"`
		Created int64  `json:"created"`
		OwnedBy string `json:"owned_by"`
	}
	list := wireList[model]{Object: "list"}
	for _, n := range names {
		list.Data = append(list.Data, model{ID: n, Object: "model", Created: 0, OwnedBy: "llmtest"})
	}
	w.Header().Set("Content-Type", "application/json")
	_ = json.NewEncoder(w).Encode(list)
}

func writeError(w http.ResponseWriter, status int, typ, code, msg string) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(map[string]any{
		"error": map[string]any{"message": msg, "type": typ, "param": nil, "code": code},
	})
}
