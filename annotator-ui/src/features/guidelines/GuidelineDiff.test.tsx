import { render, screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';
import type { GuidelineDiffData } from './api';
import { diffPieces, GuidelineDiff } from './GuidelineDiff';

const lines = (n: number, prefix = 'same') => Array.from({ length: n }, (_, i) => `${prefix} ${i + 1}`);

const diff: GuidelineDiffData = {
  from: 1,
  to: 2,
  hunks: [
    { op: 'equal', lines: lines(10) },
    { op: 'delete', lines: ['## R2: Count rows'] },
    { op: 'insert', lines: ['## R2: Count distinct entities', '## R3: Order names'] },
    { op: 'equal', lines: ['tail'] },
  ],
  rules: {
    added: [{ id: 'R3', title: 'Order names' }],
    removed: [],
    changed: [{ id: 'R2', title: 'Count distinct entities' }],
  },
};

describe('GuidelineDiff', () => {
  it('colours inserted and deleted lines, numbers both sides and folds long unchanged stretches', async () => {
    const { container } = render(<GuidelineDiff diff={diff} />);
    const table = screen.getByRole('table', { name: 'Changes from v1 to v2' });
    const deleted = container.querySelectorAll('tr.gl-diff-delete');
    const inserted = container.querySelectorAll('tr.gl-diff-insert');
    expect([...deleted].map((r) => r.textContent)).toEqual(['11−## R2: Count rows']);
    expect([...inserted].map((r) => r.querySelector('.gl-diff-text')?.textContent)).toEqual([
      '## R2: Count distinct entities',
      '## R3: Order names',
    ]);
    // 10 equal lines before the change: 7 folded, 3 kept as context.
    expect(within(table).queryByText('same 1')).toBeNull();
    expect(within(table).getByText('same 8')).toBeInTheDocument();
    await userEvent.setup().click(within(table).getByRole('button', { name: 'Show 7 unchanged lines' }));
    expect(within(table).getByText('same 1')).toBeInTheDocument();
  });

  it('summarises rules added, changed and removed', () => {
    render(<GuidelineDiff diff={{ ...diff, rules: { ...diff.rules, removed: [{ id: 'R1', title: 'Old rule' }] } }} />);
    const summary = screen.getByRole('region', { name: 'Rule changes' });
    expect(summary).toHaveTextContent('AddedR3 Order names');
    expect(summary).toHaveTextContent('ChangedR2 Count distinct entities');
    expect(summary).toHaveTextContent('RemovedR1 Old rule');
  });

  it('says so when nothing changed in the rules', () => {
    render(<GuidelineDiff diff={{ from: 0, to: 1, hunks: [{ op: 'insert', lines: ['# Intro'] }], rules: { added: [], removed: [], changed: [] } }} />);
    expect(screen.getByText(/No rule was added, removed or changed/)).toBeInTheDocument();
    expect(screen.getByRole('table', { name: 'Changes from empty to v1' })).toBeInTheDocument();
  });

  it('keeps line numbers of both sides in step', () => {
    const pieces = diffPieces([
      { op: 'delete', lines: ['a'] },
      { op: 'insert', lines: ['b', 'c'] },
      { op: 'equal', lines: ['d'] },
    ]);
    expect(pieces).toEqual([
      {
        rows: [
          { op: 'delete', text: 'a', oldNo: 1, newNo: null },
          { op: 'insert', text: 'b', oldNo: null, newNo: 1 },
          { op: 'insert', text: 'c', oldNo: null, newNo: 2 },
          { op: 'equal', text: 'd', oldNo: 2, newNo: 3 },
        ],
      },
    ]);
  });
});
