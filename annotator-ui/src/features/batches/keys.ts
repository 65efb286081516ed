// Query keys of a batch's pages of items and of model calls: under the batch's agent-run list and run
// calls keys, so refreshing those (when the batch ends) refreshes them too.
import type { AgentRunStatus } from '../../shared/api';
import { agentRunKeys, runKeys } from '../runs/keys';

type Id = string | number;

export const batchKeys = {
  items: (projectId: Id, runId: Id, outcome: AgentRunStatus | '', after: number) =>
    [...agentRunKeys.list(projectId, runId), 'items', outcome, after] as const,
  /** A page of the batch's model calls (before: the cursor, 0 for the newest), under the run's calls key. */
  calls: (projectId: Id, runId: Id, withBodies: boolean, before: number) => [...runKeys.llmCalls(projectId, runId, withBodies), before] as const,
};
