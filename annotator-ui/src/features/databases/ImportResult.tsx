// The databases an import could not import. A multi-database import (a Spider zip, a zip of SQLite
// files) imports each database on its own: the answer is the summary with `failed` beside the
// imported ones (201), or an `import_failed` error naming them when none could be (422).
import { ApiError, type ImportSummary } from '../../shared/api';
import { plural } from '../../components/ResultGrid';
import { Alert } from '../../components/ui';

export interface ImportFailure {
  name: string;
  reason: string;
}

type WithFailures = ImportSummary & { failed?: ImportFailure[] | null };

function isFailure(v: unknown): v is ImportFailure {
  return typeof v === 'object' && v !== null && typeof (v as ImportFailure).name === 'string' && typeof (v as ImportFailure).reason === 'string';
}

/** The failed databases of an import's summary, or of its import_failed error. */
export function importFailures(result: unknown): ImportFailure[] {
  if (result instanceof ApiError) {
    const failed = result.code === 'import_failed' ? result.details.failed : undefined;
    return Array.isArray(failed) ? failed.filter(isFailure) : [];
  }
  if (typeof result === 'object' && result !== null && 'databases' in result) {
    return ((result as WithFailures).failed ?? []).filter(isFailure);
  }
  return [];
}

/** What the toast says once an import is done: the questions or databases imported, and the failures. */
export function importToast(summary: ImportSummary): string {
  const done = summary.questions
    ? `Imported ${plural(summary.questions.imported, 'question')}`
    : `Imported ${plural(summary.databases?.length ?? 0, 'database')}`;
  const failed = importFailures(summary).length;
  return failed > 0 ? `${done}; ${plural(failed, 'database')} could not be imported` : done;
}

/**
 * The databases that were not imported, each with its reason, and what to do: fix them and import
 * the same files again, which imports only what is missing. Nothing when every database was imported.
 */
export function ImportFailures({ result }: { result: unknown }) {
  const failures = importFailures(result);
  if (failures.length === 0) return null;
  const summary = result instanceof ApiError ? null : (result as WithFailures);
  const imported = summary?.databases?.length ?? 0;
  const skipped = summary?.questions?.skipped ?? 0;
  const title =
    imported > 0
      ? `${failures.length} of ${plural(failures.length + imported, 'database')} could not be imported`
      : failures.length === 1
        ? 'The database could not be imported'
        : `None of the ${plural(failures.length, 'database')} could be imported`;
  return (
    <div data-testid="import-failures">
      <Alert title={title}>
        <ul className="import-failures">
          {failures.map((f) => (
            <li key={f.name}>
              <strong>{f.name}</strong>: <span className="prewrap">{f.reason}</span>
            </li>
          ))}
        </ul>
        <p>
          {skipped > 0 && `Their ${plural(skipped, 'question')} ${skipped === 1 ? 'was' : 'were'} not imported. `}
          Fix these files and import the same files again: databases already imported are skipped.
        </p>
      </Alert>
    </div>
  );
}
