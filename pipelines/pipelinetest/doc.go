// Package pipelinetest is test support for the pipelines packages: a fixture with a fresh, migrated
// database (a store, the sandbox executor, an importer and a project), the shared data sets, and
// helpers that read a run's state and wait for it. The product never uses it.
package pipelinetest
