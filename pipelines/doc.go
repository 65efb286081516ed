// Package pipelines is Goldset's batch work: importing target databases and question sets today;
// augmentation, agent batches, exports, evaluation and optimization as they arrive.
//
// Work here knows nothing of HTTP: the server and the command line call the same functions.
// Readers of source formats live in sub-packages (csvtable for CSV/TSV tables and WikiTableQuestions,
// spider for SQLite files and Spider datasets); this package turns what they read into target
// databases, NLQs and SQL candidates, each import in one transaction.
package pipelines
