// Package bird reads datasets in the layout of BIRD (Li et al., "Can LLM Already Serve as A
// Database Interface? A BIg Bench for Large-Scale Database Grounded Text-to-SQLs", NeurIPS 2023):
// a questions file (dev.json, train.json) whose entries carry db_id, question, evidence (the
// external knowledge the SQL needs), SQL (SQLite dialect, identifiers often in backquotes) and,
// in dev, question_id and difficulty; the databases as <split>_databases/<db>/<db>.sqlite; and
// for each database a database_description folder with one CSV per table describing its columns
// (original_column_name, column_name, column_description, data_format, value_description).
//
// The SQLite files are read by package spider, and the SQL is translated and verified as
// Spider's is; this package reads what BIRD adds. Its description CSVs are written by hand in
// spreadsheets, and are read leniently: a byte-order mark is dropped, bytes that are not UTF-8
// are read as Windows-1252 (a superset of Latin-1's printable characters), a row with a stray quote
// is read again taking the quote as text, a row that still cannot be parsed is dropped, and every
// such repair or loss is a warning naming file and line.
// The questions file is read strictly: a question without SQL or whose database is missing
// refuses the dataset, naming the question, since gold-set text is for its author to fix.
package bird
