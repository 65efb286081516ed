// Package schemas owns what the pipelines know of a target database's schema: the per-database
// cache of its tables (Cache, with Forget after a rename), and their rendering for prompts as
// CREATE TABLE with keys, original names, summaries and sample rows (TableBlock, Cache.Rendered).
package schemas
