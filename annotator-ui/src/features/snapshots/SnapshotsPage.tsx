// Project → Snapshots (reviewers read, leads cut and download): immutable golden sets cut from the
// accepted pairs. The list with each manifest's summary, the "Cut a snapshot" form, two snapshots
// compared; one snapshot's manifest (split × database, hardness per split, leakage across splits,
// the guideline and database versions), its pairs split by split, a download link for every format ×
// split (a plain GET: the session cookie goes with it) and the exports made of it.
import { useProjectScope } from '../projects/ProjectPage';
import '../../shared/golden.css';
import { CutSnapshot } from './CutSnapshot';
import { AcceptImported } from './AcceptImported';
import { SnapshotList } from './SnapshotList';
import { CompareSnapshots } from './CompareSnapshots';
import { ExportHistory } from './Exports';

export function ProjectSnapshots() {
  const { projectId, lead } = useProjectScope();
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
