import { render } from '@testing-library/react';
import { MemoryRouter } from 'react-router';
import { AppRoutes, createQueryClient, Providers } from '../App';

/** The whole app at `path`, against whatever mockApi() set up. */
export function renderApp(path: string) {
  const client = createQueryClient();
  client.setDefaultOptions({ queries: { ...client.getDefaultOptions().queries, retry: false } });
  return render(
    <Providers client={client}>
      <MemoryRouter initialEntries={[path]}>
        <AppRoutes />
      </MemoryRouter>
    </Providers>,
  );
}
