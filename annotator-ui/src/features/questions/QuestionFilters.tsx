// The Questions tab's filters (status, stage, database, source, search), each option with its count.
import { useEffect, useRef, useState } from 'react';
import { type NlqFacets } from '../../shared/api';
import { formatCount } from '../../components/ResultGrid';
import { Button, FilterSelect } from '../../components/ui';
import { ERROR_TYPES, errorTypeLabel } from '../../shared/loop';
import { STATUS_LABELS, statusLabel, type FilterKey, type NlqFilters } from '../../shared/nlqs';

const SEARCH_DELAY_MS = 300;

function withCounts(counts: Record<string, number> | undefined, selected: string | undefined, order: string[] = []) {
  const keys = new Set([...order.filter((k) => !counts || k in counts), ...Object.keys(counts ?? {})]);
  if (selected) keys.add(selected);
  return [...keys].map((k) => ({ value: k, count: counts?.[k] }));
}

const countText = (n: number | undefined) => (n === undefined ? '' : ` (${formatCount(n)})`);

export function QuestionFilters({
  filters,
  facets,
  databases,
  onChange,
  onClear,
}: {
  filters: NlqFilters;
  facets: NlqFacets | undefined;
  databases: { id: number; name: string; version: number }[];
  onChange: (key: FilterKey, value: string) => void;
  onClear?: () => void;
}) {
  const total = facets ? Object.values(facets.statuses).reduce((s, n) => s + n, 0) : undefined;
  const versions = new Map<string, number>();
  for (const d of databases) versions.set(d.name, (versions.get(d.name) ?? 0) + 1);
  // Without facets (an older server, or a failed call) the known statuses and error types still filter.
  const statuses = withCounts(facets?.statuses, filters.status, Object.keys(STATUS_LABELS));
  const errorTypes = withCounts(facets?.error_types, filters.error_type, facets ? [] : [...ERROR_TYPES]);
  const stages = withCounts(facets?.stages, filters.stage);
  const origins = withCounts(facets?.origins, filters.origin);
  return (
    <div className="filters" role="group" aria-label="Filters">
      <SearchBox value={filters.q ?? ''} onChange={(v) => onChange('q', v)} />
      <FacetFilter label="Status" all={`All${countText(total)}`} value={filters.status} options={statuses} name={statusLabel} onChange={(v) => onChange('status', v)} />
      {stages.length > 0 && <FacetFilter label="Stage" all="All stages" value={filters.stage} options={stages} onChange={(v) => onChange('stage', v)} />}
      {origins.length > 0 && <FacetFilter label="Origin" all="All origins" value={filters.origin} options={origins} onChange={(v) => onChange('origin', v)} />}
      <FilterSelect label="Database" value={filters.database ?? ''} onChange={(v) => onChange('database', v)}>
        <option value="">All databases</option>
        {databases.map((d) => (
          <option key={d.id} value={String(d.id)}>
            {(versions.get(d.name) ?? 0) > 1 ? `${d.name} (v${d.version})` : d.name}
          </option>
        ))}
      </FilterSelect>
      <FacetFilter label="Error type" all="Any" value={filters.error_type} options={errorTypes} name={errorTypeLabel} onChange={(v) => onChange('error_type', v)} />
      {onClear && (
        <Button size="sm" variant="ghost" onClick={onClear}>
          Clear filters
        </Button>
      )}
    </div>
  );
}

/** A filter over one facet: `all` first, then each value (as `name` words it) with its count. */
function FacetFilter({
  label,
  all,
  value,
  options,
  name = (v) => v,
  onChange,
}: {
  label: string;
  all: string;
  value: string | undefined;
  options: { value: string; count: number | undefined }[];
  name?: (value: string) => string;
  onChange: (value: string) => void;
}) {
  return (
    <FilterSelect label={label} value={value ?? ''} onChange={onChange}>
      <option value="">{all}</option>
      {options.map((o) => (
        <option key={o.value} value={o.value}>
          {name(o.value)}
          {countText(o.count)}
        </option>
      ))}
    </FilterSelect>
  );
}

/** The text filter: typed text reaches the URL (and the list) after a short pause, or at once on Enter. */
function SearchBox({ value, onChange }: { value: string; onChange: (v: string) => void }) {
  const [text, setText] = useState(value);
  const latest = useRef(onChange);
  latest.current = onChange;
  // The URL changed elsewhere (Clear filters, back button): show it.
  useEffect(() => setText(value), [value]);
  useEffect(() => {
    if (text.trim() === value) return;
    const t = window.setTimeout(() => latest.current(text.trim()), SEARCH_DELAY_MS);
    return () => window.clearTimeout(t);
  }, [text, value]);
  return (
    <label className="filter filter-search">
      <span>Search</span>
      <input
        type="search"
        className="input input-compact"
        value={text}
        placeholder="Words in the question"
        maxLength={500}
        onChange={(e) => setText(e.target.value)}
        onKeyDown={(e) => {
          if (e.key === 'Enter') latest.current(text.trim());
          if (e.key === 'Escape' && text) {
            e.preventDefault();
            setText('');
            latest.current('');
          }
        }}
      />
    </label>
  );
}
