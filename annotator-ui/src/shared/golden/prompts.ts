// The project's versioned text-to-SQL prompt template and the placeholders it must keep.
export type { PromptTemplate } from '../api.gen';

// ---- Prompt templates ----

/** What a template must contain: the server fills each in. */
export const PLACEHOLDERS = ['{dialect}', '{schema}', '{query_str}'] as const;

/** The placeholders a template body lacks (none: it can be used). */
export function missingPlaceholders(body: string): string[] {
  return PLACEHOLDERS.filter((p) => !body.includes(p));
}

export function placeholderError(body: string): string | undefined {
  if (!body.trim()) return 'Write the prompt template.';
  const missing = missingPlaceholders(body);
  if (missing.length === 0) return undefined;
  return `The template needs ${missing.join(', ')} (the server fills ${missing.length === 1 ? 'it' : 'them'} in).`;
}
