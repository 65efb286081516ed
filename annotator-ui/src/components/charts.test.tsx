import { render, screen } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { BarChart, Delta, niceStep, ProportionBar, StackedBarChart } from './charts';

describe('charts', () => {
  it('picks gridline steps of 1, 2 or 5 times a power of ten', () => {
    expect(niceStep(3, 1)).toBe(1);
    expect(niceStep(7)).toBe(2);
    expect(niceStep(17)).toBe(5);
    expect(niceStep(180)).toBe(50);
    expect(niceStep(0)).toBe(1);
  });

  it('draws one bar per value, a dash for a missing one, and describes the data', () => {
    render(
      <BarChart
        title="Rate"
        max={1}
        format={(v) => `${Math.round(v * 100)}%`}
        bars={[
          { key: 'a', label: 'v0', value: 0.5, detail: 'v0: 50%' },
          { key: 'b', label: 'v1', value: null, detail: 'v1: nothing' },
        ]}
      />,
    );
    const img = screen.getByRole('img', { name: 'Rate v0: 50%; v1: nothing' });
    expect(img.querySelectorAll('rect')).toHaveLength(1);
    expect(img).toHaveTextContent('–');
    // The scale of a rate chart runs to its max, with gridlines at quarters.
    expect(img).toHaveTextContent('100%');
  });

  it('says there is nothing to chart instead of drawing empty axes', () => {
    render(<StackedBarChart title="Errors" groups={[{ key: '0', label: 'v0', values: {} }]} series={[{ key: 'join', label: 'Join' }]} empty="No decisions." />);
    expect(screen.queryByRole('img')).not.toBeInTheDocument();
    expect(screen.getByText('No decisions.')).toBeInTheDocument();
  });

  it('stacks series with a legend and a tooltip per piece', () => {
    render(
      <StackedBarChart
        title="Errors"
        groups={[{ key: '0', label: 'v0', values: { join: 2, other: 1 } }]}
        series={[
          { key: 'join', label: 'Join' },
          { key: 'other', label: 'Other' },
        ]}
      />,
    );
    const img = screen.getByRole('img', { name: 'Errors v0: 3 (Join 2, Other 1)' });
    expect([...img.querySelectorAll('rect title')].map((t) => t.textContent)).toEqual(['v0 · Join: 2', 'v0 · Other: 1']);
    expect(screen.getByRole('list', { name: 'Legend' })).toHaveTextContent('JoinOther');
  });

  it('splits a bar by share, leaving out empty parts', () => {
    render(
      <ProportionBar
        label="dev"
        parts={[
          { key: 'a', label: 'New', value: 3, className: 'x' },
          { key: 'b', label: 'Accepted', value: 1, className: 'y' },
          { key: 'c', label: 'Rejected', value: 0, className: 'z' },
        ]}
      />,
    );
    const bar = screen.getByRole('img', { name: 'dev: New 3, Accepted 1' });
    expect([...bar.children].map((c) => (c as HTMLElement).style.width)).toEqual(['75%', '25%']);
  });

  it('colours a change by whether it went the right way', () => {
    const { rerender } = render(<Delta value={-12.34} unit="pts" goodWhen="down" against="v1" />);
    expect(screen.getByTitle('down 12.3 pts from v1 (better)')).toHaveClass('delta-good');
    rerender(<Delta value={5} unit="pts" goodWhen="down" against="v1" />);
    expect(screen.getByTitle('up 5 pts from v1 (worse)')).toHaveClass('delta-bad');
    rerender(<Delta value={0.01} unit="pts" goodWhen="down" against="v1" />);
    expect(screen.getByTitle('unchanged from v1')).toHaveClass('delta-flat');
    rerender(<Delta value={null} unit="pts" goodWhen="down" against="v1" />);
    expect(screen.queryByTitle(/from v1/)).not.toBeInTheDocument();
  });
});
