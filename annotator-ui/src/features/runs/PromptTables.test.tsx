import { render, screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';
import { agentRun } from '../../test/agentFixtures';
import { TrajectoryView } from './Trajectory';
import { PromptTables } from './PromptTables';

describe('the schema in an agent run’s prompt', () => {
  it('says how many tables of the database the prompt described, how they were chosen, and which', async () => {
    const run = agentRun({
      retrieval: { method: 'lexical', tables: ['concert', 'singer', 'stadium'], joined: ['stadium'], known: ['singer'], total: 2025, first_prompt_tokens: 2585 },
    });
    render(<TrajectoryView run={run} steps={[]} projectId="42" canSave={false} />);
    const box = screen.getByTestId('prompt-tables');
    expect(box).toHaveTextContent('Schema in the prompt 3 of 2,025 tables, ranked by words (BM25) · 2,585 tokens in the first prompt');
    await userEvent.click(screen.getByText('Schema in the prompt'));
    const items = within(box).getAllByRole('listitem').map((li) => li.textContent);
    expect(items).toEqual(['concert', 'singercame with the question', 'stadiumjoined by a foreign key']);
  });

  it('says a whole small database was shown, and shows nothing for a run that recorded nothing', () => {
    const { rerender } = render(<PromptTables retrieval={{ method: 'all', tables: ['singer'], total: 1, first_prompt_tokens: 0 }} />);
    expect(screen.getByTestId('prompt-tables')).toHaveTextContent('Schema in the prompt 1 table, every table of the database');
    rerender(<PromptTables retrieval={null} />);
    expect(screen.queryByTestId('prompt-tables')).toBeNull();
  });
});
