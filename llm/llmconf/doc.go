// Package llmconf holds the language-model settings in force: the environment's GOLDSET_LLM_*
// settings overlaid with what an admin saved, the API key from the environment or a 0600 file in the
// data dir (never the database), and the llm.Client built from them, rebuilt when the settings change
// here or in another process.
package llmconf
