import { useQueryClient } from '@tanstack/react-query';
import { useState, type ReactNode } from 'react';
import { NavLink, Navigate, Outlet, useLocation, useNavigate } from 'react-router';
import { api } from '../shared/api';
import { mainNav } from '../shared/nav';
import { sessionKeys, useMe, useSession } from '../shared/session';
import { ErrorBoundary } from './ErrorBoundary';
import { Button, ErrorState, Icon, Loading } from './ui';

/** Renders its routes only for a signed-in user; otherwise sends them to /login and back afterwards. */
export function RequireAuth() {
  const me = useMe();
  const location = useLocation();
  if (me.isPending) return <Loading label="Loading Goldset…" />;
  if (me.isError) {
    return (
      <div className="centered-page">
        <ErrorState error={me.error} onRetry={() => me.refetch()} />
      </div>
    );
  }
  if (!me.data) return <Navigate to="/login" replace state={{ from: location }} />;
  return <Outlet />;
}

export function RequireAdmin() {
  const { user } = useSession();
  if (!user.is_admin) {
    return (
      <div className="page">
        <Forbidden title="Not allowed">
          <p>Only administrators can open this page.</p>
        </Forbidden>
      </div>
    );
  }
  return <Outlet />;
}

/** A page the user's role does not include: who it is for, and where to go. */
export function Forbidden({ title, children }: { title: string; children: ReactNode }) {
  return (
    <div className="state-panel" role="alert" data-testid="forbidden">
      <div className="state-icon state-icon-lock" aria-hidden="true">
        <Icon name="lock" />
      </div>
      <h2>{title}</h2>
      {children}
    </div>
  );
}

function initials(name: string, email: string) {
  const source = name.trim() || email;
  const parts = source.split(/[\s@.]+/).filter(Boolean);
  return ((parts[0]?.[0] ?? '') + (parts[1]?.[0] ?? '')).toUpperCase() || '?';
}

const NAV_ICONS: Record<string, string> = {
  '/projects': 'M3 5h7v6H3zM14 5h7v4h-7zM14 13h7v6h-7zM3 15h7v4H3z',
  '/users': 'M9 11a4 4 0 1 0 0-8 4 4 0 0 0 0 8zM2 21v-1a6 6 0 0 1 12 0v1M17 11a3 3 0 1 0 0-6M22 21v-1a5 5 0 0 0-4-4.9',
  '/activity': 'M3 12h4l3-8 4 16 3-8h4',
  '/settings/llm':
    'M12 15a3 3 0 1 0 0-6 3 3 0 0 0 0 6zM19.4 15a1.7 1.7 0 0 0 .3 1.8l.1.1a2 2 0 1 1-2.8 2.8l-.1-.1a1.7 1.7 0 0 0-1.8-.3 1.7 1.7 0 0 0-1 1.5V21a2 2 0 1 1-4 0v-.1a1.7 1.7 0 0 0-1.1-1.5 1.7 1.7 0 0 0-1.8.3l-.1.1a2 2 0 1 1-2.8-2.8l.1-.1a1.7 1.7 0 0 0 .3-1.8 1.7 1.7 0 0 0-1.5-1H3a2 2 0 1 1 0-4h.1a1.7 1.7 0 0 0 1.5-1.1 1.7 1.7 0 0 0-.3-1.8l-.1-.1a2 2 0 1 1 2.8-2.8l.1.1a1.7 1.7 0 0 0 1.8.3H9a1.7 1.7 0 0 0 1-1.5V3a2 2 0 1 1 4 0v.1a1.7 1.7 0 0 0 1 1.5 1.7 1.7 0 0 0 1.8-.3l.1-.1a2 2 0 1 1 2.8 2.8l-.1.1a1.7 1.7 0 0 0-.3 1.8V9a1.7 1.7 0 0 0 1.5 1H21a2 2 0 1 1 0 4h-.1a1.7 1.7 0 0 0-1.5 1z',
  '/account': 'M12 12a4 4 0 1 0 0-8 4 4 0 0 0 0 8zM4 21a8 8 0 0 1 16 0',
};

export function AppShell() {
  const { user } = useSession();
  const qc = useQueryClient();
  const navigate = useNavigate();
  const location = useLocation();
  const [signingOut, setSigningOut] = useState(false);

  const signOut = async () => {
    setSigningOut(true);
    try {
      await api.logout();
    } catch {
      // The session may already be gone; signing out locally is what matters.
    }
    qc.clear();
    qc.setQueryData(sessionKeys.me(), null);
    navigate('/login', { replace: true });
  };

  return (
    <div className="shell">
      <a className="skip-link" href="#main">
        Skip to content
      </a>
      <aside className="sidebar">
        <div className="sidebar-inner">
          <div className="brand">
            <img src="/favicon.svg" alt="" width={28} height={28} />
            <span>Goldset</span>
          </div>
          <nav aria-label="Main">
            <ul className="nav-list">
              {mainNav(user).map((item) => (
                <li key={item.to}>
                  <NavLink to={item.to} className="nav-link">
                    <svg viewBox="0 0 24 24" aria-hidden="true" className="nav-icon">
                      <path d={NAV_ICONS[item.to]} />
                    </svg>
                    {item.label}
                  </NavLink>
                </li>
              ))}
            </ul>
          </nav>
          <div className="sidebar-footer">
            <div className="user-chip" data-testid="signed-in-user">
              <span className="disc avatar" aria-hidden="true">
                {initials(user.name, user.email)}
              </span>
              <span className="user-chip-text">
                <span className="user-chip-name">{user.name || user.email}</span>
                <span className="user-chip-meta">{user.is_admin ? 'Administrator' : user.email}</span>
              </span>
            </div>
            <Button variant="ghost" size="sm" onClick={signOut} busy={signingOut} className="signout">
              Sign out
            </Button>
          </div>
        </div>
      </aside>
      <main id="main" className="main" tabIndex={-1}>
        <ErrorBoundary key={location.pathname}>
          <Outlet />
        </ErrorBoundary>
      </main>
    </div>
  );
}
