// Package llm is Goldset's access to language models: any OpenAI-compatible endpoint (OpenAI, vLLM,
// Ollama, llama.cpp server) through go-openai, with per-purpose models and temperatures, retries with
// backoff and jitter that honour Retry-After, a concurrency and tokens-per-minute limit shared by every
// caller in the process, a log of every call, and a response cache for deterministic calls so a
// resumed run never pays twice.
//
// Without a configured endpoint every call fails with ErrNotConfigured, whose message says what to set;
// the rest of the product works without a model.
//
// llmtest is a fake OpenAI-compatible server for tests and benchmarks only.
package llm
