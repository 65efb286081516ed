import { render, screen } from '@testing-library/react';
import { MemoryRouter } from 'react-router';
import { describe, expect, it } from 'vitest';
import { SnapshotLink } from './SnapshotLink';

describe('SnapshotLink', () => {
  it('names the snapshot by its id and links to its page', () => {
    render(
      <MemoryRouter>
        <SnapshotLink projectId="42" id={4} />
      </MemoryRouter>,
    );
    expect(screen.getByRole('link', { name: '#4' })).toHaveAttribute('href', '/projects/42/snapshots/4');
  });
});
