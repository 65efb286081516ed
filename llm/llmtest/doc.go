// Package llmtest is a fake OpenAI-compatible server for tests and benchmarks. It speaks the real wire
// protocol over HTTP (chat completions with tool calls, embeddings, models, error bodies), so the code
// under test uses the same go-openai client it uses in production. Replies are scripted; failures
// (429 with Retry-After, 5xx, hangs, truncated or malformed bodies, empty choices) are injected per reply.
//
// It is never used by the product.
package llmtest
