import { act, screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';
import { database } from '../../test/fixtures';
import { errorReply, mockApi, projectRoutes } from '../../test/mockApi';
import { mockXhr } from '../../test/mockXhr';
import { renderApp } from '../../test/render';

const broken = { name: 'broken', reason: 'database/broken/broken.sqlite: file is not a database (26)' };
const refused = { name: 'refused', reason: 'refused cannot be loaded into PostgreSQL: row is too big: size 8832, maximum size 8160' };

async function uploadSpiderZip() {
  mockApi({
    ...projectRoutes('lead'),
    'GET /api/v1/projects/42/databases': { body: { databases: [database()] } },
  });
  const upload = mockXhr();
  const user = userEvent.setup();
  renderApp('/projects/42/databases');
  const form = await screen.findByRole('form', { name: 'Import' });
  await user.click(within(form).getByLabelText('Spider dataset (zip)'));
  await user.upload(within(form).getByLabelText('File'), new File(['PK…'], 'spider.zip', { type: 'application/zip' }));
  await user.click(within(form).getByRole('button', { name: 'Import' }));
  return { upload, form };
}

describe('import result', () => {
  it('names each database that could not be imported beside those that were', async () => {
    const { upload } = await uploadSpiderZip();
    act(() =>
      upload.xhr.respond(201, {
        databases: [
          { database: database({ id: 9, name: 'alpha', kind: 'sqlite', table_count: 1, row_count: 3 }), tables: [], rows: 3, unchanged: false },
        ],
        questions: { total: 4, imported: 2, existing: 0, skipped: 2, gold_translated: 2, gold_matched: 2, gold_match_rate: 1 },
        failed: [broken, refused],
      }),
    );
    const failures = await screen.findByTestId('import-failures');
    expect(within(failures).getByRole('alert')).toHaveTextContent('2 of 3 databases could not be imported');
    expect(failures).toHaveTextContent('broken: database/broken/broken.sqlite: file is not a database (26)');
    expect(failures).toHaveTextContent('refused: refused cannot be loaded into PostgreSQL: row is too big');
    expect(failures).toHaveTextContent('Their 2 questions were not imported. Fix these files and import the same files again');
    expect(within(screen.getByTestId('import-summary')).getByRole('link', { name: 'alpha' })).toBeInTheDocument();
    expect(await screen.findByText('Imported 2 questions; 2 databases could not be imported')).toBeInTheDocument();
  });

  it('shows an import_failed answer in the import card, database by database', async () => {
    const { upload, form } = await uploadSpiderZip();
    const err = errorReply(422, 'import_failed', `2 of 2 databases could not be imported: broken: ${broken.reason}; refused: ${refused.reason}`, {
      failed: [broken, refused],
    }).body;
    act(() => upload.xhr.respond(422, err));
    const failures = await within(form).findByTestId('import-failures');
    expect(within(failures).getByRole('alert')).toHaveTextContent('None of the 2 databases could be imported');
    expect(failures).toHaveTextContent('broken: database/broken/broken.sqlite: file is not a database (26)');
    expect(failures).toHaveTextContent('refused: refused cannot be loaded into PostgreSQL');
    // The form stays, to import again once the files are fixed.
    expect(within(form).getByRole('button', { name: 'Import' })).toBeEnabled();
  });

  it('shows any other failure as before', async () => {
    const { upload, form } = await uploadSpiderZip();
    act(() => upload.xhr.respond(500, errorReply(500, 'internal', 'internal error; the request ID identifies it in the server log').body));
    expect(await within(form).findByText(/internal error; the request ID/)).toBeInTheDocument();
    expect(within(form).queryByTestId('import-failures')).not.toBeInTheDocument();
  });
});
