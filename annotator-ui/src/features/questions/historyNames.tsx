// How a question's history names things: where a SQL came from, a candidate by its author, and the
// guideline version in force.
import { Link } from 'react-router';
import { type HistoryCandidate } from '../../shared/api';

const SOURCE_LABELS: Record<string, string> = { import: 'imported', agent: 'agent', human: 'human', generator: 'generator' };
export const sourceLabel = (s: string) => SOURCE_LABELS[s] ?? s;

/** "#70 · human (ann@example.com)": how the timeline names a candidate. */
export function candidateName(byId: Map<number, HistoryCandidate>, id: number | null | undefined): string {
  if (id == null) return '—';
  const c = byId.get(id);
  if (!c) return `#${id}`;
  return `#${id} · ${sourceLabel(c.source)}${c.author_email && c.source !== 'agent' ? ` (${c.author_email})` : ''}`;
}

/** "under guidelines v2" (a link to that version), or "before the first guidelines". */
export function GuidelineWhen({ projectId, version }: { projectId: string; version: number | null | undefined }) {
  if (!version) return <>before the first guidelines</>;
  return (
    <>
      under <Link to={`/projects/${projectId}/guidelines?version=${version}`}>guidelines v{version}</Link>
    </>
  );
}
