// Package augment holds the generating pipelines, each a run kind: complexity (Evol-Instruct-style
// rewrites, Xu et al. 2023), semantic (new questions over chosen columns in a person's style),
// paraphrase, qagen (question and SQL per schema chunk) and table_metadata (a clean name and summary
// per CSV table). Every output passes the filters (filters.go: shape, length, exact and embedding
// near-duplicates) and is stored with its lineage; a run's new questions get an agent batch when it
// ends.
package augment
