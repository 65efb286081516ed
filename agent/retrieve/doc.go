// Package retrieve finds the tables of a target database version that a question is about: a
// lexical index over table names, original headers, column names and types, summaries, column
// descriptions, the distinct values of text and integer columns and what kind of thing most of a
// column's values are (years, dates, countries), ranked with BM25 (Robertson and Zaragoza
// 2009), fused with embedding similarity by reciprocal rank fusion (Cormack, Clarke and Büttcher
// 2009) when an embeddings endpoint answers, widened along foreign keys. The agent uses it to pick
// the tables its prompt describes and for explore_db's search; people use it through the API.
//
// An index is built in memory per database version from what is stored (the table registry and the
// target schema's rows) and cached; see docs/ARCHITECTURE.md for why it is not a table.
package retrieve
