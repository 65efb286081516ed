// Testing the saved settings against the endpoint: each check with its outcome and time.
import { useMutation } from '@tanstack/react-query';
import { llmApi, type LlmCheck, type LlmTestReport } from '../../shared/api';
import { Alert, Button, Card, Icon } from '../../components/ui';
import { formatDuration } from '../../shared/format';
import { formError } from '../../shared/forms';

const CHECKS: [keyof LlmTestReport, string][] = [
  ['chat', 'Chat'],
  ['tool_calls', 'Tool calls'],
  ['embeddings', 'Embeddings'],
];

export function TestConnection({ configured }: { configured: boolean }) {
  const test = useMutation({ mutationFn: llmApi.testConnection });
  return (
    <Card
      title="Test the connection"
      description="Sends a short chat, a tool call and an embedding with the saved settings."
      actions={
        <Button onClick={() => test.mutate()} busy={test.isPending} disabled={!configured}>
          Test connection
        </Button>
      }
    >
      {!configured && <p className="muted">Save a base URL and a model first.</p>}
      {test.isError && <Alert>{formError(test.error, {})}</Alert>}
      {test.data && <TestReport report={test.data} />}
    </Card>
  );
}

export function TestReport({ report }: { report: LlmTestReport }) {
  return (
    <ul className="check-list" aria-label="Connection test" data-testid="test-report">
      {CHECKS.map(([key, label]) => (
        <CheckRow key={key} label={label} check={report[key]} />
      ))}
    </ul>
  );
}

function CheckRow({ label, check }: { label: string; check: LlmCheck }) {
  const state = check.skipped ? 'skipped' : check.ok ? 'ok' : 'failed';
  return (
    <li className={`check-row check-row-${state}`} data-testid={`check-${label}`}>
      <span className={`disc check-mark check-mark-${state}`} aria-label={state === 'ok' ? 'works' : state === 'skipped' ? 'skipped' : 'fails'} role="img">
        {state === 'skipped' ? '–' : <Icon name={check.ok ? 'check' : 'cross'} />}
      </span>
      <span className="check-label">{label}</span>
      <span className="muted">{check.skipped ? 'not tried: nothing configured for it' : formatDuration(check.latency_ms)}</span>
      {check.model && <code>{check.model}</code>}
      {check.dimension ? <span className="muted">{check.dimension} dimensions</span> : null}
      {check.error && <span className="check-error">{check.error}</span>}
    </li>
  );
}
