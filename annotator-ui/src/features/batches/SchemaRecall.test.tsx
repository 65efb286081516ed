import { render, screen } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';
import type { RetrievalReport } from '../../shared/api';
import { SchemaRecall } from './SchemaRecall';

const report: RetrievalReport = {
  k: 8,
  questions: 40,
  complete: 38,
  recall: 0.95,
  table_recall: 0.97,
  larger: 20,
  larger_complete: 18,
  larger_recall: 0.9,
  tables_mean: 7.6,
  tokens_median: 2569,
  tokens_max: 4017,
  missed: [{ question: 'which country is haifa in?', gold: ['t_200_csv_42'], shown: ['t_201_csv_8', 't_200_csv_18'], larger: true }],
};

describe('SchemaRecall', () => {
  it('says for how many questions the prompt held their tables, with tables and tokens, and lists the misses', async () => {
    render(<SchemaRecall report={report} live={false} />);
    const block = screen.getByTestId('schema-recall');
    expect(block).toHaveTextContent('95.0%');
    expect(block).toHaveTextContent('every table the question needs for 38 / 40 questions');
    expect(block).toHaveTextContent('7.6 tables and 2,569 prompt tokens (median) a question');
    expect(block).toHaveTextContent('90.0% on databases with more than 8 tables');
    await userEvent.click(screen.getByText('Questions missing a table (2)'));
    expect(screen.getByText(/which country is haifa in\?/)).toHaveTextContent('needs t_200_csv_42; the prompt had t_201_csv_8, t_200_csv_18');
  });

  it('shows nothing for a batch without questions whose tables are known', () => {
    const { container } = render(<SchemaRecall report={{ ...report, questions: 0, complete: 0 }} live={false} />);
    expect(container).toBeEmptyDOMElement();
    const none = render(<SchemaRecall report={null} live={false} />);
    expect(none.container).toBeEmptyDOMElement();
  });
});
