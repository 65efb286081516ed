// The notice that no language model is configured: where an admin sets one, or whom to ask.
import { ApiError } from '../../shared/api';
import { Alert, ButtonLink } from '../../components/ui';

/** True when an error is the API's "no language model is configured". */
export function isNotConfigured(err: unknown): err is ApiError {
  return err instanceof ApiError && err.status === 409 && err.code === 'llm_not_configured';
}

/** Where an admin sets the language model up. */
export function LlmSettingsLink() {
  return (
    <ButtonLink size="sm" to="/settings/llm">
      Open Language model settings
    </ButtonLink>
  );
}

/** The clear message for llm_not_configured (the server's own words), with the settings link for admins. */
export function NotConfiguredAlert({ error, isAdmin }: { error: ApiError; isAdmin: boolean }) {
  const message = error.message.charAt(0).toUpperCase() + error.message.slice(1);
  return (
    <Alert tone="warning" action={isAdmin ? <LlmSettingsLink /> : undefined}>
      <span data-testid="llm-not-configured">{message}.</span>
      {!isAdmin && <> Ask an administrator to set it up.</>}
    </Alert>
  );
}
