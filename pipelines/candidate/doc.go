// Package candidate records on SQL candidates (store.Candidate) what running their SQL gave, and
// reads what an import verified of them: every pipeline that stores a candidate, and the annotation
// loop, use it.
package candidate
