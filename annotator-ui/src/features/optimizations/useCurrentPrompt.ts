// The project's prompt template as the starting text of a form (an evaluation's, an optimization's).
import { useQuery } from '@tanstack/react-query';
import { useEffect, useRef } from 'react';
import { goldenApi } from '../../shared/golden';
import { promptKeys } from './keys';

/**
 * The project's current prompt template, put into a form's textarea: when it loads, and again when a
 * newer version arrives (a cached list refreshed, a version adopted) unless the user edited the text.
 */
export function useCurrentPrompt(projectId: string, setPrompt: (update: (prompt: string) => string) => void) {
  const prompts = useQuery({ queryKey: promptKeys.list(projectId), queryFn: () => goldenApi.prompts(projectId) });
  const filled = useRef<string | null>(null);
  const body = prompts.data?.current.body;
  useEffect(() => {
    if (body === undefined || body === filled.current) return;
    const previous = filled.current;
    filled.current = body;
    setPrompt((prompt) => (prompt === '' || prompt === previous ? body : prompt));
  }, [body, setPrompt]);
  return prompts;
}

