// An upload's progress: bytes sent of the file's size.
import { type UploadProgress } from '../../shared/api';

export function formatBytes(n: number): string {
  if (n < 1024) return `${n} B`;
  if (n < 1024 * 1024) return `${(n / 1024).toFixed(1)} KB`;
  if (n < 1024 ** 3) return `${(n / 1024 / 1024).toFixed(1)} MB`;
  return `${(n / 1024 ** 3).toFixed(2)} GB`;
}

export function UploadProgressBar({ progress }: { progress: UploadProgress }) {
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
