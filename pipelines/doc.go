// Package pipelines holds nothing itself: the batch work lives in its sub-packages, one purpose each.
// Work there knows nothing of HTTP: the server and the command line call the same functions.
//
//   - runs: the run engine on River (Runner, Kind, ItemFunc, QuestionKey)
//   - ingest: imports (with ingest/csvtable, ingest/spider and ingest/upload)
//   - golden: snapshots, splits, leakage
//   - export: snapshot exports (JSONL, CSV, Spider zip)
//   - measure: metric runs
//   - schemas: the per-database table cache and schema rendering for prompts
//   - prompts: prompt templates, loading, versioning
//   - candidate: what running a candidate gave (outcome, preview, verified)
//   - agentbatch: agent batches, "try the agent", batch accuracy
//   - augment: the generating pipelines and their output filters
//   - evaluate: evaluation of a model on a snapshot split; prompt template versions (evaluatetest:
//     the gold set and scripted model its tests and optimize's share)
//   - optimize: prompt optimization (OPRO, APO) and the paired McNemar test
//   - pipelinetest: test support only
package pipelines
