import { fireEvent, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { beforeEach, describe, expect, it } from 'vitest';
import { database, portsTable } from '../../test/fixtures';
import { errorReply, mockApi, projectRoutes, type MockReply } from '../../test/mockApi';
import { renderApp } from '../../test/render';
import type { AnnotationTask, AnnotatorStatus, SubmitResult } from '../../shared/loop';
import { withCitation } from './GuidelinePanel';

const P = '/api/v1/projects/42';

function task(overrides: Partial<AnnotationTask> = {}): AnnotationTask {
  return {
    item: { id: 9, project_id: 42, nlq_id: 31, slot: 0, status: 'claimed', claimed_by: 7, lease_until: null, version: 3, created_at: '', done_at: null },
    question: 'How many ports are there?',
    database_id: 5,
    target_values: ['3'],
    guideline_version: 2,
    blind: true,
    ...overrides,
  };
}

const submitted: SubmitResult = {
  annotation: { id: 1, item_id: 9, nlq_id: 31, user_id: 7, candidate_id: 70, skipped_reason: null, comment: '', guideline_version: null, elapsed_ms: 1000, created_at: '' },
  candidate: { id: 70, nlq_id: 31, source: 'human', sql: 'SELECT count(*) FROM ports', original_sql: null, original_dialect: null, translation: null, verification: null, result_fingerprint: null, row_count: 1, error: null, elapsed_ms: 1, agent_run_id: null, pipeline_run_id: null, warnings: null, created_at: '' },
  result: 'disagreed',
  comparison: { id: 4, nlq_id: 31, candidate_a_id: 60, candidate_b_id: 70, match: false, reason: 'different values in row 1', guideline_version: 2, created_at: '' },
  comparisons: null,
  review_item_id: 12,
  audited: false,
  awaiting: 0,
  agent_sql: 'SELECT count(DISTINCT name) FROM ports',
};

const status: AnnotatorStatus = {
  total: 10,
  done: 4,
  pending: 5,
  claimed: 1,
  submitted: 3,
  skipped: 1,
  recent: [
    {
      item_id: 8,
      nlq_id: 30,
      question: 'Which port is the oldest?',
      status: 'submitted',
      sql: 'SELECT name FROM ports ORDER BY opened LIMIT 1',
      skipped_reason: null,
      comment: 'assumed opened means founding year',
      at: '2026-12-07T10:00:00Z',
      reopenable: true,
    },
    {
      item_id: 7,
      nlq_id: 29,
      question: 'Name every harbour master.',
      status: 'skipped',
      sql: null,
      skipped_reason: 'bad_question',
      comment: '',
      at: '2026-12-07T09:00:00Z',
      reopenable: false,
    },
  ],
};

function setup(nexts: MockReply[], extra: Record<string, MockReply | ((c: { body: unknown }) => MockReply)> = {}) {
  let n = 0;
  return mockApi({
    ...projectRoutes('annotator'),
    [`POST ${P}/annotation/next`]: () => nexts[Math.min(n++, nexts.length - 1)],
    [`GET ${P}/databases/5`]: { body: { database: database(), tables: [portsTable] } },
    [`POST ${P}/databases/5/query`]: { body: { columns: [{ name: 'count', type: 'bigint' }], rows: [[3]], row_count: 1, truncated: false, elapsed_ns: 1e6 } },
    [`GET ${P}/annotation/status`]: { body: status },
    [`GET ${P}/databases/5/search`]: {
      body: { query: 'rotterdam', tables: 1, hits: [{ table: 'ports', score: 3, matches: [{ field: 'value', column: 'name', text: 'Rotterdam' }] }] },
    },
    ...extra,
  });
}

const editorText = (label = 'Your SQL') => screen.getByRole('textbox', { name: label }).textContent ?? '';
const ctrl = (key: string, target: Element = document.body) => fireEvent.keyDown(target, { key, ctrlKey: true });

beforeEach(() => localStorage.clear());
describe('annotate', () => {
  it('claims, restores the draft, submits with Ctrl-S (version, elapsed), shows the outcome, N goes next', async () => {
    localStorage.setItem('goldset:draft:42:9', 'SELECT count(*) FROM ports');
    const { calls } = setup([{ body: task() }, { status: 204 }], { [`POST ${P}/annotation/items/9/submit`]: { body: submitted } });
    const user = userEvent.setup();
    renderApp('/projects/42/annotate');
    await user.click(await screen.findByRole('button', { name: 'Start annotating' }));

    expect(await screen.findByTestId('question')).toHaveTextContent('How many ports are there?');
    expect(screen.getByRole('link', { name: 'Guidelines v2' })).toHaveAttribute('href', '/projects/42/guidelines');
    // Blind: the reference answer and the agent's SQL are not shown.
    expect(screen.queryByText('SELECT count(DISTINCT name) FROM ports')).not.toBeInTheDocument();
    expect(screen.getByText(/stays hidden/)).toBeInTheDocument();
    await screen.findByRole('complementary', { name: 'Schema' });
    expect(screen.getByText('Restored your draft for this item.')).toBeInTheDocument();
    expect(editorText()).toBe('SELECT count(*) FROM ports');
    expect(screen.getByRole('button', { name: /Submit/ })).toHaveTextContent(/Ctrl\+S|⌘S/);

    // Ctrl-Enter previews through the query endpoint.
    fireEvent.keyDown(screen.getByRole('textbox', { name: 'Your SQL' }), { key: 'Enter', keyCode: 13, ctrlKey: true });
    expect(await screen.findByTestId('row-count')).toHaveTextContent('1 row');

    ctrl('s', screen.getByRole('textbox', { name: 'Your SQL' }));
    const outcome = await screen.findByTestId('outcome');
    const submit = calls.find((c) => c.path === `${P}/annotation/items/9/submit`)!;
    expect(submit.body).toMatchObject({ version: 3, sql: 'SELECT count(*) FROM ports' });
    expect(typeof (submit.body as { elapsed_ms: unknown }).elapsed_ms).toBe('number');
    expect(within(outcome).getByTestId('verdict')).toHaveTextContent('DISAGREED');
    expect(outcome).toHaveTextContent('different values in row 1');
    expect(outcome).toHaveTextContent('review item #12');
    const codes = within(outcome).getAllByTestId('sql-code');
    expect(codes[0]).toHaveTextContent('SELECT count(DISTINCT name) FROM ports');
    expect(codes[1]).toHaveTextContent('SELECT count(*) FROM ports');
    // The draft is gone once submitted.
    expect(localStorage.getItem('goldset:draft:42:9')).toBeNull();

    fireEvent.keyDown(document.body, { key: 'n' });
    expect(await screen.findByText('Nothing to annotate right now')).toBeInTheDocument();
    expect(calls.filter((c) => c.path === `${P}/annotation/next`)).toHaveLength(2);
  });

  it('shows a no-agent outcome and goes next with Enter', async () => {
    localStorage.setItem('goldset:draft:42:9', 'SELECT 1');
    setup([{ body: task() }, { status: 204 }], {
      [`POST ${P}/annotation/items/9/submit`]: { body: { ...submitted, result: 'no_agent', comparison: undefined, review_item_id: undefined, agent_sql: undefined } },
    });
    const user = userEvent.setup();
    renderApp('/projects/42/annotate');
    await user.click(await screen.findByRole('button', { name: 'Start annotating' }));
    await screen.findByTestId('question');
    await user.click(screen.getByRole('button', { name: /Submit/ }));
    expect(await screen.findByTestId('verdict')).toHaveTextContent('NO AGENT');
    expect(screen.getByText('The agent has no SQL for this question.')).toBeInTheDocument();
    (document.activeElement as HTMLElement).blur();
    fireEvent.keyDown(document.body, { key: 'Enter' });
    expect(await screen.findByText('Nothing to annotate right now')).toBeInTheDocument();
  });

  it('says whom the SQL agreed with and who is still to submit', async () => {
    localStorage.setItem('goldset:draft:42:9', 'SELECT count(*) FROM ports');
    const agent = { ...submitted.comparison!, id: 4, match: true, reason: '' };
    const other = { ...submitted.comparison!, id: 5, candidate_a_id: 66, match: true, reason: '' };
    setup([{ body: task() }], {
      [`POST ${P}/annotation/items/9/submit`]: {
        body: { ...submitted, result: 'agreed', comparisons: [agent, other], comparison: agent, review_item_id: undefined, awaiting: 1 },
      },
    });
    const user = userEvent.setup();
    renderApp('/projects/42/annotate');
    await user.click(await screen.findByRole('button', { name: 'Start annotating' }));
    await screen.findByTestId('question');
    await user.click(screen.getByRole('button', { name: /Submit/ }));
    const verdict = await screen.findByTestId('verdict');
    expect(verdict).toHaveTextContent('AGREED SO FAR');
    expect(within(verdict).getByTestId('agreement')).toHaveTextContent('You agreed with the agent and 1 other annotator; waiting for 1 more annotator.');
    expect(verdict).toHaveTextContent('waiting for 1 more');
    const list = screen.getByRole('list', { name: 'Comparisons' });
    expect(within(list).getAllByRole('listitem').map((li) => li.textContent)).toEqual(['The agent: same result', 'Another annotator: same result']);
  });

  it('saves drafts as you type, per item', async () => {
    setup([{ body: task() }]);
    const user = userEvent.setup();
    renderApp('/projects/42/annotate');
    await user.click(await screen.findByRole('button', { name: 'Start annotating' }));
    const schema = await screen.findByRole('complementary', { name: 'Schema' });
    await user.click(within(schema).getByRole('button', { name: 'Query ports' }));
    expect(editorText()).toBe('SELECT * FROM ports LIMIT 20');
    await waitFor(() => expect(localStorage.getItem('goldset:draft:42:9')).toBe('SELECT * FROM ports LIMIT 20'));
  });

  it('finds a value beside the editor and inserts it as a condition, without the skip key firing', async () => {
    setup([{ body: task() }]);
    const user = userEvent.setup();
    renderApp('/projects/42/annotate');
    await user.click(await screen.findByRole('button', { name: 'Start annotating' }));
    await user.type(await screen.findByRole('searchbox', { name: 'Find tables, columns and values' }), 'rotterdam k');
    expect(screen.queryByRole('dialog')).toBeNull();
    await user.click(await screen.findByRole('button', { name: /name = “Rotterdam”/ }));
    expect(editorText()).toContain("name = 'Rotterdam'");
  });

  it('skips with a reason picked by its key', async () => {
    const { calls } = setup([{ body: task() }, { status: 204 }], { [`POST ${P}/annotation/items/9/skip`]: { body: { annotation: {} } } });
    const user = userEvent.setup();
    renderApp('/projects/42/annotate');
    await user.click(await screen.findByRole('button', { name: 'Start annotating' }));
    await screen.findByTestId('question');
    fireEvent.keyDown(document.body, { key: 'k' });
    const dialog = await screen.findByRole('dialog', { name: 'Skip this question' });
    fireEvent.keyDown(document.activeElement ?? document.body, { key: '2' });
    expect(within(dialog).getByRole('radio', { name: /Unanswerable/ })).toBeChecked();
    fireEvent.keyDown(document.activeElement ?? document.body, { key: '3' });
    expect(within(dialog).getByRole('radio', { name: /Bad question/ })).toBeChecked();
    fireEvent.keyDown(document.body, { key: 'Enter' });
    await screen.findByText('Nothing to annotate right now');
    expect(calls.find((c) => c.path.endsWith('/skip'))?.body).toEqual({ version: 3, reason: 'bad_question' });
  });

  it('says when the claim expired and gets a new item', async () => {
    localStorage.setItem('goldset:draft:42:9', 'SELECT 1');
    const { calls } = setup([{ body: task() }, { body: task({ item: { ...task().item, id: 10 }, question: 'Second?' }) }], {
      [`POST ${P}/annotation/items/9/submit`]: errorReply(409, 'conflict', 'your claim expired: ask for the next item again'),
    });
    const user = userEvent.setup();
    renderApp('/projects/42/annotate');
    await user.click(await screen.findByRole('button', { name: 'Start annotating' }));
    await screen.findByTestId('question');
    ctrl('s');
    expect(await screen.findByText('This item is no longer yours')).toBeInTheDocument();
    expect(screen.getByText('your claim expired: ask for the next item again')).toBeInTheDocument();
    await user.click(screen.getByRole('button', { name: 'Get a new item' }));
    expect(await screen.findByText('Second?')).toBeInTheDocument();
    expect(calls.filter((c) => c.path === `${P}/annotation/next`)).toHaveLength(2);
  });

  it('shows the empty state on 204', async () => {
    setup([{ status: 204 }]);
    const user = userEvent.setup();
    renderApp('/projects/42/annotate');
    await user.click(await screen.findByRole('button', { name: 'Start annotating' }));
    expect(await screen.findByText('Nothing to annotate right now')).toBeInTheDocument();
  });

  it('shows progress and recent answers, and reopening an answer claims it again', async () => {
    const { calls } = setup([{ body: task({ item: { ...task().item, id: 8 }, question: 'Which port is the oldest?' }) }], {
      [`POST ${P}/annotation/items/8/reopen`]: { body: { item: task().item } },
    });
    const user = userEvent.setup();
    renderApp('/projects/42/annotate');
    expect(await screen.findByTestId('annotation-progress')).toHaveTextContent('4 of 10 annotation slots done · you answered 3 and skipped 1');
    const table = screen.getByRole('table', { name: 'Your recent answers' });
    expect(within(table).getByText('assumed opened means founding year', { exact: false })).toBeInTheDocument();
    expect(within(table).getByText('Skipped (bad question)')).toBeInTheDocument();
    // Only the answer nobody acted on can be reopened.
    expect(within(table).getAllByRole('button', { name: 'Reopen' })).toHaveLength(1);

    await user.click(within(table).getByRole('button', { name: 'Reopen' }));
    expect(await screen.findByTestId('question')).toHaveTextContent('Which port is the oldest?');
    expect(calls.some((c) => c.method === 'POST' && c.path === `${P}/annotation/items/8/reopen`)).toBe(true);
  });

  it('sends the comment for reviewers with the SQL', async () => {
    localStorage.setItem('goldset:draft:42:9', 'SELECT count(*) FROM ports');
    const { calls } = setup([{ body: task() }], { [`POST ${P}/annotation/items/9/submit`]: { body: submitted } });
    const user = userEvent.setup();
    renderApp('/projects/42/annotate');
    await user.click(await screen.findByRole('button', { name: 'Start annotating' }));
    await user.type(await screen.findByRole('textbox', { name: /Comment for reviewers/ }), '  counts ports with no ships too ');
    await user.click(screen.getByRole('button', { name: /Submit/ }));
    await screen.findByTestId('outcome');
    const submit = calls.find((c) => c.path === `${P}/annotation/items/9/submit`)!;
    expect(submit.body).toMatchObject({ version: 3, comment: 'counts ports with no ships too' });
  });

  it('G shows the task’s guideline version beside the editor, rule by rule, and the choice is kept', async () => {
    const guideline = {
      version: 2, summary: '', author_id: 1, author_email: null, author_name: null, rule_count: 2, created_at: '', project_id: 42,
      markdown: '## R1: Count rows, not names\nUse count(*).\n## R2: Order ties\nBreak ties by id.',
      rules: [
        { id: 'R1', title: 'Count rows, not names', text: 'Use count(*) unless the question asks for distinct values.' },
        { id: 'R2', title: 'Order ties', text: 'Break ties by id.' },
      ],
    };
    const { calls } = setup([{ body: task() }], { [`GET ${P}/guidelines/2`]: { body: { guideline } } });
    const user = userEvent.setup();
    renderApp('/projects/42/annotate');
    await user.click(await screen.findByRole('button', { name: 'Start annotating' }));
    await screen.findByTestId('question');
    const toggle = screen.getByRole('button', { name: /Guidelines v2/ });
    expect(toggle).toHaveAttribute('aria-expanded', 'false');
    expect(calls.some((c) => c.path === `${P}/guidelines/2`)).toBe(false);

    await user.keyboard('g');
    const rules = await screen.findByRole('list', { name: 'Guideline rules' });
    expect(toggle).toHaveAttribute('aria-expanded', 'true');
    expect(within(rules).getAllByRole('listitem')).toHaveLength(2);
    await user.click(within(rules).getByText('Count rows, not names'));
    expect(within(rules).getByText(/unless the question asks for distinct values/)).toBeVisible();
    expect(localStorage.getItem('goldset:annotate:guidelines-open')).toBe('1');

    // Search narrows the rules (matching rules open); a rule is cited into the comment once.
    await user.type(screen.getByRole('searchbox', { name: 'Search rules' }), 'ties');
    expect(within(rules).getAllByRole('listitem')).toHaveLength(1);
    expect(within(rules).getByText('Break ties by id.')).toBeVisible();
    await user.click(within(rules).getByRole('button', { name: 'Cite R2 in the comment' }));
    await user.click(within(rules).getByRole('button', { name: 'Cite R2 in the comment' }));
    expect(screen.getByRole('textbox', { name: /Comment for reviewers/ })).toHaveValue('R2');
    await user.clear(screen.getByRole('searchbox', { name: 'Search rules' }));
    await user.type(screen.getByRole('searchbox', { name: 'Search rules' }), 'nothing like this');
    expect(screen.getByText('No rule mentions “nothing like this”.')).toBeInTheDocument();

    // Typing a "g" in the SQL editor writes it; it does not hide the panel.
    await user.click(screen.getByRole('textbox', { name: 'Your SQL' }));
    await user.keyboard('g');
    expect(toggle).toHaveAttribute('aria-expanded', 'true');
    await user.click(toggle);
    expect(toggle).toHaveAttribute('aria-expanded', 'false');
    expect(screen.queryByRole('list', { name: 'Guideline rules' })).not.toBeInTheDocument();
  });

  it('cites a rule at the end of a comment, once, telling R1 from R12', () => {
    expect(withCitation('', 'R1')).toBe('R1');
    expect(withCitation('chose the newest  ', 'R1')).toBe('chose the newest R1');
    expect(withCitation('see R12', 'R1')).toBe('see R12 R1');
    expect(withCitation('R1 applies', 'R1')).toBe('R1 applies');
    expect(withCitation('per (R1).', 'R1')).toBe('per (R1).');
  });
});
