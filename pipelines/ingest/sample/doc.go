// Package sample imports the repository's sample dataset (a cut of Spider and WikiTableQuestions,
// see testdata/sample/README.md) into a project of its own and plans its questions for annotation,
// so that a newcomer has work to annotate, a review queue to fill and a dashboard to read before
// any language model is configured.
package sample
