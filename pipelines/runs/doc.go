// Package runs is the engine of Goldset's batch work: a run is a set of items (pipeline_runs,
// pipeline_items) processed as River jobs by every process that works, each item exactly once
// whatever crashes, with a run's concurrency held across all workers together.
//
// A run kind says how its items are processed (Kind, ItemFunc, ItemSaver); the packages of the
// pipelines (agentbatch, augment, evaluate, optimize, measure) define their kinds, and the
// application registers them all with its Runner in one place.
package runs
