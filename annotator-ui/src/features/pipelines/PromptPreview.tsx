// The rendered prompt of a run's first item, read-only.
import { type RunPreview } from '../../shared/api';
import { plural } from '../../components/ResultGrid';
import { Alert } from '../../components/ui';
import { kindLabel } from './generation';

/** The rendered prompt of a run's first item, read-only. */
export function PromptPreview({ preview, stale = false }: { preview: RunPreview; stale?: boolean }) {
  const messages = preview.messages ?? [];
  return (
    <section className="prompt-preview" aria-label="Prompt preview" data-testid="prompt-preview">
      <p className="muted">
        {kindLabel(preview.pipeline)} · prompt <span className="mono small-mono">{preview.prompt_version}</span> · model{' '}
        <span className="mono small-mono">{preview.model || 'not set'}</span> · first item <span className="mono small-mono">{preview.item}</span> of{' '}
        {plural(preview.items, 'item')}
      </p>
      {stale && <p className="text-warning small">The form changed since this preview: preview again to see the prompt it would send.</p>}
      {preview.note && <Alert>{preview.note}</Alert>}
      {messages.length === 0 ? (
        <p className="muted">No prompt: the run has no item.</p>
      ) : (
        messages.map((m, i) => (
          <figure key={i} className="json-block">
            <figcaption>{m.role}</figcaption>
            <pre className="prompt-text" aria-label={`Prompt: ${m.role} message`}>
              {m.content}
            </pre>
          </figure>
        ))
      )}
    </section>
  );
}
