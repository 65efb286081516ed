// Two guideline versions compared, rule by rule and line by line.
import { useQuery } from '@tanstack/react-query';
import { Link, useSearchParams } from 'react-router';
import { GuidelineDiff } from './GuidelineDiff';
import { Card, ErrorState, Loading, SelectField } from '../../components/ui';
import { guidelinesApi } from './api';
import { useProject } from '../projects/ProjectPage';
import './guidelines.css';
import { guidelineKeys } from './keys';

export function GuidelineDiffPage() {
  const project = useProject();
  const pid = String(project.id);
  const [params, setParams] = useSearchParams();
  const list = useQuery({ queryKey: guidelineKeys.all(pid), queryFn: () => guidelinesApi.list(pid) });
  const latest = list.data?.current?.version ?? 0;
  const to = Number(params.get('to')) || latest;
  const from = params.get('from') !== null ? Number(params.get('from')) : Math.max(to - 1, 0);
  const diff = useQuery({
    queryKey: guidelineKeys.diff(pid, from, to),
    queryFn: () => guidelinesApi.diff(pid, from, to),
    enabled: to > 0,
  });
  const choose = (name: 'from' | 'to', value: string) => {
    const next = new URLSearchParams(params);
    next.set('from', String(from));
    next.set('to', String(to));
    next.set(name, value);
    setParams(next);
  };

  if (list.isPending) return <Loading label="Loading versions…" />;
  if (list.isError) return <ErrorState error={list.error} onRetry={() => list.refetch()} />;
  const versions = list.data.versions;
  return (
    <div className="stack">
      <Link to=".." relative="path" className="small">
        ← Guidelines
      </Link>
      <Card title="Compare versions">
        <div className="form-inline gl-compare-pickers">
          <SelectField label="From" value={String(from)} onChange={(e) => choose('from', e.target.value)}>
            <option value="0">empty (before v1)</option>
            {versions.map((v) => (
              <option key={v.version} value={v.version}>
                v{v.version} — {v.summary}
              </option>
            ))}
          </SelectField>
          <SelectField label="To" value={String(to)} onChange={(e) => choose('to', e.target.value)}>
            {versions.map((v) => (
              <option key={v.version} value={v.version}>
                v{v.version} — {v.summary}
              </option>
            ))}
          </SelectField>
        </div>
        {to === 0 ? (
          <p className="muted">There are no versions to compare yet.</p>
        ) : diff.isPending ? (
          <Loading label="Comparing…" />
        ) : diff.isError ? (
          <ErrorState error={diff.error} onRetry={() => diff.refetch()} />
        ) : (
          <GuidelineDiff diff={diff.data.diff} />
        )}
      </Card>
    </div>
  );
}
