package sqlexec

import "time"

// ResultColumn is a column of a query result.
type ResultColumn struct {
	Name string `json:"name"`
	Type string `json:"type"` // PostgreSQL type name, e.g. "int8", "text", "numeric"
}

// Result is what a query produced. A failed query is a Result with Error set, not a Go error: callers
// (the agent above all) learn from the message.
type Result struct {
	Columns   []ResultColumn `json:"columns"`
	Rows      [][]any        `json:"rows" tstype:"unknown[][] | null"` // at most the row cap; values as decoded by the driver
	RowCount  int            `json:"row_count"`                        // rows produced, counting those past the cap
	Truncated bool           `json:"truncated"`                        // the row or byte cap cut the result
	Elapsed   time.Duration  `json:"elapsed_ns"`
	Error     string         `json:"error,omitempty"`
	// Fingerprint identifies the result independently of row order and column order (see match.go).
	// Empty when the query failed or the result was truncated.
	Fingerprint string `json:"fingerprint,omitempty"`
}

// OK reports whether the query ran without error.
func (r *Result) OK() bool { return r.Error == "" }
