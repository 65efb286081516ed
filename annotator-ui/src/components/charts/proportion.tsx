// A figure's parts as one bar, and the arrow that says whether a figure went the right way.


export interface Part {
  key: string;
  label: string;
  value: number;
  /** The colour class (e.g. "chart-status-accepted"). */
  className: string;
}

/**
 * One horizontal bar split into parts by their share of the total (e.g. a stage's questions by
 * status); with `legend`, each part's colour, name and count below it, zeros included, so the bar
 * reads without hovering.
 */
export function ProportionBar({ label, parts, legend = false }: { label: string; parts: Part[]; legend?: boolean }) {
  const total = parts.reduce((s, p) => s + p.value, 0);
  const text = parts
    .filter((p) => p.value > 0)
    .map((p) => `${p.label} ${p.value}`)
    .join(', ');
  return (
    <>
      <div className="proportion" role="img" aria-label={`${label}: ${text || 'none'}`}>
        {parts
          .filter((p) => p.value > 0)
          .map((p) => (
            <span
              key={p.key}
              className={`proportion-part ${p.className}`}
              style={{ width: `${(p.value / total) * 100}%` }}
              title={`${p.label}: ${p.value} (${Math.round((p.value / total) * 100)}%)`}
            />
          ))}
      </div>
      {legend && (
        <ul className="chart-legend" aria-label={`${label}, legend`}>
          {parts.map((p) => (
            <li key={p.key}>
              <span className={`chart-swatch ${p.className}`} aria-hidden="true" />
              {p.label} {p.value.toLocaleString()}
            </li>
          ))}
        </ul>
      )}
    </>
  );
}

/**
 * A change from the previous value, as an arrow and a signed figure, coloured by whether it went the
 * way it should (`goodWhen`). `value` is the change itself (e.g. percentage points).
 */
export function Delta({
  value,
  unit,
  goodWhen,
  against,
}: {
  value: number | null;
  unit: string;
  goodWhen: 'up' | 'down';
  /** What it is compared with, for the accessible text: "v1". */
  against: string;
}) {
  if (value === null) return null;
  const rounded = Math.round(value * 10) / 10;
  if (rounded === 0) {
    return (
      <span className="delta delta-flat" title={`unchanged from ${against}`}>
        <span aria-hidden="true">→ 0 {unit}</span>
        <span className="visually-hidden">unchanged from {against}</span>
      </span>
    );
  }
  const up = rounded > 0;
  const good = up === (goodWhen === 'up');
  const figure = `${Math.abs(rounded).toFixed(Number.isInteger(rounded) ? 0 : 1)} ${unit}`;
  const words = `${up ? 'up' : 'down'} ${figure} from ${against} (${good ? 'better' : 'worse'})`;
  return (
    <span className={`delta ${good ? 'delta-good' : 'delta-bad'}`} title={words}>
      <span aria-hidden="true">
        {up ? '▲' : '▼'} {figure}
      </span>
      <span className="visually-hidden">{words}</span>
    </span>
  );
}
