package server

import (
	"net/http"

	"github.com/labstack/echo/v4"

	"github.com/goldset/goldset/pipelines/evaluate"
	"github.com/goldset/goldset/store"
)

// listPrompts answers the project's prompt template in force and its saved versions.
func (s *Server) listPrompts(c echo.Context) error {
	pid, err := idParam(c, "project")
	if err != nil {
		return err
	}
	ctx := c.Request().Context()
	cur, err := evaluate.CurrentPrompt(ctx, s.store, pid)
	if err != nil {
		return err
	}
	versions, err := s.store.PromptTemplates(ctx, pid)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, map[string]any{"current": cur, "versions": versions})
}

type promptRequest struct {
	Body string `json:"body"`
	Note string `json:"note"`
}

func (s *Server) createPrompt(c echo.Context) error {
	pid, req, err := projectBody[promptRequest](c)
	if err != nil {
		return err
	}
	p, err := evaluate.SavePrompt(c.Request().Context(), s.store, currentPrincipal(c).actor(c), pid, req.Body, req.Note)
	return respond(c, http.StatusCreated, "prompt", p, err)
}

func (s *Server) startEvaluation(c echo.Context) error {
	return actInProject(c, http.StatusCreated, "run", s.cfg.Evaluator.StartEvaluation)
}

func (s *Server) listEvaluations(c echo.Context) error {
	return getInProject(c, "evaluations", s.cfg.Evaluator.Evaluations)
}

func (s *Server) getEvaluation(c echo.Context) error {
	return getByID(c, "run", bare, s.cfg.Evaluator.Evaluation)
}

// evaluationResults pages through an evaluation's per-item results (?outcome=&after=&limit=).
func (s *Server) evaluationResults(c echo.Context) error {
	pid, id, err := projectAnd(c, "run")
	if err != nil {
		return err
	}
	after, limit := int64(0), 100
	v := store.Validator{}
	queryID(c, &v, "after", &after, true)
	queryLimit(c, &v, &limit, 1000)
	if err := v.Err(); err != nil {
		return err
	}
	results, err := s.cfg.Evaluator.EvalResults(c.Request().Context(), pid, id, c.QueryParam("outcome"), after, limit)
	if err != nil {
		return err
	}
	var next *int64
	if len(results) == limit {
		next = &results[len(results)-1].NLQID
	}
	if results == nil {
		results = []store.EvalResult{}
	}
	return c.JSON(http.StatusOK, map[string]any{"results": results, "next_after": next})
}

func (s *Server) startOptimization(c echo.Context) error {
	return actInProject(c, http.StatusCreated, "run", s.cfg.Optimizer.StartOptimization)
}

func (s *Server) listOptimizations(c echo.Context) error {
	pid, err := idParam(c, "project")
	if err != nil {
		return err
	}
	reps, err := s.cfg.Optimizer.Optimizations(c.Request().Context(), pid)
	if err != nil {
		return err
	}
	out := make([]map[string]any, len(reps))
	for i, r := range reps {
		out[i] = map[string]any{"run": r.Run, "params": r.Params, "best": r.Best}
	}
	return c.JSON(http.StatusOK, map[string]any{"optimizations": out})
}

func (s *Server) getOptimization(c echo.Context) error {
	return getByID(c, "run", bare, s.cfg.Optimizer.Optimization)
}

type adoptRequest struct {
	CandidateID int64 `json:"candidate_id"`
}

// adoptPrompt saves a candidate of an optimization (its best by default) as the project's next
// prompt template version.
func (s *Server) adoptPrompt(c echo.Context) error {
	pid, id, req, err := projectAndBody[adoptRequest](c, "run")
	if err != nil {
		return err
	}
	p, err := s.cfg.Optimizer.Adopt(c.Request().Context(), currentPrincipal(c).actor(c), pid, id, req.CandidateID)
	return respond(c, http.StatusCreated, "prompt", p, err)
}
