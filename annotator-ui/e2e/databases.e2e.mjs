// End-to-end test of the database screens against a real Goldset server: import a CSV, browse its
// schema, run SQL from the keyboard, see a refusal, compare two queries, edit the table's summary and
// rename it, then import a question for it and check SQL against the question ("Try SQL"); last, write a
// question with SQL in the runner ("Save as a question"), read its history, and be told that asking it
// again is a duplicate.
// Same environment as shell.e2e.mjs: GOLDSET_E2E_URL, GOLDSET_E2E_ADMIN_EMAIL, GOLDSET_E2E_ADMIN_PASSWORD,
// optional CHROMIUM_PATH and GOLDSET_E2E_SCREENSHOTS.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ADMIN_EMAIL, isMac, skipUnlessConfigured, tab, typeInEditor, uniqueSuffix } from './harness.mjs';
import { browserSpec } from './spec.mjs';

const suffix = uniqueSuffix();
const projectName = `E2E databases ${suffix}`;

// A small table with what real CSVs have: quoted headers, a header that is not an identifier,
// a number with a thousands separator, an empty cell.
const MEDALS_CSV = [
  '"Rank","Nation","Gold","Total (all)"',
  '1,"Norway",16,"12,467"',
  '2,"Germany",12,"27"',
  '3,"Canada",,"26"',
  '4,"United States",9,"25"',
  '',
].join('\n');

// The table is renamed before the questions are imported, so their stored SQL uses the new name.
const RENAMED = 'winter_medals';
const QUESTIONS_CSV = ['question,sql', `"How many nations won medals?","SELECT count(*) FROM ${RENAMED}"`, ''].join('\n');

// Written on the database page, with the SQL that answers it (Norway and Germany).
const WRITTEN = 'Which nations won more than ten gold medals?';
const WRITTEN_SQL = `SELECT nation FROM ${RENAMED} WHERE gold > 10`;
const SAVE_QUESTION = `${isMac ? 'Meta' : 'Control'}+Shift+S`;

const { file, newProjectStep, open, page, screenshot, step } = browserSpec('databases-', {
  files: { 'medals.csv': MEDALS_CSV, 'questions.csv': QUESTIONS_CSV },
});

/** Type `sql` into the SQL editor labelled `editor` and run it from the keyboard. */
async function runFromKeyboard(editor, sql) {
  await typeInEditor(page, editor, sql);
  await page.keyboard.press('Control+Enter');
}

describe('Goldset databases', { skip: skipUnlessConfigured }, () => {
  open();

  it('imports a CSV, browses its schema, runs, refuses and compares SQL, edits the table, tries SQL for a question, writes a question', async () => {
    await newProjectStep(projectName);

    await step('open-databases', async () => {
      await tab(page, 'Databases', { exact: false });
      await page.getByText('No databases yet').waitFor();
      await screenshot('20-databases-empty');
    });

    await step('import-csv', async () => {
      const form = page.getByRole('form', { name: 'Import' });
      await form.getByLabel('Files', { exact: true }).setInputFiles(file('medals.csv'));
      await form.getByRole('button', { name: 'Import' }).click();
      const summary = page.getByTestId('import-summary');
      await summary.waitFor();
      await summary.getByRole('link', { name: 'medals' }).waitFor();
      assert.match((await summary.textContent()) ?? '', /4 rows|\b4\b/);
      await screenshot('21-import-summary');
      // The list below shows it too.
      await page.getByRole('link', { name: 'medals', exact: true }).nth(1).waitFor();
      await screenshot('22-databases-list');
    });

    await step('schema-browser', async () => {
      await page.getByTestId('import-summary').getByRole('link', { name: 'medals' }).click();
      await page.getByRole('heading', { name: 'medals', level: 1 }).waitFor();
      const schema = page.getByRole('complementary', { name: 'Schema' });
      await schema.getByRole('button', { name: 'medals', exact: true }).waitFor();
      const toggle = schema.getByRole('button', { name: 'Columns of medals' });
      if ((await toggle.getAttribute('aria-expanded')) !== 'true') await toggle.click();
      await schema.getByText('“Total (all)”').waitFor();
      await schema.getByRole('button', { name: 'total_all', exact: true }).waitFor();
      await screenshot('23-database-schema');
    });

    await step('run-from-keyboard', async () => {
      await runFromKeyboard('SQL', 'SELECT nation, gold, total_all FROM medals ORDER BY rank');
      const count = page.getByTestId('row-count');
      await count.waitFor();
      assert.match((await count.textContent()) ?? '', /^4 rows/);
      const grid = page.getByRole('region', { name: 'Query result' });
      await grid.getByRole('cell', { name: 'Norway' }).waitFor();
      await grid.getByRole('cell', { name: '12467' }).waitFor();
      await grid.getByRole('cell', { name: 'NULL' }).waitFor();
      // The run is in the history.
      await page.getByRole('complementary', { name: 'History' }).getByText('ORDER BY rank').waitFor();
      await screenshot('24-runner-result');
    });

    await step('refused-delete', async () => {
      await runFromKeyboard('SQL', 'DELETE FROM medals');
      const error = page.getByTestId('query-error');
      await error.waitFor();
      assert.match((await error.textContent()) ?? '', /refused/i);
      await screenshot('25-runner-refused');
    });

    await step('table-detail', async () => {
      const schema = page.getByRole('complementary', { name: 'Schema' });
      await schema.getByRole('button', { name: 'Details of medals' }).click();
      const detail = page.getByTestId('table-detail');
      await detail.getByRole('region', { name: 'Sample rows of medals' }).waitFor();
      await detail.getByRole('cell', { name: 'Total (all)' }).waitFor();
      await screenshot('26-table-detail');
    });

    await step('compare-match', async () => {
      await page.getByRole('button', { name: 'Compare', exact: true }).click();
      await typeInEditor(page, 'Gold SQL', 'SELECT nation, gold FROM medals');
      await runFromKeyboard('Predicted SQL', 'SELECT gold, nation FROM medals');
      const verdict = page.getByTestId('verdict');
      await verdict.waitFor();
      assert.match((await verdict.textContent()) ?? '', /^MATCH/);
      await screenshot('27-compare-match');
    });

    await step('compare-no-match', async () => {
      await runFromKeyboard('Predicted SQL', 'SELECT nation, gold FROM medals WHERE gold > 10 ORDER BY gold');
      await page.getByTestId('diff').waitFor();
      assert.match((await page.getByTestId('verdict').textContent()) ?? '', /^NO MATCH/);
      await screenshot('28-compare-no-match');
    });

    await step('edit-table-summary', async () => {
      await page.getByRole('complementary', { name: 'Schema' }).getByRole('button', { name: 'Details of medals' }).click();
      const detail = page.getByTestId('table-detail');
      await detail.getByText('No summary yet').waitFor();
      await detail.getByRole('button', { name: 'Edit', exact: true }).click();
      await detail.getByLabel('Summary').fill('Medal table of the 1994 Winter Olympics, one row per nation.');
      await screenshot('30-table-edit');
      await detail.getByRole('button', { name: 'Save', exact: true }).click();
      await detail.getByTestId('table-summary').getByText('Medal table of the 1994 Winter Olympics').waitFor();
    });

    await step('rename-table', async () => {
      const detail = page.getByTestId('table-detail');
      await detail.getByRole('button', { name: 'Edit', exact: true }).click();
      await detail.getByLabel('Table name').fill(RENAMED);
      await detail.getByLabel('Table name').press('Enter');
      await detail.getByRole('heading', { name: RENAMED }).waitFor();
      // The sidebar, the open table and the URL follow the new name.
      const schema = page.getByRole('complementary', { name: 'Schema' });
      await schema.getByRole('button', { name: RENAMED, exact: true }).waitFor();
      assert.equal(await schema.getByRole('button', { name: 'medals', exact: true }).count(), 0);
      assert.match(page.url(), new RegExp(`[?&]table=${RENAMED}\\b`));
      await detail.getByRole('region', { name: `Sample rows of ${RENAMED}` }).getByRole('cell', { name: 'Norway' }).waitFor();
      await screenshot('31-table-renamed');
    });

    await step('query-renamed-table', async () => {
      await page.getByRole('button', { name: 'SQL runner', exact: true }).click();
      await runFromKeyboard('SQL', `SELECT count(*) FROM ${RENAMED}`);
      const grid = page.getByRole('region', { name: 'Query result' });
      await grid.getByRole('cell', { name: '4', exact: true }).waitFor();
      const count = page.getByTestId('result').filter({ has: grid }).getByTestId('row-count');
      assert.match((await count.textContent()) ?? '', /^1 row/);
      await screenshot('32-renamed-query');
    });

    await step('questions-empty', async () => {
      await page.getByRole('navigation', { name: 'Breadcrumb' }).getByRole('link', { name: projectName }).click();
      await tab(page, 'Questions', { exact: false });
      await page.getByText('No questions yet').waitFor();
      await screenshot('29-questions-empty');
    });

    await step('import-questions', async () => {
      await tab(page, 'Databases', { exact: false });
      const form = page.getByRole('form', { name: 'Import' });
      await form.getByLabel('Questions CSV').check();
      await form.getByLabel('Target database').selectOption('medals');
      await form.getByLabel('File', { exact: true }).setInputFiles(file('questions.csv'));
      await form.getByRole('button', { name: 'Import' }).click();
      const summary = page.getByTestId('import-summary');
      await summary.waitFor();
      assert.match((await summary.textContent()) ?? '', /1 question read/);
    });

    await step('try-sql', async () => {
      await tab(page, 'Questions', { exact: false });
      // The question opens its history in a drawer, with "Try SQL" in it.
      await page.getByRole('link', { name: 'How many nations won medals?' }).click();
      const area = page.getByRole('dialog', { name: /^Question #\d+$/ }).getByRole('region', { name: 'Try SQL' });
      await area.waitFor();
      // Same count, written differently: same result as the stored SQL.
      await runFromKeyboard('Try SQL', `SELECT count(nation) FROM ${RENAMED} WHERE rank > 0`);
      await area.getByTestId('execution-verdict').getByText('Same result as the stored SQL').waitFor();
      await area.getByRole('region', { name: 'Try SQL result' }).getByRole('cell', { name: '4', exact: true }).waitFor();
      await screenshot('33-try-sql-same');

      await runFromKeyboard('Try SQL', `SELECT count(*) FROM ${RENAMED} WHERE gold > 10`);
      await area.getByTestId('execution-verdict').getByText(/^Differs from the stored SQL: /).waitFor();
      await screenshot('34-try-sql-differs');
    });

    let written = '';
    await step('write-question-with-sql', async () => {
      await tab(page, 'Databases', { exact: false });
      await page.getByRole('link', { name: 'medals', exact: true }).first().click();
      await page.getByRole('heading', { name: 'medals', level: 1 }).waitFor();
      const form = page.getByRole('form', { name: 'Save as a question' });
      await form.getByRole('button', { name: /^Save question without SQL/ }).waitFor();
      // From the keyboard: SQL in the runner, the shortcut to the question, the shortcut again saves.
      await typeInEditor(page, 'SQL', `SELECT nations FROM ${RENAMED} WHERE gold > 10`);
      await page.keyboard.press(SAVE_QUESTION);
      const field = form.getByLabel('Question');
      assert.equal(await field.evaluate((el) => el === document.activeElement), true);
      await page.keyboard.type(WRITTEN);
      await form.getByRole('button', { name: /^Save as question/ }).waitFor();
      await page.keyboard.press(SAVE_QUESTION);
      // SQL that does not run is refused, with the database's error under the editor.
      const refusal = page.getByTestId('question-sql-error');
      await refusal.waitFor();
      assert.match((await refusal.textContent()) ?? '', /^Not saved as a question: the SQL does not run: .*nations/);
      assert.equal(await field.inputValue(), WRITTEN);
      await screenshot('35-write-question-sql-refused');
      // Fixed in the editor, saved from there.
      await typeInEditor(page, 'SQL', WRITTEN_SQL);
      await page.keyboard.press(SAVE_QUESTION);
      const saved = form.getByTestId('question-saved');
      await saved.waitFor();
      const text = (await saved.textContent()) ?? '';
      assert.match(text, /^Saved as question \d+: its SQL returned 2 rows\.$/);
      written = /question (\d+)/.exec(text)?.[1] ?? '';
      // Ready for the next question, with the SQL still in the runner.
      assert.equal(await field.inputValue(), '');
      assert.equal(await page.getByRole('textbox', { name: 'SQL', exact: true }).textContent(), WRITTEN_SQL);
      await screenshot('36-question-saved');
    });

    await step('written-question-history', async () => {
      await page.getByTestId('question-saved').getByRole('link', { name: `question ${written}` }).click();
      const drawer = page.getByRole('dialog', { name: `Question #${written}` });
      await drawer.getByTestId('history-question').getByText(WRITTEN).waitFor();
      // The SQL is the question's first candidate, written by a person and run: 2 rows.
      const candidates = drawer.getByRole('region', { name: 'SQL candidates' });
      await candidates.getByRole('heading', { name: 'SQL candidates (1)' }).waitFor();
      const card = candidates.getByRole('listitem');
      await card.getByText('human', { exact: true }).waitFor();
      await card.getByText(ADMIN_EMAIL).waitFor();
      assert.equal(await card.getByTestId('sql-code').textContent(), WRITTEN_SQL);
      await card.getByText(/^2 rows/).waitFor();
      // The list behind the drawer has it too.
      await page.getByRole('link', { name: WRITTEN }).waitFor();
      await screenshot('37-written-question-history');
    });

    await step('write-duplicate-question', async () => {
      await page.goBack();
      await page.getByRole('heading', { name: 'medals', level: 1 }).waitFor();
      const form = page.getByRole('form', { name: 'Save as a question' });
      // The same question in other case and spacing, without SQL this time.
      const again = WRITTEN.toLowerCase().replace('ten ', 'ten  ');
      await form.getByLabel('Question').fill(again);
      await form.getByRole('button', { name: /^Save question without SQL/ }).click();
      const duplicate = form.getByTestId('question-duplicate');
      await duplicate.waitFor();
      assert.match((await duplicate.textContent()) ?? '', new RegExp(`already asked about this database \\(question ${written}\\)`));
      await duplicate.getByRole('link', { name: `question ${written}` }).waitFor();
      // Nothing typed is lost.
      assert.equal(await form.getByLabel('Question').inputValue(), again);
      await screenshot('38-duplicate-question');
    });
  });
});
