// End-to-end test of the whole human-in-the-loop cycle on real Spider data, each role in its own session:
// the lead (the bootstrap admin) creates a project, imports a Spider zip (concert_singer, built here from
// the repository's sample dataset), computes the dataset metrics (lexical fallback), sets the loop policy to
// dual-annotate every answer, runs an agent batch, adds an annotator and a reviewer; the annotator
// writes the right SQL for a question the fake agent got wrong ("disagreed"); the reviewer sees all three
// candidates (the imported reference, the agent's, the annotator's), compares the reference with the
// annotator's SQL and accepts the reference — neither A nor B — with an error type from the keyboard;
// the lead reads cycle 0's disagreement rate (with its interval) on the Dashboard, finds the question by
// error type with its history, has the model propose guideline edits from the disagreement, edits the
// proposal and saves it as the first guidelines, and the Dashboard shows cycle 1.
// Same environment as shell.e2e.mjs, plus GOLDSET_E2E_LLM=1: the server's fake model answers every
// question with `SELECT count(*) FROM <first table>` and drafts a proposal that adds one rule
// (server/browser_test.go). The Spider folder is
// the repository's testdata/sample/spider (GOLDSET_E2E_SPIDER overrides it).
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { addMember, ADMIN_EMAIL, ADMIN_PASSWORD, createUser, isMac, skipUnlessConfigured, typeInEditor, uniqueSuffix, until } from './harness.mjs';
import { browserSpec, hasSpider, importSpider, newProject, saveFullDualShare, signInAs as signInAsIn, SPIDER, spiderZip } from './spec.mjs';

const MOD = isMac ? 'Meta' : 'Control';
const WITH_LLM = process.env.GOLDSET_E2E_LLM === '1';
const DB = 'concert_singer';

// Questions whose right answer is not the fake agent's row count, with that answer written for PostgreSQL.
const ANSWERS = {
  'Show name, country, age for all singers ordered by age from the oldest to the youngest.': 'SELECT name, country, age FROM singer ORDER BY age DESC',
  'What are all distinct countries where singers above age 20 are from?': 'SELECT DISTINCT country FROM singer WHERE age > 20',
  'Show all countries and the number of singers in each country.': 'SELECT country, count(*) FROM singer GROUP BY country',
};

const suffix = uniqueSuffix();
const projectName = `E2E whole loop ${suffix}`;
const ANNOTATOR = { email: `annotator-${suffix}@example.com`, name: 'Whole Loop Annotator', password: 'annotator-password-1' };
const REVIEWER = { email: `reviewer-${suffix}@example.com`, name: 'Whole Loop Reviewer', password: 'reviewer-password-1' };

const skip = skipUnlessConfigured || (!WITH_LLM && 'needs GOLDSET_E2E_LLM=1 (a fake model)') || (!hasSpider && `no Spider dataset at ${SPIDER}`);

let projectUrl = '';
let zipPath = '';

const { open, page, screenshot, step, tab } = browserSpec('wholeloop-', {
  prepare: (dir) => {
    zipPath = spiderZip(dir, DB, (q) => q in ANSWERS, Object.keys(ANSWERS).length);
  },
});

const signInAs = (who) => signInAsIn(page, who, projectUrl, projectName);

describe('Goldset whole loop on Spider data', { skip }, () => {
  open();

  it('goes from import to a disagreement, its review, the dashboard and the next cycle', async () => {
    await step('project', async () => {
      ({ url: projectUrl } = await newProject(page, projectName));
    });

    await step('import-spider', async () => {
      const summary = await importSpider(page, zipPath);
      assert.match((await summary.textContent()) ?? '', /3 questions read: 3 imported/);
      await summary.getByRole('link', { name: DB }).waitFor();
      await screenshot('70-wholeloop-import');
    });

    await step('metrics', async () => {
      // The imported gold SQL, measured: all three questions read singer only, one of concert_singer's
      // four tables, each with its own pattern. The e2e server has no embeddings model: lexical fallback.
      await tab('Metrics');
      await page.getByText('No metrics computed yet').waitFor();
      await page.getByRole('button', { name: 'Compute metrics' }).click();
      const table = page.getByRole('table', { name: 'Metrics per stage' });
      await table.waitFor({ timeout: 60_000 });
      const row = table.getByTestId('stage-row-0');
      assert.match((await row.getByTestId('nlqs').textContent()) ?? '', /^3$/);
      assert.match((await row.getByTestId('tables').textContent()) ?? '', /^1\/4\s*25%$/);
      assert.match((await row.getByTestId('patterns').textContent()) ?? '', /^3$/);
      assert.match((await page.getByTestId('embedding').textContent()) ?? '', /lexical fallback \(hashed character n-grams\), not a semantic embedding model/);
      // Per-table counts when the server reports them; otherwise the unused tables are named.
      await page.getByRole('img', { name: /^Queries using each table, per stage .*(singer: \S+ 3|stadium: \S+ unused)/ }).waitFor();
      await page.getByRole('table', { name: 'Metric computations' }).getByText('Succeeded').waitFor();
      await screenshot('70b-wholeloop-metrics');
    });

    await step('policy', async () => {
      await saveFullDualShare(page);
    });

    await step('agent-batch', async () => {
      await tab('Batches');
      await page.getByRole('form', { name: 'New agent batch' }).getByRole('button', { name: 'Start batch' }).click();
      await page.getByRole('heading', { name: /Agent batch #\d+/ }).waitFor();
      await page.getByTestId('progress-figures').getByText('3 / 3').waitFor({ timeout: 60_000 });
      await page.getByText('Succeeded').first().waitFor({ timeout: 30_000 });
      await screenshot('71-wholeloop-batch');
    });

    await step('people', async () => {
      await createUser(page, ANNOTATOR);
      await createUser(page, REVIEWER);
      await page.goto(projectUrl);
      await addMember(page, ANNOTATOR.email, 'annotator');
      await addMember(page, REVIEWER.email, 'reviewer');
    });

    let answer = '';
    await step('annotate-disagreement', async () => {
      await signInAs(ANNOTATOR);
      await tab('Annotate');
      await page.getByRole('button', { name: 'Start annotating' }).click();
      const question = ((await page.getByTestId('question').textContent()) ?? '').trim();
      answer = ANSWERS[question];
      assert.ok(answer, `an annotation item for one of the imported questions, got "${question}"`);
      await page.getByRole('complementary', { name: 'Schema' }).getByRole('button', { name: 'singer', exact: true }).waitFor();
      await typeInEditor(page, 'Your SQL', answer);
      await page.keyboard.press(`${MOD}+Enter`);
      await page.getByRole('region', { name: 'Query result' }).waitFor();
      assert.equal(await page.getByTestId('query-error').count(), 0, 'the right SQL runs');
      await page.keyboard.press(`${MOD}+s`);
      const outcome = page.getByTestId('outcome');
      await outcome.waitFor();
      assert.match((await outcome.getByTestId('verdict').textContent()) ?? '', /DISAGREED/);
      assert.equal((await outcome.getByTestId('agreement').textContent())?.trim(), 'You disagreed with the agent.');
      assert.match((await outcome.getByTestId('sql-code').first().textContent()) ?? '', /count\(\*\)/i);
      await screenshot('72-wholeloop-disagreed');
    });

    await step('review', async () => {
      await signInAs(REVIEWER);
      await tab('Review');
      await page.getByRole('button', { name: 'Start reviewing' }).click();
      await page.getByTestId('question').waitFor();
      await page.getByRole('region', { name: 'Review item' }).getByText('Disagreement', { exact: true }).waitFor();
      await page.getByTestId('review-results').waitFor();
      // Every SQL of the question, each named by who wrote it.
      const list = page.getByRole('region', { name: 'Candidates' });
      await list.getByRole('listitem', { name: 'Reference' }).waitFor();
      await list.getByRole('listitem', { name: 'Agent' }).waitFor();
      await list.getByRole('listitem', { name: ANNOTATOR.email }).waitFor();
      await screenshot('73-wholeloop-review');
      // B is the annotator's SQL; B pressed, then the reference compared with it and accepted instead.
      await page.keyboard.press('b');
      await page.getByRole('group', { name: 'Decision' }).getByRole('button', { name: /^Accept B/, pressed: true }).waitFor();
      await list.getByRole('listitem', { name: 'Reference' }).getByRole('button', { name: 'Left' }).click();
      const results = page.getByTestId('review-results');
      await results.getByRole('region', { name: 'Result of Reference' }).waitFor();
      await results.getByRole('region', { name: `Result of ${ANNOTATOR.email}` }).waitFor();
      await page.getByRole('button', { name: 'Accept Reference' }).click();
      assert.equal((await page.getByTestId('accept-choice').textContent())?.trim(), 'Accept Reference’s SQL as the gold.');
      await screenshot('73b-wholeloop-review-third');
      // 1 is the first error type (schema linking); Ctrl-S decides.
      await page.keyboard.press('1');
      assert.equal(await page.getByLabel('Error type (1–9)').inputValue(), 'schema_linking');
      await page.keyboard.press(`${MOD}+s`);
      await page.getByText('Decision saved').waitFor();
      await page.getByText('Nothing to review').waitFor();
    });

    await step('dashboard-cycle-0', async () => {
      await signInAs({ email: ADMIN_EMAIL, password: ADMIN_PASSWORD });
      await tab('Dashboard');
      const cycles = page.getByRole('table', { name: 'Cycles' });
      const v0 = cycles.getByTestId('cycle-0');
      await v0.getByTestId('disagreement').getByText('100%', { exact: true }).waitFor();
      // One comparison: its 95% interval is wide, and it says so.
      assert.match((await v0.getByTestId('disagreement').textContent()) ?? '', /95% CI 20\.7%–100%, n=1/);
      assert.match((await page.getByTestId('headline').textContent()) ?? '', /Disagreement in v0\s*100%\s*1 of 1 comparisons/);
      assert.match((await v0.textContent()) ?? '', /Schema linking\s*1/);
      await page.getByRole('img', { name: /Disagreement rate per cycle/ }).waitFor();
      const annotator = page.getByRole('table', { name: 'Annotators' }).getByRole('row', { name: new RegExp(ANNOTATOR.email) });
      assert.match((await annotator.textContent()) ?? '', /0% \(0\/1\)/);
      await screenshot('74-wholeloop-dashboard');
    });

    await step('question-history', async () => {
      await tab('Questions');
      await page.getByLabel('Error type').selectOption('schema_linking');
      await page.waitForURL(/error_type=schema_linking/);
      // The filtered list replaces the whole one: wait for it, not for the first row of either.
      const rows = page.getByRole('table', { name: 'Questions' }).getByRole('row');
      await until(async () => (await rows.count()) === 2, 'one question was decided as schema linking (a header and one row)');
      const row = rows.nth(1);
      await row.getByText('Accepted').waitFor();
      await row.getByRole('link').first().click();
      const drawer = page.getByRole('dialog', { name: /^Question #\d+$/ });
      const timeline = drawer.getByTestId('timeline');
      assert.match((await timeline.locator('.timeline-review').textContent()) ?? '', /Reviewed: Accept \(#\d+ · imported.*Schema linking/);
      assert.match((await timeline.locator('.timeline-comparison').textContent()) ?? '', /no match/);
      assert.match((await drawer.getByRole('region', { name: 'Gold SQL' }).textContent()) ?? '', /#\d+ · imported/);
      assert.match(page.url(), /\/questions\/\d+\?error_type=schema_linking$/);
      await screenshot('75-wholeloop-history');
      await screenshot('75b-wholeloop-timeline', drawer.getByRole('region', { name: 'Timeline' }));
      await page.keyboard.press('Escape');
      await drawer.waitFor({ state: 'detached' });
    });

    await step('proposal', async () => {
      await tab('Guidelines');
      await page.getByRole('link', { name: 'Propose from disagreements' }).click();
      await page.getByRole('form', { name: 'Propose edits' }).getByRole('button', { name: 'Propose edits' }).click();
      const proposal = page.getByTestId('proposal');
      await proposal.waitFor({ timeout: 60_000 });
      const cause = proposal.getByRole('table', { name: 'Recurring causes' }).getByRole('row').nth(1);
      assert.match((await cause.textContent()) ?? '', /^1Counting instead of listing/);
      await proposal.getByTestId('guideline-diff').getByText('## R: Answer with what the question asks for').waitFor();
      assert.equal(await proposal.getByLabel('What changed').inputValue(), 'Proposal from 1 disagreement');
      await screenshot('76-wholeloop-proposal');
    });

    await step('edit-and-save-guidelines', async () => {
      await page.getByRole('button', { name: 'Edit before saving' }).click();
      const form = page.getByRole('form', { name: 'Edit guidelines' });
      const text = form.getByLabel('Guidelines (markdown)');
      const proposed = await text.inputValue();
      assert.match(proposed, /## R: Answer with what the question asks for/);
      await text.fill(`${proposed}Check the result's columns against the question before submitting.\n`);
      assert.equal(await form.getByLabel('What changed').inputValue(), 'Proposal from 1 disagreement');
      await form.getByRole('button', { name: 'Save version 1' }).click();
      await page.getByText('Saved version 1 — new rules: R1').waitFor();
      await page.getByRole('list', { name: 'Rules' }).getByText('Answer with what the question asks for').waitFor();
    });

    await step('dashboard-cycle-1', async () => {
      await tab('Dashboard');
      const v1 = page.getByRole('table', { name: 'Cycles' }).getByTestId('cycle-1');
      await v1.getByText('Proposal from 1 disagreement').waitFor();
      assert.equal((await v1.getByTestId('disagreement').textContent())?.trim(), '—');
      assert.match((await page.getByTestId('headline').textContent()) ?? '', /v1 is current and has no comparisons yet/);
      await screenshot('77-wholeloop-cycle-1');
    });
  });
});
