import { act, fireEvent, render, screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { MemoryRouter } from 'react-router';
import { describe, expect, it, vi } from 'vitest';
import { AppRoutes, createQueryClient, Providers } from '../../App';
import type { HistoryEntry, Nlq } from '../../shared/api';
import { database, portsTable, shipsTable } from '../../test/fixtures';
import { errorReply, mockApi, projectRoutes, type MockReply, type RecordedCall } from '../../test/mockApi';
import { questionKeys } from '../questions/keys';

const base = '/api/v1/projects/42/databases/5';
const write = 'POST /api/v1/projects/42/nlqs';
const SQL = 'SELECT name FROM ports';

const history: HistoryEntry[] = [
  { id: 3, database_id: 5, sql: SQL, row_count: 3, error: null, elapsed_ms: 1.2, created_at: '2025-01-05T10:00:00Z' },
];

function saved(id: number, question: string): Nlq {
  return {
    id,
    project_id: 42,
    question,
    stage: 'human-seed',
    origin_key: null,
    parent_id: null,
    evidence: '',
    gold_candidate_id: null,
    status: 'new',
    origin: { kind: 'written', author_id: 7 },
    target_values: null,
    database_id: 5,
    database_name: 'medals',
    created_at: '2025-01-06T10:00:00Z',
    candidate: null,
  };
}

/** The database page for an annotator, with the query client at hand to watch invalidations. */
function setup(routes: Record<string, MockReply | ((c: RecordedCall) => MockReply)>, entries = history) {
  const api = mockApi({
    ...projectRoutes('annotator'),
    [`GET ${base}`]: { body: { database: database(), tables: [shipsTable, portsTable] } },
    [`GET ${base}/history`]: { body: { history: entries } },
    ...routes,
  });
  const client = createQueryClient();
  client.setDefaultOptions({ queries: { ...client.getDefaultOptions().queries, retry: false } });
  const invalidate = vi.spyOn(client, 'invalidateQueries');
  render(
    <Providers client={client}>
      <MemoryRouter initialEntries={['/projects/42/databases/5']}>
        <AppRoutes />
      </MemoryRouter>
    </Providers>,
  );
  return { ...api, invalidate };
}

const posts = (calls: RecordedCall[]) => calls.filter((c) => c.method === 'POST' && c.path === '/api/v1/projects/42/nlqs');
const editorText = () => screen.getByRole('textbox', { name: 'SQL' }).textContent ?? '';
const form = () => screen.getByRole('form', { name: 'Save as a question' });

async function loadSql(user: ReturnType<typeof userEvent.setup>) {
  await user.click(await screen.findByRole('button', { name: new RegExp(SQL) }));
  expect(editorText()).toBe(SQL);
}

describe('save as a question', () => {
  it('saves the question with the runner’s SQL from the keyboard, showing progress, then links to it', async () => {
    const question = 'Which ports are there?';
    const { calls, fetchMock, invalidate } = setup({
      [write]: { status: 201, body: { nlq: saved(12, question), result: { columns: [], rows: [], row_count: 3, truncated: false } } },
    });
    // Hold the answer back, to see the progress.
    const answer = fetchMock.getMockImplementation()!;
    let release = () => {};
    const held = new Promise<void>((r) => (release = r));
    fetchMock.mockImplementation(async (input, init) => {
      if (init?.method === 'POST' && String(input).endsWith('/nlqs')) await held;
      return answer(input, init);
    });
    const user = userEvent.setup();
    await loadSql(user);

    // The shortcut goes to the question while it is empty, and saves once it is written.
    const field = within(form()).getByLabelText('Question');
    await user.keyboard('{Control>}{Shift>}S{/Shift}{/Control}');
    expect(field).toHaveFocus();
    expect(posts(calls)).toHaveLength(0);
    await user.type(field, question);
    expect(within(form()).getByRole('button', { name: /^Save as question/ })).toHaveTextContent('Ctrl+Shift+S');
    await user.keyboard('{Control>}{Shift>}S{/Shift}{/Control}');

    const button = within(form()).getByRole('button', { name: /^Save as question/ });
    await vi.waitFor(() => expect(button).toHaveAttribute('aria-busy', 'true'));
    expect(within(form()).getByText('Running the SQL and saving…')).toBeInTheDocument();
    await act(async () => release());

    const done = await within(form()).findByTestId('question-saved');
    expect(done).toHaveTextContent('Saved as question 12: its SQL returned 3 rows.');
    expect(within(done).getByRole('link', { name: 'question 12' })).toHaveAttribute('href', '/projects/42/questions/12');
    expect(posts(calls).map((c) => c.body)).toEqual([{ database_id: 5, question, sql: SQL }]);
    // The question is cleared for the next one; the SQL stays.
    expect(field).toHaveValue('');
    expect(editorText()).toBe(SQL);
    expect(invalidate).toHaveBeenCalledWith({ queryKey: questionKeys.all('42') });
    expect(invalidate).toHaveBeenCalledWith({ queryKey: questionKeys.facets('42') });
  });

  it('saves without SQL when the editor is empty, and says so on the button', async () => {
    const { calls } = setup({ [write]: { status: 201, body: { nlq: saved(13, 'Who won the most gold?') } } }, []);
    const user = userEvent.setup();
    const field = await within(await screen.findByRole('form', { name: 'Save as a question' })).findByLabelText('Question');
    expect(within(form()).getByText(/The editor is empty/)).toBeInTheDocument();
    await user.type(field, '  Who won the most gold?  ');
    // Ctrl-Enter in the question saves too.
    await user.keyboard('{Control>}{Enter}{/Control}');
    expect(await within(form()).findByTestId('question-saved')).toHaveTextContent('Saved as question 13, without SQL.');
    expect(within(form()).getByRole('button', { name: /^Save question without SQL/ })).toBeInTheDocument();
    expect(posts(calls).map((c) => c.body)).toEqual([{ database_id: 5, question: 'Who won the most gold?' }]);
  });

  it('shows SQL that does not run under the editor and keeps everything typed', async () => {
    const message = 'does not run: column "name" does not exist';
    const { calls } = setup({
      [write]: errorReply(400, 'invalid_input', 'invalid input', { fields: { sql: message } }),
      [`POST ${base}/query`]: { body: { columns: [], rows: [], row_count: 0, truncated: false } },
    });
    const user = userEvent.setup();
    await loadSql(user);
    const field = within(form()).getByLabelText('Question');
    await user.type(field, 'Which ports are there?');
    await user.click(within(form()).getByRole('button', { name: /^Save as question/ }));

    const error = await screen.findByTestId('question-sql-error');
    expect(error).toHaveTextContent(`Not saved as a question: the SQL ${message}`);
    expect(error).toHaveAttribute('role', 'alert');
    // Under the editor, not in the question's form.
    expect(error.closest('.editor-panel')).toContainElement(screen.getByRole('textbox', { name: 'SQL' }));
    expect(field).toHaveValue('Which ports are there?');
    expect(field).not.toHaveAttribute('aria-invalid');
    expect(editorText()).toBe(SQL);
    expect(within(form()).queryByTestId('question-saved')).not.toBeInTheDocument();

    // Running the SQL again lets its result speak for it.
    await user.click(screen.getByRole('button', { name: /^Run/ }));
    await vi.waitFor(() => expect(screen.queryByTestId('question-sql-error')).not.toBeInTheDocument());
    expect(posts(calls)).toHaveLength(1);
  });

  it('shows the server’s word on the question under the field', async () => {
    setup({ [write]: errorReply(400, 'invalid_input', 'invalid input', { fields: { question: 'is longer than 2,000 bytes' } }) });
    const user = userEvent.setup();
    await loadSql(user);
    const field = within(form()).getByLabelText('Question');
    await user.type(field, 'Ports?');
    await user.click(within(form()).getByRole('button', { name: /^Save as question/ }));
    expect(await within(form()).findByText('is longer than 2,000 bytes')).toHaveClass('field-error');
    expect(field).toHaveAttribute('aria-invalid', 'true');
    expect(field).toHaveValue('Ports?');
  });

  it('names the question already asked, with a link to it, and keeps what was typed', async () => {
    setup({ [write]: errorReply(409, 'conflict', 'this question was already asked about this database (question 7)') });
    const user = userEvent.setup();
    await loadSql(user);
    const field = within(form()).getByLabelText('Question');
    await user.type(field, 'Which ports are there?');
    await user.click(within(form()).getByRole('button', { name: /^Save as question/ }));

    const duplicate = await within(form()).findByTestId('question-duplicate');
    expect(duplicate).toHaveTextContent('this question was already asked about this database (question 7)');
    expect(within(duplicate).getByRole('link', { name: 'question 7' })).toHaveAttribute('href', '/projects/42/questions/7');
    expect(field).toHaveValue('Which ports are there?');
    expect(editorText()).toBe(SQL);
  });

  it('asks for the question before sending anything, and counts bytes against the limit', async () => {
    const { calls } = setup({});
    const user = userEvent.setup();
    await loadSql(user);
    await user.click(within(form()).getByRole('button', { name: /^Save as question/ }));
    expect(within(form()).getByText('Write the question first.')).toHaveClass('field-error');
    const field = within(form()).getByLabelText('Question');
    expect(field).toHaveFocus();

    // 1,001 two-byte letters: 2,002 bytes.
    fireEvent.change(field, { target: { value: 'é'.repeat(1001) } });
    expect(within(form()).getByText('2,002 / 2,000')).toHaveClass('text-danger');
    await user.click(within(form()).getByRole('button', { name: /^Save as question/ }));
    expect(within(form()).getByText('Too long: at most 2,000 bytes, this is 2,002.')).toBeInTheDocument();
    expect(posts(calls)).toHaveLength(0);
  });

  it('brings the runner back from Compare when the shortcut is pressed there', async () => {
    setup({});
    const user = userEvent.setup();
    await loadSql(user);
    await user.click(screen.getByRole('button', { name: 'Compare' }));
    expect(screen.getByRole('button', { name: 'SQL runner' })).toHaveAttribute('aria-pressed', 'false');
    await user.keyboard('{Control>}{Shift>}S{/Shift}{/Control}');
    expect(screen.getByRole('button', { name: 'SQL runner' })).toHaveAttribute('aria-pressed', 'true');
    await vi.waitFor(() => expect(within(form()).getByLabelText('Question')).toHaveFocus());
  });
});
