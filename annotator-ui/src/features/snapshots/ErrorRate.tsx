// A snapshot's measured error rate (docs/API.md, snapshot audits): the stratified estimate with its 95%
// interval, each stratum's interval, the breakdowns by source, annotator and database, the errors by
// type, how far reviewers got with the audits, and — for leads — the form that asks for an audit.
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { IntervalChart, ProportionBar } from '../../components/charts';
import { formatCount, plural } from '../../components/ResultGrid';
import { Alert, Button, Card, QueryView, Stats, Table, TextField } from '../../components/ui';
import { formatDateTime } from '../../shared/format';
import { bindValue, fieldErrors, formError, handleSubmit } from '../../shared/forms';
import { goldenApi, type ErrorBreakdown, type ErrorRate, type SnapshotAudit } from '../../shared/golden';
import { formatInterval, formatPercent } from '../../shared/interval';
import { errorTypeLabel } from '../../shared/loop';
import { snapshotKeys } from './keys';
// Its classes (the headline, the breakdowns): the Dashboard shows the error rate too, maybe first.
import '../../shared/golden.css';

const STRATA: Record<string, string> = {
  agreed: 'Agreed',
  reviewed: 'Reviewed',
  imported: 'Imported',
};

const SOURCES: Record<string, string> = { people: 'People', agent: 'Agent', import: 'Imported', generator: 'Generator', unknown: 'Unknown' };
const stratumLabel = (k: string) => STRATA[k] ?? (k ? k.replace(/_/g, ' ') : 'Other');

/** "3.3% wrong, 95% interval 0.9%–16.3%, from 60 audited of 480 pairs", or "not measured yet". */
export function errorRateSentence(e: ErrorRate): string {
  if (e.rate === null) return 'Not measured yet: no pair of this snapshot has been audited.';
  return `${formatPercent(e.rate)} wrong, ${formatInterval(e)}, from ${formatCount(e.audited)} audited of ${plural(e.pairs, 'pair')}`;
}

const REFRESH_MS = 10_000;

export function ErrorRateCard({ projectId, snapshotId, lead, who }: { projectId: string; snapshotId: number; lead: boolean; who: (id: number | null) => string }) {
  const q = useQuery({
    queryKey: snapshotKeys.errorRate(projectId, snapshotId),
    queryFn: () => goldenApi.errorRate(projectId, snapshotId),
    // While reviewers work an audit, its figures move.
    refetchInterval: (query) => {
      const queue = query.state.data?.queue;
      return queue && queue.pending + queue.claimed > 0 ? REFRESH_MS : false;
    },
  });
  return (
    <Card title="Error rate" description="How many of the snapshot’s pairs are wrong, measured by reviewers auditing a random sample of them (stratified by how each pair was accepted).">
      <QueryView query={q} loading="Loading the error rate…">
        {(data) => (
          <div className="stack">
            <p className={`error-rate-headline${data.error_rate.rate === null ? ' muted' : ''}`} data-testid="error-rate">
              {errorRateSentence(data.error_rate)}
            </p>
            <AuditProgress queue={data.queue} audits={data.audits} who={who} />
            {data.error_rate.audited > 0 && <ErrorRateDetails e={data.error_rate} />}
            {lead && <AuditForm projectId={projectId} snapshotId={snapshotId} />}
          </div>
        )}
      </QueryView>
    </Card>
  );
}

export function ErrorRateDetails({ e }: { e: ErrorRate }) {
  const types = Object.entries(e.by_error_type ?? {})
    .filter(([, n]) => n > 0)
    .sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]));
  return (
    <>
      <IntervalChart
        title="Error rate per stratum (95% intervals)"
        format={formatPercent}
        rows={(e.strata ?? []).map((s) => ({
          key: s.accepted_by,
          label: `${stratumLabel(s.accepted_by)} (${formatCount(s.pairs)})`,
          value: s.audited > 0 ? s.rate : null,
          low: s.low,
          high: s.high,
          detail:
            s.audited > 0
              ? `${stratumLabel(s.accepted_by)}: ${s.wrong} wrong of ${s.audited} audited, ${formatPercent(s.rate)} (${formatPercent(s.low)}–${formatPercent(s.high)}), ${plural(s.pairs, 'pair')}`
              : `${stratumLabel(s.accepted_by)}: not audited, ${plural(s.pairs, 'pair')}`,
        }))}
      />
      <p className="muted small">
        A stratum not audited yet counts as anywhere from 0% to 100% wrong in the overall interval: what is not measured is not assumed right.
      </p>
      <div className="breakdown-grid">
        <BreakdownTable title="By source of the gold SQL" head="Source" rows={e.by_source ?? []} label={(k) => SOURCES[k] ?? k} />
        <BreakdownTable title="By annotator" head="Annotator" rows={e.by_author ?? []} label={(k) => k} empty="No audited pair was written by a person." />
        <BreakdownTable title="By database" head="Database" rows={e.by_database ?? []} label={(k) => k} />
      </div>
      <div>
        <h3 className="card-subtitle">Errors by type</h3>
        {types.length === 0 ? (
          <p className="muted">No audited pair was wrong.</p>
        ) : (
          <span className="count-chips" data-testid="errors-by-type">
            {types.map(([t, n]) => (
              <span key={t} className="count-chip">
                {errorTypeLabel(t)} <strong>{n}</strong>
              </span>
            ))}
          </span>
        )}
      </div>
    </>
  );
}

function BreakdownTable({ title, head, rows, label, empty = 'Nothing audited.' }: { title: string; head: string; rows: ErrorBreakdown[]; label: (k: string) => string; empty?: string }) {
  return (
    <div>
      <h3 className="card-subtitle">{title}</h3>
      {rows.length === 0 ? (
        <p className="muted small">{empty}</p>
      ) : (
        <Table label={title} columns={[{ label: head }, { label: 'Wrong', num: true }, { label: 'Rate', num: true }, { label: '95% interval', num: true }]}>
          {rows.map((r) => (
            <tr key={r.key}>
              <th scope="row">{label(r.key)}</th>
              <td className="cell-num">
                {formatCount(r.wrong)} <span className="muted small">of {formatCount(r.audited)}</span>
              </td>
              <td className="cell-num">{formatPercent(r.rate)}</td>
              <td className="cell-num nowrap">
                {formatPercent(r.low)}–{formatPercent(r.high)}
              </td>
            </tr>
          ))}
        </Table>
      )}
    </div>
  );
}

function AuditProgress({ queue, audits, who }: { queue: { pending: number; claimed: number; resolved: number }; audits: SnapshotAudit[]; who: (id: number | null) => string }) {
  const total = queue.pending + queue.claimed + queue.resolved;
  if (audits.length === 0 && total === 0) return null;
  return (
    <div className="stack-sm" data-testid="audit-progress">
      <h3 className="card-subtitle">Audit progress</h3>
      <Stats
        label="Audit queue"
        items={[
          { label: 'Verdicts given', value: `${formatCount(queue.resolved)} of ${formatCount(total)}` },
          { label: 'Being reviewed', value: formatCount(queue.claimed) },
          { label: 'Waiting', value: formatCount(queue.pending) },
        ]}
      />
      {total > 0 && (
        <ProportionBar
          label={`Audit progress, ${queue.resolved} of ${total} done`}
          parts={[
            { key: 'resolved', label: 'Done', value: queue.resolved, className: 'chart-status-accepted' },
            { key: 'claimed', label: 'Being reviewed', value: queue.claimed, className: 'chart-status-needs_review' },
            { key: 'pending', label: 'Waiting', value: queue.pending, className: 'chart-status-new' },
          ]}
        />
      )}
      <ul className="plain-list small" aria-label="Audits">
        {audits.map((a) => (
          <li key={a.id}>
            Audit #{a.id}: at most {formatPercent(a.target_upper)} wrong asked{a.assumed_error > 0 ? `, planned for ${formatPercent(a.assumed_error)}` : ''} —{' '}
            {plural(a.sample_size, 'pair')} queued (seed {a.seed}), {formatDateTime(a.created_at)} by {who(a.created_by)}
          </li>
        ))}
      </ul>
    </div>
  );
}

/** A percentage field's value as a fraction, or null when it is not a number in (0, 100). */
export function percentToFraction(v: string): number | null {
  const n = Number(v.trim().replace(',', '.').replace(/%$/, ''));
  if (v.trim() === '' || !Number.isFinite(n) || n < 0 || n >= 100) return null;
  return n / 100;
}

function AuditForm({ projectId, snapshotId }: { projectId: string; snapshotId: number }) {
  const qc = useQueryClient();
  const [target, setTarget] = useState('2');
  const [assumed, setAssumed] = useState('');
  const [seed, setSeed] = useState('1');
  const [invalid, setInvalid] = useState<Record<string, string>>({});
  const start = useMutation({
    mutationFn: (body: Parameters<typeof goldenApi.startAudit>[2]) => goldenApi.startAudit(projectId, snapshotId, body),
    onSuccess: () => void qc.invalidateQueries({ queryKey: snapshotKeys.errorRate(projectId, snapshotId) }),
  });
  const submit = handleSubmit(() => {
    const t = percentToFraction(target);
    const a = assumed.trim() === '' ? undefined : percentToFraction(assumed);
    const bad: Record<string, string> = {};
    if (t === null || t === 0) bad.target_upper = 'A percentage above 0 and below 100.';
    if (a === null) bad.assumed_error = 'A percentage from 0 to below 100, or empty.';
    if (!Number.isInteger(Number(seed)) || seed.trim() === '') bad.seed = 'A whole number.';
    setInvalid(bad);
    if (Object.keys(bad).length) return;
    start.mutate({ target_upper: t!, seed: Number(seed), ...(a !== undefined ? { assumed_error: a! } : {}) });
  });
  const server = fieldErrors(start.error);
  const fields = { ...server, ...invalid };
  const other = formError(start.error, server);
  return (
    <form className="stack-sm audit-form" aria-label="Audit this snapshot" onSubmit={submit} noValidate>
      <h3 className="card-subtitle">Audit this snapshot</h3>
      <p className="muted small">
        Say how wrong the snapshot may be at most: the sample needed for the 95% interval’s upper bound to reach it (if the error rate is what you assume) is
        drawn at random, stratified, from the pairs not audited yet, and queued to reviewers who wrote none of it.
      </p>
      <div className="form-grid">
        <TextField label="Target upper bound (%)" {...bindValue(target, setTarget)} inputMode="decimal" error={fields.target_upper} required />
        <TextField
          label="Assumed error (%)"
          {...bindValue(assumed, setAssumed)}
          inputMode="decimal"
          placeholder="the current estimate"
          error={fields.assumed_error}
        />
        <TextField label="Seed" {...bindValue(seed, setSeed)} inputMode="numeric" error={fields.seed} />
      </div>
      {other && <Alert>{other}</Alert>}
      {start.data && (
        <Alert tone="success" title={`Audit #${start.data.id} queued`}>
          <span data-testid="audit-queued">
            {start.data.sample_size === 0
              ? 'No pair was queued: the audits already asked for reach this target, or every pair is queued.'
              : `${plural(start.data.sample_size, 'pair')} queued for review.`}
          </span>
        </Alert>
      )}
      <div className="toolbar">
        <Button type="submit" variant="primary" busy={start.isPending}>
          Audit this snapshot
        </Button>
      </div>
    </form>
  );
}
