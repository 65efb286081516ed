import { act, screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';
import type { ImportSummary } from '../../shared/api';
import { database } from '../../test/fixtures';
import { errorReply, mockApi, projectRoutes } from '../../test/mockApi';
import { mockXhr } from '../../test/mockXhr';
import { renderApp } from '../../test/render';

const spiderSummary: ImportSummary = {
  databases: [
    {
      database: database({ id: 9, name: 'concert_singer', kind: 'sqlite', table_count: 4, row_count: 40 }),
      tables: [
        { name: 'stadium', rows: 9, warnings: ['column Capacity: 1 value is not a number; kept as text'] },
        { name: 'singer', rows: 6 },
      ],
      rows: 15,
      unchanged: false,
    },
  ],
  questions: {
    total: 499,
    imported: 499,
    existing: 0,
    gold_translated: 499,
    gold_matched: 485,
    gold_match_rate: 485 / 499,
    mismatches: [{ index: 12, db_id: 'concert_singer', query: 'SELECT count(*) FROM singer', reason: 'rows differ' }],
  },
};

function setup(role: 'lead' | 'annotator' = 'lead') {
  return mockApi({
    ...projectRoutes(role),
    'GET /api/v1/projects/42/databases': { body: { databases: [database()] } },
    'GET /api/v1/projects/42/databases?all_versions=true': {
      body: { databases: [database({ id: 6, version: 2 }), database({ latest: false })] },
    },
  });
}

/** As a lead, open the Databases tab with uploads recorded; returns the recorder, a user and the Import form. */
async function openImport() {
  setup('lead');
  const upload = mockXhr();
  const user = userEvent.setup();
  renderApp('/projects/42/databases');
  return { upload, user, form: await screen.findByRole('form', { name: 'Import' }) };
}

describe('databases tab', () => {
  it('lists databases and shows every version on request', async () => {
    const { calls } = setup('annotator');
    const user = userEvent.setup();
    renderApp('/projects/42/databases');
    const link = await screen.findByRole('link', { name: 'medals' });
    expect(link).toHaveAttribute('href', '/projects/42/databases/5');
    // Annotators browse; only leads import.
    expect(screen.queryByRole('form', { name: 'Import' })).not.toBeInTheDocument();

    await user.click(screen.getByLabelText('Show all versions'));
    expect(await screen.findByText('superseded')).toBeInTheDocument();
    expect(calls.some((c) => c.path === '/api/v1/projects/42/databases?all_versions=true')).toBe(true);
  });

  it('uploads multipart with progress, then shows the summary with the gold match rate', async () => {
    const { upload, user, form } = await openImport();

    await user.click(within(form).getByLabelText('Spider dataset (zip)'));
    expect(within(form).getByTestId('kind-description')).toHaveTextContent(/dev\.json, tables\.json/);
    const zip = new File(['PK…'], 'spider.zip', { type: 'application/zip' });
    await user.upload(within(form).getByLabelText('File'), zip);
    await user.click(within(form).getByRole('button', { name: 'Import' }));

    const xhr = upload.xhr;
    expect(xhr.method).toBe('POST');
    expect(xhr.url).toBe('/api/v1/projects/42/imports');
    expect(xhr.body?.get('kind')).toBe('spider');
    expect((xhr.body?.getAll('files')[0] as File).name).toBe('spider.zip');
    expect(xhr.body?.get('name')).toBeNull();

    act(() => xhr.progress(50, 200));
    const bar = await screen.findByRole('progressbar', { name: 'Uploading' });
    expect(bar).toHaveAttribute('aria-valuenow', '25');
    expect(screen.getByText(/Uploading 25%/)).toBeInTheDocument();

    act(() => xhr.uploaded());
    expect(await screen.findByRole('progressbar', { name: 'Importing' })).toBeInTheDocument();
    expect(screen.getByRole('button', { name: /Importing/ })).toBeDisabled();

    act(() => xhr.respond(201, spiderSummary));
    const summary = await screen.findByTestId('import-summary');
    expect(within(summary).getByTestId('match-rate')).toHaveTextContent(
      '485 of 499 gold queries (97.2%) match after translation',
    );
    expect(within(summary).getByRole('link', { name: 'concert_singer' })).toHaveAttribute('href', '/projects/42/databases/9');
    expect(within(summary).getByText('1 warning')).toBeInTheDocument();
    expect(within(summary).getByText(/Capacity: 1 value is not a number/)).toBeInTheDocument();
    expect(within(summary).getByText(/1 gold query does not match after translation/)).toBeInTheDocument();
    expect(within(summary).getByText('rows differ')).toBeInTheDocument();
  });

  it('sends the name and every CSV file, and the target database for questions', async () => {
    const { upload, user, form } = await openImport();
    await user.upload(within(form).getByLabelText('Files'), [
      new File(['a,b\n1,2\n'], 'one.csv', { type: 'text/csv' }),
      new File(['a\tb\n1\t2\n'], 'two.tsv', { type: 'text/tab-separated-values' }),
    ]);
    await user.type(within(form).getByLabelText('Database name (optional)'), 'olympics');
    await user.click(within(form).getByRole('button', { name: 'Import' }));
    expect(upload.xhr.body?.get('kind')).toBe('csv');
    expect(upload.xhr.body?.get('name')).toBe('olympics');
    expect(upload.xhr.body?.getAll('files').map((f) => (f as File).name)).toEqual(['one.csv', 'two.tsv']);
    expect(upload.xhr.headers['Accept']).toBe('application/json');

    act(() => upload.xhr.respond(201, { databases: [] }));
    await user.click(await screen.findByRole('button', { name: 'Import more' }));
    const again = screen.getByRole('form', { name: 'Import' });
    await user.click(within(again).getByLabelText('Questions CSV'));
    await user.selectOptions(within(again).getByLabelText('Target database'), 'medals');
    await user.upload(within(again).getByLabelText('File'), new File(['question\nhow many?\n'], 'q.csv'));
    await user.click(within(again).getByRole('button', { name: 'Import' }));
    expect(upload.xhr.body?.get('kind')).toBe('questions');
    expect(upload.xhr.body?.get('database')).toBe('medals');
  });

  it('shows which file could not be read on a 400', async () => {
    const { upload, user, form } = await openImport();
    await user.upload(within(form).getByLabelText('Files'), new File(['\u0000'], 'broken.csv'));
    await user.click(within(form).getByRole('button', { name: 'Import' }));
    const err = errorReply(400, 'invalid_input', 'invalid input', {
      fields: { files: 'broken.csv: not a CSV or TSV file' },
    }).body;
    act(() => upload.xhr.respond(400, err));
    const field = await within(form).findByText('broken.csv: not a CSV or TSV file');
    expect(field).toHaveAttribute('role', 'alert');
    expect(within(form).getByLabelText('Files')).toHaveAttribute('aria-invalid', 'true');
  });
});
