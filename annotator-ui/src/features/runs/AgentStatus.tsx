// An agent run's status as a badge, with what it means.
import { Badge } from '../../components/ui';

export const AGENT_STATUS: Record<string, { label: string; tone: string; detail: string }> = {
  running: { label: 'Running', tone: 'info', detail: 'The agent is working on it.' },
  answered: { label: 'Answered', tone: 'success', detail: 'The agent gave a final answer.' },
  budget: { label: 'Out of budget', tone: 'warning', detail: 'The agent ran out of steps or tokens before answering.' },
  loop: { label: 'Stuck in a loop', tone: 'warning', detail: 'The agent repeated itself and was stopped.' },
  error: { label: 'Error', tone: 'danger', detail: 'The run failed.' },
  cancelled: { label: 'Cancelled', tone: 'neutral', detail: 'The run was cancelled.' },
};

export function AgentStatusBadge({ status }: { status: string }) {
  const s = AGENT_STATUS[status];
  return (
    <Badge tone={s?.tone ?? 'neutral'}>
      {status === 'running' && <span className="spinner spinner-tiny badge-spinner" aria-hidden="true" />}
      {s?.label ?? status}
    </Badge>
  );
}
