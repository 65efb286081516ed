package server

import (
	"reflect"

	"github.com/goldset/goldset/agent"
	"github.com/goldset/goldset/agent/retrieve"
	"github.com/goldset/goldset/llm"
	"github.com/goldset/goldset/llm/llmconf"
	"github.com/goldset/goldset/loop"
	"github.com/goldset/goldset/metrics"
	"github.com/goldset/goldset/pipelines/agentbatch"
	"github.com/goldset/goldset/pipelines/augment"
	"github.com/goldset/goldset/pipelines/candidate"
	"github.com/goldset/goldset/pipelines/evaluate"
	"github.com/goldset/goldset/pipelines/golden"
	"github.com/goldset/goldset/pipelines/ingest"
	"github.com/goldset/goldset/pipelines/optimize"
	"github.com/goldset/goldset/server/tsgen"
	"github.com/goldset/goldset/sqlexec"
	"github.com/goldset/goldset/store"
	openai "github.com/sashabaranov/go-openai"
)

// apiTypes are the Go types the API sends, under the names the web UI knows them by; `make types`
// writes their TypeScript to annotator-ui/src/shared/api.gen.ts, and a test fails when that file is
// not what these types generate.
func apiTypes() ([]tsgen.Decl, tsgen.Options) {
	decls := []tsgen.Decl{
		{Name: "ProjectRole", Enum: []string{store.RoleLead, store.RoleReviewer, store.RoleAnnotator}},
		{Name: "MyProjectRole", Enum: []string{store.RoleLead, store.RoleReviewer, store.RoleAnnotator, store.RoleAdmin}},
		{Name: "NlqStatus", Enum: []string{store.NLQNew, store.NLQNeedsReview, store.NLQAccepted, store.NLQRejected, store.NLQAmbiguous}},
		{Name: "PipelineRunStatus", Enum: []string{store.RunQueued, store.RunRunning, store.RunSucceeded, store.RunFailed, store.RunCancelled}},
		{Name: "AgentRunStatus", Enum: []string{"running", agent.StopAnswered, agent.StopBudget, agent.StopLoop, agent.StopError, agent.StopCancelled}},
		{Name: "RunParams", Doc: "A run's parameters as it was started: those of its kind that were given, and where it came from.",
			TS: "Partial<AgentBatchParams> & Partial<GenerationParams> & { pipeline?: string; from_run?: number }"},

		// Accounts and projects.
		{Name: "User", Value: store.User{}},
		{Name: "Membership", Value: store.UserMembership{}},
		{Name: "Token", Value: store.APIToken{}},
		{Name: "Project", Value: store.ProjectView{}},
		{Name: "Member", Value: store.Member{}},
		{Name: "AuditEntry", Value: auditView{}},

		// Databases and SQL.
		{Name: "TableReport", Value: sqlexec.TableReport{}},
		{Name: "Database", Value: store.Database{}},
		{Name: "DbColumn", Value: sqlexec.ColumnDef{}},
		{Name: "ForeignKey", Value: sqlexec.ForeignKey{}},
		{Name: "DbTable", Value: store.DBTable{}},
		{Name: "ResultColumn", Value: sqlexec.ResultColumn{}},
		{Name: "QueryResult", Value: sqlexec.Result{}},
		{Name: "ResultDiff", Value: sqlexec.ResultDiff{}},
		{Name: "NeighbourDetail", Value: sqlexec.Distinction{}},
		{Name: "HistoryEntry", Value: store.HistoryEntry{}},
		{Name: "Mismatch", Value: ingest.Mismatch{}},
		{Name: "ImportSummary", Value: ingest.ImportSummary{}},

		// Questions and their history.
		{Name: "ResultPreview", Value: candidate.ResultPreview{}},
		{Name: "Candidate", Value: store.Candidate{}},
		{Name: "Nlq", Value: store.NLQWithSQL{}},
		{Name: "WrittenQuestion", Value: loop.QuestionDraft{}},
		{Name: "TranslationReport", Value: store.TranslationReport{}},
		{Name: "NlqFacets", Value: store.NLQFacets{}},
		{Name: "HistoryCandidate", Value: store.AuthoredCandidate{}},
		{Name: "Annotation", Value: store.Annotation{}},
		{Name: "HistoryAnnotation", Value: store.UserAnnotation{}},
		{Name: "HistoryReview", Value: store.ReviewerReview{}},
		{Name: "HistoryReviewItem", Value: store.ReviewItemWithReviews{}},
		{Name: "HistoryComparison", Value: store.Comparison{}},
		{Name: "HistoryEvent", Value: store.HistoryEvent{}},
		{Name: "NlqHistory", Value: store.NLQHistory{}},

		// The language model.
		{Name: "PurposeSettings", Value: llm.PurposeSettings{}},
		{Name: "ModelPrice", Value: llm.Price{}},
		{Name: "LlmSettings", Value: llm.Settings{}},
		{Name: "ModelSettingsView", Value: llmconf.ModelSettingsView{}},
		{Name: "LlmCheck", Value: llm.CheckResult{}},
		{Name: "LlmTestReport", Value: llm.TestReport{}},

		// The agent and runs.
		{Name: "RuleWarning", Value: agent.Warning{}},
		{Name: "AgentStep", Value: store.AgentStep{}},
		{Name: "AgentRun", Value: store.AgentRun{}},
		{Name: "AgentBatchParams", Value: agentbatch.Params{}},
		{Name: "GenerationParams", Value: augment.Params{}},
		{Name: "RunPreview", Value: augment.PromptPreview{}},
		{Name: "PipelineRun", Value: store.PipelineRun{}},
		{Name: "RunAccuracy", Value: agentbatch.Accuracy{}},
		{Name: "RetrievalScope", Enum: []string{store.ScopeAuto, store.ScopeKnown, store.ScopeDatabase}},
		{Name: "RetrievalSettings", Value: store.RetrievalSettings{}},
		{Name: "RetrievalOutcome", Value: retrieve.Outcome{}},
		{Name: "RetrievalReport", Value: retrieve.Report{}},
		{Name: "BatchRecall", Value: BatchRecall{}},
		{Name: "SchemaSearchField", Enum: []string{string(retrieve.FieldName), string(retrieve.FieldColumn), string(retrieve.FieldType),
			string(retrieve.FieldSummary), string(retrieve.FieldDescription), string(retrieve.FieldValue), string(retrieve.FieldKind)}},
		{Name: "SchemaSearchMatch", Value: retrieve.Match{}},
		{Name: "SchemaSearchHit", Value: retrieve.Hit{}},
		{Name: "BatchItems", Value: store.BatchItems{}},
		{Name: "RunLogLine", Value: store.RunEvent{}},
		{Name: "LlmCall", Value: store.LLMCall{}},
		{Name: "LlmUsage", Value: store.LLMUsage{}},

		// Golden snapshots, exports, evaluations and prompt optimization.
		{Name: "SplitRatios", Value: golden.SplitRatios{}},
		{Name: "SnapshotFilters", Value: golden.SnapshotFilters{}},
		{Name: "SnapshotParams", Value: golden.SnapshotParams{}},
		{Name: "LeakExample", Value: golden.LeakExample{}},
		{Name: "Manifest", Value: golden.Manifest{}},
		{Name: "Snapshot", Value: store.Snapshot{}},
		{Name: "Pair", Value: store.SnapshotPair{}},
		{Name: "ErrorStratum", Value: golden.Stratum{}},
		{Name: "ErrorBreakdown", Value: golden.Breakdown{}},
		{Name: "ErrorRate", Value: golden.ErrorRate{}},
		{Name: "SnapshotAudit", Value: store.SnapshotAudit{}},
		{Name: "AuditParams", Value: golden.AuditParams{}},
		{Name: "SnapshotDiff", Value: golden.SnapshotDiff{}},
		{Name: "ExportRecord", Value: store.Export{}},
		{Name: "PromptTemplate", Value: store.PromptTemplate{}},
		{Name: "Budget", Value: evaluate.Budget{}},
		{Name: "EvalParams", Value: evaluate.Params{}},
		{Name: "EvalSummary", Value: evaluate.Summary{}},
		{Name: "Evaluation", Value: evaluate.Report{}},
		{Name: "EvalResult", Value: store.EvalResult{}},
		{Name: "OproParams", Value: optimize.OPROParams{}},
		{Name: "ApoParams", Value: optimize.APOParams{}},
		{Name: "OptParams", Value: optimize.Params{}},
		{Name: "OptCandidate", Value: store.PromptCandidate{}},
		{Name: "OptStep", Value: optimize.Step{}},
		{Name: "TestReport", Value: optimize.TestReport{}},
		{Name: "OptReport", Value: optimize.Report{}},

		// The annotation loop and review.
		{Name: "Policy", Value: store.Policy{}},
		{Name: "PlanResult", Value: loop.PlanCounts{}},
		{Name: "AnnotationItem", Value: store.AnnotationItem{}},
		{Name: "AnnotationTask", Value: store.AnnotationTask{}},
		{Name: "SubmitResult", Value: loop.SubmitResult{}},
		{Name: "ReviewCandidate", Value: store.ReviewCandidate{}},
		{Name: "ReviewItemRecord", Doc: "A review item as stored; the views of it extend it.", Value: store.ReviewItem{}},
		{Name: "ReviewItem", Value: store.ReviewItemView{}},
		{Name: "AnnotatorStatus", Value: store.AnnotatorStatus{}},
		{Name: "RecentAnswer", Value: store.RecentSubmission{}},

		// The dashboard and guidelines.
		{Name: "Cycle", Value: store.Cycle{}},
		{Name: "StageProgress", Value: store.StageProgress{}},
		{Name: "AnnotatorProgress", Value: store.AnnotatorProgress{}},
		{Name: "QueueSizes", Value: store.QueueSizes{}},
		{Name: "Progress", Value: store.Progress{}},
		{Name: "GuidelineRule", Value: store.Rule{}},
		{Name: "GuidelineInfo", Value: store.GuidelineInfo{}},
		{Name: "Guideline", Value: store.Guideline{}},
		{Name: "RuleRef", Value: store.RuleRef{}},
		{Name: "DiffHunk", Value: store.Hunk{}},
		{Name: "GuidelineDiffData", Value: store.GuidelineDiff{}},
		{Name: "ProposalCause", Value: loop.ProposalCause{}},
		{Name: "Proposal", Value: loop.Proposal{}},

		// Dataset metrics.
		{Name: "MetricRun", Value: store.MetricRun{}},
		{Name: "MetricResult", Value: store.MetricResult{}},
		{Name: "HardnessCounts", Value: metrics.HardnessCounts{}},
		{Name: "ClauseCounts", Value: metrics.ClauseCounts{}},
		{Name: "LengthBucket", Value: metrics.Bucket{}},
		{Name: "LengthDistribution", Value: metrics.Distribution{}},
		{Name: "PatternCount", Value: metrics.PatternCount{}},
		{Name: "DuplicatePair", Value: metrics.DuplicatePair{}},
		{Name: "TableUse", Value: metrics.TableUse{}},
		{Name: "DatabaseCoverage", Value: metrics.Coverage{}},
		{Name: "MetricReport", Value: metrics.Report{}},
	}
	return decls, tsgen.Options{Override: map[reflect.Type]string{
		reflect.TypeFor[sqlexec.Value](): "string | number | boolean | null",
		// A prompt preview's messages are plain chat messages: a role and its text.
		reflect.TypeFor[openai.ChatCompletionMessage](): "{ role: string; content: string }",
	}}
}
