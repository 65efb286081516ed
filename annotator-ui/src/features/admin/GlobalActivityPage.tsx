import { useQuery } from '@tanstack/react-query';
import { useMemo } from 'react';
import { api } from '../../shared/api';
import { AuditLog } from '../../components/AuditLog';
import { PageHeader } from '../../components/ui';
import { projectKeys } from '../projects/keys';

export function GlobalActivityPage() {
  const projects = useQuery({ queryKey: projectKeys.list(), queryFn: api.listProjects });
  const names = useMemo(
    () => new Map((projects.data?.projects ?? []).map((p) => [p.id, p.name] as const)),
    [projects.data],
  );
  return (
    <div className="page">
      <PageHeader title="Activity" subtitle="Every change on this Goldset, across all projects, newest first." />
      <AuditLog queryKey={['audit', 'global']} fetchPage={api.globalAudit} showProject projectNames={names} />
    </div>
  );
}
