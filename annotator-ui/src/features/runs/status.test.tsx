import { render, screen } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { RunStatusBadge } from './status';

describe('a run status badge', () => {
  it('colours an ended run by what it did and says it in words', () => {
    render(<RunStatusBadge status="succeeded" outcome={{ tone: 'bad', text: '0 kept: all 5 dropped (invalid JSON 5)' }} withText />);
    expect(screen.getByText('Succeeded').closest('.badge')).toHaveClass('badge-danger');
    expect(screen.getByTestId('run-outcome-text')).toHaveTextContent('0 kept: all 5 dropped (invalid JSON 5)');
  });

  it('keeps the outcome to a tooltip without withText', () => {
    render(<RunStatusBadge status="succeeded" outcome={{ tone: 'warn', text: '2 kept, 3 dropped (refusal 3)' }} />);
    expect(screen.getByText('Succeeded')).toHaveAttribute('title', '2 kept, 3 dropped (refusal 3)');
    expect(screen.getByText('Succeeded').closest('.badge')).toHaveClass('badge-warning');
    expect(screen.queryByTestId('run-outcome-text')).not.toBeInTheDocument();
  });

  it('shows a live run by its status alone', () => {
    render(<RunStatusBadge status="running" outcome={{ tone: 'neutral', text: '3 of 5 done' }} withText />);
    expect(screen.getByText('Running').closest('.badge')).toHaveClass('badge-info');
    expect(screen.queryByTestId('run-outcome-text')).not.toBeInTheDocument();
  });
});
