// Find tables, columns and values: the database's retrieval index, the one the SQL agent's prompts
// come from (GET …/databases/:id/search, docs/API.md "Schema search"). Results say what matched: a
// table's name, a column's header, a summary, or a value stored in a column.
import { useQuery } from '@tanstack/react-query';
import { useEffect, useState } from 'react';
import { request, type SchemaSearchField, type SchemaSearchHit } from '../shared/api';
import './schemaSearch.css';
import { SearchInput } from './ui';

export interface SearchResponse {
  query: string;
  tables: number;
  hits: SchemaSearchHit[];
}

export const schemaSearchKey = (projectId: string | number, databaseId: string | number, q: string) =>
  ['schema-search', String(projectId), String(databaseId), q] as const;

/** How long typing must pause before a search is sent. */
export const SEARCH_DEBOUNCE_MS = 250;

export function searchSchema(projectId: string | number, databaseId: string | number, q: string, signal?: AbortSignal) {
  const qs = new URLSearchParams({ q, limit: '15' });
  return request<SearchResponse>('GET', `/api/v1/projects/${projectId}/databases/${databaseId}/search?${qs}`, { signal });
}

const FIELD_LABEL: Record<SchemaSearchField, string> = {
  name: 'name',
  column: 'column',
  type: 'type',
  summary: 'summary',
  description: 'description',
  value: 'value',
  kind: 'column',
};

export function SchemaSearch({
  projectId,
  databaseId,
  onShow,
  onInsert,
}: {
  projectId: string | number;
  databaseId: string | number;
  /** Open a table's detail. */
  onShow: (table: string) => void;
  /** Put a name or a literal into the SQL being written. */
  onInsert: (text: string) => void;
}) {
  const [text, setText] = useState('');
  const [q, setQ] = useState('');
  useEffect(() => {
    const id = setTimeout(() => setQ(text.trim()), SEARCH_DEBOUNCE_MS);
    return () => clearTimeout(id);
  }, [text]);
  const search = useQuery({
    queryKey: schemaSearchKey(projectId, databaseId, q),
    queryFn: ({ signal }) => searchSchema(projectId, databaseId, q, signal),
    enabled: q.length > 0,
    staleTime: 30_000,
  });

  return (
    <section className="schema-search" aria-label="Find tables, columns and values">
      <SearchInput className="schema-search-input" label="Find tables, columns and values" placeholder="Find tables, columns, values" value={text} onChange={setText} maxLength={200} />
      {q && search.isPending && <p className="muted schema-search-note">Searching…</p>}
      {q && search.isError && (
        <p className="schema-search-note schema-search-error" role="alert">
          The search failed: {search.error instanceof Error ? search.error.message : 'unknown error'}
        </p>
      )}
      {q && search.data && search.data.hits.length === 0 && (
        <p className="muted schema-search-note">
          Nothing in {search.data.tables} tables holds “{search.data.query}”.
        </p>
      )}
      {q && search.data && search.data.hits.length > 0 && (
        <ol className="schema-search-hits" aria-label="Search results">
          {search.data.hits.map((h) => (
            <li key={h.table} className="schema-search-hit">
              <button type="button" className="schema-search-table mono" onClick={() => onShow(h.table)} title="Show this table">
                {h.table}
              </button>
              {h.original && <span className="muted schema-search-original">{h.original}</span>}
              <ul className="schema-search-matches">
                {h.matches.map((m, i) => (
                  <li key={i}>
                    <span className="schema-search-field">{FIELD_LABEL[m.field]}</span>{' '}
                    {m.field === 'value' ? (
                      <button
                        type="button"
                        className="schema-search-insert"
                        onClick={() => onInsert(`${m.column} = '${m.text.replace(/'/g, "''")}'`)}
                        title="Insert this condition into the SQL"
                      >
                        <span className="mono">{m.column}</span> = “{m.text}”
                      </button>
                    ) : m.column ? (
                      <button type="button" className="schema-search-insert mono" onClick={() => onInsert(m.column!)} title="Insert this column">
                        {m.column}
                        {m.field === 'kind' ? (
                          <span className="muted"> holds {m.text}</span>
                        ) : (
                          m.text !== m.column && <span className="muted"> “{m.text}”</span>
                        )}
                      </button>
                    ) : (
                      <span>{m.text}</span>
                    )}
                  </li>
                ))}
              </ul>
            </li>
          ))}
        </ol>
      )}
    </section>
  );
}
