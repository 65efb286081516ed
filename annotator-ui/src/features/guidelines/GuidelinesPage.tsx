// A project's guidelines: the current version rendered with its rules, every version with "compare
// with previous", a diff between any two versions, and for leads an editor with a live preview.
import { useQuery } from '@tanstack/react-query';
import { Link, useSearchParams } from 'react-router';
import { Markdown } from '../../components/Markdown';
import { Alert, Badge, ButtonLink, Card, EmptyState, ErrorState, Loading } from '../../components/ui';
import { formatDateTime } from '../../shared/format';
import { guidelinesApi, type Guideline, type GuidelineInfo } from './api';
import { canManageProject } from '../../shared/nav';
import { useProject } from '../projects/ProjectPage';
import './guidelines.css';
import { guidelineKeys } from './keys';

function author(g: GuidelineInfo): string {
  return g.author_name || g.author_email || 'a deleted user';
}

function VersionLine({ g }: { g: GuidelineInfo }) {
  return (
    <span className="gl-version-line">
      <Badge tone="info">v{g.version}</Badge> by {author(g)} · {formatDateTime(g.created_at)} · {g.rule_count}{' '}
      {g.rule_count === 1 ? 'rule' : 'rules'}
    </span>
  );
}

export function ProjectGuidelines() {
  const project = useProject();
  const pid = String(project.id);
  const [params] = useSearchParams();
  const wanted = Number(params.get('version')) || 0;
  const list = useQuery({ queryKey: guidelineKeys.all(pid), queryFn: () => guidelinesApi.list(pid) });
  const old = useQuery({
    queryKey: guidelineKeys.version(pid, wanted),
    queryFn: () => guidelinesApi.get(pid, wanted),
    enabled: wanted > 0 && list.data?.current?.version !== wanted,
  });
  const canEdit = canManageProject(project.my_role);

  if (list.isPending) return <Loading label="Loading guidelines…" />;
  if (list.isError) return <ErrorState error={list.error} onRetry={() => list.refetch()} />;
  const { current, versions } = list.data;
  if (!current) {
    return (
      <EmptyState
        title="No guidelines yet"
        action={
          canEdit ? (
            <div className="toolbar">
              <ButtonLink variant="primary" to="edit">
                Write guidelines
              </ButtonLink>
              <ButtonLink to="propose">
                Propose from disagreements
              </ButtonLink>
            </div>
          ) : undefined
        }
      >
        {canEdit
          ? 'Write the rules annotators, reviewers and the agent follow. Every save is a new version.'
          : 'A lead of this project has not written guidelines yet.'}
      </EmptyState>
    );
  }
  const showingOld = wanted > 0 && wanted !== current.version;
  if (showingOld && old.isPending) return <Loading label={`Loading version ${wanted}…`} />;
  if (showingOld && old.isError) return <ErrorState error={old.error} onRetry={() => old.refetch()} />;
  const shown: Guideline = showingOld && old.data ? old.data.guideline : current;

  return (
    <div className="gl-layout">
      <div className="stack">
        {showingOld && (
          <Alert
            tone="info"
            title={`This is version ${shown.version}, not the current one`}
            action={
              <ButtonLink size="sm" to=".">
                Show current (v{current.version})
              </ButtonLink>
            }
          >
            {shown.summary}
          </Alert>
        )}
        <Card
          title={showingOld ? `Guidelines, version ${shown.version}` : 'Guidelines'}
          description={<VersionLine g={shown} />}
          actions={
            canEdit && !showingOld ? (
              <div className="toolbar">
                <ButtonLink size="sm" to="propose">
                  Propose edits from disagreements
                </ButtonLink>
                <ButtonLink variant="primary" size="sm" to="edit">
                  Edit
                </ButtonLink>
              </div>
            ) : null
          }
        >
          {!showingOld && shown.summary && (
            <p className="gl-summary">
              <span className="muted">What changed: </span>
              {shown.summary}
            </p>
          )}
          <Markdown text={shown.markdown} label="Guideline text" />
        </Card>
      </div>
      <aside className="stack" aria-label="Rules and versions">
        <Card title="Rules" description="Cite a rule by its ID; IDs never change.">
          {(shown.rules ?? []).length === 0 ? (
            <p className="muted">No rules yet. A rule is a heading like “## R: Always …”.</p>
          ) : (
            <ol className="gl-rule-index" aria-label="Rules">
              {(shown.rules ?? []).map((r) => (
                <li key={r.id}>
                  <a href={`#${r.id}`} className="mono gl-rule-ref">
                    {r.id}
                  </a>{' '}
                  {r.title}
                </li>
              ))}
            </ol>
          )}
        </Card>
        <Card title="Versions">
          <ol className="gl-versions" aria-label="Versions">
            {versions.map((v) => (
              <li key={v.version} className={v.version === shown.version ? 'gl-version-current' : undefined}>
                <div>
                  <Link to={v.version === current.version ? '.' : `?version=${v.version}`} className="strong-link">
                    Version {v.version}
                  </Link>{' '}
                  {v.version === current.version && <Badge tone="success">current</Badge>}
                </div>
                <div className="small muted">
                  {author(v)} · {formatDateTime(v.created_at)}
                </div>
                <div className="small">{v.summary}</div>
                <Link className="small" to={`diff?from=${v.version - 1}&to=${v.version}`}>
                  Compare with previous
                </Link>
              </li>
            ))}
          </ol>
        </Card>
      </aside>
    </div>
  );
}
