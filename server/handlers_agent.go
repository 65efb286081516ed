package server

import (
	"bytes"
	"context"
	"encoding/json"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/goldset/goldset/llm"
	"github.com/goldset/goldset/pipelines/agentbatch"
	"github.com/goldset/goldset/pipelines/augment"
	"github.com/goldset/goldset/store"
)

func (s *Server) getLLMSettings(c echo.Context) error {
	v, err := s.cfg.Models.View(c.Request().Context())
	return respond(c, http.StatusOK, bare, v, err)
}

type llmSettingsRequest struct {
	edit
	Settings llm.Settings `json:"settings"`
	APIKey   *string      `json:"api_key"`
}

func (s *Server) putLLMSettings(c echo.Context) error {
	var req llmSettingsRequest
	if err := bind(c, &req); err != nil {
		return err
	}
	if err := req.required("the version you read; 0 before any save"); err != nil {
		return err
	}
	v, err := s.cfg.Models.Save(c.Request().Context(), currentPrincipal(c).actor(c), req.Settings, req.APIKey, *req.Version)
	return respond(c, http.StatusOK, bare, v, err)
}

func (s *Server) testLLM(c echo.Context) error {
	return c.JSON(http.StatusOK, s.cfg.Models.Client().Test(c.Request().Context()))
}

type askRequest struct {
	DatabaseID int64  `json:"database_id"`
	Question   string `json:"question"`
	Samples    int    `json:"samples"`
}

func (s *Server) askAgent(c echo.Context) error {
	pid, req, err := projectBody[askRequest](c)
	if err != nil {
		return err
	}
	if req.DatabaseID <= 0 {
		return invalid("database_id", "is required")
	}
	run, err := s.cfg.Agents.Ask(c.Request().Context(), currentPrincipal(c).actor(c), pid, req.DatabaseID, req.Question, req.Samples)
	return respond(c, http.StatusCreated, "run", run, err)
}

func (s *Server) listAgentRuns(c echo.Context) error {
	pid, err := idParam(c, "project")
	if err != nil {
		return err
	}
	q := store.AgentRunQuery{ProjectID: pid, Status: c.QueryParam("status")}
	if err := int64Query(c, map[string]*int64{"batch": &q.PipelineRunID, "before": &q.Before}); err != nil {
		return err
	}
	runs, err := s.store.ListAgentRuns(c.Request().Context(), q)
	return respond(c, http.StatusOK, "runs", runs, err)
}

func (s *Server) getAgentRun(c echo.Context) error {
	return getByID(c, "run", "run", s.store.AgentRunWithSteps)
}

// streamAgentRun sends each step of a trajectory as it is recorded ("step"), the run whenever its
// status changes ("run"), and "done" at the end.
func (s *Server) streamAgentRun(c echo.Context) error {
	pid, id, err := projectAnd(c, "run")
	if err != nil {
		return err
	}
	ctx := c.Request().Context()
	if _, err := s.store.AgentRunWithSteps(ctx, pid, id); err != nil {
		return err
	}
	sent := 0
	lastStatus := ""
	return stream(c, 250*time.Millisecond, func(send func(string, any) error) (bool, error) {
		run, err := s.store.AgentRunWithSteps(ctx, pid, id)
		if err != nil {
			return false, err
		}
		for ; sent < len(run.Steps); sent++ {
			if err := send("step", run.Steps[sent]); err != nil {
				return true, nil
			}
		}
		if run.Status != lastStatus {
			lastStatus = run.Status
			steps := run.Steps
			run.Steps = nil
			if err := send("run", run); err != nil {
				return true, nil
			}
			run.Steps = steps
		}
		if run.FinishedAt != nil {
			_ = send("done", map[string]any{"status": run.Status})
			return true, nil
		}
		return false, nil
	})
}

type saveRunRequest struct {
	Question string `json:"question"`
}

func (s *Server) saveAgentRun(c echo.Context) error {
	pid, id, req, err := projectAndBody[saveRunRequest](c, "run")
	if err != nil {
		return err
	}
	n, err := s.cfg.Agents.SaveAsNLQ(c.Request().Context(), currentPrincipal(c).actor(c), pid, id, req.Question)
	return respond(c, http.StatusCreated, "nlq", n, err)
}

func (s *Server) listRuns(c echo.Context) error {
	kind := c.QueryParam("kind")
	return getInProject(c, "runs", func(ctx context.Context, pid int64) ([]store.PipelineRun, error) {
		return s.store.ListPipelineRuns(ctx, pid, kind, 0)
	})
}

type startRunRequest struct {
	Kind   string          `json:"kind"`
	Params json.RawMessage `json:"params"`
}

func (s *Server) startRun(c echo.Context) error {
	pid, req, err := projectBody[startRunRequest](c)
	if err != nil {
		return err
	}
	ctx, actor := c.Request().Context(), currentPrincipal(c).actor(c)
	if req.Kind == agentbatch.Kind {
		var p agentbatch.Params
		if err := decodeParams(req.Params, &p); err != nil {
			return err
		}
		run, err := s.cfg.Agents.StartBatch(ctx, actor, pid, p)
		return respond(c, http.StatusCreated, "run", run, err)
	}
	p, err := generationRequest(req)
	if err != nil {
		return err
	}
	run, err := s.cfg.Generators.Start(ctx, actor, pid, req.Kind, p)
	return respond(c, http.StatusCreated, "run", run, err)
}

// previewRun renders the prompt a generating run would send for its first item; nothing is stored
// and no model is called.
func (s *Server) previewRun(c echo.Context) error {
	pid, req, err := projectBody[startRunRequest](c)
	if err != nil {
		return err
	}
	p, err := generationRequest(req)
	if err != nil {
		return err
	}
	pv, err := s.cfg.Generators.Preview(c.Request().Context(), pid, req.Kind, p)
	return respond(c, http.StatusOK, "preview", pv, err)
}

// generationRequest reads the parameters of a generating run (its kind is a pipeline, or augment).
func generationRequest(req startRunRequest) (augment.Params, error) {
	var p augment.Params
	if req.Kind != augment.KindAugment && !slices.Contains(augment.GenerationKinds, req.Kind) {
		return p, invalid("kind", "must be agent, augment, "+strings.Join(augment.GenerationKinds, ", "))
	}
	return p, decodeParams(req.Params, &p)
}

// decodeParams reads a run's parameters strictly: a misspelt one is an error, not a default.
func decodeParams(raw json.RawMessage, v any) error {
	if len(raw) == 0 || string(raw) == "null" {
		return nil
	}
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		return invalid("params", "must be the run's parameters: "+err.Error())
	}
	return nil
}

// runIDs reads the project and run of a /projects/:project/.../:run path.
func (s *Server) runIDs(c echo.Context) (int64, int64, error) { return projectAnd(c, "run") }

func (s *Server) getRun(c echo.Context) error {
	pid, id, err := s.runIDs(c)
	if err != nil {
		return err
	}
	ctx := c.Request().Context()
	run, err := s.store.PipelineRun(ctx, pid, id)
	if err != nil {
		return err
	}
	out := map[string]any{"run": run}
	switch run.Kind {
	case agentbatch.Kind:
		acc, err := s.cfg.Agents.Accuracy(ctx, run)
		if err != nil {
			return err
		}
		out["accuracy"] = acc
		if out["retrieval"], err = s.cfg.Agents.Retrieval(ctx, run); err != nil {
			return err
		}
	case augment.KindTableMetadata:
		// The proposals are in the items: a lead accepts one with PATCH …/tables/:table.
		items, err := s.store.RunItems(ctx, run.ID, 0)
		if err != nil {
			return err
		}
		out["items"] = items
	}
	return c.JSON(http.StatusOK, out)
}

// runLogPage is how many log lines streamRun reads at a time.
const runLogPage = 500

// streamRun sends the run whenever its progress changes ("progress"), its new log lines ("log"),
// and "done" once it has finished.
func (s *Server) streamRun(c echo.Context) error {
	pid, id, err := s.runIDs(c)
	if err != nil {
		return err
	}
	ctx := c.Request().Context()
	if _, err := s.store.PipelineRun(ctx, pid, id); err != nil {
		return err
	}
	var lastEvent int64
	var last store.PipelineRun
	first := true
	return stream(c, 500*time.Millisecond, func(send func(string, any) error) (bool, error) {
		run, err := s.store.PipelineRun(ctx, pid, id)
		if err != nil {
			return false, err
		}
		// Every line logged since the last tick, a page at a time: a finished run's log is replayed whole
		// before "done" (a batch logs a line per failed item, thousands of them).
		for {
			events, err := s.store.Events(ctx, id, lastEvent, runLogPage)
			if err != nil {
				return false, err
			}
			for _, e := range events {
				lastEvent = e.ID
				if send("log", e) != nil {
					return true, nil
				}
			}
			if len(events) < runLogPage {
				break
			}
		}
		if first || run.Done != last.Done || run.Status != last.Status || run.PromptTokens != last.PromptTokens {
			first, last = false, run
			if send("progress", run) != nil {
				return true, nil
			}
		}
		if run.Finished() {
			_ = send("done", map[string]any{"status": run.Status})
			return true, nil
		}
		return false, nil
	})
}

func (s *Server) cancelRun(c echo.Context) error {
	pid, id, err := s.runIDs(c)
	if err != nil {
		return err
	}
	run, err := s.store.CancelRun(c.Request().Context(), currentPrincipal(c).actor(c), pid, id)
	return respond(c, http.StatusOK, "run", run, err)
}

type resumeRequest struct {
	RetryFailed bool `json:"retry_failed"`
}

func (s *Server) resumeRun(c echo.Context) error {
	pid, id, err := s.runIDs(c)
	if err != nil {
		return err
	}
	var req resumeRequest
	if err := bind(c, &req); err != nil {
		return err
	}
	run, err := s.store.ResumeRun(c.Request().Context(), currentPrincipal(c).actor(c), pid, id, req.RetryFailed)
	if err != nil {
		return err
	}
	s.cfg.Runner.Wake()
	return c.JSON(http.StatusOK, map[string]any{"run": run})
}

func (s *Server) listLLMCalls(c echo.Context) error {
	pid, err := idParam(c, "project")
	if err != nil {
		return err
	}
	q := store.CallQuery{ProjectID: pid, RunKind: c.QueryParam("run_kind"), WithBodies: c.QueryParam("bodies") == "true"}
	if err := int64Query(c, map[string]*int64{"run_id": &q.RunID, "before": &q.Before}); err != nil {
		return err
	}
	calls, usage, err := s.store.ListLLMCalls(c.Request().Context(), q)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, map[string]any{"calls": calls, "usage": usage})
}

// int64Query reads optional positive integer query parameters.
func int64Query(c echo.Context, params map[string]*int64) error {
	v := store.Validator{}
	for name, dst := range params {
		if raw := c.QueryParam(name); raw != "" {
			n, err := strconv.ParseInt(raw, 10, 64)
			v.Check(err == nil && n > 0, name, "must be a positive number")
			*dst = n
		}
	}
	return v.Err()
}
