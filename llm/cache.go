package llm

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"sync"

	openai "github.com/sashabaranov/go-openai"
)

// MemoryCache is a Cache in memory, for tests and the CLI. Safe for concurrent use.
type MemoryCache struct {
	mu sync.Mutex
	m  map[string][]byte
}

// NewMemoryCache returns an empty cache.
func NewMemoryCache() *MemoryCache { return &MemoryCache{m: map[string][]byte{}} }

// GetResponse implements Cache.
func (c *MemoryCache) GetResponse(_ context.Context, key string) ([]byte, bool, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	b, ok := c.m[key]
	return b, ok, nil
}

// PutResponse implements Cache.
func (c *MemoryCache) PutResponse(_ context.Context, key string, _ string, response []byte) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.m[key] = append([]byte(nil), response...)
	return nil
}

// Len is the number of cached responses.
func (c *MemoryCache) Len() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return len(c.m)
}

// cacheKeyVersion changes when the key's recipe changes, so old entries are simply never hit.
const cacheKeyVersion = "goldset-llm-cache-v1"

// chatCacheKey is the sha256 of the canonical JSON of the request exactly as it is sent (model,
// messages, tools, tool choice, max tokens, temperature, response format and every other field):
// encoding/json writes struct fields in a fixed order and map keys sorted, so equal requests give
// equal bytes.
func chatCacheKey(req openai.ChatCompletionRequest) (string, error) {
	b, err := json.Marshal(req)
	if err != nil {
		return "", err
	}
	h := sha256.New()
	h.Write([]byte(cacheKeyVersion + "\x00chat\x00"))
	h.Write(b)
	return "chat:" + hex.EncodeToString(h.Sum(nil)), nil
}

// embedCacheKey identifies the embedding of one text by one model.
func embedCacheKey(model, text string) string {
	h := sha256.New()
	h.Write([]byte(cacheKeyVersion + "\x00embed\x00" + model + "\x00"))
	h.Write([]byte(text))
	return "embed:" + hex.EncodeToString(h.Sum(nil))
}
