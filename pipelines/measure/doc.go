// Package measure computes a project's metrics (package metrics) over its questions, stage by stage,
// as a run of kind "metrics" with one item, and stores the reports in metric_runs with exactly
// what they read. One computation per project runs at a time; a failed one keeps the project's last
// good figures.
package measure
