import { render, screen, within } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { BarChart, Delta, HeatMap, heatLegend, heatLevel, LineChart, LongTailChart, niceStep, ProportionBar, ShareBars, shortLabel, StackedBarChart } from './charts';

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

  it('names every part with its count under the bar when asked, zeros included', () => {
    render(
      <ProportionBar
        label="Slots"
        legend
        parts={[
          { key: 'a', label: 'Done', value: 0, className: 'x' },
          { key: 'b', label: 'Waiting', value: 1820, className: 'y' },
        ]}
      />,
    );
    expect(screen.getByRole('img', { name: 'Slots: Waiting 1820' }).children).toHaveLength(1);
    const items = within(screen.getByRole('list', { name: 'Slots, legend' })).getAllByRole('listitem');
    expect(items.map((li) => li.textContent)).toEqual(['Done 0', 'Waiting 1,820']);
    expect(items[1].querySelector('.chart-swatch')).toHaveClass('y');
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

  it('shortens long category labels and keeps short ones', () => {
    expect(shortLabel('v1')).toBe('v1');
    expect(shortLabel('human-seeds-2025')).toBe('human-…');
  });

  it('draws a point per category on a line, with values and a description', () => {
    render(
      <LineChart
        title="Unique patterns"
        integer
        format={String}
        points={[
          { key: 'a', label: 'seed', value: 2, detail: 'seed: 2 patterns' },
          { key: 'b', label: 'paraphrase', value: 3, detail: 'paraphrase: 3 patterns' },
        ]}
      />,
    );
    const img = screen.getByRole('img', { name: 'Unique patterns seed: 2 patterns; paraphrase: 3 patterns' });
    expect(img.querySelectorAll('circle')).toHaveLength(2);
    expect(img.querySelector('polyline')).not.toBeNull();
    expect([...img.querySelectorAll('.chart-point title')].map((t) => t.textContent)).toEqual(['seed: 2 patterns', 'paraphrase: 3 patterns']);
  });

  it('draws a long tail most frequent first on a log scale, a count of one still visible', () => {
    render(<LongTailChart title="Patterns" counts={[1, 120, 3, 1]} unit="patterns" />);
    const img = screen.getByRole('img', { name: /^Patterns 4 patterns, most frequent first, log scale: 120, 3, 1, 1; 2 occur once$/ });
    const bars = [...img.querySelectorAll('rect')];
    expect(bars.map((b) => b.querySelector('title')?.textContent)).toEqual(['#1: 120', '#2: 3', '#3: 1', '#4: 1']);
    const heights = bars.map((b) => Number(b.getAttribute('height')));
    expect(heights[0]).toBeGreaterThan(heights[1]);
    expect(heights[3]).toBeGreaterThan(0);
    // Gridlines at powers of ten up to the decade above the largest count.
    expect(img).toHaveTextContent('1101001k');
  });

  it('scales heat on a log scale: none, then steps up to the largest', () => {
    expect(heatLevel(0, 100)).toBe(0);
    expect(heatLevel(1, 100)).toBe(1);
    expect(heatLevel(10, 100)).toBe(3);
    expect(heatLevel(100, 100)).toBe(5);
    expect(heatLevel(3, 3)).toBe(5);
    expect(heatLevel(1, 1)).toBe(5);
    // Every count from 1 to max lands in exactly one legend step, in order.
    const legend = heatLegend(100);
    expect(legend.map((l) => l.level)).toEqual([1, 2, 3, 4, 5]);
    expect(legend[0].label).toBe('1');
    expect(legend[4].label.endsWith('–100')).toBe(true);
    expect(heatLegend(3)).toEqual([
      { level: 1, label: '1' },
      { level: 4, label: '2' },
      { level: 5, label: '3' },
    ]);
    expect(heatLegend(0)).toEqual([]);
  });

  it('colours heat map cells by count, heads groups, and explains the scale', () => {
    render(
      <HeatMap
        title="Tables"
        columns={['seed', 'more']}
        max={4}
        summary="singer: seed 3, more 4"
        rows={[
          { key: 'a.singer', group: 'a', label: 'singer', cells: [{ value: 3, on: true, detail: 'singer · seed: 3' }, { value: 4, on: true, detail: 'singer · more: 4' }] },
          { key: 'b.stadium', group: 'b', label: 'stadium', cells: [{ value: 0, on: false, detail: 'stadium · seed: 0' }, { value: null, on: true, detail: 'stadium · more: used' }] },
        ]}
        legendNote="used"
      />,
    );
    const img = screen.getByRole('img', { name: 'Tables singer: seed 3, more 4' });
    expect([...img.querySelectorAll('rect.heat')].map((r) => r.getAttribute('class'))).toEqual(['heat heat-4', 'heat heat-5', 'heat heat-0', 'heat heat-on']);
    expect([...img.querySelectorAll('.chart-group')].map((g) => g.textContent)).toEqual(['a', 'b']);
    expect(screen.getByRole('list', { name: 'Legend' })).toHaveTextContent('none');
    expect(screen.getByRole('list', { name: 'Legend' })).toHaveTextContent('used');
  });

  it('writes each share out next to its bar', () => {
    render(<ShareBars label="Clauses" of="4 queries" format={(s) => `${s * 100}%`} items={[{ key: 'where', label: 'WHERE', count: 1, share: 0.25 }]} />);
    const row = screen.getByRole('listitem');
    expect(row).toHaveTextContent('WHERE1 of 4 queries(25%)');
    expect((row.querySelector('.share-bar > span') as HTMLElement).style.width).toBe('25%');
  });
});
