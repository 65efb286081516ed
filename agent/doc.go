// Package agent is Goldset's ReAct SQL agent (after Turing's human-in-the-loop Text2SQL study): given a question about a target database,
// a model explores the schema and data, runs queries and gives a final answer through four tools
// over OpenAI tool calling — explore_db, run_sql_query, scratchpad, give_final_answer. Every query
// goes through the sqlexec sandbox; a final answer must run, and the rules checker (CheckRules)
// gives the model one chance to fix what makes SQL fragile. Runs are bounded by steps, tokens and
// wall time, stop on loops, honour cancellation, and report every step as it happens so the
// trajectory can be persisted and reviewed.
//
// The prompt set — system prompt, tool descriptions and parameter schemas, loop messages — is
// product text in prompts/, embedded and versioned by PromptVersion.
package agent
