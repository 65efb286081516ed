package llm

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

func env(m map[string]string) func(string) string { return func(k string) string { return m[k] } }

func TestSettingsFromEnv(t *testing.T) {
	t.Parallel()
	keyFile := filepath.Join(t.TempDir(), "key")
	if err := os.WriteFile(keyFile, []byte("sk-from-file\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	s, err := SettingsFromEnv(env(map[string]string{
		"GOLDSET_LLM_BASE_URL":              "https://api.example.com/v1",
		"GOLDSET_LLM_API_KEY_FILE":          keyFile,
		"GOLDSET_LLM_MODEL":                 "gpt-x",
		"GOLDSET_LLM_EMBEDDING_MODEL":       "emb-x",
		"GOLDSET_LLM_MODEL_JUDGE":           "judge-x",
		"GOLDSET_LLM_TEMPERATURE_GENERATOR": "0.9",
		"GOLDSET_LLM_TEMPERATURE_AGENT":     "0",
		"GOLDSET_LLM_TIMEOUT":               "90s",
		"GOLDSET_LLM_MAX_CONCURRENCY":       "16",
		"GOLDSET_LLM_TOKENS_PER_MINUTE":     "200000",
	}))
	if err != nil {
		t.Fatal(err)
	}
	if s.BaseURL != "https://api.example.com/v1" || s.APIKey != "sk-from-file" || s.Model != "gpt-x" || s.EmbeddingModel != "emb-x" ||
		s.Timeout != 90*time.Second || s.MaxConcurrency != 16 || s.TokensPerMinute != 200000 {
		t.Errorf("settings %+v", s.Redacted())
	}
	if s.forPurpose(PurposeJudge).model != "judge-x" || s.forPurpose(PurposeGenerator).temperature != 0.9 ||
		s.forPurpose(PurposeAgent).temperature != 0 || s.Purposes[PurposeAgent].Temperature == nil || s.forPurpose(PurposeCritic).model != "gpt-x" {
		t.Errorf("purposes %+v", s.Purposes)
	}

	s, err = SettingsFromEnv(env(map[string]string{"GOLDSET_LLM_API_KEY": "sk-direct", "GOLDSET_LLM_API_KEY_FILE": "/nonexistent"}))
	if err != nil || s.APIKey != "sk-direct" || s.Configured() {
		t.Errorf("key variable wins over file: %v", err)
	}
	if s, err := SettingsFromEnv(env(nil)); err != nil || s.Configured() {
		t.Errorf("empty environment: %v", err)
	}
}

func TestSettingsFromEnv_ErrorsNameTheVariable(t *testing.T) {
	t.Parallel()
	tests := []struct{ name, val string }{
		{"GOLDSET_LLM_BASE_URL", "ftp://x"},
		{"GOLDSET_LLM_BASE_URL", "localhost:8000"},
		{"GOLDSET_LLM_TIMEOUT", "soon"},
		{"GOLDSET_LLM_TIMEOUT", "-1s"},
		{"GOLDSET_LLM_MAX_CONCURRENCY", "0"},
		{"GOLDSET_LLM_MAX_CONCURRENCY", "many"},
		{"GOLDSET_LLM_TOKENS_PER_MINUTE", "-5"},
		{"GOLDSET_LLM_TEMPERATURE_JUDGE", "3"},
		{"GOLDSET_LLM_TEMPERATURE", "warm"},
		{"GOLDSET_LLM_MAX_RETRIES", "1000"},
		{"GOLDSET_LLM_API_KEY_FILE", "/nonexistent/key"},
	}
	for _, tt := range tests {
		t.Run(tt.name+"="+tt.val, func(t *testing.T) {
			_, err := SettingsFromEnv(env(map[string]string{tt.name: tt.val}))
			if err == nil || !strings.Contains(err.Error(), tt.name) {
				t.Errorf("err = %v, want one naming %s", err, tt.name)
			}
		})
	}
}

func TestSettings_Validate(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		s    Settings
		want string // "" valid
	}{
		{"not configured is valid", Settings{}, ""},
		{"http", Settings{BaseURL: "http://localhost:11434/v1"}, ""},
		{"no scheme", Settings{BaseURL: "api.openai.com"}, "http:// or https://"},
		{"temperature", Settings{Temperature: 2.5}, "temperature"},
		{"purpose temperature", Settings{Purposes: map[Purpose]PurposeSettings{PurposeCritic: {Temperature: ptr(-1.0)}}}, "critic"},
		{"unknown purpose", Settings{Purposes: map[Purpose]PurposeSettings{"poet": {}}}, "poet"},
		{"concurrency", Settings{MaxConcurrency: 5000}, "max concurrency"},
		{"retries", Settings{MaxRetries: -2}, "max retries"},
		{"tpm", Settings{TokensPerMinute: -1}, "tokens per minute"},
		{"price", Settings{Prices: map[string]Price{"m": {Prompt: -1}}}, "price of m"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := tt.s.Validate()
			if (tt.want == "") != (err == nil) || (err != nil && !strings.Contains(err.Error(), tt.want)) {
				t.Errorf("err = %v, want %q", err, tt.want)
			}
		})
	}
}

func TestSettings_RedactedNeverShowsTheKey(t *testing.T) {
	t.Parallel()
	s := Settings{BaseURL: "http://x", APIKey: testKey, Prices: map[string]Price{"m": {Prompt: 1}}}
	r := s.Redacted()
	if r.APIKey != "set" || (Settings{}).Redacted().APIKey != "not set" {
		t.Errorf("redacted key %q", r.APIKey)
	}
	r.Prices["m"] = Price{Prompt: 9}
	if s.Prices["m"].Prompt != 1 {
		t.Error("Redacted shares maps with the original")
	}
	b, _ := json.Marshal(s)
	if strings.Contains(string(b), testKey) {
		t.Errorf("key in JSON: %s", b)
	}
}

func TestSettings_Defaults(t *testing.T) {
	t.Parallel()
	d := Settings{}.withDefaults()
	if d.Timeout != DefaultTimeout || d.MaxRetries != DefaultMaxRetries || d.MaxConcurrency != DefaultMaxConcurrency ||
		d.Backoff.Base != 250*time.Millisecond || d.Backoff.Max != 20*time.Second || d.Backoff.RetryAfterMax != time.Minute || d.RateWindow != time.Minute {
		t.Errorf("defaults %+v", d)
	}
	if (Settings{MaxRetries: -1}).withDefaults().MaxRetries != 0 {
		t.Error("MaxRetries -1 should mean no retries")
	}
}
