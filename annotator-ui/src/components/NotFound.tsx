import { ButtonLink } from './ui';

export function NotFoundPage() {
  return (
    <div className="state-panel not-found">
      <div className="state-code" aria-hidden="true">404</div>
      <h1>Page not found</h1>
      <p>There is nothing at this address. It may have moved, or the link may be mistyped.</p>
      <ButtonLink variant="primary" to="/projects">
        Back to projects
      </ButtonLink>
    </div>
  );
}
