// Project → Databases: the project's target databases, and for leads the import of databases and questions.
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useId, useRef, useState } from 'react';
import { Link } from 'react-router';
import { api, ApiError, type Database, type ImportKind, type UploadProgress } from '../../shared/api';
import { formatCount } from '../../components/ResultGrid';
import { Alert, Badge, Button, Card, EmptyState, QueryView, SelectField, Table, TextField, useToast, WhenCell } from '../../components/ui';
import { bindValue, formError, handleSubmit } from '../../shared/forms';
import { canImport } from '../../shared/nav';
import { useProject } from '../projects/ProjectPage';
import { databaseKeys } from './keys';
import { questionKeys } from '../questions/keys';
import { ImportFailures, importToast } from './ImportResult';
import { IMPORT_KINDS } from './importKinds';
import { ImportSummaryView } from './ImportSummaryView';
import { formatBytes, UploadProgressBar } from './UploadProgressBar';

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
        <QueryView query={databases} loading="Loading databases…">
          {(data) =>
            data.databases.length === 0 ? (
              <EmptyState title="No databases yet">
                {lead
                  ? 'Import CSV files, a SQLite file or a dataset with the panel above.'
                  : 'A project lead imports the databases; they will be listed here.'}
              </EmptyState>
            ) : (
              <DatabaseTable projectId={projectId} databases={data.databases} />
            )
          }
        </QueryView>
      </Card>
    </div>
  );
}

function DatabaseTable({ projectId, databases }: { projectId: string; databases: Database[] }) {
  return (
    <Table columns={['Name', 'Kind', 'Version', { label: 'Tables', num: true }, { label: 'Rows', num: true }, 'Imported']}>
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
          <WhenCell at={d.created_at} />
        </tr>
      ))}
    </Table>
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

  const submit = handleSubmit(() => {
    if (files.length === 0 || upload.isPending) return;
    upload.mutate();
  });

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
              {...bindValue(name, setName)}
              error={fields.name}
              hint="Defaults to the file name. Importing an existing name makes a new version."
              disabled={upload.isPending}
            />
          )}
          {kind === 'questions' && (
            <SelectField
              label="Target database"
              name="target-database"
              {...bindValue(target, setTarget)}
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
