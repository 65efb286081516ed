// Project → Databases: the project's target databases, and for leads the import of databases and questions.
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useId, useRef, useState, type FormEvent } from 'react';
import { Link } from 'react-router';
import { api, ApiError, type Database, type ImportKind, type ImportSummary, type UploadProgress } from '../../shared/api';
import { formatCount, plural } from '../../components/ResultGrid';
import { Alert, Badge, Button, Card, EmptyState, ErrorState, Loading, SelectField, TextField, useToast } from '../../components/ui';
import { formatDateTime, formatRelative } from '../../shared/format';
import { formError } from '../../shared/forms';
import { canImport } from '../../shared/nav';
import { useProject } from '../projects/ProjectPage';
import { databaseKeys } from './keys';
import { DescriptionsSummary } from './DescriptionsSummary';
import { questionKeys } from '../questions/keys';
import { ImportFailures, importToast } from './ImportResult';

interface KindInfo {
  label: string;
  accept: string;
  multiple: boolean;
  describe: string;
  named: boolean;
}

export const IMPORT_KINDS: Record<ImportKind, KindInfo> = {
  csv: {
    label: 'CSV / TSV files',
    accept: '.csv,.tsv,.txt,.zip',
    multiple: true,
    named: true,
    describe:
      'One table per file, or per file inside a zip. The first row is the header: column names are cleaned to ' +
      'snake_case and the original header is kept. Types are inferred (numbers such as 12,467, dates); empty cells become NULL.',
  },
  sqlite: {
    label: 'SQLite file',
    accept: '.sqlite,.sqlite3,.db,.zip',
    multiple: false,
    named: true,
    describe: 'One SQLite database file, or a zip of them (one database each, named after its file). Every table is copied with its primary and foreign keys.',
  },
  spider: {
    label: 'Spider dataset (zip)',
    accept: '.zip',
    multiple: false,
    named: false,
    describe:
      'A zip of a Spider folder: dev.json, tables.json and database/<db_id>/<db_id>.sqlite. Every database the ' +
      'questions use is imported; each gold query is translated from SQLite to PostgreSQL and checked by running both.',
  },
  bird: {
    label: 'BIRD dataset (zip)',
    accept: '.zip',
    multiple: false,
    named: false,
    describe:
      'A zip of a BIRD folder: dev.json (or train.json), dev_databases/<db>/<db>.sqlite and each database’s ' +
      'database_description/*.csv. Questions keep their evidence and difficulty, columns their descriptions; each gold ' +
      'query is translated from SQLite to PostgreSQL and checked by running both.',
  },
  wtq: {
    label: 'WikiTableQuestions (zip)',
    accept: '.zip',
    multiple: false,
    named: false,
    describe:
      'A zip with csv/<folder>/*.csv and questions.tsv, or the official release zip as it is (csv/ and data/*.tsv). All tables become one database named “wtq”; each question ' +
      'keeps its answers and points at its table.',
  },
  questions: {
    label: 'Questions CSV',
    accept: '.csv',
    multiple: false,
    named: false,
    describe:
      'One CSV with a question column and optional sql and db columns. Questions without a db go to the target ' +
      'database chosen below; SQL that comes with them is run to check it.',
  },
};

export function ProjectDatabases() {
  const project = useProject();
  const projectId = String(project.id);
  const [allVersions, setAllVersions] = useState(false);
  const databases = useQuery({
    queryKey: databaseKeys.list(projectId, allVersions),
    queryFn: () => api.listDatabases(projectId, allVersions),
  });
  const lead = canImport(project.my_role);

  return (
    <div className="stack">
      {lead && <ImportPanel projectId={projectId} />}
      <Card
        title="Databases"
        description="The target databases questions are written against. Open one to browse its schema and run SQL."
        actions={
          <label className="checkbox small-toggle">
            <input type="checkbox" checked={allVersions} onChange={(e) => setAllVersions(e.target.checked)} />
            Show all versions
          </label>
        }
      >
        {databases.isPending ? (
          <Loading label="Loading databases…" />
        ) : databases.isError ? (
          <ErrorState error={databases.error} onRetry={() => databases.refetch()} />
        ) : databases.data.databases.length === 0 ? (
          <EmptyState title="No databases yet">
            {lead
              ? 'Import CSV files, a SQLite file or a dataset with the panel above.'
              : 'A project lead imports the databases; they will be listed here.'}
          </EmptyState>
        ) : (
          <DatabaseTable projectId={projectId} databases={databases.data.databases} />
        )}
      </Card>
    </div>
  );
}

function DatabaseTable({ projectId, databases }: { projectId: string; databases: Database[] }) {
  return (
    <div className="table-wrap flush">
      <table className="table">
        <thead>
          <tr>
            <th scope="col">Name</th>
            <th scope="col">Kind</th>
            <th scope="col">Version</th>
            <th scope="col" className="cell-num">
              Tables
            </th>
            <th scope="col" className="cell-num">
              Rows
            </th>
            <th scope="col">Imported</th>
          </tr>
        </thead>
        <tbody>
          {databases.map((d) => (
            <tr key={d.id} className={d.latest ? undefined : 'row-muted'}>
              <td>
                <Link className="strong-link" to={`/projects/${projectId}/databases/${d.id}`}>
                  {d.name}
                </Link>
                {!d.latest && (
                  <span className="inline-badge">
                    <Badge>superseded</Badge>
                  </span>
                )}
              </td>
              <td>
                <Badge tone="info">{d.kind.toUpperCase()}</Badge>
              </td>
              <td className="nowrap">v{d.version}</td>
              <td className="cell-num">{formatCount(d.table_count)}</td>
              <td className="cell-num">{formatCount(d.row_count)}</td>
              <td className="nowrap muted" title={formatDateTime(d.created_at)}>
                {formatRelative(d.created_at)}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

function ImportPanel({ projectId }: { projectId: string }) {
  const qc = useQueryClient();
  const toast = useToast();
  const fileId = useId();
  const fileInput = useRef<HTMLInputElement>(null);
  const [kind, setKind] = useState<ImportKind>('csv');
  const [name, setName] = useState('');
  const [target, setTarget] = useState('');
  const [files, setFiles] = useState<File[]>([]);
  const [progress, setProgress] = useState<UploadProgress | null>(null);
  const info = IMPORT_KINDS[kind];

  // Questions go into a database that exists already.
  const databases = useQuery({
    queryKey: databaseKeys.list(projectId, false),
    queryFn: () => api.listDatabases(projectId, false),
    enabled: kind === 'questions',
  });

  const upload = useMutation({
    mutationFn: () =>
      api.importFiles(
        projectId,
        {
          kind,
          files,
          name: info.named ? name.trim() || undefined : undefined,
          database: kind === 'questions' ? target || undefined : undefined,
        },
        setProgress,
      ),
    onSuccess: (summary) => {
      void qc.invalidateQueries({ queryKey: databaseKeys.all(projectId) });
      void qc.invalidateQueries({ queryKey: questionKeys.all(projectId) });
      void qc.invalidateQueries({ queryKey: questionKeys.translationReport(projectId) });
      toast(importToast(summary));
    },
    onSettled: () => setProgress(null),
  });

  const fields = upload.error instanceof ApiError ? upload.error.fields : {};
  const fileError = fields.files ?? fields.dataset ?? (upload.error instanceof ApiError && upload.error.status === 413 ? 'The upload is larger than the 512 MiB the server accepts.' : undefined);
  // Field errors without a field of their own on this form (kind, say) still need to be seen.
  const shown = new Set(['files', 'dataset', 'name', 'database']);
  const others = Object.entries(fields).filter(([k]) => !shown.has(k));
  const general = fileError
    ? null
    : others.length > 0
      ? others.map(([k, m]) => `${k}: ${m}`).join('; ')
      : formError(upload.error, fields);

  const reset = () => {
    upload.reset();
    setFiles([]);
    setName('');
    if (fileInput.current) fileInput.current.value = '';
  };

  const submit = (e: FormEvent) => {
    e.preventDefault();
    if (files.length === 0 || upload.isPending) return;
    upload.mutate();
  };

  if (upload.data) {
    return (
      <Card
        title="Import finished"
        actions={
          <Button size="sm" variant="primary" onClick={reset}>
            Import more
          </Button>
        }
      >
        <ImportFailures result={upload.data} />
        <ImportSummaryView projectId={projectId} summary={upload.data} />
      </Card>
    );
  }

  return (
    <Card title="Import" description="Add databases and seed questions to this project. Each import of a name makes a new version.">
      <form className="form" onSubmit={submit} noValidate aria-label="Import">
        <fieldset className="kind-picker" disabled={upload.isPending}>
          <legend>What are you importing?</legend>
          {(Object.keys(IMPORT_KINDS) as ImportKind[]).map((k) => (
            <label key={k} className={`kind-option${k === kind ? ' kind-option-active' : ''}`}>
              <input
                type="radio"
                name="import-kind"
                value={k}
                checked={k === kind}
                onChange={() => {
                  setKind(k);
                  setFiles([]);
                  upload.reset();
                  if (fileInput.current) fileInput.current.value = '';
                }}
              />
              {IMPORT_KINDS[k].label}
            </label>
          ))}
        </fieldset>
        <p className="kind-description" data-testid="kind-description">
          {info.describe}
        </p>
        <div className="import-fields">
          <div className={`field${fileError ? ' field-invalid' : ''}`}>
            <label htmlFor={fileId}>{info.multiple ? 'Files' : 'File'}</label>
            <input
              id={fileId}
              ref={fileInput}
              type="file"
              className="input file-input"
              name="files"
              accept={info.accept}
              multiple={info.multiple}
              disabled={upload.isPending}
              aria-invalid={fileError ? true : undefined}
              aria-describedby={fileError ? `${fileId}-error` : undefined}
              onChange={(e) => {
                setFiles(Array.from(e.target.files ?? []));
                upload.reset();
              }}
            />
            {fileError && (
              <p className="field-error prewrap" id={`${fileId}-error`} role="alert">
                {fileError}
              </p>
            )}
          </div>
          {info.named && (
            <TextField
              label="Database name (optional)"
              name="database-name"
              value={name}
              onChange={(e) => setName(e.target.value)}
              error={fields.name}
              hint="Defaults to the file name. Importing an existing name makes a new version."
              disabled={upload.isPending}
            />
          )}
          {kind === 'questions' && (
            <SelectField
              label="Target database"
              name="target-database"
              value={target}
              onChange={(e) => setTarget(e.target.value)}
              error={fields.database}
              disabled={upload.isPending}
              hint={databases.data?.databases.length === 0 ? 'Import a database first.' : undefined}
            >
              <option value="">From the db column of the file</option>
              {(databases.data?.databases ?? []).map((d) => (
                <option key={d.id} value={d.name}>
                  {d.name}
                </option>
              ))}
            </SelectField>
          )}
        </div>
        {general && (upload.error instanceof ApiError && upload.error.code === 'import_failed' ? <ImportFailures result={upload.error} /> : <Alert>{general}</Alert>)}
        {progress && <UploadProgressBar progress={progress} />}
        <div className="form-actions form-actions-start">
          <Button type="submit" variant="primary" busy={upload.isPending} disabled={files.length === 0}>
            {upload.isPending ? 'Importing…' : 'Import'}
          </Button>
          {files.length > 0 && !upload.isPending && (
            <span className="muted small-inline">
              {files.length === 1 ? files[0].name : `${files.length} files`} · {formatBytes(files.reduce((s, f) => s + f.size, 0))}
            </span>
          )}
        </div>
      </form>
    </Card>
  );
}

export function formatBytes(n: number): string {
  if (n < 1024) return `${n} B`;
  if (n < 1024 * 1024) return `${(n / 1024).toFixed(1)} KB`;
  if (n < 1024 ** 3) return `${(n / 1024 / 1024).toFixed(1)} MB`;
  return `${(n / 1024 ** 3).toFixed(2)} GB`;
}

function UploadProgressBar({ progress }: { progress: UploadProgress }) {
  if (progress.phase === 'processing') {
    return (
      <div className="upload-progress" data-testid="upload-progress">
        <div className="progress progress-indeterminate" role="progressbar" aria-label="Importing" aria-busy="true">
          <span />
        </div>
        <span className="muted">Uploaded. Importing… large datasets take a minute.</span>
      </div>
    );
  }
  const pct = progress.total ? Math.min(100, Math.round((progress.loaded / progress.total) * 100)) : null;
  return (
    <div className="upload-progress" data-testid="upload-progress">
      <div
        className={`progress${pct === null ? ' progress-indeterminate' : ''}`}
        role="progressbar"
        aria-label="Uploading"
        aria-valuemin={0}
        aria-valuemax={100}
        aria-valuenow={pct ?? undefined}
      >
        <span style={pct === null ? undefined : { width: `${pct}%` }} />
      </div>
      <span className="muted">
        Uploading {pct === null ? formatBytes(progress.loaded) : `${pct}%`}
        {progress.total ? ` of ${formatBytes(progress.total)}` : ''}
      </span>
    </div>
  );
}

function percent(rate: number): string {
  return `${(rate * 100).toFixed(1)}%`;
}

export function ImportSummaryView({ projectId, summary }: { projectId: string; summary: ImportSummary }) {
  const dbs = summary.databases ?? [];
  const q = summary.questions;
  const mismatches = q?.mismatches ?? [];
  return (
    <div className="import-summary" data-testid="import-summary">
      {q && (q.gold_translated ?? 0) > 0 && (
        <div className={`match-rate${(q.gold_match_rate ?? 0) >= 0.95 ? ' match-rate-good' : ''}`} data-testid="match-rate">
          <div className="match-rate-figure">{percent(q.gold_match_rate ?? 0)}</div>
          <div>
            <strong>
              {formatCount(q.gold_matched ?? 0)} of {formatCount(q.gold_translated ?? 0)} gold queries (
              {percent(q.gold_match_rate ?? 0)}) match after translation
            </strong>
            <div className="muted">
              Each gold query was translated from SQLite to PostgreSQL and both were run; the rest are marked needs review.
            </div>
          </div>
        </div>
      )}
      {q && (
        <p className="summary-line">
          {plural(q.total, 'question')} read: <strong>{formatCount(q.imported)}</strong> imported
          {q.existing > 0 && <>, {formatCount(q.existing)} already there (left as they were)</>}
          {(q.sql_failed ?? 0) > 0 && (
            <>
              , <span className="text-danger">{formatCount(q.sql_failed ?? 0)} with SQL that fails on PostgreSQL</span>
            </>
          )}
          .
        </p>
      )}
      <DescriptionsSummary summary={summary} />
      {dbs.length > 0 && (
        <div className="table-wrap flush">
          <table className="table">
            <thead>
              <tr>
                <th scope="col">Database</th>
                <th scope="col" className="cell-num">
                  Tables
                </th>
                <th scope="col" className="cell-num">
                  Rows
                </th>
                <th scope="col">Tables and warnings</th>
              </tr>
            </thead>
            <tbody>
              {dbs.map((d) => (
                <DatabaseSummaryRow key={d.database.id} projectId={projectId} entry={d} />
              ))}
            </tbody>
          </table>
        </div>
      )}
      {mismatches.length > 0 && (
        <details className="mismatches">
          <summary>
            {plural(mismatches.length, 'gold query', 'gold queries')} {mismatches.length === 1 ? 'does' : 'do'} not match
            after translation
          </summary>
          <div className="table-wrap flush">
            <table className="table">
              <thead>
                <tr>
                  <th scope="col">#</th>
                  <th scope="col">Database</th>
                  <th scope="col">Reason</th>
                </tr>
              </thead>
              <tbody>
                {mismatches.map((m) => (
                  <tr key={`${m.db_id}-${m.index}`}>
                    <td className="nowrap mono">{m.index}</td>
                    <td className="nowrap">{m.db_id}</td>
                    <td>
                      <div>{m.reason}</div>
                      <code className="mismatch-sql">{m.query}</code>
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        </details>
      )}
    </div>
  );
}

function DatabaseSummaryRow({
  projectId,
  entry,
}: {
  projectId: string;
  entry: NonNullable<ImportSummary['databases']>[number];
}) {
  const tables = entry.tables ?? entry.database.report?.tables ?? [];
  const warnings = tables.flatMap((t) => (t.warnings ?? []).map((w) => `${t.name}: ${w}`));
  return (
    <tr>
      <td>
        <Link className="strong-link" to={`/projects/${projectId}/databases/${entry.database.id}`}>
          {entry.database.name}
        </Link>{' '}
        <span className="muted">v{entry.database.version}</span>
        {entry.unchanged && (
          <span className="inline-badge">
            <Badge>unchanged, nothing new imported</Badge>
          </span>
        )}
      </td>
      <td className="cell-num">{formatCount(tables.length || entry.database.table_count)}</td>
      <td className="cell-num">{formatCount(entry.rows)}</td>
      <td>
        <details className="warnings">
          <summary>
            <span className="summary-tables-label">{plural(tables.length, 'table')}</span>{' '}
            {warnings.length === 0 ? (
              <span className="muted">· no warnings</span>
            ) : (
              <Badge tone="warning">{plural(warnings.length, 'warning')}</Badge>
            )}
          </summary>
          <ul className="summary-tables">
            {tables.map((t) => (
              <li key={t.name}>
                <span className="mono">{t.name}</span> <span className="muted">{plural(t.rows, 'row')}</span>
                {(t.warnings ?? []).length > 0 && (
                  <ul>
                    {(t.warnings ?? []).map((w, i) => (
                      <li key={i} className="warning-text">
                        {w}
                      </li>
                    ))}
                  </ul>
                )}
              </li>
            ))}
          </ul>
        </details>
      </td>
    </tr>
  );
}
