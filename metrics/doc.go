// Package metrics measures a Text2SQL dataset the way Phase 1 of Turing's human-in-the-loop Text2SQL study does: how diverse its
// questions are (mean pairwise cosine of their embeddings, near-duplicate pairs, length
// distribution), how much of the schema its SQL touches (table and column coverage), and how
// varied and complex its SQL is (unique structural patterns and their Shannon entropy, Spider's
// hardness levels, clause usage).
//
// Everything here is a pure function over data already in memory: no database, no HTTP, no model
// calls. Callers bring the embeddings (or use the lexical fallback, LexicalEmbed) and the schemas.
// SQL is parsed once per query with PostgreSQL's own parser (Parse), and every per-query measure
// reads that one tree; Analyze puts all of it into one Report. DisjointSets, the union-find that
// groups linked items (near-duplicates, shared SQL), serves the leakage groups of snapshots and the
// agent's check for disconnected joins.
package metrics
