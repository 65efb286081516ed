// The database's tables and columns, searchable, with their keys and warnings.
import { useState } from 'react';
import { type DbTable } from '../../shared/api';
import { formatCount, plural } from '../../components/ResultGrid';
import { ColumnDocNote } from '../../components/ColumnDoc';
import { Button, SearchInput } from '../../components/ui';
import { toggled } from '../../shared/toggle';
import { quoteIdent, tableSource, headerDiffers } from './sql';

// ---------- Schema browser ----------

export function keyBadges(table: DbTable, column: string) {
  const pk = (table.primary_key ?? []).includes(column);
  const fks = (table.foreign_keys ?? []).filter((fk) => fk.columns.includes(column));
  return (
    <>
      {pk && (
        <span className="key-badge key-pk" title="Primary key">
          PK
        </span>
      )}
      {fks.map((fk, i) => {
        const ref = `${fk.ref_table}.${fk.ref_columns[fk.columns.indexOf(column)] ?? fk.ref_columns.join(', ')}`;
        return (
          <span key={i} className="key-badge key-fk" title={`Foreign key → ${ref}`}>
            FK → {ref}
          </span>
        );
      })}
    </>
  );
}

function WarningMark({ warnings }: { warnings: string[] }) {
  if (warnings.length === 0) return null;
  const text = warnings.join('\n');
  return (
    <span className="warning-mark" title={text} aria-label={`${plural(warnings.length, 'warning')}: ${text}`} role="img">
      !
    </span>
  );
}

/** A table's or column's name that, pressed, inserts it (quoted when it must be) at the editor's cursor. */
function InsertButton({ className, name, onInsert }: { className: string; name: string; onInsert: (text: string) => void }) {
  return (
    <button type="button" className={className} title={`Insert ${name} at the cursor`} onClick={() => onInsert(quoteIdent(name))}>
      {name}
    </button>
  );
}

export function SchemaBrowser({
  tables,
  activeTable,
  onInsert,
  onQuery,
  onShow,
}: {
  tables: DbTable[];
  activeTable: string | null;
  onInsert: (text: string) => void;
  onQuery: (table: string) => void;
  onShow: (table: string) => void;
}) {
  const [filter, setFilter] = useState('');
  // By id, so a renamed table stays open.
  const [expanded, setExpanded] = useState<Set<number>>(() => new Set(tables.length === 1 ? [tables[0].id] : []));
  const f = filter.trim().toLowerCase();
  const shown = f
    ? tables.filter(
        (t) =>
          t.name.includes(f) ||
          t.original.toLowerCase().includes(f) ||
          (t.columns ?? []).some((c) => c.name.includes(f) || c.original.toLowerCase().includes(f)),
      )
    : tables;
  const toggle = (id: number) => setExpanded((s) => toggled(s, id));

  return (
    <aside className="schema" aria-label="Schema">
      <div className="schema-header">
        <h2>Tables</h2>
        <span className="muted">{formatCount(tables.length)}</span>
      </div>
      {tables.length > 6 && (
        <SearchInput className="schema-filter" label="Filter tables and columns" placeholder="Filter tables and columns" value={filter} onChange={setFilter} />
      )}
      {tables.length === 0 ? (
        <p className="muted schema-empty">This database has no tables.</p>
      ) : shown.length === 0 ? (
        <p className="muted schema-empty">No table or column matches “{filter}”.</p>
      ) : (
        <ul className="schema-tables">
          {shown.map((t) => {
            const open = expanded.has(t.id) || Boolean(f);
            return (
              <li key={t.id} className={`schema-table${activeTable === t.name ? ' schema-table-active' : ''}`}>
                <div className="schema-table-row">
                  <button
                    type="button"
                    className="schema-toggle"
                    aria-expanded={open}
                    aria-label={`Columns of ${t.name}`}
                    onClick={() => toggle(t.id)}
                  >
                    <span aria-hidden="true">{open ? '▾' : '▸'}</span>
                  </button>
                  <InsertButton className="schema-name" name={t.name} onInsert={onInsert} />
                  <WarningMark warnings={t.warnings ?? []} />
                  <span className="schema-count" title={`${formatCount(t.row_count)} rows`}>
                    {formatCount(t.row_count)}
                  </span>
                </div>
                {tableSource(t) && <div className="schema-original">from {tableSource(t)}</div>}
                {open && (
                  <div className="schema-detail">
                    <ul className="schema-columns" aria-label={`Columns of ${t.name}`}>
                      {(t.columns ?? []).map((c) => (
                        <li key={c.name}>
                          <InsertButton className="schema-col" name={c.name} onInsert={onInsert} />
                          <span className="schema-coltype">{c.type}</span>
                          {keyBadges(t, c.name)}
                          {headerDiffers(c) && (
                            <div className="schema-original" data-testid="original-header">
                              “{c.original}”
                            </div>
                          )}
                          <ColumnDocNote column={c} />
                        </li>
                      ))}
                    </ul>
                    <div className="schema-actions">
                      <Button size="sm" onClick={() => onQuery(t.name)} aria-label={`Query ${t.name}`}>
                        Query
                      </Button>
                      <Button size="sm" variant="ghost" onClick={() => onShow(t.name)} aria-label={`Details of ${t.name}`}>
                        Details
                      </Button>
                    </div>
                  </div>
                )}
              </li>
            );
          })}
        </ul>
      )}
    </aside>
  );
}
