import { render, screen } from '@testing-library/react';
import type { ReactNode } from 'react';
import { describe, expect, it } from 'vitest';
import { NameCell } from './ui';

function renderCell(cell: ReactNode) {
  render(
    <table>
      <tbody>
        <tr>{cell}</tr>
      </tbody>
    </table>,
  );
  return screen.getByRole('cell');
}

describe('NameCell', () => {
  it('shows the name, tagged "you" for the signed-in user', () => {
    const cell = renderCell(<NameCell name="Ann Otator" isMe />);
    expect(cell).toHaveTextContent('Ann Otatoryou');
    expect(screen.getByText('you')).toHaveClass('you-tag');
  });

  it('shows a muted dash for a person without a name, and no tag for anyone else', () => {
    const cell = renderCell(<NameCell name="" isMe={false} />);
    expect(cell).toHaveTextContent(/^—$/);
    expect(screen.getByText('—')).toHaveClass('muted');
    expect(screen.queryByText('you')).not.toBeInTheDocument();
  });
});
