// The arithmetic and wording the golden-set screens share: rates, differences in points, p-values,
// the test report's sentence and the best candidate per step.
import { type OptStep, type TestReport } from './optimizations';

/** A share as people read it: "42.9%", "100%". */
export function pct(x: number | null | undefined): string {
  if (x == null || !Number.isFinite(x)) return '—';
  const v = x * 100;
  return `${Number.isInteger(Math.round(v * 10) / 10) ? Math.round(v) : v.toFixed(1)}%`;
}

/** A signed difference in percentage points: "+14.3 pp", "−5 pp". */
export function pp(x: number): string {
  const v = Math.round(x * 1000) / 10;
  const s = Number.isInteger(v) ? String(Math.abs(v)) : Math.abs(v).toFixed(1);
  return `${v > 0 ? '+' : v < 0 ? '−' : '±'}${s} pp`;
}

export function formatP(p: number): string {
  if (!Number.isFinite(p)) return '—';
  if (p < 0.001) return '< 0.001';
  return p.toFixed(p < 0.01 ? 4 : 3);
}

/** Whether the test says the best prompt differs from the baseline, in a plain sentence. */
export function significanceSentence(t: TestReport): string {
  const diff = `${pp(t.difference)} (95% CI ${pp(t.ci_low)} to ${pp(t.ci_high)}, McNemar p = ${formatP(t.mcnemar_p)})`;
  if (t.n === 0) return 'The test split had no items, so nothing can be said about the difference.';
  if (t.mcnemar_p < 0.05) {
    return `The difference of ${diff} is significant at the 0.05 level: the ${t.difference > 0 ? 'best prompt does better' : 'baseline does better'} on the test split, beyond what chance would explain.`;
  }
  return `The difference of ${diff} is not significant at the 0.05 level: on these ${t.n} test items it could be chance.`;
}

/** The best score reached at each step, in step order (for the line chart). */
export function bestPerStep(steps: OptStep[]): OptStep[] {
  return [...steps].filter((s) => s.key !== 'zz-test' && s.candidates > 0).sort((a, b) => a.step - b.step);
}
