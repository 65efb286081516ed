import { render, screen } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { DescriptionsSummary } from './DescriptionsSummary';

describe('DescriptionsSummary', () => {
  it('says how many columns a BIRD import described and lists what the description files lost', () => {
    render(
      <DescriptionsSummary
        summary={{
          databases: [],
          descriptions: {
            columns: 19,
            warnings: ['school_meals: database_description/frpm.csv: line 7: table frpm has no column "District Code"; the description is dropped'],
          },
        }}
      />,
    );
    const box = screen.getByTestId('descriptions-summary');
    expect(box.textContent).toContain('Column descriptions: 19 columns described; 1 note on the description files:');
    expect(box.textContent).toContain('line 7: table frpm has no column "District Code"');
  });

  it('renders nothing for an import without descriptions', () => {
    const { container } = render(<DescriptionsSummary summary={{ databases: [] }} />);
    expect(container.innerHTML).toBe('');
  });
});
