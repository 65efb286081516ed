// End-to-end test of the annotation loop without a language model: as admin, create a project, import a
// table and a question, set the loop policy (share 100%), plan annotation, add a reviewer; as the reviewer
// (the importer may not annotate their own question), annotate the question from the
// keyboard (draft restored after a reload, Ctrl-Enter preview, Ctrl-S submit → "no agent"), see the
// outcome, N → nothing left to annotate, and the Review tab's empty queue.
// Same environment as shell.e2e.mjs: GOLDSET_E2E_URL, GOLDSET_E2E_ADMIN_EMAIL, GOLDSET_E2E_ADMIN_PASSWORD,
// optional CHROMIUM_PATH and GOLDSET_E2E_SCREENSHOTS.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { addMember, createUser, importCsv, isMac, signIn, signOut, skipUnlessConfigured, uniqueSuffix } from './harness.mjs';
import { browserSpec, saveFullDualShare } from './spec.mjs';

const suffix = uniqueSuffix();
const projectName = `E2E loop ${suffix}`;
const MOD = isMac ? 'Meta' : 'Control';

const CITIES_CSV = ['name,country,population', 'Oslo,Norway,700000', 'Bergen,Norway,285000', 'Lyon,France,520000', ''].join('\n');
const QUESTION = 'How many cities are in Norway?';
const QUESTIONS_CSV = ['question', `"${QUESTION}"`, ''].join('\n');
// The admin imports the question, and nobody annotates a question they wrote: a reviewer annotates it.
const REVIEWER_EMAIL = `loop-${suffix}@example.com`;
const REVIEWER_PASSWORD = 'reviewer-password-1';
const ANSWER = "SELECT count(*) FROM cities WHERE country = 'Norway'";

const { file, newProjectStep, open, page, screenshot, step, tab } = browserSpec('loop-', {
  files: { 'cities.csv': CITIES_CSV, 'questions.csv': QUESTIONS_CSV },
});

describe('Goldset annotation loop', { skip: skipUnlessConfigured }, () => {
  open();

  it('plans, annotates from the keyboard and finds the review queue empty', async () => {
    await newProjectStep(projectName);

    await step('import', async () => {
      await importCsv(page, file('cities.csv'));
      await page.getByTestId('import-summary').getByRole('link', { name: 'cities' }).waitFor();
      await tab('Overview');
      await tab('Databases');
      const form = page.getByRole('form', { name: 'Import' });
      await form.getByLabel('Questions CSV').check();
      await form.getByLabel('Target database').selectOption('cities');
      await form.getByLabel('File', { exact: true }).setInputFiles(file('questions.csv'));
      await form.getByRole('button', { name: 'Import' }).click();
      assert.match((await page.getByTestId('import-summary').textContent()) ?? '', /1 question read/);
    });

    await step('policy-and-plan', async () => {
      await saveFullDualShare(page);
      const plan = page.getByRole('form', { name: 'Plan annotation' });
      await plan.getByRole('button', { name: 'Plan annotation' }).click();
      const result = plan.getByTestId('plan-result');
      await result.waitFor();
      assert.match((await result.textContent()) ?? '', /1 new questions considered · 1 in the 100% share · 1 items created/);
      await screenshot('60-loop-policy');
    });

    let projectUrl = '';
    await step('add-reviewer', async () => {
      projectUrl = page.url().replace(/\/$/, '');
      await createUser(page, { email: REVIEWER_EMAIL, name: 'Loop Reviewer', password: REVIEWER_PASSWORD });
      await page.goto(projectUrl);
      await addMember(page, REVIEWER_EMAIL, 'reviewer');
      await signOut(page);
      await signIn(page, REVIEWER_EMAIL, REVIEWER_PASSWORD);
      await page.goto(projectUrl);
      await page.getByRole('heading', { name: projectName, level: 1 }).waitFor();
    });

    await step('claim', async () => {
      await tab('Annotate');
      await page.getByRole('button', { name: 'Start annotating' }).click();
      await page.getByTestId('question').getByText(QUESTION).waitFor();
      await page.getByRole('complementary', { name: 'Schema' }).getByRole('button', { name: 'cities', exact: true }).waitFor();
      await screenshot('61-annotate');
    });

    await step('draft-survives-reload', async () => {
      const editor = page.getByRole('textbox', { name: 'Your SQL', exact: true });
      await editor.click();
      await page.keyboard.type(ANSWER);
      await page.keyboard.press('Escape');
      await page.reload();
      // Asking again while holding the claim gives the same item back, with the draft.
      await page.getByRole('button', { name: 'Start annotating' }).click();
      await page.getByText('Restored your draft for this item.').waitFor();
      assert.equal(await page.getByRole('textbox', { name: 'Your SQL', exact: true }).textContent(), ANSWER);
    });

    await step('preview-and-submit', async () => {
      await page.getByRole('textbox', { name: 'Your SQL', exact: true }).click();
      await page.keyboard.press(`${MOD}+Enter`);
      await page.getByRole('region', { name: 'Query result' }).getByRole('cell', { name: '2', exact: true }).waitFor();
      await page.keyboard.press(`${MOD}+s`);
      const outcome = page.getByTestId('outcome');
      await outcome.waitFor();
      assert.match((await outcome.getByTestId('verdict').textContent()) ?? '', /NO AGENT/);
      assert.match((await outcome.textContent()) ?? '', /The agent has no SQL for this question/);
      // The annotator's own tally counts the answer just given.
      await page.getByTestId('annotation-progress').getByText(/you answered 1 and skipped 0/).waitFor();
      await screenshot('62-annotate-outcome');
    });

    await step('next-is-empty', async () => {
      await page.keyboard.press('n');
      await page.getByText('Nothing to annotate right now').waitFor();
      await screenshot('63-annotate-empty');
    });

    await step('review-empty', async () => {
      await tab('Review');
      await page.getByRole('button', { name: 'Start reviewing' }).click();
      await page.getByText('Nothing to review').waitFor();
      await screenshot('64-review-empty');
    });
  });
});
