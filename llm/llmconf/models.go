package llmconf

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"strings"
	"sync"
	"sync/atomic"

	"github.com/goldset/goldset/llm"
	"github.com/goldset/goldset/store"
)

// Models holds the language-model client in force: the environment's settings (GOLDSET_LLM_*)
// overlaid with what an admin saved in the UI. The API key never enters the database: it comes from
// GOLDSET_LLM_API_KEY(_FILE) or from a file in the data dir that the settings page writes (0600).
type Models struct {
	store   *store.Store
	env     llm.Settings
	keyFile string
	log     *slog.Logger

	mu      sync.Mutex // serialises Reload and Save
	client  atomic.Pointer[llm.Client]
	version atomic.Int64
}

// NewModels builds the client from env and the saved settings.
func NewModels(ctx context.Context, st *store.Store, env llm.Settings, keyFile string, log *slog.Logger) (*Models, error) {
	if log == nil {
		log = slog.Default()
	}
	m := &Models{store: st, env: env, keyFile: keyFile, log: log}
	return m, m.Reload(ctx)
}

// Client is the client in force (never nil; unconfigured, its calls return llm.ErrNotConfigured).
func (m *Models) Client() *llm.Client { return m.client.Load() }

// Reload rebuilds the client from the environment and the saved settings.
func (m *Models) Reload(ctx context.Context) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	set, version, err := m.effective(ctx)
	if err != nil {
		return err
	}
	m.client.Store(llm.New(set, m.store, m.store, m.log))
	m.version.Store(int64(version))
	return nil
}

// ReloadIfChanged reloads when another process saved newer settings.
func (m *Models) ReloadIfChanged(ctx context.Context) error {
	_, version, _, err := m.store.LLMSettings(ctx)
	if err != nil || int64(version) == m.version.Load() {
		return err
	}
	return m.Reload(ctx)
}

func (m *Models) effective(ctx context.Context) (llm.Settings, int, error) {
	saved, version, ok, err := m.store.LLMSettings(ctx)
	if err != nil {
		return llm.Settings{}, 0, err
	}
	set := m.env
	if ok {
		set = overlay(m.env, saved)
	}
	set.APIKey = m.env.APIKey
	if set.APIKey == "" && m.keyFile != "" {
		if b, err := os.ReadFile(m.keyFile); err == nil {
			set.APIKey = strings.TrimSpace(string(b))
		}
	}
	return set, version, nil
}

// overlay applies the admin's saved settings over the environment's: every field the admin set wins.
func overlay(env, saved llm.Settings) llm.Settings {
	out := env
	if saved.BaseURL != "" {
		out.BaseURL = saved.BaseURL
	}
	if saved.Model != "" {
		out.Model = saved.Model
	}
	if saved.EmbeddingModel != "" {
		out.EmbeddingModel = saved.EmbeddingModel
	}
	out.Temperature = saved.Temperature
	if saved.MaxTokens != 0 {
		out.MaxTokens = saved.MaxTokens
	}
	if len(saved.Purposes) > 0 {
		out.Purposes = saved.Purposes
	}
	if saved.Timeout != 0 {
		out.Timeout = saved.Timeout
	}
	if saved.MaxRetries != 0 {
		out.MaxRetries = saved.MaxRetries
	}
	if saved.MaxConcurrency != 0 {
		out.MaxConcurrency = saved.MaxConcurrency
	}
	if saved.TokensPerMinute != 0 {
		out.TokensPerMinute = saved.TokensPerMinute
	}
	if len(saved.Prices) > 0 {
		out.Prices = saved.Prices
	}
	return out
}

// ModelSettingsView is what the settings page shows: never the key, only where it comes from.
type ModelSettingsView struct {
	Settings   llm.Settings `json:"settings"`
	Version    int          `json:"version"`
	Configured bool         `json:"configured"`
	KeySource  string       `json:"key_source"` // "environment", "file", "none"
	FromEnv    []string     `json:"from_env"`   // settings that come from GOLDSET_LLM_* variables
}

// View returns the settings in force for people to read.
func (m *Models) View(ctx context.Context) (ModelSettingsView, error) {
	set, version, err := m.effective(ctx)
	if err != nil {
		return ModelSettingsView{}, err
	}
	v := ModelSettingsView{Settings: set, Version: version, Configured: set.Configured(), KeySource: "none"}
	v.Settings.APIKey = ""
	switch {
	case m.env.APIKey != "":
		v.KeySource = "environment"
	case set.APIKey != "":
		v.KeySource = "file"
	}
	v.FromEnv = envFields(m.env)
	return v, nil
}

// Save stores an admin's settings (if still at version) and, when apiKey is not nil, the key in the
// key file ("" removes it), then makes them the client in force.
func (m *Models) Save(ctx context.Context, a store.Actor, set llm.Settings, apiKey *string, version int) (ModelSettingsView, error) {
	if err := set.Validate(); err != nil {
		return ModelSettingsView{}, &store.ValidationError{Fields: map[string]string{"settings": err.Error()}}
	}
	if apiKey != nil && m.env.APIKey != "" {
		return ModelSettingsView{}, &store.ValidationError{Fields: map[string]string{"api_key": "comes from GOLDSET_LLM_API_KEY in the server's environment; change it there"}}
	}
	// The settings first: a stale save (409) must not change the key either.
	if _, err := m.store.SaveLLMSettings(ctx, a, set, version); err != nil {
		return ModelSettingsView{}, err
	}
	if apiKey != nil {
		if err := m.writeKey(*apiKey); err != nil {
			return ModelSettingsView{}, err
		}
	}
	if err := m.Reload(ctx); err != nil {
		return ModelSettingsView{}, err
	}
	return m.View(ctx)
}

func (m *Models) writeKey(key string) error {
	if m.keyFile == "" {
		return errors.New("no data dir to keep the API key in; set GOLDSET_LLM_API_KEY instead")
	}
	key = strings.TrimSpace(key)
	if key == "" {
		if err := os.Remove(m.keyFile); err != nil && !errors.Is(err, os.ErrNotExist) {
			return err
		}
		return nil
	}
	tmp := m.keyFile + ".tmp"
	if err := os.WriteFile(tmp, []byte(key+"\n"), 0o600); err != nil {
		return fmt.Errorf("write the API key file: %w", err)
	}
	return os.Rename(tmp, m.keyFile)
}

// ModelFor is the model a purpose uses under set.
func ModelFor(set llm.Settings, p llm.Purpose) string {
	if ps, ok := set.Purposes[p]; ok && ps.Model != "" {
		return ps.Model
	}
	if p == llm.PurposeEmbeddings {
		return set.EmbeddingModel
	}
	return set.Model
}

// envFields names the settings the environment provides, so the settings page can show them as such
// (and not save them back as an admin's choice).
func envFields(env llm.Settings) []string {
	out := []string{}
	add := func(set bool, name string) {
		if set {
			out = append(out, name)
		}
	}
	add(env.BaseURL != "", "base_url")
	add(env.Model != "", "model")
	add(env.EmbeddingModel != "", "embedding_model")
	add(env.Temperature != 0, "temperature")
	add(env.MaxTokens != 0, "max_tokens")
	add(env.Timeout != 0, "timeout")
	add(env.MaxRetries != 0, "max_retries")
	add(env.MaxConcurrency != 0, "max_concurrency")
	add(env.TokensPerMinute != 0, "tokens_per_minute")
	add(len(env.Purposes) > 0, "purposes")
	return out
}
