// Read-only SQL with syntax highlighting: a <pre> with a class per token, from a small tokenizer
// (keywords, strings, quoted identifiers, numbers, comments), so showing SQL needs no editor.
import type { ReactNode } from 'react';
import { replaceMatches } from './matches';

const KEYWORDS = new Set(
  `select from where and or not in is null like ilike between group by order having limit offset join inner left right
  full outer cross on as distinct union all intersect except case when then else end asc desc with recursive exists
  count sum avg min max cast coalesce nullif true false over partition filter lateral using natural nulls first last
  insert update delete into values set create table drop alter interval extract date timestamp any some`
    .split(/\s+/)
    .filter(Boolean),
);

const TOKEN =
  /(--[^\n]*|\/\*[\s\S]*?\*\/)|('(?:[^']|'')*'?)|("(?:[^"]|"")*"?)|(\b\d+(?:\.\d+)?(?:e[+-]?\d+)?\b)|([A-Za-z_][A-Za-z0-9_$]*)|([(),;.*=<>!+\-/%|:]+)/g;

export function highlightSql(sql: string): ReactNode[] {
  return replaceMatches(sql, TOKEN, (m, n) => {
    const [text, comment, str, ident, num, word] = m;
    let cls: string | null;
    if (comment) cls = 'tok-comment';
    else if (str) cls = 'tok-string';
    else if (ident) cls = 'tok-ident';
    else if (num) cls = 'tok-number';
    else if (word) cls = KEYWORDS.has(word.toLowerCase()) ? 'tok-keyword' : null;
    else cls = 'tok-op';
    return cls ? (
      <span key={n} className={cls}>
        {text}
      </span>
    ) : (
      text
    );
  });
}

export function SqlCode({ sql, caption, actions }: { sql: string; caption?: ReactNode; actions?: ReactNode }) {
  return (
    <figure className="sql-block sql-code">
      {(caption || actions) && (
        <figcaption>
          <span>{caption}</span>
          {actions}
        </figcaption>
      )}
      <pre data-testid="sql-code">
        <code>{highlightSql(sql)}</code>
      </pre>
    </figure>
  );
}
