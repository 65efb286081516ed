// What a member below reviewer reads instead of the snapshot pages.
import { Alert } from '../../components/ui';

export function NotAllowed() {
  return (
    <Alert tone="warning" title="Snapshots are for reviewers and leads">
      Ask a lead of this project if you need to read its golden sets.
    </Alert>
  );
}
