import { render, screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';
import type { RunLogLine } from '../../shared/api';
import { RunLog, RUN_LOG_WINDOW } from './RunCard';

const lines: RunLogLine[] = Array.from({ length: 2_500 }, (_, i) => ({
  id: i + 1,
  at: '2025-01-05T10:00:00Z',
  level: i === 0 ? 'info' : 'error',
  message: i === 0 ? 'started' : `item ${i}: the model gave no answer`,
}));

describe('a run log of 2,500 lines', () => {
  it('renders the newest 200 and earlier ones 200 at a time', async () => {
    const user = userEvent.setup();
    render(<RunLog lines={lines} live={false} />);
    const log = screen.getByTestId('run-log');
    expect(within(log).getAllByRole('listitem')).toHaveLength(RUN_LOG_WINDOW);
    expect(within(log).getByText('item 2499: the model gave no answer')).toBeInTheDocument();
    expect(within(log).queryByText('started')).not.toBeInTheDocument();

    await user.click(screen.getByRole('button', { name: 'Show 200 earlier lines (2,300 not shown)' }));
    expect(within(log).getAllByRole('listitem')).toHaveLength(400);
    expect(within(log).getByText('item 2100: the model gave no answer')).toBeInTheDocument();
  });

  it('shows a short log whole', () => {
    render(<RunLog lines={lines.slice(0, 3)} live={false} />);
    expect(within(screen.getByTestId('run-log')).getAllByRole('listitem')).toHaveLength(3);
    expect(screen.queryByRole('button')).not.toBeInTheDocument();
  });
});
