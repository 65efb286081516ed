// Package loop is the human side of Goldset's annotation loop: where an agent batch's answer goes
// (dual annotation, review, or standing alone), planning annotation, claiming and submitting
// annotations with their comparison by execution match, review decisions and their effect on the
// question, questions written by people, and the model's proposals of guideline edits drawn from
// recent disagreements. The database work is in store; this package decides and runs SQL in the
// sandbox. It is not batch work: people drive it, one request at a time.
package loop
