// The last step of an optimization: the baseline and the best prompt on the same test items, their
// contingency table and whether the difference is significant (McNemar).
import { plural } from '../../components/ResultGrid';
import { Alert, Card, Stats } from '../../components/ui';
import { formatP, pct, pp, significanceSentence, type TestReport } from '../../shared/golden';

export function TestReportCard({ t }: { t: TestReport }) {
  const significant = t.n > 0 && t.mcnemar_p < 0.05;
  return (
    <Card title="Test report" description={`The baseline and the best prompt on the same ${plural(t.n, 'test item')}.`}>
      <div className="stack" data-testid="test-report">
        <Stats
          items={[
            { label: 'Baseline accuracy', value: `${pct(t.baseline_accuracy)}`, note: `(${t.baseline_correct}/${t.n})` },
            { label: 'Best prompt accuracy', value: `${pct(t.best_accuracy)}`, note: `(${t.best_correct}/${t.n})` },
            { label: 'Difference', value: pp(t.difference), note: `95% CI ${pp(t.ci_low)} to ${pp(t.ci_high)}` },
            { label: 'McNemar p', value: formatP(t.mcnemar_p) },
          ]}
        />
        <table className="table table-compact contingency" aria-label="Items right and wrong">
          <thead>
            <tr>
              <th scope="col" />
              <th scope="col">Best prompt right</th>
              <th scope="col">Best prompt wrong</th>
            </tr>
          </thead>
          <tbody>
            <tr>
              <th scope="row">Baseline right</th>
              <td data-testid="both-correct">{t.both_correct} (both)</td>
              <td data-testid="only-baseline">{t.only_baseline} (only baseline)</td>
            </tr>
            <tr>
              <th scope="row">Baseline wrong</th>
              <td data-testid="only-best">{t.only_best} (only best)</td>
              <td data-testid="both-wrong">{t.both_wrong} (neither)</td>
            </tr>
          </tbody>
        </table>
        <Alert tone={significant ? 'success' : 'info'}>
          <span className="test-report-sentence" data-testid="significance">
            {significanceSentence(t)}
          </span>
        </Alert>
      </div>
    </Card>
  );
}
