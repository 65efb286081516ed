// Who made something, as the snapshot pages say it.
import { useQuery } from '@tanstack/react-query';
import { useMemo } from 'react';
import { api } from '../../shared/api';
import { useSession } from '../../shared/session';
import { projectKeys } from '../projects/keys';

/** Who made something: "you", a lead sees emails, others "user #3". */
export function usePeople(projectId: string, lead: boolean) {
  const { user } = useSession();
  const members = useQuery({ queryKey: projectKeys.members(projectId), queryFn: () => api.listMembers(projectId), enabled: lead });
  const emails = useMemo(() => new Map((members.data?.members ?? []).map((m) => [m.user_id, m.email])), [members.data]);
  return (id: number | null) => (id === null ? 'the system' : id === user.id ? 'you' : (emails.get(id) ?? `user #${id}`));
}
