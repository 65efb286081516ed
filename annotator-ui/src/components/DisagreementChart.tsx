// The disagreement rate per cycle : one bar per guideline
// version, on the Dashboard and on the Metrics tab.
import { cycleName, formatRate, type Cycle } from '../features/dashboard/api';
import { BarChart } from './charts';

export function DisagreementChart({ cycles }: { cycles: Cycle[] }) {
  return (
    <BarChart
      title="Disagreement rate per cycle"
      tone="danger"
      max={1}
      format={formatRate}
      empty="Nothing compared yet."
      bars={cycles.map((c) => ({
        key: String(c.guideline_version),
        label: cycleName(c.guideline_version),
        value: c.compared ? c.disagreement_rate : null,
        detail: c.compared
          ? `${cycleName(c.guideline_version)}: ${formatRate(c.disagreement_rate)} (${c.disagreed} of ${c.compared} comparisons)`
          : `${cycleName(c.guideline_version)}: nothing compared`,
      }))}
    />
  );
}
