import { QueryClient, QueryClientProvider, useQueryClient } from '@tanstack/react-query';
import { lazy, Suspense, useEffect, useState, type ReactNode } from 'react';
import { BrowserRouter, Navigate, Route, Routes } from 'react-router';
import { ApiError, setUnauthenticatedHandler } from './shared/api';
import { AppShell, RequireAdmin, RequireAuth } from './components/AppShell';
import { Loading, ToastProvider } from './components/ui';
import { AccountPage } from './features/account/AccountPage';
import { ProjectDatabases } from './features/databases/DatabasesPage';
import { GlobalActivityPage } from './features/admin/GlobalActivityPage';
import { ProjectGuidelines } from './features/guidelines/GuidelinesPage';
import { GuidelineEditorPage } from './features/guidelines/GuidelineEditorPage';
import { GuidelineDiffPage } from './features/guidelines/GuidelineDiffPage';
import { GuidelineProposalPage } from './features/guidelines/GuidelineProposalPage';
import { LoginPage } from './features/account/LoginPage';
import { NotFoundPage } from './components/NotFound';
import { ProjectActivity, ProjectLayout, ProjectOverview } from './features/projects/ProjectPage';
import { ProjectMembers } from './features/projects/ProjectMembers';
import { ProjectsPage } from './features/projects/ProjectsPage';
import { RequireProjectRole, RoleNotice } from './features/projects/RequireProjectRole';
import { canEvaluate, canManageProject, canReadDashboard, canReadSnapshots, canReview, canRunAgent } from './shared/nav';
import { ProjectQuestions } from './features/questions/QuestionsPage';
import { UsersPage } from './features/admin/UsersPage';
import { sessionKeys } from './shared/session';

// The database page carries the SQL editor (CodeMirror); it loads when first opened.
const DatabasePage = lazy(() => import('./features/databases/DatabasePage').then((m) => ({ default: m.DatabasePage })));
// The agent, batches and model settings load when first opened, too.
const ProjectAgent = lazy(() => import('./features/agent/AgentPage').then((m) => ({ default: m.ProjectAgent })));
const AgentRunPage = lazy(() => import('./features/agent/AgentPage').then((m) => ({ default: m.AgentRunPage })));
const ProjectBatches = lazy(() => import('./features/batches/BatchesPage').then((m) => ({ default: m.ProjectBatches })));
const BatchRunPage = lazy(() => import('./features/batches/BatchRunPage').then((m) => ({ default: m.BatchRunPage })));
const ProjectPipelines = lazy(() => import('./features/pipelines/PipelinesPage').then((m) => ({ default: m.ProjectPipelines })));
const PipelineRunPage = lazy(() => import('./features/pipelines/PipelineRunPage').then((m) => ({ default: m.PipelineRunPage })));
// The annotation loop's screens carry the SQL editor too.
const ProjectAnnotate = lazy(() => import('./features/annotate/AnnotatePage').then((m) => ({ default: m.ProjectAnnotate })));
const ProjectReview = lazy(() => import('./features/review/ReviewPage').then((m) => ({ default: m.ProjectReview })));
// The dashboard's and the metrics' charts load with them.
const ProjectDashboard = lazy(() => import('./features/dashboard/DashboardPage').then((m) => ({ default: m.ProjectDashboard })));
const ProjectMetrics = lazy(() => import('./features/metrics/MetricsPage').then((m) => ({ default: m.ProjectMetrics })));
// The golden sets: snapshots and their exports, evaluations and prompt optimization.
const ProjectSnapshots = lazy(() => import('./features/snapshots/SnapshotsPage').then((m) => ({ default: m.ProjectSnapshots })));
const SnapshotPage = lazy(() => import('./features/snapshots/SnapshotPage').then((m) => ({ default: m.SnapshotPage })));
const ProjectEvaluations = lazy(() => import('./features/evaluations/EvaluationsPage').then((m) => ({ default: m.ProjectEvaluations })));
const EvaluationPage = lazy(() => import('./features/evaluations/EvaluationPage').then((m) => ({ default: m.EvaluationPage })));
const ProjectOptimizations = lazy(() => import('./features/optimizations/OptimizationsPage').then((m) => ({ default: m.ProjectOptimizations })));
const OptimizationPage = lazy(() => import('./features/optimizations/OptimizationPage').then((m) => ({ default: m.OptimizationPage })));
const LlmSettingsPage = lazy(() => import('./features/admin/LlmSettingsPage').then((m) => ({ default: m.LlmSettingsPage })));

function Lazy({ children }: { children: ReactNode }) {
  return <Suspense fallback={<Loading />}>{children}</Suspense>;
}

export function createQueryClient() {
  return new QueryClient({
    defaultOptions: {
      queries: {
        // Retrying a 4xx only delays the message the user needs to see.
        retry: (count, err) => !(err instanceof ApiError && err.status >= 400 && err.status < 500) && count < 2,
        refetchOnWindowFocus: false,
      },
      mutations: { retry: false },
    },
  });
}

/** A 401 from any call means the session is gone: forget the user, and <RequireAuth> sends them to /login. */
function SessionExpiry() {
  const qc = useQueryClient();
  useEffect(() => {
    setUnauthenticatedHandler(() => {
      qc.setQueryData(sessionKeys.me(), null);
    });
    return () => setUnauthenticatedHandler(null);
  }, [qc]);
  return null;
}

export function AppRoutes() {
  return (
    <Routes>
      <Route path="/login" element={<LoginPage />} />
      <Route element={<RequireAuth />}>
        <Route element={<AppShell />}>
          <Route index element={<Navigate to="/projects" replace />} />
          <Route path="projects" element={<ProjectsPage />} />
          <Route path="projects/:projectId" element={<ProjectLayout />}>
            <Route index element={<ProjectOverview />} />
            <Route element={<RoleNotice allowed={canReadDashboard} title="The dashboard is for reviewers and leads" need="to follow its figures" />}>
              <Route path="dashboard" element={<Lazy><ProjectDashboard /></Lazy>} />
            </Route>
            <Route element={<RoleNotice allowed={canReadDashboard} title="Metrics are for reviewers and leads" need="to follow its figures" />}>
              <Route path="metrics" element={<Lazy><ProjectMetrics /></Lazy>} />
            </Route>
            <Route element={<RequireProjectRole allowed={canManageProject} who="leads" />}>
              <Route path="members" element={<ProjectMembers />} />
              <Route path="activity" element={<ProjectActivity />} />
            </Route>
            <Route path="databases" element={<ProjectDatabases />} />
            <Route path="questions/:nlqId?" element={<ProjectQuestions />} />
            <Route path="guidelines" element={<ProjectGuidelines />} />
            <Route path="guidelines/edit" element={<GuidelineEditorPage />} />
            <Route path="guidelines/diff" element={<GuidelineDiffPage />} />
            <Route path="guidelines/propose" element={<GuidelineProposalPage />} />
            <Route path="annotate" element={<Lazy><ProjectAnnotate /></Lazy>} />
            <Route element={<RequireProjectRole allowed={canReview} who="reviewers and leads" />}>
              <Route path="review" element={<Lazy><ProjectReview /></Lazy>} />
            </Route>
            <Route path="agent" element={<Lazy><ProjectAgent /></Lazy>} />
            <Route path="agent/:runId" element={<Lazy><AgentRunPage /></Lazy>} />
            <Route element={<RequireProjectRole allowed={canRunAgent} who="leads" />}>
              <Route path="batches" element={<Lazy><ProjectBatches /></Lazy>} />
              <Route path="batches/:runId" element={<Lazy><BatchRunPage /></Lazy>} />
              <Route path="pipelines" element={<Lazy><ProjectPipelines /></Lazy>} />
              <Route path="pipelines/:runId" element={<Lazy><PipelineRunPage /></Lazy>} />
            </Route>
            <Route element={<RoleNotice allowed={canReadSnapshots} title="Snapshots are for reviewers and leads" need="to read its golden sets" />}>
              <Route path="snapshots" element={<Lazy><ProjectSnapshots /></Lazy>} />
              <Route path="snapshots/:snapshotId" element={<Lazy><SnapshotPage /></Lazy>} />
            </Route>
            <Route element={<RoleNotice allowed={canEvaluate} title="Evaluations are for leads" need="them" />}>
              <Route path="evaluations" element={<Lazy><ProjectEvaluations /></Lazy>} />
              <Route path="evaluations/:runId" element={<Lazy><EvaluationPage /></Lazy>} />
            </Route>
            <Route element={<RoleNotice allowed={canEvaluate} title="Optimizations are for leads" need="them" />}>
              <Route path="optimizations" element={<Lazy><ProjectOptimizations /></Lazy>} />
              <Route path="optimizations/:runId" element={<Lazy><OptimizationPage /></Lazy>} />
            </Route>
          </Route>
          <Route
            path="projects/:projectId/databases/:databaseId"
            element={
              <Suspense fallback={<Loading label="Loading the SQL workspace…" />}>
                <DatabasePage />
              </Suspense>
            }
          />
          <Route path="account" element={<AccountPage />} />
          <Route element={<RequireAdmin />}>
            <Route path="users" element={<UsersPage />} />
            <Route path="activity" element={<GlobalActivityPage />} />
            <Route path="settings/llm" element={<Lazy><LlmSettingsPage /></Lazy>} />
          </Route>
          <Route path="*" element={<NotFoundPage />} />
        </Route>
      </Route>
    </Routes>
  );
}

export function Providers({ client, children }: { client: QueryClient; children: ReactNode }) {
  return (
    <QueryClientProvider client={client}>
      <ToastProvider>
        <SessionExpiry />
        {children}
      </ToastProvider>
    </QueryClientProvider>
  );
}

export default function App() {
  const [client] = useState(createQueryClient);
  return (
    <Providers client={client}>
      <BrowserRouter>
        <AppRoutes />
      </BrowserRouter>
    </Providers>
  );
}
