package server

import (
	"net/http"
	"slices"
	"strings"

	"github.com/labstack/echo/v4"

	"github.com/goldset/goldset/agent"
	"github.com/goldset/goldset/pipelines/agentbatch"
	"github.com/goldset/goldset/store"
)

// agentOutcomes are the ways a trajectory ends (and "running"), the values of ?outcome=.
var agentOutcomes = []string{"running", agent.StopAnswered, agent.StopBudget, agent.StopLoop, agent.StopError, agent.StopCancelled}

// batchItems pages through an agent batch's trajectories in the order they started
// (?outcome=&after=&limit=, 50 a page by default), with the batch's counts by outcome.
func (s *Server) batchItems(c echo.Context) error {
	pid, id, err := s.runIDs(c)
	if err != nil {
		return err
	}
	q := store.BatchItemQuery{ProjectID: pid, RunID: id, Outcome: c.QueryParam("outcome"), Limit: 50}
	v := store.Validator{}
	v.Check(q.Outcome == "" || slices.Contains(agentOutcomes, q.Outcome), "outcome", "must be one of "+strings.Join(agentOutcomes, ", "))
	queryID(c, &v, "after", &q.After, true)
	queryLimit(c, &v, &q.Limit, 500)
	if err := v.Err(); err != nil {
		return err
	}
	ctx := c.Request().Context()
	run, err := s.store.PipelineRun(ctx, pid, id)
	if err != nil {
		return err
	}
	if run.Kind != agentbatch.Kind {
		return &store.ValidationError{Fields: map[string]string{"run": "is not an agent batch"}}
	}
	page, err := s.store.BatchItems(ctx, q)
	return respond(c, http.StatusOK, bare, page, err)
}
