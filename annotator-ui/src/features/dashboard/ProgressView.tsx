// A lead's view of the project's progress: the queues, the questions by stage and status, and each
// annotator's work and agreement.
import { Legend, ProportionBar } from '../../components/charts';
import { formatCount } from '../../components/ResultGrid';
import { Card, Stats, Table } from '../../components/ui';
import { formatRate, type Progress } from './api';
import { wilson } from '../../shared/interval';
import { IntervalNote } from './Rates';
import { formatDuration } from '../../shared/format';
import { STATUS_LABELS, statusLabel } from '../../shared/nlqs';

const STATUS_ORDER = Object.keys(STATUS_LABELS);

function statusParts(byStatus: Record<string, number>) {
  const keys = [...STATUS_ORDER, ...Object.keys(byStatus).filter((k) => !STATUS_ORDER.includes(k))];
  return keys.map((k) => ({
    key: k,
    label: statusLabel(k),
    value: byStatus[k] ?? 0,
    className: STATUS_ORDER.includes(k) ? `chart-status-${k}` : 'chart-status-other',
  }));
}

function Agreement({ rate, agreed, compared, none }: { rate: number | null; agreed: number; compared: number; none: string }) {
  if (rate === null) {
    return (
      <span className="muted" title={none}>
        —
      </span>
    );
  }
  return (
    <>
      {formatRate(rate)}{' '}
      <span className="muted small">
        ({agreed}/{compared})
      </span>
      <IntervalNote interval={wilson(agreed, compared)} />
    </>
  );
}

export function ProgressView({ progress }: { progress: Progress }) {
  const { queues, stages, annotators } = progress;
  const statuses = Object.keys(STATUS_LABELS).map((k) => ({ key: k, label: STATUS_LABELS[k] }));
  return (
    <>
      <Card title="Queues" description="What waits for people now. Claimed items are being worked on under a lease.">
        <Stats
          testId="queues"
          label="Queues"
          items={[
            { label: 'To annotate', value: formatCount(queues.annotation_pending) },
            { label: 'Being annotated', value: formatCount(queues.annotation_claimed) },
            { label: 'To review', value: formatCount(queues.review_pending) },
            { label: 'Being reviewed', value: formatCount(queues.review_claimed) },
          ]}
        />
      </Card>
      <Card title="Questions by stage">
        {stages.length === 0 ? (
          <p className="muted">No questions yet.</p>
        ) : (
          <>
            <ul className="stage-list" aria-label="Stages">
              {stages.map((s) => (
                <li key={s.stage} className="stage-row">
                  <span className="stage-name" title={s.stage}>
                    {s.stage}
                  </span>
                  <ProportionBar label={`${s.stage}, ${s.nlqs} questions`} parts={statusParts(s.by_status)} />
                  <span className="muted small nowrap">{formatCount(s.nlqs)} questions</span>
                </li>
              ))}
            </ul>
            <Legend series={statuses} classFor={(s) => `chart-status-${s.key}`} />
          </>
        )}
      </Card>
      <Card title="Annotators" description="Agreement is by execution match: with the agent's SQL, and with the SQL other annotators wrote for the same questions.">
        {annotators.length === 0 ? (
          <p className="muted">Nobody has annotated yet.</p>
        ) : (
          <Table label="Annotators" columns={['Annotator', { label: 'Done', num: true }, { label: 'Skipped', num: true }, { label: 'Pending', num: true, title: 'Items claimed now and not yet submitted' }, { label: 'Agreement with agent', num: true }, { label: 'Agreement with others', num: true }, { label: 'Median time per item', num: true }]}>
            {annotators.map((a) => (
              <tr key={a.user_id}>
                <th scope="row">{a.email}</th>
                <td className="cell-num">{formatCount(a.annotated)}</td>
                <td className="cell-num">{formatCount(a.skipped)}</td>
                <td className="cell-num">{formatCount(a.pending)}</td>
                <td className="cell-num">
                  <Agreement rate={a.agreement_with_agent} agreed={a.agreed_with_agent} compared={a.compared} none="None of their submissions was compared with the agent yet" />
                </td>
                <td className="cell-num">
                  <Agreement
                    rate={a.agreement_with_people ?? null}
                    agreed={a.agreed_with_people ?? 0}
                    compared={a.compared_with_people ?? 0}
                    none="None of their submissions was compared with another annotator's yet"
                  />
                </td>
                <td className="cell-num">{a.median_seconds === null ? <span className="muted">—</span> : formatDuration(a.median_seconds * 1000)}</td>
              </tr>
            ))}
          </Table>
        )}
      </Card>
    </>
  );
}
