package llm

import (
	"errors"
	"fmt"
	"log/slog"
	"maps"
	"net/url"
	"os"
	"strconv"
	"strings"
	"time"
)

// Defaults applied by New to zero-valued Settings.
const (
	DefaultTimeout        = 120 * time.Second
	DefaultMaxRetries     = 4
	DefaultMaxConcurrency = 8
	DefaultBackoffBase    = 250 * time.Millisecond
	DefaultBackoffMax     = 20 * time.Second
	DefaultRetryAfterMax  = 60 * time.Second
	DefaultRateWindow     = time.Minute
)

// Backoff shapes the wait between attempts: full jitter, a uniform random wait in
// [0, min(Max, Base·2^retry)). A Retry-After header from a 429 or 503 replaces it, capped at RetryAfterMax.
// Zero fields take the defaults; tests set tiny values to run fast.
type Backoff struct {
	Base          time.Duration `json:"-"`
	Max           time.Duration `json:"-"`
	RetryAfterMax time.Duration `json:"-"`
}

// resolved is what one call uses after the purpose overrides and defaults are applied.
type resolved struct {
	model       string
	temperature float64
	maxTokens   int
}

// forPurpose applies the purpose's overrides to the defaults.
func (s Settings) forPurpose(p Purpose) resolved {
	r := resolved{model: s.Model, temperature: s.Temperature, maxTokens: s.MaxTokens}
	if p == PurposeEmbeddings {
		r.model = s.EmbeddingModel
	}
	if o, ok := s.Purposes[p]; ok {
		if o.Model != "" {
			r.model = o.Model
		}
		if o.Temperature != nil {
			r.temperature = *o.Temperature
		}
		if o.MaxTokens != 0 {
			r.maxTokens = o.MaxTokens
		}
	}
	return r
}

// withDefaults fills zero values. MaxRetries < 0 means no retries.
func (s Settings) withDefaults() Settings {
	if s.Timeout <= 0 {
		s.Timeout = DefaultTimeout
	}
	if s.MaxRetries == 0 {
		s.MaxRetries = DefaultMaxRetries
	} else if s.MaxRetries < 0 {
		s.MaxRetries = 0
	}
	if s.MaxConcurrency <= 0 {
		s.MaxConcurrency = DefaultMaxConcurrency
	}
	if s.Backoff.Base <= 0 {
		s.Backoff.Base = DefaultBackoffBase
	}
	if s.Backoff.Max <= 0 {
		s.Backoff.Max = DefaultBackoffMax
	}
	if s.Backoff.RetryAfterMax <= 0 {
		s.Backoff.RetryAfterMax = DefaultRetryAfterMax
	}
	if s.RateWindow <= 0 {
		s.RateWindow = DefaultRateWindow
	}
	return s
}

// Validate checks the settings; an empty BaseURL is valid (not configured).
func (s Settings) Validate() error {
	var errs []error
	if s.BaseURL != "" {
		u, err := url.Parse(s.BaseURL)
		if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
			errs = append(errs, fmt.Errorf("base URL %q must be an http:// or https:// URL", s.BaseURL))
		}
	}
	if s.Temperature < 0 || s.Temperature > 2 {
		errs = append(errs, fmt.Errorf("temperature %v must be between 0 and 2", s.Temperature))
	}
	if s.MaxTokens < 0 {
		errs = append(errs, fmt.Errorf("max tokens %d must not be negative", s.MaxTokens))
	}
	if s.Timeout < 0 {
		errs = append(errs, fmt.Errorf("timeout %v must not be negative", s.Timeout))
	}
	if s.MaxRetries < -1 || s.MaxRetries > 100 {
		errs = append(errs, fmt.Errorf("max retries %d must be between -1 (none) and 100", s.MaxRetries))
	}
	if s.MaxConcurrency < 0 || s.MaxConcurrency > 1024 {
		errs = append(errs, fmt.Errorf("max concurrency %d must be between 0 (default %d) and 1024", s.MaxConcurrency, DefaultMaxConcurrency))
	}
	if s.TokensPerMinute < 0 {
		errs = append(errs, fmt.Errorf("tokens per minute %d must not be negative (0: unlimited)", s.TokensPerMinute))
	}
	for p, o := range s.Purposes {
		if !knownPurpose(p) {
			errs = append(errs, fmt.Errorf("unknown purpose %q", p))
		}
		if o.Temperature != nil && (*o.Temperature < 0 || *o.Temperature > 2) {
			errs = append(errs, fmt.Errorf("temperature %v for %s must be between 0 and 2", *o.Temperature, p))
		}
		if o.MaxTokens < 0 {
			errs = append(errs, fmt.Errorf("max tokens %d for %s must not be negative", o.MaxTokens, p))
		}
	}
	for m, p := range s.Prices {
		if p.Prompt < 0 || p.Completion < 0 {
			errs = append(errs, fmt.Errorf("price of %s must not be negative", m))
		}
	}
	if err := errors.Join(errs...); err != nil {
		return fmt.Errorf("llm settings: %w", err)
	}
	return nil
}

func knownPurpose(p Purpose) bool {
	for _, q := range Purposes {
		if p == q {
			return true
		}
	}
	return false
}

// Redacted returns a copy that is safe to show or log: APIKey is "set" or "not set".
func (s Settings) Redacted() Settings {
	if s.APIKey != "" {
		s.APIKey = "set"
	} else {
		s.APIKey = "not set"
	}
	s.Purposes = maps.Clone(s.Purposes)
	s.Prices = maps.Clone(s.Prices)
	return s
}

// LogValue keeps the key out of slog output even when Settings are logged whole.
func (s Settings) LogValue() slog.Value {
	r := s.Redacted()
	return slog.GroupValue(
		slog.String("base_url", r.BaseURL),
		slog.String("api_key", r.APIKey),
		slog.String("model", r.Model),
		slog.String("embedding_model", r.EmbeddingModel),
		slog.Float64("temperature", r.Temperature),
		slog.Duration("timeout", r.Timeout),
		slog.Int("max_retries", r.MaxRetries),
		slog.Int("max_concurrency", r.MaxConcurrency),
		slog.Int("tokens_per_minute", r.TokensPerMinute),
	)
}

// Environment variables read by SettingsFromEnv. Per-purpose variables append the upper-cased
// purpose: GOLDSET_LLM_MODEL_JUDGE, GOLDSET_LLM_TEMPERATURE_AGENT, GOLDSET_LLM_MAX_TOKENS_GENERATOR.
const (
	EnvBaseURL         = "GOLDSET_LLM_BASE_URL"
	EnvAPIKey          = "GOLDSET_LLM_API_KEY"
	EnvAPIKeyFile      = "GOLDSET_LLM_API_KEY_FILE"
	EnvModel           = "GOLDSET_LLM_MODEL"
	EnvEmbeddingModel  = "GOLDSET_LLM_EMBEDDING_MODEL"
	EnvTemperature     = "GOLDSET_LLM_TEMPERATURE"
	EnvMaxTokens       = "GOLDSET_LLM_MAX_TOKENS"
	EnvTimeout         = "GOLDSET_LLM_TIMEOUT"
	EnvMaxRetries      = "GOLDSET_LLM_MAX_RETRIES"
	EnvMaxConcurrency  = "GOLDSET_LLM_MAX_CONCURRENCY"
	EnvTokensPerMinute = "GOLDSET_LLM_TOKENS_PER_MINUTE"
)

// SettingsFromEnv reads the GOLDSET_LLM_* variables (see the Env constants). The key comes from
// GOLDSET_LLM_API_KEY or, when that is empty, from the file named by GOLDSET_LLM_API_KEY_FILE.
// Every error names the variable at fault; the result is validated.
func SettingsFromEnv(getenv func(string) string) (Settings, error) {
	var s Settings
	var errs []error
	bad := func(name, val, want string) {
		errs = append(errs, fmt.Errorf("%s=%q: %s", name, val, want))
	}
	num := func(name string, lo, hi int) int {
		v := strings.TrimSpace(getenv(name))
		if v == "" {
			return 0
		}
		n, err := strconv.Atoi(v)
		if err != nil || n < lo || n > hi {
			bad(name, v, fmt.Sprintf("want a whole number between %d and %d", lo, hi))
			return 0
		}
		return n
	}
	temp := func(name string) *float64 {
		v := strings.TrimSpace(getenv(name))
		if v == "" {
			return nil
		}
		f, err := strconv.ParseFloat(v, 64)
		if err != nil || f < 0 || f > 2 {
			bad(name, v, "want a number between 0 and 2")
			return nil
		}
		return &f
	}

	s.BaseURL = strings.TrimSpace(getenv(EnvBaseURL))
	if s.BaseURL != "" {
		if u, err := url.Parse(s.BaseURL); err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
			bad(EnvBaseURL, s.BaseURL, "want an http:// or https:// URL such as https://api.openai.com/v1")
		}
	}
	s.APIKey = strings.TrimSpace(getenv(EnvAPIKey))
	if f := strings.TrimSpace(getenv(EnvAPIKeyFile)); s.APIKey == "" && f != "" {
		b, err := os.ReadFile(f)
		if err != nil {
			errs = append(errs, fmt.Errorf("%s: %w", EnvAPIKeyFile, err))
		}
		s.APIKey = strings.TrimSpace(string(b))
	}
	s.Model = strings.TrimSpace(getenv(EnvModel))
	s.EmbeddingModel = strings.TrimSpace(getenv(EnvEmbeddingModel))
	if t := temp(EnvTemperature); t != nil {
		s.Temperature = *t
	}
	s.MaxTokens = num(EnvMaxTokens, 0, 10_000_000)
	if v := strings.TrimSpace(getenv(EnvTimeout)); v != "" {
		d, err := time.ParseDuration(v)
		if err != nil || d <= 0 {
			bad(EnvTimeout, v, "want a positive duration such as 90s or 2m")
		}
		s.Timeout = d
	}
	s.MaxRetries = num(EnvMaxRetries, -1, 100)
	s.MaxConcurrency = num(EnvMaxConcurrency, 1, 1024)
	s.TokensPerMinute = num(EnvTokensPerMinute, 0, 1_000_000_000)
	for _, p := range Purposes {
		suffix := "_" + strings.ToUpper(string(p))
		var o PurposeSettings
		o.Model = strings.TrimSpace(getenv(EnvModel + suffix))
		o.Temperature = temp(EnvTemperature + suffix)
		o.MaxTokens = num(EnvMaxTokens+suffix, 0, 10_000_000)
		if o != (PurposeSettings{}) {
			if s.Purposes == nil {
				s.Purposes = map[Purpose]PurposeSettings{}
			}
			s.Purposes[p] = o
		}
	}
	if err := errors.Join(errs...); err != nil {
		return s, fmt.Errorf("llm settings from environment: %w", err)
	}
	return s, s.Validate()
}
