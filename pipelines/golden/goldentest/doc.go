// Package goldentest is test support for the packages that work on snapshots: a snapshot cut from
// a pipelinetest fixture's project, with its pairs. The product never uses it.
//
// It is a package of its own, not part of pipelinetest, because golden's own tests use
// pipelinetest: pipelinetest importing golden would make an import cycle.
package goldentest
