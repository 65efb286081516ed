// Query keys of a batch's pages of items: under the batch's agent-run list key, so refreshing that
// (when the batch ends) refreshes them too.
import type { AgentRunStatus } from '../../shared/api';
import { agentRunKeys } from '../runs/keys';

type Id = string | number;

export const batchKeys = {
  items: (projectId: Id, runId: Id, outcome: AgentRunStatus | '', after: number) =>
    [...agentRunKeys.list(projectId, runId), 'items', outcome, after] as const,
};
