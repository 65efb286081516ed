// Package golden cuts golden sets: snapshots of a project's accepted question–SQL pairs, split into
// train, val and test (stratified by hardness, or by database), checked for leakage between splits
// (near-duplicate questions, the same SQL), with a manifest of what went in, and compared with
// each other.
package golden
