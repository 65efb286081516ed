// The signed-in user, kept in the query cache under ["me"]; null means "not signed in".
import { useQuery } from '@tanstack/react-query';
import { api, type Me } from './api';

export const sessionKeys = {
  me: () => ['me'] as const,
};

export function useMe() {
  return useQuery({ queryKey: sessionKeys.me(), queryFn: api.me, staleTime: 60_000, retry: false });
}

/** The signed-in user; only for components rendered inside <RequireAuth>. */
export function useSession(): Me {
  const { data } = useMe();
  if (!data) throw new Error('useSession used outside an authenticated route');
  return data;
}
