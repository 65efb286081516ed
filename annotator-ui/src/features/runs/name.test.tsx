import { render, screen } from '@testing-library/react';
import { MemoryRouter } from 'react-router';
import { describe, expect, it } from 'vitest';
import { pipelineRun } from '../../test/agentFixtures';
import { runName } from './name';
import { RunCells } from './RunTable';

describe('run names', () => {
  it('call a run by its number per kind, keeping the id for the URL', () => {
    const run = pipelineRun({ id: 57, number: 2, kind: 'evaluate' });
    expect(runName('Evaluation', run)).toBe('Evaluation #2');
    render(
      <MemoryRouter>
        <table>
          <tbody>
            <tr>
              <RunCells run={run} to="/projects/42/evaluations/57" label="Evaluation" />
            </tr>
          </tbody>
        </table>
      </MemoryRouter>,
    );
    expect(screen.getByRole('link', { name: 'Evaluation #2' })).toHaveAttribute('href', '/projects/42/evaluations/57');
  });

  it('falls back on the id from a server without numbers', () => {
    expect(runName('Batch', { id: 5 })).toBe('Batch #5');
  });
});
