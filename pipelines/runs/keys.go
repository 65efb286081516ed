package runs

import (
	"fmt"
	"strconv"

	"github.com/goldset/goldset/store"
)

// QuestionKey is the item key of a question in the runs whose items are questions (agent batches,
// evaluations, the rewriting pipelines): its id, zero-padded so keys sort in id order.
func QuestionKey(nlqID int64) string { return fmt.Sprintf("%012d", nlqID) }

// ParseQuestionKey reads the question id of an item key.
func ParseQuestionKey(key string) (int64, error) {
	id, err := strconv.ParseInt(key, 10, 64)
	if err != nil {
		return 0, fmt.Errorf("bad item key %q", key)
	}
	return id, nil
}

// StartedBy is the user who started a run (0 for the system).
func StartedBy(run store.PipelineRun) int64 {
	if run.StartedBy == nil {
		return 0
	}
	return *run.StartedBy
}
