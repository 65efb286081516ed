import { act, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';
import { agentRun, step, steps } from '../../test/agentFixtures';
import { FakeEventSource, withFakeEventSource } from '../../test/fakeEventSource';
import { database } from '../../test/fixtures';
import { adminUser, errorReply, meReply, mockApi, plainUser, project, projectRoutes } from '../../test/mockApi';
import { renderApp } from '../../test/render';

withFakeEventSource();
const ES = FakeEventSource;

const NOT_CONFIGURED =
  'no language model is configured: an admin sets the endpoint under Settings → Language model, or set GOLDSET_LLM_BASE_URL, GOLDSET_LLM_API_KEY and GOLDSET_LLM_MODEL';

describe('trajectory view', () => {
  it('renders thoughts, each tool, SQL with its result, warnings and confidence', async () => {
    mockApi({
      ...projectRoutes('reviewer'),
      'GET /api/v1/projects/42/agent/runs/77': { body: { run: { ...agentRun(), steps } } },
    });
    renderApp('/projects/42/agent/77');

    const status = await screen.findByTestId('trajectory-status');
    expect(status).toHaveTextContent('Answered');
    expect(status).toHaveTextContent('3 samples');
    // A finished run is not streamed.
    expect(ES.instances).toHaveLength(0);

    const answer = screen.getByTestId('final-answer');
    expect(within(answer).getByTestId('sql-code')).toHaveTextContent('SELECT count(*) FROM singer');
    expect(within(answer).getByText('SELECT').className).toBe('tok-keyword');
    expect(answer).toHaveTextContent('Counts every singer.');
    expect(within(answer).getByText('Confidence 67%')).toBeInTheDocument();
    const warnings = within(answer).getByRole('list', { name: 'Rule warnings' });
    expect(within(warnings).getByText('no-limit-without-order')).toHaveClass('badge-warning');
    expect(warnings).toHaveTextContent('LIMIT without ORDER BY returns arbitrary rows');
    expect(within(within(answer).getByRole('region', { name: 'Final answer result' })).getByRole('cell', { name: '6' })).toBeInTheDocument();
    // Reviewers read; they do not save.
    expect(screen.queryByRole('button', { name: 'Save as question' })).not.toBeInTheDocument();

    const timeline = screen.getByRole('region', { name: 'Trajectory' });
    const items = within(timeline).getAllByTestId('step');
    expect(items.map((el) => el.dataset.tool)).toEqual(['model', 'explore_db', 'scratchpad', 'run_sql_query', 'run_sql_query', 'give_final_answer']);
    // The model's thoughts, markdown-ish.
    expect(within(items[0]).getByText('tables').tagName).toBe('STRONG');
    expect(within(items[0]).getByText('count them').tagName).toBe('LI');
    expect(items[0]).toHaveTextContent('1,260 tokens');
    expect(items[0]).toHaveTextContent('840 ms');
    expect(items[1]).toHaveTextContent('Explore the database: describe singer');
    expect(items[1]).toHaveTextContent('CREATE TABLE singer');
    expect(items[2]).toHaveTextContent('Count every row of singer.');
    expect(within(items[3]).getByTestId('sql-code')).toHaveTextContent('SELECT count(*) FROM singer');
    expect(within(within(items[3]).getByRole('region', { name: 'Result of step 4' })).getByRole('cell', { name: '6' })).toBeInTheDocument();
    expect(within(items[4]).getByTestId('query-error')).toHaveTextContent('column "nope" does not exist');
    expect(items[5]).toHaveTextContent('Counts the singers.');
  });

  it('groups the steps of several samples', async () => {
    mockApi({
      ...projectRoutes('lead'),
      'GET /api/v1/projects/42/agent/runs/77': {
        body: { run: { ...agentRun(), steps: [step({ sample: 0, kind: 'model', content: 'a' }), step({ sample: 1, kind: 'model', content: 'b' })] } },
      },
    });
    renderApp('/projects/42/agent/77');
    expect(await screen.findByRole('heading', { name: 'Sample 1' })).toBeInTheDocument();
    expect(screen.getByRole('heading', { name: 'Sample 2' })).toBeInTheDocument();
  });
});

describe('agent tab', () => {
  const routes = (role: 'lead' | 'admin', extra = {}) => ({
    'GET /api/v1/auth/me': meReply(role === 'admin' ? adminUser : plainUser),
    'GET /api/v1/projects/42': { body: { project: project(role) } },
    'GET /api/v1/projects/42/databases': { body: { databases: [database({ id: 9, name: 'concert_singer' })] } },
    'GET /api/v1/projects/42/agent/runs': { body: { runs: [agentRun({ id: 70, question: 'An older question', status: 'budget' })] } },
    ...extra,
  });

  /** As `role`, ask the agent a question while no language model is configured. */
  async function askWithoutModel(role: 'admin' | 'lead') {
    mockApi(routes(role, { 'POST /api/v1/projects/42/agent/ask': errorReply(409, 'llm_not_configured', NOT_CONFIGURED) }));
    const user = userEvent.setup();
    renderApp('/projects/42/agent');
    const form = await screen.findByRole('form', { name: 'Try the agent' });
    await user.type(within(form).getByLabelText('Question'), 'How many?');
    await user.click(within(form).getByRole('button', { name: /Ask the agent/ }));
  }

  it('asks with Ctrl-Enter, streams the trajectory live and saves it as a question', async () => {
    const running = agentRun({ status: 'running', finished_at: null, sql: '', explanation: '', warnings: [], confidence: null, samples: 1 });
    const { calls } = mockApi(
      routes('lead', {
        'POST /api/v1/projects/42/agent/ask': { status: 201, body: { run: running } },
        'GET /api/v1/projects/42/agent/runs/77': { body: { run: { ...running, steps: [] } } },
        'POST /api/v1/projects/42/agent/runs/77/save': { status: 201, body: { nlq: { id: 501 } } },
      }),
    );
    const user = userEvent.setup();
    renderApp('/projects/42/agent');

    // Past runs, with their status.
    expect(await screen.findByRole('link', { name: 'An older question' })).toHaveAttribute('href', '/projects/42/agent/70');
    const form = await screen.findByRole('form', { name: 'Try the agent' });
    await user.clear(within(form).getByLabelText('Samples'));
    await user.type(within(form).getByLabelText('Samples'), '1');
    await user.type(within(form).getByLabelText('Question'), 'How many singers do we have?');
    await user.keyboard('{Control>}{Enter}{/Control}');

    const status = await screen.findByTestId('trajectory-status');
    expect(calls.find((c) => c.method === 'POST')?.body).toEqual({ database_id: 9, question: 'How many singers do we have?', samples: 1 });
    expect(status).toHaveTextContent('Running');
    expect(await screen.findByText('Waiting for the first step…')).toBeInTheDocument();

    const stream = ES.last;
    expect(stream.url).toBe('/api/v1/projects/42/agent/runs/77/stream');
    act(() => {
      stream.open();
      stream.emit('step', steps[0]);
      stream.emit('step', steps[3]);
      stream.emit('step', steps[0]); // a duplicate is ignored
    });
    expect(screen.getAllByTestId('step')).toHaveLength(2);
    expect(screen.getByText('Thinking…')).toBeInTheDocument();

    act(() => {
      stream.emit('step', steps[5]);
      stream.emit('run', { ...running, status: 'answered', sql: 'SELECT count(*) FROM singer', explanation: 'Counts them.', finished_at: '2025-01-05T10:00:12Z' });
      stream.emit('done', { status: 'answered' });
    });
    expect(stream.closed).toBe(true);
    expect(status).toHaveTextContent('Answered');
    const answer = screen.getByTestId('final-answer');
    expect(answer).toHaveTextContent('Counts them.');
    // One sample: no confidence.
    expect(within(answer).queryByText(/Confidence/)).not.toBeInTheDocument();

    await user.clear(within(answer).getByLabelText('Question to save'));
    await user.type(within(answer).getByLabelText('Question to save'), 'How many singers are there?');
    await user.click(within(answer).getByRole('button', { name: 'Save as question' }));
    expect(await screen.findByRole('link', { name: 'Open the Questions tab' })).toHaveAttribute('href', '/projects/42/questions');
    expect(calls.find((c) => c.path.endsWith('/save'))?.body).toEqual({ question: 'How many singers are there?' });
    expect(screen.getByRole('link', { name: 'Open Questions' })).toBeInTheDocument();
  });

  it('follows the run by polling when the stream fails', async () => {
    const running = agentRun({ status: 'running', finished_at: null, samples: 1 });
    let polls = 0;
    mockApi(
      routes('lead', {
        'GET /api/v1/projects/42/agent/runs/77': () => {
          polls++;
          return { body: { run: polls < 2 ? { ...running, steps: [] } : { ...agentRun({ samples: 1 }), steps } } };
        },
      }),
    );
    renderApp('/projects/42/agent/77');
    await screen.findByText('Waiting for the first step…');
    await waitFor(() => expect(ES.instances).toHaveLength(1));
    act(() => ES.last.fail());
    expect(ES.last.closed).toBe(true);
    expect(await screen.findByTestId('final-answer', {}, { timeout: 4000 })).toBeInTheDocument();
    expect(screen.getAllByTestId('step')).toHaveLength(steps.length);
  });

  it('says clearly when no language model is configured, with the settings link for admins', async () => {
    await askWithoutModel('admin');
    expect(await screen.findByTestId('llm-not-configured')).toHaveTextContent(/^No language model is configured: an admin sets/);
    expect(screen.getByRole('link', { name: 'Open Language model settings' })).toHaveAttribute('href', '/settings/llm');
  });

  it('tells a lead who is not an admin to ask one', async () => {
    await askWithoutModel('lead');
    expect(await screen.findByText(/Ask an administrator/)).toBeInTheDocument();
    expect(screen.queryByRole('link', { name: 'Open Language model settings' })).not.toBeInTheDocument();
  });

  it('shows reviewers the runs without the form', async () => {
    mockApi({ ...routes('lead'), 'GET /api/v1/projects/42': { body: { project: project('reviewer') } } });
    renderApp('/projects/42/agent');
    expect(await screen.findByRole('link', { name: 'An older question' })).toBeInTheDocument();
    expect(screen.getByText('Out of budget')).toBeInTheDocument();
    expect(screen.queryByRole('form', { name: 'Try the agent' })).not.toBeInTheDocument();
  });
});
