// A list of runs of one kind as a table: each row starts with the run's link, status and progress
// (RunCells), has the kind's own columns, and tells when the run started.
import { useQuery, type QueryKey } from '@tanstack/react-query';
import type { ReactNode } from 'react';
import type { PipelineRun } from '../../shared/api';
import { HeadCells, ListTable, WhenCell, type Column } from '../../components/ui';
import { formatCost, formatTokens } from '../../shared/format';
import { formatCount } from '../../components/ResultGrid';
import { runPath } from './name';
import { RunCells, RunHeadCells } from './RunTable';
import { whileLive } from './status';

/** A column of its own place: between a run's link and its status (its kind, its method), or after Started. */
interface Extra<T> {
  column: Column;
  cell: (item: T) => ReactNode;
}

/** A list of runs as it was fetched: the query, its items and the run of each (an item may be a run). */
export interface RunListData<T> {
  query: { isPending: boolean; isError: boolean; error: unknown; refetch: () => unknown };
  items: T[];
  runOf: (item: T) => PipelineRun;
}

/** Fetches a list of runs (`itemsOf` the data) and fetches it again every 2 s while one of them is live. */
export function useRunList<D, T>(
  queryKey: QueryKey,
  queryFn: () => Promise<D>,
  itemsOf: (data: D) => T[],
  runOf: (item: T) => PipelineRun,
): RunListData<T> {
  const query = useQuery({ queryKey, queryFn, refetchInterval: whileLive<D>((q) => (q.state.data ? itemsOf(q.state.data).map(runOf) : [])) });
  return { query, items: query.data ? itemsOf(query.data) : [], runOf };
}

export function RunList<T>({
  title,
  description,
  label,
  list: { query, items, runOf },
  projectId,
  rowLabel,
  between,
  columns,
  cells,
  startedAt = (r) => r.created_at,
  tail,
}: {
  /** The kind's plural ("Evaluations"), lower-cased for the count and the empty state. */
  title: string;
  description?: string;
  /** The run's noun in the header and its link ("Evaluation" → "Evaluation #3"). */
  label: string;
  list: RunListData<T>;
  /** The project whose runs they are: each row links to its run's page (runPath). */
  projectId: string;
  /** The noun of one row's link, when it depends on the run. */
  rowLabel?: (run: PipelineRun) => string;
  between?: Extra<T>;
  /** The kind's own columns, then the cells of one item. */
  columns: Column[];
  cells: (item: T) => ReactNode;
  startedAt?: (run: PipelineRun) => string;
  tail?: Extra<T>;
}) {
  return (
    <ListTable
      title={title}
      description={description}
      query={query}
      count={items.length}
      noun={title.toLowerCase()}
      head={
        <tr>
          <RunHeadCells label={label} between={between && <HeadCells columns={[between.column]} />} />
          <HeadCells columns={[...columns, 'Started', ...(tail ? [tail.column] : [])]} />
        </tr>
      }
    >
      {items.map((item) => {
        const r = runOf(item);
        return (
          <tr key={r.id}>
            <RunCells run={r} to={runPath(projectId, r)} label={rowLabel ? rowLabel(r) : label} between={between?.cell(item)} />
            {cells(item)}
            <WhenCell at={startedAt(r)} />
            {tail?.cell(item)}
          </tr>
        );
      })}
    </ListTable>
  );
}

/** A run's failed items, in red when there are any. */
export function FailedCell({ run: r }: { run: PipelineRun }) {
  return <td className="cell-num">{r.failed > 0 ? <span className="text-danger">{formatCount(r.failed)}</span> : 0}</td>;
}

/** A run's tokens and cost. */
export function UsageCells({ run: r }: { run: PipelineRun }) {
  return (
    <>
      <td className="cell-num">{formatTokens(r.prompt_tokens + r.completion_tokens)}</td>
      <td className="cell-num">{formatCost(r.cost_usd)}</td>
    </>
  );
}
