package llm

import (
	"context"
	"encoding/json"
	"errors"
	"time"
)

// Purpose names what a call is for; each purpose may use its own model and temperature.
type Purpose string

// The purposes.
const (
	PurposeAgent      Purpose = "agent"
	PurposeGenerator  Purpose = "generator"
	PurposeValidator  Purpose = "validator"
	PurposeCritic     Purpose = "critic"
	PurposeEditor     Purpose = "editor"
	PurposeJudge      Purpose = "judge"
	PurposeTarget     Purpose = "target"    // the model under evaluation
	PurposeOptimizer  Purpose = "optimizer" // OPRO's prompt optimizer
	PurposeEmbeddings Purpose = "embeddings"
)

// Purposes lists every purpose, in display order.
var Purposes = []Purpose{PurposeAgent, PurposeGenerator, PurposeValidator, PurposeCritic, PurposeEditor, PurposeJudge, PurposeTarget,
	PurposeOptimizer, PurposeEmbeddings}

// ErrNotConfigured: no endpoint is configured. Its message says what to set.
var ErrNotConfigured = errors.New("no language model is configured: an admin sets the endpoint under Settings → Language model, " +
	"or set GOLDSET_LLM_BASE_URL, GOLDSET_LLM_API_KEY and GOLDSET_LLM_MODEL")

// Price is what a model costs, in US dollars per million tokens.
type Price struct {
	Prompt     float64 `json:"prompt"`
	Completion float64 `json:"completion"`
}

// PurposeSettings override the defaults for one purpose.
type PurposeSettings struct {
	Model       string   `json:"model,omitempty"`
	Temperature *float64 `json:"temperature,omitempty"`
	MaxTokens   int      `json:"max_tokens,omitempty"`
}

// Settings configure the client. APIKey is a secret: it is never logged and never returned by the API.
type Settings struct {
	BaseURL         string                      `json:"base_url"`
	APIKey          string                      `json:"-"`
	Model           string                      `json:"model"`              // default model for chat purposes
	EmbeddingModel  string                      `json:"embedding_model"`    // model for PurposeEmbeddings
	Temperature     float64                     `json:"temperature"`        // default temperature
	MaxTokens       int                         `json:"max_tokens"`         // default completion cap; 0: the server's
	Purposes        map[Purpose]PurposeSettings `json:"purposes,omitempty"` // per-purpose overrides
	Timeout         time.Duration               `json:"timeout"`            // per request; 0: DefaultTimeout
	MaxRetries      int                         `json:"max_retries"`        // retries after the first attempt (429, 5xx, timeouts, bad bodies); 0: DefaultMaxRetries, -1: none
	MaxConcurrency  int                         `json:"max_concurrency"`    // calls in flight at once, shared by every caller of a Client; 0: DefaultMaxConcurrency
	TokensPerMinute int                         `json:"tokens_per_minute"`  // 0: unlimited
	Prices          map[string]Price            `json:"prices,omitempty"`   // by model name

	// Tuning for tests and benchmarks; the zero values are the production defaults.
	Backoff    Backoff       `json:"-"`
	RateWindow time.Duration `json:"-"` // the window TokensPerMinute is spread over; 0: one minute
}

// Configured reports whether an endpoint is set.
func (s Settings) Configured() bool { return s.BaseURL != "" }

// CallMeta says who a call is for, for the log: which run and which item.
type CallMeta struct {
	Purpose   Purpose
	ProjectID int64  // 0 for calls outside a project (a connection test)
	RunKind   string // "agent", "augment", "eval", ... ("" for one-off calls)
	RunID     int64
	ItemKey   string // the item within the run (an NLQ id, a sample index)
	UserID    int64
}

// Call is one logged model call.
type Call struct {
	Meta             CallMeta
	Model            string
	Request          json.RawMessage
	Response         json.RawMessage // nil when it failed
	PromptTokens     int
	CompletionTokens int
	Latency          time.Duration
	Attempts         int
	Cached           bool // answered from the response cache, no tokens spent
	Error            string
	CostUSD          float64
}

// Recorder keeps the call log (the store implements it).
type Recorder interface {
	RecordCall(ctx context.Context, c Call) error
}

// Cache keeps responses of deterministic calls by the exact request (the store implements it).
type Cache interface {
	GetResponse(ctx context.Context, key string) ([]byte, bool, error)
	PutResponse(ctx context.Context, key string, model string, response []byte) error
}
