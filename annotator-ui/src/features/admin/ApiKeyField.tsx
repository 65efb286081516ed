// The write-only API key: where it comes from, a new one, or removing the stored one.
import { Badge, Button, TextField } from '../../components/ui';

const KEY_SOURCE: Record<string, string> = {
  environment: 'from the server environment',
  file: 'stored on the server',
  none: 'not set',
};

export function ApiKeyField({
  keySource,
  value,
  onChange,
  onRemove,
  error,
  disabled,
}: {
  keySource: string;
  value: string;
  onChange: (v: string) => void;
  onRemove: () => void;
  error?: string;
  disabled: boolean;
}) {
  const hint = disabled
    ? 'The key comes from GOLDSET_LLM_API_KEY in the server’s environment and cannot be changed here.'
    : keySource === 'file'
      ? 'Type a new key to replace the stored one; leave empty to keep it. It is never shown again.'
      : 'Write-only: kept in a file only the server can read, never shown again.';
  return (
    <div className="api-key">
      <div className="api-key-source">
        <span className="detail-label">API key</span>
        <Badge tone={keySource === 'none' ? 'warning' : 'success'}>
          <span data-testid="key-source">{KEY_SOURCE[keySource] ?? keySource}</span>
        </Badge>
      </div>
      <div className="api-key-row">
        <TextField
          label={keySource === 'file' ? 'New API key' : 'API key'}
          type="password"
          autoComplete="new-password"
          value={value}
          onChange={(e) => onChange(e.target.value)}
          disabled={disabled}
          placeholder={disabled ? 'Set in the server environment' : keySource === 'file' ? '•••••••• (unchanged)' : 'sk-…'}
          error={error}
          hint={hint}
        />
        {keySource === 'file' && (
          <div className="form-inline-submit">
            <Button variant="ghost" className="text-danger" onClick={onRemove}>
              Remove key
            </Button>
          </div>
        )}
      </div>
    </div>
  );
}
