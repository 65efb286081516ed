package agentbatch

import (
	"context"
	"fmt"

	"github.com/goldset/goldset/pipelines/runs"
	"github.com/goldset/goldset/store"
)

// abandonItem ends the trajectories an earlier attempt at a question of a batch left running (its
// worker died, or the attempt failed before recording how they ended), before the question is tried
// again.
func (w *Agents) abandonItem(ctx context.Context, run store.PipelineRun, key string) {
	nlqID, err := runs.ParseQuestionKey(key)
	if err != nil {
		return
	}
	if n, err := w.store.AbandonItemTrajectories(ctx, run.ID, nlqID); err == nil && n > 0 {
		w.store.AddEvent(ctx, run.ID, "warn", fmt.Sprintf("question %d: %d unfinished trajectory(ies) of an earlier attempt marked cancelled", nlqID, n))
	}
}
