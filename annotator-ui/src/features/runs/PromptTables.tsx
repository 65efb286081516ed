// What an agent run's prompt showed of its database: how many tables of how many, how they were
// chosen (all of them, the question's own, BM25, or BM25 fused with embeddings), the first prompt's
// tokens, and the tables, marking those the question came with and those a foreign key joined.
import type { PromptTables as PromptTablesData } from '../../shared/api';
import { formatCount } from '../../components/ResultGrid';

const methods: Record<string, string> = {
  all: 'every table of the database',
  scope: "the question's own tables",
  lexical: 'ranked by words (BM25)',
  hybrid: 'ranked by words and embeddings',
};

export function PromptTables({ retrieval }: { retrieval: PromptTablesData | null | undefined }) {
  if (!retrieval) return null;
  const tables = retrieval.tables ?? [];
  const known = new Set(retrieval.known ?? []);
  const joined = new Set(retrieval.joined ?? []);
  const total = Math.max(retrieval.total ?? 0, tables.length);
  const count = total > tables.length ? `${formatCount(tables.length)} of ${formatCount(total)}` : formatCount(total);
  return (
    <details className="prompt-tables" data-testid="prompt-tables">
      <summary>
        <span className="detail-label">Schema in the prompt</span> {count} {total === 1 ? 'table' : 'tables'},{' '}
        {methods[retrieval.method] ?? retrieval.method}
        {retrieval.first_prompt_tokens > 0 && <> · {formatCount(retrieval.first_prompt_tokens)} tokens in the first prompt</>}
      </summary>
      <ul className="prompt-tables-list">
        {tables.map((t) => (
          <li key={t}>
            <span className="mono">{t}</span>
            {known.has(t) && <span className="badge">came with the question</span>}
            {joined.has(t) && <span className="badge">joined by a foreign key</span>}
          </li>
        ))}
      </ul>
    </details>
  );
}
