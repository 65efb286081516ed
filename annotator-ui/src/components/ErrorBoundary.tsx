import { Component, type ErrorInfo, type ReactNode } from 'react';
import { Icon } from './ui';

/** A crash in one screen shows a message instead of a blank page; navigating elsewhere resets it. */
export class ErrorBoundary extends Component<{ children: ReactNode }, { error: Error | null }> {
  state: { error: Error | null } = { error: null };

  static getDerivedStateFromError(error: Error) {
    return { error };
  }

  componentDidCatch(error: Error, info: ErrorInfo) {
    console.error('Goldset UI error', error, info.componentStack);
  }

  render() {
    if (!this.state.error) return this.props.children;
    return (
      <div className="page">
        <div className="state-panel" role="alert">
          <div className="state-icon state-icon-error" aria-hidden="true">
            <Icon name="alert" />
          </div>
          <h2>This screen failed to load</h2>
          <p>Something unexpected happened. Reload the page; if it keeps happening, tell your administrator.</p>
          <p className="mono small">{this.state.error.message}</p>
          <button type="button" className="btn btn-secondary" onClick={() => window.location.reload()}>
            Reload page
          </button>
        </div>
      </div>
    );
  }
}
