// What a user may see in the navigation. The server enforces access; this only hides what would be refused.
import type { MyProjectRole, User } from './api';

export interface NavItem {
  to: string;
  label: string;
}

export function mainNav(user: Pick<User, 'is_admin'>): NavItem[] {
  const items: NavItem[] = [{ to: '/projects', label: 'Projects' }];
  if (user.is_admin) {
    items.push(
      { to: '/users', label: 'Users' },
      { to: '/activity', label: 'Activity' },
      { to: '/settings/llm', label: 'Settings' },
    );
  }
  items.push({ to: '/account', label: 'Account' });
  return items;
}

/** Whether a member of a project with this role (none: not a member) may do something. */
export type RoleCheck = (role: MyProjectRole | undefined) => boolean;

/** Leads (and admins, who act as lead everywhere) manage members and read the audit log. */
export const canManageProject: RoleCheck = (role) => role === 'lead' || role === 'admin';

/** Reviewers and up work the review queue. */
export const canReview: RoleCheck = (role) => role === 'reviewer' || canManageProject(role);

/** Every project member (annotator and up) annotates. */
export const canAnnotate: RoleCheck = (role) => Boolean(role);

/** Leads and admins import databases and questions; everyone in the project browses and queries them. */
export const canImport = canManageProject;

/** Reviewers and up read the agent's trajectories. */
export const canReadAgentRuns = canReview;

/** Leads (and admins) try the agent and run batches. */
export const canRunAgent = canManageProject;

/**
 * Reviewers and up read the dashboard's cycles and the dataset metrics; leads also see progress and
 * compute the metrics (see canManageProject).
 */
export const canReadDashboard = canReview;

/** Reviewers and up read the golden snapshots; leads cut and export them (see canManageProject). */
export const canReadSnapshots = canReview;

/** Leads (and admins) evaluate prompts on snapshots, optimize them and version the prompt template. */
export const canEvaluate = canManageProject;

export function projectTabs(projectId: string | number, role: MyProjectRole | undefined): NavItem[] {
  const base = `/projects/${projectId}`;
  const tabs: NavItem[] = [{ to: base, label: 'Overview' }];
  if (canReadDashboard(role)) tabs.push({ to: `${base}/dashboard`, label: 'Dashboard' }, { to: `${base}/metrics`, label: 'Metrics' });
  // Every project role is annotator or above, so every member sees the data tabs.
  if (role) {
    tabs.push({ to: `${base}/databases`, label: 'Databases' }, { to: `${base}/questions`, label: 'Questions' });
    tabs.push({ to: `${base}/guidelines`, label: 'Guidelines' });
  }
  if (canAnnotate(role)) tabs.push({ to: `${base}/annotate`, label: 'Annotate' });
  if (canReview(role)) tabs.push({ to: `${base}/review`, label: 'Review' });
  if (canReadAgentRuns(role)) tabs.push({ to: `${base}/agent`, label: 'Agent' });
  if (canRunAgent(role)) tabs.push({ to: `${base}/batches`, label: 'Batches' }, { to: `${base}/pipelines`, label: 'Pipelines' });
  if (canReadSnapshots(role)) tabs.push({ to: `${base}/snapshots`, label: 'Snapshots' });
  if (canEvaluate(role)) tabs.push({ to: `${base}/evaluations`, label: 'Evaluations' }, { to: `${base}/optimizations`, label: 'Optimizations' });
  if (canManageProject(role)) {
    tabs.push({ to: `${base}/members`, label: 'Members' }, { to: `${base}/activity`, label: 'Activity' });
  }
  return tabs;
}

export const ROLE_LABELS: Record<MyProjectRole, string> = {
  admin: 'Admin',
  lead: 'Lead',
  reviewer: 'Reviewer',
  annotator: 'Annotator',
};
