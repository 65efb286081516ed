package candidate

import (
	"encoding/json"

	"github.com/goldset/goldset/sqlexec"
	"github.com/goldset/goldset/store"
)

// SetOutcome copies onto a candidate what running its SQL gave: elapsed time, and row count and
// result fingerprint, or the error.
func SetOutcome(c *store.Candidate, r *sqlexec.Result) {
	ms := float64(r.Elapsed.Microseconds()) / 1000
	c.ElapsedMS = &ms
	if r.OK() {
		n := r.RowCount
		c.RowCount = &n
		if r.Fingerprint != "" {
			fp := r.Fingerprint
			c.ResultFingerprint = &fp
		}
	} else {
		e := r.Error
		c.Error = &e
	}
}

// ResultPreview keeps what a reviewer needs of a result: its shape, first rows and error.
type ResultPreview struct {
	Columns   []sqlexec.ResultColumn `json:"columns"`
	Rows      [][]any                `json:"rows" tstype:"unknown[][] | null"`
	RowCount  int                    `json:"row_count"`
	Truncated bool                   `json:"truncated"`
	Error     string                 `json:"error,omitempty"`
}

const previewRows = 20

// Preview is what a step of the agent records of a result.
func Preview(r *sqlexec.Result) ResultPreview {
	p := ResultPreview{Columns: r.Columns, Rows: r.Rows, RowCount: r.RowCount, Truncated: r.Truncated, Error: r.Error}
	if len(p.Rows) > previewRows {
		p.Rows = p.Rows[:previewRows]
	}
	return p
}

// Verified reports whether an imported candidate's translation was checked and matched.
func Verified(c *store.Candidate) bool {
	var v struct{ Match bool }
	return c.Verification != nil && json.Unmarshal(c.Verification, &v) == nil && v.Match
}
