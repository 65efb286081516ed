// Package evaluate evaluates a model on a snapshot split by execution match (and, when asked, an
// LLM judge), as runs of kind "evaluate", within a budget; it keeps the project's prompt template
// versions. Its Scorer, which answers and scores pairs within a run, is what the optimize package
// scores prompts with.
package evaluate
