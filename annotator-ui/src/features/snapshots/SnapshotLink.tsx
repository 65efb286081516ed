// A snapshot named by its id in a list of what was made from it (evaluations, optimizations, exports).
import { Link } from 'react-router';

/** `#<id>`, linking to the snapshot's page. */
export function SnapshotLink({ projectId, id }: { projectId: string; id: number }) {
  return <Link to={`/projects/${projectId}/snapshots/${id}`}>#{id}</Link>;
}
