// Project → Snapshots (reviewers read, leads cut and download): immutable golden sets cut from the
// accepted pairs. The list with each manifest's summary, the "Cut a snapshot" form, two snapshots
// compared; one snapshot's manifest (split × database, hardness per split, leakage across splits,
// the guideline and database versions), its pairs split by split, a download link for every format ×
// split (a plain GET: the session cookie goes with it) and the exports made of it.
import { useInfiniteQuery, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useMemo, useState, type FormEvent } from 'react';
import { Link, useNavigate, useParams, useSearchParams } from 'react-router';
import { api, ApiError } from '../../shared/api';
import { StackedBarChart } from '../../components/charts';
import { formatCount, plural } from '../../components/ResultGrid';
import { SqlCode } from '../../components/SqlCode';
import { Alert, Badge, Button, Card, CopyButton, EmptyState, ErrorState, Loading, SelectField, Stats, TextField, useToast } from '../../components/ui';
import { formatDateTime, formatRelative } from '../../shared/format';
import { fieldErrors, formError } from '../../shared/forms';
import { EXPORT_FORMATS, EXPORT_SPLITS, exportUrl, goldenApi, HARDNESS, REVIEW_STATUSES, SPLITS, type ExportRecord, type Pair, type Snapshot, type SnapshotDiff, type SnapshotParams } from '../../shared/golden';
import { shortHash } from '../metrics/api';
import { canManageProject, canReadDashboard } from '../../shared/nav';
import { useSession } from '../../shared/session';
import { useProject } from '../projects/ProjectPage';
import '../../shared/golden.css';
import { databaseKeys } from '../databases/keys';
import { projectKeys } from '../projects/keys';
import { questionKeys } from '../questions/keys';
import { ErrorRateCard } from './ErrorRate';
import { snapshotKeys } from './keys';

const SPLIT_LABELS: Record<string, string> = { train: 'Train', val: 'Validation', test: 'Test', all: 'All' };
const HARDNESS_LABELS: Record<string, string> = { easy: 'Easy', medium: 'Medium', hard: 'Hard', extra: 'Extra hard' };

/** Who made something: "you", a lead sees emails, others "user #3". */
export function usePeople(projectId: string, lead: boolean) {
  const { user } = useSession();
  const members = useQuery({ queryKey: projectKeys.members(projectId), queryFn: () => api.listMembers(projectId), enabled: lead });
  const emails = useMemo(() => new Map((members.data?.members ?? []).map((m) => [m.user_id, m.email])), [members.data]);
  return (id: number | null) => (id === null ? 'the system' : id === user.id ? 'you' : (emails.get(id) ?? `user #${id}`));
}

function NotAllowed() {
  return (
    <Alert tone="warning" title="Snapshots are for reviewers and leads">
      Ask a lead of this project if you need to read its golden sets.
    </Alert>
  );
}

export function ProjectSnapshots() {
  const project = useProject();
  const projectId = String(project.id);
  const lead = canManageProject(project.my_role);
  if (!canReadDashboard(project.my_role)) return <NotAllowed />;
  return (
    <div className="stack">
      {lead && <CutSnapshot projectId={projectId} />}
      {lead && <AcceptImported projectId={projectId} />}
      <SnapshotList projectId={projectId} lead={lead} />
      <CompareSnapshots projectId={projectId} />
      {lead && <ExportHistory projectId={projectId} />}
    </div>
  );
}

// ---------- Cut a snapshot ----------

interface CutForm {
  name: string;
  stages: string;
  databases: number[];
  hardness: string[];
  review: string[];
  from: string;
  to: string;
  seed: string;
  train: string;
  val: string;
  test: string;
  byDatabase: boolean;
}

const EMPTY_CUT: CutForm = {
  name: '',
  stages: '',
  databases: [],
  hardness: [],
  review: [],
  from: '',
  to: '',
  seed: '0',
  train: '0.8',
  val: '0.1',
  test: '0.1',
  byDatabase: false,
};

/** The form as the API's body: filters only when set. */
export function snapshotParams(f: CutForm): SnapshotParams {
  const filters: SnapshotParams['filters'] = {};
  const stages = f.stages
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  if (stages.length) filters.stages = stages;
  if (f.databases.length) filters.database_ids = f.databases;
  if (f.hardness.length) filters.hardness = f.hardness;
  if (f.review.length) filters.review_status = f.review;
  if (f.from) filters.created_from = new Date(`${f.from}T00:00:00`).toISOString();
  if (f.to) filters.created_to = new Date(`${f.to}T00:00:00`).toISOString();
  const body: SnapshotParams = {
    name: f.name.trim(),
    seed: Number(f.seed || 0),
    ratios: { train: Number(f.train || 0), val: Number(f.val || 0), test: Number(f.test || 0) },
    split_by_database: f.byDatabase,
  };
  if (Object.keys(filters).length) body.filters = filters;
  return body;
}

function toggle<T>(list: T[], v: T): T[] {
  return list.includes(v) ? list.filter((x) => x !== v) : [...list, v];
}

function CutSnapshot({ projectId }: { projectId: string }) {
  const qc = useQueryClient();
  const navigate = useNavigate();
  const toast = useToast();
  const databases = useQuery({ queryKey: databaseKeys.list(projectId, false), queryFn: () => api.listDatabases(projectId) });
  const [form, setForm] = useState<CutForm>(EMPTY_CUT);
  const set = (k: keyof CutForm) => (e: { target: { value: string } }) => setForm((f) => ({ ...f, [k]: e.target.value }));
  const cut = useMutation({
    mutationFn: () => goldenApi.createSnapshot(projectId, snapshotParams(form)),
    onSuccess: (snap) => {
      void qc.invalidateQueries({ queryKey: snapshotKeys.list(projectId) });
      qc.setQueryData(snapshotKeys.detail(projectId, snap.id), snap);
      toast(`Snapshot #${snap.id} cut: ${plural(snap.pairs, 'pair')}`);
      navigate(`/projects/${projectId}/snapshots/${snap.id}`);
    },
  });
  const nothing = cut.error instanceof ApiError && cut.error.status === 409 ? cut.error : null;
  const fields = nothing ? {} : fieldErrors(cut.error);
  const ratioSum = Number(form.train || 0) + Number(form.val || 0) + Number(form.test || 0);
  const local = {
    name: form.name.trim() ? undefined : 'Name the snapshot.',
    seed: Number.isInteger(Number(form.seed || 0)) ? undefined : 'A whole number.',
    ratios:
      [form.train, form.val, form.test].some((v) => !(Number(v || 0) >= 0)) ? 'Each share is 0 or more.'
      : Math.abs(ratioSum - 1) > 1e-9 ? `The shares sum to ${Math.round(ratioSum * 1000) / 1000}, not 1.`
      : undefined,
  };
  const [tried, setTried] = useState(false);
  const invalid = Object.values(local).some(Boolean);
  const known = ['name', 'seed', 'ratios', 'filters.hardness', 'filters.review_status', 'filters.created_to', 'filters.created_from', 'filters.stages', 'filters.database_ids', 'split_by_database'];
  const other = Object.fromEntries(Object.entries(fields).filter(([k]) => !known.includes(k)));
  const general = nothing ? null : formError(cut.error, fields);
  const submit = (e: FormEvent) => {
    e.preventDefault();
    setTried(true);
    if (!invalid) cut.mutate();
  };
  const show = (k: keyof typeof local) => (tried ? local[k] : undefined);
  return (
    <Card title="Cut a snapshot" description="An immutable golden set from the accepted questions with gold SQL, split into train, validation and test.">
      <form className="form" onSubmit={submit} aria-label="Cut a snapshot" noValidate>
        <div className="batch-fields">
          <TextField label="Name" value={form.name} onChange={set('name')} error={show('name') ?? fields.name} placeholder="v1 golden set" />
          <TextField label="Stages" value={form.stages} onChange={set('stages')} error={fields['filters.stages']} placeholder="All stages" hint="Comma-separated." />
          <TextField label="Created from" type="date" value={form.from} onChange={set('from')} error={fields['filters.created_from']} />
          <TextField label="Created before" type="date" value={form.to} onChange={set('to')} error={fields['filters.created_to']} />
          <TextField label="Seed" type="number" value={form.seed} onChange={set('seed')} error={show('seed') ?? fields.seed} hint="The same seed cuts the same split." />
        </div>
        <fieldset className="method-choice" aria-label="Split ratios">
          <legend>Split (shares summing to 1)</legend>
          <div className="batch-fields ratio-fields">
            <TextField label="Train" type="number" step="0.05" min={0} max={1} value={form.train} onChange={set('train')} />
            <TextField label="Validation" type="number" step="0.05" min={0} max={1} value={form.val} onChange={set('val')} />
            <TextField label="Test" type="number" step="0.05" min={0} max={1} value={form.test} onChange={set('test')} />
          </div>
          {(show('ratios') ?? fields.ratios) && (
            <p className="field-error" role="alert">
              {show('ratios') ?? fields.ratios}
            </p>
          )}
          <label className="checkbox">
            <input type="checkbox" checked={form.byDatabase} onChange={(e) => setForm((f) => ({ ...f, byDatabase: e.target.checked }))} />
            <span>Split by database (no database in two splits)</span>
          </label>
        </fieldset>
        <fieldset className="method-choice">
          <legend>Hardness</legend>
          {HARDNESS.map((h) => (
            <label key={h} className="checkbox">
              <input type="checkbox" checked={form.hardness.includes(h)} onChange={() => setForm((f) => ({ ...f, hardness: toggle(f.hardness, h) }))} />
              <span>{HARDNESS_LABELS[h]}</span>
            </label>
          ))}
          <span className="muted small">None ticked: every level.</span>
          {fields['filters.hardness'] && <p className="field-error" role="alert">{fields['filters.hardness']}</p>}
        </fieldset>
        <fieldset className="method-choice">
          <legend>Review status</legend>
          {REVIEW_STATUSES.map((r) => (
            <label key={r.id} className="checkbox" title={r.hint}>
              <input type="checkbox" checked={form.review.includes(r.id)} onChange={() => setForm((f) => ({ ...f, review: toggle(f.review, r.id) }))} />
              <span>{r.label}</span>
            </label>
          ))}
          <span className="muted small">None ticked: every accepted pair.</span>
          {fields['filters.review_status'] && <p className="field-error" role="alert">{fields['filters.review_status']}</p>}
        </fieldset>
        {(databases.data?.databases.length ?? 0) > 0 && (
          <fieldset className="method-choice">
            <legend>Databases</legend>
            {databases.data!.databases.map((d) => (
              <label key={d.id} className="checkbox">
                <input type="checkbox" checked={form.databases.includes(d.id)} onChange={() => setForm((f) => ({ ...f, databases: toggle(f.databases, d.id) }))} />
                <span>{d.name}</span>
              </label>
            ))}
            <span className="muted small">None ticked: every database.</span>
            {fields['filters.database_ids'] && <p className="field-error" role="alert">{fields['filters.database_ids']}</p>}
          </fieldset>
        )}
        <p className="muted small">
          Only accepted questions with gold SQL are taken. Review status: agreed (the agent and an annotator wrote matching SQL),
          reviewed (a reviewer accepted or edited it), imported (the imported gold SQL, never annotated or reviewed).
        </p>
        {nothing && (
          <Alert tone="warning" title="Nothing to snapshot">
            {nothing.message.replace(/^nothing to snapshot:\s*/i, '')}. Accept some questions (annotation or review, or an imported benchmark's verified gold below) or widen the filters.
          </Alert>
        )}
        {Object.keys(other).length > 0 && <Alert>{Object.entries(other).map(([k, v]) => `${k}: ${v}`).join('; ')}</Alert>}
        {general && <Alert>{general}</Alert>}
        <div className="form-actions form-actions-start">
          <Button type="submit" variant="primary" busy={cut.isPending}>
            Cut snapshot
          </Button>
        </div>
      </form>
    </Card>
  );
}

// ---------- A benchmark's verified gold ----------

/** Accepts the imported questions whose gold SQL was verified by execution at import, so an existing
 * benchmark (Spider, a team's own gold set) can be snapshotted without annotating it again. */
function AcceptImported({ projectId }: { projectId: string }) {
  const qc = useQueryClient();
  const toast = useToast();
  const databases = useQuery({ queryKey: databaseKeys.list(projectId, false), queryFn: () => api.listDatabases(projectId) });
  const [database, setDatabase] = useState('');
  const accept = useMutation({
    mutationFn: () => goldenApi.acceptImported(projectId, database ? Number(database) : undefined),
    onSuccess: (n) => {
      void qc.invalidateQueries({ queryKey: questionKeys.all(projectId) });
      toast(n === 0 ? 'No imported question was waiting with verified gold SQL' : `${plural(n, 'imported question')} accepted`);
    },
  });
  return (
    <Card
      title="Imported benchmark gold"
      description="Questions imported with gold SQL that was checked by execution at import (Spider's translated gold, a CSV's SQL) can be accepted as they are, to snapshot an existing benchmark without annotating it again. Questions with annotation or review work open are left to it; each accepted question's history says why."
    >
      <div className="toolbar">
        <SelectField label="Database" value={database} onChange={(e) => setDatabase(e.target.value)}>
          <option value="">Every database</option>
          {(databases.data?.databases ?? []).map((d) => (
            <option key={d.id} value={d.id}>
              {d.name} v{d.version}
            </option>
          ))}
        </SelectField>
        <Button onClick={() => accept.mutate()} busy={accept.isPending}>
          Accept verified imported gold
        </Button>
      </div>
      {accept.isSuccess && (
        <p className="muted small" role="status">
          {plural(accept.data, 'question')} accepted: cut a snapshot with review status "imported" to take exactly these.
        </p>
      )}
      {accept.isError && <Alert>{accept.error.message}</Alert>}
    </Card>
  );
}

// ---------- The list ----------

function SplitCounts({ m }: { m: Snapshot['manifest'] }) {
  return (
    <span className="nowrap">
      {SPLITS.map((s, i) => (
        <span key={s}>
          {i > 0 && ' / '}
          <span title={SPLIT_LABELS[s]}>{formatCount(m.splits?.[s] ?? 0)}</span>
        </span>
      ))}
    </span>
  );
}

function SnapshotList({ projectId, lead }: { projectId: string; lead: boolean }) {
  const snaps = useQuery({ queryKey: snapshotKeys.list(projectId), queryFn: () => goldenApi.listSnapshots(projectId) });
  const who = usePeople(projectId, lead);
  const list = snaps.data ?? [];
  return (
    <Card title="Snapshots" description="Newest first. A snapshot never changes: questions edited later stay as they were in it.">
      {snaps.isPending ? (
        <Loading label="Loading snapshots…" />
      ) : snaps.isError ? (
        <ErrorState error={snaps.error} onRetry={() => snaps.refetch()} />
      ) : list.length === 0 ? (
        <EmptyState title="No snapshots yet">{lead ? 'Cut one with the form above.' : 'A lead cuts them.'}</EmptyState>
      ) : (
        <div className="table-wrap flush">
          <table className="table" aria-label="Snapshots">
            <thead>
              <tr>
                <th scope="col">Snapshot</th>
                <th scope="col" className="cell-num">Pairs</th>
                <th scope="col">Train / val / test</th>
                <th scope="col" className="cell-num">Seed</th>
                <th scope="col">Content hash</th>
                <th scope="col">Leakage</th>
                <th scope="col">Created</th>
              </tr>
            </thead>
            <tbody>
              {list.map((s) => {
                const leak = s.manifest.leakage;
                return (
                  <tr key={s.id} data-testid={`snapshot-row-${s.id}`}>
                    <td>
                      <Link className="strong-link" to={`/projects/${projectId}/snapshots/${s.id}`}>
                        #{s.id} {s.name}
                      </Link>
                    </td>
                    <td className="cell-num">{formatCount(s.pairs)}</td>
                    <td>
                      <SplitCounts m={s.manifest} />
                      {s.manifest.split_by_database && <span className="muted small"> · by database</span>}
                    </td>
                    <td className="cell-num">{s.manifest.seed}</td>
                    <td className="mono small-mono" title={s.content_hash}>
                      {shortHash(s.content_hash)}
                    </td>
                    <td>
                      {leak.near_duplicates + leak.same_sql === 0 ? (
                        <span className="muted">none</span>
                      ) : (
                        <Badge tone="warning">
                          {plural(leak.near_duplicates, 'near-duplicate')} · {leak.same_sql} same SQL
                        </Badge>
                      )}
                    </td>
                    <td className="nowrap muted" title={formatDateTime(s.created_at)}>
                      {formatRelative(s.created_at)} by {who(s.created_by)}
                    </td>
                  </tr>
                );
              })}
            </tbody>
          </table>
        </div>
      )}
    </Card>
  );
}

// ---------- Compare ----------

function CompareSnapshots({ projectId }: { projectId: string }) {
  const snaps = useQuery({ queryKey: snapshotKeys.list(projectId), queryFn: () => goldenApi.listSnapshots(projectId) });
  const [pick, setPick] = useState({ a: '', b: '' });
  const [asked, setAsked] = useState<{ a: string; b: string } | null>(null);
  const diff = useQuery({
    queryKey: snapshotKeys.compare(projectId, asked?.a, asked?.b),
    queryFn: () => goldenApi.compare(projectId, asked!.a, asked!.b),
    enabled: asked !== null,
  });
  const list = snaps.data ?? [];
  if (list.length < 2) return null;
  const fields = fieldErrors(diff.error);
  return (
    <Card title="Compare two snapshots" description="What changed from A to B: pairs added, removed, changed (same question, other text or SQL) or moved to another split.">
      <form
        className="form"
        aria-label="Compare snapshots"
        onSubmit={(e) => {
          e.preventDefault();
          if (pick.a && pick.b) setAsked({ ...pick });
        }}
      >
        <div className="batch-fields">
          <SelectField label="Snapshot A" value={pick.a} onChange={(e) => setPick((p) => ({ ...p, a: e.target.value }))} error={fields.a}>
            <option value="">Choose…</option>
            {list.map((s) => (
              <option key={s.id} value={String(s.id)}>
                #{s.id} {s.name}
              </option>
            ))}
          </SelectField>
          <SelectField label="Snapshot B" value={pick.b} onChange={(e) => setPick((p) => ({ ...p, b: e.target.value }))} error={fields.b}>
            <option value="">Choose…</option>
            {list.map((s) => (
              <option key={s.id} value={String(s.id)}>
                #{s.id} {s.name}
              </option>
            ))}
          </SelectField>
        </div>
        <div className="form-actions form-actions-start">
          <Button type="submit" disabled={!pick.a || !pick.b} busy={diff.isFetching}>
            Compare
          </Button>
        </div>
      </form>
      {asked && diff.isError && Object.keys(fields).length === 0 && <ErrorState error={diff.error} />}
      {diff.data && <DiffView diff={diff.data} />}
    </Card>
  );
}

function DiffView({ diff }: { diff: SnapshotDiff }) {
  const ex = diff.examples ?? { added: [], removed: [], changed: [] };
  return (
    <div className="stack" data-testid="snapshot-diff">
      <Stats
        label="Differences"
        items={[
          { label: 'Added', value: formatCount(diff.added) },
          { label: 'Removed', value: formatCount(diff.removed) },
          { label: 'Changed', value: formatCount(diff.changed) },
          { label: 'Moved', value: formatCount(diff.moved) },
          { label: 'Same', value: formatCount(diff.same) },
        ]}
      />
      {diff.same_hash && <p className="muted">Both snapshots have the same content hash: the same pairs in the same splits.</p>}
      {(ex.added ?? []).length > 0 && (
        <section aria-label="Added pairs">
          <h3 className="card-subtitle">Added</h3>
          <ul className="plain-list">
            {ex.added!.map((e) => (
              <li key={e.nlq_id}>
                <span className="muted">#{e.nlq_id}</span> {e.b.question} <Badge>{e.b.split}</Badge>
              </li>
            ))}
          </ul>
        </section>
      )}
      {(ex.removed ?? []).length > 0 && (
        <section aria-label="Removed pairs">
          <h3 className="card-subtitle">Removed</h3>
          <ul className="plain-list">
            {ex.removed!.map((e) => (
              <li key={e.nlq_id}>
                <span className="muted">#{e.nlq_id}</span> {e.a.question} <Badge>{e.a.split}</Badge>
              </li>
            ))}
          </ul>
        </section>
      )}
      {(ex.changed ?? []).length > 0 && (
        <section aria-label="Changed pairs">
          <h3 className="card-subtitle">Changed</h3>
          {ex.changed!.map((e) => (
            <div key={e.nlq_id} className="json-diff">
              <div>
                <p className="small">A: {e.a.question}</p>
                <SqlCode sql={e.a.sql} />
              </div>
              <div>
                <p className="small">B: {e.b.question}</p>
                <SqlCode sql={e.b.sql} />
              </div>
            </div>
          ))}
        </section>
      )}
    </div>
  );
}

// ---------- Exports ----------

function ExportTable({ exports, projectId, showSnapshot }: { exports: ExportRecord[]; projectId: string; showSnapshot: boolean }) {
  const who = usePeople(projectId, true);
  return (
    <div className="table-wrap flush">
      <table className="table table-compact" aria-label="Exports">
        <thead>
          <tr>
            {showSnapshot && <th scope="col">Snapshot</th>}
            <th scope="col">Format</th>
            <th scope="col">Split</th>
            <th scope="col">Status</th>
            <th scope="col" className="cell-num">Rows</th>
            <th scope="col" className="cell-num">Bytes</th>
            <th scope="col">sha256</th>
            <th scope="col">When</th>
          </tr>
        </thead>
        <tbody>
          {exports.map((e) => (
            <tr key={e.id}>
              {showSnapshot && (
                <td>
                  <Link to={`/projects/${projectId}/snapshots/${e.snapshot_id}`}>#{e.snapshot_id}</Link>
                </td>
              )}
              <td>{EXPORT_FORMATS.find((f) => f.id === e.format)?.label ?? e.format}</td>
              <td>{SPLIT_LABELS[e.split] ?? e.split}</td>
              <td>
                <Badge tone={e.status === 'done' ? 'success' : e.status === 'failed' ? 'danger' : 'info'}>{e.status}</Badge>
                {e.error && <span className="text-danger small"> {e.error}</span>}
              </td>
              <td className="cell-num">{formatCount(e.rows)}</td>
              <td className="cell-num">{formatCount(e.bytes)}</td>
              <td className="mono small-mono" title={e.sha256}>
                {e.sha256 ? shortHash(e.sha256) : '—'}
              </td>
              <td className="nowrap muted" title={formatDateTime(e.created_at)}>
                {formatRelative(e.created_at)} by {who(e.created_by)}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

function ExportHistory({ projectId, snapshotId }: { projectId: string; snapshotId?: number }) {
  const exports = useQuery({ queryKey: snapshotKeys.exports(projectId), queryFn: () => goldenApi.listExports(projectId) });
  const list = (exports.data ?? []).filter((e) => snapshotId === undefined || e.snapshot_id === snapshotId);
  return (
    <Card
      title="Export history"
      description="Every download, newest first, with the sha256 of the bytes sent."
      actions={
        <Button size="sm" variant="ghost" onClick={() => exports.refetch()} busy={exports.isFetching && !exports.isPending}>
          Refresh
        </Button>
      }
    >
      {exports.isPending ? (
        <Loading label="Loading exports…" />
      ) : exports.isError ? (
        <ErrorState error={exports.error} onRetry={() => exports.refetch()} />
      ) : list.length === 0 ? (
        <p className="muted">Nothing exported yet.</p>
      ) : (
        <ExportTable exports={list} projectId={projectId} showSnapshot={snapshotId === undefined} />
      )}
    </Card>
  );
}

function Downloads({ projectId, snapshot }: { projectId: string; snapshot: Snapshot }) {
  const qc = useQueryClient();
  // The export is recorded when it starts: refresh the history a moment after a download begins.
  const downloaded = () => window.setTimeout(() => void qc.invalidateQueries({ queryKey: snapshotKeys.exports(projectId) }), 1500);
  return (
    <Card title="Download" description="Each format for the whole snapshot or one split; the file streams from the server.">
      <div className="table-wrap flush">
        <table className="table table-compact downloads-table" aria-label="Downloads">
          <thead>
            <tr>
              <th scope="col">Format</th>
              {EXPORT_SPLITS.map((s) => (
                <th key={s} scope="col">
                  {SPLIT_LABELS[s]} <span className="muted">({formatCount(s === 'all' ? snapshot.pairs : (snapshot.manifest.splits?.[s] ?? 0))})</span>
                </th>
              ))}
            </tr>
          </thead>
          <tbody>
            {EXPORT_FORMATS.map((f) => (
              <tr key={f.id}>
                <th scope="row">{f.label}</th>
                {EXPORT_SPLITS.map((s) => (
                  <td key={s}>
                    <a
                      className="btn btn-secondary btn-sm"
                      href={exportUrl(projectId, snapshot.id, f.id, s)}
                      download
                      onClick={downloaded}
                      aria-label={`Download ${f.label}, ${SPLIT_LABELS[s].toLowerCase()}`}
                    >
                      Download
                    </a>
                  </td>
                ))}
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </Card>
  );
}

// ---------- One snapshot ----------

export function SnapshotPage() {
  const project = useProject();
  const projectId = String(project.id);
  const lead = canManageProject(project.my_role);
  const { snapshotId = '' } = useParams();
  const snap = useQuery({ queryKey: snapshotKeys.detail(projectId, snapshotId), queryFn: () => goldenApi.getSnapshot(projectId, snapshotId) });
  const who = usePeople(projectId, lead);
  const crumb = (
    <div>
      <Link to={`/projects/${projectId}/snapshots`}>← All snapshots</Link>
    </div>
  );
  if (!canReadDashboard(project.my_role)) return <NotAllowed />;
  if (snap.isPending) return <Loading label="Loading the snapshot…" />;
  if (snap.isError)
    return (
      <div className="stack">
        {crumb}
        <ErrorState error={snap.error} onRetry={() => snap.refetch()} />
      </div>
    );
  const s = snap.data;
  const m = s.manifest;
  return (
    <div className="stack">
      {crumb}
      <Card
        title={
          <span className="batch-title">
            Snapshot #{s.id} {s.name}
          </span>
        }
        description={`Cut ${formatDateTime(s.created_at)} by ${who(s.created_by)}`}
      >
        <Stats
          testId="snapshot-stats"
          items={[
            { label: 'Pairs', value: formatCount(s.pairs) },
            { label: 'Train', value: formatCount(m.splits?.train ?? 0), note: `(${m.ratios?.train ?? 0})` },
            { label: 'Validation', value: formatCount(m.splits?.val ?? 0), note: `(${m.ratios?.val ?? 0})` },
            { label: 'Test', value: formatCount(m.splits?.test ?? 0), note: `(${m.ratios?.test ?? 0})` },
            { label: 'Seed', value: String(m.seed) },
            {
              label: 'Content hash',
              value: (
                <span className="mono small-mono" title={s.content_hash}>
                  {shortHash(s.content_hash)} <CopyButton value={s.content_hash} label="Copy hash" />
                </span>
              ),
            },
          ]}
        />
        <p className="muted small">
          {m.split_by_database ? 'Split by database: no database is in two splits.' : 'Split stratified by database × hardness.'}
        </p>
      </Card>
      <ErrorRateCard projectId={projectId} snapshotId={s.id} lead={lead} who={who} />
      <Manifest projectId={projectId} snapshot={s} />
      {lead && <Downloads projectId={projectId} snapshot={s} />}
      <SnapshotPairs projectId={projectId} snapshot={s} />
      {lead && <ExportHistory projectId={projectId} snapshotId={s.id} />}
    </div>
  );
}

function Manifest({ projectId, snapshot: s }: { projectId: string; snapshot: Snapshot }) {
  const m = s.manifest;
  const dbs = Object.entries(m.databases ?? {}).sort(([a], [b]) => a.localeCompare(b));
  const levels = [...HARDNESS, ...Object.keys(m.hardness ?? {}).filter((h) => !(HARDNESS as readonly string[]).includes(h))].filter((h) => m.hardness?.[h]);
  const leaks = m.leakage?.examples ?? [];
  return (
    <Card title="Manifest" description="What the snapshot holds and how it was split.">
      <div className="stack">
        <div className="table-wrap flush">
          <table className="table table-compact" aria-label="Pairs per database and split">
            <thead>
              <tr>
                <th scope="col">Database</th>
                {SPLITS.map((sp) => (
                  <th key={sp} scope="col" className="cell-num">
                    {SPLIT_LABELS[sp]}
                  </th>
                ))}
                <th scope="col" className="cell-num">Total</th>
              </tr>
            </thead>
            <tbody>
              {dbs.map(([name, counts]) => (
                <tr key={name} data-testid={`db-row-${name}`}>
                  <th scope="row">{name}</th>
                  {SPLITS.map((sp) => (
                    <td key={sp} className="cell-num">
                      {formatCount(counts[sp] ?? 0)}
                    </td>
                  ))}
                  <td className="cell-num">{formatCount(SPLITS.reduce((n, sp) => n + (counts[sp] ?? 0), 0))}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
        <div className="chart-grid">
          <StackedBarChart
            title="Hardness per split"
            groups={SPLITS.map((sp) => ({
              key: sp,
              label: SPLIT_LABELS[sp],
              values: Object.fromEntries(levels.map((h) => [h, m.hardness?.[h]?.[sp] ?? 0])),
            }))}
            series={levels.map((h) => ({ key: h, label: HARDNESS_LABELS[h] ?? h }))}
            empty="No pairs."
          />
        </div>
        <section aria-label="Leakage">
          <h3 className="card-subtitle">Leakage across splits</h3>
          <p data-testid="leakage">
            {plural(m.leakage?.near_duplicates ?? 0, 'near-duplicate question pair')} (lexical cosine ≥ 0.95) ·{' '}
            {plural(m.leakage?.same_sql ?? 0, 'pair')} with the same normalized SQL
          </p>
          {leaks.length > 0 && (
            <div className="table-wrap flush">
              <table className="table table-compact" aria-label="Leakage examples">
                <thead>
                  <tr>
                    <th scope="col">Kind</th>
                    <th scope="col">Question A</th>
                    <th scope="col">Question B</th>
                    <th scope="col" className="cell-num">Cosine</th>
                  </tr>
                </thead>
                <tbody>
                  {leaks.map((l, i) => (
                    <tr key={i}>
                      <td>{l.kind === 'same_sql' ? 'Same SQL' : 'Near-duplicate'}</td>
                      <td>
                        <Link to={`/projects/${projectId}/questions/${l.a}`}>Question #{l.a}</Link> <Badge>{l.split_a}</Badge>
                      </td>
                      <td>
                        <Link to={`/projects/${projectId}/questions/${l.b}`}>Question #{l.b}</Link> <Badge>{l.split_b}</Badge>
                      </td>
                      <td className="cell-num">{l.cosine ? l.cosine.toFixed(3) : '—'}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          )}
        </section>
        <section aria-label="Versions">
          <h3 className="card-subtitle">Versions</h3>
          <p>
            Guidelines in force when cut: {m.guideline_version ? `v${m.guideline_version}` : 'none written'}
            {(m.guideline_versions ?? []).length > 0 && (
              <span className="muted"> · cited by the pairs: {(m.guideline_versions ?? []).map((v) => `v${v}`).join(', ')}</span>
            )}
          </p>
          {(m.database_versions ?? []).length > 0 && (
            <div className="table-wrap flush">
              <table className="table table-compact" aria-label="Database versions">
                <thead>
                  <tr>
                    <th scope="col">Database</th>
                    <th scope="col" className="cell-num">Version</th>
                    <th scope="col">Schema hash</th>
                    <th scope="col" className="cell-num">Pairs</th>
                  </tr>
                </thead>
                <tbody>
                  {(m.database_versions ?? []).map((d) => (
                    <tr key={d.id}>
                      <td>{d.name}</td>
                      <td className="cell-num">v{d.version}</td>
                      <td className="mono small-mono" title={d.schema_hash}>
                        {shortHash(d.schema_hash)}
                      </td>
                      <td className="cell-num">{formatCount(d.pairs)}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          )}
          {Object.keys(m.stages ?? {}).length > 0 && (
            <p className="muted small">
              Stages:{' '}
              {Object.entries(m.stages ?? {})
                .map(([st, n]) => `${st} ${n}`)
                .join(', ')}
            </p>
          )}
        </section>
      </div>
    </Card>
  );
}

const PAIRS_PAGE = 50;

function SnapshotPairs({ projectId, snapshot }: { projectId: string; snapshot: Snapshot }) {
  const [params, setParams] = useSearchParams();
  const split = (SPLITS as readonly string[]).includes(params.get('split') ?? '') ? (params.get('split') as string) : 'train';
  const pairs = useInfiniteQuery({
    queryKey: snapshotKeys.pairs(projectId, snapshot.id, split),
    queryFn: ({ pageParam }) => goldenApi.pairs(projectId, snapshot.id, split, pageParam, PAIRS_PAGE),
    initialPageParam: null as number | null,
    getNextPageParam: (last) => last.next_after ?? undefined,
  });
  const list: Pair[] = pairs.data?.pages.flatMap((p) => p.pairs) ?? [];
  const [open, setOpen] = useState<number | null>(null);
  return (
    <Card title="Pairs" description="By question id, split by split.">
      <div className="segmented" role="group" aria-label="Split">
        {SPLITS.map((sp) => (
          <button
            key={sp}
            type="button"
            aria-pressed={split === sp}
            onClick={() => {
              const next = new URLSearchParams(params);
              next.set('split', sp);
              setParams(next, { replace: true });
            }}
          >
            {SPLIT_LABELS[sp]} ({formatCount(snapshot.manifest.splits?.[sp] ?? 0)})
          </button>
        ))}
      </div>
      {pairs.isPending ? (
        <Loading label="Loading pairs…" />
      ) : pairs.isError ? (
        <ErrorState error={pairs.error} onRetry={() => pairs.refetch()} />
      ) : list.length === 0 ? (
        <p className="muted">No pairs in this split.</p>
      ) : (
        <>
          <div className="table-wrap flush">
            <table className="table table-compact" aria-label={`${SPLIT_LABELS[split]} pairs`}>
              <thead>
                <tr>
                  <th scope="col">Question</th>
                  <th scope="col">Database</th>
                  <th scope="col">Hardness</th>
                  <th scope="col">Stage</th>
                  <th scope="col">
                    <span className="visually-hidden">SQL</span>
                  </th>
                </tr>
              </thead>
              <tbody>
                {list.map((p) => (
                  <PairRow key={p.nlq_id} projectId={projectId} pair={p} open={open === p.nlq_id} onToggle={() => setOpen(open === p.nlq_id ? null : p.nlq_id)} />
                ))}
              </tbody>
            </table>
          </div>
          {pairs.hasNextPage && (
            <div className="load-more">
              <Button onClick={() => pairs.fetchNextPage()} busy={pairs.isFetchingNextPage}>
                Load more
              </Button>
            </div>
          )}
        </>
      )}
    </Card>
  );
}

function PairRow({ projectId, pair: p, open, onToggle }: { projectId: string; pair: Pair; open: boolean; onToggle: () => void }) {
  return (
    <>
      <tr className={open ? 'row-expanded' : undefined}>
        <td>
          <Link to={`/projects/${projectId}/questions/${p.nlq_id}`}>{p.question}</Link>
        </td>
        <td className="nowrap">
          {p.database_name} <span className="muted">v{p.database_version}</span>
        </td>
        <td>{HARDNESS_LABELS[p.hardness] ?? p.hardness}</td>
        <td className="nowrap">{p.stage}</td>
        <td className="cell-actions">
          <Button size="sm" variant="ghost" aria-expanded={open} aria-label={`${open ? 'Hide' : 'Show'} the SQL of question ${p.nlq_id}`} onClick={onToggle}>
            {open ? 'Hide' : 'SQL'}
          </Button>
        </td>
      </tr>
      {open && (
        <tr className="row-detail">
          <td colSpan={5}>
            <SqlCode sql={p.sql} caption="Gold SQL" />
            {p.original_sql && <SqlCode sql={p.original_sql} caption="Original SQL (as imported)" />}
          </td>
        </tr>
      )}
    </>
  );
}
