// Two snapshots compared: pairs added, removed, changed or moved to another split, with examples.
import { useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { formatCount } from '../../components/ResultGrid';
import { SqlCode } from '../../components/SqlCode';
import { Badge, Button, Card, ErrorState, SelectField, Stats } from '../../components/ui';
import { fieldErrors, handleSubmit } from '../../shared/forms';
import { goldenApi, type Pair, type SnapshotDiff } from '../../shared/golden';
import { snapshotKeys } from './keys';

export function CompareSnapshots({ projectId }: { projectId: string }) {
  const snaps = useQuery({ queryKey: snapshotKeys.list(projectId), queryFn: () => goldenApi.listSnapshots(projectId) });
  const [pick, setPick] = useState({ a: '', b: '' });
  const [asked, setAsked] = useState<{ a: string; b: string } | null>(null);
  const diff = useQuery({
    queryKey: snapshotKeys.compare(projectId, asked?.a, asked?.b),
    queryFn: () => goldenApi.compare(projectId, asked!.a, asked!.b),
    enabled: asked !== null,
  });
  const list = snaps.data ?? [];
  if (list.length < 2) return null;
  const fields = fieldErrors(diff.error);
  return (
    <Card title="Compare two snapshots" description="What changed from A to B: pairs added, removed, changed (same question, other text or SQL) or moved to another split.">
      <form
        className="form"
        aria-label="Compare snapshots"
        onSubmit={handleSubmit(() => {
          if (pick.a && pick.b) setAsked({ ...pick });
        })}
      >
        <div className="batch-fields">
          {(['a', 'b'] as const).map((side) => (
            <SelectField
              key={side}
              label={`Snapshot ${side.toUpperCase()}`}
              value={pick[side]}
              onChange={(e) => setPick((p) => ({ ...p, [side]: e.target.value }))}
              error={fields[side]}
            >
              <option value="">Choose…</option>
              {list.map((s) => (
                <option key={s.id} value={String(s.id)}>
                  #{s.id} {s.name}
                </option>
              ))}
            </SelectField>
          ))}
        </div>
        <div className="form-actions form-actions-start">
          <Button type="submit" disabled={!pick.a || !pick.b} busy={diff.isFetching}>
            Compare
          </Button>
        </div>
      </form>
      {asked && diff.isError && Object.keys(fields).length === 0 && <ErrorState error={diff.error} />}
      {diff.data && <DiffView diff={diff.data} />}
    </Card>
  );
}

function DiffView({ diff }: { diff: SnapshotDiff }) {
  const ex = diff.examples ?? { added: [], removed: [], changed: [] };
  return (
    <div className="stack" data-testid="snapshot-diff">
      <Stats
        label="Differences"
        items={[
          { label: 'Added', value: formatCount(diff.added) },
          { label: 'Removed', value: formatCount(diff.removed) },
          { label: 'Changed', value: formatCount(diff.changed) },
          { label: 'Moved', value: formatCount(diff.moved) },
          { label: 'Same', value: formatCount(diff.same) },
        ]}
      />
      {diff.same_hash && <p className="muted">Both snapshots have the same content hash: the same pairs in the same splits.</p>}
      <PairExamples title="Added" pairs={(ex.added ?? []).flatMap((e) => (e.b ? [{ nlq_id: e.nlq_id, pair: e.b }] : []))} />
      <PairExamples title="Removed" pairs={(ex.removed ?? []).flatMap((e) => (e.a ? [{ nlq_id: e.nlq_id, pair: e.a }] : []))} />
      {(ex.changed ?? []).length > 0 && (
        <section aria-label="Changed pairs">
          <h3 className="card-subtitle">Changed</h3>
          {(ex.changed ?? []).map(({ nlq_id, a, b }) =>
            a && b ? (
              <div key={nlq_id} className="json-diff">
                <div>
                  <p className="small">A: {a.question}</p>
                  <SqlCode sql={a.sql} />
                </div>
                <div>
                  <p className="small">B: {b.question}</p>
                  <SqlCode sql={b.sql} />
                </div>
              </div>
            ) : null,
          )}
        </section>
      )}
    </div>
  );
}

/** Pairs only one snapshot has: the question and its split. */
function PairExamples({ title, pairs }: { title: string; pairs: { nlq_id: number; pair: Pair }[] }) {
  if (pairs.length === 0) return null;
  return (
    <section aria-label={`${title} pairs`}>
      <h3 className="card-subtitle">{title}</h3>
      <ul className="plain-list">
        {pairs.map((e) => (
          <li key={e.nlq_id}>
            <span className="muted">#{e.nlq_id}</span> {e.pair.question} <Badge>{e.pair.split}</Badge>
          </li>
        ))}
      </ul>
    </section>
  );
}
