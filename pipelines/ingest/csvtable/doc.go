// Package csvtable reads real-world CSV and TSV tables (Wikipedia exports such as
// WikiTableQuestions, spreadsheets saved as CSV) into typed, clean sqlexec.TableData
// ready to load into PostgreSQL.
//
// It has its own small reader instead of encoding/csv because the data it meets is not
// RFC 4180: WikiTableQuestions escapes quotes inside quoted fields with a backslash (\"),
// which encoding/csv rejects or mis-splits even with LazyQuotes. Its .tsv twins use another
// dialect again (no quoting; \n, \\ and \p for newline, backslash and "|").
//
// Reading never drops data silently: anything the reader changed or could not keep
// (placeholders stored as NULL, footnote marks stripped, ragged rows, a non-UTF-8 file
// decoded as Windows-1252) is reported in TableData.Warnings.
//
// Naming rules (columns and tables) are in names.go, typing rules in infer.go.
package csvtable
