// A batch's model calls: usage figures and the calls newest first, a page at a time, each with its request
// and response on demand.
import { useQuery } from '@tanstack/react-query';
import { Fragment, useState } from 'react';
import { llmApi, type LlmCall } from '../../shared/api';
import { formatCount } from '../../components/ResultGrid';
import { Badge, Button, Card, DetailRow, Loading, QueryView, Stats, Table } from '../../components/ui';
import { formatCost, formatDuration, formatTokens } from '../../shared/format';
import { toggled } from '../../shared/toggle';
import { batchKeys } from './keys';
import './batches.css';

/** Calls on a page: the server's default page. */
const CALLS_PAGE = 100;

export function ModelCalls({ projectId, runId, live }: { projectId: string; runId: string; live: boolean }) {
  const [open, setOpen] = useState<Set<number>>(new Set());
  const [withBodies, setWithBodies] = useState(false);
  // The cursor of every page up to the one shown (0: the newest), for Previous; each next page is the
  // calls before the last one shown (keyset), so a batch's 50,000 calls are never read at once.
  const [cursors, setCursors] = useState<number[]>([0]);
  const before = cursors[cursors.length - 1];
  const calls = useQuery({
    queryKey: batchKeys.calls(projectId, runId, withBodies, before),
    queryFn: () => llmApi.listCalls(projectId, { run_kind: 'agent', run_id: runId, bodies: withBodies, before: before || undefined }),
    refetchInterval: live ? 5000 : false,
    placeholderData: (prev) => prev,
  });
  const toggle = (id: number) => {
    setWithBodies(true);
    setOpen((s) => toggled(s, id));
  };
  const u = calls.data?.usage;
  const list = calls.data?.calls ?? [];
  return (
    <Card title="Model calls" description="Every call to the language model this batch made, newest first.">
      <QueryView query={calls} loading="Loading model calls…">
        {() => (
          <>
            {u && (
              <Stats
                testId="call-usage"
                items={[
                  { label: 'Calls', value: formatCount(u.calls) },
                  { label: 'Cached', value: formatCount(u.cached_calls) },
                  { label: 'Failed', value: formatCount(u.failed_calls), danger: u.failed_calls > 0 },
                  { label: 'Tokens', value: formatTokens(u.prompt_tokens + u.completion_tokens) },
                  { label: 'Cost', value: formatCost(u.cost_usd) },
                ]}
              />
            )}
            {list.length === 0 ? (
              <p className="muted">No model calls yet.</p>
            ) : (
              <Table label="Model calls" className="table table-compact" columns={['Purpose', 'Model', { label: 'Tokens', num: true }, { label: 'Latency', num: true }, { label: 'Attempts', num: true }, 'Cached', 'Error', { hidden: 'Bodies' }]}>
                {list.map((c) => (
                  <Fragment key={c.id}>
                    <tr className={open.has(c.id) ? 'row-expanded' : undefined}>
                      <td>{c.purpose}</td>
                      <td className="mono small-mono">{c.model}</td>
                      <td className="cell-num" title={`${c.prompt_tokens} prompt + ${c.completion_tokens} completion`}>
                        {formatTokens(c.prompt_tokens + c.completion_tokens)}
                      </td>
                      <td className="cell-num nowrap">{formatDuration(c.latency_ms)}</td>
                      <td className="cell-num">{c.attempts}</td>
                      <td>{c.cached ? <Badge tone="info">cached</Badge> : <span className="muted">—</span>}</td>
                      <td className="clamp text-danger" title={c.error || undefined}>
                        {c.error}
                      </td>
                      <td className="cell-actions">
                        <Button
                          size="sm"
                          variant="ghost"
                          aria-expanded={open.has(c.id)}
                          aria-label={`${open.has(c.id) ? 'Hide' : 'Show'} request and response of call ${c.id}`}
                          onClick={() => toggle(c.id)}
                        >
                          {open.has(c.id) ? 'Hide' : 'JSON'}
                        </Button>
                      </td>
                    </tr>
                    {open.has(c.id) && (
                      <DetailRow columns={8}>
                        <CallBodies call={c} loading={!withBodies || calls.isPlaceholderData} />
                      </DetailRow>
                    )}
                  </Fragment>
                ))}
              </Table>
            )}
            {(cursors.length > 1 || list.length === CALLS_PAGE) && (
              <nav className="pager" aria-label="Pages of model calls">
                <span className="muted" data-testid="calls-range">
                  {formatCount((cursors.length - 1) * CALLS_PAGE + 1)}–{formatCount((cursors.length - 1) * CALLS_PAGE + list.length)}
                  {u ? ` of ${formatCount(u.calls)}` : ''}
                </span>
                <Button size="sm" disabled={cursors.length === 1} onClick={() => setCursors((c) => c.slice(0, -1))}>
                  ← Newer
                </Button>
                <Button
                  size="sm"
                  disabled={list.length < CALLS_PAGE || calls.isPlaceholderData}
                  onClick={() => setCursors((c) => [...c, list[list.length - 1].id])}
                >
                  Older →
                </Button>
              </nav>
            )}
          </>
        )}
      </QueryView>
    </Card>
  );
}

function CallBodies({ call, loading }: { call: LlmCall; loading: boolean }) {
  if (loading && call.request === undefined) return <Loading label="Loading the request and response…" />;
  return (
    <div className="json-diff">
      <figure className="json-block">
        <figcaption>Request</figcaption>
        {call.request !== undefined ? <pre>{JSON.stringify(call.request, null, 2)}</pre> : <p className="muted">Not kept.</p>}
      </figure>
      <figure className="json-block">
        <figcaption>Response</figcaption>
        {call.response !== undefined ? <pre>{JSON.stringify(call.response, null, 2)}</pre> : <p className="muted">Not kept.</p>}
      </figure>
    </div>
  );
}
