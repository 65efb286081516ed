// Text cut at the matches of a pattern, for the renderers that mark up part of a text (inline
// markdown, the model's prose, SQL highlighting).
import type { ReactNode } from 'react';

/**
 * `text` with each match of `pattern` (a /g regex) replaced by `render(match, n)`, n counting the
 * matches from 0; the text around the matches stays as strings.
 */
export function replaceMatches(text: string, pattern: RegExp, render: (m: RegExpExecArray, n: number) => ReactNode): ReactNode[] {
  const out: ReactNode[] = [];
  let last = 0;
  let n = 0;
  for (const m of text.matchAll(pattern)) {
    const at = m.index ?? 0;
    if (at > last) out.push(text.slice(last, at));
    out.push(render(m as RegExpExecArray, n++));
    last = at + m[0].length;
  }
  if (last < text.length) out.push(text.slice(last));
  return out;
}
