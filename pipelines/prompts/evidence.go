package prompts

// WithEvidence is a question as a model is asked it: followed by its evidence when it has one, as
// BIRD's baselines give the external knowledge with the question (Li et al., NeurIPS 2023). It is
// what {query_str} holds in evaluations and what exports put in the user's turn.
func WithEvidence(question, evidence string) string {
	if evidence == "" {
		return question
	}
	return question + "\nEvidence: " + evidence
}
