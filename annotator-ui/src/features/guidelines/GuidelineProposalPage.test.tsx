import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';
import type { Guideline, Proposal } from './api';
import { adminUser, errorReply, meReply, mockApi, plainUser, project, type MockReply } from '../../test/mockApi';
import { renderApp } from '../../test/render';
import { proposalSummary } from './GuidelineProposalPage';

const P = '/api/v1/projects/42';

const v2: Guideline = {
  version: 2,
  summary: 'Added R3',
  author_id: 7,
  author_email: 'lead@example.com',
  author_name: 'Lea Lead',
  rule_count: 1,
  created_at: '2025-02-01T10:00:00Z',
  project_id: 42,
  markdown: '# Guidelines\n\n## R3: Join on keys\nUse the foreign key.',
  rules: [{ id: 'R3', title: 'Join on keys', text: 'Use the foreign key.' }],
};

const proposal: Proposal = {
  summary: 'Most disagreements come from joins without the foreign key.',
  causes: [
    { cause: 'Joins on names', count: 7, explanation: 'Annotators joined singer to concert by name.', rule: 'R3' },
    { cause: 'Counting rows, not entities', count: 3, explanation: 'count(*) over a join.', rule: 'new rule' },
  ],
  markdown: '# Guidelines\n\n## R3: Join on keys\nUse the foreign key, never a name.\n\n## R: Count entities\nUse count(DISTINCT …).',
  base_version: 2,
  diff: {
    from: 2,
    to: 3,
    hunks: [
      { op: 'equal', lines: ['# Guidelines', '', '## R3: Join on keys'] },
      { op: 'delete', lines: ['Use the foreign key.'] },
      { op: 'insert', lines: ['Use the foreign key, never a name.', '', '## R: Count entities', 'Use count(DISTINCT …).'] },
    ],
    rules: { added: [], removed: [], changed: [{ id: 'R3', title: 'Join on keys' }] },
  },
  disagreements: 12,
  prompt_version: 'guideline_proposal/1',
};

function setup(propose: MockReply | MockReply[], put?: MockReply | ((c: { body: unknown }) => MockReply), user = plainUser) {
  const replies = Array.isArray(propose) ? propose : [propose];
  let n = 0;
  return mockApi({
    'GET /api/v1/auth/me': meReply(user),
    [`GET ${P}`]: { body: { project: project('lead') } },
    [`GET ${P}/guidelines`]: { body: { current: v2, versions: [v2] } },
    [`POST ${P}/guidelines/propose`]: () => replies[Math.min(n++, replies.length - 1)],
    ...(put ? { [`PUT ${P}/guidelines`]: put } : {}),
  });
}

async function propose(user: ReturnType<typeof userEvent.setup>) {
  const form = await screen.findByRole('form', { name: 'Propose edits' });
  await user.click(within(form).getByRole('button', { name: /^Propose/ }));
}

describe('guideline proposals', () => {
  it('is offered to leads from the guidelines page, and accepted with the base version and a prefilled summary', async () => {
    const { calls } = setup({ body: { proposal } }, { status: 201, body: { guideline: { ...v2, version: 3, assigned: ['R4'] } } });
    const user = userEvent.setup();
    renderApp('/projects/42/guidelines');
    await user.click(await screen.findByRole('link', { name: 'Propose edits from disagreements' }));
    await propose(user);

    const view = await screen.findByTestId('proposal');
    expect(calls.find((c) => c.method === 'POST')?.body).toEqual({ limit: 50 });
    expect(screen.getByText('From 12 disagreements · edits v2 · prompt guideline_proposal/1')).toBeInTheDocument();
    expect(view).toHaveTextContent(proposal.summary);
    const causes = within(view).getByRole('table', { name: 'Recurring causes' });
    const [, first, second] = within(causes).getAllByRole('row');
    expect(first).toHaveTextContent('7Joins on namesAnnotators joined singer to concert by name.R3');
    expect(within(first).getByText('R3')).toHaveClass('rule-chip');
    expect(second).toHaveTextContent('new rule');
    expect(within(view).getByTestId('guideline-diff')).toHaveTextContent('Use the foreign key, never a name.');
    expect(within(view).getByRole('region', { name: 'Rule changes' })).toHaveTextContent('ChangedR3 Join on keys');

    const accept = screen.getByRole('form', { name: 'Accept the proposal' });
    expect(within(accept).getByLabelText('What changed')).toHaveValue('Proposal from 12 disagreements');
    await user.click(within(accept).getByRole('button', { name: 'Accept and save v3' }));
    expect(await screen.findByText('Saved version 3 — new rules: R4')).toBeInTheDocument();
    expect(calls.find((c) => c.method === 'PUT')?.body).toEqual({
      markdown: proposal.markdown,
      summary: 'Proposal from 12 disagreements',
      version: 2,
    });
    expect(await screen.findByRole('link', { name: 'Propose edits from disagreements' })).toBeInTheDocument();
  });

  it('explains a save that lost to a newer version and proposes again from it', async () => {
    const { calls } = setup(
      [{ body: { proposal } }, { body: { proposal: { ...proposal, base_version: 3 } } }],
      errorReply(409, 'stale_version', 'the guidelines changed', { current_version: 3 }),
    );
    const user = userEvent.setup();
    renderApp('/projects/42/guidelines/propose');
    await propose(user);
    await user.click(await screen.findByRole('button', { name: 'Accept and save v3' }));
    const alert = await screen.findByText('The guidelines changed since this proposal was drafted');
    const box = alert.closest('.alert') as HTMLElement;
    expect(within(box).getByRole('link', { name: 'See what changed' })).toHaveAttribute('href', '/projects/42/guidelines/diff?from=2&to=3');
    expect(screen.getByRole('button', { name: 'Accept and save v3' })).toBeDisabled();
    await user.click(within(box).getByRole('button', { name: 'Propose again from v3' }));
    expect(await screen.findByRole('button', { name: 'Accept and save v4' })).toBeEnabled();
    expect(calls.filter((c) => c.method === 'POST')).toHaveLength(2);
  });

  it('opens the proposal in the editor to change it before saving', async () => {
    const { calls } = setup({ body: { proposal } }, { status: 201, body: { guideline: { ...v2, version: 3 } } });
    const user = userEvent.setup();
    renderApp('/projects/42/guidelines/propose');
    await propose(user);
    await user.click(await screen.findByRole('button', { name: 'Edit before saving' }));
    const editor = await screen.findByLabelText('Guidelines (markdown)');
    expect(editor).toHaveValue(proposal.markdown);
    expect(screen.getByText("Editing the model's proposal")).toBeInTheDocument();
    expect(screen.getByLabelText('What changed')).toHaveValue('Proposal from 12 disagreements');
    await user.type(editor, '\nOne more line.');
    await user.click(screen.getByRole('button', { name: 'Save version 3' }));
    await waitFor(() => expect(calls.some((c) => c.method === 'PUT')).toBe(true));
    expect(calls.find((c) => c.method === 'PUT')?.body).toEqual({
      markdown: `${proposal.markdown}\nOne more line.`,
      summary: 'Proposal from 12 disagreements',
      version: 2,
    });
  });

  it('discards a proposal', async () => {
    setup({ body: { proposal } });
    const user = userEvent.setup();
    renderApp('/projects/42/guidelines/propose');
    await propose(user);
    await user.click(await screen.findByRole('button', { name: 'Discard' }));
    expect(screen.queryByTestId('proposal')).not.toBeInTheDocument();
  });

  it('says when no model is configured, with the settings link for admins', async () => {
    setup(errorReply(409, 'llm_not_configured', 'no language model is configured'), undefined, adminUser);
    const user = userEvent.setup();
    renderApp('/projects/42/guidelines/propose');
    await propose(user);
    expect(await screen.findByTestId('llm-not-configured')).toHaveTextContent('An admin sets it in Settings → Language model.');
    expect(screen.getByRole('link', { name: 'Open Language model settings' })).toHaveAttribute('href', '/settings/llm');
  });

  it('says when there are no disagreements yet', async () => {
    setup(errorReply(400, 'invalid_input', 'disagreements: none yet', { fields: { disagreements: 'there are no reviewed disagreements yet' } }));
    const user = userEvent.setup();
    renderApp('/projects/42/guidelines/propose');
    await propose(user);
    expect(await screen.findByText('No disagreements yet')).toBeInTheDocument();
  });

  it('offers a retry when the model’s answer is unusable', async () => {
    const { calls } = setup([errorReply(502, 'bad_model_response', 'the model did not answer with the JSON asked for'), { body: { proposal } }]);
    const user = userEvent.setup();
    renderApp('/projects/42/guidelines/propose');
    await propose(user);
    expect(await screen.findByText("The model's answer was unusable")).toBeInTheDocument();
    expect(screen.getByText(/the model did not answer with the JSON asked for/)).toBeInTheDocument();
    await user.click(screen.getByRole('button', { name: 'Try again' }));
    expect(await screen.findByTestId('proposal')).toBeInTheDocument();
    expect(calls.filter((c) => c.method === 'POST')).toHaveLength(2);
  });

  it('summarises a proposal by the number of disagreements it read', () => {
    expect(proposalSummary({ disagreements: 1 })).toBe('Proposal from 1 disagreement');
  });
});
