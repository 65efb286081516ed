// The guidelines an annotator answers under, beside the editor: the version the task names, rule by
// rule, searchable, each citable in the comment, so reading a rule never means leaving the question.
// G shows or hides it; the choice is kept.
import { useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { Markdown } from '../../components/Markdown';
import { Button, ErrorState, Loading, TextField } from '../../components/ui';
import { useHotkeys } from '../../shared/hotkeys';
import { guidelinesApi } from '../guidelines/api';
import { guidelineKeys } from '../guidelines/keys';
import { bindValue } from '../../shared/forms';

const OPEN_KEY = 'goldset:annotate:guidelines-open';

/** The comment with rule `id` cited at its end, unless it already cites it (R1 is not R12). */
export function withCitation(comment: string, id: string) {
  const escaped = id.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  if (new RegExp(`(^|[^\\w])${escaped}(?![\\w])`).test(comment)) return comment;
  const head = comment.trimEnd();
  return head ? `${head} ${id}` : id;
}

export function GuidelinePanel({
  projectId,
  version,
  hotkeys,
  onCite,
}: {
  projectId: string;
  version: number;
  hotkeys: boolean;
  onCite: (ruleId: string) => void;
}) {
  const [search, setSearch] = useState('');
  const [open, setOpen] = useState(() => localStorage.getItem(OPEN_KEY) === '1');
  const toggle = (next: boolean) => {
    setOpen(next);
    localStorage.setItem(OPEN_KEY, next ? '1' : '0');
  };
  useHotkeys({ g: () => toggle(!open) }, hotkeys);
  const guideline = useQuery({
    queryKey: guidelineKeys.version(projectId, version),
    queryFn: () => guidelinesApi.get(projectId, version),
    enabled: open,
    staleTime: Infinity, // a saved version never changes
  });
  const all = guideline.data?.guideline.rules ?? [];
  const needle = search.trim().toLowerCase();
  const rules = needle ? all.filter((r) => `${r.id} ${r.title} ${r.text}`.toLowerCase().includes(needle)) : all;
  return (
    <section className="panel guideline-panel" aria-label="Guidelines">
      <button type="button" className="guideline-toggle" aria-expanded={open} onClick={() => toggle(!open)}>
        {open ? '▾' : '▸'} Guidelines v{version} <kbd>G</kbd>
      </button>
      {open &&
        (guideline.isPending ? (
          <Loading label="Loading guidelines…" />
        ) : guideline.isError ? (
          <ErrorState error={guideline.error} onRetry={() => guideline.refetch()} />
        ) : all.length === 0 ? (
          <Markdown text={guideline.data.guideline.markdown} label="Guideline text" />
        ) : (
          <>
            <TextField label="Search rules" type="search" {...bindValue(search, setSearch)} />
            {rules.length === 0 && <p className="muted small">No rule mentions “{search.trim()}”.</p>}
            <ol className="guideline-rules" aria-label="Guideline rules">
              {rules.map((r) => (
                <li key={r.id}>
                  <details open={needle !== ''}>
                    <summary>
                      <span className="mono">{r.id}</span> {r.title}
                    </summary>
                    <Markdown text={r.text} label={`Rule ${r.id}`} />
                    <Button size="sm" onClick={() => onCite(r.id)} aria-label={`Cite ${r.id} in the comment`}>
                      Cite in comment
                    </Button>
                  </details>
                </li>
              ))}
            </ol>
          </>
        ))}
    </section>
  );
}
