package server

import (
	"strings"

	"github.com/labstack/echo/v4"
)

// route is one endpoint and the permission it needs. Object and Action are a casbin permission from
// authz.go; Public routes need no sign-in. A route under /projects/:project is checked in that
// project's domain, every other route in the global domain.
type route struct {
	Method  string
	Path    string
	Object  string
	Action  string
	Public  bool
	Handler func(*Server) echo.HandlerFunc
}

func (r route) projectScoped() bool { return strings.Contains(r.Path, "/:project") }

func h(fn func(*Server, echo.Context) error) func(*Server) echo.HandlerFunc {
	return func(s *Server) echo.HandlerFunc { return func(c echo.Context) error { return fn(s, c) } }
}

// routes is the whole HTTP surface on one screen.
func (s *Server) routes() []route {
	const v1 = "/api/v1"
	table := []route{
		// Operations and sign-in.
		{Method: "GET", Path: "/healthz", Public: true, Handler: h((*Server).healthz)},
		{Method: "GET", Path: "/readyz", Public: true, Handler: h((*Server).readyz)},
		{Method: "GET", Path: "/metrics", Public: true, Handler: h((*Server).metricsHandler)},
		{Method: "POST", Path: v1 + "/auth/login", Public: true, Handler: h((*Server).login)},

		// The signed-in user's own account.
		{Method: "POST", Path: v1 + "/auth/logout", Object: "account", Action: "update", Handler: h((*Server).logout)},
		{Method: "GET", Path: v1 + "/auth/me", Object: "account", Action: "read", Handler: h((*Server).me)},
		{Method: "PUT", Path: v1 + "/account/password", Object: "account", Action: "update", Handler: h((*Server).changePassword)},
		{Method: "GET", Path: v1 + "/account/tokens", Object: "account", Action: "read", Handler: h((*Server).listTokens)},
		{Method: "POST", Path: v1 + "/account/tokens", Object: "account", Action: "update", Handler: h((*Server).createToken)},
		{Method: "DELETE", Path: v1 + "/account/tokens/:token", Object: "account", Action: "update", Handler: h((*Server).revokeToken)},

		// Administration.
		{Method: "GET", Path: v1 + "/users", Object: "users", Action: "read", Handler: h((*Server).listUsers)},
		{Method: "POST", Path: v1 + "/users", Object: "users", Action: "write", Handler: h((*Server).createUser)},
		{Method: "PATCH", Path: v1 + "/users/:user", Object: "users", Action: "write", Handler: h((*Server).updateUser)},
		{Method: "DELETE", Path: v1 + "/users/:user/tokens", Object: "users", Action: "write", Handler: h((*Server).revokeUserTokens)},
		{Method: "GET", Path: v1 + "/audit", Object: "audit", Action: "read_all", Handler: h((*Server).listAllAudit)},

		// Projects and their people.
		{Method: "GET", Path: v1 + "/projects", Object: "projects", Action: "list", Handler: h((*Server).listProjects)},
		{Method: "POST", Path: v1 + "/projects", Object: "projects", Action: "create", Handler: h((*Server).createProject)},
		{Method: "POST", Path: v1 + "/sample", Object: "projects", Action: "create", Handler: h((*Server).loadSample)},
		{Method: "GET", Path: v1 + "/projects/:project", Object: "project", Action: "read", Handler: h((*Server).getProject)},
		{Method: "PATCH", Path: v1 + "/projects/:project", Object: "project", Action: "update", Handler: h((*Server).updateProject)},
		{Method: "GET", Path: v1 + "/projects/:project/members", Object: "members", Action: "read", Handler: h((*Server).listMembers)},
		{Method: "POST", Path: v1 + "/projects/:project/members", Object: "members", Action: "write", Handler: h((*Server).addMember)},
		{Method: "PATCH", Path: v1 + "/projects/:project/members/:user", Object: "members", Action: "write", Handler: h((*Server).updateMember)},
		{Method: "DELETE", Path: v1 + "/projects/:project/members/:user", Object: "members", Action: "write", Handler: h((*Server).removeMember)},
		{Method: "GET", Path: v1 + "/projects/:project/audit", Object: "audit", Action: "read", Handler: h((*Server).listProjectAudit)},

		// Target databases: import, browse, query, compare; the questions about them.
		{Method: "GET", Path: v1 + "/projects/:project/databases", Object: "databases", Action: "read", Handler: h((*Server).listDatabases)},
		{Method: "POST", Path: v1 + "/projects/:project/imports", Object: "databases", Action: "import", Handler: h((*Server).importFiles)},
		{Method: "GET", Path: v1 + "/projects/:project/databases/:database", Object: "databases", Action: "read", Handler: h((*Server).getDatabase)},
		{Method: "GET", Path: v1 + "/projects/:project/databases/:database/tables/:table/rows", Object: "databases", Action: "read", Handler: h((*Server).tableRows)},
		{Method: "GET", Path: v1 + "/projects/:project/databases/:database/search", Object: "databases", Action: "read", Handler: h((*Server).searchSchema)},
		{Method: "PATCH", Path: v1 + "/projects/:project/databases/:database/tables/:table", Object: "databases", Action: "import", Handler: h((*Server).updateTable)},
		{Method: "POST", Path: v1 + "/projects/:project/databases/:database/query", Object: "sql", Action: "run", Handler: h((*Server).runQuery)},
		{Method: "POST", Path: v1 + "/projects/:project/databases/:database/compare", Object: "sql", Action: "run", Handler: h((*Server).compareQueries)},
		{Method: "GET", Path: v1 + "/projects/:project/databases/:database/history", Object: "sql", Action: "run", Handler: h((*Server).queryHistory)},
		{Method: "GET", Path: v1 + "/projects/:project/nlqs", Object: "nlqs", Action: "read", Handler: h((*Server).listNLQs)},
		{Method: "POST", Path: v1 + "/projects/:project/nlqs", Object: "nlqs", Action: "write", Handler: h((*Server).writeQuestion)},
		{Method: "GET", Path: v1 + "/projects/:project/nlqs/facets", Object: "nlqs", Action: "read", Handler: h((*Server).nlqFacets)},
		{Method: "POST", Path: v1 + "/projects/:project/nlqs/accept-imported", Object: "nlqs", Action: "accept", Handler: h((*Server).acceptImported)},
		{Method: "GET", Path: v1 + "/projects/:project/nlqs/:nlq", Object: "nlqs", Action: "read", Handler: h((*Server).nlqHistory)},
		{Method: "POST", Path: v1 + "/projects/:project/nlqs/:nlq/check", Object: "sql", Action: "run", Handler: h((*Server).checkSQL)},
		{Method: "GET", Path: v1 + "/projects/:project/translation-report", Object: "nlqs", Action: "read", Handler: h((*Server).translationReport)},

		// Guidelines: versioned markdown with rules that keep their IDs (R1, R2, …).
		{Method: "GET", Path: v1 + "/projects/:project/guidelines", Object: "guidelines", Action: "read", Handler: h((*Server).listGuidelines)},
		{Method: "PUT", Path: v1 + "/projects/:project/guidelines", Object: "guidelines", Action: "write", Handler: h((*Server).saveGuideline)},
		{Method: "GET", Path: v1 + "/projects/:project/guidelines/diff", Object: "guidelines", Action: "read", Handler: h((*Server).diffGuidelines)},
		{Method: "GET", Path: v1 + "/projects/:project/guidelines/:version", Object: "guidelines", Action: "read", Handler: h((*Server).getGuideline)},

		// Language models (admin) and the agent.
		{Method: "GET", Path: v1 + "/settings/llm", Object: "settings", Action: "read", Handler: h((*Server).getLLMSettings)},
		{Method: "PUT", Path: v1 + "/settings/llm", Object: "settings", Action: "write", Handler: h((*Server).putLLMSettings)},
		{Method: "POST", Path: v1 + "/settings/llm/test", Object: "settings", Action: "write", Handler: h((*Server).testLLM)},
		{Method: "POST", Path: v1 + "/projects/:project/agent/ask", Object: "agent", Action: "run", Handler: h((*Server).askAgent)},
		{Method: "GET", Path: v1 + "/projects/:project/agent/runs", Object: "agent", Action: "read", Handler: h((*Server).listAgentRuns)},
		{Method: "GET", Path: v1 + "/projects/:project/agent/runs/:run", Object: "agent", Action: "read", Handler: h((*Server).getAgentRun)},
		{Method: "GET", Path: v1 + "/projects/:project/agent/runs/:run/stream", Object: "agent", Action: "read", Handler: h((*Server).streamAgentRun)},
		{Method: "POST", Path: v1 + "/projects/:project/agent/runs/:run/save", Object: "agent", Action: "run", Handler: h((*Server).saveAgentRun)},
		{Method: "GET", Path: v1 + "/projects/:project/llm-calls", Object: "runs", Action: "read", Handler: h((*Server).listLLMCalls)},

		// Batch runs: progress, cancel, resume.
		{Method: "GET", Path: v1 + "/projects/:project/runs", Object: "runs", Action: "read", Handler: h((*Server).listRuns)},
		{Method: "POST", Path: v1 + "/projects/:project/runs", Object: "runs", Action: "write", Handler: h((*Server).startRun)},
		{Method: "POST", Path: v1 + "/projects/:project/runs/preview", Object: "runs", Action: "write", Handler: h((*Server).previewRun)},
		{Method: "GET", Path: v1 + "/projects/:project/runs/:run", Object: "runs", Action: "read", Handler: h((*Server).getRun)},
		{Method: "GET", Path: v1 + "/projects/:project/runs/:run/items", Object: "runs", Action: "read", Handler: h((*Server).batchItems)},
		{Method: "GET", Path: v1 + "/projects/:project/runs/:run/events", Object: "runs", Action: "read", Handler: h((*Server).streamRun)},
		{Method: "POST", Path: v1 + "/projects/:project/runs/:run/cancel", Object: "runs", Action: "write", Handler: h((*Server).cancelRun)},
		{Method: "POST", Path: v1 + "/projects/:project/runs/:run/resume", Object: "runs", Action: "write", Handler: h((*Server).resumeRun)},

		// The review queue: claim under a lease, release, decide; counts.
		{Method: "POST", Path: v1 + "/projects/:project/review/next", Object: "review", Action: "work", Handler: h((*Server).nextReviewItem)},
		{Method: "POST", Path: v1 + "/projects/:project/review/items/:item/release", Object: "review", Action: "work", Handler: h((*Server).releaseReviewItem)},
		{Method: "POST", Path: v1 + "/projects/:project/review/items/:item/decision", Object: "review", Action: "work", Handler: h((*Server).decideReviewItem)},
		{Method: "GET", Path: v1 + "/projects/:project/review/stats", Object: "review", Action: "read", Handler: h((*Server).reviewStats)},
		{Method: "GET", Path: v1 + "/projects/:project/review/items", Object: "review", Action: "read", Handler: h((*Server).reviewQueue)},
		{Method: "POST", Path: v1 + "/projects/:project/review/items/:item/claim", Object: "review", Action: "work", Handler: h((*Server).claimReviewItem)},
		{Method: "POST", Path: v1 + "/projects/:project/review/items/:item/unclaim", Object: "review", Action: "manage", Handler: h((*Server).unclaimReviewItem)},
		{Method: "POST", Path: v1 + "/projects/:project/review/items/:item/assign", Object: "review", Action: "manage", Handler: h((*Server).assignReviewItem)},

		// The annotation loop: policy, planning, annotators' claims and submissions.
		{Method: "GET", Path: v1 + "/projects/:project/policy", Object: "policy", Action: "read", Handler: h((*Server).getPolicy)},
		{Method: "PUT", Path: v1 + "/projects/:project/policy", Object: "policy", Action: "write", Handler: h((*Server).putPolicy)},
		// Which tables the agent's prompt describes: how many, and whether a question's own tables bound them.
		{Method: "GET", Path: v1 + "/projects/:project/retrieval", Object: "prompts", Action: "read", Handler: h((*Server).getRetrievalSettings)},
		{Method: "PUT", Path: v1 + "/projects/:project/retrieval", Object: "prompts", Action: "write", Handler: h((*Server).putRetrievalSettings)},
		{Method: "GET", Path: v1 + "/projects/:project/retrieval/batches", Object: "runs", Action: "read", Handler: h((*Server).retrievalBatches)},
		{Method: "POST", Path: v1 + "/projects/:project/annotation/plan", Object: "annotation", Action: "plan", Handler: h((*Server).planAnnotation)},
		{Method: "POST", Path: v1 + "/projects/:project/annotation/next", Object: "annotation", Action: "work", Handler: h((*Server).nextAnnotationItem)},
		{Method: "POST", Path: v1 + "/projects/:project/annotation/items/:item/submit", Object: "annotation", Action: "work", Handler: h((*Server).submitAnnotation)},
		{Method: "POST", Path: v1 + "/projects/:project/annotation/items/:item/skip", Object: "annotation", Action: "work", Handler: h((*Server).skipAnnotation)},
		{Method: "POST", Path: v1 + "/projects/:project/annotation/items/:item/release", Object: "annotation", Action: "work", Handler: h((*Server).releaseAnnotation)},
		{Method: "POST", Path: v1 + "/projects/:project/annotation/items/:item/reopen", Object: "annotation", Action: "work", Handler: h((*Server).reopenAnnotation)},
		{Method: "GET", Path: v1 + "/projects/:project/annotation/status", Object: "annotation", Action: "work", Handler: h((*Server).annotatorStatus)},

		{Method: "POST", Path: v1 + "/projects/:project/guidelines/propose", Object: "guidelines", Action: "write", Handler: h((*Server).proposeGuidelines)},

		// The dashboard.
		{Method: "GET", Path: v1 + "/projects/:project/cycles", Object: "dashboard", Action: "read", Handler: h((*Server).cycles)},
		{Method: "GET", Path: v1 + "/projects/:project/progress", Object: "progress", Action: "read", Handler: h((*Server).progress)},
		{Method: "GET", Path: v1 + "/projects/:project/metrics", Object: "metrics", Action: "read", Handler: h((*Server).latestMetrics)},
		{Method: "GET", Path: v1 + "/projects/:project/metrics/runs", Object: "metrics", Action: "read", Handler: h((*Server).listMetricRuns)},
		{Method: "POST", Path: v1 + "/projects/:project/metrics/runs", Object: "metrics", Action: "compute", Handler: h((*Server).computeMetrics)},
		{Method: "GET", Path: v1 + "/projects/:project/metrics/runs/:run", Object: "metrics", Action: "read", Handler: h((*Server).getMetricRun)},

		// Golden snapshots: immutable, cut by leads; no route updates or deletes one.
		{Method: "GET", Path: v1 + "/projects/:project/snapshots", Object: "snapshots", Action: "read", Handler: h((*Server).listSnapshots)},
		{Method: "POST", Path: v1 + "/projects/:project/snapshots", Object: "snapshots", Action: "create", Handler: h((*Server).createSnapshot)},
		{Method: "GET", Path: v1 + "/projects/:project/snapshots/compare", Object: "snapshots", Action: "read", Handler: h((*Server).compareSnapshots)},
		{Method: "GET", Path: v1 + "/projects/:project/snapshots/:snapshot", Object: "snapshots", Action: "read", Handler: h((*Server).getSnapshot)},
		{Method: "GET", Path: v1 + "/projects/:project/snapshots/:snapshot/pairs", Object: "snapshots", Action: "read", Handler: h((*Server).snapshotPairs)},
		{Method: "GET", Path: v1 + "/projects/:project/snapshots/:snapshot/error-rate", Object: "snapshots", Action: "read", Handler: h((*Server).snapshotErrorRate)},
		{Method: "POST", Path: v1 + "/projects/:project/snapshots/:snapshot/audits", Object: "snapshots", Action: "audit", Handler: h((*Server).auditSnapshot)},
		{Method: "GET", Path: v1 + "/projects/:project/snapshots/:snapshot/export", Object: "exports", Action: "create", Handler: h((*Server).exportSnapshot)},
		{Method: "GET", Path: v1 + "/projects/:project/exports", Object: "exports", Action: "read", Handler: h((*Server).listExports)},

		// The project's text-to-SQL prompt template (versions), model evaluations and prompt optimization.
		{Method: "GET", Path: v1 + "/projects/:project/prompts", Object: "prompts", Action: "read", Handler: h((*Server).listPrompts)},
		{Method: "POST", Path: v1 + "/projects/:project/prompts", Object: "prompts", Action: "write", Handler: h((*Server).createPrompt)},
		{Method: "GET", Path: v1 + "/projects/:project/evaluations", Object: "evaluations", Action: "read", Handler: h((*Server).listEvaluations)},
		{Method: "POST", Path: v1 + "/projects/:project/evaluations", Object: "evaluations", Action: "run", Handler: h((*Server).startEvaluation)},
		{Method: "GET", Path: v1 + "/projects/:project/evaluations/:run", Object: "evaluations", Action: "read", Handler: h((*Server).getEvaluation)},
		{Method: "GET", Path: v1 + "/projects/:project/evaluations/:run/results", Object: "evaluations", Action: "read", Handler: h((*Server).evaluationResults)},
		{Method: "GET", Path: v1 + "/projects/:project/optimizations", Object: "optimizations", Action: "read", Handler: h((*Server).listOptimizations)},
		{Method: "POST", Path: v1 + "/projects/:project/optimizations", Object: "optimizations", Action: "run", Handler: h((*Server).startOptimization)},
		{Method: "GET", Path: v1 + "/projects/:project/optimizations/:run", Object: "optimizations", Action: "read", Handler: h((*Server).getOptimization)},
		{Method: "POST", Path: v1 + "/projects/:project/optimizations/:run/adopt", Object: "optimizations", Action: "run", Handler: h((*Server).adoptPrompt)},

		// The web UI: files from the embedded build, index.html for every other page (HTML5 routing).
		{Method: "GET", Path: "/*", Public: true, Handler: h((*Server).ui)},
	}
	for _, r := range table {
		if !r.Public && (r.Object == "" || r.Action == "") {
			panic("server: route " + r.Method + " " + r.Path + " declares no permission")
		}
	}
	return table
}
