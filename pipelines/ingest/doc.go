// Package ingest turns files from outside into target databases, NLQs and SQL candidates, each
// database in one transaction (a Spider folder or a zip of SQLite files goes on past a database that
// fails, naming it: ImportSummary.Failed): CSV/TSV tables, SQLite files, Spider and BIRD datasets (gold SQL
// translated to PostgreSQL and verified by execution match; BIRD's questions with their evidence and
// difficulty, its columns with their descriptions), WikiTableQuestions folders and question CSVs.
//
// Readers of source formats live in sub-packages: csvtable (CSV/TSV tables and WikiTableQuestions),
// spider (SQLite files and Spider datasets), bird (BIRD's questions and description files), upload
// (counted copies and zip extraction within limits).
package ingest
