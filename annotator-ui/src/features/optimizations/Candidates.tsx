// Every prompt an optimization tried: its step, origin, parent and scores, its text and critique on
// demand, and Adopt for any scored one.
import { useState } from 'react';
import { Alert, Badge, Button, Card, DetailRow, Table } from '../../components/ui';
import { formError } from '../../shared/forms';
import { pct, type OptCandidate, type OptReport } from '../../shared/golden';
import { ORIGIN_LABELS } from './labels';
import { toggled } from '../../shared/toggle';
import { useAdopt } from './Adopt';

export function Candidates({ projectId, runId, rep }: { projectId: string; runId: string; rep: OptReport }) {
  const [open, setOpen] = useState<Set<number>>(new Set());
  const adopt = useAdopt(projectId, runId);
  const toggle = (id: number) => setOpen((s) => toggled(s, id));
  const stepKey = new Map((rep.steps ?? []).map((s) => [s.step, s.key]));
  const list = [...(rep.candidates ?? [])].sort((a, b) => a.id - b.id);
  return (
    <Card title="Candidates" description="Every prompt tried, by id: where it came from, its score on its step’s items, on the whole validation split and on test.">
      {adopt.isSuccess && adopt.data && (
        <Alert tone="success" title={`Adopted as prompt version ${adopt.data.version}`}>
          <span data-testid="adopted-candidate">Candidate #{adopt.data.candidate_id} is now the project’s prompt (version {adopt.data.version}).</span>
        </Alert>
      )}
      {adopt.error ? <Alert>{formError(adopt.error, {}) ?? 'That did not work.'}</Alert> : null}
      {list.length === 0 ? (
        <p className="muted">No candidate yet.</p>
      ) : (
        <Table label="Candidates" className="table table-compact" columns={['Candidate', 'Step', 'Origin', 'Parent', { label: 'Step score', num: true }, { label: 'Validation', num: true }, { label: 'Test', num: true }, { hidden: 'Actions' }]}>
          {list.map((c) => (
            <CandidateRow
              key={c.id}
              c={c}
              best={rep.best?.id === c.id}
              stepKey={stepKey.get(c.step) ?? String(c.step)}
              open={open.has(c.id)}
              onToggle={() => toggle(c.id)}
              onAdopt={() => adopt.mutate(c.id)}
              adopting={adopt.isPending && adopt.variables === c.id}
            />
          ))}
        </Table>
      )}
    </Card>
  );
}

function CandidateRow({
  c,
  best,
  stepKey,
  open,
  onToggle,
  onAdopt,
  adopting,
}: {
  c: OptCandidate;
  best: boolean;
  stepKey: string;
  open: boolean;
  onToggle: () => void;
  onAdopt: () => void;
  adopting: boolean;
}) {
  return (
    <>
      <tr id={`candidate-${c.id}`} className={open ? 'row-expanded' : undefined} data-testid={`candidate-${c.id}`}>
        <td className="nowrap">
          #{c.id} {best && <Badge tone="success">best</Badge>}
        </td>
        <td className="nowrap" title={stepKey}>
          {c.step}
        </td>
        <td>{ORIGIN_LABELS[c.origin] ?? c.origin}</td>
        <td>{c.parent_id !== null ? <a href={`#candidate-${c.parent_id}`}>#{c.parent_id}</a> : <span className="muted">—</span>}</td>
        <td className="cell-num">{c.scored > 0 ? `${pct(c.score)} (${c.scored})` : <span className="muted">not scored</span>}</td>
        <td className="cell-num">{c.val_score !== null ? `${pct(c.val_score)} (${c.val_n})` : <span className="muted">—</span>}</td>
        <td className="cell-num">{c.test_score !== null ? pct(c.test_score) : <span className="muted">—</span>}</td>
        <td className="cell-actions nowrap">
          <Button size="sm" variant="ghost" aria-expanded={open} aria-label={`${open ? 'Hide' : 'Show'} the prompt of candidate ${c.id}`} onClick={onToggle}>
            {open ? 'Hide' : 'Prompt'}
          </Button>
          {c.scored > 0 && (
            <Button size="sm" onClick={onAdopt} busy={adopting} aria-label={`Adopt candidate ${c.id}`}>
              Adopt
            </Button>
          )}
        </td>
      </tr>
      {open && (
        <DetailRow columns={8}>
          <pre className="prompt-text mono" data-testid={`prompt-${c.id}`}>
            {c.prompt}
          </pre>
          {c.critique && (
            <div>
              <h3 className="diff-title">Critique (the textual gradient the editor applied)</h3>
              <p className="prompt-critique">{c.critique}</p>
            </div>
          )}
        </DetailRow>
      )}
    </>
  );
}
