// Package optimize improves a project's text-to-SQL prompt template on a snapshot, as runs of kind
// "optimize": OPRO (Yang et al. 2023, "Large Language Models as Optimizers": a meta-prompt of past
// prompts sorted by score proposes new ones) or APO (Pryzant et al. 2023, "Automatic Prompt
// Optimization with 'Gradient Descent' and Beam Search": a critic's textual gradient, an editor,
// beam search). Prompts are scored on the validation split; the best and the baseline are
// compared on the test split with McNemar's exact test.
package optimize
