// The guidelines an annotator answers under, beside the editor: the version the task names, rule by
// rule, so reading a rule never means leaving the question. G shows or hides it; the choice is kept.
import { useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { Markdown } from '../../components/Markdown';
import { ErrorState, Loading } from '../../components/ui';
import { useHotkeys } from '../../shared/hotkeys';
import { guidelinesApi } from '../guidelines/api';
import { guidelineKeys } from '../guidelines/keys';

const OPEN_KEY = 'goldset:annotate:guidelines-open';

export function GuidelinePanel({ projectId, version, hotkeys }: { projectId: string; version: number; hotkeys: boolean }) {
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
  const rules = guideline.data?.guideline.rules ?? [];
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
        ) : rules.length === 0 ? (
          <Markdown text={guideline.data.guideline.markdown} label="Guideline text" />
        ) : (
          <ol className="guideline-rules" aria-label="Guideline rules">
            {rules.map((r) => (
              <li key={r.id}>
                <details>
                  <summary>
                    <span className="mono">{r.id}</span> {r.title}
                  </summary>
                  <Markdown text={r.text} label={`Rule ${r.id}`} />
                </details>
              </li>
            ))}
          </ol>
        ))}
    </section>
  );
}
