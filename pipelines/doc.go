// Package pipelines holds the batch work that still shares one package: agent batches and "try the
// agent" (Agents), the generating pipelines and their output filters (Generators), evaluation and
// prompt optimization (Evaluator). Work here knows nothing of HTTP: the server and the command line
// call the same functions.
//
// The rest of the batch work has a package of its own: runs (the engine on River), ingest (imports,
// with csvtable, spider and upload), golden (snapshots), export, measure (metric runs), schemas (the
// schema cache and its rendering), prompts (prompt templates), candidate (what running a candidate
// gave), and pipelinetest (test support).
package pipelines
