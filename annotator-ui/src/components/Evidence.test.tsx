import { render, screen } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { Evidence } from './Evidence';
import { ColumnDocNote, columnDocText } from './ColumnDoc';

describe('Evidence', () => {
  it('shows the evidence and the difficulty with the question', () => {
    render(<Evidence evidence="charter schools refers to Charter = 1" difficulty="moderate" />);
    expect(screen.getByTestId('evidence').textContent).toContain('Evidence charter schools refers to Charter = 1');
    expect(screen.getByText('moderate')).toBeTruthy();
  });

  it('renders nothing for a question without evidence or difficulty', () => {
    const { container } = render(<Evidence evidence="" />);
    expect(container.innerHTML).toBe('');
  });

  it('says when a labelled question has no evidence', () => {
    render(<Evidence evidence="" difficulty="challenging" />);
    expect(screen.getByTestId('evidence').textContent).toContain('No evidence given');
  });
});

describe('ColumnDocNote', () => {
  it('reads like the agent’s schema context: full name, description, values', () => {
    expect(columnDocText({ name: 'Free Meal Count (K-12)', description: 'students eligible for a free meal', values: '1: yes' }, 'free_meal_count')).toBe(
      'Free Meal Count (K-12); students eligible for a free meal; values: 1: yes',
    );
    // A full name that only repeats the column's is left out.
    expect(columnDocText({ name: 'order id', description: 'the order’s number' }, 'order_id')).toBe('the order’s number');
    expect(columnDocText({ format: 'text' }, 'city')).toBe('');
  });

  it('shows a column’s doc under it', () => {
    render(<ColumnDocNote column={{ name: 'segment', original: 'segment', doc: { name: 'client segment', values: 'KAM: key account' } }} />);
    expect(screen.getByTestId('column-doc').textContent).toBe('client segment; values: KAM: key account');
  });

  it('renders nothing without a doc', () => {
    const { container } = render(<ColumnDocNote column={{ name: 'x', original: 'x' }} />);
    expect(container.innerHTML).toBe('');
  });
});
