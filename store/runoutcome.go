package store

import (
	"cmp"
	"fmt"
	"slices"
	"strings"
)

// RunOutcome says in a sentence what a run did, and whether that is good news: a run that
// "succeeded" but kept nothing is not.
type RunOutcome struct {
	Tone string `json:"tone"` // good, warn, bad, neutral (not finished)
	Text string `json:"text"`
}

// dropReasons explain, for people, why outputs were dropped (the keys of a run's dropped counts).
var dropReasons = map[string]string{
	"invalid_json":   "the model did not answer in the JSON asked for",
	"empty":          "the answer was empty",
	"refusal":        "the model refused",
	"duplicate":      "a question the project already has",
	"near_duplicate": "too close to a question the project already has",
	"too_long":       "too long",
	"off_schema":     "not about the database's tables",
	"wrong_language": "in another language",
	"sql_failed":     "its SQL failed",
	"not_validated":  "the validator said the result does not answer it",
}

// Outcome is the run's outcome in words.
func (r PipelineRun) Outcome() RunOutcome {
	switch r.Status {
	case RunQueued, RunRunning:
		return RunOutcome{Tone: "neutral", Text: fmt.Sprintf("%d of %d done", r.Done, r.Total)}
	case RunCancelled:
		return RunOutcome{Tone: "warn", Text: fmt.Sprintf("cancelled after %d of %d", r.Done, r.Total)}
	case RunFailed:
		text := "failed"
		if r.Error != "" {
			text += ": " + r.Error
		}
		return RunOutcome{Tone: "bad", Text: text}
	}
	dropped := 0
	for _, n := range r.Dropped {
		dropped += n
	}
	if r.Kept == 0 && dropped == 0 {
		// A run whose items keep nothing by design (an agent batch, an evaluation) says how its
		// items ended.
		if r.Failed > 0 {
			return RunOutcome{Tone: "warn", Text: fmt.Sprintf("%d of %d items succeeded, %d failed", r.Succeeded, r.Total, r.Failed)}
		}
		return RunOutcome{Tone: "good", Text: fmt.Sprintf("all %d items done", r.Total)}
	}
	why := dropSummary(r.Dropped)
	switch {
	case r.Kept == 0:
		return RunOutcome{Tone: "bad", Text: fmt.Sprintf("0 kept: all %d dropped (%s)", dropped, why)}
	case dropped > r.Kept:
		return RunOutcome{Tone: "warn", Text: fmt.Sprintf("%d kept, %d dropped (%s)", r.Kept, dropped, why)}
	case dropped > 0:
		return RunOutcome{Tone: "good", Text: fmt.Sprintf("%d kept, %d dropped (%s)", r.Kept, dropped, why)}
	}
	return RunOutcome{Tone: "good", Text: fmt.Sprintf("%d kept", r.Kept)}
}

// dropSummary lists the reasons most frequent first: "5 as invalid JSON — the model did not answer
// in the JSON asked for".
func dropSummary(dropped map[string]int) string {
	type reason struct {
		key string
		n   int
	}
	var rs []reason
	for k, n := range dropped {
		if n > 0 {
			rs = append(rs, reason{k, n})
		}
	}
	slices.SortFunc(rs, func(a, b reason) int {
		if c := cmp.Compare(b.n, a.n); c != 0 {
			return c
		}
		return cmp.Compare(a.key, b.key)
	})
	parts := make([]string, len(rs))
	for i, r := range rs {
		why := dropReasons[r.key]
		if why == "" {
			why = strings.ReplaceAll(r.key, "_", " ")
		}
		parts[i] = fmt.Sprintf("%d: %s", r.n, why)
	}
	return strings.Join(parts, "; ")
}
