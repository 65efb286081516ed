// The guideline cycles: the headline change in disagreement, the table and the charts.
import { StackedBarChart, type StackGroup } from '../../components/charts';
import { DisagreementChart } from '../../components/DisagreementChart';
import { formatCount } from '../../components/ResultGrid';
import { ButtonLink, Card, EmptyState } from '../../components/ui';
import { cycleName, disagreementInterval, formatRate, judgeChange, latestComparison, seriesKeys, type Cycle } from './api';
import { ChangeBadge, intervalText } from './Rates';
import { errorTypeLabel } from '../../shared/loop';
import { CyclesTable } from './CyclesTable';

export function CyclesCard({ projectId, cycles, lead }: { projectId: string; cycles: Cycle[]; lead: boolean }) {
  return (
    <Card
      title="Cycles"
      description="A cycle is a guideline version: what was annotated, compared and reviewed while it was the current one."
      actions={
        lead && cycles.some((c) => c.disagreed > 0) ? (
          <ButtonLink size="sm" to={`/projects/${projectId}/guidelines/propose`}>
            Propose guideline edits
          </ButtonLink>
        ) : null
      }
    >
      {cycles.length > 0 && <Headline cycles={cycles} />}
      {cycles.length === 0 ? (
        <EmptyState title="No cycles yet">
          Cycles start when people annotate questions the agent answered, or when a lead saves the first guidelines.
        </EmptyState>
      ) : (
        <CyclesTable projectId={projectId} cycles={cycles} />
      )}
    </Card>
  );
}

/** The one sentence a lead looks for: the disagreement rate now, and whether the last change lowered it. */
function Headline({ cycles }: { cycles: Cycle[] }) {
  const latest = latestComparison(cycles);
  if (!latest) {
    return (
      <p className="muted" data-testid="headline">
        No comparisons yet: they come when annotators submit SQL for questions the agent has answered.
      </p>
    );
  }
  const { current, previous } = latest;
  const change = previous ? judgeChange(disagreementInterval(previous), disagreementInterval(current), 'down') : null;
  const newest = cycles[cycles.length - 1];
  return (
    <div data-testid="headline">
      <p className="headline">
        <span>Disagreement in {cycleName(current.guideline_version)}</span>
        <span className="headline-figure">{formatRate(current.disagreement_rate)}</span>
        {previous && <ChangeBadge change={change} against={cycleName(previous.guideline_version)} />}
        <span className="muted small">
          {formatCount(current.disagreed)} of {formatCount(current.compared)} comparisons · {intervalText(disagreementInterval(current))}
          {previous && <> · {formatRate(previous.disagreement_rate)} in {cycleName(previous.guideline_version)}</>}
        </span>
      </p>
      {newest.guideline_version !== current.guideline_version && (
        <p className="muted small">
          {cycleName(newest.guideline_version)} is current and has no comparisons yet; its rate shows once people annotate under it.
        </p>
      )}
    </div>
  );
}

function stackGroups(cycles: Cycle[], pick: (c: Cycle) => Record<string, number>): StackGroup[] {
  return cycles.map((c) => ({ key: String(c.guideline_version), label: cycleName(c.guideline_version), values: pick(c) }));
}

export function CycleCharts({ projectId, cycles }: { projectId: string; cycles: Cycle[] }) {
  if (cycles.length === 0) return null;
  const errorTypes = seriesKeys(cycles, (c) => c.by_error_type).map((k) => ({ key: k, label: errorTypeLabel(k) }));
  const rules = seriesKeys(cycles, (c) => c.by_rule).map((k) => ({ key: k, label: k }));
  return (
    <Card
      title="Trends"
      description="Each bar is a cycle, oldest on the left."
      actions={
        <ButtonLink variant="ghost" size="sm" to={`/projects/${projectId}/metrics`}>
          Dataset metrics
        </ButtonLink>
      }
    >
      <div className="chart-grid">
        <DisagreementChart cycles={cycles} />
        <StackedBarChart
          title="Decisions by error type"
          groups={stackGroups(cycles, (c) => c.by_error_type)}
          series={errorTypes}
          empty="No review decisions yet."
        />
        <StackedBarChart title="Cited rules" groups={stackGroups(cycles, (c) => c.by_rule)} series={rules} empty="No rule cited yet." />
      </div>
    </Card>
  );
}
