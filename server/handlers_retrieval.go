package server

import (
	"net/http"
	"strings"
	"unicode/utf8"

	"github.com/labstack/echo/v4"

	"github.com/goldset/goldset/agent/retrieve"
	"github.com/goldset/goldset/pipelines/agentbatch"
	"github.com/goldset/goldset/store"
)

// searchSchema finds the tables, columns and values of a database that hold the words of ?q=,
// from the same retrieval index the agent's prompts come from.
func (s *Server) searchSchema(c echo.Context) error {
	pid, did, err := projectAnd(c, "database")
	if err != nil {
		return err
	}
	q := strings.TrimSpace(c.QueryParam("q"))
	limit := 20
	v := store.Validator{}
	v.Check(q != "", "q", "is required: the words or values to look for")
	v.Check(utf8.RuneCountInString(q) <= 200, "q", "must be at most 200 characters")
	queryLimit(c, &v, &limit, 100)
	if err := v.Err(); err != nil {
		return err
	}
	ix, err := s.cfg.Schemas.Index(c.Request().Context(), pid, did)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, map[string]any{"query": q, "tables": ix.Len(), "hits": ix.Search(q, limit)})
}

func (s *Server) getRetrievalSettings(c echo.Context) error {
	return getInProject(c, "retrieval", s.store.RetrievalSettings)
}

type retrievalRequest struct {
	edit
	TopK  *int    `json:"top_k"`
	Scope *string `json:"scope"`
}

// apply sets the fields the request gives over the stored settings, with the version it edited.
func (r retrievalRequest) apply(rs *store.RetrievalSettings) {
	rs.Version = *r.Version
	keepOrSet(&rs.TopK, r.TopK)
	keepOrSet(&rs.Scope, r.Scope)
}

// putRetrievalSettings saves the project's schema retrieval settings; fields left out keep theirs.
func (s *Server) putRetrievalSettings(c echo.Context) error {
	pid, req, err := projectEdit[retrievalRequest](c, "the settings version you edited; 0 for the defaults")
	if err != nil {
		return err
	}
	return editSettings(c, pid, "retrieval", s.store.RetrievalSettings, req.apply, s.store.SetRetrievalSettings)
}

// BatchRecall is one agent batch's schema recall, a point of the dashboard's plot over batches.
type BatchRecall struct {
	Run       store.PipelineRun `json:"run"`
	Retrieval retrieve.Report   `json:"retrieval"`
}

// recallBatches is how many of the newest agent batches the dashboard plots, at most.
const recallBatches = 20

// retrievalBatches reports the schema recall of the project's newest agent batches (?limit=, 20 at
// most) that recorded what their prompts showed, oldest first: how often the prompt held every
// table a question needs, with tables and first-prompt tokens per question. The reports leave out
// the missed questions, which each batch's page lists.
func (s *Server) retrievalBatches(c echo.Context) error {
	pid, err := idParam(c, "project")
	if err != nil {
		return err
	}
	limit := recallBatches
	v := store.Validator{}
	queryLimit(c, &v, &limit, recallBatches)
	if err := v.Err(); err != nil {
		return err
	}
	ctx := c.Request().Context()
	runs, err := s.store.ListPipelineRuns(ctx, pid, agentbatch.Kind, limit)
	if err != nil {
		return err
	}
	out := []BatchRecall{}
	for i := len(runs) - 1; i >= 0; i-- {
		rep, err := s.cfg.Agents.Retrieval(ctx, runs[i])
		if err != nil {
			return err
		}
		if rep.Questions == 0 {
			continue // no question with known tables, or a batch from before runs recorded their prompts
		}
		rep.Missed = nil
		out = append(out, BatchRecall{Run: runs[i], Retrieval: rep})
	}
	return c.JSON(http.StatusOK, map[string]any{"batches": out})
}
