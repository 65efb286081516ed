import { render, screen, within } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { draftRules } from '../features/guidelines/api';
import { Markdown, safeHref } from './Markdown';

describe('Markdown', () => {
  it('renders headings, paragraphs, lists, code, bold and italic', () => {
    const { container } = render(
      <Markdown
        text={[
          '# Guidelines',
          'Write **clear** and *short* questions with `COUNT(*)`.',
          'Second line of the same paragraph.',
          '',
          '- one',
          '- two',
          '',
          '1. first',
          '2. second',
          '',
          '```sql',
          'SELECT *  -- **not bold**',
          '```',
          '> quoted _note_',
        ].join('\n')}
      />,
    );
    expect(screen.getByRole('heading', { name: 'Guidelines', level: 2 })).toBeInTheDocument();
    expect(container.querySelector('strong')).toHaveTextContent('clear');
    expect(container.querySelector('em')).toHaveTextContent('short');
    expect(container.querySelector('p code')).toHaveTextContent('COUNT(*)');
    expect(container.querySelector('p')).toHaveTextContent('Second line of the same paragraph.');
    expect(within(container.querySelector('ul')!).getAllByRole('listitem')).toHaveLength(2);
    expect(within(container.querySelector('ol')!).getAllByRole('listitem')).toHaveLength(2);
    expect(container.querySelector('pre code')).toHaveTextContent('SELECT * -- **not bold**');
    expect(container.querySelector('blockquote em')).toHaveTextContent('note');
  });

  it('gives rule headings their ID as an anchor, and marks new rules', () => {
    render(<Markdown text={'## R3: Qualify columns\ntext\n\n## R: A new rule'} />);
    const rule = screen.getByRole('heading', { name: /Qualify columns/ });
    expect(rule).toHaveAttribute('id', 'R3');
    expect(within(rule).getByRole('link', { name: 'Link to rule R3' })).toHaveAttribute('href', '#R3');
    expect(screen.getByRole('heading', { name: /A new rule/ })).toHaveTextContent('new');
  });

  it('never interprets raw HTML or unsafe links', () => {
    const { container } = render(
      <Markdown text={'<img src=x onerror="alert(1)"> <script>alert(2)</script>\n\n[bad](javascript:alert(3)) [ok](https://example.com) [rule](#R2)'} />,
    );
    expect(container.querySelector('img, script')).toBeNull();
    expect(container.textContent).toContain('<script>alert(2)</script>');
    const links = screen.getAllByRole('link');
    expect(links.map((a) => a.getAttribute('href'))).toEqual(['https://example.com', '#R2']);
    expect(container.textContent).toContain('[bad](javascript:alert(3))');
    expect(safeHref('JAVASCRIPT:alert(1)')).toBeNull();
    expect(safeHref('//evil.example')).toBeNull();
  });
});

describe('draftRules', () => {
  it('lists rules, new ones without an ID, skips code fences and finds duplicate IDs', () => {
    const { rules, duplicates } = draftRules('## R1: One\n```\n## R9: in code\n```\n### R: Two ##\n## R1: Again\n## Rationale: not a rule');
    expect(rules).toEqual([
      { id: 'R1', title: 'One', line: 1 },
      { id: null, title: 'Two', line: 5 },
      { id: 'R1', title: 'Again', line: 6 },
    ]);
    expect(duplicates).toEqual(['R1']);
  });
});
