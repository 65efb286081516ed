// Package prompts holds Goldset's own prompts as named template files (*.tmpl, embedded), their
// loading and versioning, and the text-to-SQL prompt template a project may tune (its placeholders,
// its check and its filling). A prompt's version is its file's name and the start of its digest, so
// a change to the text is a new version in the origin of everything generated with it.
//
// The SQL agent's own prompts live with it, in agent/prompts.
package prompts
