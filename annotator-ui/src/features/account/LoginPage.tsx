import { useQueryClient } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { Navigate, useLocation, useNavigate, type Location } from 'react-router';
import { api, ApiError } from '../../shared/api';
import { Alert, Button, TextField } from '../../components/ui';
import { sessionKeys, useMe } from '../../shared/session';
import './login.css';
import { bindValue } from '../../shared/forms';

/** 42 → "42 seconds", 900 → "15 minutes". */
export function formatWait(seconds: number): string {
  if (seconds < 120) return `${seconds} second${seconds === 1 ? '' : 's'}`;
  const minutes = Math.ceil(seconds / 60);
  return `${minutes} minutes`;
}

function loginError(err: unknown): string {
  if (err instanceof ApiError) {
    switch (err.status) {
      case 401:
        return 'Wrong email or password, or the account is disabled.';
      case 429: {
        const wait = err.retryAfter;
        return wait
          ? `Too many failed sign-in attempts. Try again in ${formatWait(wait)}.`
          : 'Too many failed sign-in attempts. Try again in a little while.';
      }
      case 503:
        return 'The database is unavailable, so nobody can sign in right now. Try again in a moment.';
      default:
        return err.message;
    }
  }
  return 'Sign-in failed. Try again.';
}

/** Where the user was going before being sent here; only same-app paths. */
function destination(state: unknown): string {
  const from = (state as { from?: Location } | null)?.from;
  if (!from || from.pathname === '/login') return '/projects';
  return `${from.pathname}${from.search ?? ''}${from.hash ?? ''}`;
}

export function LoginPage() {
  const me = useMe();
  const qc = useQueryClient();
  const navigate = useNavigate();
  const location = useLocation();
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  if (me.data && !busy) return <Navigate to={destination(location.state)} replace />;

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setError(null);
    setBusy(true);
    try {
      const res = await api.login(email.trim(), password);
      qc.removeQueries({ predicate: (q) => q.queryKey[0] !== sessionKeys.me()[0] });
      qc.setQueryData(sessionKeys.me(), { user: res.user, csrf_token: res.csrf_token, memberships: [] });
      void qc.invalidateQueries({ queryKey: sessionKeys.me() });
      navigate(destination(location.state), { replace: true });
    } catch (err) {
      setError(loginError(err));
      setBusy(false);
    }
  };

  return (
    <div className="login-page">
      <div className="login-panel">
        <div className="login-brand">
          <img src="/favicon.svg" alt="" width={40} height={40} />
          <div>
            <div className="login-product">Goldset</div>
            <div className="login-tagline">Golden Text2SQL datasets, built by people and agents</div>
          </div>
        </div>
        <form className="login-form" onSubmit={submit} noValidate aria-labelledby="login-title">
          <h1 id="login-title">Sign in</h1>
          {error && <Alert title="Could not sign in">{error}</Alert>}
          <TextField
            label="Email"
            type="email"
            name="email"
            autoComplete="username"
            autoFocus
            required
            {...bindValue(email, setEmail)}
          />
          <TextField
            label="Password"
            type="password"
            name="password"
            autoComplete="current-password"
            required
            {...bindValue(password, setPassword)}
          />
          <Button type="submit" variant="primary" busy={busy} className="btn-block">
            Sign in
          </Button>
          <p className="login-footnote">Accounts are created by an administrator.</p>
        </form>
      </div>
    </div>
  );
}
