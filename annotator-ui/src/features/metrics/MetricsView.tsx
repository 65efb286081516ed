// One computation's figures: the per-stage table and charts, and each set's details.
import { useState, type ReactNode } from 'react';
import { StageTable } from './MetricsReport';
import { SetDetails } from './SetDetails';
import { CoverageHeatMap, StageCharts } from './StageCharts';
import { formatCount } from '../../components/ResultGrid';
import { Alert, Card, FilterSelect } from '../../components/ui';
import { type MetricResult, type MetricRun } from './api';
import { describeEmbedding } from './computations';
import { stageName, stageRows } from './stages';
import { type Computation } from './useComputation';
import { ComputeStatus, RunFacts } from './ComputeControls';

type SetKey = string; // `${position}:${cumulative}`
const setKey = (r: Pick<MetricResult, 'position' | 'cumulative'>): SetKey => `${r.position}:${r.cumulative ? 'c' : 's'}`;

export function MetricsView({
  projectId,
  run,
  controls,
  computation,
  lead,
}: {
  projectId: string;
  run: MetricRun;
  controls: ReactNode;
  computation: Computation;
  lead: boolean;
}) {
  const results = run.results ?? [];
  const hasCumulative = results.some((r) => r.cumulative);
  const [cumulative, setCumulative] = useState(true);
  const showCumulative = cumulative && hasCumulative;
  const rows = stageRows(results, showCumulative);
  const heatRows = hasCumulative ? stageRows(results, true) : rows;
  const sets = [...results].sort((a, b) => a.position - b.position || Number(b.cumulative) - Number(a.cumulative));
  const defaultSet = sets.filter((r) => r.cumulative).pop() ?? sets[sets.length - 1];
  const [chosen, setChosen] = useState<SetKey | null>(null);
  const selected = sets.find((r) => setKey(r) === chosen) ?? defaultSet;
  const lexical = describeEmbedding(run.embedding).lexical;

  return (
    <>
      <Card
        title="Dataset metrics"
        description="Diversity and complexity per stage. Each question counts with its accepted SQL, else its best candidate that ran; rejected questions are left out."
        actions={controls}
      >
        <div className="stack">
          <ComputeStatus computation={computation} shown={run} />
          <RunFacts run={run} />
          {lexical && (
            <Alert tone="warning" title="Similarity from the lexical fallback">
              The cosine figures and near-duplicates compare spelling (hashed character n-grams), not meaning: this is not a semantic embedding
              model.{lead ? ' For semantic figures, have an admin set an embeddings model (Settings → Language model), then recompute.' : ''}
            </Alert>
          )}
        </div>
      </Card>
      <Card
        title="Per stage"
        description={
          showCumulative
            ? 'Each row is the dataset up to and including that stage; changes are against the first stage.'
            : "Each row is one stage's own questions; changes are against the first stage."
        }
        actions={
          hasCumulative ? (
            <div className="segmented" role="group" aria-label="Rows">
              <button type="button" aria-pressed={showCumulative} onClick={() => setCumulative(true)}>
                Up to each stage
              </button>
              <button type="button" aria-pressed={!showCumulative} onClick={() => setCumulative(false)}>
                Each stage alone
              </button>
            </div>
          ) : null
        }
      >
        {run.stage !== null && <p className="muted small">This computation measured stage {stageName(run.stage)} alone.</p>}
        {rows.length === 0 ? <p className="muted">No questions were measured.</p> : <StageTable rows={rows} />}
      </Card>
      {rows.length > 0 && (
        <Card title="Across stages" description={showCumulative ? 'The dataset up to each stage.' : "Each stage's own questions."}>
          <div className="stack">
            <StageCharts rows={rows} />
          </div>
        </Card>
      )}
      {heatRows.length > 0 && (
        <Card title="Coverage over tables" description="How many queries use each table, in the dataset up to each stage (colour on a log scale).">
          <CoverageHeatMap rows={heatRows} />
        </Card>
      )}
      {selected && (
        <section className="stack" aria-labelledby="metrics-details">
          <div className="details-bar">
            <h2 className="card-title" id="metrics-details">
              Details
            </h2>
            <FilterSelect label="Questions" value={setKey(selected)} onChange={setChosen}>
              {sets.map((r) => (
                <option key={setKey(r)} value={setKey(r)}>
                  {r.cumulative ? `Up to ${stageName(r.stage)}` : `${stageName(r.stage)} alone`} ({formatCount(r.nlqs)})
                </option>
              ))}
            </FilterSelect>
          </div>
          <SetDetails projectId={projectId} report={selected.report} />
        </section>
      )}
    </>
  );
}
